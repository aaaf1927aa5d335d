package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/store"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
	"github.com/pactwatch/pactwatch/internal/telemetry/ndjson"
)

// UnknownOrg is the organisation id given to matched events that belong to
// no configured organisation.
const UnknownOrg = "unknown"

// IngestOptions controls one ingest run.
type IngestOptions struct {
	Format     string          // "" detects
	FieldMap   ndjson.FieldMap // for ndjson input
	BatchLines int             // lines between commits
	// OnError is called for every malformed line; nil ignores them (they are still counted).
	OnError func(*telemetry.ParseError)
	// OnProgress is called after every commit with the input's offset.
	OnProgress func(path string, offset int64)
	// Rescan reads the input from its start even if it was ingested
	// before: a retro-hunt with the current indicators. Hits already
	// stored are merged, not repeated; the checkpoint does not move back.
	Rescan bool
}

// IngestStats reports one input's ingest.
type IngestStats struct {
	File    string `json:"file"`
	Format  string `json:"format"`
	Key     string `json:"key"`
	Resumed int64  `json:"resumed_at"` // offset the run started from (0 for a fresh input)
	// Continued is the key of an earlier, shorter version of this input
	// whose checkpoint the run resumed from ("" if none): a file under
	// 64 KiB gets a new key as it grows.
	Continued string `json:"continued,omitempty"`
	// Unterminated is the length of a last line without a newline, read
	// but not checkpointed: it may still be being written, so the next run
	// reads it again and its hit, if any, replaces this run's.
	Unterminated int64         `json:"unterminated_bytes,omitempty"`
	Records      int64         `json:"records"` // events and malformed lines read in this run
	Events       int64         `json:"events"`
	Malformed    int64         `json:"malformed"`
	Hits         int64         `json:"hits"` // matched events stored
	Matches      int64         `json:"matches"`
	Unowned      int64         `json:"unowned"` // matched events of no known organisation
	Bytes        int64         `json:"bytes"`
	Elapsed      time.Duration `json:"elapsed_ns"`
}

// Ingest reads one input, sweeps it with set, assigns matched events to
// organisations and commits them with the checkpoint every BatchLines
// lines. It resumes where an earlier run of the same input stopped, so a
// re-run adds nothing twice and a killed run loses nothing.
//
// An input is known by its content (logfile.Reader.Key), so a renamed or
// appended file resumes too. A file under 64 KiB gets a new key as it
// grows; Ingest then looks for the checkpoint of its earlier version (see
// findCheckpoint), resumes from it and commits under the new key. The
// checkpoint stops at the last newline-terminated line: a last line still
// being written is swept (a complete file may lack its final newline) but
// read again next run, its hit replaced rather than repeated and its event
// or error counted in the checkpoint only once it is complete.
func Ingest(ctx context.Context, st store.Store, set *sweep.Set, dir *org.Directory, path string, opt IngestOptions) (IngestStats, error) {
	start := time.Now()
	stats := IngestStats{File: path}
	lopt := logfile.Options{Format: opt.Format, FieldMap: opt.FieldMap}
	r, err := logfile.Open(path, lopt)
	if err != nil {
		return stats, err
	}
	stats.Key = r.Key()
	cp, err := findCheckpoint(ctx, st, r)
	if err != nil {
		r.Close()
		return stats, fmt.Errorf("checkpoint of %s: %w", path, err)
	}
	if opt.Rescan {
		if path == "-" {
			r.Close()
			return stats, fmt.Errorf("rescan needs a file: standard input cannot be read again")
		}
		// From the start, counting afresh: the checkpoint takes the new
		// counts only when the rescan reaches it.
		cp.Offset, cp.Line, cp.Events, cp.Errors = 0, 0, 0, 0
	}
	if cp.Offset > 0 {
		if path == "-" {
			r.Close()
			return stats, fmt.Errorf("standard input was ingested before up to byte %d; resuming needs a file", cp.Offset)
		}
		r.Close()
		lopt.Offset, lopt.Line = cp.Offset, cp.Line
		if r, err = logfile.Open(path, lopt); err != nil {
			return stats, err
		}
		if r.Key() != stats.Key {
			// It grew (or was replaced) between the two opens: still the
			// content the checkpoint covers?
			if r.PrefixKeys([]int64{cp.HeadLen})[cp.HeadLen] != cp.Key {
				r.Close()
				return stats, fmt.Errorf("resume %s: the file changed while it was being opened", path)
			}
			stats.Key = r.Key()
		}
	}
	defer r.Close()
	if cp.Key != stats.Key {
		stats.Continued = cp.Key
	}
	stats.Format = r.Format()
	stats.Resumed = cp.Offset
	cp.Key, cp.File, cp.HeadLen = stats.Key, path, int64(r.HeadLen())
	continues := stats.Continued // until the first commit has removed its provisional hits

	batch := opt.BatchLines
	if batch < 1 {
		batch = 10000
	}
	var (
		ev      telemetry.Event
		matches []sweep.Match
		hits    []intrusion.Hit
		pending int
	)
	commit := func() error {
		cp.Offset, cp.Line = r.Offset(), r.Line()
		cp.Updated = time.Now().UTC()
		if err := st.CommitBatch(ctx, store.Batch{Checkpoint: cp, Hits: hits, Continues: continues}); err != nil {
			return fmt.Errorf("commit %s at line %d: %w", path, cp.Line, err)
		}
		hits, pending, continues = hits[:0], 0, ""
		if opt.OnProgress != nil {
			opt.OnProgress(path, cp.Offset)
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		ev = telemetry.Event{}
		err := r.Next(&ev)
		if errors.Is(err, io.EOF) {
			break
		}
		pending++
		stats.Records++
		// The checkpoint counts only the lines it covers: an unterminated
		// last line (r.Tail() > 0) lies beyond it and is read again.
		complete := int64(1)
		if r.Tail() > 0 {
			complete = 0
		}
		var pe *telemetry.ParseError
		switch {
		case errors.As(err, &pe):
			stats.Malformed++
			cp.Errors += complete
			if opt.OnError != nil {
				opt.OnError(pe)
			}
		case err != nil:
			return stats, fmt.Errorf("read %s: %w", path, err)
		default:
			stats.Events++
			cp.Events += complete
			matches = set.Match(&ev, matches[:0])
			if len(matches) > 0 {
				owner, ok := dir.Lookup(&ev)
				if !ok {
					owner = UnknownOrg
					stats.Unowned++
				}
				hits = append(hits, intrusion.Hit{Event: ev, OrgID: owner, Matches: toMatches(set, matches)})
				stats.Hits++
				stats.Matches += int64(len(matches))
			}
		}
		if pending >= batch {
			if err := commit(); err != nil {
				return stats, err
			}
		}
	}
	if err := commit(); err != nil {
		return stats, err
	}
	stats.Unterminated = r.Tail()
	stats.Bytes = r.Offset() + r.Tail() - stats.Resumed
	stats.Elapsed = time.Since(start)
	return stats, nil
}

// findCheckpoint returns the checkpoint to resume r's input from: the one
// stored under its key if that got anywhere, else that of an earlier,
// shorter version of the input, else a fresh one (only Key set).
//
// A file under 64 KiB (logfile.HeadSize) is keyed by the digest of all its
// content, so each time it grows it gets a new key. Every checkpoint
// records how many head bytes its key digests (HeadLen); for each such
// length shorter than r's head, r's own prefix of that length is hashed
// (one pass, PrefixKeys) and looked up. A stored key equal to the digest of
// r's first HeadLen bytes is, byte for byte, the content that checkpoint
// was taken over, so r continues it; and since a checkpoint never passes
// the end of its head, nothing it covers lies beyond the verified prefix.
// Matching by content rather than by first line keeps apart different
// files with identical headers (Zeek logs, masked #open lines). Of several
// matches the furthest wins, ties going to the longest head: the newest
// version, under whose key a provisional last-line hit would have been
// stored.
func findCheckpoint(ctx context.Context, st store.Store, r *logfile.Reader) (store.Checkpoint, error) {
	cp, err := st.Checkpoint(ctx, r.Key())
	if err != nil || cp.Offset > 0 {
		return cp, err
	}
	fresh := cp
	lengths, err := st.CheckpointHeadLengths(ctx)
	if err != nil {
		return cp, err
	}
	head := int64(r.HeadLen())
	lengths = slices.DeleteFunc(lengths, func(l int64) bool { return l <= 0 || l >= head })
	if len(lengths) == 0 {
		return fresh, nil
	}
	prefixKeys := r.PrefixKeys(lengths)
	keys := make([]string, 0, len(prefixKeys))
	for _, k := range prefixKeys {
		keys = append(keys, k)
	}
	cands, err := st.Checkpoints(ctx, keys)
	if err != nil {
		return cp, err
	}
	best := fresh
	for _, c := range cands {
		if prefixKeys[c.HeadLen] != c.Key || c.Offset <= 0 || c.Offset > c.HeadLen {
			continue // not taken over this prefix, or nothing to resume
		}
		if c.Offset > best.Offset || c.Offset == best.Offset && c.HeadLen > best.HeadLen {
			best = c
		}
	}
	return best, nil
}

func toMatches(set *sweep.Set, ms []sweep.Match) []intrusion.Match {
	out := make([]intrusion.Match, len(ms))
	for i, m := range ms {
		ind := set.Indicator(m.Indicator)
		out[i] = intrusion.Match{Field: m.Field, Value: m.Value, IndicatorID: ind.ID, Type: string(ind.Type), Indicator: ind.Value}
	}
	return out
}
