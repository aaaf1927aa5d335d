package simulate

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// scenIndicator is one STIX indicator of an easy or hard scenario.
type scenIndicator struct {
	key        string
	name       string
	kind       string // ipv4, domain, md5, sha256
	value      string
	validFrom  time.Time
	validUntil time.Time
	confidence int
	marking    string
	indicates  []string // STIX ids of intrusion sets or malware
	types      []string
	trap       string // shared-infrastructure, shared-hosting, stale, false-flag-tool, ""
}

func (s scenIndicator) id() string { return stixID("indicator", s.key) }

func (s scenIndicator) pattern() string {
	switch s.kind {
	case "ipv4":
		return ipPattern(s.value)
	case "domain":
		return domainPattern(s.value)
	case "md5":
		return fmt.Sprintf("[file:hashes.MD5 = '%s']", s.value)
	case "sha256":
		return fmt.Sprintf("[file:hashes.'SHA-256' = '%s']", s.value)
	}
	panic("simulate: indicator kind " + s.kind)
}

// TruthIndicatorNote explains an indicator that is part of a trap.
type TruthIndicatorNote struct {
	IndicatorID string   `json:"indicator_id"`
	Trap        string   `json:"trap"` // shared-infrastructure, shared-hosting, stale, false-flag-tool
	Value       string   `json:"value"`
	IntelActors []string `json:"intel_actors"` // actors intel ties it to
	TrueActors  []string `json:"true_actors"`  // actors that really used it
	Note        string   `json:"note"`
}

// buildTraps shares infrastructure between actors, moves some actor
// domains onto shared hosting and picks addresses to go stale.
func (w *world) buildTraps(g *rng) {
	p := w.prof
	// Pairs that plausibly share infrastructure (same sponsor first).
	pairs := [][2]string{{actDeepPanda, "apt1"}, {actMenuPass, actAPT3}, {"apt1", "axiom"}, {actAPT28, "apt29"}, {"oilrig", "magic-hound"}, {actDeepPanda, "axiom"}}
	for i := range p.sharedInfra {
		pr := pairs[i%len(pairs)]
		a, b := w.byKey[pr[0]], w.byKey[pr[1]]
		x := a.c2[len(a.c2)-1-i/len(pairs)]
		x.owners = append(x.owners, b)
		b.c2 = append(b.c2, x)
		x.key = "shared/" + x.key
	}
	// Shared hosting: an actor domain on a provider address that also
	// serves benign sites.
	hostActors := []string{"apt1", actMenuPass, "oilrig", "axiom", actDeepPanda}
	for i := range p.sharedHosting {
		a := w.byKey[hostActors[i%len(hostActors)]]
		x := a.c2[0]
		delete(w.used, x.addr)
		x.addr = w.cdnAddrs[i]
		x.shared = true
	}
	// Stale: an address an actor used early in the period that is later
	// reassigned to a benign host.
	staleActors := []string{actDeepPanda, "apt1", actAPT28, actMenuPass, "lazarus", "oilrig"}
	for i := range p.stale {
		a := w.byKey[staleActors[i%len(staleActors)]]
		x := a.c2[1+i/len(staleActors)]
		if len(x.owners) > 1 || x.shared {
			x = a.c2[2]
		}
		frac := 0.45 + 0.25*g.r.Float64()
		x.staleAt = w.start.AddDate(0, 0, int(frac*float64(w.days)))
		x.benignDN = w.domain(g, pick(g, []string{"www", "shop", "blog"}))
	}
}

// buildIndicators decides which infrastructure and samples intel covers
// and writes the indicators.
func (w *world) buildIndicators(g *rng) {
	p := w.prof
	seed := w.cfg.Seed
	mal := []string{"malicious-activity"}
	attr := []string{"attribution"}
	conf := func(lo, hi int) int { return g.between(lo, hi) }
	ids := func(as []*actor) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.id)
		}
		return out
	}
	names := func(as []*actor) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.name)
		}
		return out
	}
	for _, a := range w.actors {
		for _, pool := range [][]*infra{a.entry, a.stage, a.c2} {
			for _, x := range pool {
				if x.owners[0] != a {
					continue // shared: handled with its first owner
				}
				x.intelTo = x.owners
				trap := ""
				switch {
				case len(x.owners) > 1:
					trap = "shared-infrastructure"
					if g.chance(p.oneSided) {
						x.intelTo = []*actor{x.owners[g.intn(len(x.owners))]}
					}
				case x.shared:
					trap = "shared-hosting"
				case !x.staleAt.IsZero():
					trap = "stale"
				}
				// An item is in intel with the actor's coverage; then by its
				// address, its domain or both.
				if g.chance(a.coverage) || trap != "" {
					switch r := g.r.Float64(); {
					case r < 0.3:
						x.ipInIntel = true
					case r < 0.6:
						x.dnInIntel = true
					default:
						x.ipInIntel, x.dnInIntel = true, true
					}
					if trap != "" {
						x.ipInIntel = true
					}
				}
				x.lowConf = g.chance(p.lowConfidence)
				from := w.start.AddDate(0, 0, -g.between(20, 400))
				if x.ipInIntel {
					in := scenIndicator{key: fmt.Sprintf("%d/%s/ip", seed, x.key), kind: "ipv4", value: x.addr.String(),
						name: "Address of " + strings.Join(names(x.intelTo), " and ") + " infrastructure", validFrom: from,
						confidence: conf(55, 85), marking: tlpGreen, indicates: ids(x.intelTo), types: attr, trap: trap}
					if x.lowConf {
						in.confidence = conf(20, 45)
					}
					if x.shared {
						in.confidence = conf(15, 30)
						in.name = "Shared hosting address seen with " + strings.Join(names(x.intelTo), " and ")
					}
					if !x.staleAt.IsZero() {
						// Half of the stale addresses carry a valid_until just before the
						// reassignment; the rest have none: the trap is that intel goes stale.
						if g.chance(0.5) {
							x.validTo = x.staleAt.AddDate(0, 0, -g.between(1, 5))
							in.validUntil = x.validTo
						}
					} else if g.chance(p.validUntil) {
						in.validUntil = w.start.AddDate(0, 0, w.days+g.between(30, 300))
					}
					w.inds = append(w.inds, in)
					if trap != "" {
						note := map[string]string{
							"shared-infrastructure": "Infrastructure used by " + strings.Join(names(x.owners), " and ") + "; intel ties it to " + strings.Join(names(x.intelTo), " and ") + ".",
							"shared-hosting":        "Shared hosting address: " + a.name + "'s domain " + x.domain + " and benign sites resolve to it.",
							"stale":                 fmt.Sprintf("%s used it until shortly before %s; from then on it serves the benign site %s.", a.name, x.staleAt.Format(time.DateOnly), x.benignDN),
						}[trap]
						w.notes = append(w.notes, TruthIndicatorNote{IndicatorID: in.id(), Trap: trap, Value: in.value, IntelActors: names(x.intelTo), TrueActors: names(x.owners), Note: note})
					}
				}
				if x.dnInIntel {
					w.inds = append(w.inds, scenIndicator{key: fmt.Sprintf("%d/%s/domain", seed, x.key), kind: "domain", value: x.domain,
						name: "Domain of " + strings.Join(names(x.intelTo), " and ") + " infrastructure", validFrom: from,
						confidence: conf(65, 90), marking: pick(g, []string{tlpGreen, tlpGreen, tlpAmber}), indicates: ids(x.intelTo), types: attr,
						trap: map[bool]string{true: "shared-infrastructure"}[len(x.owners) > 1]})
				}
			}
		}
		for _, fam := range a.malware {
			for i, s := range a.samples[fam] {
				if a.key == falseFlag.lender && fam == falseFlag.family && i == 0 {
					s.inIntel, s.direct = true, true
				}
				if !s.inIntel {
					continue
				}
				in := scenIndicator{key: fmt.Sprintf("%d/%s/%s/%d", seed, a.key, fam, i), name: s.family.name + " sample " + s.name,
					validFrom: w.start.AddDate(0, 0, -g.between(10, 300)), confidence: conf(75, 95), marking: tlpGreen,
					indicates: []string{s.family.id}, types: mal}
				if s.direct {
					in.indicates = append(in.indicates, a.id)
				}
				in.kind, in.value = "sha256", s.hashes.SHA256
				if g.chance(0.3) {
					in.kind, in.value = "md5", s.hashes.MD5
				}
				if a.key == falseFlag.lender && fam == falseFlag.family && i == 0 {
					in.trap = "false-flag-tool"
					w.notes = append(w.notes, TruthIndicatorNote{IndicatorID: in.id(), Trap: in.trap, Value: in.value,
						IntelActors: []string{a.name}, TrueActors: []string{a.name, w.byKey[falseFlag.actor].name},
						Note: fmt.Sprintf("%s sample tied to %s; %s reuses it while keeping its own infrastructure and hours.", s.family.name, a.name, w.byKey[falseFlag.actor].name)})
				}
				w.inds = append(w.inds, in)
			}
		}
	}
	slices.SortStableFunc(w.notes, func(a, b TruthIndicatorNote) int { return strings.Compare(a.Trap, b.Trap) })
}

// covered reports how many pieces of evidence tie x to a in intel.
func (x *infra) covered(a *actor) int {
	if !slices.Contains(x.intelTo, a) {
		return 0
	}
	n := 0
	if x.ipInIntel {
		n++
	}
	if x.dnInIntel {
		n++
	}
	return n
}
