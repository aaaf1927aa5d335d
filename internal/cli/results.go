package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/store"
)

func (a *app) analyzeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "analyze",
		Short: "Regroup intrusions and redo attribution, intent and findings from the stored sightings",
		Long: `Recompute every derived result from what is stored: intrusions (sightings
grouped per organisation, a gap longer than the window starts a new one),
attribution, intent and findings against every agreement. Ingest does this
by itself; run it after importing new intel or adding an agreement.`,
		Example: `  pactwatch analyze
  PACTWATCH_WINDOW=7d pactwatch analyze`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			an, err := pipeline.Analyze(cmd.Context(), st, time.Duration(a.cfg.Window))
			if err != nil {
				return err
			}
			a.printAnalysisSummary(an)
			return nil
		},
	}
}

// overview is the stored analysis indexed for printing.
type overview struct {
	orgs    map[string]org.Organisation
	attr    map[string]attribution.Result
	intents map[string]intent.Assessment
}

func (a *app) overview(cmd *cobra.Command, st store.Store) (overview, error) {
	ctx := cmd.Context()
	ov := overview{orgs: map[string]org.Organisation{}, attr: map[string]attribution.Result{}, intents: map[string]intent.Assessment{}}
	orgs, err := st.Organisations(ctx)
	if err != nil {
		return ov, err
	}
	for _, o := range orgs {
		ov.orgs[o.ID] = o
	}
	attrs, err := st.Attributions(ctx)
	if err != nil {
		return ov, err
	}
	for _, r := range attrs {
		ov.attr[r.IntrusionID] = r
	}
	its, err := st.Intents(ctx)
	if err != nil {
		return ov, err
	}
	for _, it := range its {
		ov.intents[it.IntrusionID] = it
	}
	return ov, nil
}

func (ov overview) orgName(id string) string {
	if o, ok := ov.orgs[id]; ok && o.Name != "" {
		return o.Name
	}
	return id
}

func actorText(r attribution.Result) string {
	top, ok := r.Top()
	if !ok {
		return "unattributed"
	}
	return fmt.Sprintf("%s (%s, %d)", top.ActorName, top.Words, top.Confidence)
}

func (a *app) intrusionsCommand() *cobra.Command {
	var jsonOut bool
	var orgFilter, actorFilter string
	cmd := &cobra.Command{
		Use:   "intrusions",
		Short: "List intrusions with their attribution and intent",
		Example: `  pactwatch intrusions
  pactwatch intrusions --org acme-pharma --json
  pactwatch intrusions --actor "Deep Panda"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			ins, err := st.Intrusions(cmd.Context())
			if err != nil {
				return err
			}
			ov, err := a.overview(cmd, st)
			if err != nil {
				return err
			}
			type row struct {
				ID          string             `json:"id"`
				Org         string             `json:"org_id"`
				OrgName     string             `json:"org_name"`
				Start       time.Time          `json:"start"`
				End         time.Time          `json:"end"`
				Status      string             `json:"status"`
				BytesOut    int64              `json:"bytes_out"`
				Sightings   int                `json:"sightings"`
				Attribution attribution.Result `json:"attribution"`
				Intent      intent.Assessment  `json:"intent"`
			}
			var rows []row
			for _, in := range ins {
				r := ov.attr[in.ID]
				if orgFilter != "" && in.OrgID != orgFilter {
					continue
				}
				if actorFilter != "" {
					top, ok := r.Top()
					if !ok || !strings.EqualFold(top.ActorName, actorFilter) {
						continue
					}
				}
				rows = append(rows, row{in.ID, in.OrgID, ov.orgName(in.OrgID), in.Start, in.End, string(in.Status), in.BytesOut, len(in.Sightings), r, ov.intents[in.ID]})
			}
			if jsonOut {
				if rows == nil {
					rows = []row{}
				}
				return writeJSON(a.stdout, rows)
			}
			if len(rows) == 0 {
				fmt.Fprintln(a.stderr, "no intrusions; ingest telemetry with 'pactwatch ingest' (or try 'pactwatch demo')")
				return nil
			}
			t := newTable(a.stdout, "ID", "ORGANISATION", "START (UTC)", "DAYS", "STATUS", "ACTOR (CONFIDENCE)", "INTENT")
			for _, r := range rows {
				days := r.End.Sub(r.Start).Hours() / 24
				t.row(r.ID, r.OrgName, r.Start.UTC().Format("2006-01-02 15:04"), fmt.Sprintf("%.1f", days), r.Status, actorText(r.Attribution), string(r.Intent.Class))
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	cmd.Flags().StringVar(&orgFilter, "org", "", "only intrusions into this organisation id")
	cmd.Flags().StringVar(&actorFilter, "actor", "", "only intrusions attributed to this actor name")
	return cmd
}

func (a *app) findingsCommand() *cobra.Command {
	var jsonOut bool
	var agreementFilter, verdictFilter string
	cmd := &cobra.Command{
		Use:   "findings",
		Short: "List findings: each intrusion judged against each agreement",
		Long: `List findings. Each is one intrusion judged against one agreement: in scope
or not (victim and attributed sponsor on opposite sides, after the effective
date, prohibited intent), a verdict (potential-violation, needs-assessment,
outside-scope) and the enforcement chain: incursion, attribution,
exfiltration, benefit conferred, information used.`,
		Example: `  pactwatch findings
  pactwatch findings --agreement us-cn-2015 --verdict potential-violation
  pactwatch findings --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			fs, err := st.Findings(cmd.Context())
			if err != nil {
				return err
			}
			if verdictFilter != "" {
				switch pact.Verdict(verdictFilter) {
				case pact.PotentialViolation, pact.NeedsAssessment, pact.OutsideScope:
				default:
					return usagef("--verdict %q: want potential-violation, needs-assessment or outside-scope", verdictFilter)
				}
			}
			ins, err := st.Intrusions(cmd.Context())
			if err != nil {
				return err
			}
			byID := map[string]string{}
			starts := map[string]time.Time{}
			for _, in := range ins {
				byID[in.ID] = in.OrgID
				starts[in.ID] = in.Start
			}
			ov, err := a.overview(cmd, st)
			if err != nil {
				return err
			}
			out := []pact.Finding{}
			for _, f := range fs {
				if agreementFilter != "" && f.AgreementID != agreementFilter {
					continue
				}
				if verdictFilter != "" && string(f.Verdict) != verdictFilter {
					continue
				}
				out = append(out, f)
			}
			if jsonOut {
				return writeJSON(a.stdout, out)
			}
			if len(out) == 0 {
				fmt.Fprintln(a.stderr, "no findings match")
				return nil
			}
			t := newTable(a.stdout, "FINDING", "AGREEMENT", "VERDICT", "INTRUSION", "START (UTC)", "VICTIM", "ACTOR", "CHAIN")
			for _, f := range out {
				t.row(f.ID, f.AgreementID, string(f.Verdict), f.IntrusionID, starts[f.IntrusionID].UTC().Format("2006-01-02"), ov.orgName(byID[f.IntrusionID]), actorText(ov.attr[f.IntrusionID]), chainText(f.Chain))
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	cmd.Flags().StringVar(&agreementFilter, "agreement", "", "only findings under this agreement id")
	cmd.Flags().StringVar(&verdictFilter, "verdict", "", "only this verdict: potential-violation, needs-assessment, outside-scope")
	return cmd
}

// chainText abbreviates the five links: E established, S supported, - not.
func chainText(links []pact.Link) string {
	var b strings.Builder
	for _, l := range links {
		switch l.Status {
		case pact.Established:
			b.WriteByte('E')
		case pact.Supported:
			b.WriteByte('S')
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

func (a *app) explainCommand() *cobra.Command {
	var jsonOut, raw bool
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain an intrusion or finding: timeline back to raw lines, attribution factors, intent, chain",
		Long: `Explain one intrusion (INT-...) or finding (F-...): the organisation and time
span, every sighting with the indicator behind it, the timeline with the
file, line and byte offset of each raw event (--raw prints the lines
themselves when the files are still there), the ranked candidate actors with
the factors behind each score, the intent judgement with its reasons, and
the findings with the enforcement chain.`,
		Example: `  pactwatch explain INT-3f2a9c41d0
  pactwatch explain INT-3f2a9c41d0 --raw
  pactwatch explain F-9a1b2c3d4e --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			id := args[0]
			if strings.HasPrefix(id, "F-") {
				fs, err := st.Findings(ctx)
				if err != nil {
					return err
				}
				found := false
				for _, f := range fs {
					if f.ID == id {
						id, found = f.IntrusionID, true
						break
					}
				}
				if !found {
					return fmt.Errorf("no finding %s; 'pactwatch findings' lists them", args[0])
				}
			}
			d, err := st.Intrusion(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no intrusion %s; 'pactwatch intrusions' lists them", id)
			}
			if err != nil {
				return err
			}
			if jsonOut {
				return writeJSON(a.stdout, d)
			}
			ov, err := a.overview(cmd, st)
			if err != nil {
				return err
			}
			a.printExplain(d, ov, raw)
			return nil
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	cmd.Flags().BoolVar(&raw, "raw", false, "print the raw log line of each timeline event (reads the original files)")
	return cmd
}

func (a *app) printExplain(d store.IntrusionDetail, ov overview, raw bool) {
	w := a.stdout
	in := d.Intrusion
	o := ov.orgs[in.OrgID]
	fmt.Fprintf(w, "Intrusion %s\n", in.ID)
	fmt.Fprintf(w, "  victim:    %s (%s, %s, %s)\n", ov.orgName(in.OrgID), in.OrgID, firstNonEmpty(o.Country, "?"), firstNonEmpty(o.Sector, "?"))
	fmt.Fprintf(w, "  period:    %s to %s UTC\n", in.Start.UTC().Format("2006-01-02 15:04:05"), in.End.UTC().Format("2006-01-02 15:04:05"))
	fmt.Fprintf(w, "  status:    %s; %d bytes sent to matched infrastructure\n", in.Status, in.BytesOut)

	fmt.Fprintf(w, "\nSightings (%d)\n", len(in.Sightings))
	for _, s := range in.Sightings {
		fmt.Fprintf(w, "  %-7s %-50s %4d events  %s .. %s  (%s)\n", s.Type, truncate(s.Value, 50), s.Count, s.FirstSeen.UTC().Format("01-02 15:04"), s.LastSeen.UTC().Format("01-02 15:04"), s.IndicatorID)
	}

	fmt.Fprintf(w, "\nTimeline (%d entries; raw evidence as file:line @offset)\n", len(in.Timeline))
	for _, e := range in.Timeline {
		fmt.Fprintf(w, "  %s  %-9s %s\n      %s:%d @%d\n", e.Time.UTC().Format("2006-01-02 15:04:05"), e.Kind, e.Summary, e.File, e.Line, e.Offset)
		if raw {
			line, err := readRawLine(e.File, e.Offset)
			if err != nil {
				fmt.Fprintf(w, "      (raw line unavailable: %v)\n", err)
			} else {
				fmt.Fprintf(w, "      > %s\n", truncate(line, 400))
			}
		}
	}

	r := d.Attribution
	fmt.Fprintf(w, "\nAttribution: %s\n", firstNonEmpty(r.Summary, actorText(r)))
	for i, c := range r.Candidates {
		fmt.Fprintf(w, "  %d. %s [%s] score %.2f, confidence %d/100 (%s; %s)\n", i+1, c.ActorName, firstNonEmpty(c.Sponsor, "sponsor unknown"), c.Score, c.Confidence, c.Words, c.Likelihood)
		for _, f := range c.Factors {
			fmt.Fprintf(w, "       %+.2f %-22s %s\n", f.Weight, f.Kind, f.Detail)
		}
	}
	if !r.Attributed {
		fmt.Fprintf(w, "  => unattributed: no candidate reaches the threshold\n")
	}

	it := d.Intent
	fmt.Fprintf(w, "\nIntent: %s (confidence %d/100)\n", it.Class, it.Confidence)
	for _, reason := range it.Reasons {
		fmt.Fprintf(w, "  - %s\n", reason)
	}

	for _, f := range d.Findings {
		fmt.Fprintf(w, "\nFinding %s under %s: %s\n", f.ID, f.AgreementID, f.Verdict)
		for _, reason := range f.Reasons {
			fmt.Fprintf(w, "  - %s\n", reason)
		}
		for i, l := range f.Chain {
			fmt.Fprintf(w, "  %d. %-18s %s\n", i+1, l.Name, l.Status)
			for _, e := range l.Evidence {
				fmt.Fprintf(w, "       %s\n", e)
			}
		}
	}
}
