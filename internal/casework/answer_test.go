package casework_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/pactwatch/pactwatch/internal/shareddata"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pactwatch/pactwatch/internal/casework"
)

// stixSchema compiles the OASIS STIX 2.1 schema of one object type from the
// shared data, or skips the test when the data are absent.
func stixSchema(t *testing.T, typ string) *jsonschema.Schema {
	t.Helper()
	return shareddata.STIXSchemas(t).Compile(t, "sdos/"+typ+".json")
}

func TestAnswerObject(t *testing.T) {
	c := reach(t, casework.Referred)
	tests := []struct {
		kind     string
		response casework.Response
		check    map[string]any
	}{
		{casework.STIXOpinion, casework.Disputed, map[string]any{"opinion": "strongly-disagree", "explanation": "we disputed"}},
		{casework.STIXOpinion, casework.Rejected, map[string]any{"opinion": "disagree"}},
		{casework.STIXOpinion, casework.Investigating, map[string]any{"opinion": "neutral"}},
		{casework.STIXOpinion, casework.ActionTaken, map[string]any{"opinion": "agree"}},
		{casework.STIXNote, casework.Investigating, map[string]any{"content": "we investigating", "abstract": "Answer of CN to case C-1 under us-cn-2015: investigating"}},
	}
	for _, tt := range tests {
		a := answer(tt.response, answered)
		b, err := casework.AnswerObject(c, a, tt.kind, nil)
		if err != nil {
			t.Fatalf("AnswerObject(%s, %s) error: %v", tt.kind, tt.response, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("AnswerObject(%s, %s) is not JSON: %v\n%s", tt.kind, tt.response, err, b)
		}
		want := map[string]any{"type": tt.kind, "spec_version": "2.1", "created": "2015-10-30T12:00:00.000Z", "modified": "2015-10-30T12:00:00.000Z"}
		for k, v := range tt.check {
			want[k] = v
		}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("AnswerObject(%s, %s)[%s] = %v, want %v", tt.kind, tt.response, k, m[k], v)
			}
		}
		refs, _ := m["object_refs"].([]any)
		if len(refs) != 2 || refs[0] != casework.FindingRef("F-1") || refs[1] != casework.FindingRef("F-2") {
			t.Errorf("object_refs = %v, want the refs of F-1 and F-2", m["object_refs"])
		}
		if id, _ := m["id"].(string); !strings.HasPrefix(id, tt.kind+"--") {
			t.Errorf("id = %v, want a %s-- identifier", m["id"], tt.kind)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := stixSchema(t, tt.kind).Validate(inst); err != nil {
			t.Errorf("AnswerObject(%s, %s) fails the OASIS schema: %v\n%s", tt.kind, tt.response, err, b)
		}
	}
}

func TestAnswerObjectIDsAndErrors(t *testing.T) {
	c := reach(t, casework.Referred)
	a := answer(casework.Disputed, answered)
	one, _ := casework.AnswerObject(c, a, casework.STIXOpinion, nil)
	two, _ := casework.AnswerObject(c, a, casework.STIXOpinion, nil)
	if !bytes.Equal(one, two) {
		t.Errorf("AnswerObject is not deterministic:\n%s\n%s", one, two)
	}
	other, _ := casework.AnswerObject(c, answer(casework.Rejected, answered), casework.STIXOpinion, nil)
	var m1, m2 map[string]any
	_ = json.Unmarshal(one, &m1)
	_ = json.Unmarshal(other, &m2)
	if m1["id"] == m2["id"] {
		t.Errorf("two different answers share the id %v", m1["id"])
	}
	refs := []string{"report--a6a2a4c1-42b4-4a4c-9f1e-0f5bde2f6f4b"}
	b, err := casework.AnswerObject(c, a, casework.STIXNote, refs)
	if err != nil || !strings.Contains(string(b), refs[0]) {
		t.Errorf("AnswerObject with explicit refs = %s, %v; want them in object_refs", b, err)
	}
	bad := []struct {
		name string
		a    casework.Answer
		kind string
		refs []string
	}{
		{"unknown response", casework.Answer{Response: "maybe", Received: answered}, casework.STIXOpinion, nil},
		{"no time received", casework.Answer{Response: casework.Disputed}, casework.STIXOpinion, nil},
		{"unknown kind", a, "report", nil},
		{"not a STIX id", a, casework.STIXNote, []string{"F-1"}},
	}
	for _, tt := range bad {
		if _, err := casework.AnswerObject(c, tt.a, tt.kind, tt.refs); !errors.Is(err, casework.ErrInvalid) {
			t.Errorf("AnswerObject(%s) error %v, want ErrInvalid", tt.name, err)
		}
	}
	// Respond keeps the answer as data on the case.
	got := must(t)(casework.Respond(c, casework.Answer{Response: casework.Disputed, From: "MPS", Object: one}, "liaison", answered))
	if last, ok := got.LastAnswer(); !ok || !bytes.Equal(last.Object, one) || !last.Received.Equal(answered) {
		t.Errorf("LastAnswer() = %+v, want the object kept and the time received defaulted to now", last)
	}
}
