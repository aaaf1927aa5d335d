package sqlite_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/store"
	"github.com/pactwatch/pactwatch/internal/store/sqlite"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// indicators makes n distinct indicators shaped like an IOC list: a mix of
// addresses, domains and hashes from one source.
func indicators(n int) []intel.Indicator {
	out := make([]intel.Indicator, n)
	from := time.Date(2015, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		var (
			t intel.Type
			v string
		)
		switch i % 3 {
		case 0:
			t, v = intel.IPv4, netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String()
		case 1:
			t, v = intel.Domain, fmt.Sprintf("host%d.evil.example", i)
		default:
			t, v = intel.SHA256, fmt.Sprintf("%064x", i)
		}
		out[i] = intel.Indicator{
			// IOC lists get derived UUIDv5 ids: spread over the key space.
			ID: fmt.Sprintf("indicator--%016x-5000-8000-000000000000", uint64(i)*0x9e3779b97f4a7c15), Type: t, Value: v,
			ValidFrom: from, Confidence: 50, TLP: "green", Source: "feed.txt", Indicates: []string{"Deep Panda"},
		}
	}
	return out
}

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine it says more about cost than the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func openBench(b *testing.B) *sqlite.Store {
	b.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func benchImport(b *testing.B, n int) {
	c := &intel.Collection{Indicators: indicators(n)}
	ctx := context.Background()
	var fresh, again, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s := openBench(b)
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		st, err := s.ImportIntel(ctx, c)
		fresh += time.Since(start)
		cpu += cpuTime() - cpu0
		if err != nil || st.Indicators != n {
			b.Fatalf("ImportIntel = %+v, %v; want %d new indicators", st, err, n)
		}
		b.StopTimer()
		start = time.Now()
		if st, err := s.ImportIntel(ctx, c); err != nil || st.Indicators != 0 {
			b.Fatalf("re-import = %+v, %v; want 0 new", st, err)
		}
		again += time.Since(start)
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/fresh.Seconds(), "inserts/s")
	b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "inserts/cpu-s")
	b.ReportMetric(float64(n*b.N)/again.Seconds(), "reimports/s")
}

// BenchmarkImportIndicators imports 100,000 indicators into a new database
// in one call and reports rows per second, for a fresh import and for
// importing the same list again (every row an update).
func BenchmarkImportIndicators(b *testing.B) { benchImport(b, 100_000) }

// BenchmarkImportIndicators1M is the 1,000,000-indicator import; it takes
// about ten seconds per run, so it runs only with PACTWATCH_BENCH_1M=1.
func BenchmarkImportIndicators1M(b *testing.B) {
	if os.Getenv("PACTWATCH_BENCH_1M") == "" {
		b.Skip("set PACTWATCH_BENCH_1M=1 to import 1,000,000 indicators")
	}
	benchImport(b, 1_000_000)
}

// BenchmarkCommitBatch commits batches of 1,000 hits, each with two
// matches, plus the checkpoint, and reports hits per second.
func BenchmarkCommitBatch(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	const per = 1000
	base := time.Date(2015, 9, 26, 0, 0, 0, 0, time.UTC)
	batch := 0
	cpu0 := cpuTime()
	for b.Loop() {
		hits := make([]intrusion.Hit, per)
		for i := range hits {
			off := int64(batch*per+i) * 300
			hits[i] = intrusion.Hit{
				OrgID: "acme-pharma",
				Event: telemetry.Event{
					Time: base.Add(time.Duration(off) * time.Millisecond), Format: "eve", Kind: "dns",
					SrcIP: netip.MustParseAddr("203.0.113.5"), DstIP: netip.MustParseAddr("192.0.2.10"),
					SrcPort: 53000, DstPort: 53, Proto: "UDP", Domain: "evil.example",
					Source: telemetry.Source{File: "eve.json", Line: off/300 + 1, Offset: off, Length: 299},
				},
				Matches: []intrusion.Match{
					{Field: "dst_ip", Value: "192.0.2.10", IndicatorID: "indicator--1", Type: "ipv4", Indicator: "192.0.2.10"},
					{Field: "domain", Value: "evil.example", IndicatorID: "indicator--2", Type: "domain", Indicator: "evil.example"},
				},
			}
		}
		batch++
		cp := store.Checkpoint{Key: "eve.json", File: "eve.json", Offset: int64(batch*per) * 300, Line: int64(batch * per)}
		if err := s.CommitBatch(ctx, store.Batch{Checkpoint: cp, Hits: hits}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(per*b.N)/b.Elapsed().Seconds(), "hits/s")
	b.ReportMetric(float64(per*b.N)/(cpuTime()-cpu0).Seconds(), "hits/cpu-s")
}
