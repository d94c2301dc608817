"""The regularized incomplete gamma functions P(a, x) (`gammainc`) and
Q(a, x) = 1 - P (`gammaincc`), and dP/da, as scanjit computes them: the
constants shared by the NumPy reference (`gamma_inc`, one element at a time)
and the compiled expansion (passes/math_polynomial_approximation.py), which
run the same loops. Plain numbers and Python: any layer may import it.

P = e^L S below x = a + 1, S = sum of x^n / (a (a+1) ... (a+n)) (positive
terms); Q = e^L F above, F Legendre's continued fraction by Lentz's method;
the other one is 1 minus it, but for a < 1, x < 1.1, where Q = 1 - u - u
sum_{n>=1} (-1)^n a x^n / (n! (a + n)), u = x^a / Gamma(a + 1) (1 - P would
cancel). L = a log x - x - lgamma(a), from a = 10 on as a log1pmx(t) +
log(a)/2 - log(2 pi)/2 - stirling(a), t = (x - a) / a, so that it does not
cancel for large a. dP/da carries each loop's derivative along (dual numbers).
"""

from __future__ import annotations

import math
from fractions import Fraction

EPS = 2.0**-53
STIRLING_FROM = 10.0  # L by Stirling's series from here on
STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400)
"""lgamma(a) - ((a - 1/2) log a - a + log(2 pi)/2) = sum of STIRLING[k] / a^(2k+1); < 1e-17 from a = 10."""
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
LOG1PMX_SERIES_BELOW = 0.5  # a (log1p(t) - t) by its series for |t| below, else a log(x / a) + a - x
LOG1PMX = tuple(1 / k for k in range(3, 35, 2))
"""log1p(t) - t = -t u + 2 u^3 (1/3 + u^2/5 + ...), u = t / (2 + t): |u| <= 1/3, 16 terms."""
SMALL_A_Q = (1.0, 1.1)  # Q by its own series for a and x below these
LGAMMA1P_SERIES_BELOW = 0.2  # lgamma(1 + a) by its series below (1 + a would round a away)
EULER_GAMMA = 0.5772156649015329


def _zeta(k: int, n: int = 30) -> float:
    """zeta(k), k >= 2, by Euler-Maclaurin from n on (exact to the double)."""
    bernoulli = (Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30), Fraction(5, 66),
                 Fraction(-691, 2730), Fraction(7, 6))
    total = sum(Fraction(1, m**k) for m in range(1, n)) + Fraction(1, (k - 1) * n ** (k - 1)) + Fraction(1, 2 * n**k)
    rising = Fraction(k)
    for j, b in enumerate(bernoulli, start=1):
        total += b / math.factorial(2 * j) * rising / Fraction(n) ** (k + 2 * j - 1)
        rising *= (k + 2 * j - 1) * (k + 2 * j)
    return float(total)


LGAMMA1P = (-EULER_GAMMA, *((-1) ** k * _zeta(k) / k for k in range(2, 28)))
"""lgamma(1 + a) = sum of LGAMMA1P[k] a^(k+1), for |a| < 1; 27 terms below 0.2."""


def polynomial(coefficients, y: float) -> float:
    acc = coefficients[-1]
    for c in coefficients[-2::-1]:
        acc = acc * y + c
    return acc


def _log1pmx(t: float) -> float:
    """log1p(t) - t for |t| < 1/2."""
    u = t / (2 + t)
    u2 = u * u
    return -t * u + 2 * u * u2 * polynomial(LOG1PMX, u2)


def log_prefactor(a: float, x: float) -> float:
    """L = log(x^a e^-x / Gamma(a))."""
    if a < STIRLING_FROM:
        return a * math.log(x) - x - math.lgamma(a)
    inverse = 1 / a
    t = (x - a) * inverse
    main = a * _log1pmx(t) if abs(t) < LOG1PMX_SERIES_BELOW else a * math.log(x * inverse) + (a - x)
    return main + 0.5 * math.log(a) - HALF_LOG_2PI - inverse * polynomial(STIRLING, inverse * inverse)


def _lgamma1p(a: float) -> float:
    return a * polynomial(LGAMMA1P, a) if a < LGAMMA1P_SERIES_BELOW else math.lgamma(1 + a)


def gamma_inc(a: float, x: float, psi_a: float) -> tuple[float, float, float]:
    """(P, Q, dP/da) at (a, x), given digamma(a); SciPy's values at the edges:
    NaN for a NaN, a < 0 or x < 0 (and a = x = 0), (1, 0) for a = 0 or x =
    inf, (0, 1) for x = 0 or a = inf; the derivative 0 there."""
    if not (a >= 0 and x >= 0) or a == x == 0:
        return math.nan, math.nan, math.nan
    if a == 0 or x == math.inf:
        return 1.0, 0.0, 0.0
    if x == 0 or a == math.inf:
        return 0.0, 1.0, 0.0
    prefactor = math.exp(log_prefactor(a, x))
    d_log = math.log(x) - psi_a
    if x < a + 1:
        term, total, harmonic, d_total, n = 1 / a, 1 / a, 1 / a, -1 / (a * a), 0
        while term > total * EPS:
            n += 1
            term *= x / (a + n)
            harmonic += 1 / (a + n)
            total += term
            d_total -= term * harmonic
        p = prefactor * total
        d_p = prefactor * (d_log * total + d_total)
        return p, (_small_a_q(a, x) if a < SMALL_A_Q[0] and x < SMALL_A_Q[1] else 1 - p), d_p
    q, d_q = _continued_fraction(a, x)
    q, d_q = prefactor * q, prefactor * (d_log * q + d_q)
    return 1 - q, q, -d_q


def _small_a_q(a: float, x: float) -> float:
    exponent = a * math.log(x) - _lgamma1p(a)
    term, total, n = 1.0, 0.0, 0
    while True:
        n += 1
        term *= -x / n
        part = a * term / (a + n)
        total += part
        if not abs(part) > abs(total) * EPS:
            return -math.expm1(exponent) - math.exp(exponent) * total


TINY = 1e-300  # Lentz's guard against a zero denominator


def _continued_fraction(a: float, x: float) -> tuple[float, float]:
    """F = 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / ...)) and dF/da
    (Lentz: F = d_1 c_1 d_2 c_2 ..., each value with its derivative)."""
    b, db = x + 1 - a, -1.0
    c, dc = 1 / TINY, 0.0
    d = 1 / b
    dd = -db * d * d
    f, df, i = d, dd, 0
    delta, d_delta = 2.0, 1.0
    while abs(delta - 1) > EPS or abs(d_delta * f) > EPS * abs(df):
        i += 1
        an, d_an = -i * (i - a), float(i)
        b += 2
        d_next, dd_next = an * d + b, d_an * d + an * dd + db
        if abs(d_next) < TINY:
            d_next, dd_next = TINY, 0.0
        c, dc = b + an / c, db + (d_an * c - an * dc) / (c * c)
        if abs(c) < TINY:
            c, dc = TINY, 0.0
        d = 1 / d_next
        dd = -dd_next * d * d
        delta, d_delta = d * c, dd * c + d * dc
        f, df = f * delta, df * delta + f * d_delta
    return f, df
