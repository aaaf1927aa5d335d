package stix_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/stix"
)

func TestReadFileHandmade(t *testing.T) {
	c, err := stix.ReadFile(context.Background(), "testdata/handmade.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Actors) != 2 {
		t.Fatalf("ReadFile: %d actors, want 2", len(c.Actors))
	}
	dp := c.Actors[0]
	want := intel.Actor{
		ID: "intrusion-set--00000000-0000-4000-8000-000000000010", Name: "Deep Panda",
		Aliases: []string{"Shell Crew", "KungFu Kittens"}, Source: "Example CERT", ExternalID: "G0009",
		Sponsors:   []intel.SponsorClaim{{Country: "CN", Confidence: 50, Source: "testdata/handmade.json"[len("testdata/"):], Basis: `intrusion-set originates-from location "China"`}},
		Techniques: []string{"T1190"}, Software: []string{"China Chopper", "Derusbi"},
		TargetSectors: []string{"pharmaceuticals", "technology"}, TargetCountries: []string{"US"},
	}
	if diff := cmp.Diff(want, dp); diff != "" {
		t.Errorf("Deep Panda mismatch (-want +got):\n%s", diff)
	}
	ta := c.Actors[1]
	if !ta.Revoked || len(ta.Sponsors) != 1 || ta.Sponsors[0].Country != "IR" {
		t.Errorf("threat actor = %+v, want revoked with an IR nationality claim", ta)
	}

	from := time.Date(2015, 9, 26, 0, 0, 0, 0, time.UTC)
	wantInd := []intel.Indicator{
		{ID: "indicator--00000000-0000-4000-8000-000000000040", Type: intel.CIDR, Value: "203.0.113.0/24"},
		{ID: "indicator--00000000-0000-4000-8000-000000000040", Type: intel.Domain, Value: "evil.example.com"},
		{ID: "indicator--00000000-0000-4000-8000-000000000040", Type: intel.IPv4, Value: "198.51.100.7"},
		{ID: "indicator--00000000-0000-4000-8000-000000000041", Type: intel.IPv4, Value: "192.0.2.1"},
		{ID: "indicator--00000000-0000-4000-8000-000000000041", Type: intel.JA3, Value: "e7d705a3286e19ea42f587b344ee6865"},
		{ID: "indicator--00000000-0000-4000-8000-000000000044", Type: intel.SHA256, Value: "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"},
		{ID: "indicator--00000000-0000-4000-8000-000000000045", Type: intel.IPv4, Value: "192.0.2.9"},
	}
	type key struct {
		ID    string
		Type  intel.Type
		Value string
	}
	var got, wantKeys []key
	for _, i := range c.Indicators {
		got = append(got, key{i.ID, i.Type, i.Value})
	}
	for _, i := range wantInd {
		wantKeys = append(wantKeys, key{i.ID, i.Type, i.Value})
	}
	if diff := cmp.Diff(wantKeys, got); diff != "" {
		t.Fatalf("indicators mismatch (-want +got):\n%s", diff)
	}
	first := c.Indicators[0]
	if first.TLP != "amber" || first.Confidence != 85 || first.Source != "Example CERT" || first.Name != "C2" ||
		!first.ValidFrom.Equal(from) || !first.ValidUntil.Equal(from.AddDate(1, 0, 0)) {
		t.Errorf("indicator 40 = %+v, want amber (most restrictive of green, amber), confidence 85, source Example CERT, valid 2015-09-26..2016-09-26", first)
	}
	if want := []string{"intrusion-set--00000000-0000-4000-8000-000000000010", "malware--00000000-0000-4000-8000-000000000020"}; !slices.Equal(first.Indicates, want) {
		t.Errorf("indicator 40 Indicates = %v, want %v", first.Indicates, want)
	}
	if tlp := c.Indicators[3].TLP; tlp != "clear" {
		t.Errorf("TLP 1.0 WHITE marking -> %q, want clear", tlp)
	}
	if src := c.Indicators[3].Source; src != "handmade.json" {
		t.Errorf("indicator without created_by_ref: Source %q, want the file name", src)
	}
	if tlp := c.Indicators[5].TLP; tlp != "red" {
		t.Errorf("bundle-defined TLP marking -> %q, want red", tlp)
	}

	reasons := map[string]string{}
	for _, u := range c.Unsupported {
		if u.File != "testdata/handmade.json" {
			t.Errorf("Unsupported %+v: File %q, want testdata/handmade.json", u, u.File)
		}
		reasons[u.ID] = u.Reason
	}
	for id, want := range map[string]string{
		"indicator--00000000-0000-4000-8000-000000000042": "pattern syntax error at offset 26",
		"indicator--00000000-0000-4000-8000-000000000043": "pattern_type snort",
		"malware--00000000-0000-4000-8000-000000000099":   "does not decode",
	} {
		if !strings.Contains(reasons[id], want) {
			t.Errorf("Unsupported[%s] = %q, want it to contain %q", id, reasons[id], want)
		}
	}
	if len(c.Unsupported) != 3 {
		t.Errorf("%d unsupported, want 3: %+v", len(c.Unsupported), c.Unsupported)
	}
	if diff := cmp.Diff(map[string]int{"report": 1, "campaign": 1}, c.Ignored); diff != "" {
		t.Errorf("Ignored mismatch (-want +got):\n%s", diff)
	}
	if len(c.Relationships) != 8 || len(c.Software) != 2 || len(c.Techniques) != 2 {
		t.Errorf("relationships %d, software %d, techniques %d; want 8, 2, 2", len(c.Relationships), len(c.Software), len(c.Techniques))
	}
	if tq := c.Techniques[0]; tq.ExternalID != "T1190" || !slices.Equal(tq.Tactics, []string{"initial-access"}) {
		t.Errorf("technique = %+v, want T1190 initial-access", tq)
	}
}

// TestReadExamples imports every copied real bundle; counts were checked
// by hand against the files.
func TestReadExamples(t *testing.T) {
	tests := []struct {
		file                                 string
		actors, indicators, unsupported, rel int
		ignored                              map[string]int
	}{
		{"oasis/indicator-for-malicious-url.json", 0, 1, 0, 1, nil},
		{"oasis/malware-indicator-for-file-hash.json", 0, 1, 0, 1, nil},
		{"oasis/using-marking-definitions.json", 0, 1, 0, 0, nil},
		{"oasis/threat-actor-leveraging-attack-patterns-and-malware.json", 1, 0, 0, 3, nil},
		{"oasis/defining-campaigns-threat-actors-intrusion-sets.json", 2, 0, 0, 18, map[string]int{"campaign": 2}},
		{"oasis/using-granular-markings.json", 1, 0, 1, 1, nil},
		{"oasis/indicators-for-C2-with-COA.json", 0, 2, 0, 3, map[string]int{"course-of-action": 1}},
		{"oasis/malicious-email-indicator-with-attachment.json", 0, 0, 2, 2, nil},
		{"oasis/interop-objectmarking-test.json", 0, 0, 0, 0, map[string]int{"campaign": 1}},
		{"oasis/poisonivy.json", 0, 63, 3, 90, map[string]int{"campaign": 3, "course-of-action": 1, "report": 1, "vulnerability": 6}},
		{"unit42/2024-03-25-Playful-Taurus-Mistake-in-2022.json", 0, 5, 0, 0, map[string]int{"report": 1}},
		// One id is reused for two different indicators; both are kept.
		{"unit42/2024-04-12-MidnightEclipse.json", 0, 28, 2, 0, map[string]int{"report": 1}},
	}
	for _, tt := range tests {
		c, err := stix.ReadFile(context.Background(), filepath.Join("testdata", tt.file))
		if err != nil {
			t.Errorf("ReadFile(%s): %v", tt.file, err)
			continue
		}
		got := []int{len(c.Actors), len(c.Indicators), len(c.Unsupported), len(c.Relationships)}
		if want := []int{tt.actors, tt.indicators, tt.unsupported, tt.rel}; !slices.Equal(got, want) {
			t.Errorf("ReadFile(%s) actors, indicators, unsupported, relationships = %v, want %v", tt.file, got, want)
		}
		if diff := cmp.Diff(tt.ignored, c.Ignored); diff != "" {
			t.Errorf("ReadFile(%s) Ignored mismatch (-want +got):\n%s", tt.file, diff)
		}
		if !slices.IsSortedFunc(c.Indicators, func(a, b intel.Indicator) int { return strings.Compare(a.ID, b.ID) }) {
			t.Errorf("ReadFile(%s) indicators not sorted by id", tt.file)
		}
	}
}

func TestReadExampleDetails(t *testing.T) {
	c, err := stix.ReadFile(context.Background(), "testdata/unit42/2024-03-25-Playful-Taurus-Mistake-in-2022.json")
	if err != nil {
		t.Fatal(err)
	}
	var sha int
	for _, i := range c.Indicators {
		if i.Type == intel.SHA256 {
			sha++
		}
		if i.ValidFrom.IsZero() || i.Source != "2024-03-25-Playful-Taurus-Mistake-in-2022.json" {
			t.Errorf("indicator %+v: want valid_from and the file as source", i)
		}
	}
	if sha == 0 {
		t.Errorf("Playful Taurus: no SHA-256 indicators")
	}

	c, err = stix.ReadFile(context.Background(), "testdata/oasis/threat-actor-leveraging-attack-patterns-and-malware.json")
	if err != nil {
		t.Fatal(err)
	}
	if a := c.Actors[0]; len(a.Software) != 1 {
		t.Errorf("threat actor %q software %v, want the one malware it uses", a.Name, a.Software)
	}
}

func TestDecodeShapes(t *testing.T) {
	ctx := context.Background()
	lone := `{"type":"indicator","id":"indicator--11111111-1111-4111-8111-111111111111","pattern":"[ipv4-addr:value = '192.0.2.1']","valid_from":"2016-01-01T00:00:00Z"}`
	for _, in := range []string{lone, "[" + lone + "]", `{"type":"bundle","id":"bundle--1","objects":[` + lone + `]}`} {
		c, err := stix.Decode(ctx, []byte(in), "x.json")
		if err != nil || len(c.Indicators) != 1 {
			t.Errorf("Decode(%.40q) = %v, %v; want one indicator", in, c, err)
		}
	}
	for _, in := range []string{`{"values":[]}`, `[1,2]`, `not json`, `{"type":"note"}`} {
		if _, err := stix.Decode(ctx, []byte(in), "x.json"); !errors.Is(err, stix.ErrNotSTIX) {
			t.Errorf("Decode(%q) error = %v, want ErrNotSTIX", in, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := stix.Decode(cctx, []byte(lone), "x.json"); !errors.Is(err, context.Canceled) {
		t.Errorf("Decode with cancelled context: %v, want context.Canceled", err)
	}
}

func TestTLP(t *testing.T) {
	for id, want := range map[string]string{
		"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
		"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
		"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
		"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
	} {
		if got, ok := stix.TLP(id); !ok || got != want {
			t.Errorf("TLP(%s) = %q, %v, want %q", id, got, ok, want)
		}
	}
}
