package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/store"
)

// checkEvery is how many rows bulk loops write between checks of ctx. The
// statements themselves run without a cancellable context, which spares
// the driver a watcher goroutine per row; a cancelled ctx still rolls the
// whole transaction back.
const checkEvery = 1024

// ImportIntel stores c in one transaction: either all of it or none. Actors
// are keyed by (source, id), indicators by (id, type, value), unsupported
// entries by (file, id, input) and software, techniques and relationships
// by id; a record whose key exists replaces the stored one. The stats count
// only rows that were new. Every actor's name and aliases are indexed by
// intel.NameKey for FindActors.
func (s *Store) ImportIntel(ctx context.Context, c *intel.Collection) (store.ImportStats, error) {
	var st store.ImportStats
	if c == nil {
		return st, nil
	}
	cache := 0
	if len(c.Indicators)+len(c.Relationships)+len(c.Actors) > 20_000 {
		cache = bigCacheKiB
	}
	err := s.writeCache(ctx, cache, func(tx *sql.Tx) error {
		var err error
		if st.Actors, err = importActors(ctx, tx, c.Actors); err != nil {
			return err
		}
		if st.Software, err = importSoftware(ctx, tx, c.Software); err != nil {
			return err
		}
		if st.Techniques, err = importTechniques(ctx, tx, c.Techniques); err != nil {
			return err
		}
		if st.Relationships, err = importRelationships(ctx, tx, c.Relationships); err != nil {
			return err
		}
		if st.Indicators, err = importIndicators(ctx, tx, c.Indicators); err != nil {
			return err
		}
		if st.Unsupported, err = importUnsupported(ctx, tx, c.Unsupported); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return store.ImportStats{}, fmt.Errorf("import intel: %w", err)
	}
	return st, nil
}

// each runs fn for i in [0, n) with a context free of cancellation,
// checking ctx every checkEvery rows.
func each(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	bg := context.WithoutCancel(ctx)
	for i := range n {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(bg, i); err != nil {
			return err
		}
	}
	return nil
}

func importActors(ctx context.Context, tx *sql.Tx, actors []intel.Actor) (int, error) {
	if len(actors) == 0 {
		return 0, nil
	}
	stmts, err := prepare(ctx, tx,
		`INSERT INTO actors (source, id, name, aliases, external_id, description, sponsors,
			techniques, software, target_sectors, target_countries, revoked, merges)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (source, id) DO NOTHING`,
		`UPDATE actors SET name = $3, aliases = $4, external_id = $5, description = $6, sponsors = $7,
			techniques = $8, software = $9, target_sectors = $10, target_countries = $11,
			revoked = $12, merges = $13
		WHERE source = $1 AND id = $2`,
		`DELETE FROM actor_names WHERE source = $1 AND actor_id = $2`,
		`INSERT INTO actor_names (name_key, source, actor_id) VALUES ($1, $2, $3)
		ON CONFLICT (name_key, source, actor_id) DO NOTHING`,
	)
	if err != nil {
		return 0, err
	}
	defer closeAll(stmts)
	ins, upd, delNames, insName := stmts[0], stmts[1], stmts[2], stmts[3]
	n := 0
	err = each(ctx, len(actors), func(ctx context.Context, i int) error {
		a := &actors[i]
		args, err := actorArgs(a)
		if err != nil {
			return fmt.Errorf("actor %s: %w", a.ID, err)
		}
		isNew, err := upsert(ctx, ins, upd, args, args)
		if err != nil {
			return fmt.Errorf("actor %s: %w", a.ID, err)
		}
		if isNew {
			n++
		} else if _, err := delNames.ExecContext(ctx, a.Source, a.ID); err != nil {
			return fmt.Errorf("actor %s: names: %w", a.ID, err)
		}
		for _, name := range append([]string{a.Name}, a.Aliases...) {
			key := intel.NameKey(name)
			if key == "" {
				continue
			}
			if _, err := insName.ExecContext(ctx, key, a.Source, a.ID); err != nil {
				return fmt.Errorf("actor %s: name %q: %w", a.ID, name, err)
			}
		}
		return nil
	})
	return n, err
}

func actorArgs(a *intel.Actor) ([]any, error) {
	args := []any{a.Source, a.ID, a.Name, nil, a.ExternalID, a.Description, nil, nil, nil, nil, nil, boolInt(a.Revoked), nil}
	for i, v := range map[int]any{3: a.Aliases, 6: a.Sponsors, 7: a.Techniques, 8: a.Software,
		9: a.TargetSectors, 10: a.TargetCountries, 12: a.Merges} {
		j, err := jsonText(v)
		if err != nil {
			return nil, err
		}
		args[i] = j
	}
	return args, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const actorColumns = `a.source, a.id, a.name, a.aliases, a.external_id, a.description, a.sponsors,
	a.techniques, a.software, a.target_sectors, a.target_countries, a.revoked, a.merges`

// Actors lists every actor record from every source, ordered by name, then
// source and id.
func (s *Store) Actors(ctx context.Context) ([]intel.Actor, error) {
	actors, err := s.queryActors(ctx, `SELECT `+actorColumns+` FROM actors a ORDER BY a.name, a.source, a.id`)
	if err != nil {
		return nil, fmt.Errorf("list actors: %w", err)
	}
	return actors, nil
}

// FindActors returns the actors, from every source, whose name or an alias
// has the same intel.NameKey as name, ordered by source and id. It wraps
// store.ErrNotFound when there is none.
func (s *Store) FindActors(ctx context.Context, name string) ([]intel.Actor, error) {
	key := intel.NameKey(name)
	actors, err := s.queryActors(ctx, `SELECT `+actorColumns+`
		FROM actor_names n JOIN actors a ON a.source = n.source AND a.id = n.actor_id
		WHERE n.name_key = $1
		ORDER BY a.source, a.id`, key)
	if err != nil {
		return nil, fmt.Errorf("find actor %q: %w", name, err)
	}
	if len(actors) == 0 {
		return nil, fmt.Errorf("find actor %q: %w", name, store.ErrNotFound)
	}
	return actors, nil
}

func (s *Store) queryActors(ctx context.Context, q string, args ...any) ([]intel.Actor, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []intel.Actor
	for rows.Next() {
		var (
			a                                                      intel.Actor
			aliases, sponsors, techs, sw, sectors, countries, mrgs string
			revoked                                                int
		)
		if err := rows.Scan(&a.Source, &a.ID, &a.Name, &aliases, &a.ExternalID, &a.Description, &sponsors,
			&techs, &sw, &sectors, &countries, &revoked, &mrgs); err != nil {
			return nil, err
		}
		a.Revoked = revoked != 0
		if err := unmarshalAll(
			aliases, &a.Aliases, sponsors, &a.Sponsors, techs, &a.Techniques, sw, &a.Software,
			sectors, &a.TargetSectors, countries, &a.TargetCountries, mrgs, &a.Merges,
		); err != nil {
			return nil, fmt.Errorf("actor %s: %w", a.ID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// unmarshalAll decodes pairs of (JSON text, destination pointer).
func unmarshalAll(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := json.Unmarshal([]byte(pairs[i].(string)), pairs[i+1]); err != nil {
			return fmt.Errorf("decode stored JSON: %w", err)
		}
	}
	return nil
}

var softwareTable = table{name: "software", keys: 1,
	cols: []string{"id", "name", "kind", "aliases", "external_id", "source"}}

func importSoftware(ctx context.Context, tx *sql.Tx, sw []intel.Software) (int, error) {
	order := keyOrder(len(sw), func(i int) (string, string, string) { return sw[i].ID, "", "" })
	return upsertAll(ctx, tx, softwareTable, len(sw), func(i int) ([]any, error) {
		x := &sw[order[i]]
		aliases, err := jsonText(x.Aliases)
		if err != nil {
			return nil, fmt.Errorf("software %s: %w", x.ID, err)
		}
		return []any{x.ID, x.Name, x.Kind, aliases, x.ExternalID, x.Source}, nil
	})
}

// Software lists every malware family and tool, ordered by id.
func (s *Store) Software(ctx context.Context) ([]intel.Software, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, kind, aliases, external_id, source FROM software ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list software: %w", err)
	}
	defer rows.Close()
	var out []intel.Software
	for rows.Next() {
		var (
			x       intel.Software
			aliases string
		)
		if err := rows.Scan(&x.ID, &x.Name, &x.Kind, &aliases, &x.ExternalID, &x.Source); err != nil {
			return nil, fmt.Errorf("list software: %w", err)
		}
		if err := unmarshalAll(aliases, &x.Aliases); err != nil {
			return nil, fmt.Errorf("software %s: %w", x.ID, err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list software: %w", err)
	}
	return out, nil
}

var techniqueTable = table{name: "techniques", keys: 1,
	cols: []string{"id", "external_id", "name", "tactics"}}

func importTechniques(ctx context.Context, tx *sql.Tx, ts []intel.Technique) (int, error) {
	order := keyOrder(len(ts), func(i int) (string, string, string) { return ts[i].ID, "", "" })
	return upsertAll(ctx, tx, techniqueTable, len(ts), func(i int) ([]any, error) {
		x := &ts[order[i]]
		tactics, err := jsonText(x.Tactics)
		if err != nil {
			return nil, fmt.Errorf("technique %s: %w", x.ID, err)
		}
		return []any{x.ID, x.ExternalID, x.Name, tactics}, nil
	})
}

// Techniques lists every technique, ordered by ATT&CK id, then STIX id.
func (s *Store) Techniques(ctx context.Context) ([]intel.Technique, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, external_id, name, tactics FROM techniques ORDER BY external_id, id`)
	if err != nil {
		return nil, fmt.Errorf("list techniques: %w", err)
	}
	defer rows.Close()
	var out []intel.Technique
	for rows.Next() {
		var (
			x       intel.Technique
			tactics string
		)
		if err := rows.Scan(&x.ID, &x.ExternalID, &x.Name, &tactics); err != nil {
			return nil, fmt.Errorf("list techniques: %w", err)
		}
		if err := unmarshalAll(tactics, &x.Tactics); err != nil {
			return nil, fmt.Errorf("technique %s: %w", x.ID, err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list techniques: %w", err)
	}
	return out, nil
}

var relationshipTable = table{name: "relationships", keys: 1,
	cols: []string{"id", "type", "from_ref", "to_ref", "source"}}

func importRelationships(ctx context.Context, tx *sql.Tx, rs []intel.Relationship) (int, error) {
	order := keyOrder(len(rs), func(i int) (string, string, string) { return rs[i].ID, "", "" })
	return upsertAll(ctx, tx, relationshipTable, len(rs), func(i int) ([]any, error) {
		x := &rs[order[i]]
		return []any{x.ID, x.Type, x.From, x.To, x.Source}, nil
	})
}

// Relationships lists every relationship, ordered by id.
func (s *Store) Relationships(ctx context.Context) ([]intel.Relationship, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, type, from_ref, to_ref, source FROM relationships ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list relationships: %w", err)
	}
	defer rows.Close()
	var out []intel.Relationship
	for rows.Next() {
		var x intel.Relationship
		if err := rows.Scan(&x.ID, &x.Type, &x.From, &x.To, &x.Source); err != nil {
			return nil, fmt.Errorf("list relationships: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list relationships: %w", err)
	}
	return out, nil
}

var indicatorTable = table{name: "indicators", keys: 3,
	cols: []string{"id", "type", "value", "pattern", "name", "valid_from", "valid_until",
		"confidence", "tlp", "source", "indicates"}}

func importIndicators(ctx context.Context, tx *sql.Tx, inds []intel.Indicator) (int, error) {
	order := keyOrder(len(inds), func(i int) (string, string, string) {
		return inds[i].ID, string(inds[i].Type), inds[i].Value
	})
	return upsertAll(ctx, tx, indicatorTable, len(inds), func(i int) ([]any, error) {
		x := &inds[order[i]]
		indicates, err := jsonText(x.Indicates)
		if err != nil {
			return nil, fmt.Errorf("indicator %s: %w", x.ID, err)
		}
		return []any{x.ID, string(x.Type), x.Value, x.Pattern, x.Name, nullTime(x.ValidFrom),
			nullTime(x.ValidUntil), x.Confidence, x.TLP, x.Source, indicates}, nil
	})
}

// Indicators lists every indicator, ordered by id, type and value.
func (s *Store) Indicators(ctx context.Context) ([]intel.Indicator, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, type, value, pattern, name, valid_from, valid_until,
		confidence, tlp, source, indicates FROM indicators ORDER BY id, type, value`)
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	defer rows.Close()
	var out []intel.Indicator
	for rows.Next() {
		var (
			x                intel.Indicator
			typ, indicates   string
			from, until      sql.NullString
			errFrom, errUntl error
		)
		if err := rows.Scan(&x.ID, &typ, &x.Value, &x.Pattern, &x.Name, &from, &until,
			&x.Confidence, &x.TLP, &x.Source, &indicates); err != nil {
			return nil, fmt.Errorf("list indicators: %w", err)
		}
		x.Type = intel.Type(typ)
		x.ValidFrom, errFrom = parseNullTime(from)
		x.ValidUntil, errUntl = parseNullTime(until)
		if errFrom != nil || errUntl != nil {
			return nil, fmt.Errorf("indicator %s: %w", x.ID, errors.Join(errFrom, errUntl))
		}
		if indicates != "null" { // the common case, spared a decode
			if err := unmarshalAll(indicates, &x.Indicates); err != nil {
				return nil, fmt.Errorf("indicator %s: %w", x.ID, err)
			}
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	return out, nil
}

var unsupportedTable = table{name: "unsupported", keys: 3,
	cols: []string{"file", "id", "input", "line", "reason"}}

func importUnsupported(ctx context.Context, tx *sql.Tx, us []intel.Unsupported) (int, error) {
	order := keyOrder(len(us), func(i int) (string, string, string) {
		return us[i].File, us[i].ID, us[i].Input
	})
	return upsertAll(ctx, tx, unsupportedTable, len(us), func(i int) ([]any, error) {
		x := &us[order[i]]
		return []any{x.File, x.ID, x.Input, x.Line, x.Reason}, nil
	})
}

// Unsupported lists what imports could not evaluate, ordered by file,
// line, id and input.
func (s *Store) Unsupported(ctx context.Context) ([]intel.Unsupported, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT file, line, id, input, reason FROM unsupported
		ORDER BY file, line, id, input`)
	if err != nil {
		return nil, fmt.Errorf("list unsupported: %w", err)
	}
	defer rows.Close()
	var out []intel.Unsupported
	for rows.Next() {
		var x intel.Unsupported
		if err := rows.Scan(&x.File, &x.Line, &x.ID, &x.Input, &x.Reason); err != nil {
			return nil, fmt.Errorf("list unsupported: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list unsupported: %w", err)
	}
	return out, nil
}
