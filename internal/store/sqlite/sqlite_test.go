package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pactwatch/pactwatch/internal/store"
	"github.com/pactwatch/pactwatch/internal/store/sqlite"
	"github.com/pactwatch/pactwatch/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	var paths sync.Map // *testing.T -> database file
	storetest.Run(t, func(t *testing.T) store.Store {
		p, ok := paths.Load(t)
		if !ok {
			p, _ = paths.LoadOrStore(t, filepath.Join(t.TempDir(), "pactwatch.db"))
		}
		s, err := sqlite.Open(t.Context(), p.(string))
		if err != nil {
			t.Fatalf("Open(%s) = %v", p, err)
		}
		return s
	})
}

func TestOpenCreatesAndReopens(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "sub dir?x", "new.db")
	if _, err := sqlite.Open(ctx, path); err == nil {
		t.Errorf("Open(%s) in a missing directory = nil, want an error", path)
	}
	path = filepath.Join(t.TempDir(), "odd name?#%.db")
	for i := range 2 {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("Open #%d (%s) = %v", i+1, path, err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
	}
	if v := schemaVersion(t, path); v != sqlite.SchemaVersion() {
		t.Errorf("schema version of a new database = %d, want %d", v, sqlite.SchemaVersion())
	}
	if _, err := sqlite.Open(ctx, ""); err == nil {
		t.Errorf("Open(\"\") = nil, want an error")
	}
}

func TestOpenPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "future.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO schema_version (version, applied) VALUES ($1, 'later')`, sqlite.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = sqlite.Open(ctx, path)
	if !errors.Is(err, store.ErrSchema) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("Open(database of a newer program) = %v, want ErrSchema", err)
	}
}

func TestOpenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db")); err == nil {
		s.Close()
		t.Errorf("Open(cancelled context) = nil, want an error")
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func schemaVersion(t *testing.T, path string) int {
	t.Helper()
	var v int
	if err := rawDB(t, path).QueryRow(`SELECT MAX(version) FROM schema_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
