package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/osint"
	"github.com/pactwatch/pactwatch/internal/osint/catalog"
	"github.com/pactwatch/pactwatch/internal/store"
)

func (a *app) claimsCommand() *cobra.Command {
	var (
		actor, kind string
		jsonOut     bool
	)
	cmd := &cobra.Command{
		Use:   "claims",
		Short: "List claims from articles and public catalogues with the independent sources behind each",
		Long: `List the claims extracted from the stored articles, corroborated across
sources: each with the number of independent sources behind it (syndicated
copies count once), its Admiralty grade (outlet reliability A-F and
credibility 1-6), and the sentence and article it comes from. Attributions
imported from public catalogues ('pactwatch claims import') are listed with
them.

--actor resolves any name or alias through the imported intel (or the
built-in list of the 2015 groups) and keeps the claims that name the group.
--kind keeps one kind: agreement, actor, state, organisation, date, count,
sector, quote, intrusion, attribution.`,
		Example: `  pactwatch claims
  pactwatch claims --actor "Shell Crew"
  pactwatch claims --kind intrusion --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			r, err := st.OSINT(ctx)
			if err != nil {
				return err
			}
			cat, err := st.CatalogReports(ctx)
			if err != nil {
				return err
			}
			reports := append(r.Reports, cat...)
			if kind != "" {
				k := osint.Kind(strings.ToLower(kind))
				if !slices.Contains(osint.Kinds, k) && k != attributionKind {
					return usagef("--kind %q: want one of %v or attribution", kind, osint.Kinds)
				}
				reports = slices.DeleteFunc(reports, func(r osint.Report) bool { return r.Kind != k })
			}
			if actor != "" {
				names, err := actorNames(ctx, st, actor)
				if err != nil {
					return err
				}
				reports = slices.DeleteFunc(reports, func(r osint.Report) bool { return !namesActor(r, names) })
			}
			if jsonOut {
				out := make([]claimOut, len(reports))
				for i, r := range reports {
					out[i] = claimOut{Report: r, Sentence: r.Claim.Sentence, Article: r.Claim.ArticleID}
				}
				return writeJSON(a.stdout, out)
			}
			return a.printClaims(reports)
		},
	}
	f := cmd.Flags()
	f.StringVar(&actor, "actor", "", "only claims naming this actor (any name or alias)")
	f.StringVar(&kind, "kind", "", "only claims of this kind")
	f.BoolVar(&jsonOut, "json", false, "print JSON")
	cmd.AddCommand(a.claimsImportCommand())
	return cmd
}

// attributionKind is the kind of claims taken from public catalogues.
const attributionKind = catalog.KindAttribution

// claimOut is one claim as 'claims --json' prints it: the corroborated
// report with the sentence and article it points to.
type claimOut struct {
	osint.Report
	Sentence string `json:"sentence,omitempty"`
	Article  string `json:"article,omitempty"`
}

// actorNames resolves an actor name to the name keys (intel.NameKey) and
// ids of every record it names, in the store or, when the store has none,
// the built-in list; a name nothing knows stands for itself.
func actorNames(ctx context.Context, st store.Store, name string) (map[string]bool, error) {
	recs, err := st.FindActors(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		err, recs = nil, nil
		k := intel.NameKey(name)
		for _, ac := range fallbackActors() {
			for _, n := range append([]string{ac.Name, ac.ExternalID}, ac.Aliases...) {
				if intel.NameKey(n) == k {
					recs = append(recs, ac)
					break
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	out := map[string]bool{intel.NameKey(name): true}
	for _, ac := range recs {
		out[ac.ID] = true
		for _, n := range append([]string{ac.Name, ac.ExternalID}, ac.Aliases...) {
			if n != "" {
				out[intel.NameKey(n)] = true
			}
		}
	}
	return out, nil
}

// namesActor reports whether a report names one of the actor's names or
// records.
func namesActor(r osint.Report, names map[string]bool) bool {
	for _, id := range r.Links.ActorIDs {
		if names[id] {
			return true
		}
	}
	for _, n := range r.Links.Actors {
		if names[intel.NameKey(n)] {
			return true
		}
	}
	return r.Kind == osint.KindActor && names[intel.NameKey(r.Value)]
}

// printClaims prints claims for people: one line each, then the sentence
// and article it comes from.
func (a *app) printClaims(reports []osint.Report) error {
	if len(reports) == 0 {
		fmt.Fprintln(a.stdout, "no claims; add articles with 'pactwatch articles ingest' or catalogues with 'pactwatch claims import'")
		return nil
	}
	for _, r := range reports {
		src := fmt.Sprintf("%d source", r.IndependentSources)
		if r.IndependentSources != 1 {
			src += "s"
		}
		if r.Kind == attributionKind && len(r.Sources) > 0 {
			src = strings.Join(r.Sources, ", ")
		}
		fmt.Fprintf(a.stdout, "%-12s %-10s %-3s %-10s %s\n", r.Kind, firstNonEmpty(r.Date, "-"), r.Grade, src, r.Text)
		if len(r.Conflicts) > 0 {
			fmt.Fprintf(a.stdout, "    conflicts with: %s\n", strings.Join(r.Conflicts, "; "))
		}
		if s := r.Claim.Sentence; s != "" {
			fmt.Fprintf(a.stdout, "    %s: %q\n", firstNonEmpty(r.Claim.ArticleID, strings.Join(r.Articles, ", ")), truncate(s, 200))
		} else if len(r.Evidence) > 0 {
			fmt.Fprintf(a.stdout, "    %s: %q\n", strings.Join(r.Articles, ", "), truncate(r.Evidence[0], 200))
		}
	}
	fmt.Fprintf(a.stdout, "%d claims\n", len(reports))
	return nil
}

// maxCatalogErrors is how many unreadable rows 'claims import' prints
// before it only counts them.
const maxCatalogErrors = 20

func (a *app) claimsImportCommand() *cobra.Command {
	var (
		grade   string
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import public catalogues of state cyber operations (CFR tracker, EuRepoC) as sourced attribution claims",
		Long: `Read the Council on Foreign Relations' Cyber Operations Tracker CSV or the
EuRepoC global database CSV (detected from the header) and store each row as
a sourced claim of kind "attribution": the group and its aliases, the
sponsor state, the victims, the date and the catalogue's description and
cited sources, graded with the catalogue's reliability (--reliability,
default B). 'pactwatch claims --actor NAME' then lists the public
attributions next to the claims from articles.

Re-importing a file adds nothing. Rows that cannot be read are reported as
file:line: reason and counted.`,
		Example: `  pactwatch claims import cfr-cyber-operations-incidents.csv EuRepoC_Global_Database_1.1.csv
  pactwatch claims --actor "Deep Panda" --kind attribution`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			rel := osint.Reliability(strings.ToUpper(grade))
			if !rel.Valid() {
				return usagef("--reliability %q: want A to F", grade)
			}
			ctx := cmd.Context()
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			type fileResult struct {
				File    string       `json:"file"`
				Catalog catalog.Name `json:"catalog,omitempty"`
				Rows    int          `json:"rows"`
				New     int          `json:"new"`
				Errors  []string     `json:"errors"`
			}
			var results []fileResult
			read := 0
			for _, f := range files {
				fh, err := os.Open(f)
				if err != nil {
					return fmt.Errorf("read catalogue: %w", err)
				}
				es, errs := catalog.Read(f, fh)
				fh.Close()
				res := fileResult{File: f, Rows: len(es), Errors: []string{}}
				for i, e := range errs {
					res.Errors = append(res.Errors, e.Error())
					if i < maxCatalogErrors {
						fmt.Fprintln(a.stderr, e)
					}
				}
				if len(errs) > maxCatalogErrors {
					fmt.Fprintf(a.stderr, "%s: ... and %d more rows that could not be read\n", f, len(errs)-maxCatalogErrors)
				}
				reports := make([]osint.Report, len(es))
				for i, e := range es {
					reports[i] = e.Report(rel)
					res.Catalog = e.Catalog
				}
				if res.New, err = st.PutCatalogReports(ctx, reports); err != nil {
					return err
				}
				read += len(es)
				results = append(results, res)
				if !jsonOut {
					fmt.Fprintf(a.stdout, "%s: %s, %d rows read, %d new, %d could not be read\n", f, firstNonEmpty(catalog.Titles[res.Catalog], "unknown catalogue"), res.Rows, res.New, len(res.Errors))
				}
			}
			if jsonOut {
				if err := writeJSON(a.stdout, results); err != nil {
					return err
				}
			}
			if read == 0 {
				return errors.New("no catalogue row could be read")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&grade, "reliability", "B", "Admiralty reliability A-F of the catalogue")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print per-file counts and errors as JSON")
	return cmd
}
