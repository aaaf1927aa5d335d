package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/intel/ioclist"
	"github.com/pactwatch/pactwatch/internal/intel/load"
	"github.com/pactwatch/pactwatch/internal/store"
)

func (a *app) intelCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "intel",
		Short: "Import and inspect threat intelligence",
	}
	var (
		opt        ioclist.Options
		jsonOut    bool
		listUnsupp bool
	)
	imp := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import STIX 2.1 bundles, MITRE ATT&CK, MISP galaxy clusters and IOC lists",
		Long: `Import threat intelligence into the database. The format of each file is
detected from its content:

  STIX 2.1 bundle   intrusion sets, threat actors, malware, tools, attack
                    patterns, indicators, relationships, identities, markings
                    (MITRE ATT&CK is a STIX bundle)
  MISP galaxy       threat-actor clusters with sponsor states and synonyms
  IOC list          one value a line (IP, CIDR, domain, URL, MD5, SHA-1,
                    SHA-256, e-mail; type detected, "ja3:<hash>" for JA3),
                    '#' comments, LOKI "value;comment" lines, CSV exports

Re-importing a file adds nothing twice. Indicator patterns pactwatch cannot
evaluate are counted and listed (--unsupported), never fatal. Sources that
disagree (MISP folds Deep Panda and APT19 into one actor, ATT&CK keeps two)
are kept side by side; 'pactwatch actors show' prints the conflict.`,
		Example: `  pactwatch intel import enterprise-attack-18.1-intrusion-sets.stix21.json
  pactwatch intel import threat-actor.json            # MISP galaxy
  pactwatch intel import c2.txt --actor "Deep Panda" --source crowdstrike --tlp amber
  pactwatch intel import bundle.json --unsupported`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx := cmd.Context()
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			var total store.ImportStats
			var unsupported []intel.Unsupported
			for _, f := range files {
				c, err := load.File(ctx, f, load.Options{Options: opt})
				if err != nil {
					return err
				}
				s, err := st.ImportIntel(ctx, c)
				if err != nil {
					return fmt.Errorf("store %s: %w", f, err)
				}
				unsupported = append(unsupported, c.Unsupported...)
				if !jsonOut {
					fmt.Fprintf(a.stdout, "%s: %d actors, %d software, %d techniques, %d indicators, %d relationships (new: %d actors, %d indicators); %d unsupported\n",
						f, len(c.Actors), len(c.Software), len(c.Techniques), len(c.Indicators), len(c.Relationships), s.Actors, s.Indicators, len(c.Unsupported))
				}
				total.Actors += s.Actors
				total.Software += s.Software
				total.Techniques += s.Techniques
				total.Indicators += s.Indicators
				total.Relationships += s.Relationships
				total.Unsupported += len(c.Unsupported)
			}
			if jsonOut {
				return writeJSON(a.stdout, map[string]any{"new": total, "unsupported": unsupported})
			}
			if len(unsupported) > 0 {
				if listUnsupp {
					for _, u := range unsupported {
						fmt.Fprintf(a.stdout, "unsupported %s %s: %s: %s\n", u.File, firstNonEmpty(u.ID, fmt.Sprintf("line %d", u.Line)), u.Reason, truncate(u.Input, 100))
					}
				} else {
					fmt.Fprintf(a.stderr, "%d inputs could not be evaluated; list them with --unsupported\n", len(unsupported))
				}
			}
			if total.Indicators > 0 {
				// New indicators do not reach logs ingested before them by themselves.
				if inputs, err := st.Inputs(ctx); err == nil && len(inputs) > 0 {
					fmt.Fprintf(a.stderr, "%d inputs were ingested before these indicators; 'pactwatch rescan' sweeps them again with them\n", len(inputs))
				}
			}
			return nil
		},
	}
	f := imp.Flags()
	f.StringVar(&opt.Actor, "actor", "", "IOC lists: the actor the indicators point to")
	f.StringVar(&opt.Source, "source", "", "IOC lists: who the indicators come from (default the file name)")
	f.StringVar(&opt.TLP, "tlp", "", "IOC lists: TLP marking: clear, green, amber, amber+strict, red")
	f.IntVar(&opt.Confidence, "confidence", 0, "IOC lists: STIX confidence 0-100 of the indicators")
	f.BoolVar(&jsonOut, "json", false, "print counts and unsupported inputs as JSON")
	f.BoolVar(&listUnsupp, "unsupported", false, "list every input that could not be evaluated")

	unsupp := &cobra.Command{
		Use:     "unsupported",
		Short:   "List indicator patterns and IOC lines that could not be evaluated",
		Example: `  pactwatch intel unsupported --json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			us, err := st.Unsupported(cmd.Context())
			if err != nil {
				return err
			}
			if jsonOut {
				return writeJSON(a.stdout, us)
			}
			t := newTable(a.stdout, "FILE", "WHERE", "REASON", "INPUT")
			for _, u := range us {
				t.row(u.File, firstNonEmpty(u.ID, fmt.Sprintf("line %d", u.Line)), u.Reason, truncate(u.Input, 80))
			}
			return t.flush()
		},
	}
	unsupp.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	cmd.AddCommand(imp, unsupp)
	return cmd
}

func (a *app) actorsCommand() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "actors",
		Short: "List actor groups, or show one by any of its names",
		Example: `  pactwatch actors
  pactwatch actors show "Shell Crew"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			actors, err := st.Actors(cmd.Context())
			if err != nil {
				return err
			}
			if jsonOut {
				return writeJSON(a.stdout, actors)
			}
			t := newTable(a.stdout, "NAME", "ID", "SOURCE", "SPONSOR", "ALIASES")
			for _, ac := range actors {
				t.row(ac.Name, firstNonEmpty(ac.ExternalID, ac.ID), ac.Source, sponsorText(ac.Sponsors), truncate(strings.Join(ac.Aliases, ", "), 60))
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show an actor, resolved from any alias, with sponsor assessments, techniques and conflicts between sources",
		Long: `Resolve NAME against the names and aliases of every source (case, spaces
and hyphens ignored) and print each source's record: names, the state it
is assessed to serve (with confidence and source), techniques and software.
Where sources disagree (one folds two groups that another keeps apart, or
they name different sponsors) the conflict is printed, never merged.`,
		Example: `  pactwatch actors show "Deep Panda"
  pactwatch actors show "KungFu Kittens" --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			recs, err := st.FindActors(ctx, args[0])
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no actor is called %q; list them with 'pactwatch actors' or import intel with 'pactwatch intel import'", args[0])
			}
			if err != nil {
				return err
			}
			rankRecords(recs, args[0])
			all, err := st.Actors(ctx)
			if err != nil {
				return err
			}
			conflicts := intel.Conflicts(recs, all)
			techs, err := st.Techniques(ctx)
			if err != nil {
				return err
			}
			names := make(map[string]string, len(techs))
			for _, t := range techs {
				names[t.ExternalID] = t.Name
			}
			if jsonOut {
				return writeJSON(a.stdout, map[string]any{"query": args[0], "records": recs, "conflicts": conflicts})
			}
			if len(recs) > 1 {
				fmt.Fprintf(a.stdout, "%q names %d records from %d sources; first the one that tracks it as a group of its own.\n\n", args[0], len(recs), countSources(recs))
			}
			for i, r := range recs {
				if i > 0 {
					fmt.Fprintln(a.stdout)
				}
				printActor(a, r, names)
			}
			if len(conflicts) > 0 {
				fmt.Fprintf(a.stdout, "\nConflicts between sources (kept apart, not merged):\n")
				for _, c := range conflicts {
					fmt.Fprintf(a.stdout, "  [%s] %s\n", c.Kind, c.Detail)
				}
			}
			return nil
		},
	}
	show.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	cmd.AddCommand(show)
	return cmd
}

func printActor(a *app, r intel.Actor, techNames map[string]string) {
	w := a.stdout
	title := r.Name
	if r.ExternalID != "" {
		title += " (" + r.ExternalID + ")"
	}
	if r.Revoked {
		title += " [revoked]"
	}
	fmt.Fprintf(w, "%s\n  source:   %s\n  id:       %s\n", title, r.Source, r.ID)
	if len(r.Aliases) > 0 {
		fmt.Fprintf(w, "  aliases:  %s\n", strings.Join(r.Aliases, ", "))
	}
	if len(r.Sponsors) == 0 {
		fmt.Fprintf(w, "  sponsor:  no assessment\n")
	}
	for _, s := range r.Sponsors {
		conf := "confidence not given"
		if s.Confidence > 0 {
			conf = fmt.Sprintf("confidence %d/100", s.Confidence)
		}
		fmt.Fprintf(w, "  sponsor:  %s (%s, per %s)\n", s.Country, conf, s.Source)
		if s.Basis != "" {
			fmt.Fprintf(w, "            %q\n", truncate(s.Basis, 160))
		}
	}
	if len(r.Merges) > 0 {
		fmt.Fprintf(w, "  folds in: %s\n", strings.Join(r.Merges, ", "))
	}
	if len(r.TargetSectors) > 0 {
		fmt.Fprintf(w, "  targets:  %s\n", strings.Join(r.TargetSectors, ", "))
	}
	if len(r.TargetCountries) > 0 {
		fmt.Fprintf(w, "  victims:  %s\n", strings.Join(r.TargetCountries, ", "))
	}
	if len(r.Techniques) > 0 {
		techs := append([]string(nil), r.Techniques...)
		sort.Strings(techs)
		fmt.Fprintf(w, "  techniques (%d):\n", len(techs))
		for _, t := range techs {
			fmt.Fprintf(w, "    %-10s %s\n", t, techNames[t])
		}
	}
	if len(r.Software) > 0 {
		fmt.Fprintf(w, "  software: %s\n", strings.Join(r.Software, ", "))
	}
	if r.Description != "" {
		fmt.Fprintf(w, "  about:    %s\n", truncate(strings.Join(strings.Fields(r.Description), " "), 300))
	}
}

func sponsorText(ss []intel.SponsorClaim) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, s.Country)
	}
	sort.Strings(parts)
	return strings.Join(compactStrings(parts), ",")
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// rankRecords orders the records an alias resolves to: a record named
// exactly so first, then records that keep the group apart (no merges),
// ATT&CK before other sources, then by source and id.
func rankRecords(recs []intel.Actor, query string) {
	key := intel.NameKey(query)
	rank := func(r intel.Actor) int {
		n := 0
		if intel.NameKey(r.Name) != key {
			n += 4
		}
		if len(r.Merges) > 0 {
			n += 2
		}
		if r.Source != "mitre-attack" {
			n++
		}
		return n
	}
	sort.SliceStable(recs, func(i, j int) bool {
		ri, rj := rank(recs[i]), rank(recs[j])
		if ri != rj {
			return ri < rj
		}
		if recs[i].Source != recs[j].Source {
			return recs[i].Source < recs[j].Source
		}
		return recs[i].ID < recs[j].ID
	})
}

func countSources(recs []intel.Actor) int {
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Source] = true
	}
	return len(seen)
}
