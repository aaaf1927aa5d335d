package sweep_test

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

var (
	tlds    = []string{"com", "net", "org", "info", "ru", "cn", "biz", "xyz", "top", "co.uk", "com.au"}
	sources = []string{"feed-0", "feed-1", "feed-2", "feed-3", "feed-4", "feed-5", "feed-6", "feed-7"}
	actors  = func() [][]string {
		out := make([][]string, 20)
		for i := range out {
			out[i] = []string{fmt.Sprintf("intrusion-set--%08x-0000-4000-8000-000000000000", i)}
		}
		return out
	}()
)

func randLabel(r *rand.Rand, min, max int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, min+r.IntN(max-min+1))
	for i := range b {
		b[i] = letters[r.IntN(26)] // letters only: digits would make some all-numeric
	}
	b[len(b)-1] = letters[r.IntN(len(letters))] // but let the last one vary
	return string(b)
}

func randDomain(r *rand.Rand) string {
	d := randLabel(r, 5, 12) + "." + tlds[r.IntN(len(tlds))]
	if r.IntN(3) == 0 {
		d = randLabel(r, 2, 6) + "." + d
	}
	return d
}

func randIPv4(r *rand.Rand) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], r.Uint32())
	return netip.AddrFrom4(b)
}

// genIndicators makes n indicators the way a large feed would: 60% IPv4,
// 5% CIDR, 30% domains, 5% SHA-256, deterministic for a given seed.
func genIndicators(n int, seed uint64) []intel.Indicator {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	inds := make([]intel.Indicator, n)
	var sum [32]byte
	for i := range inds {
		ind := &inds[i]
		ind.ID = fmt.Sprintf("indicator--%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.Uint32()&0xffff,
			r.Uint32()&0xfff, r.Uint32()&0xfff, r.Uint64()&0xffffffffffff)
		ind.Source = sources[i%len(sources)]
		ind.TLP = "amber"
		ind.Confidence = 50
		ind.Indicates = actors[r.IntN(len(actors))]
		switch k := i % 20; {
		case k < 12:
			ind.Type, ind.Value = intel.IPv4, randIPv4(r).String()
		case k < 13:
			p, _ := randIPv4(r).Prefix(20 + r.IntN(11)) // /20 to /30
			ind.Type, ind.Value = intel.CIDR, p.String()
		case k < 19:
			ind.Type, ind.Value = intel.Domain, randDomain(r)
		default:
			for j := range sum {
				sum[j] = byte(r.Uint32())
			}
			ind.Type, ind.Value = intel.SHA256, hex.EncodeToString(sum[:])
		}
	}
	return inds
}

// genEvents makes realistic events (flow, dns, http, tls, fileinfo); about
// hitPercent of them carry a value taken from inds.
func genEvents(n int, inds []intel.Indicator, hitPercent int, seed uint64) []telemetry.Event {
	r := rand.New(rand.NewPCG(seed, 0xe7e7))
	evs := make([]telemetry.Event, n)
	private := netip.MustParseAddr("10.0.0.0").As4()
	for i := range evs {
		ev := &evs[i]
		p := private
		p[2], p[3] = byte(r.IntN(256)), byte(r.IntN(256))
		ev.SrcIP, ev.DstIP = netip.AddrFrom4(p), randIPv4(r)
		ev.SrcPort, ev.DstPort = uint16(1024+r.IntN(60000)), 443
		ev.Time = time.Unix(1443225600+int64(i), 0)
		switch k := r.IntN(20); {
		case k < 7:
			ev.Kind = "flow"
		case k < 12:
			ev.Kind, ev.Domain = "dns", randDomain(r)
			ev.Extra = []telemetry.Observable{
				{Field: "dns.answers", Type: telemetry.TypeIP, Value: randIPv4(r).String()},
				{Field: "dns.answers", Type: telemetry.TypeIP, Value: randIPv4(r).String()},
			}
		case k < 16:
			ev.Kind, ev.Domain = "http", randDomain(r)
			ev.URL = "http://" + ev.Domain + "/" + randLabel(r, 3, 10) + "/" + randLabel(r, 3, 10) + ".php?id=" + randLabel(r, 4, 8)
		case k < 18:
			ev.Kind, ev.Domain = "tls", randDomain(r)
			var b [16]byte
			for j := range b {
				b[j] = byte(r.Uint32())
			}
			ev.JA3 = hex.EncodeToString(b[:])
		default:
			ev.Kind = "fileinfo"
			var b [32]byte
			for j := range b {
				b[j] = byte(r.Uint32())
			}
			ev.SHA256, ev.MD5 = hex.EncodeToString(b[:]), hex.EncodeToString(b[:16])
		}
		if r.IntN(100) < hitPercent {
			ind := &inds[r.IntN(len(inds))]
			switch ind.Type {
			case intel.IPv4:
				ev.DstIP = netip.MustParseAddr(ind.Value)
			case intel.CIDR:
				ev.DstIP = netip.MustParsePrefix(ind.Value).Addr()
			case intel.Domain:
				ev.Domain = "www." + ind.Value
			case intel.SHA256:
				ev.SHA256 = ind.Value
			}
		}
	}
	return evs
}

func heapAlloc() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

var sinkSet *sweep.Set

// BenchmarkCompile reports compile time and the heap the Set keeps per
// indicator: index-B/ind is what the Set adds on top of its input (whose
// ID and value strings it shares); kept-B/ind is everything still live
// once the input slice itself is dropped.
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			inds := genIndicators(n, 1)
			sinkSet = nil
			base := heapAlloc()
			b.ReportAllocs()
			start := time.Now()
			iters := 0
			for b.Loop() {
				sinkSet = nil
				s, err := sweep.Compile(inds)
				if err != nil || s.Len() != n {
					b.Fatalf("Compile = %d indicators, %v; want %d", s.Len(), err, n)
				}
				sinkSet = s
				iters++
			}
			elapsed := time.Since(start)
			b.StopTimer()
			withSet := heapAlloc()
			runtime.KeepAlive(inds)
			inds = nil
			kept := heapAlloc()
			b.ReportMetric(elapsed.Seconds()/float64(iters), "compile-s")
			b.ReportMetric((float64(withSet)-float64(base))/float64(n), "index-B/ind")
			b.ReportMetric(float64(kept)/float64(n), "kept-B/ind")
		})
	}
}

// BenchmarkMatch matches realistic events, 1% of which carry an indicator,
// against a million indicators.
func BenchmarkMatch(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			inds := genIndicators(n, 1)
			set, err := sweep.Compile(inds)
			if err != nil {
				b.Fatal(err)
			}
			evs := genEvents(1<<14, inds, 1, 2)
			dst := make([]sweep.Match, 0, 64)
			matches, events := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				for i := range evs {
					dst = set.Match(&evs[i], dst[:0])
					matches += len(dst)
				}
				events += len(evs)
			}
			if matches == 0 {
				b.Fatal("no event matched; the generator is broken")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
			b.ReportMetric(float64(matches)/float64(events), "matches/event")
			b.ReportMetric(0, "ns/op")
		})
	}
}
