package pact_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/pactwatch/pactwatch/internal/pact"
)

// poissonSeries draws weekly counts with the given rate per segment, each
// segment of the given number of weeks, from a seeded generator.
func poissonSeries(seed uint64, rates []float64, weeks []int) pact.Series {
	src := rand.NewPCG(seed, 2015)
	s := pact.Series{Name: "synthetic", Start: time.Date(2015, 1, 5, 0, 0, 0, 0, time.UTC)}
	for i, r := range rates {
		d := distuv.Poisson{Lambda: r, Src: src}
		for range weeks[i] {
			s.Counts = append(s.Counts, int(d.Rand()))
		}
	}
	return s
}

func TestChangePointsFindsKnownChanges(t *testing.T) {
	tests := []struct {
		name  string
		rates []float64
		weeks []int
		want  []int // week indices of the true changes
	}{
		{"drop at week 26", []float64{6, 1.5}, []int{26, 26}, []int{26}},
		{"rise at week 40", []float64{1, 5}, []int{40, 20}, []int{40}},
		{"drop from 60 a month to 5 (Redline Drawn shape)", []float64{15, 1.2}, []int{30, 30}, []int{30}},
		{"burst between weeks 20 and 32", []float64{0.5, 8, 0.5}, []int{20, 12, 20}, []int{20, 32}},
	}
	for _, tt := range tests {
		for seed := uint64(1); seed <= 10; seed++ {
			s := poissonSeries(seed, tt.rates, tt.weeks)
			got := pact.ChangePoints(s, pact.ChangeOptions{})
			if len(got) != len(tt.want) {
				t.Errorf("%s, seed %d: ChangePoints(%v) = %+v, want changes at weeks %v", tt.name, seed, s.Counts, got, tt.want)
				continue
			}
			for i, w := range tt.want {
				if d := got[i].Week - w; d < -1 || d > 1 {
					t.Errorf("%s, seed %d: change %d at week %d, want %d ± 1", tt.name, seed, i, got[i].Week, w)
				}
				if !got[i].Date.Equal(s.Week(got[i].Week)) {
					t.Errorf("%s, seed %d: change date %v, want the start of week %d, %v", tt.name, seed, got[i].Date, got[i].Week, s.Week(got[i].Week))
				}
				up := tt.rates[i+1] > tt.rates[i]
				if (got[i].AfterPerWeek > got[i].BeforePerWeek) != up {
					t.Errorf("%s, seed %d: change %d from %.2f to %.2f a week, want the direction of %v to %v", tt.name, seed, i, got[i].BeforePerWeek, got[i].AfterPerWeek, tt.rates[i], tt.rates[i+1])
				}
				if got[i].Deviance <= 0 {
					t.Errorf("%s, seed %d: deviance %v, want > 0", tt.name, seed, got[i].Deviance)
				}
			}
		}
	}
}

func TestChangePointsNoneWhenSteady(t *testing.T) {
	constant := func(v, n int) pact.Series {
		s := pact.Series{Counts: make([]int, n)}
		for i := range s.Counts {
			s.Counts[i] = v
		}
		return s
	}
	fixed := []struct {
		name string
		s    pact.Series
	}{
		{"all zero", constant(0, 52)},
		{"three every week", constant(3, 52)},
		{"too short to split", pact.Series{Counts: []int{9, 9, 0, 0, 0}}},
		{"empty", pact.Series{}},
	}
	for _, tt := range fixed {
		if got := pact.ChangePoints(tt.s, pact.ChangeOptions{}); len(got) != 0 {
			t.Errorf("ChangePoints(%s) = %+v, want none", tt.name, got)
		}
	}
	for seed := uint64(1); seed <= 20; seed++ {
		for _, rate := range []float64{0.5, 4} {
			s := poissonSeries(seed, []float64{rate}, []int{52})
			if got := pact.ChangePoints(s, pact.ChangeOptions{}); len(got) != 0 {
				t.Errorf("steady rate %v, seed %d: ChangePoints(%v) = %+v, want none", rate, seed, s.Counts, got)
			}
		}
	}
}

func TestChangePointsOptions(t *testing.T) {
	// A one-week burst is not a change at the default minimum segment, nor
	// is a modest step at a high penalty; a low penalty finds the step.
	burst := pact.Series{Counts: []int{1, 1, 1, 1, 1, 1, 12, 1, 1, 1, 1, 1, 1}}
	if got := pact.ChangePoints(burst, pact.ChangeOptions{}); len(got) != 0 {
		t.Errorf("ChangePoints(one-week burst) = %+v, want none", got)
	}
	step := pact.Series{Counts: []int{3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1}}
	if got := pact.ChangePoints(step, pact.ChangeOptions{Penalty: 100}); len(got) != 0 {
		t.Errorf("ChangePoints(step, penalty 100) = %+v, want none", got)
	}
	got := pact.ChangePoints(step, pact.ChangeOptions{Penalty: 1})
	want := []pact.ChangePoint{{Week: 6, BeforePerWeek: 3, AfterPerWeek: 1, BeforeWeeks: 6, AfterWeeks: 6}}
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Deviance" || p.Last().String() == ".Date" }, cmp.Ignore())); diff != "" {
		t.Errorf("ChangePoints(step, penalty 1) (-want +got):\n%s", diff)
	}
	// Deviance by hand: 2·(18 ln 3 + 6 ln 1 - 24 ln 2) = 2·(19.775 - 16.636).
	if len(got) == 1 && !near(got[0].Deviance, 2*(18*1.0986122886681098-24*0.6931471805599453)) {
		t.Errorf("deviance = %v, want %v", got[0].Deviance, 2*(18*1.0986122886681098-24*0.6931471805599453))
	}
}

func TestWeekly(t *testing.T) {
	eff := time.Date(2015, 9, 25, 0, 0, 0, 0, time.UTC)
	day := func(n int, h int) time.Time { return eff.AddDate(0, 0, n).Add(time.Duration(h) * time.Hour) }
	starts := []time.Time{
		day(-24, 1), // in the partial week before the first whole week: dropped
		day(-21, 0), // first instant of week 0
		day(-1, 23), // week 2
		day(0, 0),   // week 3, the effective date
		day(1, 3),   // week 3
		day(20, 9),  // week 5, the last whole week
		day(21, 0),  // in the partial week at the end: dropped
	}
	got := pact.Weekly(starts, eff, eff.AddDate(0, 0, -24), eff.AddDate(0, 0, 24))
	want := pact.Series{Start: eff.AddDate(0, 0, -21), Counts: []int{1, 0, 1, 2, 0, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Weekly over 24-day windows (-want +got):\n%s", diff)
	}
	if w := got.Week(3); !w.Equal(eff) {
		t.Errorf("Week(3) = %v, want the effective date %v", w, eff)
	}
	if got := pact.Weekly(starts, eff, eff, eff.AddDate(0, 0, 6)); len(got.Counts) != 0 {
		t.Errorf("Weekly over 6 days = %+v, want no whole week", got)
	}
}

func BenchmarkChangePoints(b *testing.B) {
	s := poissonSeries(1, []float64{6, 1.5}, []int{260, 260}) // ten years of weeks
	for b.Loop() {
		pact.ChangePoints(s, pact.ChangeOptions{})
	}
}
