package pact

import (
	"encoding/json"
	"math"
	"sort"
	"strings"
	"time"
)

// Scopes of a Rate row.
const (
	ScopeAgreement = "agreement" // all actors
	ScopeActor     = "actor"     // one attributed actor
	ScopeSponsor   = "sponsor"   // all actors assessed to serve one state
)

// RateOptions tune Rates; the zero value uses the defaults.
type RateOptions struct {
	// Count sets the windows, as for Counts.
	Count CountOptions
	// ConfLevel is the confidence level of the rate-ratio interval
	// (0 means DefaultConfLevel).
	ConfLevel float64
	// Change tunes the change-point search over each row's weekly series.
	Change ChangeOptions
}

// Rate is one row of compliance statistics: intrusions held against a
// counterparty under one agreement, counted as Counts counts them, in two
// equal windows before and after the effective date, with the exact
// conditional test of the rate ratio (see PoissonRatioTest), the first
// intrusion after the effective date, and the change points of the weekly
// series over both windows.
//
// JSON has no infinities or NaN, so in its JSON form (MarshalJSON)
// rate_ratio, p_value, ci_low and ci_high are numbers when finite and null
// otherwise; rate_ratio_infinite and ci_high_infinite say that a null
// stands for +Inf (intrusions after the effective date but none before),
// and a null without the flag means undefined (no intrusion in either
// window: 0/0). first_after and first_after_delay_days are null when no
// intrusion started on or after the effective date. UnmarshalJSON restores
// the float values.
type Rate struct {
	AgreementID string `json:"agreement_id"`
	Scope       string `json:"scope"` // ScopeAgreement, ScopeActor or ScopeSponsor
	// Actor and ActorID name the actor on actor rows; both are empty otherwise.
	Actor   string `json:"actor"`
	ActorID string `json:"actor_id,omitempty"`
	// Sponsor is the state the actors are assessed to serve: the state of
	// a sponsor row, an actor's state, and on the agreement row the one
	// state involved, or "" when there are several.
	Sponsor string `json:"sponsor"`

	From        time.Time `json:"from"` // start of the before-window
	Effective   time.Time `json:"effective"`
	To          time.Time `json:"to"` // end of the after-window
	BeforeCount int       `json:"before_count"`
	AfterCount  int       `json:"after_count"`
	BeforeDays  int       `json:"before_days"`
	AfterDays   int       `json:"after_days"`
	// BeforePerWeek and AfterPerWeek are the rates, intrusions per 7 days.
	BeforePerWeek float64 `json:"before_per_week"`
	AfterPerWeek  float64 `json:"after_per_week"`

	// RateRatio is the after rate over the before rate: +Inf when only the
	// after-window has intrusions, NaN when neither has.
	RateRatio float64 `json:"rate_ratio"`
	// PValue is the two-sided exact p-value of "the rate did not change";
	// NaN only when a window has no length.
	PValue float64 `json:"p_value"`
	// CILow and CIHigh bound RateRatio at ConfLevel; CIHigh is +Inf when
	// the before-window has no intrusion.
	CILow     float64 `json:"ci_low"`
	CIHigh    float64 `json:"ci_high"`
	ConfLevel float64 `json:"conf_level"`

	// FirstAfter is the start of the first intrusion on or after the
	// effective date (zero when none), in or beyond the after-window;
	// FirstAfterDelayDays the calendar days from the effective date to it.
	FirstAfter          time.Time `json:"first_after"`
	FirstAfterIntrusion string    `json:"first_after_intrusion,omitempty"`
	FirstAfterDelayDays int       `json:"first_after_delay_days"`

	// Weekly is the series the change points were searched in; Changes
	// the change points found (none when the rate held steady).
	Weekly  Series        `json:"weekly"`
	Changes []ChangePoint `json:"change_points"`
}

// Rates returns the compliance statistics of agreement a from its findings
// (findings of other agreements are ignored): the row over all actors,
// then one row per actor (as Counts orders them), then one row per sponsor
// state, by state. All rows share the windows of the row over all actors.
func Rates(a Agreement, findings []Finding, opt RateOptions) []Rate {
	counts := Counts(a, findings, opt.Count)
	total := counts[0]
	mine := counted(a, findings)
	window := CountOptions{Window: time.Duration(total.BeforeDays) * 24 * time.Hour}

	var out []Rate
	out = append(out, rateRow(a, total, ScopeAgreement, mine, opt))
	for _, c := range counts[1:] {
		var sub []Finding
		for _, f := range mine {
			if actorKey(f) == actorKeyOf(c.ActorID, c.Actor) {
				sub = append(sub, f)
			}
		}
		out = append(out, rateRow(a, c, ScopeActor, sub, opt))
	}
	bySponsor := map[string][]Finding{}
	for _, f := range mine {
		bySponsor[f.Counterparty] = append(bySponsor[f.Counterparty], f)
	}
	sponsors := make([]string, 0, len(bySponsor))
	for s := range bySponsor {
		sponsors = append(sponsors, s)
	}
	sort.Strings(sponsors)
	for _, s := range sponsors {
		c := Counts(a, bySponsor[s], window)[0]
		c.Counterparty = s
		out = append(out, rateRow(a, c, ScopeSponsor, bySponsor[s], opt))
	}
	return out
}

// FilterRates keeps the rows about actor (matched without regard to case
// against the actor's name or id) and the row of that actor's sponsor.
func FilterRates(rows []Rate, actor string) []Rate {
	sponsors := map[string]bool{}
	var out []Rate
	for _, r := range rows {
		if r.Scope == ScopeActor && (strings.EqualFold(r.Actor, actor) || strings.EqualFold(r.ActorID, actor)) {
			out = append(out, r)
			sponsors[r.Sponsor] = true
		}
	}
	for _, r := range rows {
		if r.Scope == ScopeSponsor && sponsors[r.Sponsor] {
			out = append(out, r)
		}
	}
	return out
}

// counted returns the findings of a that Counts counts: one per intrusion,
// held against a counterparty, against a victim in a party, with a start.
func counted(a Agreement, findings []Finding) []Finding {
	seen := map[string]bool{}
	var out []Finding
	for _, f := range findings {
		if f.AgreementID != a.ID || seen[f.IntrusionID] {
			continue
		}
		seen[f.IntrusionID] = true
		if f.Counterparty == "" || f.Victim == "" || f.Start.IsZero() {
			continue
		}
		out = append(out, f)
	}
	return out
}

func actorKey(f Finding) string { return actorKeyOf(f.ActorID, f.Actor) }

func actorKeyOf(id, name string) string {
	if id != "" {
		return id
	}
	return name
}

func rateRow(a Agreement, c Count, scope string, fs []Finding, opt RateOptions) Rate {
	r := Rate{
		AgreementID: a.ID, Scope: scope, Sponsor: c.Counterparty,
		From: c.From, Effective: a.Effective, To: c.To,
		BeforeCount: c.Before, AfterCount: c.After, BeforeDays: c.BeforeDays, AfterDays: c.AfterDays,
		FirstAfter: c.FirstAfter, FirstAfterIntrusion: c.FirstAfterIntrusion, FirstAfterDelayDays: c.FirstAfterDelayDays,
		RateRatio: math.NaN(), PValue: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN(),
	}
	r.ConfLevel = opt.ConfLevel
	if r.ConfLevel == 0 {
		r.ConfLevel = DefaultConfLevel
	}
	if scope == ScopeActor {
		r.Actor, r.ActorID = c.Actor, c.ActorID
	}
	if c.BeforeDays > 0 && c.AfterDays > 0 {
		r.BeforePerWeek = float64(c.Before) / float64(c.BeforeDays) * 7
		r.AfterPerWeek = float64(c.After) / float64(c.AfterDays) * 7
		if t, err := PoissonRatioTest(c.Before, float64(c.BeforeDays), c.After, float64(c.AfterDays), r.ConfLevel); err == nil {
			r.RateRatio, r.PValue, r.CILow, r.CIHigh, r.ConfLevel = t.Ratio, t.PValue, t.Low, t.High, t.ConfLevel
		}
	}
	starts := make([]time.Time, len(fs))
	for i, f := range fs {
		starts[i] = f.Start
	}
	r.Weekly = Weekly(starts, a.Effective, c.From, c.To)
	r.Weekly.Name = rowName(r)
	r.Changes = ChangePoints(r.Weekly, opt.Change)
	if r.Changes == nil {
		r.Changes = []ChangePoint{}
	}
	return r
}

func rowName(r Rate) string {
	switch r.Scope {
	case ScopeActor:
		if r.Actor != "" {
			return r.Actor
		}
		return r.ActorID
	case ScopeSponsor:
		return "sponsor " + r.Sponsor
	}
	return "all actors"
}

// rateJSON is Rate's wire form: non-finite floats become null (with a flag
// for +Inf) and an absent first intrusion after the date null.
type rateJSON struct {
	AgreementID         string        `json:"agreement_id"`
	Scope               string        `json:"scope"`
	Actor               string        `json:"actor"`
	ActorID             string        `json:"actor_id,omitempty"`
	Sponsor             string        `json:"sponsor"`
	From                time.Time     `json:"from"`
	Effective           time.Time     `json:"effective"`
	To                  time.Time     `json:"to"`
	BeforeCount         int           `json:"before_count"`
	AfterCount          int           `json:"after_count"`
	BeforeDays          int           `json:"before_days"`
	AfterDays           int           `json:"after_days"`
	BeforePerWeek       float64       `json:"before_per_week"`
	AfterPerWeek        float64       `json:"after_per_week"`
	RateRatio           *float64      `json:"rate_ratio"`
	RateRatioInfinite   bool          `json:"rate_ratio_infinite"`
	PValue              *float64      `json:"p_value"`
	CILow               *float64      `json:"ci_low"`
	CIHigh              *float64      `json:"ci_high"`
	CIHighInfinite      bool          `json:"ci_high_infinite"`
	ConfLevel           float64       `json:"conf_level"`
	FirstAfter          *time.Time    `json:"first_after"`
	FirstAfterIntrusion string        `json:"first_after_intrusion,omitempty"`
	FirstAfterDelayDays *int          `json:"first_after_delay_days"`
	Weekly              Series        `json:"weekly"`
	Changes             []ChangePoint `json:"change_points"`
}

func finite(f float64) *float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	return &f
}

func unfinite(p *float64, inf bool) float64 {
	switch {
	case p != nil:
		return *p
	case inf:
		return math.Inf(1)
	}
	return math.NaN()
}

// MarshalJSON writes r as described on Rate.
func (r Rate) MarshalJSON() ([]byte, error) {
	w := rateJSON{
		AgreementID: r.AgreementID, Scope: r.Scope, Actor: r.Actor, ActorID: r.ActorID, Sponsor: r.Sponsor,
		From: r.From, Effective: r.Effective, To: r.To,
		BeforeCount: r.BeforeCount, AfterCount: r.AfterCount, BeforeDays: r.BeforeDays, AfterDays: r.AfterDays,
		BeforePerWeek: r.BeforePerWeek, AfterPerWeek: r.AfterPerWeek,
		RateRatio: finite(r.RateRatio), RateRatioInfinite: math.IsInf(r.RateRatio, 1),
		PValue: finite(r.PValue), CILow: finite(r.CILow),
		CIHigh: finite(r.CIHigh), CIHighInfinite: math.IsInf(r.CIHigh, 1),
		ConfLevel:           r.ConfLevel,
		FirstAfterIntrusion: r.FirstAfterIntrusion,
		Weekly:              r.Weekly, Changes: r.Changes,
	}
	if !r.FirstAfter.IsZero() {
		t, d := r.FirstAfter, r.FirstAfterDelayDays
		w.FirstAfter, w.FirstAfterDelayDays = &t, &d
	}
	if w.Changes == nil {
		w.Changes = []ChangePoint{}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (r *Rate) UnmarshalJSON(b []byte) error {
	var w rateJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = Rate{
		AgreementID: w.AgreementID, Scope: w.Scope, Actor: w.Actor, ActorID: w.ActorID, Sponsor: w.Sponsor,
		From: w.From, Effective: w.Effective, To: w.To,
		BeforeCount: w.BeforeCount, AfterCount: w.AfterCount, BeforeDays: w.BeforeDays, AfterDays: w.AfterDays,
		BeforePerWeek: w.BeforePerWeek, AfterPerWeek: w.AfterPerWeek,
		RateRatio: unfinite(w.RateRatio, w.RateRatioInfinite), PValue: unfinite(w.PValue, false),
		CILow: unfinite(w.CILow, false), CIHigh: unfinite(w.CIHigh, w.CIHighInfinite),
		ConfLevel: w.ConfLevel, FirstAfterIntrusion: w.FirstAfterIntrusion,
		Weekly: w.Weekly, Changes: w.Changes,
	}
	// The delay means something only with the date it is the delay of.
	if w.FirstAfter != nil && !w.FirstAfter.IsZero() {
		r.FirstAfter = *w.FirstAfter
		if w.FirstAfterDelayDays != nil {
			r.FirstAfterDelayDays = *w.FirstAfterDelayDays
		}
	}
	return nil
}
