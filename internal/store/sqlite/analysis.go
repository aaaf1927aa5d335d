package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/store"
)

// ReplaceAnalysis deletes every stored intrusion, attribution, intent
// assessment and finding and writes a's in their place, in one
// transaction: readers see the old set or the new one, never a mix.
// Intrusion ids must be unique, as must attributions' and intents'
// intrusion ids and findings' (intrusion id, agreement id) pairs.
func (s *Store) ReplaceAnalysis(ctx context.Context, a store.Analysis) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, t := range []string{"findings", "intents", "attributions", "intrusions"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("clear %s: %w", t, err)
			}
		}
		for _, in := range a.Intrusions {
			body, err := json.Marshal(in)
			if err != nil {
				return fmt.Errorf("intrusion %s: %w", in.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO intrusions (id, org_id, start_time, end_time, status, body)
				VALUES ($1, $2, $3, $4, $5, $6)`,
				in.ID, in.OrgID, formatTime(in.Start), formatTime(in.End), string(in.Status), string(body)); err != nil {
				return fmt.Errorf("intrusion %s: %w", in.ID, err)
			}
		}
		for _, r := range a.Attributions {
			body, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("attribution of %s: %w", r.IntrusionID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO attributions (intrusion_id, attributed, body)
				VALUES ($1, $2, $3)`, r.IntrusionID, boolInt(r.Attributed), string(body)); err != nil {
				return fmt.Errorf("attribution of %s: %w", r.IntrusionID, err)
			}
		}
		for _, it := range a.Intents {
			body, err := json.Marshal(it)
			if err != nil {
				return fmt.Errorf("intent of %s: %w", it.IntrusionID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO intents (intrusion_id, class, body)
				VALUES ($1, $2, $3)`, it.IntrusionID, string(it.Class), string(body)); err != nil {
				return fmt.Errorf("intent of %s: %w", it.IntrusionID, err)
			}
		}
		for _, f := range a.Findings {
			body, err := json.Marshal(f)
			if err != nil {
				return fmt.Errorf("finding %s: %w", f.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO findings (intrusion_id, agreement_id, id, verdict, body)
				VALUES ($1, $2, $3, $4, $5)`, f.IntrusionID, f.AgreementID, f.ID, string(f.Verdict), string(body)); err != nil {
				return fmt.Errorf("finding %s (%s under %s): %w", f.ID, f.IntrusionID, f.AgreementID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace analysis: %w", err)
	}
	return nil
}

// Intrusions lists every intrusion ordered by start time, then id.
func (s *Store) Intrusions(ctx context.Context) ([]intrusion.Intrusion, error) {
	out, err := queryBodies[intrusion.Intrusion](ctx, s.db, `SELECT body FROM intrusions ORDER BY start_time, id`)
	if err != nil {
		return nil, fmt.Errorf("list intrusions: %w", err)
	}
	return out, nil
}

// Intrusion returns one intrusion with its attribution, intent and
// findings (ordered by agreement id). It wraps store.ErrNotFound if there
// is no intrusion with that id. An intrusion stored without an attribution
// or intent gets zero values carrying only its IntrusionID.
func (s *Store) Intrusion(ctx context.Context, id string) (store.IntrusionDetail, error) {
	var d store.IntrusionDetail
	// One read transaction, so the parts come from the same analysis.
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return d, fmt.Errorf("intrusion %s: %w", id, err)
	}
	defer tx.Rollback()
	if err := oneBody(ctx, tx, &d.Intrusion, `SELECT body FROM intrusions WHERE id = $1`, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return store.IntrusionDetail{}, fmt.Errorf("intrusion %s: %w", id, store.ErrNotFound)
		}
		return store.IntrusionDetail{}, fmt.Errorf("intrusion %s: %w", id, err)
	}
	d.Attribution.IntrusionID, d.Intent.IntrusionID = id, id
	if err := oneBody(ctx, tx, &d.Attribution, `SELECT body FROM attributions WHERE intrusion_id = $1`, id); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return store.IntrusionDetail{}, fmt.Errorf("attribution of %s: %w", id, err)
	}
	if err := oneBody(ctx, tx, &d.Intent, `SELECT body FROM intents WHERE intrusion_id = $1`, id); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return store.IntrusionDetail{}, fmt.Errorf("intent of %s: %w", id, err)
	}
	d.Findings, err = queryBodies[pact.Finding](ctx, tx, `SELECT body FROM findings WHERE intrusion_id = $1
		ORDER BY agreement_id`, id)
	if err != nil {
		return store.IntrusionDetail{}, fmt.Errorf("findings of %s: %w", id, err)
	}
	return d, nil
}

func oneBody(ctx context.Context, tx *sql.Tx, dst any, q string, args ...any) error {
	var body string
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&body); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(body), dst); err != nil {
		return fmt.Errorf("decode stored JSON: %w", err)
	}
	return nil
}

// Findings lists every finding ordered by its intrusion's start time, then
// intrusion id and agreement id.
func (s *Store) Findings(ctx context.Context) ([]pact.Finding, error) {
	out, err := queryBodies[pact.Finding](ctx, s.db, `SELECT f.body FROM findings f
		LEFT JOIN intrusions i ON i.id = f.intrusion_id
		ORDER BY COALESCE(i.start_time, ''), f.intrusion_id, f.agreement_id`)
	if err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	return out, nil
}

// Attributions lists every attribution ordered by its intrusion's start
// time, then intrusion id.
func (s *Store) Attributions(ctx context.Context) ([]attribution.Result, error) {
	out, err := queryBodies[attribution.Result](ctx, s.db, `SELECT r.body FROM attributions r
		LEFT JOIN intrusions i ON i.id = r.intrusion_id
		ORDER BY COALESCE(i.start_time, ''), r.intrusion_id`)
	if err != nil {
		return nil, fmt.Errorf("list attributions: %w", err)
	}
	return out, nil
}

// Intents lists every intent assessment ordered by its intrusion's start
// time, then intrusion id.
func (s *Store) Intents(ctx context.Context) ([]intent.Assessment, error) {
	out, err := queryBodies[intent.Assessment](ctx, s.db, `SELECT a.body FROM intents a
		LEFT JOIN intrusions i ON i.id = a.intrusion_id
		ORDER BY COALESCE(i.start_time, ''), a.intrusion_id`)
	if err != nil {
		return nil, fmt.Errorf("list intents: %w", err)
	}
	return out, nil
}
