// Package shareddata finds the public test data that lives beside the
// repository (../shared/data, or $PACTWATCH_SHARED_DATA) for the optional
// integration tests, and loads the OASIS STIX 2.1 JSON schemas from it.
// Tests that need it skip, saying how to enable them, when it is absent.
package shareddata

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Root returns the shared data folder: $PACTWATCH_SHARED_DATA, else
// shared/data beside the module's root folder ("" when neither is found).
func Root() string {
	if dir := os.Getenv("PACTWATCH_SHARED_DATA"); dir != "" {
		return dir
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Dir returns the folder sub of the shared data, or skips t when it is
// absent.
func Dir(t testing.TB, sub string) string {
	t.Helper()
	p := filepath.Join(Root(), sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s absent (set PACTWATCH_SHARED_DATA to the shared data directory): %v", p, err)
	}
	return p
}

// STIXSchemaBase is the $id prefix the OASIS STIX 2.1 schemas refer to
// each other by.
const STIXSchemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// Schemas is the set of OASIS STIX 2.1 JSON schemas, compiled on demand.
type Schemas struct {
	c     *jsonschema.Compiler
	mu    sync.Mutex
	cache map[string]*jsonschema.Schema
}

// STIXSchemas loads every OASIS STIX 2.1 schema from the shared data, or
// skips t when they are absent.
func STIXSchemas(t testing.TB) *Schemas {
	t.Helper()
	root := filepath.Join(Dir(t, "stix2/cti-stix2-json-schemas"), "schemas")
	c := jsonschema.NewCompiler()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		return c.AddResource(STIXSchemaBase+filepath.ToSlash(rel), doc)
	})
	if err != nil {
		t.Fatalf("load STIX schemas: %v", err)
	}
	return &Schemas{c: c, cache: map[string]*jsonschema.Schema{}}
}

// Compile returns the schema at rel ("sdos/opinion.json",
// "common/bundle.json" ...), compiled once.
func (s *Schemas) Compile(t testing.TB, rel string) *jsonschema.Schema {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if sc, ok := s.cache[rel]; ok {
		return sc
	}
	sc, err := s.c.Compile(STIXSchemaBase + rel)
	if err != nil {
		t.Fatalf("compile %s: %v", rel, err)
	}
	s.cache[rel] = sc
	return sc
}

// Compiler returns the underlying compiler, for schemas added by hand.
func (s *Schemas) Compiler() *jsonschema.Compiler { return s.c }
