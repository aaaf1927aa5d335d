package sweep

import (
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
)

// Builder compiles a Set from indicators added one at a time, so a large
// feed can be indexed as it is read, without a slice of intel.Indicator
// (about 200 bytes each) for all of it first. Shards let several
// goroutines add parts of a feed at once. The zero Builder is not usable;
// call NewBuilder.
type Builder struct {
	hint  int
	cur   *part   // indicators added directly, since the last shard
	parts []*part // in order
}

// NewBuilder returns a Builder. hint, the expected number of indicators
// (0 if unknown), presizes the indexes in the proportions of a typical
// large feed.
func NewBuilder(hint int) *Builder {
	return &Builder{hint: hint}
}

// hinted returns a part sized for about hint indicators, sharing text
// (see newPart).
func hinted(hint int, text []byte) *part {
	var counts [len(typeOrder)]int
	counts[0] = hint * 6 / 10 // IPv4
	counts[2] = hint / 20     // CIDR
	counts[3] = hint * 3 / 10 // domains
	counts[7] = hint / 20     // SHA-256
	return newPart(counts, text)
}

func (b *Builder) part() *part {
	if b.cur == nil {
		b.cur = hinted(b.hint, nil)
		b.hint = 0
	}
	return b.cur
}

// Add adds ind as Compile would (an invalid one is recorded as rejected)
// and reports whether it was added. It shares ind's ID and Indicates and
// copies the rest, so ind may be reused for the next call.
func (b *Builder) Add(ind *intel.Indicator) bool {
	return b.part().add(ind, false)
}

// AddDerived adds an indicator whose ID is intel.IndicatorID(Type, Value),
// as an IOC list's are: ind.ID is ignored, the set derives the ID when
// asked for it instead of storing it, and a value the set already holds
// with the same shared fields (type, source, TLP, confidence, indicates) is
// dropped as a duplicate when the Set is built, as ioclist.Read drops a
// value seen before. It reports whether ind was valid.
func (b *Builder) AddDerived(ind *intel.Indicator) bool {
	return b.part().add(ind, true)
}

// AddShard adds the indicators of sh after those added so far, in sh's
// order, as if they had been added to b one by one at this point (their
// RejectError.Index counts on from b's). sh must not be used afterwards.
func (b *Builder) AddShard(sh *Shard) {
	if b.cur != nil {
		b.parts = append(b.parts, b.cur)
		b.cur = nil
	}
	b.parts = append(b.parts, sh.p)
	sh.p = nil
}

// Set builds the indexes and returns the Set. The Builder must not be used
// afterwards.
func (b *Builder) Set() *Set {
	if b.cur != nil || len(b.parts) == 0 {
		b.parts = append(b.parts, b.part())
	}
	s := finish(b.parts)
	b.parts, b.cur = nil, nil
	return s
}

// Shard collects indicators on one goroutine for a Builder, so that parts
// of a large feed can be validated and indexed at the same time: each
// goroutine fills its own Shard, and Builder.AddShard then adds them in
// order, which is what makes the Set the same for any number of shards.
// A Shard is not safe for concurrent use.
type Shard struct {
	p *part
}

// NewShard returns a Shard with room for about hint indicators.
func NewShard(hint int) *Shard {
	return &Shard{p: hinted(hint, nil)}
}

// NewShardOver is NewShard for the values of text, an indicator list as
// ioclist.ScanValues reads it, whose canonical values are substrings of
// it: values that lie in text are kept where they are instead of copied
// (a list's text is about as large as its values). The Set then refers to
// text, which must not be modified afterwards.
func NewShardOver(hint int, text []byte) *Shard {
	return &Shard{p: hinted(hint, text)}
}

// Add is Builder.Add for the shard.
func (sh *Shard) Add(ind *intel.Indicator) bool { return sh.p.add(ind, false) }

// AddDerived is Builder.AddDerived for the shard; duplicates across
// shards are dropped too.
func (sh *Shard) AddDerived(ind *intel.Indicator) bool { return sh.p.add(ind, true) }

// AddCanonical is AddDerived for an indicator whose value is known to be
// canonical, what intel.Normalise(ind.Type, ind.Value) returns unchanged
// (as ioclist.ScanValues reports): the value is indexed without checking
// that again. A value that is not canonical would be indexed as it is,
// and never match.
func (sh *Shard) AddCanonical(ind *intel.Indicator) bool { return sh.p.addValue(ind, true, true) }

// AddRun adds an indicator for each value of run, a run of canonical
// values that ioclist.ScanValues read in text, in order, with ind's other
// fields (ind.Type and ind.Value are ignored), as AddCanonical would each:
// the most common indicators of large feeds take this path. The values
// are not copied, formatted or parsed again: the Shard must have been
// made by NewShardOver with text. It returns the number added.
func (sh *Shard) AddRun(ind *intel.Indicator, text []byte, run []ioclist.Item) int {
	return sh.p.addRun(ind, text, run)
}
