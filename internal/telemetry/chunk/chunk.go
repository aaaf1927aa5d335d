package chunk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
	"github.com/pactwatch/pactwatch/internal/telemetry/ndjson"
	"github.com/pactwatch/pactwatch/internal/telemetry/zeek"
)

// DefaultSize is the default chunk size.
const DefaultSize = 4 << 20

// Options control Run.
type Options struct {
	// Jobs is the number of worker goroutines; 0 means runtime.NumCPU().
	Jobs int
	// Size is the nominal chunk size in bytes; 0 means DefaultSize.
	Size int64
	// Format forces a format by name, as logfile.Options.Format.
	Format string
	// FieldMap is the NDJSON field map; nil means ndjson.DefaultFieldMap.
	FieldMap ndjson.FieldMap
	// MaxLineSize caps one line, as logfile.Options.MaxLineSize.
	MaxLineSize int
}

// Chunk is one piece of one input and what reading it gave.
type Chunk struct {
	// File is the input's name as events carry it.
	File string
	// Index numbers the chunks of one input from 0.
	Index int
	// Last is set on the last chunk of an input.
	Last bool
	// Start and End are the byte range whose line starts belong to the
	// chunk (a line starting before End is read to its end).
	Start, End int64
	// Sequential is set when the input was read as one stream (gzip,
	// standard input, a pipe): one goroutine read it and cut it into
	// chunks held in memory, or, for a format whose decoder cannot be
	// cloned, read and decoded all of it as this one chunk.
	Sequential bool
	// Bytes is how many bytes the chunk's lines hold, line endings
	// included (decompressed for a compressed input).
	Bytes int64
	// Lines is the number of newline-terminated lines read; Tail is the
	// length of an unterminated final line (only on an input's last chunk).
	Lines, Tail int64
	// Skipped counts lines the Worker's Want declined, left undecoded.
	Skipped int64
	// LineBase is the number of lines of the input before the chunk; Run
	// sets it before calling done. Line numbers a Worker saw are relative:
	// the absolute number is LineBase plus that.
	LineBase int64
	// Err is a read error that ended the chunk (or the input), or the
	// error opening it.
	Err error
	// Data is the Worker's to attach the chunk's results to.
	Data any

	f       *os.File
	dec     telemetry.Decoder // the decoder after the chunk, when header is set
	header  bool              // a header line appeared (Zeek TSV)
	done    chan struct{}
	closeIt bool // close f after this chunk
}

// Worker consumes the chunks one goroutine is given; Run makes one per
// goroutine with newWorker, so a Worker needs no locking.
type Worker interface {
	// Want is asked about each raw line (without its line ending) before
	// it is decoded; false skips decoding it. A Worker that wants every
	// line returns true.
	Want(line []byte) bool
	// Event receives each decoded event. ev.Source.Line counts from 1
	// within c; ev and its contents are reused after the call returns.
	Event(c *Chunk, ev *telemetry.Event)
	// Malformed receives each line that did not decode; err.Line is
	// relative like ev.Source.Line.
	Malformed(c *Chunk, err *telemetry.ParseError)
}

// LinesWanter is a Worker that can be asked about many lines at once:
// WantLines sets want[i] to what Want(lines[i]) would say. The lines of
// plain files are asked about in batches (those read into memory at
// once, up to a thousand), then decoded in order; a Worker whose Want
// looks things up in large tables can overlap the lookups of a batch.
type LinesWanter interface {
	Worker
	WantLines(lines [][]byte, want []bool)
}

// Run reads the inputs ("-" is standard input), giving every chunk to one
// of the Workers, and calls done for each chunk in input order (all chunks
// of the first input, then of the second ...) from one goroutine, with
// LineBase set. A chunk's Data is what its Worker left there. Run stops
// early when ctx is done or done returns an error, and returns that error;
// read errors are reported on the chunks (Chunk.Err), not returned.
func Run(ctx context.Context, inputs []string, opt Options, newWorker func() Worker, done func(*Chunk) error) error {
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	if opt.Size <= 0 {
		opt.Size = DefaultSize
	}
	if opt.MaxLineSize <= 0 {
		opt.MaxLineSize = logfile.DefaultMaxLineSize
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	inflight := 2*jobs + 2
	work := make(chan *task, inflight)
	order := make(chan *task, inflight)
	slots := make(chan struct{}, inflight)

	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newScanner(&opt, newWorker())
			for t := range work {
				if ctx.Err() == nil {
					s.run(ctx, t)
				}
				close(t.c.done)
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(work)
		plan(ctx, inputs, &opt, func(t *task) bool {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			order <- t
			if t.c.Err == nil {
				work <- t
			} else {
				close(t.c.done)
			}
			return true
		})
	}()

	var (
		err    error
		base   int64
		redo   telemetry.Decoder // decoder state to re-decode chunks from
		redoer *scanner
	)
	for t := range order {
		<-t.c.done
		c := t.c
		if err == nil && ctx.Err() == nil {
			if c.Index == 0 {
				base, redo = 0, nil
			}
			if redo != nil && c.Err == nil {
				// An earlier chunk changed the header: decode this one
				// again from the state that header left.
				if redoer == nil {
					redoer = newScanner(&opt, newWorker())
				}
				c.Data, c.Lines, c.Tail, c.Bytes, c.Skipped, c.header = nil, 0, 0, 0, 0, false
				t.dec = redo.(telemetry.Cloner).Clone()
				redoer.run(ctx, t)
			}
			if c.header {
				redo = c.dec
			}
			c.LineBase = base
			base += c.Lines
			if err = done(c); err != nil {
				cancel()
			}
		}
		c.dec, t.mem = nil, nil
		if c.closeIt && c.f != nil {
			c.f.Close()
		}
		<-slots
	}
	cancel()
	wg.Wait()
	if err == nil {
		err = parent.Err()
	}
	return err
}

// task is one chunk to read and the decoder to start it with.
type task struct {
	c    *Chunk
	dec  telemetry.Decoder // nil for a sequential input
	tsv  bool              // Zeek TSV: watch for header lines
	size int64             // the input's size when planned
	r    io.Reader         // a sequential input's bytes, when it was opened already

	// A chunk of a stream (planStream): its lines in memory, or a line
	// over the size cap that was skipped.
	stream   bool
	mem      []byte
	long     int64
	longTerm bool
}

// plan opens each input, detects its format and sends its chunks to send
// until send returns false.
func plan(ctx context.Context, inputs []string, opt *Options, send func(*task) bool) {
	for _, path := range inputs {
		if ctx.Err() != nil {
			return
		}
		ts, stream, f := planFile(path, opt)
		if stream {
			if !planStream(ctx, path, f, opt, send) {
				return
			}
			continue
		}
		for _, t := range ts {
			if !send(t) {
				if t.c.f != nil {
					t.c.f.Close()
				}
				return
			}
		}
	}
}

func newChunk(name string) *Chunk { return &Chunk{File: name, done: make(chan struct{})} }

// planFile returns the chunks of one input, or reports that it is a
// stream for planStream (standard input, not a regular file, gzip) and
// returns the file, opened (nil for standard input): a pipe is not opened
// twice.
func planFile(path string, opt *Options) ([]*task, bool, *os.File) {
	seq := func() []*task {
		name := path
		if path == "-" {
			name = logfile.StdinName
		}
		c := newChunk(name)
		c.Sequential, c.Last = true, true
		c.Start = -1
		return []*task{{c: c}}
	}
	if path == "-" {
		return nil, true, nil
	}
	f, err := os.Open(path)
	if err != nil {
		c := newChunk(path)
		c.Last, c.Err = true, fmt.Errorf("open telemetry: %w", err)
		return []*task{{c: c}}, false, nil
	}
	fail := func(err error) ([]*task, bool, *os.File) {
		f.Close()
		c := newChunk(path)
		c.Last, c.Err = true, err
		return []*task{{c: c}}, false, nil
	}
	st, err := f.Stat()
	if err != nil {
		return fail(fmt.Errorf("read %s: %w", path, err))
	}
	size := st.Size()
	if !st.Mode().IsRegular() {
		return nil, true, f
	}
	head := make([]byte, min(size, logfile.HeadSize))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return fail(fmt.Errorf("read %s: %w", path, err))
	}
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return nil, true, f // read from the start: ReadAt moved nothing
	}
	if len(bytes.TrimSpace(head)) == 0 {
		f.Close()
		return seq(), false, nil
	}
	var format telemetry.Format
	if opt.Format != "" {
		for _, fm := range logfile.Formats {
			if fm.Name() == opt.Format {
				format = fm
			}
		}
		if format == nil {
			f.Close()
			return seq(), false, nil // the reader reports the unknown format
		}
	} else if format, err = logfile.Detect(path, head); err != nil {
		return fail(err)
	}
	if _, ok := format.(ndjson.Format); ok {
		if opt.FieldMap != nil {
			if err := opt.FieldMap.Validate(); err != nil {
				return fail(fmt.Errorf("read %s: %w", path, err))
			}
		}
		format = ndjson.Format{Map: opt.FieldMap}
	}
	var dec telemetry.Decoder
	if nf, ok := format.(telemetry.NamedFormat); ok {
		dec = nf.NewNamedDecoder(path)
	} else {
		dec = format.NewDecoder()
	}
	cl, ok := dec.(telemetry.Cloner)
	if !ok {
		f.Close()
		return seq(), false, nil
	}
	_, tsv := dec.(*zeek.TSVDecoder)
	var base telemetry.Decoder = dec
	if tsv {
		// Chunks after the first start from the state the leading header
		// block leaves.
		base = cl.Clone()
		var scratch telemetry.Event
		for h := head; len(h) > 0 && h[0] == '#'; {
			i := bytes.IndexByte(h, '\n')
			if i < 0 {
				break
			}
			line := h[:i]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			_, _ = base.Decode(line, &scratch)
			h = h[i+1:]
		}
	}
	n := max((size+opt.Size-1)/opt.Size, 1)
	ts := make([]*task, 0, n)
	for i := range n {
		c := newChunk(path)
		c.Index, c.f = int(i), f
		c.Start, c.End = i*opt.Size, min((i+1)*opt.Size, size)
		c.Last = i == n-1
		c.closeIt = c.Last
		d := base
		if i == 0 {
			d = dec
		}
		ts = append(ts, &task{c: c, dec: d.(telemetry.Cloner).Clone(), tsv: tsv})
	}
	// size bounds every chunk: a file that grows meanwhile is read as it
	// was when the sweep started.
	for _, t := range ts {
		t.size = size
	}
	return ts, false, nil
}
