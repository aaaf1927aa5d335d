package stix

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// scanBuf is what scanObject reuses from one object to the next.
type scanBuf struct {
	refs []string // the first array of strings
	text []byte   // strings unescaped
}

// scanObject decodes raw, one element of a bundle's objects array, into
// o as json.Unmarshal would, in one pass and without allocating once buf
// has grown: the strings of o are views of raw, or of buf.text where
// they had to be unescaped (o.ObjectMarkingRefs, Aliases, XMitreAliases
// and Sectors reuse buf.refs), valid while raw is and until the next
// call with buf. It does what object's decoding needs for a STIX object
// as feeds write it, and reports false, leaving o in any state, for
// anything else: what is not valid JSON or not UTF-8, a key with escapes
// or not ASCII (encoding/json folds Unicode), a value of a kind
// encoding/json would refuse for its field. decodeObject then decodes
// raw; FuzzScanObject checks that what scanObject decodes is what
// encoding/json decodes.
//
// The fields that object gets only from other objects (external
// references, kill chain phases, a marking's definition) are checked as
// encoding/json would check them, not kept.
func scanObject(raw []byte, o *object, buf *scanBuf) bool {
	*o = object{}
	buf.text = buf.text[:0]
	s := scanner{b: raw, text: &buf.text}
	refs := &buf.refs
	arrays := 0 // of refs, by field: the first uses refs' array
	// The member's value by its key's field; the loop is s.list's,
	// written out: a closure call per member costs 8% of the time.
	member := func() bool {
		key, ok := s.plainString()
		if !ok || !s.colon() {
			return false
		}
		f, ok := objectField(key)
		if !ok {
			return false
		}
		switch {
		case f < 0:
			return s.value()
		case f <= fDefinitionType:
			if s.null() {
				return true
			}
			v, ok := s.stringValue()
			*[...]*string{&o.Type, &o.ID, &o.Modified, &o.CreatedByRef, &o.Name, &o.Description, &o.Pattern,
				&o.PatternType, &o.ValidFrom, &o.ValidUntil, &o.RelationshipType, &o.SourceRef, &o.TargetRef,
				&o.Country, &o.Nationality, &o.XNationality, &o.DefinitionType}[f] = v
			return ok
		case f == fRevoked || f == fXMitreDeprecated:
			b := &o.Revoked
			if f == fXMitreDeprecated {
				b = &o.XMitreDeprecated
			}
			switch {
			case s.literal("true"):
				*b = true
			case s.literal("false"):
				*b = false
			case !s.null():
				return false
			}
			return true
		case f <= fSectors:
			dst := [...]*[]string{&o.Aliases, &o.XMitreAliases, &o.ObjectMarkingRefs, &o.Sectors}[f-fAliases]
			if s.null() {
				*dst = nil
				return true
			}
			var out []string
			if arrays == 0 {
				out = (*refs)[:0]
			}
			arrays++
			if out, ok = s.stringArray(out); !ok {
				return false
			}
			if arrays == 1 {
				*refs = out
			}
			*dst = out
			return true
		case f == fConfidence: // a json.RawMessage: the value as written
			start := s.i
			ok := s.value()
			o.Confidence = raw[start:s.i:s.i]
			return ok
		}
		return s.complexValue(key) // fComplex
	}
	s.space()
	if !s.byte('{') {
		return false
	}
	s.space()
	if !s.byte('}') {
		for {
			s.space()
			if !member() {
				return false
			}
			s.space()
			if s.byte('}') {
				break
			}
			if !s.byte(',') {
				return false
			}
		}
	}
	s.space()
	return s.i == len(s.b)
}

// objectField returns the field of object that encoding/json decodes key
// into (its fieldIndex, -1 for none), matching names exactly or else
// without regard to case; ok is false for a key that is not ASCII.
func objectField(key string) (f int, ok bool) {
	if f, ok := fieldIndex(key); ok {
		return f, true
	}
	var buf [24]byte
	upper := false
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= utf8.RuneSelf {
			return 0, false
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
			if i < len(buf) {
				buf[i] = c + 'a' - 'A'
			}
		} else if i < len(buf) {
			buf[i] = c
		}
	}
	if !upper || len(key) > len(buf) { // no name is longer
		return -1, true
	}
	if f, ok := fieldIndex(string(buf[:len(key)])); ok {
		return f, true
	}
	return -1, true
}

// scanner reads JSON in b from i.
type scanner struct {
	b    []byte
	i    int
	text *[]byte // where strings are unescaped
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\n', '\r', '\t':
			s.i++
		default:
			return
		}
	}
}

// byte consumes c if it is next.
func (s *scanner) byte(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) literal(l string) bool {
	if len(s.b)-s.i >= len(l) && string(s.b[s.i:s.i+len(l)]) == l {
		s.i += len(l)
		return true
	}
	return false
}

func (s *scanner) null() bool { return s.literal("null") }

// colon consumes the ':' after a member's key, with whitespace around it.
func (s *scanner) colon() bool {
	s.space()
	ok := s.byte(':')
	s.space()
	return ok
}

// object consumes an object, calling member to consume each member from
// its key on.
func (s *scanner) object(member func() bool) bool {
	return s.list('{', '}', member)
}

// array consumes an array, calling elem to consume each element.
func (s *scanner) array(elem func() bool) bool {
	return s.list('[', ']', elem)
}

// list consumes open, items separated by commas, and close, calling item
// to consume each item (after whitespace).
func (s *scanner) list(open, close byte, item func() bool) bool {
	if !s.byte(open) {
		return false
	}
	s.space()
	if s.byte(close) {
		return true
	}
	for {
		s.space()
		if !item() {
			return false
		}
		s.space()
		if s.byte(close) {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}

// strPlain marks the bytes that a JSON string holds as they are and that
// are UTF-8 by themselves: not the quote, the backslash, a control
// character or a byte of a multi-byte character.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Eight bytes at a time: lsb has 1 in each byte, msb 0x80.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// bytesEqual has the high bit of each byte of x that equals c set, and
// maybe of bytes above such a byte: its lowest bit set is exact.
func bytesEqual(x uint64, c byte) uint64 {
	y := x ^ lsb*uint64(c)
	return (y - lsb) &^ y & msb
}

// bytesBelow is bytesEqual for the bytes of x less than n (n <= 0x80).
func bytesBelow(x uint64, n byte) uint64 { return (x - lsb*uint64(n)) &^ x & msb }

// stringStop returns the offset of the first byte of b from i on that
// strPlain does not mark, or len(b).
func stringStop(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := bytesEqual(x, '"') | bytesEqual(x, '\\') | bytesBelow(x, 0x20) | x&msb; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(b) && strPlain[b[i]] {
		i++
	}
	return i
}

// quoteOrBackslash returns the offset of the first '"' or '\\' of b from i
// on, or len(b).
func quoteOrBackslash(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := bytesEqual(x, '"') | bytesEqual(x, '\\'); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(b) && b[i] != '"' && b[i] != '\\' {
		i++
	}
	return i
}

// validRune returns the offset after the UTF-8 character at b[i], or false
// if it is not one (encoding/json would replace it).
func validRune(b []byte, i int) (int, bool) {
	r, n := utf8.DecodeRune(b[i:])
	return i + n, r != utf8.RuneError || n > 1
}

// plainString consumes a string without escapes and returns its
// contents, a view of b.
func (s *scanner) plainString() (string, bool) {
	if !s.byte('"') {
		return "", false
	}
	start, b := s.i, s.b
	i := s.i
	for {
		i = stringStop(b, i)
		if i == len(b) || b[i] < utf8.RuneSelf {
			break
		}
		var ok bool
		if i, ok = validRune(b, i); !ok {
			return "", false
		}
	}
	if i == len(b) || b[i] != '"' {
		return "", false
	}
	s.i = i + 1
	return unsafe.String(unsafe.SliceData(b[start:]), i-start), true
}

// stringValue consumes a string and returns its contents: a view of b,
// or if it has escapes, of what it appends to text, unescaped as
// encoding/json unescapes.
func (s *scanner) stringValue() (string, bool) {
	start := s.i
	if v, ok := s.plainString(); ok {
		return v, true
	}
	s.i = start
	if !s.byte('"') {
		return "", false
	}
	b, i := s.b, s.i
	t := *s.text
	from := len(t)
	for {
		j := stringStop(b, i)
		t = append(t, b[i:j]...)
		if i = j; i == len(b) {
			return "", false
		}
		switch c := b[i]; {
		case c == '"':
			s.i, *s.text = i+1, t
			return unsafe.String(unsafe.SliceData(t[from:]), len(t)-from), true
		case c >= utf8.RuneSelf:
			k, ok := validRune(b, i)
			if !ok {
				return "", false // encoding/json would replace it
			}
			t, i = append(t, b[i:k]...), k
		case c == '\\' && i+1 < len(b):
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				t = append(t, e)
			case 'b':
				t = append(t, '\b')
			case 'f':
				t = append(t, '\f')
			case 'n':
				t = append(t, '\n')
			case 'r':
				t = append(t, '\r')
			case 't':
				t = append(t, '\t')
			case 'u':
				r := hex4(b[i:])
				if r < 0 {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// A pair, or else U+FFFD for the first half
					// alone (what follows is read on its own).
					if d := utf16.DecodeRune(r, hex4(b[i:])); d != unicode.ReplacementChar {
						t, i = utf8.AppendRune(t, d), i+6
						continue
					}
					r = unicode.ReplacementChar
				}
				t = utf8.AppendRune(t, r)
				continue
			default:
				return "", false
			}
			i += 2
		default: // a control character, or a backslash at the end
			return "", false
		}
	}
}

// hex4 returns the code of the escape \uXXXX that b starts with, or -1.
func hex4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// str consumes any valid string.
func (s *scanner) str() bool {
	if !s.byte('"') {
		return false
	}
	b := s.b
	for i := s.i; i < len(b); {
		switch c := b[i]; {
		case strPlain[c]:
			i++
		case c >= utf8.RuneSelf:
			var ok bool
			if i, ok = validRune(b, i); !ok {
				return false
			}
		case c == '"':
			s.i = i + 1
			return true
		case c == '\\':
			if i+1 == len(b) {
				return false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 {
					return false
				}
				for _, h := range b[i+2 : i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				i += 6
			default:
				return false
			}
		default: // a control character
			return false
		}
	}
	return false
}

// number consumes a JSON number.
func (s *scanner) number() bool {
	b, i := s.b, s.i
	digits := func() int {
		n := 0
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	s.i = i
	return true
}

// maxDepth bounds the nesting scanner follows (encoding/json's is 10000;
// deeper input goes to encoding/json).
const maxDepth = 1000

// value consumes any JSON value.
func (s *scanner) value() bool { return s.valueAt(0) }

func (s *scanner) valueAt(depth int) bool {
	if s.i == len(s.b) || depth > maxDepth {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{':
		return s.object(func() bool { return s.str() && s.colon() && s.valueAt(depth+1) })
	case c == '[':
		return s.array(func() bool { return s.valueAt(depth + 1) })
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.null()
	}
	return s.number()
}

// stringArray consumes an array of strings and nulls (which encoding/json
// decodes as "") and appends them to out.
func (s *scanner) stringArray(out []string) ([]string, bool) {
	ok := s.array(func() bool {
		if s.null() {
			out = append(out, "")
			return true
		}
		v, ok := s.stringValue()
		out = append(out, v)
		return ok
	})
	return out, ok
}

// complexFields are the string fields of the elements of object's
// complex fields (external_references, kill_chain_phases: arrays of
// objects; definition: an object), by the field's JSON name.
var complexFields = map[string][]string{
	"external_references": {"source_name", "external_id"},
	"kill_chain_phases":   {"kill_chain_name", "phase_name"},
	"definition":          {"tlp"},
}

// complexValue consumes the value of complex field name (matched
// without regard to case) if encoding/json would decode it without error.
func (s *scanner) complexValue(name string) bool {
	if s.null() {
		return true
	}
	var fields []string
	array := true
	for n, fs := range complexFields {
		if strings.EqualFold(n, name) {
			fields, array = fs, n != "definition"
		}
	}
	if !array {
		return s.structOf(fields)
	}
	return s.array(func() bool { return s.null() || s.structOf(fields) })
}

// structOf consumes an object whose members named as fields (without
// regard to case) are strings or null, and the others anything.
func (s *scanner) structOf(fields []string) bool {
	return s.object(func() bool {
		key, ok := s.plainString()
		if !ok || !s.colon() {
			return false
		}
		for i := 0; i < len(key); i++ {
			if key[i] >= utf8.RuneSelf {
				return false
			}
		}
		for _, f := range fields {
			if strings.EqualFold(f, key) {
				return s.null() || s.str()
			}
		}
		return s.value()
	})
}
