package simulate

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/pactwatch/pactwatch/internal/org"
)

// withDefaults fills the zero fields of an easy or hard config and checks it.
func (c Config) withDefaults() (Config, error) {
	if c.Days == 0 {
		c.Days = DefaultDays
	}
	if c.Orgs == 0 {
		c.Orgs = DefaultOrgs
	}
	if c.EventsPerOrgDay == 0 {
		c.EventsPerOrgDay = DefaultEventsPerOrgDay
	}
	if c.Start.IsZero() {
		c.Start = day(2015, time.September, 25).AddDate(0, 0, -c.Days/2)
	}
	c.Start = c.Start.UTC().Truncate(24 * time.Hour)
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case c.Days < 1 || c.Days > 730:
		return c, fmt.Errorf("%w: days %d outside [1, 730]", ErrConfig, c.Days)
	case c.Orgs < 3 || c.Orgs > MaxOrgs:
		return c, fmt.Errorf("%w: orgs %d outside [3, %d]", ErrConfig, c.Orgs, MaxOrgs)
	case c.EventsPerOrgDay < 10 || c.EventsPerOrgDay > 200_000:
		return c, fmt.Errorf("%w: events per organisation and day %d outside [10, 200000]", ErrConfig, c.EventsPerOrgDay)
	}
	return c, nil
}

// Directories of the daily telemetry of the easy and hard profiles.
const DirEVE = "eve"

// dayResult is what rendering one day produced.
type dayResult struct {
	files  []outFileInfo
	counts map[string]int
	looks  []lookHit
	err    error
}

type outFileInfo struct {
	File
	rel string
}

// lookHit is one benign session that belongs to a look-alike.
type lookHit struct {
	id, kind string
	site     *site
	ss       *session
	flow     string
}

// generateScenario writes an easy or hard scenario.
func generateScenario(ctx context.Context, dir string, cfg Config) (Manifest, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Manifest{}, err
	}
	w, err := buildWorld(cfg)
	if err != nil {
		return Manifest{}, err
	}
	g := newRNG(cfg.Seed ^ 0x7a11_c0de)
	w.addLookalikeHosts(g)
	w.plan(g)
	for i, p := range w.plans {
		w.generate(p, i)
	}
	// Intrusion sessions by the day file they go into.
	planned := make([][]*session, w.days)
	for _, p := range w.plans {
		for _, ss := range p.ss {
			planned[w.dayIndex(ss.start)] = append(planned[w.dayIndex(ss.start)], ss)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, DirEVE), 0o755); err != nil {
		return Manifest{}, fmt.Errorf("create %s: %w", dir, err)
	}
	m := Manifest{Dir: dir, Seed: cfg.Seed, Profile: cfg.Profile, Events: map[string]int{}}
	write := func(rel, role string, data []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		sum := sha256.Sum256(data)
		m.Files = append(m.Files, File{Path: path, Bytes: int64(len(data)), Lines: bytes.Count(data, []byte{'\n'}), SHA256: hex.EncodeToString(sum[:])})
		switch role {
		case "intel":
			m.Intel = append(m.Intel, path)
		case "orgs":
			m.Organisations = path
		case "truth":
			m.Truth = path
		}
		return nil
	}
	intelJSON, err := encodeJSON(w.bundle())
	if err != nil {
		return Manifest{}, fmt.Errorf("encode intel: %w", err)
	}
	if err := write(FileIntel, "intel", intelJSON); err != nil {
		return Manifest{}, err
	}
	orgs := struct {
		Organisations []org.Organisation `json:"organisations"`
	}{}
	for _, s := range w.sites {
		orgs.Organisations = append(orgs.Organisations, s.Organisation)
	}
	orgJSON, err := encodeJSON(orgs)
	if err != nil {
		return Manifest{}, fmt.Errorf("encode organisations: %w", err)
	}
	if err := write(FileOrgs, "orgs", orgJSON); err != nil {
		return Manifest{}, err
	}

	// Days in parallel; each writes its own files.
	results := make([]dayResult, w.days)
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range min(cfg.Workers, w.days) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for di := range next {
				results[di] = w.renderDay(dir, di, planned[di])
				mu.Lock()
				done++
				if cfg.Progress != nil {
					cfg.Progress(done, w.days)
				}
				mu.Unlock()
			}
		}()
	}
	var ctxErr error
	for di := range w.days {
		if ctxErr = ctx.Err(); ctxErr != nil {
			break
		}
		next <- di
	}
	close(next)
	wg.Wait()
	if ctxErr != nil {
		return Manifest{}, fmt.Errorf("generate %s: %w", dir, ctxErr)
	}
	var hits []lookHit
	for _, r := range results {
		if r.err != nil {
			return Manifest{}, r.err
		}
		hits = append(hits, r.looks...)
	}
	// EVE days first, then Zeek days, as the demo lists EVE before Zeek.
	for _, zeek := range []bool{false, true} {
		for _, r := range results {
			for _, f := range r.files {
				if (filepath.Dir(f.rel) != DirEVE) == zeek {
					m.Files = append(m.Files, f.File)
					m.Telemetry = append(m.Telemetry, f.Path)
				}
			}
		}
	}
	for _, r := range results {
		for k, n := range r.counts {
			m.Events[k] += n
		}
	}
	truth := w.truth(hits)
	truthJSON, err := encodeJSON(truth)
	if err != nil {
		return Manifest{}, fmt.Errorf("encode truth: %w", err)
	}
	if err := write(FileTruth, "truth", truthJSON); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// dayIndex returns the day file a time belongs to, clamped to the period.
func (w *world) dayIndex(t time.Time) int {
	i := int(t.Sub(w.start) / (24 * time.Hour))
	if t.Before(w.start) {
		i = 0
	}
	return max(0, min(w.days-1, i))
}

// renderDay generates the benign traffic of day di, merges the planned
// sessions of that day, renders and writes the day's files.
func (w *world) renderDay(dir string, di int, planned []*session) dayResult {
	res := dayResult{counts: map[string]int{}}
	var eveSS, zeekSS []*session
	for si := range w.sites {
		x := w.benignDay(di, si)
		for _, ss := range x.sessions {
			if ss.site.zeek {
				zeekSS = append(zeekSS, ss)
			} else {
				eveSS = append(eveSS, ss)
			}
		}
	}
	for _, ss := range planned {
		if ss.site.zeek {
			zeekSS = append(zeekSS, ss)
		} else {
			eveSS = append(eveSS, ss)
		}
	}
	for _, list := range [][]*session{eveSS, zeekSS} {
		for i, ss := range list {
			ss.seq = i
			if ss.truth != "" && ss.truth[0] == 'l' {
				res.looks = append(res.looks, lookHit{id: ss.truth, site: ss.site, ss: ss, flow: ss.connID()})
			}
		}
	}
	d := w.start.AddDate(0, 0, di)
	date := d.Format(time.DateOnly)
	put := func(rel string, data []byte) {
		if res.err != nil {
			return
		}
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			res.err = fmt.Errorf("create %s: %w", filepath.Dir(path), err)
			return
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			res.err = fmt.Errorf("write %s: %w", path, err)
			return
		}
		sum := sha256.Sum256(data)
		res.files = append(res.files, outFileInfo{File{Path: path, Bytes: int64(len(data)), Lines: bytes.Count(data, []byte{'\n'}), SHA256: hex.EncodeToString(sum[:])}, rel})
	}
	lines, err := renderEVE(eveSS)
	if err != nil {
		res.err = err
		return res
	}
	put(DirEVE+"/eve-"+date+".json", joinLines(lines, nil, nil, "eve", res.counts))
	zk, err := renderZeek(zeekSS)
	if err != nil {
		res.err = err
		return res
	}
	next := d.AddDate(0, 0, 1)
	for _, log := range []string{zeekConn, zeekDNS, zeekHTTP, zeekFiles, zeekSSL} {
		var head, foot []byte
		switch log {
		case zeekConn:
			head, foot = zeekHeader(log, zeekConnFields, zeekConnTypes, d), zeekFooter(next)
		case zeekDNS:
			head, foot = zeekHeader(log, zeekDNSFields, zeekDNSTypes, d), zeekFooter(next)
		}
		put(DirZeek+"/"+date+"/"+log+".log", joinLines(zk[log], head, foot, "zeek", res.counts))
	}
	// Keep only what the truth needs of the look-alike sessions.
	slices.SortStableFunc(res.looks, func(a, b lookHit) int { return cmp.Compare(a.id, b.id) })
	return res
}
