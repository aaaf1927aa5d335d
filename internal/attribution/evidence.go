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

// Evidence is what one candidate actor has for it: the features the Model
// weighs and the items behind them, each with a sentence.
type Evidence struct {
	ActorID   string
	ActorName string
	Sponsor   string // ISO alpha-2 of the assessed sponsor, "" if none
	X         [NumFeatures]float64
	// Servers counts the distinct servers of the actor's own (not shared)
	// infrastructure strong enough to name it.
	Servers int
	items   []item
	rec     *actorRec
}

// item is one piece of evidence for a candidate.
type item struct {
	feat   Feature
	kind   string  // Factor kind
	raw    float64 // strength before the feature's aggregation
	value  string  // the indicator's value, for indicator items
	detail string
	refs   []string
}

// typeStrength is how much one indicator of a type, pointing at one actor
// with full confidence, says: a URL or domain names infrastructure more
// specifically than an address, which may be shared or reassigned; a JA3
// fingerprint is shared by every client built on the same library.
var typeStrength = map[intel.Type]float64{
	intel.SHA256: 1.0, intel.SHA1: 1.0, intel.MD5: 0.9,
	intel.URL: 1.2, intel.Domain: 1.0, intel.Email: 1.0,
	intel.IPv4: 0.8, intel.IPv6: 0.8, intel.JA3: 0.3, intel.CIDR: 0.4,
}

func isHash(t intel.Type) bool { return t == intel.MD5 || t == intel.SHA1 || t == intel.SHA256 }

// Evidence gathers the candidates of an intrusion: the actors some matched
// indicator points at, directly or through software they use, each with
// its features. It also returns how many sightings point at no known
// actor. The result is sorted by actor id and deterministic.
func (k *Knowledge) Evidence(in intrusion.Intrusion, victim org.Organisation) (evs []*Evidence, unlinked int) {
	byActor := map[string]*Evidence{}
	get := func(id string) *Evidence {
		e := byActor[id]
		if e == nil {
			r := k.actors[id]
			sponsor, _ := pickSponsor(r.sponsors)
			e = &Evidence{ActorID: id, ActorName: r.name, Sponsor: sponsor.Country, rec: r}
			byActor[id] = e
		}
		return e
	}
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
			e := get(l.actor)
			e.items = append(e.items, k.indicatorItem(s, ind, l, actors))
		}
	}
	server := map[string]string{} // indicator id -> its server group's first id
	for _, g := range in.Servers {
		for _, id := range g {
			server[id] = g[0]
		}
	}
	for _, id := range sortedKeys(byActor) {
		e := byActor[id]
		e.onePerServer(server)
		if it, ok := techniqueItem(in, e.rec); ok {
			e.items = append(e.items, it)
		}
		if it, ok := timingItem(in, e.rec, e.Sponsor, victim.Country); ok {
			e.items = append(e.items, it)
		}
		e.items = append(e.items, victimItems(victim, e.rec)...)
		e.Servers = e.ownServers(server)
		e.aggregate()
		evs = append(evs, e)
	}
	return evs, unlinked
}

// ownServers counts the distinct servers of the candidate's own (not
// shared) infrastructure that are strong enough to name it.
func (e *Evidence) ownServers(server map[string]string) int {
	seen := map[string]bool{}
	for _, it := range e.items {
		if it.feat == FeatInfrastructure && it.kind == KindIndicator && it.raw >= MinTechnical && len(it.refs) > 0 {
			seen[cmp.Or(server[it.refs[0]], it.refs[0])] = true
		}
	}
	return len(seen)
}

// onePerServer counts the indicators of one server (a domain and the
// address it resolved to, seen in the same events) once: the strongest
// stands, the others add nothing.
func (e *Evidence) onePerServer(server map[string]string) {
	best := map[string]int{} // server -> index of its strongest item
	for i, it := range e.items {
		if it.feat == FeatMalware || len(it.refs) == 0 || server[it.refs[0]] == "" {
			continue
		}
		k := fmt.Sprint(it.feat) + "|" + server[it.refs[0]]
		if j, ok := best[k]; !ok || it.raw > e.items[j].raw {
			best[k] = i
		}
	}
	for i := range e.items {
		it := &e.items[i]
		if it.feat == FeatMalware || len(it.refs) == 0 || server[it.refs[0]] == "" {
			continue
		}
		j := best[fmt.Sprint(it.feat)+"|"+server[it.refs[0]]]
		if j != i {
			it.raw = 0
			it.detail += "; the same server as " + e.items[j].value + ", counted once"
		}
	}
}

// saturating features add their items' strengths as 1-exp(-sum): a second
// indicator of the same kind adds less than the first.
func saturating(f Feature) bool {
	return f == FeatInfrastructure || f == FeatMalware || f == FeatFamily
}

// aggregate computes the features from the items.
func (e *Evidence) aggregate() {
	var sum [NumFeatures]float64
	for _, it := range e.items {
		sum[it.feat] += it.raw
	}
	for f := range NumFeatures {
		if saturating(f) {
			e.X[f] = 1 - math.Exp(-sum[f])
		} else {
			e.X[f] = sum[f]
		}
	}
	e.X[FeatTiming] = max(-timingClip, min(timingClip, e.X[FeatTiming]))
}

// factors states each item's share of its feature's contribution to the
// utility under m.
func (e *Evidence) factors(m Model) []Factor {
	var sum [NumFeatures]float64
	for _, it := range e.items {
		sum[it.feat] += it.raw
	}
	var fs []Factor
	for _, it := range e.items {
		w := m.Weights[it.feat] * e.X[it.feat]
		if sum[it.feat] != 0 && saturating(it.feat) {
			w *= it.raw / sum[it.feat]
		} else if sum[it.feat] != 0 {
			w *= it.raw / sum[it.feat]
		}
		w = math.Round(w*1000) / 1000
		fs = append(fs, Factor{Kind: it.kind, Weight: w, Detail: it.detail + ": " + strength(w), Refs: it.refs})
	}
	slices.SortStableFunc(fs, func(a, b Factor) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Detail, b.Detail))
	})
	return fs
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

// indicatorItem weighs one sighting for one actor.
func (k *Knowledge) indicatorItem(s intrusion.Sighting, ind intel.Indicator, l link, actors map[string]bool) item {
	w := cmp.Or(typeStrength[ind.Type], 0.5)
	var notes []string
	feat, kind := FeatInfrastructure, KindIndicator
	if isHash(ind.Type) {
		feat, kind = FeatMalware, KindMalware
	}
	var what string
	switch {
	case l.via != "":
		// Through software the actor uses: families are shared between
		// groups and can be planted (a false flag).
		feat = FeatFamily
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
		notes = append(notes, "a family, not the group itself: families are shared and can be planted")
	case isHash(ind.Type):
		what = "is malware tied to"
	default:
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
		notes = append(notes, fmt.Sprintf("shared by %d actors, strength split between them", n))
	}
	if stale, why := staleness(s, ind); stale < 1 {
		w *= stale
		notes = append(notes, why)
	}
	if s.Prevalence >= intrusion.Widespread {
		w *= 0.1
		notes = append(notes, fmt.Sprintf("widespread: %d organisations reached it within days, as they reach shared hosting or a reassigned address", s.Prevalence))
	}
	switch {
	case ind.Confidence > 0:
		w *= max(0.05, float64(min(ind.Confidence, 100))/100)
		if ind.Confidence < 50 {
			notes = append(notes, fmt.Sprintf("source confidence %d", ind.Confidence))
		}
	default:
		w *= 0.7
		notes = append(notes, "source confidence not stated")
	}
	detail := fmt.Sprintf("%s %s %s %s (%d actor%s)", ind.Type, shortValue(ind.Value), what,
		strings.Join(names, ", "), len(actors), plural(len(actors)))
	if len(notes) > 0 {
		detail += "; " + strings.Join(notes, "; ")
	}
	return item{feat: feat, kind: kind, raw: w, value: shortValue(ind.Value), detail: detail, refs: []string{s.IndicatorID}}
}

// staleness discounts an indicator seen outside its validity window, and
// an address indicator more than two years old.
func staleness(s intrusion.Sighting, ind intel.Indicator) (float64, string) {
	const day = "2006-01-02"
	switch {
	case !ind.ValidUntil.IsZero() && s.FirstSeen.After(ind.ValidUntil):
		return 0.1, fmt.Sprintf("stale: valid until %s, seen %s", ind.ValidUntil.Format(day), s.FirstSeen.Format(day))
	case !ind.ValidFrom.IsZero() && s.LastSeen.Before(ind.ValidFrom):
		return 0.5, fmt.Sprintf("seen %s, before the indicator's valid_from %s", s.LastSeen.Format(day), ind.ValidFrom.Format(day))
	case (ind.Type == intel.IPv4 || ind.Type == intel.IPv6 || ind.Type == intel.CIDR) &&
		!ind.ValidFrom.IsZero() && s.FirstSeen.Sub(ind.ValidFrom) > 2*365*24*time.Hour:
		return 0.6, fmt.Sprintf("address listed since %s, over two years before it was seen: it may have changed hands", ind.ValidFrom.Format(day))
	}
	return 1, ""
}

// techniqueItem compares the intrusion's techniques with the actor's
// ATT&CK profile; an actor that uses everything says little by overlap.
func techniqueItem(in intrusion.Intrusion, r *actorRec) (item, bool) {
	if len(in.Techniques) == 0 || len(r.techniques) == 0 {
		return item{}, false
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
		return item{feat: FeatTechnique, kind: KindTechnique, raw: -0.5, refs: in.Techniques,
			detail: fmt.Sprintf("none of the intrusion's %d techniques is in %s's ATT&CK profile (%d techniques)", n, r.name, len(r.techniques))}, true
	}
	breadth := min(1, 40/float64(len(r.techniques)))
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
	return item{feat: FeatTechnique, kind: KindTechnique, raw: k / float64(n) * breadth, detail: d, refs: append(exact, near...)}, true
}

func parent(t string) string {
	if i := strings.IndexByte(t, '.'); i >= 0 {
		return t[:i]
	}
	return t
}

// victimItems compare the victim with the actor's known targets.
func victimItems(v org.Organisation, r *actorRec) []item {
	var out []item
	if v.Sector != "" && len(r.sectors) > 0 {
		list := strings.Join(r.sectors, ", ")
		if slices.ContainsFunc(r.sectors, func(s string) bool { return sectorMatch(v.Sector, s) }) {
			out = append(out, item{feat: FeatSector, kind: KindVictimology, raw: 1,
				detail: fmt.Sprintf("victim sector %s is among %s's targets (%s)", v.Sector, r.name, list)})
		} else {
			out = append(out, item{feat: FeatSector, kind: KindVictimology, raw: -1,
				detail: fmt.Sprintf("victim sector %s is not among %s's known targets (%s)", v.Sector, r.name, list)})
		}
	}
	if v.Country != "" && len(r.countries) > 0 {
		list := strings.Join(r.countries, ", ")
		if slices.Contains(r.countries, v.Country) {
			out = append(out, item{feat: FeatCountry, kind: KindVictimology, raw: 1,
				detail: fmt.Sprintf("victim country %s is among %s's targets (%s)", v.Country, r.name, list)})
		} else {
			out = append(out, item{feat: FeatCountry, kind: KindVictimology, raw: -1,
				detail: fmt.Sprintf("victim country %s is not among %s's known targets (%s)", v.Country, r.name, list)})
		}
	}
	return out
}

// sectorMatch treats a sector and its subdivisions as one target
// ("government" covers "government-national").
func sectorMatch(victim, target string) bool {
	return victim == target || strings.HasPrefix(victim, target+"-") || strings.HasPrefix(target, victim+"-")
}
