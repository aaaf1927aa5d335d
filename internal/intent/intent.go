package intent

// Class is the judged intent of an intrusion.
type Class string

// Intent classes.
const (
	Economic         Class = "economic"
	NationalSecurity Class = "national-security"
	Mixed            Class = "mixed"
	Undetermined     Class = "undetermined"
)

// Assessment is the intent judgement with its reasons.
type Assessment struct {
	IntrusionID string   `json:"intrusion_id"`
	Class       Class    `json:"class"`
	Confidence  int      `json:"confidence"` // 0..100
	Reasons     []string `json:"reasons"`

	// Words is the confidence in STIX appendix words: low, moderate, high.
	Words string `json:"words"`
	// EconomicScore and NationalSecurityScore are the weights of evidence
	// for each reading behind Class.
	EconomicScore         float64 `json:"economic_score"`
	NationalSecurityScore float64 `json:"national_security_score"`
	// Taken lists the file names and URL paths whose words bore on intent
	// (what was taken when the intrusion exfiltrated, else what was reached).
	Taken []string `json:"taken,omitempty"`
}
