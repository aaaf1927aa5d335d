package cli

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestReadPrefaulted checks that reading an indicator file in parts on
// several goroutines gives the file's bytes, whatever the number of parts
// and however the size falls on the parts' boundaries.
func TestReadPrefaulted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4<<20 - 1, 4 << 20, 6<<20 + 12345} {
		want := make([]byte, size)
		for i := range want {
			want[i] = byte(r.Uint32())
		}
		name := filepath.Join(dir, "f")
		if err := os.WriteFile(name, want, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, jobs := range []int{1, 2, 3, 8} {
			got, err := readPrefaulted(name, jobs)
			if err != nil {
				t.Fatalf("readPrefaulted(%d bytes, %d) error %v", size, jobs, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("readPrefaulted(%d bytes, %d) = %d bytes, not the file's", size, jobs, len(got))
			}
		}
	}
	if _, err := readPrefaulted(filepath.Join(dir, "missing"), 2); err == nil {
		t.Errorf("readPrefaulted(missing file) = nil error, want one")
	}
}
