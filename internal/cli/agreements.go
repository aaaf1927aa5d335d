package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/pipeline"
)

func (a *app) agreementsCommand() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "agreements",
		Short: "List the agreements findings are judged against",
		Long: `List the built-in agreements (us-cn-2015, gb-cn-2015, g20-2015) and any you
added, with parties, signing and effective dates and the operative text.`,
		Example: `  pactwatch agreements
  pactwatch agreements show us-cn-2015
  pactwatch agreements add my-agreement.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			all, err := a.agreements(cmd)
			if err != nil {
				return err
			}
			if jsonOut {
				return writeJSON(a.stdout, all)
			}
			t := newTable(a.stdout, "ID", "PARTIES", "SIGNED", "EFFECTIVE", "TITLE")
			for _, ag := range all {
				t.row(ag.ID, partiesText(ag), ag.Signed.Format("2006-01-02"), effectiveText(ag), ag.Title)
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")

	show := &cobra.Command{
		Use:     "show ID",
		Short:   "Show one agreement with its operative text and obligations",
		Example: `  pactwatch agreements show gb-cn-2015`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			all, err := a.agreements(cmd)
			if err != nil {
				return err
			}
			ag, ok := pact.Lookup(all, args[0])
			if !ok {
				return usagef("no agreement %q; 'pactwatch agreements' lists them", args[0])
			}
			if jsonOut {
				return writeJSON(a.stdout, ag)
			}
			w := a.stdout
			fmt.Fprintf(w, "%s: %s\n  parties:   %s\n  signed:    %s\n  effective: %s\n", ag.ID, ag.Title, partiesText(ag), ag.Signed.Format("Monday 2006-01-02"), effectiveText(ag))
			fmt.Fprintf(w, "  prohibits: %q\n", ag.Prohibited)
			for _, e := range ag.Exclusions {
				fmt.Fprintf(w, "  excludes:  %s\n", e)
			}
			if ag.Obligations.ResponseDays > 0 {
				fmt.Fprintf(w, "  answer requests within %d days\n", ag.Obligations.ResponseDays)
			}
			if ag.Obligations.DialogueMonths > 0 {
				fmt.Fprintf(w, "  dialogue every %d months\n", ag.Obligations.DialogueMonths)
			}
			fmt.Fprintf(w, "  source:    %s\n", ag.Source)
			return nil
		},
	}
	show.Flags().BoolVar(&jsonOut, "json", false, "print JSON")

	add := &cobra.Command{
		Use:   "add FILE",
		Short: "Add or replace an agreement from a JSON file in the built-in format",
		Long: `Add an agreement of your own. The file has the same format as the built-in
ones ('pactwatch agreements show us-cn-2015 --json' prints one to start
from). A malformed file is refused with an error naming the field.`,
		Example: `  pactwatch agreements show us-cn-2015 --json > mine.json   # edit, then:
  pactwatch agreements add mine.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ag, err := pact.LoadFile(args[0])
			if err != nil {
				return err
			}
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			if err := st.PutAgreement(cmd.Context(), ag); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "added agreement %s (%s); run 'pactwatch analyze' to evaluate intrusions against it\n", ag.ID, ag.Title)
			return nil
		},
	}
	cmd.AddCommand(show, add)
	return cmd
}

func (a *app) agreements(cmd *cobra.Command) ([]pact.Agreement, error) {
	st, err := a.store(cmd.Context())
	if err != nil {
		return nil, err
	}
	return pipeline.Agreements(cmd.Context(), st)
}

func partiesText(ag pact.Agreement) string {
	if ag.Multilateral {
		return fmt.Sprintf("%d members", len(ag.Parties))
	}
	return strings.Join(ag.Parties, "-")
}

func effectiveText(ag pact.Agreement) string {
	if ag.EffectiveKnown {
		return ag.Effective.Format("2006-01-02")
	}
	return ag.Effective.Format("2006-01-02") + " (not stated; signing assumed)"
}
