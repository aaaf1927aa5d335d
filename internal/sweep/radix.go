package sweep

import (
	"math/bits"
	"slices"
	"sync"

	"github.com/pactwatch/pactwatch/internal/sweep/prefault"
)

// joinSorted joins the index entries of the parts (key<<32 | n, n
// numbered within part i, to which bases[i] is added) into one array
// sorted by key, stably: the entries of every part are in ascending n, so
// equal keys end up in ascending n.
//
// It is a radix sort that does its first pass from the parts, so no
// joined copy is made, and works on a goroutine per part:
//   - each part's entries are counted by the leading bits of their keys,
//     then scattered by them into the result, every part's share of each
//     bucket known from the counts: buckets of a few thousand entries, so
//     that the scatter writes to few enough places at once for the CPU's
//     caches;
//   - each bucket, which fits in the cache, is then sorted by the rest of
//     the key with an LSD radix sort through a small scratch array, the
//     buckets cut into as many runs of about equal size.
//
// The result and the parts' entries are all the memory it touches that
// is not in the cache: one pass over each.
//
// done, if not nil, is called with every run of entries with the same
// leading bits once it is sorted (on the goroutine that sorted it; equal
// keys are in one run), or with all of them.
func joinSorted(src []entries, bases []uint64, done func([]uint64)) []uint64 {
	n := 0
	for _, b := range src {
		n += b.len()
	}
	if n == 0 {
		return nil
	}
	e := make([]uint64, n)
	if n < 256 {
		e = e[:0]
		for i, b := range src {
			base := bases[i]
			b.chunks(func(c []uint64) {
				for _, x := range c {
					e = append(e, x+base)
				}
			})
		}
		slices.SortStableFunc(e, cmpKey)
		if done != nil {
			done(e)
		}
		return e
	}
	// Buckets of about 1,000 entries, by the top bits of the key.
	top := min(max(bits.Len(uint(n))-10, 1), 16)
	shift := 64 - top
	w := len(src)
	var wg sync.WaitGroup
	prefault.Huge(e)
	counts := make([][]uint32, w)
	for i, b := range src {
		wg.Go(func() {
			c := make([]uint32, 1<<top)
			b.chunks(func(xs []uint64) {
				for _, x := range xs {
					c[x>>shift]++
				}
			})
			counts[i] = c
			prefault.Range(e, n*i/w, n*(i+1)/w)
		})
	}
	wg.Wait()
	starts := make([]int, 1<<top+1) // bucket d is e[starts[d]:starts[d+1]]
	var sum uint32
	for d := range 1 << top {
		starts[d] = int(sum)
		for i := range counts {
			sum, counts[i][d] = sum+counts[i][d], sum
		}
	}
	starts[1<<top] = n
	for i, b := range src {
		wg.Go(func() {
			c, base := counts[i], bases[i]
			b.chunks(func(xs []uint64) {
				for _, x := range xs {
					d := x >> shift
					e[c[d]] = x + base
					c[d]++
				}
			})
		})
	}
	wg.Wait()

	// Each worker sorts a run of buckets holding about n/w entries.
	from := 0
	for i := range w {
		to := from
		for to < 1<<top && (i == w-1 || starts[to] < n*(i+1)/w) {
			to++
		}
		lo, hi := from, to
		from = to
		wg.Go(func() {
			var scratch []uint64
			for d := lo; d < hi; d++ {
				b := e[starts[d]:starts[d+1]]
				scratch = sortBucket(b, scratch, 32-top)
				if done != nil {
					done(b)
				}
			}
		})
	}
	wg.Wait()
	return e
}

// cmpKey orders entries by key alone.
func cmpKey(a, b uint64) int {
	switch {
	case a>>32 < b>>32:
		return -1
	case a>>32 > b>>32:
		return 1
	}
	return 0
}

// sortBucket sorts e, entries whose keys differ in their low rest bits
// only, by key, stably: an LSD radix sort in digits of at most 11 bits
// through scratch (grown as needed and returned for the next bucket), or
// an insertion sort for a few entries.
func sortBucket(e, scratch []uint64, rest int) []uint64 {
	if len(e) < 32 {
		for i := 1; i < len(e); i++ {
			x := e[i]
			j := i
			for ; j > 0 && e[j-1]>>32 > x>>32; j-- {
				e[j] = e[j-1]
			}
			e[j] = x
		}
		return scratch
	}
	if cap(scratch) < len(e) {
		scratch = make([]uint64, len(e)+len(e)/2)
	}
	tmp := scratch[:len(e)]
	passes := (rest + 10) / 11
	digit := (rest + passes - 1) / passes
	var c [1 << 11]uint32
	in, out := e, tmp
	for p := range passes {
		sh := uint(32 + p*digit)
		mask := uint64(1)<<digit - 1
		cnt := c[:1<<digit]
		clear(cnt)
		for _, x := range in {
			cnt[x>>sh&mask]++
		}
		var sum uint32
		for d := range cnt {
			sum, cnt[d] = sum+cnt[d], sum
		}
		for _, x := range in {
			d := x >> sh & mask
			out[cnt[d]] = x
			cnt[d]++
		}
		in, out = out, in
	}
	if passes%2 == 1 {
		copy(e, in)
	}
	return scratch
}

// entries are a part's entries of one index, key<<32 | n, in ascending
// n, which chunks passes to f a slice at a time (f must not keep it).
type entries interface {
	len() int
	chunks(f func([]uint64))
}

func (b *blocks[T]) len() int { return b.n }

func (b *blocks[T]) chunks(f func([]T)) {
	for _, blk := range b.full {
		f(blk)
	}
	f(b.cur)
}

// v4Entries are a part's IPv4 entries, read from its records, which hold
// the addresses: the parse need not write them twice.
type v4Entries struct{ p *part }

func (v v4Entries) len() int { return v.p.byType[0] }

func (v v4Entries) chunks(f func([]uint64)) {
	var buf [512]uint64
	n := 0
	for _, g := range v.p.done {
		for k, pos := range g.pos {
			if pos>>posType == 0 {
				buf[n] = pos<<32 | uint64(g.base) + uint64(k)
				n++
				if n == len(buf) {
					f(buf[:])
					n = 0
				}
			}
		}
	}
	f(buf[:n])
}
