package store

import (
	"context"

	"github.com/pactwatch/pactwatch/internal/osint"
)

// ArticleStore keeps open-source reporting: the articles as read, what
// osint.Analyse derived from all of them (sources, stories, claims,
// corroborated reports), per-outlet reliability grades, and claims taken
// from public catalogues of state cyber operations (CFR, EuRepoC).
//
// Articles are the input and are kept; everything derived is replaced as a
// whole (ReplaceOSINT) after each ingest, since one new article can merge
// sources, join stories and change every count of independent sources.
type ArticleStore interface {
	// PutArticles stores articles under their ID, the natural key. An
	// article stored before with every field equal is left alone; one
	// with the same ID and different content or metadata replaces it
	// (a corrected file, a corrected --published). IDs must be non-empty
	// and unique within the call. Re-ingesting the same input adds nothing.
	PutArticles(ctx context.Context, articles []osint.Article) (ArticleStats, error)
	// Articles lists every stored article, ordered by ID.
	Articles(ctx context.Context) ([]osint.Article, error)
	// ReplaceOSINT replaces every stored source, story, claim and report
	// with r's in one transaction: readers see the old set or the new one.
	ReplaceOSINT(ctx context.Context, r OSINT) error
	// OSINT returns the stored sources, stories, claims and reports in the
	// order they were given to ReplaceOSINT.
	OSINT(ctx context.Context) (OSINT, error)

	// PutRatings sets the Admiralty reliability of outlets (name -> A..F),
	// keyed by the outlet name without case; a later grade replaces an
	// earlier one. Grades that are not A to F are refused.
	PutRatings(ctx context.Context, ratings map[string]osint.Reliability) error
	// Ratings returns every stored outlet grade.
	Ratings(ctx context.Context) (map[string]osint.Reliability, error)

	// PutCatalogReports stores reports taken from public catalogues under
	// their Key, the natural key; a report with a stored key replaces it.
	// It returns how many were new.
	PutCatalogReports(ctx context.Context, reports []osint.Report) (int, error)
	// CatalogReports lists the stored catalogue reports, ordered by date,
	// then key.
	CatalogReports(ctx context.Context) ([]osint.Report, error)
}

// ArticleStats counts what PutArticles did.
type ArticleStats struct {
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// OSINT is the full set of results derived from the stored articles.
type OSINT struct {
	Sources []osint.Source `json:"sources"`
	Stories []osint.Story  `json:"stories"`
	Claims  []osint.Claim  `json:"claims"`
	Reports []osint.Report `json:"reports"`
}
