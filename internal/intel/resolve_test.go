package intel_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
)

var records = []intel.Actor{
	{ID: "intrusion-set--dp", Name: "Deep Panda", ExternalID: "G0009", Source: "mitre-attack",
		Aliases:  []string{"Shell Crew", "KungFu Kittens", "Black Vine"},
		Sponsors: []intel.SponsorClaim{{Country: "CN", Confidence: 50, Source: "mitre-attack"}}},
	{ID: "intrusion-set--19", Name: "APT19", ExternalID: "G0073", Source: "mitre-attack", Aliases: []string{"Codoso"}},
	{ID: "intrusion-set--3", Name: "APT3", ExternalID: "G0022", Source: "mitre-attack", Aliases: []string{"Gothic Panda"}},
	{ID: "misp-galaxy--066d", Name: "APT19", Source: "misp-galaxy",
		Aliases: []string{"DEEP PANDA", "Codoso", "Shell Crew", "KungFu Kittens", "G0009", "G0073"}, Merges: []string{"G0009", "G0073"},
		Sponsors: []intel.SponsorClaim{{Country: "CN", Confidence: 50, Source: "misp-galaxy"}}},
	{ID: "misp-galaxy--d144", Name: "APT3", Source: "misp-galaxy", Aliases: []string{"Gothic Panda"},
		Sponsors: []intel.SponsorClaim{{Country: "CN", Source: "misp-galaxy"}}},
	{ID: "indicator-feed--x", Name: "Gothic Panda", Source: "vendor-x",
		Sponsors: []intel.SponsorClaim{{Country: "RU", Source: "vendor-x"}}},
}

func ids(as []intel.Actor) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestResolve(t *testing.T) {
	// Sorted by source (misp-galaxy before mitre-attack), then id.
	tests := []struct {
		name string
		want []string
	}{
		{"Shell Crew", []string{"misp-galaxy--066d", "intrusion-set--dp"}},
		{"kungfu kittens", []string{"misp-galaxy--066d", "intrusion-set--dp"}},
		{"KUNGFU-KITTENS", []string{"misp-galaxy--066d", "intrusion-set--dp"}},
		{"G0073", []string{"misp-galaxy--066d", "intrusion-set--19"}},
		{"apt 19", []string{"misp-galaxy--066d", "intrusion-set--19"}},
		{"Nobody", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ids(intel.Resolve(records, tt.name))); diff != "" {
			t.Errorf("Resolve(%q) mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestConflicts(t *testing.T) {
	// Records met twice (overlapping imports) count once.
	twice := append(append([]intel.Actor{}, records...), records...)
	if got := intel.Resolve(twice, "Shell Crew"); len(got) != 2 {
		t.Errorf("Resolve(Shell Crew) over duplicated records = %d records, want 2", len(got))
	}
	if got := intel.Conflicts(intel.Resolve(twice, "Shell Crew"), twice); len(got) != 1 || !strings.Contains(got[0].Detail, " 2 groups") {
		t.Errorf("Conflicts over duplicated records = %+v, want one merge of 2 groups", got)
	}
	got := intel.Conflicts(intel.Resolve(records, "Shell Crew"), records)
	if len(got) != 1 || got[0].Kind != intel.ConflictMerge {
		t.Fatalf("Conflicts(Shell Crew) = %+v, want one merge conflict", got)
	}
	c := got[0]
	if diff := cmp.Diff([]string{"intrusion-set--19", "intrusion-set--dp", "misp-galaxy--066d"}, c.Records); diff != "" {
		t.Errorf("merge conflict records mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"misp-galaxy", "mitre-attack"}, c.Sources); diff != "" {
		t.Errorf("merge conflict sources mismatch (-want +got):\n%s", diff)
	}
	for _, s := range []string{"misp-galaxy APT19", "Deep Panda G0009", "APT19 G0073", "mitre-attack keeps apart"} {
		if !strings.Contains(c.Detail, s) {
			t.Errorf("merge conflict detail %q lacks %q", c.Detail, s)
		}
	}

	got = intel.Conflicts(intel.Resolve(records, "Gothic Panda"), records)
	if len(got) != 1 || got[0].Kind != intel.ConflictSponsor || !strings.Contains(got[0].Detail, "CN per misp-galaxy") ||
		!strings.Contains(got[0].Detail, "RU per vendor-x") {
		t.Errorf("Conflicts(Gothic Panda) = %+v, want one sponsor conflict CN vs RU", got)
	}
	if got := intel.Conflicts(intel.Resolve(records, "APT3"), records); len(got) != 0 {
		t.Errorf("Conflicts(APT3) = %+v, want none", got)
	}
}

func TestCountryCode(t *testing.T) {
	for in, want := range map[string]string{
		"China": "CN", "Chinese": "CN", "PRC": "CN", "People’s Republic of China": "CN", "cn": "CN",
		"Iran (Islamic Republic of)": "IR", "North Korean": "KP", "Korea (Republic of)": "KR",
		"Russian Federation": "RU", "the Philippines": "PH", "United Kingdom": "GB", "Vietnam": "VN",
	} {
		if got, ok := intel.CountryCode(in); !ok || got != want {
			t.Errorf("CountryCode(%q) = %q, %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"Middle East", "Europe", "", "NATO"} {
		if got, ok := intel.CountryCode(in); ok {
			t.Errorf("CountryCode(%q) = %q, want not found", in, got)
		}
	}
}
