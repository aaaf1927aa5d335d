package eve_test

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/eve"
)

func TestDecode(t *testing.T) {
	ts := time.Date(2018, 7, 5, 19, 1, 9, 820360000, time.UTC)
	tests := []struct {
		name string
		line string
		want telemetry.Event
	}{
		{
			name: "flow with colon offset and iface sensor",
			line: `{"timestamp":"2018-07-05T21:01:09.820360+02:00","flow_id":7,"in_iface":"en0","event_type":"flow","src_ip":"10.0.0.1","src_port":1234,"dest_ip":"2001:db8::1","dest_port":443,"proto":"TCP","flow":{"bytes_toserver":10,"bytes_toclient":20}}`,
			want: telemetry.Event{Time: ts, Format: "eve", Kind: "flow", Sensor: "en0", UID: "7", Proto: "tcp",
				SrcIP: netip.MustParseAddr("10.0.0.1"), SrcPort: 1234, DstIP: netip.MustParseAddr("2001:db8::1"), DstPort: 443, BytesOut: 10, BytesIn: 20},
		},
		{
			name: "host wins over in_iface; unknown event type keeps common fields",
			line: `{"timestamp":"2018-07-05T15:01:09.820360-0400","host":"sensor-1","in_iface":"en0","event_type":"mqtt","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","proto":"UDP","mqtt":{"publish":{"topic":"ignored.example"}}}`,
			want: telemetry.Event{Time: ts, Format: "eve", Kind: "mqtt", Sensor: "sensor-1", Proto: "udp",
				SrcIP: netip.MustParseAddr("10.0.0.1"), DstIP: netip.MustParseAddr("10.0.0.2")},
		},
		{
			name: "dns v1 answer",
			line: `{"timestamp":"2018-07-05T19:01:09.820360Z","event_type":"dns","dns":{"type":"answer","rrname":"WWW.Example.COM.","rrtype":"CNAME","rdata":"Edge.Example.NET"}}`,
			want: telemetry.Event{Time: ts, Format: "eve", Kind: "dns", Domain: "www.example.com",
				Extra: []telemetry.Observable{{Field: "dns.answers", Type: telemetry.TypeDomain, Value: "edge.example.net"}}},
		},
		{
			name: "http with non-default port",
			line: `{"timestamp":"2018-07-05T19:01:09.820360Z","event_type":"http","dest_port":8080,"http":{"hostname":"Intranet.Example","url":"/a?b=c"}}`,
			want: telemetry.Event{Time: ts, Format: "eve", Kind: "http", DstPort: 8080, Domain: "intranet.example", URL: "http://Intranet.Example:8080/a?b=c"},
		},
		{
			name: "fileinfo hashes and file name",
			line: `{"timestamp":"2018-07-05T19:01:09.820360Z","event_type":"fileinfo","fileinfo":{"filename":"/x/y/report.doc","md5":"D41D8CD98F00B204E9800998ECF8427E","sha1":"da39a3ee5e6b4b0d3255bfef95601890afd80709","sha256":"bad"}}`,
			want: telemetry.Event{Time: ts, Format: "eve", Kind: "fileinfo", MD5: "d41d8cd98f00b204e9800998ecf8427e",
				SHA1: "da39a3ee5e6b4b0d3255bfef95601890afd80709", Files: []string{"report.doc"}},
		},
	}
	d := eve.NewDecoder()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev telemetry.Event
			ok, err := d.Decode([]byte(tt.line), &ev)
			if !ok || err != nil {
				t.Fatalf("Decode(%q) = %v, %v, want true, nil", tt.line, ok, err)
			}
			if diff := cmp.Diff(tt.want, ev, cmpopts.EquateEmpty(), cmpopts.EquateComparable(netip.Addr{})); diff != "" {
				t.Errorf("Decode(%q) mismatch (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ line, field string }{
		{`{"event_type":"dns"}`, "timestamp"},
		{`{"timestamp":"2018-07-05T19:01:09Z"}`, "event_type"},
		{`{"timestamp":"XXXX","event_type":"dns"}`, "timestamp"},
		{`{"timestamp":"2018-07-05T19:01:09Z","event_type":"dns","dest_ip":"300.1.1.1"}`, "dest_ip"},
		{`{"timestamp":"2018-07-05T19:01:09Z","event_type":"dns","src_port":70000}`, "src_port"},
		{`{"timestamp":"2018-07-05T19:01:09Z","event_type":"dns","src_ip":5}`, "src_ip"},
		{`[1,2]`, ""},
		{`{"timestamp":`, ""},
	}
	d := eve.NewDecoder()
	for _, tt := range tests {
		var ev telemetry.Event
		ok, err := d.Decode([]byte(tt.line), &ev)
		var pe *telemetry.ParseError
		if ok || !errors.As(err, &pe) || pe.Field != tt.field {
			t.Errorf("Decode(%q) = %v, %v, want a ParseError for field %q", tt.line, ok, err, tt.field)
		}
	}
	if ok, err := d.Decode([]byte("  \r"), new(telemetry.Event)); ok || err != nil {
		t.Errorf("Decode(blank) = %v, %v, want false, nil", ok, err)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{`{"timestamp":"2018-07-05T19:01:09Z","event_type":"dns"}` + "\n", true},
		{`{"timestamp":"2018-07-05T19:01:09Z","event_type":"dns","pad":"` /* cut off */, true},
		{`{"_path":"conn","ts":1}` + "\n", false},
		{"#fields\tts\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := (eve.Format{}).Sniff("x", []byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"timestamp":"2018-07-05T15:01:09.820360-0400","flow_id":1,"event_type":"alert","src_ip":"10.0.0.1","src_port":1,"dest_ip":"10.0.0.2","dest_port":2,"proto":"TCP","alert":{"action":"allowed","signature":"x","metadata":{"mitre_technique_id":["T1190"]}},"http":{"hostname":"a.example","url":"/"},"flow":{"bytes_toserver":1}}`,
		`{"timestamp":"2018-07-05T15:01:09Z","event_type":"dns","dns":{"version":2,"rrname":"a.","answers":[{"rdata":"1.2.3.4"}],"grouped":{"A":["1.2.3.4"]}}}`,
		`{"timestamp":"2018-07-05T15:01:09Z","event_type":"dns","dns":{"version":3,"queries":[{"rrname":"q"}]}}`,
		`{"timestamp":"2018-07-05T15:01:09Z","event_type":"tls","tls":{"sni":"x","ja3":{"hash":"h"},"ja3s":{"hash":"h"}}}`,
		`{"timestamp":"2018-07-05T15:01:09Z","event_type":"smtp","smtp":{"mail_from":"<a@b>","rcpt_to":["<c@d>"]},"email":{"attachment":["f"]}}`,
		`{"timestamp":"1","event_type":"x","src_ip":"::ffff:1.2.3.4%eth0"}`,
		`{}`, `[]`, `"x"`, `{"a":`,
	} {
		f.Add([]byte(s))
	}
	d := eve.NewDecoder()
	f.Fuzz(func(t *testing.T, line []byte) {
		var ev telemetry.Event
		ok, err := d.Decode(line, &ev)
		if ok && err != nil {
			t.Fatalf("Decode(%q) = true, %v", line, err)
		}
		var pe *telemetry.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("Decode(%q) error %v is not a *ParseError", line, err)
		}
		if ok && ev.Format != "eve" {
			t.Fatalf("Decode(%q) event format %q", line, ev.Format)
		}
	})
}
