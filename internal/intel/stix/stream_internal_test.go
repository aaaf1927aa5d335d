package stix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/intel"
)

// streamed returns what StreamIndicators passes on, in the collection's
// order, checking the goroutine numbers on the way. With 3 goroutines the
// bundle is read through a ReaderAt, in batches of 1,000 bytes, else
// delimited in data.
func streamed(t *testing.T, data []byte, workers int) ([]intel.Indicator, []intel.Unsupported, bool) {
	t.Helper()
	var r io.ReaderAt
	if workers == 3 {
		r = bytes.NewReader(data)
		defer func(b int) { readBatch = b }(readBatch)
		readBatch = 1000
	}
	byW := make([][]intel.Indicator, max(workers, 1))
	unsup, ok, err := StreamIndicators(context.Background(), data, "b.json", StreamOptions{
		Workers:  workers,
		ReaderAt: r,
	}, func(w int, ind *intel.Indicator) {
		if w < 0 || w >= len(byW) {
			t.Fatalf("add on goroutine %d of %d", w, workers)
		}
		x := *ind
		x.ID, x.Value, x.Pattern, x.Name = strings.Clone(x.ID), strings.Clone(x.Value), strings.Clone(x.Pattern), strings.Clone(x.Name)
		byW[w] = append(byW[w], x)
	})
	if err != nil {
		t.Fatalf("StreamIndicators: %v", err)
	}
	var inds []intel.Indicator
	for _, l := range byW {
		inds = append(inds, l...)
	}
	slices.SortStableFunc(inds, intel.CompareIndicators)
	return inds, unsup, ok
}

// StreamIndicators passes on the indicators Decode gives, with their
// Source, TLP and Indicates, and reports what Decode reports as
// unsupported, for any number of goroutines; it declines bundles that
// give an object more than once, which Decode resolves by version.
func TestStreamIndicatorsMatchesDecode(t *testing.T) {
	ctx := context.Background()
	all := bundles(t)
	all["bom"] = []byte("\xef\xbb\xbf" + `{"type":"bundle","objects":[{"id":"indicator--1","type":"indicator","pattern":"[ipv4-addr:value = '192.0.2.1']","created_by_ref":"identity--1"},` +
		`{"type":"identity","id":"identity--1","name":"Feed"},{"type":"marking-definition","id":"marking-definition--x","definition_type":"tlp","definition":{"tlp":"amber"}},` +
		`{"type" : "indicator","id":"indicator--2","pattern":"[domain-name:value = 'a.example']","object_marking_refs":["marking-definition--x"]},` +
		`{"type":"relationship","id":"relationship--1","relationship_type":"indicates","source_ref":"indicator--2","target_ref":"malware--1"}]}`)
	streamedSome := 0
	for name, data := range all {
		want, err := Decode(ctx, data, "b.json")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, workers := range []int{1, 2, 3} {
			got, unsup, ok := streamed(t, data, workers)
			if ok == repeatsOther(t, data) {
				t.Errorf("%s: StreamIndicators ok %v; want it declined only if an object not an indicator repeats an id", name, ok)
			}
			if !ok {
				continue
			}
			streamedSome++
			if diff := cmp.Diff(want.Indicators, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s, %d goroutines: indicators differ from Decode's (-Decode +stream):\n%s", name, workers, diff)
			}
			if diff := cmp.Diff(want.Unsupported, unsup, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s, %d goroutines: unsupported differ from Decode's (-Decode +stream):\n%s", name, workers, diff)
			}
		}
	}
	if streamedSome < 3*len(all)*2/3 {
		t.Errorf("only %d of %d bundles streamed", streamedSome, 3*len(all))
	}
	bom, _, _ := streamed(t, all["bom"], 2)
	if len(bom) != 2 || bom[0].Source != "Feed" || bom[1].TLP != "amber" || !slices.Equal(bom[1].Indicates, []string{"malware--1"}) {
		t.Errorf("bom: %+v", bom)
	}
}

// repeatsOther reports whether two elements of bundle data that decode
// have the same id, one of them not an indicator.
func repeatsOther(t *testing.T, data []byte) bool {
	var b struct{ Objects []json.RawMessage }
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &b); err != nil {
		t.Fatal(err)
	}
	types := map[string][]string{}
	for _, o := range b.Objects {
		var h struct{ Type, ID string }
		if json.Unmarshal(o, &h) != nil || h.Type == "" || h.ID == "" {
			continue
		}
		types[h.ID] = append(types[h.ID], h.Type)
	}
	for _, ts := range types {
		if len(ts) > 1 && slices.ContainsFunc(ts, func(t string) bool { return t != "indicator" }) {
			return true
		}
	}
	return false
}

// What StreamIndicators cannot pass on as Decode would, it declines.
func TestStreamIndicatorsDeclines(t *testing.T) {
	for _, in := range []string{
		`{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"}`,
		`[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"}]`,
		// Not an indicator after all: a later key wins.
		`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']","type":"note"}]}`,
		// Versions of other objects; an indicator whose id is another's.
		`{"type":"bundle","objects":[{"type":"identity","id":"identity--1"},{"type":"identity","id":"identity--1","name":"x"}]}`,
		`{"type":"bundle","objects":[{"type":"indicator","id":"x--1","pattern":"[ipv4-addr:value = '192.0.2.1']"},{"type":"identity","id":"x--1","name":"x"}]}`,
		// Versions of an indicator whose ids are written other than as
		// they decode.
		`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"},` +
			`{"type":"indicator","id":"indicator--\u0031","modified":"2030-01-01T00:00:00Z","pattern":"[ipv4-addr:value = '192.0.2.2']"}]}`,
		`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"},` +
			`{"type":"indicator","id":"indicator--2","id":"indicator--1","modified":"2030-01-01T00:00:00Z","pattern":"[ipv4-addr:value = '192.0.2.2']"}]}`,
		// Not JSON.
		`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']",}]}`,
		`{"type":"bundle","objects":[{"type":"identity","id":"identity--1",]}`,
	} {
		_, _, ok := streamed(t, []byte(in), 2)
		if ok {
			t.Errorf("StreamIndicators(%s) streamed it", in)
		}
	}
}

// scanObject decodes what encoding/json decodes, as it decodes it, or
// declines: every element of the testdata bundles, and what the fuzzer
// makes of them.
func FuzzScanObject(f *testing.F) {
	for _, data := range bundles(f) {
		var b struct{ Objects []json.RawMessage }
		if json.Unmarshal(data, &b) != nil {
			continue
		}
		for _, o := range b.Objects {
			f.Add([]byte(o))
		}
	}
	for _, s := range []string{
		`{"type":"indicator","Type":"x","TYPE":null,"revoked":true,"REVOKED":null,"confidence":-1.5e+3}`,
		`{"object_marking_refs":["a",null],"aliases":null,"Aliases":["b"],"sectors":[],"confidence":null}`,
		`{"external_references":[null,{"Source_Name":"mitre-attack","x":[{"y":"\u00e9\n"}]}],"definition":{"TLP":null},"kill_chain_phases":null}`,
		`{"external_references":{},"x":1}`, `{"definition":[]}`, `{"kill_chain_phases":[{"phase_name":1}]}`,
		`{"name":"a\"b"}`, `{"n\u0061me":"a"}`, `{"ſource_ref":"x"}`, `{"confidence":"40"}`, `{"confidence":01}`,
		`{"name":"a\u00e9\ud83d\ude00\ud800\u0041\udc00x\n\t\/\\\"","description":"\ud83d","aliases":["\u2620",null,"b\\"]}`,
		`{"name":"\u12"}`, `{"name":"\x"}`, `{"name":"\` + "\u00e9" + `"}`, ` { } `, `{}x`, `[]`, `{"x":[1,2,{"a":[true,false,null,"\ud800"]}]}`, "{\"x\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var got object
		var buf scanBuf
		if !scanObject(raw, &got, &buf) {
			return
		}
		var want object
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("scanObject decoded %q, which encoding/json does not: %v", raw, err)
		}
		want.ExternalReferences, want.KillChainPhases, want.Definition.TLP = nil, nil, ""
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("scanObject(%q) differs from encoding/json (-json +scan):\n%s", raw, diff)
		}
	})
}

// scanObject takes the indicators that feeds write: the testdata's ASCII
// ones, escapes and all, are all decoded without falling back.
func TestScanObjectTakesIndicators(t *testing.T) {
	n := 0
	for name, data := range bundles(t) {
		var b struct{ Objects []json.RawMessage }
		if json.Unmarshal(data, &b) != nil {
			continue
		}
		for _, raw := range b.Objects {
			var h struct{ Type string }
			_ = json.Unmarshal(raw, &h)
			if h.Type != "indicator" || bytes.ContainsFunc(raw, func(r rune) bool { return r >= 0x80 }) {
				continue
			}
			var o object
			var buf scanBuf
			if !scanObject(raw, &o, &buf) && json.Unmarshal(raw, &o) == nil {
				t.Errorf("%s: scanObject declined %s", name, raw)
			}
			n++
		}
	}
	if n < 50 {
		t.Errorf("only %d plain indicators in testdata", n)
	}
}

// elementsParallel delimits what elements delimits, in order, whatever
// the parts and wherever their shares begin: in strings that hold what
// looks like the start of an element, in whitespace, on elements that
// are not objects.
func TestElementsParallel(t *testing.T) {
	defer func(m int) { minPartBytes = m }(minPartBytes)
	minPartBytes = 1
	tricky := []string{
		`{"a":1}`, `{"d":"x,{\"y\":2}, {"}`, `{"d":"\\",{"}`, `17`, `"s,{"`, `[{"a":[1,{"b":"]},{"}]}]`,
		`{}`, `null`, `{"e":{"f":{"g":",  {"}}}`, `{"h":"\u002c{"}`,
	}
	var inputs []string
	for _, sep := range []string{",", ", ", ",\n  ", " ,\t"} {
		inputs = append(inputs, "["+strings.Join(tricky, sep)+"]", "[ "+strings.Join(tricky, sep)+" ]  ")
	}
	inputs = append(inputs, `[]`, `[ ]`, `[{"a":1}`, `[{"a":1},]`, `[{"a":1} {"b":2}]`, `[{"a":"x}]`)
	for _, in := range inputs {
		data := []byte(in)
		var want []span
		wantEnd, wantOK := elements(data, 0, func(s span) { want = append(want, s) })
		for parts := 1; parts <= 7; parts++ {
			for _, batch := range []int{0, 1, 3, 16} { // 0: data, not read
				all, end, ok, err := delimitInParts(t, data, parts, batch)
				if err != nil || ok != wantOK || ok && end != wantEnd {
					t.Errorf("%s, %d parts, batch %d: end %d, %v, %v; want %d, %v", in, parts, batch, end, ok, err, wantEnd, wantOK)
					continue
				}
				if ok && !slices.Equal(all, want) {
					t.Errorf("%s, %d parts, batch %d: spans %v, want %v", in, parts, batch, all, want)
				}
			}
		}
	}
}

// delimitInParts runs elementsParallel on array data in parts, reading
// it through a reader in batches of batch bytes unless batch is 0, and
// returns the spans in order, checking that each one's text is data's.
func delimitInParts(t *testing.T, data []byte, parts, batch int) ([]span, int, bool, error) {
	var r io.ReaderAt
	if batch > 0 {
		r = bytes.NewReader(data)
		defer func(b int) { readBatch = b }(readBatch)
		readBatch = batch
	}
	got := make([][]span, parts)
	end, ok, err := elementsParallel(data, r, 0, parts, func(k int, s span, raw []byte) {
		if string(raw) != string(data[s.start:s.end]) {
			t.Errorf("span %v of %q given as %q", s, data, raw)
		}
		got[k] = append(got[k], s)
	}, func(k int) { got[k] = nil })
	return slices.Concat(got...), end, ok, err
}

// Delimited in parts, bundles stream as they do in one.
func TestStreamIndicatorsInParts(t *testing.T) {
	defer func(m int) { minPartBytes = m }(minPartBytes)
	for name, data := range bundles(t) {
		minPartBytes = 1 << 30
		want, wantUnsup, wantOK := streamed(t, data, 3)
		minPartBytes = len(data)/5 + 1
		got, unsup, ok := streamed(t, data, 3)
		if ok != wantOK || !cmp.Equal(want, got, cmpopts.EquateEmpty()) || !cmp.Equal(wantUnsup, unsup, cmpopts.EquateEmpty()) {
			t.Errorf("%s: in parts, ok %v, %d indicators, %d unsupported; in one, %v, %d, %d", name, ok, len(got), len(unsup), wantOK, len(want), len(wantUnsup))
		}
	}
}

func FuzzElementsParallel(f *testing.F) {
	f.Add([]byte(`[{"a":1}, {"d":"x,{\"y\":2}, {"}, 17, "s,{" ,{}]`), uint8(3))
	f.Add([]byte(`[{"a":1}, 1234567 ,   {"b":"c"}  ]`), uint8(3+8*2))
	f.Add([]byte(`[{"a":"]},{"},{"b":[{"c":"}, {"}]}]`), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, parts uint8) {
		defer func(m int) { minPartBytes = m }(minPartBytes)
		minPartBytes = 1
		if len(data) == 0 || data[0] != '[' {
			return
		}
		var want []span
		wantEnd, wantOK := elements(data, 0, func(s span) { want = append(want, s) })
		n := int(parts%8) + 1
		batch := int(parts/8) % 5 // 0: not read
		got, end, ok, err := delimitInParts(t, data, n, batch)
		if err != nil || ok != wantOK || ok && (end != wantEnd || !slices.Equal(got, want)) {
			t.Fatalf("%q in %d parts, batch %d: %v, %d, %v, %v; want %v, %d, %v", data, n, batch, ok, end, got, err, wantOK, wantEnd, want)
		}
	})
}

// The word-at-a-time searches find what a byte loop finds.
func TestStringStop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'a', 'Z', '"', '\\', 0x1f, 0x20, 0x7f, 0x80, 0xc3, 0xff, '!', '#', '[', ']', 0}
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for j := range b {
			if r.IntN(4) == 0 {
				b[j] = alphabet[r.IntN(len(alphabet))]
			} else {
				b[j] = byte('a' + r.IntN(26))
			}
		}
		from := r.IntN(len(b) + 1)
		want := from
		for want < len(b) && b[want] >= 0x20 && b[want] < 0x80 && b[want] != '"' && b[want] != '\\' {
			want++
		}
		if got := stringStop(b, from); got != want {
			t.Fatalf("stringStop(%q, %d) = %d, want %d", b, from, got, want)
		}
		want = from
		for want < len(b) && b[want] != '"' && b[want] != '\\' {
			want++
		}
		if got := quoteOrBackslash(b, from); got != want {
			t.Fatalf("quoteOrBackslash(%q, %d) = %d, want %d", b, from, got, want)
		}
	}
}

// A file that shrinks under StreamIndicators is an error, not fewer
// indicators.
func TestStreamIndicatorsShortRead(t *testing.T) {
	data := []byte(`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '192.0.2.1']"}]}`)
	_, ok, err := StreamIndicators(context.Background(), data, "b.json", StreamOptions{ReaderAt: bytes.NewReader(data[:40])},
		func(int, *intel.Indicator) { t.Error("an indicator passed on") })
	if ok || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("StreamIndicators of a shrunk file: ok %v, %v; want io.ErrUnexpectedEOF", ok, err)
	}
}

// classify finds the type and the id wherever they are among the
// members.
func TestClassify(t *testing.T) {
	for in, want := range map[string]struct {
		ind bool
		id  string
	}{
		`{"type":"indicator","id":"indicator--1"}`:                      {true, "indicator--1"},
		` { "type" : "indicator" , "spec_version":"2.1", "id" : "x" }`:  {true, "x"},
		`{"id":"indicator--1","spec_version":"2.1","type":"indicator"}`: {true, "indicator--1"},
		`{"a":{"type":"malware"},"b":[1,"x"],"type":"indicator"}`:       {true, ""},
		`{"type":"indicator","id":"indicator--\u0031"}`:                 {true, ""},
		`{"type":"indicator","id":1}`:                                   {true, ""},
		`{"id":"a","type":"indicator","id":"b"}`:                        {true, "a"},
		`{"id":"indicator--1","type":"malware","type":"indicator"}`:     {false, ""}, // decoding finds it
		`{"id":"indicator--1","Type":"indicator"}`:                      {false, ""},
		`{"type":"indicators"}`:                                         {false, ""},
		`{"id":"x"}`:                                                    {false, ""}, `{}`: {false, ""}, `[]`: {false, ""}, `"indicator"`: {false, ""}, `{"type":1}`: {false, ""},
	} {
		ind, id := classify([]byte(in))
		if ind != want.ind || ind && string(id) != want.id {
			t.Errorf("classify(%s) = %v, %q; want %v, %q", in, ind, id, want.ind, want.id)
		}
	}
}

// Of the versions of an indicator the latest stay (several if they share
// the latest time), whatever their order, as Decode keeps them.
func TestStreamIndicatorsVersions(t *testing.T) {
	v := func(mod, ip string) string {
		return `{"type":"indicator","id":"indicator--1","modified":"` + mod + `","pattern":"[ipv4-addr:value = '` + ip + `']"}`
	}
	other := `{"type":"indicator","id":"indicator--2","pattern":"[ipv4-addr:value = '192.0.2.99']"}`
	for _, objs := range [][]string{
		{v("2016-01-01T00:00:00Z", "192.0.2.1"), other, v("2017-01-01T00:00:00Z", "192.0.2.2")},
		{v("2017-01-01T00:00:00Z", "192.0.2.2"), other, v("2016-01-01T00:00:00Z", "192.0.2.1")},
		{v("2017-01-01T00:00:00Z", "192.0.2.2"), v("2016-01-01T00:00:00Z", "192.0.2.1"), v("2017-01-01T00:00:00.000Z", "192.0.2.3"), other},
		{v("2017-01-01T00:00:00Z", "192.0.2.2"), `{"type":"indicator","id":"indicator--1","modified":5}`, v("2016-01-01T00:00:00Z", "192.0.2.1")},
	} {
		data := []byte(`{"type":"bundle","objects":[` + strings.Join(objs, ",") + `]}`)
		want, err := Decode(context.Background(), data, "b.json")
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 2, 3} {
			got, unsup, ok := streamed(t, data, workers)
			if !ok {
				t.Errorf("%s: declined", data)
				continue
			}
			if diff := cmp.Diff(want.Indicators, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s, %d goroutines: (-Decode +stream):\n%s", data, workers, diff)
			}
			if diff := cmp.Diff(want.Unsupported, unsup, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s, %d goroutines: unsupported (-Decode +stream):\n%s", data, workers, diff)
			}
		}
	}
}

// Whatever StreamIndicators streams, Decode decodes the same.
func FuzzStreamIndicators(f *testing.F) {
	for _, data := range bundles(f) {
		if len(data) < 4000 {
			f.Add(data, uint8(2))
		}
	}
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","modified":"2017-01-01T00:00:00Z","pattern":"[ipv4-addr:value = '192.0.2.1']"},`+
		`{"type":"indicator","id":"indicator--1","pattern":"[domain-name:value = 'a.example']","created_by_ref":"identity--1"},{"type":"identity","id":"identity--1","name":"F"}]}`), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, workers uint8) {
		defer func(m, b int) { minPartBytes, readBatch = m, b }(minPartBytes, readBatch)
		minPartBytes = 16
		n := int(workers%4) + 1
		got, unsup, ok := streamed(t, data, n) // 3: through a reader
		if !ok {
			return
		}
		want, err := Decode(context.Background(), data, "b.json")
		if err != nil {
			t.Fatalf("streamed %q, which Decode refuses: %v", data, err)
		}
		if diff := cmp.Diff(want.Indicators, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%q, %d goroutines: (-Decode +stream):\n%s", data, n, diff)
		}
		if diff := cmp.Diff(want.Unsupported, unsup, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%q, %d goroutines: unsupported (-Decode +stream):\n%s", data, n, diff)
		}
	})
}

// repeated finds exactly the hashes that repeat, among many that share
// the bits it first looks at.
func TestRepeated(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 10, 1000, 50000} {
		lists := make([][]uint64, 3)
		count := map[uint64]map[int]int{} // hash -> list -> times
		for k := range lists {
			for range n {
				h := r.Uint64() | 1
				switch r.IntN(50) {
				case 0: // again, from any list so far
					if k > 0 || len(lists[k]) > 0 {
						src := lists[r.IntN(k+1)]
						if len(src) > 0 {
							h = src[r.IntN(len(src))]
						}
					}
				case 1:
					h = 0 // unknown: never a repeat
				}
				lists[k] = append(lists[k], h)
				if h != 0 {
					if count[h] == nil {
						count[h] = map[int]int{}
					}
					count[h][k]++
				}
			}
		}
		for _, across := range []bool{false, true} {
			want := map[uint64]bool{}
			for h, byList := range count {
				total, inLast := 0, byList[len(lists)-1]
				for _, c := range byList {
					total += c
				}
				if total > 1 && (!across || inLast > 0 && total > inLast) {
					want[h] = true
				}
			}
			got := repeated(lists, across)
			if !maps.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("n %d, acrossLast %v: %d repeated, want %d", n, across, len(got), len(want))
			}
		}
	}
}
