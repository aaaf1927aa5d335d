package ndjson_test

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/ndjson"
)

func TestDecodeDefaultMap(t *testing.T) {
	line := `{"@timestamp":"2015-10-19T12:00:00.5Z","event":{"dataset":"zeek.conn","action":"blocked"},"observer":{"name":"fw-1"},` +
		`"network":{"transport":"TCP"},"source":{"ip":"10.9.8.7","port":49152,"bytes":123},"destination":{"ip":"203.0.113.9","port":"443","bytes":789},` +
		`"dns":{"question":{"name":"Files.Example.com."}},"url":{"full":"http://files.example.com/a"},"file":{"name":["/tmp/a.exe"],"hash":{"md5":"D41D8CD98F00B204E9800998ECF8427E"}},` +
		`"tls":{"client":{"ja3":"e7d705a3286e19ea42f587b344ee6865"}},"rule":{"name":"r1"},"threat":{"technique":{"id":["T1071","T1105"]}}}`
	want := telemetry.Event{
		Time: time.Date(2015, 10, 19, 12, 0, 0, 5e8, time.UTC), Format: "ndjson", Kind: "zeek.conn", Sensor: "fw-1", Proto: "tcp",
		SrcIP: netip.MustParseAddr("10.9.8.7"), SrcPort: 49152, DstIP: netip.MustParseAddr("203.0.113.9"), DstPort: 443,
		Domain: "files.example.com", URL: "http://files.example.com/a", MD5: "d41d8cd98f00b204e9800998ecf8427e", JA3: "e7d705a3286e19ea42f587b344ee6865",
		BytesOut: 123, BytesIn: 789, Signature: "r1", Action: "blocked", Techniques: []string{"T1071", "T1105"}, Files: []string{"a.exe"},
	}
	var ev telemetry.Event
	ok, err := ndjson.NewDecoder(nil).Decode([]byte(line), &ev)
	if !ok || err != nil {
		t.Fatalf("Decode = %v, %v", ok, err)
	}
	if diff := cmp.Diff(want, ev, cmpopts.EquateEmpty(), cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("Decode mismatch (-want +got):\n%s", diff)
	}
}

func TestTimeForms(t *testing.T) {
	want := time.Unix(1445256000, 0).UTC()
	for _, v := range []string{`"2015-10-19T12:00:00Z"`, `"2015-10-19T14:00:00+02:00"`, `1445256000`, `1445256000000`, `"1445256000"`, `1445256000000000`, `1.445256e9`} {
		var ev telemetry.Event
		line := `{"@timestamp":` + v + `}`
		if ok, err := ndjson.NewDecoder(nil).Decode([]byte(line), &ev); !ok || err != nil || !ev.Time.Equal(want) {
			t.Errorf("Decode(%s) = %v, %v, time %v, want %v", line, ok, err, ev.Time, want)
		}
	}
}

func TestCustomMap(t *testing.T) {
	m, err := ndjson.ParseFieldMap("time=ts, src_ip=src.addr|id.orig_h ,dst_ip=id.resp_h,signature=")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m["signature"]; ok || m["url"] != ndjson.DefaultFieldMap()["url"] {
		t.Errorf("ParseFieldMap: signature %q kept or url default lost: %v", m["signature"], m)
	}
	line := `{"ts":10,"id.orig_h":"10.0.0.1","id":{"resp_h":"10.0.0.2"},"rule":{"name":"dropped"}}`
	var ev telemetry.Event
	if ok, err := ndjson.NewDecoder(m).Decode([]byte(line), &ev); !ok || err != nil {
		t.Fatalf("Decode = %v, %v", ok, err)
	}
	if ev.SrcIP.String() != "10.0.0.1" || ev.DstIP.String() != "10.0.0.2" || ev.Time.Unix() != 10 || ev.Signature != "" {
		t.Errorf("custom map event = %+v", ev)
	}
	for _, bad := range []string{"colour=x", "time", "=x"} {
		if _, err := ndjson.ParseFieldMap(bad); err == nil {
			t.Errorf("ParseFieldMap(%q) succeeded, want an error", bad)
		}
	}
}

func TestLoadFieldMap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "map.json")
	if err := os.WriteFile(p, []byte(`{"time":"when","kind":""}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ndjson.LoadFieldMap(p)
	if err != nil {
		t.Fatal(err)
	}
	if m["time"] != "when" || m["kind"] != "" || m["src_ip"] != "source.ip" {
		t.Errorf("LoadFieldMap = %v", m)
	}
	if err := os.WriteFile(p, []byte(`{"nope":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ndjson.LoadFieldMap(p); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("LoadFieldMap(unknown field) = %v, want an error naming it", err)
	}
	if err := (ndjson.FieldMap{"bogus": "x"}).Validate(); err == nil {
		t.Error("Validate(bogus) = nil, want an error")
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ line, field string }{
		{`{"source":{"ip":"999.1.1.1"}}`, "source.ip"},
		{`{"destination":{"port":-1}}`, "destination.port"},
		{`{"@timestamp":"soon"}`, "@timestamp"},
		{`{"@timestamp":true}`, "@timestamp"},
		{`{"source":{"bytes":"lots"}}`, "source.bytes"},
		{`not json`, ""},
		{`[1]`, ""},
	}
	for _, tt := range tests {
		var ev telemetry.Event
		ok, err := ndjson.NewDecoder(nil).Decode([]byte(tt.line), &ev)
		var pe *telemetry.ParseError
		if ok || !errors.As(err, &pe) || pe.Field != tt.field {
			t.Errorf("Decode(%q) = %v, %v, want ParseError for field %q", tt.line, ok, err, tt.field)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"@timestamp":"2015-10-19T12:00:00Z","source":{"ip":"10.0.0.1","port":1},"url":{"full":"http://a/"}}`,
		`{"@timestamp":1e300,"destination.ip":"::1","file":{"name":["a","b"]}}`,
		`{"threat":{"technique":{"id":"T1"}},"source":{"bytes":1.5}}`,
		`{}`, `[]`, `1`,
	} {
		f.Add([]byte(s))
	}
	d := ndjson.NewDecoder(nil)
	f.Fuzz(func(t *testing.T, line []byte) {
		var ev telemetry.Event
		ok, err := d.Decode(line, &ev)
		var pe *telemetry.ParseError
		if err != nil && (ok || !errors.As(err, &pe)) {
			t.Fatalf("Decode(%q) = %v, %v", line, ok, err)
		}
	})
}
