package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/store"
)

// Checkpoint returns the last committed checkpoint of the input identified
// by key. For a never-seen key it returns a Checkpoint with only Key set
// and no error. Because CommitBatch writes a checkpoint only together with
// the hits read before it, resuming from the returned offset neither skips
// nor repeats a committed hit.
func (s *Store) Checkpoint(ctx context.Context, key string) (store.Checkpoint, error) {
	cps, err := s.checkpoints(ctx, []string{key})
	if err != nil {
		return store.Checkpoint{}, fmt.Errorf("checkpoint %q: %w", key, err)
	}
	if len(cps) == 0 {
		return store.Checkpoint{Key: key}, nil
	}
	return cps[0], nil
}

// maxKeysPerQuery bounds the parameters of one IN list, well below
// SQLite's and PostgreSQL's limits.
const maxKeysPerQuery = 500

// Checkpoints returns the stored checkpoints of those keys that have one,
// ordered by key; keys without one are left out.
func (s *Store) Checkpoints(ctx context.Context, keys []string) ([]store.Checkpoint, error) {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var out []store.Checkpoint
	for chunk := range slices.Chunk(keys, maxKeysPerQuery) {
		cps, err := s.checkpoints(ctx, chunk)
		if err != nil {
			return nil, fmt.Errorf("checkpoints: %w", err)
		}
		out = append(out, cps...)
	}
	return out, nil
}

// checkpoints reads the checkpoints of up to maxKeysPerQuery keys, ordered
// by key.
func (s *Store) checkpoints(ctx context.Context, keys []string) ([]store.Checkpoint, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	params := make([]string, len(keys))
	args := make([]any, len(keys))
	for i, k := range keys {
		params[i] = "$" + strconv.Itoa(i+1)
		args[i] = k
	}
	rows, err := s.db.QueryContext(ctx, `SELECT input_key, file, head_len, byte_offset, line, events, errors, updated
		FROM checkpoints WHERE input_key IN (`+strings.Join(params, ", ")+`) ORDER BY input_key`, args...)
	if err != nil {
		return nil, err
	}
	return scanCheckpoints(rows)
}

// Inputs returns every stored checkpoint, ordered by file, then key.
func (s *Store) Inputs(ctx context.Context) ([]store.Checkpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT input_key, file, head_len, byte_offset, line, events, errors, updated
		FROM checkpoints ORDER BY file, input_key`)
	if err != nil {
		return nil, fmt.Errorf("inputs: %w", err)
	}
	cps, err := scanCheckpoints(rows)
	if err != nil {
		return nil, fmt.Errorf("inputs: %w", err)
	}
	return cps, nil
}

func scanCheckpoints(rows *sql.Rows) ([]store.Checkpoint, error) {
	defer rows.Close()
	var out []store.Checkpoint
	for rows.Next() {
		var (
			cp      store.Checkpoint
			updated string
		)
		if err := rows.Scan(&cp.Key, &cp.File, &cp.HeadLen, &cp.Offset, &cp.Line, &cp.Events, &cp.Errors, &updated); err != nil {
			return nil, err
		}
		var err error
		if cp.Updated, err = parseTime(updated); err != nil {
			return nil, fmt.Errorf("%q: %w", cp.Key, err)
		}
		out = append(out, cp)
	}
	return out, rows.Err()
}

// CheckpointHeadLengths returns the distinct positive head lengths of the
// stored checkpoints, ascending.
func (s *Store) CheckpointHeadLengths(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT head_len FROM checkpoints WHERE head_len > 0 ORDER BY head_len`)
	if err != nil {
		return nil, fmt.Errorf("checkpoint head lengths: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var l int64
		if err := rows.Scan(&l); err != nil {
			return nil, fmt.Errorf("checkpoint head lengths: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("checkpoint head lengths: %w", err)
	}
	return out, nil
}

// CommitBatch stores the batch's hits and its checkpoint in one
// transaction: after a crash either both are stored or neither is.
//
// Hits are keyed by (b.Checkpoint.Key, hit.Event.Source.Offset): a hit
// already stored is replaced (event, organisation) and its matches are
// added to, each match keyed by (field, value, indicator id, type,
// indicator), so a batch committed twice stores nothing twice.
//
// Hits at or beyond the stored checkpoint offset of b.Checkpoint.Key and of
// b.Continues came from an unterminated last line; they are deleted first,
// with their matches, since the batch's input has read that line again. No
// other hit can lie there: every other hit is committed with a checkpoint
// past it.
//
// The checkpoint never moves backwards: one with a smaller offset than the
// stored one (a stale batch re-sent or redelivered) leaves it unchanged,
// while its hits are still merged in. A zero Updated is set to the commit
// time. b.Checkpoint.Key must not be empty.
func (s *Store) CommitBatch(ctx context.Context, b store.Batch) error {
	cp := b.Checkpoint
	if cp.Key == "" {
		return errors.New("commit batch: empty input key")
	}
	if cp.Updated.IsZero() {
		cp.Updated = time.Now()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, key := range []string{cp.Key, b.Continues} {
			if key == "" {
				continue
			}
			if err := deleteProvisional(ctx, tx, key); err != nil {
				return err
			}
		}
		if err := insertHits(ctx, tx, cp.Key, b.Hits); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO checkpoints (input_key, file, head_len, byte_offset, line, events, errors, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (input_key) DO UPDATE SET file = excluded.file, head_len = excluded.head_len,
				byte_offset = excluded.byte_offset, line = excluded.line, events = excluded.events,
				errors = excluded.errors, updated = excluded.updated
			WHERE checkpoints.byte_offset <= excluded.byte_offset`,
			cp.Key, cp.File, cp.HeadLen, cp.Offset, cp.Line, cp.Events, cp.Errors, formatTime(cp.Updated))
		if err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("commit batch of %q at offset %d: %w", cp.Key, cp.Offset, err)
	}
	return nil
}

// deleteProvisional deletes the hits of key at or beyond its stored
// checkpoint offset (none if it has no checkpoint), with their matches.
func deleteProvisional(ctx context.Context, tx *sql.Tx, key string) error {
	for _, table := range []string{"hit_matches", "hits"} {
		_, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE input_key = $1
			AND byte_offset >= (SELECT byte_offset FROM checkpoints WHERE input_key = $2)`, key, key)
		if err != nil {
			return fmt.Errorf("delete provisional hits of %q: %w", key, err)
		}
	}
	return nil
}

func insertHits(ctx context.Context, tx *sql.Tx, key string, hits []intrusion.Hit) error {
	if len(hits) == 0 {
		return nil
	}
	stmts, err := prepare(ctx, tx,
		`INSERT INTO hits (input_key, byte_offset, org_id, event_time, body) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (input_key, byte_offset) DO UPDATE SET org_id = excluded.org_id,
			event_time = excluded.event_time, body = excluded.body`,
		`INSERT INTO hit_matches (input_key, byte_offset, field, value, indicator_id, type, indicator, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (input_key, byte_offset, field, value, indicator_id, type, indicator) DO NOTHING`,
	)
	if err != nil {
		return err
	}
	defer closeAll(stmts)
	insHit, insMatch := stmts[0], stmts[1]
	return each(ctx, len(hits), func(ctx context.Context, i int) error {
		h := &hits[i]
		off := h.Event.Source.Offset
		body, err := json.Marshal(h.Event)
		if err != nil {
			return fmt.Errorf("hit at offset %d: %w", off, err)
		}
		if _, err := insHit.ExecContext(ctx, key, off, h.OrgID, formatTime(h.Event.Time), string(body)); err != nil {
			return fmt.Errorf("hit at offset %d: %w", off, err)
		}
		for j, m := range h.Matches {
			if _, err := insMatch.ExecContext(ctx, key, off, m.Field, m.Value, m.IndicatorID, m.Type, m.Indicator, j); err != nil {
				return fmt.Errorf("hit at offset %d: match %d: %w", off, j, err)
			}
		}
		return nil
	})
}

// Hits returns every stored hit ordered by event time, then input key and
// offset; each hit's matches come in the order they were first committed.
func (s *Store) Hits(ctx context.Context) ([]intrusion.Hit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT h.input_key, h.byte_offset, h.org_id, h.body,
			m.field, m.value, m.indicator_id, m.type, m.indicator
		FROM hits h LEFT JOIN hit_matches m ON m.input_key = h.input_key AND m.byte_offset = h.byte_offset
		ORDER BY h.event_time, h.input_key, h.byte_offset,
			m.seq, m.field, m.value, m.indicator_id, m.type, m.indicator`)
	if err != nil {
		return nil, fmt.Errorf("list hits: %w", err)
	}
	defer rows.Close()
	var (
		out     []intrusion.Hit
		lastKey string
		lastOff int64 = -1
	)
	for rows.Next() {
		var (
			key, orgID, body                    string
			off                                 int64
			field, value, indID, typ, indicator sql.NullString
		)
		if err := rows.Scan(&key, &off, &orgID, &body, &field, &value, &indID, &typ, &indicator); err != nil {
			return nil, fmt.Errorf("list hits: %w", err)
		}
		if len(out) == 0 || key != lastKey || off != lastOff {
			h := intrusion.Hit{OrgID: orgID}
			if err := json.Unmarshal([]byte(body), &h.Event); err != nil {
				return nil, fmt.Errorf("hit %s@%d: decode stored JSON: %w", key, off, err)
			}
			out = append(out, h)
			lastKey, lastOff = key, off
		}
		if field.Valid {
			h := &out[len(out)-1]
			h.Matches = append(h.Matches, intrusion.Match{Field: field.String, Value: value.String,
				IndicatorID: indID.String, Type: typ.String, Indicator: indicator.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list hits: %w", err)
	}
	return out, nil
}
