package attribution

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// Knowledge is what attribution knows about actors, their software and the
// indicators that point at them. Build it once with NewKnowledge; it is
// immutable and safe for concurrent use.
type Knowledge struct {
	actors     map[string]*actorRec
	byName     map[string]string            // intel.NameKey of a name or alias -> actor id
	software   map[string]intel.Software    // by id
	swByName   map[string]string            // intel.NameKey -> software id
	users      map[string][]string          // software id -> actor ids using it, sorted
	indicators map[string][]intel.Indicator // by indicator id
	links      map[string][]link            // indicator id -> actors it points at
	byValue    map[string][]string          // type|value -> actor ids any indicator with that value points at
}

// actorRec merges every record with one STIX id.
type actorRec struct {
	id         string
	name       string
	aliases    []string
	sources    []string
	sponsors   []intel.SponsorClaim
	techniques map[string]bool // upper-case ATT&CK ids
	sectors    []string
	countries  []string
}

// link is one actor an indicator points at, directly or through software.
type link struct {
	actor string
	via   string // software id, empty when the indicator names the actor
}

// NewKnowledge builds attribution knowledge from intel. Several records
// with one STIX id (ATT&CK's and a bundle's copy) merge into one actor;
// revoked records are left out. Indicators point at actors through their
// Indicates list (intrusion-set ids, malware or tool ids, or for IOC lists
// actor names) and through "indicates" relationships; software leads to
// the actors that "use" it (relationships, or the actor's software names).
func NewKnowledge(actors []intel.Actor, inds []intel.Indicator, sw []intel.Software, rels []intel.Relationship) *Knowledge {
	k := &Knowledge{
		actors:     map[string]*actorRec{},
		byName:     map[string]string{},
		software:   map[string]intel.Software{},
		swByName:   map[string]string{},
		users:      map[string][]string{},
		indicators: map[string][]intel.Indicator{},
		links:      map[string][]link{},
		byValue:    map[string][]string{},
	}
	// Actors, in a stable order: ATT&CK first, then by source and id, so a
	// name shared by two records resolves the same way every time.
	sorted := slices.Clone(actors)
	slices.SortStableFunc(sorted, func(a, b intel.Actor) int {
		return cmp.Or(cmp.Compare(rank(a.Source), rank(b.Source)), strings.Compare(a.Source, b.Source), strings.Compare(a.ID, b.ID))
	})
	for _, a := range sorted {
		if a.Revoked || a.ID == "" {
			continue
		}
		r := k.actors[a.ID]
		if r == nil {
			r = &actorRec{id: a.ID, name: a.Name, techniques: map[string]bool{}}
			k.actors[a.ID] = r
		}
		if r.name == "" {
			r.name = a.Name
		}
		r.aliases = appendNew(r.aliases, append([]string{a.Name}, a.Aliases...)...)
		r.sources = appendNew(r.sources, a.Source)
		for _, c := range a.Sponsors {
			if c.Source == "" {
				c.Source = a.Source
			}
			if !slices.Contains(r.sponsors, c) {
				r.sponsors = append(r.sponsors, c)
			}
		}
		for _, t := range a.Techniques {
			r.techniques[strings.ToUpper(strings.TrimSpace(t))] = true
		}
		r.sectors = appendNew(r.sectors, lower(a.TargetSectors)...)
		r.countries = appendNew(r.countries, upper(a.TargetCountries)...)
	}
	for _, a := range sorted { // primary names win over aliases
		if _, ok := k.actors[a.ID]; ok {
			setOnce(k.byName, intel.NameKey(a.Name), a.ID)
		}
	}
	for _, a := range sorted {
		if _, ok := k.actors[a.ID]; ok {
			for _, n := range a.Aliases {
				setOnce(k.byName, intel.NameKey(n), a.ID)
			}
		}
	}
	for _, s := range sw {
		if s.ID == "" {
			continue
		}
		if _, dup := k.software[s.ID]; !dup {
			k.software[s.ID] = s
		}
	}
	swIDs := sortedKeys(k.software)
	for _, id := range swIDs {
		setOnce(k.swByName, intel.NameKey(k.software[id].Name), id)
	}
	for _, id := range swIDs {
		for _, n := range k.software[id].Aliases {
			setOnce(k.swByName, intel.NameKey(n), id)
		}
	}
	// Who uses what.
	for _, rel := range rels {
		if rel.Type != "uses" {
			continue
		}
		if _, ok := k.actors[rel.From]; !ok {
			continue
		}
		if _, ok := k.software[rel.To]; ok {
			k.users[rel.To] = appendNew(k.users[rel.To], rel.From)
		}
	}
	for _, a := range sorted {
		if _, ok := k.actors[a.ID]; !ok {
			continue
		}
		for _, n := range a.Software {
			if id, ok := k.swByName[intel.NameKey(n)]; ok {
				k.users[id] = appendNew(k.users[id], a.ID)
			}
		}
	}
	for id := range k.users {
		slices.Sort(k.users[id])
	}
	// Indicators and what they point at.
	targets := map[string][]string{}
	for _, ind := range inds {
		if ind.ID == "" {
			continue
		}
		k.indicators[ind.ID] = append(k.indicators[ind.ID], ind)
		targets[ind.ID] = appendNew(targets[ind.ID], ind.Indicates...)
	}
	for _, rel := range rels {
		if rel.Type == "indicates" {
			if _, ok := k.indicators[rel.From]; ok {
				targets[rel.From] = appendNew(targets[rel.From], rel.To)
			}
		}
	}
	for _, id := range sortedKeys(targets) {
		var ls []link
		add := func(l link) {
			if !slices.ContainsFunc(ls, func(o link) bool { return o.actor == l.actor }) {
				ls = append(ls, l)
			}
		}
		for _, t := range targets[id] {
			switch {
			case k.actors[t] != nil:
				add(link{actor: t})
			case k.software[t].ID != "":
				for _, a := range k.users[t] {
					add(link{actor: a, via: t})
				}
			default:
				if a, ok := k.byName[intel.NameKey(t)]; ok {
					add(link{actor: a})
				} else if s, ok := k.swByName[intel.NameKey(t)]; ok {
					for _, a := range k.users[s] {
						add(link{actor: a, via: s})
					}
				}
			}
		}
		// Direct links first so the detail names them, then by actor id.
		slices.SortStableFunc(ls, func(a, b link) int {
			return cmp.Or(cmp.Compare(b2i(a.via != ""), b2i(b.via != "")), strings.Compare(a.actor, b.actor))
		})
		k.links[id] = ls
		for _, ind := range k.indicators[id] {
			key := valueKey(ind.Type, ind.Value)
			for _, l := range ls {
				k.byValue[key] = appendNew(k.byValue[key], l.actor)
			}
		}
	}
	for key := range k.byValue {
		slices.Sort(k.byValue[key])
	}
	return k
}

// ActorName returns the name of the actor with the given STIX id.
func (k *Knowledge) ActorName(id string) (string, bool) {
	r, ok := k.actors[id]
	if !ok {
		return "", false
	}
	return r.name, true
}

// ResolveActor returns the STIX id of the actor a name or alias denotes.
func (k *Knowledge) ResolveActor(name string) (string, bool) {
	id, ok := k.byName[intel.NameKey(name)]
	return id, ok
}

func rank(source string) int {
	if source == "mitre-attack" {
		return 0
	}
	return 1
}

func valueKey(t intel.Type, v string) string { return string(t) + "|" + v }

func setOnce(m map[string]string, k, v string) {
	if k == "" {
		return
	}
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func appendNew(dst []string, vs ...string) []string {
	for _, v := range vs {
		if v != "" && !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(strings.TrimSpace(s))
	}
	return out
}

func upper(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToUpper(strings.TrimSpace(s))
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
