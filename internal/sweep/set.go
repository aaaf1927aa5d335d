package sweep

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strings"
	"unsafe"

	"github.com/gaissmai/bart"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// Set is a compiled, immutable collection of indicators. It is safe for
// concurrent use by any number of goroutines. A nil *Set matches nothing.
//
// Indicators are numbered 0..Len()-1 in the order Compile accepted them
// (rejected indicators are skipped, so the numbers are those of the input
// only when nothing was rejected).
type Set struct {
	segs  []seg  // the records, in order, in the parts they were added in
	n     int    // the number of records
	metas []meta // shared per-feed fields, deduplicated

	// The records of duplicates dropped stay, numbered as the others
	// (refs are record numbers), but are not indicators of the set: an
	// indicator's number is its record's less the dropped records before
	// it (rn.at), nil when none were.
	live int // the number of indicators
	rn   *renumbering

	lists [][]int32 // posting lists of values shared by several indicators

	// Index values are refs: r >= 0 is one indicator, r < 0 is lists[^r].
	v4    keyIndex       // IPv4 addresses, exact
	strs  [nStr]keyIndex // domains, URLs, e-mail, hashes: by value hash
	v6    map[[16]byte]int32
	c4    rangeIndex         // IPv4 prefixes; each one's ref covers it and all its supernets
	cidr  *bart.Table[int32] // IPv6 prefixes, refs as in c4
	cidr4 bool               // c4 holds IPv4 prefixes
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

// seg holds the records of consecutive indicators, as one Builder part or
// Shard gathered them (joining them into one array would cost a copy of
// everything).
//
// An indicator's record is its pos, 8 bytes: the indicators of a list
// share their meta (the segment's) and have no extra, so the arrays of
// those are made only when one differs. The arrays hold no pointers (the
// garbage collector need not scan millions of records).
type seg struct {
	base   int32    // the number of its first indicator
	pf     int      // pos is prefaulted up to here
	pfb    int      // blob is prefaulted up to here
	pos    []uint64 // per indicator: its type and value (see rec)
	meta   uint32   // the meta of every indicator, while metas is nil
	metas  []uint32 // per indicator, once one has another than meta
	xs     []int32  // per indicator, its index into extras or -1, once one has one
	blob   []byte   // the normalised values of all but IPv4 indicators, but those in text
	text   []byte   // the input the part read, if its values may lie in it
	ids    []xref   // stored IDs by record, in xblob; nil while every ID is derived or in uids
	uids   []byte   // 16 bytes by record: the UUID of an ID packID packs, zero for others; nil while none is
	extras []extra  // per-indicator pattern, name and validity, when any is set
	xblob  []byte   // the strings of ids and extras
	aff    *affixes // the part's, for templated strings of extras
}

// rec is the record of one indicator, as it is added and as Set.rec
// returns it; segments keep its fields apart.
type rec struct {
	// pos is type<<posType | value: the type's place in typeOrder and,
	// for IPv4 (type 0), the address; otherwise offset<<16 | length of
	// the value in blob, or inText | offset<<16 | length in text.
	pos   uint64
	meta  uint32
	extra int32 // index into extras, or -1
}

const (
	posType  = 60        // pos>>posType: the type's place in typeOrder
	inText   = 1 << 59   // pos: the value is in the segment's text
	offMask  = 1<<43 - 1 // pos>>16&offMask: the offset of the value
	maxValue = 1<<16 - 1 // the longest value a rec can hold
)

// typ returns the type of the indicator of pos.
func typ(pos uint64) intel.Type { return typeOrder[pos>>posType] }

// push appends the record of an indicator.
func (g *seg) push(r rec) {
	k := len(g.pos)
	if g.metas == nil && r.meta != g.meta {
		if k == 0 {
			g.meta = r.meta
		} else {
			g.metas = make([]uint32, k, cap(g.pos))
			for i := range g.metas {
				g.metas[i] = g.meta
			}
		}
	}
	if g.metas != nil {
		g.metas = append(g.metas, r.meta)
	}
	if r.extra >= 0 && g.xs == nil {
		g.xs = make([]int32, k, cap(g.pos))
		for i := range g.xs {
			g.xs[i] = -1
		}
	}
	if g.xs != nil {
		g.xs = append(g.xs, r.extra)
	}
	g.pos = append(g.pos, r.pos)
}

// at returns the record of the segment's k-th indicator.
func (g *seg) at(k int) rec {
	r := rec{pos: g.pos[k], meta: g.meta, extra: -1}
	if g.metas != nil {
		r.meta = g.metas[k]
	}
	if g.xs != nil {
		r.extra = g.xs[k]
	}
	return r
}

// meta holds the fields indicators of one feed usually share.
type meta struct {
	source     string
	tlp        string
	confidence int
	indicates  []string
	derive     bool // IDs are intel.IndicatorID(type, value), not stored
}

// metaKey is meta in comparable form, for deduplication.
type metaKey struct {
	source     string
	tlp        string
	confidence int
	nIndicates int
	indicates  string // the ids joined by NUL
	derive     bool
}

func keyOf(m *meta) metaKey {
	k := metaKey{source: m.source, tlp: m.tlp, confidence: m.confidence, nIndicates: len(m.indicates), derive: m.derive}
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
	p := newPart(counts, nil)
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
// Nothing in a part grows by copying: records and values go to segments,
// index entries to blocks, each new one as large as the last.
type part struct {
	done  []seg // full segments; bases count within the part
	cur   seg   // the segment being filled
	count int   // records in the part

	metas   []meta
	metaIdx map[metaKey]uint32
	byMeta  [len(typeOrder)]struct { // the last meta of each type, for the fast path
		m  meta
		i  uint32
		ok bool
	}

	// Index entries, numbered within the part: key<<32 | n. (IPv4
	// addresses are read from the records: see v4Entries.)
	strs  [nStr]blocks[uint64]
	v6    blocks[v6entry]
	cidrs blocks[cidrEntry]
	fd2   blocks[uint32] // the top halves of the hashes of the last two labels of the domains (all the filter uses)

	text     []byte // values in it are not copied (NewShardOver)
	byType   [len(typeOrder)]int
	rejected []RejectError // Index within the part
	inputs   int           // indicators offered
	derived  bool          // some indicator has a derived ID

	aff               *affixes // of the extras' templated strings
	lastPat, lastName xref     // the last extra's in the current segment
	buf               [64]byte
}

// blocks is an append-only sequence kept in blocks, so that it grows
// without copying.
type blocks[T any] struct {
	full [][]T
	cur  []T
	n    int
	mark int // cur is prefaulted up to here
}

func (b *blocks[T]) add(x T) {
	if len(b.cur) >= b.mark {
		if len(b.cur) == cap(b.cur) {
			if len(b.cur) > 0 {
				b.full = append(b.full, b.cur)
			}
			b.cur, b.mark = make([]T, 0, nextCap(cap(b.cur), 1<<12)), 0
		}
		b.mark = prefault.Ahead(b.cur, b.mark)
	}
	b.cur = append(b.cur, x)
	b.n++
}

// appendTo appends the elements to dst, each through f.
func (b *blocks[T]) appendTo(dst []T, f func(T) T) []T {
	for _, blk := range b.full {
		for _, x := range blk {
			dst = append(dst, f(x))
		}
	}
	for _, x := range b.cur {
		dst = append(dst, f(x))
	}
	return dst
}

// nextCap is the capacity of the block after one of capacity c: twice as
// large up to a million, then as large (at least least).
func nextCap(c, least int) int {
	return max(min(2*c, max(c, 1<<20)), least)
}

type v6entry struct {
	a [16]byte
	n int32
}

// cidrEntry is a prefix without pointers (a netip.Prefix has one).
type cidrEntry struct {
	a    [16]byte // the address, IPv4 in the last 4 bytes
	bits uint8
	v6   bool
	n    int32
}

func newCIDREntry(p netip.Prefix, n int32) cidrEntry {
	return cidrEntry{a: p.Addr().As16(), bits: uint8(p.Bits()), v6: !p.Addr().Is4(), n: n}
}

func (e *cidrEntry) prefix() netip.Prefix {
	a := netip.AddrFrom16(e.a)
	if !e.v6 {
		a = a.Unmap()
	}
	return netip.PrefixFrom(a, int(e.bits))
}

// same reports whether e and o are the same prefix.
func (e *cidrEntry) same(o *cidrEntry) bool { return e.a == o.a && e.bits == o.bits && e.v6 == o.v6 }

// newPart returns a part with room for counts indicators per type (in
// typeOrder). Values that lie in text, if it is not nil, are not copied
// (see NewShardOver).
func newPart(counts [len(typeOrder)]int, text []byte) *part {
	n := 0
	for _, c := range counts {
		n += c
	}
	p := &part{metaIdx: make(map[metaKey]uint32), aff: &affixes{idx: make(map[affix]uint32)}}
	p.cur.pos, p.cur.aff = make([]uint64, 0, n), p.aff
	if text == nil {
		p.cur.blob = make([]byte, 0, counts[3]*24+counts[2]*16+counts[4]*64+counts[5]*32+counts[6]*40+counts[7]*64+counts[9]*24)
	}
	p.text, p.cur.text = text, text
	p.strs[kDomain].cur = make([]uint64, 0, counts[3])
	p.fd2.cur = make([]uint32, 0, counts[3])
	p.strs[kSHA256].cur = make([]uint64, 0, counts[7])
	return p
}

// nextSeg starts a new segment with room for a value of vlen bytes.
func (p *part) nextSeg(vlen int) {
	c := &p.cur
	if len(c.pos) > 0 {
		p.done = append(p.done, *c)
	}
	rc := nextCap(cap(c.pos), 1<<12)
	*c = seg{base: int32(p.count), pos: make([]uint64, 0, rc), text: p.text, aff: p.aff}
	p.lastPat, p.lastName = 0, 0
	if p.text == nil {
		c.blob = make([]byte, 0, nextCap(cap(c.blob), max(vlen, 24*rc)))
	}
}

// add validates and adds ind; with derive its ID is derived from type and
// value instead of stored, and a later duplicate of it (same value, same
// shared fields) is dropped when the Set is built. It reports whether ind
// was valid.
func (p *part) add(ind *intel.Indicator, derive bool) bool {
	return p.addValue(ind, derive, false)
}

// addValue is add; canonical says that ind.Value is what
// intel.Normalise(ind.Type, ind.Value) gives back, so it is not checked.
func (p *part) addValue(ind *intel.Indicator, derive, canonical bool) bool {
	i := p.inputs
	p.inputs++
	if p.count == math.MaxInt32 {
		p.rejected = append(p.rejected, RejectError{Index: i, ID: ind.ID, Type: ind.Type, Value: ind.Value,
			Err: fmt.Errorf("%w: more than %d indicators", intel.ErrBadValue, math.MaxInt32)})
		return false
	}
	if c := &p.cur; len(c.pos) >= c.pf {
		if len(c.pos) == cap(c.pos) {
			p.nextSeg(0)
		}
		c.pf = prefault.Ahead(c.pos, c.pf)
	}
	if n := max(len(ind.Pattern), len(ind.Name), len(ind.ID)); n > maxXLen {
		p.rejected = append(p.rejected, RejectError{Index: i, ID: ind.ID, Type: ind.Type, Value: ind.Value,
			Err: fmt.Errorf("%w: an ID, pattern or name of %d bytes, more than %d", intel.ErrBadValue, n, maxXLen)})
		return false
	}
	r := rec{extra: -1}
	k, err := p.index(ind, int32(p.count), &r, canonical)
	r.pos |= uint64(k) << posType
	if err != nil {
		p.rejected = append(p.rejected, RejectError{Index: i, ID: ind.ID, Type: ind.Type, Value: ind.Value, Err: err})
		return false
	}
	g := &p.cur // index may have started a new one
	if ind.Pattern != "" || ind.Name != "" || !ind.ValidFrom.IsZero() || !ind.ValidUntil.IsZero() {
		var x extra
		v := p.valueOf(r.pos)
		x.pattern, x.name = p.putString(ind.Pattern, v, p.lastPat), p.putString(ind.Name, v, p.lastName)
		p.lastPat, p.lastName = x.pattern, x.name
		x.from, x.fromNs = stamp(ind.ValidFrom)
		x.to, x.toNs = stamp(ind.ValidUntil)
		r.extra = g.pushExtra(x)
	}
	r.meta = p.meta(k, ind, derive)
	if derive {
		p.derived = true
		g.pushID("", false)
	} else {
		g.pushID(ind.ID, true)
	}
	g.push(r)
	p.count++
	p.byType[k]++
	return true
}

// runKinds maps the kinds of ioclist.Item to their places in typeOrder
// and their string indexes (-1: none).
var runKinds = func() (t [ioclist.KindJA3 + 1]struct{ typ, str int }) {
	for k := range t {
		typ := ioclist.Kind(k).Type()
		t[k].typ, _ = typeIndex(typ)
		t[k].str = strKind(typ)
	}
	return t
}()

// addRun adds the values of run, canonical and in text, with derived IDs
// and ind's other fields, as addValue would each: without the checks and
// branches it does not need, with ind looked at once and values hashed
// and indexed where they are. It returns the number added.
func (p *part) addRun(ind *intel.Indicator, text []byte, run []ioclist.Item) int {
	if p.text == nil || len(text) == 0 || &text[0] != &p.text[0] || ind.Pattern != "" ||
		!ind.ValidFrom.IsZero() || !ind.ValidUntil.IsZero() || p.count > math.MaxInt32-len(run) {
		n := 0
		for _, it := range run {
			ind.Type, ind.Value = it.Kind.Type(), string(text[it.Off:it.Off+it.Len])
			if p.addValue(ind, true, true) {
				n++
			}
		}
		return n
	}
	m := p.meta(0, ind, true)
	p.derived = true
	if ind.Name == "" && p.addPlain(text, run, m) {
		return len(run)
	}
	for _, it := range run {
		g := &p.cur // nextSeg replaces it in place
		if len(g.pos) >= g.pf {
			if len(g.pos) == cap(g.pos) {
				p.nextSeg(0)
			}
			g.pf = prefault.Ahead(g.pos, g.pf)
		}
		n := uint64(p.count)
		k := runKinds[it.Kind]
		r := rec{pos: uint64(k.typ)<<posType | inText | uint64(it.Off)<<16 | uint64(it.Len), meta: m, extra: -1}
		switch it.Kind {
		case ioclist.KindIPv4:
			r.pos = uint64(it.Addr)
		case ioclist.KindCIDR:
			e := cidrEntry{bits: it.Bits, n: int32(n)}
			e.a[10], e.a[11] = 0xff, 0xff
			binary.BigEndian.PutUint32(e.a[12:], it.Addr)
			p.cidrs.add(e)
		default:
			p.indexString(k.str, unsafe.String(&text[it.Off], it.Len), int(it.Two), int32(n))
		}
		if ind.Name != "" {
			x := extra{from: noTime, to: noTime}
			x.name = p.putString(ind.Name, p.valueOf(r.pos), p.lastName)
			p.lastName = x.name
			r.extra = g.pushExtra(x)
		}
		g.pushID("", false)
		g.push(r)
		p.count++
		p.byType[k.typ]++
	}
	p.inputs += len(run)
	return len(run)
}

// runPos maps the kinds of ioclist.Item to the records' pos of a value in
// text (its type, inText), to be or-ed with offset<<16 | length; and
// runAddr to the mask that keeps the address of an IPv4 item instead.
var runPos, runAddr = func() (pos, addr [ioclist.KindJA3 + 1]uint64) {
	for k := range pos {
		pos[k] = uint64(runKinds[k].typ)<<posType | inText
	}
	pos[ioclist.KindIPv4], addr[ioclist.KindIPv4] = 0, ^uint64(0)
	return pos, addr
}()

// maxPlain is the longest run addPlain takes (ioclist's runs are as long).
const maxPlain = 1024

// addPlain is addRun for the common run: the current segment has room for
// it, keeps one meta (m) for all and no IDs or extras, and the values have
// no name. The records are written in one pass that does not branch on
// the values' kinds (a list's kinds come in any order), then the others
// than IPv4 addresses are indexed. It reports false, having done nothing,
// if the run is not such.
func (p *part) addPlain(text []byte, run []ioclist.Item, m uint32) bool {
	g := &p.cur
	k := len(g.pos)
	end := k + len(run)
	if len(run) > maxPlain || end > cap(g.pos) || g.metas != nil || g.xs != nil || g.ids != nil || k > 0 && g.meta != m {
		return false
	}
	if g.pf < end { // as prefault.Ahead would, at least to end
		next := min(max(end, g.pf+prefault.Step/8), cap(g.pos))
		prefault.Range(g.pos, g.pf, next)
		g.pf = next
	}
	g.meta = m
	pos := g.pos[k:end]
	var others [maxPlain]uint16 // the items that are not IPv4 addresses
	no := 0
	for i := range run {
		it := &run[i]
		a := runAddr[it.Kind]
		pos[i] = a&uint64(it.Addr) | ^a&(runPos[it.Kind]|uint64(it.Off)<<16|uint64(it.Len))
		others[no&(maxPlain-1)] = uint16(i)
		no += int(^a & 1)
	}
	g.pos = g.pos[:end]
	base := p.count
	p.count += len(run)
	p.inputs += len(run)
	p.byType[0] += len(run) - no
	for _, i := range others[:no] {
		it := &run[i]
		n := int32(base + int(i))
		if it.Kind == ioclist.KindCIDR {
			e := cidrEntry{bits: it.Bits, n: n}
			e.a[10], e.a[11] = 0xff, 0xff
			binary.BigEndian.PutUint32(e.a[12:], it.Addr)
			p.cidrs.add(e)
		} else {
			p.indexString(runKinds[it.Kind].str, unsafe.String(&text[it.Off], it.Len), int(it.Two), n)
		}
		p.byType[runKinds[it.Kind].typ]++
	}
	return true
}

// index validates ind, adds its index entry as indicator n, sets r's value
// and returns its type's place in typeOrder.
func (p *part) index(ind *intel.Indicator, n int32, r *rec, canonical bool) (int, error) {
	v := ind.Value
	switch ind.Type {
	case intel.IPv4, intel.IPv6:
		if ind.Type == intel.IPv4 {
			if a, ok := parseIPv4Key(v); ok { // canonical already
				r.pos = uint64(a)
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
			return 0, nil
		}
		if err := p.putValue(r, v); err != nil {
			return 0, err
		}
		p.v6.add(v6entry{a.As16(), n})
		return 1, nil
	case intel.CIDR:
		pr, err := netip.ParsePrefix(v)
		if err != nil || !canonical && (pr != pr.Masked() || pr.Addr().Is4In6() || string(pr.AppendTo(p.buf[:0])) != v) {
			if v, err = intel.Normalise(intel.CIDR, v); err != nil {
				return 0, err
			}
			pr = netip.MustParsePrefix(v)
		}
		if err := p.putValue(r, v); err != nil {
			return 0, err
		}
		p.cidrs.add(newCIDREntry(pr, n))
		return 2, nil
	}
	kind := strKind(ind.Type)
	if kind < 0 {
		return 0, fmt.Errorf("%w: unknown type %q", intel.ErrBadValue, ind.Type)
	}
	if !canonical && !(kind == kDomain && canonicalDomain(v) || hexLen[kind] == len(v) && lowerHex(v)) {
		var err error
		if v, err = intel.Normalise(ind.Type, v); err != nil {
			return 0, err
		}
	}
	if err := p.putValue(r, v); err != nil {
		return 0, err
	}
	two := 0 // where a name's last two labels start
	if kind == kDomain {
		last := strings.LastIndexByte(v, '.')
		two = strings.LastIndexByte(v[:max(last, 0)], '.') + 1
	}
	p.indexString(kind, v, two, n)
	k, _ := typeIndex(ind.Type)
	return k, nil
}

// indexString adds the entry of value v of string index kind for
// indicator n, and for a name (kind kDomain) that of its last two labels,
// v[two:], to the prefilter's.
func (p *part) indexString(kind int, v string, two int, n int32) {
	p.strs[kind].add(uint64(strKey(hashString(v)))<<32 | uint64(n))
	if kind == kDomain {
		p.fd2.add(uint32(hashString(v[two:]) >> 32))
	}
}

// canonicalDomain reports whether intel.Normalise(intel.Domain, v) is v
// itself, for the names of large feeds (lower-case ASCII); false means
// "normalise to find out".
func canonicalDomain(v string) bool {
	if len(v) == 0 || len(v) > 253 || v[0] == '.' || v[len(v)-1] == '.' || strings.HasPrefix(v, "hxxp") {
		return false
	}
	label, digits, dots := 0, true, 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || v[i] == '.' {
			if label == 0 || label > 63 {
				return false
			}
			if i < len(v) {
				label, digits = 0, true
				dots++
			}
			continue
		}
		c := v[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
		if c < '0' || c > '9' {
			digits = false
		}
		label++
	}
	return dots > 0 && !digits
}

// lowerHex reports whether v is lower-case hex digits.
func lowerHex(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// putValue sets r's value to v: where it is if it lies in the part's
// text, otherwise appended to the blob.
func (p *part) putValue(r *rec, v string) error {
	if len(v) > maxValue {
		return fmt.Errorf("%w: value of %d bytes, more than %d", intel.ErrBadValue, len(v), maxValue)
	}
	if p.text != nil {
		off := uintptr(unsafe.Pointer(unsafe.StringData(v))) - uintptr(unsafe.Pointer(unsafe.SliceData(p.text)))
		if off < uintptr(len(p.text)) && uintptr(len(v)) <= uintptr(len(p.text))-off {
			r.pos = inText | uint64(off)<<16 | uint64(len(v))
			return nil
		}
		// A value of its own: the blob grows by copying, which is
		// cheap for the few values of a list that are not in it.
		r.pos = uint64(len(p.cur.blob))<<16 | uint64(len(v))
		p.cur.blob = append(p.cur.blob, v...)
		return nil
	}
	if c := &p.cur; len(c.blob)+len(v) > c.pfb {
		if len(c.blob)+len(v) > cap(c.blob) {
			p.nextSeg(len(v))
			c.pf = prefault.Ahead(c.pos, 0)
		}
		c.pfb = prefault.Ahead(c.blob, c.pfb)
	}
	r.pos = uint64(len(p.cur.blob))<<16 | uint64(len(v))
	p.cur.blob = append(p.cur.blob, v...)
	return nil
}

// meta returns the part's index of ind's shared fields, deduplicated; k
// is the place of its type in typeOrder.
func (p *part) meta(k int, ind *intel.Indicator, derive bool) uint32 {
	c := &p.byMeta[k]
	if l := &c.m; c.ok && l.source == ind.Source && l.tlp == ind.TLP &&
		l.confidence == ind.Confidence && l.derive == derive && slices.Equal(l.indicates, ind.Indicates) {
		return c.i
	}
	m := meta{source: ind.Source, tlp: ind.TLP, confidence: ind.Confidence, indicates: ind.Indicates, derive: derive}
	mk := keyOf(&m)
	i, ok := p.metaIdx[mk]
	if !ok {
		i = uint32(len(p.metas))
		p.metas = append(p.metas, m)
		p.metaIdx[mk] = i
	}
	c.m, c.i, c.ok = m, i, true
	return i
}

// first returns the first indicator of ref r.
func (s *Set) first(r int32) int32 {
	if r >= 0 {
		return r
	}
	return s.lists[^r][0]
}

// rec returns the segment and record of indicator i.
func (s *Set) rec(i int32) (*seg, rec) {
	k := len(s.segs) - 1
	if k > 4 {
		lo, hi := 0, k // the segment is in segs[lo:hi+1]
		for lo < hi {
			m := int(uint(lo+hi+1) >> 1)
			if s.segs[m].base <= i {
				lo = m
			} else {
				hi = m - 1
			}
		}
		k = lo
	}
	for s.segs[k].base > i {
		k--
	}
	g := &s.segs[k]
	return g, g.at(int(i - g.base))
}

// valueBytes returns the normalised value of indicator i, which is not
// IPv4, in the blob.
func (s *Set) valueBytes(i int32) []byte {
	g, r := s.rec(i)
	return g.bytesAt(r.pos)
}

// bytesAt returns the value of the record pos of g, which is not IPv4:
// in the blob, or in the text.
func (g *seg) bytesAt(pos uint64) []byte {
	off, b := pos>>16&offMask, g.blob
	if pos&inText != 0 {
		b = g.text
	}
	return b[off : off+pos&maxValue]
}

// value returns the normalised value of indicator i.
func (s *Set) value(i int32) string {
	_, r := s.rec(i)
	if typ(r.pos) == intel.IPv4 {
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], uint32(r.pos))
		return netip.AddrFrom4(a).String()
	}
	return string(s.valueBytes(i))
}

// Len returns the number of indicators in the set.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.live
}

// number returns the number of the indicator of record r.
func (s *Set) number(r int32) int32 { return s.rn.at(r) }

// record returns the record of indicator i.
func (s *Set) record(i int32) int32 {
	if s.rn == nil {
		return i
	}
	return s.rn.index(i)
}

// Indicator returns indicator i (0 <= i < Len()) as compiled, with its
// normalised Value. Each call returns a new copy, which the caller may
// keep or modify; the Indicates slice is shared and must not be modified.
// It returns nil for an i out of range.
func (s *Set) Indicator(i int32) *intel.Indicator {
	if s == nil || i < 0 || int(i) >= s.live {
		return nil
	}
	i = s.record(i)
	g, r := s.rec(i)
	m := &s.metas[r.meta]
	v := s.value(i)
	t := typ(r.pos)
	ind := &intel.Indicator{
		ID:         s.id(g, i, m, t, v),
		Type:       t,
		Value:      v,
		Confidence: m.confidence,
		TLP:        m.tlp,
		Source:     m.source,
		Indicates:  m.indicates,
	}
	if r.extra >= 0 {
		x := &g.extras[r.extra]
		ind.Pattern, ind.Name = strings.Clone(g.str(x.pattern, v)), strings.Clone(g.str(x.name, v))
		ind.ValidFrom, ind.ValidUntil = unstamp(x.from, x.fromNs), unstamp(x.to, x.toNs)
	}
	return ind
}

// ID returns the ID of indicator i without copying the rest, or "" for an
// i out of range.
func (s *Set) ID(i int32) string {
	if s == nil || i < 0 || int(i) >= s.live {
		return ""
	}
	i = s.record(i)
	g, r := s.rec(i)
	m := &s.metas[r.meta]
	if m.derive {
		return intel.IndicatorID(typ(r.pos), s.value(i))
	}
	return s.id(g, i, m, "", "")
}

func (s *Set) id(g *seg, i int32, m *meta, t intel.Type, value string) string {
	if m.derive {
		return intel.IndicatorID(t, value)
	}
	return strings.Clone(g.id(int(i - g.base)))
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
