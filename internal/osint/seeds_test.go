package osint_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/osint"
)

// seedPublished are the publication dates the issue gives for the seeds.
var seedPublished = map[string]string{
	"000_847f2687f6e63cda": "2015-10-22",
	"001_0560f823d28a49fb": "2015-10-22",
	"002_8a839857759ff84e": "2015-10-22",
	"003_35571c1a028759c4": "2015-09-26",
	"004_49eb71dce4d980f3": "2015-10-20",
}

func seedArticles(t testing.TB) []osint.Article {
	t.Helper()
	files, err := filepath.Glob("testdata/seeds/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("glob seeds: %v, %d files", err, len(files))
	}
	var out []osint.Article
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := time.Parse(time.DateOnly, seedPublished[osint.FileID(f)])
		if err != nil {
			t.Fatalf("no publication date for %s", f)
		}
		as, errs := osint.Read(f, b, osint.ReadOptions{Published: pub})
		if len(errs) > 0 || len(as) != 1 {
			t.Fatalf("Read(%s) = %d articles, %v", f, len(as), errs)
		}
		out = append(out, as[0])
	}
	return out
}

// testActors are ATT&CK-shaped records for the groups the seeds name.
func testActors() []intel.Actor {
	return []intel.Actor{
		{ID: "intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064", Name: "Deep Panda", ExternalID: "G0009", Source: "mitre-attack",
			Aliases: []string{"Shell Crew", "WebMasters", "KungFu Kittens", "PinkPanther", "Black Vine"}},
		{ID: "intrusion-set--fe8796a4-af2f-4bb9-bbe2-5b1fc0e3f3a5", Name: "APT19", ExternalID: "G0073", Source: "mitre-attack", Aliases: []string{"Codoso", "C0d0so0", "Codoso Team", "Sunshop Group"}},
		{ID: "intrusion-set--899ce53f-13a0-479b-a0e4-67d46e241542", Name: "APT3", ExternalID: "G0022", Source: "mitre-attack", Aliases: []string{"Gothic Panda", "Pirpi", "UPS Team", "Buckeye", "Threat Group-0110", "TG-0110"}},
		{ID: "intrusion-set--fb366179-766c-4a4a-afa1-52bff1fd601c", Name: "Silence", ExternalID: "G0091", Source: "mitre-attack", Aliases: []string{"Whisper Spider"}},
	}
}
