package pact

import (
	"time"

	"github.com/pactwatch/pactwatch/internal/intent"
)

// Verdict is the outcome of judging one intrusion against one agreement.
type Verdict string

// Verdicts.
const (
	PotentialViolation Verdict = "potential-violation"
	OutsideScope       Verdict = "outside-scope"
	NeedsAssessment    Verdict = "needs-assessment"
)

// LinkStatus is the state of one link of the enforcement chain.
type LinkStatus string

// Link statuses.
const (
	Established    LinkStatus = "established"
	Supported      LinkStatus = "supported"
	NotEstablished LinkStatus = "not-established"
)

// Link names of the enforcement chain, in order.
const (
	LinkIncursion    = "incursion"
	LinkAttribution  = "attribution"
	LinkExfiltration = "exfiltration"
	LinkBenefit      = "benefit-conferred"
	LinkUse          = "information-used"
)

// Link is one link of the enforcement chain with the evidence behind it.
type Link struct {
	Name     string     `json:"name"`
	Status   LinkStatus `json:"status"`
	Evidence []string   `json:"evidence"`
}

// Finding is one intrusion judged against one agreement.
type Finding struct {
	ID          string   `json:"id"`
	IntrusionID string   `json:"intrusion_id"`
	AgreementID string   `json:"agreement_id"`
	InScope     bool     `json:"in_scope"`
	Reasons     []string `json:"reasons"` // why in or out of scope
	Verdict     Verdict  `json:"verdict"`
	Chain       []Link   `json:"chain"` // the five links, in order
	// Counterparty is the party the finding is held against (the attributed sponsor).
	Counterparty string `json:"counterparty,omitempty"`
	Victim       string `json:"victim,omitempty"` // the victim's party

	// What the judgement rests on, copied from the inputs so that a list of
	// findings is enough for Counts and for reports.
	OrgID   string       `json:"org_id,omitempty"`   // the victim organisation
	Start   time.Time    `json:"start"`              // the intrusion's first event
	End     time.Time    `json:"end"`                // the intrusion's last event
	ActorID string       `json:"actor_id,omitempty"` // attributed actor ("" when unattributed)
	Actor   string       `json:"actor,omitempty"`    // its name
	Sponsor string       `json:"sponsor,omitempty"`  // the state the actor is assessed to serve, party or not
	Intent  intent.Class `json:"intent,omitempty"`
}
