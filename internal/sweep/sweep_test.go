package sweep_test

import (
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

const (
	md5Upper  = "D41D8CD98F00B204E9800998ECF8427E"
	md5Lower  = "d41d8cd98f00b204e9800998ecf8427e"
	sha1Hex   = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	sha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	ja3Hex    = "e7d705a3286e19ea42f587b344ee6865"
)

// fixture is the indicator list of the semantic tests; the comment gives
// each one's number in the compiled Set (input 14 is rejected).
func fixture() []intel.Indicator {
	return []intel.Indicator{
		{ID: "indicator--ip-a", Type: intel.IPv4, Value: "198.51.100.7", Source: "feed-a"},                      // 0
		{ID: "indicator--ip-b", Type: intel.IPv4, Value: "198.51.100.7", Source: "feed-b"},                      // 1: shares 0's value
		{ID: "indicator--ip6", Type: intel.IPv6, Value: "2001:db8::1", Source: "feed-a"},                        // 2
		{ID: "indicator--net24", Type: intel.CIDR, Value: "203.0.113.0/24", Source: "feed-a"},                   // 3
		{ID: "indicator--net25", Type: intel.CIDR, Value: "203.0.113.128/25", Source: "feed-a"},                 // 4: inside 3
		{ID: "indicator--net6", Type: intel.CIDR, Value: "2001:db8:ff::/48", Source: "feed-a"},                  // 5
		{ID: "indicator--evil", Type: intel.Domain, Value: "evil.com", Source: "feed-a"},                        // 6
		{ID: "indicator--sub", Type: intel.Domain, Value: "sub.evil.com", Source: "feed-a"},                     // 7: under 6
		{ID: "indicator--url", Type: intel.URL, Value: "http://bad.example.org/payload.exe", Source: "x"},       // 8
		{ID: "indicator--md5", Type: intel.MD5, Value: md5Upper, Source: "feed-a"},                              // 9: upper case in
		{ID: "indicator--sha1", Type: intel.SHA1, Value: sha1Hex, Source: "feed-a"},                             // 10
		{ID: "indicator--sha256", Type: intel.SHA256, Value: sha256Hex, Source: "feed-a"},                       // 11
		{ID: "indicator--ja3", Type: intel.JA3, Value: ja3Hex, Source: "feed-a"},                                // 12
		{ID: "indicator--mail", Type: intel.Email, Value: "attacker@phish.example", Source: "feed-a"},           // 13
		{ID: "indicator--bad", Type: intel.IPv4, Value: "999.1.1.1", Source: "feed-a"},                          // rejected
		{ID: "indicator--evil-c", Type: intel.Domain, Value: "evil.com", Source: "feed-c"},                      // 14: shares 6's value
		{ID: "indicator--defanged", Type: intel.IPv4, Value: "192.0.2[.]55", Source: "feed-c"},                  // 15
		{ID: "indicator--mapped-net", Type: intel.CIDR, Value: "::ffff:100.64.0.0/106", Source: "feed-c"},       // 16: 100.64.0.0/10
		{ID: "indicator--host-ip6", Type: intel.CIDR, Value: "2001:db8:ff:1::/64", Source: "feed-c"},            // 17: inside 5
		{ID: "indicator--bad-type", Type: intel.Type("yara"), Value: "rule x { condition: true }", Source: "x"}, // rejected
	}
}

func mustCompile(t testing.TB, inds []intel.Indicator) *sweep.Set {
	t.Helper()
	s, err := sweep.Compile(inds)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestMatchSemantics(t *testing.T) {
	set := mustCompile(t, fixture())
	m := func(field, value string, inds ...int32) []sweep.Match {
		var out []sweep.Match
		for _, i := range inds {
			out = append(out, sweep.Match{Field: field, Value: value, Indicator: i})
		}
		return out
	}
	tests := []struct {
		name string
		ev   telemetry.Event
		want []sweep.Match
	}{
		{"ipv4 exact, shared value", telemetry.Event{SrcIP: addr("198.51.100.7")}, m("src_ip", "198.51.100.7", 0, 1)},
		{"ipv4 neighbour", telemetry.Event{SrcIP: addr("198.51.100.8")}, nil},
		{"ipv4-mapped ipv6 event", telemetry.Event{DstIP: addr("::ffff:198.51.100.7")}, m("dst_ip", "::ffff:198.51.100.7", 0, 1)},
		{"defanged indicator", telemetry.Event{DstIP: addr("192.0.2.55")}, m("dst_ip", "192.0.2.55", 15)},
		{"ipv6 exact", telemetry.Event{DstIP: addr("2001:db8::1")}, m("dst_ip", "2001:db8::1", 2)},
		{"ipv6 zone ignored", telemetry.Event{DstIP: addr("2001:db8::1%eth0")}, m("dst_ip", "2001:db8::1%eth0", 2)},
		{"ipv6 other", telemetry.Event{DstIP: addr("2001:db8::2")}, nil},
		{"cidr v4 outer only", telemetry.Event{DstIP: addr("203.0.113.5")}, m("dst_ip", "203.0.113.5", 3)},
		{"cidr v4 nested", telemetry.Event{DstIP: addr("203.0.113.200")}, m("dst_ip", "203.0.113.200", 3, 4)},
		{"cidr v4 edge out", telemetry.Event{DstIP: addr("203.0.114.0")}, nil},
		{"cidr from mapped prefix", telemetry.Event{DstIP: addr("100.127.255.255")}, m("dst_ip", "100.127.255.255", 16)},
		{"cidr from mapped prefix, mapped event", telemetry.Event{DstIP: addr("::ffff:100.64.0.1")}, m("dst_ip", "::ffff:100.64.0.1", 16)},
		{"cidr v6", telemetry.Event{SrcIP: addr("2001:db8:ff:2::9")}, m("src_ip", "2001:db8:ff:2::9", 5)},
		{"cidr v6 nested", telemetry.Event{SrcIP: addr("2001:db8:ff:1::9")}, m("src_ip", "2001:db8:ff:1::9", 5, 17)},
		{"cidr v6 out", telemetry.Event{SrcIP: addr("2001:db8:fe::1")}, nil},
		{"domain exact, shared", telemetry.Event{Domain: "evil.com"}, m("domain", "evil.com", 6, 14)},
		{"subdomain", telemetry.Event{Domain: "a.b.evil.com"}, m("domain", "a.b.evil.com", 6, 14)},
		{"nested subdomain", telemetry.Event{Domain: "x.sub.evil.com"}, m("domain", "x.sub.evil.com", 6, 7, 14)},
		{"superstring", telemetry.Event{Domain: "notevil.com"}, nil},
		{"longer tld", telemetry.Event{Domain: "evil.com.au"}, nil},
		{"parent of indicator", telemetry.Event{Domain: "com"}, nil},
		{"domain case and dot", telemetry.Event{Domain: "WWW.Evil.COM."}, m("domain", "WWW.Evil.COM.", 6, 14)},
		{"url exact", telemetry.Event{URL: "http://bad.example.org/payload.exe"}, m("url", "http://bad.example.org/payload.exe", 8)},
		{"url case, port, fragment", telemetry.Event{URL: "HTTP://Bad.Example.ORG:80/payload.exe#x"}, m("url", "HTTP://Bad.Example.ORG:80/payload.exe#x", 8)},
		{"url path case matters", telemetry.Event{URL: "http://bad.example.org/PAYLOAD.exe"}, nil},
		{"url longer", telemetry.Event{URL: "http://bad.example.org/payload.exe?x=1"}, nil},
		{"url other port", telemetry.Event{URL: "http://bad.example.org:8080/payload.exe"}, nil},
		{"url host is indicator domain", telemetry.Event{URL: "https://cdn.evil.com:8443/x?y#z"}, m("url", "https://cdn.evil.com:8443/x?y#z", 6, 14)},
		{"url host with user", telemetry.Event{URL: "http://u:p@Evil.com/"}, m("url", "http://u:p@Evil.com/", 6, 14)},
		{"url host superstring", telemetry.Event{URL: "http://notevil.com/evil.com"}, nil},
		{"url ip host", telemetry.Event{URL: "http://198.51.100.7/x"}, nil},
		{"md5 lower", telemetry.Event{MD5: md5Lower}, m("md5", md5Lower, 9)},
		{"md5 upper", telemetry.Event{MD5: md5Upper}, m("md5", md5Upper, 9)},
		{"sha1", telemetry.Event{SHA1: sha1Hex}, m("sha1", sha1Hex, 10)},
		{"sha256", telemetry.Event{SHA256: sha256Hex}, m("sha256", sha256Hex, 11)},
		{"ja3 in md5 field is not a file", telemetry.Event{MD5: ja3Hex}, nil},
		{"md5 in ja3 field is not a fingerprint", telemetry.Event{JA3: md5Lower}, nil},
		{"ja3", telemetry.Event{JA3: "E7D705A3286E19EA42F587B344EE6865"}, m("ja3", "E7D705A3286E19EA42F587B344EE6865", 12)},
		{"hash prefix", telemetry.Event{SHA256: sha256Hex[:63]}, nil},
		{"md5 not hex", telemetry.Event{MD5: "g" + md5Lower[1:]}, nil},
		{"md5 with non-ascii", telemetry.Event{MD5: "\xff" + md5Lower[1:]}, nil},
		{"extra ip", telemetry.Event{Extra: []telemetry.Observable{{Field: "dns.answers", Type: telemetry.TypeIP, Value: "203.0.113.9"}}}, m("dns.answers", "203.0.113.9", 3)},
		{"extra domain", telemetry.Event{Extra: []telemetry.Observable{{Field: "dns.answers", Type: telemetry.TypeDomain, Value: "cname.sub.evil.com"}}}, m("dns.answers", "cname.sub.evil.com", 6, 7, 14)},
		{"extra hash by length", telemetry.Event{Extra: []telemetry.Observable{{Field: "fileinfo.sha256", Type: telemetry.TypeHash, Value: "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}}}, m("fileinfo.sha256", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", 11)},
		{"extra ja3s", telemetry.Event{Extra: []telemetry.Observable{{Field: "tls.ja3s", Type: telemetry.TypeJA3, Value: ja3Hex}}}, m("tls.ja3s", ja3Hex, 12)},
		{"extra email", telemetry.Event{Extra: []telemetry.Observable{{Field: "smtp.mail_from", Type: telemetry.TypeEmail, Value: "<Attacker@Phish.Example>"}}}, m("smtp.mail_from", "<Attacker@Phish.Example>", 13)},
		{"extra email other", telemetry.Event{Extra: []telemetry.Observable{{Field: "smtp.rcpt_to", Type: telemetry.TypeEmail, Value: "victim@phish.example"}}}, nil},
		{"extra url", telemetry.Event{Extra: []telemetry.Observable{{Field: "http.redirect", Type: telemetry.TypeURL, Value: "http://bad.example.org/payload.exe"}}}, m("http.redirect", "http://bad.example.org/payload.exe", 8)},
		{"extra bad ip", telemetry.Event{Extra: []telemetry.Observable{{Field: "x", Type: telemetry.TypeIP, Value: "evil.com"}}}, nil},
		{"email not matched as domain field", telemetry.Event{Domain: "attacker@phish.example"}, nil},
		{"empty event", telemetry.Event{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := set.Match(&tt.ev, nil)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match(%+v) mismatch (-want +got):\n%s", tt.ev, diff)
			}
			if diff := cmp.Diff(naiveMatch(compiled(set), &tt.ev), got); diff != "" {
				t.Errorf("Match(%+v) differs from the reference (-ref +got):\n%s", tt.ev, diff)
			}
		})
	}
}

// TestMatchOrder checks the documented order across fields and that Match
// appends to what dst already holds.
func TestMatchOrder(t *testing.T) {
	set := mustCompile(t, fixture())
	ev := telemetry.Event{
		SrcIP:  addr("203.0.113.200"),
		DstIP:  addr("198.51.100.7"),
		Domain: "sub.evil.com",
		URL:    "http://bad.example.org/payload.exe",
		MD5:    md5Lower,
		SHA256: sha256Hex,
		JA3:    ja3Hex,
		Extra: []telemetry.Observable{
			{Field: "dns.answers", Type: telemetry.TypeIP, Value: "2001:db8::1"},
			{Field: "dns.answers", Type: telemetry.TypeIP, Value: "198.51.100.7"},
		},
	}
	prior := sweep.Match{Field: "prior", Value: "x", Indicator: 99}
	got := set.Match(&ev, []sweep.Match{prior})
	want := []sweep.Match{
		prior,
		{"src_ip", "203.0.113.200", 3}, {"src_ip", "203.0.113.200", 4},
		{"dst_ip", "198.51.100.7", 0}, {"dst_ip", "198.51.100.7", 1},
		{"domain", "sub.evil.com", 6}, {"domain", "sub.evil.com", 7}, {"domain", "sub.evil.com", 14},
		{"url", "http://bad.example.org/payload.exe", 8},
		{"md5", md5Lower, 9},
		{"sha256", sha256Hex, 11},
		{"ja3", ja3Hex, 12},
		{"dns.answers", "2001:db8::1", 2},
		{"dns.answers", "198.51.100.7", 0}, {"dns.answers", "198.51.100.7", 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Match mismatch (-want +got):\n%s", diff)
	}
}

func TestCompileReportsRejects(t *testing.T) {
	set := mustCompile(t, fixture())
	rej := set.Rejected()
	if len(rej) != 2 {
		t.Fatalf("Rejected() = %d entries, want 2: %v", len(rej), rej)
	}
	if r := rej[0]; r.Index != 14 || r.ID != "indicator--bad" || r.Type != intel.IPv4 || r.Value != "999.1.1.1" {
		t.Errorf("Rejected()[0] = %+v, want input 14 indicator--bad ipv4 999.1.1.1", r)
	}
	if r := rej[1]; r.Index != 19 || r.Type != "yara" {
		t.Errorf("Rejected()[1] = %+v, want input 19 of type yara", r)
	}
	for _, r := range rej {
		if !errors.Is(&r, intel.ErrBadValue) {
			t.Errorf("rejection %v does not wrap intel.ErrBadValue", &r)
		}
	}
	if got, want := rej[0].Error(), `indicator 14 (indicator--bad): ipv4 "999.1.1.1"`; len(got) < len(want) || got[:len(want)] != want {
		t.Errorf("Error() = %q, want it to start %q", got, want)
	}
	st := set.Stats()
	want := sweep.Stats{
		Indicators: 18,
		Rejected:   2,
		ByType: map[intel.Type]int{
			intel.IPv4: 3, intel.IPv6: 1, intel.CIDR: 5, intel.Domain: 3, intel.URL: 1,
			intel.MD5: 1, intel.SHA1: 1, intel.SHA256: 1, intel.JA3: 1, intel.Email: 1,
		},
		Values: 16,
		Shared: 2,
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Stats() mismatch (-want +got):\n%s", diff)
	}
	if set.Len() != 18 {
		t.Errorf("Len() = %d, want 18", set.Len())
	}
}

func TestIndicatorRoundTrip(t *testing.T) {
	from := time.Date(2015, 9, 26, 0, 0, 0, 0, time.UTC)
	in := []intel.Indicator{
		{ID: "indicator--1", Type: intel.Domain, Value: "Evil.COM", Source: "s", TLP: "amber", Confidence: 85,
			Indicates: []string{"intrusion-set--a", "malware--b"}, Pattern: "[domain-name:value = 'evil.com']",
			Name: "C2", ValidFrom: from, ValidUntil: from.AddDate(1, 0, 0)},
		{ID: "indicator--2", Type: intel.Domain, Value: "evil.net", Source: "s", TLP: "amber", Confidence: 85,
			Indicates: []string{"intrusion-set--a", "malware--b"}},
		{ID: "indicator--3", Type: intel.SHA256, Value: sha256Hex, Source: "t"},
		{ID: "indicator--4", Type: intel.Domain, Value: "evil.org", Source: "s", TLP: "amber", Confidence: 85,
			Indicates: []string{"intrusion-set--a", "malware--b"}},
	}
	set := mustCompile(t, in)
	for i := range in {
		want := in[i]
		if i == 0 {
			want.Value = "evil.com"
		}
		got := set.Indicator(int32(i))
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("Indicator(%d) mismatch (-want +got):\n%s", i, diff)
		}
		if id := set.ID(int32(i)); id != want.ID {
			t.Errorf("ID(%d) = %q, want %q", i, id, want.ID)
		}
	}
	for _, i := range []int32{-1, 4} {
		if got := set.Indicator(i); got != nil {
			t.Errorf("Indicator(%d) = %+v, want nil", i, got)
		}
	}
	var nilSet *sweep.Set
	if nilSet.Len() != 0 || nilSet.Indicator(0) != nil || nilSet.Match(&telemetry.Event{Domain: "evil.com"}, nil) != nil {
		t.Errorf("nil *Set is not empty")
	}
}

// TestMatchNoAlloc checks the promise that a no-match event costs no
// allocation, including the URL fast path and case folding.
func TestMatchNoAlloc(t *testing.T) {
	set := mustCompile(t, fixture())
	events := []telemetry.Event{
		{SrcIP: addr("10.1.2.3"), DstIP: addr("2001:db8:1::5"), Domain: "www.example.com",
			URL: "http://www.example.com/index.html?a=1&b=%20", MD5: md5Lower[1:] + "0", SHA1: sha1Hex[:39] + "1",
			SHA256: sha256Hex[:63] + "0", JA3: "00000000000000000000000000000000"},
		{DstIP: addr("::ffff:10.0.0.1"), Domain: "WWW.EXAMPLE.COM.", URL: "https://a.example.net:8443/x/(y)"},
		{Extra: []telemetry.Observable{
			{Field: "dns.answers", Type: telemetry.TypeIP, Value: "192.0.2.1"},
			{Field: "dns.answers", Type: telemetry.TypeDomain, Value: "Other.Example.Net"},
			{Field: "smtp.mail_from", Type: telemetry.TypeEmail, Value: "Someone@Example.com"},
			{Field: "fileinfo.sha1", Type: telemetry.TypeHash, Value: "DA39A3EE5E6B4B0D3255BFEF95601890AFD80700"},
		}},
	}
	dst := make([]sweep.Match, 0, 16)
	for i := range events {
		if n := testing.AllocsPerRun(200, func() { dst = set.Match(&events[i], dst[:0]) }); n != 0 {
			t.Errorf("Match(events[%d]) allocates %v times, want 0", i, n)
		}
		if len(dst) != 0 {
			t.Errorf("Match(events[%d]) = %v, want no match", i, dst)
		}
	}
	// A hit on strings the event already holds needs no allocation either.
	hit := telemetry.Event{Domain: "a.evil.com", URL: "http://bad.example.org/payload.exe", SHA256: sha256Hex}
	if n := testing.AllocsPerRun(200, func() { dst = set.Match(&hit, dst[:0]) }); n != 0 {
		t.Errorf("Match(hit) allocates %v times, want 0", n)
	}
}

// TestHolderSwap swaps sets while readers match: each reader must see a
// result consistent with one whole set, never a mix (run with -race).
func TestHolderSwap(t *testing.T) {
	a := mustCompile(t, []intel.Indicator{{ID: "a", Type: intel.Domain, Value: "a.example"}})
	b := mustCompile(t, []intel.Indicator{
		{ID: "b0", Type: intel.IPv4, Value: "192.0.2.1"},
		{ID: "b1", Type: intel.Domain, Value: "b.example"},
	})
	var h sweep.Holder
	if h.Load() != nil {
		t.Fatal("zero Holder.Load() is not nil")
	}
	h.Store(a)
	ev := telemetry.Event{SrcIP: addr("192.0.2.1"), Domain: "x.a.example", Extra: []telemetry.Observable{
		{Field: "dns.answers", Type: telemetry.TypeDomain, Value: "b.example"}}}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 4)
	for range 4 {
		wg.Go(func() {
			var dst []sweep.Match
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := h.Load()
				dst = s.Match(&ev, dst[:0])
				var ids []string
				for _, m := range dst {
					ids = append(ids, s.ID(m.Indicator))
				}
				ok := cmp.Equal(ids, []string{"a"}) || cmp.Equal(ids, []string{"b0", "b1"})
				if !ok {
					errs <- cmp.Diff([]string{"a"}, ids)
					return
				}
			}
		})
	}
	for i := range 2000 {
		if i%2 == 0 {
			h.Store(b)
		} else {
			h.Store(a)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("reader saw a mixed result: %s", e)
	}
}

func TestCompileEmpty(t *testing.T) {
	set := mustCompile(t, nil)
	if set.Len() != 0 {
		t.Errorf("Len() = %d, want 0", set.Len())
	}
	ev := telemetry.Event{SrcIP: addr("192.0.2.1"), Domain: "evil.com", URL: "http://evil.com/", MD5: md5Lower}
	if got := set.Match(&ev, nil); got != nil {
		t.Errorf("Match on an empty set = %v, want nil", got)
	}
}

// TestMatchGenerated compares Match with the reference on generated
// indicators (with shared values and nested prefixes) and events of which
// a third carry an indicator.
func TestMatchGenerated(t *testing.T) {
	testMatchGenerated(t)
}

// With string-index keys of 3 bits, every lookup and every build step
// meets different values under one key: matches, duplicates and posting
// lists must come out the same.
func TestMatchCollidingKeys(t *testing.T) {
	defer sweep.SetKeyMask(7)()
	testMatchGenerated(t)
	gen := genIndicators(1500, 11)
	b := sweep.NewBuilder(0)
	sh := sweep.NewShard(0)
	for i := range gen {
		ind := gen[i]
		ind.Source = "list"
		ind.Indicates = nil
		ind.ID = ""
		if i < 700 {
			b.AddDerived(&ind)
		} else {
			sh.AddDerived(&ind)
		}
		if i%9 == 0 {
			sh.AddDerived(&ind) // a duplicate, dropped
		}
	}
	b.AddShard(sh)
	s := b.Set()
	if s.Len() != len(gen) {
		t.Errorf("Len() = %d after adding %d values and duplicates of some, want %d", s.Len(), len(gen), len(gen))
	}
	for i := range gen {
		if got := s.Indicator(int32(i)); got.Value != gen[i].Value && gen[i].Type != intel.CIDR {
			t.Fatalf("Indicator(%d).Value = %q, want %q", i, got.Value, gen[i].Value)
		}
	}
	st := s.Stats()
	if st.Shared != 0 || st.Values != len(gen) {
		t.Errorf("Stats() = %+v, want %d values, none shared", st, len(gen))
	}
}

func testMatchGenerated(t *testing.T) {
	t.Helper()
	inds := genIndicators(2000, 7)
	for i := 0; i < 200; i += 7 { // shared values from another source
		dup := inds[i]
		dup.ID, dup.Source = dup.ID+"-dup", "other"
		inds = append(inds, dup)
	}
	inds = append(inds,
		intel.Indicator{ID: "wide", Type: intel.CIDR, Value: "0.0.0.0/1"},
		intel.Indicator{ID: "all6", Type: intel.CIDR, Value: "::/0"})
	set := mustCompile(t, inds)
	if len(set.Rejected()) != 0 {
		t.Fatalf("Rejected() = %v, want none", set.Rejected())
	}
	ref := compiled(set)
	evs := genEvents(600, inds, 33, 3)
	matched := 0
	for i := range evs {
		got := set.Match(&evs[i], nil)
		if diff := cmp.Diff(naiveMatch(ref, &evs[i]), got); diff != "" {
			t.Fatalf("Match(%+v) differs from the reference (-ref +got):\n%s", evs[i], diff)
		}
		matched += len(got)
	}
	if matched < 300 {
		t.Errorf("only %d matches in %d events; the generator does not exercise matching", matched, len(evs))
	}
}
