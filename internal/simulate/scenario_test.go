package simulate_test

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/stix"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/simulate"
	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/logfile"
)

// hardScenario is one small hard scenario shared by the read-only tests:
// 30 days around the US-China agreement, 12 organisations, light traffic.
var hardScenario = sync.OnceValues(func() (simulate.Manifest, error) {
	hardGenerated.Store(true)
	dir, err := os.MkdirTemp("", "pactwatch-hard-")
	if err != nil {
		return simulate.Manifest{}, err
	}
	cfg := simulate.ScenarioConfig(simulate.ProfileHard, 42)
	cfg.Days, cfg.Orgs, cfg.EventsPerOrgDay = 30, 12, 60
	return simulate.Generate(dir, cfg)
})

var hardGenerated atomic.Bool

func hard(t *testing.T) simulate.Manifest {
	t.Helper()
	m, err := hardScenario()
	if err != nil {
		t.Fatalf("Generate(hard) = %v", err)
	}
	return m
}

func hardTruth(t *testing.T) simulate.Truth {
	t.Helper()
	var tr simulate.Truth
	readJSON(t, hard(t).Truth, &tr)
	return tr
}

func hardIntel(t *testing.T) *intel.Collection {
	t.Helper()
	c, err := stix.ReadFile(context.Background(), hard(t).Intel[0])
	if err != nil {
		t.Fatalf("stix.ReadFile = %v", err)
	}
	return c
}

func small(seed uint64, workers int) simulate.Config {
	cfg := simulate.ScenarioConfig(simulate.ProfileHard, seed)
	cfg.Days, cfg.Orgs, cfg.EventsPerOrgDay, cfg.Workers = 3, 6, 100, workers
	return cfg
}

func TestScenarioIsDeterministic(t *testing.T) {
	gen := func(cfg simulate.Config) map[string]string {
		m, err := simulate.Generate(t.TempDir(), cfg)
		if err != nil {
			t.Fatalf("Generate(%+v) = %v", cfg, err)
		}
		return digests(t, m)
	}
	a, b := gen(small(5, 1)), gen(small(5, 3))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different worker counts: files differ (-1 worker +3 workers):\n%s", diff)
	}
	if len(a) != 3+3*6 {
		t.Errorf("%d files, want intel, orgs, truth and 6 per day for 3 days", len(a))
	}
	c := gen(small(6, 2))
	for _, f := range []string{"eve/eve-2015-09-24.json", "zeek/2015-09-25/conn.log", "truth.json", "intel.json"} {
		if a[f] == c[f] {
			t.Errorf("%s is the same for seeds 5 and 6", f)
		}
	}
}

func TestScenarioRejectsBadConfig(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*simulate.Config)
	}{
		{"too many orgs", func(c *simulate.Config) { c.Orgs = simulate.MaxOrgs + 1 }},
		{"too few orgs", func(c *simulate.Config) { c.Orgs = 2 }},
		{"negative days", func(c *simulate.Config) { c.Days = -1 }},
		{"tiny volume", func(c *simulate.Config) { c.EventsPerOrgDay = 5 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := small(1, 1)
			tt.edit(&cfg)
			if _, err := simulate.Generate(t.TempDir(), cfg); !errors.Is(err, simulate.ErrConfig) {
				t.Errorf("Generate(%s) = %v, want ErrConfig", tt.name, err)
			}
		})
	}
}

// readEvents reads every telemetry file of m with pactwatch's own readers.
func readEvents(t *testing.T, m simulate.Manifest, fn func(ev *telemetry.Event)) (events, bad int) {
	t.Helper()
	for _, path := range m.Telemetry {
		r, err := logfile.Open(path, logfile.Options{})
		if err != nil {
			t.Fatalf("logfile.Open(%s) = %v", path, err)
		}
		var ev telemetry.Event
		for {
			err := r.Next(&ev)
			if err == io.EOF {
				break
			}
			var pe *telemetry.ParseError
			if errors.As(err, &pe) {
				if bad++; bad < 5 {
					t.Errorf("%v", pe)
				}
				continue
			}
			if err != nil {
				t.Fatalf("read %s: %v", path, err)
			}
			events++
			fn(&ev)
		}
		r.Close()
	}
	return events, bad
}

func TestScenarioTelemetryParsesAndMatchesTruth(t *testing.T) {
	m := hard(t)
	tr := hardTruth(t)
	col := hardIntel(t)
	// Indicator values by type, to find every event that touches intel.
	ips, names, hashes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, in := range col.Indicators {
		switch in.Type {
		case intel.IPv4:
			ips[in.Value] = true
		case intel.Domain:
			names[in.Value] = true
		case intel.MD5, intel.SHA256:
			hashes[in.Value] = true
		}
	}
	planted := map[string]string{}
	for _, in := range tr.Intrusions {
		for _, f := range in.Flows {
			planted[f] = in.ID
		}
	}
	for _, l := range tr.Lookalikes {
		for _, f := range l.Flows {
			planted[f] = l.ID
		}
	}
	seen := map[string]bool{}
	var stray []string
	total := 0
	events, bad := readEvents(t, m, func(ev *telemetry.Event) {
		total++
		if ev.UID == "" {
			t.Errorf("%s:%d: event without a connection id", ev.Source.File, ev.Source.Line)
			return
		}
		seen[ev.UID] = true
		hit := ips[ev.SrcIP.String()] || ips[ev.DstIP.String()] || hashes[ev.MD5] || hashes[ev.SHA256]
		for d := ev.Domain; d != "" && !hit; {
			hit = names[d]
			_, d, _ = strings.Cut(d, ".")
		}
		for _, x := range ev.Extra {
			hit = hit || ips[x.Value] || names[x.Value]
		}
		if hit && planted[ev.UID] == "" && len(stray) < 5 {
			stray = append(stray, ev.Source.File+":"+ev.Kind+":"+ev.UID)
		}
	})
	if bad > 0 || events == 0 {
		t.Fatalf("read %d events with %d parse errors, want some and 0", events, bad)
	}
	if len(stray) > 0 {
		t.Errorf("events touching intel belong to no intrusion or look-alike: %v", stray)
	}
	for f, id := range planted {
		if !seen[f] {
			t.Errorf("%s flow %s is in no telemetry file", id, f)
		}
	}
	sum := 0
	for _, n := range m.Events {
		sum += n
	}
	if sum != events {
		t.Errorf("manifest counts %d events, readers found %d", sum, events)
	}
}

func TestScenarioTruthRefersToWhatExists(t *testing.T) {
	tr := hardTruth(t)
	col := hardIntel(t)
	if len(col.Unsupported) > 0 {
		t.Errorf("intel import: %d unsupported, first %+v", len(col.Unsupported), col.Unsupported[0])
	}
	var orgsFile struct {
		Organisations []struct{ ID, Country, Sector string } `json:"organisations"`
	}
	readJSON(t, hard(t).Organisations, &orgsFile)
	orgs := map[string]bool{}
	for _, o := range orgsFile.Organisations {
		orgs[o.ID] = true
	}
	inds := map[string]bool{}
	for _, in := range col.Indicators {
		inds[in.ID] = true
	}
	actors := map[string]bool{}
	for _, a := range col.Actors {
		actors[a.ID] = true
	}
	if len(tr.Intrusions) < 20 {
		t.Errorf("%d intrusions in 30 days, want at least 20", len(tr.Intrusions))
	}
	for _, in := range tr.Intrusions {
		if !orgs[in.OrgID] {
			t.Errorf("%s: organisation %s not in orgs.json", in.ID, in.OrgID)
		}
		if !actors[in.ActorID] {
			t.Errorf("%s: actor %s not in intel", in.ID, in.ActorID)
		}
		for _, id := range in.Indicators {
			if !inds[id] {
				t.Errorf("%s: indicator %s not in intel", in.ID, id)
			}
		}
		if len(in.Flows) != in.Sessions || in.Sessions == 0 {
			t.Errorf("%s: %d flows for %d sessions", in.ID, len(in.Flows), in.Sessions)
		}
		var sum int64
		for _, f := range in.Files {
			sum += f.Bytes
		}
		if sum != in.BytesTaken || (in.Status == intrusion.Exfiltrated) != (len(in.Files) > 0) {
			t.Errorf("%s: status %s, %d files, bytes taken %d, files sum %d", in.ID, in.Status, len(in.Files), in.BytesTaken, sum)
		}
		if len(in.Expected) != len(tr.Agreements) {
			t.Errorf("%s: %d expectations for %d agreements", in.ID, len(in.Expected), len(tr.Agreements))
		}
	}
	for _, l := range tr.Lookalikes {
		if l.Expected != "no-sighting" && l.Expected != "unattributed" {
			t.Errorf("%s expected %q", l.ID, l.Expected)
		}
		for _, id := range l.OrgIDs {
			if !orgs[id] {
				t.Errorf("%s: organisation %s not in orgs.json", l.ID, id)
			}
		}
		if (l.Expected == "unattributed") != (len(l.Indicators) > 0) {
			t.Errorf("%s (%s): %d indicators, expected %s", l.ID, l.Kind, len(l.Indicators), l.Expected)
		}
	}
}

// actorLinks maps each indicator id to the actors intel ties it to,
// directly or through malware the actor uses.
func actorLinks(col *intel.Collection) map[string][]string {
	users := map[string][]string{}
	for _, r := range col.Relationships {
		if r.Type == "uses" {
			users[r.To] = append(users[r.To], r.From)
		}
	}
	out := map[string][]string{}
	for _, r := range col.Relationships {
		if r.Type != "indicates" {
			continue
		}
		if strings.HasPrefix(r.To, "intrusion-set--") {
			out[r.From] = append(out[r.From], r.To)
		}
		out[r.From] = append(out[r.From], users[r.To]...)
	}
	return out
}

func TestScenarioIsFair(t *testing.T) {
	tr := hardTruth(t)
	links := actorLinks(hardIntel(t))
	weak := 0
	for _, in := range tr.Intrusions {
		n := 0
		for _, id := range in.Indicators {
			if slices.Contains(links[id], in.ActorID) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s (%s): no indicator in its events ties it to its actor: unknowable", in.ID, in.ActorName)
		}
		if n < 2 {
			weak++
		}
	}
	if weak > len(tr.Intrusions)/10 {
		t.Errorf("%d of %d intrusions have fewer than two indicators of their actor, want at most 10%%", weak, len(tr.Intrusions))
	}
}

func TestHardScenarioHasEveryTrap(t *testing.T) {
	tr := hardTruth(t)
	col := hardIntel(t)
	links := actorLinks(col)
	notes := map[string][]simulate.TruthIndicatorNote{}
	for _, n := range tr.IndicatorNotes {
		notes[n.Trap] = append(notes[n.Trap], n)
	}
	byActor := map[string][]simulate.TruthIntrusion{}
	for _, in := range tr.Intrusions {
		byActor[in.ActorName] = append(byActor[in.ActorName], in)
	}
	uses := func(in simulate.TruthIntrusion, id string) bool { return slices.Contains(in.Indicators, id) }

	t.Run("false flag", func(t *testing.T) {
		if len(notes["false-flag-tool"]) == 0 {
			t.Fatal("no false-flag tool indicator")
		}
		tool := notes["false-flag-tool"][0]
		n := 0
		for _, in := range tr.Intrusions {
			if !slices.ContainsFunc(in.Traps, func(s string) bool { return strings.HasPrefix(s, "false-flag") }) {
				continue
			}
			n++
			if !uses(in, tool.IndicatorID) {
				t.Errorf("%s: false flag without the borrowed tool's indicator", in.ID)
			}
			own := 0
			for _, id := range in.Indicators {
				if slices.Contains(links[id], in.ActorID) {
					own++
				}
			}
			if own < 2 || slices.Contains(links[tool.IndicatorID], in.ActorID) {
				t.Errorf("%s: %d indicators of the true actor, want 2; tool tied to true actor: %v", in.ID, own, slices.Contains(links[tool.IndicatorID], in.ActorID))
			}
		}
		if n == 0 {
			t.Error("no false-flag intrusion")
		}
	})
	t.Run("stale indicator visited after reassignment", func(t *testing.T) {
		found := false
		for _, l := range tr.Lookalikes {
			if l.Kind != "stale-indicator" {
				continue
			}
			for _, id := range l.Indicators {
				for _, in := range tr.Intrusions {
					if uses(in, id) && in.End.Before(l.Start) {
						found = true
					}
				}
			}
		}
		if !found {
			t.Error("no stale indicator used by an intrusion and later visited by benign traffic")
		}
	})
	t.Run("shared infrastructure", func(t *testing.T) {
		ok := false
		for _, n := range notes["shared-infrastructure"] {
			var who []string
			for _, in := range tr.Intrusions {
				if uses(in, n.IndicatorID) && !slices.Contains(who, in.ActorName) {
					who = append(who, in.ActorName)
				}
			}
			if len(who) >= 2 {
				ok = true
			}
		}
		if !ok {
			t.Errorf("no shared indicator seen in intrusions of two actors (%d notes)", len(notes["shared-infrastructure"]))
		}
		if len(notes["shared-hosting"]) == 0 {
			t.Error("no shared-hosting indicator")
		}
	})
	t.Run("partial coverage", func(t *testing.T) {
		var sum float64
		for _, a := range tr.Actors {
			if a.IntelCoverage < 0.25 || a.IntelCoverage > 0.95 {
				t.Errorf("%s: intel coverage %.2f outside [0.25, 0.95]", a.Name, a.IntelCoverage)
			}
			sum += a.IntelCoverage
		}
		if mean := sum / float64(len(tr.Actors)); mean < 0.5 || mean > 0.78 {
			t.Errorf("mean intel coverage %.2f, want 0.5-0.78 in the hard profile", mean)
		}
	})
	t.Run("mixed-intent actor", func(t *testing.T) {
		mixed := false
		for _, ins := range byActor {
			kinds := map[intent.Class]bool{}
			for _, in := range ins {
				kinds[in.Intent] = true
			}
			mixed = mixed || kinds[intent.Economic] && kinds[intent.NationalSecurity]
		}
		if !mixed {
			t.Error("no actor steals both commercial and state secrets")
		}
	})
	t.Run("look-alikes", func(t *testing.T) {
		kinds := map[string]int{}
		for _, l := range tr.Lookalikes {
			kinds[l.Kind] += l.Sessions
		}
		for _, k := range []string{"shared-hosting", "stale-indicator", "parent-domain", "sqli-scanning"} {
			if kinds[k] == 0 {
				t.Errorf("no %s look-alike sessions (%v)", k, kinds)
			}
		}
	})
	t.Run("behaviour around the agreement", func(t *testing.T) {
		changed, same := false, false
		for _, b := range tr.Behaviour {
			if b.AgreementID != "us-cn-2015" {
				continue
			}
			changed = changed || b.Changed
			same = same || !b.Changed && b.EconomicAfter > 0
			if b.Planned == "stop" && b.EconomicAfter > 0 {
				t.Errorf("%s planned to stop but has %d economic intrusions after", b.ActorName, b.EconomicAfter)
			}
		}
		if !changed || !same {
			t.Errorf("us-cn-2015: an actor that changes (%v) and one that continues (%v), want both", changed, same)
		}
	})
}

// cleanupHard removes the shared hard scenario, if a test generated it.
func cleanupHard() {
	if hardGenerated.Load() {
		if m, err := hardScenario(); err == nil {
			os.RemoveAll(m.Dir)
		}
	}
}

// BenchmarkGenerateHard times a hard scenario of 3 days and 10
// organisations at the default volume (about 18,000 records). For the
// 60-day, 50-organisation and 10-million-record runs see bench/simulate.sh.
func BenchmarkGenerateHard(b *testing.B) {
	cfg := simulate.ScenarioConfig(simulate.ProfileHard, 1)
	cfg.Days, cfg.Orgs = 3, 10
	dir := b.TempDir()
	var events int
	var bytes int64
	for b.Loop() {
		m, err := simulate.Generate(dir, cfg)
		if err != nil {
			b.Fatal(err)
		}
		events, bytes = 0, 0
		for _, n := range m.Events {
			events += n
		}
		for _, f := range m.Files {
			bytes += f.Bytes
		}
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(events)/secs, "events/s")
	b.ReportMetric(float64(bytes)/1e6/secs, "MB/s")
}
