package simulate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pactwatch/pactwatch/internal/shareddata"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/simulate"
)

// demoDir holds one Demo run shared by the read-only tests.
var (
	demoDir      string
	demoManifest simulate.Manifest
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "pactwatch-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	defer cleanupHard()
	demoDir = dir
	demoManifest, err = simulate.Demo(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Demo:", err)
		return 1
	}
	return m.Run()
}

// sharedData returns the shared test data directory or skips the test.
func sharedData(t *testing.T, sub string) string {
	t.Helper()
	return shareddata.Dir(t, sub)
}

// digests returns each written file's SHA-256 keyed by its path relative to dir.
func digests(t *testing.T, m simulate.Manifest) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range m.Files {
		rel, err := filepath.Rel(m.Dir, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.ToSlash(rel)] = f.SHA256
	}
	return out
}

func TestDemoIsDeterministic(t *testing.T) {
	again, err := simulate.Demo(t.TempDir())
	if err != nil {
		t.Fatalf("Demo: %v", err)
	}
	if diff := cmp.Diff(digests(t, demoManifest), digests(t, again)); diff != "" {
		t.Errorf("two Demo runs differ (-first +second):\n%s", diff)
	}
	// The digests in the manifest are those of the files on disk.
	for _, f := range again.Files {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != f.Bytes || bytes.Count(b, []byte{'\n'}) != f.Lines {
			t.Errorf("%s: manifest says %d bytes, %d lines; file has %d bytes, %d lines", f.Path, f.Bytes, f.Lines, len(b), bytes.Count(b, []byte{'\n'}))
		}
	}
}

func TestSeedChangesTrafficNotIntel(t *testing.T) {
	cfg := simulate.DemoConfig()
	cfg.Seed++
	other, err := simulate.Generate(t.TempDir(), cfg)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	a, b := digests(t, demoManifest), digests(t, other)
	for _, name := range []string{simulate.FileIntel, simulate.FileOrgs} {
		if a[name] != b[name] {
			t.Errorf("%s differs between seeds %d and %d; want the same (fixed scenario)", name, demoManifest.Seed, cfg.Seed)
		}
	}
	for _, name := range []string{simulate.FileEVE, "zeek/conn.log", simulate.FileTruth} {
		if a[name] == b[name] {
			t.Errorf("%s is identical for seeds %d and %d; want different traffic", name, demoManifest.Seed, cfg.Seed)
		}
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		edit func(*simulate.Config)
	}{
		{"unknown profile", func(c *simulate.Config) { c.Profile = "demo-2099" }},
		{"zero scale", func(c *simulate.Config) { c.BenignScale = 0 }},
		{"huge scale", func(c *simulate.Config) { c.BenignScale = 1000 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := simulate.DemoConfig()
			tt.edit(&cfg)
			dir := t.TempDir()
			if _, err := simulate.Generate(dir, cfg); !errors.Is(err, simulate.ErrConfig) {
				t.Errorf("Generate(%+v) error = %v, want ErrConfig", cfg, err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("Generate with a bad config wrote %d entries", len(entries))
			}
		})
	}
}

func TestManifestListsEveryFile(t *testing.T) {
	m := demoManifest
	want := []string{"intel.json", "orgs.json", "eve.json", "zeek/conn.log", "zeek/dns.log", "zeek/http.log", "zeek/files.log", "zeek/ssl.log", "truth.json"}
	var got []string
	for _, f := range m.Files {
		rel, _ := filepath.Rel(m.Dir, f.Path)
		got = append(got, filepath.ToSlash(rel))
		if f.Bytes == 0 {
			t.Errorf("%s is empty", f.Path)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
	if len(m.Intel) != 1 || m.Organisations == "" || m.Truth == "" || len(m.Telemetry) != 6 {
		t.Errorf("Manifest roles: intel %v, organisations %q, truth %q, telemetry %v", m.Intel, m.Organisations, m.Truth, m.Telemetry)
	}
	var total int64
	events := 0
	for _, f := range m.Files {
		total += f.Bytes
	}
	for _, n := range m.Events {
		events += n
	}
	// Modest enough for a demo that runs in seconds, big enough to bury the intrusions.
	if total > 16<<20 {
		t.Errorf("demo writes %d bytes, want at most 16 MiB", total)
	}
	if events < 10_000 || events > 100_000 {
		t.Errorf("demo writes %d telemetry records, want 10k..100k", events)
	}
	for _, kind := range []string{"eve/alert", "eve/dns", "eve/http", "eve/tls", "eve/fileinfo", "eve/flow", "zeek/conn", "zeek/dns", "zeek/http", "zeek/files", "zeek/ssl"} {
		if m.Events[kind] == 0 {
			t.Errorf("Events[%q] = 0, want some", kind)
		}
	}
}

// readJSON decodes a JSON file of the demo.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}
