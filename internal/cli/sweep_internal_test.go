package cli

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOpenIndicators checks that an indicator file, read (in parts on
// several goroutines, however the size falls on the parts' boundaries)
// or mapped, gives the file's bytes.
func TestOpenIndicators(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	for _, size := range []int{0, 1, mapMin - 1, mapMin, 4<<20 - 1, 4 << 20, 6<<20 + 12345} {
		want := make([]byte, size)
		for i := range want {
			want[i] = byte(r.Uint32())
		}
		name := filepath.Join(dir, "f")
		if err := os.WriteFile(name, want, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, jobs := range []int{1, 2, 3, 8} {
			x, err := openIndicators(name, jobs)
			if err != nil {
				t.Fatalf("openIndicators(%d bytes, %d) error %v", size, jobs, err)
			}
			if !bytes.Equal(x.data, want) {
				t.Errorf("openIndicators(%d bytes, %d) = %d bytes, not the file's", size, jobs, len(x.data))
			}
			if mapped := x.f != nil; mapped != (size >= mapMin) {
				t.Errorf("openIndicators(%d bytes): mapped %v", size, mapped)
			}
			if err := x.check(); err != nil {
				t.Errorf("check of an unchanged file: %v", err)
			}
		}
	}
	if _, err := openIndicators(filepath.Join(dir, "missing"), 2); err == nil {
		t.Errorf("openIndicators(missing file) = nil error, want one")
	}
}

// TestIndicatorsChanged checks that a mapped file written in place is
// told apart from one replaced by renaming another over it.
func TestIndicatorsChanged(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "iocs.txt")
	line := []byte("198.51.100.7\n")
	data := bytes.Repeat(line, mapMin/len(line)+1)
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	x, err := openIndicators(name, 2)
	if err != nil {
		t.Fatal(err)
	}
	if x.f == nil {
		t.Skip("files are not mapped here")
	}
	// Replaced by renaming: the mapping is of the old file, unchanged.
	if err := os.WriteFile(name+".new", line, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(name+".new", name); err != nil {
		t.Fatal(err)
	}
	if err := x.check(); err != nil {
		t.Errorf("check after a rename over the file: %v", err)
	}
	if !bytes.Equal(x.data, data) {
		t.Errorf("the mapping changed after a rename over the file")
	}

	// Written in place (appended to, then touched with the same size).
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if x, err = openIndicators(name, 2); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(line); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := x.check(); err == nil || !bytes.Contains([]byte(err.Error()), []byte("written while in use")) {
		t.Errorf("check after an append = %v, want 'written while in use'", err)
	}
	if x, err = openIndicators(name, 2); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(name, later, later); err != nil {
		t.Fatal(err)
	}
	if err := x.check(); err == nil {
		t.Errorf("check after the modification time changed = nil, want an error")
	}
}
