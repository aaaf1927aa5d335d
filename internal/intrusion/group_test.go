package intrusion_test

import (
	"math/rand/v2"
	"net/netip"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

var t0 = time.Date(2015, 9, 26, 2, 15, 0, 0, time.UTC) // Saturday

// hit builds a hit whose event is line n of file f at t0+d.
func hit(org string, n int64, d time.Duration, kind string, matches ...intrusion.Match) intrusion.Hit {
	return intrusion.Hit{
		OrgID: org,
		Event: telemetry.Event{
			Time:   t0.Add(d),
			Kind:   kind,
			SrcIP:  netip.MustParseAddr("10.1.2.3"),
			DstIP:  netip.MustParseAddr("198.51.100.7"),
			Source: telemetry.Source{File: "eve.json", Line: n, Offset: n * 100},
		},
		Matches: matches,
	}
}

// otherHost moves a hit to another internal host, talking to the address
// its match names.
func otherHost(h intrusion.Hit) intrusion.Hit {
	h.Event.SrcIP = netip.MustParseAddr("10.7.7.7")
	h.Event.DstIP = netip.MustParseAddr(h.Matches[0].Value)
	return h
}

var (
	mIP     = intrusion.Match{Field: telemetry.FieldDstIP, Value: "198.51.100.7", IndicatorID: "indicator--ip", Type: "ipv4", Indicator: "198.51.100.7"}
	mDomain = intrusion.Match{Field: telemetry.FieldDomain, Value: "evil.example", IndicatorID: "indicator--dom", Type: "domain", Indicator: "evil.example"}
	mHash   = intrusion.Match{Field: telemetry.FieldSHA256, Value: "ab", IndicatorID: "indicator--hash", Type: "sha256", Indicator: "ab"}
	mOther  = intrusion.Match{Field: telemetry.FieldDstIP, Value: "198.51.100.99", IndicatorID: "indicator--other-ip", Type: "ipv4", Indicator: "198.51.100.99"}
	mSrc    = intrusion.Match{Field: telemetry.FieldSrcIP, Value: "198.51.100.7", IndicatorID: "indicator--ip", Type: "ipv4", Indicator: "198.51.100.7"}
)

func TestGroupWindows(t *testing.T) {
	hits := []intrusion.Hit{
		hit("acme", 1, 0, "dns", mDomain),
		hit("acme", 2, time.Hour, "flow", mIP),
		hit("acme", 3, 71*time.Hour, "flow", mIP),                // gap 70h: same intrusion
		otherHost(hit("acme", 4, 144*time.Hour, "flow", mOther)), // gap 73h, another host: new intrusion
		hit("widget", 1, 30*time.Minute, "dns", mDomain),         // other organisation
		hit("acme", 2, time.Hour, "flow", mIP),                   // duplicate of line 2
	}
	got := intrusion.Group(hits, 0)
	type brief struct {
		Org        string
		Start, End time.Duration
		Events     int
		Sightings  map[string]int
	}
	var briefs []brief
	for _, in := range got {
		b := brief{Org: in.OrgID, Start: in.Start.Sub(t0), End: in.End.Sub(t0), Events: in.EventCount, Sightings: map[string]int{}}
		for _, s := range in.Sightings {
			b.Sightings[s.IndicatorID] = s.Count
		}
		briefs = append(briefs, b)
	}
	want := []brief{
		{"acme", 0, 71 * time.Hour, 3, map[string]int{"indicator--dom": 1, "indicator--ip": 2}},
		{"acme", 144 * time.Hour, 144 * time.Hour, 1, map[string]int{"indicator--other-ip": 1}},
		{"widget", 30 * time.Minute, 30 * time.Minute, 1, map[string]int{"indicator--dom": 1}},
	}
	if diff := cmp.Diff(want, briefs); diff != "" {
		t.Errorf("Group mismatch (-want +got):\n%s", diff)
	}
	// With a 24h window the 70h gap before line 3 is still one host's
	// (HostWindowFactor windows, 72h): joined.
	if got := intrusion.Group(hits, 24*time.Hour); len(got) != 3 {
		t.Errorf("Group(window 24h) made %d intrusions, want 3", len(got))
	}
	if got := intrusion.Group(hits, 20*time.Hour); len(got) != 4 {
		t.Errorf("Group(window 20h) made %d intrusions, want 4 (70h > 3 x 20h)", len(got))
	}
	if got := intrusion.Group(nil, 0); len(got) != 0 {
		t.Errorf("Group(nil) = %v, want none", got)
	}
}

func TestGroupDeterministic(t *testing.T) {
	var hits []intrusion.Hit
	for i := range 60 {
		m := []intrusion.Match{mIP}
		if i%3 == 0 {
			m = append(m, mDomain)
		}
		h := hit([]string{"a", "b"}[i%2], int64(i), time.Duration(i*i)*time.Minute, "http", m...)
		h.Event.Techniques = []string{"T1190", "t1505.003"}[i%2:]
		h.Event.Files = []string{"x.doc", ""}
		hits = append(hits, h)
	}
	want := intrusion.Group(hits, 6*time.Hour)
	idRE := regexp.MustCompile(`^INT-[0-9a-f]{10}$`)
	for _, in := range want {
		if !idRE.MatchString(in.ID) {
			t.Errorf("intrusion id %q does not match %v", in.ID, idRE)
		}
	}
	for seed := range uint64(5) {
		shuffled := slices.Clone(hits)
		r := rand.New(rand.NewPCG(seed, 1))
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if diff := cmp.Diff(want, intrusion.Group(shuffled, 6*time.Hour)); diff != "" {
			t.Fatalf("Group(shuffled, seed %d) differs (-want +got):\n%s", seed, diff)
		}
	}
	if diff := cmp.Diff([]string{"T1190", "T1505.003"}, want[0].Techniques); diff != "" {
		t.Errorf("Techniques mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"x.doc"}, want[0].Files); diff != "" {
		t.Errorf("Files mismatch (-want +got):\n%s", diff)
	}
}

func TestID(t *testing.T) {
	e := telemetry.Event{Time: t0, Source: telemetry.Source{File: "a.json", Offset: 10}}
	id := intrusion.ID("acme", e)
	if id != intrusion.ID("acme", e) {
		t.Errorf("ID not deterministic")
	}
	other := e
	other.Source.Offset = 11
	for _, tt := range []struct {
		org string
		e   telemetry.Event
	}{{"widget", e}, {"acme", other}} {
		if got := intrusion.ID(tt.org, tt.e); got == id {
			t.Errorf("ID(%q, %+v) = %q, same as for acme/offset 10", tt.org, tt.e.Source, got)
		}
	}
	// Time zone of the event's time must not change the id.
	e2 := e
	e2.Time = e.Time.In(time.FixedZone("CST", 8*3600))
	if got := intrusion.ID("acme", e2); got != id {
		t.Errorf("ID with time in +08:00 = %q, want %q", got, id)
	}
}

func TestStatusAndBytes(t *testing.T) {
	withBytes := func(h intrusion.Hit, out, in int64) intrusion.Hit {
		h.Event.BytesOut, h.Event.BytesIn = out, in
		return h
	}
	alert := func(n int64, action string) intrusion.Hit {
		h := hit("acme", n, time.Duration(n)*time.Minute, "alert", mIP)
		h.Event.Signature = "ET TROJAN Derusbi checkin"
		h.Event.Action = action
		return h
	}
	tests := []struct {
		name      string
		hits      []intrusion.Hit
		wantBytes int64
		want      intrusion.Status
	}{
		{"all blocked", []intrusion.Hit{alert(1, "blocked"), alert(2, "blocked"), hit("acme", 3, 3*time.Minute, "dns", mDomain)}, 0, intrusion.Prevented},
		{"one allowed", []intrusion.Hit{alert(1, "blocked"), alert(2, "allowed")}, 0, intrusion.Detected},
		{"no alerts", []intrusion.Hit{hit("acme", 1, 0, "dns", mDomain)}, 0, intrusion.Detected},
		{"blocked but data left", []intrusion.Hit{alert(1, "blocked"), withBytes(hit("acme", 2, time.Minute, "flow", mIP), 100_000, 10)}, 100_000, intrusion.Detected},
		{"exfiltrated", []intrusion.Hit{withBytes(hit("acme", 1, 0, "flow", mIP), 3<<20, 500)}, 3 << 20, intrusion.Exfiltrated},
		{"exactly the threshold is not exfiltration", []intrusion.Hit{withBytes(hit("acme", 1, 0, "flow", mIP), intrusion.ExfilThreshold, 0)}, intrusion.ExfilThreshold, intrusion.Detected},
		{"inbound from infrastructure counts responses", []intrusion.Hit{withBytes(hit("acme", 1, 0, "flow", mSrc), 5, 2<<20)}, 2 << 20, intrusion.Exfiltrated},
		{"http to matched domain", []intrusion.Hit{withBytes(hit("acme", 1, 0, "http", mDomain), 700, 9000)}, 700, intrusion.Detected},
		{"dns counts nothing", []intrusion.Hit{withBytes(hit("acme", 1, 0, "dns", mDomain), 70, 90)}, 0, intrusion.Detected},
		{"file hash counts nothing", []intrusion.Hit{withBytes(hit("acme", 1, 0, "fileinfo", mHash), 70, 90)}, 0, intrusion.Detected},
		{"two matches, one event, counted once", []intrusion.Hit{withBytes(hit("acme", 1, 0, "http", mIP, mDomain), 1000, 0)}, 1000, intrusion.Detected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := intrusion.Group(tt.hits, 0)
			if len(got) != 1 {
				t.Fatalf("Group made %d intrusions, want 1", len(got))
			}
			if got[0].BytesOut != tt.wantBytes || got[0].Status != tt.want {
				t.Errorf("Group: BytesOut %d, Status %s; want %d, %s", got[0].BytesOut, got[0].Status, tt.wantBytes, tt.want)
			}
		})
	}
}

func TestTimelineCap(t *testing.T) {
	const n = 650
	hits := make([]intrusion.Hit, n)
	for i := range hits {
		hits[i] = hit("acme", int64(i+1), time.Duration(i)*time.Minute, "flow", mIP)
	}
	got := intrusion.Group(hits, 0)
	if len(got) != 1 {
		t.Fatalf("Group made %d intrusions, want 1", len(got))
	}
	in := got[0]
	if len(in.Timeline) != intrusion.MaxTimeline || in.TimelineOmitted != n-intrusion.MaxTimeline || in.EventCount != n {
		t.Errorf("timeline %d entries, %d omitted, %d events; want %d, %d, %d",
			len(in.Timeline), in.TimelineOmitted, in.EventCount, intrusion.MaxTimeline, n-intrusion.MaxTimeline, n)
	}
	if first, last := in.Timeline[0].Line, in.Timeline[len(in.Timeline)-1].Line; first != 1 || last != n {
		t.Errorf("timeline runs from line %d to %d, want 1 to %d", first, last, n)
	}
	if !slices.IsSortedFunc(in.Timeline, func(a, b intrusion.TimelineEntry) int { return a.Time.Compare(b.Time) }) {
		t.Errorf("timeline not in time order")
	}
	s := in.Sightings[0]
	if s.Count != n || len(s.Events) != intrusion.MaxSightingEvents {
		t.Errorf("sighting count %d with %d refs, want %d with %d", s.Count, len(s.Events), n, intrusion.MaxSightingEvents)
	}
	total := 0
	for _, c := range in.Activity {
		total += c
	}
	if len(in.Activity) != intrusion.ActivitySlots || total != n {
		t.Errorf("activity has %d slots summing to %d, want %d summing to %d", len(in.Activity), total, intrusion.ActivitySlots, n)
	}
}

func TestActivitySlot(t *testing.T) {
	tests := []struct {
		at   time.Time
		slot int
	}{
		{time.Date(2015, 9, 28, 0, 10, 0, 0, time.UTC), 0},                     // Monday 00:10
		{time.Date(2015, 9, 28, 9, 45, 0, 0, time.UTC), 19},                    // Monday 09:45
		{time.Date(2015, 9, 27, 23, 59, 0, 0, time.UTC), 6*48 + 47},            // Sunday 23:59
		{time.Date(2015, 9, 28, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)), 0}, // Monday 08:00 +08 is Monday 00:00 UTC
		{time.Date(2015, 9, 28, 7, 0, 0, 0, time.FixedZone("CST", 8*3600)), 6*48 + 46},
	}
	for _, tt := range tests {
		in := intrusion.Group([]intrusion.Hit{{OrgID: "a", Event: telemetry.Event{Time: tt.at}}}, 0)[0]
		if got := slices.Index(in.Activity, 1); got != tt.slot {
			t.Errorf("activity slot of %v = %d, want %d", tt.at, got, tt.slot)
		}
	}
}

func TestSummarise(t *testing.T) {
	src, dst := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("198.51.100.7")
	tests := []struct {
		name string
		e    telemetry.Event
		want string
	}{
		{"dns", telemetry.Event{Kind: "dns", Domain: "evil.example", Extra: []telemetry.Observable{
			{Field: "dns.answers", Type: telemetry.TypeIP, Value: "198.51.100.7"}, {Field: "dns.answers", Type: telemetry.TypeIP, Value: "198.51.100.8"}}},
			"dns query evil.example -> 198.51.100.7, 198.51.100.8"},
		{"dns no answer", telemetry.Event{Kind: "dns", Domain: "evil.example"}, "dns query evil.example"},
		{"alert", telemetry.Event{Kind: "alert", Signature: "ET TROJAN Derusbi", Action: "Blocked", SrcIP: src, SrcPort: 5555, DstIP: dst, DstPort: 443},
			"alert ET TROJAN Derusbi (blocked) 10.1.2.3:5555 -> 198.51.100.7:443"},
		{"http", telemetry.Event{Kind: "http", URL: "http://evil.example/a.php", SrcIP: src, DstIP: dst, DstPort: 80,
			Extra: []telemetry.Observable{{Field: "http.method", Value: "post"}}, BytesOut: 4096, BytesIn: 200},
			"http POST http://evil.example/a.php 10.1.2.3 -> 198.51.100.7:80 (4096 bytes out, 200 in)"},
		{"tls", telemetry.Event{Kind: "tls", Domain: "c2.example", JA3: "e7d705a3286e19ea42f587b344ee6865", DstIP: dst},
			"tls c2.example ja3 e7d705a3286e... ? -> 198.51.100.7"},
		{"file", telemetry.Event{Kind: "fileinfo", Files: []string{"formula.xlsx"}, SHA256: "4f3a"},
			"file formula.xlsx sha256 4f3a"},
		{"flow ipv6", telemetry.Event{Kind: "flow", Proto: "TCP", SrcIP: netip.MustParseAddr("2001:db8::1"), SrcPort: 1, DstIP: dst, DstPort: 22},
			"flow tcp [2001:db8::1]:1 -> 198.51.100.7:22"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := intrusion.Summarise(&tt.e); got != tt.want {
				t.Errorf("Summarise(%s) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func BenchmarkGroup(b *testing.B) {
	hits := make([]intrusion.Hit, 10000)
	for i := range hits {
		hits[i] = hit([]string{"a", "b", "c"}[i%3], int64(i), time.Duration(i)*time.Minute, "flow", mIP, mDomain)
	}
	for b.Loop() {
		intrusion.Group(hits, 0)
	}
	b.ReportMetric(float64(len(hits)), "hits/op")
}

func TestAssignMembership(t *testing.T) {
	hits := []intrusion.Hit{
		otherHost(hit("acme", 4, 144*time.Hour, "flow", mOther)),
		hit("acme", 1, 0, "dns", mDomain),
		hit("widget", 1, 30*time.Minute, "dns", mDomain),
		hit("acme", 2, time.Hour, "flow", mIP),
		hit("acme", 3, 71*time.Hour, "flow", mIP),
		hit("acme", 2, time.Hour, "flow", mIP), // duplicate of line 2
	}
	got, member := intrusion.Assign(hits, 0)
	if len(member) != len(hits) {
		t.Fatalf("Assign gave %d memberships for %d hits", len(member), len(hits))
	}
	if diff := cmp.Diff(intrusion.Group(hits, 0), got); diff != "" {
		t.Errorf("Assign intrusions differ from Group (-group +assign):\n%s", diff)
	}
	// acme 0-71h, acme 144h, widget: in that order.
	want := []int{1, 0, 2, 0, 0, 0}
	if diff := cmp.Diff(want, member); diff != "" {
		t.Errorf("Assign membership (-want +got):\n%s", diff)
	}
	for i, h := range hits {
		in := got[member[i]]
		if in.OrgID != h.OrgID || h.Event.Time.Before(in.Start) || h.Event.Time.After(in.End) {
			t.Errorf("hit %d (%s at %v) assigned to %s %v..%v", i, h.OrgID, h.Event.Time, in.OrgID, in.Start, in.End)
		}
	}
}

// flowHit is a hit between an internal host and a matched external address.
func flowHit(org, host, ext string, line int64, d time.Duration, kind string) intrusion.Hit {
	h := hit(org, line, d, kind, intrusion.Match{Field: telemetry.FieldDstIP, Value: ext, IndicatorID: "indicator--" + ext, Type: "ipv4", Indicator: ext})
	h.Event.SrcIP, h.Event.DstIP = netip.MustParseAddr(host), netip.MustParseAddr(ext)
	return h
}

func TestGroupAnchors(t *testing.T) {
	hits := []intrusion.Hit{
		// Host .5 beacons to one C2 while host .6 beacons to another: two intrusions.
		flowHit("acme", "10.0.0.5", "203.0.113.7", 1, 0, "flow"),
		flowHit("acme", "10.0.0.6", "203.0.113.9", 2, time.Hour, "flow"),
		flowHit("acme", "10.0.0.5", "203.0.113.7", 3, 2*time.Hour, "flow"),
		flowHit("acme", "10.0.0.6", "203.0.113.9", 4, 3*time.Hour, "flow"),
		// Host .7 reaches .5's C2: another host, another intrusion
		// (indicators do not tie hosts together; attribution will).
		flowHit("acme", "10.0.0.7", "203.0.113.7", 5, 4*time.Hour, "flow"),
	}
	// Five hosts visit a shared-hosting address: it ties nothing, so each
	// visit stands alone, and it does not pull .6's intrusion in.
	for i := range 5 {
		hits = append(hits, flowHit("acme", "10.0.1."+string(rune('1'+i)), "203.0.113.200", int64(10+i), time.Duration(5+i)*time.Hour, "flow"))
	}
	hits = append(hits, flowHit("acme", "10.0.0.6", "203.0.113.200", 20, 11*time.Hour, "flow"))
	// A DNS query for a listed name: the resolver (dst) is no anchor.
	dns := hit("acme", 30, 12*time.Hour, "dns", intrusion.Match{Field: telemetry.FieldDomain, Value: "other.example", IndicatorID: "indicator--other", Type: "domain", Indicator: "other.example"})
	dns.Event.SrcIP, dns.Event.DstIP = netip.MustParseAddr("10.0.2.1"), netip.MustParseAddr("10.0.0.53")
	resolver := flowHit("acme", "10.0.0.53", "203.0.113.77", 31, 12*time.Hour+time.Minute, "flow")
	hits = append(hits, dns, resolver)

	got, member := intrusion.Assign(hits, 0)
	var sizes []int
	for _, in := range got {
		sizes = append(sizes, in.EventCount)
	}
	// In start order: .5 (2 events), .6 with its CDN visit (3), .7, five lone CDN visits, the DNS query, the resolver's flow.
	want := []int{2, 3, 1, 1, 1, 1, 1, 1, 1, 1}
	if diff := cmp.Diff(want, sizes); diff != "" {
		t.Errorf("intrusion sizes (-want +got):\n%s", diff)
	}
	if member[0] != member[2] || member[0] == member[1] || member[1] != member[10] || member[0] == member[4] {
		t.Errorf("membership %v: want hits 0 and 2 together, 1 and 10 together, 0 apart from 1 and 4", member)
	}
}

// Widespread indicators make background, not intrusions, unless the same
// connection also matched something specific.
func TestGroupBackground(t *testing.T) {
	var hits []intrusion.Hit
	// Six organisations visit a shared-hosting address on the same day.
	for i, o := range []string{"a", "b", "c", "d", "e", "f"} {
		hits = append(hits, flowHit(o, "10.0.0.9", "203.0.113.200", int64(i+1), time.Duration(i)*time.Hour, "flow"))
	}
	// In organisation a, one connection to it also matched an actor's domain.
	c2 := flowHit("a", "10.0.0.5", "203.0.113.200", 20, 30*time.Minute, "flow")
	c2.Event.UID = "C1"
	dom := hit("a", 21, 31*time.Minute, "http", intrusion.Match{Field: telemetry.FieldDomain, Value: "c2.example", IndicatorID: "indicator--c2", Type: "domain", Indicator: "c2.example"})
	dom.Event.UID = "C1"
	dom.Event.SrcIP, dom.Event.DstIP = netip.MustParseAddr("10.0.0.5"), netip.MustParseAddr("203.0.113.200")
	hits = append(hits, c2, dom)

	got, member := intrusion.Assign(hits, 0)
	if len(got) != 1 || got[0].EventCount != 2 || got[0].OrgID != "a" {
		t.Fatalf("Assign = %d intrusions (%+v), want one of 2 events in a", len(got), got)
	}
	for i := range 6 {
		if member[i] != -1 {
			t.Errorf("shared-hosting visit %d in intrusion %d, want background (-1)", i, member[i])
		}
	}
	if member[6] != 0 || member[7] != 0 {
		t.Errorf("the C2 connection's hits went to %d and %d, want 0", member[6], member[7])
	}
	var prev int
	for _, s := range got[0].Sightings {
		if s.IndicatorID == "indicator--203.0.113.200" {
			prev = s.Prevalence
		}
	}
	if prev != 6 {
		t.Errorf("prevalence of the shared address = %d, want 6 organisations", prev)
	}
	if n := len(intrusion.Group(hits[:6], 0)); n != 0 {
		t.Errorf("Group of widespread visits alone = %d intrusions, want 0", n)
	}
}

func TestMerge(t *testing.T) {
	// Host .5 and host .6 of acme reach the same C2 at the same time;
	// host .7 reaches another server; widget's host reaches the C2 too.
	hits := []intrusion.Hit{
		flowHit("acme", "10.0.0.5", "203.0.113.7", 1, 0, "flow"),
		flowHit("acme", "10.0.0.6", "203.0.113.7", 2, time.Hour, "flow"),
		flowHit("acme", "10.0.0.7", "203.0.113.9", 3, 2*time.Hour, "flow"),
		flowHit("widget", "10.0.0.5", "203.0.113.7", 4, 3*time.Hour, "flow"),
		flowHit("acme", "10.0.0.6", "203.0.113.7", 5, 4*time.Hour, "flow"),
	}
	ins, member := intrusion.Assign(hits, 0)
	if len(ins) != 4 {
		t.Fatalf("Assign made %d intrusions, want 4 (one per host and organisation)", len(ins))
	}
	tests := []struct {
		name  string
		key   func(in intrusion.Intrusion) string
		sizes []int
	}{
		{"same actor, common server: joined", func(intrusion.Intrusion) string { return "intrusion-set--x" }, []int{3, 1, 1}},
		{"unattributed: nothing joins", func(intrusion.Intrusion) string { return "" }, []int{1, 2, 1, 1}},
		{"different actors: apart", func(in intrusion.Intrusion) string { return in.ID }, []int{1, 2, 1, 1}},
	}
	for _, tt := range tests {
		keys := make([]string, len(ins))
		for i, in := range ins {
			keys[i] = tt.key(in)
		}
		got, m := intrusion.Merge(hits, ins, member, keys, time.Hour)
		var sizes []int
		for _, in := range got {
			sizes = append(sizes, in.EventCount)
		}
		if diff := cmp.Diff(tt.sizes, sizes); diff != "" {
			t.Errorf("%s: sizes (-want +got):\n%s", tt.name, diff)
		}
		for i, h := range hits {
			if in := got[m[i]]; in.OrgID != h.OrgID || h.Event.Time.Before(in.Start) || h.Event.Time.After(in.End) {
				t.Errorf("%s: hit %d in %s %v..%v", tt.name, i, in.OrgID, in.Start, in.End)
			}
		}
	}
	// A gap over the window keeps them apart.
	keys := []string{"x", "x", "x", "x"}
	far := slices.Clone(hits)
	far[1].Event.Time = t0.Add(10 * time.Hour)
	far[4].Event.Time = t0.Add(11 * time.Hour)
	ins, member = intrusion.Assign(far, 0)
	got, _ := intrusion.Merge(far, ins, member, keys, time.Hour)
	if len(got) != len(ins) {
		t.Errorf("Merge across a 9h gap with a 1h window: %d intrusions, want %d", len(got), len(ins))
	}
}
