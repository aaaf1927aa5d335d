package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pactwatch/pactwatch/internal/osint"
	"github.com/pactwatch/pactwatch/internal/store"
)

// PutArticles stores articles by ID, leaving those stored with every field
// equal alone and replacing those whose content or metadata changed.
func (s *Store) PutArticles(ctx context.Context, articles []osint.Article) (store.ArticleStats, error) {
	var st store.ArticleStats
	seen := make(map[string]bool, len(articles))
	for _, a := range articles {
		if a.ID == "" {
			return st, errors.New("put articles: article with an empty id")
		}
		if seen[a.ID] {
			return st, fmt.Errorf("put articles: id %s given twice", a.ID)
		}
		seen[a.ID] = true
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		st = store.ArticleStats{}
		for _, a := range articles {
			b, err := json.Marshal(a)
			if err != nil {
				return fmt.Errorf("article %s: %w", a.ID, err)
			}
			var old string
			err = tx.QueryRowContext(ctx, `SELECT body FROM articles WHERE id = $1`, a.ID).Scan(&old)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				st.New++
			case err != nil:
				return fmt.Errorf("article %s: %w", a.ID, err)
			case old == string(b):
				st.Unchanged++
				continue
			default:
				st.Updated++
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO articles (id, digest, body) VALUES ($1, $2, $3)
				ON CONFLICT (id) DO UPDATE SET digest = excluded.digest, body = excluded.body`,
				a.ID, a.Digest, string(b)); err != nil {
				return fmt.Errorf("article %s: %w", a.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return store.ArticleStats{}, fmt.Errorf("put articles: %w", err)
	}
	return st, nil
}

// Articles lists every stored article, ordered by ID.
func (s *Store) Articles(ctx context.Context) ([]osint.Article, error) {
	out, err := queryBodies[osint.Article](ctx, s.db, `SELECT body FROM articles ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return out, nil
}

// ReplaceOSINT replaces every stored source, story, claim and report in
// one transaction.
func (s *Store) ReplaceOSINT(ctx context.Context, r store.OSINT) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, t := range []string{"osint_sources", "osint_stories", "osint_claims", "osint_reports"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("clear %s: %w", t, err)
			}
		}
		for i, x := range r.Sources {
			if err := insertBody(ctx, tx, x, `INSERT INTO osint_sources (seq, id, story, body) VALUES ($1, $2, $3, $4)`, i, x.ID, x.Story); err != nil {
				return fmt.Errorf("source %s: %w", x.ID, err)
			}
		}
		for i, x := range r.Stories {
			if err := insertBody(ctx, tx, x, `INSERT INTO osint_stories (seq, id, body) VALUES ($1, $2, $3)`, i, x.ID); err != nil {
				return fmt.Errorf("story %s: %w", x.ID, err)
			}
		}
		for i, x := range r.Claims {
			if err := insertBody(ctx, tx, x, `INSERT INTO osint_claims (seq, id, article_id, kind, body) VALUES ($1, $2, $3, $4, $5)`, i, x.ID, x.ArticleID, string(x.Kind)); err != nil {
				return fmt.Errorf("claim %s: %w", x.ID, err)
			}
		}
		for i, x := range r.Reports {
			if err := insertBody(ctx, tx, x, `INSERT INTO osint_reports (seq, kind, key, body) VALUES ($1, $2, $3, $4)`, i, string(x.Kind), x.Key); err != nil {
				return fmt.Errorf("report %s %s: %w", x.Kind, x.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace osint: %w", err)
	}
	return nil
}

// insertBody runs q with args followed by v as JSON.
func insertBody(ctx context.Context, tx *sql.Tx, v any, q string, args ...any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, q, append(args, string(b))...)
	return err
}

// OSINT returns the stored sources, stories, claims and reports.
func (s *Store) OSINT(ctx context.Context) (store.OSINT, error) {
	var r store.OSINT
	var err error
	if r.Sources, err = queryBodies[osint.Source](ctx, s.db, `SELECT body FROM osint_sources ORDER BY seq`); err != nil {
		return store.OSINT{}, fmt.Errorf("list sources: %w", err)
	}
	if r.Stories, err = queryBodies[osint.Story](ctx, s.db, `SELECT body FROM osint_stories ORDER BY seq`); err != nil {
		return store.OSINT{}, fmt.Errorf("list stories: %w", err)
	}
	if r.Claims, err = queryBodies[osint.Claim](ctx, s.db, `SELECT body FROM osint_claims ORDER BY seq`); err != nil {
		return store.OSINT{}, fmt.Errorf("list claims: %w", err)
	}
	if r.Reports, err = queryBodies[osint.Report](ctx, s.db, `SELECT body FROM osint_reports ORDER BY seq`); err != nil {
		return store.OSINT{}, fmt.Errorf("list reports: %w", err)
	}
	return r, nil
}

// PutRatings sets outlet reliability grades.
func (s *Store) PutRatings(ctx context.Context, ratings map[string]osint.Reliability) error {
	for o, g := range ratings {
		if strings.TrimSpace(o) == "" {
			return errors.New("put ratings: empty outlet name")
		}
		if !g.Valid() {
			return fmt.Errorf("put ratings: outlet %s: grade %q is not A to F", o, g)
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		for o, g := range ratings {
			o = strings.TrimSpace(o)
			if _, err := tx.ExecContext(ctx, `INSERT INTO outlet_ratings (outlet_key, outlet, reliability) VALUES ($1, $2, $3)
				ON CONFLICT (outlet_key) DO UPDATE SET outlet = excluded.outlet, reliability = excluded.reliability`,
				strings.ToLower(o), o, string(g)); err != nil {
				return fmt.Errorf("outlet %s: %w", o, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put ratings: %w", err)
	}
	return nil
}

// Ratings returns every stored outlet grade.
func (s *Store) Ratings(ctx context.Context) (map[string]osint.Reliability, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT outlet, reliability FROM outlet_ratings ORDER BY outlet_key`)
	if err != nil {
		return nil, fmt.Errorf("list ratings: %w", err)
	}
	defer rows.Close()
	out := map[string]osint.Reliability{}
	for rows.Next() {
		var o, g string
		if err := rows.Scan(&o, &g); err != nil {
			return nil, fmt.Errorf("list ratings: %w", err)
		}
		out[o] = osint.Reliability(g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list ratings: %w", err)
	}
	return out, nil
}

// PutCatalogReports stores catalogue reports by key and counts the new.
func (s *Store) PutCatalogReports(ctx context.Context, reports []osint.Report) (int, error) {
	for _, r := range reports {
		if r.Key == "" {
			return 0, errors.New("put catalog reports: report with an empty key")
		}
	}
	n := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, r := range reports {
			var have int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM catalog_reports WHERE key = $1`, r.Key).Scan(&have); err != nil {
				return fmt.Errorf("report %s: %w", r.Key, err)
			}
			if have == 0 {
				n++
			}
			if err := insertBody(ctx, tx, r, `INSERT INTO catalog_reports (key, date, body) VALUES ($1, $2, $3)
				ON CONFLICT (key) DO UPDATE SET date = excluded.date, body = excluded.body`, r.Key, r.Date); err != nil {
				return fmt.Errorf("report %s: %w", r.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("put catalog reports: %w", err)
	}
	return n, nil
}

// CatalogReports lists the stored catalogue reports by date, then key.
func (s *Store) CatalogReports(ctx context.Context) ([]osint.Report, error) {
	out, err := queryBodies[osint.Report](ctx, s.db, `SELECT body FROM catalog_reports ORDER BY date, key`)
	if err != nil {
		return nil, fmt.Errorf("list catalog reports: %w", err)
	}
	return out, nil
}
