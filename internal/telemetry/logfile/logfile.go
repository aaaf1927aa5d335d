package logfile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/eve"
	"github.com/pactwatch/pactwatch/internal/telemetry/ndjson"
	"github.com/pactwatch/pactwatch/internal/telemetry/zeek"
)

// Formats are the telemetry formats the reader knows, in sniffing order:
// the specific JSON formats before the generic NDJSON fallback.
var Formats = []telemetry.Format{
	eve.Format{},
	zeek.JSONFormat{},
	zeek.TSVFormat{},
	ndjson.Format{},
}

// DefaultMaxLineSize is the default cap on one line; longer lines are
// skipped with a ParseError wrapping telemetry.ErrLineTooLong.
const DefaultMaxLineSize = 16 << 20

// HeadSize is how much decompressed content format detection and Key look
// at.
const HeadSize = 64 << 10

// StdinName is the file name events read from standard input carry.
const StdinName = "<stdin>"

// Options control a Reader.
type Options struct {
	// Format forces a format by name ("eve", "zeek-json", "zeek-tsv",
	// "ndjson"); "" detects it from content and file name.
	Format string
	// FieldMap is the NDJSON field map; nil means ndjson.DefaultFieldMap.
	FieldMap ndjson.FieldMap
	// Offset and Line resume reading: skip to this decompressed byte offset
	// and line count, as returned earlier by Reader.Offset and Reader.Line.
	// Line 0 means "count them"; a non-zero Line must match the count.
	Offset int64
	Line   int64
	// MaxLineSize caps one line in bytes; 0 means DefaultMaxLineSize.
	MaxLineSize int
}

// Reader reads Events from one input. It is not safe for concurrent use.
type Reader struct {
	name   string
	file   io.Closer // the opened file, nil for NewReader
	gz     *gzip.Reader
	br     *bufio.Reader
	format telemetry.Format
	dec    telemetry.Decoder
	key    string
	off    int64
	line   int64
	max    int
	long   []byte
}

// Open opens path ("-" for standard input) and returns a Reader for it.
func Open(path string, opt Options) (*Reader, error) {
	if path == "-" {
		return NewReader(StdinName, os.Stdin, opt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open telemetry: %w", err)
	}
	r, err := NewReader(path, f, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.file = f
	return r, nil
}

// NewReader returns a Reader for r, called name in events and errors (the
// name also hints at the format, e.g. conn.log). gzip input is detected by
// its magic bytes and decompressed. The caller closes r.
func NewReader(name string, r io.Reader, opt Options) (*Reader, error) {
	rd := &Reader{name: name, max: opt.MaxLineSize}
	if rd.max <= 0 {
		rd.max = DefaultMaxLineSize
	}
	raw := bufio.NewReaderSize(r, HeadSize)
	magic, err := raw.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if rd.gz, err = gzip.NewReader(raw); err != nil {
			return nil, fmt.Errorf("read %s: gzip: %w", name, err)
		}
		rd.br = bufio.NewReaderSize(rd.gz, HeadSize)
	} else {
		rd.br = raw
	}
	head, err := rd.br.Peek(HeadSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	sum := sha256.Sum256(head)
	rd.key = hex.EncodeToString(sum[:])

	if opt.FieldMap != nil {
		if err := opt.FieldMap.Validate(); err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	if opt.Format != "" {
		rd.format = byName(opt.Format)
		if rd.format == nil {
			return nil, fmt.Errorf("read %s: %w %q (known formats: %s)", name, telemetry.ErrUnknownFormat, opt.Format, strings.Join(Names(), ", "))
		}
	} else if len(bytes.TrimSpace(head)) > 0 {
		if rd.format, err = Detect(name, head); err != nil {
			return nil, err
		}
	}
	if rd.format != nil {
		if _, ok := rd.format.(ndjson.Format); ok {
			rd.format = ndjson.Format{Map: opt.FieldMap}
		}
		if nf, ok := rd.format.(telemetry.NamedFormat); ok {
			rd.dec = nf.NewNamedDecoder(name)
		} else {
			rd.dec = rd.format.NewDecoder()
		}
	}
	if opt.Offset > 0 || opt.Line > 0 {
		if err := rd.skip(opt.Offset, opt.Line); err != nil {
			return nil, err
		}
	}
	return rd, nil
}

// Detect returns the first of Formats that recognises head (the first
// decompressed bytes of the input called name), or an error wrapping
// telemetry.ErrUnknownFormat.
func Detect(name string, head []byte) (telemetry.Format, error) {
	for _, f := range Formats {
		if f.Sniff(name, head) {
			return f, nil
		}
	}
	return nil, fmt.Errorf("read %s: %w: none of %s recognises its content; force one with the format option (--format)",
		name, telemetry.ErrUnknownFormat, strings.Join(Names(), ", "))
}

// Names returns the names of Formats in order.
func Names() []string {
	n := make([]string, len(Formats))
	for i, f := range Formats {
		n[i] = f.Name()
	}
	return n
}

func byName(name string) telemetry.Format {
	for _, f := range Formats {
		if f.Name() == name {
			return f
		}
	}
	return nil
}

// skip consumes the input up to offset. Header lines are replayed into the
// decoder (Zeek TSV keeps its #fields state); data lines are not reported.
func (r *Reader) skip(offset, line int64) error {
	_, tsv := r.dec.(*zeek.TSVDecoder)
	var scratch telemetry.Event
	for r.off < offset {
		b, _, err := r.readLine()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("resume %s at offset %d: input ends at %d", r.name, offset, r.off)
		}
		var tooLong *lineTooLongError
		if err != nil && !errors.As(err, &tooLong) {
			return fmt.Errorf("resume %s: %w", r.name, err)
		}
		if tsv && len(b) > 0 && b[0] == '#' {
			_, _ = r.dec.Decode(b, &scratch) // header errors were reported on the first pass
		}
	}
	if r.off != offset {
		return fmt.Errorf("resume %s at offset %d: not the start of a line (a line ends at %d)", r.name, offset, r.off)
	}
	if line > 0 && line != r.line {
		return fmt.Errorf("resume %s at offset %d: %d lines precede it, the checkpoint says %d (has the input changed?)", r.name, offset, r.line, line)
	}
	return nil
}

type lineTooLongError struct{ n int64 }

func (e *lineTooLongError) Error() string {
	return fmt.Sprintf("%v (%d bytes or more)", telemetry.ErrLineTooLong, e.n)
}

func (e *lineTooLongError) Unwrap() error { return telemetry.ErrLineTooLong }

// readLine returns the next line without its line ending (LF or CRLF), the
// offset of its first byte, and advances Offset and Line. A line longer than
// the cap is consumed and reported as *lineTooLongError.
func (r *Reader) readLine() ([]byte, int64, error) {
	start := r.off
	b, err := r.br.ReadSlice('\n')
	switch {
	case err == nil:
	case errors.Is(err, bufio.ErrBufferFull):
		r.long = append(r.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = r.br.ReadSlice('\n')
			if len(r.long)+len(b) > r.max {
				n := int64(len(r.long) + len(b))
				for errors.Is(err, bufio.ErrBufferFull) {
					b, err = r.br.ReadSlice('\n')
					n += int64(len(b))
				}
				if err != nil && !errors.Is(err, io.EOF) {
					return nil, start, fmt.Errorf("read %s: %w", r.name, err)
				}
				r.off += n
				r.line++
				if cap(r.long) > 4*HeadSize {
					r.long = nil
				}
				return nil, start, &lineTooLongError{n: n}
			}
			r.long = append(r.long, b...)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, start, fmt.Errorf("read %s: %w", r.name, err)
		}
		b = r.long
	case errors.Is(err, io.EOF):
		if len(b) == 0 {
			return nil, start, io.EOF
		}
	default:
		return nil, start, fmt.Errorf("read %s: %w", r.name, err)
	}
	r.off += int64(len(b))
	r.line++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if len(b) > r.max {
		return nil, start, &lineTooLongError{n: int64(len(b))}
	}
	return b, start, nil
}

// Next reads the next event into ev, which it resets first. It returns
// io.EOF at the end of the input and a *telemetry.ParseError (with ev holding
// only its Source) for one bad line; the caller may keep calling Next after a
// ParseError. Any other error (a read or decompression failure) ends the
// input.
func (r *Reader) Next(ev *telemetry.Event) error {
	for {
		line, start, err := r.readLine()
		if err != nil {
			if tl := (*lineTooLongError)(nil); errors.As(err, &tl) {
				*ev = telemetry.Event{Source: telemetry.Source{File: r.name, Line: r.line, Offset: start, Length: int(tl.n)}}
				return &telemetry.ParseError{File: r.name, Line: r.line, Offset: start, Err: err}
			}
			return err
		}
		if r.dec == nil { // empty input
			continue
		}
		src := telemetry.Source{File: r.name, Line: r.line, Offset: start, Length: len(line)}
		*ev = telemetry.Event{Source: src}
		ok, err := r.dec.Decode(line, ev)
		if err != nil {
			*ev = telemetry.Event{Source: src}
			var pe *telemetry.ParseError
			if !errors.As(err, &pe) {
				pe = &telemetry.ParseError{Err: err}
			}
			pe.File, pe.Line, pe.Offset = r.name, r.line, start
			return pe
		}
		if ok {
			return nil
		}
	}
}

// Format returns the name of the input's format ("" for an empty input
// whose format was not forced).
func (r *Reader) Format() string {
	if r.format == nil {
		return ""
	}
	return r.format.Name()
}

// Name returns the input's name as events carry it.
func (r *Reader) Name() string { return r.name }

// Offset returns the decompressed byte offset just after the last line
// consumed.
func (r *Reader) Offset() int64 { return r.off }

// Line returns the number of lines consumed so far.
func (r *Reader) Line() int64 { return r.line }

// Key returns a stable identity of the input for checkpoints: the hex
// SHA-256 of its first up-to-64 KiB of decompressed content, so a renamed
// or appended file keeps its key.
func (r *Reader) Key() string { return r.key }

// Close releases the input (the file Open opened; NewReader's reader is the
// caller's to close).
func (r *Reader) Close() error {
	var errs []error
	if r.gz != nil {
		errs = append(errs, r.gz.Close())
	}
	if r.file != nil {
		errs = append(errs, r.file.Close())
	}
	return errors.Join(errs...)
}
