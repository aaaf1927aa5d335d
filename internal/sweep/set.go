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
	blob   []byte    // the normalised values of all but IPv4 indicators
	ids    []string  // stored IDs by indicator; nil when every ID is derived
	metas  []meta    // shared per-feed fields, deduplicated
	extras []extra   // per-indicator pattern, name and validity, when any is set
	lists  [][]int32 // posting lists of values shared by several indicators

	// Index values are refs: r >= 0 is one indicator, r < 0 is lists[^r].
	v4    keyIndex       // IPv4 addresses, exact
	strs  [nStr]keyIndex // domains, URLs, e-mail, hashes: by value hash
	v6    map[[16]byte]int32
	cidr  *bart.Table[int32] // each prefix's ref covers it and all its supernets
	cidr4 bool               // cidr holds IPv4 prefixes
	cidr6 bool               // cidr holds IPv6 prefixes
	f4    filter             // IPv4 addresses and prefixes, by leading bits
	fd    filter             // domains, by hash
	fd2   filter             // the last two labels of domains, by hash (MayMatch)

	stats    Stats
	rejected []RejectError
}

// The string indexes of a Set.
const (
	kDomain = iota
	kURL
	kEmail
	kMD5
	kSHA1
	kSHA256
	kJA3
	nStr
)

// strKind maps the types kept in string indexes to their index.
func strKind(t intel.Type) int {
	switch t {
	case intel.Domain:
		return kDomain
	case intel.URL:
		return kURL
	case intel.Email:
		return kEmail
	case intel.MD5:
		return kMD5
	case intel.SHA1:
		return kSHA1
	case intel.SHA256:
		return kSHA256
	case intel.JA3:
		return kJA3
	}
	return -1
}

// rec is the per-indicator record, 16 bytes without pointers (the garbage
// collector need not scan millions of them).
type rec struct {
	pos   uint64 // IPv4: the address; otherwise offset<<16 | length of the value in blob
	meta  uint32
	extra int32 // index into extras, or -1
}

// maxValue is the longest value a rec can hold.
const maxValue = 1<<16 - 1

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

func keyOf(m *meta) metaKey {
	k := metaKey{typ: m.typ, source: m.source, tlp: m.tlp, confidence: m.confidence, nIndicates: len(m.indicates), derive: m.derive}
	switch len(m.indicates) {
	case 0:
	case 1:
		k.indicates = m.indicates[0]
	default:
		k.indicates = strings.Join(m.indicates, "\x00")
	}
	return k
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
// canonical form are taken without normalising again). An indicator whose
// value does not normalise, or whose type is unknown, is not fatal: it is
// skipped, counted in Stats.Rejected and listed by Set.Rejected as a
// *RejectError naming its position, id, type and value, so nothing is
// dropped silently. Callers that want strictness check len(set.Rejected()).
//
// Compile returns an error only when the input cannot be compiled at all
// (more than math.MaxInt32 indicators). The Set shares the ID and
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
	p := newPart(counts)
	for i := range inds {
		p.add(&inds[i], false)
	}
	return finish([]*part{p}), nil
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

// part collects indicators for a Set: those added to a Builder directly,
// or a Shard's. finish joins the parts in order and builds the indexes.
type part struct {
	recs    []rec
	blob    []byte
	ids     []string // nil until an indicator with a stored ID
	extras  []extra
	metas   []meta
	metaIdx map[metaKey]uint32
	last    meta // the previous indicator's shared fields, for the meta fast path
	lastOK  bool
	lastM   uint32

	// Index entries, numbered within the part: key<<32 | n.
	v4    []uint64 // key: the address
	strs  [nStr][]uint64
	v6    []v6entry
	cidrs []cidrEntry

	byType   [len(typeOrder)]int
	rejected []RejectError // Index within the part
	inputs   int           // indicators offered
	derived  bool          // some indicator has a derived ID
	buf      [64]byte
}

type v6entry struct {
	a [16]byte
	n int32
}

type cidrEntry struct {
	p netip.Prefix
	n int32
}

// newPart returns a part with room for counts indicators per type (in
// typeOrder).
func newPart(counts [len(typeOrder)]int) *part {
	n := 0
	for _, c := range counts {
		n += c
	}
	p := &part{
		recs:    make([]rec, 0, n),
		metaIdx: make(map[metaKey]uint32),
		v4:      make([]uint64, 0, counts[0]),
	}
	p.strs[kDomain] = make([]uint64, 0, counts[3])
	p.strs[kSHA256] = make([]uint64, 0, counts[7])
	p.blob = make([]byte, 0, counts[3]*20+counts[2]*16+counts[5]*32+counts[6]*40+counts[7]*64)
	return p
}

// add validates and adds ind; with derive its ID is derived from type and
// value instead of stored, and a later duplicate of it (same value, same
// shared fields) is dropped when the Set is built. It reports whether ind
// was valid.
func (p *part) add(ind *intel.Indicator, derive bool) bool {
	i := p.inputs
	p.inputs++
	if len(p.recs) == math.MaxInt32 {
		p.rejected = append(p.rejected, RejectError{Index: i, ID: ind.ID, Type: ind.Type, Value: ind.Value,
			Err: fmt.Errorf("%w: more than %d indicators", intel.ErrBadValue, math.MaxInt32)})
		return false
	}
	r := rec{extra: -1}
	k, err := p.index(ind, int32(len(p.recs)), &r)
	if err != nil {
		p.rejected = append(p.rejected, RejectError{Index: i, ID: ind.ID, Type: ind.Type, Value: ind.Value, Err: err})
		return false
	}
	r.meta = p.meta(ind, derive)
	if derive {
		p.derived = true
		if p.ids != nil {
			p.ids = append(p.ids, "")
		}
	} else {
		if p.ids == nil {
			p.ids = make([]string, len(p.recs), cap(p.recs))
		}
		p.ids = append(p.ids, ind.ID)
	}
	if ind.Pattern != "" || ind.Name != "" || !ind.ValidFrom.IsZero() || !ind.ValidUntil.IsZero() {
		r.extra = int32(len(p.extras))
		p.extras = append(p.extras, extra{pattern: ind.Pattern, name: ind.Name, validFrom: ind.ValidFrom, validTo: ind.ValidUntil})
	}
	p.recs = append(p.recs, r)
	p.byType[k]++
	return true
}

// index validates ind, adds its index entry as indicator n, sets r's value
// and returns its type's place in typeOrder.
func (p *part) index(ind *intel.Indicator, n int32, r *rec) (int, error) {
	v := ind.Value
	switch ind.Type {
	case intel.IPv4, intel.IPv6:
		if ind.Type == intel.IPv4 {
			if a, ok := parseIPv4Key(v); ok { // canonical already
				r.pos = uint64(a)
				p.v4 = append(p.v4, uint64(a)<<32|uint64(n))
				return 0, nil
			}
		}
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" || a.Is4In6() || a.Is4() != (ind.Type == intel.IPv4) ||
			string(a.AppendTo(p.buf[:0])) != v {
			if v, err = intel.Normalise(ind.Type, v); err != nil {
				return 0, err
			}
			a = netip.MustParseAddr(v)
		}
		if a.Is4() {
			k4 := a.As4()
			k := binary.BigEndian.Uint32(k4[:])
			r.pos = uint64(k)
			p.v4 = append(p.v4, uint64(k)<<32|uint64(n))
			return 0, nil
		}
		if err := p.putValue(r, v); err != nil {
			return 0, err
		}
		p.v6 = append(p.v6, v6entry{a.As16(), n})
		return 1, nil
	case intel.CIDR:
		pr, err := netip.ParsePrefix(v)
		if err != nil || pr != pr.Masked() || pr.Addr().Is4In6() || string(pr.AppendTo(p.buf[:0])) != v {
			if v, err = intel.Normalise(intel.CIDR, v); err != nil {
				return 0, err
			}
			pr = netip.MustParsePrefix(v)
		}
		if err := p.putValue(r, v); err != nil {
			return 0, err
		}
		p.cidrs = append(p.cidrs, cidrEntry{pr, n})
		return 2, nil
	}
	kind := strKind(ind.Type)
	if kind < 0 {
		return 0, fmt.Errorf("%w: unknown type %q", intel.ErrBadValue, ind.Type)
	}
	v, err := intel.Normalise(ind.Type, v)
	if err != nil {
		return 0, err
	}
	if err := p.putValue(r, v); err != nil {
		return 0, err
	}
	p.strs[kind] = append(p.strs[kind], uint64(strKey(hashString(v)))<<32|uint64(n))
	k, _ := typeIndex(ind.Type)
	return k, nil
}

// putValue appends v to the blob as r's value.
func (p *part) putValue(r *rec, v string) error {
	if len(v) > maxValue {
		return fmt.Errorf("%w: value of %d bytes, more than %d", intel.ErrBadValue, len(v), maxValue)
	}
	r.pos = uint64(len(p.blob))<<16 | uint64(len(v))
	p.blob = append(p.blob, v...)
	return nil
}

// meta returns the part's index of ind's shared fields, deduplicated.
func (p *part) meta(ind *intel.Indicator, derive bool) uint32 {
	if l := &p.last; p.lastOK && l.typ == ind.Type && l.source == ind.Source && l.tlp == ind.TLP &&
		l.confidence == ind.Confidence && l.derive == derive && slices.Equal(l.indicates, ind.Indicates) {
		return p.lastM
	}
	m := meta{typ: ind.Type, source: ind.Source, tlp: ind.TLP, confidence: ind.Confidence, indicates: ind.Indicates, derive: derive}
	k := keyOf(&m)
	i, ok := p.metaIdx[k]
	if !ok {
		i = uint32(len(p.metas))
		p.metas = append(p.metas, m)
		p.metaIdx[k] = i
	}
	p.last, p.lastOK, p.lastM = m, true, i
	return i
}

// first returns the first indicator of ref r.
func (s *Set) first(r int32) int32 {
	if r >= 0 {
		return r
	}
	return s.lists[^r][0]
}

// valueBytes returns the normalised value of indicator i, which is not
// IPv4, in the blob.
func (s *Set) valueBytes(i int32) []byte {
	pos := s.recs[i].pos
	off := pos >> 16
	return s.blob[off : off+pos&maxValue]
}

// value returns the normalised value of indicator i.
func (s *Set) value(i int32) string {
	r := &s.recs[i]
	if s.metas[r.meta].typ == intel.IPv4 {
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], uint32(r.pos))
		return netip.AddrFrom4(a).String()
	}
	return string(s.valueBytes(i))
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
	v := s.value(i)
	ind := &intel.Indicator{
		ID:         s.id(i, m, v),
		Type:       m.typ,
		Value:      v,
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
	m := &s.metas[s.recs[i].meta]
	if m.derive {
		return s.id(i, m, s.value(i))
	}
	return s.ids[i]
}

func (s *Set) id(i int32, m *meta, value string) string {
	if m.derive {
		return intel.IndicatorID(m.typ, value)
	}
	return s.ids[i]
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
