package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/intel/load"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/score"
	"github.com/pactwatch/pactwatch/internal/simulate"
	"github.com/pactwatch/pactwatch/internal/store"
)

// scoreTargets are issue 4's targets, shown next to the figures.
var scoreTargets = []struct {
	name, key string
	value     func(score.Report) float64
	target    string
	ok        func(float64) bool
}{
	{"intrusion recall", "intrusion_recall", func(r score.Report) float64 { return r.IntrusionRecall }, "", nil},
	{"intrusion precision", "intrusion_precision", func(r score.Report) float64 { return r.IntrusionPrecision }, "", nil},
	{"attribution precision (top 1)", "attribution_precision", func(r score.Report) float64 { return r.AttributionPrecision }, ">= 0.95", func(v float64) bool { return v >= 0.95 }},
	{"attribution recall (top 1)", "attribution_recall", func(r score.Report) float64 { return r.AttributionRecall }, ">= 0.85", func(v float64) bool { return v >= 0.85 }},
	{"attribution F1", "attribution_f1", func(r score.Report) float64 { return r.AttributionF1 }, "", nil},
	{"wrong attributions", "wrong_attribution_rate", func(r score.Report) float64 { return r.WrongAttributionRate }, "<= 0.01", func(v float64) bool { return v <= 0.01 }},
	{"unattributed", "unattributed_rate", func(r score.Report) float64 { return r.UnattributedRate }, "", nil},
	{"intent accuracy", "intent_accuracy", func(r score.Report) float64 { return r.IntentAccuracy }, ">= 0.90", func(v float64) bool { return v >= 0.9 }},
	{"verdict accuracy", "verdict_accuracy", func(r score.Report) float64 { return r.VerdictAccuracy }, ">= 0.90", func(v float64) bool { return v >= 0.9 }},
	{"expected calibration error", "ece", func(r score.Report) float64 { return r.ECE }, "<= 0.05", func(v float64) bool { return v <= 0.05 }},
}

func (a *app) scoreCommand() *cobra.Command {
	var (
		dir, keepDB string
		jsonOut     bool
		mistakes    int
	)
	cmd := &cobra.Command{
		Use:   "score --scenario DIR",
		Short: "Run the whole flow on a simulated scenario and measure it against the scenario's ground truth",
		Long: `Run the whole flow on a scenario written by 'pactwatch simulate' (or the
demo's files) into a fresh database: import DIR/intel.json and
DIR/orgs.json, ingest the telemetry (DIR/eve.json, DIR/eve/, DIR/zeek/),
group intrusions, attribute them, judge intent and evaluate every
agreement. Then compare the conclusions with DIR/truth.json and print:

  intrusion recall      planted intrusions some found intrusion stands for
  intrusion precision   found intrusions that stand for a planted one
                        (a found intrusion stands for the planted intrusion
                        most of its matched events belong to, by connection
                        id; if most belong to none it is benign activity)
  attribution           top-1: precision over the found intrusions given an
                        actor, recall over all planted intrusions (judged on
                        each one's main found intrusion), F1
  wrong attributions    found intrusions given a wrong actor, or benign
                        activity given one, per found intrusion
  unattributed          true found intrusions left without an actor
  intent, verdicts      accuracy on the planted intrusions found (verdicts
                        per agreement)
  calibration           expected calibration error of the best candidate's
                        confidence, with the reliability table

The truth is read only for scoring: nothing of it reaches the run. Every
mistake is listed (--mistakes N shows the first N, most serious first);
keep the database with --keep-db to look at one with 'pactwatch explain'.`,
		Example: `  pactwatch simulate --seed 1 --profile hard --days 60 --orgs 50 --out /tmp/s1
  pactwatch score --scenario /tmp/s1
  pactwatch score --scenario /tmp/s1 --json | jq .attribution_precision
  pactwatch score --scenario /tmp/s1 --keep-db s1.db && pactwatch --db s1.db explain INT-...`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("--scenario DIR is required (write one with 'pactwatch simulate --out DIR')")
			}
			r, err := a.runScore(cmd.Context(), dir, keepDB)
			if err != nil {
				return err
			}
			if jsonOut {
				return writeJSON(a.stdout, r)
			}
			a.printScore(r, mistakes)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "scenario", "", "directory written by 'pactwatch simulate' (required)")
	f.BoolVar(&jsonOut, "json", false, "print the full report as JSON (metrics, reliability table, per-actor rows, every mistake)")
	f.IntVar(&mistakes, "mistakes", 10, "how many mistakes to list (0: none)")
	f.StringVar(&keepDB, "keep-db", "", "build the run's database in this new file and keep it (default: a temporary file)")
	return cmd
}

// scenarioFiles finds what a scenario directory holds.
type scenarioFiles struct {
	intel, orgs, truth string
	telemetry          []string
}

func findScenario(dir string) (scenarioFiles, error) {
	s := scenarioFiles{
		intel: filepath.Join(dir, simulate.FileIntel),
		orgs:  filepath.Join(dir, simulate.FileOrgs),
		truth: filepath.Join(dir, simulate.FileTruth),
	}
	for _, p := range []string{s.intel, s.orgs, s.truth} {
		if _, err := os.Stat(p); err != nil {
			return s, usagef("%s is not a scenario directory: %v (write one with 'pactwatch simulate --out DIR')", dir, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, simulate.FileEVE)); err == nil {
		s.telemetry = append(s.telemetry, filepath.Join(dir, simulate.FileEVE))
	}
	for _, sub := range []string{"eve", simulate.DirZeek} {
		root := filepath.Join(dir, sub)
		if _, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".log") || strings.HasSuffix(p, ".gz")) {
				s.telemetry = append(s.telemetry, p)
			}
			return nil
		})
		if err != nil {
			return s, err
		}
	}
	if len(s.telemetry) == 0 {
		return s, usagef("%s holds no telemetry (eve.json, eve/, zeek/)", dir)
	}
	slices.Sort(s.telemetry[min(1, len(s.telemetry)):]) // WalkDir order is lexical already; keep eve.json first
	return s, nil
}

func (a *app) runScore(ctx context.Context, dir, keepDB string) (score.Report, error) {
	start := time.Now()
	files, err := findScenario(dir)
	if err != nil {
		return score.Report{}, err
	}
	raw, err := os.ReadFile(files.truth)
	if err != nil {
		return score.Report{}, err
	}
	var truth simulate.Truth
	if err := json.Unmarshal(raw, &truth); err != nil {
		return score.Report{}, fmt.Errorf("%s: %w", files.truth, err)
	}
	if keepDB != "" {
		if _, err := os.Stat(keepDB); err == nil {
			return score.Report{}, usagef("--keep-db %s exists; score builds a fresh database, give a new file name", keepDB)
		}
		a.cfg.DB = keepDB
	} else {
		tmp, err := os.MkdirTemp("", "pactwatch-score-")
		if err != nil {
			return score.Report{}, err
		}
		defer os.RemoveAll(tmp)
		a.cfg.DB = filepath.Join(tmp, "score.db")
	}
	st, err := a.store(ctx)
	if err != nil {
		return score.Report{}, err
	}
	if err := a.loadScenario(ctx, st, []string{files.intel}, files.orgs); err != nil {
		return score.Report{}, err
	}
	stats, err := a.runIngest(ctx, files.telemetry, ingestFlags{quiet: true})
	if err != nil {
		return score.Report{}, err
	}
	var events, matched, bytes int64
	for _, s := range stats {
		events += s.Events
		matched += s.Hits
		bytes += s.Bytes
	}
	ingested := time.Since(start)
	an, hits, member, err := pipeline.AnalyzeHits(ctx, st, time.Duration(a.cfg.Window))
	if err != nil {
		return score.Report{}, err
	}
	fmt.Fprintf(a.stderr, "score: %d files, %d events (%.0f MB), %d matched, ingested in %.1fs; %d intrusions analysed in %.1fs\n",
		len(files.telemetry), events, float64(bytes)/1e6, matched, ingested.Seconds(), len(an.Intrusions), (time.Since(start) - ingested).Seconds())
	return score.Score(score.Input{
		Truth: truth, Hits: hits, Member: member,
		Intrusions: an.Intrusions, Attributions: an.Attributions, Intents: an.Intents, Findings: an.Findings,
	})
}

// loadScenario imports a scenario's intel and organisations.
func (a *app) loadScenario(ctx context.Context, st store.Store, intelFiles []string, orgsFile string) error {
	for _, f := range intelFiles {
		c, err := load.File(ctx, f, load.Options{})
		if err != nil {
			return err
		}
		if _, err := st.ImportIntel(ctx, c); err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "intel %s: %d actors, %d indicators, %d patterns not evaluable\n", filepath.Base(f), len(c.Actors), len(c.Indicators), len(c.Unsupported))
	}
	orgs, err := org.LoadFile(orgsFile)
	if err != nil {
		return err
	}
	return st.PutOrganisations(ctx, orgs)
}

func (a *app) printScore(r score.Report, mistakes int) {
	w := a.stdout
	fmt.Fprintf(w, "Scenario %s, seed %d: %d planted intrusions, %d found (%d true), %d attributed; %d matched events left as widespread background (%d of them planted)\n\n",
		r.Scenario, r.Seed, r.TruthIntrusions, r.DetectedIntrusions, r.TrueIntrusions, r.Attributed, r.Background, r.BackgroundPlanted)
	t := newTable(w, "METRIC", "VALUE", "TARGET", "")
	for _, x := range scoreTargets {
		v := x.value(r)
		mark := ""
		if x.ok != nil {
			mark = "met"
			if !x.ok(v) {
				mark = "NOT MET"
			}
		}
		t.row(x.name, fmt.Sprintf("%.3f", v), x.target, mark)
	}
	t.flush()

	fmt.Fprintln(w, "\nReliability of the attribution confidence (best candidate):")
	t = newTable(w, "CONFIDENCE", "N", "MEAN CONFIDENCE", "ACCURACY")
	for _, b := range r.Reliability {
		if b.N > 0 {
			t.row(fmt.Sprintf("%.0f-%.0f", b.Lo*100, b.Hi*100), fmt.Sprint(b.N), fmt.Sprintf("%.3f", b.Confidence), fmt.Sprintf("%.3f", b.Accuracy))
		}
	}
	t.flush()

	fmt.Fprintln(w, "\nBy planted actor:")
	t = newTable(w, "ACTOR", "INTRUSIONS", "FOUND", "RIGHT", "WRONG", "UNATTRIBUTED")
	for _, x := range r.Actors {
		t.row(x.Actor, fmt.Sprint(x.Intrusions), fmt.Sprint(x.Detected), fmt.Sprint(x.Correct), fmt.Sprint(x.Wrong), fmt.Sprint(x.Unattributed))
	}
	t.flush()

	if mistakes > 0 && len(r.Mistakes) > 0 {
		fmt.Fprintf(w, "\nMistakes (%d; most serious first):\n", len(r.Mistakes))
		for i, m := range r.Mistakes {
			if i == mistakes {
				fmt.Fprintf(w, "  ... %d more (--mistakes N, or --json)\n", len(r.Mistakes)-mistakes)
				break
			}
			fmt.Fprintf(w, "  %-17s %s %s", m.Kind, m.OrgID, m.IntrusionID)
			if m.TruthID != "" {
				fmt.Fprintf(w, " (truth %s)", m.TruthID)
			}
			if m.Want != "" || m.Got != "" {
				fmt.Fprintf(w, ": want %s, got %s", m.Want, m.Got)
			}
			if m.Confidence > 0 {
				fmt.Fprintf(w, " [%d]", m.Confidence)
			}
			if m.Detail != "" {
				fmt.Fprintf(w, " — %s", m.Detail)
			}
			fmt.Fprintln(w)
		}
	}
}
