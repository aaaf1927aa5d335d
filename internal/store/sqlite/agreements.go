package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/pactwatch/pactwatch/internal/pact"
)

// PutAgreement inserts or replaces a user agreement by ID. It is stored in
// pact's file format (dates without time of day) and must pass pact's
// validation, so that Agreements can always read it back; an invalid one is
// refused with pact's error.
func (s *Store) PutAgreement(ctx context.Context, a pact.Agreement) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("put agreement %s: %w", a.ID, err)
	}
	var check pact.Agreement
	if err := json.Unmarshal(body, &check); err != nil {
		return fmt.Errorf("put agreement %s: %w", a.ID, err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO agreements (id, body) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET body = excluded.body`, a.ID, string(body))
		return err
	})
	if err != nil {
		return fmt.Errorf("put agreement %s: %w", a.ID, err)
	}
	return nil
}

// Agreements lists the user's agreements (not the embedded ones), ordered
// by ID.
func (s *Store) Agreements(ctx context.Context) ([]pact.Agreement, error) {
	out, err := queryBodies[pact.Agreement](ctx, s.db, `SELECT body FROM agreements ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list agreements: %w", err)
	}
	return out, nil
}
