package sweep

import (
	"bytes"
	"math/bits"
	"slices"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// keyIndex maps 32-bit keys to refs: keys sorted, bucketed by their
// leading bits through an offsets table, so a lookup reads one bucket of
// about one key. It takes 8 bytes per key plus 4 per bucket (about as many
// buckets as keys), half of what a map needs, holds no pointers (the
// garbage collector never scans it) and builds with one radix sort instead
// of millions of hash inserts.
//
// The IPv4 index keys by address, exactly. The string indexes (domains,
// URLs, e-mail, hashes) key by the top 32 bits of the value's hash; equal
// keys of different values sit side by side and a lookup compares the
// value itself (lookupString, lookupBytes).
type keyIndex struct {
	shift   uint8    // bucket of a key: key >> shift
	offsets []uint32 // keys of bucket b are keys[offsets[b]:offsets[b+1]]
	keys    []uint32
	refs    []int32
}

// newKeyIndex returns an index for keys and refs, sorted by key, which it
// keeps.
func newKeyIndex(keys []uint32, refs []int32) keyIndex {
	if len(keys) == 0 {
		return keyIndex{}
	}
	x := keyIndex{keys: slices.Clip(keys), refs: slices.Clip(refs)}
	kb := min(max(bits.Len(uint(len(keys))), 4), 24)
	x.shift = uint8(32 - kb)
	x.offsets = prefault.Make[uint32](1<<kb + 1)
	for _, k := range keys {
		x.offsets[k>>x.shift+1]++
	}
	for b := 1; b < len(x.offsets); b++ {
		x.offsets[b] += x.offsets[b-1]
	}
	return x
}

// lookup returns the ref of key k (IPv4: exact keys).
func (x *keyIndex) lookup(k uint32) (int32, bool) {
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

func (x *keyIndex) len() int { return len(x.keys) }

// keyMask limits the keys of the string indexes; tests narrow it to
// make keys of different values collide.
var keyMask = ^uint32(0)

// strKey is the key of a value with hash h in a string index.
func strKey(h uint64) uint32 { return uint32(h>>32) & keyMask }

// lookupString returns the ref of value v, whose hash is h, in string
// index x.
func (s *Set) lookupString(x *keyIndex, h uint64, v string) (int32, bool) {
	if len(x.keys) == 0 {
		return 0, false
	}
	k := strKey(h)
	b := k >> x.shift
	for i := x.offsets[b]; i < x.offsets[b+1]; i++ {
		if x.keys[i] == k && string(s.valueBytes(s.first(x.refs[i]))) == v {
			return x.refs[i], true
		}
	}
	return 0, false
}

// lookupBytes is lookupString for bytes.
func (s *Set) lookupBytes(x *keyIndex, h uint64, v []byte) (int32, bool) {
	if len(x.keys) == 0 {
		return 0, false
	}
	k := strKey(h)
	b := k >> x.shift
	for i := x.offsets[b]; i < x.offsets[b+1]; i++ {
		if x.keys[i] == k && bytes.Equal(s.valueBytes(s.first(x.refs[i])), v) {
			return x.refs[i], true
		}
	}
	return 0, false
}

// sortEntries sorts entries packed as key<<32 | n by key, stably (equal
// keys keep their order, which is ascending n when they were appended in
// that order): an LSD radix sort of the key in two 16-bit digits. tmp, if
// long enough, is used as scratch space.
func sortEntries(e, tmp []uint64) {
	if len(e) < 256 {
		slices.SortStableFunc(e, func(a, b uint64) int {
			switch {
			case a>>32 < b>>32:
				return -1
			case a>>32 > b>>32:
				return 1
			}
			return 0
		})
		return
	}
	if len(tmp) < len(e) {
		tmp = prefault.Make[uint64](len(e))
	}
	tmp = tmp[:len(e)]
	var c0, c1 [1 << 16]uint32
	for _, v := range e {
		c0[uint16(v>>32)]++
		c1[uint16(v>>48)]++
	}
	var s0, s1 uint32
	for i := range c0 {
		s0, c0[i] = s0+c0[i], s0
		s1, c1[i] = s1+c1[i], s1
	}
	for _, v := range e {
		d := uint16(v >> 32)
		tmp[c0[d]] = v
		c0[d]++
	}
	for _, v := range tmp {
		d := uint16(v >> 48)
		e[c1[d]] = v
		c1[d]++
	}
}
