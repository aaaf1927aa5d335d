package report

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
)

//go:embed templates/*
var templateFS embed.FS

// Input is what a dialogue report is built from.
type Input struct {
	Agreement pact.Agreement
	// Others are further agreements whose effective dates in the period are
	// marked on the plots.
	Others []pact.Agreement
	// Period names the reporting period ("2015-H2"); From and To bound it,
	// [From, To).
	Period   string
	From, To time.Time
	// Generated is when the report is made, and Version the program's.
	Generated time.Time
	Version   string
	// Findings, Cases, Evidence and Overrides may cover every agreement:
	// Build keeps what belongs to Agreement.
	Findings      []pact.Finding
	Cases         []casework.Case
	Evidence      []casework.Evidence
	Overrides     []casework.Override
	Organisations []org.Organisation
	// Rates tune the statistics; Count.Until defaults to To.
	Rates pact.RateOptions
}

// Dialogue is a built report: every number and sentence the templates show.
type Dialogue struct {
	Title       string
	Agreement   pact.Agreement
	Period      string
	From, To    time.Time
	Generated   time.Time
	Version     string
	Summary     []string
	Obligations []string
	Rates       []RateRow
	RateNote    string
	Intrusions  []IntrusionRow
	Activity    casework.Activity
	Cases       []CaseSection
	// WeeklySVG and CasesSVG are the plots; CasesSVG is nil without cases.
	WeeklySVG []byte
	CasesSVG  []byte
}

// RateRow is one row of the statistics table, formatted.
type RateRow struct {
	Scope, Name           string
	Before, After         int
	Days                  int
	BeforeWeek, AfterWeek string
	Ratio, CI, P          string
	FirstAfter, Changes   string
	Rate                  pact.Rate
}

// IntrusionRow is one intrusion held against a counterparty in the period.
type IntrusionRow struct {
	Date, Intrusion, Finding string
	Victim, Sector, Country  string
	Actor, Verdict, Chain    string
	AfterEffective           bool
}

// CaseSection is one case with its findings' chains.
type CaseSection struct {
	Case     casework.Case
	Opened   string
	Referred string
	Deadline string
	State    string
	Answers  []string
	Log      []LogRow
	Findings []FindingSection
}

// LogRow is one log entry, formatted.
type LogRow struct{ When, From, To, Who, Why string }

// FindingSection is a finding of a case with its chain.
type FindingSection struct {
	Finding pact.Finding
	Date    string
	Victim  string
	Chain   []casework.LinkState
	Missing []string
}

// Build computes the dialogue report for in.Agreement over [in.From, in.To).
func Build(in Input) (Dialogue, error) {
	ag := in.Agreement
	if !in.To.After(in.From) {
		return Dialogue{}, fmt.Errorf("dialogue report: period %s to %s is empty", day(in.From), day(in.To))
	}
	d := Dialogue{
		Title:     fmt.Sprintf("Dialogue report: %s, %s", ag.ID, in.Period),
		Agreement: ag, Period: in.Period, From: in.From, To: in.To,
		Generated: in.Generated, Version: in.Version,
	}
	orgs := map[string]org.Organisation{}
	for _, o := range in.Organisations {
		orgs[o.ID] = o
	}
	var fs []pact.Finding
	byID := map[string]pact.Finding{}
	for _, f := range in.Findings {
		if f.AgreementID == ag.ID {
			fs = append(fs, f)
			byID[f.ID] = f
		}
	}

	// Statistics: windows around the effective date, cut at the period's end.
	opt := in.Rates
	if opt.Count.Until.IsZero() {
		opt.Count.Until = in.To
	}
	rates := pact.Rates(ag, fs, opt)
	for _, r := range rates {
		d.Rates = append(d.Rates, rateRow(r))
	}
	if len(rates) > 0 {
		r := rates[0]
		d.RateNote = fmt.Sprintf("Windows of %d days before (%s to %s) and after (%s to %s) the effective date %s. Rate ratio = after rate / before rate; the p-value is the exact two-sided test of an unchanged rate (conditional binomial test on Poisson counts) and the interval its Clopper-Pearson %.0f%% interval.",
			r.BeforeDays, day(r.From), day(r.Effective.AddDate(0, 0, -1)), day(r.Effective), day(r.To.AddDate(0, 0, -1)), day(r.Effective), r.ConfLevel*100)
	}

	// Intrusions held against a counterparty in the period.
	var starts = map[string][]time.Time{}
	var actors []string
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Counterparty == "" || f.Victim == "" || f.Start.Before(in.From) || !f.Start.Before(in.To) || seen[f.IntrusionID] {
			continue
		}
		seen[f.IntrusionID] = true
		o := orgs[f.OrgID]
		d.Intrusions = append(d.Intrusions, IntrusionRow{
			Date: day(f.Start), Intrusion: f.IntrusionID, Finding: f.ID,
			Victim: orgName(orgs, f.OrgID), Sector: o.Sector, Country: f.Victim,
			Actor: actorName(f), Verdict: string(f.Verdict), Chain: chainText(f.Chain),
			AfterEffective: !f.Start.Before(ag.Effective),
		})
		name := actorName(f) + " [" + f.Counterparty + "]"
		if _, ok := starts[name]; !ok {
			actors = append(actors, name)
		}
		starts[name] = append(starts[name], f.Start)
	}
	sort.Strings(actors)
	var series []pact.Series
	for _, name := range actors {
		s := pact.Weekly(starts[name], ag.Effective, in.From, in.To)
		s.Name = name
		series = append(series, s)
	}
	if len(series) == 0 {
		s := pact.Weekly(nil, ag.Effective, in.From, in.To)
		s.Name = "no intrusions"
		series = append(series, s)
	}
	markers := markersIn(in.From, in.To, append([]pact.Agreement{ag}, in.Others...))
	var err error
	d.WeeklySVG, err = casework.WeeklyPlot(series, markers, casework.PlotOptions{
		Title: fmt.Sprintf("Intrusions per week held against a party of %s, by actor", ag.ID), Width: 720, Height: 320})
	if err != nil {
		return Dialogue{}, fmt.Errorf("dialogue report: %w", err)
	}

	// Cases under the agreement.
	var cases []casework.Case
	for _, c := range in.Cases {
		if c.AgreementID == ag.ID && c.Opened().Before(in.To) {
			cases = append(cases, c)
		}
	}
	d.Activity = casework.Summarise(cases, in.From, in.To)
	if len(cases) > 0 {
		d.CasesSVG, err = casework.CasesPlot(cases, in.From, in.To, 7*24*time.Hour, markers, casework.PlotOptions{
			Title: "Cases by state", Width: 720, Height: 260})
		if err != nil {
			return Dialogue{}, fmt.Errorf("dialogue report: %w", err)
		}
	}
	end := in.To.Add(-time.Nanosecond)
	for _, c := range cases {
		c, _ = casework.CheckOverdue(c, end)
		d.Cases = append(d.Cases, caseSection(c, end, byID, orgs, in.Evidence, in.Overrides))
	}

	d.Obligations = obligations(ag)
	d.Summary = summary(d, rates, fs)
	return d, nil
}

func caseSection(c casework.Case, end time.Time, byID map[string]pact.Finding, orgs map[string]org.Organisation, ev []casework.Evidence, ov []casework.Override) CaseSection {
	s := CaseSection{Case: c, Opened: day(c.Opened()), Referred: dayOr(c.Referred, "not referred"), State: string(c.StateAt(end))}
	switch {
	case !c.Deadline.IsZero():
		s.Deadline = fmt.Sprintf("%s (%d days from referral)", day(c.Deadline), c.ResponseDays)
	case c.ResponseDays == 0:
		s.Deadline = "none set by the agreement"
	default:
		s.Deadline = fmt.Sprintf("%d days from referral", c.ResponseDays)
	}
	for _, a := range c.Answers {
		if a.Received.After(end) {
			continue
		}
		s.Answers = append(s.Answers, day(a.Received)+": "+a.Summary())
	}
	for _, e := range c.Log {
		if e.When.After(end) {
			continue
		}
		s.Log = append(s.Log, LogRow{When: e.When.UTC().Format("2006-01-02 15:04"), From: string(e.From), To: string(e.To), Who: e.Who, Why: e.Why})
	}
	for _, id := range c.FindingIDs {
		f, ok := byID[id]
		if !ok {
			f = pact.Finding{ID: id, AgreementID: c.AgreementID, Counterparty: c.Counterparty}
		}
		chain := casework.Chain(f, ev, ov)
		s.Findings = append(s.Findings, FindingSection{Finding: f, Date: dayOr(f.Start, "?"), Victim: orgName(orgs, f.OrgID), Chain: chain, Missing: casework.MissingLinks(chain)})
	}
	return s
}

func summary(d Dialogue, rates []pact.Rate, fs []pact.Finding) []string {
	ag := d.Agreement
	var out []string
	var after, before int
	for _, r := range d.Intrusions {
		if r.AfterEffective {
			after++
		} else {
			before++
		}
	}
	parties := map[string]bool{}
	for _, r := range d.Intrusions {
		for _, f := range fs {
			if f.IntrusionID == r.Intrusion {
				parties[f.Counterparty] = true
			}
		}
	}
	against := strings.Join(sortedKeys(parties), ", ")
	if against == "" {
		against = "a party"
	}
	eff := "effective " + day(ag.Effective)
	if !ag.EffectiveKnown {
		eff = "signed " + day(ag.Signed) + "; the text states no effective date, so signing is assumed"
	}
	out = append(out, fmt.Sprintf("%d intrusions attributed to actors serving %s against the other party began in %s (%s to %s): %d before and %d on or after the agreement (%s).",
		len(d.Intrusions), against, d.Period, day(d.From), day(d.To.AddDate(0, 0, -1)), before, after, eff))
	if len(rates) > 0 {
		r := rates[0]
		if !r.FirstAfter.IsZero() {
			s := fmt.Sprintf("The first intrusion after the effective date began on %s, %s", r.FirstAfter.UTC().Format("Monday 2 January 2006"), Delay(r.FirstAfterDelayDays))
			for _, f := range fs {
				if f.IntrusionID == r.FirstAfterIntrusion {
					s += fmt.Sprintf(" (%s, attributed to %s)", f.IntrusionID, actorName(f))
					break
				}
			}
			out = append(out, s+".")
		}
		out = append(out, fmt.Sprintf("Over %d-day windows the rate went from %.2f to %.2f intrusions a week: rate ratio %s (%.0f%% CI %s to %s), p = %s: %s.",
			r.BeforeDays, r.BeforePerWeek, r.AfterPerWeek, Number(r.RateRatio), r.ConfLevel*100, Number(r.CILow), Number(r.CIHigh), PValue(r.PValue), verdictOfTest(r)))
		for _, c := range r.Changes {
			out = append(out, fmt.Sprintf("The weekly series changed rate in the week of %s: from %.1f to %.1f a week%s.",
				day(c.Date), c.BeforePerWeek, c.AfterPerWeek, agreementWeek(c.Date, ag.Effective)))
		}
	}
	verdicts := map[pact.Verdict]int{}
	for _, f := range fs {
		if !f.Start.Before(d.From) && f.Start.Before(d.To) {
			verdicts[f.Verdict]++
		}
	}
	out = append(out, fmt.Sprintf("Findings in the period: %d potential violations, %d needing assessment, %d outside the agreement's scope.",
		verdicts[pact.PotentialViolation], verdicts[pact.NeedsAssessment], verdicts[pact.OutsideScope]))
	a := d.Activity
	if len(d.Cases) == 0 {
		out = append(out, "No case under this agreement was open in the period.")
	} else {
		out = append(out, fmt.Sprintf("Cases: %d opened, %d referred, %d answered, %d fell overdue, %d closed in the period; at its end %d overdue%s.",
			len(a.Opened), len(a.Referred), len(a.Answered), len(a.Overdue), len(a.Closed), len(a.OverdueAtEnd), listIDs(a.OverdueAtEnd)))
	}
	return out
}

func listIDs(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " (" + strings.Join(ids, ", ") + ")"
}

func agreementWeek(week, eff time.Time) string {
	if !eff.Before(week) && eff.Before(week.AddDate(0, 0, 7)) {
		return ", the week of the agreement"
	}
	return fmt.Sprintf(", %d days from the effective date", int(math.Round(week.Sub(eff).Hours()/24)))
}

func verdictOfTest(r pact.Rate) string {
	switch {
	case math.IsNaN(r.PValue):
		return "no test possible"
	case r.PValue >= 0.05:
		return "no statistically significant change at the 5% level"
	case r.RateRatio < 1:
		return "a significant decline"
	}
	return "a significant increase"
}

func obligations(ag pact.Agreement) []string {
	var out []string
	if ag.Obligations.ResponseDays > 0 {
		out = append(out, fmt.Sprintf("Answer requests within %d days.", ag.Obligations.ResponseDays))
	}
	if ag.Obligations.DialogueMonths > 0 {
		out = append(out, fmt.Sprintf("Meet every %d months.", ag.Obligations.DialogueMonths))
	}
	return append(out, ag.Obligations.Text...)
}

func markersIn(from, to time.Time, as []pact.Agreement) []casework.Marker {
	var out []casework.Marker
	seen := map[string]bool{}
	for _, a := range as {
		if seen[a.ID] || a.Effective.Before(from) || !a.Effective.Before(to) {
			continue
		}
		seen[a.ID] = true
		out = append(out, casework.AgreementMarkers(a)...)
	}
	return out
}

func rateRow(r pact.Rate) RateRow {
	name := "all actors"
	switch r.Scope {
	case pact.ScopeActor:
		name = r.Actor
		if name == "" {
			name = r.ActorID
		}
		if r.Sponsor != "" {
			name += " [" + r.Sponsor + "]"
		}
	case pact.ScopeSponsor:
		name = "sponsor " + r.Sponsor
	}
	first := "none"
	if !r.FirstAfter.IsZero() {
		first = fmt.Sprintf("%s (+%d d)", day(r.FirstAfter), r.FirstAfterDelayDays)
	}
	changes := "none"
	if len(r.Changes) > 0 {
		var parts []string
		for _, c := range r.Changes {
			parts = append(parts, fmt.Sprintf("%s (%.1f→%.1f/wk)", day(c.Date), c.BeforePerWeek, c.AfterPerWeek))
		}
		changes = strings.Join(parts, "; ")
	}
	return RateRow{
		Scope: r.Scope, Name: name, Before: r.BeforeCount, After: r.AfterCount, Days: r.BeforeDays,
		BeforeWeek: fmt.Sprintf("%.2f", r.BeforePerWeek), AfterWeek: fmt.Sprintf("%.2f", r.AfterPerWeek),
		Ratio: Number(r.RateRatio), CI: Number(r.CILow) + " – " + Number(r.CIHigh), P: PValue(r.PValue),
		FirstAfter: first, Changes: changes, Rate: r,
	}
}

func actorName(f pact.Finding) string {
	if f.Actor != "" {
		return f.Actor
	}
	if f.ActorID != "" {
		return f.ActorID
	}
	return "unattributed"
}

func orgName(orgs map[string]org.Organisation, id string) string {
	if o, ok := orgs[id]; ok && o.Name != "" {
		return o.Name
	}
	if id == "" {
		return "?"
	}
	return id
}

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

// Delay says how long after an agreement took effect something happened:
// "the same day", "the very next day", "N days later".
func Delay(days int) string {
	switch days {
	case 0:
		return "the same day"
	case 1:
		return "the very next day"
	}
	return fmt.Sprintf("%d days later", days)
}

// Number formats a statistic with two decimals, "∞" and "n/a" for the
// non-finite.
func Number(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "∞"
	case math.IsNaN(f):
		return "n/a"
	}
	return fmt.Sprintf("%.2f", f)
}

// PValue formats a p-value with three decimals, "< 0.001" below that.
func PValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "n/a"
	case p < 0.001:
		return "< 0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func dayOr(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return day(t)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// inlineSVG strips the XML prolog and comments before the <svg> element
// so that the plot can sit inside HTML.
func inlineSVG(b []byte) htmltemplate.HTML {
	if i := bytes.Index(b, []byte("<svg")); i >= 0 {
		b = b[i:]
	}
	// gonum writes a fixed size in inches; let the page scale it.
	return htmltemplate.HTML(b) // #nosec: generated by gonum/plot from numbers and our own labels
}

var funcs = map[string]any{
	"day":    day,
	"status": func(s pact.LinkStatus) string { return strings.ReplaceAll(string(s), "-", " ") },
	"upper":  strings.ToUpper,
	"inc":    func(i int) int { return i + 1 },
	"mdcell": func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ") },
}

// HTML writes the report as one self-contained HTML page.
func (d Dialogue) HTML(w io.Writer) error {
	f := map[string]any{"svg": inlineSVG}
	for k, v := range funcs {
		f[k] = v
	}
	t, err := htmltemplate.New("dialogue.html.tmpl").Funcs(f).ParseFS(templateFS, "templates/dialogue.html.tmpl")
	if err != nil {
		return fmt.Errorf("dialogue report: %w", err)
	}
	if err := t.Execute(w, d); err != nil {
		return fmt.Errorf("dialogue report: %w", err)
	}
	return nil
}

// Markdown writes the report as Markdown. weeklyPlot and casesPlot are
// the relative paths the SVG plots are written to by the caller, or "" to
// leave a plot out with a note.
func (d Dialogue) Markdown(w io.Writer, weeklyPlot, casesPlot string) error {
	t, err := texttemplate.New("dialogue.md.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/dialogue.md.tmpl")
	if err != nil {
		return fmt.Errorf("dialogue report: %w", err)
	}
	data := struct {
		Dialogue
		WeeklyPlot, CasesPlot string
	}{d, weeklyPlot, casesPlot}
	if err := t.Execute(w, data); err != nil {
		return fmt.Errorf("dialogue report: %w", err)
	}
	return nil
}
