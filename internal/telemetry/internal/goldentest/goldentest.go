// Package goldentest holds what the readers' golden-file tests share:
// decoding a sample line by line and comparing a result with its golden
// JSON file, or rewriting the file under -update.
package goldentest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// Entry is one record of a golden file: an event or the error of a line.
type Entry struct {
	Line  int64            `json:"line"`
	Event *telemetry.Event `json:"event,omitempty"`
	Error string           `json:"error,omitempty"`
}

// DecodeLines decodes every line of the file at path with d, one Entry per
// event or error; lines that carry no event are left out.
func DecodeLines(t testing.TB, path string, d telemetry.Decoder) []Entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := int64(1); sc.Scan(); n++ {
		ev := telemetry.Event{Source: telemetry.Source{File: filepath.Base(path), Line: n, Length: len(sc.Bytes())}}
		ok, err := d.Decode(sc.Bytes(), &ev)
		switch {
		case err != nil:
			out = append(out, Entry{Line: n, Error: err.Error()})
		case ok:
			out = append(out, Entry{Line: n, Event: &ev})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Compare checks got, as indented JSON, against the golden file; with
// update it rewrites the file instead. source names what got was made from.
func Compare(t testing.TB, golden, source string, got any, update bool) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(b)); diff != "" {
		t.Errorf("decoded %s differs from %s (-want +got):\n%s", source, golden, diff)
	}
}
