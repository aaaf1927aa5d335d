package casework

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
)

var periodRE = regexp.MustCompile(`^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$`)

// ParsePeriod reads a reporting period: "2015" (the year), "2015-H2" (a
// half), "2015-Q4" (a quarter) or "2015-10" (a month), and returns its
// bounds [from, to) in UTC.
func ParsePeriod(s string) (from, to time.Time, err error) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, time.Time{}, fmt.Errorf("period %q: %w (want YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM)", s, ErrInvalid)
	}
	year, _ := strconv.Atoi(m[1])
	first, months := 1, 12
	switch p := m[2]; {
	case p == "":
	case p[0] == 'H':
		first, months = 1+6*int(p[1]-'1'), 6
	case p[0] == 'Q':
		first, months = 1+3*int(p[1]-'1'), 3
	default:
		n, _ := strconv.Atoi(p)
		if n < 1 || n > 12 {
			return time.Time{}, time.Time{}, fmt.Errorf("period %q: month %d: %w", s, n, ErrInvalid)
		}
		first, months = n, 1
	}
	from = time.Date(year, time.Month(first), 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, months, 0), nil
}

// Activity is what happened to cases in a period [From, To): the ids of
// the cases opened, referred (first or follow-up requests), answered,
// fallen overdue and closed in it, and how many cases stood in each state
// at its end. It is the casework part of a dialogue report.
type Activity struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Opened   []string  `json:"opened"`
	Referred []string  `json:"referred"`
	Answered []string  `json:"answered"`
	Overdue  []string  `json:"overdue"`
	Closed   []string  `json:"closed"`
	// AtEnd counts the cases in each state at To (cases opened later are
	// not counted); OverdueAtEnd lists the ones overdue then.
	AtEnd        map[State]int `json:"at_end"`
	OverdueAtEnd []string      `json:"overdue_at_end"`
}

// Summarise returns the activity of cases in [from, to), each case first
// brought up to date with CheckOverdue at to, so that a deadline that
// passed unrecorded still counts. Ids are listed once each, sorted.
func Summarise(cases []Case, from, to time.Time) Activity {
	a := Activity{From: from, To: to, Opened: []string{}, Referred: []string{}, Answered: []string{}, Overdue: []string{},
		Closed: []string{}, AtEnd: map[State]int{}, OverdueAtEnd: []string{}}
	add := func(list *[]string, id string) {
		if !slices.Contains(*list, id) {
			*list = append(*list, id)
		}
	}
	end := to.Add(-time.Nanosecond) // the last instant in the period
	for _, c := range cases {
		c, _ = CheckOverdue(c, end)
		for i, e := range c.Log {
			if e.When.Before(from) || !e.When.Before(to) {
				continue
			}
			switch {
			case i == 0:
				add(&a.Opened, c.ID)
			case e.To == e.From && e.To != Answered:
				// a note or findings added: no change of state
			case e.To == Referred:
				add(&a.Referred, c.ID)
			case e.To == Answered:
				add(&a.Answered, c.ID)
			case e.To == Overdue:
				add(&a.Overdue, c.ID)
			case e.To == Closed:
				add(&a.Closed, c.ID)
			}
		}
		if s := c.StateAt(end); s != "" {
			a.AtEnd[s]++
			if s == Overdue {
				add(&a.OverdueAtEnd, c.ID)
			}
		}
	}
	for _, l := range []*[]string{&a.Opened, &a.Referred, &a.Answered, &a.Overdue, &a.Closed, &a.OverdueAtEnd} {
		slices.Sort(*l)
	}
	return a
}
