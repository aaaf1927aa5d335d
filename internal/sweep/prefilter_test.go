package sweep_test

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/chunk"
	"github.com/pactwatch/pactwatch/internal/telemetry/eve"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
	"github.com/pactwatch/pactwatch/internal/telemetry/ndjson"
	"github.com/pactwatch/pactwatch/internal/telemetry/zeek"
)

const samplesDir = "../telemetry/logfile/testdata/samples"

func samplePaths(t testing.TB) []string {
	var paths []string
	err := filepath.WalkDir(samplesDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil || len(paths) < 10 {
		t.Fatalf("samples under %s: %d, %v", samplesDir, len(paths), err)
	}
	return paths
}

// valuesOf returns indicators for every matchable value of ev: the values
// themselves, parent domains, CIDRs around addresses and upper-cased
// hashes, so that a set built from them matches ev in many ways.
func valuesOf(ev *telemetry.Event) []intel.Indicator {
	var out []intel.Indicator
	addIP := func(a netip.Addr) {
		if !a.IsValid() {
			return
		}
		a = a.Unmap()
		if a.Is4() {
			out = append(out, intel.Indicator{Type: intel.IPv4, Value: a.String()})
			p, _ := a.Prefix(24)
			out = append(out, intel.Indicator{Type: intel.CIDR, Value: p.String()})
		} else {
			out = append(out, intel.Indicator{Type: intel.IPv6, Value: a.String()})
		}
	}
	addDomain := func(d string) {
		labels := strings.Split(strings.TrimSuffix(d, "."), ".")
		if len(labels) >= 2 {
			out = append(out, intel.Indicator{Type: intel.Domain, Value: strings.Join(labels[len(labels)-2:], ".")})
		}
	}
	addHash := func(h string) {
		t := map[int]intel.Type{32: intel.MD5, 40: intel.SHA1, 64: intel.SHA256}[len(h)]
		if t != "" {
			out = append(out, intel.Indicator{Type: t, Value: strings.ToUpper(h)})
		}
	}
	addIP(ev.SrcIP)
	addIP(ev.DstIP)
	if ev.Domain != "" {
		addDomain(ev.Domain)
	}
	for _, h := range []string{ev.MD5, ev.SHA1, ev.SHA256} {
		addHash(h)
	}
	if ev.JA3 != "" {
		out = append(out, intel.Indicator{Type: intel.JA3, Value: ev.JA3})
	}
	for _, o := range ev.Extra {
		switch o.Type {
		case telemetry.TypeIP:
			if a, err := netip.ParseAddr(o.Value); err == nil {
				addIP(a)
			}
		case telemetry.TypeDomain:
			addDomain(o.Value)
		case telemetry.TypeHash:
			addHash(o.Value)
		case telemetry.TypeJA3:
			out = append(out, intel.Indicator{Type: intel.JA3, Value: o.Value})
		}
	}
	return out
}

// checker is a chunk.Worker that decodes every line and checks that
// MayMatch said true for each line whose event Match matches.
type checker struct {
	t                   *testing.T
	set                 *sweep.Set
	may                 bool
	line                string
	lines, no, matching int
	ms                  []sweep.Match
}

func (c *checker) Want(line []byte) bool {
	c.may = c.set.MayMatch(line)
	c.line = string(line)
	c.lines++
	if !c.may {
		c.no++
	}
	return true
}

func (c *checker) Event(ch *chunk.Chunk, ev *telemetry.Event) {
	c.ms = c.set.Match(ev, c.ms[:0])
	if len(c.ms) > 0 {
		c.matching++
		if !c.may {
			c.t.Errorf("%s offset %d: MayMatch = false, but Match finds %v in %q", ch.File, ev.Source.Offset, c.ms, c.line)
		}
	}
}

func (c *checker) Malformed(*chunk.Chunk, *telemetry.ParseError) {}

func TestMayMatchNeverMissesSamples(t *testing.T) {
	paths := samplePaths(t)
	// Indicators from every other event of the samples.
	var inds []intel.Indicator
	n := 0
	for _, p := range paths {
		r, err := logfile.Open(p, logfile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for {
			var ev telemetry.Event
			err := r.Next(&ev)
			if err != nil && ev.Source.Line == 0 {
				break
			}
			if err == nil && n%2 == 0 {
				inds = append(inds, valuesOf(&ev)...)
			}
			n++
		}
		r.Close()
	}
	for i := range inds {
		inds[i].ID = "indicator--" + inds[i].Value
	}
	set, err := sweep.Compile(inds)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() < 50 {
		t.Fatalf("only %d indicators from the samples", set.Len())
	}
	var all []*checker
	var mu sync.Mutex // Run makes the workers on their goroutines
	err = chunk.Run(context.Background(), paths, chunk.Options{Jobs: 2, Size: 4096}, func() chunk.Worker {
		c := &checker{t: t, set: set}
		mu.Lock()
		all = append(all, c)
		mu.Unlock()
		return c
	}, func(*chunk.Chunk) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var lines, no, matching int
	for _, c := range all {
		lines, no, matching = lines+c.lines, no+c.no, matching+c.matching
	}
	t.Logf("%d lines, %d matching, %d ruled out by MayMatch", lines, matching, no)
	if matching == 0 || no == 0 {
		t.Errorf("%d lines: %d matching, %d ruled out; want some of both for the test to mean anything", lines, matching, no)
	}
}

// Values written in forms other than the indicator's own still make
// MayMatch say true; lines without any say false.
func TestMayMatchForms(t *testing.T) {
	inds := []intel.Indicator{
		{ID: "a", Type: intel.IPv4, Value: "1.2.3.4"},
		{ID: "b", Type: intel.CIDR, Value: "10.20.0.0/16"},
		{ID: "c", Type: intel.Domain, Value: "evil.com"},
		{ID: "d", Type: intel.SHA1, Value: "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{ID: "e", Type: intel.SHA256, Value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{ID: "f", Type: intel.IPv6, Value: "2001:db8::1"},
	}
	set, err := sweep.Compile(inds)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line string
		want bool
	}{
		{`{"src_ip":"1.2.3.4"}`, true},
		{`{"src_ip":"::ffff:1.2.3.4"}`, true},
		{`{"src_ip":"::ffff:102:304"}`, true},
		{`{"dest_ip":"10.20.255.1"}`, true},
		{`{"rrname":"WWW.Evil.COM."}`, true},
		{`{"hostname":"evil.com:8080"}`, true},
		{`{"url":"http://a.evil.com/x?y=1"}`, true},
		{`{"fingerprint":"da:39:a3:ee:5e:6b:4b:0d:32:55:bf:ef:95:60:18:90:af:d8:07:09"}`, true},
		{`{"sha256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}`, true},
		{"ts\t2001:db8::1\t53", true},
		{`{"ip6":"2001:db8:0:0:0:0:0:1"}`, true},
		{`{"ip6":"2001:0db8:0000:0000:0000:0000:0.0.0.1"}`, true},
		{`{"ip6":"2001:db8::1::","x":"2001:db8::1..."}`, true},
		{`{"serial":"04:61:9C:1D","ip6":"2001:db8:0:0:0:0:1","x":"2001:db8:0:0:0:0:0:0:1"}`, false},
		{`{"h":"da39a3ee5e6b4b0d3255bfef95601890afd80709.0a"}`, true},
		{`{"h":"0.1..da39a3ee5e6b4b0d3255bfef95601890afd80709"}`, true},
		{`{"rrname":"evil\u002ecom"}`, true},
		{"{\"rrname\":\"ev\u0130l.com\"}", true},
		{`{"src_ip":"1.2.3.44","rrname":"notevil.com","x":"evil.com.au","h":"da39a3ee5e6b4b0d3255bfef95601890afd8070"}`, false},
		{`{"src_ip":"01.2.3.4","dest_ip":"10.21.0.1","ip6":"2001:db8::2"}`, false},
		{`{"timestamp":"2015-09-26T00:00:00.003000+0000","event_type":"flow"}`, false},
		{`{"start":"2015-09-26T00:00:00","end":"2015-09-26T00:00:00.1Z"}`, false},
		{`{"x":"2015-09-26T00:00:1.2.3.4"}`, true},
		{`{"x":"2015-09-26T00:00:00.evil.com"}`, true},
		{`{"x":"2015-09-26T00:00:00.da39a3ee5e6b4b0d3255bfef95601890afd80709"}`, true},
		{`{"x":"1.2.3.4:2015-09-26T00:00:00"}`, true},
		{``, false},
	} {
		if got := set.MayMatch([]byte(tc.line)); got != tc.want {
			t.Errorf("MayMatch(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
	withURL, _ := sweep.Compile(append(inds, intel.Indicator{ID: "u", Type: intel.URL, Value: "http://x.org/a"}))
	if !withURL.MayMatch([]byte(`{"a":"b"}`)) {
		t.Errorf("MayMatch with URL indicators = false, want true (the filter is off)")
	}
}

// FuzzMayMatch checks on arbitrary lines that MayMatch never says false
// for a line whose decoded event matches, for each JSON decoder and Zeek
// TSV with a fixed header.
func FuzzMayMatch(f *testing.F) {
	for _, p := range samplePaths(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for i, l := range strings.Split(string(b), "\n") {
			if i < 3 {
				f.Add(l)
			}
		}
	}
	f.Add(`{"timestamp":"2015-09-26T00:00:00Z","event_type":"dns","src_ip":"::ffff:1.2.3.4","dns":{"rrname":"A.EVIL.COM."}}`)
	f.Add("1443225600.0\tCx\t1.2.3.4\t1\t10.20.1.1\t53\tudp\tevil.com")
	set, err := sweep.Compile(sweep.PrefilterIndicators())
	if err != nil {
		f.Fatal(err)
	}
	tsv := zeek.NewTSVDecoder("dns.log")
	var scratch telemetry.Event
	for _, h := range []string{"#separator \\x09", "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery"} {
		if _, err := tsv.Decode([]byte(h), &scratch); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, line string) {
		decs := []telemetry.Decoder{eve.NewDecoder(), zeek.JSONFormat{}.NewDecoder(), ndjson.NewDecoder(nil), tsv.Clone()}
		for _, d := range decs {
			var ev telemetry.Event
			if ok, err := d.Decode([]byte(line), &ev); !ok || err != nil {
				continue
			}
			if ms := set.Match(&ev, nil); len(ms) > 0 && !set.MayMatch([]byte(line)) {
				t.Errorf("%T: MayMatch(%q) = false, but Match finds %v", d, line, ms)
			}
		}
	})
}
