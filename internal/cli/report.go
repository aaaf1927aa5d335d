package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/report"
)

func (a *app) reportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "report",
		Short:   "Build documents from the store: the dialogue meeting report",
		Example: `  pactwatch report dialogue --agreement us-cn-2015 --period 2015-H2 --format html --out dialogue.html`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.reportDialogueCommand())
	return cmd
}

func (a *app) reportDialogueCommand() *cobra.Command {
	var agreementID, period, format, out string
	cf := &caseFlags{}
	cmd := &cobra.Command{
		Use:   "dialogue --agreement ID --period PERIOD --format html|md|pdf [--out FILE]",
		Short: "The report for a dialogue meeting: statistics, intrusions, cases and their chains, plots",
		Long: `Build the document for a dialogue meeting under an agreement from the store:
a summary, the agreement's text and obligations, the compliance statistics
(rates before and after the effective date with the exact test, the first
intrusion after it, change points), the intrusions of the period, the cases
opened, referred, answered and overdue with each finding's enforcement
chain and what is still missing, and two plots (intrusions per week per
actor with agreement dates marked; cases by state over time).

PERIOD is a year (2015), a half (2015-H2), a quarter (2015-Q4) or a month
(2015-10). HTML is one self-contained page with the plots as inline SVG.
Markdown written to --out gets its plots as SVG files next to it
(FILE-weekly.svg, FILE-cases.svg); on standard output the plots are left
out. PDF is printed from the HTML by headless Chromium, which must be
installed (Debian: apt-get install chromium); --out defaults to
dialogue-AGREEMENT-PERIOD.pdf.`,
		Example: `  pactwatch report dialogue --agreement us-cn-2015 --period 2015-H2 --format html --out dialogue.html
  pactwatch report dialogue --agreement gb-cn-2015 --period 2015-H2 --format md --out dialogue.md
  pactwatch report dialogue --agreement us-cn-2015 --period 2015-H2 --format pdf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if agreementID == "" || period == "" {
				return usagef("report dialogue needs --agreement and --period")
			}
			switch format {
			case "html", "md", "pdf":
			default:
				return usagef("--format %q: want html, md or pdf", format)
			}
			from, to, err := casework.ParsePeriod(period)
			if err != nil {
				return usageError{err}
			}
			now, err := cf.now()
			if err != nil {
				return err
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			ag, err := a.lookupAgreement(cmd, agreementID)
			if err != nil {
				return err
			}
			in := report.Input{Agreement: ag, Period: period, From: from, To: to, Generated: now, Version: Version}
			if in.Others, err = pipeline.Agreements(ctx, st); err != nil {
				return err
			}
			if in.Findings, err = st.Findings(ctx); err != nil {
				return err
			}
			if in.Cases, err = a.loadCases(ctx, st, now); err != nil {
				return err
			}
			if in.Evidence, err = st.Evidence(ctx); err != nil {
				return err
			}
			if in.Overrides, err = st.Overrides(ctx); err != nil {
				return err
			}
			if in.Organisations, err = st.Organisations(ctx); err != nil {
				return err
			}
			d, err := report.Build(in)
			if err != nil {
				return err
			}
			switch format {
			case "html":
				return a.writeReport(out, d.HTML)
			case "md":
				return a.writeMarkdown(out, d)
			}
			if out == "" {
				out = fmt.Sprintf("dialogue-%s-%s.pdf", ag.ID, period)
			}
			return a.writePDF(ctx, out, d)
		},
	}
	f := cmd.Flags()
	f.StringVar(&agreementID, "agreement", "", "agreement id (required)")
	f.StringVar(&period, "period", "", "reporting period: 2015, 2015-H2, 2015-Q4 or 2015-10 (required)")
	f.StringVar(&format, "format", "html", "html, md or pdf")
	f.StringVar(&out, "out", "", "write to this file (default standard output; for pdf dialogue-AGREEMENT-PERIOD.pdf)")
	f.StringVar(&cf.at, "at", "", "the time the report is made, RFC 3339 (default now)")
	_ = f.MarkHidden("at")
	return cmd
}

func (a *app) writeReport(out string, render func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if out == "" {
		_, err := a.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "wrote %s\n", out)
	return nil
}

// writeMarkdown writes the Markdown and, when it goes to a file, its plots
// as SVG files next to it.
func (a *app) writeMarkdown(out string, d report.Dialogue) error {
	var weekly, cases string
	if out != "" {
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		base := strings.TrimSuffix(out, filepath.Ext(out))
		plots := []struct {
			ref *string
			svg []byte
			suf string
		}{{&weekly, d.WeeklySVG, "-weekly.svg"}, {&cases, d.CasesSVG, "-cases.svg"}}
		for _, p := range plots {
			if len(p.svg) == 0 {
				continue
			}
			if err := os.WriteFile(base+p.suf, p.svg, 0o644); err != nil {
				return err
			}
			*p.ref = filepath.Base(base + p.suf)
			fmt.Fprintf(a.stderr, "wrote %s\n", base+p.suf)
		}
	}
	return a.writeReport(out, func(w io.Writer) error { return d.Markdown(w, weekly, cases) })
}

// chromiumNames are the programs writePDF looks for, in order.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// writePDF renders the HTML and prints it to out with headless Chromium.
func (a *app) writePDF(ctx context.Context, out string, d report.Dialogue) error {
	var bin string
	if p := a.getenv("PACTWATCH_CHROMIUM"); p != "" {
		bin = p
	} else {
		for _, n := range chromiumNames {
			if p, err := exec.LookPath(n); err == nil {
				bin = p
				break
			}
		}
	}
	if bin == "" {
		return fmt.Errorf("pdf needs headless Chromium, which was not found (install it, e.g. 'apt-get install chromium', or set PACTWATCH_CHROMIUM), or write --format html and print it to PDF from a browser")
	}
	dir, err := os.MkdirTemp("", "pactwatch-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "dialogue.html")
	var buf bytes.Buffer
	if err := d.HTML(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	// --disable-dev-shm-usage: a small /dev/shm (containers, CI) is the
	// usual cause of Chromium crashing at start; it still crashes now and
	// then under load, so a failed print is tried once more.
	var printErr error
	for attempt := 0; attempt < 2; attempt++ {
		c := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
			"--user-data-dir="+filepath.Join(dir, fmt.Sprintf("profile%d", attempt)), "--no-pdf-header-footer",
			"--print-to-pdf="+abs, "file://"+page)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if printErr = c.Run(); printErr == nil || ctx.Err() != nil {
			break
		}
		printErr = fmt.Errorf("print pdf with %s: %w: %s", bin, printErr, strings.TrimSpace(lastLines(stderr.String(), 5)))
	}
	if printErr != nil {
		return printErr
	}
	if fi, err := os.Stat(abs); err != nil || fi.Size() == 0 {
		return fmt.Errorf("print pdf with %s: no output written to %s", bin, abs)
	}
	fmt.Fprintf(a.stderr, "wrote %s\n", out)
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
