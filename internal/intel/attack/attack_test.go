package attack_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/shareddata"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/attack"
)

func TestSponsors(t *testing.T) {
	tests := []struct {
		name, desc string
		want       []string // "CC/confidence"
	}{
		{"Deep Panda", "[Deep Panda](https://attack.mitre.org/groups/G0009) is a suspected Chinese threat group known to target many industries.(Citation: Alperovitch 2014)", []string{"CN/50"}},
		{"APT3", "[APT3](https://attack.mitre.org/groups/G0022) is a China-based threat group that researchers have attributed to China's Ministry of State Security.(Citation: FireEye Clandestine Wolf)", []string{"CN/85"}},
		{"APT17", "[APT17](https://attack.mitre.org/groups/G0025) is a China-based threat group that has conducted network intrusions against U.S. government entities.", []string{"CN/70"}},
		{"Volt Typhoon", "[Volt Typhoon](https://attack.mitre.org/groups/G1017) is a People’s Republic of China (PRC) state-sponsored actor.", []string{"CN/85"}},
		{"Lazarus Group", "[Lazarus Group](https://attack.mitre.org/groups/G0032) is a North Korean state-sponsored cyber threat group.", []string{"KP/85"}},
		{"Leafminer", "[Leafminer](https://attack.mitre.org/groups/G0077) is an Iranian threat group that has targeted government organizations in the Middle East.", []string{"IR/70"}},
		{"Gamaredon Group", "[Gamaredon Group](https://attack.mitre.org/groups/G0047) is a suspected Russian cyber espionage group that has targeted organizations in Ukraine.", []string{"RU/50"}},
		{"APT29", "[APT29](https://attack.mitre.org/groups/G0016) is threat group that has been attributed to Russia's Foreign Intelligence Service (SVR).", []string{"RU/85"}},
		{"menuPass", "Individual members of [menuPass](https://attack.mitre.org/groups/G0045) are known to have acted in association with the Chinese Ministry of State Security's (MSS) Tianjin State Security Bureau.", []string{"CN/85"}},
		{"BRONZE BUTLER", "[BRONZE BUTLER](https://attack.mitre.org/groups/G0060) is a cyber espionage group with likely Chinese origins.", []string{"CN/50"}},
		// Targets are not sponsors.
		{"Strider", "[Strider](https://attack.mitre.org/groups/G0041) is a threat group that has targeted victims in Russia, China, Sweden, Belgium, Iran, and Rwanda.", nil},
		// Another group's words do not count.
		{"SideCopy", "[SideCopy](https://attack.mitre.org/groups/G1008)'s name comes from its infection chain that tries to mimic that of [Sidewinder](https://attack.mitre.org/groups/G0121), a suspected Indian threat group.", nil},
		// Language is not a sponsor.
		{"RedCurl", "[RedCurl](https://attack.mitre.org/groups/G1039) is allegedly a Russian-speaking threat actor.", nil},
		{"Empty", "", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range attack.Sponsors(tt.name, tt.desc) {
			got = append(got, c.Country+"/"+itoa(c.Confidence))
			if c.Source != attack.Source || c.Basis == "" {
				t.Errorf("Sponsors(%q) claim %+v: want Source %q and a Basis", tt.name, c, attack.Source)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Sponsors(%q) mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
	got := attack.Sponsors("Deep Panda", "[Deep Panda](https://attack.mitre.org/groups/G0009) is a suspected Chinese threat group known to target many industries, including government.(Citation: Alperovitch 2014)")
	if want := "Deep Panda is a suspected Chinese threat group known to target many industries, including government."; len(got) != 1 || got[0].Basis != want {
		t.Errorf("Sponsors(Deep Panda) basis = %+v, want %q", got, want)
	}
}

func itoa(n int) string {
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// sharedData returns the shared data directory, or skips.
func sharedData(t *testing.T) string {
	t.Helper()
	return filepath.Dir(shareddata.Dir(t, "attack"))
}

func TestReadFileATTACK(t *testing.T) {
	dir := sharedData(t)
	start := time.Now()
	c, err := attack.ReadFile(context.Background(), filepath.Join(dir, "attack", "enterprise-attack-18.1-intrusion-sets.stix21.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported the ATT&CK bundle in %v", time.Since(start))
	if len(c.Actors) != 187 {
		t.Errorf("%d intrusion sets, want 187", len(c.Actors))
	}
	if !attack.IsATTACK(c) {
		t.Errorf("IsATTACK = false for the ATT&CK bundle")
	}
	revoked, sponsored := 0, 0
	for _, a := range c.Actors {
		if a.Revoked {
			revoked++
		}
		if len(a.Sponsors) > 0 {
			sponsored++
		}
		if a.Source != attack.Source {
			t.Errorf("%s: Source %q, want %q", a.Name, a.Source, attack.Source)
		}
	}
	// 6 revoked and 9 deprecated in ATT&CK 18.1; some groups are both.
	if revoked < 9 || revoked > 15 {
		t.Errorf("%d revoked or deprecated groups, want 9..15", revoked)
	}
	if sponsored < 60 {
		t.Errorf("only %d groups with a sponsor claim, want at least 60", sponsored)
	}
	dp := intel.Resolve(c.Actors, "kungfu kittens")
	if len(dp) != 1 || dp[0].ExternalID != "G0009" || dp[0].Name != "Deep Panda" {
		t.Fatalf("Resolve(kungfu kittens) = %v, want Deep Panda G0009", dp)
	}
	if want := []string{"Shell Crew", "WebMasters", "KungFu Kittens", "PinkPanther", "Black Vine"}; !slices.Equal(dp[0].Aliases, want) {
		t.Errorf("Deep Panda aliases = %v, want %v", dp[0].Aliases, want)
	}
	if s := dp[0].Sponsors; len(s) != 1 || s[0].Country != "CN" || s[0].Confidence != attack.ConfidenceHedged {
		t.Errorf("Deep Panda sponsors = %+v, want one hedged CN claim", s)
	}
	if len(dp[0].Techniques) == 0 || len(dp[0].Software) == 0 {
		t.Errorf("Deep Panda techniques %v software %v, want both filled from uses", dp[0].Techniques, dp[0].Software)
	}
	if apt19 := intel.Resolve(c.Actors, "Codoso"); len(apt19) != 1 || apt19[0].ExternalID != "G0073" {
		t.Errorf("Resolve(Codoso) = %v, want APT19 G0073", apt19)
	}
}
