package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
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
}

// IngestStats reports one input's ingest.
type IngestStats struct {
	File      string        `json:"file"`
	Format    string        `json:"format"`
	Key       string        `json:"key"`
	Resumed   int64         `json:"resumed_at"` // offset the run started from (0 for a fresh input)
	Records   int64         `json:"records"`    // events and malformed lines read in this run
	Events    int64         `json:"events"`
	Malformed int64         `json:"malformed"`
	Hits      int64         `json:"hits"` // matched events stored
	Matches   int64         `json:"matches"`
	Unowned   int64         `json:"unowned"` // matched events of no known organisation
	Bytes     int64         `json:"bytes"`
	Elapsed   time.Duration `json:"elapsed_ns"`
}

// Ingest reads one input, sweeps it with set, assigns matched events to
// organisations and commits them with the checkpoint every BatchLines
// lines. It resumes where an earlier run of the same input stopped, so a
// re-run adds nothing twice and a killed run loses nothing.
func Ingest(ctx context.Context, st store.Store, set *sweep.Set, dir *org.Directory, path string, opt IngestOptions) (IngestStats, error) {
	start := time.Now()
	stats := IngestStats{File: path}
	lopt := logfile.Options{Format: opt.Format, FieldMap: opt.FieldMap}
	r, err := logfile.Open(path, lopt)
	if err != nil {
		return stats, err
	}
	stats.Key = r.Key()
	cp, err := st.Checkpoint(ctx, stats.Key)
	if err != nil {
		r.Close()
		return stats, fmt.Errorf("checkpoint of %s: %w", path, err)
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
	}
	defer r.Close()
	stats.Format = r.Format()
	stats.Resumed = cp.Offset
	cp.Key, cp.File = stats.Key, path

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
		if err := st.CommitBatch(ctx, store.Batch{Checkpoint: cp, Hits: hits}); err != nil {
			return fmt.Errorf("commit %s at line %d: %w", path, cp.Line, err)
		}
		hits, pending = hits[:0], 0
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
		var pe *telemetry.ParseError
		switch {
		case errors.As(err, &pe):
			stats.Malformed++
			cp.Errors++
			if opt.OnError != nil {
				opt.OnError(pe)
			}
		case err != nil:
			return stats, fmt.Errorf("read %s: %w", path, err)
		default:
			stats.Events++
			cp.Events++
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
	stats.Bytes = r.Offset() - stats.Resumed
	stats.Elapsed = time.Since(start)
	return stats, nil
}

func toMatches(set *sweep.Set, ms []sweep.Match) []intrusion.Match {
	out := make([]intrusion.Match, len(ms))
	for i, m := range ms {
		ind := set.Indicator(m.Indicator)
		out[i] = intrusion.Match{Field: m.Field, Value: m.Value, IndicatorID: ind.ID, Type: string(ind.Type), Indicator: ind.Value}
	}
	return out
}
