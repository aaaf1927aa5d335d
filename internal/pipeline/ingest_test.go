package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/store"
	"github.com/pactwatch/pactwatch/internal/store/sqlite"
	"github.com/pactwatch/pactwatch/internal/sweep"
)

// writeEVE writes n EVE flow lines; every tenth goes to the C2 address and
// every 97th line is malformed.
func writeEVE(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		if i%97 == 96 {
			b.WriteString("{\"timestamp\": broken\n")
			continue
		}
		dst := fmt.Sprintf("198.18.%d.%d", (i/250)%250, i%250+1)
		if i%10 == 0 {
			dst = "203.0.113.9"
		}
		fmt.Fprintf(&b, `{"timestamp":"2015-09-26T%02d:%02d:%02d.000000+0000","event_type":"flow","src_ip":"198.51.100.7","src_port":%d,"dest_ip":%q,"dest_port":443,"proto":"TCP","flow":{"bytes_toserver":100,"bytes_toclient":200}}`+"\n",
			(i/3600)%24, (i/60)%60, i%60, 1024+i%60000, dst)
	}
	p := filepath.Join(dir, "eve.json")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func fixture(t *testing.T) (*sweep.Set, *org.Directory) {
	t.Helper()
	set, err := sweep.Compile([]intel.Indicator{{ID: "indicator--c2", Type: intel.IPv4, Value: "203.0.113.9", Source: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := org.NewDirectory([]org.Organisation{{ID: "acme", Name: "Acme", Country: "US", Sector: "technology"}})
	if err != nil {
		t.Fatal(err)
	}
	return set, dir
}

func openStore(t *testing.T, name string) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func offsets(t *testing.T, st store.Store) []int64 {
	t.Helper()
	hits, err := st.Hits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, h := range hits {
		out = append(out, h.Event.Source.Offset)
	}
	slices.Sort(out)
	return out
}

// TestIngestInterruptedResumes stops an ingest after a few commits, runs it
// again, and checks the store holds exactly what one clean run stores:
// nothing lost, nothing twice.
func TestIngestInterruptedResumes(t *testing.T) {
	const lines = 5000
	path := writeEVE(t, t.TempDir(), lines)
	set, dir := fixture(t)

	clean := openStore(t, "clean.db")
	want, err := pipeline.Ingest(context.Background(), clean, set, dir, path, pipeline.IngestOptions{BatchLines: 100})
	if err != nil {
		t.Fatal(err)
	}
	var wantHits int64
	for i := range lines {
		if i%10 == 0 && i%97 != 96 {
			wantHits++
		}
	}
	if want.Hits != wantHits || want.Malformed != lines/97 {
		t.Fatalf("clean run: %d hits, %d malformed; want %d, %d", want.Hits, want.Malformed, wantHits, lines/97)
	}

	for _, stopAfter := range []int{1, 7, 30} {
		t.Run(fmt.Sprintf("stop after %d commits", stopAfter), func(t *testing.T) {
			st := openStore(t, "resume.db")
			ctx, cancel := context.WithCancel(context.Background())
			commits := 0
			first, err := pipeline.Ingest(ctx, st, set, dir, path, pipeline.IngestOptions{BatchLines: 100, OnProgress: func(string, int64) {
				if commits++; commits == stopAfter {
					cancel()
				}
			}})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted Ingest: err = %v, want context.Canceled", err)
			}
			got := offsets(t, st)
			if len(got) == 0 || int64(len(got)) >= wantHits {
				t.Fatalf("after the interruption %d hits are stored, want some but not all", len(got))
			}
			second, err := pipeline.Ingest(context.Background(), st, set, dir, path, pipeline.IngestOptions{BatchLines: 100})
			if err != nil {
				t.Fatal(err)
			}
			if second.Resumed == 0 {
				t.Errorf("second run resumed at 0, want the interrupted run's checkpoint")
			}
			if diff := slices.Compare(offsets(t, clean), offsets(t, st)); diff != 0 {
				t.Errorf("after resuming the store differs from a clean run (%d vs %d hits)", len(offsets(t, st)), len(offsets(t, clean)))
			}
			cp, err := st.Checkpoint(context.Background(), second.Key)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Events != want.Events || cp.Errors != want.Malformed {
				t.Errorf("checkpoint counts %d events, %d errors; want %d, %d (first run read %d events)", cp.Events, cp.Errors, want.Events, want.Malformed, first.Events)
			}
			// A third run adds nothing.
			third, err := pipeline.Ingest(context.Background(), st, set, dir, path, pipeline.IngestOptions{BatchLines: 100})
			if err != nil {
				t.Fatal(err)
			}
			if third.Events != 0 || int64(len(offsets(t, st))) != wantHits {
				t.Errorf("third run read %d events and the store holds %d hits; want 0 and %d", third.Events, len(offsets(t, st)), wantHits)
			}
		})
	}
}

// TestIngestAppendedFile reads only the new lines of a file that grew.
func TestIngestAppendedFile(t *testing.T) {
	dir := t.TempDir()
	path := writeEVE(t, dir, 1000)
	set, orgs := fixture(t)
	st := openStore(t, "grow.db")
	if _, err := pipeline.Ingest(context.Background(), st, set, orgs, path, pipeline.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, `{"timestamp":"2015-09-27T00:00:00.000000+0000","event_type":"flow","src_ip":"198.51.100.7","src_port":1,"dest_ip":"203.0.113.9","dest_port":443,"proto":"TCP"}`)
	f.Close()
	s, err := pipeline.Ingest(context.Background(), st, set, orgs, path, pipeline.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Events != 1 || s.Hits != 1 {
		t.Errorf("after appending one matching line: %d events, %d hits read; want 1, 1", s.Events, s.Hits)
	}
}

// TestIngestRescan: a file ingested before new intel arrived is swept
// again from its start with the new set; what was stored stays once, the
// new sightings are added, and the checkpoint keeps its place and counts.
func TestIngestRescan(t *testing.T) {
	const lines = 3000
	path := writeEVE(t, t.TempDir(), lines)
	set, dir := fixture(t)
	st := openStore(t, "rescan.db")
	ctx := context.Background()
	first, err := pipeline.Ingest(ctx, st, set, dir, path, pipeline.IngestOptions{BatchLines: 100})
	if err != nil {
		t.Fatal(err)
	}
	before := offsets(t, st)
	cps, err := st.Inputs(ctx)
	if err != nil || len(cps) != 1 {
		t.Fatalf("Inputs = %+v, %v; want one", cps, err)
	}

	// Again without rescan: nothing new read.
	again, err := pipeline.Ingest(ctx, st, set, dir, path, pipeline.IngestOptions{BatchLines: 100})
	if err != nil || again.Events != 0 {
		t.Fatalf("second ingest read %d events (%v), want 0", again.Events, err)
	}

	// New intel: line 5's destination (198.18.0.6) too.
	newSet, err := sweep.Compile([]intel.Indicator{
		{ID: "indicator--c2", Type: intel.IPv4, Value: "203.0.113.9", Source: "test"},
		{ID: "indicator--new", Type: intel.IPv4, Value: "198.18.0.6", Source: "test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	re, err := pipeline.Ingest(ctx, st, newSet, dir, path, pipeline.IngestOptions{BatchLines: 70, Rescan: true})
	if err != nil {
		t.Fatal(err)
	}
	if re.Resumed != 0 || re.Events != first.Events || re.Malformed != first.Malformed {
		t.Errorf("rescan: resumed %d, %d events, %d malformed; want 0, %d, %d", re.Resumed, re.Events, re.Malformed, first.Events, first.Malformed)
	}
	after := offsets(t, st)
	if len(after) != len(before)+1 {
		t.Fatalf("after rescan %d hits, want %d (the old ones once, plus the new one)", len(after), len(before)+1)
	}
	for _, off := range before {
		if !slices.Contains(after, off) {
			t.Errorf("hit at %d lost by the rescan", off)
		}
	}
	cps2, err := st.Inputs(ctx)
	if err != nil || len(cps2) != 1 || cps2[0].Offset != cps[0].Offset || cps2[0].Events != cps[0].Events || cps2[0].Errors != cps[0].Errors {
		t.Errorf("checkpoint after rescan %+v, want offset and counts as before %+v", cps2, cps)
	}
	if _, err := pipeline.Ingest(ctx, st, newSet, dir, "-", pipeline.IngestOptions{Rescan: true}); err == nil {
		t.Error("rescan of standard input succeeded, want an error")
	}
}
