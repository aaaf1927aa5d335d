package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/osint"
	"github.com/pactwatch/pactwatch/internal/store"
)

// osintTests are the conformance tests of the ArticleStore.
var osintTests = []struct {
	name string
	fn   func(t *testing.T, open Opener)
}{
	{"ArticlesIdempotent", testArticlesIdempotent},
	{"ArticlesUpdated", testArticlesUpdated},
	{"ArticlesRejectBadIDs", testArticlesBadIDs},
	{"ReplaceOSINT", testReplaceOSINT},
	{"Ratings", testRatings},
	{"CatalogReports", testCatalogReports},
	{"OSINTPersists", testOSINTPersists},
}

// sampleArticles reads two copies of one story and a third article.
func sampleArticles(t *testing.T) []osint.Article {
	t.Helper()
	pub := time.Date(2015, 10, 22, 0, 0, 0, 0, time.UTC)
	body := "Hackers linked to China targeted seven US technology and pharmaceutical companies the day after the US-China cyber agreement, CrowdStrike said on Monday.\n\n" +
		"\"The primary goal of these intrusions was clearly to facilitate theft of intellectual property and trade secrets,\" Dmitri Alperovitch, co-founder of CrowdStrike, wrote in a blog post."
	inputs := []struct{ name, text string }{
		{"a.txt", "China hackers tested the pact\n\n" + body},
		{"b.txt", "China hackers tested the pact\n\n" + body + "\n\nADVERTISEMENT"},
		{"c.txt", "Xi's visit to London\n\nThe UK and China agreed on Thursday not to conduct cyber-enabled theft of intellectual property."},
	}
	var out []osint.Article
	for _, in := range inputs {
		as, errs := osint.Read(in.name, []byte(in.text), osint.ReadOptions{Outlet: "Outlet " + in.name, Published: pub})
		if len(errs) > 0 || len(as) != 1 {
			t.Fatalf("Read(%s) = %d articles, %v", in.name, len(as), errs)
		}
		out = append(out, as[0])
	}
	return out
}

func testArticlesIdempotent(t *testing.T, open Opener) {
	ctx := t.Context()
	s := opened(t, open)
	as := sampleArticles(t)
	st := must[store.ArticleStats](t, "PutArticles")(s.PutArticles(ctx, as))
	if want := (store.ArticleStats{New: 3}); st != want {
		t.Errorf("PutArticles(3 new) = %+v, want %+v", st, want)
	}
	st = must[store.ArticleStats](t, "PutArticles again")(s.PutArticles(ctx, []osint.Article{as[2], as[0]}))
	if want := (store.ArticleStats{Unchanged: 2}); st != want {
		t.Errorf("PutArticles(same again) = %+v, want %+v", st, want)
	}
	got := must[[]osint.Article](t, "Articles")(s.Articles(ctx))
	if diff := cmp.Diff(as, got, cmpOpts); diff != "" {
		t.Errorf("Articles() mismatch (-want +got):\n%s", diff)
	}
}

func testArticlesUpdated(t *testing.T, open Opener) {
	ctx := t.Context()
	s := opened(t, open)
	as := sampleArticles(t)
	must[store.ArticleStats](t, "PutArticles")(s.PutArticles(ctx, as[:2]))
	changed := as[1]
	changed.Published = time.Date(2015, 10, 20, 0, 0, 0, 0, time.UTC)
	st := must[store.ArticleStats](t, "PutArticles changed")(s.PutArticles(ctx, []osint.Article{as[0], changed, as[2]}))
	if want := (store.ArticleStats{New: 1, Updated: 1, Unchanged: 1}); st != want {
		t.Errorf("PutArticles(one new, one changed, one same) = %+v, want %+v", st, want)
	}
	got := must[[]osint.Article](t, "Articles")(s.Articles(ctx))
	if want := []osint.Article{as[0], changed, as[2]}; !cmp.Equal(want, got, cmpOpts) {
		t.Errorf("Articles() after update mismatch (-want +got):\n%s", cmp.Diff(want, got, cmpOpts))
	}
}

func testArticlesBadIDs(t *testing.T, open Opener) {
	ctx := t.Context()
	s := opened(t, open)
	as := sampleArticles(t)
	noID := as[0]
	noID.ID = ""
	for name, batch := range map[string][]osint.Article{
		"empty id":    {as[1], noID},
		"repeated id": {as[0], as[1], as[0]},
	} {
		if _, err := s.PutArticles(ctx, batch); err == nil {
			t.Errorf("PutArticles(%s) = nil error, want one", name)
		}
	}
	if got := must[[]osint.Article](t, "Articles")(s.Articles(ctx)); len(got) != 0 {
		t.Errorf("Articles() after refused batches = %d articles, want 0", len(got))
	}
}

func analysed(t *testing.T) store.OSINT {
	t.Helper()
	res := osint.Analyse(sampleArticles(t), osint.Options{Ratings: osint.Ratings{Default: osint.FairlyReliable}})
	if len(res.Sources) != 2 || len(res.Claims) == 0 || len(res.Reports) == 0 {
		t.Fatalf("Analyse(sample) = %d sources, %d claims, %d reports; want 2 sources and some claims", len(res.Sources), len(res.Claims), len(res.Reports))
	}
	return store.OSINT{Sources: res.Sources, Stories: res.Stories, Claims: res.Claims, Reports: res.Reports}
}

func testReplaceOSINT(t *testing.T, open Opener) {
	ctx := t.Context()
	s := opened(t, open)
	empty := must[store.OSINT](t, "OSINT empty")(s.OSINT(ctx))
	if len(empty.Sources)+len(empty.Stories)+len(empty.Claims)+len(empty.Reports) != 0 {
		t.Errorf("OSINT() on an empty store = %+v, want nothing", empty)
	}
	want := analysed(t)
	if err := s.ReplaceOSINT(ctx, want); err != nil {
		t.Fatalf("ReplaceOSINT: %v", err)
	}
	got := must[store.OSINT](t, "OSINT")(s.OSINT(ctx))
	if diff := cmp.Diff(want, got, osintCmp); diff != "" {
		t.Errorf("OSINT() after ReplaceOSINT mismatch (-want +got):\n%s", diff)
	}
	// A second replace leaves only the new set.
	smaller := store.OSINT{Sources: want.Sources[:1], Reports: want.Reports[len(want.Reports)-1:]}
	if err := s.ReplaceOSINT(ctx, smaller); err != nil {
		t.Fatalf("ReplaceOSINT(smaller): %v", err)
	}
	got = must[store.OSINT](t, "OSINT")(s.OSINT(ctx))
	if diff := cmp.Diff(smaller, got, osintCmp); diff != "" {
		t.Errorf("OSINT() after a second ReplaceOSINT mismatch (-want +got):\n%s", diff)
	}
	// A failing replace (duplicate source id) keeps the old set.
	bad := store.OSINT{Sources: []osint.Source{want.Sources[0], want.Sources[0]}}
	if err := s.ReplaceOSINT(ctx, bad); err == nil {
		t.Errorf("ReplaceOSINT(duplicate source ids) = nil, want an error")
	}
	got = must[store.OSINT](t, "OSINT")(s.OSINT(ctx))
	if diff := cmp.Diff(smaller, got, osintCmp); diff != "" {
		t.Errorf("OSINT() after a failed ReplaceOSINT mismatch (-want +got):\n%s", diff)
	}
}

func testRatings(t *testing.T, open Opener) {
	ctx := t.Context()
	s := opened(t, open)
	if got := must[map[string]osint.Reliability](t, "Ratings")(s.Ratings(ctx)); len(got) != 0 {
		t.Errorf("Ratings() on an empty store = %v, want none", got)
	}
	if err := s.PutRatings(ctx, map[string]osint.Reliability{"Reuters": "B", "Daily Rumour": "E"}); err != nil {
		t.Fatalf("PutRatings: %v", err)
	}
	if err := s.PutRatings(ctx, map[string]osint.Reliability{"reuters": "A"}); err != nil {
		t.Fatalf("PutRatings(again): %v", err)
	}
	for _, bad := range []map[string]osint.Reliability{{"X": "G"}, {"X": ""}, {" ": "A"}} {
		if err := s.PutRatings(ctx, bad); err == nil {
			t.Errorf("PutRatings(%v) = nil, want an error", bad)
		}
	}
	got := must[map[string]osint.Reliability](t, "Ratings")(s.Ratings(ctx))
	want := map[string]osint.Reliability{"reuters": "A", "Daily Rumour": "E"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Ratings() mismatch (-want +got):\n%s", diff)
	}
}

func catalogSample() []osint.Report {
	return []osint.Report{
		{Key: "cfr:b", Kind: "attribution", Text: "Deep Panda, sponsored by China, targeted Anthem", Date: "2015-02-04", Value: "Deep Panda",
			IndependentSources: 1, Sources: []string{"cfr"}, Articles: []string{"cfr:b"}, Reliability: "B", Credibility: 3, Grade: "B3",
			Links: osint.Links{Actors: []string{"Deep Panda"}, States: []string{"CN"}}},
		{Key: "eurepoc:a", Kind: "attribution", Text: "APT3 targeted firms", Date: "2014-06-01", Value: "APT3",
			IndependentSources: 1, Sources: []string{"eurepoc"}, Reliability: "B", Credibility: 3, Grade: "B3"},
	}
}

func testCatalogReports(t *testing.T, open Opener) {
	ctx := t.Context()
	s := opened(t, open)
	rs := catalogSample()
	if n := must[int](t, "PutCatalogReports")(s.PutCatalogReports(ctx, rs)); n != 2 {
		t.Errorf("PutCatalogReports(2 new) = %d, want 2", n)
	}
	changed := rs[0]
	changed.Text = "Deep Panda targeted Anthem"
	if n := must[int](t, "PutCatalogReports again")(s.PutCatalogReports(ctx, []osint.Report{changed, rs[1]})); n != 0 {
		t.Errorf("PutCatalogReports(same keys) = %d new, want 0", n)
	}
	if _, err := s.PutCatalogReports(ctx, []osint.Report{{Text: "no key"}}); err == nil {
		t.Errorf("PutCatalogReports(empty key) = nil, want an error")
	}
	got := must[[]osint.Report](t, "CatalogReports")(s.CatalogReports(ctx))
	want := []osint.Report{rs[1], changed} // by date
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("CatalogReports() mismatch (-want +got):\n%s", diff)
	}
}

func testOSINTPersists(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open(t)
	as := sampleArticles(t)
	must[store.ArticleStats](t, "PutArticles")(s.PutArticles(ctx, as))
	want := analysed(t)
	if err := s.ReplaceOSINT(ctx, want); err != nil {
		t.Fatalf("ReplaceOSINT: %v", err)
	}
	if err := s.PutRatings(ctx, map[string]osint.Reliability{"Reuters": "B"}); err != nil {
		t.Fatalf("PutRatings: %v", err)
	}
	must[int](t, "PutCatalogReports")(s.PutCatalogReports(ctx, catalogSample()))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = opened(t, open)
	if got := must[[]osint.Article](t, "Articles")(s.Articles(ctx)); !cmp.Equal(as, got, cmpOpts) {
		t.Errorf("Articles() after reopening mismatch (-want +got):\n%s", cmp.Diff(as, got, cmpOpts))
	}
	got := must[store.OSINT](t, "OSINT")(s.OSINT(ctx))
	if diff := cmp.Diff(want, got, osintCmp); diff != "" {
		t.Errorf("OSINT() after reopening mismatch (-want +got):\n%s", diff)
	}
	if got := must[map[string]osint.Reliability](t, "Ratings")(s.Ratings(ctx)); got["Reuters"] != "B" {
		t.Errorf("Ratings() after reopening = %v, want Reuters B", got)
	}
	if got := must[[]osint.Report](t, "CatalogReports")(s.CatalogReports(ctx)); len(got) != 2 {
		t.Errorf("CatalogReports() after reopening = %d, want 2", len(got))
	}
	if st := must[store.ArticleStats](t, "PutArticles after reopening")(s.PutArticles(ctx, as)); st != (store.ArticleStats{Unchanged: 3}) {
		t.Errorf("PutArticles(same, after reopening) = %+v, want all unchanged", st)
	}
}

// osintCmp compares derived results the way a round trip through JSON
// keeps them: a date's offsets in its sentence and resolved time are not
// stored.
var osintCmp = cmp.Options{cmpOpts, cmpopts.IgnoreUnexported(osint.Date{}), cmpopts.IgnoreFields(osint.Date{}, "Start", "End")}
