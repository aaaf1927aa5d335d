// Package synth generates deterministic synthetic news articles with known
// near-duplicate structure, for measuring duplicate detection: originals
// grouped into stories, and copies of originals with known edits
// (syndicated verbatim or with small changes, an added title, inserted
// advertisements, a cut ending, or several of these). Distinct articles on
// one story share some sentences (quotes, facts) and topic words, the hard
// case that must stay apart.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Edit names one change made to a copy.
type Edit string

// Edits a copy may carry.
const (
	Verbatim  Edit = "verbatim"   // syndicated unchanged
	Retouched Edit = "retouched"  // a few words, case and punctuation changed
	AddTitle  Edit = "add-title"  // a new headline line on top
	InsertAds Edit = "insert-ads" // advertisement and share lines between paragraphs
	CutEnding Edit = "cut-ending" // the last paragraphs dropped (40-90% kept)
)

// Article is one generated article and its ground truth.
type Article struct {
	ID     string
	Text   string
	Source int    // articles with the same Source are copies of one original
	Story  int    // originals with the same Story are different articles on one story
	Edits  []Edit // empty for an original
}

type gen struct {
	r     *rand.Rand
	vocab []string
	zipf  *rand.Zipf
	ads   []string
}

func newGen(seed uint64) *gen {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	syl := []string{"ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "an", "qui", "ber", "ny", "pa", "ste", "gor", "li", "mon", "ra", "ti", "zen", "ho", "fa", "ul", "cre"}
	seen := map[string]bool{}
	g := &gen{r: r}
	for len(g.vocab) < 30000 {
		n := 1 + r.IntN(4)
		var b strings.Builder
		for range n {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		w := b.String()
		if !seen[w] {
			seen[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	g.zipf = rand.NewZipf(r, 1.07, 2, uint64(len(g.vocab)-1))
	g.ads = []string{
		"ADVERTISEMENT",
		"Advertisement",
		"Like Us on Facebook",
		"Share this article on Twitter",
		"Subscribe to our newsletter for the latest news",
		"Story continues below advertisement",
		"Donations tax deductible to the full extent allowed by law.",
		"Click here to read more stories like this",
		"Follow us on Twitter and Facebook",
		"Sign up for our daily briefing, delivered free to your inbox every morning",
	}
	return g
}

func (g *gen) word(topic []string) string {
	if len(topic) > 0 && g.r.IntN(5) == 0 {
		return topic[g.r.IntN(len(topic))]
	}
	return g.vocab[g.zipf.Uint64()]
}

func (g *gen) sentence(topic []string, lo, hi int) string {
	n := lo + g.r.IntN(hi-lo+1)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word(topic)
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	if g.r.IntN(4) == 0 && n > 6 {
		ws[n/2] += ","
	}
	return strings.Join(ws, " ") + "."
}

type story struct {
	topic  []string
	shared []string // sentences that several articles on the story repeat
}

func (g *gen) story() story {
	s := story{}
	for range 40 {
		s.topic = append(s.topic, g.vocab[g.r.IntN(len(g.vocab))])
	}
	for range 6 {
		s.shared = append(s.shared, "“"+strings.TrimSuffix(g.sentence(s.topic, 10, 22), ".")+",” "+g.word(nil)+" said.")
	}
	return s
}

// original writes paragraphs for one article on s.
func (g *gen) original(s story) []string {
	np := 4 + g.r.IntN(8)
	paras := make([]string, np)
	for i := range paras {
		ns := 1 + g.r.IntN(3)
		var ss []string
		for range ns {
			ss = append(ss, g.sentence(s.topic, 8, 26))
		}
		paras[i] = strings.Join(ss, " ")
	}
	// one or two of the story's shared sentences, as their own paragraphs
	for range 1 + g.r.IntN(2) {
		at := g.r.IntN(np + 1)
		q := s.shared[g.r.IntN(len(s.shared))]
		paras = append(paras[:at], append([]string{q}, paras[at:]...)...)
	}
	return paras
}

func (g *gen) copyOf(paras []string, s story) ([]string, []Edit) {
	out := append([]string(nil), paras...)
	var edits []Edit
	roll := g.r.IntN(100)
	switch {
	case roll < 20:
		return out, []Edit{Verbatim}
	case roll < 40:
		edits = []Edit{Retouched}
	case roll < 55:
		edits = []Edit{AddTitle}
	case roll < 70:
		edits = []Edit{InsertAds}
	case roll < 85:
		edits = []Edit{CutEnding}
	default:
		pool := []Edit{Retouched, AddTitle, InsertAds, CutEnding}
		g.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		edits = pool[:2+g.r.IntN(2)]
	}
	for _, e := range edits {
		switch e {
		case Retouched:
			for i, p := range out {
				ws := strings.Fields(p)
				for j := range ws {
					switch g.r.IntN(150) {
					case 0:
						ws[j] = g.word(s.topic)
					case 1:
						ws[j] = strings.ToUpper(ws[j])
					case 2:
						ws[j] = strings.TrimRight(ws[j], ".,") + ";"
					}
				}
				out[i] = strings.Join(ws, " ")
			}
		case AddTitle:
			out = append([]string{strings.TrimSuffix(g.sentence(s.topic, 5, 11), ".")}, out...)
		case InsertAds:
			for range 1 + g.r.IntN(3) {
				at := 1 + g.r.IntN(len(out))
				out = append(out[:at], append([]string{g.ads[g.r.IntN(len(g.ads))]}, out[at:]...)...)
			}
		case CutEnding:
			keep := max(2, int(float64(len(out))*(0.4+0.5*g.r.Float64())+0.5))
			if keep < len(out) {
				out = out[:keep]
			}
		}
	}
	return out, edits
}

// Generate returns n articles made from seed; the same seed always gives
// the same articles. About a third are copies of another article.
func Generate(n int, seed uint64) []Article {
	g := newGen(seed)
	out := make([]Article, 0, n)
	src := 0
	for st := 0; len(out) < n; st++ {
		s := g.story()
		for range 1 + g.r.IntN(4) { // distinct articles on the story
			if len(out) >= n {
				break
			}
			paras := g.original(s)
			out = append(out, Article{ID: fmt.Sprintf("a%07d", len(out)), Text: strings.Join(paras, "\n\n"), Source: src, Story: st})
			ncopies := 0
			if g.r.IntN(2) == 0 {
				ncopies = 1 + g.r.IntN(3)
			}
			for range ncopies {
				if len(out) >= n {
					break
				}
				cp, edits := g.copyOf(paras, s)
				out = append(out, Article{ID: fmt.Sprintf("a%07d", len(out)), Text: strings.Join(cp, "\n\n"), Source: src, Story: st, Edits: edits})
			}
			src++
		}
	}
	// interleave so copies are not next to their originals
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
