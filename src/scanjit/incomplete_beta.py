"""The regularized incomplete beta function I_x(a, b) (`betainc`) and its
derivatives in a and b, as scanjit computes them: the NumPy reference
(`beta_inc`, one element at a time) runs the loop of the compiled expansion
(passes/math_polynomial_approximation.py). Plain Python: any layer may import it.

I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) / (1 + d_1 / (1 + d_2 / (1 + ...))),
the prefactor by `log_front` (DiDonato and Morris's form for large a or b),
d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)), d_2m = m (b - m) x /
((a + 2m - 1)(a + 2m)), by Lentz's method, for x below (a + 1) / (a + b + 2),
where it converges fast; above, 1 - I_(1-x)(b, a). A derivative in a or b
carries each value's derivative along (dual numbers), seeded on the side the
swap puts that parameter. The inverse in x (`beta_inc_inverse`) takes
Newton's steps in log x or log(1 - x) on the log of the smaller tail.
"""

from __future__ import annotations

import math

from scanjit.incomplete_gamma import (
    EPS, FRACTION_STEPS, HALF_LOG_2PI, INVERSE_STEPS, LOG1PMX_SERIES_BELOW, STEP_LIMIT, STIRLING_FROM, away_from_zero,
    log1pmx, stirling,
)


def _fraction(p: float, q: float, z: float, dp: float, dq: float) -> tuple[float, float]:
    """1 / (1 + d_1 / (1 + d_2 / ...)) at (p, q, z), and its derivative along
    (dp, dq)."""
    c, dc = 1.0, 0.0
    d, dd = away_from_zero(1 - (p + q) * z / (p + 1), -((dp + dq) * (p + 1) - (p + q) * dp) * z / ((p + 1) * (p + 1)))
    d, dd = 1 / d, -dd / (d * d)
    f, df, m = d, dd, 0
    delta, d_delta = 2.0, 1.0
    while (abs(delta - 1) > EPS or abs(d_delta * f) > EPS * abs(df)) and m < FRACTION_STEPS:
        m += 1
        for even in (True, False):
            if even:  # d_2m = m (q - m) z / ((p + 2m - 1)(p + 2m))
                num, d_num = m * (q - m) * z, m * dq * z
                den = (p + 2 * m - 1) * (p + 2 * m)
                d_den = dp * (2 * p + 4 * m - 1)
            else:  # d_2m+1 = -(p + m)(p + q + m) z / ((p + 2m)(p + 2m + 1))
                num = -(p + m) * (p + q + m) * z
                d_num = -(dp * (p + q + m) + (p + m) * (dp + dq)) * z
                den = (p + 2 * m) * (p + 2 * m + 1)
                d_den = dp * (2 * p + 4 * m + 1)
            an, d_an = num / den, (d_num * den - num * d_den) / (den * den)
            d_next, dd_next = away_from_zero(1 + an * d, d_an * d + an * dd)
            c, dc = away_from_zero(1 + an / c, (d_an * c - an * dc) / (c * c))
            d = 1 / d_next
            dd = -dd_next * d * d
            delta, d_delta = d * c, dd * c + d * dc
            f, df = f * delta, df * delta + f * d_delta
    return f, df


def _two_product(a: float, b: float) -> tuple[float, float]:
    """a b = high + low exactly (Dekker's product, by Veltkamp's splits)."""
    def split(x):
        c = 134217729.0 * x
        high = c - (c - x)
        return high, x - high

    (a_high, a_low), (b_high, b_low) = split(a), split(b)
    high = a * b
    return high, ((a_high * b_high - high) + a_high * b_low + a_low * b_high) + a_low * b_low


def log_front(p: float, q: float, z: float) -> float:
    """log(z^p (1 - z)^q / (p B(p, q))). Directly where p and q are below
    STIRLING_FROM; else as DiDonato and Morris: with s = p + q, e = s z - p
    (z s exactly, as an FMA computes it, and s's own rounding added back),
    t1 = e / p and t2 = -e / q, p log1p(t1) + q log1p(t2) + log(p q / s) / 2
    - log p - log(2 pi) / 2 - (stirling(p) + stirling(q) - stirling(s)):
    log1p(t) below 1/2 as log1pmx(t) + t, the t terms (p t1 + q t2 = 0)
    left out, so that no large terms cancel; above, the log of 1 + t as the
    product z s / p (or (1 - z) s / q), to its last bits where it is tiny."""
    if max(p, q) < STIRLING_FROM:
        return p * math.log(z) + q * math.log1p(-z) - math.log(p) - (math.lgamma(p) + math.lgamma(q)
                                                                     - math.lgamma(p + q))
    s = p + q
    s_error = (p - (s - (s - p))) + (q - (s - p))  # p + q - s exactly (TwoSum)
    high, low = _two_product(z, s)
    e = ((high - p) + low) + z * s_error
    main, t_terms = 0.0, 0.0
    for x, t, ratio, sign in ((p, e / p, z * (s / p), 1.0), (q, -e / q, (1 - z) * (s / q), -1.0)):
        if abs(t) < LOG1PMX_SERIES_BELOW:
            main += x * log1pmx(t)
        else:  # 1 + t as a product, to its last bits where it is tiny
            main += x * math.log(ratio)
            t_terms += sign * e  # x t
    return (main - t_terms + 0.5 * math.log(p * q / s) - math.log(p) - HALF_LOG_2PI
            - (stirling(p) + stirling(q) - stirling(s)))


def beta_inc(a: float, b: float, x: float, wrt: str = "", digamma=None) -> tuple[float, float, float]:
    """(I_x(a, b), 1 - I_x(a, b), the derivative of I in `wrt`, "a" or "b";
    "" for none; `digamma` computes psi for it), the smaller of the first two
    to its last bits; SciPy's values at the edges: NaN for a NaN, a < 0,
    b < 0, a = b = 0 or x outside [0, 1]; 0 at x = 0, b = 0 or a = inf; 1 at
    x = 1, a = 0 or b = inf."""
    if not (a >= 0 and b >= 0 and 0 <= x <= 1) or a == b == 0:
        return math.nan, math.nan, math.nan
    if x == 0 or b == 0 or a == math.inf:
        return 0.0, 1.0, 0.0
    if x == 1 or a == 0 or b == math.inf:
        return 1.0, 0.0, 0.0
    swap = x > (a + 1) / (a + b + 2)
    p, q, z = (b, a, 1 - x) if swap else (a, b, x)
    dp, dq = (float(wrt == "b"), float(wrt == "a")) if swap else (float(wrt == "a"), float(wrt == "b"))
    front = math.exp(log_front(p, q, z))
    fraction, d_fraction = _fraction(p, q, z, dp, dq)
    value = front * fraction
    derivative = 0.0
    if wrt:
        psi_pq = digamma(p + q)
        d_log_front = dp * (math.log(z) - 1 / p - digamma(p) + psi_pq) + dq * (math.log1p(-z) - digamma(q) + psi_pq)
        derivative = front * (d_log_front * fraction + d_fraction)
    return (1 - value, value, -derivative) if swap else (value, 1 - value, derivative)


def beta_inc_inverse(a: float, b: float, y: float) -> float:
    """The x with I_x(a, b) = y: Newton's steps in log u, u the smaller of x
    and 1 - x (x <= 1/2 where y <= I_1/2(a, b)), on log F - log f, F the
    smaller tail (I_x(a, b) for y <= 1/2, else 1 - I_x(a, b), each computed
    in u to its last bits), from the first term of u's series, (t p B(p,
    q))^(1/p), at most 1/2. SciPy's values at the edges: 0 and 1 at y = 0
    and 1, NaN for y outside [0, 1], a <= 0, b <= 0 or a NaN."""
    if not (a > 0 and b > 0 and 0 <= y <= 1):
        return math.nan
    if y == 0 or y == 1:
        return float(y)
    on_w = y > beta_inc(a, b, 0.5)[0]  # the unknown u is w = 1 - x
    upper = y > 0.5  # F is 1 - I_x(a, b)
    p, q, t = (b, a, 1 - y) if on_w else (a, b, y)
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    target = math.log1p(-y) if upper else math.log(y)
    rising = on_w == upper  # F = I_u(p, q), else 1 - I_u(p, q)
    u = math.exp(min((math.log(t) + math.log(p) + log_beta) / p, -math.log(2)))
    good = 0.0  # the last u where F is not 0
    for _ in range(INVERSE_STEPS):
        tails = beta_inc(p, q, u)
        f = tails[0] if rising else tails[1]
        if f == 0:  # past F's last double: halfway (in log u) back to the last u short of it
            u = math.sqrt(u * good) if good > 0 else math.sqrt(u) if rising else u * u
            continue
        good = u
        log_slope = p * math.log(u) + (q - 1) * math.log1p(-u) - log_beta - math.log(f)  # |d log F / d log u|
        slope = math.exp(log_slope) if log_slope < 709.78 else math.inf
        step = min(max((math.log(f) - target) / (slope if rising else -slope), -STEP_LIMIT), STEP_LIMIT)
        u_next = u * math.exp(-step)
        u = u_next if u_next < 1 else 0.5 * (1 + u)  # F is 0 or 1 at 1
        if abs(step) <= 4 * EPS:
            break
    return 1 - u if on_w else u
