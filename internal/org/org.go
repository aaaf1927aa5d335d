package org

import "net/netip"

// Organisation is a monitored victim.
type Organisation struct {
	ID       string         `json:"id"` // short stable slug, e.g. "acme-pharma"
	Name     string         `json:"name"`
	Country  string         `json:"country"` // ISO 3166 alpha-2
	Sector   string         `json:"sector"`  // STIX industry-sector vocabulary: technology, pharmaceuticals, government-national ...
	Networks []netip.Prefix `json:"networks,omitempty"`
	Sensors  []string       `json:"sensors,omitempty"`
	// StateOwned marks a state-owned enterprise: a dual-use victim whose
	// intrusion intent leans mixed or undetermined.
	StateOwned bool `json:"state_owned,omitempty"`
}
