package chunk_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/chunk"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

// record is one outcome of a line, comparable between the readers.
type record struct {
	Line   int64
	Offset int64
	Event  string // the event as JSON, or "" for a malformed line
	Err    string // the error, for a malformed line
}

type result struct {
	Records            []record
	Bytes, Lines, Tail int64
}

func errText(err *telemetry.ParseError) string {
	if errors.Is(err, telemetry.ErrLineTooLong) {
		return "line too long"
	}
	return err.Err.Error()
}

// eventJSON is ev without its line number, which the record carries (the
// chunked reader's is chunk-relative until the merge).
func eventJSON(t *testing.T, ev *telemetry.Event) string {
	e := *ev
	e.Source.Line = 0
	b, err := json.Marshal(&e)
	if err != nil {
		return fmt.Sprintf("%+v", e) // e.g. a year JSON cannot hold
	}
	return string(b)
}

// sequential reads path with logfile.Reader, the reference.
func sequential(t *testing.T, path string, opt logfile.Options) result {
	t.Helper()
	r, err := logfile.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var res result
	for {
		var ev telemetry.Event
		err := r.Next(&ev)
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *telemetry.ParseError
		if errors.As(err, &pe) {
			res.Records = append(res.Records, record{Line: pe.Line, Offset: pe.Offset, Err: errText(pe)})
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		res.Records = append(res.Records, record{Line: ev.Source.Line, Offset: ev.Source.Offset, Event: eventJSON(t, &ev)})
	}
	res.Bytes, res.Lines, res.Tail = r.Offset()+r.Tail(), r.Line(), r.Tail()
	return res
}

// worker records every line's outcome with chunk-relative line numbers.
type worker struct {
	t    *testing.T
	want func([]byte) bool
}

func (w *worker) Want(line []byte) bool { return w.want == nil || w.want(line) }

func (w *worker) Event(c *chunk.Chunk, ev *telemetry.Event) {
	recs, _ := c.Data.([]record)
	c.Data = append(recs, record{Line: ev.Source.Line, Offset: ev.Source.Offset, Event: eventJSON(w.t, ev)})
}

func (w *worker) Malformed(c *chunk.Chunk, pe *telemetry.ParseError) {
	recs, _ := c.Data.([]record)
	c.Data = append(recs, record{Line: pe.Line, Offset: pe.Offset, Err: errText(pe)})
}

// batchWorker is a worker asked about lines in batches (a
// chunk.LinesWanter); it counts the batches and the lines in them.
type batchWorker struct {
	worker
	batches, lines *atomic.Int64
}

func (w *batchWorker) WantLines(lines [][]byte, want []bool) {
	w.batches.Add(1)
	w.lines.Add(int64(len(lines)))
	for i, l := range lines {
		want[i] = w.Want(l)
	}
}

// parallel reads paths with chunk.Run and merges the chunks as a caller
// would.
func parallel(t *testing.T, paths []string, opt chunk.Options) map[string]*result {
	return parallelWith(t, paths, opt, func() chunk.Worker { return &worker{t: t} })
}

// parallelWith is parallel with workers from newWorker.
func parallelWith(t *testing.T, paths []string, opt chunk.Options, newWorker func() chunk.Worker) map[string]*result {
	t.Helper()
	out := map[string]*result{}
	var order []string
	err := chunk.Run(context.Background(), paths, opt, newWorker, func(c *chunk.Chunk) error {
		if c.Err != nil {
			return c.Err
		}
		r := out[c.File]
		if r == nil {
			r = &result{}
			out[c.File] = r
			order = append(order, c.File)
		}
		if c.LineBase != r.Lines {
			t.Errorf("%s chunk %d: LineBase %d, want %d", c.File, c.Index, c.LineBase, r.Lines)
		}
		recs, _ := c.Data.([]record)
		for _, rec := range recs {
			rec.Line += c.LineBase
			r.Records = append(r.Records, rec)
		}
		r.Bytes += c.Bytes
		r.Lines += c.Lines
		r.Tail += c.Tail
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(order, dedupe(paths)) {
		t.Errorf("files came in order %v, want %v", order, paths)
	}
	return out
}

func dedupe(paths []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// samples are real logs of every format, and variants built from them.
func samples(t *testing.T) []string {
	t.Helper()
	var paths []string
	root := "../logfile/testdata/samples"
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 10 {
		t.Fatalf("found %d samples under %s", len(paths), root)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	eve, err := os.ReadFile(filepath.Join(root, "eve", "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(eve, []byte("\n"))
	// CRLF line endings, a malformed line, a blank line, a long line and
	// a final line without a newline.
	var mixed bytes.Buffer
	for i, l := range lines {
		if i%3 == 1 {
			l = bytes.ReplaceAll(l, []byte("\n"), []byte("\r\n"))
		}
		mixed.Write(l)
		if i == 2 {
			mixed.WriteString("{\"timestamp\": broken\n\n   \n")
		}
		if i == 4 {
			long := bytes.TrimRight(l, "\r\n")
			long = append(long[:len(long)-1], []byte(`,"pad":"`+strings.Repeat("x", 3000)+`"}`)...)
			mixed.Write(append(long, '\n'))
			mixed.WriteString("{\"timestamp\":\"2020-01-01T00:00:00Z\",\"event_type\":\"dns\",\"src_ip\":\"not an ip\"}\n")
		}
	}
	write("mixed-eve.json", bytes.TrimRight(mixed.Bytes(), "\r\n"))
	// Zeek TSV with a second header block in the middle (concatenated
	// logs with different fields) and CRLF.
	a, err := os.ReadFile(filepath.Join(root, "zeek-unmasked", "conn.log"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "zeek-unmasked", "dns.log"))
	if err != nil {
		t.Fatal(err)
	}
	write("concat.log", append(append(bytes.Clone(a), b...), a...))
	write("crlf.log", bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	write("tiny.json", lines[0][:len(lines[0])-1])
	write("empty.json", nil)
	// Each sample gzipped too: read as a stream, cut into chunks in
	// memory.
	for i, p := range paths[:len(paths):len(paths)] {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sub := filepath.Join(dir, fmt.Sprint(i)) // the name hints at the format
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		gz := filepath.Join(sub, filepath.Base(p)+".gz")
		writeGzip(t, gz, b)
		paths = append(paths, gz)
	}
	return paths
}

func TestRunMatchesSequential(t *testing.T) {
	paths := samples(t)
	want := map[string]result{}
	for _, p := range paths {
		want[p] = sequential(t, p, logfile.Options{MaxLineSize: 2048})
	}
	var batches, lines atomic.Int64
	for _, size := range []int64{1, 5, 64, 333, 4096, chunk.DefaultSize} {
		for _, jobs := range []int{1, 3} {
			for _, batch := range []bool{false, true} {
				newWorker := func() chunk.Worker { return &worker{t: t} }
				if batch {
					newWorker = func() chunk.Worker { return &batchWorker{worker{t: t}, &batches, &lines} }
				}
				got := parallelWith(t, paths, chunk.Options{Jobs: jobs, Size: size, MaxLineSize: 2048}, newWorker)
				for _, p := range paths {
					g := got[p]
					if g == nil {
						g = &result{}
					}
					if diff := cmp.Diff(want[p], *g); diff != "" {
						t.Errorf("size %d, jobs %d, batches %v: %s differs from the sequential reader (-want +got):\n%s", size, jobs, batch, p, diff)
					}
				}
			}
		}
	}
	if batches.Load() == 0 {
		t.Errorf("no batches asked about")
	}
}

// A plain file of several read steps, with lines too long (longer than a
// step, and longer than the limit) among them, reads the same whether its
// lines are asked about one at a time or in batches, and the batches hold
// many lines.
func TestRunBatches(t *testing.T) {
	eve, err := os.ReadFile("../logfile/testdata/samples/eve/eve.json")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(eve, []byte("\n"))
	var big bytes.Buffer
	for i := 0; big.Len() < 1500<<10; i++ {
		big.Write(lines[i%len(lines)])
		switch i % 900 {
		case 300:
			big.WriteString(`{"pad":"` + strings.Repeat("y", 300<<10) + "\"}\n")
		case 600:
			big.WriteString(`{"pad":"` + strings.Repeat("z", 3000) + "\"}\n")
		}
	}
	path := filepath.Join(t.TempDir(), "big-eve.json")
	if err := os.WriteFile(path, big.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want := sequential(t, path, logfile.Options{MaxLineSize: 2048})
	var batches, asked atomic.Int64
	batchOf := func(keep func([]byte) bool) func() chunk.Worker {
		return func() chunk.Worker { return &batchWorker{worker{t: t, want: keep}, &batches, &asked} }
	}
	dns := func(l []byte) bool { return bytes.Contains(l, []byte(`"dns"`)) }
	for _, size := range []int64{100 << 10, chunk.DefaultSize} {
		opt := chunk.Options{Jobs: 2, Size: size, MaxLineSize: 2048}
		if diff := cmp.Diff(want, *parallelWith(t, []string{path}, opt, batchOf(nil))[path]); diff != "" {
			t.Errorf("size %d, batches: differs from the sequential reader (-want +got):\n%s", size, diff)
		}
		one := parallelWith(t, []string{path}, opt, func() chunk.Worker { return &worker{t: t, want: dns} })[path]
		if len(one.Records) == 0 || len(one.Records) == len(want.Records) {
			t.Fatalf("size %d: %d records of %d kept: want some", size, len(one.Records), len(want.Records))
		}
		if diff := cmp.Diff(*one, *parallelWith(t, []string{path}, opt, batchOf(dns))[path]); diff != "" {
			t.Errorf("size %d: lines declined in batches differ from declined one at a time (-one +batches):\n%s", size, diff)
		}
	}
	if b, l := batches.Load(), asked.Load(); b == 0 || l < 100*b {
		t.Errorf("%d lines in %d batches: want batches of many lines", l, b)
	}
}

// A Worker that declines lines leaves them undecoded and counted; the
// rest decode as before.
func TestRunWant(t *testing.T) {
	p := "../logfile/testdata/samples/eve/eve.json"
	all := sequential(t, p, logfile.Options{})
	var got []record
	var skipped int64
	err := chunk.Run(context.Background(), []string{p}, chunk.Options{Jobs: 2, Size: 100},
		func() chunk.Worker {
			return &worker{t: t, want: func(l []byte) bool { return bytes.Contains(l, []byte(`"event_type":"dns"`)) }}
		},
		func(c *chunk.Chunk) error {
			recs, _ := c.Data.([]record)
			for _, r := range recs {
				r.Line += c.LineBase
				got = append(got, r)
			}
			skipped += c.Skipped
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	var want []record
	for _, r := range all.Records {
		if strings.Contains(r.Event, `"kind":"dns"`) {
			want = append(want, r)
		}
	}
	if len(want) == 0 {
		t.Fatal("sample has no dns events")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dns-only records differ (-want +got):\n%s", diff)
	}
	if skipped == 0 || skipped > all.Lines {
		t.Errorf("skipped %d lines of %d", skipped, all.Lines)
	}
}

func TestRunGzipAndErrors(t *testing.T) {
	dir := t.TempDir()
	src := "../logfile/testdata/samples/eve/eve.json"
	plain, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "eve.json.gz")
	writeGzip(t, gz, plain)
	want := sequential(t, gz, logfile.Options{})
	if len(want.Records) == 0 {
		t.Fatal("no records from the gzip sample")
	}
	got := parallel(t, []string{gz}, chunk.Options{Jobs: 2, Size: 64})
	if diff := cmp.Diff(want, *got[gz]); diff != "" {
		t.Errorf("gzip differs (-want +got):\n%s", diff)
	}
	missing := filepath.Join(dir, "missing.json")
	var errs []error
	err = chunk.Run(context.Background(), []string{missing, src}, chunk.Options{}, func() chunk.Worker { return &worker{t: t} },
		func(c *chunk.Chunk) error {
			if c.Err != nil {
				errs = append(errs, c.Err)
			}
			return nil
		})
	if err != nil || len(errs) != 1 || !errors.Is(errs[0], os.ErrNotExist) {
		t.Errorf("Run(missing, present) = %v with chunk errors %v, want one not-exist error", err, errs)
	}
	stop := fmt.Errorf("stop")
	n := 0
	err = chunk.Run(context.Background(), []string{src, src, src}, chunk.Options{Size: 10}, func() chunk.Worker { return &worker{t: t} },
		func(c *chunk.Chunk) error {
			n++
			return stop
		})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Run with done failing = %v after %d chunks, want stop after 1", err, n)
	}
}

// A named pipe is read as a stream, in chunks decoded in parallel, with
// the results of the sequential reader.
func TestRunPipe(t *testing.T) {
	b, err := os.ReadFile("../logfile/testdata/samples/zeek-unmasked/dns.log")
	if err != nil {
		t.Fatal(err)
	}
	b = append(append(bytes.Clone(b), b...), "#close\tx\n{not zeek}\n"...)
	dir := t.TempDir()
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("no named pipes:", err)
		}
		go func() {
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			f.Write(b)
			f.Close()
		}()
		return p
	}
	p := fifo("dns.log")
	want := sequential(t, p, logfile.Options{MaxLineSize: 300})
	if len(want.Records) < 10 {
		t.Fatalf("only %d records from the pipe", len(want.Records))
	}
	for _, size := range []int64{7, 500, chunk.DefaultSize} {
		fifo("dns.log")
		got := parallel(t, []string{p}, chunk.Options{Jobs: 2, Size: size, MaxLineSize: 300})
		if diff := cmp.Diff(want, *got[p]); diff != "" {
			t.Errorf("size %d: the pipe read in chunks differs from the sequential reader (-want +got):\n%s", size, diff)
		}
	}
}

func writeGzip(t *testing.T, path string, b []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
