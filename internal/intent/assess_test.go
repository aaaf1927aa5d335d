package intent_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
)

var (
	pharma   = org.Organisation{ID: "acme", Name: "Acme Pharma", Country: "US", Sector: "pharmaceuticals"}
	ministry = org.Organisation{ID: "mofa", Name: "Ministry", Country: "US", Sector: "government-national"}
	local    = org.Organisation{ID: "town", Name: "Town Hall", Country: "US", Sector: "government-local"}
	defense  = org.Organisation{ID: "lockmart", Name: "Contractor", Country: "US", Sector: "defense"}
	soe      = org.Organisation{ID: "soe", Name: "State Oil", Country: "US", Sector: "energy", StateOwned: true}

	commercialActor = &intel.Actor{ID: "intrusion-set--a", Name: "Pharma Panda", TargetSectors: []string{"pharmaceuticals", "technology", "chemical"}}
	spyActor        = &intel.Actor{ID: "intrusion-set--b", Name: "Cable Bear", TargetSectors: []string{"government-national", "defense", "technology"}}

	attributed   = attribution.Result{Attributed: true, Candidates: []attribution.Candidate{{ActorID: "intrusion-set--a", Score: 0.9}}}
	unattributed = attribution.Result{Candidates: []attribution.Candidate{{ActorID: "intrusion-set--a", Score: 0.2}}}
	// Contested, or named by shared evidence only: not attributed, but likely.
	likelySpy = attribution.Result{Candidates: []attribution.Candidate{{ActorID: "intrusion-set--b", Score: 0.8}}}
)

// intr builds an intrusion with a status and the given files and URLs.
func intr(status intrusion.Status, files []string, urls ...string) intrusion.Intrusion {
	in := intrusion.Intrusion{ID: "INT-0123456789", OrgID: "acme", Status: status, Files: files}
	if status == intrusion.Exfiltrated {
		in.BytesOut = 5 << 20
	}
	for i, u := range urls {
		in.Timeline = append(in.Timeline, intrusion.TimelineEntry{
			EventRef: intrusion.EventRef{Time: time.Date(2015, 9, 28, 2, i, 0, 0, time.UTC)},
			Kind:     "http", Summary: "http GET " + u + " 10.1.2.3 -> 198.51.100.7:80",
		})
	}
	return in
}

func TestAssess(t *testing.T) {
	tests := []struct {
		name      string
		in        intrusion.Intrusion
		victim    org.Organisation
		attr      attribution.Result
		actor     *intel.Actor
		want      intent.Class
		minConf   int
		maxConf   int
		wantTaken []string
		reasons   []string // substrings that some reason must contain
	}{
		{"pharma formulas taken", intr(intrusion.Exfiltrated, []string{"Q3_formula_v2.xlsx", "clinical-trial-results.pdf"}), pharma, attributed, commercialActor,
			intent.Economic, 70, 95, []string{"Q3_formula_v2.xlsx", "clinical-trial-results.pdf"},
			[]string{"commercial sector (pharmaceuticals)", "suggest commercial secrets (clinical, formula, trial)", "mostly commercial"}},
		{"pharma, prevented, nothing taken (the 2015 pattern)", intr(intrusion.Prevented, nil), pharma, attributed, commercialActor,
			intent.Economic, 60, 95, nil,
			[]string{"detected and prevented", "nothing in the matched events shows", "mission +1.00"}},
		{"unattributed pharma intrusion ignores the actor", intr(intrusion.Detected, nil), pharma, unattributed, spyActor,
			intent.Economic, 40, 75, nil,
			[]string{"unattributed: Cable Bear's history is not used"}},
		{"ministry with R&D and policy files taken: both were sought", intr(intrusion.Exfiltrated, []string{"r&d-budget.xls", "patent-policy.doc"}), ministry, attributed, commercialActor,
			intent.Mixed, 30, 69, []string{"patent-policy.doc", "r&d-budget.xls"},
			[]string{"national government body", "both commercial and state secrets"}},
		{"ministry, nothing taken to read, commercial actor", intr(intrusion.Detected, nil), ministry, attributed, spyActor,
			intent.NationalSecurity, 80, 95, nil, []string{"national government body"}},
		{"local government, cables taken", intr(intrusion.Exfiltrated, []string{"diplomatic_cables_2015.zip"}), local, attributed, spyActor,
			intent.NationalSecurity, 60, 95, []string{"diplomatic_cables_2015.zip"},
			[]string{"government body", "state secrets (cable, diplomatic)", "mostly state targets"}},
		{"pharma but military files taken", intr(intrusion.Exfiltrated, []string{"military-personnel.xls", "embassy-contacts.doc", "clearance.csv"}), pharma, attributed, spyActor,
			intent.NationalSecurity, 60, 95, nil, nil},
		{"a C2 script's name is not loot", intr(intrusion.Exfiltrated, []string{"source-code.zip"}, "http://c2.example/policy.php?id=7", "http://c2.example/up/design-spec.docx"), pharma, attributed, commercialActor,
			intent.Economic, 70, 95, []string{"/up/design-spec.docx", "source-code.zip"}, nil},
		{"defense contractor with nothing else leans undetermined", intr(intrusion.Detected, nil), defense, attributed, nil,
			intent.Undetermined, 1, 40, nil, []string{"dual-use sector (defense)", "record was not given"}},
		{"defense contractor, design files and weapons", intr(intrusion.Exfiltrated, nil, "http://files.example/share/f35-design/weapon-bay.cad"), defense, attributed, spyActor,
			intent.Mixed, 30, 69, []string{"/share/f35-design/weapon-bay.cad"}, nil},
		{"state-owned energy firm with pricing taken", intr(intrusion.Exfiltrated, []string{"pricing-model.xlsx", "negotiation-position.docx", "merger-memo.doc"}), soe, attributed, commercialActor,
			intent.Economic, 60, 95, nil, []string{"state-owned"}},
		{"defense contractor, the most likely actor a spy though not named", intr(intrusion.Detected, nil), defense, likelySpy, spyActor,
			intent.NationalSecurity, 50, 80, nil, []string{"not attributed, but Cable Bear is the most likely actor (probability 0.80)"}},
		{"unknown sector, nothing known", intr(intrusion.Detected, nil), org.Organisation{ID: "x"}, unattributed, nil,
			intent.Undetermined, 1, 29, nil, []string{"victim sector unknown"}},
		{"host names are not evidence", intr(intrusion.Exfiltrated, nil, "http://military-policy.example/"), org.Organisation{ID: "x"}, unattributed, nil,
			intent.Undetermined, 1, 29, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := intent.Assess(tt.in, tt.victim, tt.attr, tt.actor)
			if got.Class != tt.want || got.Confidence < tt.minConf || got.Confidence > tt.maxConf {
				t.Errorf("Assess = %s (%d, econ %.2f, natsec %.2f), want %s with confidence in [%d, %d]; reasons:\n  %s",
					got.Class, got.Confidence, got.EconomicScore, got.NationalSecurityScore, tt.want, tt.minConf, tt.maxConf, strings.Join(got.Reasons, "\n  "))
			}
			if got.IntrusionID != tt.in.ID {
				t.Errorf("IntrusionID = %q, want %q", got.IntrusionID, tt.in.ID)
			}
			if got.Words != attribution.Words(got.Confidence) {
				t.Errorf("Words = %q, want %q for %d", got.Words, attribution.Words(got.Confidence), got.Confidence)
			}
			if tt.wantTaken != nil {
				want := slices.Sorted(slices.Values(tt.wantTaken))
				if !slices.Equal(got.Taken, want) {
					t.Errorf("Taken = %q, want %q", got.Taken, want)
				}
			}
			for _, r := range tt.reasons {
				if !slices.ContainsFunc(got.Reasons, func(s string) bool { return strings.Contains(s, r) }) {
					t.Errorf("no reason contains %q; reasons:\n  %s", r, strings.Join(got.Reasons, "\n  "))
				}
			}
		})
	}
}

func TestSectorClass(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pharmaceuticals", intent.SectorCommercial}, {"technology", intent.SectorCommercial},
		{"financial-services", intent.SectorCommercial}, {"government-national", intent.SectorGovernment},
		{"government", intent.SectorGovernment}, {"defense", intent.SectorDualUse},
		{"aerospace", intent.SectorDualUse}, {"infrastructure-nuclear", intent.SectorDualUse},
		{"telecommunications", intent.SectorDualUse}, {"", intent.SectorUnknown}, {"pharma", intent.SectorUnknown},
	}
	for _, tt := range tests {
		if got := intent.SectorClass(tt.in); got != tt.want {
			t.Errorf("SectorClass(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
