package sweep

import (
	"github.com/pactwatch/pactwatch/internal/intel"
)

// Builder compiles a Set from indicators added one at a time, so a large
// feed can be indexed as it is read, without a slice of intel.Indicator
// (about 200 bytes each) for all of it first. The zero Builder is not
// usable; call NewBuilder.
type Builder struct {
	b *builder
	n int // indicators offered, for RejectError.Index
}

// NewBuilder returns a Builder. hint, the expected number of indicators
// (0 if unknown), presizes the indexes in the proportions of a typical
// large feed.
func NewBuilder(hint int) *Builder {
	var counts [len(typeOrder)]int
	counts[0] = hint * 6 / 10 // IPv4
	counts[2] = hint / 20     // CIDR
	counts[3] = hint * 3 / 10 // domains
	counts[7] = hint / 20     // SHA-256
	return &Builder{b: newBuilder(counts)}
}

// Add adds ind as Compile would (an invalid one is recorded as rejected)
// and reports whether it was added. It shares ind's strings and copies the
// rest, so ind may be reused for the next call.
func (b *Builder) Add(ind *intel.Indicator) bool {
	b.n++
	return b.b.addIndicator(b.n-1, ind, false)
}

// AddDerived adds an indicator whose ID is intel.IndicatorID(Type, Value),
// as an IOC list's are: ind.ID is ignored, the set derives the ID when
// asked for it instead of storing it, and a value the set already holds
// with the same shared fields (type, source, TLP, confidence, indicates) is
// dropped as a duplicate, as ioclist.Read drops a value seen before. It
// reports whether ind was added.
func (b *Builder) AddDerived(ind *intel.Indicator) bool {
	b.n++
	return b.b.addIndicator(b.n-1, ind, true)
}

// Set builds the indexes and returns the Set. The Builder must not be used
// afterwards.
func (b *Builder) Set() *Set {
	s := b.b.finish()
	b.b = nil
	return s
}
