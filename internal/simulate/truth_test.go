package simulate_test

import (
	"encoding/json"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/simulate"
)

const deepPandaID = "intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064"

func readTruth(t *testing.T) simulate.Truth {
	t.Helper()
	var tr simulate.Truth
	readJSON(t, demoManifest.Truth, &tr)
	return tr
}

func TestTruthRefersToExistingOrgsActorsAndIndicators(t *testing.T) {
	tr := readTruth(t)
	orgs := map[string]string{}
	for _, o := range readOrgs(t) {
		orgs[o.ID] = o.Country + "/" + o.Sector
	}
	objs := readBundle(t)
	actors := map[string]bool{}
	for _, a := range tr.Actors {
		o, ok := objs[a.ID]
		if !ok || o.Type != "intrusion-set" || o.Name != a.Name {
			t.Errorf("truth actor %s %q is not an intrusion-set of that name in the intel (%+v)", a.ID, a.Name, o)
		}
		actors[a.ID] = true
	}
	if len(tr.Intrusions) == 0 {
		t.Fatal("truth lists no intrusions")
	}
	for _, in := range tr.Intrusions {
		if got := orgs[in.OrgID]; got != in.OrgCountry+"/"+in.OrgSector {
			t.Errorf("%s: organisation %s is %q in orgs.json, truth says %s/%s", in.ID, in.OrgID, got, in.OrgCountry, in.OrgSector)
		}
		if !actors[in.ActorID] {
			t.Errorf("%s: actor %s is not among the truth's actors", in.ID, in.ActorID)
		}
		if len(in.Indicators) == 0 {
			t.Errorf("%s: no indicator occurs in its events; nothing could find it", in.ID)
		}
		for _, id := range in.Indicators {
			if objs[id].Type != "indicator" {
				t.Errorf("%s: indicator %s is not in the intel bundle", in.ID, id)
			}
		}
		if !in.Start.Before(in.End) || in.Sessions == 0 {
			t.Errorf("%s: start %s end %s sessions %d", in.ID, in.Start, in.End, in.Sessions)
		}
		if len(in.Expected) != len(tr.Agreements) {
			t.Errorf("%s: %d expectations for %d agreements", in.ID, len(in.Expected), len(tr.Agreements))
		}
		switch in.Status {
		case intrusion.Exfiltrated:
			if len(in.Files) == 0 || in.BytesToActor < in.BytesTaken {
				t.Errorf("%s: exfiltrated with %d files, %d bytes taken, %d bytes to the actor", in.ID, len(in.Files), in.BytesTaken, in.BytesToActor)
			}
		case intrusion.Prevented:
			if len(in.Files) != 0 || in.BytesToActor > 100_000 {
				t.Errorf("%s: prevented but %d files, %d bytes to the actor", in.ID, len(in.Files), in.BytesToActor)
			}
		default:
			t.Errorf("%s: status %q", in.ID, in.Status)
		}
	}
	for _, l := range tr.Lookalikes {
		for _, o := range l.OrgIDs {
			if orgs[o] == "" {
				t.Errorf("look-alike %s names unknown organisation %s", l.ID, o)
			}
		}
		if l.Sessions == 0 {
			t.Errorf("look-alike %s has no sessions", l.ID)
		}
	}
}

// TestFirstDeepPandaEventAfterAgreement reads the telemetry, not the truth:
// the first event touching Deep Panda's infrastructure after the US-China
// agreement of 2015-09-25 is on 2015-09-26.
func TestFirstDeepPandaEventAfterAgreement(t *testing.T) {
	values := indicatorValues(t, deepPandaID)
	if len(values) < 3 {
		t.Fatalf("Deep Panda indicator values = %v, want several", values)
	}
	agreement := time.Date(2015, time.September, 25, 0, 0, 0, 0, time.UTC)
	var first time.Time
	for _, e := range readEVE(t) {
		ts, _ := time.Parse(eveTimeLayout, e.Timestamp)
		if ts.Before(agreement) {
			continue
		}
		if slices.Contains(values, e.SrcIP) || slices.Contains(values, e.DestIP) || mentions(e, values) {
			first = ts
			break
		}
	}
	if got, want := first.UTC().Format(time.DateOnly), "2015-09-26"; got != want {
		t.Errorf("first Deep Panda event on or after 2015-09-25 is on %s, want %s", got, want)
	}
	tr := readTruth(t)
	fa := tr.Summary.FirstAfter["us-cn-2015"]
	for _, in := range tr.Intrusions {
		if in.ID == fa && (in.ActorID != deepPandaID || in.Start.UTC().Format(time.DateOnly) != "2015-09-26") {
			t.Errorf("truth's first intrusion after us-cn-2015 is %s by %s on %s, want Deep Panda on 2015-09-26", in.ID, in.ActorName, in.Start)
		}
	}
}

// mentions reports whether a DNS, HTTP or TLS record names one of values.
func mentions(e eveLine, values []string) bool {
	var names []string
	var d struct {
		RRName string `json:"rrname"`
	}
	var h struct {
		Hostname string `json:"hostname"`
	}
	if e.DNS != nil && json.Unmarshal(e.DNS, &d) == nil {
		names = append(names, d.RRName)
	}
	if e.HTTP != nil && json.Unmarshal(e.HTTP, &h) == nil {
		names = append(names, h.Hostname)
	}
	if e.TLS != nil {
		names = append(names, e.TLS.SNI)
	}
	for _, n := range names {
		if slices.Contains(values, n) {
			return true
		}
	}
	return false
}

func TestTruthSummaryEchoesReporting(t *testing.T) {
	tr := readTruth(t)
	// CrowdStrike: seven companies, five technology and two pharmaceuticals.
	if diff := cmp.Diff(map[string]int{"technology": 5, "pharmaceuticals": 2}, tr.Summary.TargetedAfterUSCN); diff != "" {
		t.Errorf("TargetedAfterUSCN (-want +got):\n%s", diff)
	}
	for _, in := range tr.Intrusions {
		if in.ActorID == deepPandaID && in.Start.After(time.Date(2015, time.September, 25, 0, 0, 0, 0, time.UTC)) && in.Status != intrusion.Prevented {
			t.Errorf("%s: Deep Panda after the agreement is %s, want prevented (\"detected and prevented\")", in.ID, in.Status)
		}
	}
}

func TestExpectedVerdicts(t *testing.T) {
	tr := readTruth(t)
	find := func(org, actor, month string) simulate.TruthIntrusion {
		for _, in := range tr.Intrusions {
			if in.OrgID == org && in.ActorName == actor && in.Start.Format("2006-01") == month {
				return in
			}
		}
		t.Fatalf("no %s intrusion at %s in %s", actor, org, month)
		return simulate.TruthIntrusion{}
	}
	tests := []struct {
		org, actor, month, agreement string
		want                         pact.Verdict
	}{
		{"meridian-pharma", "Deep Panda", "2015-08", "us-cn-2015", pact.OutsideScope},      // before the agreement
		{"bluepeak-software", "Deep Panda", "2015-09", "us-cn-2015", pact.NeedsAssessment}, // prevented, nothing taken
		{"bluepeak-software", "Deep Panda", "2015-09", "gb-cn-2015", pact.OutsideScope},    // US victim
		{"thameside-pharma", "menuPass", "2015-10", "gb-cn-2015", pact.PotentialViolation},
		{"thameside-pharma", "menuPass", "2015-10", "us-cn-2015", pact.OutsideScope},
		{"thameside-pharma", "menuPass", "2015-10", "g20-2015", pact.OutsideScope}, // before Antalya
		{"pennine-microsystems", "menuPass", "2015-11", "g20-2015", pact.PotentialViolation},
		{"ofwr-gov", "APT3", "2015-10", "us-cn-2015", pact.OutsideScope},            // national security
		{"ironclad-aerospace", "APT28", "2015-11", "us-cn-2015", pact.OutsideScope}, // Russia no party
		{"ironclad-aerospace", "APT28", "2015-11", "g20-2015", pact.OutsideScope},   // party, but national security
	}
	for _, tt := range tests {
		in := find(tt.org, tt.actor, tt.month)
		var got pact.Verdict
		for _, e := range in.Expected {
			if e.AgreementID == tt.agreement {
				got = e.Verdict
			}
		}
		if got != tt.want {
			t.Errorf("%s %s %s under %s = %q, want %q", tt.actor, tt.org, tt.month, tt.agreement, got, tt.want)
		}
	}
}

// TestIndicatorsOnlyInPlantedActivity sweeps the EVE telemetry for the
// exact IP and domain values of every supported indicator: each hit must
// fall in a planted intrusion (same sensor's organisation, within its
// window) or in the shared-hosting look-alike, never in other background.
func TestIndicatorsOnlyInPlantedActivity(t *testing.T) {
	var values []string
	for _, a := range readTruth(t).Actors {
		values = append(values, indicatorValues(t, a.ID)...)
	}
	tr := readTruth(t)
	sensorOrg := map[string]string{}
	for _, o := range readOrgs(t) {
		for _, s := range o.Sensors {
			sensorOrg[s] = o.ID
		}
	}
	covered := func(org string, ts time.Time) bool {
		for _, in := range tr.Intrusions {
			if in.OrgID == org && !ts.Before(in.Start) && !ts.After(in.End.Add(3*time.Minute)) {
				return true
			}
		}
		for _, l := range tr.Lookalikes {
			if slices.Contains(l.OrgIDs, org) && len(l.Indicators) > 0 && !ts.Before(l.Start) && !ts.After(l.End.Add(3*time.Minute)) {
				return true
			}
		}
		return false
	}
	hits := 0
	for i, e := range readEVE(t) {
		if !(slices.Contains(values, e.SrcIP) || slices.Contains(values, e.DestIP) || mentions(e, values)) {
			continue
		}
		hits++
		ts, _ := time.Parse(eveTimeLayout, e.Timestamp)
		if org := sensorOrg[e.Host]; !covered(org, ts) {
			t.Errorf("eve.json:%d: indicator value in %s at %s outside every planted intrusion", i+1, org, ts)
		}
	}
	if hits < 100 {
		t.Errorf("%d EVE records carry indicator values, want at least 100", hits)
	}
}

// TestTakenFilesAppearInTelemetry checks each exfiltrated file's hash is in
// the victim sensor's file records.
func TestTakenFilesAppearInTelemetry(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range readEVE(t) {
		if e.Fileinfo != nil {
			seen[e.Fileinfo.SHA256] = true
		}
	}
	eachLine(t, filepath.Join(demoDir, "zeek", "files.log"), func(n int, line []byte) {
		var r struct {
			SHA256 string `json:"sha256"`
		}
		if err := json.Unmarshal(line, &r); err == nil {
			seen[r.SHA256] = true
		}
	})
	files := 0
	for _, in := range readTruth(t).Intrusions {
		for _, f := range in.Files {
			files++
			if !seen[f.SHA256] {
				t.Errorf("%s: taken file %s (%s) appears in no file record", in.ID, f.Name, f.SHA256)
			}
			if !strings.Contains(f.Name, ".") || f.Bytes < 100_000 {
				t.Errorf("%s: taken file %q of %d bytes, want a named document or archive", in.ID, f.Name, f.Bytes)
			}
		}
	}
	if files < 8 {
		t.Errorf("%d taken files in all, want at least 8", files)
	}
}

func TestLookalikes(t *testing.T) {
	tr := readTruth(t)
	got := map[string]simulate.TruthLookalike{}
	for _, l := range tr.Lookalikes {
		got[l.ID] = l
	}
	shared := got["lookalike-shared-cdn"]
	if shared.Expected != "unattributed" || len(shared.Indicators) != 1 {
		t.Errorf("shared-CDN look-alike = %+v, want one indicator, expected unattributed", shared)
	}
	for _, id := range []string{"lookalike-parent-domain", "lookalike-sqli-scanning"} {
		if l := got[id]; l.Expected != "no-sighting" || len(l.Indicators) != 0 || l.Sessions == 0 {
			t.Errorf("%s = %+v, want sessions with no indicator", id, l)
		}
	}
	// The shared indicator indicates two actors, weakly.
	objs := readBundle(t)
	var targets []string
	for _, o := range objs {
		if o.Type == "relationship" && o.RelationshipType == "indicates" && len(shared.Indicators) == 1 && o.SourceRef == shared.Indicators[0] {
			targets = append(targets, o.TargetRef)
		}
	}
	if len(targets) != 2 || objs[shared.Indicators[0]].Confidence > 30 {
		t.Errorf("shared indicator indicates %v with confidence %d, want two actors at low confidence", targets, objs[shared.Indicators[0]].Confidence)
	}
	if _, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(objs[shared.Indicators[0]].Pattern, "[ipv4-addr:value = '"), "']")); err != nil {
		t.Errorf("shared indicator pattern %q is not a single IPv4 comparison", objs[shared.Indicators[0]].Pattern)
	}
}

// TestDeepPandaWorksBeijingHours checks the timing signal attribution can
// use: most events touching Deep Panda infrastructure fall in 09:00-18:00
// Beijing time (UTC+8).
func TestDeepPandaWorksBeijingHours(t *testing.T) {
	values := indicatorValues(t, deepPandaID)
	in, all := 0, 0
	for _, e := range readEVE(t) {
		if !(slices.Contains(values, e.SrcIP) || slices.Contains(values, e.DestIP) || mentions(e, values)) {
			continue
		}
		ts, _ := time.Parse(eveTimeLayout, e.Timestamp)
		h := ts.UTC().Add(8 * time.Hour).Hour()
		all++
		if h >= 9 && h < 18 {
			in++
		}
	}
	if all == 0 || float64(in) < 0.85*float64(all) {
		t.Errorf("%d of %d Deep Panda events in Beijing office hours, want at least 85%%", in, all)
	}
}
