package pact

import (
	"math"
	"sort"
	"time"
)

// DefaultWindow is the length of each counting window when the data give
// none: 90 days before and 90 days after the effective date.
const DefaultWindow = 90 * 24 * time.Hour

// CountOptions tune Counts; the zero value uses the defaults.
type CountOptions struct {
	// Window is the length of each of the two equal windows before and after
	// the effective date, rounded up to whole days. Zero means: from the
	// day of the earliest finding's start to the effective date, or
	// DefaultWindow when no finding starts before it.
	Window time.Duration
	// Until, when set after the effective date, is the end of the observed
	// data: the window is shortened so the after-window does not run past
	// it. Both windows stay equal.
	Until time.Time
}

// Count is the number of intrusions held against a counterparty under one
// agreement in two equal windows around the effective date: intrusions
// attributed to actors assessed to serve a party, against victims in
// another party (the findings with a Counterparty and a Victim), counted
// once per intrusion by their start, whatever their intent or verdict. An
// intrusion that began before the effective date counts before.
type Count struct {
	AgreementID string `json:"agreement_id"`
	// Actor and ActorID name the attributed actor; both are empty on the
	// row over all actors.
	Actor   string `json:"actor,omitempty"`
	ActorID string `json:"actor_id,omitempty"`
	// Counterparty is the state the actor is assessed to serve; on the row
	// over all actors it is set when only one state is involved.
	Counterparty string `json:"counterparty,omitempty"`

	Before     int `json:"before"`      // intrusions starting in [Effective-window, Effective)
	After      int `json:"after"`       // intrusions starting in [Effective, Effective+window)
	BeforeDays int `json:"before_days"` // length of the before-window
	AfterDays  int `json:"after_days"`  // length of the after-window, equal to BeforeDays
	// From and To are the start of the before-window and the end of the
	// after-window.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`

	// FirstAfter is the start of the first intrusion on or after the
	// effective date (zero when there is none), whether or not it falls in
	// the after-window; FirstAfterIntrusion is its id and
	// FirstAfterDelayDays the calendar days from the effective date to it
	// (1: the very next day).
	FirstAfter          time.Time `json:"first_after,omitzero"`
	FirstAfterIntrusion string    `json:"first_after_intrusion,omitempty"`
	FirstAfterDelayDays int       `json:"first_after_delay_days"`
}

// Counts returns the before/after counts of agreement a from its findings
// (findings of other agreements are ignored): first the row over all
// actors, then one row per attributed actor, by name.
func Counts(a Agreement, findings []Finding, opt CountOptions) []Count {
	eff := a.Effective
	var mine []Finding
	seen := map[string]bool{}
	var earliest time.Time
	for _, f := range findings {
		if f.AgreementID != a.ID || seen[f.IntrusionID] {
			continue
		}
		seen[f.IntrusionID] = true
		mine = append(mine, f)
		if !f.Start.IsZero() && (earliest.IsZero() || f.Start.Before(earliest)) {
			earliest = f.Start
		}
	}

	w := opt.Window
	if w <= 0 {
		w = DefaultWindow
		if !earliest.IsZero() && earliest.Before(eff) {
			w = eff.Sub(dayStart(earliest))
		}
	}
	if !opt.Until.IsZero() && opt.Until.After(eff) && opt.Until.Sub(eff) < w {
		w = opt.Until.Sub(eff)
	}
	nDays := int(math.Ceil(w.Hours() / 24))
	w = time.Duration(nDays) * 24 * time.Hour
	from, to := eff.Add(-w), eff.Add(w)

	total := Count{AgreementID: a.ID, BeforeDays: nDays, AfterDays: nDays, From: from, To: to}
	byActor := map[string]*Count{}
	counterparties := map[string]bool{}
	add := func(c *Count, f Finding) {
		switch {
		case !f.Start.Before(from) && f.Start.Before(eff):
			c.Before++
		case !f.Start.Before(eff) && f.Start.Before(to):
			c.After++
		}
		if !f.Start.Before(eff) && (c.FirstAfter.IsZero() || f.Start.Before(c.FirstAfter) ||
			(f.Start.Equal(c.FirstAfter) && f.IntrusionID < c.FirstAfterIntrusion)) {
			c.FirstAfter = f.Start
			c.FirstAfterIntrusion = f.IntrusionID
			c.FirstAfterDelayDays = DaysBetween(eff, f.Start)
		}
	}
	for _, f := range mine {
		if f.Counterparty == "" || f.Victim == "" || f.Start.IsZero() {
			continue
		}
		counterparties[f.Counterparty] = true
		add(&total, f)
		key := f.ActorID
		if key == "" {
			key = f.Actor
		}
		c, ok := byActor[key]
		if !ok {
			c = &Count{AgreementID: a.ID, Actor: f.Actor, ActorID: f.ActorID, Counterparty: f.Counterparty,
				BeforeDays: nDays, AfterDays: nDays, From: from, To: to}
			byActor[key] = c
		}
		add(c, f)
	}
	if len(counterparties) == 1 {
		for cp := range counterparties {
			total.Counterparty = cp
		}
	}
	out := []Count{total}
	actors := make([]*Count, 0, len(byActor))
	for _, c := range byActor {
		actors = append(actors, c)
	}
	sort.Slice(actors, func(i, j int) bool {
		if actors[i].Actor != actors[j].Actor {
			return actors[i].Actor < actors[j].Actor
		}
		return actors[i].ActorID < actors[j].ActorID
	})
	for _, c := range actors {
		out = append(out, *c)
	}
	return out
}

func dayStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
