package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A STIX bundle of more than a mapping's worth of indicators (streamed
// into the set: stix.StreamIndicators) matches what the IOC list of the
// same values matches, each match naming the indicator's STIX id, on
// one goroutine or two; so does a bundle that gives an indicator twice
// (versions: decoded whole, through load).
func TestSweepSTIXBundle(t *testing.T) {
	dir := t.TempDir()
	var list, objs []string
	ids := map[string]string{} // value -> indicator id
	for i := 0; len(objs) < 6000; i++ {
		var value, pattern string
		switch i % 3 {
		case 0:
			value = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
			pattern = "[ipv4-addr:value = '" + value + "']"
		case 1:
			value = fmt.Sprintf("c2-%d.example.com", i)
			pattern = "[domain-name:value = '" + strings.ToUpper(value[:2]) + value[2:] + "']"
		default:
			value = fmt.Sprintf("%064x", i)
			pattern = "[file:hashes.'SHA-256' = '" + value + "']"
		}
		id := fmt.Sprintf("indicator--%08x-0000-4000-8000-%012x", i, i)
		ids[value] = id
		list = append(list, value)
		extra := ""
		if i%2 == 0 {
			extra = `,"created_by_ref":"identity--00000000-0000-4000-8000-000000000001","object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]`
		}
		objs = append(objs, fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":%q,"created":"2016-01-01T00:00:00.000Z",`+
			`"modified":"2016-01-01T00:00:00.000Z","name":"n%d","pattern":%q,"pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"%s}`,
			id, i, pattern, extra))
	}
	objs = append(objs,
		`{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-ffffffffffff","pattern":"title:evil","pattern_type":"sigma","valid_from":"2016-01-01T00:00:00Z"}`,
		`{"type":"identity","spec_version":"2.1","id":"identity--00000000-0000-4000-8000-000000000001","name":"Feed","identity_class":"organization"}`)
	bundle := `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000","objects":[` + "\n" + strings.Join(objs, ",\n") + "\n]}\n"
	if len(bundle) <= mapMin {
		t.Fatalf("bundle of %d bytes: not mapped", len(bundle))
	}
	// The same with one indicator given again, as an earlier version.
	again := strings.Replace(objs[1], `"modified":"2016-01-01T00:00:00.000Z"`, `"modified":"2015-01-01T00:00:00.000Z"`, 1)
	versions := strings.Replace(bundle, "\n]}", ",\n"+again+"\n]}", 1)

	var log bytes.Buffer
	for i := 0; i < 400; i++ {
		v := list[(i*37)%len(list)]
		switch {
		case strings.HasPrefix(v, "10."):
			fmt.Fprintf(&log, `{"timestamp":"2015-10-01T10:00:%02dZ","event_type":"flow","src_ip":"192.168.1.5","dest_ip":%q,"proto":"TCP"}`+"\n", i%60, v)
		case strings.HasPrefix(v, "c2-"):
			fmt.Fprintf(&log, `{"timestamp":"2015-10-01T10:00:%02dZ","event_type":"dns","src_ip":"192.168.1.5","dest_ip":"192.168.1.53","dns":{"type":"query","rrname":"a.%s"}}`+"\n", i%60, v)
		default:
			fmt.Fprintf(&log, `{"timestamp":"2015-10-01T10:00:%02dZ","event_type":"fileinfo","src_ip":"192.168.1.5","dest_ip":"192.168.1.6","fileinfo":{"sha256":%q}}`+"\n", i%60, strings.ToUpper(v))
		}
		fmt.Fprintf(&log, `{"timestamp":"2015-10-01T10:01:00Z","event_type":"dns","src_ip":"192.168.1.5","dest_ip":"192.168.1.53","dns":{"type":"query","rrname":"not-c2-%d.example.com"}}`+"\n", i)
	}
	files := map[string]string{"iocs.txt": strings.Join(list, "\n") + "\n", "bundle.json": bundle, "versions.json": versions, "eve.json": log.String()}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	sweep := func(indicators, jobs string) ([]sweepRecord, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args := []string{"sweep", "--sort", "-j", jobs, "--indicators", filepath.Join(dir, indicators), filepath.Join(dir, "eve.json")}
		if code := Run(context.Background(), args, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("sweep %s: exit %d: %s", indicators, code, stderr.String())
		}
		var recs []sweepRecord
		sc := bufio.NewScanner(&stdout)
		for sc.Scan() {
			var r sweepRecord
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			recs = append(recs, r)
		}
		return recs, stderr.String()
	}
	want, _ := sweep("iocs.txt", "2")
	if len(want) != 400 {
		t.Fatalf("the list matched %d times, want 400", len(want))
	}
	for _, ind := range []string{"bundle.json", "versions.json"} {
		for _, jobs := range []string{"1", "2"} {
			got, stderr := sweep(ind, jobs)
			if !strings.Contains(stderr, "1 inputs could not be evaluated") {
				t.Errorf("%s -j %s: stderr does not count the sigma indicator:\n%s", ind, jobs, stderr)
			}
			if len(got) != len(want) {
				t.Fatalf("%s -j %s: %d matches, want %d", ind, jobs, len(got), len(want))
			}
			for i := range got {
				if got[i].IndicatorID != ids[got[i].Indicator] {
					t.Errorf("%s -j %s: match %d names %s, want %s", ind, jobs, i, got[i].IndicatorID, ids[got[i].Indicator])
				}
				w := want[i]
				w.IndicatorID = got[i].IndicatorID
				if got[i] != w {
					t.Errorf("%s -j %s: match %d = %+v, want %+v", ind, jobs, i, got[i], w)
				}
			}
		}
	}
	if !slices.ContainsFunc(want, func(r sweepRecord) bool { return r.Type == "sha256" }) {
		t.Errorf("no hash matched: %v", want[:3])
	}
}
