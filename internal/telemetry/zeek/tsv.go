package zeek

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/internal/jsonline"
)

// TSVName is the identifier of the Zeek TSV format.
const TSVName = "zeek-tsv"

// ErrNoHeader is the reason reported for a data line that comes before any
// #fields header (for example zeek-cut output without -c).
var ErrNoHeader = errors.New("data line before any #fields header (not a complete Zeek TSV log; zeek-cut drops the header unless run with -c)")

// TSVFormat is Zeek's classic tab-separated log form with its header lines
// (#separator, #set_separator, #empty_field, #unset_field, #path, #fields,
// #types; #open and #close are ignored).
type TSVFormat struct{}

var (
	_ telemetry.Format      = TSVFormat{}
	_ telemetry.NamedFormat = TSVFormat{}
	_ telemetry.Decoder     = (*TSVDecoder)(nil)
	_ telemetry.Cloner      = (*TSVDecoder)(nil)
)

// Name returns "zeek-tsv".
func (TSVFormat) Name() string { return TSVName }

// Sniff reports whether head holds a Zeek header line (#separator or
// #fields), or the file is named like a Zeek log and does not start with a
// JSON object.
func (TSVFormat) Sniff(path string, head []byte) bool {
	found, first := false, []byte(nil)
	jsonline.Lines(head, false, 64, func(line []byte, _ bool) bool {
		if bytes.HasPrefix(line, []byte("#separator")) || bytes.HasPrefix(line, []byte("#fields")) {
			found = true
			return false
		}
		if line[0] != '#' && first == nil {
			first = line
		}
		return true
	})
	if found {
		return true
	}
	return IsKnownLog(path) && (first == nil || first[0] != '{')
}

// NewDecoder returns a decoder with no file name hint.
func (TSVFormat) NewDecoder() telemetry.Decoder { return NewTSVDecoder("") }

// NewNamedDecoder returns a decoder that takes the log path from name when
// the header has no #path.
func (TSVFormat) NewNamedDecoder(name string) telemetry.Decoder { return NewTSVDecoder(name) }

// TSVDecoder decodes Zeek TSV lines, header lines included: they set the
// decoder's state (separator, fields ...), so lines must be fed in order.
// Clone copies that state for parallel decoding of later chunks.
type TSVDecoder struct {
	namePath string
	sep      []byte
	setSep   []byte
	empty    []byte
	unset    []byte
	path     string
	fields   []string
	col      [nSlots]int // column of each slot, -1 if absent
	ncols    int

	cols    [][]byte
	v       values
	scratch []byte
}

// NewTSVDecoder returns a decoder for the input called name ("" if unknown).
func NewTSVDecoder(name string) *TSVDecoder {
	d := &TSVDecoder{namePath: PathFromName(name)}
	d.resetHeader()
	return d
}

func (d *TSVDecoder) resetHeader() {
	d.sep = []byte{'\t'}
	d.setSep = []byte{','}
	d.empty = []byte("(empty)")
	d.unset = []byte("-")
	d.path = ""
	d.fields = nil
	d.ncols = 0
	for i := range d.col {
		d.col[i] = -1
	}
}

// Clone returns a decoder with a copy of d's header state.
func (d *TSVDecoder) Clone() telemetry.Decoder {
	c := &TSVDecoder{
		namePath: d.namePath,
		sep:      bytes.Clone(d.sep),
		setSep:   bytes.Clone(d.setSep),
		empty:    bytes.Clone(d.empty),
		unset:    bytes.Clone(d.unset),
		path:     d.path,
		fields:   append([]string(nil), d.fields...),
		col:      d.col,
		ncols:    d.ncols,
	}
	return c
}

// HasHeader reports whether a #fields header has been read.
func (d *TSVDecoder) HasHeader() bool { return d.fields != nil }

// Decode parses one line: header lines update the decoder and carry no
// event, as do blank and other '#' lines.
func (d *TSVDecoder) Decode(line []byte, ev *telemetry.Event) (bool, error) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) == 0 {
		return false, nil
	}
	if line[0] == '#' {
		return false, d.header(line)
	}
	if d.fields == nil {
		return false, &telemetry.ParseError{Err: ErrNoHeader}
	}
	d.cols = split(d.cols[:0], line, d.sep)
	if len(d.cols) != d.ncols {
		return false, &telemetry.ParseError{Err: fmt.Errorf("%d columns, the #fields header names %d", len(d.cols), d.ncols)}
	}
	d.v.reset()
	d.scratch = d.scratch[:0]
	for s := range nSlots {
		c := d.col[s]
		if c < 0 {
			continue
		}
		f := d.cols[c]
		if bytes.Equal(f, d.unset) {
			continue
		}
		d.v.has[s] = true
		if bytes.Equal(f, d.empty) {
			d.v.text[s] = nil
			continue
		}
		if listSlot[s] {
			// Split before unescaping: Zeek writes a set separator inside
			// an element as \x2c.
			for item := range bytes.SplitSeq(f, d.setSep) {
				d.v.list[s] = append(d.v.list[s], d.unescape(item))
			}
		}
		f = d.unescape(f)
		d.v.text[s] = f
	}
	ev.Format = TSVName
	path := d.path
	if path == "" {
		path = d.namePath
	}
	if err := d.v.apply(ev, path); err != nil {
		return false, err
	}
	return true, nil
}

// header handles one '#' line.
func (d *TSVDecoder) header(line []byte) error {
	if v, ok := bytes.CutPrefix(line, []byte("#separator")); ok {
		sep := decodeEscapes(bytes.TrimSpace(v))
		if len(sep) == 0 {
			return telemetry.FieldErrorf("#separator", "empty separator")
		}
		// A new separator starts a new header block (concatenated logs).
		d.resetHeader()
		d.sep = sep
		return nil
	}
	key, val, ok := bytes.Cut(line, d.sep)
	if !ok {
		return nil // a comment, e.g. "### BTest baseline ..."
	}
	switch string(key) {
	case "#set_separator":
		d.setSep = decodeEscapes(val)
	case "#empty_field":
		d.empty = decodeEscapes(val)
	case "#unset_field":
		d.unset = decodeEscapes(val)
	case "#path":
		d.path = internPath(val)
	case "#fields":
		d.fields = d.fields[:0]
		for f := range bytes.SplitSeq(val, d.sep) {
			d.fields = append(d.fields, string(f))
		}
		d.ncols = len(d.fields)
		for i := range d.col {
			d.col[i] = -1
		}
		for i, f := range d.fields {
			if s, ok := slotNames[f]; ok && d.col[s] < 0 {
				d.col[s] = i
			}
		}
	}
	return nil
}

func split(dst [][]byte, line, sep []byte) [][]byte {
	if len(sep) == 1 {
		c := sep[0]
		for {
			i := bytes.IndexByte(line, c)
			if i < 0 {
				return append(dst, line)
			}
			dst = append(dst, line[:i:i])
			line = line[i+1:]
		}
	}
	for {
		i := bytes.Index(line, sep)
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i:i])
		line = line[i+len(sep):]
	}
}

// unescape decodes Zeek's \xNN escapes in a field into d.scratch.
func (d *TSVDecoder) unescape(f []byte) []byte {
	if bytes.IndexByte(f, '\\') < 0 {
		return f
	}
	start := len(d.scratch)
	d.scratch = appendUnescaped(d.scratch, f)
	return d.scratch[start:len(d.scratch):len(d.scratch)]
}

func decodeEscapes(b []byte) []byte { return appendUnescaped(nil, b) }

func appendUnescaped(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && b[i+1] == 'x' {
			if hi, ok1 := unhex(b[i+2]); ok1 {
				if lo, ok2 := unhex(b[i+3]); ok2 {
					dst = append(dst, hi<<4|lo)
					i += 3
					continue
				}
			}
		}
		dst = append(dst, b[i])
	}
	return dst
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
