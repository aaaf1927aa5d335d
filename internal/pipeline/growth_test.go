package pipeline_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/store"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

// cmpOpts compare events as a round trip through the store keeps them.
var cmpOpts = cmp.Options{cmpopts.EquateEmpty(), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })}

// eveLine returns EVE flow line i (with its newline); every third goes to
// the C2 address the fixture's indicator names.
func eveLine(i int) string {
	dst := fmt.Sprintf("198.18.0.%d", i%250+1)
	if i%3 == 0 {
		dst = "203.0.113.9"
	}
	return fmt.Sprintf(`{"timestamp":"2015-09-26T%02d:%02d:%02d.000000+0000","event_type":"flow","src_ip":"198.51.100.7","src_port":%d,"dest_ip":%q,"dest_port":443,"proto":"TCP","flow":{"bytes_toserver":%d,"bytes_toclient":200}}`+"\n",
		(i/3600)%24, (i/60)%60, i%60, 1024+i, dst, 100+i)
}

func eveLines(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		b.WriteString(eveLine(i))
	}
	return b.String()
}

// matchOffsets returns the offsets of the lines of content that the
// fixture's indicator matches: the hits one clean ingest must store.
func matchOffsets(content string) []int64 {
	var out []int64
	var off int64
	for _, l := range strings.SplitAfter(content, "\n") {
		if strings.Contains(l, "203.0.113.9") && strings.HasSuffix(strings.TrimSpace(l), "}") {
			out = append(out, off)
		}
		off += int64(len(l))
	}
	return out
}

func appendFile(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cleanRun ingests content as one fresh file into a fresh store: what
// every sequence of runs over the same final content must add up to.
func cleanRun(t *testing.T, name, content string) pipeline.IngestStats {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	set, dir := fixture(t)
	s, err := pipeline.Ingest(context.Background(), openStore(t, "clean.db"), set, dir, path, pipeline.IngestOptions{})
	if err != nil {
		t.Fatalf("clean Ingest(%s) = %v", name, err)
	}
	return s
}

func checkpointOf(t *testing.T, st store.Store, key string) store.Checkpoint {
	t.Helper()
	cp, err := st.Checkpoint(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// TestIngestSmallFileGrows ingests a file under 64 KiB, appends to it,
// ingests again, then grows it past 64 KiB: each run reads only the new
// lines and the store holds one hit per matching line.
func TestIngestSmallFileGrows(t *testing.T) {
	for _, zip := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", zip), func(t *testing.T) {
			ctx := context.Background()
			set, dir := fixture(t)
			st := openStore(t, "grow.db")
			path := filepath.Join(t.TempDir(), "eve.json")
			if zip {
				path += ".gz"
			}
			// Plain files grow by appending; gzip files by appending a member.
			write := func(s string) []byte {
				if zip {
					return gzipped(t, s)
				}
				return []byte(s)
			}
			if err := os.WriteFile(path, write(eveLines(0, 20)), 0o644); err != nil {
				t.Fatal(err)
			}
			steps := []struct {
				name     string
				to       int // lines after this step
				wantHead int // HeadLen of the grown file
			}{
				{"first run", 20, len(eveLines(0, 20))},
				{"appended, still small", 50, len(eveLines(0, 50))},
				{"appended past 64 KiB", 400, logfile.HeadSize},
				{"appended again", 410, logfile.HeadSize},
			}
			var content string
			var prev pipeline.IngestStats
			for i, step := range steps {
				from := 0
				if i > 0 {
					from = steps[i-1].to
					appendFile(t, path, write(eveLines(from, step.to)))
				}
				content = eveLines(0, step.to)
				s, err := pipeline.Ingest(ctx, st, set, dir, path, pipeline.IngestOptions{BatchLines: 7})
				if err != nil {
					t.Fatalf("%s: Ingest = %v", step.name, err)
				}
				if want := int64(step.to - from); s.Records != want || s.Resumed != int64(len(eveLines(0, from))) {
					t.Errorf("%s: read %d records from byte %d, want %d from %d", step.name, s.Records, s.Resumed, want, len(eveLines(0, from)))
				}
				wantContinued := ""
				if i > 0 && prev.Key != s.Key {
					wantContinued = prev.Key
				}
				if s.Continued != wantContinued {
					t.Errorf("%s: continued %q, want %q", step.name, s.Continued, wantContinued)
				}
				if diff := cmp.Diff(matchOffsets(content), offsets(t, st)); diff != "" {
					t.Errorf("%s: stored hit offsets differ from one per matching line (-want +got):\n%s", step.name, diff)
				}
				cp := checkpointOf(t, st, s.Key)
				if cp.Offset != int64(len(content)) || cp.Line != int64(step.to) || cp.Events != int64(step.to) || cp.HeadLen != int64(step.wantHead) {
					t.Errorf("%s: checkpoint %+v, want offset %d, line %d, %d events, head %d", step.name, cp, len(content), step.to, step.to, step.wantHead)
				}
				prev = s
			}
			// A run over an unchanged file reads nothing.
			s, err := pipeline.Ingest(ctx, st, set, dir, path, pipeline.IngestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Records != 0 || len(offsets(t, st)) != len(matchOffsets(content)) {
				t.Errorf("unchanged file: read %d records, %d hits stored; want 0, %d", s.Records, len(offsets(t, st)), len(matchOffsets(content)))
			}
		})
	}
}

// zeekConn is a Zeek conn.log in TSV with a masked #open line, as zeek's
// btest baselines have: different logs share their header byte for byte.
func zeekConn(lines ...string) string {
	h := "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\tXXXX-XX-XX-XX-XX-XX\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n" +
		"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\n"
	return h + strings.Join(lines, "")
}

func zeekLine(ts int, uid, dst string) string {
	return fmt.Sprintf("14432256%02d.000000\t%s\t198.51.100.7\t%d\t%s\t443\ttcp\n", ts, uid, 40000+ts, dst)
}

// TestIngestSameHeaderDifferentFiles checks that a small file is not taken
// for the continuation of another that shares its first lines.
func TestIngestSameHeaderDifferentFiles(t *testing.T) {
	a := zeekConn(zeekLine(1, "CA1", "203.0.113.9"), zeekLine(2, "CA2", "198.18.0.1"), zeekLine(3, "CA3", "203.0.113.9"))
	b := zeekConn(zeekLine(1, "CB1", "203.0.113.9"), zeekLine(4, "CB2", "203.0.113.9"), zeekLine(5, "CB3", "203.0.113.9"), zeekLine(6, "CB4", "198.18.0.2"))
	tests := []struct {
		name          string
		first, second string
		resumed       int64 // where the second may start: after what it shares
	}{
		{"same header, different lines", a, b, 0},
		{"same first data line", zeekConn(zeekLine(1, "CB1", "203.0.113.9")) + "#close\tXXXX-XX-XX-XX-XX-XX\n", b, 0},
		// The first file is just a header (no connections yet): the second
		// skips the identical header and reads every line after it.
		{"first is only the header", zeekConn(), b, int64(len(zeekConn()))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			set, dir := fixture(t)
			st := openStore(t, "zeek.db")
			d := t.TempDir()
			var stats []pipeline.IngestStats
			for i, content := range []string{tt.first, tt.second} {
				path := filepath.Join(d, fmt.Sprintf("%d", i), "conn.log")
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				s, err := pipeline.Ingest(ctx, st, set, dir, path, pipeline.IngestOptions{})
				if err != nil {
					t.Fatalf("Ingest(%s) = %v", path, err)
				}
				if want := int64(strings.Count(content, "203.0.113.9")); s.Hits != want {
					t.Errorf("Ingest(file %d): %d hits, want %d (every matching line)", i, s.Hits, want)
				}
				stats = append(stats, s)
			}
			if stats[1].Resumed != tt.resumed {
				t.Errorf("second file resumed at %d (continuing %q), want %d", stats[1].Resumed, stats[1].Continued, tt.resumed)
			}
			want := int64(strings.Count(tt.first, "203.0.113.9") + strings.Count(tt.second, "203.0.113.9"))
			if got := len(offsets(t, st)); int64(got) != want {
				t.Errorf("store holds %d hits, want %d", got, want)
			}
			cp := checkpointOf(t, st, stats[1].Key)
			if clean := cleanRun(t, "conn.log", tt.second); cp.Events != clean.Events || cp.Errors != clean.Malformed {
				t.Errorf("second file's checkpoint counts %d events, %d errors; a clean run %d, %d", cp.Events, cp.Errors, clean.Events, clean.Malformed)
			}
		})
	}
}

// TestIngestUnterminatedLastLine ingests a file whose last line is still
// being written, then finishes the line and appends more: the line is
// stored once, parsed whole, and the checkpoint counts what one clean run
// of the final file counts.
func TestIngestUnterminatedLastLine(t *testing.T) {
	big := eveLines(0, 400) // > 64 KiB: the key stays the same as it grows
	whole := func(i int) string { return strings.TrimSuffix(eveLine(i), "\n") }
	tests := []struct {
		name string
		runs []string // the file's content at each run, each extending the one before
	}{
		{"half JSON, small file", []string{eveLines(0, 10) + eveLine(10)[:80], eveLines(0, 14)}},
		{"half JSON, large file", []string{big + eveLine(400)[:80], big + eveLines(400, 404)}},
		{"whole JSON without newline, small file", []string{eveLines(0, 10) + whole(12), eveLines(0, 10) + eveLine(12) + eveLines(13, 15)}},
		{"whole JSON without newline, large file", []string{big + whole(402), big + eveLine(402) + eveLines(403, 405)}},
		{"CR written, not LF", []string{eveLines(0, 10) + whole(12) + "\r", eveLines(0, 10) + whole(12) + "\r\n" + eveLine(13)}},
		// The line grows while still unterminated: each run's provisional
		// hit must go, under whichever key it was stored.
		{"half, more, then whole", []string{eveLines(0, 10) + eveLine(10)[:40], eveLines(0, 10) + eveLine(10)[:90], eveLines(0, 12)}},
		{"whole, CR, then LF", []string{eveLines(0, 10) + whole(12), eveLines(0, 10) + whole(12) + "\r", eveLines(0, 10) + whole(12) + "\r\n" + eveLine(13)}},
		{"truncated Zeek line", []string{
			zeekConn(zeekLine(1, "C1", "203.0.113.9"), zeekLine(2, "C2", "203.0.113.9")[:30]),
			zeekConn(zeekLine(1, "C1", "203.0.113.9"), zeekLine(2, "C2", "203.0.113.9"), zeekLine(3, "C3", "198.18.0.1")),
		}},
		{"complete Zeek line without newline", []string{
			zeekConn(zeekLine(1, "C1", "198.18.0.1"), strings.TrimSuffix(zeekLine(2, "C2", "203.0.113.9"), "\n")),
			zeekConn(zeekLine(1, "C1", "198.18.0.1"), zeekLine(2, "C2", "203.0.113.9"), zeekLine(3, "C3", "203.0.113.9")),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, after := tt.runs[0], tt.runs[len(tt.runs)-1]
			ctx := context.Background()
			set, dir := fixture(t)
			st := openStore(t, "tail.db")
			name := "eve.json"
			if strings.HasPrefix(before, "#") {
				name = "conn.log"
			}
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
				t.Fatal(err)
			}
			first, err := pipeline.Ingest(ctx, st, set, dir, path, pipeline.IngestOptions{BatchLines: 3})
			if err != nil {
				t.Fatal(err)
			}
			tail := int64(len(before) - strings.LastIndexByte(before, '\n') - 1)
			if first.Unterminated != tail || first.Bytes != int64(len(before)) {
				t.Errorf("first run: %d unterminated bytes of %d read, want %d of %d", first.Unterminated, first.Bytes, tail, len(before))
			}
			if cp := checkpointOf(t, st, first.Key); cp.Offset != int64(len(before))-tail {
				t.Errorf("first run's checkpoint at %d, want %d (the end of the last complete line)", cp.Offset, int64(len(before))-tail)
			}
			var last pipeline.IngestStats
			for i, next := range tt.runs[1:] {
				done := tt.runs[i]
				if !strings.HasPrefix(next, done) {
					t.Fatal("bad test: each content must extend the one before")
				}
				appendFile(t, path, []byte(next[len(done):]))
				if last, err = pipeline.Ingest(ctx, st, set, dir, path, pipeline.IngestOptions{BatchLines: 3}); err != nil {
					t.Fatal(err)
				}
			}
			if len(tt.runs) == 2 && (last.Resumed != int64(len(before))-tail || last.Unterminated != 0) {
				t.Errorf("second run resumed at %d with %d unterminated bytes, want %d and 0", last.Resumed, last.Unterminated, int64(len(before))-tail)
			}

			// The store equals one clean run of the final file, hit for hit.
			cleanStore := openStore(t, "clean.db")
			cleanPath := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(cleanPath, []byte(after), 0o644); err != nil {
				t.Fatal(err)
			}
			clean, err := pipeline.Ingest(ctx, cleanStore, set, dir, cleanPath, pipeline.IngestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.Hits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want, err := cleanStore.Hits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				want[i].Event.Source.File = path
			}
			if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("hits after the line was finished differ from a clean run (-clean +got):\n%s", diff)
			}
			cp := checkpointOf(t, st, last.Key)
			if cp.Events != clean.Events || cp.Errors != clean.Malformed || cp.Offset != int64(len(after)) {
				t.Errorf("checkpoint: %d events, %d errors at %d; a clean run of the final file: %d, %d at %d",
					cp.Events, cp.Errors, cp.Offset, clean.Events, clean.Malformed, len(after))
			}
		})
	}
}

// TestIngestNoFinalNewline reads a complete file lacking its last newline
// fully in one run.
func TestIngestNoFinalNewline(t *testing.T) {
	content := strings.TrimSuffix(eveLines(0, 10), "\n") // line 9 matches
	s := cleanRun(t, "eve.json", content)
	if s.Events != 10 || s.Hits != int64(len(matchOffsets(content))) || s.Hits != 4 || s.Malformed != 0 {
		t.Errorf("Ingest = %d events, %d hits, %d malformed; want 10, 4, 0", s.Events, s.Hits, s.Malformed)
	}
}
