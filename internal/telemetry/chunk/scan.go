package chunk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

// readSize is how much one ReadAt asks for beyond a chunk's nominal end
// and when a line runs past the buffer.
const readSize = 1 << 20

// readStep caps one ReadAt: a chunk is read in steps that fit in a core's
// second-level cache, so that the lines are still there when the worker
// looks at them, instead of copying 4 MiB out of the page cache to memory
// and reading it back.
const readStep = 256 << 10

// scanner reads chunks for one worker goroutine, reusing its buffer and
// event.
type scanner struct {
	opt *Options
	w   Worker
	buf []byte
	ev  telemetry.Event

	// Lines of a plain file read but not yet decoded, when w is a
	// LinesWanter (see queue).
	lw   LinesWanter
	pend []pending
	ask  [][]byte
	want []bool
}

// newScanner returns a scanner for w, which queues lines when w is a
// LinesWanter.
func newScanner(opt *Options, w Worker) *scanner {
	s := &scanner{opt: opt, w: w}
	s.lw, _ = w.(LinesWanter)
	return s
}

// pending is a line queued for decoding.
type pending struct {
	line       []byte
	rel, start int64
}

// maxPending is the most lines queued at once.
const maxPending = 1024

// run reads t's chunk and records the outcome on t.c.
func (s *scanner) run(ctx context.Context, t *task) {
	if t.stream {
		s.memChunk(ctx, t)
		return
	}
	if t.c.Sequential {
		s.sequential(ctx, t)
		return
	}
	s.chunk(ctx, t)
}

// window is the part of the file in s.buf: bytes [start, start+len(buf)).
type window struct {
	s     *scanner
	t     *task
	start int64
	b     []byte
}

// fill makes the window start at pos and read more; it grows the buffer
// when the bytes from pos fill it. It reports false at the input's end.
func (w *window) fill(pos int64) (bool, error) {
	end := w.start + int64(len(w.b))
	if end >= w.t.size {
		return false, nil
	}
	keep := w.b[pos-w.start:]
	buf := w.s.buf[:cap(w.s.buf)]
	if len(keep)+readSize > len(buf) {
		nb := make([]byte, max(2*len(buf), len(keep)+readSize))
		w.s.buf = nb
		buf = nb
	}
	n := copy(buf, keep)
	want := min(int64(len(buf)-n), w.t.size-end, readStep)
	m, err := w.t.c.f.ReadAt(buf[n:n+int(want)], end)
	if err != nil && !(errors.Is(err, io.EOF) && int64(m) == want) {
		return false, fmt.Errorf("read %s: %w", w.t.c.File, err)
	}
	w.start, w.b = pos, buf[:n+m]
	return true, nil
}

// chunk decodes the lines starting in [Start, End) of a plain file.
func (s *scanner) chunk(ctx context.Context, t *task) {
	c := t.c
	if s.buf == nil {
		s.buf = prefault.Make[byte](readStep + readSize)
	}
	w := window{s: s, t: t, start: c.Start, b: s.buf[:0]}
	from := c.Start
	if from > 0 {
		from-- // to see whether a line starts at Start
	}
	// Read the first step of the chunk.
	w.start = from
	if _, err := w.fill(from); err != nil {
		c.Err = err
		return
	}
	pos := c.Start
	if c.Start > 0 {
		// The line under Start belongs to the chunk it started in.
		for {
			i := bytes.IndexByte(w.b[pos-1-w.start:], '\n')
			if i >= 0 {
				pos += int64(i)
				break
			}
			pos = w.start + int64(len(w.b)) + 1
			if pos > c.End {
				return // no line starts in this chunk
			}
			more, err := w.fill(pos - 1)
			if err != nil {
				c.Err = err
				return
			}
			if !more {
				return
			}
		}
	}
	max := s.opt.MaxLineSize
	dataSeen := c.Index > 0
	var rel int64
lines:
	for pos < c.End && pos < t.size {
		if rel%4096 == 0 && ctx.Err() != nil {
			return
		}
		var line []byte
		terminated := false
		for {
			b := w.b[pos-w.start:]
			if i := bytes.IndexByte(b, '\n'); i >= 0 {
				line, terminated = b[:i], true
				break
			}
			s.flush(c, t.dec) // the buffer is about to be overwritten
			if len(b) > max {
				// Too long: find its end without keeping it.
				n, term, err := s.skipLong(t, w.start+int64(len(w.b)), int64(len(b)))
				if err != nil {
					c.Err = err
					return
				}
				rel++
				if term {
					c.Lines++
				} else {
					c.Tail = n
				}
				c.Bytes += n
				s.w.Malformed(c, tooLong(c.File, rel, pos, n))
				pos += n
				if pos >= t.size {
					return
				}
				w.start, w.b = pos, w.b[:0]
				if _, err := w.fill(pos); err != nil {
					c.Err = err
					return
				}
				continue lines
			}
			more, err := w.fill(pos)
			if err != nil {
				c.Err = err
				return
			}
			if !more {
				line = w.b[pos-w.start:]
				break
			}
		}
		rel++
		if terminated {
			c.Lines++
			c.Bytes += int64(len(line)) + 1
		} else {
			c.Tail = int64(len(line))
			c.Bytes += int64(len(line))
		}
		start := pos
		pos += int64(len(line))
		if terminated {
			pos++
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) > max {
			s.flush(c, t.dec)
			s.w.Malformed(c, tooLong(c.File, rel, start, int64(len(line))))
			continue
		}
		if t.tsv && len(line) > 0 && line[0] == '#' {
			if dataSeen && changesHeader(line) {
				c.header = true
			}
		} else if len(line) > 0 {
			dataSeen = true
		}
		s.queue(c, t.dec, line, rel, start)
	}
	s.flush(c, t.dec)
	if c.header {
		c.dec = t.dec
	}
}

// changesHeader reports whether a Zeek TSV '#' line may change the
// decoder's state (anything but #open and #close).
func changesHeader(line []byte) bool {
	return !bytes.HasPrefix(line, []byte("#open")) && !bytes.HasPrefix(line, []byte("#close"))
}

// queue is decode for a LinesWanter, which is asked about the lines in
// batches: the line is decoded by the next flush (before its bytes are
// overwritten and before anything else is reported on c), or at once.
func (s *scanner) queue(c *Chunk, dec telemetry.Decoder, line []byte, rel, start int64) {
	if s.lw == nil {
		s.decode(c, dec, line, rel, start)
		return
	}
	s.pend = append(s.pend, pending{line, rel, start})
	if len(s.pend) == maxPending {
		s.flush(c, dec)
	}
}

// flush decodes the queued lines, asking the LinesWanter about all of
// them at once.
func (s *scanner) flush(c *Chunk, dec telemetry.Decoder) {
	if len(s.pend) == 0 {
		return
	}
	s.ask = s.ask[:0]
	for _, p := range s.pend {
		if asks(p.line) {
			s.ask = append(s.ask, p.line)
		}
	}
	s.want = append(s.want[:0], make([]bool, len(s.ask))...)
	s.lw.WantLines(s.ask, s.want)
	k := 0
	for _, p := range s.pend {
		if asks(p.line) {
			k++
			if !s.want[k-1] {
				c.Skipped++
				continue
			}
		}
		s.decodeLine(c, dec, p.line, p.rel, p.start)
	}
	clear(s.ask)
	clear(s.pend) // the lines are the buffer's
	s.pend = s.pend[:0]
}

// asks reports whether the worker is asked about a line: blank and '#'
// lines (headers) always reach the decoder.
func asks(line []byte) bool { return len(line) > 0 && line[0] != '#' }

// decode hands one line to the worker: skipped, an event or a malformed
// line.
func (s *scanner) decode(c *Chunk, dec telemetry.Decoder, line []byte, rel, start int64) {
	if asks(line) && !s.w.Want(line) {
		c.Skipped++
		return
	}
	s.decodeLine(c, dec, line, rel, start)
}

// decodeLine decodes a line the worker wants: an event or a malformed
// line.
func (s *scanner) decodeLine(c *Chunk, dec telemetry.Decoder, line []byte, rel, start int64) {
	src := telemetry.Source{File: c.File, Line: rel, Offset: start, Length: len(line)}
	s.ev = telemetry.Event{Source: src}
	ok, err := dec.Decode(line, &s.ev)
	if err != nil {
		var pe *telemetry.ParseError
		if !errors.As(err, &pe) {
			pe = &telemetry.ParseError{Err: err}
		}
		pe.File, pe.Line, pe.Offset = c.File, rel, start
		s.w.Malformed(c, pe)
		return
	}
	if ok {
		s.w.Event(c, &s.ev)
	}
}

// skipLong reads on from off, where a line of n bytes so far continues,
// to the line's end; it returns the line's length with its newline and
// whether it had one.
func (s *scanner) skipLong(t *task, off, n int64) (int64, bool, error) {
	buf := s.buf[:cap(s.buf)]
	for off < t.size {
		want := min(int64(len(buf)), t.size-off)
		m, err := t.c.f.ReadAt(buf[:want], off)
		if err != nil && !(errors.Is(err, io.EOF) && int64(m) == want) {
			return 0, false, fmt.Errorf("read %s: %w", t.c.File, err)
		}
		if i := bytes.IndexByte(buf[:m], '\n'); i >= 0 {
			return n + int64(i) + 1, true, nil
		}
		n += int64(m)
		off += int64(m)
	}
	return n, false, nil
}

// tooLongError is the reason for a line over the size cap.
type tooLongError struct{ n int64 }

func (e *tooLongError) Error() string {
	return fmt.Sprintf("%v (%d bytes or more)", telemetry.ErrLineTooLong, e.n)
}

func (e *tooLongError) Unwrap() error { return telemetry.ErrLineTooLong }

func tooLong(file string, line, off, n int64) *telemetry.ParseError {
	return &telemetry.ParseError{File: file, Line: line, Offset: off, Err: &tooLongError{n: n}}
}

// sequential reads a whole input through logfile.Reader.
func (s *scanner) sequential(ctx context.Context, t *task) {
	c := t.c
	path := c.File
	if c.File == logfile.StdinName {
		path = "-"
	}
	lo := logfile.Options{Format: s.opt.Format, FieldMap: s.opt.FieldMap, MaxLineSize: s.opt.MaxLineSize}
	var r *logfile.Reader
	var err error
	if t.r != nil {
		r, err = logfile.NewReader(c.File, t.r, lo)
	} else {
		r, err = logfile.Open(path, lo)
	}
	if err != nil {
		c.Err = err
		return
	}
	defer r.Close()
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			break
		}
		s.ev = telemetry.Event{}
		err := r.Next(&s.ev)
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *telemetry.ParseError
		if errors.As(err, &pe) {
			s.w.Malformed(c, pe)
			continue
		}
		if err != nil {
			c.Err = err
			break
		}
		s.w.Event(c, &s.ev)
	}
	c.Bytes, c.Lines, c.Tail = r.Offset()+r.Tail(), r.Line(), r.Tail()
}
