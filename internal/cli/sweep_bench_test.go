package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
)

// BenchmarkLoadSweepSet compiles the IOC list named by SWEEP_BENCH_IOCS
// (bench/sweep.sh makes them; skipped without) as 'pactwatch sweep' does,
// with -j 1 and 2: the whole load, from reading the file to the Set.
func BenchmarkLoadSweepSet(b *testing.B) {
	iocs := os.Getenv("SWEEP_BENCH_IOCS")
	if iocs == "" {
		b.Skip("SWEEP_BENCH_IOCS names an IOC list (bench/sweep.sh makes them)")
	}
	for _, jobs := range []int{1, 2} {
		b.Run(fmt.Sprintf("j%d", jobs), func(b *testing.B) {
			n := 0
			for b.Loop() {
				set, _, err := loadSweepSet(context.Background(), io.Discard, []string{iocs}, jobs)
				if err != nil {
					b.Fatal(err)
				}
				n = set.Len()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(n), "indicators")
		})
	}
}
