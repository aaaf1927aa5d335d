package osint

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/lazyre"
	"github.com/pactwatch/pactwatch/internal/pact"
)

// Extractor finds claims in articles. Build it once with NewExtractor; it
// is safe for concurrent use.
type Extractor struct {
	actors     []intel.Actor
	agreements []pact.Agreement
	actorKeys  map[string][]string // NameKey -> spellings as the records give them
	actorWords int                 // most words in one actor name
	orgs       []orgMatcher
}

type orgMatcher struct {
	entry orgEntry
	term  string
	fold  bool // match without case
}

// commonWords are actor aliases that are also ordinary words; they count
// only when written exactly as the alias and not at the start of a
// sentence.
var commonWords = map[string]bool{
	"silence": true, "cobalt": true, "equation": true, "gold": true, "inception": true, "machete": true, "patchwork": true,
	"sidewinder": true, "strider": true, "poseidon": true, "dragonfly": true, "turbine": true, "honeybee": true, "thrip": true,
	"axiom": true, "elderwood": true, "platinum": true, "moonlight": true, "gallium": true, "lead": true, "bronze": true,
	"darkhotel": false, "leviathan": true, "magnet": true, "windshift": true, "orangeworm": true, "tick": true, "frankenstein": true,
	"dust": true, "storm": true, "typhoon": true, "blizzard": true, "sandstorm": true, "tempest": true, "sleet": true, "hurricane": true,
}

// NewExtractor prepares extraction against the given actors (ATT&CK and
// other intel records; names and aliases are resolved with intel.Resolve)
// and agreements (pact.Builtin() and any the user added).
func NewExtractor(actors []intel.Actor, agreements []pact.Agreement) *Extractor {
	x := &Extractor{actors: actors, agreements: agreements, actorKeys: map[string][]string{}}
	for _, a := range actors {
		for _, n := range append([]string{a.Name, a.ExternalID}, a.Aliases...) {
			k := intel.NameKey(n)
			if len(k) < 3 {
				continue
			}
			if !slices.Contains(x.actorKeys[k], n) {
				x.actorKeys[k] = append(x.actorKeys[k], n)
			}
			x.actorWords = max(x.actorWords, min(len(strings.Fields(n)), 5))
		}
	}
	for _, e := range organisations {
		for _, t := range append([]string{e.Name}, e.Names...) {
			x.orgs = append(x.orgs, orgMatcher{entry: e, term: t, fold: len(t) > 4})
		}
	}
	sort.SliceStable(x.orgs, func(i, j int) bool { return len(x.orgs[i].term) > len(x.orgs[j].term) })
	return x
}

// articleState carries what earlier sentences established.
type articleState struct {
	a         Article
	ss        []Sentence
	claims    []Claim
	seen      map[string]bool
	lastAgr   *pact.Agreement
	lastDate  *Anchor
	people    []person
	lastSpeak *person
}

type person struct {
	name, role, org string
}

func (st *articleState) add(c Claim, s Sentence) {
	c.ArticleID = st.a.ID
	c.Sentence = st.ss[s.Index].Text // whole, even when only a part was searched
	c.SentIndex = s.Index
	if st.seen[string(c.Kind)+"\x00"+c.Key] {
		return
	}
	st.seen[string(c.Kind)+"\x00"+c.Key] = true
	c.ID = claimID(st.a.ID, s.Index, c.Kind, c.Key)
	st.claims = append(st.claims, c)
}

// Extract returns the claims of one article, in sentence order. Each
// article states a claim (kind and key) once, at its first sentence.
func (x *Extractor) Extract(a Article) []Claim {
	st := &articleState{a: a, ss: Sentences(a.Text), seen: map[string]bool{}}
	for _, s := range st.ss {
		x.sentence(st, s)
	}
	x.quotes(st)
	sort.SliceStable(st.claims, func(i, j int) bool { return st.claims[i].SentIndex < st.claims[j].SentIndex })
	return st.claims
}

// maxSentence bounds, in bytes, how much of one sentence is searched:
// prose sentences are far shorter, and a page without punctuation must not
// make extraction slow.
const maxSentence = 2000

func (x *Extractor) sentence(st *articleState, s Sentence) {
	pub := st.a.Published
	s.Text = clip(s.Text, maxSentence)
	parties := findParties(s.Text)
	agrs := x.agreementsIn(s.Text, parties, pub, FindDates(s.Text, pub, nil))
	var anchor *Anchor
	if len(agrs) > 0 && reAfter.MatchString(s.Text) {
		ag := agrs[len(agrs)-1]
		anchor = &Anchor{Time: ag.Signed, Label: fmt.Sprintf("%s (signed %s)", ag.ID, ag.Signed.Format(time.DateOnly))}
	} else if st.lastDate != nil {
		anchor = st.lastDate
	}
	dates := FindDates(s.Text, pub, anchor)

	for _, ag := range agrs {
		d := Date{Expr: ag.ID, Kind: "explicit", Precision: "day", Resolved: true, Value: ag.Signed.Format(time.DateOnly), t: ag.Signed,
			Basis: "signing date in pactwatch's agreement data (" + ag.Source + ")"}
		st.add(Claim{Kind: KindAgreement, Key: ag.ID, Value: ag.ID, Mention: agreementMention(s.Text),
			Text: fmt.Sprintf("refers to %s (%s), signed %s", ag.ID, strings.Join(partiesOf(ag), "–"), d.Value),
			Date: d.Value, When: &d, Links: Links{AgreementID: ag.ID, States: partiesOf(ag)}}, s)
	}
	for _, d := range dates {
		c := Claim{Kind: KindDate, Mention: d.Expr, When: &d}
		if d.Resolved {
			c.Date = d.Value
			c.Key = d.Value
			c.Text = fmt.Sprintf("%q is %s", d.Expr, d.Value)
			if d.Approximate {
				c.Text += " (approximately)"
			}
		} else {
			c.Key = "unresolved:" + strings.ToLower(d.Expr)
			c.Text = fmt.Sprintf("%q is unresolved: %s", d.Expr, d.Reason)
		}
		if d.Report {
			c.Text += "; when it was reported"
		}
		dd := d
		c.When = &dd
		st.add(c, s)
	}
	var attributed []string
	for _, p := range parties {
		if p.attributed && !slices.Contains(attributed, p.code) {
			attributed = append(attributed, p.code)
		}
		if p.alias && !p.attributed {
			continue
		}
		key := p.code
		text := "names " + intel.CountryName(p.code)
		if p.attributed {
			key += "|attributed"
			text = fmt.Sprintf("says %s is behind the activity (%q)", intel.CountryName(p.code), attribution(s.Text, p))
		}
		st.add(Claim{Kind: KindState, Key: key, Value: p.code, Mention: p.text, Text: text, Attributed: p.attributed, Links: Links{States: []string{p.code}}}, s)
	}
	orgs := x.orgsIn(s.Text)
	for _, o := range orgs {
		c := Claim{Kind: KindOrganisation, Key: intel.NameKey(o.Name), Value: o.Name, Mention: o.Name, Text: fmt.Sprintf("names %s (%s)", o.Name, o.Kind), Links: Links{Organisations: []string{o.Name}}}
		if o.State != "" {
			c.Links.States = []string{o.State}
		}
		st.add(c, s)
	}
	actors := x.actorsIn(s.Text)
	for _, am := range actors {
		st.add(Claim{Kind: KindActor, Key: am.key, Value: am.name, Mention: am.mention,
			Text:  fmt.Sprintf("names the actor %s%s", am.name, aka(am)),
			Links: Links{ActorIDs: am.ids, Actors: []string{am.name}}}, s)
	}
	intrusionCtx := reIntrusion.MatchString(s.Text)
	var sectors []string
	if intrusionCtx {
		for _, sw := range sectorWords {
			if m := sw.re.FindString(s.Text); m != "" && !slices.Contains(sectors, sw.sector) {
				if sw.sector == "technology" && m == "IT" && !strings.Contains(s.Text, "IT ") {
					continue
				}
				sectors = append(sectors, sw.sector)
				st.add(Claim{Kind: KindSector, Key: sw.sector, Value: sw.sector, Mention: m, Text: "an intrusion context names the " + sw.sector + " sector"}, s)
			}
		}
	}
	counts := countsIn(s.Text)
	for _, c := range counts {
		if c.Class == "victims" && !intrusionCtx {
			continue
		}
		cl := Claim{Kind: KindCount, Key: fmt.Sprintf("%d|%s", c.N, c.Class), Value: strconv.Itoa(c.N), Mention: c.words, Count: &c.Count,
			Text: countText(c.Count, sectors)}
		if c.AtLeast {
			cl.Key = fmt.Sprintf(">=%d|%s", c.N, c.Class)
		}
		if c.Class == "victims" {
			cl.Sectors = sectors
		}
		st.add(cl, s)
	}
	if reIntrusionEvent.MatchString(s.Text) {
		x.intrusion(st, s, dates, agrs, actors, attributed, sectors, counts)
	}
	if len(agrs) > 0 {
		ag := agrs[len(agrs)-1]
		st.lastAgr = &ag
	}
	for _, d := range dates {
		if d.Resolved && d.Precision == "day" && !d.Approximate && !d.Report {
			st.lastDate = &Anchor{Time: d.t, Label: fmt.Sprintf("%s (%q)", d.Value, d.Expr)}
		}
	}
}

// intrusion makes the claim that ties one sentence's intrusion to its
// actor, sectors, agreement and date, when the sentence gives enough.
func (x *Extractor) intrusion(st *articleState, s Sentence, dates []Date, agrs []pact.Agreement, actors []actorMention, attributed, sectors []string, counts []countMatch) {
	first := reFirst.MatchString(s.Text)
	rel := ""
	if loc := reAfter.FindStringIndex(s.Text); loc != nil && refersBack(s.Text[loc[1]:]) {
		rel = strings.ToLower(s.Text[loc[0]:loc[1]])
	}
	var ag *pact.Agreement
	if rel != "" {
		if len(agrs) > 0 {
			a := agrs[len(agrs)-1]
			ag = &a
		} else if st.lastAgr != nil && (reAgreementWord.MatchString(s.Text) || strings.Contains(strings.ToLower(s.Text), rel+" then")) {
			ag = st.lastAgr
		}
	}
	var nIntr *Count
	for _, c := range counts {
		if c.Class == "intrusions" {
			cc := c.Count
			nIntr = &cc
			break
		}
	}
	if !first && len(actors) == 0 && len(attributed) == 0 && ag == nil && nIntr == nil {
		return
	}
	when := bestEventDate(dates)
	c := Claim{Kind: KindIntrusion, First: first, Sectors: sectors, Count: nIntr}
	if ag != nil {
		c.Relation = rel
		c.Links.AgreementID = ag.ID
	}
	for _, am := range actors {
		c.Links.ActorIDs = append(c.Links.ActorIDs, am.ids...)
		c.Links.Actors = append(c.Links.Actors, am.name)
	}
	c.Links.States = attributed
	var b strings.Builder
	if first {
		b.WriteString("the first intrusion")
	} else if nIntr != nil {
		b.WriteString(countText(*nIntr, nil))
	} else {
		b.WriteString("intrusions")
	}
	who := slices.Clone(c.Links.Actors)
	for _, code := range attributed {
		who = append(who, intel.CountryName(code)+"-linked actors")
	}
	if len(who) > 0 {
		b.WriteString(" by " + strings.Join(who, ", "))
	}
	if len(sectors) > 0 {
		b.WriteString(" against " + strings.Join(sectors, " and ") + " targets")
	}
	if ag != nil {
		fmt.Fprintf(&b, " %s %s (%s)", rel, ag.ID, ag.Signed.Format(time.DateOnly))
	}
	key := "intrusion"
	if first {
		key += "|first"
	}
	key += "|" + c.Links.AgreementID
	if when != nil {
		c.When = when
		if when.Resolved {
			c.Date = when.Value
			fmt.Fprintf(&b, " on %s", when.Value)
			if when.Approximate {
				b.WriteString(" (approximately)")
			}
			if !when.Approximate && when.Precision == "day" {
				key += "|" + when.Value
			}
		}
	}
	if c.Date == "" || c.Links.AgreementID == "" {
		ks := slices.Clone(c.Links.Actors)
		for i := range ks {
			ks[i] = intel.NameKey(ks[i])
		}
		sort.Strings(ks)
		key += "|" + strings.Join(ks, ",") + "|" + strings.Join(attributed, ",")
	}
	c.Key = key
	c.Text = b.String()
	c.Mention = s.Text
	st.add(c, s)
}

// refersBack reports whether the words after "after" or "since" name an
// agreement, its parties' leaders, a date or "then".
func refersBack(rest string) bool {
	w := rest[:min(len(rest), 80)]
	if strings.HasPrefix(strings.TrimSpace(strings.ToLower(w)), "then") || reAgreementWord.MatchString(w) {
		return true
	}
	for _, p := range findParties(w) {
		if p.alias {
			return true
		}
	}
	return reMD.MatchString(w) || reDM.MatchString(w) || reISO.MatchString(w)
}

// bestEventDate picks the date a sentence gives for its event: not a
// reporting date, preferring explicit dates, then dates counted from an
// anchor, then weekdays, then the rest.
func bestEventDate(ds []Date) *Date {
	rank := map[string]int{"explicit": 0, "anchored": 1, "weekday": 2, "relative": 3, "month": 4, "year": 5}
	var best *Date
	for i := range ds {
		d := &ds[i]
		if d.Report || !d.Resolved {
			continue
		}
		if best == nil || rank[d.Kind] < rank[best.Kind] {
			best = d
		}
	}
	if best == nil {
		return nil
	}
	c := *best
	return &c
}

func countText(c Count, sectors []string) string {
	n := strconv.Itoa(c.N)
	switch {
	case c.Vague != "":
		n = fmt.Sprintf("%s (at least %d)", c.Vague, c.N)
	case c.AtLeast:
		n = "at least " + n
	case c.Approximate:
		n = "about " + n
	}
	s := n + " " + c.Unit
	if len(sectors) > 0 {
		s += " in " + strings.Join(sectors, " and ")
	}
	return s
}

type countMatch struct {
	Count
	words string
}

// countStems are what a sentence must contain for counts to be searched.
var countStems = []string{"compan", "firm", "organi", "customer", "victim", "target", "network", "agenc", "business", "intrusion", "attack", "attempt", "breach", "hack", "incident", "compromise", "group", "actor", "gang"}

func countsIn(s string) []countMatch {
	var out []countMatch
	low := strings.ToLower(s)
	if !slices.ContainsFunc(countStems, func(st string) bool { return strings.Contains(low, st) }) {
		return nil
	}
	for _, m := range reCount.FindAllStringSubmatchIndex(s, -1) {
		hedge := strings.ToLower(sub(s, m, 1))
		num := strings.ToLower(sub(s, m, 2))
		noun := strings.ToLower(sub(s, m, 4))
		c := Count{Unit: noun, Class: countNouns[noun]}
		if c.Class == "" {
			c.Class = countNouns[strings.TrimPrefix(noun, "cyber")]
		}
		if v, ok := vagueCounts[num]; ok {
			c.N, c.AtLeast, c.Vague = v, true, num
		} else if n, err := strconv.Atoi(strings.ReplaceAll(num, ",", "")); err == nil {
			c.N = n
		} else if n := numberWords[num]; n > 0 {
			c.N = n
		} else {
			continue
		}
		// "one of the" is not a count of one
		if c.N == 1 && c.Vague == "" {
			continue
		}
		switch hedge {
		case "at least", "more than", "over", "some":
			c.AtLeast = true
		case "nearly", "almost", "about", "around":
			c.Approximate = true
		case "up to", "fewer than", "less than":
			c.Approximate = true
		}
		mid := strings.ToLower(sub(s, m, 3))
		if strings.Contains(mid, "years") || strings.Contains(mid, "days") || strings.Contains(mid, "weeks") {
			continue
		}
		out = append(out, countMatch{Count: c, words: s[m[0]:m[1]]})
	}
	return out
}

// agreementsIn returns the agreements a sentence refers to: it must use an
// agreement word, and name every party of a bilateral agreement (by name,
// demonym, capital or leader) or the G20 for the multilateral one. Among
// agreements with the same parties the one closest to the sentence's
// dates wins, else the latest signed by the publication date. Agreements
// signed after publication are never meant.
func (x *Extractor) agreementsIn(s string, parties []partyMention, pub time.Time, dates []Date) []pact.Agreement {
	if !reAgreementWord.MatchString(s) {
		return nil
	}
	codes := map[string]bool{}
	for _, p := range parties {
		codes[p.code] = true
	}
	groups := map[string][]pact.Agreement{}
	var order []string
	for _, ag := range x.agreements {
		if !pub.IsZero() && ag.Signed.After(dayOf(pub)) {
			continue
		}
		ok := false
		if ag.Multilateral {
			ok = reMultilateral.MatchString(s)
		} else {
			ok = len(ag.Parties) > 0
			for _, p := range ag.Parties {
				ok = ok && codes[p]
			}
		}
		if !ok {
			continue
		}
		k := strings.Join(partiesOf(ag), ",")
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], ag)
	}
	if len(order) == 0 {
		return nil
	}
	var out []pact.Agreement
	for _, k := range order {
		g := groups[k]
		best := g[0]
		bestScore := time.Duration(1<<62 - 1)
		for _, ag := range g {
			score := time.Duration(1<<62 - 1)
			for _, d := range dates {
				if d.Resolved {
					score = min(score, absDur(d.t.Sub(ag.Signed)))
				}
			}
			if score == 1<<62-1 {
				ref := pub
				if ref.IsZero() {
					ref = time.Now()
				}
				score = absDur(ref.Sub(ag.Signed)) + time.Hour // no date: the most recent
			}
			if score < bestScore {
				best, bestScore = ag, score
			}
		}
		out = append(out, best)
	}
	return out
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func partiesOf(ag pact.Agreement) []string {
	if ag.Multilateral {
		return []string{"G20"}
	}
	return ag.Parties
}

func agreementMention(s string) string {
	loc := reAgreementWord.FindStringIndex(s)
	if loc == nil {
		return ""
	}
	return s[loc[0]:loc[1]]
}

// attribution returns the words that attribute activity to a state.
func attribution(s string, p partyMention) string {
	if m := reAttribAfter.FindString(s[p.end:]); m != "" {
		return p.text + m
	}
	if m := reAttribAfter2.FindString(s[p.end:]); m != "" {
		return p.text + m
	}
	if m := reAttribBefore.FindString(s[:p.start]); m != "" {
		return m + p.text
	}
	return p.text
}

type actorMention struct {
	name, key, mention string
	ids                []string
	records            []intel.Actor
}

func aka(am actorMention) string {
	if intel.NameKey(am.mention) == intel.NameKey(am.name) {
		return ""
	}
	return fmt.Sprintf(" (written %q)", am.mention)
}

type token struct {
	start, end int
	text       string
}

// tokens splits s at white space and trims punctuation and possessives
// from each token's ends.
func tokens(s string) []token {
	var out []token
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' {
			j++
		}
		if j > i {
			a, b := i, j
			for a < b {
				r, n := utf8.DecodeRuneInString(s[a:b])
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					break
				}
				a += n
			}
			for b > a {
				w := s[a:b]
				if strings.HasSuffix(w, "’s") {
					b -= len("’s")
					continue
				}
				if strings.HasSuffix(w, "'s") {
					b -= 2
					continue
				}
				r, n := utf8.DecodeLastRuneInString(w)
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					break
				}
				b -= n
			}
			if b > a {
				out = append(out, token{start: a, end: b, text: s[a:b]})
			}
		}
		i = j
	}
	return out
}

// actorsIn finds actor names and aliases in s, longest first.
func (x *Extractor) actorsIn(s string) []actorMention {
	if len(x.actorKeys) == 0 {
		return nil
	}
	toks := tokens(s)
	var out []actorMention
	for i := 0; i < len(toks); i++ {
		for n := min(x.actorWords, len(toks)-i); n >= 1; n-- {
			phrase := s[toks[i].start:toks[i+n-1].end]
			if n > 1 && strings.ContainsAny(phrase, ",;:()“”\"") {
				continue
			}
			k := intel.NameKey(phrase)
			spellings, ok := x.actorKeys[k]
			if !ok {
				continue
			}
			r, _ := utf8.DecodeRuneInString(phrase)
			if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
				continue
			}
			if n == 1 && !strings.ContainsAny(phrase, "0123456789") {
				if !slices.Contains(spellings, phrase) {
					continue
				}
				if commonWords[strings.ToLower(phrase)] && i == 0 {
					continue
				}
			}
			recs := intel.Resolve(x.actors, phrase)
			if len(recs) == 0 {
				continue
			}
			am := actorMention{mention: phrase, key: k, records: recs}
			am.name = recs[0].Name
			for _, r := range recs {
				am.ids = append(am.ids, r.ID)
				if r.Source == "mitre-attack" {
					am.name = r.Name
					am.key = intel.NameKey(r.Name)
				}
			}
			out = append(out, am)
			i += n - 1
			break
		}
	}
	return out
}

// orgsIn finds gazetteer organisations in s.
func (x *Extractor) orgsIn(s string) []orgEntry {
	var out []orgEntry
	low := strings.ToLower(s)
	taken := make([]bool, len(s)+1)
	for _, m := range x.orgs {
		hay, needle := s, m.term
		if m.fold {
			hay, needle = low, strings.ToLower(m.term)
		}
		for from := 0; ; {
			i := strings.Index(hay[from:], needle)
			if i < 0 {
				break
			}
			i += from
			j := i + len(needle)
			from = j
			if !wordBoundary(s, i, j) || taken[i] || taken[j-1] {
				continue
			}
			for k := i; k < j; k++ {
				taken[k] = true
			}
			if !slices.ContainsFunc(out, func(e orgEntry) bool { return e.Name == m.entry.Name }) {
				out = append(out, m.entry)
			}
		}
	}
	return out
}

// canonicalOrg returns the gazetteer's spelling of name, or name.
func (x *Extractor) canonicalOrg(name string) string {
	name = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(name, "the "), "The "))
	for _, m := range x.orgs {
		if strings.EqualFold(m.term, name) {
			return m.entry.Name
		}
	}
	return name
}

var reSpace = lazyre.New(`\s+`)
