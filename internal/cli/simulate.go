package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pactwatch/pactwatch/internal/simulate"
)

type simulateFlags struct {
	seed    uint64
	profile string
	days    int
	orgs    int
	events  int
	start   string
	out     string
	jsonOut bool
}

func (a *app) simulateCommand() *cobra.Command {
	var fl simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate --seed N --out DIR",
		Short: "Generate a scenario: telemetry, intel, organisations and the ground truth behind them",
		Long: `Generate a deterministic scenario to test or score pactwatch: Suricata EVE
and Zeek logs of many organisations, a STIX 2.1 intel bundle, an
organisations file and truth.json, the ground truth listing every planted
intrusion (organisation, actor, sponsor, time span, intent, status, files
taken and bytes, connection ids of its events, expected verdict per
agreement) and the benign activity that resembles an intrusion.

The same seed and flags give the same bytes.

Profiles:
  hard (default)  every trap: actors sharing infrastructure, actor domains
                  on shared hosting, stale indicators reassigned to benign
                  hosts, intel covering 50-70% of each actor's
                  infrastructure, a false flag (one actor drops another's
                  tool), an actor stealing both commercial and state
                  secrets, after-hours work, victims outside the known
                  victimology, neutrally named loot, benign look-alikes.
  easy            the same world with fewer and weaker traps and 85-95%
                  intel coverage.
  demo-2015       the bundled scenario 'pactwatch demo' runs (ignores
                  --days, --orgs and --events-per-org-day).

The period is centred on the US-China agreement of 2015-09-25 unless
--start is given: 60 days cover it and the UK-China statement of
2015-10-22; about 110 days reach the G20 communique of 2015-11-16.

Files in DIR:
  intel.json                        STIX 2.1 bundle
  orgs.json                         organisations ('pactwatch orgs import')
  eve/eve-YYYY-MM-DD.json           Suricata EVE, one file per day for
                                    every Suricata-monitored organisation
  zeek/YYYY-MM-DD/{conn,dns,http,files,ssl}.log
                                    Zeek logs of the other third
  truth.json                        the ground truth

Volume: --events-per-org-day sets the mean benign records per organisation
and day (default 600: about 1.8 million records for 60 days and 50
organisations; 3400 gives about 10 million).`,
		Example: `  pactwatch simulate --seed 1 --out scen1
  pactwatch simulate --seed 2 --profile easy --days 30 --orgs 20 --out easy2
  pactwatch simulate --seed 3 --days 60 --orgs 50 --events-per-org-day 3400 --out big
  pactwatch intel import scen1/intel.json && pactwatch orgs import scen1/orgs.json &&
    pactwatch ingest scen1/eve/*.json scen1/zeek/*/*.log`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if fl.out == "" {
				return usagef("--out is required")
			}
			if !cmd.Flags().Changed("seed") {
				return usagef("--seed is required")
			}
			if fl.days < 1 || fl.orgs < 1 || fl.events < 1 {
				return usagef("--days, --orgs and --events-per-org-day must be positive")
			}
			cfg := simulate.ScenarioConfig(fl.profile, fl.seed)
			switch fl.profile {
			case simulate.ProfileEasy, simulate.ProfileHard:
			case simulate.ProfileDemo2015:
				cfg = simulate.DemoConfig()
				cfg.Seed = fl.seed
			default:
				return usagef("--profile %q: want easy, hard or demo-2015", fl.profile)
			}
			cfg.Days, cfg.Orgs, cfg.EventsPerOrgDay = fl.days, fl.orgs, fl.events
			if fl.start != "" {
				t, err := time.Parse(time.DateOnly, fl.start)
				if err != nil {
					return usagef("--start %q: want YYYY-MM-DD", fl.start)
				}
				cfg.Start = t
			}
			if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				cfg.Progress = func(done, total int) {
					fmt.Fprintf(a.stderr, "\rsimulate: day %d/%d", done, total)
					if done == total {
						fmt.Fprintln(a.stderr)
					}
				}
			}
			start := time.Now()
			m, err := simulate.GenerateContext(cmd.Context(), fl.out, cfg)
			if err != nil {
				if errorsIsConfig(err) {
					return usageError{err}
				}
				return err
			}
			secs := time.Since(start).Seconds()
			events, bytes := 0, int64(0)
			for _, n := range m.Events {
				events += n
			}
			for _, f := range m.Files {
				bytes += f.Bytes
			}
			if fl.jsonOut {
				return writeJSON(a.stdout, m)
			}
			fmt.Fprintf(a.stdout, "simulate: profile %s seed %d: %d files, %d events, %.1f MB in %.1fs (%.0f events/s, %.1f MB/s) -> %s\n",
				m.Profile, m.Seed, len(m.Files), events, float64(bytes)/1e6, secs, float64(events)/secs, float64(bytes)/1e6/secs, m.Truth)
			return nil
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&fl.seed, "seed", 1, "seed of every random choice (required): the same seed gives the same bytes")
	f.StringVar(&fl.profile, "profile", simulate.ProfileHard, "scenario profile: hard, easy or demo-2015")
	f.IntVar(&fl.days, "days", simulate.DefaultDays, "length of the period in days")
	f.IntVar(&fl.orgs, "orgs", simulate.DefaultOrgs, fmt.Sprintf("number of monitored organisations (3-%d)", simulate.MaxOrgs))
	f.IntVar(&fl.events, "events-per-org-day", simulate.DefaultEventsPerOrgDay, "mean benign telemetry records per organisation and day")
	f.StringVar(&fl.start, "start", "", "first day, YYYY-MM-DD (default: centred on 2015-09-25)")
	f.StringVar(&fl.out, "out", "", "directory to write the scenario into (required)")
	f.BoolVar(&fl.jsonOut, "json", false, "print the manifest (every file with size, lines and SHA-256, event counts) as JSON")
	return cmd
}

func errorsIsConfig(err error) bool { return errors.Is(err, simulate.ErrConfig) }
