package pact

import "time"

// Agreement is a bilateral or multilateral pledge, as shipped in the
// embedded data files or added by a user in the same format.
// (The pact package owns parsing and validation; see Load.)
//
// Its JSON form is the agreement file format (see MarshalJSON and the
// package documentation): dates as "YYYY-MM-DD", "effective": null when
// EffectiveKnown is false, and no "effective_known" field. The struct tags
// below name the fields but the dates are not written as time.Time.
type Agreement struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Parties      []string  `json:"parties"` // ISO 3166 alpha-2; for multilateral ones the members
	Multilateral bool      `json:"multilateral,omitempty"`
	Signed       time.Time `json:"signed"`
	// Effective is when the pledge took effect; EffectiveKnown is false
	// when the text does not say, in which case Effective equals Signed
	// and reports say it is assumed.
	Effective      time.Time   `json:"effective"`
	EffectiveKnown bool        `json:"effective_known"`
	Prohibited     string      `json:"prohibited"` // operative text, quoted
	Exclusions     []string    `json:"exclusions,omitempty"`
	Obligations    Obligations `json:"obligations"`
	Source         string      `json:"source"` // where the text comes from
	// SourceURL is the address of the document Source names, when it has one.
	SourceURL string `json:"source_url,omitempty"`
	// Notes are pactwatch's remarks on the agreement: what the text leaves
	// open and which numbers are pactwatch's defaults rather than the text's.
	Notes []string `json:"notes,omitempty"`
}

// Obligations are the agreement's procedural duties.
// A zero number means the text sets no such duty (or sets it without a
// schedule); Text quotes or summarises what the text does say.
type Obligations struct {
	ResponseDays   int `json:"response_days,omitempty"`   // answer a request within N days
	DialogueMonths int `json:"dialogue_months,omitempty"` // meet every M months
	// Text lists the procedural duties in the agreement's words or, where
	// only reported, as reported.
	Text []string `json:"text,omitempty"`
}
