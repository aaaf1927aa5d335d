package pact_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/attribution"
	"github.com/pactwatch/pactwatch/internal/intent"
	"github.com/pactwatch/pactwatch/internal/intrusion"
	"github.com/pactwatch/pactwatch/internal/org"
	"github.com/pactwatch/pactwatch/internal/pact"
)

// scenario is the autumn-2015 shape: Deep Panda and APT3 (both assessed to
// serve CN) against US companies before and after 2015-09-25, the first
// intrusion after it on Saturday 2015-09-26, plus intrusions that must not
// be counted.
type scenarioRow struct {
	id     string
	start  string
	attr   attribution.Result
	victim org.Organisation
	class  intent.Class
}

func scenario() []scenarioRow {
	apt3 := attributed("APT3", "CN", 40, "moderate")
	return []scenarioRow{
		{"I-a", "2015-09-01T08:00:00Z", deepPandaCN, acmePharma, intent.Economic},
		{"I-b", "2015-09-10T08:00:00Z", apt3, acmePharma, intent.Economic},
		{"I-c", "2015-09-20T08:00:00Z", deepPandaCN, acmePharma, intent.NationalSecurity}, // counted whatever the intent
		{"I-d", "2015-09-26T03:00:00Z", deepPandaCN, acmePharma, intent.Economic},         // the very next day
		{"I-e", "2015-10-01T08:00:00Z", apt3, acmePharma, intent.Economic},
		{"I-f", "2015-10-12T08:00:00Z", deepPandaCN, acmePharma, intent.Economic},
		{"I-g", "2015-12-31T08:00:00Z", deepPandaCN, acmePharma, intent.Economic}, // after the window
		// Not counted: victim not a party, non-party actor, the victim's own state, unattributed.
		{"I-x1", "2015-09-26T01:00:00Z", deepPandaCN, berlinTech, intent.Economic},
		{"I-x2", "2015-09-25T12:00:00Z", apt28RU, acmePharma, intent.Economic},
		{"I-x3", "2015-09-25T13:00:00Z", deepPandaCN, shanghaiCo, intent.Economic},
		{"I-x4", "2015-09-25T14:00:00Z", unattrib, acmePharma, intent.Economic},
	}
}

func scenarioFindings(t *testing.T, a pact.Agreement) []pact.Finding {
	var fs []pact.Finding
	for _, r := range scenario() {
		start := at(r.start)
		in := intrusion.Intrusion{ID: r.id, OrgID: r.victim.ID, Start: start, End: start.Add(2 * time.Hour)}
		fs = append(fs, pact.Evaluate(a, in, r.attr, assess(r.class), r.victim))
	}
	return fs
}

func TestCounts(t *testing.T) {
	us := builtin(t, "us-cn-2015")
	fs := scenarioFindings(t, us)
	// Findings of another agreement and a duplicate are ignored.
	fs = append(fs, pact.Evaluate(builtin(t, "gb-cn-2015"), intrusion.Intrusion{ID: "I-gb", Start: at("2015-10-25T00:00:00Z")}, deepPandaCN, assess(intent.Economic), londonChem))
	fs = append(fs, fs[3])

	eff := date("2015-09-25")
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	row := func(actor, actorID string, before, after, window int, first, firstID string, delay int) pact.Count {
		c := pact.Count{AgreementID: "us-cn-2015", Actor: actor, ActorID: actorID, Counterparty: "CN",
			Before: before, After: after, BeforeDays: window, AfterDays: window,
			From: eff.Add(-days(window)), To: eff.Add(days(window)), FirstAfterDelayDays: delay, FirstAfterIntrusion: firstID}
		if first != "" {
			c.FirstAfter = at(first)
		}
		return c
	}
	tests := []struct {
		name string
		opt  pact.CountOptions
		want []pact.Count
	}{
		{
			// Earliest finding 2015-09-01: windows of 24 days, [09-01, 09-25) and [09-25, 10-19).
			name: "default window from the earliest data",
			want: []pact.Count{
				row("", "", 3, 3, 24, "2015-09-26T03:00:00Z", "I-d", 1),
				row("APT3", "GAPT3", 1, 1, 24, "2015-10-01T08:00:00Z", "I-e", 6),
				row("Deep Panda", "GDeep Panda", 2, 2, 24, "2015-09-26T03:00:00Z", "I-d", 1),
			},
		},
		{
			name: "ten-day window",
			opt:  pact.CountOptions{Window: days(10)},
			want: []pact.Count{
				row("", "", 1, 2, 10, "2015-09-26T03:00:00Z", "I-d", 1),
				row("APT3", "GAPT3", 0, 1, 10, "2015-10-01T08:00:00Z", "I-e", 6),
				row("Deep Panda", "GDeep Panda", 1, 1, 10, "2015-09-26T03:00:00Z", "I-d", 1),
			},
		},
		{
			name: "window cut at the end of the data, rounded up to whole days",
			opt:  pact.CountOptions{Until: at("2015-10-01T12:00:00Z")},
			want: []pact.Count{
				row("", "", 1, 2, 7, "2015-09-26T03:00:00Z", "I-d", 1),
				row("APT3", "GAPT3", 0, 1, 7, "2015-10-01T08:00:00Z", "I-e", 6),
				row("Deep Panda", "GDeep Panda", 1, 1, 7, "2015-09-26T03:00:00Z", "I-d", 1),
			},
		},
		{
			name: "long window",
			opt:  pact.CountOptions{Window: days(120)},
			want: []pact.Count{
				row("", "", 3, 4, 120, "2015-09-26T03:00:00Z", "I-d", 1),
				row("APT3", "GAPT3", 1, 1, 120, "2015-10-01T08:00:00Z", "I-e", 6),
				row("Deep Panda", "GDeep Panda", 2, 3, 120, "2015-09-26T03:00:00Z", "I-d", 1),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pact.Counts(us, fs, tt.opt)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Counts(us-cn-2015, %+v) (-want +got):\n%s", tt.opt, diff)
			}
		})
	}
}

func TestCountsFirstAfterIsNextDay(t *testing.T) {
	us := builtin(t, "us-cn-2015")
	total := pact.Counts(us, scenarioFindings(t, us), pact.CountOptions{})[0]
	if got := total.FirstAfter.Format("2006-01-02"); got != "2015-09-26" || total.FirstAfterDelayDays != 1 {
		t.Errorf("first after = %s, delay %d days, want 2015-09-26, 1 day", got, total.FirstAfterDelayDays)
	}
}

func TestCountsDefaultWindowWithoutEarlierData(t *testing.T) {
	us := builtin(t, "us-cn-2015")
	in := intrusion.Intrusion{ID: "I-late", Start: at("2015-11-01T00:00:00Z")}
	fs := []pact.Finding{pact.Evaluate(us, in, deepPandaCN, assess(intent.Economic), acmePharma)}
	got := pact.Counts(us, fs, pact.CountOptions{})
	want := []pact.Count{
		{AgreementID: "us-cn-2015", Counterparty: "CN", After: 1, BeforeDays: 90, AfterDays: 90,
			FirstAfter: in.Start, FirstAfterIntrusion: "I-late", FirstAfterDelayDays: 37},
		{AgreementID: "us-cn-2015", Actor: "Deep Panda", ActorID: "GDeep Panda", Counterparty: "CN", After: 1, BeforeDays: 90, AfterDays: 90,
			FirstAfter: in.Start, FirstAfterIntrusion: "I-late", FirstAfterDelayDays: 37},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(pact.Count{}, "From", "To")); diff != "" {
		t.Errorf("Counts with no data before the effective date (-want +got):\n%s", diff)
	}
	if empty := pact.Counts(us, nil, pact.CountOptions{}); len(empty) != 1 || empty[0].Before+empty[0].After != 0 || !empty[0].FirstAfter.IsZero() || empty[0].BeforeDays != 90 {
		t.Errorf("Counts(no findings) = %+v, want one empty row over 90-day windows", empty)
	}
}

func TestDaysBetween(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2015-09-25T00:00:00Z", "2015-09-26T03:00:00Z", 1},
		{"2015-09-25T00:00:00Z", "2015-09-25T23:59:59Z", 0},
		{"2015-09-25T23:00:00Z", "2015-09-26T01:00:00Z", 1},
		{"2015-09-25T00:00:00Z", "2015-09-24T12:00:00Z", -1},
		{"2015-09-25T00:00:00Z", "2015-09-25T20:00:00-04:00", 1}, // 2015-09-26 in UTC
		{"2015-03-01T00:00:00Z", "2015-11-01T00:00:00Z", 245},
	}
	for _, tt := range tests {
		if got := pact.DaysBetween(at(tt.a), at(tt.b)); got != tt.want {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
