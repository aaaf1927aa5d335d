package casework

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// Answer is the counterparty's answer to a referral, recorded as data.
type Answer struct {
	Response Response  `json:"response"`
	From     string    `json:"from"` // who answered: the counterparty's office or official
	Received time.Time `json:"received"`
	Text     string    `json:"text,omitempty"` // the answer in its words, or a summary
	// Object is the answer as a STIX 2.1 opinion or note (see AnswerObject),
	// when one has been built.
	Object json.RawMessage `json:"object,omitempty"`
}

// Summary is the one line logged when the answer is recorded.
func (a Answer) Summary() string {
	s := string(a.Response)
	if a.From != "" {
		s += " (" + a.From + ")"
	}
	if a.Text != "" {
		s += ": " + a.Text
	}
	return s
}

// Opinion returns the STIX 2.1 opinion-enum value that stands for the
// response: the counterparty's view of the findings it was sent. Disputed is
// strongly-disagree; rejected (refusing the request) disagree;
// investigating neutral; action taken agree (acting accepts the findings).
func (r Response) Opinion() string {
	switch r {
	case Disputed:
		return "strongly-disagree"
	case Rejected:
		return "disagree"
	case Investigating:
		return "neutral"
	case ActionTaken:
		return "agree"
	}
	return ""
}

// STIX object kinds AnswerObject builds.
const (
	STIXOpinion = "opinion"
	STIXNote    = "note"
)

// FindingRef returns the STIX identifier pactwatch gives a finding,
// "x-pactwatch-finding--" and a name-based UUID of the finding id, for the
// object_refs of answers until findings are exported as objects of their own.
func FindingRef(findingID string) string {
	return "x-pactwatch-finding--" + uuid5("finding/"+findingID)
}

var stixID = regexp.MustCompile(`^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

// AnswerObject builds answer a of case c as a STIX 2.1 opinion or note
// object (kind STIXOpinion or STIXNote): type, spec_version "2.1", a
// deterministic id, created and modified at the time received, the
// response as labels "response:<response>", authors [a.From], and
// object_refs: refs, or when refs is empty FindingRef of each of the case's
// findings. An opinion carries the response as its opinion value (see
// Response.Opinion) and the text as its explanation; a note the text as
// its content and the case as its abstract.
func AnswerObject(c Case, a Answer, kind string, refs []string) (json.RawMessage, error) {
	if a.Response.Opinion() == "" {
		return nil, fmt.Errorf("case %s: answer response %q: %w", c.ID, a.Response, ErrInvalid)
	}
	if a.Received.IsZero() {
		return nil, fmt.Errorf("case %s: answer has no time received: %w", c.ID, ErrInvalid)
	}
	if len(refs) == 0 {
		for _, f := range c.FindingIDs {
			refs = append(refs, FindingRef(f))
		}
	}
	if len(refs) == 0 {
		return nil, fmt.Errorf("case %s: answer refers to nothing: %w", c.ID, ErrNoFindings)
	}
	for _, r := range refs {
		if !stixID.MatchString(r) {
			return nil, fmt.Errorf("case %s: object ref %q is not a STIX identifier: %w", c.ID, r, ErrInvalid)
		}
	}
	ts := a.Received.UTC().Format("2006-01-02T15:04:05.000Z")
	o := stixObject{
		Type: kind, SpecVersion: "2.1", Created: ts, Modified: ts,
		Labels: []string{"response:" + string(a.Response)}, ObjectRefs: refs,
	}
	if a.From != "" {
		o.Authors = []string{a.From}
	}
	name := strings.Join([]string{c.ID, string(a.Response), ts, a.From, a.Text}, "\x00")
	switch kind {
	case STIXOpinion:
		o.Opinion, o.Explanation = a.Response.Opinion(), a.Text
	case STIXNote:
		o.Abstract = fmt.Sprintf("Answer of %s to case %s under %s: %s", c.Counterparty, c.ID, c.AgreementID, a.Response)
		o.Content = a.Text
		if o.Content == "" {
			o.Content = o.Abstract
		}
	default:
		return nil, fmt.Errorf("case %s: STIX kind %q: %w (want opinion or note)", c.ID, kind, ErrInvalid)
	}
	o.ID = kind + "--" + uuid5(kind+"/"+name)
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("case %s: encode %s: %w", c.ID, kind, err)
	}
	return b, nil
}

// stixObject holds the properties of the opinion and note objects.
type stixObject struct {
	Type        string   `json:"type"`
	SpecVersion string   `json:"spec_version"`
	ID          string   `json:"id"`
	Created     string   `json:"created"`
	Modified    string   `json:"modified"`
	Labels      []string `json:"labels,omitempty"`
	Authors     []string `json:"authors,omitempty"`
	Opinion     string   `json:"opinion,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
	Abstract    string   `json:"abstract,omitempty"`
	Content     string   `json:"content,omitempty"`
	ObjectRefs  []string `json:"object_refs"`
}

// namespace is pactwatch's UUID namespace, UUIDv5(DNS, "pactwatch.dev"),
// the one internal/intel derives indicator ids in.
var namespace = [16]byte{0xd4, 0x72, 0x8d, 0xcb, 0x3b, 0xd4, 0x5c, 0x04, 0xaf, 0xb4, 0x04, 0x21, 0xe7, 0xae, 0x8d, 0x1c}

// uuid5 returns the RFC 4122 version-5 UUID of name in namespace.
func uuid5(name string) string { return intel.UUIDv5(namespace, name) }
