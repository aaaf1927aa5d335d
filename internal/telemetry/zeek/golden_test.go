package zeek_test

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/internal/goldentest"
	"github.com/pactwatch/pactwatch/internal/telemetry/zeek"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// entry is one record of a golden file: an event or the error of a line.
type entry = goldentest.Entry

// decodeSample decodes every line of a sample with a decoder named after
// the file (so JSON logs without _path take their path from it); TSV is
// chosen by a leading '#'.
func decodeSample(t *testing.T, path string) []entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d telemetry.Decoder = zeek.NewJSONDecoder(path)
	if bytes.HasPrefix(data, []byte("#")) {
		d = zeek.NewTSVDecoder(path)
	}
	return goldentest.DecodeLines(t, path, d)
}

func samples(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "samples", "*", "*.log"))
	if err != nil || len(files) < 10 {
		t.Fatalf("samples: %v, %v", files, err)
	}
	return files
}

// TestGolden decodes every sample and compares with testdata/golden;
// refresh with go test -update.
func TestGolden(t *testing.T) {
	for _, path := range samples(t) {
		rel, _ := filepath.Rel(filepath.Join("testdata", "samples"), path)
		t.Run(rel, func(t *testing.T) {
			goldentest.Compare(t, filepath.Join("testdata", "golden", rel+".json"), path, decodeSample(t, path), *update)
		})
	}
}

// TestSamplesDecodeCleanly asserts that no line of the samples is rejected
// and every event has a UTC time and its log path.
func TestSamplesDecodeCleanly(t *testing.T) {
	for _, path := range samples(t) {
		entries := decodeSample(t, path)
		if len(entries) == 0 {
			t.Errorf("%s: no events", path)
		}
		want := zeek.PathFromName(path)
		for _, e := range entries {
			if e.Error != "" {
				t.Errorf("%s:%d: %s", path, e.Line, e.Error)
				continue
			}
			if e.Event.Time.IsZero() || e.Event.Time.Location() != time.UTC || e.Event.Kind != want {
				t.Errorf("%s:%d: event time %v kind %q, want a UTC time and kind %q", path, e.Line, e.Event.Time, e.Event.Kind, want)
			}
		}
	}
}

// key is the part of an Event the sample table checks.
type key struct {
	Time                   string
	Kind, UID              string
	Src, Dst               string
	Domain, URL            string
	MD5, SHA1, SHA256, JA3 string
	BytesOut, BytesIn      int64
	Signature              string
	Files                  []string
	Extra                  []string // "field type value"
}

func keyOf(ev *telemetry.Event) key {
	k := key{
		Time: ev.Time.Format(time.RFC3339Nano), Kind: ev.Kind, UID: ev.UID,
		Domain: ev.Domain, URL: ev.URL, MD5: ev.MD5, SHA1: ev.SHA1, SHA256: ev.SHA256, JA3: ev.JA3,
		BytesOut: ev.BytesOut, BytesIn: ev.BytesIn, Signature: ev.Signature, Files: ev.Files,
	}
	addr := func(a netip.Addr, p uint16) string {
		if !a.IsValid() {
			return ""
		}
		return netip.AddrPortFrom(a, p).String()
	}
	k.Src, k.Dst = addr(ev.SrcIP, ev.SrcPort), addr(ev.DstIP, ev.DstPort)
	for _, o := range ev.Extra {
		k.Extra = append(k.Extra, o.Field+" "+o.Type.String()+" "+o.Value)
	}
	return k
}

// TestSampleFields checks mapped fields of chosen sample lines against
// expectations written by hand from the raw records.
func TestSampleFields(t *testing.T) {
	tests := []struct {
		file string
		line int64
		want key
	}{
		{"json-elastic/conn.log", 1, key{Time: "2019-01-11T06:33:35.857497Z", Kind: "conn", UID: "CAcJw21BbVedgFnYH3",
			Src: "192.168.86.167:38339", Dst: "192.168.86.1:53", BytesOut: 75, BytesIn: 178}},
		{"json-elastic/conn.log", 4, key{Time: "2021-06-09T20:55:13.160328Z", Kind: "conn", UID: "C2KP1V3alRLoxl4JB9",
			Src: "10.0.2.15:46408", Dst: "172.16.9.68:80"}},
		{"json-elastic/dns.log", 1, key{Time: "2019-01-11T06:33:35.857497Z", Kind: "dns", UID: "CAcJw21BbVedgFnYH3",
			Src: "192.168.86.167:38339", Dst: "192.168.86.1:53", Domain: "dd625ffb4fc54735b281862aa1cd6cd4.us-west1.gcp.cloud.es.io",
			Extra: []string{"dns.answers domain proxy-production-us-west1.gcp.cloud.es.io", "dns.answers domain proxy-production-us-west1-v1-009.gcp.cloud.es.io", "dns.answers ip 89.160.20.156"}}},
		{"json-elastic/dns.log", 2, key{Time: "2019-08-29T16:23:50.680046Z", Kind: "dns", UID: "C19a1k4lTv46YMbeOk",
			Src: "[fe80::4ef:15cf:769f:ff21]:5353", Dst: "[ff02::fb]:5353", Domain: "_googlecast._tcp.local"}},
		{"json-elastic/files.log", 1, key{Time: "2019-01-17T01:33:16.636812Z", Kind: "files",
			MD5: "79e4a9840d7d3a96d7c04fe2434c892e", SHA1: "a8985d3a65e5e5c4b2d7d66d40c6dd2fb19c5436",
			Extra: []string{"files.tx_hosts ip 35.199.178.4", "files.rx_hosts ip 10.178.98.102"}}},
		{"json-elastic/dhcp.log", 1, key{Time: "2016-10-16T08:11:38.771847Z", Kind: "dhcp", Src: "192.168.199.132:0", Dst: "192.168.199.254:0"}},
		{"json-elastic/http.log", 1, key{Time: "2019-01-17T01:05:30.172944Z", Kind: "http", UID: "CCNp8v1SNzY7v9d1Ih",
			Src: "10.178.98.102:62995", Dst: "17.253.5.203:80", Domain: "ocsp.apple.com",
			URL: "http://ocsp.apple.com/ocsp04-aaica02/ME4wTKADAgEAMEUwQzBBMAkGBSsOAwIaBQAEFNqvF+Za6oA4ceFRLsAWwEInjUhJBBQx6napI3Sl39T97qDBpp7GEQ4R7AIIUP1IOZZ86ns="}},
		{"json-elastic/ssl.log", 2, key{Time: "2020-10-08T17:50:57.352156Z", Kind: "ssl", UID: "CK17Dl2SB8bZOVonSl",
			Src: "10.0.0.1:49228", Dst: "192.168.50.1:443", JA3: "74927e242d6c3febf8cb9cab10a7f889",
			Extra: []string{"ssl.ja3s ja3 80b3a14bccc8598a1f3bbe83e71f735f"}}},
		{"json-elastic/ssl.log", 3, key{Time: "2021-03-30T07:55:55.826099Z", Kind: "ssl", UID: "CBiXOC4IqYxMv1xzf9",
			Src: "89.160.20.156:52678", Dst: "10.156.0.2:443", Domain: "splunk-api.swiftcrypto.com"}},
		{"json-elastic/x509.log", 1, key{Time: "2018-12-03T20:00:00.143484Z", Kind: "x509",
			Extra: []string{"x509.san_dns domain www.bing.com", "x509.san_dns domain dict.bing.com.cn", "x509.san_dns domain *.platform.bing.com", "x509.san_dns domain *.bing.com", "x509.san_dns domain bing.com"}}},
		{"json-elastic/intel.log", 1, key{Time: "2019-11-06T09:03:00.989353Z", Kind: "intel", UID: "Ctefoj1tgOPt4D0EK2",
			Src: "192.168.1.1:37598", Dst: "89.160.20.156:53", Signature: "ETPRO Rep: AbusedTLD Score: 127",
			Extra: []string{"intel.seen ip 89.160.20.156"}}},
		{"json-elastic/intel.log", 3, key{Time: "2019-11-06T09:03:50.989353Z", Kind: "intel", UID: "Ctefok1tgOPt4D0EK2",
			Src: "192.168.1.1:37598", Dst: "89.160.20.156:53", Signature: "ETPRO Rep: AbusedTLD Score: 127",
			Extra: []string{"intel.seen email eve@malcorp.com"}}},
		{"json-elastic/notice.log", 1, key{Time: "2011-11-04T19:44:35.879278Z", Kind: "notice", Src: "172.16.238.1:0", Signature: "SSH::Password_Guessing"}},
		{"json-elastic/notice.log", 3, key{Time: "2021-03-30T09:52:09.601155Z", Kind: "notice", UID: "CmvrSS1wIiuOGYCbfi",
			Src: "10.156.0.2:48818", Dst: "89.160.20.156:443", Signature: "SSL::Invalid_Server_Cert"}},
		{"json-elastic/smb_files.log", 1, key{Time: "2017-10-09T16:13:19.576942Z", Kind: "smb_files", UID: "C9YAaEzWLL62yWMn5",
			Src: "192.168.10.31:49239", Dst: "192.168.10.30:445", Files: []string{"PSEXESVC.exe"}}},
		{"json-elastic/kerberos.log", 1, key{Time: "2017-10-09T16:13:19.590346Z", Kind: "kerberos", UID: "C56Flhb4WQBNkfMOl",
			Src: "192.168.10.31:49242", Dst: "192.168.10.10:88"}},
		{"tsv-btest/rdp.log", 9, key{Time: "2015-02-12T15:39:58.202845Z", Kind: "rdp", UID: "CXWv6p3arKYeMETxOg",
			Src: "192.168.1.1:54990", Dst: "192.168.1.2:3389"}},
		{"tsv-btest/x509.log", 9, key{Time: "2015-02-12T15:40:02.10314Z", Kind: "x509"}},
		{"tsv-btest-unmasked/smtp.log", 10, key{Time: "2009-10-05T06:06:07.492154Z", Kind: "smtp", UID: "CHhAvVGS1DHFjwGM9",
			Src: "10.10.1.4:1470", Dst: "74.53.140.153:25",
			Extra: []string{"smtp.mailfrom email gurpartap@patriots.in", "smtp.rcptto email raj_deol2002in@yahoo.co.in",
				"smtp.from email gurpartap@patriots.in", "smtp.to email raj_deol2002in@yahoo.co.in"}}},
		{"tsv-btest-unmasked/smtp.log", 11, key{Time: "2009-10-05T06:06:07.492154Z", Kind: "smtp", UID: "CUM0KZ3MLUfNB0cl11",
			Src: "192.168.133.100:49648", Dst: "192.168.133.102:25",
			Extra: []string{"smtp.mailfrom email albert@example.com", "smtp.rcptto email felica4uu@hotmail.com", "smtp.rcptto email ericlim220@yahoo.com",
				"smtp.rcptto email davis_mark1@outlook.com", "smtp.from email albert@example.com", "smtp.to email ericlim220@yahoo.com",
				"smtp.cc email felica4uu@hotmail.com", "smtp.cc email davis_mark1@outlook.com"}}},
		{"tsv-btest-unmasked/conn.log", 10, key{Time: "2012-01-01T00:00:00.123456Z", Kind: "conn", UID: "CHhAvVGS1DHFjwGM9",
			Src: "172.19.51.37:47808", Dst: "172.19.51.63:47808", BytesOut: 36}},
		{"tsv-btest-unmasked/dns.log", 10, key{Time: "2012-01-01T00:00:00.123456Z", Kind: "dns", UID: "CHhAvVGS1DHFjwGM9",
			Src: "[2001:470:1f11:81f:d138:5f55:6d4:1fe2]:51850", Dst: "[2607:f740:b::f93]:53", Domain: "txtpadding_323.n1.netalyzr.icsi.berkeley.edu"}},
	}
	byFile := map[string][]entry{}
	for _, tt := range tests {
		entries, ok := byFile[tt.file]
		if !ok {
			entries = decodeSample(t, filepath.Join("testdata", "samples", filepath.FromSlash(tt.file)))
			byFile[tt.file] = entries
		}
		var got *telemetry.Event
		for _, e := range entries {
			if e.Line == tt.line {
				got = e.Event
			}
		}
		if got == nil {
			t.Errorf("%s:%d: no event", tt.file, tt.line)
			continue
		}
		if diff := cmp.Diff(tt.want, keyOf(got), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Decode(%s:%d) mismatch (-want +got):\n%s", tt.file, tt.line, diff)
		}
	}
}

// TestFormsAcrossVersions checks record forms of other Zeek versions and
// setups: JSON::TS_MILLIS timestamps, a set element holding an escaped set
// separator, intel hits of every indicator type, and sip from/to URIs that
// must not be taken for mail addresses.
func TestFormsAcrossVersions(t *testing.T) {
	ms := decodeAll(t, zeek.NewJSONDecoder("conn.log"), `{"_path":"conn","_write_ts":1700000000123,"ts":1700000000123,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":2,"proto":"tcp","orig_bytes":1}`)
	if len(ms) != 1 || !ms[0].Time.Equal(time.UnixMilli(1700000000123)) {
		t.Errorf("TS_MILLIS conn = %+v, want time %v", ms, time.UnixMilli(1700000000123).UTC())
	}
	tsv := decodeAll(t, zeek.NewTSVDecoder("smtp.log"), "#separator \\x09", "#set_separator\t,", "#fields\tts\tuid\tto",
		"1.5\tC1\t\"Doe\\x2c Jane\" <jane@example.com>,bob@example.com")
	want := []string{"jane@example.com", "bob@example.com"}
	var got []string
	for _, o := range tsv[0].Extra {
		got = append(got, o.Value)
	}
	if !cmp.Equal(got, want) {
		t.Errorf("TSV to with escaped comma = %v, want %v", got, want)
	}
	intel := []struct {
		line string
		want key
	}{
		{`{"_path":"intel","ts":1,"seen.indicator":"Evil.Example.COM","seen.indicator_type":"Intel::DOMAIN","sources":["feed-a","feed-b"]}`,
			key{Time: "1970-01-01T00:00:01Z", Kind: "intel", Domain: "evil.example.com", Signature: "feed-a, feed-b", Extra: []string{"intel.seen domain evil.example.com"}}},
		{`{"_path":"intel","ts":1,"seen.indicator":"44D88612FEA8A8F36DE82E1278ABB02F","seen.indicator_type":"Intel::FILE_HASH"}`,
			key{Time: "1970-01-01T00:00:01Z", Kind: "intel", MD5: "44d88612fea8a8f36de82e1278abb02f", Signature: "Intel::FILE_HASH", Extra: []string{"intel.seen hash 44d88612fea8a8f36de82e1278abb02f"}}},
		{`{"_path":"intel","ts":1,"seen.indicator":"http://evil.example/x","seen.indicator_type":"Intel::URL","sources":[]}`,
			key{Time: "1970-01-01T00:00:01Z", Kind: "intel", URL: "http://evil.example/x", Signature: "Intel::URL", Extra: []string{"intel.seen url http://evil.example/x"}}},
		{`{"_path":"sip","ts":1,"from":"<sip:alice@example.com>","to":"<sip:bob@example.com>"}`,
			key{Time: "1970-01-01T00:00:01Z", Kind: "sip"}},
		{`{"_path":"x509","ts":1,"san.email":["PKI@Example.com"],"san.uri":["https://example.com/"],"fingerprint":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}`,
			key{Time: "1970-01-01T00:00:01Z", Kind: "x509", Extra: []string{"x509.fingerprint hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "x509.san_email email pki@example.com", "x509.san_uri url https://example.com/"}}},
		{`{"_path":"ssl","ts":"2024-05-01T10:00:00.000001+02:00","server_name":"a.example","cert_chain_fps":["E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"],"ja4":"t13d1516h2_8daaf6152771_02713d6af862"}`,
			key{Time: "2024-05-01T08:00:00.000001Z", Kind: "ssl", Domain: "a.example", Extra: []string{"ssl.cert_chain_fps hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}},
	}
	for _, tt := range intel {
		evs := decodeAll(t, zeek.NewJSONDecoder(""), tt.line)
		if len(evs) != 1 {
			t.Fatalf("Decode(%q) gave %d events", tt.line, len(evs))
		}
		if diff := cmp.Diff(tt.want, keyOf(&evs[0]), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Decode(%q) mismatch (-want +got):\n%s", tt.line, diff)
		}
	}
}

// TestSharedSamples decodes the project's shared Zeek JSON data when
// present, asserting that no line is rejected.
func TestSharedSamples(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..", "..", "shared", "data", "zeek", "zed-sample-data-wrccdc2018-json")
	files, _ := filepath.Glob(filepath.Join(root, "*.json"))
	if len(files) == 0 {
		t.Skipf("no shared Zeek data under %s", root)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := zeek.NewJSONDecoder(f)
		for i, l := range strings.Split(string(data), "\n") {
			if i >= 500 {
				break
			}
			if _, err := d.Decode([]byte(l), new(telemetry.Event)); err != nil {
				t.Errorf("%s:%d: %v", f, i+1, err)
			}
		}
	}
}
