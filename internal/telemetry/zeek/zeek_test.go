package zeek_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/zeek"
)

var cmpOpts = []cmp.Option{cmpopts.EquateEmpty(), cmpopts.EquateComparable(netip.Addr{})}

// decodeAll feeds lines to d and returns the events.
func decodeAll(t *testing.T, d telemetry.Decoder, lines ...string) []telemetry.Event {
	t.Helper()
	var out []telemetry.Event
	for _, l := range lines {
		var ev telemetry.Event
		ok, err := d.Decode([]byte(l), &ev)
		if err != nil {
			t.Fatalf("Decode(%q) = %v", l, err)
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out
}

func TestJSON(t *testing.T) {
	ts := time.Unix(1521911720, 865716000).UTC()
	tests := []struct {
		name, file, line string
		want             telemetry.Event
	}{
		{"conn epoch ts", "", `{"_path":"conn","_node":"worker-1","ts":1521911720.865716,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":80,"proto":"tcp","orig_bytes":100,"resp_bytes":2000}`,
			telemetry.Event{Time: ts, Format: "zeek-json", Kind: "conn", Sensor: "worker-1", UID: "C1", Proto: "tcp",
				SrcIP: netip.MustParseAddr("10.0.0.1"), SrcPort: 1, DstIP: netip.MustParseAddr("10.0.0.2"), DstPort: 80, BytesOut: 100, BytesIn: 2000}},
		{"http ISO ts, path from file name", "/var/log/http.09:00:00-10:00:00.log.gz", `{"ts":"2018-03-24T17:15:20.865716Z","uid":"C2","id.resp_p":8080,"host":"WWW.Example.com","uri":"/x.php","resp_filenames":["x.php"]}`,
			telemetry.Event{Time: ts, Format: "zeek-json", Kind: "http", UID: "C2", DstPort: 8080, Domain: "www.example.com",
				URL: "http://WWW.Example.com:8080/x.php", Files: []string{"x.php"}}},
		{"http host IP literal", "", `{"_path":"http","host":"192.0.2.1","uri":"/a"}`,
			telemetry.Event{Format: "zeek-json", Kind: "http", URL: "http://192.0.2.1/a"}},
		{"ssl", "", `{"_path":"ssl","server_name":"Mail.Example.org.","ja3":"E7D705A3286E19EA42F587B344EE6865","ja3s":"623de93db17d313345d7ea481e7443cf"}`,
			telemetry.Event{Format: "zeek-json", Kind: "ssl", Domain: "mail.example.org", JA3: "e7d705a3286e19ea42f587b344ee6865",
				Extra: []telemetry.Observable{{Field: "ssl.ja3s", Type: telemetry.TypeJA3, Value: "623de93db17d313345d7ea481e7443cf"}}}},
		{"files", "", `{"_path":"files","fuid":"F1","tx_hosts":["192.0.2.1"],"rx_hosts":["10.0.0.1"],"filename":"a.exe","md5":"d41d8cd98f00b204e9800998ecf8427e","sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}`,
			telemetry.Event{Format: "zeek-json", Kind: "files", MD5: "d41d8cd98f00b204e9800998ecf8427e", SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				Files: []string{"a.exe"}, Extra: []telemetry.Observable{{Field: "files.tx_hosts", Type: telemetry.TypeIP, Value: "192.0.2.1"}, {Field: "files.rx_hosts", Type: telemetry.TypeIP, Value: "10.0.0.1"}}}},
		{"smtp", "", `{"_path":"smtp","mailfrom":"<A@Example.com>","rcptto":["b@example.net"]}`,
			telemetry.Event{Format: "zeek-json", Kind: "smtp", Extra: []telemetry.Observable{{Field: "smtp.mailfrom", Type: telemetry.TypeEmail, Value: "a@example.com"}, {Field: "smtp.rcptto", Type: telemetry.TypeEmail, Value: "b@example.net"}}}},
		{"notice without conn", "", `{"_path":"notice","note":"Scan::Port_Scan","msg":"scanned","src":"10.0.0.9","dst":"10.0.0.8","p":22}`,
			telemetry.Event{Format: "zeek-json", Kind: "notice", Signature: "Scan::Port_Scan", SrcIP: netip.MustParseAddr("10.0.0.9"), DstIP: netip.MustParseAddr("10.0.0.8"), DstPort: 22}},
		{"nested id object", "", `{"_path":"weird","id":{"orig_h":"10.0.0.1","resp_h":"10.0.0.2"},"name":"bad"}`,
			telemetry.Event{Format: "zeek-json", Kind: "weird", SrcIP: netip.MustParseAddr("10.0.0.1"), DstIP: netip.MustParseAddr("10.0.0.2")}},
		{"x509 SANs", "", `{"_path":"x509","san.dns":["*.Example.com","example.com"],"san.ip":["192.0.2.5"]}`,
			telemetry.Event{Format: "zeek-json", Kind: "x509", Extra: []telemetry.Observable{{Field: "x509.san_dns", Type: telemetry.TypeDomain, Value: "*.example.com"}, {Field: "x509.san_dns", Type: telemetry.TypeDomain, Value: "example.com"}, {Field: "x509.san_ip", Type: telemetry.TypeIP, Value: "192.0.2.5"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeAll(t, zeek.NewJSONDecoder(tt.file), tt.line)
			if len(got) != 1 {
				t.Fatalf("Decode(%q) gave %d events", tt.line, len(got))
			}
			if diff := cmp.Diff(tt.want, got[0], cmpOpts...); diff != "" {
				t.Errorf("Decode(%q) mismatch (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

const tsvHeader = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t2015-01-01-00-00-00\n" +
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tvector[string]"

func TestTSV(t *testing.T) {
	d := zeek.NewTSVDecoder("")
	lines := append(strings.Split(tsvHeader, "\n"),
		"1443225601.5\tC1\t10.0.0.1\t1\t10.0.0.2\t53\tudp\tA.Example.\t192.0.2.1,b.example,TXT 5 hello",
		"1443225602\t-\t10.0.0.1\t2\t10.0.0.2\t53\tudp\tsp\\x09ace.example\t(empty)",
		"#close\t2015-01-01-00-00-10")
	got := decodeAll(t, d, lines...)
	want := []telemetry.Event{
		{Time: time.Unix(1443225601, 5e8).UTC(), Format: "zeek-tsv", Kind: "dns", UID: "C1", Proto: "udp",
			SrcIP: netip.MustParseAddr("10.0.0.1"), SrcPort: 1, DstIP: netip.MustParseAddr("10.0.0.2"), DstPort: 53, Domain: "a.example",
			Extra: []telemetry.Observable{{Field: "dns.answers", Type: telemetry.TypeIP, Value: "192.0.2.1"}, {Field: "dns.answers", Type: telemetry.TypeDomain, Value: "b.example"}}},
		{Time: time.Unix(1443225602, 0).UTC(), Format: "zeek-tsv", Kind: "dns", Proto: "udp",
			SrcIP: netip.MustParseAddr("10.0.0.1"), SrcPort: 2, DstIP: netip.MustParseAddr("10.0.0.2"), DstPort: 53},
	}
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Errorf("TSV decode mismatch (-want +got):\n%s", diff)
	}

	// Custom separators and markers.
	d = zeek.NewTSVDecoder("conn.log")
	got = decodeAll(t, d, "#separator |", "#set_separator|;", "#unset_field|NONE", "#fields|ts|id.orig_h|orig_bytes|resp_bytes",
		"10.25|10.0.0.1|NONE|7")
	if len(got) != 1 || got[0].Kind != "conn" || got[0].BytesIn != 7 || got[0].BytesOut != 0 || got[0].Time != time.Unix(10, 25e7).UTC() {
		t.Errorf("custom separator decode = %+v", got)
	}

	// A clone carries the header state; the original is unaffected by it.
	d = zeek.NewTSVDecoder("")
	decodeAll(t, d, strings.Split(tsvHeader, "\n")...)
	c := d.Clone()
	if got := decodeAll(t, c, "1.0\tC9\t10.0.0.1\t1\t10.0.0.2\t53\tudp\tq.example\t-"); len(got) != 1 || got[0].Domain != "q.example" {
		t.Errorf("clone decode = %+v", got)
	}
}

func TestTSVErrors(t *testing.T) {
	tests := []struct {
		lines []string
		field string
		want  string
	}{
		{[]string{"1.0\tC1"}, "", "before any #fields header"},
		{[]string{"#fields\tts\tuid", "1.0"}, "", "1 columns, the #fields header names 2"},
		{[]string{"#fields\tts\tuid", "XXXXXXXXXX.XXXXXX\tC1"}, "ts", "invalid timestamp"},
		{[]string{"#fields\tts\tid.orig_h", "1.0\tnot-an-ip"}, "id.orig_h", "invalid IP"},
		{[]string{"#fields\tts\tid.resp_p", "1.0\t99999"}, "id.resp_p", "invalid port"},
		{[]string{"#fields\tts\torig_bytes", "1.0\tmany"}, "orig_bytes", "not a count"},
	}
	for _, tt := range tests {
		d := zeek.NewTSVDecoder("")
		var err error
		for _, l := range tt.lines {
			_, err = d.Decode([]byte(l), new(telemetry.Event))
		}
		var pe *telemetry.ParseError
		if !errors.As(err, &pe) || pe.Field != tt.field || !strings.Contains(pe.Error(), tt.want) {
			t.Errorf("Decode(%q) = %v, want ParseError field %q containing %q", tt.lines, err, tt.field, tt.want)
		}
	}
}

func TestPathFromName(t *testing.T) {
	tests := map[string]string{
		"conn.log": "conn", "dns.json": "dns", "conn.00:00:00-01:00:00.log.gz": "conn", "/a/b/http.log": "http",
		"-": "", "": "", "<stdin>": "", "Weird Name.log": "", "known_hosts.log": "known_hosts",
	}
	for in, want := range tests {
		if got := zeek.PathFromName(in); got != want {
			t.Errorf("PathFromName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		format     telemetry.Format
		name, head string
		want       bool
	}{
		{zeek.JSONFormat{}, "x", `{"_path":"dns","ts":1}`, true},
		{zeek.JSONFormat{}, "x", "### comment\n" + `{"ts":1,"uid":"C1"}` + "\n", true},
		{zeek.JSONFormat{}, "x", `{"timestamp":"t","event_type":"dns"}` + "\n", false},
		{zeek.JSONFormat{}, "ssh.log", `{"t":1}` + "\n", true},
		{zeek.JSONFormat{}, "x", `{"a":1}` + "\n", false},
		{zeek.TSVFormat{}, "x", tsvHeader, true},
		{zeek.TSVFormat{}, "weird.log", "ts\tuid\n", true},
		{zeek.TSVFormat{}, "x", "ts\tuid\n", false},
		{zeek.TSVFormat{}, "conn.log", `{"ts":1}` + "\n", false},
	}
	for _, tt := range tests {
		if got := tt.format.Sniff(tt.name, []byte(tt.head)); got != tt.want {
			t.Errorf("%s.Sniff(%q, %q) = %v, want %v", tt.format.Name(), tt.name, tt.head, got, tt.want)
		}
	}
}

func fuzzDecoder(f *testing.F, newDec func() telemetry.Decoder, seeds []string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := newDec()
		for _, line := range strings.Split(string(data), "\n") {
			var ev telemetry.Event
			ok, err := d.Decode([]byte(line), &ev)
			if ok && err != nil {
				t.Fatalf("Decode(%q) = true, %v", line, err)
			}
			var pe *telemetry.ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("Decode(%q) error %v is not a *ParseError", line, err)
			}
		}
	})
}

func FuzzJSON(f *testing.F) {
	fuzzDecoder(f, func() telemetry.Decoder { return zeek.NewJSONDecoder("conn.log") }, []string{
		`{"_path":"conn","ts":1.5,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"orig_bytes":5}`,
		`{"_path":"dns","ts":"2018-03-24T17:15:20Z","query":"a","answers":["1.2.3.4","b"]}`,
		`{"id":{"orig_h":"::1"},"san":{"dns":["a"]},"x":{"y":{"z":1}}}`,
		`{"ts":XXXXXXXXXX.XXXXXX}`, `# comment`, `[]`,
	})
}

func FuzzTSV(f *testing.F) {
	fuzzDecoder(f, func() telemetry.Decoder { return zeek.NewTSVDecoder("dns.log") }, []string{
		tsvHeader + "\n1.0\tC1\t10.0.0.1\t1\t10.0.0.2\t53\tudp\tq\ta,b",
		"#separator |\n#fields|ts|host|uri\n1|a|/b",
		"#separator \\x\n#fields\tts\n1",
		"ts\tuid\n1\tC",
	})
}
