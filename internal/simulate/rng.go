package simulate

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"
)

// rng wraps the one PCG source every random choice of a run comes from.
type rng struct{ r *rand.Rand }

func newRNG(seed uint64) *rng {
	return &rng{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *rng) intn(n int) int { return g.r.IntN(n) }

// between returns a uniform integer in [lo, hi].
func (g *rng) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g *rng) between64(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

func (g *rng) chance(p float64) bool { return g.r.Float64() < p }

// port returns an ephemeral client port.
func (g *rng) port() uint16 { return uint16(49152 + g.r.IntN(16384)) }

// flowID returns a Suricata-like flow id (a positive 51-bit number).
func (g *rng) flowID() int64 { return 1<<40 + g.r.Int64N(1<<51-1<<40) }

// dur returns a duration in [lo, hi] with microsecond resolution.
func (g *rng) dur(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.r.Int64N(int64(hi-lo)/1000+1))*time.Microsecond
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// zeekID returns a Zeek connection uid ("C...") or file id ("F...").
func (g *rng) zeekID(prefix byte) string {
	b := make([]byte, 18)
	b[0] = prefix
	for i := 1; i < len(b); i++ {
		b[i] = base62[g.r.IntN(len(base62))]
	}
	return string(b)
}

func pick[T any](g *rng, xs []T) T { return xs[g.r.IntN(len(xs))] }

// at returns the UTC instant of day at hour h plus a random offset of up
// to span, truncated to microseconds.
func (g *rng) at(day time.Time, h float64, span time.Duration) time.Time {
	t := day.Add(time.Duration(h * float64(time.Hour)))
	return t.Add(g.dur(0, span)).Truncate(time.Microsecond)
}

// nsPactwatch is the UUIDv5 namespace of ids the simulator derives.
var nsPactwatch = [16]byte{0x6f, 0x1c, 0x2a, 0x57, 0x0e, 0x3b, 0x4d, 0x8e, 0x9a, 0x41, 0x7c, 0x55, 0x21, 0x0d, 0xb3, 0x64}

// uuid5 derives a version-5 UUID from name in the simulator's namespace.
func uuid5(name string) string {
	h := sha1.New()
	h.Write(nsPactwatch[:])
	h.Write([]byte(name))
	s := h.Sum(nil)
	s[6] = s[6]&0x0f | 0x50
	s[8] = s[8]&0x3f | 0x80
	x := hex.EncodeToString(s[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// stixID derives a stable STIX identifier for an object of type typ.
func stixID(typ, name string) string { return typ + "--" + uuid5(typ+"/"+name) }

// digests are the hashes of one (imagined) file.
type digests struct{ MD5, SHA1, SHA256 string }

// fakeDigests returns consistent MD5, SHA-1 and SHA-256 values standing for
// a file's content: the hashes of the label that names it.
func fakeDigests(label string) digests {
	m := md5.Sum([]byte(label))
	s1 := sha1.Sum([]byte(label))
	s2 := sha256.Sum256([]byte(label))
	return digests{hex.EncodeToString(m[:]), hex.EncodeToString(s1[:]), hex.EncodeToString(s2[:])}
}

// colonHex renders b as lower-case hex pairs joined by colons (certificate
// fingerprints and serials as Suricata prints them).
func colonHex(b []byte, upper bool) string {
	const lo, up = "0123456789abcdef", "0123456789ABCDEF"
	digits := lo
	if upper {
		digits = up
	}
	out := make([]byte, 0, len(b)*3)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// addrIn returns the host with index i in prefix p.
func addrIn(p netip.Prefix, i int) netip.Addr {
	a := p.Masked().Addr().As4()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n += uint32(i)
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// siteAddr maps a benign internet name to a stable address in 198.19.0.0/17
// (RFC 2544 benchmarking space standing in for the internet).
func siteAddr(name string) netip.Addr {
	s := sha256.Sum256([]byte("site/" + name))
	return netip.AddrFrom4([4]byte{198, 19, s[0] & 0x7f, 1 + s[1]%253})
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func sizeLabel(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
