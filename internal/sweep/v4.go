package sweep

import (
	"math/bits"
	"slices"
)

// v4index is the exact IPv4 index: keys sorted, bucketed by their leading
// bits through an offsets table, so a lookup reads one bucket of about one
// key. It takes 8 bytes per address plus 4 per bucket (about as many
// buckets as addresses), half of what a map needs, and builds with one
// sort instead of a million hash inserts.
type v4index struct {
	shift   uint8    // bucket of a key: key >> shift
	offsets []uint32 // keys of bucket b are keys[offsets[b]:offsets[b+1]]
	keys    []uint32
	refs    []int32
}

// buildV4 builds the index from entries packed as key<<32 | indicator,
// which it sorts in place; shared addresses become posting lists of s.
func buildV4(s *Set, entries []uint64) v4index {
	if len(entries) == 0 {
		return v4index{}
	}
	slices.Sort(entries)
	var x v4index
	x.keys = make([]uint32, 0, len(entries))
	x.refs = make([]int32, 0, len(entries))
	for i := 0; i < len(entries); {
		k := uint32(entries[i] >> 32)
		j := i + 1
		for j < len(entries) && uint32(entries[j]>>32) == k {
			j++
		}
		r := int32(uint32(entries[i]))
		if j-i > 1 {
			list := make([]int32, j-i)
			for n := range list {
				list[n] = int32(uint32(entries[i+n]))
			}
			s.lists = append(s.lists, list)
			r = ^int32(len(s.lists) - 1)
		}
		x.keys = append(x.keys, k)
		x.refs = append(x.refs, r)
		i = j
	}
	kb := min(max(bits.Len(uint(len(x.keys))), 4), 24)
	x.shift = uint8(32 - kb)
	x.offsets = make([]uint32, 1<<kb+1)
	for _, k := range x.keys {
		x.offsets[k>>x.shift+1]++
	}
	for b := 1; b < len(x.offsets); b++ {
		x.offsets[b] += x.offsets[b-1]
	}
	x.keys = slices.Clip(x.keys)
	x.refs = slices.Clip(x.refs)
	return x
}

func (x *v4index) lookup(k uint32) (int32, bool) {
	if len(x.keys) == 0 {
		return 0, false
	}
	b := k >> x.shift
	for i := x.offsets[b]; i < x.offsets[b+1]; i++ {
		if x.keys[i] == k {
			return x.refs[i], true
		}
	}
	return 0, false
}

func (x *v4index) len() int { return len(x.keys) }
