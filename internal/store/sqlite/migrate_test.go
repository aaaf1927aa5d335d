package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/store/sqlite"
)

// TestMigrateCheckpointHeadLen upgrades a version-1 database holding
// checkpoints and checks migration 0002 fills in their head lengths: the
// whole input for one read to its end under 64 KiB, 64 KiB beyond.
func TestMigrateCheckpointHeadLen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	v1, err := os.ReadFile(filepath.Join("migrations", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	for _, q := range []string{
		`CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied TEXT NOT NULL)`,
		string(v1),
		`INSERT INTO schema_version (version, applied) VALUES (1, '2015-09-26T00:00:00.000000000Z')`,
		`INSERT INTO checkpoints (input_key, file, byte_offset, line, events, errors, updated) VALUES
			('small', 's.json', 1234, 5, 5, 0, '2015-09-26T00:00:00.000000000Z'),
			('big', 'b.json', 200000, 900, 899, 1, '2015-09-26T00:00:00.000000000Z'),
			('empty', 'e.json', 0, 0, 0, 0, '2015-09-26T00:00:00.000000000Z')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("set up version 1: %v", err)
		}
	}
	db.Close()

	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(version 1 database) = %v", err)
	}
	defer s.Close()
	if v := schemaVersion(t, path); v != sqlite.SchemaVersion() || v < 2 {
		t.Errorf("schema version after upgrade = %d, want %d (at least 2)", v, sqlite.SchemaVersion())
	}
	for key, want := range map[string]int64{"small": 1234, "big": 65536, "empty": 0} {
		cp, err := s.Checkpoint(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		if cp.HeadLen != want {
			t.Errorf("Checkpoint(%s).HeadLen = %d, want %d", key, cp.HeadLen, want)
		}
	}
	got, err := s.CheckpointHeadLengths(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{1234, 65536}, got); diff != "" {
		t.Errorf("CheckpointHeadLengths after upgrade (-want +got):\n%s", diff)
	}
}
