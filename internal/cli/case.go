package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/pact"
	"github.com/pactwatch/pactwatch/internal/store"
)

// caseFlags are the flags every case subcommand shares.
type caseFlags struct {
	by string // who acts; default $USER or "analyst"
	at string // when, RFC 3339; default now (hidden: for tests, demos and back-dated entries)
}

func (cf *caseFlags) who(a *app) string {
	if strings.TrimSpace(cf.by) != "" {
		return cf.by
	}
	if u := a.getenv("USER"); u != "" {
		return u
	}
	return "analyst"
}

func (cf *caseFlags) now() (time.Time, error) {
	if cf.at == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, cf.at)
	if err != nil {
		return time.Time{}, usagef("--at %q: want an RFC 3339 time such as 2015-10-20T09:00:00Z", cf.at)
	}
	return t.UTC(), nil
}

func (a *app) caseCommand() *cobra.Command {
	cf := &caseFlags{}
	cmd := &cobra.Command{
		Use:   "case",
		Short: "Build cases from findings, refer them to the counterparty and follow the answers",
		Long: `A case bundles findings against one counterparty under one agreement and
follows its referral: draft -> referred -> acknowledged -> answered
(disputed, investigating, action-taken, rejected), overdue when the
agreement's answer time (obligations.response_days) passes, and closed.
Every move is logged with who (--by, default $USER), when and why; moves the
workflow does not allow are refused. A case is checked for a passed
deadline whenever it is loaded, and the overdue move is stored.

Evidence is attached to the five links of a finding's enforcement chain
(incursion, attribution, exfiltration, benefit-conferred,
information-used): a note, a file (stored in the database by its SHA-256),
a reference to events or sightings, or an outside document. Each link's
status follows from its evidence; 'case override' sets it by decision and
needs a reason.`,
		Example: `  pactwatch case open --agreement us-cn-2015 --finding F-1057fdd0fdba
  pactwatch case refer C-1a2b3c4d --by "J. Smith" --why "request under the 2015 understanding"
  pactwatch case answer C-1a2b3c4d --response investigating --text "under review" --from MPS
  pactwatch case evidence add F-1057fdd0fdba --link exfiltration --file staging.zip
  pactwatch case show C-1a2b3c4d`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&cf.by, "by", "", "who acts (default $USER, else analyst)")
	pf.StringVar(&cf.at, "at", "", "when, as an RFC 3339 time (default now)")
	_ = pf.MarkHidden("at")

	cmd.AddCommand(a.caseOpenCommand(cf), a.caseListCommand(cf), a.caseShowCommand(cf),
		a.caseMoveCommand(cf, "refer", casework.Referred, "Refer a case to the counterparty as a request; the answer deadline starts",
			`  pactwatch case refer C-1a2b3c4d --by "J. Smith" --why "request for information and assistance"`),
		a.caseMoveCommand(cf, "ack", casework.Acknowledged, "Record that the counterparty acknowledged receipt (the deadline still runs)",
			`  pactwatch case ack C-1a2b3c4d --why "receipt confirmed by hotline"`),
		a.caseMoveCommand(cf, "close", casework.Closed, "Close a case (needs --why)",
			`  pactwatch case close C-1a2b3c4d --why "answered satisfactorily at the December dialogue"`),
		a.caseAnswerCommand(cf), a.caseNoteCommand(cf), a.caseEvidenceCommand(cf), a.caseOverrideCommand(cf))
	return cmd
}

// loadCase reads a case and brings it up to date at now: a deadline that
// has passed moves it to overdue, and that move is stored.
func (a *app) loadCase(ctx context.Context, st store.Store, id string, now time.Time) (casework.Case, error) {
	c, err := st.Case(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, fmt.Errorf("no case %s; 'pactwatch case list' lists them", id)
	}
	if err != nil {
		return c, err
	}
	c2, changed := casework.CheckOverdue(c, now)
	if changed {
		if err := st.PutCase(ctx, c2); err != nil {
			return c, err
		}
		fmt.Fprintf(a.stderr, "case %s: no answer by the deadline %s: now overdue\n", c.ID, day(c2.Deadline))
	}
	return c2, nil
}

// updateCase loads case id as of the --at time (catching an overdue
// deadline first), applies change to it and stores the result: the one
// path every state-changing case command takes.
func (a *app) updateCase(ctx context.Context, cf *caseFlags, id string, change func(c casework.Case, now time.Time) (casework.Case, error)) (casework.Case, time.Time, error) {
	now, err := cf.now()
	if err != nil {
		return casework.Case{}, now, err
	}
	st, err := a.store(ctx)
	if err != nil {
		return casework.Case{}, now, err
	}
	c, err := a.loadCase(ctx, st, id, now)
	if err != nil {
		return c, now, err
	}
	if c, err = change(c, now); err != nil {
		return c, now, err
	}
	return c, now, st.PutCase(ctx, c)
}

func (a *app) loadCases(ctx context.Context, st store.Store, now time.Time) ([]casework.Case, error) {
	cs, err := st.Cases(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if c, changed := casework.CheckOverdue(cs[i], now); changed {
			if err := st.PutCase(ctx, c); err != nil {
				return nil, err
			}
			fmt.Fprintf(a.stderr, "case %s: no answer by the deadline %s: now overdue\n", c.ID, day(c.Deadline))
			cs[i] = c
		}
	}
	return cs, nil
}

// caseID derives a case id from what it bundles, so that opening the same
// case twice finds the first.
func caseID(agreementID, counterparty string, findingIDs []string) string {
	ids := slices.Clone(findingIDs)
	slices.Sort(ids)
	h := sha256.Sum256([]byte(agreementID + "\x00" + counterparty + "\x00" + strings.Join(ids, "\x00")))
	return "C-" + hex.EncodeToString(h[:4])
}

// openCase opens a draft case under ag on the findings with ids.
func openCase(ctx context.Context, st store.Store, ag pact.Agreement, findingIDs []string, id, who string, now time.Time) (casework.Case, error) {
	all, err := st.Findings(ctx)
	if err != nil {
		return casework.Case{}, err
	}
	var fs []pact.Finding
	for _, fid := range findingIDs {
		var found *pact.Finding
		for i := range all {
			if all[i].ID == fid {
				found = &all[i]
				break
			}
		}
		if found == nil {
			return casework.Case{}, fmt.Errorf("no finding %s; 'pactwatch findings --agreement %s' lists them", fid, ag.ID)
		}
		if found.AgreementID != ag.ID {
			return casework.Case{}, fmt.Errorf("finding %s is under %s, not %s: a case bundles findings under one agreement", fid, found.AgreementID, ag.ID)
		}
		if found.Counterparty == "" {
			return casework.Case{}, fmt.Errorf("finding %s is held against no party (%s): it cannot be referred", fid, found.Verdict)
		}
		if len(fs) > 0 && found.Counterparty != fs[0].Counterparty {
			return casework.Case{}, fmt.Errorf("finding %s is held against %s, finding %s against %s: a case bundles findings against one counterparty", fid, found.Counterparty, fs[0].ID, fs[0].Counterparty)
		}
		fs = append(fs, *found)
	}
	if id == "" {
		id = caseID(ag.ID, fs[0].Counterparty, findingIDs)
	}
	c, err := casework.New(id, ag, fs, casework.PolicyFor(ag), who, now)
	if err != nil {
		return casework.Case{}, err
	}
	if err := st.CreateCase(ctx, c); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return casework.Case{}, fmt.Errorf("case %s exists already: 'pactwatch case show %s'", id, id)
		}
		return casework.Case{}, err
	}
	return c, nil
}

func (a *app) caseOpenCommand(cf *caseFlags) *cobra.Command {
	var agreementID, id string
	var findings []string
	cmd := &cobra.Command{
		Use:   "open --agreement ID --finding F-... [--finding F-...]",
		Short: "Open a draft case on findings against one counterparty under one agreement",
		Example: `  pactwatch case open --agreement us-cn-2015 --finding F-1057fdd0fdba --finding F-82608484201a
  pactwatch case open --agreement gb-cn-2015 --finding F-6d8ec0c66cc5 --id thameside-2015`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if agreementID == "" || len(findings) == 0 {
				return usagef("case open needs --agreement and at least one --finding")
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
			c, err := openCase(ctx, st, ag, findings, id, cf.who(a), now)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "opened case %s (draft): %d findings against %s under %s\n", c.ID, len(c.FindingIDs), c.Counterparty, c.AgreementID)
			if c.ResponseDays > 0 {
				fmt.Fprintf(a.stdout, "refer it to start the %d-day answer deadline: pactwatch case refer %s\n", c.ResponseDays, c.ID)
			} else {
				fmt.Fprintf(a.stdout, "refer it with: pactwatch case refer %s (%s sets no answer deadline)\n", c.ID, c.AgreementID)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&agreementID, "agreement", "", "agreement id (required)")
	cmd.Flags().StringArrayVar(&findings, "finding", nil, "finding id (repeatable, at least one)")
	cmd.Flags().StringVar(&id, "id", "", "case id (default C- and a digest of agreement, counterparty and findings)")
	return cmd
}

// caseRow is one case in 'case list --json'.
func (a *app) caseListCommand(cf *caseFlags) *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List cases with their state and deadline",
		Example: "  pactwatch case list\n  pactwatch case list --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			now, err := cf.now()
			if err != nil {
				return err
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			cs, err := a.loadCases(ctx, st, now)
			if err != nil {
				return err
			}
			if jsonOut {
				if cs == nil {
					cs = []casework.Case{}
				}
				return writeJSON(a.stdout, cs)
			}
			if len(cs) == 0 {
				fmt.Fprintln(a.stderr, "no cases; open one with 'pactwatch case open --agreement ID --finding F-...'")
				return nil
			}
			t := newTable(a.stdout, "CASE", "AGREEMENT", "AGAINST", "STATE", "FINDINGS", "OPENED", "REFERRED", "ANSWER DUE", "LAST ANSWER")
			for _, c := range cs {
				last := "-"
				if ans, ok := c.LastAnswer(); ok {
					last = string(ans.Response) + " " + day(ans.Received)
				}
				t.row(c.ID, c.AgreementID, c.Counterparty, string(c.State), fmt.Sprint(len(c.FindingIDs)), day(c.Opened()),
					dayOr(c.Referred, "-"), dayOr(c.Deadline, "-"), last)
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}

func dayOr(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return day(t)
}

// caseView is a case with the chain of each of its findings.
type caseView struct {
	Case     casework.Case `json:"case"`
	Findings []findingView `json:"findings"`
}

type findingView struct {
	Finding pact.Finding         `json:"finding"`
	Chain   []casework.LinkState `json:"chain"`
	Missing []string             `json:"missing"`
}

// viewCase gathers the findings of c with their chains, from the stored
// findings, evidence and overrides. A finding no longer stored (the
// analysis was redone without it) is shown by id alone.
func viewCase(ctx context.Context, st store.Store, c casework.Case, all []pact.Finding) (caseView, error) {
	v := caseView{Case: c, Findings: []findingView{}}
	ev, err := st.Evidence(ctx, c.FindingIDs...)
	if err != nil {
		return v, err
	}
	ov, err := st.Overrides(ctx, c.FindingIDs...)
	if err != nil {
		return v, err
	}
	for _, fid := range c.FindingIDs {
		f := pact.Finding{ID: fid, AgreementID: c.AgreementID, Counterparty: c.Counterparty}
		for _, x := range all {
			if x.ID == fid {
				f = x
				break
			}
		}
		chain := casework.Chain(f, ev, ov)
		missing := casework.MissingLinks(chain)
		if missing == nil {
			missing = []string{}
		}
		v.Findings = append(v.Findings, findingView{Finding: f, Chain: chain, Missing: missing})
	}
	return v, nil
}

func (a *app) caseShowCommand(cf *caseFlags) *cobra.Command {
	var jsonOut bool
	cmd := &cobra.Command{
		Use:     "show ID",
		Short:   "Show a case: deadline, answers, each finding's chain with what is missing, and the full log",
		Example: "  pactwatch case show C-1a2b3c4d\n  pactwatch case show C-1a2b3c4d --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			now, err := cf.now()
			if err != nil {
				return err
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			c, err := a.loadCase(ctx, st, args[0], now)
			if err != nil {
				return err
			}
			all, err := st.Findings(ctx)
			if err != nil {
				return err
			}
			v, err := viewCase(ctx, st, c, all)
			if err != nil {
				return err
			}
			if jsonOut {
				return writeJSON(a.stdout, v)
			}
			a.printCase(v, now)
			return nil
		},
	}
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	return cmd
}

func (a *app) printCase(v caseView, now time.Time) {
	w, c := a.stdout, v.Case
	fmt.Fprintf(w, "Case %s: %d findings against %s under %s\n", c.ID, len(c.FindingIDs), c.Counterparty, c.AgreementID)
	fmt.Fprintf(w, "  state:    %s\n", strings.ToUpper(string(c.State)))
	fmt.Fprintf(w, "  opened:   %s\n", day(c.Opened()))
	if !c.Referred.IsZero() {
		fmt.Fprintf(w, "  referred: %s\n", day(c.Referred))
	}
	switch {
	case !c.Deadline.IsZero():
		left := ""
		if c.State == casework.Referred || c.State == casework.Acknowledged {
			left = fmt.Sprintf(", %d days left", int(c.Deadline.Sub(now).Hours()/24))
		}
		fmt.Fprintf(w, "  deadline: %s (%d days from referral%s)\n", day(c.Deadline), c.ResponseDays, left)
	case c.ResponseDays == 0:
		fmt.Fprintf(w, "  deadline: none (%s sets no answer time)\n", c.AgreementID)
	default:
		fmt.Fprintf(w, "  deadline: %d days from referral (not referred yet)\n", c.ResponseDays)
	}
	for _, ans := range c.Answers {
		fmt.Fprintf(w, "  answer:   %s %s\n", day(ans.Received), ans.Summary())
	}
	if next := casework.Allowed(c.State); len(next) > 0 {
		s := make([]string, len(next))
		for i, n := range next {
			s[i] = string(n)
		}
		fmt.Fprintf(w, "  next:     %s\n", strings.Join(s, ", "))
	}
	for _, fv := range v.Findings {
		f := fv.Finding
		fmt.Fprintf(w, "\nFinding %s  %s  %s  %s  %s\n", f.ID, f.IntrusionID, dayOr(f.Start, "?"), firstNonEmpty(string(f.Verdict), "?"), firstNonEmpty(f.Actor, "unattributed"))
		for i, l := range fv.Chain {
			mark := ""
			if l.Override != nil {
				mark = fmt.Sprintf(" (override by %s: %s)", l.Override.Who, l.Override.Reason)
			}
			fmt.Fprintf(w, "  %d. %-18s %-16s %s%s\n", i+1, l.Name, l.Status, l.Basis, mark)
			for _, e := range l.Evidence {
				fmt.Fprintf(w, "       %s %-8s %s %s\n", e.Key(), e.Kind, evidenceText(e), "("+e.Who+", "+day(e.When)+")")
			}
		}
		if len(fv.Missing) > 0 {
			fmt.Fprintf(w, "  still missing:\n")
			for _, m := range fv.Missing {
				fmt.Fprintf(w, "   - %s\n", m)
			}
		}
	}
	fmt.Fprintf(w, "\nLog\n")
	t := newTable(w, "  WHEN (UTC)", "FROM", "TO", "WHO", "WHY")
	for _, e := range c.Log {
		t.row("  "+e.When.UTC().Format("2006-01-02 15:04"), string(e.From), string(e.To), e.Who, e.Why)
	}
	t.flush()
}

func evidenceText(e casework.Evidence) string {
	parts := []string{}
	if e.Ref != "" {
		parts = append(parts, e.Ref)
	}
	if e.Digest != "" {
		parts = append(parts, "sha256:"+e.Digest[:12])
	}
	if e.Text != "" {
		parts = append(parts, fmt.Sprintf("%q", truncate(e.Text, 80)))
	}
	return strings.Join(parts, " ")
}

// caseMoveCommand makes a command that moves a case to state to.
func (a *app) caseMoveCommand(cf *caseFlags, name string, to casework.State, short, example string) *cobra.Command {
	var why string
	cmd := &cobra.Command{
		Use:     name + " ID",
		Short:   short,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if to == casework.Closed && strings.TrimSpace(why) == "" {
				return usagef("closing a case needs --why")
			}
			c, _, err := a.updateCase(ctx, cf, args[0], func(c casework.Case, now time.Time) (casework.Case, error) {
				return casework.Advance(c, to, cf.who(a), why, now)
			})
			if err != nil {
				return err
			}
			a.printMoved(c)
			return nil
		},
	}
	cmd.Flags().StringVar(&why, "why", "", "reason or note logged with the move")
	return cmd
}

func (a *app) printMoved(c casework.Case) {
	e := c.Log[len(c.Log)-1]
	fmt.Fprintf(a.stdout, "case %s: %s -> %s by %s at %s", c.ID, e.From, e.To, e.Who, e.When.UTC().Format(time.RFC3339))
	if c.State == casework.Referred && !c.Deadline.IsZero() {
		fmt.Fprintf(a.stdout, "; answer due %s", day(c.Deadline))
	}
	fmt.Fprintln(a.stdout)
}

func (a *app) caseAnswerCommand(cf *caseFlags) *cobra.Command {
	var response, text, from, as string
	cmd := &cobra.Command{
		Use:   "answer ID --response disputed|investigating|action-taken|rejected --text TEXT",
		Short: "Record the counterparty's answer (kept as a STIX 2.1 opinion or note)",
		Example: `  pactwatch case answer C-1a2b3c4d --response investigating --text "The Ministry is investigating" --from "Ministry of Public Security"
  pactwatch case answer C-1a2b3c4d --response disputed --text "..." --as note`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r := casework.Response(response)
			if !slices.Contains(casework.Responses, r) {
				return usagef("--response %q: want disputed, investigating, action-taken or rejected", response)
			}
			if as != casework.STIXOpinion && as != casework.STIXNote {
				return usagef("--as %q: want opinion or note", as)
			}
			c, _, err := a.updateCase(ctx, cf, args[0], func(c casework.Case, now time.Time) (casework.Case, error) {
				ans := casework.Answer{Response: r, From: from, Received: now, Text: text}
				if ans.From == "" {
					ans.From = c.Counterparty
				}
				var err error
				if ans.Object, err = casework.AnswerObject(c, ans, as, nil); err != nil {
					return c, err
				}
				return casework.Respond(c, ans, cf.who(a), now)
			})
			if err != nil {
				return err
			}
			a.printMoved(c)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&response, "response", "", "disputed, investigating, action-taken or rejected (required)")
	f.StringVar(&text, "text", "", "the answer in its words, or a summary")
	f.StringVar(&from, "from", "", "who answered (default the counterparty)")
	f.StringVar(&as, "as", casework.STIXOpinion, "keep the answer as a STIX opinion or note")
	return cmd
}

func (a *app) caseEvidenceCommand(cf *caseFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Attach evidence to a link of a finding's enforcement chain, or list it",
		Example: `  pactwatch case evidence add F-1057fdd0fdba --link incursion --events eve.json:1234
  pactwatch case evidence list F-1057fdd0fdba`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var link, noteText, file, events, document, text string
	add := &cobra.Command{
		Use:   "add FINDING --link LINK (--note TEXT | --file PATH | --events REF | --document TEXT/URL)",
		Short: "Attach a note, a file (stored by its SHA-256), an events reference or an outside document to one link",
		Long: `Attach one item of evidence to one link of a finding's chain: incursion,
attribution, exfiltration, benefit-conferred or information-used. The link's
status follows from its evidence: events or a file establish an incursion
or an exfiltration; items of two different kinds (other than notes)
establish any link; a note alone only supports. Files are stored in the
database, once per content.`,
		Example: `  pactwatch case evidence add F-1057fdd0fdba --link exfiltration --file flows.csv --text "4 GB to the C2"
  pactwatch case evidence add F-1057fdd0fdba --link benefit-conferred --document https://patents.example/CN1234 --text "patent filed 2016-03"
  pactwatch case evidence add F-1057fdd0fdba --link attribution --note "same operator handle as 2014 case"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			n := 0
			for _, s := range []string{noteText, file, events, document} {
				if s != "" {
					n++
				}
			}
			if n != 1 {
				return usagef("give exactly one of --note, --file, --events, --document")
			}
			if !slices.Contains(casework.Links, link) {
				return usagef("--link %q: want one of %s", link, strings.Join(casework.Links, ", "))
			}
			now, err := cf.now()
			if err != nil {
				return err
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			f, err := findFinding(ctx, st, args[0])
			if err != nil {
				return err
			}
			e := casework.Evidence{FindingID: f.ID, Link: link, Text: text, Who: cf.who(a), When: now}
			switch {
			case noteText != "":
				e.Kind, e.Text = casework.EvidenceNote, strings.TrimSpace(strings.Join([]string{noteText, text}, " "))
			case events != "":
				e.Kind, e.Ref = casework.EvidenceEvents, events
			case document != "":
				e.Kind, e.Ref = casework.EvidenceDocument, document
			case file != "":
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				d, err := st.PutFile(ctx, b)
				if err != nil {
					return err
				}
				e = casework.FileEvidence(f.ID, link, filepath.Base(file), b, text, cf.who(a), now)
				if e.Digest != d {
					return fmt.Errorf("file %s: stored digest %s differs from %s", file, d, e.Digest)
				}
			}
			before, err := linkState(ctx, st, f, link)
			if err != nil {
				return err
			}
			added, err := st.AddEvidence(ctx, e)
			if err != nil {
				return err
			}
			after, err := linkState(ctx, st, f, link)
			if err != nil {
				return err
			}
			verb := "attached"
			if !added {
				verb = "already attached"
			}
			fmt.Fprintf(a.stdout, "%s %s evidence %s to %s %s\n", verb, e.Kind, e.Key(), f.ID, link)
			if before.Status != after.Status {
				fmt.Fprintf(a.stdout, "%s: %s -> %s (%s)\n", link, before.Status, after.Status, after.Basis)
			} else {
				fmt.Fprintf(a.stdout, "%s: still %s (%s)\n", link, after.Status, after.Basis)
			}
			if after.Missing != "" {
				fmt.Fprintf(a.stdout, "to establish it: %s\n", after.Missing)
			}
			return nil
		},
	}
	af := add.Flags()
	af.StringVar(&link, "link", "", "incursion, attribution, exfiltration, benefit-conferred or information-used (required)")
	af.StringVar(&noteText, "note", "", "an analyst's note")
	af.StringVar(&file, "file", "", "a file to store (by the SHA-256 of its content)")
	af.StringVar(&events, "events", "", "a reference to events or sightings, e.g. eve.json:1234 or an intrusion id")
	af.StringVar(&document, "document", "", "an outside document: URL or citation")
	af.StringVar(&text, "text", "", "what the item shows")

	var jsonOut bool
	list := &cobra.Command{
		Use:     "list [FINDING...]",
		Short:   "List the evidence attached to findings (all findings without arguments)",
		Example: "  pactwatch case evidence list F-1057fdd0fdba",
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			ev, err := st.Evidence(cmd.Context(), args...)
			if err != nil {
				return err
			}
			if jsonOut {
				if ev == nil {
					ev = []casework.Evidence{}
				}
				return writeJSON(a.stdout, ev)
			}
			t := newTable(a.stdout, "KEY", "FINDING", "LINK", "KIND", "WHAT", "WHO", "WHEN")
			for _, e := range ev {
				t.row(e.Key(), e.FindingID, e.Link, string(e.Kind), evidenceText(e), e.Who, day(e.When))
			}
			return t.flush()
		},
	}
	list.Flags().BoolVar(&jsonOut, "json", false, "print JSON")
	cmd.AddCommand(add, list)
	return cmd
}

func findFinding(ctx context.Context, st store.Store, id string) (pact.Finding, error) {
	fs, err := st.Findings(ctx)
	if err != nil {
		return pact.Finding{}, err
	}
	for _, f := range fs {
		if f.ID == id {
			return f, nil
		}
	}
	return pact.Finding{}, fmt.Errorf("no finding %s; 'pactwatch findings' lists them", id)
}

// linkState derives one link of f's chain from the stored evidence and
// overrides.
func linkState(ctx context.Context, st store.Store, f pact.Finding, link string) (casework.LinkState, error) {
	ev, err := st.Evidence(ctx, f.ID)
	if err != nil {
		return casework.LinkState{}, err
	}
	ov, err := st.Overrides(ctx, f.ID)
	if err != nil {
		return casework.LinkState{}, err
	}
	for _, l := range casework.Chain(f, ev, ov) {
		if l.Name == link {
			return l, nil
		}
	}
	return casework.LinkState{}, fmt.Errorf("link %q: not in the chain", link)
}

func (a *app) caseOverrideCommand(cf *caseFlags) *cobra.Command {
	var link, status, why string
	cmd := &cobra.Command{
		Use:     "override FINDING --link LINK --status established|supported|not-established --why TEXT",
		Short:   "Set a link's status by decision, with a recorded reason",
		Example: `  pactwatch case override F-1057fdd0fdba --link attribution --status established --why "joint attribution by the Five Eyes, 2018-12-20"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if strings.TrimSpace(why) == "" {
				return usagef("an override needs --why: the reason is recorded with it")
			}
			if !slices.Contains(casework.Links, link) {
				return usagef("--link %q: want one of %s", link, strings.Join(casework.Links, ", "))
			}
			switch pact.LinkStatus(status) {
			case pact.Established, pact.Supported, pact.NotEstablished:
			default:
				return usagef("--status %q: want established, supported or not-established", status)
			}
			now, err := cf.now()
			if err != nil {
				return err
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			f, err := findFinding(ctx, st, args[0])
			if err != nil {
				return err
			}
			before, err := linkState(ctx, st, f, link)
			if err != nil {
				return err
			}
			o := casework.Override{FindingID: f.ID, Link: link, Status: pact.LinkStatus(status), Reason: why, Who: cf.who(a), When: now}
			if _, err := st.AddOverride(ctx, o); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s %s: %s -> %s by override of %s: %s\n", f.ID, link, before.Status, o.Status, o.Who, o.Reason)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&link, "link", "", "the link (required)")
	f.StringVar(&status, "status", "", "established, supported or not-established (required)")
	f.StringVar(&why, "why", "", "the reason, recorded with the override (required)")
	return cmd
}

// demoCase opens and refers two cases so a new user sees casework at once:
// one on the demo's first potential violation, and one under the first
// agreement (in the order listed) bundling every finding held against a
// counterparty that is not outside its scope: a request for information
// and assistance. Each is referred the day after the last of its
// intrusions ended, and gets one line in the brief. Run again on the same
// database it finds the cases it made before.
func (a *app) demoCase(ctx context.Context, st store.Store, agreements []pact.Agreement) error {
	fs, err := st.Findings(ctx)
	if err != nil {
		return err
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Start.Before(fs[j].Start) })
	var bundles [][]pact.Finding
	for _, f := range fs {
		if f.Verdict == pact.PotentialViolation && f.Counterparty != "" {
			bundles = append(bundles, []pact.Finding{f})
			break
		}
	}
	for _, ag := range agreements {
		var picked []pact.Finding
		for _, f := range fs {
			if f.AgreementID != ag.ID || f.Counterparty == "" || f.Verdict == pact.OutsideScope {
				continue
			}
			if len(picked) > 0 && f.Counterparty != picked[0].Counterparty {
				continue
			}
			picked = append(picked, f)
		}
		if len(picked) > 0 && !(len(bundles) == 1 && len(picked) == 1 && picked[0].ID == bundles[0][0].ID) {
			bundles = append(bundles, picked)
			break
		}
	}
	if len(bundles) > 0 {
		fmt.Fprintf(a.stdout, "\nCases the demo opened and referred:\n")
	}
	for _, b := range bundles {
		if err := a.demoReferral(ctx, st, agreements, b); err != nil {
			return err
		}
	}
	return nil
}

// demoReferral opens (or finds) the case on findings, all under one
// agreement against one counterparty, refers it and prints its line.
func (a *app) demoReferral(ctx context.Context, st store.Store, agreements []pact.Agreement, picked []pact.Finding) error {
	ag, ok := pact.Lookup(agreements, picked[0].AgreementID)
	if !ok {
		return fmt.Errorf("finding %s is under unknown agreement %s", picked[0].ID, picked[0].AgreementID)
	}
	var ids, intrusions []string
	var last time.Time
	for _, f := range picked {
		ids = append(ids, f.ID)
		intrusions = append(intrusions, f.IntrusionID)
		if f.End.After(last) {
			last = f.End
		}
	}
	at := last.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1).Add(9 * time.Hour)
	id := caseID(ag.ID, picked[0].Counterparty, ids)
	c, err := st.Case(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		if c, err = openCase(ctx, st, ag, ids, id, "pactwatch demo", at); err != nil {
			return err
		}
		why := fmt.Sprintf("request for information and assistance on %s", strings.Join(intrusions, ", "))
		if c, err = casework.Advance(c, casework.Referred, "pactwatch demo", why, at); err != nil {
			return err
		}
		if err := st.PutCase(ctx, c); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	due := fmt.Sprintf("no answer due date (%s sets none", ag.ID)
	if !c.Deadline.IsZero() {
		due = fmt.Sprintf("answer due %s (%s", day(c.Deadline), ag.ID)
	}
	what := fmt.Sprintf("%d findings", len(ids))
	if len(ids) == 1 {
		what = fmt.Sprintf("%s: %s", picked[0].Verdict, ids[0])
	}
	fmt.Fprintf(a.stdout, "Case %s referred to %s, %s; %s, referred %s): pactwatch case show %s\n",
		c.ID, c.Counterparty, due, what, dayOr(c.Referred, day(at)), c.ID)
	return nil
}

func (a *app) caseNoteCommand(cf *caseFlags) *cobra.Command {
	var why string
	cmd := &cobra.Command{
		Use:     "note ID --why TEXT",
		Short:   "Log an exchange that changes no state: a late acknowledgement, a reminder, a call",
		Example: `  pactwatch case note C-1a2b3c4d --why "late acknowledgement received by hotline"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if strings.TrimSpace(why) == "" {
				return usagef("a note needs --why")
			}
			c, now, err := a.updateCase(ctx, cf, args[0], func(c casework.Case, now time.Time) (casework.Case, error) {
				return casework.Note(c, cf.who(a), why, now)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "case %s (%s): noted by %s at %s\n", c.ID, c.State, cf.who(a), now.Format(time.RFC3339))
			return nil
		},
	}
	cmd.Flags().StringVar(&why, "why", "", "what happened (required)")
	return cmd
}
