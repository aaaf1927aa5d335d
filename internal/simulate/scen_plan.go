package simulate

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
)

// splan is one planned intrusion of an easy or hard scenario.
type splan struct {
	*plant
	a       *actor
	siteIdx int
	from    time.Time // first UTC day
	days    int
	access  string
	entry   *infra
	stage   *infra
	c2      []*infra
	sample  *sample
	loot    []loot
	traps   []string
	stopAt  string // "entry", "download" for prevented intrusions
	ss      []*session
}

// Loot by what it serves.
var (
	econLoot = map[string][]string{
		"technology":          {"src-%s-platform.7z", "product-roadmap-2016.pptx", "source-code-%s.zip", "design-spec-%s.docx", "customer-contracts-2015.xlsx"},
		"pharmaceuticals":     {"clinical-trial-%s.rar", "formula-%s.docx", "compound-assay-%s.xlsx", "drug-pipeline-2016.pptx", "research-batch-%s.7z"},
		"manufacturing":       {"cad-designs-%s.zip", "process-recipe-%s.docx", "blueprint-%s.pdf", "supplier-pricing-2016.xlsx", "prototype-%s.7z"},
		"energy":              {"bid-%s-field.pdf", "reservoir-research-%s.7z", "pricing-model-%s.xlsx", "tender-%s.docx", "negotiation-%s.docx"},
		"financial-services":  {"merger-%s-terms.docx", "m&a-pipeline-%s.xlsx", "customer-accounts-%s.csv", "pricing-engine-src.7z"},
		"aerospace":           {"design-wing-%s.zip", "cad-engine-%s.7z", "prototype-test-%s.pdf", "patent-draft-%s.docx"},
		"defense":             {"design-radar-%s.zip", "bid-%s-programme.pdf", "cad-%s-assembly.7z"},
		"healthcare":          {"clinical-research-%s.rar", "patient-trial-%s.xlsx"},
		"education":           {"research-%s-lab.7z", "patent-disclosure-%s.pdf"},
		"non-profit":          {"research-%s.pdf"},
		"government-national": {"trade-negotiation-%s.docx", "tender-evaluation-%s.xlsx"},
	}
	natsecLoot = map[string][]string{
		"government-national": {"policy-memo-%s.docx", "personnel-clearances-%s.xlsx", "diplomatic-cables-%s.7z", "minister-briefing-%s.pdf", "sanctions-%s.docx", "embassy-contacts-%s.xlsx"},
		"defense":             {"military-programme-%s.pdf", "missile-test-%s.7z", "classified-%s-annex.docx", "navy-logistics-%s.xlsx"},
		"aerospace":           {"military-airframe-%s.pdf", "defense-contract-%s.docx"},
		"energy":              {"policy-grid-security-%s.docx", "intelligence-brief-%s.pdf"},
		"education":           {"policy-research-%s.pdf", "personnel-%s-visiting-scholars.xlsx"},
		"non-profit":          {"policy-%s-summit.docx", "diplomatic-%s-dialogue.pdf", "cabinet-contacts-%s.xlsx"},
		"financial-services":  {"sanctions-%s-accounts.xlsx"},
	}
	neutralLoot = []string{"archive-%s.rar", "backup-%s.7z", "export-%s.zip", "docs-%s.rar"}
	lootCodes   = []string{"q3", "2015", "v2", "alpha", "k7", "mx20", "rev4", "hz9", "p11", "b12", "orion", "atlas", "nova", "delta"}
)

func mimeOfName(name string) string {
	switch {
	case hasSuffix(name, ".7z"):
		return mime7z
	case hasSuffix(name, ".rar"):
		return mimeRAR
	case hasSuffix(name, ".zip"):
		return mimeZip
	case hasSuffix(name, ".pdf"):
		return mimePDF
	case hasSuffix(name, ".xlsx"):
		return mimeXLSX
	case hasSuffix(name, ".docx"):
		return mimeDOCX
	}
	return "application/octet-stream"
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// lootName fills a loot file name pattern with a code; a pattern without
// a place for one ("product-roadmap-2016.pptx") is the name itself.
func lootName(pattern, code string) string {
	if !strings.Contains(pattern, "%s") {
		return pattern
	}
	return strings.Replace(pattern, "%s", code, 1)
}

func (w *world) lootFor(g *rng, p *splan) []loot {
	sector := p.site.Sector
	var names []string
	add := func(tbl map[string][]string, fallback string) {
		list := tbl[sector]
		if len(list) == 0 {
			list = tbl[fallback]
		}
		names = append(names, lootName(pick(g, list), pick(g, lootCodes)))
	}
	switch p.intent {
	case intent.Economic:
		for range g.between(1, 3) {
			add(econLoot, "technology")
		}
		if g.chance(w.prof.neutralLoot) {
			names = append(names, lootName(pick(g, neutralLoot), pick(g, lootCodes)))
			p.traps = append(p.traps, "neutral file names among the loot")
		}
	case intent.NationalSecurity:
		for range g.between(1, 3) {
			add(natsecLoot, "government-national")
		}
	case intent.Mixed:
		add(econLoot, "technology")
		add(natsecLoot, "defense")
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var out []loot
	for _, n := range names {
		out = append(out, loot{n, g.between64(300_000, 25_000_000), mimeOfName(n)})
	}
	return out
}

// fits reports whether s is in a's victimology.
func fits(a *actor, s *site) bool {
	return slices.Contains(a.sectors, s.Sector) && slices.Contains(a.countries, s.Country)
}

// intentFor decides what an actor steals from a victim.
func intentFor(g *rng, a *actor, s *site) intent.Class {
	econ := slices.Contains(a.intents, "economic")
	nat := slices.Contains(a.intents, "national-security")
	gov := org.IsGovernment(s.Sector)
	natTarget := slices.Contains(a.natsecFor, s.Sector) || gov
	switch {
	case nat && natTarget && econ && (s.Sector == "defense" || s.Sector == "aerospace") && g.chance(0.3):
		return intent.Mixed
	case nat && natTarget:
		return intent.NationalSecurity
	case econ:
		return intent.Economic
	case gov:
		return intent.NationalSecurity
	}
	return intent.NationalSecurity
}

// opposite reports whether victim and sponsor are opposite parties of ag.
func opposite(ag TruthAgreement, victim, sponsor string) bool {
	return victim != sponsor && slices.Contains(ag.Parties, victim) && slices.Contains(ag.Parties, sponsor)
}

// behaviour returns what the actor does with an economic intrusion
// against victim starting on day d: "continue", "stop" or "attempts".
func behaviour(a *actor, victim string, d time.Time) string {
	out := "continue"
	for _, ag := range truthAgreements {
		if !opposite(ag, victim, a.sponsor) || d.Before(ag.Effective) {
			continue
		}
		switch a.after[ag.ID] {
		case "stop":
			return "stop"
		case "attempts":
			out = "attempts"
		}
	}
	return out
}

// plan draws the intrusions of every actor over the period.
func (w *world) plan(g *rng) {
	end := w.start.AddDate(0, 0, w.days)
	for _, a := range w.actors {
		mean := w.prof.rate * a.rate * float64(w.days) / 30
		n := max(2, int(math.Round(mean*(0.8+0.4*g.r.Float64()))))
		for range n {
			d0 := w.start.AddDate(0, 0, g.intn(max(1, w.days-3)))
			w.newPlan(g, a, d0, end, "")
		}
	}
	// False flags: the borrowing actor against commercial victims.
	ff := w.byKey[falseFlag.actor]
	for i := range w.prof.falseFlags {
		d0 := w.start.AddDate(0, 0, int(float64(w.days)*(0.5+0.4*float64(i)/float64(max(1, w.prof.falseFlags)))))
		w.newPlan(g, ff, d0, end, "false-flag")
	}
	// The mixed-intent actor steals both kinds at least once.
	a3 := w.byKey[actAPT3]
	for _, want := range []intent.Class{intent.Economic, intent.NationalSecurity} {
		if !slices.ContainsFunc(w.plans, func(p *splan) bool { return p.a == a3 && p.intent == want }) {
			w.newPlan(g, a3, w.start.AddDate(0, 0, g.intn(max(1, w.days/3))), end, "intent:"+string(want))
		}
	}
	// Conduct around each agreement in the period is visible: an actor that
	// changes has economic intrusions against the counterparty before the
	// date, one that continues has some after it.
	for _, ag := range truthAgreements {
		before := int(ag.Effective.Sub(w.start).Hours() / 24)
		after := int(end.Sub(ag.Effective).Hours() / 24)
		if before < 3 || after < 3 {
			continue
		}
		for _, a := range w.actors {
			if !slices.Contains(ag.Parties, a.sponsor) || !slices.Contains(a.intents, "economic") {
				continue
			}
			has := func(after bool) bool {
				return slices.ContainsFunc(w.plans, func(p *splan) bool {
					return p.a == a && p.intent == intent.Economic && opposite(ag, p.site.Country, a.sponsor) && !p.from.Before(ag.Effective) == after
				})
			}
			if cmpOr(a.after[ag.ID], "continue") == "continue" {
				if !has(true) {
					w.newPlan(g, a, ag.Effective.AddDate(0, 0, g.intn(after-2)), end, "after:"+ag.ID)
				}
			} else if !has(false) {
				w.newPlan(g, a, w.start.AddDate(0, 0, g.intn(before-2)), end, "before:"+ag.ID)
			}
		}
	}
	// Every trap item is used by the actors it belongs to.
	for _, a := range w.actors {
		for _, x := range a.c2 {
			if (len(x.owners) > 1 || x.shared || !x.staleAt.IsZero()) && !slices.ContainsFunc(w.plans, func(p *splan) bool { return p.a == a && slices.Contains(p.c2, x) }) {
				d0 := w.start.AddDate(0, 0, g.intn(max(1, w.days/3)))
				if !x.staleAt.IsZero() {
					d0 = w.start.AddDate(0, 0, g.intn(max(1, int(x.staleAt.Sub(w.start).Hours()/24)-6)))
				}
				if p := w.newPlan(g, a, d0, end, "use:"+x.key); p != nil && !slices.Contains(p.c2, x) {
					p.c2[0] = x
					if !x.staleAt.IsZero() {
						p.days = max(1, min(p.days, int(x.staleAt.Sub(p.from).Hours()/24)-3))
					}
				}
			}
		}
	}
	for _, p := range w.plans {
		w.ensureEvidence(p)
	}
	slices.SortStableFunc(w.plans, func(a, b *splan) int { return a.from.Compare(b.from) })
	for i, p := range w.plans {
		p.id = fmt.Sprintf("truth-%03d", i+1)
	}
}

// newPlan plans one intrusion of a starting on d0; force names why it was
// forced ("false-flag", "intent:economic", "use:KEY").
func (w *world) newPlan(g *rng, a *actor, d0, end time.Time, force string) *splan {
	victims := func(ok func(*site) bool) []int {
		var out []int
		for i, s := range w.sites {
			if ok(s) {
				out = append(out, i)
			}
		}
		return out
	}
	var cands []int
	switch {
	case force == "false-flag":
		cands = victims(func(s *site) bool {
			return (s.Sector == "technology" || s.Sector == "pharmaceuticals") && (s.Country == "US" || s.Country == "GB")
		})
		if len(cands) == 0 {
			cands = victims(func(s *site) bool { return s.Sector == "technology" || s.Sector == "pharmaceuticals" })
		}
	case force == "intent:economic":
		cands = victims(func(s *site) bool {
			return fits(a, s) && !slices.Contains(a.natsecFor, s.Sector) && !org.IsGovernment(s.Sector)
		})
	case force == "intent:national-security":
		cands = victims(func(s *site) bool {
			return fits(a, s) && slices.Contains(a.natsecFor, s.Sector) && s.Sector != "aerospace"
		})
		if len(cands) == 0 {
			cands = victims(func(s *site) bool { return org.IsGovernment(s.Sector) })
		}
	case strings.HasPrefix(force, "after:") || strings.HasPrefix(force, "before:"):
		ag := agreementByID(force[strings.IndexByte(force, ':')+1:])
		cands = victims(func(s *site) bool {
			return slices.Contains(a.sectors, s.Sector) && opposite(ag, s.Country, a.sponsor) && intentFor(newRNG(0), a, s) == intent.Economic
		})
	case g.chance(w.prof.offVictim):
		cands = victims(func(s *site) bool {
			return !fits(a, s) && (slices.Contains(a.sectors, s.Sector) || slices.Contains(a.countries, s.Country))
		})
	default:
		cands = victims(func(s *site) bool { return fits(a, s) })
	}
	if len(cands) == 0 {
		cands = victims(func(s *site) bool { return slices.Contains(a.sectors, s.Sector) })
	}
	if len(cands) == 0 {
		return nil
	}
	// Agreement behaviour: retarget or drop economic theft the actor gave up.
	var si int
	var in intent.Class
	status := intrusion.Exfiltrated
	var traps []string
	for try := 0; ; try++ {
		si = pick(g, cands)
		s := w.sites[si]
		in = intentFor(g, a, s)
		if force == "false-flag" || force == "intent:economic" || strings.HasPrefix(force, "after:") || strings.HasPrefix(force, "before:") {
			in = intent.Economic
		}
		if in != intent.Economic {
			break
		}
		b := behaviour(a, s.Country, d0)
		if b == "attempts" {
			status = intrusion.Prevented
			traps = append(traps, "attempt after the agreement, blocked")
			break
		}
		if b == "continue" {
			break
		}
		if try > 20 || force != "" {
			return nil
		}
	}
	s := w.sites[si]
	if status == intrusion.Exfiltrated {
		switch r := g.r.Float64(); {
		case r < 0.12:
			status = intrusion.Prevented
		case r < 0.22:
			status = intrusion.Detected
		}
	}
	days := g.between(4, 14)
	if last := end.Sub(d0).Hours() / 24; float64(days) > last {
		days = max(1, int(last))
	}
	p := &splan{plant: &plant{site: s, actor: &a.actorSpec, intent: in, status: status}, a: a, siteIdx: si, from: d0, days: days,
		access: pick(g, a.access), traps: traps}
	if !fits(a, s) {
		p.traps = append(p.traps, "victim outside the actor's known victimology")
	}
	if status == intrusion.Prevented {
		p.stopAt = "download"
	}
	w.chooseInfra(g, p)
	if force == "false-flag" {
		lender := w.byKey[falseFlag.lender]
		p.sample = lender.samples[falseFlag.family][0]
		p.traps = append(p.traps, fmt.Sprintf("false-flag: uses %s tied to %s", p.sample.family.name, lender.name))
		if p.status == intrusion.Prevented {
			p.status = intrusion.Exfiltrated
			p.stopAt = ""
		}
	}
	if p.status != intrusion.Prevented && p.status != intrusion.Detected {
		p.loot = w.lootFor(g, p)
	}
	w.plans = append(w.plans, p)
	return p
}

// chooseInfra picks the intrusion's entry, staging and C2 hosts and its
// sample so that at least two pieces of intel tie the touched
// infrastructure to the true actor (the scenario stays fair), while other
// pieces may be unknown to intel.
func (w *world) chooseInfra(g *rng, p *splan) {
	a := p.a
	end := p.from.AddDate(0, 0, p.days+2)
	usable := func(x *infra) bool { return x.staleAt.IsZero() || end.Before(x.staleAt) }
	pickFrom := func(pool []*infra) *infra {
		var ok []*infra
		for _, x := range pool {
			if usable(x) {
				ok = append(ok, x)
			}
		}
		if len(ok) == 0 {
			return pool[0]
		}
		return pick(g, ok)
	}
	for try := 0; try < 30; try++ {
		p.entry = pickFrom(a.entry)
		p.stage = pickFrom(a.stage)
		p.c2 = []*infra{pickFrom(a.c2)}
		if g.chance(0.4) {
			if c := pickFrom(a.c2); c != p.c2[0] {
				p.c2 = append(p.c2, c)
			}
		}
		fam := pick(g, a.malware)
		p.sample = pick(g, a.samples[fam])
		n := p.stage.covered(a)
		switch {
		case p.access != "sqli":
			n += p.entry.covered(a)
		case p.entry.ipInIntel && slices.Contains(p.entry.intelTo, a):
			n++
		}
		if p.stopAt == "" {
			for _, c := range p.c2 {
				n += c.covered(a)
			}
			if p.sample.inIntel && p.sample.direct {
				n++
			}
		}
		if n >= 2 {
			return
		}
	}
}

// evidence counts the pieces of intel that tie the infrastructure and
// sample an intrusion touches to its actor.
func evidence(p *splan) int {
	a := p.a
	n := p.stage.covered(a)
	switch {
	case p.access != "sqli":
		n += p.entry.covered(a)
	case p.entry.ipInIntel && slices.Contains(p.entry.intelTo, a):
		n++
	}
	if p.status != intrusion.Prevented {
		for _, c := range p.c2 {
			n += c.covered(a)
		}
		if p.sample.inIntel && slices.Contains(a.malware, p.sample.family.key) {
			n++
		}
	}
	return n
}

// ensureEvidence keeps the scenario fair: when the touched infrastructure
// carries fewer than two pieces of intel about the true actor, it switches
// to the actor's best-covered staging host and adds its best-covered C2.
func (w *world) ensureEvidence(p *splan) {
	if evidence(p) >= 2 {
		return
	}
	end := p.from.AddDate(0, 0, p.days+2)
	best := func(pool []*infra) *infra {
		var b *infra
		for _, x := range pool {
			if (x.staleAt.IsZero() || end.Before(x.staleAt)) && (b == nil || x.covered(p.a) > b.covered(p.a)) {
				b = x
			}
		}
		return b
	}
	if b := best(p.a.stage); b != nil && b.covered(p.a) > p.stage.covered(p.a) {
		p.stage = b
	}
	if evidence(p) < 2 && p.status != intrusion.Prevented {
		if b := best(p.a.c2); b != nil && !slices.Contains(p.c2, b) {
			p.c2 = append(p.c2, b)
		}
	}
	if evidence(p) < 2 {
		if b := best(p.a.entry); b != nil && b.covered(p.a) > p.entry.covered(p.a) {
			p.entry = b
		}
	}
}

func agreementByID(id string) TruthAgreement {
	for _, a := range truthAgreements {
		if a.ID == id {
			return a
		}
	}
	panic("simulate: unknown agreement " + id)
}

// actorTime returns an operator time of a on local day ld (in its zone):
// office hours 09:00-18:00 with a lunch dip, or the evening for actors
// that work late.
func (w *world) actorTime(g *rng, a *actor, ld time.Time) time.Time {
	h := 9 + g.r.Float64()*9
	if h >= 12 && h < 13 && g.chance(0.6) {
		h += 1.5
	}
	if a.afterHours && g.chance(w.prof.afterHours) {
		h = 19 + g.r.Float64()*4
	}
	y, m, d := ld.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, a.loc).Add(time.Duration(h * float64(time.Hour))).UTC().Truncate(time.Microsecond)
}

// workDays returns the actor's local working days overlapping [from, from+days).
func workDays(a *actor, from time.Time, days int) []time.Time {
	var out []time.Time
	for i := range days + 1 {
		d := from.AddDate(0, 0, i)
		if slices.Contains(a.workdays, d.Weekday()) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		out = append(out, from)
	}
	return out
}

// victimTime returns a time on UTC day d during the victim's office hours.
func (w *world) victimTime(g *rng, p *splan, d time.Time) time.Time {
	loc := w.siteLoc[p.siteIdx]
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc).Add(time.Duration((8.5 + 8*g.r.Float64()) * float64(time.Hour))).UTC().Truncate(time.Microsecond)
}

// generate renders the planned intrusion into sessions on its own stream.
func (w *world) generate(p *splan, idx int) {
	g := newRNG(w.cfg.Seed ^ mix64(uint64(idx)+0x1000))
	x := &gen{g: g, sites: w.sites, stream: 1<<20 | uint64(idx)}
	a := p.a
	s := p.site
	victim := s.clients[g.intn(len(s.clients))]
	ds := workDays(a, p.from, p.days)
	t := w.actorTime(g, a, ds[0])
	blocked := p.status == intrusion.Prevented

	// Initial access.
	switch p.access {
	case "sqli":
		victim = s.web
		t = x.sqli(p.plant, p.entry.addr, t, g.between(3, 6), false)
		t = t.Add(g.dur(5*time.Minute, 40*time.Minute))
		up := fileTx{name: "errors.aspx", size: 73, mime: "text/plain", magic: "ASCII text, with no line terminators", hashes: hashChopper, upload: true, source: "HTTP"}
		ss := x.web(s, p.entry.addr, s.web, 80, t, []httpTx{{method: "POST", host: s.webHost(), uri: "/admin/upload.aspx", ua: uaOldIE, status: 200, ctype: "text/html", reqLen: 611, respLen: 1_020, origFiles: []int{0}}}, []fileTx{up}, p.id)
		ss.alert(ruleChopper, 2*time.Millisecond, 0, false)
	case "phish":
		t = w.victimTime(g, p, t.Truncate(24*time.Hour))
		if s.zeek && g.chance(0.5) {
			lure := fileTx{name: pick(g, []string{"invitation.doc", "agenda.doc", "price-list.doc", "cv.doc"}), size: g.between64(90_000, 400_000), mime: mimeDOC, magic: magicOf(mimeDOC),
				hashes: fakeDigests(fmt.Sprintf("lure/%d/%s", w.cfg.Seed, p.entry.key)), upload: true, source: "SMTP"}
			ss := x.plain(s, randomClient(g), s.mail, 25, "smtp", t, lure.size+4_000, 1_900, p.id)
			ss.files = []fileTx{lure}
			ss.files[0].fuid = streamUID('F', (x.stream<<22|uint64(ss.seq))<<3)
			t = t.Add(g.dur(10*time.Minute, 90*time.Minute))
		}
		t = x.lookup(s, victim, t, p.entry.domain, []netip.Addr{p.entry.addr}, p.id)
		lh := fakeDigests(fmt.Sprintf("lure-doc/%d/%s", w.cfg.Seed, p.entry.key))
		x.download(p.plant, victim, p.entry.addr, p.entry.domain, "/attach/"+pick(g, []string{"agenda", "report", "invoice", "minutes"})+".doc", uaIE11, t,
			"document.doc", g.between64(80_000, 500_000), mimeDOC, magicOf(mimeDOC), lh, pick(g, []*rule{ruleOfficeDoc, nil}))
	case "waterhole":
		t = w.victimTime(g, p, t.Truncate(24*time.Hour))
		h := w.hosts[40+g.intn(200)]
		t = x.lookup(s, victim, t, h.host, []netip.Addr{h.addr}, p.id)
		x.web(s, victim, h.addr, 80, t, []httpTx{{method: "GET", host: h.host, uri: "/news/index.html", ua: uaIE11, status: 200, ctype: "text/html", respLen: g.between64(9_000, 60_000)}}, nil, p.id)
		t = t.Add(g.dur(time.Second, 4*time.Second))
		t = x.lookup(s, victim, t, p.entry.domain, []netip.Addr{p.entry.addr}, p.id)
		ss := x.web(s, victim, p.entry.addr, 80, t, []httpTx{
			{method: "GET", host: p.entry.domain, uri: "/swf/index.html", ua: uaIE11, referer: "http://" + h.host + "/news/index.html", status: 200, ctype: "text/html", respLen: 1_204},
			{method: "GET", host: p.entry.domain, uri: "/swf/player.swf", ua: uaIE11, status: 200, ctype: "application/x-shockwave-flash", respLen: 46_310},
		}, nil, p.id)
		ss.alert(ruleFlash, 600*time.Millisecond, 1, false)
	}

	// Tool download from the staging host (blocked for prevented attempts).
	t = t.Add(g.dur(2*time.Minute, 3*time.Hour))
	t = x.lookup(s, victim, t, p.stage.domain, []netip.Addr{p.stage.addr}, p.id)
	uri := "/" + p.sample.name
	if blocked {
		ss := x.web(s, victim, p.stage.addr, 80, t, []httpTx{{method: "GET", host: p.stage.domain, uri: uri, ua: uaOldIE}}, nil, p.id)
		ss.alert(ruleDerusbiDLGeneric, time.Millisecond, 0, true)
		p.ss = x.sessions
		return
	}
	x.download(p.plant, victim, p.stage.addr, p.stage.domain, uri, uaOldIE, t, uri, p.sample.size, mimeEXE, magicPE, p.sample.hashes, pick(g, []*rule{ruleToolDL, nil}))

	// C2 on the actor's working days.
	r := w.rules[p.sample.family.key]
	ja3 := pick(g, []string{ja3Derusbi, ja3PlugX})
	for i, d := range ds {
		if i == 0 && len(ds) > 1 {
			continue
		}
		for range g.between(2, 6) {
			c := pick(g, p.c2)
			tt := w.actorTime(g, a, d)
			if g.chance(0.35) {
				tt = x.lookup(s, victim, tt, c.domain, []netip.Addr{c.addr}, p.id)
			}
			if g.chance(0.5) {
				x.beaconTLS(p.plant, victim, c.addr, c.domain, ja3, tt, r, 0.2)
			} else {
				x.beaconHTTP(p.plant, victim, c.addr, c.domain, fmt.Sprintf("/%s.php?id=%d", pick(g, domainWords), g.intn(1_000_000)), uaOldIE, pick(g, []string{"GET", "POST"}), tt, r, 0.2)
			}
		}
	}
	// The implant also calls in outside office hours now and then.
	for range g.between(0, 2) {
		d := pick(g, ds)
		c := pick(g, p.c2)
		x.beaconTLS(p.plant, victim, c.addr, c.domain, ja3, g.at(d, 0, 23*time.Hour), nil, 0)
	}
	// Exfiltration over the C2 channel in the last days.
	if p.status == intrusion.Exfiltrated {
		for i, l := range p.loot {
			d := ds[max(0, len(ds)-len(p.loot)+i)]
			c := p.c2[len(p.c2)-1]
			tt := w.actorTime(g, a, d)
			tt = x.lookup(s, victim, tt, c.domain, []netip.Addr{c.addr}, p.id)
			x.exfil(p.plant, victim, c.addr, c.domain, "/"+pick(g, []string{"upload.php", "up", "data.asp", "webhp/"}), tt, l, g.chance(0.6))
		}
	}
	p.ss = x.sessions
}

var (
	ruleToolDL           = &rule{9000303, 1, "ET TROJAN Suspicious EXE Download from Unclassified Host", "A Network Trojan was detected", 1, []string{"T1105"}, "Major"}
	ruleDerusbiDLGeneric = &rule{9000304, 1, "ET TROJAN Known Malicious Payload Download Blocked", "A Network Trojan was detected", 1, []string{"T1105"}, "Critical"}
)
