package logfile_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/internal/goldentest"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// entry is one record of a golden file: an event or the error of a line.
type entry struct {
	Event *telemetry.Event `json:"event,omitempty"`
	Error string           `json:"error,omitempty"`
}

type golden struct {
	Format  string  `json:"format"`
	Key     string  `json:"key"`
	Lines   int64   `json:"lines"`
	Entries []entry `json:"entries"`
}

// readAll decodes every line of path, recording events and ParseErrors.
func readAll(t *testing.T, path string, opt logfile.Options) golden {
	t.Helper()
	r, err := logfile.Open(path, opt)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	defer r.Close()
	g := golden{Format: r.Format(), Key: r.Key()}
	for {
		var ev telemetry.Event
		err := r.Next(&ev)
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *telemetry.ParseError
		switch {
		case errors.As(err, &pe):
			if pe.File != path || pe.Line != ev.Source.Line || pe.Offset != ev.Source.Offset {
				t.Errorf("%s: ParseError %v has position %d/%d, event source %+v", path, pe, pe.Line, pe.Offset, ev.Source)
			}
			g.Entries = append(g.Entries, entry{Error: pe.Error()})
		case err != nil:
			t.Fatalf("%s: Next = %v", path, err)
		default:
			g.Entries = append(g.Entries, entry{Event: &ev})
		}
	}
	g.Lines = r.Line()
	return g
}

func TestGolden(t *testing.T) {
	var files []string
	err := filepath.WalkDir(filepath.Join("testdata", "samples"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("found %d samples, want at least 20", len(files))
	}
	for _, path := range files {
		rel, _ := filepath.Rel(filepath.Join("testdata", "samples"), path)
		t.Run(rel, func(t *testing.T) {
			goldentest.Compare(t, filepath.Join("testdata", "golden", rel+".json"), path, readAll(t, path, logfile.Options{}), *update)
		})
	}
}

// TestGoldenExpectations checks facts about the samples independently of the
// golden files, so a wrong -update cannot bless a regression.
func TestGoldenExpectations(t *testing.T) {
	find := func(g golden, pred func(*telemetry.Event) bool) *telemetry.Event {
		for _, e := range g.Entries {
			if e.Event != nil && pred(e.Event) {
				return e.Event
			}
		}
		return nil
	}
	s := func(p string) string { return filepath.Join("testdata", "samples", p) }

	eve := readAll(t, s("eve/eve.json"), logfile.Options{})
	if eve.Format != "eve" || len(eve.Entries) != 8 {
		t.Fatalf("eve.json: format %q, %d entries, want eve, 8", eve.Format, len(eve.Entries))
	}
	tls := find(eve, func(e *telemetry.Event) bool { return e.Kind == "tls" })
	if tls == nil || tls.Domain != "p33-btmmdns.icloud.com" {
		t.Errorf("eve tls event = %+v, want Domain p33-btmmdns.icloud.com (trailing dot removed)", tls)
	}
	alert := find(eve, func(e *telemetry.Event) bool { return e.Kind == "alert" })
	if alert == nil || alert.BytesOut != 793 || alert.BytesIn != 343 || alert.Action != "allowed" || alert.Domain != "l2.io" {
		t.Errorf("eve alert = %+v, want bytes 793/343, action allowed, domain l2.io", alert)
	}
	dns := find(eve, func(e *telemetry.Event) bool { return e.Kind == "dns" })
	if dns == nil || dns.Domain != "clients.l.google.com" || len(dns.Extra) != 1 || dns.Extra[0].Value != "172.217.13.110" || dns.Extra[0].Type != telemetry.TypeIP {
		t.Errorf("eve dns v1 = %+v, want domain clients.l.google.com and answer 172.217.13.110", dns)
	}
	http := find(eve, func(e *telemetry.Event) bool { return e.Kind == "http" })
	if http == nil || http.Domain != "" || http.URL != "http://192.168.86.28:63963/dd.xml" {
		t.Errorf("eve http = %+v, want no Domain (IP literal host) and URL http://192.168.86.28:63963/dd.xml", http)
	}
	fi := find(eve, func(e *telemetry.Event) bool { return e.Kind == "fileinfo" })
	if fi == nil || fi.SHA256 != "f610428ebddf6f8cf9e39322e672583c45fcdcf885efad0ab48fd53a3dfc2c4b" || fi.MD5 == "" || fi.SHA1 == "" {
		t.Errorf("eve fileinfo = %+v, want its hashes", fi)
	}

	syn := readAll(t, s("synthetic/eve-v2.json"), logfile.Options{})
	v2 := find(syn, func(e *telemetry.Event) bool { return e.UID == "1111" })
	wantExtra := []telemetry.Observable{
		{Field: "dns.answers", Type: telemetry.TypeDomain, Value: "cdn.example-corp.net"},
		{Field: "dns.answers", Type: telemetry.TypeIP, Value: "203.0.113.7"},
	}
	if v2 == nil || v2.Domain != "update.example-corp.com" || !cmp.Equal(v2.Extra, wantExtra) || v2.Sensor != "sensor-a" {
		t.Errorf("eve dns v2 = %+v, want domain update.example-corp.com, sensor-a, extra %v", v2, wantExtra)
	}
	al := find(syn, func(e *telemetry.Event) bool { return e.Kind == "alert" })
	if al == nil || !cmp.Equal(al.Techniques, []string{"T1505.003", "T1190"}) || al.Action != "blocked" ||
		al.URL != "http://shop.example.com:8080/upload/ui.aspx?x=1" || al.Domain != "shop.example.com" {
		t.Errorf("eve alert with http = %+v", al)
	}
	tl := find(syn, func(e *telemetry.Event) bool { return e.Kind == "tls" })
	if tl == nil || tl.JA3 != "e7d705a3286e19ea42f587b344ee6865" || len(tl.Extra) != 1 || tl.Extra[0].Type != telemetry.TypeJA3 {
		t.Errorf("eve tls = %+v, want lower-case JA3 and JA3S in Extra", tl)
	}

	conn := readAll(t, s("zeek-unmasked/conn.log"), logfile.Options{})
	c := find(conn, func(e *telemetry.Event) bool { return true })
	if conn.Format != "zeek-tsv" || c == nil || c.Kind != "conn" || c.SrcIP.String() != "::" || c.Proto != "icmp" || c.BytesOut != 48 || c.DstPort != 136 {
		t.Errorf("zeek conn.log: format %q, first event %+v", conn.Format, c)
	}
	smtp := readAll(t, s("zeek-unmasked/smtp.log"), logfile.Options{})
	m := find(smtp, func(e *telemetry.Event) bool { return e.UID == "CUM0KZ3MLUfNB0cl11" })
	var rcpt []string
	for _, o := range m.Extra {
		if o.Field == "smtp.rcptto" {
			rcpt = append(rcpt, o.Value)
		}
	}
	if !cmp.Equal(rcpt, []string{"felica4uu@hotmail.com", "ericlim220@yahoo.com", "davis_mark1@outlook.com"}) {
		t.Errorf("zeek smtp rcptto = %v", rcpt)
	}
	btest := readAll(t, s("zeek-btest/opt.basic/dns.log"), logfile.Options{})
	for _, e := range btest.Entries {
		if e.Event != nil || !strings.Contains(e.Error, "field ts: invalid timestamp") {
			t.Errorf("masked btest dns.log entry %+v, want a ts ParseError", e)
		}
	}
	if !bytes.Contains([]byte(btest.Entries[0].Error), []byte("dns.log:10:")) {
		t.Errorf("first error %q, want it at line 10", btest.Entries[0].Error)
	}
}
