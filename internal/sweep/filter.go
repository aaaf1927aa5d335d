package sweep

import (
	"hash/maphash"
	"math/bits"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// filter is a one-hash bit array in front of a large index: most lookups
// of values that are not indicators end at one probe of a few megabytes
// that stay in cache, instead of a cache miss in a map of millions of
// entries. A set bit means "maybe"; the index has the last word.
type filter struct {
	shift uint8 // the slot of a 64-bit key is key >> shift
	words []uint64
}

// newFilter sizes a filter at about 16 bits per key, between 2^12 and
// 2^maxBits bits (maxBits at most 32: a key's slot is in its top half).
func newFilter(keys, maxBits int) filter {
	k := min(max(bits.Len(uint(keys)*16), 12), maxBits)
	return filter{shift: uint8(64 - k), words: prefault.Make[uint64]((1 << k) / 64)}
}

func (f *filter) set(key uint64) {
	i := key >> f.shift
	f.words[i/64] |= 1 << (i % 64)
}

// setRange sets every slot from that of lo to that of hi, inclusive.
func (f *filter) setRange(lo, hi uint64) {
	for i := lo >> f.shift; i <= hi>>f.shift; i++ {
		f.words[i/64] |= 1 << (i % 64)
	}
}

// has reports whether key may be in the index. An empty filter (no words)
// answers yes, so a Set built without one stays correct.
func (f *filter) has(key uint64) bool {
	if len(f.words) == 0 {
		return true
	}
	i := key >> f.shift
	return f.words[i/64]&(1<<(i%64)) != 0
}

// seed is fixed per process: filters are built and probed in one process.
var seed = maphash.MakeSeed()

func hashString(s string) uint64 { return maphash.String(seed, s) }
func hashBytes(b []byte) uint64  { return maphash.Bytes(seed, b) }
