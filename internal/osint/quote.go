package osint

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/lazyre"
)

// maxWindow bounds, in bytes, the text searched for a quote's speaker
// before and after it, so that a pathological paragraph costs linear time.
const maxWindow = 400

// clip returns at most n bytes of s, cut at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// minQuoteWords is the fewest words a quotation needs to be a quote claim:
// shorter ones are scare quotes or titles ("disturbing", "high-level
// security dialogue").
const minQuoteWords = 5

const speechVerbs = `said|says|wrote|writes|added|adds|told|tells|argued|argues|warned|warns|noted|notes|explained|explains|stated|states|cautioned|insisted|claimed|commented|asked|urged|replied|responded|declared|acknowledged|conceded`

var (
	// “...,” said NAME, ROLE
	reVerbName = lazyre.New(`^[\s,]*(` + speechVerbs + `)\s+((?:[^.;“"]|\.\S)+?)(?:[.;](?:\s|$)|$|\s+(?:in|on|at|during)\s)`)
	// “...,” NAME said / NAME, ROLE, said
	reNameVerb = lazyre.New(`^[\s,]*((?:[^.;“"]|\.\S|(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen)\.\s)+?)\s+(` + speechVerbs + `)\b`)
	// NAME(, ROLE,) said (that) ... “...”
	reIntro = lazyre.New(`((?:[^.;“"]|\.\S|(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen)\.\s)+?)\s+(` + speechVerbs + `)(?:\s+that)?\b[^“"]*$`)
	// NAME(, ROLE,) argued that ... (reported speech at a sentence's start)
	reReported = lazyre.New(`^((?:[^.;“"]|\.\S|(?:Mr|Mrs|Ms|Dr|Prof)\.\s)+?)\s+(` + speechVerbs + `)\b`)
	// According to NAME, ...
	reAccording = lazyre.New(`(?i)\baccording to\s+([^,.;“"]{2,120})`)
)

var pronouns = map[string]bool{"he": true, "she": true, "they": true, "him": true, "her": true, "his": true}

// quoteSpan is one quotation in a paragraph.
type quoteSpan struct {
	start, end int // the marks included
	text       string
}

// findQuotes finds quotations: curly “...” pairs and straight "..." pairs.
// A quotation left open runs to the end of the paragraph.
func findQuotes(p string) []quoteSpan {
	var out []quoteSpan
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		var closeMark string
		switch r {
		case '“':
			closeMark = "”"
		case '"':
			closeMark = `"`
		default:
			i += n
			continue
		}
		j := strings.Index(p[i+n:], closeMark)
		end := len(p)
		if j >= 0 {
			end = i + n + j + len(closeMark)
			out = append(out, quoteSpan{start: i, end: end, text: p[i+n : i+n+j]})
		} else {
			out = append(out, quoteSpan{start: i, end: end, text: p[i+n:]})
		}
		i = end
	}
	return out
}

// quotes finds quotations with their speakers, paragraph by paragraph.
func (x *Extractor) quotes(st *articleState) {
	paras := map[int][]Sentence{}
	var order []int
	for _, s := range st.ss {
		if _, ok := paras[s.Paragraph]; !ok {
			order = append(order, s.Paragraph)
		}
		paras[s.Paragraph] = append(paras[s.Paragraph], s)
	}
	for _, pi := range order {
		ss := paras[pi]
		lo, hi := ss[0].Start, ss[len(ss)-1].End
		p := st.a.Text[lo:hi]
		var paraSpeaker *person
		if m := reAccording.FindStringSubmatch(p); m != nil {
			if sp, ok := x.speaker(st, m[1]); ok {
				paraSpeaker = &sp
			}
		}
		// people named as speakers in reported speech ("F-Secure security
		// adviser, Tom Gaffney, argued that ...") are who "he" may mean later
		for _, s := range ss {
			if !strings.ContainsAny(s.Text, "“\"") {
				if m := reReported.FindStringSubmatch(clip(s.Text, maxWindow)); m != nil {
					if sp, ok := x.speaker(st, m[1]); ok && len(strings.Fields(sp.name)) > 1 {
						st.lastSpeak = &sp
					}
				}
			}
		}
		prevEnd := 0
		for _, q := range findQuotes(p) {
			words := len(strings.Fields(q.text))
			if words < minQuoteWords {
				prevEnd = q.end
				continue
			}
			var sp person
			var verb string
			found := false
			after := clip(p[q.end:], maxWindow)
			if k := strings.IndexAny(after, "“\""); k >= 0 {
				after = after[:k]
			}
			if m := reVerbName.FindStringSubmatch(after); m != nil {
				sp, found = x.speaker(st, m[2])
				verb = m[1]
			}
			if !found {
				if m := reNameVerb.FindStringSubmatch(after); m != nil {
					sp, found = x.speaker(st, m[1])
					verb = m[2]
				}
			}
			if !found {
				before := p[max(prevEnd, q.start-maxWindow):q.start]
				if m := reIntro.FindStringSubmatch(before); m != nil {
					sp, found = x.speaker(st, m[1])
					verb = m[2]
				}
			}
			if !found && paraSpeaker != nil {
				sp, found = *paraSpeaker, true
			}
			prevEnd = q.end
			if !found {
				continue
			}
			paraSpeaker = &sp
			st.lastSpeak = &sp
			text := strings.TrimRight(strings.TrimSpace(q.text), ",")
			sent := st.ss[max(0, SentenceAt(st.ss, lo+q.start))]
			desc := sp.name
			var extra []string
			if sp.role != "" {
				extra = append(extra, sp.role)
			}
			if sp.org != "" {
				extra = append(extra, sp.org)
			}
			if len(extra) > 0 {
				desc += " (" + strings.Join(extra, ", ") + ")"
			}
			c := Claim{Kind: KindQuote, Value: sp.name, Mention: text,
				Key:   "quote|" + quoteKey(text),
				Text:  fmt.Sprintf("%s %s: “%s”", desc, orSaid(verb), text),
				Quote: &Quote{Text: text, Speaker: sp.name, Role: sp.role, Organisation: sp.org, Verb: verb}}
			if sp.org != "" {
				c.Links.Organisations = []string{sp.org}
			}
			st.add(c, sent)
			if sp.org != "" {
				st.add(Claim{Kind: KindOrganisation, Key: intel.NameKey(sp.org), Value: sp.org, Mention: sp.org,
					Text: fmt.Sprintf("names %s (the speaker %s's organisation)", sp.org, sp.name), Links: Links{Organisations: []string{sp.org}}}, sent)
			}
		}
	}
}

func orSaid(v string) string {
	if v == "" {
		return "said"
	}
	return v
}

// speaker parses a speaker phrase ("CrowdStrike CEO Dmitri Alperovitch",
// "Dean Garfield, chief executive of the Information Technology Industry
// Council, a trade group", "he", "Mr. Alperovitch") against the people the
// article named before. ok is false when the phrase names no one.
func (x *Extractor) speaker(st *articleState, phrase string) (person, bool) {
	phrase = strings.TrimSpace(strings.Trim(phrase, ", "))
	if phrase == "" {
		return person{}, false
	}
	first := strings.ToLower(strings.Fields(phrase)[0])
	if pronouns[first] && len(strings.Fields(phrase)) <= 3 {
		if st.lastSpeak != nil {
			return *st.lastSpeak, true
		}
		if n := len(st.people); n > 0 {
			return st.people[n-1], true
		}
		return person{}, false
	}
	chunks := strings.Split(phrase, ",")
	var p person
	for ci, ch := range chunks {
		ch = strings.TrimSpace(ch)
		if ch == "" {
			continue
		}
		low := strings.ToLower(ch)
		if ci > 0 && (strings.HasPrefix(low, "a ") || strings.HasPrefix(low, "an ") || strings.HasPrefix(low, "the ")) && p.role != "" {
			continue // an appositive about the organisation: "a trade group"
		}
		role, before, after := findRole(ch)
		switch {
		case role != "":
			if p.role == "" {
				p.role = role
			}
			if b := strings.TrimSpace(before); b != "" && isProper(b) {
				if strings.EqualFold(strings.Fields(b)[0], "a") || strings.EqualFold(strings.Fields(b)[0], "an") {
					break
				}
				if p.org == "" {
					p.org = x.canonicalOrg(b)
				}
			}
			a := strings.TrimSpace(after)
			if rest, ok := cutPrefixFold(a, "of "); ok {
				if p.org == "" {
					p.org = x.canonicalOrg(strings.TrimSpace(rest))
				}
			} else if rest, ok := cutPrefixFold(a, "at "); ok {
				if p.org == "" {
					p.org = x.canonicalOrg(strings.TrimSpace(rest))
				}
			} else if a != "" && isProper(a) && p.name == "" {
				p.name = cleanName(a)
			}
		case isProper(ch) && p.name == "":
			p.name = cleanName(ch)
		}
	}
	if p.name == "" {
		// an organisation as speaker: "according to The Guardian"
		if org := x.orgsIn(phrase); len(org) > 0 && p.role == "" {
			return person{name: org[0].Name}, true
		}
		return person{}, false
	}
	// a surname alone, or a misspelt one, takes the full name met before
	if len(strings.Fields(p.name)) == 1 {
		for i := len(st.people) - 1; i >= 0; i-- {
			q := st.people[i]
			if sameSurname(q.name, p.name) {
				if p.role == "" {
					p.role = q.role
				}
				if p.org == "" {
					p.org = q.org
				}
				p.name = q.name
				break
			}
		}
	} else {
		for _, q := range st.people {
			if sameSurname(q.name, p.name) && len(strings.Fields(q.name)) > 1 {
				if p.role == "" {
					p.role = q.role
				}
				if p.org == "" {
					p.org = q.org
				}
			}
		}
	}
	st.people = append(st.people, p)
	return p, true
}

// findRole finds the longest role word in ch and returns it with the text
// before and after it.
func findRole(ch string) (role, before, after string) {
	low := strings.ToLower(ch)
	bestAt, best := -1, ""
	for _, r := range roleWords {
		for from := 0; ; {
			i := strings.Index(low[from:], r)
			if i < 0 {
				break
			}
			i += from
			from = i + len(r)
			if !wordBoundary(low, i, i+len(r)) {
				continue
			}
			if len(r) > len(best) || (len(r) == len(best) && i < bestAt) {
				bestAt, best = i, r
			}
			break
		}
	}
	if best == "" {
		return "", "", ""
	}
	return ch[bestAt : bestAt+len(best)], ch[:bestAt], ch[bestAt+len(best):]
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// honorifics are dropped from names.
var honorifics = map[string]bool{"Mr.": true, "Mrs.": true, "Ms.": true, "Dr.": true, "Mr": true, "Mrs": true, "Ms": true, "Dr": true, "Prof.": true, "Sir": true, "Dame": true}

func cleanName(s string) string {
	var out []string
	for _, w := range strings.Fields(s) {
		if honorifics[w] {
			continue
		}
		out = append(out, strings.Trim(w, ",.;:"))
	}
	return strings.Join(out, " ")
}

// isProper reports whether s reads as a proper name: one to six words,
// each capitalised or a joining word (of, and, the, de, van ...).
func isProper(s string) bool {
	ws := strings.Fields(s)
	if len(ws) == 0 || len(ws) > 8 {
		return false
	}
	caps := 0
	for i, w := range ws {
		r, _ := utf8.DecodeRuneInString(w)
		switch {
		case unicode.IsUpper(r) || unicode.IsDigit(r):
			caps++
		case i > 0 && (w == "of" || w == "and" || w == "the" || w == "de" || w == "van" || w == "von" || w == "al" || w == "bin" || w == "for"):
		default:
			return false
		}
	}
	r, _ := utf8.DecodeRuneInString(ws[0])
	if !unicode.IsUpper(r) {
		return false
	}
	switch ws[0] {
	case "The", "This", "That", "It", "These", "Those", "Some", "Many", "Experts", "Officials", "Critics", "Analysts":
		return len(ws) > 1 && ws[0] == "The"
	}
	return caps > 0
}

// sameSurname reports whether two names share their last word, allowing one
// edit for a misspelling in longer names ("Alperovich", "Alperovitch").
func sameSurname(a, b string) bool {
	x, y := lastWord(a), lastWord(b)
	if strings.EqualFold(x, y) {
		return true
	}
	if len(x) < 7 || len(y) < 7 {
		return false
	}
	return editDistanceAtMost1(strings.ToLower(x), strings.ToLower(y))
}

func lastWord(s string) string {
	ws := strings.Fields(s)
	if len(ws) == 0 {
		return ""
	}
	return ws[len(ws)-1]
}

func editDistanceAtMost1(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}

// quoteKey folds the first words of a quotation, so the same quote with
// different punctuation or an added ending keys alike.
func quoteKey(q string) string {
	var ws []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		ws = append(ws, w)
		if len(ws) == 8 {
			break
		}
	}
	return strings.Join(ws, " ")
}
