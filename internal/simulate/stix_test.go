package simulate_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pactwatch/pactwatch/internal/shareddata"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// stixSchemas compiles the OASIS STIX 2.1 JSON schemas from the shared data.
func stixSchemas(t *testing.T) (*jsonschema.Compiler, func(rel string) *jsonschema.Schema) {
	t.Helper()
	s := shareddata.STIXSchemas(t)
	return s.Compiler(), func(rel string) *jsonschema.Schema { return s.Compile(t, rel) }
}

func schemaFor(typ string) string {
	switch typ {
	case "relationship", "sighting":
		return "sros/" + typ + ".json"
	case "marking-definition":
		return "common/marking-definition.json"
	}
	return "sdos/" + typ + ".json"
}

func TestIntelBundleValidatesAgainstOASISSchemas(t *testing.T) {
	_, schema := stixSchemas(t)
	b, err := os.ReadFile(demoManifest.Intel[0])
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("intel.json is not JSON: %v", err)
	}
	// common/bundle.json lists the object types it accepts and omits
	// location (as it once omitted infrastructure: oasis-open/cti-stix2-json-schemas#133),
	// sending locations to its custom-object branch, which rejects them. So
	// the envelope is checked without them and every object, locations
	// included, against its own type's schema.
	bundle := inst.(map[string]any)
	objects := bundle["objects"].([]any)
	var listed []any
	for _, o := range objects {
		if o.(map[string]any)["type"] != "location" {
			listed = append(listed, o)
		}
	}
	envelope := map[string]any{"type": bundle["type"], "id": bundle["id"], "objects": listed}
	if err := schema("common/bundle.json").Validate(envelope); err != nil {
		t.Errorf("bundle fails common/bundle.json: %v", err)
	}
	for i, o := range objects {
		obj := o.(map[string]any)
		typ := obj["type"].(string)
		if err := schema(schemaFor(typ)).Validate(o); err != nil {
			t.Errorf("object %d (%s %s) fails %s: %v", i, typ, obj["id"], schemaFor(typ), err)
		}
	}
}

// TestSchemaCatchesBrokenObjects shows the validation above can fail: an
// indicator without a pattern and a malware without is_family are rejected.
func TestSchemaCatchesBrokenObjects(t *testing.T) {
	_, schema := stixSchemas(t)
	tests := []struct {
		rel, doc string
	}{
		{"sdos/indicator.json", `{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2015-12-02T09:00:00.000Z","modified":"2015-12-02T09:00:00.000Z","pattern_type":"stix","valid_from":"2015-07-20T00:00:00.000Z"}`},
		{"sdos/malware.json", `{"type":"malware","spec_version":"2.1","id":"malware--94379dec-5c87-49db-b36e-66abc0b81344","created":"2015-12-02T09:00:00.000Z","modified":"2015-12-02T09:00:00.000Z","name":"Derusbi"}`},
	}
	for _, tt := range tests {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema(tt.rel).Validate(inst); err == nil {
			t.Errorf("%s accepted %s, want a validation error", tt.rel, tt.doc)
		}
	}
}

// stixObject is the part of a STIX object the tests look at.
type stixObject struct {
	Type             string   `json:"type"`
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Aliases          []string `json:"aliases"`
	Pattern          string   `json:"pattern"`
	CreatedByRef     string   `json:"created_by_ref"`
	ObjectMarkingRef []string `json:"object_marking_refs"`
	RelationshipType string   `json:"relationship_type"`
	SourceRef        string   `json:"source_ref"`
	TargetRef        string   `json:"target_ref"`
	Country          string   `json:"country"`
	Confidence       int      `json:"confidence"`
}

func readBundle(t *testing.T) map[string]stixObject {
	t.Helper()
	var b struct {
		Objects []stixObject `json:"objects"`
	}
	readJSON(t, demoManifest.Intel[0], &b)
	out := map[string]stixObject{}
	for _, o := range b.Objects {
		if _, dup := out[o.ID]; dup {
			t.Errorf("duplicate STIX id %s", o.ID)
		}
		out[o.ID] = o
	}
	return out
}

func TestIntelContent(t *testing.T) {
	objs := readBundle(t)
	// Intrusion sets use the real ATT&CK ids so an ATT&CK import merges with them.
	wantSets := map[string]string{
		"intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064": "Deep Panda",
		"intrusion-set--0bbdf25b-30ff-4894-a1cd-49260d0dd2d9": "APT3",
		"intrusion-set--222fbd21-fc4f-4b7e-9f85-0e6e3a76c33f": "menuPass",
		"intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c": "APT28",
	}
	for id, name := range wantSets {
		if objs[id].Name != name {
			t.Errorf("object %s name = %q, want %q", id, objs[id].Name, name)
		}
	}
	if a := objs["intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064"].Aliases; !slices.Contains(a, "Shell Crew") || !slices.Contains(a, "Black Vine") {
		t.Errorf("Deep Panda aliases = %v, want Shell Crew and Black Vine among them", a)
	}
	tlp := map[string]bool{
		"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": true, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": true,
		"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": true, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": true,
		"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": true,
	}
	sponsors := map[string]string{}
	var indicators, unsupported, ored int
	for _, o := range objs {
		for _, m := range o.ObjectMarkingRef {
			if !tlp[m] {
				t.Errorf("%s is marked %s, not a TLP 2.0 marking", o.ID, m)
			}
			if _, ok := objs[m]; !ok {
				t.Errorf("%s references marking %s that the bundle lacks", o.ID, m)
			}
		}
		if o.CreatedByRef != "" && objs[o.CreatedByRef].Type != "identity" {
			t.Errorf("%s created_by_ref %s is not an identity in the bundle", o.ID, o.CreatedByRef)
		}
		switch o.Type {
		case "relationship":
			for _, ref := range []string{o.SourceRef, o.TargetRef} {
				if _, ok := objs[ref]; !ok {
					t.Errorf("relationship %s references %s, absent from the bundle", o.ID, ref)
				}
			}
			if o.RelationshipType == "originates-from" {
				sponsors[objs[o.SourceRef].Name] = objs[o.TargetRef].Country
			}
		case "indicator":
			indicators++
			if strings.Contains(o.Pattern, " LIKE ") || strings.Contains(o.Pattern, "] AND [") {
				unsupported++
			}
			if strings.Contains(o.Pattern, " OR ") {
				ored++
			}
		}
	}
	wantSponsors := map[string]string{"Deep Panda": "CN", "APT3": "CN", "menuPass": "CN", "APT28": "RU"}
	for name, c := range wantSponsors {
		if sponsors[name] != c {
			t.Errorf("sponsor of %s = %q, want %q", name, sponsors[name], c)
		}
	}
	if indicators < 15 || unsupported != 2 || ored != 1 {
		t.Errorf("indicators = %d (unsupported %d, OR-ed %d), want at least 15 with 2 unsupported and 1 OR-ed", indicators, unsupported, ored)
	}
}

// TestAttackIDsMatchATTACK checks the reused ids against the ATT&CK data:
// each must exist there with the same name.
func TestAttackIDsMatchATTACK(t *testing.T) {
	path := filepath.Join(sharedData(t, "attack"), "enterprise-attack-18.1-intrusion-sets.stix21.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var attack struct {
		Objects []stixObject `json:"objects"`
	}
	if err := json.Unmarshal(raw, &attack); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, o := range attack.Objects {
		names[o.ID] = o.Name
	}
	checked := 0
	for id, o := range readBundle(t) {
		switch o.Type {
		case "intrusion-set", "malware", "attack-pattern":
			checked++
			if names[id] != o.Name {
				t.Errorf("%s is %q here but %q in ATT&CK", id, o.Name, names[id])
			}
		}
	}
	if checked < 15 {
		t.Errorf("checked %d ATT&CK objects, want at least 15", checked)
	}
}

var patternValue = regexp.MustCompile(`(ipv4-addr|domain-name):value = '([^']+)'`)

// indicatorValues returns the IP and domain values of the supported
// indicators that indicate (directly) the given intrusion set.
func indicatorValues(t *testing.T, setID string) []string {
	t.Helper()
	objs := readBundle(t)
	var out []string
	for _, o := range objs {
		if o.Type != "relationship" || o.RelationshipType != "indicates" || o.TargetRef != setID {
			continue
		}
		p := objs[o.SourceRef].Pattern
		if strings.Contains(p, " LIKE ") || strings.Contains(p, "] AND [") {
			continue
		}
		for _, m := range patternValue.FindAllStringSubmatch(p, -1) {
			out = append(out, m[2])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
