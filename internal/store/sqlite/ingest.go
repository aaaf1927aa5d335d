package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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
	cp := store.Checkpoint{Key: key}
	var updated string
	err := s.db.QueryRowContext(ctx, `SELECT file, byte_offset, line, events, errors, updated
		FROM checkpoints WHERE input_key = $1`, key).
		Scan(&cp.File, &cp.Offset, &cp.Line, &cp.Events, &cp.Errors, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, nil
	}
	if err != nil {
		return store.Checkpoint{}, fmt.Errorf("checkpoint %q: %w", key, err)
	}
	if cp.Updated, err = parseTime(updated); err != nil {
		return store.Checkpoint{}, fmt.Errorf("checkpoint %q: %w", key, err)
	}
	return cp, nil
}

// CommitBatch stores the batch's hits and its checkpoint in one
// transaction: after a crash either both are stored or neither is.
//
// Hits are keyed by (b.Checkpoint.Key, hit.Event.Source.Offset): a hit
// already stored is replaced (event, organisation) and its matches are
// added to, each match keyed by (field, value, indicator id, type,
// indicator), so a batch committed twice stores nothing twice.
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
		if err := insertHits(ctx, tx, cp.Key, b.Hits); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO checkpoints (input_key, file, byte_offset, line, events, errors, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (input_key) DO UPDATE SET file = excluded.file, byte_offset = excluded.byte_offset,
				line = excluded.line, events = excluded.events, errors = excluded.errors, updated = excluded.updated
			WHERE checkpoints.byte_offset <= excluded.byte_offset`,
			cp.Key, cp.File, cp.Offset, cp.Line, cp.Events, cp.Errors, formatTime(cp.Updated))
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
