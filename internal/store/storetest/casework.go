package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/store"
)

// caseTests are the conformance tests of store.CaseStore, run by Run.
var caseTests = []struct {
	name string
	fn   func(t *testing.T, open Opener)
}{
	{"CaseRoundTrip", testCaseRoundTrip},
	{"CaseLogAppendOnly", testCaseLogAppendOnly},
	{"CaseNotFound", testCaseNotFound},
	{"CasesOrder", testCasesOrder},
	{"EvidenceIdempotent", testEvidenceIdempotent},
	{"EvidenceFiles", testEvidenceFiles},
	{"EvidenceRefusesInvalid", testEvidenceInvalid},
	{"Overrides", testOverrides},
	{"CaseworkPersistence", testCaseworkPersistence},
}

var caseTime = time.Date(2015, 10, 20, 9, 30, 0, 0, time.UTC)

func caseFindings(ids ...string) []pact.Finding {
	out := make([]pact.Finding, len(ids))
	for i, id := range ids {
		out[i] = pact.Finding{ID: id, IntrusionID: "INT-" + id, AgreementID: "us-cn-2015", Counterparty: "CN", Victim: "US",
			Verdict: pact.PotentialViolation, Start: base.Add(time.Duration(i) * time.Hour)}
	}
	return out
}

// sampleCase returns a case opened at at and taken through referral,
// overdue and an answer with a STIX opinion: every field of Case set.
func sampleCase(t *testing.T, id string, at time.Time) casework.Case {
	t.Helper()
	ag := sampleAgreement("us-cn-2015")
	c := must[casework.Case](t, "New")(casework.New(id, ag, caseFindings("F-1", "F-2"), casework.PolicyFor(ag), "analyst", at))
	c = must[casework.Case](t, "refer")(casework.Advance(c, casework.Referred, "liaison", "request for information", at.Add(time.Hour)))
	c = must[casework.Case](t, "note")(casework.Note(c, "liaison", "reminder sent", at.AddDate(0, 0, 20)))
	ans := casework.Answer{Response: casework.Investigating, From: "MPS", Text: "looking into it", Received: at.AddDate(0, 0, 40)}
	obj := must[json.RawMessage](t, "AnswerObject")(casework.AnswerObject(c, ans, casework.STIXOpinion, nil))
	ans.Object = obj
	c = must[casework.Case](t, "Respond")(casework.Respond(c, ans, "liaison", at.AddDate(0, 0, 40)))
	if c.State != casework.Answered || len(c.Log) != 5 {
		t.Fatalf("sample case: state %s with %d log entries, want answered with 5 (open, refer, note, overdue, answer)", c.State, len(c.Log))
	}
	return c
}

func testCaseRoundTrip(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	c := sampleCase(t, "C-1", caseTime)
	if err := s.CreateCase(ctx, c); err != nil {
		t.Fatalf("CreateCase = %v", err)
	}
	got := must[casework.Case](t, "Case")(s.Case(ctx, "C-1"))
	if diff := cmp.Diff(c, got, cmpOpts); diff != "" {
		t.Errorf("Case(C-1) after CreateCase (-want +got):\n%s", diff)
	}
	if err := s.CreateCase(ctx, c); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateCase(same id again) = %v, want ErrConflict", err)
	}
}

func testCaseLogAppendOnly(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	ag := sampleAgreement("us-cn-2015")
	c := must[casework.Case](t, "New")(casework.New("C-2", ag, caseFindings("F-1"), casework.PolicyFor(ag), "analyst", caseTime))
	if err := s.CreateCase(ctx, c); err != nil {
		t.Fatalf("CreateCase = %v", err)
	}
	referred := must[casework.Case](t, "refer")(casework.Advance(c, casework.Referred, "liaison", "sent", caseTime.Add(time.Hour)))
	if err := s.PutCase(ctx, referred); err != nil {
		t.Fatalf("PutCase(referred) = %v", err)
	}
	got := must[casework.Case](t, "Case")(s.Case(ctx, "C-2"))
	if diff := cmp.Diff(referred, got, cmpOpts); diff != "" {
		t.Errorf("Case after PutCase (-want +got):\n%s", diff)
	}
	if err := s.PutCase(ctx, referred); err != nil {
		t.Errorf("PutCase(same case again) = %v, want nil", err)
	}
	// Someone else closed the draft meanwhile: its log does not extend the stored one.
	closed := must[casework.Case](t, "close")(casework.Advance(c, casework.Closed, "other", "duplicate", caseTime.Add(2*time.Hour)))
	if err := s.PutCase(ctx, closed); !errors.Is(err, store.ErrConflict) {
		t.Errorf("PutCase(log diverging from the stored one) = %v, want ErrConflict", err)
	}
	// A stale copy with fewer entries is refused too.
	if err := s.PutCase(ctx, c); !errors.Is(err, store.ErrConflict) {
		t.Errorf("PutCase(shorter log) = %v, want ErrConflict", err)
	}
	if got := must[casework.Case](t, "Case")(s.Case(ctx, "C-2")); got.State != casework.Referred || len(got.Log) != 2 {
		t.Errorf("Case after refused puts: %s with %d entries, want referred with 2", got.State, len(got.Log))
	}
}

func testCaseNotFound(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	if _, err := s.Case(ctx, "C-none"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Case(missing) = %v, want ErrNotFound", err)
	}
	c := sampleCase(t, "C-none", caseTime)
	if err := s.PutCase(ctx, c); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PutCase(never created) = %v, want ErrNotFound", err)
	}
	if cs := must[[]casework.Case](t, "Cases")(s.Cases(ctx)); len(cs) != 0 {
		t.Errorf("Cases on an empty store = %d cases, want 0", len(cs))
	}
}

func testCasesOrder(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	late := sampleCase(t, "C-a", caseTime.AddDate(0, 1, 0))
	early := sampleCase(t, "C-b", caseTime)
	same := sampleCase(t, "C-c", caseTime)
	for _, c := range []casework.Case{late, same, early} {
		if err := s.CreateCase(ctx, c); err != nil {
			t.Fatalf("CreateCase(%s) = %v", c.ID, err)
		}
	}
	got := must[[]casework.Case](t, "Cases")(s.Cases(ctx))
	if diff := cmp.Diff([]casework.Case{early, same, late}, got, cmpOpts); diff != "" {
		t.Errorf("Cases, by opening time then id (-want +got):\n%s", diff)
	}
}

func note(finding, link, text string, at time.Time) casework.Evidence {
	return casework.Evidence{FindingID: finding, Link: link, Kind: casework.EvidenceNote, Text: text, Who: "analyst", When: at}
}

func testEvidenceIdempotent(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	items := []casework.Evidence{
		note("F-2", pact.LinkBenefit, "competitor launched a copy", caseTime.Add(time.Hour)),
		{FindingID: "F-1", Link: pact.LinkIncursion, Kind: casework.EvidenceEvents, Ref: "eve.json:123", Who: "analyst", When: caseTime.Add(2 * time.Hour)},
		{FindingID: "F-1", Link: pact.LinkUse, Kind: casework.EvidenceDocument, Ref: "https://patents.example/US123", Text: "patent filing", Who: "analyst", When: caseTime},
	}
	for _, e := range items {
		if added, err := s.AddEvidence(ctx, e); err != nil || !added {
			t.Fatalf("AddEvidence(%s) = %v, %v; want true, nil", e.Key(), added, err)
		}
	}
	for _, e := range items {
		if added, err := s.AddEvidence(ctx, e); err != nil || added {
			t.Errorf("AddEvidence(%s again) = %v, %v; want false, nil", e.Key(), added, err)
		}
	}
	all := must[[]casework.Evidence](t, "Evidence")(s.Evidence(ctx))
	if diff := cmp.Diff([]casework.Evidence{items[2], items[1], items[0]}, all, cmpOpts); diff != "" {
		t.Errorf("Evidence(), by finding then time (-want +got):\n%s", diff)
	}
	for i, e := range all {
		if e.Key() != []casework.Evidence{items[2], items[1], items[0]}[i].Key() {
			t.Errorf("stored evidence %d has key %s, not the key it was added under", i, e.Key())
		}
	}
	one := must[[]casework.Evidence](t, "Evidence")(s.Evidence(ctx, "F-2"))
	if diff := cmp.Diff([]casework.Evidence{items[0]}, one, cmpOpts); diff != "" {
		t.Errorf("Evidence(F-2) (-want +got):\n%s", diff)
	}
	if none := must[[]casework.Evidence](t, "Evidence")(s.Evidence(ctx, "F-9")); len(none) != 0 {
		t.Errorf("Evidence(F-9) = %d items, want 0", len(none))
	}
}

func testEvidenceFiles(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	content := []byte("GET /shell.aspx?cmd=whoami\n")
	e := casework.FileEvidence("F-1", pact.LinkExfiltration, "capture.txt", content, "staging archive", "analyst", caseTime)
	if _, err := s.AddEvidence(ctx, e); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AddEvidence(file not stored) = %v, want ErrNotFound", err)
	}
	for i := range 2 {
		d, err := s.PutFile(ctx, content)
		if err != nil || d != e.Digest {
			t.Fatalf("PutFile #%d = %q, %v; want %q, nil", i+1, d, err, e.Digest)
		}
	}
	got, err := s.File(ctx, e.Digest)
	if err != nil || string(got) != string(content) {
		t.Errorf("File(%s) = %q, %v; want %q", e.Digest, got, err, content)
	}
	if _, err := s.File(ctx, casework.Digest([]byte("other"))); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("File(unknown digest) = %v, want ErrNotFound", err)
	}
	if added, err := s.AddEvidence(ctx, e); err != nil || !added {
		t.Fatalf("AddEvidence(file) = %v, %v", added, err)
	}
	empty, err := s.PutFile(ctx, nil)
	if err != nil {
		t.Fatalf("PutFile(empty) = %v", err)
	}
	if b, err := s.File(ctx, empty); err != nil || len(b) != 0 {
		t.Errorf("File(empty) = %q, %v; want empty, nil", b, err)
	}
	list := must[[]casework.Evidence](t, "Evidence")(s.Evidence(ctx, "F-1"))
	if diff := cmp.Diff([]casework.Evidence{e}, list, cmpOpts); diff != "" {
		t.Errorf("Evidence(F-1) (-want +got):\n%s", diff)
	}
}

func testEvidenceInvalid(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	for _, e := range []casework.Evidence{
		note("F-1", "motive", "not a link", caseTime),
		note("F-1", pact.LinkIncursion, "", caseTime),
		{FindingID: "F-1", Link: pact.LinkIncursion, Kind: casework.EvidenceEvents, Who: "analyst", When: caseTime},
	} {
		if _, err := s.AddEvidence(ctx, e); !errors.Is(err, casework.ErrInvalid) {
			t.Errorf("AddEvidence(%+v) = %v, want ErrInvalid", e, err)
		}
	}
	if got := must[[]casework.Evidence](t, "Evidence")(s.Evidence(ctx)); len(got) != 0 {
		t.Errorf("Evidence after refused adds = %d items, want 0", len(got))
	}
}

func testOverrides(t *testing.T, open Opener) {
	s := opened(t, open)
	ctx := t.Context()
	os := []casework.Override{
		{FindingID: "F-2", Link: pact.LinkBenefit, Status: pact.Supported, Reason: "court filing", Who: "lead", When: caseTime},
		{FindingID: "F-1", Link: pact.LinkAttribution, Status: pact.Established, Reason: "government attribution", Who: "lead", When: caseTime.Add(time.Hour)},
		// Recorded later but dated earlier: order recorded is kept.
		{FindingID: "F-1", Link: pact.LinkAttribution, Status: "", Reason: "withdrawn pending review", Who: "lead", When: caseTime},
	}
	for _, o := range os {
		if added, err := s.AddOverride(ctx, o); err != nil || !added {
			t.Fatalf("AddOverride(%+v) = %v, %v", o, added, err)
		}
	}
	if added, err := s.AddOverride(ctx, os[0]); err != nil || added {
		t.Errorf("AddOverride(same again) = %v, %v; want false, nil", added, err)
	}
	noReason := os[0]
	noReason.Reason, noReason.Status = " ", pact.NotEstablished
	if _, err := s.AddOverride(ctx, noReason); !errors.Is(err, casework.ErrInvalid) {
		t.Errorf("AddOverride(no reason) = %v, want ErrInvalid", err)
	}
	got := must[[]casework.Override](t, "Overrides")(s.Overrides(ctx))
	if diff := cmp.Diff([]casework.Override{os[1], os[2], os[0]}, got, cmpOpts); diff != "" {
		t.Errorf("Overrides(), by finding then order recorded (-want +got):\n%s", diff)
	}
	got = must[[]casework.Override](t, "Overrides")(s.Overrides(ctx, "F-2", "F-3"))
	if diff := cmp.Diff(os[:1], got, cmpOpts); diff != "" {
		t.Errorf("Overrides(F-2, F-3) (-want +got):\n%s", diff)
	}
}

func testCaseworkPersistence(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open(t)
	c := sampleCase(t, "C-p", caseTime)
	content := []byte("pcap bytes")
	e := casework.FileEvidence("F-1", pact.LinkIncursion, "x.pcap", content, "", "analyst", caseTime)
	o := casework.Override{FindingID: "F-1", Link: pact.LinkUse, Status: pact.Supported, Reason: "launch", Who: "lead", When: caseTime}
	steps := []struct {
		what string
		err  error
	}{
		{"CreateCase", s.CreateCase(ctx, c)},
		{"PutFile", func() error { _, err := s.PutFile(ctx, content); return err }()},
		{"AddEvidence", func() error { _, err := s.AddEvidence(ctx, e); return err }()},
		{"AddOverride", func() error { _, err := s.AddOverride(ctx, o); return err }()},
		{"Close", s.Close()},
	}
	for _, st := range steps {
		if st.err != nil {
			t.Fatalf("%s = %v", st.what, st.err)
		}
	}
	s = opened(t, open)
	if diff := cmp.Diff([]casework.Case{c}, must[[]casework.Case](t, "Cases")(s.Cases(ctx)), cmpOpts); diff != "" {
		t.Errorf("cases after reopening (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]casework.Evidence{e}, must[[]casework.Evidence](t, "Evidence")(s.Evidence(ctx)), cmpOpts); diff != "" {
		t.Errorf("evidence after reopening (-want +got):\n%s", diff)
	}
	if b, err := s.File(ctx, e.Digest); err != nil || string(b) != string(content) {
		t.Errorf("File after reopening = %q, %v", b, err)
	}
	if diff := cmp.Diff([]casework.Override{o}, must[[]casework.Override](t, "Overrides")(s.Overrides(ctx)), cmpOpts); diff != "" {
		t.Errorf("overrides after reopening (-want +got):\n%s", diff)
	}
}
