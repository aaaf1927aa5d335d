package simulate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pactwatch/pactwatch/internal/org"
)

func readOrgs(t *testing.T) []org.Organisation {
	t.Helper()
	var f struct {
		Organisations []org.Organisation `json:"organisations"`
	}
	readJSON(t, demoManifest.Organisations, &f)
	return f.Organisations
}

func TestOrganisations(t *testing.T) {
	orgs := readOrgs(t)
	count := map[string]int{}
	ids := map[string]bool{}
	for _, o := range orgs {
		if ids[o.ID] {
			t.Errorf("duplicate organisation %s", o.ID)
		}
		ids[o.ID] = true
		count[o.Country+"/"+o.Sector]++
		if len(o.Networks) == 0 || len(o.Sensors) == 0 {
			t.Errorf("%s: networks %v sensors %v, want both", o.ID, o.Networks, o.Sensors)
		}
		for _, n := range o.Networks {
			// Documentation, benchmarking and private ranges only.
			ok := false
			for _, r := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "198.18.0.0/15", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} {
				rp := netip.MustParsePrefix(r)
				if rp.Contains(n.Addr()) && n.Bits() >= rp.Bits() {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s network %s is not a documentation, test or private range", o.ID, n)
			}
		}
	}
	want := map[string]int{"US/technology": 4, "US/pharmaceuticals": 2, "US/government-national": 1}
	for k, n := range want {
		if count[k] < n {
			t.Errorf("%d organisations in %s, want at least %d", count[k], k, n)
		}
	}
	if count["GB/technology"]+count["GB/pharmaceuticals"] < 2 {
		t.Errorf("UK organisations: %v, want at least 2 technology or pharmaceutical", count)
	}
	// Networks must not overlap, or events could not be mapped to one victim.
	var all []netip.Prefix
	for _, o := range orgs {
		for _, n := range o.Networks {
			for _, m := range all {
				if n.Overlaps(m) {
					t.Errorf("%s network %s overlaps %s", o.ID, n, m)
				}
			}
			all = append(all, n)
		}
	}
}

// eachLine calls fn for every line of path with its 1-based number.
func eachLine(t *testing.T, path string, fn func(n int, line []byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		fn(n, sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

type eveLine struct {
	Timestamp string          `json:"timestamp"`
	FlowID    int64           `json:"flow_id"`
	EventType string          `json:"event_type"`
	SrcIP     string          `json:"src_ip"`
	SrcPort   int             `json:"src_port"`
	DestIP    string          `json:"dest_ip"`
	DestPort  int             `json:"dest_port"`
	Proto     string          `json:"proto"`
	Host      string          `json:"host"`
	Alert     *eveLineAlert   `json:"alert"`
	DNS       json.RawMessage `json:"dns"`
	HTTP      json.RawMessage `json:"http"`
	TLS       *struct {
		SNI string `json:"sni"`
		JA3 struct {
			Hash string `json:"hash"`
		} `json:"ja3"`
	} `json:"tls"`
	Fileinfo *struct {
		Filename string `json:"filename"`
		MD5      string `json:"md5"`
		SHA256   string `json:"sha256"`
		Size     int64  `json:"size"`
	} `json:"fileinfo"`
	Flow *struct {
		BytesToServer *int64 `json:"bytes_toserver"`
		BytesToClient *int64 `json:"bytes_toclient"`
	} `json:"flow"`
}

type eveLineAlert struct {
	Action    string              `json:"action"`
	Signature string              `json:"signature"`
	Metadata  map[string][]string `json:"metadata"`
}

const eveTimeLayout = "2006-01-02T15:04:05.000000-0700"

// readEVE decodes eve.json, failing the test on any bad line.
func readEVE(t *testing.T) []eveLine {
	t.Helper()
	var out []eveLine
	eachLine(t, filepath.Join(demoDir, "eve.json"), func(n int, line []byte) {
		var e eveLine
		dec := json.NewDecoder(bytes.NewReader(line))
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("eve.json:%d: %v", n, err)
		}
		out = append(out, e)
	})
	return out
}

func TestEVERecords(t *testing.T) {
	sensors := map[string]bool{}
	for _, o := range readOrgs(t) {
		for _, s := range o.Sensors {
			sensors[s] = true
		}
	}
	var prev time.Time
	actions := map[string]int{}
	techniques := map[string]bool{}
	for i, e := range readEVE(t) {
		n := i + 1
		ts, err := time.Parse(eveTimeLayout, e.Timestamp)
		if err != nil {
			t.Errorf("eve.json:%d: timestamp %q: %v", n, e.Timestamp, err)
		}
		if ts.Before(prev) {
			t.Errorf("eve.json:%d: %s before the previous line's %s", n, ts, prev)
		}
		prev = ts
		if _, err := netip.ParseAddr(e.SrcIP); err != nil {
			t.Errorf("eve.json:%d: src_ip %q: %v", n, e.SrcIP, err)
		}
		if _, err := netip.ParseAddr(e.DestIP); err != nil {
			t.Errorf("eve.json:%d: dest_ip %q: %v", n, e.DestIP, err)
		}
		if e.FlowID == 0 || e.Proto == "" || e.SrcPort == 0 || e.DestPort == 0 {
			t.Errorf("eve.json:%d: flow_id %d proto %q ports %d/%d, want all set", n, e.FlowID, e.Proto, e.SrcPort, e.DestPort)
		}
		if !sensors[e.Host] {
			t.Errorf("eve.json:%d: host %q is no organisation's sensor", n, e.Host)
		}
		var missing bool
		switch e.EventType {
		case "alert":
			missing = e.Alert == nil || e.Alert.Signature == "" || e.Flow == nil
			if e.Alert != nil {
				actions[e.Alert.Action]++
				for _, id := range e.Alert.Metadata["mitre_technique_id"] {
					techniques[id] = true
				}
			}
		case "dns":
			missing = e.DNS == nil
		case "http":
			missing = e.HTTP == nil
		case "tls":
			missing = e.TLS == nil || e.TLS.SNI == "" || len(e.TLS.JA3.Hash) != 32
		case "fileinfo":
			missing = e.Fileinfo == nil || e.HTTP == nil || e.Fileinfo.Filename == "" || len(e.Fileinfo.MD5) != 32 || len(e.Fileinfo.SHA256) != 64
		case "flow":
			missing = e.Flow == nil || e.Flow.BytesToServer == nil || e.Flow.BytesToClient == nil
		default:
			t.Errorf("eve.json:%d: unexpected event_type %q", n, e.EventType)
		}
		if missing {
			t.Errorf("eve.json:%d: %s record lacks its required object or fields", n, e.EventType)
		}
	}
	if actions["allowed"] == 0 || actions["blocked"] == 0 {
		t.Errorf("alert actions = %v, want both allowed and blocked", actions)
	}
	for _, id := range []string{"T1190", "T1505.003", "T1071.001", "T1041"} {
		if !techniques[id] {
			t.Errorf("no alert names technique %s", id)
		}
	}
}

// TestEVEMatchesSuricataSchema validates every line against Suricata's own
// EVE schema (strict: unknown properties are errors).
func TestEVEMatchesSuricataSchema(t *testing.T) {
	path := filepath.Join(sharedData(t, "suricata/eve-schema"), "suricata-eve-schema.json")
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	failures := 0
	eachLine(t, filepath.Join(demoDir, "eve.json"), func(n int, line []byte) {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		if err != nil {
			t.Fatalf("eve.json:%d: %v", n, err)
		}
		if err := sch.Validate(inst); err != nil {
			failures++
			if failures <= 5 {
				t.Errorf("eve.json:%d fails the EVE schema: %v", n, err)
			}
		}
	})
	if failures > 5 {
		t.Errorf("%d lines fail the EVE schema in all", failures)
	}
}

func TestZeekTSVHeaders(t *testing.T) {
	for _, log := range []string{"conn", "dns"} {
		t.Run(log, func(t *testing.T) {
			var fields, types []string
			rows := 0
			var prev float64
			eachLine(t, filepath.Join(demoDir, "zeek", log+".log"), func(n int, line []byte) {
				s := string(line)
				switch {
				case n == 1:
					if s != `#separator \x09` {
						t.Errorf("%s.log:1 = %q, want the #separator line", log, s)
					}
				case strings.HasPrefix(s, "#path\t"):
					if got := strings.TrimPrefix(s, "#path\t"); got != log {
						t.Errorf("%s.log:%d: #path %q", log, n, got)
					}
				case strings.HasPrefix(s, "#fields\t"):
					fields = strings.Split(s, "\t")[1:]
				case strings.HasPrefix(s, "#types\t"):
					types = strings.Split(s, "\t")[1:]
				case strings.HasPrefix(s, "#"):
				default:
					rows++
					vals := strings.Split(s, "\t")
					if fields == nil || len(vals) != len(fields) {
						t.Fatalf("%s.log:%d has %d values for %d fields", log, n, len(vals), len(fields))
					}
					var ts float64
					if _, err := fmt.Sscanf(vals[0], "%f", &ts); err != nil || ts < 1.4e9 {
						t.Errorf("%s.log:%d: ts %q is not an epoch time", log, n, vals[0])
					}
					if ts < prev {
						t.Errorf("%s.log:%d: ts %s goes backwards", log, n, vals[0])
					}
					prev = ts
					for i, v := range vals {
						if v == "" {
							t.Errorf("%s.log:%d: field %s is empty (Zeek writes - or (empty))", log, n, fields[i])
						}
					}
				}
			})
			if len(fields) == 0 || len(fields) != len(types) {
				t.Errorf("%s.log: %d fields, %d types", log, len(fields), len(types))
			}
			if rows == 0 {
				t.Errorf("%s.log has no rows", log)
			}
		})
	}
}

func TestZeekJSONLogs(t *testing.T) {
	for _, log := range []string{"http", "files", "ssl"} {
		t.Run(log, func(t *testing.T) {
			rows := 0
			eachLine(t, filepath.Join(demoDir, "zeek", log+".log"), func(n int, line []byte) {
				rows++
				var r map[string]any
				if err := json.Unmarshal(line, &r); err != nil {
					t.Fatalf("%s.log:%d: %v", log, n, err)
				}
				if ts, ok := r["ts"].(float64); !ok || ts < 1.4e9 {
					t.Errorf("%s.log:%d: ts %v is not an epoch number", log, n, r["ts"])
				}
				for _, k := range []string{"uid", "id.orig_h", "id.resp_h"} {
					if _, ok := r[k].(string); !ok {
						t.Errorf("%s.log:%d: %s missing", log, n, k)
					}
				}
			})
			if rows == 0 {
				t.Errorf("%s.log has no rows", log)
			}
		})
	}
}
