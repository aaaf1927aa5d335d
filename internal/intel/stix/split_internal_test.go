package stix

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/valyala/fastjson"
)

// bundles returns the bundles in testdata, each with variants that take
// the other branches of the object-at-a-time decoding: objects reversed
// (indicators out of id order), a later and an equal version of an
// indicator, objects that do not decode or have no id, a non-object
// element and other spacing.
func bundles(t testing.TB) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob("testdata/*.json")
	more, _ := filepath.Glob("testdata/*/*.json")
	out := map[string][]byte{}
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var top struct {
			Type    string            `json:"type"`
			Objects []json.RawMessage `json:"objects"`
		}
		if json.Unmarshal(data, &top) != nil || top.Type != "bundle" {
			continue
		}
		out[f] = data
		objs := top.Objects
		wrap := func(objs []json.RawMessage, sep string) []byte {
			parts := make([]string, len(objs))
			for i, o := range objs {
				parts[i] = string(o)
			}
			return []byte(`{"id": "bundle--1", "objects":` + sep + `[` + sep + strings.Join(parts, ","+sep) + sep + `],` + sep + `"type":"bundle"}`)
		}
		rev := slices.Clone(objs)
		slices.Reverse(rev)
		out[f+" reversed"] = wrap(rev, "\n ")
		var sorted []json.RawMessage // keys in order: the type after the id
		for _, o := range objs {
			var m map[string]any
			if json.Unmarshal(o, &m) != nil {
				sorted = append(sorted, o)
				continue
			}
			b, _ := json.Marshal(m) // a map's keys come out sorted
			sorted = append(sorted, b)
		}
		out[f+" sorted keys"] = wrap(sorted, "")
		var extra []json.RawMessage
		for _, o := range objs {
			var h struct{ Type, ID, Modified string }
			_ = json.Unmarshal(o, &h)
			if h.Type == "indicator" {
				later := bytes.Replace(o, []byte(`"modified"`), []byte(`"x_old_modified"`), 1)
				later = append([]byte(`{"modified":"2030-01-01T00:00:00Z","confidence":7,`), later[1:]...)
				extra = append(extra, o, later)
				break
			}
		}
		extra = append(extra, json.RawMessage(`{"type":"indicator","id":"indicator--9","name":5}`),
			json.RawMessage(`{"type":"indicator","pattern":"[ipv4-addr:value = '192.0.2.1']"}`),
			json.RawMessage(`17`), json.RawMessage(`null`),
			// Decoded by encoding/json's rules, whichever path takes them:
			// keys in other case (Unicode folding too), a key given twice,
			// values of the wrong kind, null, numbers as written.
			json.RawMessage(`{"type":"indicator","id":"indicator--8","Pattern":"[ipv4-addr:value = '192.0.2.8']","CONFIDENCE":1e1}`),
			json.RawMessage(`{"type":"indicator","id":"indicator--7","pattern":"[ipv4-addr:value = '192.0.2.7']","pattern":"[ipv4-addr:value = '192.0.2.77']"}`),
			json.RawMessage(`{"type":"indicator","id":"indicator--6","pattern":"[ipv4-addr:value = '192.0.2.6']","revoked":"yes"}`),
			json.RawMessage(`{"type":"indicator","id":"indicator--5","pattern":"[ipv4-addr:value = '192.0.2.5']","name":null,"object_marking_refs":[null,"x"],"confidence":"40"}`),
			json.RawMessage("{\"type\":\"relationship\",\"id\":\"relationship--4\",\"relationship_type\":\"indicates\",\"\u017fource_ref\":\"indicator--5\",\"target_ref\":\"malware--1\"}"),
			json.RawMessage(`{"type":"indicator","id":"indicator--3","pattern":"[ipv4-addr:value = '192.0.2.3']","confidence":85.0,"valid_from":"2016-01-01T00:00:00Z","x":{"y":[1,2,{"z":"w"}]}}`))
		out[f+" with extras"] = wrap(append(slices.Clone(objs), extra...), "")
		if len(extra) > 2 && bytes.Contains(extra[0], []byte(`"indicator"`)) {
			out[f+" with bad objects"] = wrap(append(slices.Clone(objs), extra[2:]...), " ")
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d bundles in testdata", len(out))
	}
	return out
}

// DecodeBundle gives what decoding the bundle as a whole gives.
func TestDecodeBundleMatchesWhole(t *testing.T) {
	ctx := context.Background()
	for name, data := range bundles(t) {
		got, ok, err := DecodeBundle(ctx, data, "b.json")
		if !ok || err != nil {
			t.Errorf("%s: DecodeBundle ok %v, %v; want it decoded", name, ok, err)
			continue
		}
		want, err := decodeWhole(ctx, data, "b.json")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: DecodeBundle differs from decodeWhole (-whole +bundle):\n%s", name, diff)
		}
		if !strings.HasSuffix(name, "extras") {
			continue
		}
		if len(got.Unsupported) < 3 {
			t.Errorf("%s: %d unsupported, want the three bad objects at least", name, len(got.Unsupported))
		}
		// Of the three versions of an indicator only the latest counts.
		later := map[string]bool{}
		for _, ind := range got.Indicators {
			if ind.Confidence == 7 {
				later[ind.ID] = true
			}
		}
		for _, ind := range got.Indicators {
			if later[ind.ID] && ind.Confidence != 7 {
				t.Errorf("%s: an earlier version of %s is kept: %+v", name, ind.ID, ind)
			}
		}
	}
}

// bundleSpans delimits elements as encoding/json does (spans count from
// the start of the input, a byte order mark included), and declines what
// it does not read as encoding/json would.
func TestBundleSpans(t *testing.T) {
	tricky := `{"a":"\"}]\\","b":[1,{"c":"{["}],"d":{}}`
	good := map[string][]string{
		`{"type":"bundle","objects":[]}`: nil,
		`{"type":"bundle"}`:              nil,
		"\xef\xbb\xbf {\"objects\" : [ 1 , \"x\" ,null,[]] ,\"type\":\"bundle\" }\n": {`1`, `"x"`, `null`, `[]`},
		`{"type":"bundle","objects":[` + tricky + `,{}],"id":"bundle--\"x\""}`:       {tricky, `{}`},
	}
	for in, want := range good {
		spans, ok := bundleSpans([]byte(in))
		var got []string
		for _, s := range spans {
			got = append(got, in[s.start:s.end])
		}
		if !ok || !slices.Equal(got, want) {
			t.Errorf("bundleSpans(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{
		``, `[]`, `{}`, `{"type":"note","objects":[]}`,
		`{"Type":"bundle","objects":[]}`, `{"type":"bundle","OBJECTS":[]}`, `{"typ\u0065":"bundle"}`,
		`{"type":"bundle","type":"bundle"}`, `{"type":"bundle","objects":[],"objects":[]}`,
		`{"type":"bun\u0064le"}`, `{"type":"bundle","objects":{}}`, `{"type":"bundle","objects":[1 2]}`,
		`{"type":"bundle","objects":[{"a":"]"}`, `{"type":"bundle","objects":[]} x`, `{"type":"bundle",}`,
		`{"type":"bundle","id":tru}`, "{\"type\":\"bundle\",\"a\x01\":1}", `{"type":"bundle" "objects":[]}`,
	} {
		if spans, ok := bundleSpans([]byte(in)); ok {
			t.Errorf("bundleSpans(%q) = %v, true; want it declined", in, spans)
		}
	}
}

// Whatever DecodeBundle decodes, decodeWhole decodes the same; what is
// not JSON it declines.
func FuzzDecodeBundle(f *testing.F) {
	for _, data := range bundles(f) {
		if len(data) < 4000 {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"},{"type":"x","id":"x--1"`))
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']",}]}`))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok, err := DecodeBundle(ctx, data, "f.json")
		if err != nil {
			t.Fatalf("DecodeBundle: %v", err)
		}
		if !ok {
			return
		}
		if !json.Valid(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))) {
			t.Fatalf("DecodeBundle decoded invalid JSON %q", data)
		}
		want, err := decodeWhole(ctx, data, "f.json")
		if err != nil {
			t.Fatalf("decodeWhole: %v", err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("DecodeBundle(%q) differs (-whole +bundle):\n%s", data, diff)
		}
	})
}

func ExampleDecodeBundle() {
	c, ok, err := DecodeBundle(context.Background(), []byte(`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1' OR domain-name:value = 'Evil.example']"}]}`), "b.json")
	fmt.Println(ok, err, len(c.Indicators), c.Indicators[0].Value, c.Indicators[1].Value)
	// Output: true <nil> 2 evil.example 192.0.2.1
}

// compileSimple compiles what it compiles as the parser does.
func TestCompileSimple(t *testing.T) {
	values := []string{"192.0.2.1", "192.0.2.0/24", "192.0.2.1/32", " 192.0.2.1", "2001:db8::1", "2001:DB8::/32",
		"Evil.Example.com", "evil.example.com.", "xn--bcher-kva.example", "bücher.example", "http://Evil.example/a b?c",
		"d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E", strings.Repeat("ab", 32), strings.Repeat("a", 40),
		"x@Example.com", "not an ip", "", "1.2.3.4]", "a = 'b", "]["}
	n := 0
	for path := range simplePaths() {
		for _, v := range values {
			for _, p := range []string{"[" + path + " = '" + v + "']", "[" + path + "='" + v + "']"} {
				got, ok := compileSimple(p)
				p2, err := ParsePattern(p)
				var want []Term
				if err == nil {
					want, err = Compile(p2)
				}
				if ok {
					n++
					if err != nil || !slices.Equal([]Term{got}, want) {
						t.Errorf("compileSimple(%q) = %v; the parser gives %v, %v", p, got, want, err)
					}
				}
				if all, err2 := CompileString(p); !slices.Equal(all, want) || (err == nil) != (err2 == nil) {
					t.Errorf("CompileString(%q) = %v, %v; the parser gives %v, %v", p, all, err2, want, err)
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("compileSimple compiled %d patterns, want most of those of one plain comparison", n)
	}
	for _, p := range []string{"[ipv4-addr:value = '1.2.3.4'] OR [ipv4-addr:value = '1.2.3.5']", "[ipv4-addr:value = '1.2.3.4' OR ipv4-addr:value = '1.2.3.5']",
		"[ipv4-addr:value = 'a\\'b']", "[ipv4-addr:value  = '1.2.3.4']", "[x-custom:value = '1.2.3.4']"} {
		if got, ok := compileSimple(p); ok {
			t.Errorf("compileSimple(%q) = %v; want it left to the parser", p, got)
		}
	}
}

func FuzzCompileSimple(f *testing.F) {
	f.Add("[ipv4-addr:value = '192.0.2.1']")
	f.Add("[file:hashes.'SHA-256' = 'ABCD']")
	f.Add("[domain-name:value = 'a.b']")
	f.Fuzz(func(t *testing.T, p string) {
		got, ok := compileSimple(p)
		if !ok {
			return
		}
		want, err := Compile(must(ParsePattern(p)))
		if err != nil || !slices.Equal([]Term{got}, want) {
			t.Fatalf("compileSimple(%q) = %v; the parser gives %v, %v", p, got, want, err)
		}
	})
}

func must(p *Pattern, err error) *Pattern {
	if err != nil {
		panic(err)
	}
	return p
}

// Plain objects take the fast path; others encoding/json.
func TestDecodeFast(t *testing.T) {
	var p fastjson.Parser
	for in, want := range map[string]bool{
		`{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']","confidence":50,"object_marking_refs":["a"],"revoked":false,"x_y":{"a":[1]}}`: true,
		`{"type":"indicator","Pattern":"p"}`:        false,
		`{"type":"indicator","type":"indicator"}`:   false,
		`{"type":"indicator","name":"a\"b"}`:        false,
		`{"type":"indicator","revoked":1}`:          false,
		`{"type":"x","external_references":[]}`:     false,
		"{\"type\":\"x\",\"\u017fectors\":[\"a\"]}": false,
		`{"type":"x","aliases":["a",1]}`:            false,
		`{"type":"x","confidence":"50"}`:            false,
		"{\"type\":\"x\",\"name\":\"a\tb\"}":        false,
	} {
		var o object
		if got := decodeFast(&p, []byte(in), &o); got != want {
			t.Errorf("decodeFast(%q) = %v, want %v", in, got, want)
		}
	}
}
