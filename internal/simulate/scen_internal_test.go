package simulate

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intrusion"
)

// TestScenarioExpectationsFollowTheRule checks every expected verdict of a
// generated scenario against expect and each agreement.
func TestScenarioExpectationsFollowTheRule(t *testing.T) {
	cfg := ScenarioConfig(ProfileEasy, 11)
	cfg.Days, cfg.Orgs, cfg.EventsPerOrgDay = 70, 10, 10
	m, err := Generate(t.TempDir(), cfg)
	if err != nil {
		t.Fatalf("Generate = %v", err)
	}
	data, err := os.ReadFile(m.Truth)
	if err != nil {
		t.Fatal(err)
	}
	var tr Truth
	if err := json.Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]int{}
	for _, in := range tr.Intrusions {
		var want []Expectation
		for _, a := range truthAgreements {
			want = append(want, expect(a, in.OrgCountry, in.Sponsor, in.Start, in.Intent, in.Status == intrusion.Exfiltrated))
		}
		if diff := cmp.Diff(want, in.Expected); diff != "" {
			t.Errorf("%s: expected verdicts differ from expect() (-want +got):\n%s", in.ID, diff)
		}
		for _, e := range in.Expected {
			verdicts[string(e.Verdict)]++
		}
	}
	for _, v := range []string{"potential-violation", "outside-scope", "needs-assessment"} {
		if verdicts[v] == 0 {
			t.Errorf("no %s verdict in 70 days (%v)", v, verdicts)
		}
	}
}

func TestStreamIDsAreUnique(t *testing.T) {
	flows, uids := map[int64]bool{}, map[string]bool{}
	for stream := uint64(1); stream < 1<<21; stream += 1 << 14 {
		for seq := range uint64(500) {
			key := stream<<22 | seq
			f, u := streamFlowID(key), streamUID('C', key)
			if flows[f] || uids[u] {
				t.Fatalf("stream %d seq %d: flow %d or uid %s repeats", stream, seq, f, u)
			}
			flows[f], uids[u] = true, true
			if f <= 0 || f >= 1<<53 || len(u) != 18 {
				t.Fatalf("streamFlowID/streamUID(%d) = %d, %q", key, f, u)
			}
		}
	}
}
