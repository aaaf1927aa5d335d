package casework_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/pact"
)

func TestDigest(t *testing.T) {
	// FIPS 180-2, appendix B.1: SHA-256("abc").
	if got, want := casework.Digest([]byte("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("Digest(abc) = %s, want %s", got, want)
	}
	e := casework.FileEvidence("F-1", pact.LinkExfiltration, "staging.rar", []byte("abc"), "archive recovered from the web server", "analyst", opened)
	if e.Kind != casework.EvidenceFile || e.Digest != casework.Digest([]byte("abc")) || e.Ref != "staging.rar" {
		t.Errorf("FileEvidence = %+v, want a file item with the content's digest and name", e)
	}
	if err := e.Validate(); err != nil {
		t.Errorf("FileEvidence(...).Validate() = %v", err)
	}
	if e.Key() != e.Key() || !strings.HasPrefix(e.Key(), "EV-") || len(e.Key()) != 19 {
		t.Errorf("Key() = %q, want a stable EV- and 16 hex digits", e.Key())
	}
	other := e
	other.Text = "another description"
	if other.Key() == e.Key() {
		t.Errorf("two different items share the key %s", e.Key())
	}
}

func TestEvidenceValidate(t *testing.T) {
	ok := casework.Evidence{FindingID: "F-1", Link: pact.LinkBenefit, Kind: casework.EvidenceDocument, Ref: "https://patents.example/CN105000000A", Who: "analyst", When: opened}
	tests := []struct {
		name  string
		edit  func(*casework.Evidence)
		field string // "" means valid
	}{
		{"valid document", func(*casework.Evidence) {}, ""},
		{"no finding", func(e *casework.Evidence) { e.FindingID = "" }, "finding_id"},
		{"unknown link", func(e *casework.Evidence) { e.Link = "motive" }, "link"},
		{"unknown kind", func(e *casework.Evidence) { e.Kind = "rumour" }, "kind"},
		{"no who", func(e *casework.Evidence) { e.Who = "" }, "who"},
		{"no when", func(e *casework.Evidence) { e.When = time.Time{} }, "when"},
		{"document without ref", func(e *casework.Evidence) { e.Ref = "" }, "ref"},
		{"events without ref", func(e *casework.Evidence) { e.Kind, e.Ref = casework.EvidenceEvents, "" }, "ref"},
		{"note without text", func(e *casework.Evidence) { e.Kind, e.Text = casework.EvidenceNote, " " }, "text"},
		{"note with text", func(e *casework.Evidence) { e.Kind, e.Text = casework.EvidenceNote, "seen in the press" }, ""},
		{"file with a bad digest", func(e *casework.Evidence) { e.Kind, e.Digest = casework.EvidenceFile, "ABC" }, "digest"},
		{"file with an upper-case digest", func(e *casework.Evidence) {
			e.Kind, e.Digest = casework.EvidenceFile, strings.ToUpper(casework.Digest(nil))
		}, "digest"},
	}
	for _, tt := range tests {
		e := ok
		tt.edit(&e)
		err := e.Validate()
		var fe *casework.FieldError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, casework.ErrInvalid)):
			t.Errorf("%s: Validate() = %v, want a FieldError on %s", tt.name, err, tt.field)
		}
	}
	o := casework.Override{FindingID: "F-1", Link: pact.LinkUse, Status: pact.Established, Reason: "court finding", Who: "legal", When: opened}
	if err := o.Validate(); err != nil {
		t.Errorf("Override.Validate() = %v", err)
	}
	for name, edit := range map[string]func(*casework.Override){
		"reason": func(o *casework.Override) { o.Reason = "" },
		"status": func(o *casework.Override) { o.Status = "proven" },
		"who":    func(o *casework.Override) { o.Who = "" },
		"link":   func(o *casework.Override) { o.Link = "" },
	} {
		bad := o
		edit(&bad)
		var fe *casework.FieldError
		if err := bad.Validate(); !errors.As(err, &fe) || fe.Field != name {
			t.Errorf("Override without a valid %s: Validate() = %v, want a FieldError on %s", name, err, name)
		}
	}
}

func TestChain(t *testing.T) {
	// The evaluation's chain for a prevented attempt: incursion established,
	// attribution supported, the rest not established.
	f := pact.Finding{ID: "F-1", AgreementID: "us-cn-2015", Chain: []pact.Link{
		{Name: pact.LinkIncursion, Status: pact.Established},
		{Name: pact.LinkAttribution, Status: pact.Supported},
		{Name: pact.LinkExfiltration, Status: pact.NotEstablished},
		{Name: pact.LinkBenefit, Status: pact.NotEstablished},
		{Name: pact.LinkUse, Status: pact.NotEstablished},
	}}
	ev := func(link string, kind casework.EvidenceKind, ref string, min int) casework.Evidence {
		e := casework.Evidence{FindingID: "F-1", Link: link, Kind: kind, Ref: ref, Text: "seen", Who: "analyst", When: opened.Add(time.Duration(min) * time.Minute)}
		if kind == casework.EvidenceFile {
			e.Digest = casework.Digest([]byte(ref))
		}
		return e
	}
	ov := func(link string, s pact.LinkStatus, min int) casework.Override {
		return casework.Override{FindingID: "F-1", Link: link, Status: s, Reason: "decided", Who: "legal", When: opened.Add(time.Duration(min) * time.Minute)}
	}
	E, S, N := pact.Established, pact.Supported, pact.NotEstablished
	tests := []struct {
		name      string
		evidence  []casework.Evidence
		overrides []casework.Override
		want      [5]pact.LinkStatus // in the order of casework.Links
	}{
		{"the evaluation alone", nil, nil, [5]pact.LinkStatus{E, S, N, N, N}},
		{"a note supports, never establishes", []casework.Evidence{
			ev(pact.LinkBenefit, casework.EvidenceNote, "", 1), ev(pact.LinkExfiltration, casework.EvidenceNote, "", 1),
		}, nil, [5]pact.LinkStatus{E, S, S, S, N}},
		{"events establish an exfiltration", []casework.Evidence{ev(pact.LinkExfiltration, casework.EvidenceEvents, "conn.log:88", 1)}, nil, [5]pact.LinkStatus{E, S, E, N, N}},
		{"events say nothing of benefit", []casework.Evidence{ev(pact.LinkBenefit, casework.EvidenceEvents, "eve.json:3", 1)}, nil, [5]pact.LinkStatus{E, S, N, N, N}},
		{"a patent filing supports benefit", []casework.Evidence{ev(pact.LinkBenefit, casework.EvidenceDocument, "CN105000000A", 1)}, nil, [5]pact.LinkStatus{E, S, N, S, N}},
		{"a document and a file establish benefit", []casework.Evidence{
			ev(pact.LinkBenefit, casework.EvidenceDocument, "CN105000000A", 1), ev(pact.LinkBenefit, casework.EvidenceFile, "claims-compared.pdf", 2),
		}, nil, [5]pact.LinkStatus{E, S, N, E, N}},
		{"two documents are one kind", []casework.Evidence{
			ev(pact.LinkUse, casework.EvidenceDocument, "launch", 1), ev(pact.LinkUse, casework.EvidenceDocument, "filing", 2),
		}, nil, [5]pact.LinkStatus{E, S, N, N, S}},
		{"a document and a note are not corroboration", []casework.Evidence{
			ev(pact.LinkUse, casework.EvidenceDocument, "launch", 1), ev(pact.LinkUse, casework.EvidenceNote, "", 2),
		}, nil, [5]pact.LinkStatus{E, S, N, N, S}},
		{"events and a report establish attribution", []casework.Evidence{
			ev(pact.LinkAttribution, casework.EvidenceEvents, "sighting--1", 1), ev(pact.LinkAttribution, casework.EvidenceDocument, "indictment", 2),
		}, nil, [5]pact.LinkStatus{E, E, N, N, N}},
		{"another finding's evidence is ignored", []casework.Evidence{
			{FindingID: "F-2", Link: pact.LinkExfiltration, Kind: casework.EvidenceEvents, Ref: "x", Who: "a", When: opened},
		}, nil, [5]pact.LinkStatus{E, S, N, N, N}},
		{"an override lowers a link", nil, []casework.Override{ov(pact.LinkIncursion, N, 1)}, [5]pact.LinkStatus{N, S, N, N, N}},
		{"the latest override wins", nil, []casework.Override{ov(pact.LinkUse, E, 5), ov(pact.LinkUse, S, 1)}, [5]pact.LinkStatus{E, S, N, N, E}},
		{"a withdrawn override restores the derived status", []casework.Evidence{ev(pact.LinkUse, casework.EvidenceDocument, "launch", 1)},
			[]casework.Override{ov(pact.LinkUse, E, 1), ov(pact.LinkUse, "", 2)}, [5]pact.LinkStatus{E, S, N, N, S}},
	}
	for _, tt := range tests {
		chain := casework.Chain(f, tt.evidence, tt.overrides)
		if len(chain) != 5 {
			t.Fatalf("%s: Chain returned %d links, want 5", tt.name, len(chain))
		}
		for i, l := range chain {
			if l.Name != casework.Links[i] || l.Status != tt.want[i] {
				t.Errorf("%s: link %d %s = %s, want %s %s", tt.name, i, l.Name, l.Status, casework.Links[i], tt.want[i])
			}
			if (l.Status == pact.Established) != (l.Missing == "") {
				t.Errorf("%s: link %s is %s with missing %q: want a hint exactly when not established", tt.name, l.Name, l.Status, l.Missing)
			}
			if (l.Override != nil) != (l.Status != l.Derived || l.Override != nil && l.Override.Status == l.Derived) {
				t.Errorf("%s: link %s override %+v, status %s, derived %s", tt.name, l.Name, l.Override, l.Status, l.Derived)
			}
		}
	}
	chain := casework.Chain(f, nil, nil)
	lines := casework.MissingLinks(chain)
	if len(lines) != 4 || !strings.HasPrefix(lines[3], "information-used: not-established: ") || !strings.Contains(lines[2], "patent filing") {
		t.Errorf("MissingLinks = %q, want four lines naming link, status and what is missing", lines)
	}
}
