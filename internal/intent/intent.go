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
}
