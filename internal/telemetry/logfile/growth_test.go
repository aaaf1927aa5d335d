package logfile_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

func hexSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestPrefixKeys checks that a grown input recognises its earlier, shorter
// self: the key PrefixKeys gives for the old HeadLen is the old Key.
func TestPrefixKeys(t *testing.T) {
	line := strings.SplitAfter(eveLines, "\n")[0]
	big := strings.Repeat(line, 400) // > 64 KiB
	tests := []struct {
		name     string
		old, now string
	}{
		{"small grows", eveLines, eveLines + line},
		{"small grows past 64 KiB", eveLines, eveLines + big},
		{"half line completed", eveLines[:len(eveLines)-30], eveLines + line},
		{"tsv grows", tsvLog[:strings.Index(tsvLog, "#close")], tsvLog},
	}
	for _, tt := range tests {
		for _, zip := range []bool{false, true} {
			open := func(s string) *logfile.Reader {
				var in io.Reader = strings.NewReader(s)
				if zip {
					in = bytes.NewReader(gz(t, s))
				}
				r, err := logfile.NewReader("x", in, logfile.Options{Format: "eve"})
				if err != nil {
					t.Fatalf("NewReader = %v", err)
				}
				return r
			}
			old, now := open(tt.old), open(tt.now)
			if want := min(len(tt.old), logfile.HeadSize); old.HeadLen() != want {
				t.Errorf("%s (gzip %v): HeadLen() = %d, want %d", tt.name, zip, old.HeadLen(), want)
			}
			oldLen := int64(old.HeadLen())
			keys := now.PrefixKeys([]int64{oldLen, 1, oldLen, int64(now.HeadLen()) + 1, -1})
			want := map[int64]string{
				oldLen: old.Key(),
				1:      hexSum([]byte(tt.now[:1])),
			}
			if diff := cmp.Diff(want, keys); diff != "" {
				t.Errorf("%s (gzip %v): PrefixKeys (-want +got):\n%s", tt.name, zip, diff)
			}
			if now.Key() == old.Key() {
				t.Errorf("%s (gzip %v): grown input has the old key", tt.name, zip)
			}
		}
	}
	// Two different inputs sharing their first lines do not match.
	a := newReader(t, "a.log", tsvLog, logfile.Options{})
	b := newReader(t, "b.log", strings.Replace(tsvLog, "a.example", "z.example", 1), logfile.Options{})
	if k := b.PrefixKeys([]int64{int64(a.HeadLen())})[int64(a.HeadLen())]; k == a.Key() {
		t.Errorf("PrefixKeys of a different input with the same header = %s, the other's key", k)
	}
	// Every length up to the head: one pass, each the digest of its prefix.
	r := newReader(t, "s", eveLines, logfile.Options{})
	var all []int64
	for l := range int64(len(eveLines)) + 1 {
		all = append(all, l)
	}
	keys := r.PrefixKeys(all)
	for _, l := range all {
		if keys[l] != hexSum([]byte(eveLines[:l])) {
			t.Fatalf("PrefixKeys()[%d] = %s, want sha256 of the first %d bytes", l, keys[l], l)
		}
	}
	if keys[int64(r.HeadLen())] != r.Key() {
		t.Errorf("PrefixKeys at HeadLen = %s, want Key %s", keys[int64(r.HeadLen())], r.Key())
	}
}

// TestUnterminatedLastLine checks that a final line without a newline is
// decoded but left out of Offset and Line, so a resume reads it again once
// it is complete.
func TestUnterminatedLastLine(t *testing.T) {
	lines := strings.SplitAfter(eveLines, "\n")
	tests := []struct {
		name, content string
		want          []string // each result's domain, or "error"
		tail          int
	}{
		{"complete file without final newline", eveLines[:len(eveLines)-1], []string{"a.example", "b.example", "c.example"}, len(lines[2]) - 1},
		{"half-written JSON", lines[0] + lines[1] + lines[2][:60], []string{"a.example", "b.example", "error"}, 60},
		{"only a half line", lines[0][:20], []string{"error"}, 20},
		{"CR written, LF not yet", lines[0] + strings.TrimSuffix(lines[1], "\n") + "\r", []string{"a.example", "b.example"}, len(lines[1])},
		{"terminated", eveLines, []string{"a.example", "b.example", "c.example"}, 0},
	}
	for _, tt := range tests {
		r := newReader(t, "eve.json", tt.content, logfile.Options{})
		got := drain(t, r)
		var domains []string
		for _, g := range got {
			if g.Err != "" {
				domains = append(domains, "error")
			} else {
				domains = append(domains, g.Domain)
			}
		}
		if diff := cmp.Diff(tt.want, domains); diff != "" {
			t.Errorf("%s: results (-want +got):\n%s", tt.name, diff)
			continue
		}
		if r.Tail() != int64(tt.tail) || r.Offset()+r.Tail() != int64(len(tt.content)) {
			t.Errorf("%s: Offset, Tail = %d, %d, want %d, %d", tt.name, r.Offset(), r.Tail(), len(tt.content)-tt.tail, tt.tail)
		}
		wantLines := int64(len(tt.want))
		if tt.tail > 0 {
			wantLines--
			last := got[len(got)-1].Source
			if last.Line != r.Line()+1 || last.Offset != r.Offset() {
				t.Errorf("%s: unterminated line's source %+v, want line %d at offset %d", tt.name, last, r.Line()+1, r.Offset())
			}
		}
		if r.Line() != wantLines {
			t.Errorf("%s: Line() = %d, want %d", tt.name, r.Line(), wantLines)
		}
		// The writer finishes the line and appends one more: resuming at
		// Offset/Line reads the finished line whole, then the new one.
		grown := eveLines + lines[0]
		if !strings.HasPrefix(grown, tt.content) {
			continue
		}
		for _, zip := range []bool{false, true} {
			var in io.Reader = strings.NewReader(grown)
			if zip {
				in = bytes.NewReader(gz(t, grown))
			}
			rr, err := logfile.NewReader("eve.json", in, logfile.Options{Offset: r.Offset(), Line: r.Line()})
			if err != nil {
				t.Fatalf("%s: resume at %d/%d: %v", tt.name, r.Offset(), r.Line(), err)
			}
			full := drain(t, newReader(t, "eve.json", grown, logfile.Options{}))
			if diff := cmp.Diff(full[r.Line():], drain(t, rr), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s (gzip %v): resumed read of the grown file differs from a full read's tail (-want +got):\n%s", tt.name, zip, diff)
			}
		}
	}
}

// TestUnterminatedLineIsLast checks that the reader stops after an
// unterminated line even if the file grows meanwhile: its rest would
// otherwise be read as a line of its own.
func TestUnterminatedLineIsLast(t *testing.T) {
	lines := strings.SplitAfter(eveLines, "\n")
	src := &growing{data: []byte(lines[0] + lines[1][:50])}
	r, err := logfile.NewReader("eve.json", src, logfile.Options{Format: "eve"})
	if err != nil {
		t.Fatal(err)
	}
	got := drain(t, r) // reads line 1 and the half of line 2, then EOF
	src.data = append(src.data, lines[1][50:]+lines[2]...)
	got = append(got, drain(t, r)...)
	if len(got) != 2 || got[0].Domain != "a.example" || got[1].Err == "" {
		t.Errorf("results = %+v, want a.example and one error, nothing after", got)
	}
	if r.Offset() != int64(len(lines[0])) || r.Tail() != 50 {
		t.Errorf("Offset, Tail = %d, %d, want %d, 50", r.Offset(), r.Tail(), len(lines[0]))
	}
}

// growing is a reader over data that may grow between reads, like a log
// file being written: at its end it returns io.EOF, later maybe more.
type growing struct {
	data []byte
	off  int
}

func (g *growing) Read(p []byte) (int, error) {
	if g.off >= len(g.data) {
		return 0, io.EOF
	}
	n := copy(p, g.data[g.off:])
	g.off += n
	return n, nil
}
