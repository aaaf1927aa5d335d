package logfile_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

const eveLines = `{"timestamp":"2015-09-26T00:00:01.000000+0000","event_type":"dns","src_ip":"10.0.0.1","src_port":1,"dest_ip":"10.0.0.2","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"a.example"}}
{"timestamp":"2015-09-26T00:00:02.000000+0000","event_type":"dns","src_ip":"10.0.0.1","src_port":2,"dest_ip":"10.0.0.2","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"b.example"}}
{"timestamp":"2015-09-26T00:00:03.000000+0000","event_type":"dns","src_ip":"10.0.0.1","src_port":3,"dest_ip":"10.0.0.2","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"c.example"}}
`

const tsvLog = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t2015-09-26-00-00-00\n" +
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tvector[string]\n" +
	"1443225601.000000\tC1\t10.0.0.1\t1\t10.0.0.2\t53\tudp\ta.example\t192.0.2.1,b.example\n" +
	"1443225602.000000\tC2\t10.0.0.1\t2\t10.0.0.2\t53\tudp\tb.example\t-\n" +
	"1443225603.000000\tC3\t10.0.0.1\t3\t10.0.0.2\t53\tudp\tc.example\t(empty)\n" +
	"#close\t2015-09-26-00-00-10\n"

// result is what one Next call produced, comparable across readers.
type result struct {
	Domain string
	Source telemetry.Source
	Err    string
}

func drain(t *testing.T, r *logfile.Reader) []result {
	t.Helper()
	var out []result
	for {
		var ev telemetry.Event
		err := r.Next(&ev)
		if errors.Is(err, io.EOF) {
			return out
		}
		var pe *telemetry.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("Next = %v, want an event, a ParseError or io.EOF", err)
		}
		res := result{Domain: ev.Domain, Source: ev.Source}
		if err != nil {
			res.Err = err.Error()
		}
		out = append(out, res)
	}
}

func newReader(t *testing.T, name, content string, opt logfile.Options) *logfile.Reader {
	t.Helper()
	r, err := logfile.NewReader(name, strings.NewReader(content), opt)
	if err != nil {
		t.Fatalf("NewReader(%q) = %v", name, err)
	}
	return r
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"eve.json", eveLines, "eve"},
		{"x.log", tsvLog, "zeek-tsv"},
		{"anything", `{"_path":"conn","ts":1.5,"uid":"C1"}` + "\n", "zeek-json"},
		{"stdin", `{"ts":"2018-03-24T17:15:20Z","uid":"C1","id.orig_h":"10.0.0.1"}` + "\n", "zeek-json"},
		{"conn.00:00:00-01:00:00.log", `{"ts":1.5,"duration":2}` + "\n", "zeek-json"},
		{"records.json", `{"@timestamp":"2015-01-01T00:00:00Z","source":{"ip":"10.0.0.1"}}` + "\n", "ndjson"},
		{"ssh.log", "### comment\nts\tuid\n1.0\tC1\n", "zeek-tsv"},
		{"dns.log", "\n\n" + tsvLog, "zeek-tsv"},
	}
	for _, tt := range tests {
		r := newReader(t, tt.name, tt.content, logfile.Options{})
		if got := r.Format(); got != tt.want {
			t.Errorf("NewReader(%q, %.30q).Format() = %q, want %q", tt.name, tt.content, got, tt.want)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	for _, content := range []string{"hello world\n", "{\n  \"pretty\": true\n}\n", "a,b,c\n1,2,3\n"} {
		_, err := logfile.NewReader("notes.txt", strings.NewReader(content), logfile.Options{})
		if !errors.Is(err, telemetry.ErrUnknownFormat) {
			t.Errorf("NewReader(%q) = %v, want ErrUnknownFormat", content, err)
			continue
		}
		for _, want := range []string{"notes.txt", "eve", "zeek-json", "zeek-tsv", "ndjson", "--format"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("NewReader(%q) error %q does not mention %q", content, err, want)
			}
		}
	}
	_, err := logfile.NewReader("x", strings.NewReader(eveLines), logfile.Options{Format: "pcap"})
	if !errors.Is(err, telemetry.ErrUnknownFormat) || !strings.Contains(err.Error(), "zeek-tsv") {
		t.Errorf("NewReader(Format: pcap) = %v, want ErrUnknownFormat listing the formats", err)
	}
}

func TestForcedFormat(t *testing.T) {
	// Forced to ndjson, EVE lines decode through the (default) field map.
	r := newReader(t, "x", eveLines, logfile.Options{Format: "ndjson"})
	var ev telemetry.Event
	if err := r.Next(&ev); err != nil || ev.Format != "ndjson" {
		t.Errorf("forced ndjson: Next = %v, event format %q", err, ev.Format)
	}
}

func TestGzip(t *testing.T) {
	plain := drain(t, newReader(t, "a.json", eveLines, logfile.Options{}))
	for _, name := range []string{"a.json.gz", "a.json"} { // magic bytes decide, not the name
		r, err := logfile.NewReader(name, bytes.NewReader(gz(t, eveLines)), logfile.Options{})
		if err != nil {
			t.Fatalf("NewReader(gzip %s) = %v", name, err)
		}
		if r.Format() != "eve" {
			t.Errorf("gzip %s: Format() = %q, want eve", name, r.Format())
		}
		got := drain(t, r)
		for i := range got {
			got[i].Source.File = "a.json"
		}
		if diff := cmp.Diff(plain, got); diff != "" {
			t.Errorf("gzip %s: events differ from plain input (-plain +gzip):\n%s", name, diff)
		}
		if plainKey := newReader(t, "p", eveLines, logfile.Options{}).Key(); r.Key() != plainKey {
			t.Errorf("gzip key %s, plain key %s, want equal (key is of decompressed content)", r.Key(), plainKey)
		}
	}
	// Concatenated gzip members (rotated and appended) read as one stream.
	both := append(gz(t, eveLines[:strings.Index(eveLines, "\n")+1]), gz(t, eveLines[strings.Index(eveLines, "\n")+1:])...)
	r, err := logfile.NewReader("m.gz", bytes.NewReader(both), logfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, r); len(got) != 3 {
		t.Errorf("multi-member gzip gave %d events, want 3", len(got))
	}
}

func TestKey(t *testing.T) {
	big := strings.Repeat(strings.SplitAfter(eveLines, "\n")[0], 400) // > 64 KiB
	sum := sha256.Sum256([]byte(big[:logfile.HeadSize]))
	r := newReader(t, "a", big, logfile.Options{})
	if got, want := r.Key(), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Key() = %s, want sha256 of the first 64 KiB %s", got, want)
	}
	if r2 := newReader(t, "renamed", big+eveLines, logfile.Options{}); r2.Key() != r.Key() {
		t.Errorf("appended input has key %s, want %s", r2.Key(), r.Key())
	}
	small := newReader(t, "s", eveLines, logfile.Options{})
	if sum := sha256.Sum256([]byte(eveLines)); small.Key() != hex.EncodeToString(sum[:]) {
		t.Errorf("small input key %s, want sha256 of all content", small.Key())
	}
}

func TestResume(t *testing.T) {
	tests := []struct {
		name, content string
	}{
		{"eve.json", eveLines},
		{"dns.log", tsvLog},
		{"crlf.json", strings.ReplaceAll(eveLines, "\n", "\r\n")},
	}
	for _, tt := range tests {
		all := drain(t, newReader(t, tt.name, tt.content, logfile.Options{}))
		if len(all) != 3 {
			t.Fatalf("%s: %d results, want 3", tt.name, len(all))
		}
		// Resume after each event in turn: the rest must equal the tail of a full read.
		r := newReader(t, tt.name, tt.content, logfile.Options{})
		for i := range all {
			var ev telemetry.Event
			if err := r.Next(&ev); err != nil {
				t.Fatalf("%s: Next = %v", tt.name, err)
			}
			for _, plain := range []bool{true, false} {
				var in io.Reader = strings.NewReader(tt.content)
				if !plain {
					in = bytes.NewReader(gz(t, tt.content))
				}
				rr, err := logfile.NewReader(tt.name, in, logfile.Options{Offset: r.Offset(), Line: r.Line()})
				if err != nil {
					t.Fatalf("%s: resume at %d/%d: %v", tt.name, r.Offset(), r.Line(), err)
				}
				if diff := cmp.Diff(all[i+1:], drain(t, rr), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s (plain %v): resume after event %d (offset %d, line %d) differs (-want +got):\n%s", tt.name, plain, i, r.Offset(), r.Line(), diff)
				}
			}
		}
	}
}

func TestResumeErrors(t *testing.T) {
	tests := []struct {
		opt  logfile.Options
		want string
	}{
		{logfile.Options{Offset: 10}, "not the start of a line"},
		{logfile.Options{Offset: int64(len(eveLines)) + 5}, "input ends"},
		{logfile.Options{Offset: int64(strings.Index(eveLines, "\n") + 1), Line: 7}, "checkpoint says 7"},
	}
	for _, tt := range tests {
		_, err := logfile.NewReader("e.json", strings.NewReader(eveLines), tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewReader(%+v) = %v, want error containing %q", tt.opt, err, tt.want)
		}
	}
}

func TestMalformedLines(t *testing.T) {
	lines := strings.SplitAfter(eveLines, "\n")
	content := lines[0] + "{not json\n" +
		`{"timestamp":"yesterday","event_type":"dns"}` + "\n" +
		`{"timestamp":"2015-09-26T00:00:01Z","event_type":"dns","src_ip":"10.0.0.300"}` + "\n" +
		lines[1]
	got := drain(t, newReader(t, "bad.json", content, logfile.Options{}))
	wantErr := []string{"", "bad.json:2: invalid JSON", "bad.json:3: field timestamp: invalid timestamp", "bad.json:4: field src_ip: invalid IP address", ""}
	if len(got) != len(wantErr) {
		t.Fatalf("got %d results %+v, want %d", len(got), got, len(wantErr))
	}
	for i, w := range wantErr {
		if (w == "") != (got[i].Err == "") || !strings.HasPrefix(got[i].Err, w) {
			t.Errorf("line %d: error %q, want prefix %q", i+1, got[i].Err, w)
		}
		if got[i].Source.Line != int64(i+1) {
			t.Errorf("result %d: line %d, want %d", i, got[i].Source.Line, i+1)
		}
	}
	if off := int64(len(lines[0])); got[1].Source.Offset != off {
		t.Errorf("bad line offset %d, want %d", got[1].Source.Offset, off)
	}
	// The error carries its position for the caller.
	r := newReader(t, "bad.json", content, logfile.Options{})
	var ev telemetry.Event
	_ = r.Next(&ev)
	err := r.Next(&ev)
	var pe *telemetry.ParseError
	if !errors.As(err, &pe) || pe.File != "bad.json" || pe.Line != 2 || pe.Offset != int64(len(lines[0])) {
		t.Errorf("Next = %#v, want *ParseError at bad.json:2", err)
	}
}

func TestTSVWithoutHeader(t *testing.T) {
	got := drain(t, newReader(t, "conn.log", "ts\tuid\n1.0\tC1\n", logfile.Options{}))
	if len(got) != 2 || !strings.Contains(got[0].Err, "conn.log:1: data line before any #fields header") {
		t.Errorf("header-less TSV = %+v, want ParseErrors naming the missing #fields header", got)
	}
}

func TestLongLines(t *testing.T) {
	lines := strings.SplitAfter(eveLines, "\n")
	long := `{"timestamp":"2015-09-26T00:00:01Z","event_type":"x","pad":"` + strings.Repeat("a", 300<<10) + `"}` + "\n"
	content := lines[0] + long + lines[1] + long[:len(long)-1] // the last one without newline
	r := newReader(t, "long.json", content, logfile.Options{MaxLineSize: 256 << 10})
	got := drain(t, r)
	if len(got) != 4 {
		t.Fatalf("got %d results, want 4: %+v", len(got), got)
	}
	for _, i := range []int{1, 3} {
		if !strings.Contains(got[i].Err, fmt.Sprintf("long.json:%d: line too long", i+1)) {
			t.Errorf("result %d error %q, want line too long at line %d", i, got[i].Err, i+1)
		}
	}
	if got[2].Domain != "b.example" || got[2].Source.Offset != int64(len(lines[0])+len(long)) {
		t.Errorf("line after a long line = %+v, want b.example at offset %d", got[2], len(lines[0])+len(long))
	}
	// The unterminated last line is reported but not counted as consumed.
	if want := int64(len(content) - len(long) + 1); r.Offset() != want || r.Line() != 3 || r.Tail() != int64(len(long)-1) {
		t.Errorf("Offset, Line, Tail = %d, %d, %d, want %d, 3, %d", r.Offset(), r.Line(), r.Tail(), want, len(long)-1)
	}
	// Below the cap a long line decodes (it spans many buffer fills).
	okLong := strings.Replace(long, `"x"`, `"y"`, 1)
	got = drain(t, newReader(t, "ok.json", okLong+lines[2], logfile.Options{}))
	if len(got) != 2 || got[0].Err != "" || got[0].Source.Length != len(okLong)-1 || got[1].Domain != "c.example" {
		t.Errorf("long line below cap: %+v", got)
	}
}

func TestCRLF(t *testing.T) {
	for _, content := range []string{eveLines, tsvLog} {
		lf := drain(t, newReader(t, "f", content, logfile.Options{}))
		crlf := drain(t, newReader(t, "f", strings.ReplaceAll(content, "\n", "\r\n"), logfile.Options{}))
		if len(lf) != len(crlf) {
			t.Fatalf("LF %d results, CRLF %d", len(lf), len(crlf))
		}
		for i := range lf {
			if lf[i].Err != "" || crlf[i].Err != "" || lf[i].Domain != crlf[i].Domain ||
				lf[i].Source.Length != crlf[i].Source.Length || lf[i].Source.Line != crlf[i].Source.Line {
				t.Errorf("result %d: LF %+v, CRLF %+v", i, lf[i], crlf[i])
			}
		}
	}
}

func TestStdin(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(gz(t, tsvLog)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old; f.Close() }()
	r, err := logfile.Open("-", logfile.Options{})
	if err != nil {
		t.Fatalf(`Open("-") = %v`, err)
	}
	got := drain(t, r)
	if r.Format() != "zeek-tsv" || len(got) != 3 || got[0].Source.File != logfile.StdinName || got[0].Domain != "a.example" {
		t.Errorf(`Open("-"): format %q, results %+v`, r.Format(), got)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
}

func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "dns.00:00:00-01:00:00.log.gz")
	if err := os.WriteFile(p, gz(t, `{"ts":1443225601.5,"uid":"C1","id.orig_h":"10.0.0.1","query":"x.example"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := logfile.Open(p, logfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ev telemetry.Event
	if err := r.Next(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.Kind != "dns" || ev.Format != "zeek-json" || ev.Domain != "x.example" || ev.Source.File != p {
		t.Errorf("Open(%s) event %+v, want kind dns from the file name", p, ev)
	}
	if _, err := logfile.Open(filepath.Join(dir, "missing"), logfile.Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want ErrNotExist", err)
	}
}

func TestEmptyInput(t *testing.T) {
	for _, content := range []string{"", "\n\n"} {
		r := newReader(t, "empty", content, logfile.Options{})
		var ev telemetry.Event
		if err := r.Next(&ev); !errors.Is(err, io.EOF) {
			t.Errorf("Next on %q = %v, want io.EOF", content, err)
		}
	}
}

func TestFieldMapOption(t *testing.T) {
	content := `{"when":1445256000,"src":{"addr":"10.0.0.9"}}` + "\n"
	r := newReader(t, "x.ndjson", content, logfile.Options{FieldMap: map[string]string{"time": "when", "src_ip": "src.addr"}})
	var ev telemetry.Event
	if err := r.Next(&ev); err != nil || ev.SrcIP.String() != "10.0.0.9" || ev.Time.Unix() != 1445256000 {
		t.Errorf("Next = %v, event %+v", err, ev)
	}
	if _, err := logfile.NewReader("x", strings.NewReader(content), logfile.Options{FieldMap: map[string]string{"colour": "x"}}); err == nil {
		t.Error("NewReader with an unknown field map entry succeeded, want an error")
	}
}
