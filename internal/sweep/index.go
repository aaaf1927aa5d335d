package sweep

import (
	"bytes"
	"math/bits"
	"slices"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// keyIndex maps 32-bit keys to refs: entries (key and ref in one word)
// sorted by key, bucketed by their leading bits through an offsets table,
// so a lookup reads one bucket of a few entries. It takes 8 bytes per key
// plus 4 per bucket (a bucket per two to four keys), less than half of
// what a map needs, holds no pointers (the garbage collector never scans
// it) and builds with one radix sort instead of millions of hash inserts.
//
// The IPv4 index keys by address, exactly. The string indexes (domains,
// URLs, e-mail, hashes) key by the top 32 bits of the value's hash; equal
// keys of different values sit side by side and a lookup compares the
// value itself (lookupString, lookupBytes).
type keyIndex struct {
	shift   uint8    // bucket of a key: key >> shift
	offsets []uint32 // entries of bucket b are ents[offsets[b]:offsets[b+1]]
	ents    []uint64 // key<<32 | uint32(ref), sorted by key: one cache line holds both
}

// newKeyIndex returns an index for entries key<<32 | uint32(ref), sorted
// by key, which it keeps.
func newKeyIndex(ents []uint64) keyIndex {
	if len(ents) == 0 {
		return keyIndex{}
	}
	x := keyIndex{ents: slices.Clip(ents)}
	// About a bucket per three keys: a lookup still reads one or two
	// cache lines of entries, and the offsets take a quarter of the
	// memory (8 MB, not 32, for six million addresses).
	kb := min(max(bits.Len(uint(len(ents)))-2, 4), 24)
	x.shift = uint8(32 - kb)
	x.offsets = prefault.Make[uint32](1<<kb + 1)
	for _, e := range ents {
		x.offsets[uint32(e>>32)>>x.shift+1]++
	}
	for b := 1; b < len(x.offsets); b++ {
		x.offsets[b] += x.offsets[b-1]
	}
	return x
}

// lookup returns the ref of key k (IPv4: exact keys).
func (x *keyIndex) lookup(k uint32) (int32, bool) {
	if len(x.ents) == 0 {
		return 0, false
	}
	b := k >> x.shift
	for i := x.offsets[b]; i < x.offsets[b+1]; i++ {
		if e := x.ents[i]; uint32(e>>32) == k {
			return int32(uint32(e)), true
		}
	}
	return 0, false
}

func (x *keyIndex) len() int { return len(x.ents) }

// keyMask limits the keys of the string indexes; tests narrow it to
// make keys of different values collide.
var keyMask = ^uint32(0)

// strKey is the key of a value with hash h in a string index.
func strKey(h uint64) uint32 { return uint32(h>>32) & keyMask }

// lookupString returns the ref of value v, whose hash is h, in string
// index x.
func (s *Set) lookupString(x *keyIndex, h uint64, v string) (int32, bool) {
	if len(x.ents) == 0 {
		return 0, false
	}
	k := strKey(h)
	b := k >> x.shift
	for i := x.offsets[b]; i < x.offsets[b+1]; i++ {
		if e := x.ents[i]; uint32(e>>32) == k && string(s.valueBytes(s.first(int32(uint32(e))))) == v {
			return int32(uint32(e)), true
		}
	}
	return 0, false
}

// lookupBytes is lookupString for bytes.
func (s *Set) lookupBytes(x *keyIndex, h uint64, v []byte) (int32, bool) {
	if len(x.ents) == 0 {
		return 0, false
	}
	k := strKey(h)
	b := k >> x.shift
	for i := x.offsets[b]; i < x.offsets[b+1]; i++ {
		if e := x.ents[i]; uint32(e>>32) == k && bytes.Equal(s.valueBytes(s.first(int32(uint32(e)))), v) {
			return int32(uint32(e)), true
		}
	}
	return 0, false
}
