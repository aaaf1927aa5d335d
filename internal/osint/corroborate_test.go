package osint_test

import (
	"testing"

	"github.com/pactwatch/pactwatch/internal/osint"
	"github.com/pactwatch/pactwatch/internal/pact"
)

func builtinAgreements() []pact.Agreement { return pact.Builtin() }

func TestCorroborate(t *testing.T) {
	sources := []osint.Source{
		{ID: "s1", Outlet: "Reuters", Articles: []string{"a1", "a2"}}, // a2 syndicates a1
		{ID: "s2", Outlet: "Blog", Articles: []string{"b1"}},
		{ID: "s3", Outlet: "The Guardian", Articles: []string{"c1"}},
	}
	claims := []osint.Claim{
		{ID: "1", Kind: osint.KindActor, Key: "deeppanda", ArticleID: "a1", Sentence: "s"},
		{ID: "2", Kind: osint.KindActor, Key: "deeppanda", ArticleID: "a2", Sentence: "s"},
		{ID: "3", Kind: osint.KindActor, Key: "apt3", ArticleID: "a1", Sentence: "s"},
		{ID: "4", Kind: osint.KindActor, Key: "apt3", ArticleID: "b1", Sentence: "s"},
		{ID: "5", Kind: osint.KindActor, Key: "apt3", ArticleID: "c1", Sentence: "s"},
		{ID: "6", Kind: osint.KindCount, Key: "7|intrusions", ArticleID: "a1", Count: &osint.Count{N: 7, Class: "intrusions"}},
		{ID: "7", Kind: osint.KindCount, Key: "11|intrusions", ArticleID: "b1", Count: &osint.Count{N: 11, Class: "intrusions"}},
		{ID: "8", Kind: osint.KindActor, Key: "apt10", ArticleID: "orphan"},
	}
	ratings := osint.Ratings{Default: osint.NotUsually, Outlets: map[string]osint.Reliability{"reuters": osint.UsuallyReliable, "Guardian": osint.Reliable}}
	rs := osint.Corroborate(claims, sources, ratings)
	tests := []struct {
		kind    osint.Kind
		key     string
		n       int
		grade   string
		conflct bool
	}{
		{osint.KindActor, "deeppanda", 1, "B3", false}, // two articles, one source
		{osint.KindActor, "apt3", 3, "A1", false},
		{osint.KindActor, "apt10", 1, "D4", false}, // article outside any source: its own, default rating
		{osint.KindCount, "7|intrusions", 1, "B4", true},
		{osint.KindCount, "11|intrusions", 1, "D4", true},
	}
	for _, tt := range tests {
		r, ok := findReport(rs, tt.kind, tt.key)
		if !ok {
			t.Errorf("no report %s %s", tt.kind, tt.key)
			continue
		}
		if r.IndependentSources != tt.n || r.Grade != tt.grade || (len(r.Conflicts) > 0) != tt.conflct {
			t.Errorf("report %s: %d sources, grade %s, conflicts %v; want %d, %s, conflict %v", tt.key, r.IndependentSources, r.Grade, r.Conflicts, tt.n, tt.grade, tt.conflct)
		}
	}
	if got := (osint.Ratings{}).Of("anything"); got != osint.CannotBeJudged {
		t.Errorf("zero Ratings.Of = %s, want F", got)
	}
}
