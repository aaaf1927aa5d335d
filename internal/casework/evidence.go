package casework

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/pact"
)

// EvidenceKind is what an item of evidence is.
type EvidenceKind string

// Evidence kinds.
const (
	EvidenceNote     EvidenceKind = "note"     // an analyst's words
	EvidenceFile     EvidenceKind = "file"     // a file, stored by the SHA-256 of its content
	EvidenceEvents   EvidenceKind = "events"   // a reference to events or sightings
	EvidenceDocument EvidenceKind = "document" // an outside document: a product launch, a patent filing, a report
)

// EvidenceKinds lists every kind.
var EvidenceKinds = []EvidenceKind{EvidenceNote, EvidenceFile, EvidenceEvents, EvidenceDocument}

// Links are the five links of the enforcement chain, in order.
var Links = []string{pact.LinkIncursion, pact.LinkAttribution, pact.LinkExfiltration, pact.LinkBenefit, pact.LinkUse}

// Evidence is one item an analyst attached to one link of a finding's
// enforcement chain.
type Evidence struct {
	FindingID string       `json:"finding_id"`
	Link      string       `json:"link"` // one of Links
	Kind      EvidenceKind `json:"kind"`
	// Digest is the lower-case hex SHA-256 of a file's content (kind file).
	Digest string `json:"digest,omitempty"`
	// Ref is what the item points at: the file's name (file); event
	// references ("eve.json:123") or sighting ids (events); a URL or
	// citation (document).
	Ref  string    `json:"ref,omitempty"`
	Text string    `json:"text,omitempty"` // the note, or what the item shows
	Who  string    `json:"who"`
	When time.Time `json:"when"`
}

// Digest returns the lower-case hex SHA-256 of content, the key under which
// a file of evidence is stored.
func Digest(content []byte) string {
	h := sha256.Sum256(content)
	return hex.EncodeToString(h[:])
}

// FileEvidence returns file evidence for content named name, its Digest
// computed from the content.
func FileEvidence(findingID, link, name string, content []byte, text, who string, when time.Time) Evidence {
	return Evidence{FindingID: findingID, Link: link, Kind: EvidenceFile, Digest: Digest(content), Ref: name, Text: text, Who: who, When: when}
}

// Key returns a stable id of the item: "EV-" and 16 hex digits of a SHA-256
// over its fields. Attaching the same item twice gives the same key.
func (e Evidence) Key() string {
	h := sha256.Sum256([]byte(strings.Join([]string{e.FindingID, e.Link, string(e.Kind), e.Digest, e.Ref, e.Text, e.Who, e.When.UTC().Format(time.RFC3339Nano)}, "\x00")))
	return "EV-" + hex.EncodeToString(h[:8])
}

// FieldError is a problem with one field of evidence or an override.
// errors.Is(err, ErrInvalid) holds.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

var hexDigest = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate reports the first problem with e as a *FieldError: every item
// needs a finding, a link, a kind, who and when; a note needs text, a file
// a digest, events and documents a ref.
func (e Evidence) Validate() error {
	switch {
	case e.FindingID == "":
		return &FieldError{"finding_id", "required"}
	case !slices.Contains(Links, e.Link):
		return &FieldError{"link", fmt.Sprintf("%q is not one of %s", e.Link, strings.Join(Links, ", "))}
	case !slices.Contains(EvidenceKinds, e.Kind):
		return &FieldError{"kind", fmt.Sprintf("%q is not one of note, file, events, document", e.Kind)}
	case strings.TrimSpace(e.Who) == "":
		return &FieldError{"who", "required"}
	case e.When.IsZero():
		return &FieldError{"when", "required"}
	}
	switch e.Kind {
	case EvidenceNote:
		if strings.TrimSpace(e.Text) == "" {
			return &FieldError{"text", "a note needs text"}
		}
	case EvidenceFile:
		if !hexDigest.MatchString(e.Digest) {
			return &FieldError{"digest", fmt.Sprintf("%q is not a lower-case hex SHA-256", e.Digest)}
		}
	case EvidenceEvents, EvidenceDocument:
		if strings.TrimSpace(e.Ref) == "" {
			return &FieldError{"ref", fmt.Sprintf("%s evidence needs a ref", e.Kind)}
		}
	}
	return nil
}

// Override sets a link's status by decision rather than by its evidence.
// An override with an empty Status withdraws the previous one.
type Override struct {
	FindingID string          `json:"finding_id"`
	Link      string          `json:"link"`
	Status    pact.LinkStatus `json:"status"` // "" withdraws
	Reason    string          `json:"reason"` // required
	Who       string          `json:"who"`
	When      time.Time       `json:"when"`
}

// Validate reports the first problem with o as a *FieldError: a reason is
// always required, and who, when, a finding and a link.
func (o Override) Validate() error {
	switch {
	case o.FindingID == "":
		return &FieldError{"finding_id", "required"}
	case !slices.Contains(Links, o.Link):
		return &FieldError{"link", fmt.Sprintf("%q is not one of %s", o.Link, strings.Join(Links, ", "))}
	case o.Status != "" && rank(o.Status) < 0:
		return &FieldError{"status", fmt.Sprintf("%q is not established, supported or not-established", o.Status)}
	case strings.TrimSpace(o.Reason) == "":
		return &FieldError{"reason", "an override needs a recorded reason"}
	case strings.TrimSpace(o.Who) == "":
		return &FieldError{"who", "required"}
	case o.When.IsZero():
		return &FieldError{"when", "required"}
	}
	return nil
}

// LinkState is one link of a finding's chain with the evidence attached
// to it and the status that follows.
type LinkState struct {
	Name string `json:"name"`
	// Computed is the status the evaluation gave from telemetry and intel
	// (the finding's own chain).
	Computed pact.LinkStatus `json:"computed"`
	// Derived is the stronger of Computed and what the evidence supports.
	Derived pact.LinkStatus `json:"derived"`
	// Status is Derived, or the override's status when one is in force.
	Status   pact.LinkStatus `json:"status"`
	Override *Override       `json:"override,omitempty"`
	Evidence []Evidence      `json:"evidence"`
	// Basis says why Derived is what it is; Missing what would establish
	// the link ("" when Status is established).
	Basis   string `json:"basis"`
	Missing string `json:"missing,omitempty"`
}

// strength is the status one item of each kind gives each link on its own.
// Events and files show an incursion or an exfiltration directly; nothing
// alone establishes attribution to a state, benefit or use; events say
// nothing of benefit or use; a note only ever supports.
var strength = map[string]map[EvidenceKind]pact.LinkStatus{
	pact.LinkIncursion:    {EvidenceEvents: pact.Established, EvidenceFile: pact.Established, EvidenceDocument: pact.Supported, EvidenceNote: pact.Supported},
	pact.LinkAttribution:  {EvidenceEvents: pact.Supported, EvidenceFile: pact.Supported, EvidenceDocument: pact.Supported, EvidenceNote: pact.Supported},
	pact.LinkExfiltration: {EvidenceEvents: pact.Established, EvidenceFile: pact.Established, EvidenceDocument: pact.Supported, EvidenceNote: pact.Supported},
	pact.LinkBenefit:      {EvidenceFile: pact.Supported, EvidenceDocument: pact.Supported, EvidenceNote: pact.Supported},
	pact.LinkUse:          {EvidenceFile: pact.Supported, EvidenceDocument: pact.Supported, EvidenceNote: pact.Supported},
}

// missing says what would establish each link.
var missing = map[string]string{
	pact.LinkIncursion:    "attach the matched events or a capture or log file showing the intrusion",
	pact.LinkAttribution:  "attach independent evidence of two kinds among events, files and documents (e.g. infrastructure in the events and a government or vendor attribution report)",
	pact.LinkExfiltration: "attach events or a file showing data leaving the victim (flow records, a recovered staging archive)",
	pact.LinkBenefit:      "attach a document showing a beneficiary (e.g. a competitor's product launch or patent filing) and a file tying it to what was taken",
	pact.LinkUse:          "attach a document showing the information in use (a product, a filing, a negotiating position) and a file tying it to what was taken",
}

// Chain derives the status of each link of finding f from the evaluation's
// chain and the evidence and overrides attached to f (items for other
// findings are ignored), in the order of Links.
//
// A link's derived status is the strongest of: its computed status; the
// strength of each item alone (see the table: events or a file establish
// an incursion or an exfiltration; any other relevant item supports); and
// corroboration: items of at least two different kinds other than notes,
// each of which supports the link, establish it. Notes never establish.
// The latest override of a link (by When, then by order) sets its status,
// unless its Status is "", which withdraws the overrides before it.
func Chain(f pact.Finding, evidence []Evidence, overrides []Override) []LinkState {
	out := make([]LinkState, len(Links))
	for i, name := range Links {
		l := LinkState{Name: name, Computed: pact.NotEstablished, Evidence: []Evidence{}}
		for _, c := range f.Chain {
			if c.Name == name && rank(c.Status) >= 0 {
				l.Computed = c.Status
			}
		}
		l.Derived = l.Computed
		l.Basis = "the evaluation's status from telemetry and intel"
		kinds := map[EvidenceKind]bool{}
		for _, e := range evidence {
			if e.FindingID != f.ID || e.Link != name {
				continue
			}
			l.Evidence = append(l.Evidence, e)
			s, ok := strength[name][e.Kind]
			if !ok {
				continue
			}
			if e.Kind != EvidenceNote {
				kinds[e.Kind] = true
			}
			if rank(s) > rank(l.Derived) {
				l.Derived, l.Basis = s, fmt.Sprintf("%s evidence %s", e.Kind, e.Key())
			}
		}
		if len(kinds) >= 2 && rank(l.Derived) < rank(pact.Established) {
			ks := make([]string, 0, len(kinds))
			for k := range kinds {
				ks = append(ks, string(k))
			}
			slices.Sort(ks)
			l.Derived, l.Basis = pact.Established, "corroborated by independent kinds of evidence: "+strings.Join(ks, ", ")
		}
		l.Status = l.Derived
		var latest *Override
		for j := range overrides {
			o := overrides[j]
			if o.FindingID != f.ID || o.Link != name {
				continue
			}
			if latest == nil || !o.When.Before(latest.When) {
				latest = &o
			}
		}
		if latest != nil && latest.Status != "" {
			l.Override = latest
			l.Status = latest.Status
		}
		if l.Status != pact.Established {
			l.Missing = missing[name]
		}
		out[i] = l
	}
	return out
}

// MissingLinks returns one line per link of chain that is not established:
// its name, status and what would establish it.
func MissingLinks(chain []LinkState) []string {
	var out []string
	for _, l := range chain {
		if l.Status != pact.Established {
			out = append(out, fmt.Sprintf("%s: %s: %s", l.Name, l.Status, l.Missing))
		}
	}
	return out
}

func rank(s pact.LinkStatus) int {
	switch s {
	case pact.NotEstablished:
		return 0
	case pact.Supported:
		return 1
	case pact.Established:
		return 2
	}
	return -1
}
