package osint

import (
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/pact"
)

// Options configure Analyse.
type Options struct {
	Actors     []intel.Actor    // intel records to resolve actor names against
	Agreements []pact.Agreement // nil means pact.Builtin()
	Ratings    Ratings          // outlet reliability; zero grades every outlet F
	Group      GroupOptions
}

// Result is everything Analyse finds.
type Result struct {
	Articles []Article `json:"articles"`
	Sources  []Source  `json:"sources"`
	Stories  []Story   `json:"stories"`
	Claims   []Claim   `json:"claims"`
	Reports  []Report  `json:"reports"`
}

// Analyse extracts the claims of every article, collapses near-duplicates
// into sources, groups stories and corroborates the claims.
func Analyse(articles []Article, opt Options) Result {
	if opt.Agreements == nil {
		opt.Agreements = pact.Builtin()
	}
	x := NewExtractor(opt.Actors, opt.Agreements)
	var claims []Claim
	for _, a := range articles {
		claims = append(claims, x.Extract(a)...)
	}
	sources, stories := Group(articles, claims, opt.Group)
	return Result{
		Articles: articles,
		Sources:  sources,
		Stories:  stories,
		Claims:   claims,
		Reports:  Corroborate(claims, sources, opt.Ratings),
	}
}
