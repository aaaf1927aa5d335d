package misp_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/misp"
)

func TestReadFile(t *testing.T) {
	c, err := misp.ReadFile(context.Background(), "testdata/threat-actor.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Actors) != 2 {
		t.Fatalf("%d actors, want 2", len(c.Actors))
	}
	// Sorted by id: APT19 (066d...) before APT3 (d144...).
	a := c.Actors[0]
	if a.ID != "misp-galaxy--066d25c1-71bd-4bd4-8ca7-edbba00063f4" || a.Name != "APT19" || a.Source != misp.Source {
		t.Fatalf("first actor = %s %q %s, want APT19's cluster", a.ID, a.Name, a.Source)
	}
	for _, alias := range []string{"DEEP PANDA", "Shell Crew", "KungFu Kittens", "Codoso", "G0009", "G0073"} {
		if !slices.Contains(a.Aliases, alias) {
			t.Errorf("APT19 aliases %v lack %q", a.Aliases, alias)
		}
	}
	want := []intel.SponsorClaim{{Country: "CN", Confidence: 50, Source: misp.Source, Basis: "meta.country CN; cfr-suspected-state-sponsor China"}}
	if diff := cmp.Diff(want, a.Sponsors); diff != "" {
		t.Errorf("APT19 sponsors mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"commercial", "defense"}, a.TargetSectors); diff != "" {
		t.Errorf("APT19 sectors mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"US"}, a.TargetCountries); diff != "" {
		t.Errorf("APT19 target countries mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"G0009", "G0073"}, a.Merges); diff != "" {
		t.Errorf("APT19 merges mismatch (-want +got):\n%s", diff)
	}
	b := c.Actors[1]
	if b.Name != "APT3" || len(b.Merges) != 0 || !slices.Equal(b.TargetCountries, []string{"US", "GB", "HK"}) {
		t.Errorf("APT3 = %+v, want no merges and targets US, GB, HK", b)
	}
}

func TestDecodeErrors(t *testing.T) {
	ctx := context.Background()
	for _, in := range []string{`{"objects":[]}`, `[]`, `nope`} {
		if _, err := misp.Decode(ctx, []byte(in), "x.json"); !errors.Is(err, misp.ErrNotGalaxy) {
			t.Errorf("Decode(%q) error = %v, want ErrNotGalaxy", in, err)
		}
	}
	in := `{"type":"threat-actor","uuid":"u","values":[{"uuid":"a","value":"A","meta":{"synonyms":5}},{"value":"no uuid"},{"uuid":"b","value":"B","meta":{"synonyms":"Bee","country":"RU"}}]}`
	c, err := misp.Decode(ctx, []byte(in), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Actors) != 1 || len(c.Unsupported) != 2 {
		t.Fatalf("Decode = %d actors, %d unsupported; want 1, 2", len(c.Actors), len(c.Unsupported))
	}
	if got := c.Actors[0]; !slices.Equal(got.Aliases, []string{"Bee"}) || got.Sponsors[0].Country != "RU" {
		t.Errorf("actor B = %+v, want alias Bee (string synonyms) and an RU claim", got)
	}
	sectors, err := misp.Decode(ctx, []byte(`{"type":"sector","uuid":"s","values":[{"uuid":"1","value":"Defense"}]}`), "sector.json")
	if err != nil || len(sectors.Actors) != 0 || sectors.Ignored["misp-galaxy:sector"] != 1 {
		t.Errorf("sector galaxy = %+v, %v; want no actors, 1 ignored", sectors, err)
	}
}

func TestSector(t *testing.T) {
	for in, want := range map[string]string{
		"Private sector": "commercial", "Military": "defense", "High-Tech": "technology",
		"Pharmaceuticals": "pharmaceuticals", "Finance": "financial-services", "Legal": "Legal",
	} {
		if got := misp.Sector(in); got != want {
			t.Errorf("Sector(%q) = %q, want %q", in, got, want)
		}
	}
}
