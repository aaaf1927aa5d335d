package attribution

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
)

// Threshold is the probability (0..1) the best candidate must reach for an
// intrusion to be attributed; below it the intrusion is "unattributed".
// Probabilities of all candidates add up to at most 1, so at most one
// candidate can reach it.
const Threshold = 0.5

// MinTechnical is the strength (see Evidence) the best candidate's
// strongest piece of its own infrastructure or malware must reach for the
// intrusion to be attributed, whatever its probability: timing,
// victimology and malware families shared between groups corroborate, but
// never name an actor on their own.
const MinTechnical = 0.3

// ContestServers is how many servers of its own (not shared with another
// actor in intel, strong enough to name it) a rival must have, and at
// least as many as the best candidate, for an intrusion to be contested
// and left unattributed: infrastructure is the strongest evidence, and
// when it names two actors as strongly, a name would be a guess.
const ContestServers = 1

// MaxConfidence is the highest STIX confidence an attribution gets: the
// evidence is indirect, so it stays short of certainty.
const MaxConfidence = 99

// Factor kinds.
const (
	KindIndicator   = "indicator"             // infrastructure: address, domain, URL, e-mail, JA3
	KindShared      = "shared-infrastructure" // an indicator tied to several actors
	KindMalware     = "malware"               // a file hash
	KindTechnique   = "technique"
	KindTiming      = "timing"
	KindVictimology = "victimology"
)

// maxCandidates bounds the candidates a Result lists.
const maxCandidates = 10

// group maps a factor kind to its independent kind of evidence.
func group(kind string) string {
	if kind == KindIndicator || kind == KindShared {
		return "infrastructure"
	}
	return kind
}

// Attribute ranks the actors that may be behind an intrusion with
// DefaultModel; see AttributeWith.
func Attribute(in intrusion.Intrusion, victim org.Organisation, k *Knowledge) Result {
	return AttributeWith(DefaultModel, in, victim, k)
}

// AttributeWith ranks the actors that may be behind an intrusion.
// Candidates are the actors some matched indicator points at; each gets
// features from indicators (weighed by specificity, staleness,
// prevalence, the indicator's confidence and how many actors share it),
// malware, technique overlap, timing and victimology (see Evidence), and
// the model turns them into probabilities that compete with each other and
// with "none of them". Every factor says what it added. The result is
// deterministic.
func AttributeWith(m Model, in intrusion.Intrusion, victim org.Organisation, k *Knowledge) Result {
	res := Result{IntrusionID: in.ID}
	evs, unlinked := k.Evidence(in, victim)
	if len(evs) == 0 {
		switch {
		case len(in.Sightings) == 0:
			res.Summary = "Unattributed: the intrusion has no matched indicators."
		default:
			res.Summary = fmt.Sprintf("Unattributed: none of the %d matched indicators points at a known actor.", len(in.Sightings))
		}
		return res
	}
	xs := make([][NumFeatures]float64, len(evs))
	for i, e := range evs {
		xs[i] = e.X
	}
	ps := m.Probabilities(xs)
	for i, e := range evs {
		res.Candidates = append(res.Candidates, candidateOf(e, m, ps[i]))
	}
	slices.SortFunc(res.Candidates, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ActorName, b.ActorName), strings.Compare(a.ActorID, b.ActorID))
	})
	if len(res.Candidates) > maxCandidates {
		res.Candidates = res.Candidates[:maxCandidates]
	}
	byID := map[string]*Evidence{}
	for _, e := range evs {
		byID[e.ActorID] = e
	}
	res.Attributed, res.Summary = summarise(res.Candidates, byID, unlinked)
	return res
}

// technical is the strength of the candidate's strongest piece of
// infrastructure or malware tied to it directly.
func (e *Evidence) technical() float64 {
	best := 0.0
	for _, it := range e.items {
		if it.feat == FeatInfrastructure || it.feat == FeatMalware {
			best = max(best, it.raw)
		}
	}
	return best
}

// candidateOf states a candidate with its probability p.
func candidateOf(e *Evidence, m Model, p float64) Candidate {
	conf := int(math.Round(p * 100))
	conf = min(max(conf, 1), MaxConfidence)
	p = min(p, float64(MaxConfidence)/100)
	return Candidate{
		ActorID:    e.ActorID,
		ActorName:  e.ActorName,
		Sponsor:    e.Sponsor,
		Score:      math.Round(p*1000) / 1000,
		Confidence: conf,
		Words:      Words(conf),
		Likelihood: Likelihood(p),
		Factors:    e.factors(m),
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
func summarise(cs []Candidate, evs map[string]*Evidence, unlinked int) (bool, string) {
	top := cs[0]
	var b strings.Builder
	attributed := top.Score >= Threshold
	weak := attributed && evs[top.ActorID] != nil && evs[top.ActorID].technical() < MinTechnical
	// Two actors each with servers of their own in one intrusion: two
	// compromises on one host, or one actor borrowing another's
	// infrastructure. Either way the evidence does not name one.
	var rival *Candidate
	if attributed && !weak && evs[top.ActorID] != nil {
		for i := range cs[1:] {
			if e := evs[cs[1+i].ActorID]; e != nil && e.Servers >= ContestServers && e.Servers >= evs[top.ActorID].Servers {
				rival = &cs[1+i]
				break
			}
		}
	}
	switch {
	case rival != nil:
		attributed = false
		fmt.Fprintf(&b, "Unattributed: %s (%.2f) and %s (%.2f) each have servers of their own here (%d and %d): two intrusions on the same hosts, or shared infrastructure; the evidence does not name one.",
			top.ActorName, top.Score, rival.ActorName, rival.Score, evs[top.ActorID].Servers, evs[rival.ActorID].Servers)
	case weak:
		attributed = false
		fmt.Fprintf(&b, "Unattributed: %s has probability %.2f, but nothing of its own infrastructure or malware is strong enough (%.2f, at least %.2f needed): shared indicators, malware families, timing and victimology corroborate but do not name an actor.",
			top.ActorName, top.Score, evs[top.ActorID].technical(), MinTechnical)
	case !attributed && len(cs) > 1 && cs[1].Score >= Threshold/2 && top.Score-cs[1].Score < 0.1:
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
		fmt.Fprintf(&b, "Unattributed: the best candidate, %s, has probability %.2f, below the %.2f threshold.", top.ActorName, top.Score, Threshold)
	}
	// Evidence pointing elsewhere: a kind strong for a rival but not for the top.
	// Evidence pointing elsewhere: indicators or malware that name a rival
	// and not the top candidate.
	topRefs := map[string]bool{}
	for _, f := range top.Factors {
		for _, r := range f.Refs {
			topRefs[r] = true
		}
	}
	for _, c := range cs[1:min(len(cs), 4)] {
		kinds := map[string]bool{}
		for _, f := range c.Factors {
			technical := f.Kind == KindIndicator || f.Kind == KindShared || f.Kind == KindMalware
			if technical && f.Weight >= 0.3 && len(f.Refs) > 0 && !topRefs[f.Refs[0]] {
				kinds[group(f.Kind)] = true
			}
		}
		for _, g := range sortedKeys(kinds) {
			fmt.Fprintf(&b, " Conflicting evidence: %s points at %s instead (shared tooling or a false flag?).", g, c.ActorName)
		}
	}
	if e := evs[top.ActorID]; e != nil {
		if d := sponsorDisagreement(e.rec.sponsors); d != "" {
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
