"""The regularized incomplete beta function I_x(a, b) (`betainc`) and its
derivatives in a and b, as scanjit computes them: the NumPy reference
(`beta_inc`, one element at a time) runs the loop of the compiled expansion
(passes/math_polynomial_approximation.py). Plain Python: any layer may import it.

I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) / (1 + d_1 / (1 + d_2 / (1 + ...))),
d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)), d_2m = m (b - m) x /
((a + 2m - 1)(a + 2m)), by Lentz's method, for x below (a + 1) / (a + b + 2),
where it converges fast; above, 1 - I_(1-x)(b, a). A derivative in a or b
carries each value's derivative along (dual numbers), seeded on the side the
swap puts that parameter.
"""

from __future__ import annotations

import math

from scanjit.incomplete_gamma import EPS, FRACTION_STEPS, TINY


def _fraction(p: float, q: float, z: float, dp: float, dq: float) -> tuple[float, float]:
    """1 / (1 + d_1 / (1 + d_2 / ...)) at (p, q, z), and its derivative along
    (dp, dq)."""
    c, dc = 1.0, 0.0
    d, dd = 1 - (p + q) * z / (p + 1), -((dp + dq) * (p + 1) - (p + q) * dp) * z / ((p + 1) * (p + 1))
    if abs(d) < TINY:
        d, dd = TINY, 0.0
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
            d_next, dd_next = 1 + an * d, d_an * d + an * dd
            if abs(d_next) < TINY:
                d_next, dd_next = TINY, 0.0
            c_next, dc_next = 1 + an / c, (d_an * c - an * dc) / (c * c)
            if abs(c_next) < TINY:
                c_next, dc_next = TINY, 0.0
            c, dc = c_next, dc_next
            d = 1 / d_next
            dd = -dd_next * d * d
            delta, d_delta = d * c, dd * c + d * dc
            f, df = f * delta, df * delta + f * d_delta
    return f, df


def beta_inc(a: float, b: float, x: float, wrt: str, digamma) -> tuple[float, float]:
    """(I_x(a, b), its derivative in `wrt`, "a" or "b"; "" for none); SciPy's
    values at the edges: NaN for a NaN, a < 0, b < 0, a = b = 0 or x outside
    [0, 1]; 0 at x = 0, b = 0 or a = inf; 1 at x = 1, a = 0 or b = inf."""
    if not (a >= 0 and b >= 0 and 0 <= x <= 1) or a == b == 0:
        return math.nan, math.nan
    if x == 0 or b == 0 or a == math.inf:
        return 0.0, 0.0
    if x == 1 or a == 0 or b == math.inf:
        return 1.0, 0.0
    swap = x > (a + 1) / (a + b + 2)
    p, q, z = (b, a, 1 - x) if swap else (a, b, x)
    dp, dq = (float(wrt == "b"), float(wrt == "a")) if swap else (float(wrt == "a"), float(wrt == "b"))
    log_front = p * math.log(z) + q * math.log1p(-z) - math.log(p) - (math.lgamma(p) + math.lgamma(q)
                                                                       - math.lgamma(p + q))
    front = math.exp(log_front)
    fraction, d_fraction = _fraction(p, q, z, dp, dq)
    value = front * fraction
    derivative = 0.0
    if wrt:
        psi_pq = digamma(p + q)
        d_log_front = dp * (math.log(z) - 1 / p - digamma(p) + psi_pq) + dq * (math.log1p(-z) - digamma(q) + psi_pq)
        derivative = front * (d_log_front * fraction + d_fraction)
    return (1 - value, -derivative) if swap else (value, derivative)
