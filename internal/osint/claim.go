package osint

import (
	"crypto/sha256"
	"encoding/hex"
)

// Kind is what a claim is about.
type Kind string

// Claim kinds.
const (
	KindAgreement    Kind = "agreement"    // an agreement pactwatch knows is referred to
	KindActor        Kind = "actor"        // an intrusion set is named
	KindState        Kind = "state"        // a state is named (Attributed when said to be behind something)
	KindOrganisation Kind = "organisation" // a company, agency, outlet or body is named
	KindDate         Kind = "date"         // a date expression, resolved or not
	KindCount        Kind = "count"        // a number of victims, intrusions or actors
	KindSector       Kind = "sector"       // an industry sector in an intrusion context
	KindQuote        Kind = "quote"        // words quoted with their speaker
	KindIntrusion    Kind = "intrusion"    // someone intruded, ties actor, sector, agreement and date together
)

// Kinds lists the claim kinds in a stable order.
var Kinds = []Kind{KindAgreement, KindActor, KindState, KindOrganisation, KindDate, KindCount, KindSector, KindQuote, KindIntrusion}

// Claim is one thing an article says, pointing to the sentence that says
// it.
type Claim struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Key identifies what is claimed, independent of wording: claims with
	// the same Key from different articles corroborate each other.
	Key       string `json:"key"`
	Text      string `json:"text"`              // the claim in pactwatch's words
	Mention   string `json:"mention,omitempty"` // the article's words for it
	ArticleID string `json:"article_id"`
	Sentence  string `json:"sentence"`       // the sentence it comes from
	SentIndex int    `json:"sentence_index"` // its index in Sentences(article.Text)
	// Date is the resolved date the claim is about (YYYY-MM-DD, or coarser),
	// empty when none applies or it could not be resolved; When says how.
	Date  string `json:"date,omitempty"`
	When  *Date  `json:"when,omitempty"`
	Value string `json:"value,omitempty"` // the claim's value: agreement id, actor name, ISO code, organisation, sector, speaker

	Count    *Count   `json:"count,omitempty"`
	Sectors  []string `json:"sectors,omitempty"`
	Quote    *Quote   `json:"quote,omitempty"`
	First    bool     `json:"first,omitempty"`    // an intrusion said to be the first
	Relation string   `json:"relation,omitempty"` // "after", "since" ...: how an intrusion relates to the agreement
	// Attributed is set on a state claim when the text says the state is
	// behind something ("China-affiliated actors", "linked to Beijing").
	Attributed bool  `json:"attributed,omitempty"`
	Links      Links `json:"links,omitzero"`
}

// Links tie a claim to pactwatch's entities.
type Links struct {
	ActorIDs      []string `json:"actor_ids,omitempty"` // every intel record the actor name resolves to
	Actors        []string `json:"actors,omitempty"`    // actor names as resolved
	AgreementID   string   `json:"agreement_id,omitempty"`
	States        []string `json:"states,omitempty"` // ISO codes
	Organisations []string `json:"organisations,omitempty"`
}

// Count is a number the text gives.
type Count struct {
	N           int    `json:"n"`                     // the number, or the least a vague word means ("multiple" = 2)
	AtLeast     bool   `json:"at_least,omitempty"`    // N is a lower bound
	Approximate bool   `json:"approximate,omitempty"` // "nearly", "about" ...
	Vague       string `json:"vague,omitempty"`       // the vague word, when one was used
	Unit        string `json:"unit"`                  // the noun counted, as written
	Class       string `json:"class"`                 // "victims", "intrusions" or "actors"
}

// Quote is speech attributed to a person or body.
type Quote struct {
	Text         string `json:"text"`
	Speaker      string `json:"speaker"`
	Role         string `json:"role,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Verb         string `json:"verb,omitempty"` // said, wrote, told ...
}

func claimID(articleID string, sent int, kind Kind, key string) string {
	h := sha256.Sum256([]byte(articleID + "\x00" + string(kind) + "\x00" + key))
	return "claim--" + hex.EncodeToString(h[:8])
}
