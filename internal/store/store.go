package store

import (
	"context"
	"errors"
	"time"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
)

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("not found")

// ErrSchema is returned when the database schema is newer than this program.
var ErrSchema = errors.New("database schema is newer than this program")

// Store is pactwatch's persistence. Every method is safe for concurrent use.
// Writes that belong together commit in one transaction; natural keys make
// repeated writes of the same data insert nothing twice.
type Store interface {
	CaseStore    // cases, evidence, evidence files and overrides (casework.go)
	ArticleStore // articles, their sources, stories, claims and reports (osint.go)

	// ImportIntel stores a collection. Records are keyed by (source, id) for
	// actors and by (id, type, value) for indicators; re-importing replaces
	// them in place. It returns how many records were new.
	ImportIntel(ctx context.Context, c *intel.Collection) (ImportStats, error)
	// Actors lists every actor record from every source, ordered by name,
	// then source and id.
	Actors(ctx context.Context) ([]intel.Actor, error)
	// FindActors returns the actor records whose name or alias equals name,
	// case-insensitively and ignoring spaces, hyphens and underscores, from
	// every source (intel.NameKey folds both sides), ordered by source, then
	// id. ErrNotFound when there is none.
	FindActors(ctx context.Context, name string) ([]intel.Actor, error)
	// Indicators lists every indicator, ordered by id, type and value.
	Indicators(ctx context.Context) ([]intel.Indicator, error)
	// Software lists every malware family and tool, ordered by id.
	Software(ctx context.Context) ([]intel.Software, error)
	// Techniques lists every technique, ordered by ATT&CK id, then STIX id.
	Techniques(ctx context.Context) ([]intel.Technique, error)
	// Relationships lists every relationship, ordered by id.
	Relationships(ctx context.Context) ([]intel.Relationship, error)
	// Unsupported lists what imports could not evaluate, keyed by (file,
	// id, input) and ordered by file, line, id and input.
	Unsupported(ctx context.Context) ([]intel.Unsupported, error)

	// PutOrganisations inserts or replaces organisations by ID.
	PutOrganisations(ctx context.Context, orgs []org.Organisation) error
	// Organisations lists every organisation, ordered by ID.
	Organisations(ctx context.Context) ([]org.Organisation, error)

	// PutAgreement inserts or replaces a user agreement by ID. It is kept
	// in pact's file format and refused if that format's validation fails.
	PutAgreement(ctx context.Context, a pact.Agreement) error
	// Agreements lists the user's agreements (not the embedded ones),
	// ordered by ID.
	Agreements(ctx context.Context) ([]pact.Agreement, error)

	// Checkpoint returns how far ingest got in the input identified by key:
	// the byte offset just after the last committed line and its line count.
	// A never-seen key gives zeros and no error.
	Checkpoint(ctx context.Context, key string) (Checkpoint, error)
	// Checkpoints returns the stored checkpoints of those keys that have
	// one, ordered by key; keys without one are left out.
	Checkpoints(ctx context.Context, keys []string) ([]Checkpoint, error)
	// Inputs returns every stored checkpoint: the inputs ingested so far,
	// ordered by file, then key.
	Inputs(ctx context.Context) ([]Checkpoint, error)
	// CheckpointHeadLengths returns the distinct positive HeadLen values of
	// the stored checkpoints, ascending: the prefix lengths whose digests a
	// grown input compares with stored keys to find its earlier version.
	CheckpointHeadLengths(ctx context.Context) ([]int64, error)
	// CommitBatch stores matched events and advances the input's checkpoint
	// in one transaction: after a crash both are stored or neither is, so
	// resuming from Checkpoint loses and repeats nothing. Events are keyed
	// by (b.Checkpoint.Key, Event.Source.Offset) and their matches by
	// (field, value, indicator id, type, indicator): a batch re-sent after a
	// crash inserts nothing twice. The checkpoint never moves backwards: a
	// stale batch's hits are merged but its smaller offset is ignored.
	//
	// Hits stored at or beyond an input's checkpoint offset are provisional:
	// they come from an unterminated last line, which the next run reads
	// again. Before storing its own hits, CommitBatch removes those of
	// b.Checkpoint.Key and, if set, of b.Continues.
	CommitBatch(ctx context.Context, b Batch) error
	// Hits returns every stored matched event, ordered by event time, then
	// input key and offset; each hit's matches in the order first committed.
	Hits(ctx context.Context) ([]intrusion.Hit, error)

	// ReplaceAnalysis replaces all derived results (intrusions, attributions,
	// intent assessments and findings) in one transaction.
	ReplaceAnalysis(ctx context.Context, a Analysis) error
	// Intrusions lists every intrusion ordered by start time, then id.
	Intrusions(ctx context.Context) ([]intrusion.Intrusion, error)
	// Intrusion returns one intrusion with its attribution, intent and
	// findings (ordered by agreement id); ErrNotFound when there is none.
	Intrusion(ctx context.Context, id string) (IntrusionDetail, error)
	// Findings lists every finding ordered by its intrusion's start time,
	// then intrusion id and agreement id (the pair is a finding's key).
	Findings(ctx context.Context) ([]pact.Finding, error)
	// Attributions lists every attribution ordered by its intrusion's start
	// time, then intrusion id.
	Attributions(ctx context.Context) ([]attribution.Result, error)
	// Intents lists every intent assessment ordered by its intrusion's
	// start time, then intrusion id.
	Intents(ctx context.Context) ([]intent.Assessment, error)

	Close() error
}

// ImportStats counts what an import added.
type ImportStats struct {
	Actors        int `json:"actors"`
	Software      int `json:"software"`
	Techniques    int `json:"techniques"`
	Indicators    int `json:"indicators"`
	Relationships int `json:"relationships"`
	Unsupported   int `json:"unsupported"`
}

// Checkpoint is ingest progress in one input.
type Checkpoint struct {
	Key  string `json:"key"`
	File string `json:"file"`
	// HeadLen is how many leading bytes of the input's decompressed content
	// Key is the SHA-256 of (logfile.Reader.HeadLen); 0 when unknown. An
	// input whose first HeadLen bytes hash to Key is this one, grown.
	HeadLen int64     `json:"head_len"`
	Offset  int64     `json:"offset"`
	Line    int64     `json:"line"`
	Events  int64     `json:"events"` // events read so far
	Errors  int64     `json:"errors"` // malformed lines so far
	Updated time.Time `json:"updated"`
}

// Batch is a unit of ingest: the hits found in a run of lines and the
// checkpoint after them.
type Batch struct {
	Checkpoint Checkpoint
	Hits       []intrusion.Hit
	// Continues is the key of an earlier checkpoint this input resumed
	// from, when that is not Checkpoint.Key: a small input that grew, and
	// so got a new key, found by its head. Its provisional hits (beyond its
	// checkpoint) are removed, since this input reads that line again.
	Continues string
}

// Analysis is the full set of derived results.
type Analysis struct {
	Intrusions   []intrusion.Intrusion
	Attributions []attribution.Result
	Intents      []intent.Assessment
	Findings     []pact.Finding
	// Background counts the matched events left out of every intrusion
	// because each of their indicators was widespread (intrusion.Widespread):
	// shared hosting, addresses reassigned to popular sites. They stay
	// stored as hits; this is not kept by ReplaceAnalysis.
	Background int
}

// IntrusionDetail is an intrusion with what was concluded about it.
type IntrusionDetail struct {
	Intrusion   intrusion.Intrusion `json:"intrusion"`
	Attribution attribution.Result  `json:"attribution"`
	Intent      intent.Assessment   `json:"intent"`
	Findings    []pact.Finding      `json:"findings"`
}
