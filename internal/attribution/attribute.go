package attribution

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
)

// Threshold is the score (0..1) the best candidate must reach for an
// intrusion to be attributed; below it the intrusion is "unattributed".
const Threshold = 0.5

// MaxConfidence is the highest STIX confidence an attribution gets: the
// evidence is indirect, so it stays short of certainty.
const MaxConfidence = 95

// Prior is the log-odds every candidate starts from before evidence:
// a 5% chance that an actor linked by some indicator is the one.
var Prior = math.Log(0.05 / 0.95)

// Factor kinds.
const (
	KindIndicator   = "indicator"             // infrastructure: address, domain, URL, e-mail, JA3
	KindShared      = "shared-infrastructure" // an indicator tied to several actors
	KindMalware     = "malware"               // a file hash
	KindTechnique   = "technique"
	KindTiming      = "timing"
	KindVictimology = "victimology"
)

// Caps bound the log-odds one independent kind of evidence can add, so
// that no single kind can carry a candidate to high confidence on its own
// (Prior plus the largest cap stays below the logit of 0.70). Timing and
// victimology only corroborate: many actors share a sponsor's office
// hours and a sector's victims, so their caps are small.
var Caps = map[string]float64{
	"infrastructure": 3.0,
	KindMalware:      3.4,
	KindTechnique:    1.2,
	KindTiming:       1.5,
	KindVictimology:  0.6,
}

// maxCandidates bounds the candidates a Result lists.
const maxCandidates = 10

// tieMargin: a runner-up within this score of the best makes the
// intrusion unattributed to either.
const tieMargin = 0.05

// typeWeight is the log-odds an indicator of each type adds when it points
// at one actor, by how specific the type is.
var typeWeight = map[intel.Type]float64{
	intel.SHA256: 3.0, intel.SHA1: 3.0, intel.MD5: 2.8,
	intel.URL: 2.0, intel.Domain: 1.5, intel.Email: 1.4,
	intel.IPv4: 1.0, intel.IPv6: 1.0, intel.JA3: 0.6, intel.CIDR: 0.5,
}

// group maps a factor kind to its independent kind of evidence.
func group(kind string) string {
	if kind == KindIndicator || kind == KindShared {
		return "infrastructure"
	}
	return kind
}

func isHash(t intel.Type) bool { return t == intel.MD5 || t == intel.SHA1 || t == intel.SHA256 }

// cand accumulates one candidate's factors.
type cand struct {
	rec     *actorRec
	factors []Factor
}

// Attribute ranks the actors that may be behind an intrusion. Candidates
// are the actors some matched indicator points at; each gets factors from
// indicators (weighed by specificity, staleness, the indicator's
// confidence and how many actors share it), technique overlap, timing in
// the sponsor's office hours and victimology, combined as independent
// evidence in log-odds from Prior. The result is deterministic.
func Attribute(in intrusion.Intrusion, victim org.Organisation, k *Knowledge) Result {
	res := Result{IntrusionID: in.ID}
	cands := map[string]*cand{}
	unlinked := 0
	for _, s := range in.Sightings {
		ind, ok := k.indicator(s)
		if !ok {
			unlinked++
			continue
		}
		ls := slices.Clone(k.links[s.IndicatorID])
		if len(ls) == 0 {
			unlinked++
			continue
		}
		actors := map[string]bool{}
		for _, l := range ls {
			actors[l.actor] = true
		}
		for _, a := range k.byValue[valueKey(ind.Type, ind.Value)] {
			actors[a] = true
		}
		// Actors tied to the same value by other indicators share it too.
		for _, a := range sortedKeys(actors) {
			if !slices.ContainsFunc(ls, func(l link) bool { return l.actor == a }) {
				ls = append(ls, link{actor: a})
			}
		}
		for _, l := range ls {
			c := cands[l.actor]
			if c == nil {
				c = &cand{rec: k.actors[l.actor]}
				cands[l.actor] = c
			}
			c.factors = append(c.factors, k.indicatorFactor(s, ind, l, actors))
		}
	}
	if len(cands) == 0 {
		switch {
		case len(in.Sightings) == 0:
			res.Summary = "Unattributed: the intrusion has no matched indicators."
		default:
			res.Summary = fmt.Sprintf("Unattributed: none of the %d matched indicators points at a known actor.", len(in.Sightings))
		}
		return res
	}
	logits := map[string]float64{}
	for _, id := range sortedKeys(cands) {
		c := cands[id]
		sponsor, _ := pickSponsor(c.rec.sponsors)
		if f, ok := techniqueFactor(in, c.rec); ok {
			c.factors = append(c.factors, f)
		}
		if f, ok := timingFactor(in, c.rec, sponsor.Country, victim.Country); ok {
			c.factors = append(c.factors, f)
		}
		c.factors = append(c.factors, victimFactors(victim, c.rec)...)
		logits[id] = combine(c)
	}
	// The candidates compete: each one's probability is its odds against
	// "none of them" (benign use, or an actor intel does not know) over the
	// sum of everyone's, so shared evidence is not counted twice.
	sum := 1.0
	for _, l := range logits {
		sum += math.Exp(l)
	}
	for _, id := range sortedKeys(cands) {
		c := cands[id]
		sponsor, _ := pickSponsor(c.rec.sponsors)
		res.Candidates = append(res.Candidates, candidateOf(c, sponsor.Country, math.Exp(logits[id])/sum))
	}
	slices.SortFunc(res.Candidates, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ActorName, b.ActorName), strings.Compare(a.ActorID, b.ActorID))
	})
	if len(res.Candidates) > maxCandidates {
		res.Candidates = res.Candidates[:maxCandidates]
	}
	res.Attributed, res.Summary = summarise(res.Candidates, cands, unlinked)
	return res
}

// indicator returns the intel record behind a sighting.
func (k *Knowledge) indicator(s intrusion.Sighting) (intel.Indicator, bool) {
	inds := k.indicators[s.IndicatorID]
	if len(inds) == 0 {
		return intel.Indicator{}, false
	}
	for _, ind := range inds {
		if ind.Value == s.Value {
			return ind, true
		}
	}
	return inds[0], true
}

// indicatorFactor weighs one sighting for one actor.
func (k *Knowledge) indicatorFactor(s intrusion.Sighting, ind intel.Indicator, l link, actors map[string]bool) Factor {
	w := typeWeight[ind.Type]
	if w == 0 {
		w = 0.5
	}
	var notes []string
	kind := KindIndicator
	if isHash(ind.Type) {
		kind = KindMalware
	}
	var what string
	if l.via != "" {
		sw := k.software[l.via]
		if sw.Kind == "tool" {
			w *= 0.4
			notes = append(notes, "a tool others can obtain")
		}
		if isHash(ind.Type) {
			what = fmt.Sprintf("is %s %s used by", sw.Name, cmp.Or(sw.Kind, "software"))
		} else {
			what = fmt.Sprintf("is infrastructure of %s %s used by", sw.Name, cmp.Or(sw.Kind, "software"))
		}
	} else if isHash(ind.Type) {
		what = "is malware tied to"
	} else {
		what = "is infrastructure of"
	}
	names := make([]string, 0, len(actors))
	for _, a := range sortedKeys(actors) {
		names = append(names, k.actors[a].name)
	}
	if n := len(actors); n > 1 {
		w /= float64(n)
		if !isHash(ind.Type) {
			kind = KindShared
		}
		notes = append(notes, fmt.Sprintf("shared by %d actors, weight split between them", n))
	}
	if stale, why := staleness(s, ind); stale < 1 {
		w *= stale
		notes = append(notes, why)
	}
	if ind.Confidence > 0 {
		w *= 0.4 + 0.6*float64(min(ind.Confidence, 100))/100
		if ind.Confidence < 50 {
			notes = append(notes, fmt.Sprintf("source confidence %d", ind.Confidence))
		}
	}
	detail := fmt.Sprintf("%s %s %s %s (%d actor%s)", ind.Type, shortValue(ind.Value), what,
		strings.Join(names, ", "), len(actors), plural(len(actors)))
	if len(notes) > 0 {
		detail += "; " + strings.Join(notes, "; ")
	}
	detail += ": " + strength(w)
	return Factor{Kind: kind, Weight: w, Detail: detail, Refs: []string{s.IndicatorID}}
}

// staleness discounts an indicator seen outside its validity window, and
// an address indicator more than two years old.
func staleness(s intrusion.Sighting, ind intel.Indicator) (float64, string) {
	const day = "2006-01-02"
	switch {
	case !ind.ValidUntil.IsZero() && s.FirstSeen.After(ind.ValidUntil):
		return 0.4, fmt.Sprintf("stale: valid until %s, seen %s", ind.ValidUntil.Format(day), s.FirstSeen.Format(day))
	case !ind.ValidFrom.IsZero() && s.LastSeen.Before(ind.ValidFrom):
		return 0.7, fmt.Sprintf("seen %s, before the indicator's valid_from %s", s.LastSeen.Format(day), ind.ValidFrom.Format(day))
	case (ind.Type == intel.IPv4 || ind.Type == intel.IPv6 || ind.Type == intel.CIDR) &&
		!ind.ValidFrom.IsZero() && s.FirstSeen.Sub(ind.ValidFrom) > 2*365*24*time.Hour:
		return 0.6, fmt.Sprintf("address listed since %s, over two years before it was seen: it may have changed hands", ind.ValidFrom.Format(day))
	}
	return 1, ""
}

// techniqueFactor compares the intrusion's techniques with the actor's
// ATT&CK profile; an actor that uses everything says little by overlap.
func techniqueFactor(in intrusion.Intrusion, r *actorRec) (Factor, bool) {
	if len(in.Techniques) == 0 || len(r.techniques) == 0 {
		return Factor{}, false
	}
	parents := map[string]bool{}
	for t := range r.techniques {
		parents[parent(t)] = true
	}
	var k float64
	var exact, near []string
	for _, t := range in.Techniques {
		t = strings.ToUpper(t)
		switch {
		case r.techniques[t]:
			k++
			exact = append(exact, t)
		case parents[parent(t)]:
			k += 0.5
			near = append(near, t)
		}
	}
	n := len(in.Techniques)
	if k == 0 {
		if len(r.techniques) < 5 {
			return Factor{}, false
		}
		return Factor{Kind: KindTechnique, Weight: -0.3, Refs: in.Techniques,
			Detail: fmt.Sprintf("none of the intrusion's %d techniques is in %s's ATT&CK profile (%d techniques)", n, r.name, len(r.techniques))}, true
	}
	breadth := min(1, 40/float64(len(r.techniques)))
	w := 1.2 * k / float64(n) * breadth
	d := fmt.Sprintf("%d of %d intrusion techniques (%s) are in %s's ATT&CK profile (%d techniques)",
		len(exact), n, strings.Join(exact, ", "), r.name, len(r.techniques))
	if len(exact) == 0 {
		d = fmt.Sprintf("0 of %d intrusion techniques are in %s's ATT&CK profile (%d techniques)", n, r.name, len(r.techniques))
	}
	if len(near) > 0 {
		d += fmt.Sprintf("; %s share a parent technique with it", strings.Join(near, ", "))
	}
	if breadth < 1 {
		d += "; a broad profile, so overlap counts less"
	}
	return Factor{Kind: KindTechnique, Weight: w, Detail: d + ": " + strength(w), Refs: append(exact, near...)}, true
}

func parent(t string) string {
	if i := strings.IndexByte(t, '.'); i >= 0 {
		return t[:i]
	}
	return t
}

// OfficeHours returns the share of an intrusion's matched events that fell
// between 08:00 and 19:00 on a working day in loc (Monday to Friday; see
// Workweek for the states whose weekend differs), and how many events that
// share rests on. It reads Intrusion.Activity (half-hour slots, shifted by
// loc's offset at the intrusion's start) and falls back to the timeline's
// times when Activity is empty.
func OfficeHours(in intrusion.Intrusion, loc *time.Location) (share float64, n int) {
	return officeHours(in, loc, monFri)
}

// Workweek lists the working days of states whose week is not Monday to
// Friday (as of 2015).
var Workweek = map[string][]time.Weekday{
	"IR": {time.Saturday, time.Sunday, time.Monday, time.Tuesday, time.Wednesday},
	"IL": {time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday},
	"SA": {time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday},
	"AE": {time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday},
}

var monFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func workdays(country string) []time.Weekday {
	if w, ok := Workweek[country]; ok {
		return w
	}
	return monFri
}

// officeSlots marks the half hours of the UTC week (Monday 00:00 UTC is
// slot 0) that are office hours in loc on the given days, with loc's
// offset at t.
func officeSlots(loc *time.Location, days []time.Weekday, t time.Time) []bool {
	_, off := t.In(loc).Zone()
	shift := int(math.Round(float64(off) / 1800))
	out := make([]bool, intrusion.ActivitySlots)
	for s := range out {
		local := ((s+shift)%intrusion.ActivitySlots + intrusion.ActivitySlots) % intrusion.ActivitySlots
		day, half := local/48, local%48
		wd := time.Weekday((day + 1) % 7) // slot day 0 is Monday
		out[s] = slices.Contains(days, wd) && half >= 16 && half < 38
	}
	return out
}

func officeHours(in intrusion.Intrusion, loc *time.Location, days []time.Weekday) (share float64, n int) {
	work := 0
	if len(in.Activity) == intrusion.ActivitySlots {
		office := officeSlots(loc, days, in.Start)
		for s, c := range in.Activity {
			n += c
			if office[s] {
				work += c
			}
		}
	} else {
		for _, e := range in.Timeline {
			t := e.Time.In(loc)
			n++
			if slices.Contains(days, t.Weekday()) && t.Hour() >= 8 && t.Hour() < 19 {
				work++
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(work) / float64(n), n
}

// Timing model: an operator works office hours in the sponsor's capital
// with probability officeFocus, otherwise at any time; the alternative
// (benign use of the infrastructure, by the victim's own people) follows
// the victim's office hours the same way.
const (
	officeFocus     = 0.8
	timingMaxEvents = 12 // events beyond this add nothing: operators' sessions are not independent draws
)

// timingFactor tests activity against office hours in the sponsor's zone,
// against the alternative of the victim's own office hours.
func timingFactor(in intrusion.Intrusion, r *actorRec, sponsor, victimCountry string) (Factor, bool) {
	loc, ok := Zone(sponsor)
	if !ok {
		return Factor{}, false
	}
	days := workdays(sponsor)
	share, n := officeHours(in, loc, days)
	if n < 3 || len(in.Activity) != intrusion.ActivitySlots {
		return Factor{}, false
	}
	actor := officeSlots(loc, days, in.Start)
	var victim []bool
	vloc, vok := Zone(victimCountry)
	if vok {
		victim = officeSlots(vloc, workdays(victimCountry), in.Start)
	}
	density := func(office []bool, s int) float64 {
		if office == nil {
			return 1.0 / intrusion.ActivitySlots
		}
		k := 0
		for _, o := range office {
			if o {
				k++
			}
		}
		p := (1 - officeFocus) / intrusion.ActivitySlots
		if office[s] {
			p += officeFocus / float64(k)
		}
		return p
	}
	var sum float64
	for s, c := range in.Activity {
		if c > 0 {
			sum += float64(c) * math.Log(density(actor, s)/density(victim, s))
		}
	}
	w := sum / float64(n) * float64(min(n, timingMaxEvents))
	w = max(-2.5, min(2.5, w))
	d := fmt.Sprintf("%.0f%% of %d events fell in %s office hours (08:00–19:00 %s, %s), where %s's assessed sponsor %s sits",
		share*100, n, capitals[sponsor], dayRange(days), loc.String(), r.name, sponsor)
	if vok {
		vshare, _ := officeHours(in, vloc, workdays(victimCountry))
		d += fmt.Sprintf("; %.0f%% in the victim's own office hours (%s)", vshare*100, vloc.String())
	}
	if n < timingMaxEvents {
		d += "; few events, so it counts less"
	}
	return Factor{Kind: KindTiming, Weight: w, Detail: d + ": " + strength(w)}, true
}

func dayRange(days []time.Weekday) string {
	return days[0].String()[:3] + "–" + days[len(days)-1].String()[:3]
}

// victimFactors compare the victim with the actor's known targets.
func victimFactors(v org.Organisation, r *actorRec) []Factor {
	var fs []Factor
	if v.Sector != "" && len(r.sectors) > 0 {
		list := strings.Join(r.sectors, ", ")
		if slices.ContainsFunc(r.sectors, func(s string) bool { return sectorMatch(v.Sector, s) }) {
			fs = append(fs, Factor{Kind: KindVictimology, Weight: 0.5,
				Detail: fmt.Sprintf("victim sector %s is among %s's targets (%s): weak", v.Sector, r.name, list)})
		} else {
			fs = append(fs, Factor{Kind: KindVictimology, Weight: -0.3,
				Detail: fmt.Sprintf("victim sector %s is not among %s's known targets (%s)", v.Sector, r.name, list)})
		}
	}
	if v.Country != "" && len(r.countries) > 0 {
		list := strings.Join(r.countries, ", ")
		if slices.Contains(r.countries, v.Country) {
			fs = append(fs, Factor{Kind: KindVictimology, Weight: 0.3,
				Detail: fmt.Sprintf("victim country %s is among %s's targets (%s): weak", v.Country, r.name, list)})
		} else {
			fs = append(fs, Factor{Kind: KindVictimology, Weight: -0.2,
				Detail: fmt.Sprintf("victim country %s is not among %s's known targets (%s)", v.Country, r.name, list)})
		}
	}
	return fs
}

// sectorMatch treats a sector and its subdivisions as one target
// ("government" covers "government-national").
func sectorMatch(victim, target string) bool {
	return victim == target || strings.HasPrefix(victim, target+"-") || strings.HasPrefix(target, victim+"-")
}

// combine adds a candidate's factors to Prior in log-odds: per kind of
// evidence the positive weights are first scaled down to the kind's cap.
func combine(c *cand) float64 {
	pos := map[string]float64{}
	for _, f := range c.factors {
		if f.Weight > 0 {
			pos[group(f.Kind)] += f.Weight
		}
	}
	for i, f := range c.factors {
		g := group(f.Kind)
		if capW := Caps[g]; f.Weight > 0 && pos[g] > capW {
			c.factors[i].Weight = f.Weight * capW / pos[g]
		}
	}
	logit := Prior
	for _, f := range c.factors {
		logit += f.Weight
	}
	return logit
}

// candidateOf states a candidate with its probability p.
func candidateOf(c *cand, sponsor string, p float64) Candidate {
	kinds := map[string]bool{}
	for _, f := range c.factors {
		if f.Weight > 0 {
			kinds[group(f.Kind)] = true
		}
	}
	for i := range c.factors {
		c.factors[i].Weight = math.Round(c.factors[i].Weight*1000) / 1000
	}
	slices.SortStableFunc(c.factors, func(a, b Factor) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Detail, b.Detail))
	})
	p = min(p, float64(MaxConfidence)/100)
	conf := int(math.Round(p * 100))
	if len(kinds) < 2 {
		conf = min(conf, 69) // one kind of evidence alone is never high confidence
	}
	// Attribution from network evidence is never certain: cap at the top of
	// ICD 203's "almost certain" band short of 100.
	conf = min(max(conf, 1), MaxConfidence)
	return Candidate{
		ActorID:    c.rec.id,
		ActorName:  c.rec.name,
		Sponsor:    sponsor,
		Score:      math.Round(p*1000) / 1000,
		Confidence: conf,
		Words:      Words(conf),
		Likelihood: Likelihood(p),
		Factors:    c.factors,
	}
}

// pickSponsor returns the highest-confidence sponsor claim.
func pickSponsor(claims []intel.SponsorClaim) (intel.SponsorClaim, bool) {
	if len(claims) == 0 {
		return intel.SponsorClaim{}, false
	}
	s := slices.Clone(claims)
	slices.SortStableFunc(s, func(a, b intel.SponsorClaim) int {
		return cmp.Or(cmp.Compare(b.Confidence, a.Confidence), cmp.Compare(rank(a.Source), rank(b.Source)),
			strings.Compare(a.Source, b.Source), strings.Compare(a.Country, b.Country))
	})
	return s[0], true
}

// summarise decides whether the intrusion is attributed and says why.
func summarise(cs []Candidate, cands map[string]*cand, unlinked int) (bool, string) {
	top := cs[0]
	var b strings.Builder
	attributed := top.Score >= Threshold
	tied := len(cs) > 1 && cs[1].Score >= Threshold && top.Score-cs[1].Score < tieMargin
	switch {
	case tied:
		attributed = false
		fmt.Fprintf(&b, "Unattributed: %s (%.2f) and %s (%.2f) cannot be told apart on this evidence.",
			top.ActorName, top.Score, cs[1].ActorName, cs[1].Score)
	case attributed:
		fmt.Fprintf(&b, "Attributed to %s", top.ActorName)
		if top.Sponsor != "" {
			fmt.Fprintf(&b, " (assessed sponsor %s)", top.Sponsor)
		}
		fmt.Fprintf(&b, " with %s confidence (%d/100): %s. Evidence: %s.", top.Words, top.Confidence, top.Likelihood,
			strings.Join(evidenceKinds(top), ", "))
	default:
		fmt.Fprintf(&b, "Unattributed: the best candidate, %s, scores %.2f, below the %.2f threshold.", top.ActorName, top.Score, Threshold)
	}
	// Evidence pointing elsewhere: a kind strong for a rival but not for the top.
	topW := groupWeights(top)
	for _, c := range cs[1:] {
		for _, g := range sortedKeys(groupWeights(c)) {
			if w := groupWeights(c)[g]; w >= 1 && topW[g] < 0.5 {
				fmt.Fprintf(&b, " Conflicting evidence: %s points at %s instead (shared tooling or a false flag?).", g, c.ActorName)
			}
		}
	}
	if rec := cands[top.ActorID]; rec != nil {
		if d := sponsorDisagreement(rec.rec.sponsors); d != "" {
			b.WriteString(" " + d)
		}
	}
	if unlinked > 0 {
		if unlinked == 1 {
			b.WriteString(" 1 matched indicator points at no known actor.")
		} else {
			fmt.Fprintf(&b, " %d matched indicators point at no known actor.", unlinked)
		}
	}
	return attributed, b.String()
}

func groupWeights(c Candidate) map[string]float64 {
	m := map[string]float64{}
	for _, f := range c.Factors {
		m[group(f.Kind)] += f.Weight
	}
	return m
}

func evidenceKinds(c Candidate) []string {
	var ks []string
	for g, w := range groupWeights(c) {
		if w > 0 {
			ks = append(ks, g)
		}
	}
	slices.Sort(ks)
	return ks
}

// sponsorDisagreement notes when sources name different sponsor states.
func sponsorDisagreement(claims []intel.SponsorClaim) string {
	countries := map[string]bool{}
	for _, c := range claims {
		countries[c.Country] = true
	}
	if len(countries) < 2 {
		return ""
	}
	s := slices.Clone(claims)
	slices.SortFunc(s, func(a, b intel.SponsorClaim) int {
		return cmp.Or(cmp.Compare(b.Confidence, a.Confidence), strings.Compare(a.Country, b.Country), strings.Compare(a.Source, b.Source))
	})
	var parts []string
	for _, c := range s {
		parts = append(parts, fmt.Sprintf("%s (%s, confidence %d)", c.Country, cmp.Or(c.Source, "unknown source"), c.Confidence))
	}
	return "Sources disagree on the sponsor: " + strings.Join(parts, "; ") + "."
}

func strength(w float64) string {
	switch {
	case w >= 2.5:
		return "strong"
	case w >= 1.2:
		return "moderate"
	case w > 0:
		return "weak"
	case w == 0:
		return "neutral"
	}
	return "against"
}

func shortValue(v string) string {
	if len(v) > 24 && isHexString(v) {
		return v[:8] + "..."
	}
	return v
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
