package attribution_test

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

const (
	dp      = "intrusion-set--deep-panda"
	rx      = "intrusion-set--red-x"
	derusbi = "malware--derusbi"
	redTool = "malware--redtool"
	mimi    = "tool--mimikatz"

	derusbiHash = "4f3a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445566aabb"
	redHash     = "aa3a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445566aabb"
	mimiHash    = "bb3a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445566aabb"
)

var (
	actors = []intel.Actor{
		{ID: dp, Name: "Deep Panda", Aliases: []string{"Shell Crew", "WebMasters"}, Source: "mitre-attack", ExternalID: "G0009",
			Sponsors:      []intel.SponsorClaim{{Country: "CN", Confidence: 50, Source: "mitre-attack", Basis: "suspected Chinese threat group"}},
			Techniques:    []string{"T1190", "T1505.003", "T1059.001", "T1027", "T1546.008", "T1018"},
			TargetSectors: []string{"government", "defense", "financial-services", "telecommunications"}},
		// A bundle's own copy of the same intrusion set: merges into one candidate.
		{ID: dp, Name: "Deep Panda", Aliases: []string{"KungFu Kittens"}, Source: "crowdstrike-bundle",
			Sponsors:        []intel.SponsorClaim{{Country: "CN", Confidence: 85}},
			TargetSectors:   []string{"technology", "pharmaceuticals"},
			TargetCountries: []string{"US"}},
		{ID: rx, Name: "Red X", Source: "mitre-attack",
			Sponsors:        []intel.SponsorClaim{{Country: "RU", Confidence: 70, Source: "mitre-attack"}},
			Techniques:      []string{"T1566.001", "T1071.001", "T1003.001", "T1105", "T1053.005"},
			TargetSectors:   []string{"energy", "government-national"},
			TargetCountries: []string{"UA", "DE"}},
		{ID: "intrusion-set--old", Name: "Old Group", Source: "mitre-attack", Revoked: true},
	}
	software = []intel.Software{
		{ID: derusbi, Name: "Derusbi", Kind: "malware", Source: "mitre-attack"},
		{ID: redTool, Name: "RedTool", Kind: "malware", Source: "mitre-attack"},
		{ID: mimi, Name: "Mimikatz", Kind: "tool", Source: "mitre-attack"},
	}
	rels = []intel.Relationship{
		{ID: "relationship--1", Type: "uses", From: dp, To: derusbi},
		{ID: "relationship--2", Type: "uses", From: rx, To: redTool},
		{ID: "relationship--3", Type: "uses", From: dp, To: mimi},
		{ID: "relationship--4", Type: "uses", From: rx, To: mimi},
		{ID: "relationship--5", Type: "indicates", From: "indicator--dp-url", To: dp},
	}
	indicators = []intel.Indicator{
		{ID: "indicator--derusbi", Type: intel.SHA256, Value: derusbiHash, Source: "bundle", Indicates: []string{derusbi}},
		{ID: "indicator--derusbi-2", Type: intel.SHA256, Value: "02" + derusbiHash[2:], Source: "bundle", Indicates: []string{derusbi}},
		{ID: "indicator--derusbi-3", Type: intel.MD5, Value: "0123456789abcdef0123456789abcdef", Source: "bundle", Indicates: []string{dp}},
		{ID: "indicator--dp-domain", Type: intel.Domain, Value: "update.evil-panda.example", Source: "bundle", Indicates: []string{dp}},
		{ID: "indicator--dp-url", Type: intel.URL, Value: "http://update.evil-panda.example/a.php", Source: "bundle"},
		{ID: "indicator--stale", Type: intel.Domain, Value: "old.evil-panda.example", Source: "bundle", Indicates: []string{dp},
			ValidFrom: time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "indicator--fresh", Type: intel.Domain, Value: "new.evil-panda.example", Source: "bundle", Indicates: []string{dp},
			ValidFrom: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)},
		// One address on shared hosting, listed by two sources for two actors.
		{ID: "indicator--ip-a", Type: intel.IPv4, Value: "203.0.113.5", Source: "feed-a", Indicates: []string{dp}},
		{ID: "indicator--ip-b", Type: intel.IPv4, Value: "203.0.113.5", Source: "feed-b", Indicates: []string{rx}},
		{ID: "indicator--redtool", Type: intel.SHA256, Value: redHash, Source: "bundle", Indicates: []string{redTool}},
		{ID: "indicator--mimikatz", Type: intel.SHA256, Value: mimiHash, Source: "bundle", Indicates: []string{mimi}},
		// An IOC list given --actor "shell crew".
		{ID: "indicator--ioc-list", Type: intel.Domain, Value: "crew.example", Source: "ioc.txt", Indicates: []string{"shell crew"}},
		{ID: "indicator--orphan", Type: intel.Domain, Value: "nobody.example", Source: "ioc.txt"},
	}
	acme = org.Organisation{ID: "acme", Name: "Acme Pharma", Country: "US", Sector: "pharmaceuticals"}
)

func knowledge() *attribution.Knowledge {
	return attribution.NewKnowledge(actors, indicators, software, rels)
}

// beijingHours returns n times on weekdays between 09:00 and 12:30 in
// Beijing (01:00–04:30 UTC), which is night in Moscow and New York.
func beijingHours(n int) []time.Time {
	var ts []time.Time
	start := time.Date(2015, 9, 28, 1, 0, 0, 0, time.UTC) // Monday
	for i := range n {
		ts = append(ts, start.Add(time.Duration(i%4)*24*time.Hour+time.Duration(i%7)*30*time.Minute))
	}
	return ts
}

// weekendNights returns n times on a Saturday night in every zone involved.
func weekendNights(n int) []time.Time {
	var ts []time.Time
	start := time.Date(2015, 10, 3, 20, 0, 0, 0, time.UTC) // Saturday 20:00 UTC = Sunday 04:00 Beijing
	for i := range n {
		ts = append(ts, start.Add(time.Duration(i)*10*time.Minute))
	}
	return ts
}

type sighting struct {
	indicator string
	value     string
	typ       intel.Type
}

// build makes an intrusion through intrusion.Group: each time gets one
// event matching every given indicator, with the given techniques.
func build(t *testing.T, times []time.Time, techniques []string, ss ...sighting) intrusion.Intrusion {
	t.Helper()
	var hits []intrusion.Hit
	for i, at := range times {
		h := intrusion.Hit{OrgID: "acme", Event: telemetry.Event{
			Time: at, Kind: "http", SrcIP: netip.MustParseAddr("10.1.2.3"), DstIP: netip.MustParseAddr("203.0.113.5"),
			Techniques: techniques, Source: telemetry.Source{File: "eve.json", Line: int64(i + 1), Offset: int64(i * 100)},
		}}
		for _, s := range ss {
			h.Matches = append(h.Matches, intrusion.Match{Field: "x", Value: s.value, IndicatorID: s.indicator, Type: string(s.typ), Indicator: s.value})
		}
		hits = append(hits, h)
	}
	ins := intrusion.Group(hits, 30*24*time.Hour)
	if len(ins) != 1 {
		t.Fatalf("built %d intrusions, want 1", len(ins))
	}
	return ins[0]
}

var (
	sDerusbi  = sighting{"indicator--derusbi", derusbiHash, intel.SHA256}
	sDomain   = sighting{"indicator--dp-domain", "update.evil-panda.example", intel.Domain}
	sURL      = sighting{"indicator--dp-url", "http://update.evil-panda.example/a.php", intel.URL}
	sSharedIP = sighting{"indicator--ip-a", "203.0.113.5", intel.IPv4}
	sRedTool  = sighting{"indicator--redtool", redHash, intel.SHA256}
	sMimikatz = sighting{"indicator--mimikatz", mimiHash, intel.SHA256}
	sStale    = sighting{"indicator--stale", "old.evil-panda.example", intel.Domain}
	sFresh    = sighting{"indicator--fresh", "new.evil-panda.example", intel.Domain}
	sIOC      = sighting{"indicator--ioc-list", "crew.example", intel.Domain}
	sOrphan   = sighting{"indicator--orphan", "nobody.example", intel.Domain}
)

func TestAttribute(t *testing.T) {
	k := knowledge()
	dpTechniques := []string{"T1190", "T1505.003", "T1059.001"}
	tests := []struct {
		name           string
		in             intrusion.Intrusion
		victim         org.Organisation
		wantAttributed bool
		wantTop        string // actor id of the best candidate; "" for none
		wantWords      []string
		wantSummary    []string
		wantDetail     []string // substrings of some factor of the top candidate
		wantCandidates int      // if not 0
	}{
		{
			name:           "unique malware, infrastructure, timing, victimology",
			in:             build(t, beijingHours(20), dpTechniques, sDerusbi, sDomain),
			victim:         acme,
			wantAttributed: true, wantTop: dp, wantWords: []string{"high"},
			wantSummary: []string{"Attributed to Deep Panda (assessed sponsor CN) with high confidence"},
			wantDetail: []string{"sha256 4f3a5b6c... is Derusbi malware used by Deep Panda (1 actor); a family, not the group itself",
				"100% of 20 events (20 distinct half hours of the week) fell in Beijing office hours", "victim sector pharmaceuticals is among Deep Panda's targets",
				"3 of 3 intrusion techniques (T1059.001, T1190, T1505.003)"},
		},
		{
			name:           "shared hosting address alone stays unattributed",
			in:             build(t, beijingHours(20), nil, sSharedIP),
			victim:         acme,
			wantAttributed: false, wantTop: dp,
			wantSummary: []string{"Unattributed: Deep Panda has probability", "nothing of its own infrastructure or malware is strong enough"}, wantCandidates: 2,
			wantDetail: []string{"ipv4 203.0.113.5 is infrastructure of Deep Panda, Red X (2 actors); shared by 2 actors"},
		},
		{
			name:           "false flag: the rival's malware, the actor's infrastructure, timing and victims",
			in:             build(t, beijingHours(20), dpTechniques, sRedTool, sDomain, sURL),
			victim:         acme,
			wantAttributed: true, wantTop: dp, wantWords: []string{"moderate", "high"},
			wantSummary: []string{"Attributed to Deep Panda", "Conflicting evidence: malware points at Red X"},
		},
		{
			name: "malware tied to the group itself",
			in: build(t, beijingHours(4), nil, sDerusbi,
				sighting{"indicator--derusbi-2", "02" + derusbiHash[2:], intel.SHA256},
				sighting{"indicator--derusbi-3", "0123456789abcdef0123456789abcdef", intel.MD5}),
			victim:         org.Organisation{ID: "acme"},
			wantAttributed: true, wantTop: dp,
			wantDetail: []string{"md5 01234567... is malware tied to Deep Panda (1 actor)"},
		},
		{
			name:           "circumstances against the actor",
			in:             build(t, weekendNights(20), nil, sDerusbi),
			victim:         org.Organisation{ID: "acme", Country: "BR", Sector: "mining"},
			wantAttributed: false, wantTop: dp, wantWords: []string{"low"},
			wantDetail: []string{"victim sector mining is not among Deep Panda's known targets", "0% of 20 events (7 distinct half hours of the week) fell in Beijing office hours"},
		},
		{
			name:           "a tool shared by two actors counts little",
			in:             build(t, beijingHours(20), nil, sMimikatz),
			victim:         acme,
			wantAttributed: false, wantTop: dp,
			wantSummary: []string{"do not name an actor"},
			wantDetail:  []string{"is Mimikatz tool used by Deep Panda, Red X (2 actors); a tool others can obtain"},
		},
		{
			name:           "IOC list naming the actor by alias",
			in:             build(t, weekendNights(2), nil, sIOC),
			victim:         acme,
			wantAttributed: true, wantTop: dp,
			wantDetail: []string{"domain crew.example is infrastructure of Deep Panda (1 actor)"},
		},
		{
			name:           "indicators pointing nowhere",
			in:             build(t, beijingHours(5), nil, sOrphan),
			victim:         acme,
			wantAttributed: false,
			wantSummary:    []string{"none of the 1 matched indicators points at a known actor"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attribution.Attribute(tt.in, tt.victim, k)
			for _, c := range got.Candidates {
				t.Logf("%s: score %.3f confidence %d (%s, %s)", c.ActorName, c.Score, c.Confidence, c.Words, c.Likelihood)
			}
			t.Logf("summary: %s", got.Summary)
			if got.IntrusionID != tt.in.ID {
				t.Errorf("IntrusionID = %q, want %q", got.IntrusionID, tt.in.ID)
			}
			for _, c := range got.Candidates {
				if c.Confidence > attribution.MaxConfidence || c.Score > float64(attribution.MaxConfidence)/100 {
					t.Errorf("%s: confidence %d, score %.3f above the cap %d", c.ActorName, c.Confidence, c.Score, attribution.MaxConfidence)
				}
			}
			if got.Attributed != tt.wantAttributed {
				t.Errorf("Attributed = %v, want %v; summary %q; candidates %+v", got.Attributed, tt.wantAttributed, got.Summary, got.Candidates)
			}
			if _, ok := got.Top(); ok != tt.wantAttributed {
				t.Errorf("Top() ok = %v, want %v", ok, tt.wantAttributed)
			}
			for _, s := range tt.wantSummary {
				if !strings.Contains(got.Summary, s) {
					t.Errorf("Summary = %q, want it to contain %q", got.Summary, s)
				}
			}
			if tt.wantTop == "" {
				if len(got.Candidates) != 0 {
					t.Errorf("Candidates = %+v, want none", got.Candidates)
				}
				return
			}
			if len(got.Candidates) == 0 {
				t.Fatalf("no candidates, want %s first", tt.wantTop)
			}
			if tt.wantCandidates != 0 && len(got.Candidates) != tt.wantCandidates {
				t.Errorf("%d candidates, want %d", len(got.Candidates), tt.wantCandidates)
			}
			top := got.Candidates[0]
			if top.ActorID != tt.wantTop {
				t.Errorf("top candidate = %s (%.3f), want %s; all %+v", top.ActorID, top.Score, tt.wantTop, got.Candidates)
			}
			if len(tt.wantWords) > 0 && !slices.Contains(tt.wantWords, top.Words) {
				t.Errorf("top Words = %q (confidence %d, score %.3f), want one of %q", top.Words, top.Confidence, top.Score, tt.wantWords)
			}
			if attribution.Words(top.Confidence) != top.Words {
				t.Errorf("Words(%d) = %q but candidate says %q", top.Confidence, attribution.Words(top.Confidence), top.Words)
			}
			for _, d := range tt.wantDetail {
				if !slices.ContainsFunc(top.Factors, func(f attribution.Factor) bool { return strings.Contains(f.Detail, d) }) {
					t.Errorf("no factor of %s says %q; factors:\n%s", top.ActorName, d, details(top))
				}
			}
		})
	}
}

func details(c attribution.Candidate) string {
	var b strings.Builder
	for _, f := range c.Factors {
		b.WriteString("  " + f.Kind + " " + f.Detail + "\n")
	}
	return b.String()
}

func candidate(t *testing.T, r attribution.Result, id string) attribution.Candidate {
	t.Helper()
	for _, c := range r.Candidates {
		if c.ActorID == id {
			return c
		}
	}
	t.Fatalf("no candidate %s in %+v", id, r.Candidates)
	return attribution.Candidate{}
}

func TestFalseFlagRanksRivalBelow(t *testing.T) {
	in := build(t, beijingHours(20), []string{"T1190"}, sRedTool, sDomain, sURL)
	r := attribution.Attribute(in, acme, knowledge())
	d, x := candidate(t, r, dp), candidate(t, r, rx)
	if !(d.Score > x.Score) {
		t.Errorf("Deep Panda %.3f, Red X %.3f: want the actor with infrastructure, timing and victimology ahead of the one whose tool was planted", d.Score, x.Score)
	}
	timing := func(c attribution.Candidate) float64 {
		for _, f := range c.Factors {
			if f.Kind == attribution.KindTiming {
				return f.Weight
			}
		}
		t.Fatalf("%s has no timing factor:\n%s", c.ActorName, details(c))
		return 0
	}
	// Beijing office hours are night in Moscow and in New York: timing
	// favours Deep Panda over the victim's own people, and says nothing for
	// Red X, whose operators would be asleep like the victim's staff.
	if td, tx := timing(d), timing(x); !(td >= 0.5 && tx > -0.1 && tx < 0.1) {
		t.Errorf("timing weights: Deep Panda %.3f, Red X %.3f; want >= 0.5 and about 0", td, tx)
	}
}

func TestStaleIndicatorCountsLess(t *testing.T) {
	k := knowledge()
	weight := func(s sighting) (float64, string) {
		r := attribution.Attribute(build(t, weekendNights(2), nil, s), acme, k)
		c := candidate(t, r, dp)
		for _, f := range c.Factors {
			if f.Kind == attribution.KindIndicator {
				return f.Weight, f.Detail
			}
		}
		t.Fatalf("no indicator factor:\n%s", details(c))
		return 0, ""
	}
	fresh, _ := weight(sFresh)
	stale, detail := weight(sStale)
	if !(stale < fresh*0.5) {
		t.Errorf("stale weight %.3f, fresh %.3f: want the stale one under half", stale, fresh)
	}
	if !strings.Contains(detail, "stale: valid until 2013-01-01, seen 2015-10-03") {
		t.Errorf("stale detail = %q, want it to say why", detail)
	}
}

func TestMergedActor(t *testing.T) {
	k := knowledge()
	claims := slices.Clone(actors)
	claims = append(claims, intel.Actor{ID: dp, Name: "Deep Panda", Source: "some-blog",
		Sponsors: []intel.SponsorClaim{{Country: "RU", Confidence: 20}}})
	kDisagree := attribution.NewKnowledge(claims, indicators, software, rels)
	in := build(t, beijingHours(20), nil, sDerusbi, sDomain)
	for _, tt := range []struct {
		name     string
		k        *attribution.Knowledge
		disagree bool
	}{{"agree", k, false}, {"disagree", kDisagree, true}} {
		r := attribution.Attribute(in, acme, tt.k)
		n := 0
		for _, c := range r.Candidates {
			if c.ActorID == dp {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: Deep Panda listed %d times, want once", tt.name, n)
		}
		top := r.Candidates[0]
		if top.Sponsor != "CN" {
			t.Errorf("%s: sponsor %q, want CN", tt.name, top.Sponsor)
		}
		// The bundle copy's target sectors and countries count.
		if !slices.ContainsFunc(top.Factors, func(f attribution.Factor) bool {
			return strings.Contains(f.Detail, "victim country US is among Deep Panda's targets")
		}) {
			t.Errorf("%s: merged targets not used:\n%s", tt.name, details(top))
		}
		if got := strings.Contains(r.Summary, "Sources disagree on the sponsor: CN (crowdstrike-bundle, confidence 85)"); got != tt.disagree {
			t.Errorf("%s: Summary %q mentions disagreement = %v, want %v", tt.name, r.Summary, got, tt.disagree)
		}
	}
	if id, ok := k.ResolveActor("KungFu Kittens"); !ok || id != dp {
		t.Errorf("ResolveActor(KungFu Kittens) = %q, %v, want %s", id, ok, dp)
	}
	if _, ok := k.ActorName("intrusion-set--old"); ok {
		t.Errorf("revoked actor is known, want it left out")
	}
}

func TestDeterministic(t *testing.T) {
	in := build(t, beijingHours(12), []string{"T1190", "T1566.001"}, sDerusbi, sSharedIP, sRedTool, sMimikatz, sOrphan)
	want := attribution.Attribute(in, acme, knowledge())
	for seed := range uint64(5) {
		r := rand.New(rand.NewPCG(seed, 2))
		a, i, s, l := slices.Clone(actors), slices.Clone(indicators), slices.Clone(software), slices.Clone(rels)
		r.Shuffle(len(a), func(x, y int) { a[x], a[y] = a[y], a[x] })
		r.Shuffle(len(i), func(x, y int) { i[x], i[y] = i[y], i[x] })
		r.Shuffle(len(s), func(x, y int) { s[x], s[y] = s[y], s[x] })
		r.Shuffle(len(l), func(x, y int) { l[x], l[y] = l[y], l[x] })
		got := attribution.Attribute(in, acme, attribution.NewKnowledge(a, i, s, l))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Attribute with shuffled intel (seed %d) differs (-want +got):\n%s", seed, diff)
		}
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   int
		want string
	}{{0, "none"}, {1, "low"}, {15, "low"}, {29, "low"}, {30, "moderate"}, {50, "moderate"}, {69, "moderate"}, {70, "high"}, {85, "high"}, {100, "high"}}
	for _, tt := range tests {
		if got := attribution.Words(tt.in); got != tt.want {
			t.Errorf("Words(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLikelihood(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0.01, "almost no chance"}, {0.10, "very unlikely"}, {0.30, "unlikely"}, {0.50, "roughly even chance"},
		{0.60, "likely"}, {0.90, "very likely"}, {0.97, "almost certain"},
	}
	for _, tt := range tests {
		if got := attribution.Likelihood(tt.in); got != tt.want {
			t.Errorf("Likelihood(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOfficeHours(t *testing.T) {
	tehran, ok := attribution.Zone("IR")
	if !ok {
		t.Fatal("Zone(IR) not found")
	}
	shanghai, _ := attribution.Zone("CN")
	ny, _ := attribution.Zone("US")
	in := build(t, beijingHours(20), nil, sOrphan)
	noActivity := in
	noActivity.Activity = nil
	tests := []struct {
		loc  *time.Location
		want float64
	}{{shanghai, 1}, {ny, 0}}
	for _, tt := range tests {
		for _, x := range []intrusion.Intrusion{in, noActivity} {
			got, n := attribution.OfficeHours(x, tt.loc)
			if got != tt.want || n != 20 {
				t.Errorf("OfficeHours(%s, activity %v) = %v, %d, want %v, 20", tt.loc, x.Activity != nil, got, n, tt.want)
			}
		}
	}
	// Tehran is +03:30: 05:00 UTC is 08:30 there, 04:00 UTC is 07:30.
	at := func(h, m int) time.Time { return time.Date(2015, 9, 28, h, m, 0, 0, time.UTC) }
	x := build(t, []time.Time{at(4, 0), at(5, 0), at(5, 10)}, nil, sOrphan)
	if got, _ := attribution.OfficeHours(x, tehran); got < 0.66 || got > 0.67 {
		t.Errorf("OfficeHours(Tehran) = %v, want 2/3", got)
	}
	if _, ok := attribution.Zone("XX"); ok {
		t.Errorf("Zone(XX) found, want not found")
	}
}

func TestTimingAgainstVictimHours(t *testing.T) {
	k := attribution.NewKnowledge([]intel.Actor{
		{ID: "intrusion-set--ir", Name: "Kitten", Source: "bundle", Sponsors: []intel.SponsorClaim{{Country: "IR", Confidence: 80}}},
		{ID: "intrusion-set--cn", Name: "Panda", Source: "bundle", Sponsors: []intel.SponsorClaim{{Country: "CN", Confidence: 80}}},
	}, []intel.Indicator{
		{ID: "indicator--ir", Type: intel.Domain, Value: "ir.example", Source: "bundle", Indicates: []string{"intrusion-set--ir"}},
		{ID: "indicator--cn", Type: intel.Domain, Value: "cn.example", Source: "bundle", Indicates: []string{"intrusion-set--cn"}},
	}, nil, nil)
	ir := sighting{"indicator--ir", "ir.example", intel.Domain}
	cn := sighting{"indicator--cn", "cn.example", intel.Domain}
	timing := func(times []time.Time, s sighting) float64 {
		r := attribution.Attribute(build(t, times, nil, s), acme, k)
		for _, f := range r.Candidates[0].Factors {
			if f.Kind == attribution.KindTiming {
				return f.Weight
			}
		}
		t.Fatalf("no timing factor in %+v", r.Candidates[0])
		return 0
	}
	// Saturday 10:00-12:00 in Tehran (06:30-08:30 UTC) is a working day there.
	var sat, nyOffice []time.Time
	for i := range 12 {
		sat = append(sat, time.Date(2015, 10, 3, 6, 30+10*i, 0, 0, time.UTC))
		// Tuesday 10:00-12:00 in New York (14:00-16:00 UTC): the victim's staff at work.
		nyOffice = append(nyOffice, time.Date(2015, 10, 6, 14, 10*i, 0, 0, time.UTC))
	}
	if w := timing(sat, ir); w < 0.5 {
		t.Errorf("Saturday morning in Tehran: timing weight %.3f for an Iranian actor, want >= 0.5 (Saturday is a working day there)", w)
	}
	if w := timing(nyOffice, cn); w > -0.3 {
		t.Errorf("New York office hours: timing weight %.3f for a Chinese actor, want <= -0.3 (looks like the victim's own staff)", w)
	}
}

// Two actors with servers of their own in one intrusion (two compromises
// on one host): the evidence names neither.
func TestContested(t *testing.T) {
	inds := slices.Clone(indicators)
	for _, x := range []struct{ id, v, actor string }{
		{"indicator--dp-2", "c2.panda.example", dp}, {"indicator--rx-1", "one.red.example", rx}, {"indicator--rx-2", "two.red.example", rx},
	} {
		inds = append(inds, intel.Indicator{ID: x.id, Type: intel.Domain, Value: x.v, Source: "bundle", Confidence: 90, Indicates: []string{x.actor}})
	}
	k := attribution.NewKnowledge(actors, inds, software, rels)
	dom := func(id, v string) sighting { return sighting{id, v, intel.Domain} }
	// Each event matches one server.
	ss := []sighting{sDomain, dom("indicator--dp-2", "c2.panda.example"), dom("indicator--rx-1", "one.red.example"), dom("indicator--rx-2", "two.red.example")}
	var hits []intrusion.Hit
	for i, at := range beijingHours(20) {
		s := ss[i%len(ss)]
		hits = append(hits, intrusion.Hit{OrgID: "acme", Event: telemetry.Event{
			Time: at, Kind: "http", SrcIP: netip.MustParseAddr("10.1.2.3"), DstIP: netip.MustParseAddr("203.0.113.5"),
			Source: telemetry.Source{File: "eve.json", Line: int64(i + 1), Offset: int64(i * 100)},
		}, Matches: []intrusion.Match{{Field: "domain", Value: s.value, IndicatorID: s.indicator, Type: string(s.typ), Indicator: s.value}}})
	}
	ins := intrusion.Group(hits, 0)
	if len(ins) != 1 {
		t.Fatalf("built %d intrusions, want 1", len(ins))
	}
	r := attribution.Attribute(ins[0], acme, k)
	if r.Attributed || !strings.Contains(r.Summary, "each have servers of their own here (2 and 2)") {
		t.Errorf("Attribute = attributed %v, %q; want unattributed as contested", r.Attributed, r.Summary)
	}
	// More servers of its own than the rival: named, the rival's server
	// noted as conflicting.
	hits = hits[:0]
	for i, at := range beijingHours(21) {
		s := ss[:3][i%3]
		hits = append(hits, intrusion.Hit{OrgID: "acme", Event: telemetry.Event{
			Time: at, Kind: "http", SrcIP: netip.MustParseAddr("10.1.2.3"), DstIP: netip.MustParseAddr("203.0.113.5"),
			Source: telemetry.Source{File: "eve.json", Line: int64(i + 1), Offset: int64(i * 100)},
		}, Matches: []intrusion.Match{{Field: "domain", Value: s.value, IndicatorID: s.indicator, Type: string(s.typ), Indicator: s.value}}})
	}
	r = attribution.Attribute(intrusion.Group(hits, 0)[0], acme, k)
	if top, ok := r.Top(); !ok || top.ActorID != dp || !strings.Contains(r.Summary, "Conflicting evidence: infrastructure points at Red X") {
		t.Errorf("two servers against one: %q, want attributed to Deep Panda with the conflict noted", r.Summary)
	}
	// One of them alone is attributed.
	r = attribution.Attribute(build(t, beijingHours(20), nil, sDomain, dom("indicator--dp-2", "c2.panda.example")), acme, k)
	if top, ok := r.Top(); !ok || top.ActorID != dp {
		t.Errorf("Deep Panda's servers alone: %q, want attributed to Deep Panda", r.Summary)
	}
}
