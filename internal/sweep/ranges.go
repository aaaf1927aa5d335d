package sweep

import (
	"math"
	"math/bits"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// rangeIndex maps an IPv4 address to the ref of the most specific CIDR
// indicator holding it (whose ref covers its supernets too, see
// buildCIDR). Nested prefixes are flattened into the points where the
// answer changes, sorted and bucketed by their leading bits like
// keyIndex: a lookup reads one bucket of about one point. It holds no
// pointers and builds in one pass over the sorted prefixes; a table of
// half a million prefixes (bart) took a quarter of a second to fill.
type rangeIndex struct {
	shift   uint8
	offsets []uint32 // points of bucket b: starts[offsets[b]:offsets[b+1]]
	starts  []uint32 // from starts[i] up to starts[i+1]-1 the answer is refs[i]
	refs    []int32  // noRef: no prefix holds those addresses
}

// noRef marks a range no prefix covers. A ref is an indicator number or
// ^i for posting list i; there are never 2^31 lists.
const noRef = math.MinInt32

// lookup returns the ref of the most specific prefix holding k.
func (x *rangeIndex) lookup(k uint32) (int32, bool) {
	if len(x.starts) == 0 {
		return 0, false
	}
	b := k >> x.shift
	lo, i := int(x.offsets[b]), int(x.offsets[b+1])-1
	for i >= lo && x.starts[i] > k {
		i--
	}
	// Below lo the points are of earlier buckets, all at or before k:
	// the last of them (if any) holds.
	if i < 0 {
		return 0, false
	}
	r := x.refs[i]
	return r, r != noRef
}

// rangeBuilder flattens prefixes into a rangeIndex. They must come sorted
// by first address, then by length (shorter first), as buildCIDR has
// them: any two are then nested or apart.
type rangeBuilder struct {
	starts []uint32
	refs   []int32
	open   []span // the prefixes holding the last one added, outermost first
}

type span struct {
	hi  uint32
	ref int32
}

// add adds the prefix [lo, hi] with ref.
func (b *rangeBuilder) add(lo, hi uint32, ref int32) {
	b.closeBefore(uint64(lo))
	b.point(uint64(lo), ref)
	b.open = append(b.open, span{hi, ref})
}

// closeBefore closes the open prefixes that end before pos: after each,
// the one around it (or none) holds again.
func (b *rangeBuilder) closeBefore(pos uint64) {
	for n := len(b.open); n > 0 && uint64(b.open[n-1].hi) < pos; n = len(b.open) {
		end := b.open[n-1].hi
		b.open = b.open[:n-1]
		r := int32(noRef)
		if n > 1 {
			r = b.open[n-2].ref
		}
		b.point(uint64(end)+1, r)
	}
}

// point records that from start on the answer is ref; a point at the
// same start as the last replaces it.
func (b *rangeBuilder) point(start uint64, ref int32) {
	if start > math.MaxUint32 {
		return
	}
	if n := len(b.starts); n > 0 && uint64(b.starts[n-1]) == start {
		b.refs[n-1] = ref
		return
	}
	b.starts = append(b.starts, uint32(start))
	b.refs = append(b.refs, ref)
}

// index closes what is open and returns the index.
func (b *rangeBuilder) index() rangeIndex {
	b.closeBefore(math.MaxUint32 + 1)
	if len(b.starts) == 0 {
		return rangeIndex{}
	}
	x := rangeIndex{starts: b.starts, refs: b.refs}
	kb := min(max(bits.Len(uint(len(x.starts))), 4), 24)
	x.shift = uint8(32 - kb)
	x.offsets = prefault.Make[uint32](1<<kb + 1)
	for _, k := range x.starts {
		x.offsets[k>>x.shift+1]++
	}
	for i := 1; i < len(x.offsets); i++ {
		x.offsets[i] += x.offsets[i-1]
	}
	return x
}
