package sweep

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

// joinSorted gives what joining the parts and a stable sort by key give,
// for any number of parts (some empty), any sizes around its thresholds,
// and keys that repeat within and across parts.
func TestJoinSortedRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	for _, size := range []int{0, 1, 31, 255, 256, 2047, 2048, 70000, 300000} {
		for parts := 1; parts <= 4; parts++ {
			src := make([]entries, parts)
			bases := make([]uint64, parts)
			var want []uint64
			base := uint64(0)
			for i := range src {
				b := &blocks[uint64]{}
				n := size / parts
				if i == 1 {
					n = 0 // an empty part
				}
				if i == parts-1 {
					n = size - size/parts*(parts-1)
					if parts > 1 {
						n += size / parts
					}
				}
				// Keys from a small range make equal keys common; some
				// parts' blocks are split in several.
				keys := uint32(1) << (8 + r.IntN(24))
				for j := range n {
					k := r.Uint32N(keys) * uint32(1+r.IntN(3))
					b.add(uint64(k)<<32 | uint64(j))
					want = append(want, uint64(k)<<32|(uint64(j)+base))
				}
				src[i], bases[i] = b, base
				base += uint64(n) + uint64(r.IntN(5))
			}
			slices.SortStableFunc(want, func(a, b uint64) int {
				return int(a>>32) - int(b>>32)
			})
			got := joinSorted(src, bases, nil)
			if len(got) != len(want) {
				t.Fatalf("size %d, %d parts: %d entries, want %d", size, parts, len(got), len(want))
			}
			for i, w := range want {
				if got[i] != w {
					t.Fatalf("size %d, %d parts: entry %d = (%d, %d), want (%d, %d)",
						size, parts, i, got[i]>>32, uint32(got[i]), w>>32, uint32(w))
				}
			}
		}
	}
}

// BenchmarkJoinSorted sorts the IPv4 entries of ten million indicators
// (six million random keys) from two parts.
func BenchmarkJoinSorted(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 6_000_000
	src := []entries{&blocks[uint64]{}, &blocks[uint64]{}}
	for _, p := range src {
		for j := range n / 2 {
			p.(*blocks[uint64]).add(uint64(r.Uint32())<<32 | uint64(j))
		}
	}
	bases := []uint64{0, n / 2}
	b.ResetTimer()
	for b.Loop() {
		if e := joinSorted(src, bases, nil); len(e) != n {
			b.Fatal(len(e))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

// sortCIDRs orders prefixes as sorting with cmpCIDR does: IPv4 first, by
// address, length and indicator, with the same prefix several times.
func TestSortCIDRsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, size := range []int{0, 1, 2, 100, 5000} {
		var c []cidrEntry
		for n := range size {
			var p netip.Prefix
			if r.IntN(8) == 0 {
				var a [16]byte
				a[0], a[1], a[15] = 0x20, 0x01, byte(r.IntN(4))
				p = netip.PrefixFrom(netip.AddrFrom16(a), 120+r.IntN(9)).Masked()
			} else {
				a := r.Uint32N(64) << 24 // few addresses: equal prefixes
				p = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(r.IntN(2)), 0, 0}), 8+r.IntN(25)).Masked()
			}
			c = append(c, newCIDREntry(p, int32(n)))
		}
		want := slices.Clone(c)
		slices.SortFunc(want, cmpCIDR)
		if got := sortCIDRs(c); !slices.Equal(got, want) {
			t.Fatalf("%d prefixes: sortCIDRs differs from sorting with cmpCIDR", size)
		}
	}
}

// TestRenumbering checks renumbering.at against counting the dead
// indicators before each one, and index as its inverse, for dead sets
// sparse, dense and in runs, around the boundaries of its words and
// counts.
func TestRenumbering(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct {
		n    int
		dead func(i int) bool
	}{
		{1, func(int) bool { return true }},
		{64, func(i int) bool { return i == 63 }},
		{4096*3 + 17, func(i int) bool { return i%4096 == 0 || i%4096 == 4095 }},
		{100_000, func(int) bool { return r.IntN(1000) == 0 }},
		{100_000, func(int) bool { return r.IntN(2) == 0 }},
		{100_000, func(i int) bool { return i/4096%2 == 1 }}, // every other 4096 all dead
		{70_000, func(int) bool { return true }},
	} {
		dead := make(deadSet, (tc.n+63)/64)
		want := make([]int32, tc.n)
		next := int32(0)
		for i := range tc.n {
			if tc.dead(i) {
				dead.add(int32(i))
				want[i] = -1
				continue
			}
			want[i], next = next, next+1
		}
		rn := newRenumbering(dead)
		for i := range tc.n {
			if got := rn.at(int32(i)); got != want[i] {
				t.Fatalf("%d indicators: at(%d) = %d, want %d", tc.n, i, got, want[i])
			}
			if want[i] >= 0 {
				if got := rn.index(want[i]); got != int32(i) {
					t.Fatalf("%d indicators: index(%d) = %d, want %d", tc.n, want[i], got, i)
				}
			}
		}
	}
	if (*renumbering)(nil).at(7) != 7 {
		t.Errorf("nil renumbering changes numbers")
	}
}
