package osint_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pactwatch/pactwatch/internal/osint"
)

func findReport(rs []osint.Report, kind osint.Kind, key string) (osint.Report, bool) {
	for _, r := range rs {
		if r.Kind == kind && r.Key == key {
			return r, true
		}
	}
	return osint.Report{}, false
}

// TestSeedsAcceptance checks the acceptance criteria on the five
// seed articles.
func TestSeedsAcceptance(t *testing.T) {
	res := osint.Analyse(seedArticles(t), osint.Options{Actors: testActors(),
		Ratings: osint.Ratings{Default: osint.CannotBeJudged}})

	// 000 and 001 are one source; the others are their own
	var groups [][]string
	for _, s := range res.Sources {
		groups = append(groups, s.Articles)
	}
	want := [][]string{
		{"000_847f2687f6e63cda", "001_0560f823d28a49fb"},
		{"002_8a839857759ff84e"}, {"003_35571c1a028759c4"}, {"004_49eb71dce4d980f3"},
	}
	if diff := cmp.Diff(want, groups); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	// the five make one story
	if len(res.Stories) != 1 || len(res.Stories[0].Articles) != 5 {
		t.Errorf("stories = %+v, want one story of five articles", res.Stories)
	}
	for _, s := range res.Sources {
		if s.Story != res.Stories[0].ID {
			t.Errorf("source %s in story %q, want %q", s.ID, s.Story, res.Stories[0].ID)
		}
	}

	r, ok := findReport(res.Reports, osint.KindAgreement, "us-cn-2015")
	if !ok || r.Date != "2015-09-25" || r.Links.AgreementID != "us-cn-2015" {
		t.Errorf("agreement report us-cn-2015 = %+v, %v; want dated 2015-09-25", r, ok)
	}
	if r.IndependentSources != 4 {
		t.Errorf("us-cn-2015 referred to by %d independent sources, want 4 (000/001 count once)", r.IndependentSources)
	}

	// the first intrusion on 2015-09-26: two independent sources, not three
	r, ok = findReport(res.Reports, osint.KindIntrusion, "intrusion|first|us-cn-2015|2015-09-26")
	if !ok {
		t.Fatalf("no first-intrusion report; reports: %v", keys(res.Reports, osint.KindIntrusion))
	}
	if r.Date != "2015-09-26" || r.IndependentSources != 2 || len(r.Articles) != 3 {
		t.Errorf("first intrusion: date %s, %d independent sources over %d articles; want 2015-09-26, 2 over 3", r.Date, r.IndependentSources, len(r.Articles))
	}
	if r.Credibility != osint.ProbablyTrue || r.Grade != "F2" {
		t.Errorf("first intrusion graded %s (credibility %d), want F2", r.Grade, r.Credibility)
	}

	// seven companies in technology and pharmaceuticals
	found := false
	for _, c := range res.Claims {
		if c.Kind == osint.KindCount && c.Count != nil && c.Count.N == 7 && c.Count.Class == "victims" &&
			slices.Contains(c.Sectors, "technology") && slices.Contains(c.Sectors, "pharmaceuticals") {
			found = true
			if c.Sentence == "" || c.ArticleID == "" {
				t.Errorf("count claim %+v does not point to its sentence", c)
			}
		}
	}
	if !found {
		t.Errorf("no claim of seven companies in technology and pharmaceuticals")
	}

	// Deep Panda, resolved to the ATT&CK record
	r, ok = findReport(res.Reports, osint.KindActor, "deeppanda")
	if !ok || !slices.Contains(r.Links.ActorIDs, testActors()[0].ID) || r.IndependentSources != 2 {
		t.Errorf("actor report Deep Panda = %+v, %v; want linked to %s by 2 sources", r.Links, ok, testActors()[0].ID)
	}

	// Alperovitch of CrowdStrike quoted
	found = false
	for _, c := range res.Claims {
		if c.Kind == osint.KindQuote && c.Quote.Speaker == "Dmitri Alperovitch" && c.Quote.Organisation == "CrowdStrike" {
			found = true
		}
	}
	if !found {
		t.Errorf("no quote of Dmitri Alperovitch of CrowdStrike")
	}
	// states and organisations
	for _, k := range []struct {
		kind osint.Kind
		key  string
	}{{osint.KindOrganisation, "crowdstrike"}, {osint.KindOrganisation, "fsecure"}, {osint.KindOrganisation, "fbi"},
		{osint.KindState, "CN"}, {osint.KindState, "CN|attributed"}, {osint.KindAgreement, "gb-cn-2015"},
		{osint.KindSector, "pharmaceuticals"}, {osint.KindSector, "agriculture"}} {
		if _, ok := findReport(res.Reports, k.kind, k.key); !ok {
			t.Errorf("no %s report %q", k.kind, k.key)
		}
	}
}

func keys(rs []osint.Report, kind osint.Kind) []string {
	var out []string
	for _, r := range rs {
		if r.Kind == kind {
			out = append(out, r.Key)
		}
	}
	return out
}

// TestSeedsWithoutDates: with no publication dates, relative dates stay
// unresolved and say why, and no intrusion gets a date it cannot have.
func TestSeedsWithoutDates(t *testing.T) {
	arts := seedArticles(t)
	for i := range arts {
		arts[i].Published = time.Time{}
	}
	x := osint.NewExtractor(testActors(), nil)
	var unresolved int
	for _, c := range x.Extract(arts[2]) { // 002: "nearly a month ago", "on Thursday", "on Monday"
		if c.Kind == osint.KindDate && !c.When.Resolved {
			unresolved++
			if c.When.Reason == "" || c.Date != "" {
				t.Errorf("unresolved date %q has reason %q and date %q", c.Mention, c.When.Reason, c.Date)
			}
		}
	}
	if unresolved < 3 {
		t.Errorf("002 without a publication date has %d unresolved dates, want at least 3", unresolved)
	}
}
