package intel

import "time"

// Type is the kind of value an indicator matches.
type Type string

// Indicator types the sweep can match.
const (
	IPv4   Type = "ipv4"
	IPv6   Type = "ipv6"
	CIDR   Type = "cidr" // IPv4 or IPv6 prefix
	Domain Type = "domain"
	URL    Type = "url"
	MD5    Type = "md5"
	SHA1   Type = "sha1"
	SHA256 Type = "sha256"
	JA3    Type = "ja3"
	Email  Type = "email"
)

// Types lists every indicator type in a stable order.
var Types = []Type{IPv4, IPv6, CIDR, Domain, URL, MD5, SHA1, SHA256, JA3, Email}

// Indicator is one typed value to look for. A STIX indicator whose pattern
// OR-s several comparisons becomes several Indicators sharing one ID.
type Indicator struct {
	ID         string    `json:"id"` // STIX id of the indicator object, or a derived indicator--<uuidv5> for IOC lists
	Type       Type      `json:"type"`
	Value      string    `json:"value"` // normalised (see Normalise)
	Pattern    string    `json:"pattern,omitempty"`
	Name       string    `json:"name,omitempty"`
	ValidFrom  time.Time `json:"valid_from,omitzero"`
	ValidUntil time.Time `json:"valid_until,omitzero"` // zero: no end
	Confidence int       `json:"confidence,omitempty"` // STIX 0..100; 0 unknown
	TLP        string    `json:"tlp,omitempty"`        // "clear", "green", "amber", "amber+strict", "red"
	Source     string    `json:"source"`               // who claims it: file, identity name or feed
	// Indicates lists the STIX ids (intrusion-set--, malware--, tool--) or,
	// for IOC lists given --actor, the actor names this indicator points to.
	Indicates []string `json:"indicates,omitempty"`
}

// Actor is an intrusion set (or threat actor) as one source describes it.
// Sources disagree; each keeps its own record and claims.
type Actor struct {
	ID          string         `json:"id"` // STIX id (intrusion-set--... / threat-actor--...) or MISP cluster uuid as "misp-galaxy--<uuid>"
	Name        string         `json:"name"`
	Aliases     []string       `json:"aliases,omitempty"` // other names, not including Name
	Source      string         `json:"source"`            // "mitre-attack", "misp-galaxy", or a bundle's identity/file
	ExternalID  string         `json:"external_id,omitempty"`
	Description string         `json:"description,omitempty"`
	Sponsors    []SponsorClaim `json:"sponsors,omitempty"`
	Techniques  []string       `json:"techniques,omitempty"` // ATT&CK technique ids, e.g. T1190
	Software    []string       `json:"software,omitempty"`   // malware and tool names
	// TargetSectors uses the STIX industry-sector vocabulary where known.
	TargetSectors   []string `json:"target_sectors,omitempty"`
	TargetCountries []string `json:"target_countries,omitempty"` // ISO 3166 alpha-2 where known
	Revoked         bool     `json:"revoked,omitempty"`
	// Merges lists the separately tracked groups this source folds into this
	// one (e.g. MISP's cluster naming both G0009 and G0073).
	Merges []string `json:"merges,omitempty"`
}

// SponsorClaim is one source's assessment of the state an actor serves.
type SponsorClaim struct {
	Country    string `json:"country"`              // ISO 3166 alpha-2
	Confidence int    `json:"confidence,omitempty"` // 0..100 as the source gave it; 0 unknown
	Source     string `json:"source"`
	Basis      string `json:"basis,omitempty"` // the words the claim rests on
}

// Software is a malware family or tool.
type Software struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"` // "malware" or "tool"
	Aliases    []string `json:"aliases,omitempty"`
	ExternalID string   `json:"external_id,omitempty"`
	Source     string   `json:"source"`
}

// Technique is an ATT&CK attack pattern.
type Technique struct {
	ID         string   `json:"id"`          // STIX id
	ExternalID string   `json:"external_id"` // T1190, T1505.003
	Name       string   `json:"name"`
	Tactics    []string `json:"tactics,omitempty"`
}

// Relationship is a STIX relationship between two objects.
type Relationship struct {
	ID     string `json:"id"`
	Type   string `json:"type"` // "uses", "indicates", "attributed-to", ...
	From   string `json:"from"`
	To     string `json:"to"`
	Source string `json:"source"`
}

// Unsupported records an input the importer could not evaluate (a STIX
// pattern beyond the simple forms, an IOC line of unknown type). It is
// counted and listed, never fatal.
type Unsupported struct {
	File   string `json:"file"`
	Line   int64  `json:"line,omitempty"`
	ID     string `json:"id,omitempty"`
	Input  string `json:"input"`
	Reason string `json:"reason"`
}

// Collection is what one import produced.
type Collection struct {
	Actors        []Actor        `json:"actors,omitempty"`
	Software      []Software     `json:"software,omitempty"`
	Techniques    []Technique    `json:"techniques,omitempty"`
	Indicators    []Indicator    `json:"indicators,omitempty"`
	Relationships []Relationship `json:"relationships,omitempty"`
	Unsupported   []Unsupported  `json:"unsupported,omitempty"`
	// Ignored counts the input objects of kinds the importer reads past
	// (STIX reports, campaigns, sightings, observables ...), by type.
	Ignored map[string]int `json:"ignored,omitempty"`
}
