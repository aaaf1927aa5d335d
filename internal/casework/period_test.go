package casework_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pactwatch/pactwatch/internal/casework"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in       string
		from, to string
	}{
		{"2015-H2", "2015-07-01T00:00:00Z", "2016-01-01T00:00:00Z"},
		{"2016-H1", "2016-01-01T00:00:00Z", "2016-07-01T00:00:00Z"},
		{"2015-Q4", "2015-10-01T00:00:00Z", "2016-01-01T00:00:00Z"},
		{"2015-10", "2015-10-01T00:00:00Z", "2015-11-01T00:00:00Z"},
		{"2015", "2015-01-01T00:00:00Z", "2016-01-01T00:00:00Z"},
	}
	for _, tt := range tests {
		from, to, err := casework.ParsePeriod(tt.in)
		if err != nil || !from.Equal(at(tt.from)) || !to.Equal(at(tt.to)) {
			t.Errorf("ParsePeriod(%q) = %v, %v, %v, want %s, %s", tt.in, from, to, err, tt.from, tt.to)
		}
	}
	for _, bad := range []string{"", "2015-H3", "2015-Q5", "2015-13", "2015-00", "15-H2", "2015-h2", "2015-H2 "} {
		if _, _, err := casework.ParsePeriod(bad); !errors.Is(err, casework.ErrInvalid) {
			t.Errorf("ParsePeriod(%q) error %v, want ErrInvalid", bad, err)
		}
	}
}

func TestSummarise(t *testing.T) {
	withID := func(c casework.Case, id string) casework.Case { c.ID = id; return c }
	over := withID(reach(t, casework.Referred), "C-over") // never answered: overdue after 2015-11-20, unrecorded
	ans := withID(reach(t, casework.Answered), "C-ans")
	closed := withID(reach(t, casework.Closed), "C-closed")
	later := must(t)(casework.New("C-later", builtin(t, "us-cn-2015"), findings(), casework.Policy{}, "analyst", at("2016-02-01T00:00:00Z")))
	noted := must(t)(casework.Note(ans, "liaison", "call held", at("2015-12-02T00:00:00Z")))
	cases := []casework.Case{over, noted, closed, later}

	tests := []struct {
		period string
		want   casework.Activity
	}{
		{"2015-H2", casework.Activity{
			Opened: []string{"C-ans", "C-closed", "C-over"}, Referred: []string{"C-ans", "C-over"}, Answered: []string{"C-ans"},
			Overdue: []string{"C-over"}, Closed: []string{"C-closed"},
			AtEnd: map[casework.State]int{casework.Overdue: 1, casework.Answered: 1, casework.Closed: 1}, OverdueAtEnd: []string{"C-over"},
		}},
		{"2015-11", casework.Activity{
			Opened: []string{}, Referred: []string{}, Answered: []string{}, Overdue: []string{"C-over"}, Closed: []string{},
			AtEnd: map[casework.State]int{casework.Overdue: 1, casework.Answered: 1, casework.Closed: 1}, OverdueAtEnd: []string{"C-over"},
		}},
		{"2015-10", casework.Activity{
			Opened: []string{"C-ans", "C-closed", "C-over"}, Referred: []string{"C-ans", "C-over"}, Answered: []string{"C-ans"},
			Overdue: []string{}, Closed: []string{"C-closed"},
			AtEnd: map[casework.State]int{casework.Referred: 1, casework.Answered: 1, casework.Closed: 1}, OverdueAtEnd: []string{},
		}},
		{"2016-Q1", casework.Activity{
			Opened: []string{"C-later"}, Referred: []string{}, Answered: []string{}, Overdue: []string{}, Closed: []string{},
			AtEnd: map[casework.State]int{casework.Overdue: 1, casework.Answered: 1, casework.Closed: 1, casework.Draft: 1}, OverdueAtEnd: []string{"C-over"},
		}},
	}
	for _, tt := range tests {
		from, to, err := casework.ParsePeriod(tt.period)
		if err != nil {
			t.Fatal(err)
		}
		tt.want.From, tt.want.To = from, to
		got := casework.Summarise(cases, from, to)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Summarise(%s) (-want +got):\n%s", tt.period, diff)
		}
	}
	if over.State != casework.Referred {
		t.Errorf("Summarise changed the caller's case to %s", over.State)
	}
}
