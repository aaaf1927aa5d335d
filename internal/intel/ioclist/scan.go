package ioclist

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"sync"
	"unsafe"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// Scan reads an IOC list (plain or CSV, as Read) and calls fn with the
// type, normalised value and name (LOKI comment, section or CSV name) of
// each indicator, in file order. Unlike Read it builds no Indicators: it
// derives no IDs, keeps duplicates (the same value on two lines is passed
// twice) and sorts nothing, so a caller indexing millions of values (the
// sweep) pays for none of that. It returns the lines it could not use,
// named by file, as Read's Collection.Unsupported holds them.
//
// Values and names may share memory with data: do not modify data while
// they are in use.
func Scan(ctx context.Context, data []byte, file string, fn func(t intel.Type, value, name string)) ([]intel.Unsupported, error) {
	return ScanParts(ctx, data, file, 1, func(_ int, t intel.Type, value, name string) { fn(t, value, name) })
}

// ScanParts is Scan on up to parts goroutines: a plain list is cut into
// parts at line boundaries and each part is read on its own goroutine,
// which calls fn with the part's number for each of its indicators, in
// file order. All the indicators of part k come before those of part k+1
// in the file, so a caller that keeps one collector per part and joins
// them in order gets what Scan gives. CSV files are read as one part. The
// unsupported lines come in file order.
func ScanParts(ctx context.Context, data []byte, file string, parts int, fn func(part int, t intel.Type, value, name string)) ([]intel.Unsupported, error) {
	return ScanValues(ctx, data, file, parts, func(k int, v *Value) {
		if v.Run == nil {
			fn(k, v.Type, v.Value, v.Name)
			return
		}
		for _, it := range v.Run {
			fn(k, it.Kind.Type(), unsafe.String(&data[it.Off], it.Len), v.Name)
		}
	})
}

// Value is an indicator ScanValues read, or a run of them.
type Value struct {
	Type  intel.Type
	Value string // normalised
	Name  string // LOKI comment, section or CSV name
	// Canonical says that Value is known to be what
	// intel.Normalise(Type, Value) returns, without calling it: the bare
	// addresses, masked IPv4 prefixes, lower-case hashes and names of
	// large lists, which a fast path reads. A caller may skip checking
	// them again.
	Canonical bool
	// Run, when not nil, holds the canonical values of consecutive
	// lines, all with Name, in place of a Value each (Type and Value are
	// then unset, Canonical is true): a list of millions is mostly such
	// lines, and a call for each would cost more than reading it.
	Run []Item
}

// Item is a canonical value of a run: data[Off:Off+Len] of the data
// ScanValues reads, with what the fast path learnt reading it.
type Item struct {
	Off  int
	Addr uint32 // IPv4 and CIDR: the address (a.b.c.d is a<<24 | b<<16 | c<<8 | d)
	Len  int
	Kind Kind
	Bits uint8 // CIDR: the prefix length
	Two  uint8 // Domain: the offset of its last two labels
}

// Kind is the type of an Item.
type Kind uint8

// The kinds of Item.
const (
	KindIPv4 Kind = iota
	KindCIDR
	KindDomain
	KindMD5
	KindSHA1
	KindSHA256
	KindJA3
)

var kindTypes = [...]intel.Type{intel.IPv4, intel.CIDR, intel.Domain, intel.MD5, intel.SHA1, intel.SHA256, intel.JA3}

// Type returns the indicator type of kind k.
func (k Kind) Type() intel.Type { return kindTypes[k] }

// runLen is the most values a Value.Run holds.
const runLen = 1024

// ScanValues is ScanParts whose fn is given a *Value, which also says
// when a value is canonical and gives most values of a large list in runs,
// addresses parsed. fn must not keep the pointer or the run: both are
// reused for the next call.
func ScanValues(ctx context.Context, data []byte, file string, parts int, fn func(part int, v *Value)) ([]intel.Unsupported, error) {
	b := &builder{c: &intel.Collection{}, file: file, emit: fn, run: make([]Item, 0, runLen)}
	if hdr, ok := csvHeader(data); ok {
		if err := b.readCSV(ctx, data, hdr); err != nil {
			return nil, err
		}
		return b.c.Unsupported, nil
	}
	if err := b.scanLines(ctx, data, parts); err != nil {
		return nil, err
	}
	return b.c.Unsupported, nil
}

// lineState is what reading a plain list remembers from line to line.
type lineState struct {
	line        int64      // lines read
	section     string     // the last comment line: LOKI block titles
	defaultType intel.Type // from a lone type-name header line
	content     bool       // a value line has been seen
}

// maxLine is the longest line a plain list may have, as bufio.Scanner
// with a 4 MiB buffer reads them.
const maxLine = 4*1024*1024 - 1

// minPart is the least input worth a goroutine of its own (a variable
// for tests).
var minPart = 256 << 10

// scanLines reads a plain list. Until the first value line it reads
// alone (header lines there set the default type); the rest is cut into
// up to parts pieces read at once, each starting from the section its
// nearest preceding comment or blank line names. Each part has its own
// builder, which emits with its part's number.
func (b *builder) scanLines(ctx context.Context, data []byte, parts int) error {
	if len(data) == 0 {
		return nil
	}
	text := unsafe.String(unsafe.SliceData(data), len(data))
	head := *b
	var st lineState
	pos, err := head.lines(ctx, text, &st, true)
	if err != nil {
		var le *lineError
		if errors.As(err, &le) {
			return fmt.Errorf("read ioc list %s: line %d: %w", b.file, le.line, le.err)
		}
		return err
	}
	rest := text[pos:]
	if rest == "" {
		return nil
	}
	parts = max(1, min(parts, len(rest)/minPart))
	cuts := make([]int, parts+1) // part k is rest[cuts[k]:cuts[k+1]]
	cuts[parts] = len(rest)
	// Every part but the first walks back to the section line before it
	// first, which in a list without any is all the text before it
	// (sectionBefore). Where the lines just before the middle hold no
	// section, parts get shorter the later they start, so that each
	// one's walk and reading take about as long: the walk costs a share
	// of reading (walkRatio), so with r = 1 - walkRatio part k
	// ends at L(1-r^(k+1))/(1-r^parts) (the geometric series that solves
	// "walk(start) + read(length) is the same for all").
	share := func(k int) float64 { return float64(k) / float64(parts) }
	if parts > 1 {
		if _, found := sectionWithin(text[:pos+len(rest)/parts], probeSection); !found {
			r := 1 - walkRatio
			share = func(k int) float64 { return (1 - math.Pow(r, float64(k))) / (1 - math.Pow(r, float64(parts))) }
		}
	}
	for k := 1; k < parts; k++ {
		c := max(int(float64(len(rest))*share(k)), cuts[k-1])
		if i := strings.IndexByte(rest[c:], '\n'); i >= 0 {
			c += i + 1
		} else {
			c = len(rest)
		}
		cuts[k] = c
	}
	type result struct {
		b   builder
		st  lineState
		err error
	}
	res := make([]result, parts)
	var wg sync.WaitGroup
	for k := range parts {
		r := &res[k]
		r.b = builder{c: &intel.Collection{}, file: b.file, opt: b.opt, seen: b.seen, emit: b.emit, part: k, off: pos + cuts[k]}
		if b.emit != nil {
			r.b.run = make([]Item, 0, runLen)
		}
		r.st = lineState{section: st.section, defaultType: st.defaultType, content: true}
		run := func() {
			if k > 0 {
				r.st.section = sectionBefore(text[:pos+cuts[k]])
			}
			_, r.err = r.b.lines(ctx, rest[cuts[k]:cuts[k+1]], &r.st, false)
		}
		if k == parts-1 {
			run()
		} else {
			wg.Go(run)
		}
	}
	wg.Wait()
	// Each part numbered its lines from 1: they count on from the lines
	// before it.
	offset := st.line
	for k := range res {
		r := &res[k]
		if r.err != nil {
			var le *lineError
			if errors.As(r.err, &le) {
				return fmt.Errorf("read ioc list %s: line %d: %w", b.file, le.line+offset, le.err)
			}
			return r.err
		}
		for _, u := range r.b.c.Unsupported {
			u.Line += offset
			b.c.Unsupported = append(b.c.Unsupported, u)
		}
		b.c.Indicators = append(b.c.Indicators, r.b.c.Indicators...)
		offset += r.st.line
	}
	return nil
}

// lineError is a line too long to read, numbered within its part.
type lineError struct {
	line int64
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

// walkRatio is about what sectionBefore costs a byte, as a share of what
// reading the lines costs: with AVX2 3.5 ms to walk back over 84 MB, 260
// ms to read them, on the 2-core machine of the benchmarks; without, 45
// ms. probeSection is how far back before the middle of a list scanLines
// looks for a section line to tell whether the walks will be long.
var walkRatio = func() float64 {
	if hasAVX2 {
		return 0.013
	}
	return 0.15
}()

const probeSection = 64 << 10

// sectionWithin is sectionBefore looking back over the last max bytes of
// text only; found is false if there is no section line among them.
func sectionWithin(text string, max int) (sec string, found bool) {
	from := len(text) - max
	if from <= 0 {
		return sectionBefore(text), true
	}
	if i := strings.IndexByte(text[from:], '\n'); i >= 0 {
		from += i + 1 // the first whole line
	} else {
		return "", false
	}
	// Behind the window a comment no list has, which sectionBefore
	// finds if there is no other.
	sec = sectionBefore("#\x00\n" + text[from:])
	if sec == "\x00" {
		return "", false
	}
	return sec, true
}

// sectionBefore returns the section in force at the end of text: that of
// its last comment or blank line. Only a line that starts with a space,
// '#', '/' or a non-ASCII byte (or is empty) may be one (TrimSpace of any
// other is neither empty nor a comment): lastLineMark finds the starts of
// those from the end, 32 bytes at a time where there is AVX2, and each is
// looked at closer. A list of millions of values and no comment is read
// back to its start by the goroutine of every part but the first, so this
// is on the path of a parallel load (84 MB: 45-70 ms a byte at a time,
// about 8 with AVX2).
func sectionBefore(text string) string {
	text = strings.TrimSuffix(text, "\n")
	if n := len(text); n > 0 && text[n-1] == '\n' {
		return "" // the last line is blank
	}
	b := unsafe.Slice(unsafe.StringData(text), len(text))
	lim := len(text)
	for {
		s := lastLineMark(b[:lim])
		line := text[s:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		switch line = strings.TrimSpace(line); {
		case line == "":
			return ""
		case strings.HasPrefix(line, "#"):
			return strings.Clone(strings.TrimSpace(strings.TrimLeft(line, "#")))
		case strings.HasPrefix(line, "//"):
			return strings.Clone(strings.TrimSpace(strings.TrimLeft(line, "/")))
		}
		if s == 0 {
			return ""
		}
		lim = s
	}
}

// lastLineMark returns the last position s of b, from 1 on, that starts a
// line that may be blank or a comment: a newline before it, a byte
// maySection holds at it; 0 if there is none (line 0 is the caller's to
// look at).
func lastLineMark(b []byte) int {
	n := len(b)
	if hasAVX2 && n > 32 {
		s, rest := lastLineMarkAVX2(&b[0], n)
		if s > 0 {
			return s
		}
		n = rest
	}
	for s := n - 1; s >= 1; s-- {
		if b[s-1] == '\n' && maySection[b[s]] {
			return s
		}
	}
	return 0
}

// maySection tells the first bytes of lines that may be blank or a
// comment: ASCII white space, '#', '/' and the lead bytes of UTF-8 (the
// Unicode spaces TrimSpace removes).
var maySection = func() (t [256]bool) {
	for _, c := range []byte(" \t\n\v\f\r#/") {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// lines reads the lines of text, the first numbered st.line+1, with the
// state st. With headOnly it stops after the first value line and returns
// the offset of the line after it; otherwise it reads all of text. A line
// too long is a *lineError.
func (b *builder) lines(ctx context.Context, text string, st *lineState, headOnly bool) (int, error) {
	pos := 0
	var one Item // where fastScan writes when there is no run to write in
	for pos < len(text) {
		it := &one
		if b.emit != nil {
			it = &b.run[:len(b.run)+1][len(b.run)] // the run is flushed when full
		}
		if next, ok := fastScan(text, pos, it); ok {
			st.line++
			if st.line%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return 0, err
				}
			}
			if st.defaultType == intel.JA3 && it.Kind == KindMD5 {
				it.Kind = KindJA3
			}
			st.content = true
			if b.emit == nil {
				b.add(it.Kind.Type(), text[pos:pos+it.Len], st.section)
			} else {
				// Consecutive values go in one run; any line that may
				// change the section ends it.
				if len(b.run) == 0 {
					b.runName = st.section
				}
				it.Off += b.off
				b.run = b.run[:len(b.run)+1]
				if len(b.run) == cap(b.run) || headOnly {
					b.flush()
				}
			}
			pos = next
			if headOnly {
				return pos, nil
			}
			continue
		}
		b.flush()
		end := strings.IndexByte(text[pos:], '\n')
		next := pos + end + 1
		if end < 0 {
			end, next = len(text)-pos, len(text)
		}
		line := text[pos : pos+end]
		if len(line) > maxLine {
			return 0, &lineError{st.line + 1, bufio.ErrTooLong}
		}
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		pos = next
		st.line++
		if st.line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		b.line(st, line)
		if headOnly && st.content {
			return pos, nil
		}
	}
	b.flush()
	return pos, nil
}

// flush emits the run of values, if there is one.
func (b *builder) flush() {
	if len(b.run) == 0 {
		return
	}
	b.val = Value{Name: b.runName, Canonical: true, Run: b.run}
	b.emit(b.part, &b.val)
	b.run = b.run[:0]
}

// line reads one line of a plain list that fastScan did not take.
func (b *builder) line(st *lineState, text string) {
	t, v, comment, err := ParseLine(text)
	if errors.Is(err, ErrNoValue) {
		s := strings.TrimSpace(text)
		switch {
		case s == "":
			st.section = ""
		case strings.HasPrefix(s, "#"):
			st.section = strings.Clone(strings.TrimSpace(strings.TrimLeft(s, "#")))
		case strings.HasPrefix(s, "//"):
			st.section = strings.Clone(strings.TrimSpace(strings.TrimLeft(s, "/")))
		}
		return
	}
	if err != nil && !st.content {
		if typ, ok := TypeName(strings.TrimSpace(text)); ok {
			st.defaultType = typ // a header line such as "SHA256"
			return
		}
	}
	st.content = true
	if err == nil && st.defaultType == intel.JA3 && t == intel.MD5 {
		// Detect takes 32 hex digits for MD5; a "ja3" header says
		// otherwise. Values of other shapes keep their detected type
		// (lists change type after a blank line, as menuPass does).
		t = intel.JA3
	}
	if err != nil {
		b.unsupported(st.line, strings.Clone(strings.TrimSpace(text)), err.Error())
		return
	}
	name := comment
	if name == "" {
		name = st.section
	}
	b.add(t, v, strings.Clone(name))
}

// fastScan reads the line at text[pos:] when it is one of the common
// lines of large lists, a bare IPv4 address or masked prefix, lower-case
// hash or lower-case domain name, as ParseLine would, in one pass and
// without allocating, into *it (the value is text[it.Off:it.Off+it.Len],
// it.Off is pos); next is the offset of the line after it (a line ends at '\n', at a
// '\r' before one or before the end of text, or at the end of text, as
// lines cuts them). ok is false for any other line, which ParseLine then
// reads.
func fastScan(text string, pos int, it *Item) (next int, ok bool) {
	*it = Item{Off: pos}
	if pos < len(text) && text[pos]-'0' <= 9 {
		if k, a, bits, end, ok := quadAt(text, pos); ok {
			if next, ok := lineEnd(text, end); ok {
				it.Kind, it.Addr, it.Bits, it.Len = k, a, bits, end-pos
				return next, true
			}
		} // else a name or hash may start with a digit ("0.0.0.0a")
	}
	// The character classes, the dots of what may be a name and the end
	// of the line, in one pass: eight bytes at a time, whose classes bit
	// tricks tell at once, the last few one by one.
	var cl uint8
	last, prev, badLabel := -1, -1, false // the offsets in the line of its last two dots
	b := unsafe.Slice(unsafe.StringData(text), len(text))
	i, end := pos, -1 // end: where the line ends, once found
	for ; i+8 <= len(text); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		d, hx, dot := between(w, '0', '9'), between(w, 'a', 'f'), between(w, '.', '.')
		nm := between(w, 'g', 'z') | between(w, '-', '-') | between(w, '_', '_')
		keep := ^uint64(0) // the bytes of the line
		if inv := ^(d | hx | dot | nm) & swarHigh; inv != 0 {
			end = i + bits.TrailingZeros64(inv)>>3
			keep = 1<<(bits.TrailingZeros64(inv)&^7) - 1
		}
		if d&keep != 0 {
			cl |= cDigit
		}
		if hx&keep != 0 {
			cl |= cHex
		}
		if nm&keep != 0 {
			cl |= cName
		}
		for m := dot & keep; m != 0; m &= m - 1 {
			cl |= cDot
			q := i - pos + bits.TrailingZeros64(m)>>3
			badLabel = badLabel || q-last == 1 || q-last > 64
			prev, last = last, q
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 {
		for ; i < len(text); i++ {
			k := class[text[i]]
			if k == 0 {
				break
			}
			cl |= k
			if k == cDot {
				badLabel = badLabel || i-pos-last == 1 || i-pos-last > 64
				prev, last = last, i-pos
			}
		}
		end = i
	}
	next, ok = lineEnd(text, end)
	if !ok || end == pos || end-pos > 253 {
		return 0, false
	}
	s := text[pos:end]
	it.Len = len(s)
	label := len(s) - last - 1 // the last label's length
	if cl&(cName|cDot) == 0 {  // hex digits only
		switch len(s) {
		case 32:
			it.Kind = KindMD5
			return next, true
		case 40:
			it.Kind = KindSHA1
			return next, true
		case 64:
			it.Kind = KindSHA256
			return next, true
		}
	}
	// A name ParseLine takes as it is: Detect sends it to
	// Normalise(Domain), which would change nothing (labels of 1 to 63
	// characters, the last not all digits). Digits and dots that are not
	// an address ("1.2.3"), anything that may be refanged ("hxxp...") or
	// trimmed (dots at the ends) is left to ParseLine.
	if cl&cDot == 0 || cl&(cHex|cName) == 0 || badLabel || label == 0 || label > 63 ||
		allDigits(s[last+1:]) || strings.HasPrefix(s, "hxxp") {
		return 0, false
	}
	it.Kind, it.Two = KindDomain, uint8(prev+1)
	return next, true
}

// swarLow and swarHigh are the lowest and the highest bit of every byte
// of a word.
const (
	swarLow  = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// between returns the high bit of each byte of w that is an ASCII byte
// from lo to hi: each test is an addition whose carry out of the low
// seven bits of a byte tells, none of them reaching the next byte.
func between(w uint64, lo, hi byte) uint64 {
	t := w &^ swarHigh
	return (t + (0x80-uint64(lo))*swarLow) &^ (t + (0x7f-uint64(hi))*swarLow) &^ w & swarHigh
}

// allDigits reports whether s is ASCII digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i]-'0' > 9 {
			return false
		}
	}
	return true
}

// quadAtBytes is quadAt a byte at a time, for the last few bytes of a
// text. Unlike quadAt it also reads a quad that a digit or a dot follows
// ("1.2.3.4.5" up to the 4): no line that is an address.
func quadAtBytes(text string, pos int) (k Kind, a uint32, n uint8, end int, ok bool) {
	i := pos
	for k := range 4 {
		if k > 0 {
			if i >= len(text) || text[i] != '.' {
				return 0, 0, 0, 0, false
			}
			i++
		}
		if i >= len(text) || text[i]-'0' > 9 {
			return 0, 0, 0, 0, false
		}
		v := uint32(text[i] - '0')
		i++
		if v != 0 { // a part that starts with 0 is 0
			for range 2 {
				if i >= len(text) || text[i]-'0' > 9 {
					break
				}
				v = v*10 + uint32(text[i]-'0')
				i++
			}
			if v > 255 {
				return 0, 0, 0, 0, false
			}
		}
		a = a<<8 | v
	}
	return prefixAfter(text, a, i)
}

// prefixAfter ends quadAt: the address a ends at text[i]; a '/' there
// starts a prefix length.
func prefixAfter(text string, a uint32, i int) (k Kind, _ uint32, n uint8, end int, ok bool) {
	if i == len(text) || text[i] != '/' {
		return KindIPv4, a, 0, i, true
	}
	i++
	if i >= len(text) || text[i]-'0' > 9 {
		return 0, 0, 0, 0, false
	}
	n = text[i] - '0'
	i++
	if n != 0 && i < len(text) && text[i]-'0' <= 9 {
		n = n*10 + text[i] - '0'
		i++
	}
	if n > 32 || n < 32 && a<<n != 0 {
		return 0, 0, 0, 0, false
	}
	return KindCIDR, a, n, i, true
}

// gather returns the high bits of the bytes of m, which has no others
// set, as the eight low bits: byte i's as bit i.
func gather(m uint64) uint {
	return uint((m >> 7) * 0x0102040810204080 >> 56)
}

// quadAt reads a dotted quad at text[pos:] as netip.ParseAddr takes it
// (no leading zeros, each part at most 255) and, if a '/' follows, a
// prefix length as Detect writes it (0 to 32 without leading zeros, no
// bits set after it); end is where they end. ok is false when there is no
// such address there, or a digit or a dot follows it (what else follows
// end is for the caller to check).
//
// It reads the 16 bytes at pos as two words: the dots and the end of the
// quad (the first byte neither digit nor dot) are found in them with bit
// tricks, the four parts' lengths from where the dots are, and each part's
// value from a 32-bit load at its start. Nothing in it branches on the
// digits, so an address costs the same whatever its parts' lengths, which
// in a list of random addresses no branch predictor can guess (a byte at
// a time took 36 ns a line of a list of 10 million indicators on one core,
// this 30).
func quadAt(text string, pos int) (k Kind, a uint32, n uint8, end int, ok bool) {
	if pos+20 > len(text) {
		return quadAtBytes(text, pos)
	}
	p := unsafe.Add(unsafe.Pointer(unsafe.StringData(text)), pos) // 20 bytes from p are text's
	lo, hi := binary.LittleEndian.Uint64((*[8]byte)(p)[:]), binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, 8))[:])
	dl, dh := between(lo, '.', '.'), between(hi, '.', '.')
	d := gather(dl) | gather(dh)<<8 | 1<<16 // the dots
	e := bits.TrailingZeros(gather(^(between(lo, '0', '9')|dl)&swarHigh) | gather(^(between(hi, '0', '9')|dh)&swarHigh)<<8 | 1<<16)
	p1 := bits.TrailingZeros(d)
	d &= d - 1
	p2 := bits.TrailingZeros(d)
	d &= d - 1
	p3 := bits.TrailingZeros(d)
	d &= d - 1
	l0, l1, l2, l3 := p1, p2-p1-1, p3-p2-1, e-p3-1
	const ok3 = 0b1110 // the lengths of parts, 1 to 3, as bits
	if ok3>>uint(l0)&(ok3>>uint(l1))&(ok3>>uint(l2))&(ok3>>uint(l3))&1 == 0 || bits.TrailingZeros(d) < e {
		return 0, 0, 0, 0, false
	}
	v0, z0 := quadPart(uint32(lo), l0)
	v1, z1 := quadPart(le32(p, p1+1), l1)
	v2, z2 := quadPart(le32(p, p2+1), l2)
	v3, z3 := quadPart(le32(p, p3+1), l3)
	if (v0|v1|v2|v3) > 255 || z0 || z1 || z2 || z3 {
		return 0, 0, 0, 0, false
	}
	return prefixAfter(text, v0<<24|v1<<16|v2<<8|v3, pos+e)
}

// le32 loads the little-endian 32 bits at p+off.
func le32(p unsafe.Pointer, off int) uint32 {
	return binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(p, off))[:])
}

// quadPart returns the value of the l digits (1 to 3) at the start of w and
// whether it has a leading zero.
func quadPart(w uint32, l int) (uint32, bool) {
	x := w - 0x30303030
	z := x << (8 * (uint(3-l) & 3)) & 0xffffff
	return z&0xff*100 + z>>8&0xff*10 + z>>16, l > 1 && x&0xff == 0
}

// lineEnd reports whether a line ends at text[i], as lines cuts them, and
// returns the offset of the line after it.
func lineEnd(text string, i int) (int, bool) {
	if i == len(text) {
		return i, true
	}
	switch text[i] {
	case '\n':
		return i + 1, true
	case '\r':
		if i+1 == len(text) {
			return i + 1, true
		}
		if text[i+1] == '\n' {
			return i + 2, true
		}
	}
	return 0, false
}

// Character classes of fastScan: what is not in one ends a line or sends
// it to ParseLine.
const (
	cDigit = 1 << iota // 0-9
	cHex               // a-f
	cName              // g-z, '-', '_'
	cDot               // '.'
)

var class = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = cDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cName
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = cHex
	}
	t['-'], t['_'], t['.'] = cName, cName, cDot
	return t
}()
