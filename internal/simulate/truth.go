package simulate

import (
	"slices"
	"time"

	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/pact"
)

// Truth is the ground truth of a generated scenario: what was planted and
// what a correct pactwatch run should conclude. truth.json holds it.
type Truth struct {
	Scenario    string           `json:"scenario"`
	Seed        uint64           `json:"seed"`
	PeriodStart time.Time        `json:"period_start"`
	PeriodEnd   time.Time        `json:"period_end"` // exclusive
	VerdictRule string           `json:"verdict_rule"`
	Agreements  []TruthAgreement `json:"agreements"`
	Actors      []TruthActor     `json:"actors"`
	Intrusions  []TruthIntrusion `json:"intrusions"`
	Lookalikes  []TruthLookalike `json:"lookalikes"`
	Summary     TruthSummary     `json:"summary"`

	// The keys below are written by the easy and hard profiles only.

	// Days, Orgs and EventsPerOrgDay repeat the generator's settings.
	Days            int `json:"days,omitempty"`
	Orgs            int `json:"orgs,omitempty"`
	EventsPerOrgDay int `json:"events_per_org_day,omitempty"`
	// Behaviour is, per actor and agreement, its economic intrusions
	// against the agreement's counterparties before and after the date and
	// whether it changed its conduct.
	Behaviour []TruthBehaviour `json:"behaviour,omitempty"`
	// IndicatorNotes explain the indicators that are traps (shared,
	// shared-hosting, stale, false-flag tools).
	IndicatorNotes []TruthIndicatorNote `json:"indicator_notes,omitempty"`
	// Traps counts the planted traps by kind.
	Traps map[string]int `json:"traps,omitempty"`
}

// TruthBehaviour is one actor's conduct around one agreement.
type TruthBehaviour struct {
	ActorID     string `json:"actor_id"`
	ActorName   string `json:"actor_name"`
	AgreementID string `json:"agreement_id"`
	// Planned is what the generator made the actor do after the date
	// against the counterparties: "continue", "stop" (no more economic
	// intrusions) or "attempts" (only blocked attempts).
	Planned string `json:"planned"`
	// Changed reports a real change of behaviour (Planned is not "continue").
	Changed           bool    `json:"changed"`
	DaysBefore        int     `json:"days_before"` // days of the period before the agreement
	DaysAfter         int     `json:"days_after"`
	EconomicBefore    int     `json:"economic_before"` // economic intrusions against counterparties
	EconomicAfter     int     `json:"economic_after"`
	ExfiltratedBefore int     `json:"exfiltrated_before"` // of those, with files taken
	ExfiltratedAfter  int     `json:"exfiltrated_after"`
	RateBefore        float64 `json:"rate_before"` // economic intrusions per 30 days
	RateAfter         float64 `json:"rate_after"`
}

// TruthAgreement is the view of an agreement the expected verdicts assume.
type TruthAgreement struct {
	ID        string    `json:"id"`
	Parties   []string  `json:"parties"`
	Effective time.Time `json:"effective"` // taken as the signing date
}

// TruthActor is an actor of the scenario with its assessed sponsor.
type TruthActor struct {
	ID      string `json:"id"` // STIX intrusion-set id (the real ATT&CK id)
	Name    string `json:"name"`
	Sponsor string `json:"sponsor"` // ISO alpha-2

	// Written by the easy and hard profiles only.
	ExternalID string   `json:"external_id,omitempty"` // ATT&CK group id
	Intents    []string `json:"intents,omitempty"`     // what it steals: economic, national-security
	Sectors    []string `json:"sectors,omitempty"`     // victimology as intel states it
	Countries  []string `json:"countries,omitempty"`
	Zone       string   `json:"zone,omitempty"`     // IANA zone of its office hours
	Workdays   []string `json:"workdays,omitempty"` // its working week
	// IntelCoverage is the share of its infrastructure items and malware
	// samples that intel has at least one indicator for.
	IntelCoverage float64 `json:"intel_coverage,omitempty"`
}

// TakenFile is one file an actor exfiltrated.
type TakenFile struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"` // as the sensors' file hashes report it
}

// TruthIntrusion is one planted intrusion.
type TruthIntrusion struct {
	ID           string           `json:"id"`
	OrgID        string           `json:"org_id"`
	OrgCountry   string           `json:"org_country"`
	OrgSector    string           `json:"org_sector"`
	ActorID      string           `json:"actor_id"`
	ActorName    string           `json:"actor_name"`
	Sponsor      string           `json:"sponsor"`
	Start        time.Time        `json:"start"` // first planted event
	End          time.Time        `json:"end"`   // last planted event
	Intent       intent.Class     `json:"intent"`
	Status       intrusion.Status `json:"status"`
	Files        []TakenFile      `json:"files,omitempty"`
	BytesTaken   int64            `json:"bytes_taken"`    // sum of the files' sizes
	BytesToActor int64            `json:"bytes_to_actor"` // every byte the victim sent to actor infrastructure
	Techniques   []string         `json:"techniques"`     // ATT&CK ids the planted alerts name
	Indicators   []string         `json:"indicators"`     // ids of supported indicators whose values occur in the events
	Sessions     int              `json:"sessions"`
	// Flows are the connection ids of the planted sessions as the sensors
	// write them (Suricata flow_id in decimal, Zeek uid): what a scorer
	// uses to tell which intrusion a matched event belongs to.
	Flows         []string      `json:"flows"`
	Expected      []Expectation `json:"expected"`
	Description   string        `json:"description"`
	AfterPledgeBy string        `json:"after_pledge_by,omitempty"` // e.g. "1 day after us-cn-2015" for the first one after an agreement

	// Written by the easy and hard profiles only.
	OrgName string `json:"org_name,omitempty"`
	Access  string `json:"access,omitempty"` // initial access: sqli, phish, waterhole
	// Traps names what makes this intrusion hard, e.g. "false-flag: uses
	// ChChes tied to menuPass", "shared-infrastructure: ...".
	Traps []string `json:"traps,omitempty"`
}

// Expectation is the verdict a correct evaluation reaches for one agreement.
type Expectation struct {
	AgreementID string       `json:"agreement_id"`
	Verdict     pact.Verdict `json:"verdict"`
	Reason      string       `json:"reason"`
}

// TruthLookalike is benign activity that resembles an intrusion.
type TruthLookalike struct {
	ID          string    `json:"id"`
	OrgIDs      []string  `json:"org_ids"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Sessions    int       `json:"sessions"`
	Indicators  []string  `json:"indicators,omitempty"`
	Flows       []string  `json:"flows"`    // connection ids, as in TruthIntrusion
	Expected    string    `json:"expected"` // "no-sighting" or "unattributed"
	Description string    `json:"description"`
	// Kind is written by the easy and hard profiles: shared-hosting,
	// stale-indicator, parent-domain or sqli-scanning.
	Kind string `json:"kind,omitempty"`
}

// TruthSummary counts the scenario at a glance.
type TruthSummary struct {
	Intrusions          int            `json:"intrusions"`
	ByActor             map[string]int `json:"by_actor"`
	ByIntent            map[string]int `json:"by_intent"`
	PotentialViolations map[string]int `json:"potential_violations"` // per agreement
	NeedsAssessment     map[string]int `json:"needs_assessment"`     // per agreement
	// FirstAfter is, per agreement, the first planted intrusion by an actor
	// of a counterparty that starts after the agreement's date.
	FirstAfter map[string]string `json:"first_after"`
	// TargetedAfterUSCN counts the US companies Deep Panda tried after
	// 2015-09-25, by sector (the CrowdStrike count: 5 technology, 2 pharmaceuticals).
	TargetedAfterUSCN map[string]int `json:"targeted_after_us_cn"`
	BytesTaken        int64          `json:"bytes_taken"`
}

// g20Members are the G20's member states (the EU, also a member, is not a party code).
var g20Members = []string{"AR", "AU", "BR", "CA", "CN", "DE", "FR", "GB", "ID", "IN", "IT", "JP", "KR", "MX", "RU", "SA", "TR", "US", "ZA"}

var truthAgreements = []TruthAgreement{
	{ID: "us-cn-2015", Parties: []string{"US", "CN"}, Effective: day(2015, time.September, 25)},
	{ID: "gb-cn-2015", Parties: []string{"GB", "CN"}, Effective: day(2015, time.October, 22)},
	{ID: "g20-2015", Parties: g20Members, Effective: day(2015, time.November, 16)},
}

const verdictRule = "outside-scope unless the victim's country and the sponsor are different parties, the intrusion starts after the agreement's date and the intent is economic; " +
	"in scope: potential-violation when files were exfiltrated, needs-assessment when the attempt was prevented (no theft established) or the intent is mixed or undetermined"

// expect applies the verdict rule to one intrusion and agreement.
func expect(a TruthAgreement, victim, sponsor string, start time.Time, in intent.Class, taken bool) Expectation {
	e := Expectation{AgreementID: a.ID}
	switch {
	case victim == sponsor || !slices.Contains(a.Parties, victim) || !slices.Contains(a.Parties, sponsor):
		e.Verdict, e.Reason = pact.OutsideScope, "victim "+victim+" and sponsor "+sponsor+" are not opposite parties"
	case start.Before(a.Effective):
		e.Verdict, e.Reason = pact.OutsideScope, "began before the agreement ("+a.Effective.Format(time.DateOnly)+")"
	case in == intent.NationalSecurity:
		e.Verdict, e.Reason = pact.OutsideScope, "national-security intent is not covered"
	case in != intent.Economic:
		e.Verdict, e.Reason = pact.NeedsAssessment, "intent is "+string(in)
	case taken:
		e.Verdict, e.Reason = pact.PotentialViolation, "economic theft after the agreement between its parties"
	default:
		e.Verdict, e.Reason = pact.NeedsAssessment, "attempt prevented: no theft established"
	}
	return e
}
