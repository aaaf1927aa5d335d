package store

import (
	"context"
	"errors"

	"github.com/pactwatch/pactwatch/internal/casework"
)

// ErrConflict is returned when a write would rewrite history: a case whose
// stored log is not a prefix of the log being written (someone else moved
// the case meanwhile), or a new case under an id already taken.
var ErrConflict = errors.New("conflicts with the stored record")

// CaseStore keeps cases, the evidence attached to findings' enforcement
// chains, the files behind that evidence and the overrides of link
// statuses. Cases and their logs are append-only in spirit: a case's log
// only ever grows.
type CaseStore interface {
	// CreateCase stores a new case with its log. It fails with ErrConflict
	// if a case with that id exists.
	CreateCase(ctx context.Context, c casework.Case) error
	// PutCase stores case c, which must exist and whose stored log must be
	// a prefix of c.Log (ErrConflict otherwise, ErrNotFound when there is
	// no such case): the new entries are appended and the rest of the case
	// replaced, in one transaction.
	PutCase(ctx context.Context, c casework.Case) error
	// Case returns one case with its full log; ErrNotFound when there is
	// none.
	Case(ctx context.Context, id string) (casework.Case, error)
	// Cases lists every case with its full log, ordered by when it was
	// opened, then id.
	Cases(ctx context.Context) ([]casework.Case, error)

	// AddEvidence stores an item of evidence under its natural key
	// (Evidence.Key) and reports whether it was new; adding the same item
	// again stores nothing. The item must pass Evidence.Validate, and a
	// file item's content must already be stored (PutFile), else the
	// error wraps ErrNotFound.
	AddEvidence(ctx context.Context, e casework.Evidence) (bool, error)
	// Evidence lists the evidence attached to the given findings (every
	// finding's when none is given), ordered by finding id, then time
	// attached, then key.
	Evidence(ctx context.Context, findingIDs ...string) ([]casework.Evidence, error)

	// PutFile stores content under its SHA-256 (casework.Digest), which it
	// returns; storing the same content again stores nothing.
	PutFile(ctx context.Context, content []byte) (string, error)
	// File returns the content stored under digest; ErrNotFound when there
	// is none.
	File(ctx context.Context, digest string) ([]byte, error)

	// AddOverride records an override of a link's status, which must pass
	// Override.Validate (a reason is required). Recording the same override
	// (every field equal) again stores nothing; it reports whether it was
	// new.
	AddOverride(ctx context.Context, o casework.Override) (bool, error)
	// Overrides lists the overrides recorded for the given findings (every
	// finding's when none is given), ordered by finding id, then in the
	// order recorded.
	Overrides(ctx context.Context, findingIDs ...string) ([]casework.Override, error)
}
