package osint

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Reliability is the Admiralty (NATO) grade of a source's reliability:
// A completely reliable, B usually reliable, C fairly reliable, D not
// usually reliable, E unreliable, F cannot be judged.
type Reliability string

// Reliability grades.
const (
	Reliable        Reliability = "A"
	UsuallyReliable Reliability = "B"
	FairlyReliable  Reliability = "C"
	NotUsually      Reliability = "D"
	Unreliable      Reliability = "E"
	CannotBeJudged  Reliability = "F"
)

// Valid reports whether r is one of A to F.
func (r Reliability) Valid() bool { return len(r) == 1 && r[0] >= 'A' && r[0] <= 'F' }

// Credibility grades on the Admiralty scale, 1 to 6.
const (
	Confirmed       = 1 // confirmed by other independent sources
	ProbablyTrue    = 2
	PossiblyTrue    = 3
	Doubtful        = 4
	Improbable      = 5
	CannotBeJudged6 = 6 // truth cannot be judged
)

// Ratings set the reliability of outlets. Outlet names are matched
// without case, spaces or a leading "The".
type Ratings struct {
	Default Reliability            // for outlets not listed; "" means F
	Outlets map[string]Reliability // outlet name -> grade
}

// Of returns the reliability of an outlet.
func (r Ratings) Of(outlet string) Reliability {
	k := outletKey(outlet)
	for name, g := range r.Outlets {
		if outletKey(name) == k && g.Valid() {
			return g
		}
	}
	if r.Default.Valid() {
		return r.Default
	}
	return CannotBeJudged
}

// Report is a claim as corroborated across sources and graded: what
// pactwatch stores as open-source intelligence.
type Report struct {
	Key   string `json:"key"`
	Kind  Kind   `json:"kind"`
	Text  string `json:"text"`
	Date  string `json:"date,omitempty"`
	When  *Date  `json:"when,omitempty"`
	Value string `json:"value,omitempty"`
	// IndependentSources counts distinct sources (syndicated copies are one).
	IndependentSources int      `json:"independent_sources"`
	Sources            []string `json:"sources"`
	Articles           []string `json:"articles"`
	Outlets            []string `json:"outlets,omitempty"`
	Claims             []string `json:"claims"` // claim ids
	Links              Links    `json:"links,omitzero"`
	// Evidence is the sentence of each claim, one per article, in the
	// order of Articles.
	Evidence []string `json:"evidence"`

	Reliability Reliability `json:"reliability"` // the best of its sources
	Credibility int         `json:"credibility"` // 1..6
	Grade       string      `json:"grade"`       // Reliability and Credibility, e.g. "B2"
	// Conflicts lists the keys of reports from other sources that say
	// otherwise about the same thing (another count, another date).
	Conflicts []string `json:"conflicts,omitempty"`

	Claim Claim `json:"claim"` // the claim shown for it, from its best-rated source
}

// Corroborate merges claims with the same Kind and Key into reports and
// counts the independent sources behind each: articles of one source
// (near-duplicates) count once. An article missing from sources counts as
// its own source. Reports come sorted by kind (in Kinds order), then by
// independent sources (most first), then key.
func Corroborate(claims []Claim, sources []Source, ratings Ratings) []Report {
	srcOf := SourceOf(sources)
	outlet := map[string]string{}
	for _, s := range sources {
		outlet[s.ID] = s.Outlet
	}
	type acc struct {
		r    Report
		srcs map[string]bool
		best Reliability
	}
	byKey := map[string]*acc{}
	var order []string
	for _, c := range claims {
		k := string(c.Kind) + "\x00" + c.Key
		a, ok := byKey[k]
		if !ok {
			a = &acc{srcs: map[string]bool{}, r: Report{Key: c.Key, Kind: c.Kind}}
			byKey[k] = a
			order = append(order, k)
		}
		src := srcOf[c.ArticleID]
		if src == "" {
			src = "source:" + c.ArticleID
		}
		rel := ratings.Of(outlet[src])
		if !a.srcs[src] {
			a.srcs[src] = true
			a.r.Sources = append(a.r.Sources, src)
			if o := outlet[src]; o != "" && !slices.Contains(a.r.Outlets, o) {
				a.r.Outlets = append(a.r.Outlets, o)
			}
		}
		a.r.Articles = append(a.r.Articles, c.ArticleID)
		a.r.Claims = append(a.r.Claims, c.ID)
		a.r.Evidence = append(a.r.Evidence, c.Sentence)
		a.r.Links = mergeLinks(a.r.Links, c.Links)
		if a.best == "" || rel < a.best {
			a.best = rel
			a.r.Claim = c
		}
	}
	out := make([]Report, 0, len(order))
	slots := map[string][]int{}
	for _, k := range order {
		a := byKey[k]
		r := a.r
		c := r.Claim
		r.Text, r.Date, r.When, r.Value = c.Text, c.Date, c.When, c.Value
		r.IndependentSources = len(a.srcs)
		r.Reliability = a.best
		sort.Strings(r.Sources)
		if s := slot(c); s != "" {
			slots[s] = append(slots[s], len(out))
		}
		out = append(out, r)
	}
	// reports in one slot with different keys contradict each other, unless
	// one source says both
	for _, idx := range slots {
		for _, i := range idx {
			for _, j := range idx {
				if i != j && out[i].Key != out[j].Key && disjoint(out[i].Sources, out[j].Sources) {
					out[i].Conflicts = append(out[i].Conflicts, out[j].Key)
				}
			}
		}
	}
	for i := range out {
		r := &out[i]
		r.Credibility = credibility(r.IndependentSources, r.Reliability, len(r.Conflicts) > 0)
		r.Grade = fmt.Sprintf("%s%d", r.Reliability, r.Credibility)
	}
	rank := map[Kind]int{}
	for i, k := range Kinds {
		rank[k] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return rank[out[i].Kind] < rank[out[j].Kind]
		}
		if out[i].IndependentSources != out[j].IndependentSources {
			return out[i].IndependentSources > out[j].IndependentSources
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// credibility grades a report from how many independent sources carry it,
// how reliable the best is, and whether other sources contradict it.
func credibility(n int, best Reliability, conflicted bool) int {
	var c int
	switch {
	case n >= 3:
		c = Confirmed
	case n == 2:
		c = ProbablyTrue
	case best <= FairlyReliable:
		c = PossiblyTrue
	case best <= Unreliable:
		c = Doubtful
	default:
		c = CannotBeJudged6
	}
	if conflicted && c < Doubtful {
		c++ // contradicted elsewhere: one step less credible
	}
	return c
}

// slot names what a claim states a value of, so that different values
// from different sources conflict: the number of intrusions, the date of
// the first intrusion after an agreement.
func slot(c Claim) string {
	switch c.Kind {
	case KindCount:
		if c.Count != nil && !c.Count.AtLeast && c.Count.Vague == "" && c.Count.Class == "intrusions" {
			return "count|intrusions|" + strings.Join(c.Sectors, ",")
		}
	case KindIntrusion:
		if c.First && c.Links.AgreementID != "" && c.Date != "" && c.When != nil && !c.When.Approximate {
			return "first-intrusion|" + c.Links.AgreementID
		}
	}
	return ""
}

func disjoint(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func mergeLinks(a, b Links) Links {
	add := func(dst []string, src []string) []string {
		for _, s := range src {
			if !slices.Contains(dst, s) {
				dst = append(dst, s)
			}
		}
		return dst
	}
	a.ActorIDs = add(a.ActorIDs, b.ActorIDs)
	a.Actors = add(a.Actors, b.Actors)
	a.States = add(a.States, b.States)
	a.Organisations = add(a.Organisations, b.Organisations)
	if a.AgreementID == "" {
		a.AgreementID = b.AgreementID
	}
	return a
}
