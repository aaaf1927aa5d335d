package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/pactwatch/pactwatch/internal/org"
)

// PutOrganisations inserts or replaces organisations by ID, all in one
// transaction.
func (s *Store) PutOrganisations(ctx context.Context, orgs []org.Organisation) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, o := range orgs {
			if o.ID == "" {
				return fmt.Errorf("organisation %q: empty id", o.Name)
			}
			body, err := json.Marshal(o)
			if err != nil {
				return fmt.Errorf("organisation %s: %w", o.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, body) VALUES ($1, $2)
				ON CONFLICT (id) DO UPDATE SET body = excluded.body`, o.ID, string(body)); err != nil {
				return fmt.Errorf("organisation %s: %w", o.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put organisations: %w", err)
	}
	return nil
}

// Organisations lists every organisation, ordered by ID.
func (s *Store) Organisations(ctx context.Context) ([]org.Organisation, error) {
	out, err := queryBodies[org.Organisation](ctx, s.db, `SELECT body FROM organisations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return out, nil
}

// queryBodies runs q, whose only column is a JSON body, and decodes each row.
func queryBodies[T any](ctx context.Context, db interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}, q string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			return nil, fmt.Errorf("decode stored JSON: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
