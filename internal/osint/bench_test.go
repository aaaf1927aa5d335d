package osint_test

import (
	"testing"

	"github.com/pactwatch/pactwatch/internal/osint"
)

// BenchmarkExtractSeeds measures extraction over the five seed articles.
func BenchmarkExtractSeeds(b *testing.B) {
	arts := seedArticles(b)
	x := osint.NewExtractor(testActors(), builtinAgreements())
	for b.Loop() {
		for _, a := range arts {
			x.Extract(a)
		}
	}
	b.ReportMetric(float64(len(arts)*b.N)/b.Elapsed().Seconds(), "articles/s")
}
