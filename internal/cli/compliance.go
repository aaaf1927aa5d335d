package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/config"
	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/report"
	"github.com/pactwatch/pactwatch/internal/store"
)

func (a *app) complianceCommand() *cobra.Command {
	var jsonOut bool
	var agreementID, actor, window string
	cmd := &cobra.Command{
		Use:   "compliance",
		Short: "Did behaviour change after an agreement? Intrusion rates before and after, with an exact test",
		Long: `Compare the intrusions held against a counterparty in two equal windows
before and after an agreement's effective date: one row over all actors,
one per attributed actor and one per sponsor state. Each row gives the
counts and rates, the rate ratio (after over before) with the exact
conditional test of Poisson counts (a binomial test on the after-share)
and its Clopper-Pearson confidence interval, the first intrusion on or
after the effective date and its delay in days, and the weeks where the
weekly rate changed (which need not be the agreement date).

The window defaults to the span from the earliest finding to the
effective date; --window sets it (e.g. 90d).`,
		Example: `  pactwatch compliance --agreement us-cn-2015
  pactwatch compliance --agreement us-cn-2015 --actor "Shell Crew" --window 90d
  pactwatch compliance --agreement gb-cn-2015 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if agreementID == "" {
				return usagef("--agreement is required ('pactwatch agreements' lists them)")
			}
			var w time.Duration
			if window != "" {
				d, err := config.ParseDuration(window)
				if err != nil || d <= 0 {
					return usagef("--window %q: want a positive duration such as 90d or 2160h", window)
				}
				w = d
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			ag, err := a.lookupAgreement(cmd, agreementID)
			if err != nil {
				return err
			}
			rows, err := complianceRates(ctx, st, ag, w, actor)
			if err != nil {
				return err
			}
			if jsonOut {
				if rows == nil {
					rows = []pact.Rate{}
				}
				return writeJSON(a.stdout, rows)
			}
			if len(rows) == 0 {
				fmt.Fprintf(a.stderr, "no intrusions attributed to %q are held against a party of %s\n", actor, ag.ID)
				return nil
			}
			a.printRates(ag, rows)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&agreementID, "agreement", "", "agreement id (required), e.g. us-cn-2015")
	f.StringVar(&actor, "actor", "", "only this actor (any name or alias) and its sponsor state")
	f.StringVar(&window, "window", "", "length of each window before and after the effective date, e.g. 90d (default: back to the earliest finding)")
	f.BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}

// lookupAgreement finds a built-in or user agreement by id, as a usage
// error when there is none.
func (a *app) lookupAgreement(cmd *cobra.Command, id string) (pact.Agreement, error) {
	all, err := a.agreements(cmd)
	if err != nil {
		return pact.Agreement{}, err
	}
	ag, ok := pact.Lookup(all, id)
	if !ok {
		ids := make([]string, len(all))
		for i, x := range all {
			ids[i] = x.ID
		}
		return pact.Agreement{}, usagef("no agreement %q (known: %s)", id, strings.Join(ids, ", "))
	}
	return ag, nil
}

// complianceRates computes pact.Rates of ag from the stored findings with
// windows of w (0: the default), keeping only actor's rows and its
// sponsor's when actor is set. The actor is resolved through the stored
// intel, so any alias finds the rows of the name findings carry.
func complianceRates(ctx context.Context, st store.Store, ag pact.Agreement, w time.Duration, actor string) ([]pact.Rate, error) {
	fs, err := st.Findings(ctx)
	if err != nil {
		return nil, err
	}
	rows := pact.Rates(ag, fs, pact.RateOptions{Count: pact.CountOptions{Window: w}})
	if actor == "" {
		return rows, nil
	}
	ids, keys := map[string]bool{}, map[string]bool{intel.NameKey(actor): true}
	actors, err := st.FindActors(ctx, actor)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	for _, x := range actors {
		ids[x.ID] = true
		keys[intel.NameKey(x.Name)] = true
		for _, al := range x.Aliases {
			keys[intel.NameKey(al)] = true
		}
	}
	var out []pact.Rate
	sponsors := map[string]bool{}
	for _, r := range rows {
		if r.Scope == pact.ScopeActor && (ids[r.ActorID] || keys[intel.NameKey(r.Actor)]) {
			out = append(out, r)
			sponsors[r.Sponsor] = true
		}
	}
	for _, r := range rows {
		if r.Scope == pact.ScopeSponsor && sponsors[r.Sponsor] {
			out = append(out, r)
		}
	}
	return out, nil
}

func (a *app) printRates(ag pact.Agreement, rows []pact.Rate) {
	w := a.stdout
	r0 := rows[0]
	fmt.Fprintf(w, "%s: effective %s; windows %s to %s and %s to %s (%d days each)\n\n", ag.ID, effectiveText(ag),
		day(r0.From), day(r0.Effective.AddDate(0, 0, -1)), day(r0.Effective), day(r0.To.AddDate(0, 0, -1)), r0.BeforeDays)
	t := newTable(w, "SCOPE", "ROW", "BEFORE", "AFTER", "PER WEEK", "RATE RATIO", fmt.Sprintf("%.0f%% CI", r0.ConfLevel*100), "P", "FIRST AFTER", "CHANGE POINTS")
	for _, r := range rows {
		first := "none"
		if !r.FirstAfter.IsZero() {
			first = fmt.Sprintf("%s (+%dd)", day(r.FirstAfter), r.FirstAfterDelayDays)
		}
		t.row(r.Scope, rateRowName(r), fmt.Sprint(r.BeforeCount), fmt.Sprint(r.AfterCount),
			fmt.Sprintf("%.2f -> %.2f", r.BeforePerWeek, r.AfterPerWeek),
			report.Number(r.RateRatio), "["+report.Number(r.CILow)+", "+report.Number(r.CIHigh)+"]", report.PValue(r.PValue), first, changesText(r.Changes))
	}
	t.flush()
	fmt.Fprintf(w, "\nRate ratio = after rate / before rate; p is the exact two-sided test of an unchanged rate.\n")
}

func rateRowName(r pact.Rate) string {
	switch r.Scope {
	case pact.ScopeActor:
		s := r.Actor
		if s == "" {
			s = r.ActorID
		}
		if r.Sponsor != "" {
			s += " [" + r.Sponsor + "]"
		}
		return s
	case pact.ScopeSponsor:
		return r.Sponsor
	}
	if r.Sponsor != "" {
		return "all actors [" + r.Sponsor + "]"
	}
	return "all actors"
}

func changesText(cs []pact.ChangePoint) string {
	if len(cs) == 0 {
		return "none"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s (%.1f -> %.1f/wk)", day(c.Date), c.BeforePerWeek, c.AfterPerWeek)
	}
	return strings.Join(parts, "; ")
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }
