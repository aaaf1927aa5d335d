package storetest

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/store"
	"github.com/pactwatch/pactwatch/internal/telemetry"
)

// Opener opens a backend's store for one test. The first call with a given
// t must return a store on a fresh, empty database of t's own; a later call
// with the same t, after the earlier store was closed, must reopen that same
// database (the suite checks persistence this way). The suite closes every
// store it opens.
type Opener func(t *testing.T) store.Store

// Run runs the conformance suite against the backend open opens.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Empty", testEmpty},
		{"ImportIntel", testImportIntel},
		{"ImportIntelIdempotent", testImportIntelIdempotent},
		{"ImportIntelReplaces", testImportIntelReplaces},
		{"ImportIntelAllFields", testImportIntelAllFields},
		{"ImportIntelMany", testImportIntelMany},
		{"FindActors", testFindActors},
		{"Organisations", testOrganisations},
		{"Agreements", testAgreements},
		{"CheckpointUnknown", testCheckpointUnknown},
		{"CommitBatch", testCommitBatch},
		{"CommitBatchIdempotent", testCommitBatchIdempotent},
		{"CheckpointMonotonic", testCheckpointMonotonic},
		{"Checkpoints", testCheckpoints},
		{"Inputs", testInputs},
		{"CheckpointHeadLengths", testCheckpointHeadLengths},
		{"ProvisionalHitsReplaced", testProvisionalHits},
		{"ContinuesOtherKey", testContinues},
		{"HitsOrder", testHitsOrder},
		{"ResumeAfterCrash", testResumeAfterCrash},
		{"FailedBatchLeavesNothing", testFailedBatch},
		{"CancelledBatchAtomic", testCancelledBatch},
		{"ConcurrentCommitBatch", testConcurrentCommit},
		{"ReplaceAnalysis", testReplaceAnalysis},
		{"ReplaceAnalysisFailureKeepsOld", testReplaceAnalysisFailure},
		{"IntrusionNotFound", testIntrusionNotFound},
		{"Persistence", testPersistence},
	}
	tests = append(tests, caseTests...)  // casework.go
	tests = append(tests, osintTests...) // osint.go
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, Opener(open)) })
	}
}

// opened opens a store and closes it when the test ends.
func opened(t *testing.T, open Opener) store.Store {
	t.Helper()
	s := open(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// cmpOpts compare records the way a round trip through JSON or SQL keeps
// them: nil and empty lists alike, times by instant.
var cmpOpts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

func must[T any](t *testing.T, what string) func(T, error) T {
	t.Helper()
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

var base = time.Date(2015, 9, 26, 3, 0, 0, 0, time.UTC)

const attack = "mitre-attack"

func sampleIntel() *intel.Collection {
	return &intel.Collection{
		Actors: []intel.Actor{
			{
				ID: "intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064", Name: "Deep Panda", Source: attack,
				Aliases:    []string{"Shell Crew", "WebMasters", "KungFu Kittens", "PinkPanther", "Black Vine"},
				ExternalID: "G0009", Description: "a suspected Chinese threat group",
				Sponsors:   []intel.SponsorClaim{{Country: "CN", Confidence: 50, Source: attack, Basis: "suspected Chinese"}},
				Techniques: []string{"T1190", "T1505.003"}, Software: []string{"Derusbi", "China Chopper"},
				TargetSectors: []string{"government-national", "defense", "financial-services"},
			},
			{
				ID: "intrusion-set--fe8796a4-af67-4d2b-b6a6-2a5dba1c6a0b", Name: "APT19", Source: attack,
				Aliases: []string{"Codoso", "C0d0so0"}, ExternalID: "G0073",
			},
			{
				// The same group as MISP describes it: another source keeps its own record.
				ID: "misp-galaxy--0c4c9b8f-4a44-4b6a-9b0b-4e3a6f0c1b11", Name: "APT19", Source: "misp-galaxy",
				Aliases:  []string{"Deep Panda", "Shell_Crew", "C0d0so"},
				Sponsors: []intel.SponsorClaim{{Country: "CN", Source: "misp-galaxy"}},
				Merges:   []string{"G0009", "G0073"},
			},
		},
		Software: []intel.Software{
			{ID: "malware--94379dec-5c87-49db-b36e-66abc0b81344", Name: "Derusbi", Kind: "malware", ExternalID: "S0021", Source: attack, Aliases: []string{"PHOTO"}},
			{ID: "tool--4b6ec280-7bbb-48ff-ae59-b189520ebe83", Name: "China Chopper", Kind: "tool", ExternalID: "S0020", Source: attack},
		},
		Techniques: []intel.Technique{
			{ID: "attack-pattern--3f886f2a-874f-4333-b794-aa6075009b1c", ExternalID: "T1190", Name: "Exploit Public-Facing Application", Tactics: []string{"initial-access"}},
			{ID: "attack-pattern--5d0d3609-d06d-49e1-b9c9-b544e0c618cb", ExternalID: "T1505.003", Name: "Web Shell", Tactics: []string{"persistence"}},
		},
		Indicators: []intel.Indicator{
			// One STIX indicator OR-ing two comparisons: two rows, one id.
			{ID: "indicator--11111111-1111-4111-8111-111111111111", Type: intel.IPv4, Value: "192.0.2.10", Pattern: "[ipv4-addr:value = '192.0.2.10'] OR [domain-name:value = 'evil.example']",
				ValidFrom: base.Add(-48 * time.Hour), Confidence: 85, TLP: "green", Source: "crowdstrike", Indicates: []string{"intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064"}},
			{ID: "indicator--11111111-1111-4111-8111-111111111111", Type: intel.Domain, Value: "evil.example", Pattern: "[ipv4-addr:value = '192.0.2.10'] OR [domain-name:value = 'evil.example']",
				ValidFrom: base.Add(-48 * time.Hour), ValidUntil: base.Add(90 * 24 * time.Hour), Confidence: 85, TLP: "green", Source: "crowdstrike"},
			{ID: "indicator--22222222-2222-4222-8222-222222222222", Type: intel.SHA256, Value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Source: "iocs.txt", Name: "derusbi dropper"},
		},
		Relationships: []intel.Relationship{
			{ID: "relationship--aaaa", Type: "uses", From: "intrusion-set--a653431d-6a5e-4600-8ad3-609b5af57064", To: "malware--94379dec-5c87-49db-b36e-66abc0b81344", Source: attack},
			{ID: "relationship--bbbb", Type: "indicates", From: "indicator--22222222-2222-4222-8222-222222222222", To: "malware--94379dec-5c87-49db-b36e-66abc0b81344", Source: "iocs.txt"},
		},
		Unsupported: []intel.Unsupported{
			{File: "bundle.json", ID: "indicator--33333333-3333-4333-8333-333333333333", Input: "[file:size > 100]", Reason: "comparison on file:size"},
			{File: "iocs.txt", Line: 7, Input: "not-an-ioc", Reason: "unknown type"},
		},
	}
}

func fullStats(c *intel.Collection) store.ImportStats {
	return store.ImportStats{
		Actors: len(c.Actors), Software: len(c.Software), Techniques: len(c.Techniques),
		Indicators: len(c.Indicators), Relationships: len(c.Relationships), Unsupported: len(c.Unsupported),
	}
}

// sorted returns copies of c's lists in the order the store documents.
func sorted(c *intel.Collection) intel.Collection {
	out := intel.Collection{
		Actors:        append([]intel.Actor(nil), c.Actors...),
		Software:      append([]intel.Software(nil), c.Software...),
		Techniques:    append([]intel.Technique(nil), c.Techniques...),
		Indicators:    append([]intel.Indicator(nil), c.Indicators...),
		Relationships: append([]intel.Relationship(nil), c.Relationships...),
		Unsupported:   append([]intel.Unsupported(nil), c.Unsupported...),
	}
	sort.SliceStable(out.Actors, func(i, j int) bool {
		a, b := out.Actors[i], out.Actors[j]
		return less(a.Name, b.Name, a.Source, b.Source, a.ID, b.ID)
	})
	sort.SliceStable(out.Software, func(i, j int) bool { return out.Software[i].ID < out.Software[j].ID })
	sort.SliceStable(out.Techniques, func(i, j int) bool {
		a, b := out.Techniques[i], out.Techniques[j]
		return less(a.ExternalID, b.ExternalID, a.ID, b.ID)
	})
	sort.SliceStable(out.Indicators, func(i, j int) bool {
		a, b := out.Indicators[i], out.Indicators[j]
		return less(a.ID, b.ID, string(a.Type), string(b.Type), a.Value, b.Value)
	})
	sort.SliceStable(out.Relationships, func(i, j int) bool { return out.Relationships[i].ID < out.Relationships[j].ID })
	sort.SliceStable(out.Unsupported, func(i, j int) bool {
		a, b := out.Unsupported[i], out.Unsupported[j]
		return less(a.File, b.File, fmt.Sprintf("%020d", a.Line), fmt.Sprintf("%020d", b.Line), a.ID, b.ID, a.Input, b.Input)
	})
	return out
}

// less compares pairs (a1, b1, a2, b2, ...) lexicographically.
func less(pairs ...string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] != pairs[i+1] {
			return pairs[i] < pairs[i+1]
		}
	}
	return false
}

// stored reads every intel list back.
func stored(t *testing.T, s store.Store) intel.Collection {
	t.Helper()
	ctx := t.Context()
	return intel.Collection{
		Actors:        must[[]intel.Actor](t, "Actors")(s.Actors(ctx)),
		Software:      must[[]intel.Software](t, "Software")(s.Software(ctx)),
		Techniques:    must[[]intel.Technique](t, "Techniques")(s.Techniques(ctx)),
		Indicators:    must[[]intel.Indicator](t, "Indicators")(s.Indicators(ctx)),
		Relationships: must[[]intel.Relationship](t, "Relationships")(s.Relationships(ctx)),
		Unsupported:   must[[]intel.Unsupported](t, "Unsupported")(s.Unsupported(ctx)),
	}
}

func testEmpty(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	got := stored(t, s)
	if diff := cmp.Diff(intel.Collection{}, got, cmpOpts); diff != "" {
		t.Errorf("intel of an empty store (-want +got):\n%s", diff)
	}
	counts := map[string]func() (int, error){
		"Organisations": func() (int, error) { v, err := s.Organisations(ctx); return len(v), err },
		"Agreements":    func() (int, error) { v, err := s.Agreements(ctx); return len(v), err },
		"Hits":          func() (int, error) { v, err := s.Hits(ctx); return len(v), err },
		"Intrusions":    func() (int, error) { v, err := s.Intrusions(ctx); return len(v), err },
		"Findings":      func() (int, error) { v, err := s.Findings(ctx); return len(v), err },
		"Attributions":  func() (int, error) { v, err := s.Attributions(ctx); return len(v), err },
		"Intents":       func() (int, error) { v, err := s.Intents(ctx); return len(v), err },
	}
	for name, f := range counts {
		if n, err := f(); err != nil || n != 0 {
			t.Errorf("%s() on an empty store = %d records, %v; want 0, nil", name, n, err)
		}
	}
	if _, err := s.ImportIntel(ctx, &intel.Collection{}); err != nil {
		t.Errorf("ImportIntel(empty) = %v", err)
	}
}

func testImportIntel(t *testing.T, open Opener) {
	s := opened(t, open)
	c := sampleIntel()
	st, err := s.ImportIntel(t.Context(), c)
	if err != nil {
		t.Fatalf("ImportIntel = %v", err)
	}
	if diff := cmp.Diff(fullStats(c), st); diff != "" {
		t.Errorf("ImportIntel stats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sorted(c), stored(t, s), cmpOpts); diff != "" {
		t.Errorf("stored intel (-want +got):\n%s", diff)
	}
}

func testImportIntelIdempotent(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	c := sampleIntel()
	must[store.ImportStats](t, "first ImportIntel")(s.ImportIntel(ctx, c))
	st, err := s.ImportIntel(ctx, sampleIntel())
	if err != nil {
		t.Fatalf("second ImportIntel = %v", err)
	}
	if st != (store.ImportStats{}) {
		t.Errorf("re-import stats = %+v, want all zero", st)
	}
	if diff := cmp.Diff(sorted(c), stored(t, s), cmpOpts); diff != "" {
		t.Errorf("intel after re-import (-want +got):\n%s", diff)
	}

	// Duplicates within one collection count once; the last one wins.
	d := &intel.Collection{Indicators: []intel.Indicator{
		{ID: "indicator--dup", Type: intel.IPv4, Value: "198.51.100.1", Source: "a", Confidence: 10},
		{ID: "indicator--dup", Type: intel.IPv4, Value: "198.51.100.1", Source: "b", Confidence: 20},
	}}
	st, err = s.ImportIntel(ctx, d)
	if err != nil {
		t.Fatalf("ImportIntel(duplicates) = %v", err)
	}
	if st.Indicators != 1 {
		t.Errorf("ImportIntel(two rows, one key) counted %d indicators, want 1", st.Indicators)
	}
	inds := must[[]intel.Indicator](t, "Indicators")(s.Indicators(ctx))
	var got []intel.Indicator
	for _, in := range inds {
		if in.ID == "indicator--dup" {
			got = append(got, in)
		}
	}
	if diff := cmp.Diff(d.Indicators[1:], got, cmpOpts); diff != "" {
		t.Errorf("duplicate indicator stored (-want +got):\n%s", diff)
	}
}

func testImportIntelReplaces(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	c := sampleIntel()
	must[store.ImportStats](t, "ImportIntel")(s.ImportIntel(ctx, c))

	// Change records in place, drop an alias, and add one new indicator.
	c2 := sampleIntel()
	c2.Actors[0].Description = "updated"
	c2.Actors[0].Aliases = []string{"WebMasters"} // Shell Crew, KungFu Kittens ... dropped
	c2.Actors[0].Revoked = true
	c2.Software[0].Name = "Derusbi (renamed)"
	c2.Techniques[1].Tactics = []string{"persistence", "privilege-escalation"}
	c2.Relationships[0].Type = "attributed-to"
	c2.Indicators[2].Confidence = 15
	c2.Indicators[2].ValidUntil = base.Add(time.Hour)
	c2.Unsupported[1].Reason = "changed"
	c2.Indicators = append(c2.Indicators, intel.Indicator{ID: "indicator--new", Type: intel.Email, Value: "x@evil.example", Source: "s"})
	st, err := s.ImportIntel(ctx, c2)
	if err != nil {
		t.Fatalf("ImportIntel(changed) = %v", err)
	}
	if want := (store.ImportStats{Indicators: 1}); st != want {
		t.Errorf("ImportIntel(changed) stats = %+v, want %+v", st, want)
	}
	if diff := cmp.Diff(sorted(c2), stored(t, s), cmpOpts); diff != "" {
		t.Errorf("intel after replacing import (-want +got):\n%s", diff)
	}
	// The dropped alias no longer finds the attack record, only MISP's.
	got, err := s.FindActors(ctx, "KungFu Kittens")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FindActors(dropped alias) = %v, %v; want ErrNotFound", names(got), err)
	}
	got, err = s.FindActors(ctx, "Shell Crew")
	if err != nil || len(got) != 1 || got[0].Source != "misp-galaxy" {
		t.Errorf("FindActors(Shell Crew) after the alias was dropped = %v, %v; want the misp-galaxy record only", names(got), err)
	}
}

func testImportIntelAllFields(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	c := &intel.Collection{
		Actors:        []intel.Actor{Filled[intel.Actor](1), Filled[intel.Actor](2)},
		Software:      []intel.Software{Filled[intel.Software](1)},
		Techniques:    []intel.Technique{Filled[intel.Technique](1)},
		Indicators:    []intel.Indicator{Filled[intel.Indicator](1), Filled[intel.Indicator](2)},
		Relationships: []intel.Relationship{Filled[intel.Relationship](1)},
		Unsupported:   []intel.Unsupported{Filled[intel.Unsupported](1)},
	}
	if _, err := s.ImportIntel(ctx, c); err != nil {
		t.Fatalf("ImportIntel = %v", err)
	}
	if diff := cmp.Diff(sorted(c), stored(t, s)); diff != "" {
		t.Errorf("records with every field set did not survive the store (-want +got):\n%s", diff)
	}
}

// testImportIntelMany imports enough indicators to span several of any
// backend's internal batches, then re-imports them with every third one
// changed and new ones interleaved.
func testImportIntelMany(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	mk := func(i, conf int) intel.Indicator {
		return intel.Indicator{ID: fmt.Sprintf("indicator--%05d", i), Type: intel.Domain,
			Value: fmt.Sprintf("h%d.evil.example", i), Confidence: conf, Source: "feed"}
	}
	var first, second []intel.Indicator
	for i := range 1000 {
		first = append(first, mk(2*i, 10))
	}
	for i := range 1500 {
		conf := 10
		if i%3 == 0 {
			conf = 90
		}
		second = append(second, mk(i*4/3, conf)) // hits existing even ids and new odd ones
	}
	st, err := s.ImportIntel(ctx, &intel.Collection{Indicators: first})
	if err != nil || st.Indicators != len(first) {
		t.Fatalf("ImportIntel(%d indicators) = %+v, %v", len(first), st, err)
	}
	want := map[string]intel.Indicator{}
	for _, in := range append(first, second...) {
		want[in.ID] = in
	}
	st, err = s.ImportIntel(ctx, &intel.Collection{Indicators: second})
	if err != nil {
		t.Fatalf("ImportIntel(second) = %v", err)
	}
	if st.Indicators != len(want)-len(first) {
		t.Errorf("ImportIntel(second) counted %d new indicators, want %d", st.Indicators, len(want)-len(first))
	}
	var wantList []intel.Indicator
	for _, in := range want {
		wantList = append(wantList, in)
	}
	sort.Slice(wantList, func(i, j int) bool { return wantList[i].ID < wantList[j].ID })
	got := must[[]intel.Indicator](t, "Indicators")(s.Indicators(ctx))
	if diff := cmp.Diff(wantList, got, cmpOpts); diff != "" {
		t.Errorf("indicators after the second import (-want +got):\n%s", diff)
	}
}

func names(actors []intel.Actor) []string {
	var out []string
	for _, a := range actors {
		out = append(out, a.Source+":"+a.Name)
	}
	return out
}

func testFindActors(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	must[store.ImportStats](t, "ImportIntel")(s.ImportIntel(ctx, sampleIntel()))
	both := []string{"misp-galaxy:APT19", attack + ":Deep Panda"}
	tests := []struct {
		name string
		want []string // source:name, ordered by source then id
	}{
		{"Shell Crew", both},
		{"shell-crew", both},
		{"SHELLCREW", both},
		{"shell_crew", both},
		{" Deep  Panda ", both},
		{"deep.panda", both},
		{"Kung Fu Kittens", []string{attack + ":Deep Panda"}},
		{"APT19", []string{"misp-galaxy:APT19", attack + ":APT19"}},
		{"apt-19", []string{"misp-galaxy:APT19", attack + ":APT19"}},
		{"c0d0so", []string{"misp-galaxy:APT19"}},
		{"C0d0so0", []string{attack + ":APT19"}},
	}
	for _, tt := range tests {
		got, err := s.FindActors(ctx, tt.name)
		if err != nil {
			t.Errorf("FindActors(%q) = %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, names(got)); diff != "" {
			t.Errorf("FindActors(%q) (-want +got):\n%s", tt.name, diff)
		}
	}
	// Full records come back, not just names.
	got := must[[]intel.Actor](t, "FindActors")(s.FindActors(ctx, "PinkPanther"))
	if diff := cmp.Diff(sampleIntel().Actors[:1], got, cmpOpts); diff != "" {
		t.Errorf("FindActors(PinkPanther) (-want +got):\n%s", diff)
	}
	for _, name := range []string{"Fancy Bear", "", "---", "Deep Pand", "shellcrews"} {
		got, err := s.FindActors(ctx, name)
		if !errors.Is(err, store.ErrNotFound) || got != nil {
			t.Errorf("FindActors(%q) = %v, %v; want nil, ErrNotFound", name, names(got), err)
		}
	}
}

func testOrganisations(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	acme := org.Organisation{ID: "acme-pharma", Name: "Acme Pharma", Country: "US", Sector: "pharmaceuticals",
		Networks: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}, Sensors: []string{"acme-ids1"}}
	bolt := org.Organisation{ID: "bolt-tech", Name: "Bolt Tech", Country: "US", Sector: "technology"}
	if err := s.PutOrganisations(ctx, []org.Organisation{bolt, acme}); err != nil {
		t.Fatalf("PutOrganisations = %v", err)
	}
	got := must[[]org.Organisation](t, "Organisations")(s.Organisations(ctx))
	if diff := cmp.Diff([]org.Organisation{acme, bolt}, got, cmpOpts); diff != "" {
		t.Errorf("Organisations, ordered by id (-want +got):\n%s", diff)
	}
	bolt.Sector = "defense"
	full := Filled[org.Organisation](3)
	if err := s.PutOrganisations(ctx, []org.Organisation{bolt, full}); err != nil {
		t.Fatalf("PutOrganisations(replace) = %v", err)
	}
	got = must[[]org.Organisation](t, "Organisations")(s.Organisations(ctx))
	if diff := cmp.Diff([]org.Organisation{full, acme, bolt}, got, cmpOpts); diff != "" {
		t.Errorf("Organisations after replacing one (-want +got):\n%s", diff)
	}
}

// sampleAgreement is a valid user agreement with every field set. Agreements
// are stored in pact's file format, which keeps dates, not times of day.
func sampleAgreement(id string) pact.Agreement {
	return pact.Agreement{
		ID: id, Title: "US–China cyber commitments", Parties: []string{"US", "CN"}, Multilateral: true,
		Signed: time.Date(2015, 9, 25, 0, 0, 0, 0, time.UTC), Effective: time.Date(2015, 9, 26, 0, 0, 0, 0, time.UTC),
		EffectiveKnown: true,
		Prohibited:     "neither country's government will conduct or knowingly support cyber-enabled theft of intellectual property",
		Exclusions:     []string{"national-security espionage"},
		Obligations:    pact.Obligations{ResponseDays: 30, DialogueMonths: 6, Text: []string{"timely responses"}},
		Source:         "White House fact sheet", SourceURL: "https://example.org/fact-sheet",
		Notes: []string{"the effective date is pactwatch's assumption"},
	}
}

func testAgreements(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	a, b := sampleAgreement("us-cn-2015"), sampleAgreement("custom-2020")
	a.EffectiveKnown, a.Effective = false, a.Signed
	for _, x := range []pact.Agreement{a, b} {
		if err := s.PutAgreement(ctx, x); err != nil {
			t.Fatalf("PutAgreement(%s) = %v", x.ID, err)
		}
	}
	a.EffectiveKnown = true
	a.Effective = a.Signed.AddDate(0, 0, 1)
	if err := s.PutAgreement(ctx, a); err != nil {
		t.Fatalf("PutAgreement(%s, replaced) = %v", a.ID, err)
	}
	got := must[[]pact.Agreement](t, "Agreements")(s.Agreements(ctx))
	if diff := cmp.Diff([]pact.Agreement{b, a}, got, cmpOpts); diff != "" {
		t.Errorf("Agreements, ordered by id (-want +got):\n%s", diff)
	}
	// An agreement that could not be read back is refused, and changes nothing.
	bad := sampleAgreement("")
	if err := s.PutAgreement(ctx, bad); err == nil {
		t.Errorf("PutAgreement(no id) = nil, want an error")
	}
	if got := must[[]pact.Agreement](t, "Agreements")(s.Agreements(ctx)); len(got) != 2 {
		t.Errorf("Agreements after a refused put = %d, want 2", len(got))
	}
}

// hit builds a matched event of input key at byte offset off.
func hit(key string, off int64, at time.Time, orgID string, matches ...intrusion.Match) intrusion.Hit {
	if len(matches) == 0 {
		matches = []intrusion.Match{{Field: telemetry.FieldDstIP, Value: "192.0.2.10", IndicatorID: "indicator--1", Type: "ipv4", Indicator: "192.0.2.10"}}
	}
	return intrusion.Hit{
		OrgID:   orgID,
		Matches: matches,
		Event: telemetry.Event{
			Time: at, Format: "eve", Kind: "http", Sensor: "ids1", Proto: "TCP",
			SrcIP: netip.MustParseAddr("203.0.113.5"), SrcPort: 49152,
			DstIP: netip.MustParseAddr("192.0.2.10"), DstPort: 80,
			Domain: "evil.example", URL: "http://evil.example/shell.aspx", BytesOut: off + 1, BytesIn: 2,
			Source: telemetry.Source{File: key, Line: off/100 + 1, Offset: off, Length: 99},
		},
	}
}

func checkpoint(key string, off int64) store.Checkpoint {
	return store.Checkpoint{Key: key, File: "/var/log/" + key, HeadLen: min(off+50, 64<<10), Offset: off, Line: off / 100, Events: off / 100, Errors: 1,
		Updated: base.Add(time.Duration(off) * time.Millisecond)}
}

func testCheckpointUnknown(t *testing.T, open Opener) {
	s := opened(t, open)
	cp, err := s.Checkpoint(t.Context(), "never-seen")
	if err != nil {
		t.Fatalf("Checkpoint(never-seen) = %v", err)
	}
	if cp.Offset != 0 || cp.Line != 0 || cp.Events != 0 || cp.Errors != 0 {
		t.Errorf("Checkpoint(never-seen) = %+v, want zero counters", cp)
	}
}

func testCommitBatch(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	full := Filled[intrusion.Hit](5)
	full.Event.Source.File = "k1"
	full.Event.Time = base.Add(3 * time.Second)
	b := store.Batch{Checkpoint: checkpoint("k1", 500), Hits: []intrusion.Hit{
		hit("k1", 0, base, "acme-pharma"),
		hit("k1", 100, base.Add(time.Second), "bolt-tech",
			intrusion.Match{Field: "domain", Value: "evil.example", IndicatorID: "indicator--b", Type: "domain", Indicator: "evil.example"},
			intrusion.Match{Field: "dst_ip", Value: "192.0.2.10", IndicatorID: "indicator--a", Type: "ipv4", Indicator: "192.0.2.10"},
			intrusion.Match{Field: "dns.answers", Value: "192.0.2.10", IndicatorID: "indicator--a", Type: "ipv4", Indicator: "192.0.2.10"},
		),
		full,
	}}
	if err := s.CommitBatch(ctx, b); err != nil {
		t.Fatalf("CommitBatch = %v", err)
	}
	cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "k1"))
	if diff := cmp.Diff(b.Checkpoint, cp, cmpOpts); diff != "" {
		t.Errorf("Checkpoint after commit (-want +got):\n%s", diff)
	}
	got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx))
	if diff := cmp.Diff(b.Hits, got, cmpOpts); diff != "" {
		t.Errorf("Hits (-want +got):\n%s", diff)
	}
	// A batch with no hits still advances the checkpoint.
	if err := s.CommitBatch(ctx, store.Batch{Checkpoint: checkpoint("k1", 900)}); err != nil {
		t.Fatalf("CommitBatch(no hits) = %v", err)
	}
	if cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "k1")); cp.Offset != 900 {
		t.Errorf("Checkpoint after an empty batch: offset %d, want 900", cp.Offset)
	}
	if err := s.CommitBatch(ctx, store.Batch{Hits: b.Hits}); err == nil {
		t.Errorf("CommitBatch(no input key) = nil, want an error")
	}
}

func testCommitBatchIdempotent(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	var hits []intrusion.Hit
	for i := range 20 {
		hits = append(hits, hit("k", int64(i)*100, base.Add(time.Duration(i)*time.Minute), "acme-pharma"))
	}
	b := store.Batch{Checkpoint: checkpoint("k", 2000), Hits: hits}
	for i := range 3 {
		if err := s.CommitBatch(ctx, b); err != nil {
			t.Fatalf("CommitBatch #%d = %v", i+1, err)
		}
	}
	got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx))
	if diff := cmp.Diff(hits, got, cmpOpts); diff != "" {
		t.Errorf("Hits after committing one batch three times (-want +got):\n%s", diff)
	}
	// Re-sending a hit with one more match adds the match, not the hit.
	extra := hits[3]
	extra.Matches = append(append([]intrusion.Match(nil), extra.Matches...),
		intrusion.Match{Field: "domain", Value: "evil.example", IndicatorID: "indicator--2", Type: "domain", Indicator: "evil.example"})
	if err := s.CommitBatch(ctx, store.Batch{Checkpoint: checkpoint("k", 2000), Hits: []intrusion.Hit{extra}}); err != nil {
		t.Fatalf("CommitBatch(extra match) = %v", err)
	}
	got = must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx))
	if len(got) != len(hits) || len(got[3].Matches) != 2 {
		t.Errorf("after re-sending a hit with one more match: %d hits, hit 3 has %d matches; want %d hits, 2 matches", len(got), len(got[3].Matches), len(hits))
	}
}

func testCheckpointMonotonic(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	for _, b := range []store.Batch{
		{Checkpoint: checkpoint("k", 100), Hits: []intrusion.Hit{hit("k", 0, base, "o")}},
		{Checkpoint: checkpoint("k", 300), Hits: []intrusion.Hit{hit("k", 200, base.Add(2*time.Second), "o")}},
		// A stale batch redelivered late: its hits merge, the checkpoint stays.
		{Checkpoint: checkpoint("k", 200), Hits: []intrusion.Hit{hit("k", 100, base.Add(time.Second), "o")}},
	} {
		if err := s.CommitBatch(ctx, b); err != nil {
			t.Fatalf("CommitBatch(offset %d) = %v", b.Checkpoint.Offset, err)
		}
	}
	cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "k"))
	if diff := cmp.Diff(checkpoint("k", 300), cp, cmpOpts); diff != "" {
		t.Errorf("Checkpoint after a stale batch (-want +got):\n%s", diff)
	}
	if got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx)); len(got) != 3 {
		t.Errorf("Hits after a stale batch = %d, want 3", len(got))
	}
}

func testCheckpoints(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	if got := must[[]store.Checkpoint](t, "Checkpoints")(s.Checkpoints(ctx, []string{"a", "b"})); len(got) != 0 {
		t.Errorf("Checkpoints on an empty store = %+v, want none", got)
	}
	// More keys than one query's parameters, few of them stored.
	var keys []string
	for i := range 1200 {
		keys = append(keys, fmt.Sprintf("key-%04d", i))
	}
	stored := []string{"key-1100", "key-0000", "key-0599"}
	var want []store.Checkpoint
	for i, k := range stored {
		cp := checkpoint(k, int64(i+1)*100)
		if err := s.CommitBatch(ctx, store.Batch{Checkpoint: cp}); err != nil {
			t.Fatalf("CommitBatch(%s) = %v", k, err)
		}
		want = append(want, cp)
	}
	sort.Slice(want, func(i, j int) bool { return want[i].Key < want[j].Key })
	keys = append(keys, "key-0599", "never-seen") // a duplicate and an unknown key
	got := must[[]store.Checkpoint](t, "Checkpoints")(s.Checkpoints(ctx, keys))
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("Checkpoints(%d keys) (-want +got):\n%s", len(keys), diff)
	}
	for _, w := range want {
		if cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, w.Key)); !cmp.Equal(w, cp, cmpOpts) {
			t.Errorf("Checkpoint(%s) = %+v, want %+v", w.Key, cp, w)
		}
	}
	if got := must[[]store.Checkpoint](t, "Checkpoints")(s.Checkpoints(ctx, nil)); len(got) != 0 {
		t.Errorf("Checkpoints(no keys) = %+v, want none", got)
	}
}

func testInputs(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	if got := must[[]store.Checkpoint](t, "Inputs")(s.Inputs(ctx)); len(got) != 0 {
		t.Errorf("Inputs on an empty store = %+v, want none", got)
	}
	var want []store.Checkpoint
	for i, x := range []struct{ key, file string }{{"k2", "b.log"}, {"k1", "b.log"}, {"k3", "a.json"}} {
		cp := checkpoint(x.key, int64(i+1)*10)
		cp.File = x.file
		if err := s.CommitBatch(ctx, store.Batch{Checkpoint: cp}); err != nil {
			t.Fatalf("CommitBatch(%s) = %v", x.key, err)
		}
		want = append(want, cp)
	}
	sort.Slice(want, func(i, j int) bool {
		return want[i].File < want[j].File || want[i].File == want[j].File && want[i].Key < want[j].Key
	})
	if diff := cmp.Diff(want, must[[]store.Checkpoint](t, "Inputs")(s.Inputs(ctx)), cmpOpts); diff != "" {
		t.Errorf("Inputs (-want +got):\n%s", diff)
	}
}

func testCheckpointHeadLengths(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	if got := must[[]int64](t, "CheckpointHeadLengths")(s.CheckpointHeadLengths(ctx)); len(got) != 0 {
		t.Errorf("CheckpointHeadLengths on an empty store = %v, want none", got)
	}
	for i, hl := range []int64{700, 65536, 0, 120, 700, 65536, 90} {
		cp := checkpoint(fmt.Sprintf("k%d", i), 100)
		cp.HeadLen = hl
		if err := s.CommitBatch(ctx, store.Batch{Checkpoint: cp}); err != nil {
			t.Fatalf("CommitBatch = %v", err)
		}
	}
	got := must[[]int64](t, "CheckpointHeadLengths")(s.CheckpointHeadLengths(ctx))
	if diff := cmp.Diff([]int64{90, 120, 700, 65536}, got); diff != "" {
		t.Errorf("CheckpointHeadLengths: distinct, positive, ascending (-want +got):\n%s", diff)
	}
	// A checkpoint that moves on keeps one head length per key.
	cp := checkpoint("k6", 200)
	cp.HeadLen = 250
	if err := s.CommitBatch(ctx, store.Batch{Checkpoint: cp}); err != nil {
		t.Fatalf("CommitBatch = %v", err)
	}
	if got := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "k6")); got.HeadLen != 250 {
		t.Errorf("Checkpoint(k6).HeadLen = %d, want 250", got.HeadLen)
	}
	got = must[[]int64](t, "CheckpointHeadLengths")(s.CheckpointHeadLengths(ctx))
	if diff := cmp.Diff([]int64{120, 250, 700, 65536}, got); diff != "" {
		t.Errorf("CheckpointHeadLengths after k6 moved (-want +got):\n%s", diff)
	}
}

// testProvisionalHits commits a hit from an unterminated last line (at the
// checkpoint offset) and then the same line read again, complete: the
// second version replaces the first, matches included.
func testProvisionalHits(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	half := intrusion.Match{Field: "domain", Value: "evil.ex", IndicatorID: "indicator--half", Type: "domain", Indicator: "evil.ex"}
	whole := intrusion.Match{Field: "domain", Value: "evil.example", IndicatorID: "indicator--whole", Type: "domain", Indicator: "evil.example"}
	first := store.Batch{Checkpoint: checkpoint("k", 300), Hits: []intrusion.Hit{
		hit("k", 0, base, "o"), hit("k", 100, base.Add(time.Second), "o"),
		hit("k", 300, base.Add(3*time.Second), "half-org", half), // the unterminated line
	}}
	if err := s.CommitBatch(ctx, first); err != nil {
		t.Fatalf("CommitBatch = %v", err)
	}
	if got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx)); len(got) != 3 {
		t.Fatalf("Hits = %d, want 3 (the provisional one included)", len(got))
	}
	// Reading on from the checkpoint: the line at 300, now complete,
	// replaces the provisional hit and its matches.
	second := store.Batch{Checkpoint: checkpoint("k", 600), Hits: []intrusion.Hit{
		hit("k", 300, base.Add(3*time.Second), "o", whole),
		hit("k", 450, base.Add(4*time.Second), "o"),
	}}
	if err := s.CommitBatch(ctx, second); err != nil {
		t.Fatalf("CommitBatch = %v", err)
	}
	want := append(slicesClone(first.Hits[:2]), second.Hits...)
	got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx))
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("Hits after the provisional line was read again (-want +got):\n%s", diff)
	}
	// The same run repeated (nothing new, the last line still unterminated)
	// stores the same.
	again := store.Batch{Checkpoint: checkpoint("k", 600), Hits: []intrusion.Hit{hit("k", 600, base.Add(5*time.Second), "o")}}
	for range 2 {
		if err := s.CommitBatch(ctx, again); err != nil {
			t.Fatalf("CommitBatch = %v", err)
		}
	}
	if got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx)); len(got) != 5 {
		t.Errorf("Hits after re-reading an unterminated line twice = %d, want 5", len(got))
	}
}

// testContinues commits under a new key a batch that continues an earlier
// key's checkpoint (a small file that grew): the earlier key's provisional
// hit goes, its committed hits and checkpoint stay.
func testContinues(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	old := store.Batch{Checkpoint: checkpoint("old", 300), Hits: []intrusion.Hit{
		hit("old", 0, base, "o"), hit("old", 300, base.Add(3*time.Second), "o"),
	}}
	other := store.Batch{Checkpoint: checkpoint("other", 100), Hits: []intrusion.Hit{hit("other", 100, base.Add(time.Hour), "o")}}
	for _, b := range []store.Batch{old, other} {
		if err := s.CommitBatch(ctx, b); err != nil {
			t.Fatalf("CommitBatch = %v", err)
		}
	}
	cont := checkpoint("new", 500)
	cont.HeadLen = 520
	next := store.Batch{Checkpoint: cont, Continues: "old", Hits: []intrusion.Hit{hit("new", 300, base.Add(3*time.Second), "o")}}
	if err := s.CommitBatch(ctx, next); err != nil {
		t.Fatalf("CommitBatch(continues old) = %v", err)
	}
	got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx))
	if diff := cmp.Diff([]string{"old@0", "new@300", "other@100"}, hitKeys(got)); diff != "" {
		t.Errorf("Hits after continuing (-want +got):\n%s", diff)
	}
	if cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "old")); !cmp.Equal(old.Checkpoint, cp, cmpOpts) {
		t.Errorf("Checkpoint(old) = %+v, want it unchanged: %+v", cp, old.Checkpoint)
	}
	if cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "new")); !cmp.Equal(cont, cp, cmpOpts) {
		t.Errorf("Checkpoint(new) = %+v, want %+v", cp, cont)
	}
	// Continuing a key that has no checkpoint removes nothing.
	if err := s.CommitBatch(ctx, store.Batch{Checkpoint: checkpoint("third", 50), Continues: "no-such-key"}); err != nil {
		t.Fatalf("CommitBatch(continues unknown) = %v", err)
	}
	if got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx)); len(got) != 3 {
		t.Errorf("Hits after continuing an unknown key = %d, want 3", len(got))
	}
}

func slicesClone[T any](s []T) []T { return append([]T(nil), s...) }

func hitKeys(hits []intrusion.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s@%d", h.Event.Source.File, h.Event.Source.Offset))
	}
	return out
}

func testHitsOrder(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	est := time.FixedZone("EST", -5*3600)
	batches := []store.Batch{
		{Checkpoint: checkpoint("b", 1000), Hits: []intrusion.Hit{
			hit("b", 500, base.Add(time.Hour), "o"),
			hit("b", 100, base, "o"), // same instant as a@900 and a@50
			hit("b", 0, base.Add(-time.Nanosecond), "o"),
		}},
		{Checkpoint: checkpoint("a", 1000), Hits: []intrusion.Hit{
			hit("a", 900, base.In(est), "o"), // same instant, other zone
			hit("a", 50, base, "o"),
			hit("a", 10, base.Add(time.Hour+time.Nanosecond), "o"),
			hit("a", 20, time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), "o"),
		}},
	}
	for _, b := range batches {
		if err := s.CommitBatch(ctx, b); err != nil {
			t.Fatalf("CommitBatch = %v", err)
		}
	}
	want := []string{"a@20", "b@0", "a@50", "a@900", "b@100", "b@500", "a@10"}
	got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx))
	if diff := cmp.Diff(want, hitKeys(got)); diff != "" {
		t.Errorf("Hits order: time, then key, then offset (-want +got):\n%s", diff)
	}
}

// testResumeAfterCrash plays the CLI's ingest loop over a 1000-line input:
// read from Checkpoint, commit every 64 lines, "crash" part-way, resume,
// and re-send the last batch before the crash as a confused writer would.
func testResumeAfterCrash(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	const lines, lineLen, every = 1000, 100, 64
	matched := func(line int) bool { return line%7 == 0 }
	run := func(stopAfter int) (last store.Batch) {
		cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "in"))
		var hits []intrusion.Hit
		pending, commits := 0, 0
		for line := int(cp.Offset / lineLen); line < lines; line++ {
			if matched(line) {
				hits = append(hits, hit("in", int64(line*lineLen), base.Add(time.Duration(line)*time.Second), "o"))
			}
			pending++
			if pending == every || line == lines-1 {
				if commits == stopAfter {
					return last // crash: the pending lines are lost, not committed
				}
				b := store.Batch{Checkpoint: store.Checkpoint{Key: "in", File: "in", Offset: int64(line+1) * lineLen, Line: int64(line + 1)}, Hits: hits}
				if err := s.CommitBatch(ctx, b); err != nil {
					t.Fatalf("CommitBatch = %v", err)
				}
				last, hits, pending = b, nil, 0
				commits++
			}
		}
		return last
	}
	last := run(5)
	if cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "in")); cp.Offset != 5*every*lineLen {
		t.Fatalf("Checkpoint after the crash at offset %d, want %d", cp.Offset, 5*every*lineLen)
	}
	if err := s.CommitBatch(ctx, last); err != nil {
		t.Fatalf("CommitBatch(re-sent) = %v", err)
	}
	run(-1)
	var want []string
	for line := range lines {
		if matched(line) {
			want = append(want, fmt.Sprintf("in@%d", line*lineLen))
		}
	}
	got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx))
	if diff := cmp.Diff(want, hitKeys(got)); diff != "" {
		t.Errorf("hits after crash and resume (-want +got):\n%s", diff)
	}
	if cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "in")); cp.Offset != lines*lineLen || cp.Line != lines {
		t.Errorf("final Checkpoint = offset %d line %d, want %d, %d", cp.Offset, cp.Line, lines*lineLen, lines)
	}
}

// testFailedBatch commits a batch whose last hit cannot be stored (its
// time is outside what JSON and RFC 3339 can carry): the batch fails as a
// whole and neither its earlier hits nor its checkpoint remain.
func testFailedBatch(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	if err := s.CommitBatch(ctx, store.Batch{Checkpoint: checkpoint("k", 100), Hits: []intrusion.Hit{hit("k", 0, base, "o")}}); err != nil {
		t.Fatalf("CommitBatch = %v", err)
	}
	var hits []intrusion.Hit
	for i := 1; i <= 50; i++ {
		hits = append(hits, hit("k", int64(i)*100, base, "o"))
	}
	hits = append(hits, hit("k", 5100, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "o"))
	if err := s.CommitBatch(ctx, store.Batch{Checkpoint: checkpoint("k", 5200), Hits: hits}); err == nil {
		t.Fatalf("CommitBatch(unstorable hit) = nil, want an error")
	}
	cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "k"))
	if cp.Offset != 100 {
		t.Errorf("Checkpoint after a failed batch: offset %d, want 100", cp.Offset)
	}
	if got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx)); len(got) != 1 {
		t.Errorf("Hits after a failed batch = %v, want only k@0", hitKeys(got))
	}

	// A cancelled context stores nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.CommitBatch(cctx, store.Batch{Checkpoint: checkpoint("k", 5200), Hits: hits[:50]}); err == nil {
		t.Errorf("CommitBatch(cancelled context) = nil, want an error")
	}
	if cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "k")); cp.Offset != 100 {
		t.Errorf("Checkpoint after a cancelled batch: offset %d, want 100", cp.Offset)
	}
	if got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx)); len(got) != 1 {
		t.Errorf("Hits after a cancelled batch = %v, want only k@0", hitKeys(got))
	}
}

// testCancelledBatch cancels large batches after varying delays, so some
// are cut off mid-way: each must end fully committed with its checkpoint,
// or not at all.
func testCancelledBatch(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	const rounds, size = 12, 1500
	failed := 0
	for r := range rounds {
		key := fmt.Sprintf("k%02d", r)
		hits := make([]intrusion.Hit, size)
		for i := range hits {
			hits[i] = hit(key, int64(i)*100, base.Add(time.Duration(i)*time.Second), "o")
		}
		cctx, cancel := context.WithCancel(ctx)
		timer := time.AfterFunc(time.Duration(r)*time.Duration(r)*300*time.Microsecond, cancel)
		err := s.CommitBatch(cctx, store.Batch{Checkpoint: checkpoint(key, size*100), Hits: hits})
		timer.Stop()
		cancel()
		if err != nil {
			failed++
		}
		cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, key))
		n := 0
		for _, h := range must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx)) {
			if h.Event.Source.File == key {
				n++
			}
		}
		committed := cp.Offset == size*100
		switch {
		case committed && n != size, !committed && (cp.Offset != 0 || n != 0):
			t.Errorf("round %d (err %v): checkpoint offset %d with %d of %d hits; want all or nothing", r, err, cp.Offset, n, size)
		case err == nil && !committed:
			t.Errorf("round %d: CommitBatch = nil but nothing was stored", r)
		}
	}
	t.Logf("%d of %d batches were cancelled", failed, rounds)
}

func testConcurrentCommit(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	const writers, batches, per = 4, 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*2*batches)
	for w := range writers {
		key := fmt.Sprintf("w%d", w)
		// Two goroutines send the same batches of each input: duplicates
		// racing each other must still land once.
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range batches {
					var hits []intrusion.Hit
					for i := range per {
						off := int64(b*per+i) * 100
						hits = append(hits, hit(key, off, base.Add(time.Duration(off)*time.Millisecond), "o"))
					}
					if err := s.CommitBatch(ctx, store.Batch{Checkpoint: checkpoint(key, int64((b+1)*per)*100), Hits: hits}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent CommitBatch = %v", err)
	}
	got := must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx))
	if len(got) != writers*batches*per {
		t.Errorf("Hits after concurrent commits = %d, want %d", len(got), writers*batches*per)
	}
	seen := map[string]bool{}
	for _, k := range hitKeys(got) {
		if seen[k] {
			t.Errorf("hit %s stored twice", k)
		}
		seen[k] = true
	}
	for w := range writers {
		key := fmt.Sprintf("w%d", w)
		cp := must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, key))
		if want := int64(batches*per) * 100; cp.Offset != want {
			t.Errorf("Checkpoint(%s) offset = %d, want %d", key, cp.Offset, want)
		}
	}
}

// analysis builds a consistent set of derived results for intrusions
// starting at the given hours after base, with ids prefixed by tag.
func analysis(tag string, hours ...int) store.Analysis {
	var a store.Analysis
	for i, h := range hours {
		id := fmt.Sprintf("%s-intrusion-%d", tag, i)
		in := Filled[intrusion.Intrusion](i + 1)
		in.ID, in.OrgID = id, "acme-pharma"
		in.Start = base.Add(time.Duration(h) * time.Hour)
		in.End = in.Start.Add(30 * time.Minute)
		a.Intrusions = append(a.Intrusions, in)

		r := Filled[attribution.Result](i + 1)
		r.IntrusionID = id
		a.Attributions = append(a.Attributions, r)

		it := Filled[intent.Assessment](i + 1)
		it.IntrusionID, it.Class = id, intent.Economic
		a.Intents = append(a.Intents, it)

		for _, ag := range []string{"us-cn-2015", "g20-2015", "gb-cn-2015"} {
			f := Filled[pact.Finding](i + 1)
			f.ID, f.IntrusionID, f.AgreementID = id+"/"+ag, id, ag
			f.Verdict = pact.NeedsAssessment
			a.Findings = append(a.Findings, f)
		}
	}
	return a
}

// ordered returns a's lists in the order the store documents: intrusions
// by start then id; the rest by their intrusion's start, intrusion id and
// (findings) agreement id.
func ordered(a store.Analysis) store.Analysis {
	out := store.Analysis{
		Intrusions:   append([]intrusion.Intrusion(nil), a.Intrusions...),
		Attributions: append([]attribution.Result(nil), a.Attributions...),
		Intents:      append([]intent.Assessment(nil), a.Intents...),
		Findings:     append([]pact.Finding(nil), a.Findings...),
	}
	start := map[string]time.Time{}
	for _, in := range a.Intrusions {
		start[in.ID] = in.Start
	}
	before := func(x, y string) int {
		if c := start[x].Compare(start[y]); c != 0 {
			return c
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	sort.SliceStable(out.Intrusions, func(i, j int) bool {
		return before(out.Intrusions[i].ID, out.Intrusions[j].ID) < 0
	})
	sort.SliceStable(out.Attributions, func(i, j int) bool {
		return before(out.Attributions[i].IntrusionID, out.Attributions[j].IntrusionID) < 0
	})
	sort.SliceStable(out.Intents, func(i, j int) bool {
		return before(out.Intents[i].IntrusionID, out.Intents[j].IntrusionID) < 0
	})
	sort.SliceStable(out.Findings, func(i, j int) bool {
		x, y := out.Findings[i], out.Findings[j]
		if c := before(x.IntrusionID, y.IntrusionID); c != 0 {
			return c < 0
		}
		return x.AgreementID < y.AgreementID
	})
	return out
}

func storedAnalysis(t *testing.T, s store.Store) store.Analysis {
	t.Helper()
	ctx := t.Context()
	return store.Analysis{
		Intrusions:   must[[]intrusion.Intrusion](t, "Intrusions")(s.Intrusions(ctx)),
		Attributions: must[[]attribution.Result](t, "Attributions")(s.Attributions(ctx)),
		Intents:      must[[]intent.Assessment](t, "Intents")(s.Intents(ctx)),
		Findings:     must[[]pact.Finding](t, "Findings")(s.Findings(ctx)),
	}
}

func testReplaceAnalysis(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	first := analysis("a", 5, 1, 3) // stored out of order on purpose
	if err := s.ReplaceAnalysis(ctx, first); err != nil {
		t.Fatalf("ReplaceAnalysis(first) = %v", err)
	}
	if diff := cmp.Diff(ordered(first), storedAnalysis(t, s), cmpOpts); diff != "" {
		t.Errorf("analysis after the first ReplaceAnalysis (-want +got):\n%s", diff)
	}
	d, err := s.Intrusion(ctx, "a-intrusion-1")
	if err != nil {
		t.Fatalf("Intrusion(a-intrusion-1) = %v", err)
	}
	want := store.IntrusionDetail{
		Intrusion: first.Intrusions[1], Attribution: first.Attributions[1], Intent: first.Intents[1],
		Findings: []pact.Finding{first.Findings[4], first.Findings[5], first.Findings[3]}, // by agreement id
	}
	if diff := cmp.Diff(want, d, cmpOpts); diff != "" {
		t.Errorf("Intrusion(a-intrusion-1) (-want +got):\n%s", diff)
	}

	second := analysis("b", 2)
	if err := s.ReplaceAnalysis(ctx, second); err != nil {
		t.Fatalf("ReplaceAnalysis(second) = %v", err)
	}
	if diff := cmp.Diff(ordered(second), storedAnalysis(t, s), cmpOpts); diff != "" {
		t.Errorf("analysis after the second ReplaceAnalysis: only the second set (-want +got):\n%s", diff)
	}
	if _, err := s.Intrusion(ctx, "a-intrusion-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Intrusion(replaced id) = %v, want ErrNotFound", err)
	}

	// An intrusion without attribution or intent still has a detail.
	third := store.Analysis{Intrusions: second.Intrusions}
	if err := s.ReplaceAnalysis(ctx, third); err != nil {
		t.Fatalf("ReplaceAnalysis(third) = %v", err)
	}
	d, err = s.Intrusion(ctx, "b-intrusion-0")
	if err != nil {
		t.Fatalf("Intrusion(b-intrusion-0) = %v", err)
	}
	if d.Intrusion.ID != "b-intrusion-0" || len(d.Findings) != 0 || len(d.Attribution.Candidates) != 0 {
		t.Errorf("Intrusion(without results) = %+v, want the intrusion and no results", d)
	}

	if err := s.ReplaceAnalysis(ctx, store.Analysis{}); err != nil {
		t.Fatalf("ReplaceAnalysis(empty) = %v", err)
	}
	if diff := cmp.Diff(store.Analysis{}, storedAnalysis(t, s), cmpOpts); diff != "" {
		t.Errorf("analysis after ReplaceAnalysis(empty) (-want +got):\n%s", diff)
	}
}

func testReplaceAnalysisFailure(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	first := analysis("a", 1, 2)
	if err := s.ReplaceAnalysis(ctx, first); err != nil {
		t.Fatalf("ReplaceAnalysis = %v", err)
	}
	bad := analysis("b", 3, 4)
	bad.Intrusions[1].ID = bad.Intrusions[0].ID // duplicate key: the write fails part-way
	if err := s.ReplaceAnalysis(ctx, bad); err == nil {
		t.Fatalf("ReplaceAnalysis(duplicate intrusion ids) = nil, want an error")
	}
	if diff := cmp.Diff(ordered(first), storedAnalysis(t, s), cmpOpts); diff != "" {
		t.Errorf("analysis after a failed ReplaceAnalysis: the old set, untouched (-want +got):\n%s", diff)
	}
}

func testIntrusionNotFound(t *testing.T, open Opener) {
	s := opened(t, open)
	for _, id := range []string{"", "no-such-intrusion"} {
		d, err := s.Intrusion(t.Context(), id)
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Intrusion(%q) = %+v, %v; want ErrNotFound", id, d.Intrusion.ID, err)
		}
	}
}

func testPersistence(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open(t)
	c := sampleIntel()
	orgs := []org.Organisation{Filled[org.Organisation](1)}
	ag := sampleAgreement("us-cn-2015")
	b := store.Batch{Checkpoint: checkpoint("k", 300), Hits: []intrusion.Hit{hit("k", 0, base, "o"), hit("k", 200, base.Add(time.Second), "o")}}
	an := analysis("a", 1, 2)
	steps := []struct {
		what string
		err  error
	}{
		{"ImportIntel", func() error { _, err := s.ImportIntel(ctx, c); return err }()},
		{"PutOrganisations", s.PutOrganisations(ctx, orgs)},
		{"PutAgreement", s.PutAgreement(ctx, ag)},
		{"CommitBatch", s.CommitBatch(ctx, b)},
		{"ReplaceAnalysis", s.ReplaceAnalysis(ctx, an)},
		{"Close", s.Close()},
	}
	for _, st := range steps {
		if st.err != nil {
			t.Fatalf("%s = %v", st.what, st.err)
		}
	}

	s = opened(t, open)
	if diff := cmp.Diff(sorted(c), stored(t, s), cmpOpts); diff != "" {
		t.Errorf("intel after reopening (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(orgs, must[[]org.Organisation](t, "Organisations")(s.Organisations(ctx)), cmpOpts); diff != "" {
		t.Errorf("organisations after reopening (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]pact.Agreement{ag}, must[[]pact.Agreement](t, "Agreements")(s.Agreements(ctx)), cmpOpts); diff != "" {
		t.Errorf("agreements after reopening (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(b.Checkpoint, must[store.Checkpoint](t, "Checkpoint")(s.Checkpoint(ctx, "k")), cmpOpts); diff != "" {
		t.Errorf("checkpoint after reopening (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(b.Hits, must[[]intrusion.Hit](t, "Hits")(s.Hits(ctx)), cmpOpts); diff != "" {
		t.Errorf("hits after reopening (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ordered(an), storedAnalysis(t, s), cmpOpts); diff != "" {
		t.Errorf("analysis after reopening (-want +got):\n%s", diff)
	}
	if _, err := s.FindActors(ctx, "shell crew"); err != nil {
		t.Errorf("FindActors(shell crew) after reopening = %v", err)
	}
}
