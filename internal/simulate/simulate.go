package simulate

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
)

// Profiles of Generate.
const (
	// ProfileDemo2015 is the bundled autumn-2015 scenario.
	ProfileDemo2015 = "demo-2015"
	// ProfileEasy is a generated scenario with few, weak traps: most actor
	// infrastructure is in intel and every actor stays in its victimology.
	ProfileEasy = "easy"
	// ProfileHard is a generated scenario with every trap: shared and
	// stale infrastructure, partial intel, a false flag, a mixed-intent
	// actor, after-hours work and benign look-alikes.
	ProfileHard = "hard"
)

// Defaults of the easy and hard profiles.
const (
	DefaultDays            = 60
	DefaultOrgs            = 50
	DefaultEventsPerOrgDay = 600
	MaxOrgs                = 250
)

// DemoSeed is the seed Demo uses.
const DemoSeed uint64 = 20150925

// ErrConfig reports an unusable Config.
var ErrConfig = errors.New("invalid simulation config")

// Config selects what Generate writes. The zero value is not usable; start
// from DemoConfig.
type Config struct {
	// Seed feeds the PCG source behind every random choice: the same seed
	// and config give the same bytes.
	Seed uint64
	// Profile names the scenario; only ProfileDemo2015 exists yet.
	Profile string
	// BenignScale multiplies the volume of benign background traffic
	// (1 gives the demo's tens of thousands of events). The planted
	// intrusions do not change with it. Only the demo profile reads it.
	BenignScale float64

	// Days is the length of an easy or hard scenario (default DefaultDays).
	Days int
	// Orgs is the number of monitored organisations of an easy or hard
	// scenario (default DefaultOrgs, at most MaxOrgs).
	Orgs int
	// Start is the first day (UTC) of an easy or hard scenario; the zero
	// value centres the period on the US-China agreement of 2015-09-25, so
	// 60 days cover it and the UK-China statement of 2015-10-22 and about
	// 110 days reach the G20 communique of 2015-11-16.
	Start time.Time
	// EventsPerOrgDay is the mean number of benign telemetry records per
	// organisation and day of an easy or hard scenario (default
	// DefaultEventsPerOrgDay: about 1.8 million records for 60 days and 50
	// organisations). Larger organisations get more, weekends and nights less.
	EventsPerOrgDay int
	// Workers bounds how many days are rendered at once (default
	// GOMAXPROCS). The output does not depend on it.
	Workers int
	// Progress, when set, is called after each day's telemetry is written
	// with the number of days done and the total.
	Progress func(done, total int)
}

// ScenarioConfig returns the default configuration of an easy or hard
// scenario with the given seed.
func ScenarioConfig(profile string, seed uint64) Config {
	return Config{Seed: seed, Profile: profile, Days: DefaultDays, Orgs: DefaultOrgs, EventsPerOrgDay: DefaultEventsPerOrgDay}
}

// DemoConfig returns the configuration Demo uses.
func DemoConfig() Config {
	return Config{Seed: DemoSeed, Profile: ProfileDemo2015, BenignScale: 1}
}

// Names of the files Generate writes, relative to its directory.
const (
	FileIntel = "intel.json"
	FileOrgs  = "orgs.json"
	FileEVE   = "eve.json"
	FileTruth = "truth.json"
	DirZeek   = "zeek"
)

// Manifest lists what Generate wrote. Paths are dir joined with the file's name.
type Manifest struct {
	Dir           string   `json:"dir"`
	Seed          uint64   `json:"seed"`
	Profile       string   `json:"profile"`
	Intel         []string `json:"intel"`         // STIX 2.1 bundles
	Organisations string   `json:"organisations"` // {"organisations":[...]}
	Telemetry     []string `json:"telemetry"`     // EVE first, then the Zeek logs
	Truth         string   `json:"truth"`
	Files         []File   `json:"files"` // every file written, in the order above
	// Events counts telemetry records by file kind and record kind, e.g.
	// "eve/alert", "zeek/conn".
	Events map[string]int `json:"events"`
}

// File describes one written file.
type File struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	Lines  int    `json:"lines"`
	SHA256 string `json:"sha256"`
}

// Demo writes the bundled autumn-2015 scenario into dir (created if needed)
// and returns what it wrote. It is Generate with DemoConfig.
func Demo(dir string) (Manifest, error) {
	return Generate(dir, DemoConfig())
}

// Generate writes the scenario cfg describes into dir (created if needed):
// intel.json, orgs.json, eve.json, zeek/{conn,dns,http,files,ssl}.log and
// truth.json. Existing files of those names are replaced.
//
// The easy and hard profiles write telemetry in daily files instead:
// eve/eve-YYYY-MM-DD.json and zeek/YYYY-MM-DD/{conn,dns,http,files,ssl}.log;
// see GenerateContext.
func Generate(dir string, cfg Config) (Manifest, error) {
	return GenerateContext(context.Background(), dir, cfg)
}

// GenerateContext is Generate with a context that stops an easy or hard
// scenario between days.
func GenerateContext(ctx context.Context, dir string, cfg Config) (Manifest, error) {
	if cfg.Profile == ProfileEasy || cfg.Profile == ProfileHard {
		return generateScenario(ctx, dir, cfg)
	}
	if cfg.Profile != ProfileDemo2015 {
		return Manifest{}, fmt.Errorf("%w: unknown profile %q", ErrConfig, cfg.Profile)
	}
	if !(cfg.BenignScale > 0 && cfg.BenignScale <= 20) {
		return Manifest{}, fmt.Errorf("%w: benign scale %v outside (0, 20]", ErrConfig, cfg.BenignScale)
	}
	sc, err := build(cfg)
	if err != nil {
		return Manifest{}, err
	}
	if err := os.MkdirAll(filepath.Join(dir, DirZeek), 0o755); err != nil {
		return Manifest{}, fmt.Errorf("create %s: %w", dir, err)
	}
	m := Manifest{Dir: dir, Seed: cfg.Seed, Profile: cfg.Profile, Events: sc.events}
	for _, f := range sc.files {
		path := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return Manifest{}, fmt.Errorf("write %s: %w", path, err)
		}
		sum := sha256.Sum256(f.data)
		m.Files = append(m.Files, File{Path: path, Bytes: int64(len(f.data)), Lines: bytes.Count(f.data, []byte{'\n'}), SHA256: hex.EncodeToString(sum[:])})
		switch f.role {
		case "intel":
			m.Intel = append(m.Intel, path)
		case "orgs":
			m.Organisations = path
		case "telemetry":
			m.Telemetry = append(m.Telemetry, path)
		case "truth":
			m.Truth = path
		}
	}
	return m, nil
}

// scenario is a rendered run, not yet written.
type scenario struct {
	files  []outFile
	events map[string]int
	truth  Truth
}

type outFile struct {
	name string // slash-separated, relative
	role string // "intel", "orgs", "telemetry", "truth"
	data []byte
}

// build runs the generator and renders every file in memory.
func build(cfg Config) (*scenario, error) {
	sites := demoSites()
	x := newGen(cfg.Seed, sites)
	plants := x.plantDemo()
	x.benign(cfg.BenignScale)
	x.lookalikes()

	sc := &scenario{events: map[string]int{}}
	intelJSON, err := encodeJSON(buildBundle())
	if err != nil {
		return nil, fmt.Errorf("encode intel: %w", err)
	}
	sc.files = append(sc.files, outFile{FileIntel, "intel", intelJSON})

	orgs := struct {
		Organisations []org.Organisation `json:"organisations"`
	}{}
	for _, s := range sites {
		orgs.Organisations = append(orgs.Organisations, s.Organisation)
	}
	orgJSON, err := encodeJSON(orgs)
	if err != nil {
		return nil, fmt.Errorf("encode organisations: %w", err)
	}
	sc.files = append(sc.files, outFile{FileOrgs, "orgs", orgJSON})

	eve, err := renderEVE(x.sessions)
	if err != nil {
		return nil, err
	}
	sc.files = append(sc.files, outFile{FileEVE, "telemetry", joinLines(eve, nil, nil, "eve", sc.events)})
	zk, err := renderZeek(x.sessions)
	if err != nil {
		return nil, err
	}
	for _, log := range []string{zeekConn, zeekDNS, zeekHTTP, zeekFiles, zeekSSL} {
		var head, foot []byte
		switch log {
		case zeekConn:
			head, foot = zeekHeader(log, zeekConnFields, zeekConnTypes, periodStart), zeekFooter(periodEnd)
		case zeekDNS:
			head, foot = zeekHeader(log, zeekDNSFields, zeekDNSTypes, periodStart), zeekFooter(periodEnd)
		}
		sc.files = append(sc.files, outFile{DirZeek + "/" + log + ".log", "telemetry", joinLines(zk[log], head, foot, "zeek", sc.events)})
	}

	sc.truth = buildTruth(cfg, x, plants)
	truthJSON, err := encodeJSON(sc.truth)
	if err != nil {
		return nil, fmt.Errorf("encode truth: %w", err)
	}
	sc.files = append(sc.files, outFile{FileTruth, "truth", truthJSON})
	return sc, nil
}

// joinLines sorts lines by time (then by session, then by render order)
// and joins them, counting each kind.
func joinLines(lines []outLine, head, foot []byte, prefix string, counts map[string]int) []byte {
	slices.SortStableFunc(lines, func(a, b outLine) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	var b bytes.Buffer
	b.Write(head)
	for _, l := range lines {
		b.Write(l.b)
		b.WriteByte('\n')
		counts[prefix+"/"+l.kind]++
	}
	b.Write(foot)
	return b.Bytes()
}

func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// indicatorIndex maps "kind|value" to the ids of supported indicators.
func indicatorIndex() map[string][]string {
	idx := map[string][]string{}
	for _, in := range demoIndicators() {
		for _, o := range in.values {
			k := o.kind + "|" + o.value
			idx[k] = append(idx[k], in.id())
		}
	}
	return idx
}

// sessionIndicators returns the ids of supported indicators whose values
// occur in the session, as an exact-match sweep would find them.
func sessionIndicators(ss *session, idx map[string][]string) []string {
	var keys []string
	keys = append(keys, "ipv4|"+ss.src.String(), "ipv4|"+ss.dst.String())
	if ss.dns != nil {
		keys = append(keys, "domain|"+ss.dns.query)
		for _, a := range ss.dns.answers {
			keys = append(keys, "ipv4|"+a.data)
		}
	}
	for _, tx := range ss.http {
		keys = append(keys, "domain|"+tx.host, "url|http://"+tx.host+tx.uri)
	}
	if ss.tls != nil {
		keys = append(keys, "domain|"+ss.tls.sni)
	}
	for _, f := range ss.files {
		keys = append(keys, "md5|"+f.hashes.MD5, "sha256|"+f.hashes.SHA256)
	}
	var ids []string
	for _, k := range keys {
		ids = append(ids, idx[k]...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func buildTruth(cfg Config, x *gen, plants []*plant) Truth {
	t := Truth{
		Scenario: cfg.Profile, Seed: cfg.Seed, PeriodStart: periodStart, PeriodEnd: periodEnd,
		VerdictRule: verdictRule, Agreements: truthAgreements,
		Summary: TruthSummary{
			ByActor: map[string]int{}, ByIntent: map[string]int{}, PotentialViolations: map[string]int{},
			NeedsAssessment: map[string]int{}, FirstAfter: map[string]string{}, TargetedAfterUSCN: map[string]int{},
		},
	}
	for _, a := range demoActors {
		t.Actors = append(t.Actors, TruthActor{ID: a.id, Name: a.name, Sponsor: a.sponsor})
	}
	idx := indicatorIndex()
	byTag := map[string][]*session{}
	for _, ss := range x.sessions {
		if ss.truth != "" {
			byTag[ss.truth] = append(byTag[ss.truth], ss)
		}
	}
	span := sessionSpan
	for _, p := range plants {
		ss := byTag[p.id]
		ti := TruthIntrusion{
			ID: p.id, OrgID: p.site.ID, OrgCountry: p.site.Country, OrgSector: p.site.Sector,
			ActorID: p.actor.id, ActorName: p.actor.name, Sponsor: p.actor.sponsor,
			Intent: p.intent, Status: p.status, Files: p.files, Sessions: len(ss), Description: p.note,
			Techniques: []string{}, Indicators: []string{}, Flows: flows(ss),
		}
		ti.Start, ti.End = span(ss)
		for _, f := range p.files {
			ti.BytesTaken += f.Bytes
		}
		for _, s := range ss {
			if p.site.contains(s.src) && !p.site.contains(s.dst) {
				out, _, _, _ := s.wire()
				ti.BytesToActor += out
			}
			for _, a := range s.alerts {
				ti.Techniques = append(ti.Techniques, a.rule.techniques...)
			}
			ti.Indicators = append(ti.Indicators, sessionIndicators(s, idx)...)
		}
		slices.Sort(ti.Techniques)
		ti.Techniques = slices.Compact(ti.Techniques)
		slices.Sort(ti.Indicators)
		ti.Indicators = slices.Compact(ti.Indicators)
		t.add(ti)
	}
	// The first intrusion after each agreement by an actor of a counterparty.
	for _, a := range truthAgreements {
		var first *TruthIntrusion
		for i := range t.Intrusions {
			ti := &t.Intrusions[i]
			opposite := ti.OrgCountry != ti.Sponsor && slices.Contains(a.Parties, ti.OrgCountry) && slices.Contains(a.Parties, ti.Sponsor)
			if opposite && !ti.Start.Before(a.Effective) && (first == nil || ti.Start.Before(first.Start)) {
				first = ti
			}
		}
		if first != nil {
			t.Summary.FirstAfter[a.ID] = first.ID
			days := int(first.Start.Sub(a.Effective).Hours() / 24)
			first.AfterPledgeBy = fmt.Sprintf("%s (%s, day %d after %s)", first.Start.Format(time.DateOnly), first.ActorName, days, a.ID)
		}
	}
	uscn := truthAgreements[0].Effective
	seen := map[string]bool{}
	for _, ti := range t.Intrusions {
		if ti.ActorName == "Deep Panda" && ti.OrgCountry == "US" && ti.Start.After(uscn) && !seen[ti.OrgID] {
			seen[ti.OrgID] = true
			t.Summary.TargetedAfterUSCN[ti.OrgSector]++
		}
	}

	looks := []struct {
		id, expected, desc string
	}{
		{lookSharedCDN, "unattributed", "A Harborline employee visits a legitimate site on a shared-hosting address (" + sharedCDN.String() + ", " + sharedCDNDomain + ") that intel ties, at confidence 15, to both Deep Panda and menuPass: a weak, shared indicator that must not be attributed."},
		{lookParentDomain, "no-sighting", "Visits to www.example-cdn.com, the parent domain of the Derusbi C2 domain update.example-cdn.com: subdomain matching must not run upwards."},
		{lookScan, "no-sighting", "Internet SQL injection scanning (sqlmap) against the companies' web servers: real T1190 alerts with no indicator behind them."},
	}
	for _, l := range looks {
		ss := byTag[l.id]
		tl := TruthLookalike{ID: l.id, Sessions: len(ss), Flows: flows(ss), Expected: l.expected, Description: l.desc}
		tl.Start, tl.End = span(ss)
		orgs := map[string]bool{}
		for _, s := range ss {
			orgs[s.site.ID] = true
			tl.Indicators = append(tl.Indicators, sessionIndicators(s, idx)...)
		}
		for id := range orgs {
			tl.OrgIDs = append(tl.OrgIDs, id)
		}
		slices.Sort(tl.OrgIDs)
		slices.Sort(tl.Indicators)
		tl.Indicators = slices.Compact(tl.Indicators)
		t.Lookalikes = append(t.Lookalikes, tl)
	}
	return t
}

// flows returns the connection ids of sessions as their sensors write
// them: the Zeek uid for Zeek-monitored sites, else the EVE flow_id.
func flows(ss []*session) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.connID())
	}
	return out
}

// add appends a planted intrusion with its expected verdicts under every
// agreement, and counts it in the summary.
func (t *Truth) add(ti TruthIntrusion) {
	for _, a := range truthAgreements {
		e := expect(a, ti.OrgCountry, ti.Sponsor, ti.Start, ti.Intent, ti.Status == intrusion.Exfiltrated)
		ti.Expected = append(ti.Expected, e)
		switch e.Verdict {
		case pact.PotentialViolation:
			t.Summary.PotentialViolations[a.ID]++
		case pact.NeedsAssessment:
			t.Summary.NeedsAssessment[a.ID]++
		}
	}
	t.Intrusions = append(t.Intrusions, ti)
	t.Summary.Intrusions++
	t.Summary.ByActor[ti.ActorName]++
	t.Summary.ByIntent[string(ti.Intent)]++
	t.Summary.BytesTaken += ti.BytesTaken
}
