"""The modified Bessel functions i0 and i1 as scanjit computes them, shared
by their NumPy reference (scanjit.tensor.elemwise) and their emission
(scanjit.emit.scalar), which evaluate the same polynomials in the same order.

For a = |x| below 18, the power series I_v(a) = (a/2)^v sum y^k / (k! (k+v)!),
y = a^2/4, in Horner's form (positive terms: no cancellation); from 18 on,
the asymptotic series e^a / sqrt(2 pi a) sum (-1)^k a_k(v) / a^k, with
e^a as e^(a/2) e^(a/2) so that the result overflows only where I_v does
(past 713.98; SciPy's overflows past 709.78). Within 16 ulps of SciPy's.
i1 is odd: sign(x) I_1(|x|). Plain numbers and NumPy: any layer may import it."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from scanjit.incomplete_gamma import polynomial

SERIES_BELOW = 18.0


def _series(v: int, n: int) -> tuple[float, ...]:
    return tuple(float(Fraction(1, math.factorial(k) * math.factorial(k + v))) for k in range(n))


def _asymptotic(v: int, n: int) -> tuple[float, ...]:
    """(-1)^k a_k(v) = (-1)^k (4v^2 - 1)(4v^2 - 9)...(4v^2 - (2k-1)^2) / (k! 8^k)."""
    terms, c = [1.0], Fraction(1)
    for k in range(1, n):
        c *= Fraction(-(4 * v * v - (2 * k - 1) ** 2), 8 * k)
        terms.append(float(c))
    return tuple(terms)


SERIES = {v: _series(v, 36) for v in (0, 1)}  # the last term below 18: < 1e-17 of the sum
ASYMPTOTIC = {v: _asymptotic(v, 28) for v in (0, 1)}  # from 18 on: the 28th term < 1e-17


def bessel_i(v: int, x: np.ndarray) -> np.ndarray:
    """I_v(x), v = 0 or 1, in float64, as compiled."""
    with np.errstate(all="ignore"):
        a = np.abs(x)
        small = polynomial(SERIES[v], a * a * 0.25)
        if v == 1:
            small = small * (a * 0.5)
        half = np.exp(a * 0.5)
        large = half * (half / np.sqrt(2 * math.pi * a) * polynomial(ASYMPTOTIC[v], 1 / a))
        result = np.where(a < SERIES_BELOW, small, np.where(a == np.inf, np.inf, large))
    return np.copysign(result, x) if v == 1 else result
