package stix

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math/bits"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fastjson"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// StreamOptions tunes StreamIndicators.
type StreamOptions struct {
	// Workers is the number of goroutines that decode indicators (0
	// means GOMAXPROCS).
	Workers int
	// ReaderAt, if set, reads the same bytes as data (the file data
	// maps): the elements are read through it, a megabyte or so at a
	// time into a buffer per goroutine, rather than from data, whose
	// pages would each be faulted in and stay resident (on a virtual
	// machine a 323 MB bundle's pages cost 150 ms; reading it costs
	// 35). Only the bundle's head and tail and a few bytes where the
	// parts of the objects array begin are read from data then.
	ReaderAt io.ReaderAt
}

// elem is an element of a bundle's objects array: where it is and its
// number in the array.
type elem struct {
	start int
	len   uint32
	n     uint32
}

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
// Versions of an indicator (its id given more than once) are found by
// the ids as written before the indicators are decoded; those with the
// latest modified time are passed on, as Decode keeps them.
//
// ok is false, and what add was given is to be discarded, for input that
// DecodeBundle would decline and for a bundle that gives another kind of
// object more than once, or an indicator's id in another form (escaped,
// given twice in one object): decode it with Decode then. unsupported is
// what Decode's Collection.Unsupported would be.
func StreamIndicators(ctx context.Context, data []byte, file string, opts StreamOptions,
	add func(w int, ind *intel.Indicator)) (unsupported []intel.Unsupported, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	seed := maphash.MakeSeed()
	inds, idh, others, ok, err := delimit(data, opts.ReaderAt, workers, seed)
	if err != nil {
		return nil, false, fmt.Errorf("stix %s: %w", file, err)
	}
	if !ok {
		return nil, false, nil
	}

	// The objects that are not indicators make the context of those that
	// are: what identities are named, the TLP levels of markings and what
	// "indicates" relationships say, copied, and nothing more, for there
	// may be a relationship an indicator. One that turns out to be an
	// indicator is decoded with the indicators.
	src := opts.ReaderAt
	if src == nil {
		src = bytes.NewReader(data)
	}
	cps := make([]ctxPart, workers)
	if err := readEach(ctx, src, split(others, workers), func(w, i int, e elem, p *fastjson.Parser, raw []byte) bool {
		return cps[w].add(e, p, raw, file, seed)
	}); err != nil {
		return nil, false, wrapRead(file, err)
	}
	b := &builder{file: file, source: filepath.Base(file), byID: map[string]*object{}, tlp: map[string]string{}}
	var (
		ids   []uint64 // hashes of every object's id, to find repeats
		unsup []intel.Unsupported
		more  []elem // others that are indicators
	)
	indicates := newIndicatesIndex()
	for k := range cps {
		c := &cps[k]
		ids, unsup, more = append(ids, c.ids...), append(unsup, c.unsup...), append(more, c.more...)
		for _, o := range c.idents {
			b.byID[o.ID] = o
		}
		for _, t := range c.tlps {
			b.tlp[t[0]] = t[1]
		}
		for _, r := range c.rels {
			indicates.add(r.src, r.srcID, c.targets[r.dst])
		}
		cps[k] = ctxPart{}
	}
	indicates.sort()
	// Versions of an indicator are found by the ids as written, and
	// decoded first: the latest stay, as in Decode, the others are
	// skipped. (Others that are indicators have no id as written: with
	// them a repeated id makes the bundle Decode's.)
	var (
		skip     map[uint32]bool
		resolved map[uint64]int
	)
	if len(more) > 0 { // rare: into one run, in order, cut again
		all := append(slices.Concat(inds...), more...)
		slices.SortFunc(all, func(a, b elem) int { return int(a.n) - int(b.n) })
		inds, idh = split(all, workers), nil
	} else {
		read := func(e elem) ([]byte, error) {
			b := make([]byte, e.len)
			return b, readAt(src, b, e.start)
		}
		var ok bool
		if skip, resolved, ok, err = resolveVersions(inds, idh, ids, read, file, seed); err != nil {
			return nil, false, fmt.Errorf("stix %s: %w", file, err)
		} else if !ok {
			return nil, false, nil
		}
	}

	// The indicators, on workers goroutines, each a run of them.
	type result struct {
		ids   []uint64
		unsup []intel.Unsupported
		bad   bool // an element is not an indicator after all, or its id not as written
		obj   object
		scan  scanBuf
		terms termBuf
		_     [64]byte
	}
	res := make([]result, len(inds))
	if err := readEach(ctx, src, inds, func(w, i int, e elem, p *fastjson.Parser, raw []byte) bool {
		if skip[e.n] {
			return true // an earlier version
		}
		r := &res[w]
		o := &r.obj
		if usable, isJSON := readObject(p, raw, e, file, o, &r.scan, &r.unsup); !usable {
			return isJSON
		}
		if o.Type != "indicator" {
			r.bad = true
			return false
		}
		// The id decoded is the id as written, whose versions are
		// resolved, or the bundle is Decode's (escaped, given twice).
		if h := maphash.String(seed, o.ID); idh == nil {
			r.ids = append(r.ids, h)
		} else if h|1 != idh[w][i] {
			r.bad = true
			return false
		}
		if reason := b.terms(o, indicates.of(o.ID), &r.terms, func(ind *intel.Indicator) { add(w, ind) }); reason != "" {
			u := b.unsupported(o, reason)
			u.ID, u.Input = strings.Clone(u.ID), strings.Clone(u.Input)
			r.unsup = append(r.unsup, u)
		}
		return true
	}); err != nil {
		return nil, false, wrapRead(file, err)
	}
	for _, r := range res {
		if r.bad {
			return nil, false, nil
		}
		ids = append(ids, r.ids...) // none but where idh is nil
		unsup = append(unsup, r.unsup...)
	}
	if unresolvedRepeats(ids, resolved) {
		return nil, false, nil
	}
	c := &intel.Collection{Unsupported: unsup}
	intel.SortCollection(c)
	return c.Unsupported, true, nil
}

// ctxPart is what a goroutine gathers of the objects of a bundle that
// are not indicators (see StreamIndicators).
type ctxPart struct {
	ids     []uint64 // the hashes of their ids
	unsup   []intel.Unsupported
	more    []elem    // those that are indicators after all
	idents  []*object // identities with a name: ID, Type and Name
	tlps    [][2]string
	rels    []indicatesRel
	targets []string       // of rels, each once
	target  map[string]int // index in targets
	obj     object         // the one being decoded
	scan    scanBuf
	_       [64]byte
}

// indicatesRel is an "indicates" relationship: its source, packed if it
// packs (else srcID), and the index of its target in ctxPart.targets.
type indicatesRel struct {
	src   [16]byte
	srcID string
	dst   int
}

// add decodes raw, element e, and keeps what the indicators need of it.
// It returns false if raw is not JSON.
func (c *ctxPart) add(e elem, p *fastjson.Parser, raw []byte, file string, seed maphash.Seed) bool {
	o := &c.obj
	if usable, isJSON := readObject(p, raw, e, file, o, &c.scan, &c.unsup); !usable {
		return isJSON
	}
	if o.Type == "indicator" {
		c.more = append(c.more, e)
		return true
	}
	c.ids = append(c.ids, maphash.String(seed, o.ID))
	switch o.Type {
	case "identity":
		if o.Name != "" {
			c.idents = append(c.idents, &object{Type: "identity", ID: strings.Clone(o.ID), Name: strings.Clone(o.Name)})
		}
	case "marking-definition":
		if l, ok := markingTLP(o); ok {
			c.tlps = append(c.tlps, [2]string{strings.Clone(o.ID), strings.Clone(l)})
		}
	case "relationship":
		if o.RelationshipType != "indicates" {
			break
		}
		r := indicatesRel{}
		var packed bool
		if r.src, packed = intel.PackIndicatorID(o.SourceRef); !packed {
			r.srcID = strings.Clone(o.SourceRef)
		}
		k, ok := c.target[o.TargetRef]
		if !ok {
			if c.target == nil {
				c.target = map[string]int{}
			}
			k = len(c.targets)
			c.targets = append(c.targets, strings.Clone(o.TargetRef))
			c.target[c.targets[k]] = k
		}
		r.dst = k
		c.rels = append(c.rels, r)
	}
	return true
}

// readObject decodes raw, element e, into o: with scanObject, else with
// decodeObject (a marking too: scanObject checks its definition but does
// not keep it); o's strings may be views of raw or buf. usable is false
// if raw is not JSON (isJSON false too), or if the object cannot be used,
// which is then appended to unsup (see whyUnusable).
func readObject(p *fastjson.Parser, raw []byte, e elem, file string, o *object, buf *scanBuf,
	unsup *[]intel.Unsupported) (usable, isJSON bool) {
	var err error
	if !scanObject(raw, o, buf) || o.Type == "marking-definition" {
		err = decodeObject(p, raw, o)
	}
	if _, syntax := err.(*json.SyntaxError); syntax {
		return false, false
	}
	if u, bad := whyUnusable(o, err, raw, int(e.n), file); bad {
		u.ID = strings.Clone(u.ID)
		*unsup = append(*unsup, u)
		return false, true
	}
	return true, true
}

// indicatesIndex is what "indicates" relationships say each object
// indicates, as indicatesOf gives it, by the object's id packed where it
// packs (a million relationships take ~60 MB so).
type indicatesIndex struct {
	packed map[[16]byte][]string
	other  map[string][]string
	names  map[string]string // the targets, each once
}

func newIndicatesIndex() *indicatesIndex {
	return &indicatesIndex{packed: map[[16]byte][]string{}, other: map[string][]string{}, names: map[string]string{}}
}

// add records that the object src (or srcID, if src is zero) indicates
// dst.
func (x *indicatesIndex) add(src [16]byte, srcID, dst string) {
	if n, ok := x.names[dst]; ok {
		dst = n
	} else {
		x.names[dst] = dst
	}
	if src == ([16]byte{}) {
		if !slices.Contains(x.other[srcID], dst) {
			x.other[srcID] = append(x.other[srcID], dst)
		}
		return
	}
	if !slices.Contains(x.packed[src], dst) {
		x.packed[src] = append(x.packed[src], dst)
	}
}

func (x *indicatesIndex) sort() {
	for _, l := range x.packed {
		slices.Sort(l)
	}
	for _, l := range x.other {
		slices.Sort(l)
	}
	x.names = nil
}

// of returns what the object id indicates.
func (x *indicatesIndex) of(id string) []string {
	if len(x.packed) == 0 && len(x.other) == 0 {
		return nil
	}
	if u, ok := intel.PackIndicatorID(id); ok {
		return x.packed[u]
	}
	return x.other[id]
}

// delimitPart is what delimit gathers of a part of the objects array.
type delimitPart struct {
	inds, others []elem   // n counts within the part
	idh          []uint64 // by inds: the hash of the id as written, 0 if escaped or missing
	tooMany      bool     // an element of 4 GiB or more, or 2³² of them
	_            [64]byte
}

// delimit finds the elements of the objects array of bundle data, in
// parts on up to workers goroutines (see elementsParallel), and returns
// those that begin as indicators do, in a run per part, and the others,
// in order.
//
// idh holds, by inds, the maphash (with seed) of each one's first "id"
// as written, 0 where it has escapes or none: what finds versions of an
// indicator before the indicators are decoded.
func delimit(data []byte, r io.ReaderAt, workers int, seed maphash.Seed) (
	inds [][]elem, idh [][]uint64, others []elem, ok bool, err error) {
	parts := make([]delimitPart, workers)
	for k := range parts {
		// Room for indicators of 200 bytes or more (pages are only
		// touched as they fill; growing by copying would touch them
		// all again).
		parts[k].inds = make([]elem, 0, len(data)/200/workers+16)
		parts[k].idh = make([]uint64, 0, len(data)/200/workers+16)
	}
	visit := func(k int, s span, raw []byte) {
		p := &parts[k]
		n := len(p.inds) + len(p.others)
		if s.end-s.start > 1<<32-1 || n == 1<<32-1 {
			p.tooMany = true
			return
		}
		e := elem{s.start, uint32(s.end - s.start), uint32(n)}
		if ind, id := classify(raw); ind {
			h := uint64(0)
			if id != nil {
				h = maphash.Bytes(seed, id) | 1 // never 0
			}
			p.inds, p.idh = append(p.inds, e), append(p.idh, h)
		} else {
			p.others = append(p.others, e)
		}
	}
	reset := func(k int) { parts[k] = delimitPart{} }
	if !scanBundle(data, func(i int) (end int, ok bool) {
		end, ok, err = elementsParallel(data, r, i, workers, visit, reset)
		return end, ok
	}) {
		return nil, nil, nil, false, err
	}
	// The elements are numbered on from those of the parts before.
	base := uint64(0)
	for k := range parts {
		p := &parts[k]
		if p.tooMany || base+uint64(len(p.inds)+len(p.others)) > 1<<32-1 {
			return nil, nil, nil, false, nil
		}
		if base > 0 {
			for j := range p.inds {
				p.inds[j].n += uint32(base)
			}
			for j := range p.others {
				p.others[j].n += uint32(base)
			}
		}
		base += uint64(len(p.inds) + len(p.others))
		inds, idh = append(inds, p.inds), append(idh, p.idh)
		others = append(others, p.others...)
	}
	return inds, idh, others, true, nil
}

// classify reports whether raw, an element of a bundle, is an object
// whose first "type" member is "indicator" (decoding it tells for sure: a
// later "type" would win), and if so returns the contents of its first
// "id" member if that is a string without escapes (decoding tells which
// id wins too). Most producers write the type first and the id soon
// after; others (OpenCTI: the id first; those that sort keys: the type
// last) are walked further.
func classify(raw []byte) (indicator bool, id []byte) {
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '{' {
		return false, nil
	}
	typed, ided := false, false
	for i++; ; i++ { // at a member, or after a ','
		i = skipSpace(raw, i)
		if i == len(raw) || raw[i] != '"' {
			return indicator, id
		}
		end := stringEnd(raw, i)
		if end < 0 {
			return indicator, id
		}
		key := raw[i+1 : end-1]
		i = skipSpace(raw, end)
		if i == len(raw) || raw[i] != ':' {
			return indicator, id
		}
		i = skipSpace(raw, i+1)
		if i == len(raw) {
			return indicator, id
		}
		switch {
		case !typed && string(key) == "type":
			typed = true
			indicator = len(raw)-i >= len(`"indicator"`) && string(raw[i:i+len(`"indicator"`)]) == `"indicator"`
			if !indicator || ided {
				return indicator, id
			}
		case !ided && string(key) == "id":
			ided = true
			if raw[i] == '"' {
				if e := stringEnd(raw, i); e > 0 && bytes.IndexByte(raw[i+1:e-1], '\\') < 0 {
					id = raw[i+1 : e-1]
				}
			}
			if typed {
				return indicator, id
			}
		}
		if i = skipValue(raw, i); i < 0 {
			return indicator, id
		}
		i = skipSpace(raw, i)
		if i == len(raw) || raw[i] != ',' {
			return indicator, id
		}
	}
}

// readBatch is how many bytes readEach reads at a time (a variable for
// tests).
var readBatch = 1 << 20

// readEach calls f(w, i, e, p, raw) for each element e = runs[w][i], raw
// its text, on a goroutine per run (p its parser), reading the elements
// through r in batches of consecutive ones into a buffer per goroutine.
// It returns errStopped if f returned false, ctx.Err() if ctx was done,
// or why reading failed.
func readEach(ctx context.Context, r io.ReaderAt, runs [][]elem,
	f func(w, i int, e elem, p *fastjson.Parser, raw []byte) bool) error {
	var (
		stop atomic.Bool
		wg   sync.WaitGroup
		errs = make([]error, len(runs))
	)
	for w, run := range runs {
		if len(run) == 0 {
			continue
		}
		wg.Go(func() {
			var p fastjson.Parser
			var buf []byte
			for i := 0; i < len(run); {
				if ctx.Err() != nil || stop.Load() {
					return
				}
				// The batch: elements from i on while they fit (one
				// at least).
				lo := run[i].start
				j := i + 1
				for j < len(run) && run[j].start+int(run[j].len)-lo <= readBatch {
					j++
				}
				hi := run[j-1].start + int(run[j-1].len)
				if cap(buf) < hi-lo {
					buf = make([]byte, max(hi-lo, readBatch))
				}
				b := buf[:hi-lo]
				if err := readAt(r, b, lo); err != nil {
					errs[w] = err
					stop.Store(true)
					return
				}
				for ; i < j; i++ {
					e := run[i]
					if !f(w, i, e, &p, b[e.start-lo:e.start-lo+int(e.len)]) {
						stop.Store(true)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if stop.Load() {
		return errStopped
	}
	return nil
}

// errStopped is readEach's error when its function stopped it: the
// bundle is not JSON, or is not one to stream.
var errStopped = errors.New("stopped")

// wrapRead returns the error StreamIndicators returns for err, readEach's:
// none for errStopped (the bundle is Decode's), ctx's error as it is, why
// reading file failed with its name.
func wrapRead(file string, err error) error {
	switch {
	case err == errStopped:
		return nil
	case err == context.Canceled || err == context.DeadlineExceeded:
		return err
	}
	return fmt.Errorf("stix %s: %w", file, err)
}

// split cuts elems into n runs of about one length.
func split(elems []elem, n int) [][]elem {
	n = max(1, min(n, (len(elems)+255)/256))
	runs := make([][]elem, n)
	for w := range runs {
		runs[w] = elems[len(elems)*w/n : len(elems)*(w+1)/n]
	}
	return runs
}

// resolveVersions finds the indicators, inds with the hashes idh of
// their ids as written, that share an id, and decodes them (read gives an
// element's text): of each id, those with the latest modified time stay,
// as in Decode's latestVersions, and the others are to be skipped.
// resolved is, by the maphash (with seed) of each such id, how many stay.
// ok is false if an indicator's id is another object's too (otherIDs:
// their hashes).
func resolveVersions(inds [][]elem, idh [][]uint64, otherIDs []uint64, read func(elem) ([]byte, error),
	file string, seed maphash.Seed) (skip map[uint32]bool, resolved map[uint64]int, ok bool, err error) {
	others := make([]uint64, len(otherIDs))
	for i, h := range otherIDs {
		others[i] = h | 1 // as idh's
	}
	if len(others) > 0 && len(repeated(append(slices.Clone(idh), others), true)) > 0 {
		return nil, nil, false, nil // an indicator's id is another object's
	}
	rep := repeated(idh, false)
	if len(rep) == 0 {
		return nil, nil, true, nil
	}
	type version struct {
		n   uint32
		mod time.Time
	}
	byID := map[string][]version{}
	var (
		p     fastjson.Parser
		o     object
		buf   scanBuf
		unsup []intel.Unsupported // reported when the indicators are decoded
	)
	for w, l := range idh {
		for j, h := range l {
			if !rep[h] {
				continue
			}
			e := inds[w][j]
			raw, err := read(e)
			if err != nil {
				return nil, nil, false, err
			}
			if usable, _ := readObject(&p, raw, e, file, &o, &buf, &unsup); usable {
				id := strings.Clone(o.ID)
				byID[id] = append(byID[id], version{e.n, parseTime(o.Modified)})
			}
		}
	}
	skip, resolved = map[uint32]bool{}, map[uint64]int{}
	for id, vs := range byID {
		latest := vs[0].mod
		for _, v := range vs[1:] {
			if v.mod.After(latest) {
				latest = v.mod
			}
		}
		for _, v := range vs {
			if v.mod.Equal(latest) {
				resolved[maphash.String(seed, id)]++
			} else {
				skip[v.n] = true
			}
		}
	}
	return skip, resolved, true, nil
}

// repeated returns the hashes that occur more than once in lists (0s
// aside), or with acrossLast only those that occur in the last list and
// another one. A bit per 32 hashes' worth of bits, set by each hash's top
// bits, finds those that may repeat in one pass without sorting a million
// of them (0.1 s); only those whose bit was set twice are then compared.
func repeated(lists [][]uint64, acrossLast bool) map[uint64]bool {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	logBits := max(10, bits.Len(uint(n)*32))
	shift := 64 - logBits
	seen := make([]uint64, 1<<logBits/64)
	twice := make([]uint64, len(seen))
	for _, l := range lists {
		for _, h := range l {
			if h == 0 {
				continue
			}
			b := h >> shift
			if seen[b>>6]&(1<<(b&63)) != 0 {
				twice[b>>6] |= 1 << (b & 63)
			}
			seen[b>>6] |= 1 << (b & 63)
		}
	}
	type hit struct {
		h    uint64
		list int
	}
	var maybe []hit
	for k, l := range lists {
		for _, h := range l {
			if b := h >> shift; h != 0 && twice[b>>6]&(1<<(b&63)) != 0 {
				maybe = append(maybe, hit{h, k})
			}
		}
	}
	slices.SortFunc(maybe, func(a, b hit) int { return cmp.Compare(a.h, b.h) })
	rep := map[uint64]bool{}
	for i := 0; i < len(maybe); {
		j, lastToo, other := i, false, false
		for ; j < len(maybe) && maybe[j].h == maybe[i].h; j++ {
			if maybe[j].list == len(lists)-1 {
				lastToo = true
			} else {
				other = true
			}
		}
		if j-i > 1 && (!acrossLast || lastToo && other) {
			rep[maybe[i].h] = true
		}
		i = j
	}
	return rep
}

// unresolvedRepeats reports whether a hash repeats in h other than as many
// times as resolved says (resolveVersions).
func unresolvedRepeats(h []uint64, resolved map[uint64]int) bool {
	slices.Sort(h)
	for i := 0; i < len(h); {
		j := i + 1
		for j < len(h) && h[j] == h[i] {
			j++
		}
		if j-i > 1 && resolved[h[i]] != j-i {
			return true
		}
		i = j
	}
	return false
}
