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
	"slices"
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
	head   []byte // the first up-to-HeadSize decompressed bytes Key digests
	off    int64  // just after the last newline-terminated line consumed
	line   int64  // newline-terminated lines consumed
	cur    int64  // number of the line readLine returned last
	tail   int64  // bytes of an unterminated final line consumed after off
	eof    bool   // the input ended: readLine returns io.EOF from now on
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
	// Keep a copy: the buffer behind head is reused once reading starts,
	// and PrefixKeys digests prefixes of it later.
	rd.head = bytes.Clone(head)
	sum := sha256.Sum256(rd.head)
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
			return fmt.Errorf("resume %s at offset %d: input ends at %d", r.name, offset, r.off+r.tail)
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

// readLine returns the next line without its line ending (LF or CRLF) and
// the offset of its first byte, and sets cur to its line number. A
// newline-terminated line advances Offset and Line; an unterminated final
// line does not: it only sets tail, and the input counts as ended. A line
// longer than the cap is consumed and reported as *lineTooLongError.
func (r *Reader) readLine() ([]byte, int64, error) {
	start := r.off
	if r.eof {
		return nil, start, io.EOF
	}
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
				r.consumed(n, err == nil)
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
			r.eof = true
			return nil, start, io.EOF
		}
	default:
		return nil, start, fmt.Errorf("read %s: %w", r.name, err)
	}
	// err is nil for a newline-terminated line, io.EOF for a final line
	// without one.
	r.consumed(int64(len(b)), err == nil)
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

// consumed accounts for a line of n bytes just read: a terminated one moves
// Offset and Line past it; an unterminated one can only be the last, so it
// is held in tail and the input ends.
func (r *Reader) consumed(n int64, terminated bool) {
	r.cur = r.line + 1
	if terminated {
		r.off += n
		r.line++
		return
	}
	r.tail = n
	r.eof = true
}

// Next reads the next event into ev, which it resets first. It returns
// io.EOF at the end of the input and a *telemetry.ParseError (with ev holding
// only its Source) for one bad line; the caller may keep calling Next after a
// ParseError. Any other error (a read or decompression failure) ends the
// input.
//
// A final line without a newline is decoded like any other (a complete file
// may lack its last newline), but it may also be a line the sensor is still
// writing: Offset and Line stay before it and Tail reports its length, so a
// checkpoint taken at Offset reads it again, whole, next time. After it Next
// returns io.EOF even if the file has grown meanwhile.
func (r *Reader) Next(ev *telemetry.Event) error {
	for {
		line, start, err := r.readLine()
		if err != nil {
			if tl := (*lineTooLongError)(nil); errors.As(err, &tl) {
				*ev = telemetry.Event{Source: telemetry.Source{File: r.name, Line: r.cur, Offset: start, Length: int(tl.n)}}
				return &telemetry.ParseError{File: r.name, Line: r.cur, Offset: start, Err: err}
			}
			return err
		}
		if r.dec == nil { // empty input
			continue
		}
		src := telemetry.Source{File: r.name, Line: r.cur, Offset: start, Length: len(line)}
		*ev = telemetry.Event{Source: src}
		ok, err := r.dec.Decode(line, ev)
		if err != nil {
			*ev = telemetry.Event{Source: src}
			var pe *telemetry.ParseError
			if !errors.As(err, &pe) {
				pe = &telemetry.ParseError{Err: err}
			}
			pe.File, pe.Line, pe.Offset = r.name, r.cur, start
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

// Offset returns the decompressed byte offset just after the last
// newline-terminated line consumed: the position to checkpoint and to
// resume from (Options.Offset). An unterminated final line that Next has
// returned lies beyond it; see Tail.
func (r *Reader) Offset() int64 { return r.off }

// Line returns the number of newline-terminated lines consumed so far (the
// Options.Line that goes with Offset). An unterminated final line that Next
// has returned is line Line()+1.
func (r *Reader) Line() int64 { return r.line }

// Tail returns the length in bytes of the unterminated final line Next has
// returned (its event or ParseError), or 0 if there was none: Offset+Tail
// is everything consumed. Such a line may still be being written; a caller
// that checkpoints at Offset reads it again next time, so it should count
// it as provisional.
func (r *Reader) Tail() int64 { return r.tail }

// Key returns an identity of the input for checkpoints: the hex SHA-256 of
// its first HeadLen bytes of decompressed content. A renamed file, or one
// appended to after its first 64 KiB (HeadSize), keeps its key; a smaller
// file's key changes as it grows, and PrefixKeys recognises the earlier
// version.
func (r *Reader) Key() string { return r.key }

// HeadLen returns how many leading bytes of decompressed content Key
// digests: HeadSize, or the whole content of a smaller input.
func (r *Reader) HeadLen() int { return len(r.head) }

// PrefixKeys returns, for each length in lengths from 0 to HeadLen, the key
// an input consisting of just the first length bytes of this one would have
// had: the hex SHA-256 of that prefix. An earlier, shorter version of a
// growing file had the key PrefixKeys gives for its HeadLen, which is how a
// checkpoint taken before the file grew is found again. Lengths outside
// that range are left out. It hashes the head once, however many lengths
// it is given.
func (r *Reader) PrefixKeys(lengths []int64) map[int64]string {
	ls := make([]int64, 0, len(lengths))
	for _, l := range lengths {
		if l >= 0 && l <= int64(len(r.head)) {
			ls = append(ls, l)
		}
	}
	slices.Sort(ls)
	ls = slices.Compact(ls)
	keys := make(map[int64]string, len(ls))
	h := sha256.New()
	var done int64
	sum := make([]byte, 0, sha256.Size)
	for _, l := range ls {
		h.Write(r.head[done:l])
		done = l
		// Sum appends the digest so far without changing the hash state,
		// so the next prefix continues from here.
		keys[l] = hex.EncodeToString(h.Sum(sum[:0]))
	}
	return keys
}

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
