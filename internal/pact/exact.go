package pact

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultConfLevel is the confidence level of intervals when none is given.
const DefaultConfLevel = 0.95

// ErrBadTestInput is returned (wrapped) by BinomTest and PoissonRatioTest
// for counts, exposures, probabilities or levels out of range.
var ErrBadTestInput = errors.New("bad input to exact test")

// relErr is the relative tolerance with which the two-sided exact p-value
// counts outcomes "as or less likely" than the observed one; it is the
// 1 + 1e-7 of R's binom.test, which keeps outcomes of equal probability
// from being lost to rounding.
const relErr = 1 + 1e-7

// BinomialTest is the result of an exact binomial test of H0: p = P.
type BinomialTest struct {
	X, N      int
	P         float64 // the hypothesised probability of success
	Estimate  float64 // X/N (NaN when N is 0)
	PValue    float64 // two-sided
	Low, High float64 // Clopper–Pearson interval for p
	ConfLevel float64
}

// BinomTest is the exact two-sided binomial test of H0: p = p0 for x
// successes in n trials, as R's binom.test computes it: the p-value sums the
// probabilities of all outcomes no more likely than the observed one (with a
// relative tolerance of 1e-7), and the interval is Clopper and Pearson's
// (1934), from Beta quantiles. With n = 0 the p-value is 1 and the interval
// [0, 1]. conf is the confidence level (0 means DefaultConfLevel).
func BinomTest(x, n int, p0, conf float64) (BinomialTest, error) {
	if conf == 0 {
		conf = DefaultConfLevel
	}
	switch {
	case n < 0 || x < 0 || x > n:
		return BinomialTest{}, fmt.Errorf("%w: x = %d, n = %d: want 0 <= x <= n", ErrBadTestInput, x, n)
	case !(p0 >= 0 && p0 <= 1):
		return BinomialTest{}, fmt.Errorf("%w: p = %v: want 0 <= p <= 1", ErrBadTestInput, p0)
	case !(conf > 0 && conf < 1):
		return BinomialTest{}, fmt.Errorf("%w: confidence level %v: want 0 < level < 1", ErrBadTestInput, conf)
	}
	t := BinomialTest{X: x, N: n, P: p0, ConfLevel: conf, Estimate: math.NaN(), PValue: 1, Low: 0, High: 1}
	if n == 0 {
		return t, nil
	}
	t.Estimate = float64(x) / float64(n)
	t.PValue = binomTwoSided(x, n, p0)
	alpha := (1 - conf) / 2
	if x > 0 {
		t.Low = distuv.Beta{Alpha: float64(x), Beta: float64(n - x + 1)}.Quantile(alpha)
	}
	if x < n {
		t.High = distuv.Beta{Alpha: float64(x + 1), Beta: float64(n - x)}.Quantile(1 - alpha)
	}
	return t, nil
}

// binomTwoSided follows R's binom.test (two.sided) line by line.
func binomTwoSided(x, n int, p float64) float64 {
	switch p {
	case 0:
		return b2f(x == 0)
	case 1:
		return b2f(x == n)
	}
	b := distuv.Binomial{N: float64(n), P: p}
	d := b.Prob(float64(x))
	m := float64(n) * p
	var pv float64
	switch {
	case float64(x) == m:
		return 1
	case float64(x) < m:
		y := 0
		for i := int(math.Ceil(m)); i <= n; i++ {
			if b.Prob(float64(i)) <= d*relErr {
				y++
			}
		}
		pv = binomCDF(x, n, p) + binomUpper(n-y+1, n, p)
	default:
		y := 0
		for i := 0; i <= int(math.Floor(m)); i++ {
			if b.Prob(float64(i)) <= d*relErr {
				y++
			}
		}
		pv = binomCDF(y-1, n, p) + binomUpper(x, n, p)
	}
	return math.Min(1, pv)
}

// binomCDF is P(X <= k) for X ~ Binomial(n, p).
func binomCDF(k, n int, p float64) float64 {
	switch {
	case k < 0:
		return 0
	case k >= n:
		return 1
	}
	return mathext.RegIncBeta(float64(n-k), float64(k+1), 1-p)
}

// binomUpper is P(X >= k) for X ~ Binomial(n, p), computed directly rather
// than as 1 - CDF so that small tails keep their precision.
func binomUpper(k, n int, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	}
	return mathext.RegIncBeta(float64(k), float64(n-k+1), p)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// RatioTest is the exact conditional comparison of two Poisson rates, the
// rate after (count After over exposure AfterT) against the rate before.
type RatioTest struct {
	Before, After   int
	BeforeT, AfterT float64
	// Ratio is the rate ratio R = (After/AfterT) / (Before/BeforeT): +Inf
	// when Before is 0 and After is not, NaN when both are 0.
	Ratio float64
	// PValue is the two-sided exact p-value of H0: R = 1.
	PValue float64
	// Low and High bound R at ConfLevel: Low is 0 when After is 0, High is
	// +Inf when Before is 0.
	Low, High float64
	ConfLevel float64
}

// PoissonRatioTest compares two Poisson rates exactly. Given
// X ~ Poisson(λ1·t1) before and Y ~ Poisson(λ2·t2) after, conditional on
// N = X + Y the after count is Y ~ Binomial(N, p) with
// p = t2·R / (t1 + t2·R) and R = λ2/λ1. The test of H0: R = 1 is the exact
// binomial test of p = t2/(t1 + t2) (see BinomTest), and the Clopper–Pearson
// interval [pL, pU] for p maps to R = p/(1-p) · t1/t2. This is R's
// poisson.test(c(after, before), c(afterT, beforeT)). conf is the
// confidence level (0 means DefaultConfLevel).
func PoissonRatioTest(before int, beforeT float64, after int, afterT float64, conf float64) (RatioTest, error) {
	if before < 0 || after < 0 {
		return RatioTest{}, fmt.Errorf("%w: counts %d and %d: want >= 0", ErrBadTestInput, before, after)
	}
	if !(beforeT > 0) || !(afterT > 0) || math.IsInf(beforeT, 0) || math.IsInf(afterT, 0) {
		return RatioTest{}, fmt.Errorf("%w: exposures %v and %v: want finite and > 0", ErrBadTestInput, beforeT, afterT)
	}
	n := before + after
	p0 := afterT / (beforeT + afterT)
	bt, err := BinomTest(after, n, p0, conf)
	if err != nil {
		return RatioTest{}, err
	}
	toR := func(p float64) float64 {
		if p >= 1 {
			return math.Inf(1)
		}
		return p / (1 - p) * beforeT / afterT
	}
	r := RatioTest{
		Before: before, After: after, BeforeT: beforeT, AfterT: afterT,
		PValue: bt.PValue, Low: toR(bt.Low), High: toR(bt.High), ConfLevel: bt.ConfLevel,
	}
	switch {
	case n == 0:
		r.Ratio = math.NaN()
	case before == 0:
		r.Ratio = math.Inf(1)
	default:
		r.Ratio = (float64(after) / afterT) / (float64(before) / beforeT)
	}
	return r, nil
}
