package sweep

import (
	"encoding/binary"
	"net/netip"
	"strings"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// Match is one indicator found in one field of an event.
type Match struct {
	// Field names the event field that matched: telemetry.FieldSrcIP,
	// FieldDstIP, FieldDomain, FieldURL, FieldMD5, FieldSHA1, FieldSHA256,
	// FieldJA3, or the Field of an Extra observable ("dns.answers").
	Field string
	// Value is the event's value in that field, as the event has it (the
	// whole URL when a domain indicator matched its host).
	Value string
	// Indicator is the matched indicator's number in the Set.
	Indicator int32
}

// Match appends to dst a Match for every indicator of s found in ev and
// returns the extended slice. Matches come in a fixed order: by field
// (src_ip, dst_ip, domain, url, md5, sha1, sha256, ja3, then the Extra
// observables in the event's order), then by indicator number. It does
// not allocate when nothing matches, except to normalise a URL that is not
// already in normal form when the set holds URL indicators; a match costs
// at most the string form of a matched IP address and dst's growth.
func (s *Set) Match(ev *telemetry.Event, dst []Match) []Match {
	if s == nil || ev == nil {
		return dst
	}
	if ev.SrcIP.IsValid() {
		dst = s.matchAddr(dst, telemetry.FieldSrcIP, ev.SrcIP, "")
	}
	if ev.DstIP.IsValid() {
		dst = s.matchAddr(dst, telemetry.FieldDstIP, ev.DstIP, "")
	}
	if ev.Domain != "" {
		dst = s.matchDomain(dst, telemetry.FieldDomain, ev.Domain, ev.Domain)
	}
	if ev.URL != "" {
		dst = s.matchURL(dst, telemetry.FieldURL, ev.URL)
	}
	if ev.MD5 != "" {
		dst = s.matchHash(dst, telemetry.FieldMD5, ev.MD5)
	}
	if ev.SHA1 != "" {
		dst = s.matchHash(dst, telemetry.FieldSHA1, ev.SHA1)
	}
	if ev.SHA256 != "" {
		dst = s.matchHash(dst, telemetry.FieldSHA256, ev.SHA256)
	}
	if ev.JA3 != "" {
		dst = s.matchJA3(dst, telemetry.FieldJA3, ev.JA3)
	}
	for i := range ev.Extra {
		o := &ev.Extra[i]
		if o.Value == "" {
			continue
		}
		switch o.Type {
		case telemetry.TypeIP:
			if a, err := netip.ParseAddr(strings.TrimSpace(o.Value)); err == nil {
				dst = s.matchAddr(dst, o.Field, a, o.Value)
			}
		case telemetry.TypeDomain:
			dst = s.matchDomain(dst, o.Field, o.Value, o.Value)
		case telemetry.TypeURL:
			dst = s.matchURL(dst, o.Field, o.Value)
		case telemetry.TypeHash:
			dst = s.matchHash(dst, o.Field, o.Value)
		case telemetry.TypeJA3:
			dst = s.matchJA3(dst, o.Field, o.Value)
		case telemetry.TypeEmail:
			dst = s.matchEmail(dst, o.Field, o.Value)
		}
	}
	return dst
}

// appendRef appends one Match per indicator of ref r.
func (s *Set) appendRef(dst []Match, field, value string, r int32) []Match {
	if r >= 0 {
		return append(dst, Match{Field: field, Value: value, Indicator: s.number(r)})
	}
	for _, i := range s.lists[^r] {
		dst = append(dst, Match{Field: field, Value: value, Indicator: s.number(i)})
	}
	return dst
}

// sortByIndicator sorts a field's few matches by indicator number
// (insertion sort: the runs are short and this does not allocate).
func sortByIndicator(ms []Match) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].Indicator < ms[j-1].Indicator; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// matchAddr looks an address up in the exact and CIDR indexes. value is
// the event's text for it, or "" to format a (only when something matched).
func (s *Set) matchAddr(dst []Match, field string, a netip.Addr, value string) []Match {
	u := a.Unmap().WithZone("")
	var r1, r2 int32
	var ok1, ok2 bool
	if u.Is4() {
		k4 := u.As4()
		k := binary.BigEndian.Uint32(k4[:])
		if !s.f4.has(uint64(k) << 32) {
			return dst
		}
		r1, ok1 = s.v4.lookup(k)
		if s.cidr4 {
			r2, ok2 = s.c4.lookup(k)
		}
	} else {
		if len(s.v6) > 0 {
			r1, ok1 = s.v6[u.As16()]
		}
		if s.cidr6 {
			r2, ok2 = s.cidr.Lookup(u)
		}
	}
	if !ok1 && !ok2 {
		return dst
	}
	if value == "" {
		value = a.String()
	}
	start := len(dst)
	if ok1 {
		dst = s.appendRef(dst, field, value, r1)
	}
	if ok2 {
		dst = s.appendRef(dst, field, value, r2)
		sortByIndicator(dst[start:])
	}
	return dst
}

// maxDomain is the longest name folded on the stack.
const maxDomain = 253

// matchDomain looks name and each of its parent domains (down to two
// labels) up in the domain index, folding ASCII case without allocating.
// value is what the Match reports.
func (s *Set) matchDomain(dst []Match, field, name, value string) []Match {
	if s.strs[kDomain].len() == 0 {
		return dst
	}
	name = strings.TrimSuffix(name, ".")
	upper, ascii := false, true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			upper = true
		} else if c >= 0x80 {
			ascii = false
		}
	}
	start := len(dst)
	switch {
	case !upper && ascii:
		dst = s.lookupDomain(dst, field, name, value)
	case ascii && len(name) <= maxDomain:
		var buf [maxDomain]byte
		b := buf[:len(name)]
		for i := 0; i < len(name); i++ {
			c := name[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		dst = s.lookupDomainBytes(dst, field, b, value)
	default:
		dst = s.lookupDomain(dst, field, strings.ToLower(name), value)
	}
	if len(dst)-start > 1 {
		sortByIndicator(dst[start:])
	}
	return dst
}

func (s *Set) lookupDomain(dst []Match, field, name, value string) []Match {
	for {
		if h := hashString(name); s.fd.has(uint64(strKey(h)) << 32) {
			if r, ok := s.lookupString(&s.strs[kDomain], h, name); ok {
				dst = s.appendRef(dst, field, value, r)
			}
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return dst
		}
		name = name[i+1:]
		if strings.IndexByte(name, '.') < 0 {
			return dst // a single label: no indicator is one
		}
	}
}

func (s *Set) lookupDomainBytes(dst []Match, field string, name []byte, value string) []Match {
	for {
		if h := hashBytes(name); s.fd.has(uint64(strKey(h)) << 32) {
			if r, ok := s.lookupBytes(&s.strs[kDomain], h, name); ok {
				dst = s.appendRef(dst, field, value, r)
			}
		}
		i := indexByte(name, '.')
		if i < 0 {
			return dst
		}
		name = name[i+1:]
		if indexByte(name, '.') < 0 {
			return dst
		}
	}
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// matchURL matches domain indicators against the URL's host (when it is a
// name) and URL indicators against the whole URL, normalised.
func (s *Set) matchURL(dst []Match, field, u string) []Match {
	start := len(dst)
	if s.strs[kDomain].len() > 0 {
		if host, ok := urlHost(u); ok {
			dst = s.matchDomain(dst, field, host, u)
		}
	}
	if x := &s.strs[kURL]; x.len() > 0 {
		var r int32
		var ok bool
		if isNormalURL(u) {
			r, ok = s.lookupString(x, hashString(u), u)
		} else if n, err := intel.Normalise(intel.URL, u); err == nil {
			r, ok = s.lookupString(x, hashString(n), n)
		}
		if ok {
			dst = s.appendRef(dst, field, u, r)
			sortByIndicator(dst[start:])
		}
	}
	return dst
}

// matchHash matches a hex hash against the MD5, SHA-1 or SHA-256 index by
// its length, in any case.
func (s *Set) matchHash(dst []Match, field, h string) []Match {
	kind := kMD5
	switch len(h) {
	case 40:
		kind = kSHA1
	case 64:
		kind = kSHA256
	}
	if r, ok := hexRef(s, kind, h); ok {
		dst = s.appendRef(dst, field, h, r)
	}
	return dst
}

func (s *Set) matchJA3(dst []Match, field, h string) []Match {
	if r, ok := hexRef(s, kJA3, h); ok {
		dst = s.appendRef(dst, field, h, r)
	}
	return dst
}

// hexLen is the length in hex digits of the values of each hash index.
var hexLen = [nStr]int{kMD5: 32, kSHA1: 40, kSHA256: 64, kJA3: 32}

// hexRef looks up h, hex digits in any case, in hash index kind.
func hexRef[T string | []byte](s *Set, kind int, h T) (int32, bool) {
	x := &s.strs[kind]
	if x.len() == 0 || len(h) != hexLen[kind] {
		return 0, false
	}
	var buf [64]byte
	b := buf[:len(h)]
	for i := 0; i < len(h); i++ {
		c := h[i]
		if 'A' <= c && c <= 'F' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return s.lookupBytes(x, hashBytes(b), b)
}

// maxEmail is the longest address folded on the stack.
const maxEmail = 320

// matchEmail matches an address, case-insensitively, with surrounding
// space and angle brackets ignored.
func (s *Set) matchEmail(dst []Match, field, value string) []Match {
	x := &s.strs[kEmail]
	if x.len() == 0 {
		return dst
	}
	e := strings.TrimSpace(value)
	if len(e) >= 2 && e[0] == '<' && e[len(e)-1] == '>' {
		e = e[1 : len(e)-1]
	}
	var r int32
	var ok bool
	if len(e) <= maxEmail {
		var buf [maxEmail]byte
		b := buf[:len(e)]
		ascii := true
		for i := 0; i < len(e); i++ {
			c := e[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			} else if c >= 0x80 {
				ascii = false
			}
			b[i] = c
		}
		if ascii {
			r, ok = s.lookupBytes(x, hashBytes(b), b)
		} else {
			e := strings.ToLower(e)
			r, ok = s.lookupString(x, hashString(e), e)
		}
	} else {
		e := strings.ToLower(e)
		r, ok = s.lookupString(x, hashString(e), e)
	}
	if ok {
		dst = s.appendRef(dst, field, value, r)
	}
	return dst
}
