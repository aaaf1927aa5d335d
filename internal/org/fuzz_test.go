package org_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/pactwatch/pactwatch/internal/org"
)

// FuzzLoad checks that Load never panics, and that whatever it accepts is
// valid: NewDirectory takes it, and writing it back out loads the same.
func FuzzLoad(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "orgs.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"organisations":[]}`))
	f.Add([]byte(`{"organisations":[{"id":"a","country":"US","sector":"energy","networks":["::ffff:10.0.0.0/104"]}]}`))
	f.Add([]byte(`{"organisations":[{"id":"a","country":"US","sector":"energy","networks":["fe80::1%eth0"]}]}`))
	f.Add([]byte(`{"organisations":[{"id":"a","country":"US","sector":"energy","sensors":[" "]}]}`))
	f.Add([]byte(`{"organisations":[{"id":"a"},{"id":"a"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		orgs, err := org.Load(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			if orgs != nil {
				t.Fatalf("Load returned organisations and error %v", err)
			}
			return
		}
		if _, err := org.NewDirectory(orgs); err != nil {
			t.Fatalf("NewDirectory rejected what Load accepted: %v", err)
		}
		out, err := json.Marshal(map[string]any{"organisations": orgs})
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := org.Load(bytes.NewReader(out), "again.json")
		if err != nil {
			t.Fatalf("Load(Marshal(Load(x))) = %v; input %q, output %q", err, data, out)
		}
		out2, _ := json.Marshal(map[string]any{"organisations": again})
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the organisations:\n%s\n%s", out, out2)
		}
	})
}
