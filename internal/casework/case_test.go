package casework_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/casework"
	"github.com/pactwatch/pactwatch/internal/pact"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func builtin(t testing.TB, id string) pact.Agreement {
	t.Helper()
	a, ok := pact.Lookup(pact.Builtin(), id)
	if !ok {
		t.Fatalf("no builtin agreement %s", id)
	}
	return a
}

var (
	opened   = at("2015-10-20T09:00:00Z")
	referred = at("2015-10-21T10:00:00Z")
	deadline = at("2015-11-20T10:00:00Z") // referred + 30 days (us-cn-2015)
	acked    = at("2015-10-23T08:00:00Z")
	answered = at("2015-10-30T12:00:00Z")
)

func findings() []pact.Finding {
	return []pact.Finding{
		{ID: "F-1", AgreementID: "us-cn-2015", Counterparty: "CN", Victim: "US"},
		{ID: "F-2", AgreementID: "us-cn-2015", Counterparty: "CN", Victim: "US"},
	}
}

// must returns a function that fails t on an error and returns the case.
func must(t testing.TB) func(casework.Case, error) casework.Case {
	return func(c casework.Case, err error) casework.Case {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return c
	}
}

func answer(r casework.Response, when time.Time) casework.Answer {
	return casework.Answer{Response: r, From: "CN Ministry of Public Security", Received: when, Text: "we " + string(r)}
}

// reach returns a us-cn-2015 case in state s, reached the ordinary way.
func reach(t testing.TB, s casework.State) casework.Case {
	t.Helper()
	c := must(t)(casework.New("C-1", builtin(t, "us-cn-2015"), findings(), casework.PolicyFor(builtin(t, "us-cn-2015")), "analyst", opened))
	switch s {
	case casework.Draft:
		return c
	case casework.Closed:
		return must(t)(casework.Advance(c, casework.Closed, "liaison", "withdrawn: findings merged into C-0", referred))
	}
	c = must(t)(casework.Advance(c, casework.Referred, "liaison", "request for assistance sent", referred))
	switch s {
	case casework.Referred:
		return c
	case casework.Acknowledged:
		return must(t)(casework.Advance(c, casework.Acknowledged, "liaison", "receipt confirmed by hotline", acked))
	case casework.Answered:
		return must(t)(casework.Respond(c, answer(casework.Investigating, answered), "liaison", answered))
	case casework.Overdue:
		c, ok := casework.CheckOverdue(c, deadline.Add(time.Hour))
		if !ok {
			t.Fatalf("CheckOverdue after the deadline did not move the case")
		}
		return c
	}
	t.Fatalf("reach(%s): unknown state", s)
	return casework.Case{}
}

// TestTransitionTable tries every move from every state. The table is
// written out here, independently of the code's.
func TestTransitionTable(t *testing.T) {
	legal := map[casework.State][]casework.State{
		casework.Draft:        {casework.Referred, casework.Closed},
		casework.Referred:     {casework.Acknowledged, casework.Answered, casework.Closed}, // overdue only after the deadline
		casework.Acknowledged: {casework.Answered, casework.Closed},
		casework.Answered:     {casework.Answered, casework.Referred, casework.Closed},
		casework.Overdue:      {casework.Answered, casework.Closed},
		casework.Closed:       {},
	}
	for _, from := range casework.States {
		for _, to := range casework.States {
			t.Run(fmt.Sprintf("%s to %s", from, to), func(t *testing.T) {
				c := reach(t, from)
				before := len(c.Log)
				now := c.Log[before-1].When.Add(time.Hour)
				var got casework.Case
				var err error
				if to == casework.Answered {
					got, err = casework.Respond(c, answer(casework.Disputed, now), "liaison", now)
				} else {
					got, err = casework.Advance(c, to, "liaison", "decided at the review", now)
				}
				want := slices.Contains(legal[from], to)
				switch {
				case want && err != nil:
					t.Fatalf("Advance(%s -> %s) = %v, want it allowed", from, to, err)
				case !want && err == nil:
					t.Fatalf("Advance(%s -> %s) allowed, want refused", from, to)
				case !want:
					if to == casework.Overdue && (from == casework.Referred || from == casework.Acknowledged) {
						if !errors.Is(err, casework.ErrNotDue) {
							t.Errorf("Advance(%s -> overdue) before the deadline = %v, want ErrNotDue", from, err)
						}
						return
					}
					var te *casework.TransitionError
					if !errors.As(err, &te) || !errors.Is(err, casework.ErrIllegalTransition) || te.From != from || te.To != to {
						t.Errorf("Advance(%s -> %s) error = %v, want a TransitionError from %s to %s", from, to, err, from, to)
					}
					if len(c.Log) != before {
						t.Errorf("refused move changed the caller's log")
					}
					return
				}
				if got.State != to {
					t.Errorf("Advance(%s -> %s) state = %s", from, to, got.State)
				}
				last := got.Log[len(got.Log)-1]
				if last.From != from || last.To != to || last.Who != "liaison" || !last.When.Equal(now) || last.Why == "" {
					t.Errorf("Advance(%s -> %s) logged %+v, want from %s to %s by liaison at %v with a reason", from, to, last, from, to, now)
				}
				if len(c.Log) != before {
					t.Errorf("Advance changed the caller's case: log %d entries, was %d", len(c.Log), before)
				}
			})
		}
	}
}

func TestTransitionErrorMessages(t *testing.T) {
	tests := []struct {
		from casework.State
		to   casework.State
		want []string
	}{
		{casework.Draft, casework.Acknowledged, []string{"case C-1", "from draft to acknowledged", "allowed from draft: referred, closed"}},
		{casework.Closed, casework.Referred, []string{"from closed to referred", "none: the case is closed"}},
		{casework.Overdue, casework.Acknowledged, []string{"from overdue to acknowledged", "answered, closed", "late acknowledgement with Note"}},
	}
	for _, tt := range tests {
		c := reach(t, tt.from)
		_, err := casework.Advance(c, tt.to, "liaison", "x", c.Log[len(c.Log)-1].When.Add(time.Hour))
		if err == nil {
			t.Fatalf("Advance(%s -> %s) allowed", tt.from, tt.to)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Advance(%s -> %s) error %q, want it to contain %q", tt.from, tt.to, err, w)
			}
		}
	}
}

func TestAdvanceRules(t *testing.T) {
	draft := reach(t, casework.Draft)
	ref := reach(t, casework.Referred)
	tests := []struct {
		name string
		err  func() error
		want error
	}{
		{"closing needs a reason", func() error { _, err := casework.Advance(draft, casework.Closed, "liaison", " ", referred); return err }, casework.ErrReasonRequired},
		{"who is required", func() error { _, err := casework.Advance(draft, casework.Referred, "", "sent", referred); return err }, casework.ErrNoActor},
		{"time runs forward", func() error {
			_, err := casework.Advance(ref, casework.Acknowledged, "liaison", "", opened)
			return err
		}, casework.ErrTimeOrder},
		{"answered only with an answer", func() error { _, err := casework.Advance(ref, casework.Answered, "liaison", "", acked); return err }, casework.ErrAnswerRequired},
		{"overdue only after the deadline", func() error { _, err := casework.Advance(ref, casework.Overdue, "liaison", "", deadline); return err }, casework.ErrNotDue},
		{"a known response", func() error {
			_, err := casework.Respond(ref, casework.Answer{Response: "maybe"}, "liaison", acked)
			return err
		}, casework.ErrInvalid},
		{"a known state", func() error { _, err := casework.Advance(ref, "limbo", "liaison", "", acked); return err }, casework.ErrInvalid},
		{"a note needs text", func() error { _, err := casework.Note(ref, "liaison", "", acked); return err }, casework.ErrReasonRequired},
		{"findings only in a draft", func() error { _, err := casework.AddFindings(ref, findings(), "analyst", acked); return err }, casework.ErrIllegalTransition},
	}
	for _, tt := range tests {
		if err := tt.err(); !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	us := builtin(t, "us-cn-2015")
	other := findings()
	other[1].Counterparty = "RU"
	gb := findings()
	gb[0].AgreementID = "gb-cn-2015"
	tests := []struct {
		name string
		fs   []pact.Finding
		want error
	}{
		{"another counterparty", other, casework.ErrMismatch},
		{"another agreement", gb, casework.ErrMismatch},
		{"no findings", nil, casework.ErrNoFindings},
		{"no counterparty", []pact.Finding{{ID: "F-9", AgreementID: "us-cn-2015"}}, casework.ErrMismatch},
	}
	for _, tt := range tests {
		if _, err := casework.New("C-1", us, tt.fs, casework.PolicyFor(us), "analyst", opened); !errors.Is(err, tt.want) {
			t.Errorf("New(%s) error %v, want %v", tt.name, err, tt.want)
		}
	}
	c := must(t)(casework.New("C-1", us, append(findings(), findings()[0]), casework.PolicyFor(us), "analyst", opened))
	want := casework.Case{ID: "C-1", AgreementID: "us-cn-2015", Counterparty: "CN", FindingIDs: []string{"F-1", "F-2"},
		State: casework.Draft, ResponseDays: 30,
		Log: []casework.Transition{{From: casework.Draft, To: casework.Draft, Who: "analyst", When: opened, Why: "opened on 2 findings against CN under us-cn-2015"}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("New (-want +got):\n%s", diff)
	}
	more := must(t)(casework.AddFindings(c, []pact.Finding{{ID: "F-3", AgreementID: "us-cn-2015", Counterparty: "CN"}}, "analyst", opened.Add(time.Minute)))
	if !slices.Equal(more.FindingIDs, []string{"F-1", "F-2", "F-3"}) || len(c.FindingIDs) != 2 {
		t.Errorf("AddFindings = %v (original %v), want F-1..F-3 and the original untouched", more.FindingIDs, c.FindingIDs)
	}
}

func TestDeadlines(t *testing.T) {
	us, gb := builtin(t, "us-cn-2015"), builtin(t, "gb-cn-2015")
	gbFindings := findings()
	for i := range gbFindings {
		gbFindings[i].AgreementID = "gb-cn-2015"
	}
	tests := []struct {
		name   string
		a      pact.Agreement
		fs     []pact.Finding
		policy casework.Policy
		want   time.Time
	}{
		{"us-cn-2015: 30 days from the agreement file", us, findings(), casework.PolicyFor(us), deadline},
		{"configured: 10 days", us, findings(), casework.Policy{ResponseDays: 10}, at("2015-10-31T10:00:00Z")},
		{"gb-cn-2015 sets no deadline", gb, gbFindings, casework.PolicyFor(gb), time.Time{}},
	}
	for _, tt := range tests {
		c := must(t)(casework.New("C-1", tt.a, tt.fs, tt.policy, "analyst", opened))
		c = must(t)(casework.Advance(c, casework.Referred, "liaison", "sent", referred))
		if !c.Deadline.Equal(tt.want) || !c.Referred.Equal(referred) {
			t.Errorf("%s: deadline %v, referred %v, want %v and %v", tt.name, c.Deadline, c.Referred, tt.want, referred)
		}
		late := referred.AddDate(1, 0, 0)
		_, moved := casework.CheckOverdue(c, late)
		if moved != !tt.want.IsZero() {
			t.Errorf("%s: CheckOverdue a year later moved = %v, want %v", tt.name, moved, !tt.want.IsZero())
		}
	}
	if _, err := casework.New("C-1", us, findings(), casework.Policy{ResponseDays: -1}, "analyst", opened); !errors.Is(err, casework.ErrInvalid) {
		t.Errorf("New with -1 response days: error %v, want ErrInvalid", err)
	}
}

func TestOverdue(t *testing.T) {
	ack := reach(t, casework.Acknowledged)
	if _, moved := casework.CheckOverdue(ack, deadline); moved {
		t.Errorf("CheckOverdue at the deadline itself moved the case; want it due only after")
	}
	od, moved := casework.CheckOverdue(ack, deadline.Add(time.Second))
	if !moved || od.State != casework.Overdue {
		t.Fatalf("CheckOverdue after the deadline = %s, %v; want overdue", od.State, moved)
	}
	last := od.Log[len(od.Log)-1]
	if last.From != casework.Acknowledged || last.Who != casework.SystemActor || !last.When.Equal(deadline) || !strings.Contains(last.Why, "2015-11-20") {
		t.Errorf("overdue entry %+v, want from acknowledged by %s at the deadline, naming it", last, casework.SystemActor)
	}
	if again, moved := casework.CheckOverdue(od, deadline.AddDate(0, 1, 0)); moved || len(again.Log) != len(od.Log) {
		t.Errorf("CheckOverdue on an overdue case moved it again")
	}

	// An answer after the deadline: the log shows overdue first.
	late := deadline.AddDate(0, 0, 5)
	c := must(t)(casework.Respond(ack, answer(casework.Disputed, late), "liaison", late))
	var path []casework.State
	for _, e := range c.Log {
		path = append(path, e.To)
	}
	wantPath := []casework.State{casework.Draft, casework.Referred, casework.Acknowledged, casework.Overdue, casework.Answered}
	if !slices.Equal(path, wantPath) {
		t.Errorf("late answer log %v, want %v", path, wantPath)
	}
	if c.Log[len(c.Log)-1].Response != casework.Disputed {
		t.Errorf("answer entry response %q, want disputed", c.Log[len(c.Log)-1].Response)
	}

	// Asking for overdue after the deadline is the same move, logged once.
	ref := reach(t, casework.Referred)
	c = must(t)(casework.Advance(ref, casework.Overdue, "liaison", "", late))
	if c.State != casework.Overdue || len(c.Log) != len(ref.Log)+1 {
		t.Errorf("Advance(overdue) after the deadline: state %s, %d log entries, want overdue and one more entry", c.State, len(c.Log))
	}
	// A late acknowledgement is a note; the case stays overdue.
	c = must(t)(casework.Note(c, "liaison", "receipt acknowledged late by hotline", late.Add(time.Hour)))
	if c.State != casework.Overdue || c.Log[len(c.Log)-1].From != casework.Overdue || c.Log[len(c.Log)-1].To != casework.Overdue {
		t.Errorf("late acknowledgement note: state %s, entry %+v, want overdue and an overdue->overdue entry", c.State, c.Log[len(c.Log)-1])
	}
}

func TestFollowUp(t *testing.T) {
	c := reach(t, casework.Answered)
	c = must(t)(casework.Respond(c, answer(casework.ActionTaken, answered.AddDate(0, 0, 20)), "liaison", answered.AddDate(0, 0, 20)))
	if a, ok := c.LastAnswer(); !ok || a.Response != casework.ActionTaken || len(c.Answers) != 2 {
		t.Errorf("after a second answer: last %+v, %d answers; want action-taken, 2", a, len(c.Answers))
	}
	again := answered.AddDate(0, 1, 0)
	c = must(t)(casework.Advance(c, casework.Referred, "liaison", "follow-up: which servers were seized?", again))
	if !c.Deadline.Equal(again.AddDate(0, 0, 30)) || c.State != casework.Referred {
		t.Errorf("follow-up request: state %s, deadline %v, want referred and %v", c.State, c.Deadline, again.AddDate(0, 0, 30))
	}
	c = must(t)(casework.Advance(c, casework.Closed, "liaison", "resolved at the 2016-06 dialogue", again.AddDate(0, 0, 2)))
	tests := []struct {
		t    time.Time
		want casework.State
	}{
		{opened.Add(-time.Hour), ""},
		{opened, casework.Draft},
		{referred.Add(time.Hour), casework.Referred},
		{acked, casework.Referred}, // this path was never acknowledged
		{answered, casework.Answered},
		{again, casework.Referred},
		{again.AddDate(1, 0, 0), casework.Closed},
	}
	for _, tt := range tests {
		if got := c.StateAt(tt.t); got != tt.want {
			t.Errorf("StateAt(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
	if !c.Opened().Equal(opened) {
		t.Errorf("Opened() = %v, want %v", c.Opened(), opened)
	}
}

func TestAllowedIsACopy(t *testing.T) {
	a := casework.Allowed(casework.Draft)
	a[0] = casework.Closed
	if casework.Allowed(casework.Draft)[0] != casework.Referred {
		t.Errorf("Allowed returned the table itself: changing it changed the rules")
	}
}
