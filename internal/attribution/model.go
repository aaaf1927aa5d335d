package attribution

import "math"

// Feature indexes the kinds of evidence a candidate's probability is
// computed from. Each is a number per candidate; the Model weighs them.
type Feature int

// Features.
const (
	// FeatInfrastructure is the amount of infrastructure evidence
	// (addresses, domains, URLs, e-mail, JA3) tied to the actor itself,
	// from 0 to 1: 1-exp(-sum of the indicators' strengths), each strength
	// set by the type's specificity, the source's confidence, staleness,
	// prevalence and how many actors share it.
	FeatInfrastructure Feature = iota
	// FeatMalware is the same for file hashes an indicator ties to the
	// actor directly.
	FeatMalware
	// FeatFamily is the same for indicators of a malware family or tool the
	// actor is known to use: families are shared between groups and can be
	// planted, so they count apart (and less).
	FeatFamily
	// FeatTiming is the log-likelihood ratio of the intrusion's active half
	// hours under the actor's hypothesis (operators in the sponsor's office
	// hours, users at the victim's) against benign use (the victim's office
	// hours), clipped to ±timingClip.
	FeatTiming
	// FeatSector is +1 when the victim's sector is among the actor's known
	// targets, -1 when it is not, 0 when either is unknown.
	FeatSector
	// FeatCountry is the same for the victim's country.
	FeatCountry
	// FeatTechnique is the share of the intrusion's ATT&CK techniques in the
	// actor's profile, -0.5 when none is, 0 when either is unknown.
	FeatTechnique
	// NumFeatures counts the features.
	NumFeatures
)

var featureNames = [NumFeatures]string{"infrastructure", "malware", "malware-family", "timing", "sector", "country", "technique"}

// String names the feature.
func (f Feature) String() string {
	if f < 0 || f >= NumFeatures {
		return "feature?"
	}
	return featureNames[f]
}

// Model turns features into probabilities: a candidate's utility is Bias
// plus the weighted features, and its probability is exp(utility) over 1
// (for "none of the candidates": benign use, or an actor intel does not
// know) plus the sum of every candidate's exp(utility). This is a
// conditional logit; its weights are fitted by maximum likelihood on
// simulated scenarios (bench/cmd/attrfit) so that the probabilities are
// calibrated.
type Model struct {
	Bias    float64              `json:"bias"`
	Weights [NumFeatures]float64 `json:"weights"`
}

// DefaultModel is the model Attribute uses. Its weights were fitted with
// bench/cmd/attrfit (L2 1e-4, weights kept non-negative, bias fixed at
// the log-odds of 1 in 16 for an actor with no evidence, since simulated
// scenarios hold almost no intrusion by nobody) on five hard scenarios
// (seeds 101-105, 60 days, 50 organisations: 296 intrusions) and are
// scored on other seeds (bench/score.sh).
var DefaultModel = Model{
	Bias: -2.708,
	Weights: [NumFeatures]float64{
		FeatInfrastructure: 9.231,
		FeatMalware:        4.525,
		FeatFamily:         1.304,
		FeatTiming:         0.528,
		FeatSector:         1.895,
		FeatCountry:        1.272,
		FeatTechnique:      1.506,
	},
}

// Utility is a candidate's utility under the model.
func (m Model) Utility(x [NumFeatures]float64) float64 {
	u := m.Bias
	for i, w := range m.Weights {
		u += w * x[i]
	}
	return u
}

// Probabilities returns each candidate's probability, in the order given.
func (m Model) Probabilities(xs [][NumFeatures]float64) []float64 {
	us := make([]float64, len(xs))
	top := 0.0 // "none" has utility 0
	for i, x := range xs {
		us[i] = m.Utility(x)
		top = max(top, us[i])
	}
	sum := math.Exp(-top)
	for _, u := range us {
		sum += math.Exp(u - top)
	}
	ps := make([]float64, len(xs))
	for i, u := range us {
		ps[i] = math.Exp(u-top) / sum
	}
	return ps
}
