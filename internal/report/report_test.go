package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/report"
)

func date(m time.Month, d, h int) time.Time { return time.Date(2015, m, d, h, 0, 0, 0, time.UTC) }

// input is a small period: 2 intrusions before the agreement, 6 after,
// one case referred and left overdue, one answered.
func input(t *testing.T) report.Input {
	t.Helper()
	ag, ok := pact.Lookup(pact.Builtin(), "us-cn-2015")
	if !ok {
		t.Fatal("no built-in us-cn-2015")
	}
	chain := []pact.Link{{Name: pact.LinkIncursion, Status: pact.Established}, {Name: pact.LinkAttribution, Status: pact.Established},
		{Name: pact.LinkExfiltration, Status: pact.NotEstablished}, {Name: pact.LinkBenefit, Status: pact.NotEstablished}, {Name: pact.LinkUse, Status: pact.NotEstablished}}
	var fs []pact.Finding
	for i, start := range []time.Time{date(9, 1, 3), date(9, 10, 3), date(9, 26, 2), date(10, 1, 3), date(10, 5, 3), date(10, 7, 3), date(10, 9, 3), date(10, 13, 3)} {
		id := string(rune('a' + i))
		fs = append(fs, pact.Finding{ID: "F-" + id, IntrusionID: "INT-" + id, AgreementID: ag.ID, Counterparty: "CN", Victim: "US",
			OrgID: "acme", Start: start, End: start.Add(time.Hour), ActorID: "G0009", Actor: "Deep Panda", Sponsor: "CN",
			Verdict: pact.NeedsAssessment, Chain: chain})
	}
	// Another agreement's finding is left out.
	fs = append(fs, pact.Finding{ID: "F-x", IntrusionID: "INT-x", AgreementID: "gb-cn-2015", Counterparty: "CN", Victim: "GB", Start: date(10, 27, 4)})

	open := func(id string, f pact.Finding, at time.Time) casework.Case {
		c, err := casework.New(id, ag, []pact.Finding{f}, casework.PolicyFor(ag), "J. Smith", at)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = casework.Advance(c, casework.Referred, "J. Smith", "request", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		return c
	}
	overdue := open("C-1", fs[2], date(10, 20, 9))
	answered := open("C-2", fs[4], date(10, 26, 9))
	answered, err := casework.Respond(answered, casework.Answer{Response: casework.Disputed, From: "MPS", Text: "groundless"}, "J. Smith", date(11, 18, 10))
	if err != nil {
		t.Fatal(err)
	}
	ev := []casework.Evidence{{FindingID: "F-c", Link: pact.LinkExfiltration, Kind: casework.EvidenceEvents, Ref: "eve.json:1", Who: "a", When: date(11, 2, 0)}}
	from, to, err := casework.ParsePeriod("2015-H2")
	if err != nil {
		t.Fatal(err)
	}
	return report.Input{Agreement: ag, Others: pact.Builtin(), Period: "2015-H2", From: from, To: to,
		Generated: date(12, 20, 0), Version: "test", Findings: fs, Cases: []casework.Case{overdue, answered}, Evidence: ev,
		Organisations: []org.Organisation{{ID: "acme", Name: "Acme | Software", Country: "US", Sector: "technology"}}}
}

func TestMarkdown(t *testing.T) {
	d, err := report.Build(input(t))
	if err != nil {
		t.Fatalf("Build = %v", err)
	}
	var b bytes.Buffer
	if err := d.Markdown(&b, "d-weekly.svg", "d-cases.svg"); err != nil {
		t.Fatalf("Markdown = %v", err)
	}
	md := b.String()
	for _, want := range []string{
		"**Dialogue report: us-cn-2015, reporting period 2015-H2** (2015-07-01 to 2016-01-01, exclusive).",
		"- 8 intrusions attributed to actors serving CN against the other party began in 2015-H2 (2015-07-01 to 2015-12-31): 2 before and 6 on or after the agreement",
		"The first intrusion after the effective date began on Saturday 26 September 2015, the very next day (INT-c, attributed to Deep Panda).",
		// 2 before, 6 after over equal windows: ratio 3; binom.test(6, 8, 0.5) gives p = 0.2891.
		"rate ratio 3.00 (95% CI ",
		"p = 0.289: no statistically significant change at the 5% level.",
		"| agreement | all actors | 2 | 6 |",
		"- Cases: 2 opened, 2 referred, 1 answered, 1 fell overdue, 0 closed in the period; at its end 1 overdue (C-1).",
		"![Figure 1. Intrusions per week held against a party of us-cn-2015, by actor; dashed lines mark agreements' effective dates](d-weekly.svg)",
		"](d-cases.svg)",
		"### Case C-1 against CN: OVERDUE",
		"### Case C-2 against CN: ANSWERED",
		"- 2015-11-18: disputed (MPS): groundless",
		"| 3 | exfiltration | established | events evidence EV-",
		"- benefit-conferred: not-established: attach a document",
		"| 2015-11-19 10:00 | referred | overdue | pactwatch | no answer by the deadline",
		"Acme \\| Software", // table cells escape pipes
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if strings.Contains(md, "INT-x") || strings.Contains(md, "gb-cn-2015 |") {
		t.Errorf("Markdown shows another agreement's finding")
	}
	// Without plot files the plots are left out with a note.
	b.Reset()
	if err := d.Markdown(&b, "", ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), ".svg)") || !strings.Contains(b.String(), "is left out of Markdown written to standard output") {
		t.Errorf("Markdown without plot files: want no image links and a note")
	}
}

func TestHTMLSelfContained(t *testing.T) {
	d, err := report.Build(input(t))
	if err != nil {
		t.Fatalf("Build = %v", err)
	}
	var b bytes.Buffer
	if err := d.HTML(&b); err != nil {
		t.Fatalf("HTML = %v", err)
	}
	page := b.String()
	if n := strings.Count(page, "<svg"); n != 2 {
		t.Errorf("HTML has %d inline <svg> plots, want 2", n)
	}
	if strings.Contains(page, "<?xml") {
		t.Errorf("HTML keeps the SVG's XML prolog")
	}
	if regexp.MustCompile(`(?i)<script|\s(src|href)\s*=\s*"?(https?:)?//|@import|url\(`).MatchString(page) {
		t.Errorf("HTML has a script or loads an external resource")
	}
	for _, want := range []string{"<title>Dialogue report: us-cn-2015, 2015-H2</title>", "Acme | Software", `class="state state-overdue">overdue<`, "us-cn-2015 2015-09-25"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

func TestBuildEmptyPeriod(t *testing.T) {
	in := input(t)
	in.To = in.From
	if _, err := report.Build(in); err == nil {
		t.Errorf("Build(empty period) = nil, want an error")
	}
	// A period with nothing in it still renders.
	in = input(t)
	in.From, in.To, in.Period = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2016, 7, 1, 0, 0, 0, 0, time.UTC), "2016-H1"
	in.Cases = nil
	d, err := report.Build(in)
	if err != nil {
		t.Fatalf("Build(2016-H1) = %v", err)
	}
	var b bytes.Buffer
	if err := d.Markdown(&b, "w.svg", ""); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"No intrusion held against a party began in the period.", "No case under us-cn-2015 was open in the period."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("empty-period Markdown lacks %q", want)
		}
	}
}
