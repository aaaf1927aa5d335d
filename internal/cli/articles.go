package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/intel"
	"github.com/pactwatch/pactwatch/internal/osint"
	"github.com/pactwatch/pactwatch/internal/pipeline"
	"github.com/pactwatch/pactwatch/internal/store"
)

// defaultOutletKey is the --reliability outlet name that sets the grade of
// outlets not listed.
const defaultOutletKey = "*"

type articleIngestFlags struct {
	published   string
	outlet      string
	format      string
	reliability []string
	jsonOut     bool
}

func (a *app) articlesCommand() *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "articles",
		Short: "List open-source articles as sources (syndicated copies collapsed) and stories",
		Long: `List the stored articles grouped into sources, each a set of near-duplicates
(syndicated copies, copies with an added title, inserted advertisements or a
cut ending) that counts once as evidence, and the stories that group
different sources reporting the same events. --json prints the sources,
each with its id, story, outlet and articles (ids) and files.`,
		Example: `  pactwatch articles ingest --published 2015-10-22 reuters.txt copy.html
  pactwatch articles
  pactwatch articles --json`,
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
			if jsonOut {
				if r.Sources == nil {
					r.Sources = []osint.Source{}
				}
				return writeJSON(a.stdout, r.Sources)
			}
			arts, err := st.Articles(ctx)
			if err != nil {
				return err
			}
			return a.printSources(arts, r)
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the sources as JSON")
	cmd.AddCommand(a.articlesIngestCommand())
	return cmd
}

func (a *app) articlesIngestCommand() *cobra.Command {
	var fl articleIngestFlags
	cmd := &cobra.Command{
		Use:   "ingest FILE...",
		Short: "Read articles (text, HTML, NDJSON), collapse syndicated copies, extract and corroborate claims",
		Long: `Read open-source articles and store them, then recompute from every stored
article the sources (near-duplicates collapsed), the stories and the claims
with the number of independent sources behind each.

Formats (detected from the name and content, or --format):
  text     plain text; the first line is the title when it looks like one
  html     a page; boilerplate (ADVERTISEMENT, share, follow and donation
           lines, photo credits) is stripped
  ndjson   one {"id", "title", "text", "outlet", "url", "published"} a line

--published and --outlet fill what the input does not say (metadata in the
file wins). Without a publication date relative dates ("on Monday", "the
very next day") stay unresolved and say so.

Outlets are graded on the Admiralty scale, A (completely reliable) to F
(cannot be judged, the default): --reliability Reuters=B, repeatable, is
kept in the database; --reliability '*=C' sets the grade of every outlet
not listed.

Actors are resolved against the intel in the database: import MITRE ATT&CK
('pactwatch intel import enterprise-attack.json') to resolve every group
and alias. Without any, a built-in list of the groups of the 2015 reporting
(Deep Panda, APT19, APT3, APT17, menuPass, APT1, Axiom) is used.

Re-ingesting a file adds nothing. Bad input is reported as file:line:
reason and counted.`,
		Example: `  pactwatch articles ingest --published 2015-10-22 000.txt 001.txt 002.txt
  pactwatch articles ingest --published 2015-10-20 --outlet "The Hill" 004.txt
  pactwatch articles ingest feed.ndjson --reliability Reuters=B --reliability '*=C'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			return a.runArticlesIngest(cmd.Context(), files, fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.published, "published", "", "publication date of articles that do not give one (2015-10-20)")
	f.StringVar(&fl.outlet, "outlet", "", "outlet of articles that do not name one")
	f.StringVar(&fl.format, "format", "", "force the format: text, html, ndjson (default: detect)")
	f.StringArrayVar(&fl.reliability, "reliability", nil, "Admiralty grade A-F of an outlet, OUTLET=GRADE; '*=GRADE' for the rest (repeatable)")
	f.BoolVar(&fl.jsonOut, "json", false, "print what was read and found as JSON")
	return cmd
}

// articleIngestResult is what 'articles ingest --json' prints.
type articleIngestResult struct {
	Files      int                `json:"files"`
	Read       int                `json:"read"`
	Errors     []string           `json:"errors"`
	Stored     store.ArticleStats `json:"stored"`
	Articles   int                `json:"articles"` // stored in all
	Sources    int                `json:"sources"`
	Stories    int                `json:"stories"`
	Duplicates int                `json:"duplicates"`
	Claims     int                `json:"claims"`
	Reports    int                `json:"reports"`
}

func (a *app) runArticlesIngest(ctx context.Context, files []string, fl articleIngestFlags) error {
	var opt osint.ReadOptions
	if fl.published != "" {
		t, err := osint.ParsePublished(fl.published)
		if err != nil {
			return usagef("--published %q: %w", fl.published, err)
		}
		opt.Published = t
	}
	opt.Outlet = fl.outlet
	switch osint.Format(fl.format) {
	case "", osint.Text, osint.HTML, osint.NDJSON:
		opt.Format = osint.Format(fl.format)
	default:
		return usagef("--format %q: want text, html or ndjson", fl.format)
	}
	ratings, err := parseRatings(fl.reliability)
	if err != nil {
		return usageError{err}
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}

	res := articleIngestResult{Files: len(files), Errors: []string{}}
	var read []osint.Article
	byID := map[string]osint.Article{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("read articles: %w", err)
		}
		as, errs := osint.Read(name, data, opt)
		for _, e := range errs {
			res.Errors = append(res.Errors, e.Error())
		}
		for _, art := range as {
			if prev, ok := byID[art.ID]; ok {
				if prev.Digest != art.Digest || prev.File != art.File {
					res.Errors = append(res.Errors, (&osint.ParseError{File: art.File, Line: art.Line, Field: "id",
						Err: fmt.Errorf("article id %s is already used by %s; give the file another name or the record another id", art.ID, where(prev))}).Error())
				}
				continue
			}
			byID[art.ID] = art
			read = append(read, art)
		}
	}
	res.Read = len(read)
	for _, e := range res.Errors {
		fmt.Fprintln(a.stderr, e)
	}

	if len(ratings) > 0 {
		if err := st.PutRatings(ctx, ratings); err != nil {
			return err
		}
	}
	if res.Stored, err = st.PutArticles(ctx, read); err != nil {
		return err
	}
	all, r, err := a.reanalyseArticles(ctx, st)
	if err != nil {
		return err
	}
	res.Articles, res.Sources, res.Stories, res.Claims, res.Reports = len(all), len(r.Sources), len(r.Stories), len(r.Claims), len(r.Reports)
	for _, s := range r.Sources {
		res.Duplicates += len(s.Articles) - 1
	}
	if fl.jsonOut {
		if err := writeJSON(a.stdout, res); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(a.stdout, "read %d articles from %d files, %d errors; stored %d new, %d updated, %d unchanged\n",
			res.Read, res.Files, len(res.Errors), res.Stored.New, res.Stored.Updated, res.Stored.Unchanged)
		for _, art := range read {
			fmt.Fprintf(a.stdout, "  %s  %s  %s  %s\n", art.ID, dateOr(art.Published, "no date"), firstNonEmpty(art.Outlet, "-"), truncate(firstNonEmpty(art.Title, "(no title)"), 70))
		}
		fmt.Fprintf(a.stdout, "%d articles in the database: %d sources, %d stories, %d duplicates; %d claims in %d reports\n",
			res.Articles, res.Sources, res.Stories, res.Duplicates, res.Claims, res.Reports)
		for _, s := range r.Sources {
			if len(s.Articles) > 1 {
				fmt.Fprintf(a.stdout, "  one source %s: %s (similarity %.2f)\n", s.ID, strings.Join(s.Articles, ", "), s.Similarity)
			}
		}
	}
	if len(read) == 0 && len(res.Errors) > 0 {
		return fmt.Errorf("no article could be read from %d files (%d errors)", len(files), len(res.Errors))
	}
	return nil
}

func where(a osint.Article) string {
	if a.Line > 0 {
		return fmt.Sprintf("%s:%d", a.File, a.Line)
	}
	return a.File
}

func dateOr(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return t.Format(time.DateOnly)
}

// parseRatings reads --reliability OUTLET=GRADE flags.
func parseRatings(flags []string) (map[string]osint.Reliability, error) {
	out := map[string]osint.Reliability{}
	for _, f := range flags {
		outlet, grade, ok := strings.Cut(f, "=")
		outlet, grade = strings.TrimSpace(outlet), strings.ToUpper(strings.TrimSpace(grade))
		if !ok || outlet == "" {
			return nil, fmt.Errorf("--reliability %q: want OUTLET=GRADE", f)
		}
		if g := osint.Reliability(grade); !g.Valid() {
			return nil, fmt.Errorf("--reliability %q: grade %q is not A to F", f, grade)
		}
		out[outlet] = osint.Reliability(grade)
	}
	return out, nil
}

// outletRatings turns the stored grades into osint.Ratings: '*' is the
// default, F (cannot be judged) when not set.
func outletRatings(stored map[string]osint.Reliability) osint.Ratings {
	r := osint.Ratings{Default: osint.CannotBeJudged, Outlets: map[string]osint.Reliability{}}
	for o, g := range stored {
		if o == defaultOutletKey {
			r.Default = g
			continue
		}
		r.Outlets[o] = g
	}
	return r
}

// reanalyseArticles recomputes sources, stories, claims and reports from
// every stored article and replaces the stored ones.
func (a *app) reanalyseArticles(ctx context.Context, st store.Store) ([]osint.Article, store.OSINT, error) {
	all, err := st.Articles(ctx)
	if err != nil {
		return nil, store.OSINT{}, err
	}
	actors, err := articleActors(ctx, st)
	if err != nil {
		return nil, store.OSINT{}, err
	}
	agreements, err := pipeline.Agreements(ctx, st)
	if err != nil {
		return nil, store.OSINT{}, err
	}
	stored, err := st.Ratings(ctx)
	if err != nil {
		return nil, store.OSINT{}, err
	}
	res := osint.Analyse(all, osint.Options{Actors: actors, Agreements: agreements, Ratings: outletRatings(stored)})
	r := store.OSINT{Sources: res.Sources, Stories: res.Stories, Claims: res.Claims, Reports: res.Reports}
	if err := st.ReplaceOSINT(ctx, r); err != nil {
		return nil, store.OSINT{}, err
	}
	return all, r, nil
}

// articleActors are the actor records claims are resolved against: the
// store's, or the built-in fallback when the store holds none.
func articleActors(ctx context.Context, st store.Store) ([]intel.Actor, error) {
	actors, err := st.Actors(ctx)
	if err != nil {
		return nil, err
	}
	if len(actors) == 0 {
		return fallbackActors(), nil
	}
	return actors, nil
}

// fallbackActors are the groups of the 2015 reporting as MITRE ATT&CK 18.1
// names them, used when no intel has been imported. Importing ATT&CK
// resolves every group and alias.
func fallbackActors() []intel.Actor {
	mk := func(id, name, ext string, aliases ...string) intel.Actor {
		return intel.Actor{ID: "intrusion-set--" + id, Name: name, ExternalID: ext, Source: "pactwatch-fallback", Aliases: aliases}
	}
	return []intel.Actor{
		mk("a653431d-6a5e-4600-8ad3-609b5af57064", "Deep Panda", "G0009", "Shell Crew", "WebMasters", "KungFu Kittens", "PinkPanther", "Black Vine"),
		mk("fe8796a4-2a02-41a0-9d27-7aa1e995feb6", "APT19", "G0073", "Codoso", "C0d0so0", "Codoso Team", "Sunshop Group"),
		mk("0bbdf25b-30ff-4894-a1cd-49260d0dd2d9", "APT3", "G0022", "Gothic Panda", "Pirpi", "UPS Team", "Buckeye", "Threat Group-0110", "TG-0110"),
		mk("090242d7-73fc-4738-af68-20162f7a5aae", "APT17", "G0025", "Deputy Dog"),
		mk("222fbd21-fc4f-4b7e-9f85-0e6e3a76c33f", "menuPass", "G0045", "Cicada", "POTASSIUM", "Stone Panda", "APT10", "Red Apollo", "CVNX", "HOGFISH", "BRONZE RIVERSIDE"),
		mk("6a2e693f-24e5-451a-9f88-b36a108e5662", "APT1", "G0006", "Comment Crew", "Comment Group", "Comment Panda"),
		mk("a0cb9370-e39b-44d5-9f50-ef78e412b973", "Axiom", "G0001", "Group 72"),
	}
}

// printSources prints sources, duplicates and stories for people.
func (a *app) printSources(arts []osint.Article, r store.OSINT) error {
	if len(r.Sources) == 0 {
		fmt.Fprintln(a.stdout, "no articles; add some with 'pactwatch articles ingest FILE...'")
		return nil
	}
	byID := make(map[string]osint.Article, len(arts))
	for _, art := range arts {
		byID[art.ID] = art
	}
	t := newTable(a.stdout, "SOURCE", "STORY", "OUTLET", "PUBLISHED", "ARTICLES", "TITLE")
	for _, s := range r.Sources {
		title := ""
		for _, id := range s.Articles {
			if title = byID[id].Title; title != "" {
				break
			}
		}
		t.row(s.ID, s.Story, firstNonEmpty(strings.Join(s.Outlets, ", "), s.Outlet, "-"), dateOr(s.Published, "-"), strings.Join(s.Articles, ", "), truncate(firstNonEmpty(title, "-"), 50))
	}
	if err := t.flush(); err != nil {
		return err
	}
	dups := 0
	for _, s := range r.Sources {
		if len(s.Articles) < 2 {
			continue
		}
		if dups == 0 {
			fmt.Fprintln(a.stdout, "\nduplicates (each set counts once):")
		}
		dups += len(s.Articles) - 1
		fmt.Fprintf(a.stdout, "  %s: %s (lowest similarity %.2f)\n", s.ID, strings.Join(s.Articles, " = "), s.Similarity)
	}
	fmt.Fprintln(a.stdout, "\nstories:")
	for _, s := range r.Stories {
		shared := slices.Clone(s.Shared)
		sort.Strings(shared)
		fmt.Fprintf(a.stdout, "  %s: %d sources, %d articles", s.ID, len(s.Sources), len(s.Articles))
		if len(shared) > 0 {
			fmt.Fprintf(a.stdout, "; shared: %s", truncate(strings.Join(shared, ", "), 100))
		}
		fmt.Fprintln(a.stdout)
	}
	fmt.Fprintf(a.stdout, "\n%d articles, %d sources, %d stories, %d duplicates\n", len(arts), len(r.Sources), len(r.Stories), dups)
	return nil
}
