package pact_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/pact"
)

// The operative texts, copied from /work/shared/CONTEXT.md ("The agreements").
const (
	quoteUSCN = "neither country's government will conduct or knowingly support cyber-enabled theft of intellectual property, including trade secrets or other confidential business information, with the intent of providing competitive advantages to companies or commercial sectors"
	quoteGBCN = "The UK and China agree not to conduct or support cyber-enabled theft of intellectual property, trade secrets or confidential business information with the intent of providing competitive advantage."
	quoteG20  = "no country should conduct or support ICT-enabled theft of intellectual property, including trade secrets or other confidential business information, with the intent of providing competitive advantages to companies or commercial sectors"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestBuiltin(t *testing.T) {
	tests := []struct {
		id             string
		parties        []string
		multilateral   bool
		signed         string
		weekday        time.Weekday
		prohibited     string
		responseDays   int
		dialogueMonths int
		exclusion      string // a phrase one exclusion must quote
	}{
		{
			id: "us-cn-2015", parties: []string{"US", "CN"}, signed: "2015-09-25", weekday: time.Friday,
			prohibited: quoteUSCN, responseDays: 30, dialogueMonths: 6,
			exclusion: `"with the intent of providing competitive advantages to companies or commercial sectors"`,
		},
		{
			id: "gb-cn-2015", parties: []string{"GB", "CN"}, signed: "2015-10-22", weekday: time.Thursday,
			prohibited: quoteGBCN,
			exclusion:  `"with the intent of providing competitive advantage"`,
		},
		{
			id: "g20-2015", multilateral: true, signed: "2015-11-16", weekday: time.Monday, prohibited: quoteG20,
			parties:   []string{"AR", "AU", "BR", "CA", "CN", "FR", "DE", "IN", "ID", "IT", "JP", "KR", "MX", "RU", "SA", "ZA", "TR", "GB", "US", "EU"},
			exclusion: `"with the intent of providing competitive advantages to companies or commercial sectors"`,
		},
	}
	all := pact.Builtin()
	if len(all) != len(tests) {
		t.Fatalf("Builtin() returned %d agreements, want %d", len(all), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			a, ok := pact.Lookup(all, tt.id)
			if !ok {
				t.Fatalf("Lookup(Builtin(), %q) found nothing", tt.id)
			}
			if all[i].ID != tt.id {
				t.Errorf("Builtin()[%d].ID = %q, want %q (oldest first)", i, all[i].ID, tt.id)
			}
			if diff := cmp.Diff(tt.parties, a.Parties); diff != "" {
				t.Errorf("parties (-want +got):\n%s", diff)
			}
			if a.Multilateral != tt.multilateral {
				t.Errorf("Multilateral = %v, want %v", a.Multilateral, tt.multilateral)
			}
			if !a.Signed.Equal(date(tt.signed)) || a.Signed.Weekday() != tt.weekday {
				t.Errorf("Signed = %v (%v), want %s (%v)", a.Signed, a.Signed.Weekday(), tt.signed, tt.weekday)
			}
			if a.EffectiveKnown || !a.Effective.Equal(a.Signed) {
				t.Errorf("Effective = %v known %v, want the signing date, not known", a.Effective, a.EffectiveKnown)
			}
			if a.Prohibited != tt.prohibited {
				t.Errorf("Prohibited = %q\nwant %q", a.Prohibited, tt.prohibited)
			}
			if a.Obligations.ResponseDays != tt.responseDays || a.Obligations.DialogueMonths != tt.dialogueMonths {
				t.Errorf("Obligations = %+v, want response_days %d, dialogue_months %d", a.Obligations, tt.responseDays, tt.dialogueMonths)
			}
			if !containsAny(a.Exclusions, tt.exclusion) || !containsAny(a.Exclusions, "national-security") {
				t.Errorf("Exclusions = %q, want one quoting %s and naming national-security collection", a.Exclusions, tt.exclusion)
			}
			if a.Source == "" || !strings.HasPrefix(a.SourceURL, "http") || a.Title == "" {
				t.Errorf("Source = %q, SourceURL = %q, Title = %q: want all set", a.Source, a.SourceURL, a.Title)
			}
			if clause, ok := pact.IntentClause(a); !ok || !strings.HasPrefix(clause, "with the intent of providing competitive advantage") {
				t.Errorf("IntentClause = %q, %v, want the intent condition", clause, ok)
			}
		})
	}

	us, _ := pact.Lookup(all, "us-cn-2015")
	if !containsAny(us.Notes, `"timely"`) || !containsAny(us.Notes, "pactwatch's default") {
		t.Errorf("us-cn-2015 Notes = %q, want them to say the text says \"timely\" and 30 days is pactwatch's default", us.Notes)
	}
	if gb, _ := pact.Lookup(all, "gb-cn-2015"); !containsAny(gb.Obligations.Text, "high-level security dialogue") {
		t.Errorf("gb-cn-2015 obligations text = %q, want the high-level security dialogue", gb.Obligations.Text)
	}
}

func TestBuiltinReturnsCopies(t *testing.T) {
	a := pact.Builtin()
	a[0].Parties[0] = "XX"
	a[0].ID = "changed"
	b := pact.Builtin()
	if b[0].ID != "us-cn-2015" || b[0].Parties[0] != "US" {
		t.Errorf("Builtin() after modifying an earlier result = %q %q, want us-cn-2015 US", b[0].ID, b[0].Parties)
	}
}

func TestLookupMissing(t *testing.T) {
	if a, ok := pact.Lookup(pact.Builtin(), "us-cn-2016"); ok {
		t.Errorf("Lookup(us-cn-2016) = %v, true, want not found", a.ID)
	}
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestLoadBad(t *testing.T) {
	tests := []struct {
		file  string
		line  int
		field string
		msg   string // substring of the message
	}{
		{"array.json", 1, "", "want one agreement as a JSON object"},
		{"bad-effective.json", 6, "effective", `bad date "25/09/2015": want a calendar date "YYYY-MM-DD"`},
		{"bad-id.json", 2, "id", `bad id "US CN 2015"`},
		{"bad-signed.json", 5, "signed", `bad date "2015-13-01": want a calendar date "YYYY-MM-DD" (month out of range)`},
		{"bad-source-url.json", 10, "source_url", "want an absolute http or https URL"},
		{"duplicate-party.json", 4, "parties[1]", `party "US" is listed twice`},
		{"effective-before-signed.json", 6, "effective", "effective date 2015-09-24 is before the signing date 2015-09-25"},
		{"empty.json", 0, "", "empty file"},
		{"missing-id.json", 2, "id", "missing id"},
		{"missing-prohibited.json", 7, "prohibited", "missing the prohibited conduct"},
		{"missing-signed.json", 5, "signed", "missing signing date"},
		{"missing-source.json", 9, "source", "missing source"},
		{"negative-response-days.json", 8, "obligations.response_days", "-1 days: want 0 (none) to 3650"},
		{"one-party.json", 4, "parties", "only one party: want at least two ISO 3166 alpha-2 codes"},
		{"parties-string.json", 4, "parties", `got a JSON string: want a list of ISO 3166 alpha-2 codes`},
		{"party-lower.json", 4, "parties[0]", `party "us" is not an ISO 3166 alpha-2 code: want upper case "US"`},
		{"party-uk.json", 4, "parties[0]", `party "UK" is not an ISO 3166 alpha-2 code: want "GB"`},
		{"party-unknown.json", 4, "parties[1]", `party "XX" is not an ISO 3166 alpha-2 code`},
		{"response-days-string.json", 8, "obligations.response_days", "got a JSON string: want a whole number"},
		{"signed-datetime.json", 5, "signed", `bad date "2015-09-25T00:00:00Z"`},
		{"signed-number.json", 5, "signed", `got a JSON number: want a date string "YYYY-MM-DD"`},
		{"three-parties.json", 4, "multilateral", `3 parties but "multilateral" is not true`},
		{"truncated.json", 7, "", "invalid JSON"},
		{"two-objects.json", 11, "", "want exactly one JSON object per file"},
		{"unknown-field.json", 10, "signed_by", "unknown field: want one of id, title, parties"},
		{"unknown-obligation.json", 8, "obligations.hotline", "unknown field: want one of response_days, dialogue_months, text"},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("testdata/bad has %d files, the table %d: keep them in step", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", tt.file)
			a, err := pact.LoadFile(path)
			if err == nil {
				t.Fatalf("LoadFile(%q) = %+v, nil, want an error", path, a)
			}
			if !errors.Is(err, pact.ErrInvalid) {
				t.Errorf("LoadFile(%q) error %v does not wrap ErrInvalid", path, err)
			}
			var pe *pact.Error
			if !errors.As(err, &pe) {
				t.Fatalf("LoadFile(%q) error %v (%T) is not a *pact.Error", path, err, err)
			}
			got := struct {
				File, Field string
				Line        int
			}{pe.File, pe.Field, pe.Line}
			want := struct {
				File, Field string
				Line        int
			}{path, tt.field, tt.line}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("LoadFile(%q) = %v: position (-want +got):\n%s", path, err, diff)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("LoadFile(%q) message %q, want it to contain %q", path, pe.Msg, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), path) {
				t.Errorf("LoadFile(%q) error %q does not start with the file name", path, err)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	in := `{"id": "", "parties": ["UK"], "signed": "2015-02-30", "prohibited": "", "source": ""}`
	_, err := pact.Load(strings.NewReader(in), "many.json")
	var fields []string
	for _, e := range unjoin(err) {
		var pe *pact.Error
		if errors.As(e, &pe) {
			fields = append(fields, pe.Field)
		}
	}
	want := []string{"id", "parties[0]", "parties", "signed", "prohibited", "source"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("Load(%s) error fields (-want +got):\n%s\nerror: %v", in, diff, err)
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if _, isPact := err.(*pact.Error); !isPact {
			return j.Unwrap()
		}
	}
	return []error{err}
}

func TestLoadGoodAndRoundTrip(t *testing.T) {
	cases := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join("testdata", "good", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[f] = b
	}
	for _, a := range pact.Builtin() {
		b, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			t.Fatalf("Marshal(%s): %v", a.ID, err)
		}
		cases["builtin "+a.ID] = b
	}
	if len(cases) < 5 {
		t.Fatalf("only %d cases", len(cases))
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := pact.Load(bytes.NewReader(b), name)
			if err != nil {
				t.Fatalf("Load(%s) = %v", name, err)
			}
			out, err := json.Marshal(a)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			var back pact.Agreement
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatalf("Unmarshal(Marshal(Load(%s))) = %v\n%s", name, err, out)
			}
			if diff := cmp.Diff(a, back); diff != "" {
				t.Errorf("round trip of %s (-loaded +back):\n%s", name, diff)
			}
		})
	}
}

func TestMarshalFormat(t *testing.T) {
	a, err := pact.LoadFile(filepath.Join("testdata", "good", "effective-known.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.EffectiveKnown || !a.Effective.Equal(date("2015-10-01")) {
		t.Errorf("Effective = %v known %v, want 2015-10-01 known", a.Effective, a.EffectiveKnown)
	}
	us, _ := pact.Lookup(pact.Builtin(), "us-cn-2015")
	for _, tt := range []struct {
		a    pact.Agreement
		want []string
	}{
		{a, []string{`"signed":"2015-09-25"`, `"effective":"2015-10-01"`}},
		{us, []string{`"signed":"2015-09-25"`, `"effective":null`, `"response_days":30`}},
	} {
		b, err := json.Marshal(tt.a)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !bytes.Contains(b, []byte(w)) {
				t.Errorf("Marshal(%s) = %s, want it to contain %s", tt.a.ID, b, w)
			}
		}
		if bytes.Contains(b, []byte("effective_known")) || bytes.Contains(b, []byte("T00:00:00")) {
			t.Errorf("Marshal(%s) = %s, want the file format (dates only, no effective_known)", tt.a.ID, b)
		}
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join("testdata", "good", "minimal.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.json", "b.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), good, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	other := bytes.Replace(good, []byte(`"id": "x"`), []byte(`"id": "y"`), 1)
	if err := os.WriteFile(filepath.Join(dir, "c.json"), other, 0o600); err != nil {
		t.Fatal(err)
	}
	all, err := pact.LoadDir(dir)
	var pe *pact.Error
	if !errors.As(err, &pe) || pe.Field != "id" || !strings.HasSuffix(pe.File, "b.json") {
		t.Errorf("LoadDir with a duplicate id: error %v, want one naming b.json and field id", err)
	}
	var ids []string
	for _, a := range all {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{"x", "y"}, ids); diff != "" {
		t.Errorf("LoadDir ids (-want +got):\n%s", diff)
	}
}

func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"good", "bad"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	for _, a := range pact.Builtin() {
		b, _ := json.Marshal(a)
		f.Add(b)
	}
	f.Add([]byte(`{"id":"a","parties":["US","CN"],"signed":"2015-09-25","effective":"2015-09-25","prohibited":"p","source":"s","obligations":{"text":["t"]},"x":{"y":[1,{"z":2}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := pact.Load(bytes.NewReader(b), "fuzz.json")
		if err != nil {
			if !errors.Is(err, pact.ErrInvalid) {
				t.Fatalf("Load error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if a.ID == "" || len(a.Parties) < 2 || a.Signed.IsZero() || a.Effective.Before(a.Signed) {
			t.Fatalf("Load accepted an invalid agreement: %+v", a)
		}
		out, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("Marshal(Load(%q)) = %v", b, err)
		}
		back, err := pact.Load(bytes.NewReader(out), "again.json")
		if err != nil {
			t.Fatalf("Load(Marshal(Load(%q))) = %v\n%s", b, err, out)
		}
		if diff := cmp.Diff(a, back); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
