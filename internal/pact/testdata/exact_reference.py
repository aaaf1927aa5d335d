#!/usr/bin/env python3
"""Reference values for pact's exact tests, with exact rational arithmetic.

Independent of gonum: binomial probabilities are Fractions; the two-sided
p-value follows R's binom.test (relative tolerance 1 + 1e-7); Clopper-Pearson
bounds are found by bisection on the exact binomial tail to 1e-15.
Run: python3 exact_reference.py  (prints the rows used in stats_test.go).
"""
from fractions import Fraction as F
from math import comb, ceil, floor

def pmf(i, n, p):
    return comb(n, i) * p**i * (1 - p)**(n - i)

def pvalue(x, n, p):
    d = pmf(x, n, p)
    m = n * p
    rel = F(1) + F(1, 10**7)
    if x == m:
        return F(1)
    if x < m:
        y = sum(1 for i in range(ceil(m), n + 1) if pmf(i, n, p) <= d * rel)
        return min(F(1), sum(pmf(i, n, p) for i in range(0, x + 1)) + sum(pmf(i, n, p) for i in range(n - y + 1, n + 1)))
    y = sum(1 for i in range(0, floor(m) + 1) if pmf(i, n, p) <= d * rel)
    return min(F(1), sum(pmf(i, n, p) for i in range(0, y)) + sum(pmf(i, n, p) for i in range(x, n + 1)))

def bisect(f, target):
    lo, hi = F(0), F(1)
    # f increasing in p
    for _ in range(60):
        mid = (lo + hi) / 2
        mid = F(round(mid * 2**64), 2**64)
        if f(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2

def cp(x, n, conf):
    a = (1 - conf) / 2
    # lower: P(X >= x | pL) = a ; upper: P(X <= x | pU) = a
    lo = F(0) if x == 0 else bisect(lambda p: sum(pmf(i, n, p) for i in range(x, n + 1)), a)
    hi = F(1) if x == n else bisect(lambda p: -sum(pmf(i, n, p) for i in range(0, x + 1)), -a)
    return lo, hi

def ratio(before, bt, after, at, conf=F(95, 100)):
    n = before + after
    p0 = F(at) / (F(bt) + F(at))
    pv = pvalue(after, n, p0)
    lo, hi = cp(after, n, conf)
    to_r = lambda p: float('inf') if p == 1 else float(p / (1 - p) * F(bt) / F(at))
    rr = float('nan') if n == 0 else (float('inf') if before == 0 else float(F(after, 1) / at / (F(before) / bt)))
    return rr, float(pv), to_r(lo), to_r(hi)

CASES = [(21, 3011, 11, 800), (12, 84, 3, 84), (62, 90, 5, 90), (4, 30, 9, 45), (1, 100, 1, 7),
         (0, 84, 2, 84), (4, 84, 0, 84),
         (24, 84, 3, 84), (28, 84, 5, 84), (24, 84, 5, 84), (7, 30, 7, 30)]
for case in CASES:  # (before, before_days, after, after_days): ratio, p-value, ci_low, ci_high
    print(case, ratio(*case))
