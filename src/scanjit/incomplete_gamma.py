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
The inverses in x (`gamma_inc_inverse`) take Halley's steps in log x on
log P or log Q, whichever is below 1/2, from a closed-form start.
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


def polynomial(coefficients, y):
    """c0 + c1 y + c2 y^2 + ... by Horner's rule (y a float or an array), as
    the emission evaluates it."""
    acc = coefficients[-1]
    for c in coefficients[-2::-1]:
        acc = acc * y + c
    return acc


def log1pmx(t: float) -> float:
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
    main = a * log1pmx(t) if abs(t) < LOG1PMX_SERIES_BELOW else a * math.log(x * inverse) + (a - x)
    return main + 0.5 * math.log(a) - HALF_LOG_2PI - stirling(a)


def stirling(a: float) -> float:
    """lgamma(a) - ((a - 1/2) log a - a + log(2 pi)/2): by its series from STIRLING_FROM on."""
    if a < STIRLING_FROM:
        return math.lgamma(a) - ((a - 0.5) * math.log(a) - a + HALF_LOG_2PI)
    inverse = 1 / a
    return inverse * polynomial(STIRLING, inverse * inverse)


def _lgamma1p(a: float) -> float:
    return a * polynomial(LGAMMA1P, a) if a < LGAMMA1P_SERIES_BELOW else math.lgamma(1 + a)


def gamma_inc(a: float, x: float, psi_a: float, derivative: bool = True) -> tuple[float, float, float]:
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
    q, d_q = _continued_fraction(a, x, derivative)
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
FRACTION_STEPS = 100000  # the derivative's steps at most, past the fraction's convergence


def away_from_zero(value: float, derivative: float) -> tuple[float, float]:
    """Lentz's guard: a denominator below TINY in magnitude becomes TINY, its derivative 0."""
    return (TINY, 0.0) if abs(value) < TINY else (value, derivative)


def _continued_fraction(a: float, x: float, derivative: bool) -> tuple[float, float]:
    """F = 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / ...)) and dF/da
    (Lentz: F = d_1 c_1 d_2 c_2 ..., each value with its derivative)."""
    b, db = x + 1 - a, -1.0
    c, dc = 1 / TINY, 0.0
    d = 1 / b
    dd = -db * d * d
    f, df, i = d, dd, 0
    delta, d_delta = 2.0, 1.0
    while abs(delta - 1) > EPS or derivative and abs(d_delta * f) > EPS * abs(df) and i < FRACTION_STEPS:
        i += 1
        an, d_an = -i * (i - a), float(i)
        b += 2
        d_next, dd_next = away_from_zero(an * d + b, d_an * d + an * dd + db)
        c, dc = away_from_zero(b + an / c, db + (d_an * c - an * dc) / (c * c))
        d = 1 / d_next
        dd = -dd_next * d * d
        delta, d_delta = d * c, dd * c + d * dc
        f, df = f * delta, df * delta + f * d_delta
    return f, df


INVERSE_STEPS = 40  # Halley's steps at most (cubic from a guess within 1%: 3 to 6 steps)
STEP_LIMIT = 50.0  # in log x
NORMAL_GUESS = (2.30753, 0.27061, 0.99229, 0.04481)
"""Abramowitz and Stegun 26.2.22: the upper normal quantile of p <= 1/2 is
t - (c0 + c1 t) / (1 + d1 t + d2 t^2), t = sqrt(-2 log p), within 3e-3."""


def inverse_guess(a: float, y: float, upper: bool) -> float:
    """log x for a start of the x with P(a, x) = y (`upper`: Q(a, x) = y): for
    a > 1 Wilson and Hilferty's a (1 - 1/(9a) + z / (3 sqrt(a)))^3, z the
    normal quantile of P; else (or where that is not positive) the first term
    of P's series, (P Gamma(a + 1))^(1/a), where that is below 1 and Q above
    1/e, else of Q's asymptotic series, -log(Q Gamma(a)), at least 1."""
    log_p, log_q = (math.log1p(-y), math.log(y)) if upper else (math.log(y), math.log1p(-y))
    c0, c1, d1, d2 = NORMAL_GUESS
    t = math.sqrt(-2 * min(log_p, log_q))
    z = t - (c0 + c1 * t) / (1 + t * (d1 + t * d2))
    z = -z if log_p < log_q else z
    base = 1 - 1 / (9 * a) + z / (3 * math.sqrt(a))
    if a > 1 and base > 0:
        return math.log(a) + 3 * math.log(base)
    series = (log_p + math.lgamma(a + 1)) / a
    return series if series < 0 and log_q > -1 else math.log(max(-(log_q + math.lgamma(a)), 1.0))


def gamma_inc_inverse(a: float, y: float, upper: bool) -> float:
    """The x with P(a, x) = y (`upper`: Q(a, x) = y): Halley's steps in log x
    on log F(a, x) - log f, F = P where P's target is below 1/2, else Q (each
    accurate where it is small; in logs, the tails converge as the middle),
    from inverse_guess. SciPy's values at the edges: 0 and inf at y = 0 and
    1 (the other way round for Q), NaN for y outside [0, 1], a <= 0, or a NaN
    or infinite."""
    if not (a > 0 and 0 <= y <= 1 and a < math.inf):
        return math.nan
    if y == 0 or y == 1:
        return 0.0 if (y == 0) != upper else math.inf
    on_q = y <= 0.5 if upper else y >= 0.5
    target = math.log(y) if on_q == upper else math.log1p(-y)
    log_x = inverse_guess(a, y, upper)
    x = math.exp(log_x) if log_x > -745 else 0.0
    for _ in range(INVERSE_STEPS):
        if x == 0:  # below the smallest double
            return 0.0
        value, complement, _ = gamma_inc(a, x, 0.0, derivative=False)
        f = complement if on_q else value
        if f == 0:  # past the last double of F: halfway back
            x *= math.exp(-0.5 if on_q else 0.5)
            continue
        log_f = math.log(f)
        log_slope = log_prefactor(a, x) - log_f
        slope = (math.exp(log_slope) if log_slope < 709.78 else math.inf) * (-1 if on_q else 1)  # d log F / d log x
        u = (log_f - target) / slope
        halley = 0.5 * u * (a - x - slope)
        step = min(max(u / (1 - halley) if abs(halley) < 0.5 else u, -STEP_LIMIT), STEP_LIMIT)
        x *= math.exp(-step)  # in log x, but x kept to its last bit
        if abs(step) <= 4 * EPS:
            break
    return x
