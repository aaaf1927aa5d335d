package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/report"
	"github.com/pactwatch/pactwatch/internal/simulate"
	"github.com/pactwatch/pactwatch/internal/store"
)

func (a *app) demoCommand() *cobra.Command {
	var keep string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole flow on a bundled autumn-2015 scenario and print what a liaison reads first",
		Long: `Generate the bundled scenario (August to November 2015: US and UK technology
and pharmaceutical companies, a government agency, a Deep Panda-like actor
and others, and plenty of benign traffic), then run the whole flow on it:
import the intel, load the organisations, ingest the Suricata and Zeek
logs, group intrusions, attribute them, judge intent and evaluate them
against the US-China, UK-China and G20 agreements. It ends with a short
report.

Without --db the demo works in a temporary database that is removed
afterwards. With --db FILE (or PACTWATCH_DB) the database stays, with the
scenario's files in FILE.demo/, so every other command can explore it.`,
		Example: `  pactwatch demo
  pactwatch demo --db demo.db && pactwatch --db demo.db findings`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			persistent := cmd.Flags().Changed("db") || a.getenv("PACTWATCH_DB") != "" || a.configFile != ""
			var dataDir string
			if persistent {
				dataDir = a.cfg.DB + ".demo"
			} else {
				tmp, err := os.MkdirTemp("", "pactwatch-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				dataDir = filepath.Join(tmp, "scenario")
				a.cfg.DB = filepath.Join(tmp, "demo.db")
			}
			if keep != "" {
				dataDir = keep
			}
			return a.runDemo(ctx, dataDir, persistent)
		},
	}
	cmd.Flags().StringVar(&keep, "data-dir", "", "write the scenario's files here (default FILE.demo next to --db, or a temporary directory)")
	return cmd
}

func (a *app) runDemo(ctx context.Context, dataDir string, persistent bool) error {
	start := time.Now()
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	m, err := simulate.Demo(dataDir)
	if err != nil {
		return fmt.Errorf("generate the demo scenario: %w", err)
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "demo: scenario in %s, database %s\n", dataDir, a.cfg.DB)
	if err := a.loadScenario(ctx, st, m.Intel, m.Organisations); err != nil {
		return err
	}
	orgs, err := st.Organisations(ctx)
	if err != nil {
		return err
	}
	stats, err := a.runIngest(ctx, m.Telemetry, ingestFlags{analyze: false})
	if err != nil {
		return err
	}
	var events, hits int64
	for _, s := range stats {
		events += s.Events
		hits += s.Hits
	}
	an, err := pipeline.Analyze(ctx, st, time.Duration(a.cfg.Window))
	if err != nil {
		return err
	}
	agreements, err := pipeline.Agreements(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "demo: %d events read, %d matched, analysed in %.1fs\n\n", events, hits, time.Since(start).Seconds())
	a.printLiaisonReport(an, orgs, agreements)
	if err := a.demoCase(ctx, st, agreements); err != nil {
		return err
	}
	if persistent {
		fmt.Fprintf(a.stdout, "\nThe database %s stays. Explore it:\n  pactwatch --db %s intrusions\n  pactwatch --db %s findings --verdict potential-violation\n  pactwatch --db %s explain <INTRUSION-ID>\n  pactwatch --db %s actors show \"Shell Crew\"\n", a.cfg.DB, a.cfg.DB, a.cfg.DB, a.cfg.DB, a.cfg.DB)
	} else {
		fmt.Fprintf(a.stdout, "\nThis ran in a temporary database. Keep one to explore: pactwatch demo --db demo.db\n")
	}
	return nil
}

// printLiaisonReport is the first page a government liaison reads.
func (a *app) printLiaisonReport(an store.Analysis, orgs []org.Organisation, agreements []pact.Agreement) {
	w := a.stdout
	byOrg := map[string]org.Organisation{}
	for _, o := range orgs {
		byOrg[o.ID] = o
	}
	attr := map[string]attribution.Result{}
	for _, r := range an.Attributions {
		attr[r.IntrusionID] = r
	}
	intents := map[string]intent.Assessment{}
	for _, it := range an.Intents {
		intents[it.IntrusionID] = it
	}
	ins := map[string]intrusion.Intrusion{}
	for _, in := range an.Intrusions {
		ins[in.ID] = in
	}
	name := func(id string) string {
		if o, ok := byOrg[id]; ok {
			return o.Name
		}
		return id
	}

	fmt.Fprintf(w, "PACTWATCH LIAISON BRIEF\n=======================\n")
	fmt.Fprintf(w, "%d intrusions into %d monitored organisations; %d attributed to an actor.\n", len(an.Intrusions), len(orgs), countAttributed(an.Attributions))
	fmt.Fprintf(w, "Findings: ! potential violation, ? needs assessment. Chain: incursion, attribution, exfiltration,\nbenefit conferred, information used; E established, S supported, - not established.\n\n")

	for _, ag := range agreements {
		var fs []pact.Finding
		for _, f := range an.Findings {
			if f.AgreementID == ag.ID {
				fs = append(fs, f)
			}
		}
		fmt.Fprintf(w, "%s  %s\n", ag.ID, ag.Title)
		fmt.Fprintf(w, "  signed %s; effective %s\n", ag.Signed.Format("Mon 2006-01-02"), effectiveText(ag))
		if cs := pact.Counts(ag, fs, pact.CountOptions{}); len(cs) > 0 {
			c := cs[0]
			fmt.Fprintf(w, "  intrusions by a counterparty's actors against the other party: %d before, %d after the effective date (%d-day windows)\n", c.Before, c.After, c.BeforeDays)
			if !c.FirstAfter.IsZero() {
				fmt.Fprintf(w, "  first intrusion after it: %s, %s\n", c.FirstAfter.UTC().Format("Mon 2006-01-02 15:04 UTC"), report.Delay(c.FirstAfterDelayDays))
				if in, ok := ins[c.FirstAfterIntrusion]; ok {
					o := byOrg[in.OrgID]
					fmt.Fprintf(w, "    %s  %s (%s, %s), %s\n    %s\n", in.ID, name(in.OrgID), o.Sector, o.Country, in.Status, attr[in.ID].Summary)
				}
			}
		}
		verdicts := map[pact.Verdict][]pact.Finding{}
		for _, f := range fs {
			verdicts[f.Verdict] = append(verdicts[f.Verdict], f)
		}
		fmt.Fprintf(w, "  findings: %d potential violations, %d need assessment, %d outside scope\n",
			len(verdicts[pact.PotentialViolation]), len(verdicts[pact.NeedsAssessment]), len(verdicts[pact.OutsideScope]))
		for _, v := range []struct {
			verdict pact.Verdict
			mark    string
		}{{pact.PotentialViolation, "!"}, {pact.NeedsAssessment, "?"}} {
			list := verdicts[v.verdict]
			sort.Slice(list, func(i, j int) bool { return ins[list[i].IntrusionID].Start.Before(ins[list[j].IntrusionID].Start) })
			for _, f := range list {
				in := ins[f.IntrusionID]
				fmt.Fprintf(w, "   %s %s  %s  %s (%s, %s), %s; %s; intent %s; chain %s\n",
					v.mark, in.Start.UTC().Format("2006-01-02"), f.IntrusionID, name(in.OrgID), byOrg[in.OrgID].Sector, byOrg[in.OrgID].Country, in.Status,
					actorText(attr[f.IntrusionID]), intents[f.IntrusionID].Class, chainText(f.Chain))
			}
		}
		fmt.Fprintln(w)
	}

	// National-security collection is outside these agreements: show it so
	// nobody mistakes it for a violation.
	var nsec []intrusion.Intrusion
	for _, in := range an.Intrusions {
		if intents[in.ID].Class == intent.NationalSecurity {
			nsec = append(nsec, in)
		}
	}
	if len(nsec) > 0 {
		fmt.Fprintf(w, "Outside the agreements' scope (national-security collection):\n")
		for _, in := range nsec {
			reason := ""
			if rs := intents[in.ID].Reasons; len(rs) > 0 {
				reason = rs[0]
			}
			fmt.Fprintf(w, "   - %s  %s  %s: %s; %s\n", in.Start.UTC().Format("2006-01-02"), in.ID, name(in.OrgID), actorText(attr[in.ID]), reason)
		}
		fmt.Fprintln(w)
	}
	var unattributed int
	for _, r := range an.Attributions {
		if !r.Attributed {
			unattributed++
		}
	}
	if unattributed > 0 {
		fmt.Fprintf(w, "%d intrusions stay unattributed (evidence below the threshold); they are not held against any party.\n", unattributed)
	}
}

func countAttributed(rs []attribution.Result) int {
	n := 0
	for _, r := range rs {
		if r.Attributed {
			n++
		}
	}
	return n
}
