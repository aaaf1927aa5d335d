package sweep_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
	"github.com/pactwatch/pactwatch/internal/sweep"
)

// fileBench reads the IOC list and log that bench/sweep.sh generates,
// named by SWEEP_BENCH_IOCS and SWEEP_BENCH_LOG; the benchmarks using it
// skip without them (the files are hundreds of MB, not testdata).
func fileBench(b *testing.B) (*sweep.Set, [][]byte) {
	b.Helper()
	iocs, logName := os.Getenv("SWEEP_BENCH_IOCS"), os.Getenv("SWEEP_BENCH_LOG")
	if iocs == "" || logName == "" {
		b.Skip("SWEEP_BENCH_IOCS and SWEEP_BENCH_LOG name an IOC list and a log (bench/sweep.sh makes them)")
	}
	data, err := os.ReadFile(iocs)
	if err != nil {
		b.Fatal(err)
	}
	bl := sweep.NewBuilder(0)
	ind := intel.Indicator{Source: "bench"}
	if _, err := ioclist.Scan(context.Background(), data, iocs, func(t intel.Type, value, name string) {
		ind.Type, ind.Value, ind.Name = t, value, name
		bl.AddDerived(&ind)
	}); err != nil {
		b.Fatal(err)
	}
	log, err := os.ReadFile(logName)
	if err != nil {
		b.Fatal(err)
	}
	return bl.Set(), bytes.Split(bytes.TrimSuffix(log, []byte("\n")), []byte("\n"))
}

// BenchmarkMayMatchFile runs the prefilter over every line of a real-size
// log on one goroutine: the hot loop of a sweep.
func BenchmarkMayMatchFile(b *testing.B) {
	set, lines := fileBench(b)
	var n, want int
	for _, l := range lines {
		n += len(l) + 1
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		want = 0
		for _, l := range lines {
			if set.MayMatch(l) {
				want++
			}
		}
	}
	b.ReportMetric(float64(want), "lines-passed")
}
