package intent

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
)

// Sector classes for intent.
const (
	SectorCommercial = "commercial" // companies whose secrets give competitive advantage
	SectorGovernment = "government" // government bodies: national-security targets
	SectorDualUse    = "dual-use"   // defense contractors, aerospace, telecommunications, energy and other critical infrastructure
	SectorUnknown    = "unknown"
)

// SectorClass says which side of the economic / national-security line a
// STIX industry sector falls on.
func SectorClass(sector string) string {
	switch {
	case sector == "":
		return SectorUnknown
	case org.IsGovernment(sector):
		return SectorGovernment
	case sector == "defense" || sector == "aerospace" || sector == "telecommunications" || sector == "energy" ||
		sector == "communications" || sector == "infrastructure" || strings.HasPrefix(sector, "infrastructure-"):
		return SectorDualUse
	case org.ValidSector(sector):
		return SectorCommercial
	}
	return SectorUnknown
}

// EconomicWords and NationalSecurityWords are the words in file names and
// URL paths that suggest commercial secrets or state secrets. A word of
// four letters or more also matches as a prefix ("patents", "cables").
var (
	EconomicWords = []string{
		"acquisition", "bid", "blueprint", "cad", "clinical", "compound", "customer",
		"design", "drug", "formula", "m&a", "merger", "molecule", "negotiation",
		"patent", "price", "pricing", "proprietary", "prototype", "r&d", "recipe",
		"research", "rnd", "roadmap", "schematic", "source", "sourcecode", "src", "tender", "trial",
	}
	NationalSecurityWords = []string{
		"army", "cabinet", "cable", "classified", "clearance", "defence", "defense",
		"diplomatic", "diplomacy", "embassy", "intelligence", "military", "minister",
		"ministry", "missile", "navy", "personnel", "policies", "policy", "sanction", "sf86",
		"summit", "treaty", "troop", "weapon",
	}
)

// Weights of the evidence Assess adds up, in log-odds of economic against
// national-security intent (positive: economic).
const (
	wCommercial   = 1.5  // victim in a commercial sector
	wGovernment   = -3.0 // victim a national government body
	wLocalGov     = -2.0 // other government bodies
	wPolicy       = -1.5 // think tanks and other non-profits: political intelligence
	wEducation    = -0.5 // universities: research, but also policy and people
	wMission      = 3.0  // times the actor's mission, from -1 (state secrets) to +1 (commerce)
	wWord         = 1.2  // per word in what was taken (at most maxWords of each kind)
	maxWords      = 3
	undecidedBand = 0.3 // |score| below this with nothing taken to read is undetermined
)

// Assess judges what an intrusion was for by adding up evidence in
// log-odds: the victim's sector (commercial companies hold the secrets
// that give competitive advantage, governments and think tanks the ones
// states want; defense, aerospace, energy and other dual-use sectors say
// nothing by themselves), the actor's mission read from its known targets
// (used when the intrusion is attributed, when no attribution was made, or
// for the most likely candidate when it is not named), and
// the words of what was taken or reached (file names and URL paths,
// weighed by how far the intrusion got). The sign gives economic or
// national-security; words of both kinds in balance give mixed; no
// evidence gives undetermined.
func Assess(in intrusion.Intrusion, victim org.Organisation, attr attribution.Result, actor *intel.Actor) Assessment {
	a := Assessment{IntrusionID: in.ID}
	var score float64
	reason := func(format string, args ...any) { a.Reasons = append(a.Reasons, fmt.Sprintf(format, args...)) }
	evidence := false

	class := SectorClass(victim.Sector)
	switch {
	case victim.StateOwned:
		reason("victim %s is state-owned (%s): a dual-use target, commercial and state secrets both live there", orgName(victim), orDash(victim.Sector))
	case victim.Sector == "government-national" || victim.Sector == "government":
		score += wGovernment
		evidence = true
		reason("victim %s is a national government body (%s): state secrets (%+.1f)", orgName(victim), victim.Sector, wGovernment)
	case class == SectorGovernment:
		score += wLocalGov
		evidence = true
		reason("victim %s is a government body (%s) (%+.1f)", orgName(victim), victim.Sector, wLocalGov)
	case victim.Sector == "non-profit":
		score += wPolicy
		evidence = true
		reason("victim %s is a non-profit (think tanks hold political intelligence) (%+.1f)", orgName(victim), wPolicy)
	case victim.Sector == "education":
		score += wEducation
		evidence = true
		reason("victim %s is a university or school: research, but also policy and people (%+.1f)", orgName(victim), wEducation)
	case class == SectorCommercial:
		score += wCommercial
		evidence = true
		reason("victim %s is in a commercial sector (%s) (%+.1f)", orgName(victim), victim.Sector, wCommercial)
	case class == SectorDualUse:
		reason("victim %s is in a dual-use sector (%s): commercial and state secrets both live there", orgName(victim), victim.Sector)
	default:
		reason("victim sector unknown")
	}

	// What was taken, or reached.
	factor, how := 0.6, "reached (not shown taken)"
	switch in.Status {
	case intrusion.Exfiltrated:
		factor, how = 1, fmt.Sprintf("taken (%d bytes sent out)", in.BytesOut)
	case intrusion.Prevented:
		factor, how = 0.3, "targeted (the intrusion was prevented)"
	}
	ew, nw, taken := scanTaken(in)
	a.Taken = taken
	econWords := wWord * factor * float64(min(len(ew), maxWords))
	natWords := wWord * factor * float64(min(len(nw), maxWords))
	if len(ew) > 0 {
		score += econWords
		evidence = true
		reason("files or paths %s suggest commercial secrets (%s) (%+.1f)", how, strings.Join(ew, ", "), econWords)
	}
	if len(nw) > 0 {
		score -= natWords
		evidence = true
		reason("files or paths %s suggest state secrets (%s) (%+.1f)", how, strings.Join(nw, ", "), -natWords)
	}
	if len(ew) == 0 && len(nw) == 0 {
		reason("nothing in the matched events shows what was sought or taken")
	}
	switch in.Status {
	case intrusion.Exfiltrated:
		reason("about %d bytes were sent to matched infrastructure", in.BytesOut)
	case intrusion.Prevented:
		reason("the intrusion was detected and prevented: nothing was shown taken")
	}

	// The actor's mission, read from its known targets.
	// The actor's history counts when it is the attributed one, or the
	// most likely one though not named (contested, or named by shared
	// evidence only): intent needs no name, only the likely mission.
	likely := actor != nil && !attr.Attributed && len(attr.Candidates) > 0 &&
		attr.Candidates[0].ActorID == actor.ID && attr.Candidates[0].Score >= attribution.Threshold
	useActor := actor != nil && (attr.Attributed || len(attr.Candidates) == 0 || likely)
	switch {
	case actor == nil && attr.Attributed:
		reason("attributed, but the actor's record was not given: its history is not used")
	case actor == nil:
		reason("unattributed: no actor history to weigh")
	case !useActor:
		reason("unattributed: %s's history is not used", actor.Name)
	default:
		if likely {
			reason("not attributed, but %s is the most likely actor (probability %.2f): its mission counts", actor.Name, attr.Candidates[0].Score)
		}
		m, c, g := Mission(actor.TargetSectors)
		switch {
		case c+g == 0:
			reason("%s has no recorded target sectors", actor.Name)
		default:
			w := wMission * m
			score += w
			evidence = true
			what := "both commercial and state targets"
			switch {
			case m >= 0.3:
				what = "mostly commercial targets"
			case m <= -0.3:
				what = "mostly state targets (government, defense, policy)"
			}
			reason("%s's known targets (%s) are %s: mission %+.2f (%+.1f)", actor.Name, strings.Join(actor.TargetSectors, ", "), what, m, w)
		}
	}

	a.EconomicScore, a.NationalSecurityScore = max(score, 0), max(-score, 0)
	// Balanced words of both kinds in what was taken: both were sought.
	balanced := len(ew) > 0 && len(nw) > 0 && math.Abs(econWords-natWords) < 1.5*wWord && in.Status == intrusion.Exfiltrated
	switch {
	case balanced:
		a.Class = Mixed
		reason("what was taken holds both commercial and state secrets: mixed")
	case !evidence || math.Abs(score) < undecidedBand:
		a.Class = Undetermined
		reason("too little evidence either way (score %+.1f): undetermined", score)
	case score > 0:
		a.Class = Economic
	default:
		a.Class = NationalSecurity
	}
	// Confidence: the logistic of the score, from 50 (a coin toss) up.
	conf := 100 / (1 + math.Exp(-math.Abs(score)))
	switch a.Class {
	case Mixed:
		conf = 45
	case Undetermined:
		conf = 20
	default:
		if in.Status != intrusion.Exfiltrated && len(a.Taken) == 0 {
			conf -= 10
		}
		if !attr.Attributed {
			conf -= 10
		}
	}
	a.Confidence = int(max(5, min(95, math.Round(conf))))
	a.Words = attribution.Words(a.Confidence)
	return a
}

// Mission reads an actor's mission from its known target sectors: from -1
// (only state targets: government, defense, non-profits) to +1 (only
// commercial ones), with dual-use sectors counting half to each side. It
// also returns the commercial and state counts.
func Mission(sectors []string) (m, commercial, state float64) {
	for _, s := range sectors {
		s = strings.ToLower(strings.TrimSpace(s))
		switch {
		case s == "defense" || s == "non-profit" || SectorClass(s) == SectorGovernment:
			state++
		case SectorClass(s) == SectorCommercial && s != "education" && s != "energy":
			commercial++
		case s != "":
			commercial += 0.5
			state += 0.5
		}
	}
	if commercial+state == 0 {
		return 0, 0, 0
	}
	return (commercial - state) / (commercial + state), commercial, state
}

// scanTaken collects the intent words in the intrusion's file names and
// URL paths (not host names: a C2 domain says nothing about what was
// sought). It returns the economic and national-security words found,
// sorted, and the names and paths that held them.
func scanTaken(in intrusion.Intrusion) (econ, natsec, taken []string) {
	var texts []string
	texts = append(texts, in.Files...)
	for _, e := range in.Timeline {
		for f := range strings.FieldsSeq(e.Summary) {
			if !strings.HasPrefix(f, "http://") && !strings.HasPrefix(f, "https://") {
				continue
			}
			u, err := url.Parse(f)
			if err != nil {
				continue
			}
			// Only documents and archives are what was taken: a C2
			// script's name ("/policy.php") says nothing about it.
			p := u.Path
			if u.RawQuery != "" {
				p += "?" + u.RawQuery
			}
			if p != "" && p != "/" && namesDocument(p) {
				texts = append(texts, p)
			}
		}
	}
	slices.Sort(texts)
	texts = slices.Compact(texts)
	for _, t := range texts {
		e, n := words(t, EconomicWords), words(t, NationalSecurityWords)
		if len(e)+len(n) == 0 {
			continue
		}
		econ = append(econ, e...)
		natsec = append(natsec, n...)
		if len(taken) < 20 {
			taken = append(taken, t)
		}
	}
	slices.Sort(econ)
	slices.Sort(natsec)
	return slices.Compact(econ), slices.Compact(natsec), taken
}

// documentExts are the extensions of documents and archives: what is
// taken, as opposed to the scripts and pages a C2 channel requests.
var documentExts = []string{
	".7z", ".cad", ".csv", ".doc", ".docx", ".dwg", ".gz", ".igs", ".msg", ".pdf", ".ppt", ".pptx", ".pst",
	".rar", ".rtf", ".step", ".stp", ".tar", ".txt", ".xls", ".xlsx", ".zip",
}

// namesDocument reports whether a URL path or query names a document or an
// archive.
func namesDocument(p string) bool {
	p = strings.ToLower(p)
	if dec, err := url.PathUnescape(p); err == nil {
		p = dec
	}
	for tok := range strings.FieldsFuncSeq(p, func(r rune) bool { return r == '/' || r == '?' || r == '&' || r == '=' }) {
		for _, ext := range documentExts {
			if strings.HasSuffix(tok, ext) {
				return true
			}
		}
	}
	return false
}

// words returns the vocabulary words found among the tokens of s.
func words(s string, vocab []string) []string {
	s = strings.ToLower(s)
	if dec, err := url.PathUnescape(s); err == nil {
		s = dec
	}
	tokens := strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '&')
	})
	var out []string
	for _, w := range vocab {
		for _, t := range tokens {
			if t == w || (len(w) >= 4 && strings.HasPrefix(t, w)) {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

func orgName(o org.Organisation) string {
	if o.Name != "" {
		return o.Name
	}
	return o.ID
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
