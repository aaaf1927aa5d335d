package pact_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
)

func builtin(t testing.TB, id string) pact.Agreement {
	t.Helper()
	a, ok := pact.Lookup(pact.Builtin(), id)
	if !ok {
		t.Fatalf("no builtin agreement %s", id)
	}
	return a
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	acmePharma = org.Organisation{ID: "acme-pharma", Name: "Acme Pharma", Country: "US", Sector: "pharmaceuticals"}
	berlinTech = org.Organisation{ID: "berlin-tech", Name: "Berlin Tech", Country: "DE", Sector: "technology"}
	shanghaiCo = org.Organisation{ID: "shanghai-co", Name: "Shanghai Co", Country: "CN", Sector: "technology"}
	londonChem = org.Organisation{ID: "london-chem", Name: "London Chem", Country: "GB", Sector: "chemical"}
	noCountry  = org.Organisation{ID: "mystery", Name: "Mystery Ltd"}
)

func attributed(name, sponsor string, conf int, words string) attribution.Result {
	return attribution.Result{
		IntrusionID: "I-1",
		Attributed:  true,
		Candidates: []attribution.Candidate{{
			ActorID: "G" + name, ActorName: name, Sponsor: sponsor, Confidence: conf, Words: words, Likelihood: "likely",
			Factors: []attribution.Factor{{Kind: "malware", Weight: 0.4, Detail: "Derusbi sample seen", Refs: []string{"indicator--1"}}},
		}},
	}
}

var (
	deepPandaCN = attributed("Deep Panda", "CN", 60, "moderate")
	deepPandaUS = attributed("Deep Panda", "US", 60, "moderate") // a test of "the victim's own state"
	apt28RU     = attributed("APT28", "RU", 80, "high")
	noSponsor   = attributed("Unknown Group", "", 50, "moderate")
	unattrib    = attribution.Result{IntrusionID: "I-1", Candidates: []attribution.Candidate{{ActorName: "APT3", Sponsor: "CN", Confidence: 15, Words: "low"}}, Summary: "unattributed: best candidate below threshold"}
)

func intr(start, end string) intrusion.Intrusion {
	return intrusion.Intrusion{ID: "I-" + start, OrgID: "acme-pharma", Start: at(start), End: at(end), Status: intrusion.Detected,
		Timeline: []intrusion.TimelineEntry{{EventRef: intrusion.EventRef{File: "eve.json", Line: 3, Time: at(start)}, Kind: "alert", Summary: "ET WEB_SERVER China Chopper"}}}
}

var (
	before   = intr("2015-09-01T10:00:00Z", "2015-09-03T10:00:00Z")
	straddle = intr("2015-09-20T10:00:00Z", "2015-09-27T10:00:00Z")
	onDay    = intr("2015-09-25T00:00:00Z", "2015-09-25T04:00:00Z")
	lastDay  = intr("2015-09-24T23:59:59Z", "2015-09-24T23:59:59Z")
	after    = intr("2015-09-26T03:00:00Z", "2015-09-26T09:00:00Z")
)

func assess(c intent.Class) intent.Assessment {
	return intent.Assessment{IntrusionID: "I-1", Class: c, Confidence: 70}
}

func TestEvaluateVerdicts(t *testing.T) {
	us := builtin(t, "us-cn-2015")
	g20 := builtin(t, "g20-2015")
	gb := builtin(t, "gb-cn-2015")
	tests := []struct {
		name   string
		a      pact.Agreement
		in     intrusion.Intrusion
		attr   attribution.Result
		class  intent.Class
		victim org.Organisation
		want   pact.Verdict
		// counterparty and victim party expected on the finding
		counterparty, victimParty string
		reason                    string // a phrase some reason must contain
	}{
		// The victim.
		{"victim party, sponsor other party, after, economic", us, after, deepPandaCN, intent.Economic, acmePharma, pact.PotentialViolation, "CN", "US", "victim Acme Pharma is in US, a party"},
		{"victim not a party", us, after, deepPandaCN, intent.Economic, berlinTech, pact.OutsideScope, "", "", "victim Berlin Tech is in DE, not a party to us-cn-2015"},
		{"victim without country", us, after, deepPandaCN, intent.Economic, noCountry, pact.OutsideScope, "", "", "no country on record"},
		{"victim the other way round", us, after, attributed("APT-US", "US", 80, "high"), intent.Economic, shanghaiCo, pact.PotentialViolation, "US", "CN", "assessed to serve US (high confidence), the other party"},
		// The sponsor.
		{"sponsor same party as victim", us, after, deepPandaUS, intent.Economic, acmePharma, pact.OutsideScope, "", "US", "the victim's own state"},
		{"sponsor not a party", us, after, apt28RU, intent.Economic, acmePharma, pact.OutsideScope, "", "US", "assessed to serve RU (high confidence), not a party"},
		{"sponsor a party, victim not", us, after, deepPandaCN, intent.Economic, berlinTech, pact.OutsideScope, "", "", "assessed to serve CN (moderate confidence), a party"},
		{"unattributed", us, after, unattrib, intent.Economic, acmePharma, pact.NeedsAssessment, "", "US", "no attribution to a party"},
		{"unattributed, victim not a party", us, after, unattrib, intent.Economic, berlinTech, pact.OutsideScope, "", "", "no attribution to a party"},
		{"unattributed, before", us, before, unattrib, intent.Economic, acmePharma, pact.OutsideScope, "", "US", "no attribution to a party"},
		{"actor without sponsor", us, after, noSponsor, intent.Economic, acmePharma, pact.NeedsAssessment, "", "US", "not assessed to serve any state: no attribution to a party"},
		// The dates.
		{"before", us, before, deepPandaCN, intent.Economic, acmePharma, pact.OutsideScope, "CN", "US", "started 2015-09-01 and ended 2015-09-03, 22 days before the agreement took effect on 2015-09-25 (effective date not stated; signing date assumed)"},
		{"last second before", us, lastDay, deepPandaCN, intent.Economic, acmePharma, pact.OutsideScope, "CN", "US", "1 day before"},
		{"on the effective date", us, onDay, deepPandaCN, intent.Economic, acmePharma, pact.PotentialViolation, "CN", "US", "started 2015-09-25, the day the agreement took effect"},
		{"after", us, after, deepPandaCN, intent.Economic, acmePharma, pact.PotentialViolation, "CN", "US", "started 2015-09-26, 1 day after the agreement took effect (effective date not stated; signing date assumed)"},
		{"started before, continued after", us, straddle, deepPandaCN, intent.Economic, acmePharma, pact.NeedsAssessment, "CN", "US", "started 2015-09-20, 5 days before the agreement took effect (effective date not stated; signing date assumed), and continued until 2015-09-27: only the activity on or after 2015-09-25 is in scope"},
		{"after us-cn but before gb-cn", gb, after, deepPandaCN, intent.Economic, londonChem, pact.OutsideScope, "CN", "GB", "26 days before the agreement took effect on 2015-10-22"},
		// The intent.
		{"national-security", us, after, deepPandaCN, intent.NationalSecurity, acmePharma, pact.OutsideScope, "CN", "US", `outside the scope, which in the agreement's own words covers only theft "with the intent of providing competitive advantages to companies or commercial sectors"`},
		{"mixed", us, after, deepPandaCN, intent.Mixed, acmePharma, pact.NeedsAssessment, "CN", "US", "intent assessed as mixed (confidence 70): whether the theft was"},
		{"undetermined", us, after, deepPandaCN, intent.Undetermined, acmePharma, pact.NeedsAssessment, "CN", "US", "intent assessed as undetermined"},
		{"no intent assessment", us, after, deepPandaCN, "", acmePharma, pact.NeedsAssessment, "CN", "US", "intent assessed as undetermined"},
		{"economic", us, after, deepPandaCN, intent.Economic, acmePharma, pact.PotentialViolation, "CN", "US", `intent assessed as economic (confidence 70): theft "with the intent of providing competitive advantages to companies or commercial sectors" is the conduct the agreement prohibits`},
		// The conduct: a prevented attempt took nothing.
		{"prevented attempt", us, prevented(after), deepPandaCN, intent.Economic, acmePharma, pact.NeedsAssessment, "CN", "US", "detected and prevented and nothing is known to have been taken"},
		{"prevented attempt, national-security", us, prevented(after), deepPandaCN, intent.NationalSecurity, acmePharma, pact.OutsideScope, "CN", "US", "detected and prevented"},
		// Outside dominates needs-assessment.
		{"national-security and unattributed", us, after, unattrib, intent.NationalSecurity, acmePharma, pact.OutsideScope, "", "US", "national-security"},
		{"mixed and before", us, before, deepPandaCN, intent.Mixed, acmePharma, pact.OutsideScope, "CN", "US", "before the agreement took effect"},
		// Multilateral.
		{"g20: CN actor, US victim, after", g20, intr("2015-11-20T00:00:00Z", "2015-11-21T00:00:00Z"), deepPandaCN, intent.Economic, acmePharma, pact.PotentialViolation, "CN", "US", "assessed to serve CN (moderate confidence), another party"},
		{"g20: RU actor, DE victim, after", g20, intr("2015-11-20T00:00:00Z", "2015-11-21T00:00:00Z"), apt28RU, intent.Economic, berlinTech, pact.PotentialViolation, "RU", "DE", "victim Berlin Tech is in DE, a party"},
		{"g20: after us-cn, before g20", g20, after, apt28RU, intent.Economic, berlinTech, pact.OutsideScope, "RU", "DE", "51 days before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := pact.Evaluate(tt.a, tt.in, tt.attr, assess(tt.class), tt.victim)
			if f.Verdict != tt.want {
				t.Errorf("Evaluate(%s).Verdict = %s, want %s\nreasons: %q", tt.name, f.Verdict, tt.want, f.Reasons)
			}
			if f.InScope != (tt.want != pact.OutsideScope) {
				t.Errorf("InScope = %v with verdict %s", f.InScope, f.Verdict)
			}
			if f.Counterparty != tt.counterparty || f.Victim != tt.victimParty {
				t.Errorf("Counterparty, Victim = %q, %q, want %q, %q", f.Counterparty, f.Victim, tt.counterparty, tt.victimParty)
			}
			if !containsAny(f.Reasons, tt.reason) {
				t.Errorf("Reasons = %q\nwant one containing %q", f.Reasons, tt.reason)
			}
			wantReasons := 4 // victim, attribution, dates, intent
			if tt.in.Status == intrusion.Prevented {
				wantReasons++ // and the conduct
			}
			if len(f.Reasons) != wantReasons {
				t.Errorf("got %d reasons, want %d: %q", len(f.Reasons), wantReasons, f.Reasons)
			}
			if f.ID != pact.FindingID(tt.in.ID, tt.a.ID) || f.IntrusionID != tt.in.ID || f.AgreementID != tt.a.ID {
				t.Errorf("ids = %s %s %s", f.ID, f.IntrusionID, f.AgreementID)
			}
			if len(f.Chain) != 5 {
				t.Errorf("chain has %d links, want 5", len(f.Chain))
			}
		})
	}
}

func TestEvaluateReasonsExample(t *testing.T) {
	f := pact.Evaluate(builtin(t, "us-cn-2015"), after, deepPandaCN, assess(intent.Economic), acmePharma)
	want := []string{
		"victim Acme Pharma is in US, a party",
		"attributed to Deep Panda, assessed to serve CN (moderate confidence), the other party",
		"started 2015-09-26, 1 day after the agreement took effect (effective date not stated; signing date assumed)",
		`intent assessed as economic (confidence 70): theft "with the intent of providing competitive advantages to companies or commercial sectors" is the conduct the agreement prohibits`,
	}
	if diff := cmp.Diff(want, f.Reasons); diff != "" {
		t.Errorf("Reasons (-want +got):\n%s", diff)
	}
	if f.Actor != "Deep Panda" || f.Sponsor != "CN" || f.Intent != intent.Economic || !f.Start.Equal(after.Start) || f.OrgID != "acme-pharma" {
		t.Errorf("finding context = actor %q sponsor %q intent %q start %v org %q", f.Actor, f.Sponsor, f.Intent, f.Start, f.OrgID)
	}
}

func TestEvaluateKnownEffectiveDate(t *testing.T) {
	a := builtin(t, "us-cn-2015")
	a.Effective, a.EffectiveKnown = date("2015-10-01"), true
	f := pact.Evaluate(a, after, deepPandaCN, assess(intent.Economic), acmePharma)
	if f.Verdict != pact.OutsideScope || !containsAny(f.Reasons, "5 days before the agreement took effect on 2015-10-01") || containsAny(f.Reasons, "assumed") {
		t.Errorf("with effective 2015-10-01: %s %q", f.Verdict, f.Reasons)
	}
}

func TestEvaluateNoIntentClause(t *testing.T) {
	a := builtin(t, "us-cn-2015")
	a.Prohibited = "neither party will intrude into the other's companies"
	f := pact.Evaluate(a, after, deepPandaCN, assess(intent.NationalSecurity), acmePharma)
	if f.Verdict != pact.PotentialViolation || !containsAny(f.Reasons, "sets no intent condition") {
		t.Errorf("without an intent clause, national-security: %s %q, want potential-violation", f.Verdict, f.Reasons)
	}
}

func TestFindingIDStable(t *testing.T) {
	a, b := pact.FindingID("I-1", "us-cn-2015"), pact.FindingID("I-1", "us-cn-2015")
	if a != b || !strings.HasPrefix(a, "F-") || len(a) != 14 {
		t.Errorf("FindingID = %q, %q, want equal, F- and 12 hex digits", a, b)
	}
	for _, other := range []string{pact.FindingID("I-2", "us-cn-2015"), pact.FindingID("I-1", "gb-cn-2015"), pact.FindingID("I-1us", "-cn-2015")} {
		if other == a {
			t.Errorf("FindingID collides: %q", other)
		}
	}
}

func ev(file string, line int64, ts, kind, summary string, ind ...string) intrusion.TimelineEntry {
	return intrusion.TimelineEntry{EventRef: intrusion.EventRef{File: file, Line: line, Time: at(ts)}, Kind: kind, Summary: summary, Indicator: ind}
}

func TestChain(t *testing.T) {
	us := builtin(t, "us-cn-2015")
	sighting := intrusion.Sighting{OrgID: "acme-pharma", IndicatorID: "indicator--1", Type: "domain", Value: "update.evil.example", Count: 3,
		FirstSeen: at("2015-09-26T03:00:00Z"), LastSeen: at("2015-09-26T05:00:00Z"), Events: []intrusion.EventRef{{File: "dns.log", Line: 7}}}
	ipSighting := intrusion.Sighting{OrgID: "acme-pharma", IndicatorID: "indicator--2", Type: "ipv4", Value: "203.0.113.5", Count: 2,
		FirstSeen: at("2015-09-26T03:10:00Z"), LastSeen: at("2015-09-26T03:20:00Z"), Events: []intrusion.EventRef{{File: "eve.json", Line: 12}}}
	alert := ev("eve.json", 12, "2015-09-26T03:10:00Z", "alert", "ET WEB_SERVER China Chopper", "indicator--2")
	conn := ev("conn.log", 40, "2015-09-26T03:20:00Z", "conn", "", "indicator--2")
	dns := ev("dns.log", 7, "2015-09-26T03:00:00Z", "dns", "query update.evil.example", "indicator--1")
	base := intrusion.Intrusion{ID: "I-9", OrgID: "acme-pharma", Start: at("2015-09-26T03:00:00Z"), End: at("2015-09-26T05:00:00Z"),
		Sightings: []intrusion.Sighting{sighting, ipSighting}, Techniques: []string{"T1190", "T1505.003"}}
	with := func(status intrusion.Status, bytesOut int64, tl ...intrusion.TimelineEntry) intrusion.Intrusion {
		in := base
		in.Status, in.BytesOut, in.Timeline = status, bytesOut, tl
		return in
	}
	tests := []struct {
		name     string
		in       intrusion.Intrusion
		attr     attribution.Result
		want     [5]pact.LinkStatus
		evidence map[string][]string // link name -> phrases its evidence must contain
	}{
		{
			name: "alert, high attribution, exfiltrated",
			in:   withFiles(with(intrusion.Exfiltrated, 5_000_000, dns, alert, conn), "plans.rar"),
			attr: attributed("Deep Panda", "CN", 85, "high"),
			want: [5]pact.LinkStatus{pact.Established, pact.Established, pact.Established, pact.NotEstablished, pact.NotEstablished},
			evidence: map[string][]string{
				pact.LinkIncursion: {"3 matched events", "1 alert, 1 connection with matched infrastructure, 1 DNS lookup", "indicator domain update.evil.example matched 3 times", "(first at dns.log:7)",
					"ET WEB_SERVER China Chopper [203.0.113.5] (eve.json:12)", "query update.evil.example [update.evil.example] (dns.log:7)", "ATT&CK techniques named by the events: T1190, T1505.003"},
				pact.LinkAttribution:  {"Deep Panda (GDeep Panda): confidence 85 (high), likely", "assessed to serve CN, a party", "Derusbi sample seen [indicator--1]"},
				pact.LinkExfiltration: {"status exfiltrated", "5,000,000 bytes sent", "conn to 203.0.113.5 (conn.log:40)", "file names in the matched events: plans.rar"},
				pact.LinkBenefit:      {"competitor's product launch, patent filing"},
				pact.LinkUse:          {"patent filing"},
			},
		},
		{
			name: "traffic only, moderate, some bytes",
			in:   with(intrusion.Detected, 1234, conn),
			attr: deepPandaCN,
			want: [5]pact.LinkStatus{pact.Established, pact.Supported, pact.Supported, pact.NotEstablished, pact.NotEstablished},
			evidence: map[string][]string{
				pact.LinkExfiltration: {"status detected: some data sent", "1,234 bytes"},
			},
		},
		{
			name: "dns only, low confidence, nothing sent",
			in:   with(intrusion.Detected, 0, dns),
			attr: attributed("Deep Panda", "CN", 20, "low"),
			want: [5]pact.LinkStatus{pact.Supported, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished},
			evidence: map[string][]string{
				pact.LinkIncursion:    {"only DNS lookups"},
				pact.LinkExfiltration: {"nothing sent", "0 bytes"},
			},
		},
		{
			name: "alert counted by the grouper beyond a capped timeline",
			in:   counted(with(intrusion.Detected, 0, dns), 2000, 1, 0),
			attr: deepPandaCN,
			want: [5]pact.LinkStatus{pact.Established, pact.Supported, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished},
			evidence: map[string][]string{
				pact.LinkIncursion: {"2000 matched events", "1 alert", "and 1999 more matched events"},
			},
		},
		{
			name: "prevented, unattributed",
			in:   counted(with(intrusion.Prevented, 300, alert), 1, 1, 1),
			attr: unattrib,
			want: [5]pact.LinkStatus{pact.Established, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished},
			evidence: map[string][]string{
				pact.LinkAttribution:  {"unattributed", "best candidate below the threshold: APT3: confidence 15 (low)"},
				pact.LinkExfiltration: {"status prevented: 1 of 1 alert blocked", "300 bytes"},
			},
		},
		{
			name: "high attribution to a non-party",
			in:   with(intrusion.Detected, 0, alert),
			attr: apt28RU,
			want: [5]pact.LinkStatus{pact.Established, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished},
			evidence: map[string][]string{
				pact.LinkAttribution: {"assessed to serve RU, not a party to us-cn-2015"},
			},
		},
		{
			name: "confidence words derived from the number",
			in:   with(intrusion.Detected, 0, alert),
			attr: attributed("Deep Panda", "CN", 75, ""),
			want: [5]pact.LinkStatus{pact.Established, pact.Established, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished},
		},
		{
			name: "no events at all",
			in:   intrusion.Intrusion{ID: "I-0", Start: at("2015-09-26T03:00:00Z")},
			attr: deepPandaCN,
			want: [5]pact.LinkStatus{pact.NotEstablished, pact.Supported, pact.NotEstablished, pact.NotEstablished, pact.NotEstablished},
			evidence: map[string][]string{
				pact.LinkIncursion: {"no matched events"},
			},
		},
	}
	names := [5]string{pact.LinkIncursion, pact.LinkAttribution, pact.LinkExfiltration, pact.LinkBenefit, pact.LinkUse}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := pact.Evaluate(us, tt.in, tt.attr, assess(intent.Economic), acmePharma)
			if len(f.Chain) != 5 {
				t.Fatalf("chain has %d links, want 5", len(f.Chain))
			}
			var got [5]pact.LinkStatus
			for i, l := range f.Chain {
				if l.Name != names[i] {
					t.Errorf("link %d is %q, want %q", i, l.Name, names[i])
				}
				if len(l.Evidence) == 0 {
					t.Errorf("link %s has no evidence", l.Name)
				}
				got[i] = l.Status
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("chain statuses (-want +got):\n%s\n%s", diff, dumpChain(f.Chain))
			}
			for i, l := range f.Chain {
				for _, phrase := range tt.evidence[names[i]] {
					if !containsAny(l.Evidence, phrase) {
						t.Errorf("%s evidence = %q\nwant one containing %q", l.Name, l.Evidence, phrase)
					}
				}
			}
		})
	}
}

func withFiles(in intrusion.Intrusion, files ...string) intrusion.Intrusion {
	in.Files = files
	return in
}

func counted(in intrusion.Intrusion, events, alerts, blocked int) intrusion.Intrusion {
	in.EventCount, in.Alerts, in.AlertsBlocked = events, alerts, blocked
	in.TimelineOmitted = events - len(in.Timeline)
	return in
}

func dumpChain(c []pact.Link) string {
	var b strings.Builder
	for _, l := range c {
		fmt.Fprintf(&b, "%s %s %q\n", l.Name, l.Status, l.Evidence)
	}
	return b.String()
}

func TestChainEvidenceCapped(t *testing.T) {
	in := intrusion.Intrusion{ID: "I-big", Start: at("2015-09-26T00:00:00Z"), End: at("2015-09-27T00:00:00Z")}
	for i := range 100 {
		in.Timeline = append(in.Timeline, ev("eve.json", int64(i+1), "2015-09-26T01:00:00Z", "http", "GET /"))
		in.Sightings = append(in.Sightings, intrusion.Sighting{Type: "ipv4", Value: fmt.Sprintf("203.0.113.%d", i), Count: 1})
	}
	f := pact.Evaluate(builtin(t, "us-cn-2015"), in, deepPandaCN, assess(intent.Economic), acmePharma)
	inc := f.Chain[0]
	if len(inc.Evidence) > 25 || !containsAny(inc.Evidence, "and 92 more indicators") || !containsAny(inc.Evidence, "and 92 more matched events") {
		t.Errorf("incursion evidence has %d items: %q, want a capped list saying how many more", len(inc.Evidence), inc.Evidence)
	}
}

// prevented returns in as an attempt that was detected and prevented.
func prevented(in intrusion.Intrusion) intrusion.Intrusion {
	in.Status = intrusion.Prevented
	return in
}
