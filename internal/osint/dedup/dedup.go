package dedup

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/zeebo/xxh3"
)

// Options tune the sketch and the decision. The zero value gives the
// defaults measured in the package benchmark (see BenchmarkCluster).
type Options struct {
	Shingle     int     // words per shingle; 0 means 4
	Bands       int     // LSH bands over the whole-text signature; 0 means 32
	Rows        int     // hash rows per band; 0 means 3
	LeadWords   int     // words in the lead signature; 0 means 60, negative disables it
	LeadBands   int     // LSH bands over the lead signature; 0 means 10
	LeadRows    int     // rows per lead band; 0 means 3
	Threshold   float64 // containment at or above which two texts are copies; 0 means 0.6
	Related     float64 // containment at or above which two texts share a passage; 0 means 0.1
	MinShingles int     // a text with fewer distinct shingles is never called a copy; 0 means 6
	Workers     int     // sketching goroutines in Cluster; 0 means GOMAXPROCS
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Shingle, 4)
	def(&o.Bands, 32)
	def(&o.Rows, 3)
	def(&o.LeadWords, 60)
	def(&o.LeadBands, 10)
	def(&o.LeadRows, 3)
	def(&o.MinShingles, 6)
	def(&o.Workers, runtime.GOMAXPROCS(0))
	if o.Threshold == 0 {
		o.Threshold = 0.6
	}
	if o.Related == 0 {
		o.Related = 0.1
	}
	return o
}

// Sketch is what the index keeps of one text: its distinct shingle hashes,
// sorted, and the MinHash signatures of the whole text and of its lead.
type Sketch struct {
	Shingles []uint32 // distinct shingle hashes, ascending
	Sig      []uint64 // Bands*Rows minima over all shingles
	Lead     []uint64 // LeadBands*LeadRows minima over the lead's shingles; nil when disabled
}

// hash function coefficients: odd multipliers and addends from a fixed
// splitmix64 stream, so sketches are stable across runs and versions.
var coeff = func() (c [2][256]uint64) {
	s := uint64(0x5eed_0f_d0_c5)
	next := func() uint64 {
		s += 0x9e3779b97f4a7c15
		z := s
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	for i := range c[0] {
		c[0][i] = next() | 1
		c[1][i] = next()
	}
	return c
}()

func mix(z uint64) uint64 {
	z = (z ^ (z >> 33)) * 0xff51afd7ed558ccd
	z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53
	return z ^ (z >> 33)
}

// Words calls fn with the hash of each word of text, in order. A word is a
// run of letters and digits, compared without case; apostrophes inside a
// word are dropped ("China’s" = "chinas") and everything else separates.
func Words(text string, fn func(uint64)) {
	var buf [64]byte
	w := buf[:0]
	flush := func() {
		if len(w) > 0 {
			fn(xxh3.Hash(w))
			w = w[:0]
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				w = append(w, c)
			case 'A' <= c && c <= 'Z':
				w = append(w, c+'a'-'A')
			case c == '\'' && len(w) > 0:
			default:
				flush()
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch {
		case r == '’' && len(w) > 0:
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w = utf8.AppendRune(w, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
}

// Sketch computes the sketch of one text under o.
func (o Options) Sketch(text string) Sketch {
	o = o.withDefaults()
	k := o.Shingle
	nh := o.Bands * o.Rows
	nl := 0
	if o.LeadWords > 0 {
		nl = o.LeadBands * o.LeadRows
	}
	sk := Sketch{Sig: make([]uint64, nh)}
	for i := range sk.Sig {
		sk.Sig[i] = ^uint64(0)
	}
	if nl > 0 {
		sk.Lead = make([]uint64, nl)
		for i := range sk.Lead {
			sk.Lead[i] = ^uint64(0)
		}
	}
	var ring [16]uint64
	if k > len(ring) {
		k = len(ring)
	}
	sh := make([]uint32, 0, len(text)/6)
	nw := 0
	Words(text, func(h uint64) {
		ring[nw%k] = h
		nw++
		if nw < k {
			return
		}
		var s uint64
		for j := 0; j < k; j++ {
			s = bits.RotateLeft64(s, 17) ^ ring[(nw-k+j)%k]
		}
		s = mix(s)
		sh = append(sh, uint32(s>>32))
		minInto(sk.Sig, s)
		if nl > 0 && nw <= o.LeadWords {
			minInto(sk.Lead, s)
		}
	})
	if nw > 0 && nw < k { // too short for one shingle: the whole text is one
		var s uint64
		for j := 0; j < nw; j++ {
			s = bits.RotateLeft64(s, 17) ^ ring[j]
		}
		s = mix(s)
		sh = append(sh, uint32(s>>32))
		minInto(sk.Sig, s)
		if nl > 0 {
			minInto(sk.Lead, s)
		}
	}
	slices.Sort(sh)
	sk.Shingles = slices.Compact(sh)
	return sk
}

func minInto(sig []uint64, s uint64) {
	a, b := coeff[0][:len(sig)], coeff[1][:len(sig)]
	for i := range sig {
		if v := a[i]*s + b[i]; v < sig[i] {
			sig[i] = v
		}
	}
}

// Overlap returns the number of shingles two sorted sets share.
func Overlap(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Pair is two texts compared exactly.
type Pair struct {
	A, B        int     // indexes in insertion order, A < B
	Shared      int     // shingles in common
	Containment float64 // Shared / the smaller set's size
	Jaccard     float64 // Shared / the union's size
}

// maxChain bounds how many texts of one bucket a new text is compared
// with, so that thousands of identical texts do not make adding quadratic.
// The newest are compared first; a copy still joins its group through them.
const maxChain = 256

// Index holds sketches and their LSH buckets. Add is not safe for
// concurrent use; build it from one goroutine (Cluster sketches in
// parallel and adds in order).
type Index struct {
	opt     Options
	sketch  []Sketch
	buckets []map[uint32]int32 // per band: band key -> last doc added to it
	next    [][]int32          // per band: doc -> previous doc in the same bucket, -1 at the end
	mark    []int32            // per doc: last query that met it, to count a candidate once
	query   int32
	cands   int
}

// NewIndex returns an empty index using o.
func NewIndex(o Options) *Index {
	o = o.withDefaults()
	nb := o.Bands
	if o.LeadWords > 0 {
		nb += o.LeadBands
	}
	ix := &Index{opt: o, buckets: make([]map[uint32]int32, nb), next: make([][]int32, nb)}
	for i := range ix.buckets {
		ix.buckets[i] = map[uint32]int32{}
	}
	return ix
}

// Options returns the options the index uses, defaults filled in.
func (ix *Index) Options() Options { return ix.opt }

// Len returns the number of texts added.
func (ix *Index) Len() int { return len(ix.sketch) }

// Candidates returns how many candidate pairs LSH proposed so far.
func (ix *Index) Candidates() int { return ix.cands }

// Sketch returns the sketch of text i.
func (ix *Index) Sketch(i int) Sketch { return ix.sketch[i] }

// Add sketches text, adds it and returns its index with every earlier text
// whose exact containment with it reaches the Related threshold.
func (ix *Index) Add(text string) (int, []Pair) {
	return ix.AddSketch(ix.opt.Sketch(text))
}

// bandKeys returns the band keys of a sketch: the whole-text bands first,
// then the lead bands.
func (ix *Index) bandKeys(sk Sketch, keys []uint32) []uint32 {
	keys = keys[:0]
	band := func(v []uint64, b int) uint32 {
		h := uint64(b) * 0x9e3779b97f4a7c15
		for _, x := range v {
			h = mix(h ^ x)
		}
		return uint32(h >> 32)
	}
	r := ix.opt.Rows
	for b := 0; b < ix.opt.Bands; b++ {
		keys = append(keys, band(sk.Sig[b*r:(b+1)*r], b))
	}
	if ix.opt.LeadWords > 0 && sk.Lead != nil {
		r := ix.opt.LeadRows
		for b := 0; b < ix.opt.LeadBands; b++ {
			keys = append(keys, band(sk.Lead[b*r:(b+1)*r], 1000+b))
		}
	}
	return keys
}

// AddSketch adds a sketch made by the index's Options.Sketch and returns
// its index and its related earlier texts, as Add does.
func (ix *Index) AddSketch(sk Sketch) (int, []Pair) {
	id := int32(len(ix.sketch))
	ix.sketch = append(ix.sketch, sk)
	ix.mark = append(ix.mark, -1)
	ix.query++
	var keysBuf [64]uint32
	keys := ix.bandKeys(sk, keysBuf[:0])
	var out []Pair
	if len(sk.Shingles) == 0 { // nothing to compare: keep the slots, join no bucket
		for b := range ix.next {
			ix.next[b] = append(ix.next[b], -1)
		}
		return int(id), nil
	}
	for b, key := range keys {
		head, ok := ix.buckets[b][key]
		prev := int32(-1)
		if ok {
			prev = head
		}
		walked := 0
		for d := prev; d >= 0 && walked < maxChain; d = ix.next[b][d] {
			walked++
			if ix.mark[d] == ix.query {
				continue
			}
			ix.mark[d] = ix.query
			ix.cands++
			if p, ok := ix.compare(int(d), int(id)); ok {
				out = append(out, p)
			}
		}
		ix.buckets[b][key] = id
		ix.next[b] = append(ix.next[b], prev)
	}
	// bands absent from a sketch (lead disabled for it) still need a slot
	for b := len(keys); b < len(ix.next); b++ {
		ix.next[b] = append(ix.next[b], -1)
	}
	slices.SortFunc(out, func(x, y Pair) int { return x.A - y.A })
	return int(id), out
}

func (ix *Index) compare(a, b int) (Pair, bool) {
	sa, sb := ix.sketch[a].Shingles, ix.sketch[b].Shingles
	small := min(len(sa), len(sb))
	if small == 0 {
		return Pair{}, false
	}
	n := Overlap(sa, sb)
	p := Pair{A: a, B: b, Shared: n,
		Containment: float64(n) / float64(small),
		Jaccard:     float64(n) / float64(len(sa)+len(sb)-n)}
	return p, p.Containment >= ix.opt.Related
}

// IsCopy reports whether a compared pair counts as copies under the
// index's options.
func (ix *Index) IsCopy(p Pair) bool {
	sa, sb := ix.sketch[p.A].Shingles, ix.sketch[p.B].Shingles
	return p.Containment >= ix.opt.Threshold && min(len(sa), len(sb)) >= ix.opt.MinShingles
}

// Result is what Cluster finds in a batch.
type Result struct {
	// Groups partitions the texts into sets of copies (singletons
	// included), each ascending, ordered by their first member.
	Groups [][]int
	// Group maps each text to its index in Groups.
	Group []int
	// Copies are the verified pairs at or above the copy threshold.
	Copies []Pair
	// Related are the verified pairs that share a passage but are not
	// copies (below the threshold, at or above Related).
	Related []Pair
	// Candidates counts the pairs LSH proposed and Cluster checked exactly.
	Candidates int
}

// Cluster finds the copies among texts.
func Cluster(texts []string, o Options) Result {
	o = o.withDefaults()
	sks := make([]Sketch, len(texts))
	var wg sync.WaitGroup
	chunk := (len(texts) + o.Workers - 1) / max(o.Workers, 1)
	for w := 0; w < o.Workers && chunk > 0; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(texts))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				sks[i] = o.Sketch(texts[i])
			}
		}()
	}
	wg.Wait()
	return ClusterSketches(sks, o)
}

// ClusterSketches is Cluster over sketches made by o.Sketch.
func ClusterSketches(sks []Sketch, o Options) Result {
	ix := NewIndex(o)
	uf := newUnion(len(sks))
	var res Result
	for _, sk := range sks {
		_, pairs := ix.AddSketch(sk)
		for _, p := range pairs {
			if ix.IsCopy(p) {
				res.Copies = append(res.Copies, p)
				uf.join(p.A, p.B)
			} else {
				res.Related = append(res.Related, p)
			}
		}
	}
	res.Candidates = ix.cands
	res.Group = make([]int, len(sks))
	root := map[int]int{}
	for i := range sks {
		r := uf.find(i)
		g, ok := root[r]
		if !ok {
			g = len(res.Groups)
			root[r] = g
			res.Groups = append(res.Groups, nil)
		}
		res.Groups[g] = append(res.Groups[g], i)
		res.Group[i] = g
	}
	return res
}

type union struct{ parent []int }

func newUnion(n int) *union {
	u := &union{parent: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
	}
	return u
}

func (u *union) find(x int) int {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *union) join(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		u.parent[rb] = ra
	} else {
		u.parent[ra] = rb
	}
}

// PairScore compares a clustering with the truth pair by pair: precision
// is the share of pairs put together that belong together, recall the
// share of pairs that belong together that were put together. got and
// want give each item's group label.
func PairScore(got, want []int) (precision, recall float64, tp, predicted, actual int) {
	type k struct{ g, w int }
	joint := map[k]int{}
	gs, ws := map[int]int{}, map[int]int{}
	for i := range got {
		joint[k{got[i], want[i]}]++
		gs[got[i]]++
		ws[want[i]]++
	}
	c2 := func(n int) int { return n * (n - 1) / 2 }
	for _, n := range joint {
		tp += c2(n)
	}
	for _, n := range gs {
		predicted += c2(n)
	}
	for _, n := range ws {
		actual += c2(n)
	}
	precision, recall = 1, 1
	if predicted > 0 {
		precision = float64(tp) / float64(predicted)
	}
	if actual > 0 {
		recall = float64(tp) / float64(actual)
	}
	return precision, recall, tp, predicted, actual
}
