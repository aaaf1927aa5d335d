package osint

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/osint/dedup"
)

// Source is a set of near-duplicate articles: one original and its
// syndicated or edited copies. It counts once as evidence.
type Source struct {
	ID        string    `json:"id"`    // "source:" + its first article id
	Story     string    `json:"story"` // the Story it belongs to
	Outlet    string    `json:"outlet,omitempty"`
	Outlets   []string  `json:"outlets,omitempty"`  // every outlet that ran it
	Articles  []string  `json:"articles"`           // article ids, ascending
	Files     []string  `json:"files,omitempty"`    // input files of the articles
	Published time.Time `json:"published,omitzero"` // the earliest publication date known
	// Similarity is the lowest shingle containment between a copy and the
	// source's first article (1 for a single article).
	Similarity float64 `json:"similarity"`
}

// Story is a set of sources reporting one story: different articles, not
// copies, tied by what they share.
type Story struct {
	ID       string   `json:"id"` // "story:" + its first article id
	Sources  []string `json:"sources"`
	Articles []string `json:"articles"`
	// Shared lists the claim keys (agreements, actors, organisations,
	// speakers) that tied its sources together.
	Shared []string `json:"shared,omitempty"`
}

// GroupOptions tune Group.
type GroupOptions struct {
	Dedup dedup.Options
	// StoryWindow is the most time between two sources' publication dates
	// for them to be one story; 0 means 45 days. Sources with no date are
	// not held to it.
	StoryWindow time.Duration
	// StoryShared is the number of entities (agreements, actors,
	// organisations, quoted speakers) two sources must share to be one
	// story; 0 means 2.
	StoryShared int
}

// Group collapses near-duplicate articles into sources and groups sources
// into stories. claims are the articles' claims (Extract), used for the
// entities that tie a story; they may be nil.
func Group(articles []Article, claims []Claim, opt GroupOptions) ([]Source, []Story) {
	if opt.StoryWindow == 0 {
		opt.StoryWindow = 45 * 24 * time.Hour
	}
	if opt.StoryShared == 0 {
		opt.StoryShared = 2
	}
	texts := make([]string, len(articles))
	for i, a := range articles {
		texts[i] = a.Text
	}
	res := dedup.Cluster(texts, opt.Dedup)
	sim := map[[2]int]float64{}
	for _, p := range res.Copies {
		sim[[2]int{p.A, p.B}] = p.Containment
	}
	sources := make([]Source, len(res.Groups))
	for g, members := range res.Groups {
		sort.Slice(members, func(i, j int) bool { return articles[members[i]].ID < articles[members[j]].ID })
		s := Source{Similarity: 1}
		for _, i := range members {
			a := articles[i]
			s.Articles = append(s.Articles, a.ID)
			if a.File != "" && !slices.Contains(s.Files, a.File) {
				s.Files = append(s.Files, a.File)
			}
			if a.Outlet != "" && !slices.Contains(s.Outlets, a.Outlet) {
				s.Outlets = append(s.Outlets, a.Outlet)
			}
			if !a.Published.IsZero() && (s.Published.IsZero() || a.Published.Before(s.Published)) {
				s.Published = a.Published
				if a.Outlet != "" {
					s.Outlet = a.Outlet
				}
			}
			if i != members[0] {
				x, y := min(i, members[0]), max(i, members[0])
				if v, ok := sim[[2]int{x, y}]; ok {
					s.Similarity = min(s.Similarity, v)
				}
			}
		}
		if s.Outlet == "" && len(s.Outlets) > 0 {
			s.Outlet = s.Outlets[0]
		}
		s.ID = "source:" + s.Articles[0]
		sources[g] = s
	}

	// entities per source
	srcOf := map[string]int{}
	for g, s := range sources {
		for _, id := range s.Articles {
			srcOf[id] = g
		}
	}
	ents := make([]map[string]bool, len(sources))
	for i := range ents {
		ents[i] = map[string]bool{}
	}
	for _, c := range claims {
		g, ok := srcOf[c.ArticleID]
		if !ok {
			continue
		}
		switch c.Kind {
		case KindAgreement, KindActor, KindOrganisation:
			ents[g][string(c.Kind)+":"+c.Key] = true
		case KindQuote:
			if c.Quote != nil {
				ents[g]["speaker:"+intel.NameKey(lastWord(c.Quote.Speaker))] = true
			}
		}
	}
	parent := make([]int, len(sources))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	join := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	shared := map[int]map[string]bool{}
	note := func(a, b int, keys []string) {
		for _, g := range []int{a, b} {
			if shared[g] == nil {
				shared[g] = map[string]bool{}
			}
			for _, k := range keys {
				shared[g][k] = true
			}
		}
	}
	for _, p := range res.Related {
		a, b := res.Group[p.A], res.Group[p.B]
		if a != b {
			join(a, b)
			note(a, b, []string{"shared-passage"})
		}
	}
	for i := range sources {
		for j := i + 1; j < len(sources); j++ {
			if !within(sources[i].Published, sources[j].Published, opt.StoryWindow) {
				continue
			}
			var common []string
			for k := range ents[i] {
				if ents[j][k] {
					common = append(common, k)
				}
			}
			if len(common) >= opt.StoryShared {
				join(i, j)
				note(i, j, common)
			}
		}
	}
	byRoot := map[int]*Story{}
	var roots []int
	for i := range sources {
		r := find(i)
		st, ok := byRoot[r]
		if !ok {
			st = &Story{}
			byRoot[r] = st
			roots = append(roots, r)
		}
		st.Sources = append(st.Sources, sources[i].ID)
		st.Articles = append(st.Articles, sources[i].Articles...)
		for k := range shared[i] {
			if !slices.Contains(st.Shared, k) {
				st.Shared = append(st.Shared, k)
			}
		}
	}
	stories := make([]Story, 0, len(roots))
	for _, r := range roots {
		st := byRoot[r]
		sort.Strings(st.Articles)
		sort.Strings(st.Sources)
		sort.Strings(st.Shared)
		st.ID = "story:" + st.Articles[0]
		for i := range sources {
			if find(i) == r {
				sources[i].Story = st.ID
			}
		}
		stories = append(stories, *st)
	}
	sort.Slice(sources, func(i, j int) bool { return sources[i].ID < sources[j].ID })
	sort.Slice(stories, func(i, j int) bool { return stories[i].ID < stories[j].ID })
	return sources, stories
}

func within(a, b time.Time, w time.Duration) bool {
	if a.IsZero() || b.IsZero() {
		return true
	}
	return absDur(a.Sub(b)) <= w
}

// SourceOf maps each article id to the id of its source.
func SourceOf(sources []Source) map[string]string {
	m := map[string]string{}
	for _, s := range sources {
		for _, a := range s.Articles {
			m[a] = s.ID
		}
	}
	return m
}

// outletKey folds an outlet name for rating lookup.
func outletKey(s string) string {
	return intel.NameKey(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "The "), "the "))
}
