package sweep

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRangeIndexRandom checks rangeIndex against the longest matching
// prefix found by trying every prefix, on nested and adjacent prefixes of
// every length, including 0.0.0.0/0 and /32 at both ends of the space.
func TestRangeIndexRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		type prefix struct {
			lo   uint32
			bits int
		}
		var ps []prefix
		n := r.IntN(60) + 1
		for range n {
			bits := r.IntN(33)
			// Mostly in one small corner, so that prefixes nest.
			a := r.Uint32() >> (r.IntN(4) * 8)
			if r.IntN(8) == 0 {
				a = ^a
			}
			mask := uint32(0)
			if bits > 0 {
				mask = ^uint32(0) << (32 - bits)
			}
			ps = append(ps, prefix{a & mask, bits})
		}
		if round%10 == 0 {
			ps = append(ps, prefix{0, 0}, prefix{0, 32}, prefix{^uint32(0), 32})
		}
		slices.SortFunc(ps, func(a, b prefix) int {
			if a.lo != b.lo {
				if a.lo < b.lo {
					return -1
				}
				return 1
			}
			return a.bits - b.bits
		})
		ps = slices.Compact(ps)
		hi := func(p prefix) uint32 { return p.lo | uint32(uint64(1)<<(32-p.bits)-1) }
		var b rangeBuilder
		for i, p := range ps {
			b.add(p.lo, hi(p), int32(i))
		}
		x := b.index()
		probe := func(k uint32) {
			want, found := int32(0), false
			for i, p := range ps {
				if p.lo <= k && k <= hi(p) {
					want, found = int32(i), true // later ones nest inside earlier ones
				}
			}
			got, ok := x.lookup(k)
			if ok != found || ok && got != want {
				t.Fatalf("round %d: lookup(%#x) = %d, %v; want %d, %v (prefixes %v)", round, k, got, ok, want, found, ps)
			}
		}
		for _, p := range ps {
			for _, k := range []uint32{p.lo, p.lo - 1, hi(p), hi(p) + 1, p.lo + (hi(p)-p.lo)/2} {
				probe(k)
			}
		}
		for range 200 {
			probe(r.Uint32() >> (r.IntN(4) * 8))
		}
		probe(0)
		probe(^uint32(0))
	}
}
