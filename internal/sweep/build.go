package sweep

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"net/netip"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gaissmai/bart"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// finish joins the parts in order, drops duplicates of derived-ID
// indicators, and builds the indexes. The big indexes' entries are sorted
// from the parts on a goroutine per part; the IPv4 and string indexes are
// then built on two.
func finish(parts []*part) *Set {
	s := &Set{stats: Stats{ByType: make(map[intel.Type]int)}}
	var n4, nv6, ncidr, nfd2 int
	var nstr [nStr]int
	derived := false
	for _, p := range parts {
		n4 += p.byType[0]
		nv6 += p.v6.n
		ncidr += p.cidrs.n
		nfd2 += p.fd2.n
		for k := range nStr {
			nstr[k] += p.strs[k].n
		}
		derived = derived || p.derived
	}

	// The parts become the segments, their records numbered on from those
	// before and their metas merged.
	metaIdx := make(map[metaKey]uint32)
	inputs := 0
	bases := make([]uint64, len(parts))
	remaps := make([][]uint32, len(parts))
	for pi, p := range parts {
		remap := make([]uint32, len(p.metas))
		for i := range p.metas {
			k := keyOf(&p.metas[i])
			m, ok := metaIdx[k]
			if !ok {
				m = uint32(len(s.metas))
				s.metas = append(s.metas, p.metas[i])
				metaIdx[k] = m
			}
			remap[i] = m
		}
		remaps[pi] = remap
		base := s.n
		bases[pi] = uint64(base)
		if len(p.cur.pos) > 0 {
			p.done = append(p.done, p.cur)
		}
		for _, g := range p.done {
			g.base += int32(base)
			g.meta = remap[g.meta]
			s.segs = append(s.segs, g)
		}
		s.n += p.count
		for _, re := range p.rejected {
			re.Index += inputs
			s.rejected = append(s.rejected, re)
		}
		inputs += p.inputs
		for k, c := range p.byType {
			if c > 0 {
				s.stats.ByType[typeOrder[k]] += c
			}
		}
	}

	// The records' metas are renumbered first (where they are not
	// already numbered as the set's), so that duplicates can be told.
	var wg sync.WaitGroup
	for pi, p := range parts {
		remap := remaps[pi]
		if slices.Equal(remap, identity[:min(len(remap), len(identity))]) {
			continue
		}
		wg.Go(func() {
			for _, g := range p.done { // the segments' metas are done
				for k, m := range g.metas {
					g.metas[k] = remap[m]
				}
			}
		})
	}
	wg.Wait()

	// The big indexes' entries are joined and sorted on a goroutine per
	// part (joinSorted), one index after another, which also find their
	// duplicates; the small ones and the filter of domains' last two
	// labels meanwhile on one more.
	var (
		v4    []uint64
		strs  [nStr][]uint64
		v6    []v6entry
		cidrs []cidrEntry
		dead  deadSet
	)
	if derived {
		dead = prefault.Make[uint64]((s.n + 63) / 64)
	}
	wg.Go(func() {
		v6, cidrs = prefault.MakeCap[v6entry](nv6), prefault.MakeCap[cidrEntry](ncidr)
		for pi, p := range parts {
			b := bases[pi]
			v6 = p.v6.appendTo(v6, func(e v6entry) v6entry { return v6entry{e.a, e.n + int32(b)} })
			cidrs = p.cidrs.appendTo(cidrs, func(e cidrEntry) cidrEntry { e.n += int32(b); return e })
		}
		slices.SortFunc(v6, func(a, b v6entry) int {
			if c := slices.Compare(a.a[:], b.a[:]); c != 0 {
				return c
			}
			return int(a.n - b.n)
		})
		cidrs = sortCIDRs(cidrs)
		if dead == nil {
			return
		}
		// A dropped entry's number becomes -1 (buildV6 and buildCIDR
		// skip it).
		for i := 1; i < len(v6); i++ {
			for j := i - 1; j >= 0 && v6[j].a == v6[i].a; j-- {
				if v6[j].n >= 0 && s.dup(dead, v6[i].n, v6[j].n) {
					v6[i].n = -1
					break
				}
			}
		}
		for i := 1; i < len(cidrs); i++ {
			for j := i - 1; j >= 0 && cidrs[j].same(&cidrs[i]); j-- {
				if cidrs[j].n >= 0 && s.dup(dead, cidrs[i].n, cidrs[j].n) {
					cidrs[i].n = -1
					break
				}
			}
		}
	})
	if nfd2 > 0 {
		wg.Go(func() {
			s.fd2 = newFilter(nstr[kDomain], 26)
			for _, p := range parts {
				p.fd2.chunks(func(hs []uint32) {
					for _, h := range hs {
						s.fd2.set(uint64(h) << 32)
					}
				})
			}
		})
	}
	var markV4, markStr func([]uint64)
	if dead != nil {
		markV4 = func(e []uint64) { s.markDead(dead, e, nil) }
		markStr = func(e []uint64) {
			s.markDead(dead, e, func(a, b int32) bool { return string(s.valueBytes(a)) == string(s.valueBytes(b)) })
		}
	}
	src := make([]entries, len(parts))
	for i, p := range parts {
		src[i] = v4Entries{p}
	}
	v4 = joinSorted(src, bases, markV4)
	for k := range nStr {
		for i, p := range parts {
			src[i] = &p.strs[k]
		}
		strs[k] = joinSorted(src, bases, markStr)
	}
	wg.Wait()
	// The parts' entries are garbage now, about as much memory as the
	// indexes still to build need: collecting it now lets them have it
	// instead of fresh memory, which is dear where page faults are (a
	// collection costs 1-2 ms; 1M indicators: the indexes 20 -> 14 ms).
	clear(parts)
	clear(src)
	if n4+nstr[kDomain] > 1<<18 {
		runtime.GC()
	}

	// The duplicates stay as records nobody refers to: the indexes are
	// built without their entries (markDead and the loops above left
	// them out), and the set's numbers skip them (renumbering), so no
	// ref is renumbered and no record moves.
	s.live = s.n
	if dead.any() {
		s.rn = newRenumbering(dead)
		for w, x := range dead {
			for ; x != 0; x &= x - 1 {
				_, r := s.rec(int32(64*w + bits.TrailingZeros64(x)))
				s.stats.ByType[typeOrder[r.pos>>posType]]--
				s.live--
			}
		}
	}
	for t, c := range s.stats.ByType {
		if c == 0 {
			delete(s.stats.ByType, t)
		}
	}

	// Build the indexes: the prefixes' and IPv6 addresses' on one
	// goroutine (their posting lists come first in s.lists, then the
	// IPv4 addresses', then the strings'), the others' refs each on two
	// meanwhile, then their lookup tables and filters on two. The
	// prefixes' ranges go in a filter of their own, joined to the IPv4
	// addresses' at the end, so that the two are set at once.
	var (
		netLists, v4Lists, strLists [][]int32
		cf                          filter
		vals, shared                int
	)
	f4size := n4 + countCIDR4(cidrs) // duplicates and all: about the same
	wg.Go(func() {
		cf = newFilter(f4size, 24)
		netLists = s.buildCIDR(cidrs, nil, &cf)
		netLists = s.buildV6(v6, netLists)
	})
	v4, v4Lists, vals, shared = buildRefsPar(v4, nil)
	same := func(a, b int32) bool { return string(s.valueBytes(a)) == string(s.valueBytes(b)) }
	for k := range nStr {
		ents, lists, v, sh := buildRefsPar(strs[k], same)
		if len(lists) > 0 {
			relist(ents, len(strLists))
		}
		strLists = append(strLists, lists...)
		strs[k], vals, shared = ents, vals+v, shared+sh
	}
	wg.Go(func() {
		s.v4 = newKeyIndex(v4)
		s.f4 = newFilter(f4size, 24)
		for _, e := range v4 {
			s.f4.set(e &^ (1<<32 - 1))
		}
	})
	wg.Go(func() {
		for k := range nStr {
			s.strs[k] = newKeyIndex(strs[k])
		}
		if d := strs[kDomain]; len(d) > 0 {
			s.fd = newFilter(len(d), 26)
			for _, e := range d {
				s.fd.set(e &^ (1<<32 - 1)) // as lookups probe it: by key
			}
		}
	})
	wg.Wait()
	for i, w := range cf.words {
		s.f4.words[i] |= w
	}
	if len(netLists) > 0 {
		relist(v4, len(netLists))
	}
	if d := len(netLists) + len(v4Lists); d > 0 {
		for k := range nStr {
			relist(strs[k], d)
		}
	}
	s.lists = slices.Concat(netLists, v4Lists, strLists)
	s.stats.Values += vals
	s.stats.Shared += shared
	s.stats.Indicators = s.live
	s.stats.Rejected = len(s.rejected)
	return s
}

// identity is the remap of metas numbered as the set's (up to its
// length; parts of more metas are remapped).
var identity = func() (r [64]uint32) {
	for i := range r {
		r[i] = uint32(i)
	}
	return r
}()

// sortCIDRs returns the prefixes sorted by family (IPv4 first), address,
// length and then as they came (in ascending indicator number). The IPv4
// ones, nearly all of those in large feeds, are sorted as 64-bit words
// (address, length and position packed) with a radix sort.
func sortCIDRs(c []cidrEntry) []cidrEntry {
	const posBits = 26
	if len(c) >= 1<<posBits {
		slices.SortFunc(c, cmpCIDR)
		return c
	}
	words := prefault.MakeCap[uint64](len(c))
	var v6 []cidrEntry
	for i, e := range c {
		if e.v6 {
			v6 = append(v6, e)
			continue
		}
		words = append(words, uint64(binary.BigEndian.Uint32(e.a[12:]))<<32|uint64(e.bits)<<posBits|uint64(i))
	}
	// By address (the key) with joinSorted, which keeps positions in
	// order for each address, then each run of one address by length.
	words = joinSorted([]entries{wordEntries(words)}, []uint64{0}, nil)
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && words[j]>>32 == words[i]>>32 {
			j++
		}
		if j-i > 1 {
			slices.Sort(words[i:j])
		}
		i = j
	}
	slices.SortFunc(v6, cmpCIDR)
	out := prefault.MakeCap[cidrEntry](len(c))
	for _, w := range words {
		out = append(out, c[w&(1<<posBits-1)])
	}
	return append(out, v6...)
}

// wordEntries are entries in a slice.
type wordEntries []uint64

func (w wordEntries) len() int { return len(w) }

func (w wordEntries) chunks(f func([]uint64)) { f(w) }

// cmpCIDR orders prefixes as sortCIDRs does.
func cmpCIDR(a, b cidrEntry) int {
	switch {
	case a.v6 != b.v6:
		if a.v6 {
			return 1
		}
		return -1
	case a.a != b.a:
		return bytes.Compare(a.a[:], b.a[:])
	case a.bits != b.bits:
		return int(a.bits) - int(b.bits)
	}
	return int(a.n - b.n)
}

func countCIDR4(cidrs []cidrEntry) int {
	n := 0
	for _, c := range cidrs {
		if !c.v6 {
			n++
		}
	}
	return n
}

// dup marks indicator n dead if it has a derived ID and o, an earlier
// indicator with the same value, is alive and has the same shared fields;
// it reports whether it did.
func (s *Set) dup(dead deadSet, n, o int32) bool {
	_, rn := s.rec(n)
	_, ro := s.rec(o)
	m := rn.meta
	if !s.metas[m].derive || dead.has(o) || ro.meta != m {
		return false
	}
	dead.add(n)
	return true
}

// markDead marks the duplicates among sorted entries (see dup), and
// makes their entries' refs deadRef; same tells values with equal keys
// apart (nil: equal keys are equal values).
func (s *Set) markDead(dead deadSet, e []uint64, same func(a, b int32) bool) {
	for i := 1; i < len(e); i++ {
		k := e[i] >> 32
		if e[i-1]>>32 != k {
			continue
		}
		n := int32(uint32(e[i]))
		for j := i - 1; j >= 0 && e[j]>>32 == k; j-- {
			o := int32(uint32(e[j]))
			if uint32(e[j]) != deadRef && (same == nil || same(n, o)) && s.dup(dead, n, o) {
				e[i] = k<<32 | uint64(deadRef)
				break
			}
		}
	}
}

// deadRef is the ref markDead leaves in the entry of a duplicate, which
// buildRefs leaves out (no indicator's number: they are below 2^31).
const deadRef uint32 = math.MaxUint32

// relist adds d to the list numbers of entries whose refs name lists
// (refs ^i become ^(i+d)), for lists appended after d others.
func relist(e []uint64, d int) {
	for i, x := range e {
		if r := int32(uint32(x)); r < 0 {
			e[i] = x&^(1<<32-1) | uint64(uint32(^int32(d+int(^r))))
		}
	}
}

// buildRefs turns sorted entries into an index's, in place: one per
// value, with the posting lists of values several indicators share (refs
// ^i name lists[i] of those returned); entries whose ref is deadRef are
// left out. same tells values with equal keys apart (nil: equal keys are
// equal values). It also returns the number of distinct values and of
// those shared.
func buildRefs(e []uint64, same func(a, b int32) bool) (_ []uint64, lists [][]int32, vals, shared int) {
	var group, run []int32
	w := 0 // entries written; never past i, the next read
	for i := 0; i < len(e); {
		k := e[i] >> 32
		j := i + 1
		for j < len(e) && e[j]>>32 == k {
			j++
		}
		if j-i == 1 {
			if uint32(e[i]) != deadRef {
				e[w] = e[i]
				w++
				vals++
			}
			i = j
			continue
		}
		// A run of equal keys: one entry per distinct value, in order of
		// first appearance (equal values are adjacent when same is nil).
		run = run[:0]
		for _, x := range e[i:j] {
			if uint32(x) != deadRef {
				run = append(run, int32(uint32(x)))
			}
		}
		for a := range run {
			na := run[a]
			if na < 0 {
				continue
			}
			group = append(group[:0], na)
			for b := a + 1; b < len(run); b++ {
				if nb := run[b]; nb >= 0 && (same == nil || same(na, nb)) {
					group = append(group, nb)
					run[b] = -1
				}
			}
			ref := group[0]
			if len(group) > 1 {
				lists = append(lists, slices.Clone(group))
				ref = ^int32(len(lists) - 1)
				shared++
			}
			e[w] = k<<32 | uint64(uint32(ref))
			w++
			vals++
		}
		i = j
	}
	return e[:w], lists, vals, shared
}

// buildRefsPar is buildRefs on two goroutines for many entries, each on
// a half of them, cut between keys.
func buildRefsPar(e []uint64, same func(a, b int32) bool) ([]uint64, [][]int32, int, int) {
	if len(e) < 1<<16 {
		return buildRefs(e, same)
	}
	m := len(e) / 2
	for m < len(e) && e[m]>>32 == e[m-1]>>32 {
		m++
	}
	var (
		a, b             []uint64
		la, lb           [][]int32
		va, vb, shA, shB int
		wg               sync.WaitGroup
	)
	wg.Go(func() { a, la, va, shA = buildRefs(e[:m], same) })
	b, lb, vb, shB = buildRefs(e[m:], same)
	wg.Wait()
	if len(lb) > 0 {
		relist(b, len(la))
	}
	n := copy(e[len(a):], b) // close the gap after the first half
	return e[:len(a)+n], append(la, lb...), va + vb, shA + shB
}

// buildV6 builds the IPv6 map from sorted entries.
func (s *Set) buildV6(v6 []v6entry, lists [][]int32) [][]int32 {
	s.v6 = make(map[[16]byte]int32, len(v6))
	for i := 0; i < len(v6); {
		j := i + 1
		for j < len(v6) && v6[j].a == v6[i].a {
			j++
		}
		var group []int32
		for _, e := range v6[i:j] {
			if e.n >= 0 { // not a duplicate dropped
				group = append(group, e.n)
			}
		}
		switch len(group) {
		case 0:
		case 1:
			s.v6[v6[i].a] = group[0]
			s.stats.Values++
		default:
			lists = append(lists, group)
			s.v6[v6[i].a] = ^int32(len(lists) - 1)
			s.stats.Values++
			s.stats.Shared++
		}
		i = j
	}
	return lists
}

// buildCIDR inserts every prefix into the table with a ref covering the
// indicators of the prefix and of all its supernets, so that one
// longest-prefix lookup finds every containing CIDR. Prefixes come sorted
// by address and length, so each one's supernets are on a stack when it
// comes up. It also sets the prefixes' ranges in f.
func (s *Set) buildCIDR(cidrs []cidrEntry, lists [][]int32, f *filter) [][]int32 {
	if len(cidrs) == 0 {
		return lists
	}
	expand := func(dst []int32, r int32) []int32 {
		if r >= 0 {
			return append(dst, r)
		}
		return append(dst, lists[^r]...)
	}
	type open struct {
		p   netip.Prefix
		ref int32
	}
	var stack []open
	// Each prefix adds at most two points (its start, and the end of it
	// or of one it closes); fresh memory is dear where page faults are.
	n4 := countCIDR4(cidrs)
	r4 := rangeBuilder{starts: prefault.MakeCap[uint32](2*n4 + 1), refs: prefault.MakeCap[int32](2*n4 + 1)}
	t := new(bart.Table[int32]) // IPv6 prefixes
	var own, all []int32
	for i := 0; i < len(cidrs); {
		p := cidrs[i].prefix()
		j := i + 1
		for j < len(cidrs) && cidrs[j].same(&cidrs[i]) {
			j++
		}
		own = own[:0]
		for _, e := range cidrs[i:j] {
			if e.n >= 0 { // not a duplicate dropped
				own = append(own, e.n)
			}
		}
		i = j
		if len(own) == 0 {
			continue
		}
		s.stats.Values++
		var ref int32
		if len(own) == 1 {
			ref = own[0]
		} else {
			lists = append(lists, slices.Clone(own))
			ref = ^int32(len(lists) - 1)
			s.stats.Shared++
		}
		for len(stack) > 0 {
			top := stack[len(stack)-1].p
			if top.Addr().Is4() == p.Addr().Is4() && top.Bits() < p.Bits() && top.Contains(p.Addr()) {
				break
			}
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			all = expand(all[:0], stack[len(stack)-1].ref)
			all = expand(all, ref)
			slices.Sort(all)
			lists = append(lists, slices.Clone(all))
			ref = ^int32(len(lists) - 1)
		}
		stack = append(stack, open{p, ref})
		if p.Addr().Is4() {
			k := p.Addr().As4()
			lo := uint32(k[0])<<24 | uint32(k[1])<<16 | uint32(k[2])<<8 | uint32(k[3])
			hi := lo | uint32(uint64(1)<<(32-p.Bits())-1)
			f.setRange(uint64(lo)<<32, uint64(hi)<<32)
			r4.add(lo, hi, ref)
		} else {
			t.Insert(p, ref)
		}
	}
	s.c4, s.cidr = r4.index(), t
	s.cidr4, s.cidr6 = len(s.c4.starts) > 0, t.Size6() > 0
	return lists
}

// parseIPv4Key parses a dotted quad as netip.ParseAddr does (no leading
// zeros, each part at most 255), without allocating, into its 32-bit
// value. A string it accepts is the address's canonical form.
func parseIPv4Key[T string | []byte](p T) (uint32, bool) {
	var a uint32
	k, v, digits := 0, 0, 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			if digits == 0 || k > 3 {
				return 0, false
			}
			a = a<<8 | uint32(v)
			k, v, digits = k+1, 0, 0
			continue
		}
		c := p[i]
		if c < '0' || c > '9' || digits > 0 && v == 0 {
			return 0, false
		}
		v = v*10 + int(c-'0')
		digits++
		if v > 255 {
			return 0, false
		}
	}
	return a, k == 4
}

// deadSet is the set of indicators dropped as duplicates, a bit each,
// which goroutines marking the duplicates of different indexes add to at
// once.
type deadSet []uint64

func (d deadSet) has(n int32) bool { return atomic.LoadUint64(&d[n/64])>>(n%64)&1 != 0 }
func (d deadSet) add(n int32)      { atomic.OrUint64(&d[n/64], 1<<(n%64)) }

func (d deadSet) any() bool {
	for _, w := range d {
		if w != 0 {
			return true
		}
	}
	return false
}

// renumbering maps record numbers, which count the duplicates dropped,
// to indicator numbers, which do not (at), and back (index). The nil
// *renumbering changes nothing. It is a bit per record and a count per 64
// of them, side by side (2.5 MB for ten million; one cache line a
// lookup), read only at the set's edge: for a match, and by Indicator and
// ID.
type renumbering []rnWord

type rnWord struct {
	dead   uint64 // bit b: indicator 64w+b was dropped
	before uint32 // dropped indicators before 64w
}

func newRenumbering(dead deadSet) *renumbering {
	rn := renumbering(prefault.Make[rnWord](len(dead)))
	var sum uint32
	for w, x := range dead {
		rn[w].dead, rn[w].before = x, sum
		sum += uint32(bits.OnesCount64(x))
	}
	return &rn
}

// index returns the old number of the indicator whose new number is i
// (the inverse of at), which must be one.
func (rn *renumbering) index(i int32) int32 {
	t := *rn
	// start is the new number of word w's first indicator; the word
	// sought is the last whose start is at most i.
	start := func(w int) int32 { return int32(64*w) - int32(t[w].before) }
	lo, hi := 0, len(t)-1
	for lo < hi {
		m := int(uint(lo+hi+1) >> 1)
		if start(m) <= i {
			lo = m
		} else {
			hi = m - 1
		}
	}
	live := ^t[lo].dead
	for k := i - start(lo); k > 0; k-- {
		live &= live - 1
	}
	return int32(64*lo + bits.TrailingZeros64(live))
}

// at returns the new number of indicator n, or -1 if it was dropped.
func (rn *renumbering) at(n int32) int32 {
	if rn == nil {
		return n
	}
	e := &(*rn)[n/64]
	b := uint(n % 64)
	if e.dead>>b&1 != 0 {
		return -1
	}
	return n - int32(e.before) - int32(bits.OnesCount64(e.dead&(1<<b-1)))
}
