package attribution

// Factor is one reason behind a candidate's score.
type Factor struct {
	Kind   string   `json:"kind"`   // "indicator", "malware", "technique", "timing", "victimology", "shared-infrastructure"
	Weight float64  `json:"weight"` // contribution to the score (may be negative)
	Detail string   `json:"detail"` // one sentence a liaison can read
	Refs   []string `json:"refs,omitempty"`
}

// Candidate is one actor that may be behind an intrusion.
type Candidate struct {
	ActorID    string   `json:"actor_id"`
	ActorName  string   `json:"actor_name"`
	Sponsor    string   `json:"sponsor,omitempty"` // ISO alpha-2 of the assessed sponsor state
	Score      float64  `json:"score"`             // 0..1
	Confidence int      `json:"confidence"`        // STIX 0..100
	Words      string   `json:"words"`             // "low", "moderate", "high"
	Likelihood string   `json:"likelihood"`        // ICD 203 words: "likely", "very likely" ...
	Factors    []Factor `json:"factors"`
}

// Result is the attribution of one intrusion.
type Result struct {
	IntrusionID string      `json:"intrusion_id"`
	Candidates  []Candidate `json:"candidates"` // best first
	// Attributed is false when the best candidate is below the threshold:
	// the intrusion is "unattributed" rather than forced onto a name.
	Attributed bool   `json:"attributed"`
	Summary    string `json:"summary"`
}

// Top returns the best candidate if the intrusion is attributed.
func (r Result) Top() (Candidate, bool) {
	if !r.Attributed || len(r.Candidates) == 0 {
		return Candidate{}, false
	}
	return r.Candidates[0], true
}
