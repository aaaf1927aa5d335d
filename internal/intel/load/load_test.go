package load_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/shareddata"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
	"github.com/pactwatch/pactwatch/internal/intel/load"
)

func TestBytesDetectsFormat(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, in string
		want     load.Format
	}{
		{"bundle", `{"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"}]}`, load.FormatSTIX},
		{"lone object", `{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"}`, load.FormatSTIX},
		{"array", `[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"}]`, load.FormatSTIX},
		{"attack", `{"type":"bundle","id":"bundle--1","objects":[{"type":"intrusion-set","id":"intrusion-set--1","name":"Deep Panda","description":"[Deep Panda](https://attack.mitre.org/groups/G0009) is a suspected Chinese threat group.","external_references":[{"source_name":"mitre-attack","external_id":"G0009"}]}]}`, load.FormatATTACK},
		{"misp", `{"type":"threat-actor","uuid":"u","values":[{"uuid":"a","value":"APT19"}]}`, load.FormatMISP},
		{"list", "192.0.2.1\nevil.example.com\n", load.FormatIOCList},
		{"csv", "type,value\nip-dst,192.0.2.1\n", load.FormatIOCList},
	}
	for _, tt := range tests {
		c, f, err := load.Bytes(ctx, []byte(tt.in), tt.name, load.Options{})
		if err != nil || f != tt.want {
			t.Errorf("Bytes(%s) = %v, %v, want format %s", tt.name, f, err, tt.want)
			continue
		}
		if len(c.Indicators)+len(c.Actors) == 0 {
			t.Errorf("Bytes(%s) read nothing", tt.name)
		}
		if f == load.FormatATTACK && (c.Actors[0].Source != "mitre-attack" || len(c.Actors[0].Sponsors) != 1) {
			t.Errorf("Bytes(%s) actor %+v, want ATT&CK enrichment", tt.name, c.Actors[0])
		}
	}
}

func TestFileUnknownFormat(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"prose.txt":  "This is a report.\nIt has no indicators at all.\n",
		"other.json": `{"hello": "world"}`,
		"blob.bin":   "\x00\x01\x02",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := load.File(context.Background(), path, load.Options{})
		if !errors.Is(err, load.ErrUnknownFormat) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "MISP galaxy") {
			t.Errorf("File(%s) error = %v, want ErrUnknownFormat naming the file and the known formats", name, err)
		}
	}
	if _, err := load.File(context.Background(), filepath.Join(dir, "missing"), load.Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("File(missing) error = %v, want os.ErrNotExist", err)
	}
}

func TestFileOptions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.txt")
	if err := os.WriteFile(path, []byte("192.0.2.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load.File(context.Background(), path, load.Options{Options: ioclist.Options{Actor: "APT3", TLP: "green"}})
	if err != nil {
		t.Fatal(err)
	}
	if i := c.Indicators[0]; i.TLP != "green" || len(i.Indicates) != 1 || i.Indicates[0] != "APT3" {
		t.Errorf("indicator %+v, want TLP green indicating APT3", i)
	}
}

func sharedData(t *testing.T) string {
	t.Helper()
	return filepath.Dir(shareddata.Dir(t, "attack"))
}

// TestSharedData imports the real ATT&CK bundle and MISP galaxy and checks
// the Deep Panda / APT19 resolution and conflict end to end.
func TestSharedData(t *testing.T) {
	dir := sharedData(t)
	ctx := context.Background()
	start := time.Now()
	att, err := load.File(ctx, filepath.Join(dir, "attack", "enterprise-attack-18.1-intrusion-sets.stix21.json"), load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ATT&CK bundle: %d actors in %v", len(att.Actors), time.Since(start))
	mg, err := load.File(ctx, filepath.Join(dir, "misp-galaxy", "threat-actor.json"), load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(att.Actors) != 187 || len(mg.Actors) < 1000 {
		t.Fatalf("%d ATT&CK actors, %d MISP actors; want 187 and over 1000", len(att.Actors), len(mg.Actors))
	}
	all := append(append([]intel.Actor{}, att.Actors...), mg.Actors...)
	for _, name := range []string{"Shell Crew", "KungFu Kittens", "kungfu kittens"} {
		rs := intel.Resolve(all, name)
		var sawDP, sawMISP bool
		for _, r := range rs {
			sawDP = sawDP || (r.Source == "mitre-attack" && r.ExternalID == "G0009" && r.Name == "Deep Panda")
			sawMISP = sawMISP || (r.Source == "misp-galaxy" && r.Name == "APT19")
		}
		if !sawDP || !sawMISP {
			t.Errorf("Resolve(%q) = %v, want ATT&CK Deep Panda G0009 and the MISP APT19 cluster", name, rs)
			continue
		}
		cs := intel.Conflicts(rs, all)
		found := false
		for _, c := range cs {
			found = found || (c.Kind == intel.ConflictMerge && strings.Contains(c.Detail, "G0009") && strings.Contains(c.Detail, "G0073") &&
				strings.Contains(c.Detail, "misp-galaxy APT19"))
		}
		if !found {
			t.Errorf("Conflicts(%q) = %+v, want the MISP cluster folding G0009 and G0073", name, cs)
		}
	}

	// Every OASIS example and Unit 42 bundle imports.
	var files []string
	for _, pat := range []string{"stix2/cti-documentation/examples/example_json/*.json", "stix2/cti-stix2-json-schemas/examples/*.json",
		"stix2/cti-stix2-json-schemas/examples/threat-reports/*.json", "iocs/pan-unit42/stix2-reports/*.json"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, m...)
	}
	if len(files) < 19 {
		t.Errorf("found %d example bundles, want at least 19", len(files))
	}
	var ind, uns int
	for _, f := range files {
		c, err := load.File(ctx, f, load.Options{})
		if err != nil {
			t.Errorf("File(%s): %v", f, err)
			continue
		}
		ind += len(c.Indicators)
		uns += len(c.Unsupported)
	}
	t.Logf("%d example bundles: %d indicators, %d unsupported", len(files), ind, uns)
}
