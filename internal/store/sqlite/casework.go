package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/store"
)

// CreateCase stores a new case with its log; store.ErrConflict if the id
// is taken.
func (s *Store) CreateCase(ctx context.Context, c casework.Case) error {
	if c.ID == "" {
		return errors.New("create case: empty id")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE id = $1`, c.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("case id %s is taken: %w", c.ID, store.ErrConflict)
		}
		return putCase(ctx, tx, c, 0)
	})
	if err != nil {
		return fmt.Errorf("create case %s: %w", c.ID, err)
	}
	return nil
}

// PutCase stores an existing case, appending the new entries of its log.
func (s *Store) PutCase(ctx context.Context, c casework.Case) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, err := readLog(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if len(old) == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE id = $1`, c.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return store.ErrNotFound
			}
		}
		if len(old) > len(c.Log) {
			return fmt.Errorf("stored log has %d entries, new one %d: %w", len(old), len(c.Log), store.ErrConflict)
		}
		for i, e := range old {
			if !sameEntry(e, c.Log[i]) {
				return fmt.Errorf("log entry %d differs from the stored one: %w", i+1, store.ErrConflict)
			}
		}
		return putCase(ctx, tx, c, len(old))
	})
	if err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	return nil
}

func sameEntry(a, b casework.Transition) bool {
	return a.From == b.From && a.To == b.To && a.Who == b.Who && a.When.Equal(b.When) && a.Why == b.Why && a.Response == b.Response
}

// putCase upserts the case row and inserts its log from entry from on.
func putCase(ctx context.Context, tx *sql.Tx, c casework.Case, from int) error {
	body := c
	body.Log = nil
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, agreement_id, counterparty, state, opened, deadline, body)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET agreement_id = excluded.agreement_id, counterparty = excluded.counterparty,
			state = excluded.state, opened = excluded.opened, deadline = excluded.deadline, body = excluded.body`,
		c.ID, c.AgreementID, c.Counterparty, string(c.State), formatTime(c.Opened()), nullTime(c.Deadline), string(b)); err != nil {
		return err
	}
	for i := from; i < len(c.Log); i++ {
		e := c.Log[i]
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_log (case_id, seq, from_state, to_state, who, at, why, response)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			c.ID, i, string(e.From), string(e.To), e.Who, formatTime(e.When), e.Why, string(e.Response)); err != nil {
			return fmt.Errorf("log entry %d: %w", i+1, err)
		}
	}
	return nil
}

type rowsQueryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func readLog(ctx context.Context, q rowsQueryer, id string) ([]casework.Transition, error) {
	logs, err := readLogs(ctx, q, `WHERE case_id = $1`, id)
	if err != nil {
		return nil, err
	}
	return logs[id], nil
}

// readLogs reads the log entries matching where, grouped by case id, each
// in order.
func readLogs(ctx context.Context, q rowsQueryer, where string, args ...any) (map[string][]casework.Transition, error) {
	rows, err := q.QueryContext(ctx, `SELECT case_id, from_state, to_state, who, at, why, response FROM case_log `+where+` ORDER BY case_id, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("read case log: %w", err)
	}
	defer rows.Close()
	out := map[string][]casework.Transition{}
	for rows.Next() {
		var id, from, to, at, resp string
		var e casework.Transition
		if err := rows.Scan(&id, &from, &to, &e.Who, &at, &e.Why, &resp); err != nil {
			return nil, fmt.Errorf("read case log: %w", err)
		}
		if e.When, err = parseTime(at); err != nil {
			return nil, err
		}
		e.From, e.To, e.Response = casework.State(from), casework.State(to), casework.Response(resp)
		out[id] = append(out[id], e)
	}
	return out, rows.Err()
}

// Case returns one case with its log.
func (s *Store) Case(ctx context.Context, id string) (casework.Case, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return casework.Case{}, fmt.Errorf("case %s: %w", id, err)
	}
	defer tx.Rollback()
	var c casework.Case
	if err := oneBody(ctx, tx, &c, `SELECT body FROM cases WHERE id = $1`, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return casework.Case{}, fmt.Errorf("case %s: %w", id, store.ErrNotFound)
		}
		return casework.Case{}, fmt.Errorf("case %s: %w", id, err)
	}
	if c.Log, err = readLog(ctx, tx, id); err != nil {
		return casework.Case{}, fmt.Errorf("case %s: %w", id, err)
	}
	return c, nil
}

// Cases lists every case with its log, ordered by opening time, then id.
func (s *Store) Cases(ctx context.Context) ([]casework.Case, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer tx.Rollback()
	cs, err := queryBodies[casework.Case](ctx, tx, `SELECT body FROM cases ORDER BY opened, id`)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	logs, err := readLogs(ctx, tx, "")
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	for i := range cs {
		cs[i].Log = logs[cs[i].ID]
	}
	return cs, nil
}

// AddEvidence stores an item of evidence under its key.
func (s *Store) AddEvidence(ctx context.Context, e casework.Evidence) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, fmt.Errorf("add evidence: %w", err)
	}
	var added bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		var digest sql.NullString
		if e.Digest != "" {
			digest = sql.NullString{String: e.Digest, Valid: true}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM evidence_files WHERE digest = $1`, e.Digest).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("file %s: %w: store its content first", e.Digest, store.ErrNotFound)
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO evidence (key, finding_id, link, kind, digest, ref, text, who, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
			e.Key(), e.FindingID, e.Link, string(e.Kind), digest, e.Ref, e.Text, e.Who, formatTime(e.When))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		added = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add evidence %s to %s: %w", e.Key(), e.FindingID, err)
	}
	return added, nil
}

// inFindings returns a WHERE clause restricting finding_id to ids (none:
// no restriction) and its arguments.
func inFindings(ids []string) (string, []any) {
	if len(ids) == 0 {
		return "", nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	return "WHERE finding_id IN (" + strings.Join(ph, ", ") + ")", args
}

// Evidence lists the evidence of the given findings (all when none).
func (s *Store) Evidence(ctx context.Context, findingIDs ...string) ([]casework.Evidence, error) {
	where, args := inFindings(findingIDs)
	rows, err := s.db.QueryContext(ctx, `SELECT finding_id, link, kind, COALESCE(digest, ''), ref, text, who, at
		FROM evidence `+where+` ORDER BY finding_id, at, key`, args...)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	defer rows.Close()
	var out []casework.Evidence
	for rows.Next() {
		var e casework.Evidence
		var kind, at string
		if err := rows.Scan(&e.FindingID, &e.Link, &kind, &e.Digest, &e.Ref, &e.Text, &e.Who, &at); err != nil {
			return nil, fmt.Errorf("list evidence: %w", err)
		}
		e.Kind = casework.EvidenceKind(kind)
		if e.When, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("list evidence: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	return out, nil
}

// PutFile stores content under its SHA-256 and returns the digest.
func (s *Store) PutFile(ctx context.Context, content []byte) (string, error) {
	d := casework.Digest(content)
	if content == nil {
		content = []byte{}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO evidence_files (digest, size, content) VALUES ($1, $2, $3)
			ON CONFLICT (digest) DO NOTHING`, d, len(content), content)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("put file %s: %w", d, err)
	}
	return d, nil
}

// File returns the content stored under digest.
func (s *Store) File(ctx context.Context, digest string) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT content FROM evidence_files WHERE digest = $1`, digest).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("file %s: %w", digest, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("file %s: %w", digest, err)
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

func overrideKey(o casework.Override) string {
	h := sha256.Sum256([]byte(strings.Join([]string{o.FindingID, o.Link, string(o.Status), o.Reason, o.Who, formatTime(o.When)}, "\x00")))
	return hex.EncodeToString(h[:])
}

// AddOverride records an override of a link's status.
func (s *Store) AddOverride(ctx context.Context, o casework.Override) (bool, error) {
	if err := o.Validate(); err != nil {
		return false, fmt.Errorf("add override: %w", err)
	}
	var added bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO overrides (key, finding_id, link, status, reason, who, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
			overrideKey(o), o.FindingID, o.Link, string(o.Status), o.Reason, o.Who, formatTime(o.When))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		added = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add override of %s %s: %w", o.FindingID, o.Link, err)
	}
	return added, nil
}

// Overrides lists the overrides of the given findings (all when none).
func (s *Store) Overrides(ctx context.Context, findingIDs ...string) ([]casework.Override, error) {
	where, args := inFindings(findingIDs)
	rows, err := s.db.QueryContext(ctx, `SELECT finding_id, link, status, reason, who, at
		FROM overrides `+where+` ORDER BY finding_id, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("list overrides: %w", err)
	}
	defer rows.Close()
	var out []casework.Override
	for rows.Next() {
		var o casework.Override
		var status, at string
		if err := rows.Scan(&o.FindingID, &o.Link, &status, &o.Reason, &o.Who, &at); err != nil {
			return nil, fmt.Errorf("list overrides: %w", err)
		}
		o.Status = pact.LinkStatus(status)
		if o.When, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("list overrides: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list overrides: %w", err)
	}
	return out, nil
}
