package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/config"
	"github.com/pactwatch/pactwatch/internal/store"
	"github.com/pactwatch/pactwatch/internal/store/sqlite"
)

// Exit codes of pactwatch.
const (
	ExitOK      = 0 // success
	ExitFailure = 1 // the command failed
	ExitUsage   = 2 // bad command line, flags or arguments
)

// Version is the program version, set at build time with
// -ldflags "-X github.com/pactwatch/pactwatch/internal/cli.Version=...".
var Version = "0.1.0-dev"

// usageError marks errors that are the user's command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// app is what every command shares: the configuration, the streams and a
// lazily opened store.
type app struct {
	cfg        config.Config
	configFile string
	stdout     io.Writer
	stderr     io.Writer
	stdin      io.Reader
	log        *slog.Logger
	getenv     func(string) string
	st         store.Store
}

// Run executes pactwatch with args (without the program name) and returns
// the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{cfg: config.Default(), stdout: stdout, stderr: stderr, stdin: stdin, getenv: os.Getenv}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if a.st != nil {
		if cerr := a.st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
	}
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "pactwatch: %v\n", err)
	var ue usageError
	switch {
	case errors.As(err, &ue) || isCobraUsage(err):
		fmt.Fprintln(stderr, "Run 'pactwatch --help' or 'pactwatch COMMAND --help' for usage.")
		return ExitUsage
	case errors.Is(err, context.Canceled):
		return 130
	}
	return ExitFailure
}

// isCobraUsage recognises cobra's own argument and flag errors, which it
// returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires exactly", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (a *app) rootCommand() *cobra.Command {
	var dbFlag, levelFlag string
	root := &cobra.Command{
		Use:   "pactwatch",
		Short: "Make cyber agreements enforceable: from telemetry and threat intel to findings",
		Long: `pactwatch sweeps network telemetry (Suricata EVE, Zeek, NDJSON) for threat
indicators (STIX 2.1, IOC lists, MITRE ATT&CK, MISP), groups the sightings
into intrusions, attributes them to actor groups with an explained
confidence, judges their intent (commercial IP theft or national-security
collection) and evaluates them against agreements such as the 2015 US-China
pledge, with the enforcement chain behind every finding.

Start with 'pactwatch demo' to see the whole flow on a bundled scenario.`,
		Example: `  pactwatch demo --db demo.db
  pactwatch intel import enterprise-attack.json iocs.txt --actor "Deep Panda"
  pactwatch orgs import orgs.json
  pactwatch ingest eve.json conn.log
  pactwatch findings`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.configFile != "" {
				if err := a.cfg.FromFile(a.configFile); err != nil {
					return usageError{err}
				}
			}
			if err := a.cfg.FromEnv(a.getenv); err != nil {
				return usageError{err}
			}
			if cmd.Flags().Changed("db") {
				a.cfg.DB = dbFlag
			}
			if cmd.Flags().Changed("log-level") {
				a.cfg.LogLevel = levelFlag
			}
			if err := a.cfg.Validate(); err != nil {
				return usageError{err}
			}
			a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: parseLevel(a.cfg.LogLevel)}))
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&dbFlag, "db", "", "SQLite database file (default $PACTWATCH_DB or ./pactwatch.db)")
	pf.StringVar(&a.configFile, "config", "", "JSON config file (keys as printed by 'pactwatch config')")
	pf.StringVar(&levelFlag, "log-level", "", "log level: debug, info, warn, error (default info)")

	root.AddCommand(
		a.demoCommand(),
		a.scoreCommand(),
		a.intelCommand(),
		a.actorsCommand(),
		a.agreementsCommand(),
		a.orgsCommand(),
		a.ingestCommand(),
		a.rescanCommand(),
		a.sweepCommand(),
		a.analyzeCommand(),
		a.intrusionsCommand(),
		a.explainCommand(),
		a.findingsCommand(),
		a.complianceCommand(),
		a.caseCommand(),
		a.articlesCommand(),
		a.claimsCommand(),
		a.reportCommand(),
		a.simulateCommand(),
		a.configCommand(),
	)
	return root
}

func parseLevel(s string) slog.Level {
	switch s {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// store opens the configured database once.
func (a *app) store(ctx context.Context) (store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	st, err := sqlite.Open(ctx, a.cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", a.cfg.DB, err)
	}
	a.st = st
	return st, nil
}
