package sweep

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"unsafe"
)

// MayMatch reports whether the raw log line could hold a value that one of
// the set's indicators matches, looking only at the bytes: when it returns
// false, decoding the line and calling Match on its event finds nothing,
// so a sweep can skip the decoding. It is exact in that direction (no
// false negatives) for any line of the formats pactwatch reads, and close
// to exact in the other: it looks each candidate token up in the indexes
// themselves, so it says true for a line without a match only when an
// indicator's value appears in a field Match does not look at.
//
// How: every matchable value a decoder produces is a run of bytes of the
// line (JSON and Zeek TSV keep values verbatim, and Match folds only ASCII
// case), so MayMatch splits the line into maximal runs of
// [A-Za-z0-9._:-] and looks up each run that can hold such a value (one
// with a '.' or ':', or of 32 bytes or more; lines up to 2 KiB are split
// from bit masks, see mayMatchMasks), each of its ':'-separated parts
// and each part's parent domains as an IPv4 or IPv6 address (exact index
// and CIDRs), a domain, and a hex hash (also with ':' between byte pairs,
// as certificate fingerprints are written). Lines where that reasoning
// could fail say true at once: a backslash (a JSON or Zeek escape could
// spell any byte) or a non-ASCII byte (Unicode case folding). A set with
// URL or e-mail indicators, whose normalisation is richer, disables the
// filter: MayMatch then always says true.
//
// MayMatch does not allocate and is safe for concurrent use.
func (s *Set) MayMatch(line []byte) bool {
	if s == nil {
		return false
	}
	if s.strs[kURL].len() > 0 || s.strs[kEmail].len() > 0 {
		return true
	}
	if len(line) <= maskLine {
		return s.mayMatchMasks(line, nil)
	}
	return s.mayMatchBytes(line)
}

// LineFilter is MayMatch for batches of lines, for one goroutine (it
// keeps scratch space between calls).
type LineFilter struct {
	s *Set
	q probes
}

// LineFilter returns a LineFilter of the set.
func (s *Set) LineFilter() *LineFilter { return &LineFilter{s: s} }

// MayMatchLines sets want[i] to MayMatch(lines[i]) for every line. The
// lookups of all the lines' addresses and names start with a probe of a
// filter too large to stay in the CPU's cache while logs stream through
// it: they are prefetched while the lines are read, and looked up after,
// so that the CPU waits for many cache misses at once rather than for
// each in turn.
func (f *LineFilter) MayMatchLines(lines [][]byte, want []bool) {
	s := f.s
	if s == nil || s.strs[kURL].len() > 0 || s.strs[kEmail].len() > 0 {
		for i, l := range lines {
			want[i] = s.MayMatch(l)
		}
		return
	}
	q := f.q[:0]
	for i, line := range lines {
		if len(line) > maskLine {
			want[i] = s.mayMatchBytes(line)
			continue
		}
		mark := len(q)
		if want[i] = s.mayMatchMasks(line, &q); want[i] {
			q = q[:mark]
			continue
		}
		for k := mark; k < len(q); k++ {
			q[k].line = int32(i)
		}
	}
	for k := range q {
		if pr := &q[k]; !want[pr.line] && s.resolve(pr) {
			want[pr.line] = true
		}
	}
	clear(q) // the lines' bytes are the caller's
	f.q = q[:0]
}

// mayMatchBytes is MayMatch stepping through the line a byte at a time
// (eight while a run goes on): for lines too long for mayMatchMasks, and
// the reference it is tested against.
func (s *Set) mayMatchBytes(line []byte) bool {
	for i := 0; i < len(line); {
		c := line[i]
		cl := class[c]
		if cl&cTok == 0 {
			if cl&cStop != 0 {
				return true
			}
			i++
			continue
		}
		if c == ':' && i+1 < len(line) && line[i+1] != ':' {
			// JSON's key-value separator: token drops a single ':' that
			// starts a run anyway, and without it most runs (numbers,
			// nothing at all before a quote) need no look.
			i++
			continue
		}
		j := i + 1
		// Eight bytes at a time while they are all token bytes (hashes,
		// names, date-times), then one at a time.
		for j+8 <= len(line) {
			b := line[j : j+8 : j+8]
			x0, x1, x2, x3 := class[b[0]], class[b[1]], class[b[2]], class[b[3]]
			x4, x5, x6, x7 := class[b[4]], class[b[5]], class[b[6]], class[b[7]]
			if x0&x1&x2&x3&x4&x5&x6&x7&cTok == 0 {
				break
			}
			cl |= x0 | x1 | x2 | x3 | x4 | x5 | x6 | x7
			j += 8
		}
		for j < len(line) {
			x := class[line[j]]
			if x&cTok == 0 {
				break
			}
			cl |= x
			j++
		}
		if cl&cColon != 0 || cl&cDot != 0 && j-i >= 4 || j-i >= 32 {
			if s.token(line[i:j], cl, nil) {
				return true
			}
		}
		i = j
	}
	return false
}

// Character classes of the prefilter's tokens.
const (
	cTok    = 1 << iota // part of a token: [A-Za-z0-9._:-]
	cDot                // '.'
	cColon              // ':'
	cNonHex             // not a hex digit (nor ':' or '.')
	cNonNum             // not a digit (nor '.')
	cStop               // not a token byte, and MayMatch says true at once: a backslash or not ASCII
)

var class = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= '0' && c <= '9':
			t[c] = cTok
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			t[c] = cTok | cNonNum
		case c >= 'g' && c <= 'z', c >= 'G' && c <= 'Z', c == '_', c == '-':
			t[c] = cTok | cNonHex | cNonNum
		case c == '.':
			t[c] = cTok | cDot
		case c == ':':
			t[c] = cTok | cColon | cNonNum
		case c == '\\' || c >= 0x80:
			t[c] = cStop
		}
	}
	return t
}()

// token looks up one run of token bytes; cl is the union of its classes.
// With q, the first lookup of a run without ':' is deferred to q (see
// part).
func (s *Set) token(r []byte, cl uint8, q *probes) bool {
	if cl&cColon == 0 {
		return s.part(r, cl, q)
	}
	if isoTime(r) {
		return false
	}
	return s.colonToken(r, cl)
}

// colonToken is token for a run with a ':' that is not a date and time.
func (s *Set) colonToken(r []byte, cl uint8) bool {
	// JSON's key-value separator: no address starts with a single ':'.
	if len(r) >= 2 && r[0] == ':' && r[1] != ':' {
		r = r[1:]
		if bytes.IndexByte(r, ':') < 0 {
			cl = 0
			for _, c := range r {
				cl |= class[c]
			}
			return (cl&cDot != 0 && len(r) >= 4 || len(r) >= 32) && s.part(r, cl, nil)
		}
	} else if len(r) == 1 {
		return false
	}
	// An IPv6 address, or a hex fingerprint with ':' between bytes.
	if cl&cNonHex == 0 {
		if s.colonHex(r) {
			return true
		}
		if t := bytes.TrimRight(r, ":."); maybeIPv6(t) {
			if a, err := netip.ParseAddr(string(t)); err == nil && s.addr(a) {
				return true
			}
		}
	}
	for len(r) > 0 {
		k := bytes.IndexByte(r, ':')
		p := r
		if k >= 0 {
			p, r = r[:k], r[k+1:]
		} else {
			r = nil
		}
		if len(p) < 4 {
			continue
		}
		var pc uint8
		for _, c := range p {
			pc |= class[c]
		}
		if s.part(p, pc, nil) {
			return true
		}
	}
	return false
}

// isoTime reports whether r is a date and time as EVE writes them
// ("2015-09-26T00:00:00", then optionally '.' and up to 31 digits; the
// zone after it is not a token byte), three in each flow record. Such a
// run holds no value an indicator could match: the token loop would split
// it at ':' into "2015-09-26T00" (no '.', too short for a hash), "00" (too
// short) and "00.003000" (not an address, a name's last label is never
// all digits, too short for a hash), and with 'T' and '-' it is neither
// an IPv6 address nor hex (FuzzISOTime).
func isoTime(r []byte) bool {
	if len(r) < 19 || r[4] != '-' || r[7] != '-' || r[10] != 'T' || r[13] != ':' || r[16] != ':' {
		return false
	}
	for i, c := range r[:19] {
		switch i {
		case 4, 7, 10, 13, 16:
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	if len(r) == 19 {
		return true
	}
	if r[19] != '.' || len(r) == 20 || len(r)-20 >= 32 {
		return false // 32 digits and more could be a hash
	}
	for _, c := range r[20:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// maybeIPv6 reports whether t, hex digits, '.' and ':', has the colons an
// IPv6 address needs: a "::", or seven (eight groups), or six (six groups
// and an IPv4 address); netip.ParseAddr accepts nothing else. Serial
// numbers and fingerprints written with ':' ("04:61:9C:1D") are ruled out
// without parsing (and allocating).
func maybeIPv6(t []byte) bool {
	n := bytes.Count(t, []byte(":"))
	return n >= 2 && (n == 6 || n == 7 || bytes.Contains(t, []byte("::")))
}

// part looks up a run without ':' as an IPv4 address, a domain and its
// parents, and a hash. With q, an address or name is not looked up but
// queued (probes.add) for a later resolve, its filter's word prefetched.
func (s *Set) part(p []byte, cl uint8, q *probes) bool {
	var pr probe
	if !s.partProbe(p, cl, &pr) {
		return false
	}
	if pr.kind == probeYes {
		return true
	}
	if q != nil {
		q.add(s, &pr)
		return false
	}
	return s.resolve(&pr)
}

// The kinds of probe.
const (
	probeYes  = iota // no lookup needed: may match
	probeV4          // key is an IPv4 address
	probeName        // tok is a name whose last two labels hash to h
)

// probe is the lookup part leaves to resolve: of an address or a name,
// each starting with a probe of a filter too large to stay in the CPU's
// cache while a sweep streams logs through it. A sweep prefetches those
// of many lines (MayMatchLines) and looks them up afterwards.
type probe struct {
	kind uint8
	line int32  // in MayMatchLines, the line's number
	key  uint32 // probeV4
	two  int32  // probeName: where the last two labels start
	h    uint64 // probeName: hash of the last two labels, lower case
	tok  []byte // probeName: the name as the line has it
}

// partProbe is part up to its first lookup in a filter: it reports false
// if there is nothing to look up, else sets *pr (kind probeYes when the
// run may match without any lookup, or a hash is found).
func (s *Set) partProbe(p []byte, cl uint8, pr *probe) bool {
	for len(p) > 0 && p[len(p)-1] == '.' {
		p = p[:len(p)-1]
	}
	if cl&cNonHex == 0 && len(p) >= 32 {
		for h := p; len(h) > 0; {
			k := bytes.IndexByte(h, '.')
			if k < 0 {
				k = len(h)
			}
			if s.hash(h[:k]) {
				pr.kind = probeYes
				return true
			}
			h = h[min(k+1, len(h)):]
		}
	}
	if cl&cDot == 0 {
		return false
	}
	if cl&cNonNum == 0 && (s.v4.len() > 0 || s.cidr4) {
		if k, ok := parseIPv4Key(p); ok {
			pr.kind, pr.key = probeV4, k
			return true
		}
	}
	if s.strs[kDomain].len() == 0 {
		return false
	}
	if len(p) > maxDomain {
		pr.kind = probeYes // Match lower-cases long names differently; decode to be sure
		return true
	}
	// An indicator domain's last label is not all digits, and its last
	// two labels are in fd2.
	last := bytes.LastIndexByte(p, '.')
	if last < 0 {
		return false
	}
	digits := true
	for _, c := range p[last+1:] {
		if c < '0' || c > '9' {
			digits = false
			break
		}
	}
	if digits {
		return false
	}
	var buf [maxDomain]byte
	b := lowerName(buf[:len(p)], p)
	two := bytes.LastIndexByte(b[:last], '.') + 1
	pr.kind, pr.tok, pr.two, pr.h = probeName, p, int32(two), hashBytes(b[two:])
	return true
}

// lowerName copies p into b (as long), ASCII lower-cased.
func lowerName(b, p []byte) []byte {
	for i, c := range p {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b
}

// resolve does the lookups of a probe (kind probeV4 or probeName).
func (s *Set) resolve(pr *probe) bool {
	if pr.kind == probeV4 {
		return s.addr4(pr.key)
	}
	if !s.fd2.has(pr.h) {
		return false
	}
	var buf [maxDomain]byte
	b := lowerName(buf[:len(pr.tok)], pr.tok)
	two := int(pr.two)
	// b and its parents down to the last two labels.
	for start := 0; ; {
		if h := hashBytes(b[start:]); s.fd.has(uint64(strKey(h)) << 32) {
			if _, ok := s.lookupBytes(&s.strs[kDomain], h, b[start:]); ok {
				return true
			}
		}
		if start >= two {
			return false
		}
		start += bytes.IndexByte(b[start:], '.') + 1
	}
}

// slot returns the filter word a probe's resolve reads first.
func (s *Set) slot(pr *probe) *uint64 {
	f, key := &s.f4, uint64(pr.key)<<32
	if pr.kind == probeName {
		f, key = &s.fd2, pr.h
	}
	if len(f.words) == 0 {
		return nil
	}
	return &f.words[key>>f.shift/64]
}

// probes are the lookups MayMatchLines defers.
type probes []probe

// add queues a copy of *pr and prefetches the first word its resolve
// reads.
func (q *probes) add(s *Set, pr *probe) {
	if w := s.slot(pr); w != nil {
		prefetch(unsafe.Pointer(w))
	}
	*q = append(*q, *pr)
}

// addr reports whether an address is an indicator or in a CIDR one.
func (s *Set) addr(a netip.Addr) bool {
	u := a.Unmap().WithZone("")
	if u.Is4() {
		k4 := u.As4()
		return s.addr4(binary.BigEndian.Uint32(k4[:]))
	}
	if _, ok := s.v6[u.As16()]; ok {
		return true
	}
	if s.cidr6 {
		_, ok := s.cidr.Lookup(u)
		return ok
	}
	return false
}

// addr4 is addr for the IPv4 address k.
func (s *Set) addr4(k uint32) bool {
	if !s.f4.has(uint64(k) << 32) {
		return false
	}
	if _, ok := s.v4.lookup(k); ok {
		return true
	}
	if s.cidr4 {
		_, ok := s.c4.lookup(k)
		return ok
	}
	return false
}

// hash reports whether h, hex digits of any case, is a hash or JA3
// indicator.
func (s *Set) hash(h []byte) bool {
	switch len(h) {
	case 32:
		_, ok1 := hexRef(s, kMD5, h)
		_, ok2 := hexRef(s, kJA3, h)
		return ok1 || ok2
	case 40:
		_, ok := hexRef(s, kSHA1, h)
		return ok
	case 64:
		_, ok := hexRef(s, kSHA256, h)
		return ok
	}
	return false
}

// colonHex looks up hex digits written in ':'-separated pairs
// ("ab:cd:..."), as certificate fingerprints are, as a hash.
func (s *Set) colonHex(r []byte) bool {
	n := len(r)
	if (n+1)%3 != 0 {
		return false
	}
	var buf [64]byte
	m := (n + 1) / 3 * 2
	if m > len(buf) {
		return false
	}
	for i := 0; i < n; i += 3 {
		if i+2 < n && r[i+2] != ':' || r[i] == ':' || r[i+1] == ':' {
			return false
		}
		buf[i/3*2], buf[i/3*2+1] = r[i], r[i+1]
	}
	return s.hash(buf[:m])
}

// decodeHexBytes is decodeHex for bytes.
func decodeHexBytes(dst, s []byte) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, lo := hexval[s[2*i]], hexval[s[2*i+1]]
		if hi > 15 || lo > 15 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}
