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
	SectorDualUse    = "dual-use"   // defense contractors, aerospace, telecommunications, critical infrastructure
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
	case sector == "defense" || sector == "aerospace" || sector == "telecommunications" ||
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

// Assess judges what an intrusion was for, from the victim's sector, what
// was taken (words in file names and URL paths, weighed by how far the
// intrusion got), the actor's history (its target sectors; used only when
// the intrusion is attributed or no attribution was made) and the
// exfiltration status. Government-national victims are national-security
// targets; dual-use victims (defense, aerospace, telecommunications,
// critical infrastructure, state-owned firms) lean mixed or undetermined.
func Assess(in intrusion.Intrusion, victim org.Organisation, attr attribution.Result, actor *intel.Actor) Assessment {
	a := Assessment{IntrusionID: in.ID}
	var econ, natsec float64
	reason := func(format string, args ...any) { a.Reasons = append(a.Reasons, fmt.Sprintf(format, args...)) }

	class := SectorClass(victim.Sector)
	dual := class == SectorDualUse || victim.StateOwned
	switch {
	case victim.StateOwned:
		econ++
		natsec++
		reason("victim %s is state-owned (%s): a dual-use target", orgName(victim), orDash(victim.Sector))
	case class == SectorCommercial:
		econ += 2
		reason("victim %s is in a commercial sector (%s)", orgName(victim), victim.Sector)
	case class == SectorGovernment:
		natsec += 2
		reason("victim %s is a government body (%s)", orgName(victim), victim.Sector)
	case class == SectorDualUse:
		econ++
		natsec++
		reason("victim %s is in a dual-use sector (%s): commercial and state secrets both live there", orgName(victim), victim.Sector)
	default:
		reason("victim sector unknown")
	}

	// What was taken, or reached.
	factor, how := 0.5, "reached (not shown taken)"
	switch in.Status {
	case intrusion.Exfiltrated:
		factor, how = 1, fmt.Sprintf("taken (%d bytes sent out)", in.BytesOut)
	case intrusion.Prevented:
		factor, how = 0.25, "targeted (the intrusion was prevented)"
	}
	ew, nw, taken := scanTaken(in)
	a.Taken = taken
	if len(ew) > 0 {
		econ += factor * float64(min(len(ew), 3))
		reason("files or paths %s suggest commercial secrets (%s)", how, strings.Join(ew, ", "))
	}
	if len(nw) > 0 {
		natsec += factor * float64(min(len(nw), 3))
		reason("files or paths %s suggest state secrets (%s)", how, strings.Join(nw, ", "))
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

	// The actor's history.
	useActor := actor != nil && (attr.Attributed || len(attr.Candidates) == 0)
	switch {
	case actor == nil && attr.Attributed:
		reason("attributed, but the actor's record was not given: its history is not used")
	case actor == nil:
		reason("unattributed: no actor history to weigh")
	case !useActor:
		reason("unattributed: %s's history is not used", actor.Name)
	default:
		c, g := 0, 0
		for _, s := range actor.TargetSectors {
			switch SectorClass(strings.ToLower(s)) {
			case SectorCommercial:
				c++
			case SectorGovernment:
				g++
			case SectorDualUse:
				if s == "defense" {
					g++
				}
			}
		}
		switch {
		case c == 0 && g == 0:
			reason("%s has no recorded target sectors", actor.Name)
		case c > g:
			econ++
			reason("%s's known targets are mostly commercial (%d of %d sectors: %s)", actor.Name, c, len(actor.TargetSectors), strings.Join(actor.TargetSectors, ", "))
		case g > c:
			natsec++
			reason("%s's known targets are mostly government and defense (%d of %d sectors: %s)", actor.Name, g, len(actor.TargetSectors), strings.Join(actor.TargetSectors, ", "))
		default:
			econ += 0.5
			natsec += 0.5
			reason("%s's known targets are both commercial and governmental (%s)", actor.Name, strings.Join(actor.TargetSectors, ", "))
		}
	}

	a.EconomicScore, a.NationalSecurityScore = econ, natsec
	margin := econ - natsec
	conf := 35 + 12*min(math.Abs(margin), 4)
	switch {
	case victim.Sector == "government-national":
		a.Class = NationalSecurity
		conf = 85
		reason("an intrusion into a national government is national-security collection, whatever else it took")
	case dual:
		switch {
		case math.Abs(margin) >= 2:
			a.Class = pick(margin)
			conf -= 15
		case econ >= 1.5 && natsec >= 1.5:
			a.Class, conf = Mixed, 45
		default:
			a.Class, conf = Undetermined, 25
		}
	case econ >= 2 && natsec >= 2 && math.Abs(margin) < 2.5:
		a.Class, conf = Mixed, 45
	case econ >= 2 && margin >= 1.5:
		a.Class = Economic
	case natsec >= 2 && margin <= -1.5:
		a.Class = NationalSecurity
	default:
		a.Class, conf = Undetermined, 20
	}
	switch a.Class {
	case Mixed:
		reason("evidence points both ways (economic %.1f, national-security %.1f): mixed", econ, natsec)
	case Undetermined:
		reason("too little evidence either way (economic %.1f, national-security %.1f): undetermined", econ, natsec)
	}
	if a.Class == Economic || a.Class == NationalSecurity {
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

func pick(margin float64) Class {
	if margin > 0 {
		return Economic
	}
	return NationalSecurity
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
			p := u.Path
			if u.RawQuery != "" {
				p += "?" + u.RawQuery
			}
			if p != "" && p != "/" {
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
