package chunk

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
	"github.com/pactwatch/pactwatch/internal/telemetry/ndjson"
	"github.com/pactwatch/pactwatch/internal/telemetry/zeek"
)

// recorder keeps a copy of what is read through it while on, so that an
// input whose start was read can still be handed whole to logfile.Reader.
type recorder struct {
	r   io.Reader
	on  bool
	buf []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if r.on {
		r.buf = append(r.buf, p[:n]...)
	}
	return n, err
}

// planStream sends the chunks of an input that can only be read once
// (standard input, a pipe, gzip): this goroutine reads (and decompresses)
// it and cuts it after a newline into chunks held in memory, which the
// workers decode in parallel like a plain file's. An input the chunks
// cannot serve (unknown or forced-unknown format, a decoder that cannot be
// cloned, a bad gzip header, nothing in it) goes to one sequential chunk,
// read by logfile.Reader from what was read so far and the rest, so it
// is reported as before. It reports false when send did.
func planStream(ctx context.Context, path string, file *os.File, opt *Options, send func(*task) bool) bool {
	name := path
	var in io.Reader = os.Stdin
	if path == "-" {
		name = logfile.StdinName
	} else {
		in = file
	}
	closeFile := func() {
		if file != nil {
			file.Close()
		}
	}
	rec := &recorder{r: in, on: true}
	sequential := func() bool {
		c := newChunk(name)
		c.Sequential, c.Last, c.Start = true, true, -1
		c.f = file
		c.closeIt = true
		return send(&task{c: c, r: io.MultiReader(bytes.NewReader(rec.buf), in)})
	}
	raw := bufio.NewReaderSize(rec, logfile.HeadSize)
	r := io.Reader(raw)
	if magic, err := raw.Peek(2); err != nil && !errors.Is(err, io.EOF) {
		return sequential()
	} else if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(raw)
		if err != nil {
			return sequential()
		}
		r = gz
	}
	br := bufio.NewReaderSize(r, logfile.HeadSize)
	head, err := br.Peek(logfile.HeadSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) || len(bytes.TrimSpace(head)) == 0 {
		return sequential()
	}
	var format telemetry.Format
	if opt.Format != "" {
		for _, fm := range logfile.Formats {
			if fm.Name() == opt.Format {
				format = fm
			}
		}
	} else {
		format, _ = logfile.Detect(name, head)
	}
	if format == nil {
		return sequential()
	}
	if _, ok := format.(ndjson.Format); ok {
		if opt.FieldMap != nil && opt.FieldMap.Validate() != nil {
			return sequential()
		}
		format = ndjson.Format{Map: opt.FieldMap}
	}
	var dec telemetry.Decoder
	if nf, ok := format.(telemetry.NamedFormat); ok {
		dec = nf.NewNamedDecoder(name)
	} else {
		dec = format.NewDecoder()
	}
	cl, ok := dec.(telemetry.Cloner)
	if !ok {
		return sequential()
	}
	rec.on, rec.buf = false, nil
	defer closeFile()
	_, tsv := dec.(*zeek.TSVDecoder)
	base := leadingHeader(cl, head, tsv)

	var (
		off     int64 // of the next chunk in the decompressed stream
		index   int
		pending []byte // the start of a line the last chunk did not end
		eof     bool
		readErr error
	)
	fill := func(buf []byte, want int) []byte {
		for len(buf) < want && !eof {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
			n, err := br.Read(buf[len(buf):min(cap(buf), want)])
			buf = buf[:len(buf)+n]
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				eof, readErr = true, fmt.Errorf("read %s: %w", name, err)
			}
		}
		return buf
	}
	for {
		if ctx.Err() != nil {
			return false
		}
		buf := make([]byte, 0, max(int(opt.Size), len(pending))+readSize)
		buf = append(buf, pending...)
		pending = nil
		buf = fill(buf, int(opt.Size))
		// End the chunk after its last newline; a line longer than the
		// chunk is read on to its end, or skipped past the size cap.
		var long int64
		longTerm := false
		cut := bytes.LastIndexByte(buf, '\n') + 1
		for cut == 0 && !eof {
			if len(buf) > opt.MaxLineSize {
				long, longTerm = skipLine(br, int64(len(buf)), &eof, &readErr, name)
				buf = buf[:0]
				break
			}
			from := len(buf)
			buf = fill(buf, len(buf)+readSize)
			if i := bytes.IndexByte(buf[from:], '\n'); i >= 0 {
				cut = from + i + 1
			}
		}
		if cut > 0 && cut < len(buf) {
			pending = bytes.Clone(buf[cut:])
			buf = buf[:cut]
		}
		if len(buf) == 0 && long == 0 {
			if readErr != nil {
				c := newChunk(name)
				c.Index, c.Last, c.Err, c.Sequential = index, true, readErr, true
				return send(&task{c: c})
			}
			if index == 0 {
				return true
			}
			// The previous chunk was the last: send an empty one to say so.
			c := newChunk(name)
			c.Index, c.Last, c.Sequential, c.Start, c.End = index, true, true, off, off
			return send(&task{c: c, dec: base.(telemetry.Cloner).Clone(), tsv: tsv, stream: true})
		}
		c := newChunk(name)
		c.Index, c.Sequential, c.Start = index, true, off
		n := int64(len(buf)) + long
		c.End = off + n
		d := base
		if index == 0 {
			d = dec
		}
		t := &task{c: c, dec: d.(telemetry.Cloner).Clone(), tsv: tsv, stream: true, mem: buf, long: long, longTerm: longTerm}
		if eof && len(pending) == 0 && readErr == nil {
			c.Last = true
		}
		if !send(t) {
			return false
		}
		if c.Last {
			return true
		}
		off += n
		index++
	}
}

// skipLine reads past the rest of a line too long to keep, of which n
// bytes were read; it returns the line's length with its newline and
// whether it had one.
func skipLine(br *bufio.Reader, n int64, eof *bool, readErr *error, name string) (int64, bool) {
	for {
		b, err := br.ReadSlice('\n')
		n += int64(len(b))
		switch {
		case err == nil:
			return n, true
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			*eof = true
		default:
			*eof, *readErr = true, fmt.Errorf("read %s: %w", name, err)
		}
		return n, false
	}
}

// leadingHeader returns the decoder chunks after the first start from: for
// Zeek TSV, a clone of dec that has read the header block at the head of
// the input.
func leadingHeader(cl telemetry.Cloner, head []byte, tsv bool) telemetry.Decoder {
	base := cl.Clone()
	if !tsv {
		return base
	}
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
	return base
}

// memChunk decodes the lines of a chunk held in memory (see planStream).
func (s *scanner) memChunk(ctx context.Context, t *task) {
	c := t.c
	if t.long > 0 {
		// A chunk that is one line over the size cap, not kept.
		if t.longTerm {
			c.Lines = 1
		} else {
			c.Tail = t.long
		}
		c.Bytes = t.long
		s.w.Malformed(c, tooLong(c.File, 1, c.Start, t.long))
		return
	}
	max := s.opt.MaxLineSize
	dataSeen := c.Index > 0
	data := t.mem
	var rel int64
	for pos := 0; pos < len(data); {
		if rel%4096 == 0 && ctx.Err() != nil {
			return
		}
		line := data[pos:]
		terminated := false
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, terminated = line[:i], true
		}
		rel++
		start := c.Start + int64(pos)
		pos += len(line)
		if terminated {
			pos++
			c.Lines++
			c.Bytes += int64(len(line)) + 1
		} else {
			c.Tail = int64(len(line))
			c.Bytes += int64(len(line))
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) > max {
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
		s.decode(c, t.dec, line, rel, start)
	}
	if c.header {
		c.dec = t.dec
	}
}
