package simulate

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
)

// indIndex maps "kind|value" to the ids of the scenario's indicators.
func (w *world) indIndex() map[string][]string {
	idx := map[string][]string{}
	for _, in := range w.inds {
		k := in.kind + "|" + in.value
		idx[k] = append(idx[k], in.id())
	}
	return idx
}

func sessionSpan(ss []*session) (time.Time, time.Time) {
	var lo, hi time.Time
	for i, s := range ss {
		end := s.start.Add(s.dur)
		if i == 0 || s.start.Before(lo) {
			lo = s.start
		}
		if i == 0 || end.After(hi) {
			hi = end
		}
	}
	return lo, hi
}

// truth assembles the ground truth from the plans and the look-alike
// sessions the days reported.
func (w *world) truth(hits []lookHit) Truth {
	end := w.start.AddDate(0, 0, w.days)
	t := Truth{
		Scenario: w.cfg.Profile, Seed: w.cfg.Seed, PeriodStart: w.start, PeriodEnd: end,
		VerdictRule: verdictRule, Agreements: truthAgreements,
		Summary: TruthSummary{
			ByActor: map[string]int{}, ByIntent: map[string]int{}, PotentialViolations: map[string]int{},
			NeedsAssessment: map[string]int{}, FirstAfter: map[string]string{}, TargetedAfterUSCN: map[string]int{},
		},
		Days: w.days, Orgs: len(w.sites), EventsPerOrgDay: w.cfg.EventsPerOrgDay,
		IndicatorNotes: w.notes, Traps: map[string]int{},
	}
	for _, a := range w.actors {
		var days []string
		for _, d := range a.workdays {
			days = append(days, d.String()[:3])
		}
		items, covered := 0, 0
		for _, pool := range [][]*infra{a.entry, a.stage, a.c2} {
			for _, x := range pool {
				items++
				if slices.Contains(x.intelTo, a) && (x.ipInIntel || x.dnInIntel) {
					covered++
				}
			}
		}
		for _, ss := range a.samples {
			for _, s := range ss {
				items++
				if s.inIntel {
					covered++
				}
			}
		}
		t.Actors = append(t.Actors, TruthActor{ID: a.id, Name: a.name, Sponsor: a.sponsor, ExternalID: a.externalID,
			Intents: a.intents, Sectors: a.sectors, Countries: a.countries, Zone: a.zone, Workdays: days,
			IntelCoverage: math.Round(float64(covered)/float64(items)*1000) / 1000})
	}
	idx := w.indIndex()
	for _, p := range w.plans {
		ti := TruthIntrusion{
			ID: p.id, OrgID: p.site.ID, OrgCountry: p.site.Country, OrgSector: p.site.Sector, OrgName: p.site.Name,
			ActorID: p.a.id, ActorName: p.a.name, Sponsor: p.a.sponsor, Access: p.access,
			Intent: p.intent, Status: p.status, Files: p.files, Sessions: len(p.ss),
			Techniques: []string{}, Indicators: []string{}, Flows: flows(p.ss),
		}
		ti.Start, ti.End = sessionSpan(p.ss)
		for _, f := range p.files {
			ti.BytesTaken += f.Bytes
		}
		touched := map[*infra]bool{}
		for _, s := range p.ss {
			if p.site.contains(s.src) && !p.site.contains(s.dst) {
				out, _, _, _ := s.wire()
				ti.BytesToActor += out
			}
			for _, a := range s.alerts {
				ti.Techniques = append(ti.Techniques, a.rule.techniques...)
			}
			ti.Indicators = append(ti.Indicators, sessionIndicators(s, idx)...)
			for _, x := range append([]*infra{p.entry, p.stage}, p.c2...) {
				if s.dst == x.addr || s.src == x.addr {
					touched[x] = true
				}
			}
		}
		slices.Sort(ti.Techniques)
		ti.Techniques = slices.Compact(ti.Techniques)
		slices.Sort(ti.Indicators)
		ti.Indicators = slices.Compact(ti.Indicators)
		traps := slices.Clone(p.traps)
		for _, x := range append([]*infra{p.entry, p.stage}, p.c2...) {
			if !touched[x] {
				continue
			}
			switch {
			case len(x.owners) > 1:
				var names []string
				for _, o := range x.intelTo {
					names = append(names, o.name)
				}
				traps = append(traps, fmt.Sprintf("shared-infrastructure: %s is also used by another actor; intel ties it to %s", x.addr, strings.Join(names, " and ")))
			case x.shared:
				traps = append(traps, fmt.Sprintf("shared-hosting: C2 %s on shared hosting address %s", x.domain, x.addr))
			case !x.staleAt.IsZero():
				traps = append(traps, fmt.Sprintf("stale-later: C2 address %s is reassigned to a benign host on %s", x.addr, x.staleAt.Format(time.DateOnly)))
			}
			if x.covered(p.a) == 0 {
				traps = append(traps, "partial-coverage: "+x.domain+" ("+x.addr.String()+") is not in intel")
			}
		}
		if !p.sample.inIntel && p.status != intrusion.Prevented {
			traps = append(traps, "partial-coverage: "+p.sample.family.name+" sample "+p.sample.hashes.SHA256[:12]+" is not in intel")
		}
		slices.Sort(traps)
		ti.Traps = slices.Compact(traps)
		for _, tr := range ti.Traps {
			t.Traps[strings.SplitN(tr, ":", 2)[0]]++
		}
		ti.Description = describe(p)
		t.add(ti)
	}
	for _, a := range truthAgreements {
		var first *TruthIntrusion
		for i := range t.Intrusions {
			ti := &t.Intrusions[i]
			if opposite(a, ti.OrgCountry, ti.Sponsor) && !ti.Start.Before(a.Effective) && (first == nil || ti.Start.Before(first.Start)) {
				first = ti
			}
		}
		if first != nil {
			t.Summary.FirstAfter[a.ID] = first.ID
			days := int(first.Start.Sub(a.Effective).Hours() / 24)
			if first.AfterPledgeBy == "" {
				first.AfterPledgeBy = fmt.Sprintf("%s (%s, day %d after %s)", first.Start.Format(time.DateOnly), first.ActorName, days, a.ID)
			}
		}
	}
	uscn := truthAgreements[0].Effective
	seen := map[string]bool{}
	for _, ti := range t.Intrusions {
		if ti.Sponsor == "CN" && ti.OrgCountry == "US" && ti.Intent == intent.Economic && ti.Start.After(uscn) && !seen[ti.OrgID] {
			seen[ti.OrgID] = true
			t.Summary.TargetedAfterUSCN[ti.OrgSector]++
		}
	}
	t.Behaviour = w.behaviourTruth(t.Intrusions)
	t.Lookalikes = w.lookalikeTruth(hits, idx)
	for _, l := range t.Lookalikes {
		t.Traps["lookalike-"+l.Kind]++
	}
	return t
}

func describe(p *splan) string {
	what := map[intent.Class]string{intent.Economic: "commercial secrets", intent.NationalSecurity: "state secrets", intent.Mixed: "commercial and state secrets"}[p.intent]
	how := map[string]string{"sqli": "SQL injection and a web shell", "phish": "a malicious document", "waterhole": "a watering-hole exploit"}[p.access]
	var out string
	switch p.status {
	case intrusion.Prevented:
		out = fmt.Sprintf("%s attempt against %s (%s, %s) by %s; the payload download from %s was blocked.", p.a.name, p.site.Name, p.site.Sector, p.site.Country, how, p.stage.domain)
	case intrusion.Detected:
		out = fmt.Sprintf("%s intrusion into %s (%s, %s) by %s, %s, C2 beacons; no files taken.", p.a.name, p.site.Name, p.site.Sector, p.site.Country, how, p.sample.family.name)
	default:
		var names []string
		for _, f := range p.files {
			names = append(names, f.Name)
		}
		out = fmt.Sprintf("%s intrusion into %s (%s, %s) by %s, %s, theft of %s: %s.", p.a.name, p.site.Name, p.site.Sector, p.site.Country, how, p.sample.family.name, what, strings.Join(names, ", "))
	}
	if len(p.traps) > 0 {
		out += " Traps: " + strings.Join(p.traps, "; ") + "."
	}
	return out
}

// behaviourTruth counts each actor's economic intrusions against each
// agreement's counterparties before and after its date.
func (w *world) behaviourTruth(ins []TruthIntrusion) []TruthBehaviour {
	end := w.start.AddDate(0, 0, w.days)
	var out []TruthBehaviour
	for _, ag := range truthAgreements {
		before := int(ag.Effective.Sub(w.start).Hours() / 24)
		after := int(end.Sub(ag.Effective).Hours() / 24)
		if before <= 0 || after <= 0 {
			continue
		}
		for _, a := range w.actors {
			if !slices.Contains(ag.Parties, a.sponsor) || !slices.Contains(a.intents, "economic") {
				continue
			}
			b := TruthBehaviour{ActorID: a.id, ActorName: a.name, AgreementID: ag.ID, Planned: cmpOr(a.after[ag.ID], "continue"), DaysBefore: before, DaysAfter: after}
			b.Changed = b.Planned != "continue"
			for _, ti := range ins {
				if ti.ActorID != a.id || ti.Intent != intent.Economic || !opposite(ag, ti.OrgCountry, a.sponsor) {
					continue
				}
				if ti.Start.Before(ag.Effective) {
					b.EconomicBefore++
					if ti.Status == intrusion.Exfiltrated {
						b.ExfiltratedBefore++
					}
				} else {
					b.EconomicAfter++
					if ti.Status == intrusion.Exfiltrated {
						b.ExfiltratedAfter++
					}
				}
			}
			b.RateBefore = math.Round(float64(b.EconomicBefore)*30/float64(before)*100) / 100
			b.RateAfter = math.Round(float64(b.EconomicAfter)*30/float64(after)*100) / 100
			out = append(out, b)
		}
	}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// lookalikeTruth merges the look-alike sessions of all days into one
// entry per kind and organisation.
func (w *world) lookalikeTruth(hits []lookHit, idx map[string][]string) []TruthLookalike {
	byID := map[string]*TruthLookalike{}
	var order []string
	for _, h := range hits {
		l := byID[h.id]
		if l == nil {
			kind := strings.TrimSuffix(strings.TrimPrefix(h.id, "lookalike-"), "-"+h.site.ID)
			l = &TruthLookalike{ID: h.id, Kind: kind, OrgIDs: []string{h.site.ID}, Expected: lookExpected[kind], Start: h.ss.start, End: h.ss.start.Add(h.ss.dur)}
			l.Description = map[string]string{
				lookKindSharedHosting: "Employees of " + h.site.Name + " visit legitimate sites on a shared hosting address that intel ties, at low confidence, to an actor's C2 domain: a weak, shared indicator that must not be attributed.",
				lookKindStale:         "Employees of " + h.site.Name + " visit a benign site on an address an actor used earlier in the period and that intel still lists: a stale indicator.",
				lookKindParentDomain:  "Employees of " + h.site.Name + " visit the www host of a parent domain of an actor's C2 domain: subdomain matching must not run upwards.",
				lookKindScan:          "Internet SQL injection scanning (sqlmap) against " + h.site.Name + "'s web server: T1190 alerts with no indicator behind them.",
			}[kind]
			byID[h.id] = l
			order = append(order, h.id)
		}
		l.Sessions++
		l.Flows = append(l.Flows, h.flow)
		if h.ss.start.Before(l.Start) {
			l.Start = h.ss.start
		}
		if e := h.ss.start.Add(h.ss.dur); e.After(l.End) {
			l.End = e
		}
		l.Indicators = append(l.Indicators, sessionIndicators(h.ss, idx)...)
	}
	slices.Sort(order)
	out := make([]TruthLookalike, 0, len(order))
	for _, id := range order {
		l := byID[id]
		slices.Sort(l.Indicators)
		l.Indicators = slices.Compact(l.Indicators)
		out = append(out, *l)
	}
	return out
}
