package sweep

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gaissmai/bart"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// Set is a compiled, immutable collection of indicators. It is safe for
// concurrent use by any number of goroutines. A nil *Set matches nothing.
//
// Indicators are numbered 0..Len()-1 in the order Compile accepted them
// (rejected indicators are skipped, so the numbers are those of the input
// only when nothing was rejected).
type Set struct {
	recs   []rec
	metas  []meta    // shared per-feed fields, deduplicated
	extras []extra   // per-indicator pattern, name and validity, when any is set
	lists  [][]int32 // posting lists of values shared by several indicators

	// Index values are refs: r >= 0 is one indicator, r < 0 is lists[^r].
	v4      v4index
	v6      map[[16]byte]int32
	cidr    *bart.Table[int32] // each prefix's ref covers it and all its supernets
	cidr4   bool               // cidr holds IPv4 prefixes
	cidr6   bool               // cidr holds IPv6 prefixes
	f4      filter             // IPv4 addresses and prefixes, by leading bits
	fd      filter             // domains, by hash
	fd2     filter             // the last two labels of domains, by hash (MayMatch)
	domains map[string]int32
	urls    map[string]int32
	md5     map[[16]byte]int32
	sha1    map[[20]byte]int32
	sha256  map[[32]byte]int32
	ja3     map[[16]byte]int32
	emails  map[string]int32

	stats    Stats
	rejected []RejectError
}

// rec is the per-indicator record: 40 bytes plus the strings it shares with
// the input.
type rec struct {
	id    string
	value string // normalised
	meta  uint32
	extra int32 // index into extras, or -1
}

// meta holds the fields indicators of one feed usually share.
type meta struct {
	typ        intel.Type
	source     string
	tlp        string
	confidence int
	indicates  []string
	derive     bool // IDs are intel.IndicatorID(typ, value), not stored
}

// extra holds the fields that usually differ per indicator (STIX).
type extra struct {
	pattern, name      string
	validFrom, validTo time.Time
}

// metaKey is meta in comparable form, for deduplication.
type metaKey struct {
	typ        intel.Type
	source     string
	tlp        string
	confidence int
	nIndicates int
	indicates  string // the ids joined by NUL
	derive     bool
}

// Stats says what Compile built.
type Stats struct {
	// Indicators is the number compiled (Len of the set).
	Indicators int `json:"indicators"`
	// Rejected is the number of input indicators skipped as invalid; see
	// Set.Rejected for each one.
	Rejected int `json:"rejected"`
	// ByType counts compiled indicators per type.
	ByType map[intel.Type]int `json:"by_type"`
	// Values is the number of distinct (type, value) keys in the indexes.
	Values int `json:"values"`
	// Shared is the number of keys that more than one indicator carries.
	Shared int `json:"shared"`
}

// RejectError reports an input indicator that Compile skipped because its
// value is not valid for its type. It wraps the error from intel.Normalise,
// so errors.Is(err, intel.ErrBadValue) holds.
type RejectError struct {
	Index int        // position in the slice given to Compile
	ID    string     // the indicator's ID
	Type  intel.Type // its type
	Value string     // its value as given
	Err   error
}

// Error names the indicator, its type and value.
func (e *RejectError) Error() string {
	return fmt.Sprintf("indicator %d (%s): %s %q: %v", e.Index, e.ID, e.Type, e.Value, e.Err)
}

// Unwrap returns the underlying validation error.
func (e *RejectError) Unwrap() error { return e.Err }

// Compile validates inds and builds a Set from them.
//
// Every value is normalised with intel.Normalise (values already in
// canonical form are taken without copying). An indicator whose value does
// not normalise, or whose type is unknown, is not fatal: it is skipped,
// counted in Stats.Rejected and listed by Set.Rejected as a *RejectError
// naming its position, id, type and value, so nothing is dropped silently.
// Callers that want strictness check len(set.Rejected()).
//
// Compile returns an error only when the input cannot be compiled at all
// (more than math.MaxInt32 indicators). The Set shares the ID, Value and
// Indicates strings of inds (strings are immutable; do not modify the
// Indicates slices afterwards) and copies everything else.
func Compile(inds []intel.Indicator) (*Set, error) {
	if len(inds) > math.MaxInt32 {
		return nil, fmt.Errorf("compile: %d indicators, more than %d", len(inds), math.MaxInt32)
	}
	var counts [len(typeOrder)]int
	for i := range inds {
		if k, ok := typeIndex(inds[i].Type); ok {
			counts[k]++
		}
	}
	b := newBuilder(counts)
	for i := range inds {
		b.addIndicator(i, &inds[i], false)
	}
	return b.finish(), nil
}

// newBuilder returns a builder with indexes sized for counts indicators
// per type (in typeOrder).
func newBuilder(counts [len(typeOrder)]int) *builder {
	n := 0
	for _, c := range counts {
		n += c
	}
	s := &Set{
		recs:    make([]rec, 0, n),
		v6:      make(map[[16]byte]int32, counts[1]),
		domains: make(map[string]int32, counts[3]),
		urls:    make(map[string]int32, counts[4]),
		md5:     make(map[[16]byte]int32, counts[5]),
		sha1:    make(map[[20]byte]int32, counts[6]),
		sha256:  make(map[[32]byte]int32, counts[7]),
		ja3:     make(map[[16]byte]int32, counts[8]),
		emails:  make(map[string]int32, counts[9]),
		stats:   Stats{ByType: make(map[intel.Type]int)},
	}
	return &builder{
		set:   s,
		cidrs: make(map[netip.Prefix]int32, counts[2]),
		v4:    make([]uint64, 0, counts[0]),
		metas: make(map[metaKey]uint32),
	}
}

// addIndicator validates and indexes input indicator i. With derive, the
// ID is not stored but derived from type and value when asked for, and a
// value the set already holds with the same shared fields is dropped as a
// duplicate (an IOC list's rule); it reports whether ind was added.
func (b *builder) addIndicator(i int, ind *intel.Indicator, derive bool) bool {
	s := b.set
	if len(s.recs) == math.MaxInt32 {
		s.rejected = append(s.rejected, RejectError{Index: i, ID: ind.ID, Type: ind.Type, Value: ind.Value,
			Err: fmt.Errorf("%w: more than %d indicators", intel.ErrBadValue, math.MaxInt32)})
		return false
	}
	n := int32(len(s.recs))
	b.derive = derive
	if derive {
		b.dupMeta = b.meta(ind, true)
	}
	value, err := b.index(ind, n)
	if err != nil {
		s.rejected = append(s.rejected, RejectError{Index: i, ID: ind.ID, Type: ind.Type, Value: ind.Value, Err: err})
		return false
	}
	if b.dup {
		b.dup = false
		return false
	}
	r := rec{id: ind.ID, value: value, meta: b.meta(ind, derive), extra: -1}
	if derive {
		r.id = ""
	}
	if ind.Pattern != "" || ind.Name != "" || !ind.ValidFrom.IsZero() || !ind.ValidUntil.IsZero() {
		r.extra = int32(len(s.extras))
		s.extras = append(s.extras, extra{pattern: ind.Pattern, name: ind.Name, validFrom: ind.ValidFrom, validTo: ind.ValidUntil})
	}
	s.recs = append(s.recs, r)
	s.stats.ByType[ind.Type]++
	return true
}

// finish builds the sorted and filtered indexes and returns the Set.
func (b *builder) finish() *Set {
	s := b.set
	b.dropDuplicateV4()
	sharedBefore := len(s.lists)
	s.v4 = buildV4(s, b.v4)
	b.shared += len(s.lists) - sharedBefore
	b.v4 = nil
	b.buildCIDR()
	b.buildFilters()
	s.stats.Indicators = len(s.recs)
	s.stats.Rejected = len(s.rejected)
	s.stats.Values = s.v4.len() + len(s.v6) + len(b.cidrs) + len(s.domains) + len(s.urls) +
		len(s.md5) + len(s.sha1) + len(s.sha256) + len(s.ja3) + len(s.emails)
	s.stats.Shared = b.shared
	s.recs = slices.Clip(s.recs)
	return s
}

// typeOrder fixes a small index per indicator type.
var typeOrder = [...]intel.Type{intel.IPv4, intel.IPv6, intel.CIDR, intel.Domain, intel.URL,
	intel.MD5, intel.SHA1, intel.SHA256, intel.JA3, intel.Email}

func typeIndex(t intel.Type) (int, bool) {
	for i, u := range typeOrder {
		if u == t {
			return i, true
		}
	}
	return 0, false
}

type builder struct {
	set    *Set
	cidrs  map[netip.Prefix]int32
	v4     []uint64 // IPv4 address << 32 | indicator
	metas  map[metaKey]uint32
	last   meta // the previous indicator's shared fields, for the meta fast path
	lastOK bool
	lastM  uint32
	shared int
	buf    [64]byte

	// Duplicate detection for derived-ID indicators: derive is set while
	// adding one, dupMeta is its meta, and index sets dup instead of
	// indexing a value already held under that meta.
	derive     bool
	dupMeta    uint32
	dup        bool
	anyDerived bool // some IPv4 indicator has a derived ID: dropDuplicateV4 has work
}

// index validates ind, adds it to the index of its type as indicator n and
// returns its normalised value.
func (b *builder) index(ind *intel.Indicator, n int32) (string, error) {
	s := b.set
	v := ind.Value
	switch ind.Type {
	case intel.IPv4, intel.IPv6:
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" || a.Is4In6() || a.Is4() != (ind.Type == intel.IPv4) ||
			string(a.AppendTo(b.buf[:0])) != v {
			if v, err = intel.Normalise(ind.Type, v); err != nil {
				return "", err
			}
			a = netip.MustParseAddr(v)
		}
		if a.Is4() {
			b.add4(a, n)
		} else {
			add(b, s.v6, a.As16(), n)
		}
		return v, nil
	case intel.CIDR:
		p, err := netip.ParsePrefix(v)
		if err != nil || p != p.Masked() || p.Addr().Is4In6() || string(p.AppendTo(b.buf[:0])) != v {
			if v, err = intel.Normalise(intel.CIDR, v); err != nil {
				return "", err
			}
			p = netip.MustParsePrefix(v)
		}
		add(b, b.cidrs, p, n)
		return v, nil
	case intel.Domain, intel.URL, intel.Email:
		v, err := intel.Normalise(ind.Type, v)
		if err != nil {
			return "", err
		}
		m := s.domains
		switch ind.Type {
		case intel.URL:
			m = s.urls
		case intel.Email:
			m = s.emails
		}
		add(b, m, v, n)
		return v, nil
	case intel.MD5, intel.SHA1, intel.SHA256, intel.JA3:
		v, err := intel.Normalise(ind.Type, v)
		if err != nil {
			return "", err
		}
		switch ind.Type {
		case intel.MD5:
			add(b, s.md5, hex16(v), n)
		case intel.JA3:
			add(b, s.ja3, hex16(v), n)
		case intel.SHA1:
			var k [20]byte
			decodeHex(k[:], v)
			add(b, s.sha1, k, n)
		case intel.SHA256:
			var k [32]byte
			decodeHex(k[:], v)
			add(b, s.sha256, k, n)
		}
		return v, nil
	}
	return "", fmt.Errorf("%w: unknown type %q", intel.ErrBadValue, ind.Type)
}

func (b *builder) add4(a netip.Addr, n int32) {
	k4 := a.As4()
	k := binary.BigEndian.Uint32(k4[:])
	b.v4 = append(b.v4, uint64(k)<<32|uint64(n))
	b.anyDerived = b.anyDerived || b.derive
}

// dropDuplicateV4 removes the IPv4 indicators added with derived IDs whose
// address an earlier indicator with the same shared fields already has
// (the rest of the index types catch duplicates as they are added; a map
// of millions of addresses only for that costs more than this sort-time
// pass). Records after a dropped one are renumbered, which touches every
// index, but only when there was a duplicate.
func (b *builder) dropDuplicateV4() {
	if !b.anyDerived || len(b.v4) < 2 {
		return
	}
	s := b.set
	slices.Sort(b.v4)
	var dead []bool
	for i := 1; i < len(b.v4); i++ {
		k := b.v4[i] >> 32
		if k != b.v4[i-1]>>32 {
			continue
		}
		n := int32(uint32(b.v4[i]))
		m := s.recs[n].meta
		if !s.metas[m].derive {
			continue
		}
		for j := i - 1; j >= 0 && b.v4[j]>>32 == k; j-- {
			o := int32(uint32(b.v4[j]))
			if (dead == nil || !dead[o]) && s.recs[o].meta == m {
				if dead == nil {
					dead = make([]bool, len(s.recs))
				}
				dead[n] = true
				break
			}
		}
	}
	if dead == nil {
		return
	}
	remap := make([]int32, len(s.recs))
	kept := s.recs[:0]
	for i := range s.recs {
		if dead[i] {
			remap[i] = -1
			s.stats.ByType[s.metas[s.recs[i].meta].typ]--
			continue
		}
		remap[i] = int32(len(kept))
		kept = append(kept, s.recs[i])
	}
	clear(s.recs[len(kept):])
	s.recs = kept
	v4 := b.v4[:0]
	for _, e := range b.v4 {
		if n := int32(uint32(e)); !dead[n] {
			v4 = append(v4, e&^0xffffffff|uint64(uint32(remap[n])))
		}
	}
	b.v4 = v4
	for _, l := range s.lists {
		for i, n := range l {
			l[i] = remap[n]
		}
	}
	re := func(r int32) int32 {
		if r >= 0 {
			return remap[r]
		}
		return r
	}
	for k, r := range b.cidrs {
		b.cidrs[k] = re(r)
	}
	remapMap(s.v6, re)
	remapMap(s.domains, re)
	remapMap(s.urls, re)
	remapMap(s.md5, re)
	remapMap(s.sha1, re)
	remapMap(s.sha256, re)
	remapMap(s.ja3, re)
	remapMap(s.emails, re)
}

func remapMap[K comparable](m map[K]int32, re func(int32) int32) {
	for k, r := range m {
		m[k] = re(r)
	}
}

func hex16(v string) [16]byte {
	var k [16]byte
	decodeHex(k[:], v)
	return k
}

// add records indicator n under key k, turning the entry into a posting
// list when the key is already taken.
func add[K comparable](b *builder, m map[K]int32, k K, n int32) {
	old, ok := m[k]
	if ok && b.derive && b.holds(old) {
		b.dup = true
		return
	}
	switch {
	case !ok:
		m[k] = n
	case old >= 0:
		b.set.lists = append(b.set.lists, []int32{old, n})
		m[k] = ^int32(len(b.set.lists) - 1)
		b.shared++
	default:
		b.set.lists[^old] = append(b.set.lists[^old], n)
	}
}

// holds reports whether ref r names an indicator with the meta of the
// derived-ID indicator being added: the same value from the same list.
func (b *builder) holds(r int32) bool {
	if r >= 0 {
		return b.set.recs[r].meta == b.dupMeta
	}
	for _, i := range b.set.lists[^r] {
		if b.set.recs[i].meta == b.dupMeta {
			return true
		}
	}
	return false
}

// meta returns the index of ind's shared fields, deduplicated.
func (b *builder) meta(ind *intel.Indicator, derive bool) uint32 {
	if l := &b.last; b.lastOK && l.typ == ind.Type && l.source == ind.Source && l.tlp == ind.TLP &&
		l.confidence == ind.Confidence && l.derive == derive && slices.Equal(l.indicates, ind.Indicates) {
		return b.lastM
	}
	k := metaKey{typ: ind.Type, source: ind.Source, tlp: ind.TLP, confidence: ind.Confidence, nIndicates: len(ind.Indicates), derive: derive}
	switch len(ind.Indicates) {
	case 0:
	case 1:
		k.indicates = ind.Indicates[0]
	default:
		k.indicates = strings.Join(ind.Indicates, "\x00")
	}
	m, ok := b.metas[k]
	if !ok {
		m = uint32(len(b.set.metas))
		b.set.metas = append(b.set.metas, meta{typ: ind.Type, source: ind.Source, tlp: ind.TLP,
			confidence: ind.Confidence, indicates: ind.Indicates, derive: derive})
		b.metas[k] = m
	}
	b.last, b.lastOK, b.lastM = b.set.metas[m], true, m
	return m
}

// buildCIDR inserts every prefix into the table with a ref covering the
// indicators of the prefix and of all its supernets, so that one
// longest-prefix lookup finds every containing CIDR.
func (b *builder) buildCIDR() {
	if len(b.cidrs) == 0 {
		return
	}
	own := new(bart.Table[int32])
	for p, r := range b.cidrs {
		own.Insert(p, r)
	}
	t := new(bart.Table[int32])
	var all []int32
	for p, r := range b.cidrs {
		all = all[:0]
		nsup := 0
		for _, sr := range own.Supernets(p) {
			all = b.set.expand(all, sr)
			nsup++
		}
		if nsup == 1 {
			t.Insert(p, r)
			continue
		}
		slices.Sort(all)
		all = slices.Compact(all)
		b.set.lists = append(b.set.lists, slices.Clone(all))
		t.Insert(p, ^int32(len(b.set.lists)-1))
	}
	b.set.cidr = t
	b.set.cidr4, b.set.cidr6 = t.Size4() > 0, t.Size6() > 0
}

// buildFilters builds the bit filters in front of the IPv4 and domain
// indexes.
func (b *builder) buildFilters() {
	s := b.set
	n4 := s.v4.len()
	for p := range b.cidrs {
		if p.Addr().Is4() {
			n4++
		}
	}
	if n4 > 0 {
		s.f4 = newFilter(n4, 24)
		for _, a := range s.v4.keys {
			s.f4.set(uint64(a) << 32)
		}
		for p := range b.cidrs {
			if p.Addr().Is4() {
				k := p.Addr().As4()
				lo := binary.BigEndian.Uint32(k[:])
				hi := lo | uint32(uint64(1)<<(32-p.Bits())-1)
				s.f4.setRange(uint64(lo)<<32, uint64(hi)<<32)
			}
		}
	}
	if len(s.domains) > 0 {
		s.fd = newFilter(len(s.domains), 26)
		s.fd2 = newFilter(len(s.domains), 26)
		for d := range s.domains {
			s.fd.set(hashString(d))
			last := strings.LastIndexByte(d, '.')
			s.fd2.set(hashString(d[strings.LastIndexByte(d[:max(last, 0)], '.')+1:]))
		}
	}
}

// expand appends the indicators of ref r to dst.
func (s *Set) expand(dst []int32, r int32) []int32 {
	if r >= 0 {
		return append(dst, r)
	}
	return append(dst, s.lists[^r]...)
}

// Len returns the number of indicators in the set.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.recs)
}

// Indicator returns indicator i (0 <= i < Len()) as compiled, with its
// normalised Value. Each call returns a new copy, which the caller may
// keep or modify; the Indicates slice is shared and must not be modified.
// It returns nil for an i out of range.
func (s *Set) Indicator(i int32) *intel.Indicator {
	if s == nil || i < 0 || int(i) >= len(s.recs) {
		return nil
	}
	r := &s.recs[i]
	m := &s.metas[r.meta]
	ind := &intel.Indicator{
		ID:         s.ID(i),
		Type:       m.typ,
		Value:      r.value,
		Confidence: m.confidence,
		TLP:        m.tlp,
		Source:     m.source,
		Indicates:  m.indicates,
	}
	if r.extra >= 0 {
		x := &s.extras[r.extra]
		ind.Pattern, ind.Name, ind.ValidFrom, ind.ValidUntil = x.pattern, x.name, x.validFrom, x.validTo
	}
	return ind
}

// ID returns the ID of indicator i without copying the rest, or "" for an
// i out of range.
func (s *Set) ID(i int32) string {
	if s == nil || i < 0 || int(i) >= len(s.recs) {
		return ""
	}
	r := &s.recs[i]
	if m := &s.metas[r.meta]; m.derive {
		return intel.IndicatorID(m.typ, r.value)
	}
	return r.id
}

// Stats returns what Compile built. The map is a copy.
func (s *Set) Stats() Stats {
	if s == nil {
		return Stats{ByType: map[intel.Type]int{}}
	}
	st := s.stats
	st.ByType = maps.Clone(s.stats.ByType)
	return st
}

// Rejected returns the input indicators Compile skipped, in input order.
// The slice is a copy.
func (s *Set) Rejected() []RejectError {
	if s == nil {
		return nil
	}
	return slices.Clone(s.rejected)
}
