package pact_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pactwatch/pactwatch/internal/pact"
)

var inf = math.Inf(1)

// near reports whether got equals want to a relative 1e-6 (absolute 1e-12
// near zero), treating equal infinities and two NaNs as equal.
func near(got, want float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	}
	return math.Abs(got-want) <= 1e-6*math.Abs(want)+1e-12
}

// TestPoissonRatioTest checks the exact conditional test against reference
// values. Sources:
//   - R: the example of ?poisson.test, poisson.test(c(11, 6+8+7),
//     c(800, 1083+1050+878)) (eba1977 data, Fredericia against the other
//     three cities, ages 55-59), which R prints as rate ratio 1.971488,
//     p-value = 0.07967, 95 percent CI 0.8584264 4.2772659. (Our ratio is
//     after/before, so the Fredericia count goes in the "after" arm.)
//   - Exact: testdata/exact_reference.py, rational arithmetic with no
//     floating-point library (it reproduces the R row above to 1e-13).
//   - Hand: closed forms when one arm is zero: with all N events after,
//     pL = (α/2)^(1/N), and the p-value is 2·0.5^N for equal windows.
func TestPoissonRatioTest(t *testing.T) {
	tests := []struct {
		name                    string
		before                  int
		beforeT                 float64
		after                   int
		afterT                  float64
		ratio, p, low, high     float64
		pTolerance, ciTolerance float64 // 0: the default 1e-6 relative
	}{
		{name: "R poisson.test doc example", before: 21, beforeT: 3011, after: 11, afterT: 800,
			ratio: 1.971488, p: 0.07967, low: 0.8584264, high: 4.2772659, pTolerance: 5e-6, ciTolerance: 1e-7},
		{name: "exact: equal windows, fewer after", before: 12, beforeT: 84, after: 3, afterT: 84,
			ratio: 0.25, p: 0.03515625, low: 0.04527286360547267, high: 0.9263781937177048},
		{name: "exact: sharp drop", before: 62, beforeT: 90, after: 5, afterT: 90,
			ratio: 0.08064516129032258, p: 1.4195339782113736e-13, low: 0.02529895078755047, high: 0.19850354780601587},
		{name: "exact: unequal windows", before: 4, beforeT: 30, after: 9, afterT: 45,
			ratio: 1.5, p: 0.5818857988096, low: 0.41864714693941446, high: 6.665754951213842},
		{name: "exact: one each, very unequal windows", before: 1, beforeT: 100, after: 1, afterT: 7,
			ratio: 14.285714285714286, p: 0.12656127172678835, low: 0.18199095833809453, high: 1121.3833616609},
		{name: "hand: none after", before: 5, beforeT: 10, after: 0, afterT: 10,
			// pU = 1 - 0.025^(1/5); R = pU/(1-pU); p = 2/32.
			ratio: 0, p: 0.0625, low: 0, high: (1 - math.Pow(0.025, 0.2)) / math.Pow(0.025, 0.2)},
		{name: "hand: none before", before: 0, beforeT: 10, after: 5, afterT: 10,
			ratio: inf, p: 0.0625, low: math.Pow(0.025, 0.2) / (1 - math.Pow(0.025, 0.2)), high: inf},
		{name: "hand: none at all", before: 0, beforeT: 90, after: 0, afterT: 90,
			ratio: math.NaN(), p: 1, low: 0, high: inf},
		{name: "hand: equal counts and windows", before: 7, beforeT: 30, after: 7, afterT: 30,
			// x = n·p exactly: R returns 1 without summing.
			ratio: 1, p: 1, low: 0.29930968181059925, high: 3.3410212257443512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pact.PoissonRatioTest(tt.before, tt.beforeT, tt.after, tt.afterT, 0)
			if err != nil {
				t.Fatalf("PoissonRatioTest(%d, %v, %d, %v) error: %v", tt.before, tt.beforeT, tt.after, tt.afterT, err)
			}
			check := func(what string, got, want, tol float64) {
				t.Helper()
				ok := near(got, want)
				if tol > 0 && !math.IsInf(want, 0) && !math.IsNaN(want) {
					ok = math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
				}
				if !ok {
					t.Errorf("PoissonRatioTest(%d, %v, %d, %v) %s = %.10g, want %.10g", tt.before, tt.beforeT, tt.after, tt.afterT, what, got, want)
				}
			}
			check("ratio", got.Ratio, tt.ratio, 0)
			if tt.name == "R poisson.test doc example" {
				check("ratio", got.Ratio, tt.ratio, 1e-6) // R prints 7 digits
			}
			check("p-value", got.PValue, tt.p, tt.pTolerance)
			check("ci low", got.Low, tt.low, tt.ciTolerance)
			check("ci high", got.High, tt.high, tt.ciTolerance)
			if got.ConfLevel != 0.95 {
				t.Errorf("ConfLevel = %v, want the default 0.95", got.ConfLevel)
			}
		})
	}
}

// TestPoissonRatioTestSymmetry: swapping the arms inverts the ratio and its
// interval and keeps the p-value.
func TestPoissonRatioTestSymmetry(t *testing.T) {
	for _, c := range [][4]float64{{21, 3011, 11, 800}, {12, 84, 3, 84}, {4, 30, 9, 45}} {
		a, _ := pact.PoissonRatioTest(int(c[0]), c[1], int(c[2]), c[3], 0.9)
		b, _ := pact.PoissonRatioTest(int(c[2]), c[3], int(c[0]), c[1], 0.9)
		if !near(a.Ratio, 1/b.Ratio) || !near(a.PValue, b.PValue) || !near(a.Low, 1/b.High) || !near(a.High, 1/b.Low) {
			t.Errorf("PoissonRatioTest(%v) = %+v, swapped %+v: want reciprocal ratio and interval, same p", c, a, b)
		}
		wide, _ := pact.PoissonRatioTest(int(c[0]), c[1], int(c[2]), c[3], 0.99)
		if !(wide.Low < a.Low && wide.High > a.High) {
			t.Errorf("99%% interval [%v, %v] does not contain the 90%% one [%v, %v]", wide.Low, wide.High, a.Low, a.High)
		}
	}
}

// TestBinomTest checks the exact binomial test. Source: ?binom.test's
// example from Conover (1971), p. 97f.: binom.test(682, 682 + 243, p = 3/4)
// prints p-value = 0.3825, 95 percent CI 0.7076683 0.7654066, estimate
// 0.7372973. The zero and full cases are closed forms.
func TestBinomTest(t *testing.T) {
	tests := []struct {
		x, n              int
		p                 float64
		pv, low, high, tl float64
	}{
		{682, 925, 0.75, 0.3825, 0.7076683, 0.7654066, 1e-4},
		{0, 5, 0.5, 0.0625, 0, 1 - math.Pow(0.025, 0.2), 1e-12},
		{5, 5, 0.5, 0.0625, math.Pow(0.025, 0.2), 1, 1e-12},
		{3, 6, 0.5, 1, 0.1181172, 0.8818828, 1e-6},
		{0, 0, 0.5, 1, 0, 1, 0},
		{2, 10, 0, 0, 0.0252107, 0.5560955, 1e-6}, // p0 = 0: only x = 0 is possible
	}
	for _, tt := range tests {
		got, err := pact.BinomTest(tt.x, tt.n, tt.p, 0)
		if err != nil {
			t.Fatalf("BinomTest(%d, %d, %v) error: %v", tt.x, tt.n, tt.p, err)
		}
		if math.Abs(got.PValue-tt.pv) > math.Max(tt.tl, 5e-5) && tt.pv != 0 || tt.pv == 0 && got.PValue != 0 ||
			math.Abs(got.Low-tt.low) > tt.tl || math.Abs(got.High-tt.high) > tt.tl {
			t.Errorf("BinomTest(%d, %d, %v) = p %v [%v, %v], want p %v [%v, %v]", tt.x, tt.n, tt.p, got.PValue, got.Low, got.High, tt.pv, tt.low, tt.high)
		}
	}
}

func TestExactTestsRejectBadInput(t *testing.T) {
	bad := []struct {
		name string
		err  func() error
	}{
		{"x > n", func() error { _, err := pact.BinomTest(6, 5, 0.5, 0); return err }},
		{"p > 1", func() error { _, err := pact.BinomTest(1, 5, 1.5, 0); return err }},
		{"level 1", func() error { _, err := pact.BinomTest(1, 5, 0.5, 1); return err }},
		{"negative count", func() error { _, err := pact.PoissonRatioTest(-1, 1, 1, 1, 0); return err }},
		{"zero window", func() error { _, err := pact.PoissonRatioTest(1, 0, 1, 1, 0); return err }},
		{"infinite window", func() error { _, err := pact.PoissonRatioTest(1, 1, 1, inf, 0); return err }},
	}
	for _, b := range bad {
		if err := b.err(); !errors.Is(err, pact.ErrBadTestInput) {
			t.Errorf("%s: error %v, want ErrBadTestInput", b.name, err)
		}
	}
}

// g20Findings builds findings under g20-2015 (effective 2015-11-16) over two
// 84-day windows: Deep Panda (CN) 24 before and 3 after, APT3 (CN) none
// before and 2 after, APT28 (RU) 4 before and none after, plus findings that
// must not count.
func g20Findings(eff time.Time) []pact.Finding {
	var fs []pact.Finding
	add := func(id, actor, sponsor string, day int) {
		fs = append(fs, pact.Finding{
			ID: "F-" + id, IntrusionID: id, AgreementID: "g20-2015", Counterparty: sponsor, Victim: "US",
			ActorID: "G-" + actor, Actor: actor, Sponsor: sponsor, Start: eff.AddDate(0, 0, day).Add(9 * time.Hour),
		})
	}
	for i := range 12 {
		add("dp-b"+string(rune('a'+i)), "Deep Panda", "CN", -84+7*i)
		add("dp-c"+string(rune('a'+i)), "Deep Panda", "CN", -84+7*i+3)
	}
	add("dp-a1", "Deep Panda", "CN", 1) // the very next day
	add("dp-a2", "Deep Panda", "CN", 30)
	add("dp-a3", "Deep Panda", "CN", 60)
	add("dp-late", "Deep Panda", "CN", 200) // after the window: first-after only if earliest
	add("apt3-a1", "APT3", "CN", 10)
	add("apt3-a2", "APT3", "CN", 11)
	for i := range 4 {
		add("apt28-b"+string(rune('a'+i)), "APT28", "RU", -40+i)
	}
	// Not counted: another agreement, a duplicate, no counterparty.
	fs = append(fs, pact.Finding{IntrusionID: "other", AgreementID: "us-cn-2015", Counterparty: "CN", Victim: "US", Start: eff})
	fs = append(fs, fs[0])
	fs = append(fs, pact.Finding{IntrusionID: "unattributed", AgreementID: "g20-2015", Victim: "US", Start: eff.AddDate(0, 0, 2)})
	return fs
}

func TestRates(t *testing.T) {
	g20 := builtin(t, "g20-2015")
	eff := g20.Effective
	rows := pact.Rates(g20, g20Findings(eff), pact.RateOptions{Count: pact.CountOptions{Window: 84 * 24 * time.Hour}})

	type row struct {
		scope, actor, sponsor string
		before, after         int
		ratio, p, low, high   float64
		firstDelay            int // -1: none
	}
	// Expected statistics from testdata/exact_reference.py (exact rational
	// arithmetic) and the closed forms for one empty arm.
	want := []row{
		{pact.ScopeAgreement, "", "", 28, 5, 0.17857142857142858, 6.618769839406013e-05, 0.05383927804570679, 0.46840682994607047, 1},
		{pact.ScopeActor, "APT28", "RU", 4, 0, 0, 0.125, 0, 1.5148668593658707, -1},
		{pact.ScopeActor, "APT3", "CN", 0, 2, inf, 0.5, 0.1878091107778656, inf, 10},
		{pact.ScopeActor, "Deep Panda", "CN", 24, 3, 0.125, 4.9233436584472656e-05, 0.024094332694152776, 0.41160579083685295, 1},
		{pact.ScopeSponsor, "", "CN", 24, 5, 0.20833333333333334, 0.0005461126565933228, 0.062085349302867826, 0.5570201513029491, 1},
		{pact.ScopeSponsor, "", "RU", 4, 0, 0, 0.125, 0, 1.5148668593658707, -1},
	}
	if len(rows) != len(want) {
		t.Fatalf("Rates returned %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Scope != w.scope || r.Actor != w.actor || r.Sponsor != w.sponsor || r.BeforeCount != w.before || r.AfterCount != w.after {
			t.Errorf("row %d = %s %q %q %d/%d, want %s %q %q %d/%d", i, r.Scope, r.Actor, r.Sponsor, r.BeforeCount, r.AfterCount, w.scope, w.actor, w.sponsor, w.before, w.after)
		}
		if r.BeforeDays != 84 || r.AfterDays != 84 || r.AgreementID != "g20-2015" {
			t.Errorf("row %d: %s windows %d and %d days, want 84 and 84 under g20-2015", i, r.AgreementID, r.BeforeDays, r.AfterDays)
		}
		if !near(r.RateRatio, w.ratio) || !near(r.PValue, w.p) || !near(r.CILow, w.low) || !near(r.CIHigh, w.high) {
			t.Errorf("row %d (%s %s%s): ratio %v p %v CI [%v, %v], want ratio %v p %v CI [%v, %v]", i, w.scope, w.actor, w.sponsor,
				r.RateRatio, r.PValue, r.CILow, r.CIHigh, w.ratio, w.p, w.low, w.high)
		}
		switch {
		case w.firstDelay < 0 && !r.FirstAfter.IsZero():
			t.Errorf("row %d: first after %v, want none", i, r.FirstAfter)
		case w.firstDelay >= 0 && (r.FirstAfterDelayDays != w.firstDelay || pact.DaysBetween(eff, r.FirstAfter) != w.firstDelay):
			t.Errorf("row %d: first after %v, delay %d days, want %d days", i, r.FirstAfter, r.FirstAfterDelayDays, w.firstDelay)
		}
		if got, wantPW := r.BeforePerWeek, float64(w.before)/12; !near(got, wantPW) {
			t.Errorf("row %d: %v before per week, want %v", i, got, wantPW)
		}
		if n := len(r.Weekly.Counts); n != 24 {
			t.Errorf("row %d: weekly series of %d weeks, want 24", i, n)
		}
		sum := 0
		for _, c := range r.Weekly.Counts {
			sum += c
		}
		if sum != w.before+w.after {
			t.Errorf("row %d: weekly series sums to %d, want %d", i, sum, w.before+w.after)
		}
	}
	// Deep Panda went from two a week to one a month on the effective date:
	// the change point falls within a week of it (the week after holds the
	// next-day intrusion, so the optimum may put it there).
	dp := rows[3]
	if len(dp.Changes) != 1 || dp.Changes[0].Date.Sub(eff).Abs() > 7*24*time.Hour ||
		dp.Changes[0].BeforePerWeek < 1.5 || dp.Changes[0].AfterPerWeek > 0.5 {
		t.Errorf("Deep Panda change points %+v, want one within a week of %s, from about 2 a week to about 0.25", dp.Changes, eff.Format(pact.DateLayout))
	}
	if rows[2].Changes == nil {
		t.Errorf("APT3 change points nil, want an empty list")
	}
}

func TestRatesJSON(t *testing.T) {
	g20 := builtin(t, "g20-2015")
	rows := pact.Rates(g20, g20Findings(g20.Effective), pact.RateOptions{Count: pact.CountOptions{Window: 84 * 24 * time.Hour}})
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatalf("json.Marshal(rates): %v", err)
	}
	var generic []map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	keys := []string{"agreement_id", "actor", "sponsor", "before_count", "after_count", "before_days", "after_days",
		"rate_ratio", "p_value", "ci_low", "ci_high", "first_after", "first_after_delay_days", "change_points"}
	for i, m := range generic {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("row %d JSON lacks %q: %v", i, k, m)
			}
		}
	}
	apt28, apt3 := generic[1], generic[2]
	if apt3["rate_ratio"] != nil || apt3["rate_ratio_infinite"] != true || apt3["ci_high"] != nil || apt3["ci_high_infinite"] != true {
		t.Errorf("APT3 (none before) JSON ratio %v (infinite %v), ci_high %v (infinite %v): want null with the flags set",
			apt3["rate_ratio"], apt3["rate_ratio_infinite"], apt3["ci_high"], apt3["ci_high_infinite"])
	}
	if apt28["rate_ratio"] != 0.0 || apt28["first_after"] != nil || apt28["first_after_delay_days"] != nil {
		t.Errorf("APT28 (none after) JSON ratio %v, first_after %v, delay %v: want 0, null, null",
			apt28["rate_ratio"], apt28["first_after"], apt28["first_after_delay_days"])
	}
	if generic[0]["first_after_delay_days"] != 1.0 {
		t.Errorf("total first_after_delay_days = %v, want 1", generic[0]["first_after_delay_days"])
	}
	var back []pact.Rate
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("json.Unmarshal([]Rate): %v", err)
	}
	if diff := cmp.Diff(rows, back, cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("Rate JSON round trip (-want +got):\n%s", diff)
	}

	// No intrusion in either window: the ratio is undefined, not infinite.
	empty := pact.Rates(g20, nil, pact.RateOptions{})[0]
	eb, _ := json.Marshal(empty)
	if !strings.Contains(string(eb), `"rate_ratio":null,"rate_ratio_infinite":false`) || !strings.Contains(string(eb), `"p_value":1`) {
		t.Errorf("empty row JSON = %s, want an undefined (null, not infinite) ratio and p_value 1", eb)
	}
}

func TestFilterRates(t *testing.T) {
	g20 := builtin(t, "g20-2015")
	rows := pact.Rates(g20, g20Findings(g20.Effective), pact.RateOptions{})
	got := pact.FilterRates(rows, "deep panda")
	if len(got) != 2 || got[0].Actor != "Deep Panda" || got[1].Scope != pact.ScopeSponsor || got[1].Sponsor != "CN" {
		t.Errorf("FilterRates(deep panda) = %+v, want the Deep Panda row and sponsor CN", got)
	}
	if got := pact.FilterRates(rows, "G-APT28"); len(got) != 2 || got[0].Actor != "APT28" || got[1].Sponsor != "RU" {
		t.Errorf("FilterRates(G-APT28) = %+v, want APT28 and sponsor RU", got)
	}
	if got := pact.FilterRates(rows, "nobody"); len(got) != 0 {
		t.Errorf("FilterRates(nobody) = %+v, want none", got)
	}
}

// TestPoissonRatioTestInvariants sweeps small counts and unequal windows:
// the p-value is a probability, the interval is ordered and holds the
// estimate, and a wider level gives a wider interval.
func TestPoissonRatioTestInvariants(t *testing.T) {
	for before := 0; before <= 25; before++ {
		for after := 0; after <= 25; after++ {
			for _, w := range [][2]float64{{84, 84}, {30, 90}, {365, 7}} {
				r, err := pact.PoissonRatioTest(before, w[0], after, w[1], 0)
				if err != nil {
					t.Fatalf("PoissonRatioTest(%d, %v, %d, %v): %v", before, w[0], after, w[1], err)
				}
				if !(r.PValue > 0 && r.PValue <= 1) || !(r.Low >= 0 && r.Low <= r.High) {
					t.Errorf("PoissonRatioTest(%d, %v, %d, %v) = p %v [%v, %v]", before, w[0], after, w[1], r.PValue, r.Low, r.High)
				}
				if !math.IsNaN(r.Ratio) && (r.Ratio < r.Low || r.Ratio > r.High) {
					t.Errorf("PoissonRatioTest(%d, %v, %d, %v): ratio %v outside [%v, %v]", before, w[0], after, w[1], r.Ratio, r.Low, r.High)
				}
				wide, _ := pact.PoissonRatioTest(before, w[0], after, w[1], 0.99)
				if wide.Low > r.Low || wide.High < r.High {
					t.Errorf("PoissonRatioTest(%d, %v, %d, %v): 99%% [%v, %v] inside 95%% [%v, %v]", before, w[0], after, w[1], wide.Low, wide.High, r.Low, r.High)
				}
			}
		}
	}
}

// FuzzRateJSON: decoding any input either fails or gives a Rate whose JSON
// form decodes to the same Rate.
func FuzzRateJSON(f *testing.F) {
	f.Add([]byte(`{"agreement_id":"us-cn-2015","before_count":3,"after_count":0,"rate_ratio":0,"p_value":0.25,"ci_low":0,"ci_high":1.5,"first_after":null,"first_after_delay_days":null}`))
	f.Add([]byte(`{"rate_ratio":null,"rate_ratio_infinite":true,"ci_high":null,"ci_high_infinite":true,"p_value":0.5}`))
	f.Add([]byte(`{"rate_ratio":null,"first_after":"2015-09-26T03:00:00Z","first_after_delay_days":1,"change_points":[{"week":3}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r pact.Rate
		if err := json.Unmarshal(b, &r); err != nil {
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", r, err)
		}
		var back pact.Rate
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Unmarshal(Marshal(r)) = %v\n%s", err, out)
		}
		if diff := cmp.Diff(r, back, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-first +second):\n%s", diff)
		}
	})
}
