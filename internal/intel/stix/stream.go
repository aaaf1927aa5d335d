package stix

import (
	"context"
	"encoding/json"
	"hash/maphash"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/valyala/fastjson"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// StreamOptions tunes StreamIndicators.
type StreamOptions struct {
	// Workers is the number of goroutines that decode indicators (0
	// means GOMAXPROCS).
	Workers int
	// Release, if set, is called with ranges of the input read and not
	// needed for a while, from several goroutines at once: a caller that
	// mapped the input can drop their pages (MADV_DONTNEED), so that a
	// bundle of hundreds of megabytes is never resident at once. A
	// range may be read again later (the pages of a file mapping come
	// back from the file): the caller must not change the input.
	Release func(lo, hi int)
}

// releaseEvery is about how many bytes are read between calls of Release.
const releaseEvery = 8 << 20

// elem is an element of a bundle's objects array: where it is and its
// number in the array.
type elem struct {
	start int
	len   uint32
	n     uint32
}

func (e elem) of(data []byte) []byte { return data[e.start : e.start+int(e.len)] }

// StreamIndicators reads the indicators of a bundle as Decode would, but
// without making a Collection: each indicator term goes to add, called on
// the goroutine w (0 <= w < Workers) that decoded it; w's terms are in
// the bundle's order and come before w+1's. The indicator is valid only
// during the call and its strings may lie in data, but for Indicates,
// Source and TLP, which the caller may keep.
//
// Decode holds every object of a bundle decoded, then every indicator
// term, before anything is compiled: gigabytes for a million indicators.
// StreamIndicators delimits the elements, decodes those that are not
// indicators (identities, markings and relationships give the indicators
// their Source, TLP and Indicates), then the indicators on Workers
// goroutines, passing them on one at a time.
//
// ok is false, and what add was given is to be discarded, for input that
// DecodeBundle would decline and for a bundle that gives an object more
// than once (versions, which Decode resolves): decode it with Decode
// then. unsupported is what Decode's Collection.Unsupported would be.
func StreamIndicators(ctx context.Context, data []byte, file string, opts StreamOptions,
	add func(w int, ind *intel.Indicator)) (unsupported []intel.Unsupported, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	release := opts.Release
	if release == nil {
		release = func(int, int) {}
	}

	// Delimit the elements: those that begin as indicators do are
	// decoded later, the others now.
	// Room for indicators of 200 bytes or more (pages are only touched
	// as they fill; growing by copying would touch them all again).
	inds, others := make([]elem, 0, len(data)/200+16), []elem(nil)
	done, n, tooMany := 0, uint32(0), false
	if !scanBundle(data, func(s span) {
		if s.end-s.start > 1<<32-1 || n == 1<<32-1 {
			tooMany = true
			return
		}
		e := elem{s.start, uint32(s.end - s.start), n}
		n++
		if indicatorPrefix(e.of(data)) {
			inds = append(inds, e)
		} else {
			others = append(others, e)
		}
		if s.start-done >= releaseEvery {
			release(done, s.start)
			done = s.start
		}
	}) || tooMany {
		return nil, false, nil
	}
	release(done, len(data))

	objs := make([]object, len(others))
	errs := make([]error, len(others))
	if !decodeEach(ctx, data, others, workers, release, func(_ int, i int, p *fastjson.Parser, raw []byte) bool {
		errs[i] = decodeObject(p, raw, &objs[i])
		_, syntax := errs[i].(*json.SyntaxError)
		return !syntax
	}) {
		return nil, false, ctx.Err()
	}

	// The objects that are not indicators make the context of those that
	// are; one that turns out to be an indicator is decoded again.
	seed := maphash.MakeSeed()
	var (
		ctxObjs []*object
		ids     []uint64 // hashes of every object's id, to find repeats
		unsup   []intel.Unsupported
	)
	indsBefore := len(inds)
	for i := range objs {
		o, e := &objs[i], others[i]
		if u, bad := whyUnusable(o, errs[i], e.of(data), int(e.n), file); bad {
			unsup = append(unsup, u)
			continue
		}
		if o.Type == "indicator" {
			inds = append(inds, e)
			continue
		}
		ctxObjs = append(ctxObjs, o)
		ids = append(ids, maphash.String(seed, o.ID))
	}
	if len(inds) > indsBefore {
		slices.SortFunc(inds, func(a, b elem) int { return int(a.n) - int(b.n) })
	}
	b := &builder{file: file, source: filepath.Base(file), byID: map[string]*object{}, tlp: map[string]string{}}
	for _, o := range ctxObjs {
		b.byID[o.ID] = o
		if o.Type == "marking-definition" {
			b.marking(o)
		}
	}
	indicates := indicatesOf(ctxObjs)

	// The indicators, on workers goroutines, each a run of them.
	type result struct {
		ids   []uint64
		unsup []intel.Unsupported
		bad   bool // an element is not an indicator after all
		obj   object
		refs  []string
		terms termBuf
		_     [64]byte
	}
	res := make([]result, workers)
	if !decodeEach(ctx, data, inds, workers, release, func(w int, i int, p *fastjson.Parser, raw []byte) bool {
		r := &res[w]
		o := &r.obj
		var err error
		if !scanObject(raw, o, &r.refs) {
			err = decodeObject(p, raw, o)
		}
		if _, syntax := err.(*json.SyntaxError); syntax {
			return false
		}
		if u, bad := whyUnusable(o, err, raw, int(inds[i].n), file); bad {
			u.ID = strings.Clone(u.ID) // o's strings may be views of data
			r.unsup = append(r.unsup, u)
			return true
		}
		if o.Type != "indicator" {
			r.bad = true
			return false
		}
		r.ids = append(r.ids, maphash.String(seed, o.ID))
		if len(r.ids) == 1 {
			r.ids = slices.Grow(r.ids, len(inds)/workers)
		}
		if reason := b.terms(o, indicates[o.ID], &r.terms, func(ind *intel.Indicator) { add(w, ind) }); reason != "" {
			u := b.unsupported(o, reason)
			u.ID, u.Input = strings.Clone(u.ID), strings.Clone(u.Input)
			r.unsup = append(r.unsup, u)
		}
		return true
	}) {
		return nil, false, ctx.Err()
	}
	for _, r := range res {
		if r.bad {
			return nil, false, nil
		}
		ids = append(ids, r.ids...)
		unsup = append(unsup, r.unsup...)
	}
	if repeats(ids) {
		return nil, false, nil
	}
	c := &intel.Collection{Unsupported: unsup}
	intel.SortCollection(c)
	return c.Unsupported, true, nil
}

// indicatorPrefix reports whether raw, an element of a bundle, begins as
// an indicator object does: {"type": "indicator", ... (decoding it tells
// for sure).
func indicatorPrefix(raw []byte) bool {
	i := skipSpace(raw, 0)
	for _, want := range []string{"{", `"type"`, ":", `"indicator"`} {
		if len(raw)-i < len(want) || string(raw[i:i+len(want)]) != want {
			return false
		}
		i = skipSpace(raw, i+len(want))
	}
	return true
}

// decodeEach calls f(w, i, p, raw) for each element i of elems, in runs of
// them on workers goroutines (w the goroutine's number, p its parser),
// releasing the input behind each. It returns false if f did, or if ctx
// was done.
func decodeEach(ctx context.Context, data []byte, elems []elem, workers int, release func(lo, hi int),
	f func(w, i int, p *fastjson.Parser, raw []byte) bool) bool {
	workers = max(1, min(workers, (len(elems)+255)/256))
	var (
		stop atomic.Bool
		wg   sync.WaitGroup
	)
	for w := range workers {
		lo, hi := len(elems)*w/workers, len(elems)*(w+1)/workers
		wg.Go(func() {
			var p fastjson.Parser
			done := -1 // released up to here
			for i := lo; i < hi; i++ {
				e := elems[i]
				if (i-lo)%1024 == 0 {
					if ctx.Err() != nil || stop.Load() {
						return
					}
					if done < 0 {
						done = e.start
					} else if e.start-done >= releaseEvery {
						release(done, e.start)
						done = e.start
					}
				}
				if !f(w, i, &p, e.of(data)) {
					stop.Store(true)
					return
				}
			}
			if hi > lo {
				release(max(done, 0), elems[hi-1].start+int(elems[hi-1].len))
			}
		})
	}
	wg.Wait()
	return ctx.Err() == nil && !stop.Load()
}

// repeats reports whether two of hashes are equal.
func repeats(hashes []uint64) bool {
	slices.Sort(hashes)
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			return true
		}
	}
	return false
}
