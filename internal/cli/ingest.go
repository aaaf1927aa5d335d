package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/store"
	"github.com/pactwatch/pactwatch/internal/sweep"
	"github.com/pactwatch/pactwatch/internal/telemetry"
	"github.com/pactwatch/pactwatch/internal/telemetry/ndjson"
)

// maxReportedErrors is how many malformed lines ingest prints before it
// only counts them.
const maxReportedErrors = 20

type ingestFlags struct {
	format   string
	fieldMap string
	orgsFile string
	jsonOut  bool
	analyze  bool
	quiet    bool // no per-file lines (a caller that summarises itself)
	rescan   bool // read inputs from their start again (retro-hunt)
}

func (a *app) ingestCommand() *cobra.Command {
	var fl ingestFlags
	cmd := &cobra.Command{
		Use:   "ingest FILE...",
		Short: "Sweep telemetry for indicators, store the sightings and update intrusions and findings",
		Long: `Read telemetry files (Suricata EVE JSON, Zeek JSON or TSV, NDJSON; gzip
accepted; '-' reads standard input), match every event against the imported
indicators, store the matched events with their organisation, then regroup
intrusions, attribution, intent and findings.

Ingest is idempotent and resumable: each input is identified by its content,
progress is committed with the matched events in one transaction, so the
same file twice adds nothing, and a killed ingest, run again, continues
where it stopped without losing or duplicating anything. Malformed lines are
reported as file:line: reason, counted, and skipped.`,
		Example: `  pactwatch intel import intel.json
  pactwatch orgs import orgs.json
  pactwatch ingest eve.json.gz conn.log dns.log
  zcat eve.json.gz | pactwatch ingest -
  pactwatch ingest --format ndjson --field-map time=@timestamp,src_ip=src,dst_ip=dst events.ndjson`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			_, err := a.runIngest(cmd.Context(), files, fl)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.format, "format", "", "force the input format: eve, zeek-json, zeek-tsv, ndjson (default: detect)")
	f.StringVar(&fl.fieldMap, "field-map", "", "ndjson field map, event=json.path,... or @FILE with a JSON object (default: Elastic Common Schema names)")
	f.StringVar(&fl.orgsFile, "orgs", "", "import this organisations file first (see 'pactwatch orgs import --help')")
	f.BoolVar(&fl.jsonOut, "json", false, "print per-file statistics as JSON")
	f.BoolVar(&fl.analyze, "analyze", true, "regroup intrusions and re-evaluate findings after ingest")
	f.BoolVar(&fl.rescan, "rescan", false, "read inputs ingested before from their start again, with the current indicators (see 'pactwatch rescan')")
	return cmd
}

func (a *app) rescanCommand() *cobra.Command {
	var fl ingestFlags
	cmd := &cobra.Command{
		Use:   "rescan [FILE...]",
		Short: "Sweep logs ingested before again with the current indicators (retro-hunt)",
		Long: `Indicators imported after a log was ingested do not reach it by
themselves: ingest remembers how far it read each input and does not read
it again. rescan reads inputs again from their start with every indicator
now imported, adds the sightings the new ones find and regroups
intrusions, attribution and findings. What was stored before stays, once.

Without arguments it rescans every input ingested so far, found by the
path it was ingested from; inputs whose file is gone, or that came from
standard input, are listed and skipped. With FILE arguments it rescans
those (ingesting them if they are new).`,
		Example: `  pactwatch intel import new-c2.txt --actor "Deep Panda"
  pactwatch rescan
  pactwatch rescan eve-2015-09-26.json`,
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx := cmd.Context()
			if len(files) == 0 {
				st, err := a.store(ctx)
				if err != nil {
					return err
				}
				inputs, err := st.Inputs(ctx)
				if err != nil {
					return err
				}
				seen := map[string]bool{}
				for _, in := range inputs {
					switch {
					case seen[in.File]:
					case in.File == "-" || in.File == "":
						fmt.Fprintf(a.stderr, "skipped: an input read from standard input cannot be read again (%d events up to byte %d)\n", in.Events, in.Offset)
					default:
						if _, err := os.Stat(in.File); err != nil {
							fmt.Fprintf(a.stderr, "skipped %s: %v\n", in.File, err)
						} else {
							files = append(files, in.File)
						}
					}
					seen[in.File] = true
				}
				if len(files) == 0 {
					return usagef("nothing to rescan: no input ingested so far can be read again")
				}
			}
			fl.rescan, fl.analyze = true, true
			_, err := a.runIngest(ctx, files, fl)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.format, "format", "", "force the input format: eve, zeek-json, zeek-tsv, ndjson (default: detect)")
	f.BoolVar(&fl.jsonOut, "json", false, "print per-file statistics as JSON")
	return cmd
}

func (a *app) runIngest(ctx context.Context, files []string, fl ingestFlags) ([]pipeline.IngestStats, error) {
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	var fm ndjson.FieldMap
	if fl.fieldMap != "" {
		if fm, err = parseFieldMap(fl.fieldMap); err != nil {
			return nil, usageError{fmt.Errorf("--field-map: %w", err)}
		}
	}
	if fl.orgsFile != "" {
		orgs, err := org.LoadFile(fl.orgsFile)
		if err != nil {
			return nil, err
		}
		if err := st.PutOrganisations(ctx, orgs); err != nil {
			return nil, err
		}
	}
	set, err := a.compileIndicators(ctx, st)
	if err != nil {
		return nil, err
	}
	orgs, err := st.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		fmt.Fprintln(a.stderr, "warning: no organisations configured; matched events are kept under \"unknown\" (see 'pactwatch orgs import --help')")
	}
	dir, err := org.NewDirectory(orgs)
	if err != nil {
		return nil, err
	}

	var all []pipeline.IngestStats
	var failed []error
	for _, path := range files {
		reported := 0
		opt := pipeline.IngestOptions{
			Format:     fl.format,
			FieldMap:   fm,
			BatchLines: a.cfg.BatchLines,
			Rescan:     fl.rescan,
			OnError: func(pe *telemetry.ParseError) {
				if reported < maxReportedErrors {
					fmt.Fprintf(a.stderr, "%v\n", pe)
				}
				reported++
			},
		}
		bar := a.progress(path)
		if bar != nil {
			var last int64
			opt.OnProgress = func(_ string, off int64) {
				_ = bar.Add64(off - last)
				last = off
			}
		}
		s, err := pipeline.Ingest(ctx, st, set, dir, path, opt)
		if bar != nil {
			_ = bar.Finish()
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return all, fmt.Errorf("interrupted in %s; progress up to the last commit is saved, run the same command again to resume: %w", path, err)
			}
			failed = append(failed, err)
			fmt.Fprintf(a.stderr, "%v\n", err)
			continue
		}
		if reported > maxReportedErrors {
			fmt.Fprintf(a.stderr, "%s: ... and %d more malformed lines\n", path, reported-maxReportedErrors)
		}
		all = append(all, s)
		if !fl.jsonOut && !fl.quiet {
			resumed := ""
			switch {
			case s.Continued != "":
				resumed = fmt.Sprintf(", grown since the last ingest: continued at byte %d", s.Resumed)
			case s.Resumed > 0:
				resumed = fmt.Sprintf(", resumed at byte %d", s.Resumed)
			}
			if s.Unterminated > 0 {
				resumed += fmt.Sprintf("; the last line (%d bytes) has no newline yet and will be read again next time", s.Unterminated)
			}
			fmt.Fprintf(a.stderr, "%s: %s, %d events, %d malformed, %d matched events (%d matches, %d of no known organisation)%s, %.1f MB/s\n",
				path, s.Format, s.Events, s.Malformed, s.Hits, s.Matches, s.Unowned, resumed, mbps(s.Bytes, s.Elapsed))
		}
	}
	if fl.jsonOut {
		if err := writeJSON(a.stdout, all); err != nil {
			return all, err
		}
	}
	if fl.analyze && len(all) > 0 {
		an, err := pipeline.Analyze(ctx, st, time.Duration(a.cfg.Window))
		if err != nil {
			return all, err
		}
		if !fl.jsonOut {
			a.printAnalysisSummary(an)
		}
	}
	if len(failed) > 0 {
		if len(failed) == len(files) {
			return all, fmt.Errorf("no input could be ingested (see above)")
		}
		return all, fmt.Errorf("%d of %d inputs failed (see above); the others were ingested", len(failed), len(files))
	}
	return all, nil
}

func (a *app) compileIndicators(ctx context.Context, st store.Store) (*sweep.Set, error) {
	inds, err := st.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	if len(inds) == 0 {
		return nil, usagef("the database %s holds no indicators; import some first with 'pactwatch intel import FILE'", a.cfg.DB)
	}
	set, err := sweep.Compile(inds)
	if err != nil {
		return nil, fmt.Errorf("compile indicators: %w", err)
	}
	return set, nil
}

func (a *app) printAnalysisSummary(an store.Analysis) {
	counts := map[pact.Verdict]int{}
	for _, f := range an.Findings {
		counts[f.Verdict]++
	}
	attributed := 0
	for _, r := range an.Attributions {
		if r.Attributed {
			attributed++
		}
	}
	fmt.Fprintf(a.stderr, "analysis: %d intrusions (%d attributed); findings: %d potential violations, %d need assessment, %d outside scope\n",
		len(an.Intrusions), attributed, counts[pact.PotentialViolation], counts[pact.NeedsAssessment], counts[pact.OutsideScope])
	if an.Background > 0 {
		fmt.Fprintf(a.stderr, "analysis: %d matched events left out of intrusions as widespread (their indicators reached %d or more organisations within %d days: shared hosting, reassigned addresses); they stay stored\n",
			an.Background, intrusion.Widespread, 2*intrusion.PrevalenceDays+1)
	}
}

// progress returns a progress bar for path when stderr is a terminal and
// the file's size is known.
func (a *app) progress(path string) *progressbar.ProgressBar {
	f, ok := a.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || path == "-" {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() < 8<<20 {
		return nil
	}
	return progressbar.NewOptions64(fi.Size(),
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(path),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func mbps(bytes int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(bytes) / 1e6 / d.Seconds()
}

func parseFieldMap(spec string) (ndjson.FieldMap, error) {
	if name, ok := strings.CutPrefix(spec, "@"); ok {
		return ndjson.LoadFieldMap(name)
	}
	return ndjson.ParseFieldMap(spec)
}
