package eve_test

import (
	"flag"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/eve"
	"github.com/pactwatch/pactwatch/internal/telemetry/internal/goldentest"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// entry is one record of a golden file: an event or the error of a line.
type entry = goldentest.Entry

// decodeFile decodes every line of a sample with one decoder.
func decodeFile(t *testing.T, path string) []entry {
	t.Helper()
	return goldentest.DecodeLines(t, path, eve.NewDecoder())
}

func sampleFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "samples", "*.json"))
	if err != nil || len(files) < 4 {
		t.Fatalf("samples: %v, %v", files, err)
	}
	return files
}

// TestGolden decodes every sample and compares with testdata/golden;
// refresh with go test -update.
func TestGolden(t *testing.T) {
	for _, path := range sampleFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			goldentest.Compare(t, filepath.Join("testdata", "golden", filepath.Base(path)), path, decodeFile(t, path), *update)
		})
	}
}

// TestSamplesDecodeCleanly asserts that no line of the real samples is
// rejected: every well-formed EVE record becomes an event.
func TestSamplesDecodeCleanly(t *testing.T) {
	for _, path := range sampleFiles(t) {
		for _, e := range decodeFile(t, path) {
			if e.Error != "" {
				t.Errorf("%s:%d: %s", path, e.Line, e.Error)
				continue
			}
			if e.Event.Time.IsZero() || e.Event.Time.Location() != time.UTC || e.Event.Kind == "" {
				t.Errorf("%s:%d: event without UTC time or kind: %+v", path, e.Line, e.Event)
			}
		}
	}
}

// key is the part of an Event the sample table checks.
type key struct {
	Time                   string
	Kind, Sensor           string
	Src, Dst               string
	Domain, URL            string
	MD5, SHA1, SHA256, JA3 string
	BytesOut, BytesIn      int64
	Signature, Action      string
	Techniques, Files      []string
	Extra                  []string // "field type value"
}

func keyOf(ev *telemetry.Event) key {
	k := key{
		Time: ev.Time.Format(time.RFC3339Nano), Kind: ev.Kind, Sensor: ev.Sensor,
		Domain: ev.Domain, URL: ev.URL, MD5: ev.MD5, SHA1: ev.SHA1, SHA256: ev.SHA256, JA3: ev.JA3,
		BytesOut: ev.BytesOut, BytesIn: ev.BytesIn, Signature: ev.Signature, Action: ev.Action,
		Techniques: ev.Techniques, Files: ev.Files,
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

// TestSampleFields checks the mapped fields of chosen sample lines, written
// by hand from the raw records so a wrong -update cannot bless a
// regression.
func TestSampleFields(t *testing.T) {
	tests := []struct {
		file string
		line int64
		want key
	}{
		{"elastic-eve-dns-4.1.4.json", 1, key{Time: "2019-08-22T23:48:27.92412Z", Kind: "dns", Sensor: "enp0s3",
			Src: "10.0.2.15:46686", Dst: "10.0.2.3:53", Domain: "google.com"}},
		{"elastic-eve-dns-4.1.4.json", 3, key{Time: "2019-08-22T23:48:48.901548Z", Kind: "dns", Sensor: "enp0s3",
			Src: "10.0.2.3:53", Dst: "10.0.2.15:50720", Domain: "www.elastic.co",
			Extra: []string{"dns.answers domain dualstack.r2.shared.global.fastly.net", "dns.answers ip 175.16.199.1"}}},
		{"elastic-eve-dns-4.1.4.json", 4, key{Time: "2019-08-23T01:22:31.846575Z", Kind: "dns", Sensor: "enp0s3",
			Src: "10.0.2.3:53", Dst: "10.0.2.15:44773", Domain: "www.yahoo.com",
			Extra: []string{"dns.answers domain atsv2-fp-shed.wg1.b.yahoo.com"}}},
		{"elastic-eve-dns-4.1.4.json", 6, key{Time: "2019-08-23T02:03:36.626559Z", Kind: "dns", Sensor: "enp0s3",
			Src: "10.0.2.3:53", Dst: "10.0.2.15:59203", Domain: "www.elastic.co",
			Extra: []string{"dns.answers domain dualstack.r2.shared.global.fastly.net", "dns.answers ip 2a02:cf40:200::729"}}},
		{"elastic-eve-small.json", 2, key{Time: "2018-07-05T19:44:33.222441Z", Kind: "fileinfo", Sensor: "en0",
			Src: "192.168.86.28:8008", Dst: "192.168.86.85:56118", URL: "http://192.168.86.28:8008/ssdp/device-desc.xml",
			MD5: "427b7337ff37eeb24d74f47d8e04cf21", SHA1: "313573490192c685e9e53abef25453ed0d5e2aee",
			SHA256: "f610428ebddf6f8cf9e39322e672583c45fcdcf885efad0ab48fd53a3dfc2c4b", Files: []string{"device-desc.xml"}}},
		{"elastic-eve-small.json", 3, key{Time: "2018-07-05T19:51:54.001329Z", Kind: "flow",
			Src: "[fe80::fada:cff:fedc:87f1]:546", Dst: "[ff02::1:2]:547", BytesOut: 110}},
		{"elastic-eve-small.json", 4, key{Time: "2020-12-09T16:02:43.000505Z", Kind: "http", Sensor: "eno6",
			Src: "192.168.50.1:57134", Dst: "192.168.50.1:8080", Domain: "ctldl.windowsupdate.com",
			URL: "http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/pinrulesstl.cab?111111111111"}},
		{"elastic-eve-small.json", 5, key{Time: "2020-12-09T16:02:58.005716Z", Kind: "tls", Sensor: "eno6",
			Src: "192.168.50.1:60614", Dst: "192.168.50.1:443",
			Extra: []string{"tls.ja3s ja3 adc06261ef82c2e4688b3cf08c1b2f24", "tls.fingerprint hash 183c114546e926c787640fed47861b31bf0f8425"}}},
		{"elastic-eve-small.json", 6, key{Time: "2020-12-09T16:03:00.179037Z", Kind: "http", Sensor: "eno6",
			Src: "192.168.50.1:50898", Dst: "192.168.50.1:8081", URL: "http://192.168.50.1:8081/uuid"}},
		{"elastic-eve-small.json", 7, key{Time: "2020-12-09T16:03:50.083307Z", Kind: "tls", Sensor: "eno6",
			Src: "192.168.50.1:12509", Dst: "192.168.50.1:443", Domain: "www.example.com", JA3: "44d502d471cfdb99c59bdfb0f220e5a8"}},
		{"elastic-eve-metadata.json", 1, key{Time: "2021-01-27T00:28:11.488362Z", Kind: "alert", Sensor: "enp6s0",
			Src: "52.222.141.99:80", Dst: "10.31.64.240:47592", Domain: "testmynids.org", URL: "http://testmynids.org/uid/index.html",
			BytesOut: 496, BytesIn: 876, Signature: "GPL ATTACK_RESPONSE id check returned root", Action: "allowed",
			Techniques: []string{"T1190"}}},
		{"synthetic-suricata7-8.json", 1, key{Time: "2025-03-01T10:00:00.123456Z", Kind: "dns", Sensor: "eth0",
			Src: "10.1.1.10:53000", Dst: "10.1.1.1:53", Domain: "update.example-corp.com"}},
		{"synthetic-suricata7-8.json", 2, key{Time: "2025-03-01T10:00:00.223456Z", Kind: "dns", Sensor: "eth0",
			Src: "10.1.1.1:53", Dst: "10.1.1.10:53000", Domain: "update.example-corp.com",
			Extra: []string{"dns.answers domain cdn.example-corp.net", "dns.answers ip 203.0.113.7", "dns.answers domain dc1.example-corp.net"}}},
		{"synthetic-suricata7-8.json", 3, key{Time: "2025-03-01T10:00:01.000001Z", Kind: "dns", Sensor: "eth0",
			Src: "10.1.1.1:53", Dst: "10.1.1.10:53001", Domain: "mail.example-corp.com",
			Extra: []string{"dns.answers domain mx1.example-corp.com", "dns.answers domain dc2.example-corp.net"}}},
		{"synthetic-suricata7-8.json", 4, key{Time: "2025-03-01T09:00:02.5Z", Kind: "alert", Sensor: "eth0",
			Src: "10.1.1.10:53002", Dst: "10.1.1.1:53", Domain: "beacon.badness.cloud",
			Signature: "ET INFO Observed DNS Query to .cloud TLD", Action: "blocked", Techniques: []string{"T1071.004", "T1568"}}},
		{"synthetic-suricata7-8.json", 5, key{Time: "2025-03-01T10:00:03Z", Kind: "alert",
			Src: "10.1.1.1:53", Dst: "10.1.1.10:53003", Domain: "evil.example.org", Signature: "ET DNS answer", Action: "allowed",
			Extra: []string{"dns.answers ip 198.51.100.66"}}},
		{"synthetic-suricata7-8.json", 6, key{Time: "2025-03-01T10:00:04Z", Kind: "tls", Sensor: "sensor-b",
			Src: "[2001:db8::10]:50000", Dst: "[2001:db8::443]:443", Domain: "login.example-corp.com", JA3: "e7d705a3286e19ea42f587b344ee6865",
			Extra: []string{"tls.ja3s ja3 623de93db17d313345d7ea481e7443cf", "tls.fingerprint hash 6affaca65f8a05e7a98c7629b908c769addc7247",
				"tls.subjectaltname domain login.example-corp.com", "tls.subjectaltname domain *.example-corp.com", "tls.subjectaltname ip 192.0.2.44"}}},
		{"synthetic-suricata7-8.json", 7, key{Time: "2025-03-01T10:00:05Z", Kind: "quic", Sensor: "eth0",
			Src: "10.1.1.10:50001", Dst: "192.0.2.80:443", Domain: "quic.example-corp.com", JA3: "cd08e31494f9531f560d64c695473da9"}},
		{"synthetic-suricata7-8.json", 8, key{Time: "2025-03-01T10:00:06Z", Kind: "alert", Sensor: "eth0",
			Src: "192.0.2.80:80", Dst: "10.1.1.10:50002", Domain: "files.example-corp.com", URL: "http://files.example-corp.com/a/b/payload.exe",
			MD5: "44d88612fea8a8f36de82e1278abb02f", SHA1: "3395856ce81f2b7382dee72602f798b642f14140",
			SHA256: "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f", BytesOut: 300, BytesIn: 1200,
			Signature: "ET MALWARE payload download", Action: "allowed", Techniques: []string{"T1105"}, Files: []string{"payload.exe", "second.bin"},
			Extra: []string{"files.sha256 hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}},
		{"synthetic-suricata7-8.json", 9, key{Time: "2025-03-01T10:00:07Z", Kind: "fileinfo", Sensor: "eth0",
			Src: "10.1.1.10:50003", Dst: "192.0.2.25:25", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			Files: []string{"Q1 report.docx"},
			Extra: []string{"smtp.mailfrom email alice@example-corp.com", "smtp.rcptto email bob@partner.example", "smtp.rcptto email carol@partner.example",
				"email.from email alice@example-corp.com", "email.to email bob@partner.example", "email.cc email dave@partner.example",
				"email.url url http://phish.example.net/login"}}},
		{"synthetic-suricata7-8.json", 11, key{Time: "2025-03-01T10:00:08.1Z", Kind: "anomaly"}},
		{"synthetic-suricata7-8.json", 12, key{Time: "2025-03-01T10:00:09Z", Kind: "netflow", Src: "10.1.1.10:50004", Dst: "192.0.2.81:8443", BytesOut: 4321}},
		{"synthetic-suricata7-8.json", 13, key{Time: "2025-03-01T10:00:10Z", Kind: "drop", Src: "198.51.100.9:4444", Dst: "10.1.1.10:445", Action: "blocked"}},
		{"synthetic-suricata7-8.json", 14, key{Time: "2025-03-01T10:00:11Z", Kind: "smb", Sensor: "eth0", Src: "10.1.1.10:50005", Dst: "10.1.1.20:445", Files: []string{"PSEXESVC.exe"}}},
		{"synthetic-suricata7-8.json", 19, key{Time: "2025-03-01T10:00:16Z", Kind: "stats"}},
		{"synthetic-suricata7-8.json", 20, key{Time: "2025-03-01T10:00:17Z", Kind: "http", Src: "10.1.1.10:50009", Dst: "192.0.2.90:80",
			Domain: "proxy-target.example", URL: "http://proxy-target.example:8080/x", Extra: []string{"http.redirect url http://redirect.example.net/next"}}},
	}
	byFile := map[string][]entry{}
	for _, tt := range tests {
		entries, ok := byFile[tt.file]
		if !ok {
			entries = decodeFile(t, filepath.Join("testdata", "samples", tt.file))
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

// TestSharedSamples decodes the project's shared EVE data when present
// (the Elastic Beats and WRCCDC sets), asserting that no line is rejected.
func TestSharedSamples(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..", "..", "shared", "data", "suricata")
	files, _ := filepath.Glob(filepath.Join(root, "*", "*"))
	n := 0
	for _, f := range files {
		if strings.Contains(f, "eve-schema") || strings.HasSuffix(f, ".md") {
			continue
		}
		n++
		for _, e := range decodeFile(t, f) {
			if e.Error != "" {
				t.Errorf("%s:%d: %s", f, e.Line, e.Error)
			}
		}
	}
	if n == 0 {
		t.Skipf("no shared EVE data under %s", root)
	}
}
