// Command benchgen writes a deterministic sweep benchmark: N indicators
// (60% IPv4, 5% CIDR, 30% domains, 5% SHA-256) as an IOC list, a Suricata
// EVE log and a Zeek TSV dns.log of a given size with planted matches and
// near misses, and the truth: every (line, indicator) pair an exact sweep
// must report.
//
// Usage:
//
//	benchgen -indicators 1000000 -eve-mib 300 -zeek-mib 100 -out bench/out
//
// Files written to -out: iocs.txt, eve.json, eve.truth, dns.log,
// dns.truth, fixed.txt (one string for a plain single-pattern scan). A
// truth file has one "line<TAB>indicator" per line.
//
// Background traffic is disjoint from the indicators by construction:
// indicator addresses have a first octet of 1-126 (never 10), background
// public addresses 128-223 (never 172 or 192) or private ones; indicator
// domains end in common TLDs, background names in .test; hashes come from
// separate random streams. Planted values are indicator values, addresses
// inside indicator CIDRs and subdomains of indicator domains; near misses
// are strings a substring search finds but an exact sweep must not match
// ("x"+domain, domain+".test", an IP with an extra digit). The truth is
// computed by a naive matcher over every value of every event, so it does
// not rely on the construction.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"
)

var tlds = []string{"com", "net", "org", "info", "ru", "cn", "biz", "xyz", "top", "co.uk"}

type gen struct {
	r      *rand.Rand
	v4     []netip.Addr
	cidrs  []netip.Prefix
	doms   []string
	hashes []string

	v4set   map[netip.Addr]bool
	cidrset map[netip.Prefix]bool
	domset  map[string]bool
	hashset map[string]bool
}

func label(r *rand.Rand, lo, hi int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, lo+r.IntN(hi-lo+1))
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	return string(b)
}

func indicatorV4(r *rand.Rand) netip.Addr {
	for {
		a := 1 + r.IntN(126)
		if a == 10 {
			continue
		}
		return netip.AddrFrom4([4]byte{byte(a), byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))})
	}
}

func backgroundV4(r *rand.Rand) netip.Addr {
	switch r.IntN(3) {
	case 0:
		return netip.AddrFrom4([4]byte{10, byte(r.IntN(256)), byte(r.IntN(256)), byte(1 + r.IntN(254))})
	case 1:
		return netip.AddrFrom4([4]byte{192, 168, byte(r.IntN(256)), byte(1 + r.IntN(254))})
	}
	for {
		a := 128 + r.IntN(96)
		if a == 172 || a == 192 {
			continue
		}
		return netip.AddrFrom4([4]byte{byte(a), byte(r.IntN(256)), byte(r.IntN(256)), byte(1 + r.IntN(254))})
	}
}

func sha(r *rand.Rand) string {
	var b [32]byte
	for i := 0; i < 32; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return hex.EncodeToString(b[:])
}

func newGen(n int, seed uint64) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, 1)),
		v4set: map[netip.Addr]bool{}, cidrset: map[netip.Prefix]bool{}, domset: map[string]bool{}, hashset: map[string]bool{}}
	for i := range n {
		switch k := i % 20; {
		case k < 12:
			a := indicatorV4(g.r)
			g.v4 = append(g.v4, a)
			g.v4set[a] = true
		case k < 13:
			p, _ := indicatorV4(g.r).Prefix(20 + g.r.IntN(11))
			g.cidrs = append(g.cidrs, p)
			g.cidrset[p] = true
		case k < 19:
			d := label(g.r, 5, 12) + "." + tlds[g.r.IntN(len(tlds))]
			if g.r.IntN(4) == 0 {
				d = label(g.r, 2, 6) + "." + d
			}
			g.doms = append(g.doms, d)
			g.domset[d] = true
		default:
			h := sha(g.r)
			g.hashes = append(g.hashes, h)
			g.hashset[h] = true
		}
	}
	return g
}

// The naive matcher: exact semantics, independent of pactwatch.

func (g *gen) matchIP(a netip.Addr, out map[string]bool) {
	if g.v4set[a] {
		out[a.String()] = true
	}
	for bits := 20; bits <= 30; bits++ {
		if p, _ := a.Prefix(bits); g.cidrset[p] {
			out[p.String()] = true
		}
	}
}

func (g *gen) matchDomain(d string, out map[string]bool) {
	d = strings.ToLower(strings.TrimSuffix(d, "."))
	for {
		if g.domset[d] {
			out[d] = true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return
		}
		d = d[i+1:]
	}
}

func (g *gen) matchHash(h string, out map[string]bool) {
	if g.hashset[strings.ToLower(h)] {
		out[strings.ToLower(h)] = true
	}
}

// planted values and near misses

func (g *gen) plantIP() netip.Addr {
	if len(g.cidrs) > 0 && g.r.IntN(10) == 0 {
		p := g.cidrs[g.r.IntN(len(g.cidrs))]
		b := p.Addr().As4()
		host := g.r.Uint32() & (uint32(1)<<(32-p.Bits()) - 1)
		v := binary.BigEndian.Uint32(b[:]) | host
		binary.BigEndian.PutUint32(b[:], v)
		return netip.AddrFrom4(b)
	}
	return g.v4[g.r.IntN(len(g.v4))]
}

func (g *gen) plantDomain() string {
	d := g.doms[g.r.IntN(len(g.doms))]
	switch g.r.IntN(3) {
	case 0:
		return "www." + d
	case 1:
		return strings.ToUpper(d[:1]) + d[1:]
	}
	return d
}

// missDomain is a name containing an indicator domain as a substring.
func (g *gen) missDomain() string {
	d := g.doms[g.r.IntN(len(g.doms))]
	if g.r.IntN(2) == 0 {
		return "x" + d
	}
	return d + ".test"
}

// missIP is an address whose text contains an indicator address's text.
func (g *gen) missIP() (netip.Addr, bool) {
	a := g.v4[g.r.IntN(len(g.v4))].As4()
	if a[3] >= 26 {
		return netip.Addr{}, false
	}
	a[3] = a[3]*10 + byte(g.r.IntN(6)) // 1.2.3.4 -> 1.2.3.4x, still <= 255
	return netip.AddrFrom4(a), true
}

type event struct {
	src, dst netip.Addr
	domain   string // dns rrname, tls sni or http hostname
	sha256   string
}

func (g *gen) event(bg *rand.Rand) event {
	e := event{src: backgroundV4(bg), dst: backgroundV4(bg)}
	switch k := bg.IntN(100); {
	case k < 35:
	case k < 85:
		e.domain = label(bg, 3, 10) + "." + label(bg, 4, 10) + ".test"
	default:
		e.sha256 = sha(bg)
	}
	// Plant a match in 1 of 500 events and a near miss in 3 of 500.
	switch bg.IntN(500) {
	case 0:
		switch g.r.IntN(20) {
		case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12:
			if g.r.IntN(2) == 0 {
				e.src = g.plantIP()
			} else {
				e.dst = g.plantIP()
			}
		case 13, 14, 15, 16, 17, 18:
			e.domain, e.sha256 = g.plantDomain(), ""
		default:
			if len(g.hashes) > 0 {
				e.domain, e.sha256 = "", strings.ToUpper(g.hashes[g.r.IntN(len(g.hashes))])
			}
		}
	case 1, 2:
		e.domain, e.sha256 = g.missDomain(), ""
	case 3:
		if a, ok := g.missIP(); ok {
			e.dst = a
		}
	}
	return e
}

func (g *gen) truth(e event) map[string]bool {
	out := map[string]bool{}
	g.matchIP(e.src, out)
	g.matchIP(e.dst, out)
	if e.domain != "" {
		g.matchDomain(e.domain, out)
	}
	if e.sha256 != "" {
		g.matchHash(e.sha256, out)
	}
	return out
}

func writeTruth(w *bufio.Writer, line int, m map[string]bool) {
	for ind := range m {
		fmt.Fprintf(w, "%d\t%s\n", line, ind)
	}
}

func create(dir, name string) (*os.File, *bufio.Writer) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	return f, bufio.NewWriterSize(f, 1<<20)
}

func closeAll(f *os.File, w *bufio.Writer) {
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	n := flag.Int("indicators", 1_000_000, "number of indicators")
	eveMiB := flag.Int("eve-mib", 300, "size of eve.json in MiB")
	zeekMiB := flag.Int("zeek-mib", 100, "size of dns.log in MiB")
	out := flag.String("out", "bench/out", "output directory")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	log.SetFlags(0)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	g := newGen(*n, *seed)

	f, w := create(*out, "iocs.txt")
	// Written in generation order, types interleaved as a merged feed is.
	vi, ci, di, hi := 0, 0, 0, 0
	for i := range *n {
		switch k := i % 20; {
		case k < 12:
			fmt.Fprintln(w, g.v4[vi])
			vi++
		case k < 13:
			fmt.Fprintln(w, g.cidrs[ci])
			ci++
		case k < 19:
			fmt.Fprintln(w, g.doms[di])
			di++
		default:
			fmt.Fprintln(w, g.hashes[hi])
			hi++
		}
	}
	closeAll(f, w)

	bg := rand.New(rand.NewPCG(*seed, 2))
	t0 := time.Date(2015, 9, 26, 0, 0, 0, 0, time.UTC)
	fixed := ""

	// EVE
	f, w = create(*out, "eve.json")
	tf, tw := create(*out, "eve.truth")
	var size int64
	for line := 1; size < int64(*eveMiB)<<20; line++ {
		e := g.event(bg)
		ts := t0.Add(time.Duration(line) * 3 * time.Millisecond).Format("2006-01-02T15:04:05.000000-0700")
		flow := bg.Uint64() >> 12
		sp, dp := 1024+bg.IntN(60000), []int{53, 80, 443, 8080, 22, 25}[bg.IntN(6)]
		var s string
		head := fmt.Sprintf(`{"timestamp":"%s","flow_id":%d,"in_iface":"eth0","event_type":"%%s","src_ip":"%s","src_port":%d,"dest_ip":"%s","dest_port":%d,"proto":"%s"`,
			ts, flow, e.src, sp, e.dst, dp, []string{"TCP", "UDP"}[bg.IntN(2)])
		switch {
		case e.sha256 != "":
			s = fmt.Sprintf(head, "fileinfo") + fmt.Sprintf(`,"http":{"hostname":"cdn%d.static.test","url":"/files/%s.bin","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","http_content_type":"application/octet-stream","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":%d},"app_proto":"http","fileinfo":{"filename":"/files/%s.bin","magic":"PE32 executable","gaps":false,"state":"CLOSED","md5":"%s","sha256":"%s","stored":false,"size":%d,"tx_id":0}}`,
				bg.IntN(10), label(bg, 6, 10), bg.IntN(1<<20), label(bg, 4, 8), sha(bg)[:32], e.sha256, bg.IntN(1<<20))
		case e.domain != "":
			switch bg.IntN(3) {
			case 0:
				s = fmt.Sprintf(head, "dns") + fmt.Sprintf(`,"dns":{"type":"query","id":%d,"rrname":"%s","rrtype":"A","tx_id":0,"opcode":0}}`, bg.IntN(65536), e.domain)
			case 1:
				s = fmt.Sprintf(head, "tls") + fmt.Sprintf(`,"tls":{"subject":"CN=%s","issuerdn":"C=US, O=Let's Encrypt, CN=R3","serial":"04:%02X:9C:1D","fingerprint":"%s","sni":"%s","version":"TLS 1.2","notbefore":"2015-08-01T00:00:00","notafter":"2015-10-30T00:00:00","ja3":{"hash":"%s","string":"771,49195-49199-52393,0-23-65281-10-11,29-23-24,0"}}}`,
					label(bg, 4, 8)+".test", bg.IntN(256), fingerprint(bg), e.domain, sha(bg)[:32])
			default:
				s = fmt.Sprintf(head, "http") + fmt.Sprintf(`,"tx_id":0,"http":{"hostname":"%s","url":"/%s/index.php?id=%d","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36","http_content_type":"text/html","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":%d}}`,
					e.domain, label(bg, 3, 8), bg.IntN(100000), bg.IntN(100000))
			}
		default:
			s = fmt.Sprintf(head, "flow") + fmt.Sprintf(`,"app_proto":"failed","flow":{"pkts_toserver":%d,"pkts_toclient":%d,"bytes_toserver":%d,"bytes_toclient":%d,"start":"%s","end":"%s","age":%d,"state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}}`,
				bg.IntN(100), bg.IntN(100), bg.IntN(100000), bg.IntN(1000000), ts, ts, bg.IntN(120))
		}
		w.WriteString(s)
		w.WriteByte('\n')
		size += int64(len(s)) + 1
		m := g.truth(e)
		writeTruth(tw, line, m)
		if fixed == "" && e.domain != "" && len(m) > 0 {
			fixed = e.domain
		}
	}
	closeAll(f, w)
	closeAll(tf, tw)

	// Zeek TSV dns.log
	f, w = create(*out, "dns.log")
	tf, tw = create(*out, "dns.truth")
	hdr := "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t2015-09-26-00-00-00\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n" +
		"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n"
	w.WriteString(hdr)
	size = int64(len(hdr))
	lines := strings.Count(hdr, "\n")
	for size < int64(*zeekMiB)<<20 {
		e := g.event(bg)
		if e.domain == "" {
			e.domain = label(bg, 3, 10) + "." + label(bg, 4, 10) + ".test"
		}
		e.sha256 = ""
		ts := t0.Add(time.Duration(lines) * 3 * time.Millisecond)
		s := fmt.Sprintf("%d.%06d\tC%s\t%s\t%d\t%s\t53\tudp\t%d\t0.%06d\t%s\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t%s\t300.000000\tF\n",
			ts.Unix(), ts.Nanosecond()/1000, label(bg, 17, 17), e.src, 1024+bg.IntN(60000), e.dst, bg.IntN(65536), bg.IntN(1000000), e.domain, backgroundV4(bg))
		w.WriteString(s)
		size += int64(len(s))
		lines++
		writeTruth(tw, lines, g.truth(e))
	}
	w.WriteString("#close\t2015-09-27-00-00-00\n")
	closeAll(f, w)
	closeAll(tf, tw)

	if err := os.WriteFile(filepath.Join(*out, "fixed.txt"), []byte(fixed+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
}

func fingerprint(r *rand.Rand) string {
	h := sha(r)[:40]
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}
