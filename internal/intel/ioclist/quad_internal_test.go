package ioclist

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// TestGather checks gather on every pattern of high bits.
func TestGather(t *testing.T) {
	for x := range 256 {
		var m uint64
		for i := range 8 {
			if x>>i&1 != 0 {
				m |= 0x80 << (8 * i)
			}
		}
		if g := gather(m); g != uint(x) {
			t.Fatalf("gather(%#x) = %#x, want %#x", m, g, x)
		}
	}
}

// quadCases returns n random lines: addresses, prefixes, addresses with
// parts too long or too large, and noise of the bytes that matter.
func quadCases(r *rand.Rand, n int) string {
	var sb strings.Builder
	alpha := "0123456789./\n\rax"
	for range n {
		switch r.IntN(4) {
		case 0, 1:
			fmt.Fprintf(&sb, "%d.%d.%d.%d", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256))
			if r.IntN(3) == 0 {
				fmt.Fprintf(&sb, "/%d", r.IntN(34))
			}
		case 2:
			fmt.Fprintf(&sb, "%d.%d.%d.%d", r.IntN(1100), r.IntN(300), r.IntN(300), r.IntN(300))
		default:
			for range r.IntN(20) {
				sb.WriteByte(alpha[r.IntN(len(alpha))])
			}
		}
		if r.IntN(5) == 0 {
			sb.WriteByte(alpha[r.IntN(len(alpha))])
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// TestQuadAt checks quadAt against quadAtBytes at every offset of random
// lines of addresses, prefixes, near misses and noise, as fastScan takes
// them: where the line ends after the quad.
func TestQuadAt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	text := quadCases(r, 300000)
	for pos := range len(text) {
		k, a, n, e, ok := quadAtBytes(text, pos)
		k2, a2, n2, e2, ok2 := quadAt(text, pos)
		if ok { // what fastScan takes: a line that is the address
			_, ok = lineEnd(text, e)
		}
		if ok2 {
			_, ok2 = lineEnd(text, e2)
		}
		if ok != ok2 || ok && (k != k2 || a != a2 || n != n2 || e != e2) {
			t.Fatalf("at %d %q: %v %v %v %v %v, swar %v %v %v %v %v", pos, text[pos:min(pos+20, len(text))], k, a, n, e, ok, k2, a2, n2, e2, ok2)
		}
	}
}

func benchQuad(b *testing.B, f func(string, int) (Kind, uint32, uint8, int, bool)) {
	r := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	for range 1 << 16 {
		fmt.Fprintf(&sb, "%d.%d.%d.%d\n", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256))
	}
	text := sb.String()
	var starts []int
	for i := 0; i < len(text); {
		starts = append(starts, i)
		i += strings.IndexByte(text[i:], '\n') + 1
	}
	b.ResetTimer()
	var sum uint32
	for i := 0; i < b.N; i++ {
		_, a, _, _, _ := f(text, starts[i&(len(starts)-1)])
		sum += a
	}
	_ = sum
}

func BenchmarkQuadAt(b *testing.B)      { benchQuad(b, quadAt) }
func BenchmarkQuadAtBytes(b *testing.B) { benchQuad(b, quadAtBytes) }

// BenchmarkScanValuesFile reads the list IOCLIST_BENCH names (such as
// bench/sweep.sh makes) on one goroutine.
func BenchmarkScanValuesFile(b *testing.B) {
	name := os.Getenv("IOCLIST_BENCH")
	if name == "" {
		b.Skip("IOCLIST_BENCH names an IOC list")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n = 0
		if _, err := ScanValues(context.Background(), data, name, 1, func(_ int, v *Value) { n += max(len(v.Run), 1) }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/value")
}

// refLastLineMark is lastLineMark a byte at a time.
func refLastLineMark(b []byte) int {
	for s := len(b) - 1; s >= 1; s-- {
		if b[s-1] == '\n' && maySection[b[s]] {
			return s
		}
	}
	return 0
}

// withoutAVX2 returns f() with the AVX2 paths off.
func withoutAVX2(f func() int) int {
	saved := hasAVX2
	hasAVX2 = false
	defer func() { hasAVX2 = saved }()
	return f()
}

// TestLastLineMark checks lastLineMark against a byte-at-a-time walk on
// every prefix of random texts, marks sparse and dense, so that they fall
// at every place of the 32-byte blocks and at their edges.
func TestLastLineMark(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	common := "0123456789.abcdefxyz-\n"
	marks := " \t\v\f\r#/\n\x85\xc2\xa0\x7f\x08\x0e\x1f\x21\x2e\x30"
	for _, density := range []int{0, 2, 20, 300} {
		for range 40 {
			b := make([]byte, 64+r.IntN(300))
			for i := range b {
				if density > 0 && r.IntN(density) == 0 {
					b[i] = marks[r.IntN(len(marks))]
				} else {
					b[i] = common[r.IntN(len(common))]
				}
			}
			for n := range len(b) + 1 {
				want := refLastLineMark(b[:n])
				if got := lastLineMark(b[:n]); got != want {
					t.Fatalf("lastLineMark(%q) = %d, want %d", b[:n], got, want)
				}
				if got := withoutAVX2(func() int { return lastLineMark(b[:n]) }); got != want {
					t.Fatalf("lastLineMark(%q) without AVX2 = %d, want %d", b[:n], got, want)
				}
			}
		}
	}
}

// TestSectionBeforeLong compares sectionBefore with the line-by-line
// reference on long lists with a few section, blank and indented lines.
func TestSectionBeforeLong(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	rare := []string{"# sec", "", " ", "// two", "\u00a0", " 1.2.3.4", "\t#t", "#", "/x", "1.2.3.4 # not a section"}
	var sb strings.Builder
	for range 300 {
		sb.Reset()
		for range r.IntN(400) {
			if r.IntN(50) == 0 {
				sb.WriteString(rare[r.IntN(len(rare))])
			} else {
				fmt.Fprintf(&sb, "%d.%d.%d.%d", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256))
			}
			if r.IntN(30) > 0 {
				sb.WriteByte('\n')
			}
		}
		text := sb.String()
		for _, cut := range []int{len(text), len(text) / 2, len(text) / 3} {
			if got, want := sectionBefore(text[:cut]), refSectionBefore(text[:cut]); got != want {
				t.Fatalf("sectionBefore(%q) = %q, want %q", text[:cut], got, want)
			}
		}
	}
}
