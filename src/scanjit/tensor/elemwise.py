"""Elementwise functions: the `Elemwise` op, the front end's table of scalar
functions (each one's NumPy reference and output dtype rule; its emission is
its row in emit/scalar.py), and the constructors `pt.add`, `pt.exp`, ...

Adding an elementwise function: a row in `SCALARS`, a constructor and its
name in `__all__` here (scanjit.tensor exports them), a row in
emit/scalar.py, and a test."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scanjit import config
from scanjit.bessel import bessel_i
from scanjit.incomplete_beta import beta_inc, beta_inc_inverse
from scanjit.incomplete_gamma import gamma_inc, gamma_inc_inverse
from scanjit.dtypes import DTYPES, INTS, is_float, upcast, upgrade_to_float
from scanjit.graph import Apply, Constant, NullTypeGradError, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable, broadcast_shape, check_broadcast, constant
from scanjit.zeta_constants import ZETA_DUMMY, ZETA_SHIFT, ZETA_TAIL


@dataclass(frozen=True)
class Scalar:
    """A scalar function: `numpy` computes it on arrays whose dtypes
    `operand_dtypes` gives, `dtype` is the result's dtype for the inputs'.
    `grad(*inputs, output, output_grad)` gives its inputs' gradients (graphs
    shaped as the output, 0 for zeros, None where not connected, UNDEFINED
    where PyTensor's is null; PyTensor's values at kinks), None when it has none. Functions with integer or bool
    results need none: their inputs' gradients are zeros (tensor/gradient.py)."""

    numpy: Callable
    dtype: Callable[[list[str]], str | None]  # None: not defined on these dtypes (TypeError)
    operands: str = "result"  # inputs computed as: "result", "common" (upcast), "switch", "cast"
    grad: Callable | None = None

    def operand_dtypes(self, dtypes: list[str], result: str) -> list[str]:
        if self.operands == "common":
            return [upcast(*dtypes)] * len(dtypes)
        if self.operands == "switch":
            return ["bool", result, result]
        if self.operands == "cast":
            return dtypes
        return [result] * len(dtypes)


UNDEFINED = "undefined"  # a Scalar's gradient that does not exist (an integer order): asked for, it raises


def _upcast(dtypes: list[str]) -> str:
    return upcast(*dtypes)


def _float(dtypes: list[str]) -> str:
    """PyTensor's rule for float-valued functions of integers."""
    return upgrade_to_float(upcast(*dtypes))


def _true_div(dtypes: list[str]) -> str:
    out = upcast(*dtypes)
    return out if is_float(out) else config.floatX


def _bool(dtypes: list[str]) -> str:
    return "bool"


def _numeric(dtypes: list[str]) -> str | None:
    """Not defined on bools (None), as in NumPy and PyTensor."""
    out = upcast(*dtypes)
    return None if out == "bool" else out


def _discrete(dtypes: list[str]) -> str | None:
    out = upcast(*dtypes)
    return None if is_float(out) else out


def _float_only(dtypes: list[str]) -> str | None:
    out = upcast(*dtypes)
    return out if is_float(out) else None


def _pow(dtypes: list[str]) -> str:
    out = upcast(*dtypes)
    return "int8" if out == "bool" else out


def _power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """NumPy's power for floats; for integers MLIR's ipowi, where a negative
    exponent gives 1 for base 1, +-1 for base -1, else 0."""
    if is_float(str(a.dtype)):
        return np.power(a, b)
    negative = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(b < 0, negative, np.power(a, np.maximum(b, 0))).astype(a.dtype)


def _f64(fn: Callable) -> Callable:
    """`fn` computed in float64 and rounded to the result's dtype, as compiled."""
    return lambda *xs: fn(*[x.astype(np.float64) for x in xs])


def _libm(fn: Callable[..., float]) -> Callable:
    """A function of floats (of Python's math module, or written with it) on
    arrays, element by element in float64, the arrays broadcast."""
    def on_arrays(*xs: np.ndarray) -> np.ndarray:
        return np.vectorize(fn, otypes=[np.float64])(*(x.astype(np.float64) for x in xs))
    return on_arrays


def _lgamma(x: float) -> float:
    """Python's lgamma (its own, only absolutely accurate near lgamma's zeros
    at 1 and 2), +inf at the poles and past the largest finite value, as C's."""
    try:
        return math.lgamma(x)
    except (ValueError, OverflowError):
        return math.inf


def _tgamma(x: float) -> float:
    """C's tgamma: gamma(x), ±inf at ±0 and past the largest finite value,
    NaN at the negative integers (Python's raises there)."""
    try:
        return math.gamma(x)
    except OverflowError:
        return math.inf if x > 0 else 0.0
    except ValueError:
        return math.copysign(math.inf, x) if x == 0 else math.nan


def _c_libm(name: str) -> Callable:
    """C's libm function `name` of a double (one Python's math lacks), on arrays."""
    fn = getattr(ctypes.CDLL(ctypes.util.find_library("m")), name)
    fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_double]
    return _libm(fn)


def _gamma_inc(part: int) -> Callable:
    """P(a, x), Q(a, x) or dP/da (part 0, 1, 2) as scanjit.incomplete_gamma computes them."""
    values = _libm(lambda a, x, psi_a: gamma_inc(a, x, psi_a)[part])
    return lambda a, x: values(a, x, _digamma(np.where(a > 0, a, 1.0)))


def _gamma_inc_inverse(upper: bool) -> Callable:
    """The x with P(a, x) = y (`upper`: Q) as scanjit.incomplete_gamma computes it."""
    return _libm(lambda a, y: gamma_inc_inverse(a, y, upper))


def _inverse_grads(upper: bool) -> Callable:
    """x = P^-1(a, y): dx/dy = 1 / (dP/dx) (negated for Q), dx/da = -(dP/da) / (dP/dx)."""
    def grads(a, y, x, g):
        per_dp_dx = true_div(g, _gamma_inc_dx(a, x))
        return [neg(mul(per_dp_dx, gammainc_der(a, x))), neg(per_dp_dx) if upper else per_dp_dx]
    return grads


def _beta_inc(wrt: str) -> Callable:
    """I_x(a, b), or its derivative in `wrt` ("a", "b"), as scanjit.incomplete_beta computes it."""
    def digamma(v: float) -> float:
        return float(_digamma(np.array([v]))[0])
    return _libm(lambda a, b, x: beta_inc(a, b, x, wrt, digamma)[2 if wrt else 0])


def _beta_inverse_grads(a, b, y, x, g):
    """x = I^-1(a, b, y): dx/dy = 1 / (dI/dx), dx/da = -(dI/da) / (dI/dx), and so for b."""
    per_di_dx = true_div(g, _beta_inc_dx(a, b, x))
    return [neg(mul(per_di_dx, betainc_der_a(a, b, x))), neg(mul(per_di_dx, betainc_der_b(a, b, x))), per_di_dx]


def _beta_inc_dx(a: Variable, b: Variable, x: Variable) -> Variable:
    """dI_x(a, b)/dx = x^(a-1) (1 - x)^(b-1) / B(a, b) (PyTensor's)."""
    return exp(sub(add(mul(sub(a, 1), log(x)), mul(sub(b, 1), log1p(neg(x)))),
                   sub(add(gammaln(a), gammaln(b)), gammaln(add(a, b)))))


def _beta_inc_dx_log_d(a: Variable, b: Variable, x: Variable, wrt: str) -> Variable:
    """d/d`wrt` of log(dI/dx): log x - psi(a) + psi(a + b), or log1p(-x) - psi(b) + psi(a + b)."""
    own = sub(log(x), psi(a)) if wrt == "a" else sub(log1p(neg(x)), psi(b))
    return add(own, psi(add(a, b)))


def _gamma_inc_dx(a: Variable, x: Variable) -> Variable:
    """dP/dx = x^(a-1) e^-x / Gamma(a) (PyTensor's)."""
    return exp(sub(mul(sub(a, 1), log(x)), add(x, gammaln(a))))


def _times_log(log: Callable) -> Callable:
    """x * log(y), 0 where x is 0 (SciPy's xlogy and xlog1py)."""
    def fn(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x == 0, np.zeros_like(x), x * log(y))
    return fn


def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _log1mexp(x: np.ndarray) -> np.ndarray:
    """log(1 - exp(x)), through log1p below -log 2 and expm1 above."""
    return np.where(x < -LN2, np.log1p(-np.exp(x)), np.log(-np.expm1(x)))


def _erfinv(t: np.ndarray) -> np.ndarray:
    """The y with erf(y) = t, as compiled: Winitzki's closed form, then three
    Halley steps on erf(y) - |t|, computed as (1 - |t|) - erfc(y) above 1/2."""
    a = np.abs(t)
    inside = a < 1
    a_in = np.where(inside, a, 0.5)
    w = -np.log((1 - a_in) * (1 + a_in))
    c = 2 / (np.pi * 0.147) - w / 2
    y = np.sqrt(np.sqrt(c * c + w / 0.147) - c)
    for _ in range(3):
        f = np.where(a_in <= 0.5, _libm(math.erf)(y) - a_in, (1 - a_in) - _libm(math.erfc)(y))
        y = y - f / (y * f + 2 / np.sqrt(np.pi) * np.exp(-y * y))
    y = np.where(a < 2.0**-28, a * (np.sqrt(np.pi) / 2), y)
    return np.copysign(np.where(inside, y, np.where(a == 1, np.inf, np.nan)), t)


ERFCX_SERIES_FROM = 25.0  # erfcx's asymptotic series from here (t = 1 / 2x^2 <= 8e-4: 7 terms, < 1e-16)
ERFCX_INFINITE_BELOW = -27.0  # exp(x^2) overflows below -26.64


def _exp(x: float) -> float:
    """C's exp: +inf past the largest finite value (Python's raises)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _erfcx(x: np.ndarray) -> np.ndarray:
    """exp(x^2) erfc(x), as compiled: x^2 split exactly into hi + lo
    (Veltkamp), exp(x^2) = exp(hi) (1 + lo), times C's erfc; from 25 on, the
    series 1/(x sqrt(pi)) (1 - t (1 - 3t (1 - 5t (... (1 - 11t))))),
    t = 1/(2x^2); +inf below -27."""
    with np.errstate(all="ignore"):
        c = x * 134217729.0
        high = c - (c - x)
        low = x - high
        square = x * x
        error = ((high * high - square) + 2 * high * low) + low * low
        e = _libm(_exp)(square)
        direct = e * (1 + error) * _libm(math.erfc)(x)
        t = 1 / (2 * square)
        series = np.ones_like(x)
        for k in (11, 9, 7, 5, 3, 1):
            series = 1 - k * t * series
        series = series / (x * SQRT_PI)
    return np.where(x >= ERFCX_SERIES_FROM, series, np.where(x < ERFCX_INFINITE_BELOW, np.inf, direct))


def _erfcinv(y: np.ndarray) -> np.ndarray:
    """The x with erfc(x) = y, as compiled: for a = min(y, 2 - y) (2 - y is
    exact), Winitzki's closed form of erfinv(1 - a) from w = -log(a (2 - a))
    (no cancellation), then three Halley steps on erfc(x) - a, or for
    a >= 1/2 on erf(x) - (1 - a) (exact there: no cancellation near x = 0);
    negated for y > 1. +inf at 0, -inf at 2, NaN outside [0, 2]."""
    with np.errstate(all="ignore"):
        a = np.where(y > 1, 2 - y, y)
        w = -np.log(a * (2 - a))
        c = 2 / (np.pi * 0.147) - w / 2
        x = np.sqrt(np.sqrt(c * c + w / 0.147) - c)
        for _ in range(3):
            slope = 2 / SQRT_PI * np.exp(-x * x)
            tail = _libm(math.erfc)(x) - a
            body = _libm(math.erf)(x) - (1 - a)
            x = x - np.where(a >= 0.5, body / (x * body + slope), tail / (x * tail - slope))
        x = np.where(a == 0, np.inf, x)
    return np.where((y >= 0) & (y <= 2), np.where(y > 1, -x, x), np.nan)


def _digamma(x: np.ndarray) -> np.ndarray:
    """psi(x), in long double: psi(z) - sum of 1 / (y + i) for i < m, z = y +
    m >= 10, psi(z) = log z - 1/(2z) - sum of B_2k / (2k z^2k), k <= 11; below
    0 by reflection. SciPy's values at 0, the negative integers and -inf.
    (Near its zero at 1.46 only absolutely accurate, to 1e-19.)"""
    x = x.astype(np.longdouble)
    pi = np.longdouble("3.14159265358979323846264338327950288")
    negative = x < 0
    y = np.where(negative, 1 - x, np.where((x > 0) & (x < np.inf), x, 1))
    shifts = [np.where(y + i < 10, 1, 0) for i in range(10)]
    total = sum(s / (y + i) for i, s in enumerate(shifts))
    z = y + sum(shifts)
    w = 1 / (z * z)
    bernoulli = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12, -3617 / 8160,
                 43867 / 14364, -174611 / 6600, 854513 / 3036]
    series = sum(c * w ** (k + 1) for k, c in enumerate(bernoulli))
    result = np.log(z) - 0.5 / z - series - total
    r = x - np.round(x)
    reflected = np.where(r == 0, np.nan, result - pi / np.tan(pi * r))
    special = np.where(x == 0, np.copysign(np.inf, -x), x)
    return np.where(negative, reflected, np.where((x > 0) & (x < np.inf), result, special))


def _trigamma(x: np.ndarray) -> np.ndarray:
    """psi'(x), in long double: the sum of 1 / (y + i)^2 for i < m, plus
    psi'(z), z = y + m >= 10, = 1/z + 1/(2z^2) + sum of B_2k / z^(2k+1),
    k <= 11; below 0 by reflection, pi^2 / sin^2(pi x) - psi'(1 - x). SciPy's
    values at 0, the negative integers and the infinities."""
    x = x.astype(np.longdouble)
    pi = np.longdouble("3.14159265358979323846264338327950288")
    negative = (x < 0) & (x > -np.inf)
    y = np.where(negative, 1 - x, np.where((x > 0) & (x < np.inf), x, 1))
    shifts = [np.where(y + i < 10, 1, 0) for i in range(10)]
    total = sum(s / ((y + i) * (y + i)) for i, s in enumerate(shifts))
    z = y + sum(shifts)
    w = 1 / (z * z)
    bernoulli = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
                 -174611 / 330, 854513 / 138]
    result = total + 1 / z + w / 2 + sum(c * w ** (k + 1) for k, c in enumerate(bernoulli)) / z
    r = x - np.round(x)
    with np.errstate(divide="ignore"):
        reflected = np.where(r == 0, np.inf, pi * pi / np.sin(pi * r) ** 2 - result)
    special = np.where(x == np.inf, 0, np.where(np.isnan(x), x, np.inf))
    return np.where(negative, reflected, np.where((x > 0) & (x < np.inf), result, special))


FACTORIALS = np.array([float(math.factorial(k)) for k in range(171)] + [np.inf])


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _hurwitz_zeta(s: np.ndarray, q: np.ndarray, q_low: np.ndarray) -> np.ndarray:
    """The sum of (q + q_low + k)^-s over k >= 0, for q > 0 and s >= 2: the
    terms (q + k in two doubles: the power amplifies its rounding s times,
    summed in two doubles) until q + k >= s + 10 or the rest, below
    t (q + k) / (s - 1), is under 2^-54 of the sum; then Euler-Maclaurin's
    tail w^(1-s) (1 / (s - 1) + (1/2 + sum of B_2k / (2k)! s (s+1) ...
    (s+2k-2) w^(1-2k), k <= 12) / w) at w = q + m. Within 2.5 ulp."""
    a, low = q + 0 * s, q_low + 0 * s
    total, total_low, done = np.zeros_like(a), np.zeros_like(a), np.zeros(a.shape, bool)
    while (active := ~done & (a < s + ZETA_SHIFT)).any():
        t = np.where(active, np.power(a, -s) * (1 - s * low / a), 0.0)
        total, err = _two_sum(total, t)
        total_low = total_low + err
        a_next, err = _two_sum(a, 1.0)
        done |= active & (t * a_next <= 2.0**-54 * (s - 1) * total)
        a, low = np.where(active, a_next, a), np.where(active, low + err, low)
    term = s / a
    series = np.zeros_like(a)
    for k, c in enumerate(ZETA_TAIL):
        series = series + c * term
        term = term * (s + 2 * k + 1) * (s + 2 * k + 2) / (a * a)
    tail = np.power(a, 1 - s) * (1 + (1 - s) * low / a) * (1 / (s - 1) + (0.5 + series) / a)
    result = np.where(done, total + total_low, total + (tail + total_low))
    return np.where(np.isinf(total), total, result)


def _polygamma(n: np.ndarray, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x), as SciPy: digamma for n = 0, NaN for n < 0, else
    (-1)^(n+1) n! zeta(n + 1, x). Below 0, with f = x - floor(x) and
    s = n + 1, zeta(s, x) = zeta(s, f) + (-1)^s (zeta(s, 1 - f) - zeta(s, 1 - x))
    (the direct sum's terms below 0, in constant time); +-inf at 0, the
    negative integers and -inf, +-0 at inf (NaN from n = 171 on, where n! is)."""
    n, x = n.astype(np.int64), x.astype(np.float64)
    s = np.where(n >= 1, n + 1.0, 2.0)
    with np.errstate(all="ignore"):
        pole = (x <= 0) & (np.floor(x) == x)
        negative = (x < 0) & ~pole
        dummy = np.where(negative, 0.0, ZETA_DUMMY)
        f, f_low = _two_sum(x, -np.floor(x))
        one_minus, one_minus_low = _two_sum(1.0, -x)
        positive = (x > 0) & (x < np.inf)
        zeta = _hurwitz_zeta(s, np.where(negative, f, np.where(positive, x, ZETA_DUMMY)),
                             np.where(negative, f_low, 0.0))
        sign = np.where(n % 2 == 1, 1.0, -1.0)  # (-1)^(n+1), (-1)^s
        zeta = zeta + sign * (_hurwitz_zeta(s, np.where(negative, np.ceil(x) - x, dummy), 0 * x)
                              - _hurwitz_zeta(s, np.where(negative, one_minus, dummy),
                                              np.where(negative, one_minus_low, 0.0)))
        zeta = np.where(pole, np.inf, np.where(x == np.inf, 0.0, np.where(np.isnan(x), x, zeta)))
        result = sign * FACTORIALS[np.clip(n, 0, 171)] * zeta
        return np.where(n < 0, np.nan, np.where(n == 0, _digamma(x), result))


def _round_half_away(x: np.ndarray) -> np.ndarray:
    whole = np.trunc(x)
    return np.where(np.abs(x - whole) >= 0.5, whole + np.sign(x), whole)


def _clip(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """PyTensor's clip: `low` below it, `high` above it, else `x` (a NaN bound
    clips nothing; with low > high, x < low gives low)."""
    return np.where(x < low, low, np.where(x > high, high, x))


LN2 = math.log(2)
LN10 = math.log(10)


def _inverse_sqrt(g: Variable, square: Variable) -> Variable:
    return true_div(g, sqrt(square))


# Computed by the C library's function of the same name (in float64), with
# their gradients.
LIBM = {
    "tan": lambda x, out, g: [mul(g, add(1, mul(out, out)))],
    "sinh": lambda x, out, g: [mul(g, cosh(x))],
    "cosh": lambda x, out, g: [mul(g, sinh(x))],
    "arcsin": lambda x, out, g: [_inverse_sqrt(g, sub(1, mul(x, x)))],
    "arccos": lambda x, out, g: [neg(_inverse_sqrt(g, sub(1, mul(x, x))))],
    "arctan": lambda x, out, g: [true_div(g, add(1, mul(x, x)))],
    "arctan2": lambda y, x, out, g: [true_div(mul(g, x), add(mul(x, x), mul(y, y))),
                                     neg(true_div(mul(g, y), add(mul(x, x), mul(y, y))))],
    "arcsinh": lambda x, out, g: [_inverse_sqrt(g, add(mul(x, x), 1))],
    "arccosh": lambda x, out, g: [_inverse_sqrt(g, sub(mul(x, x), 1))],
    "arctanh": lambda x, out, g: [true_div(g, sub(1, mul(x, x)))],
    "exp2": lambda x, out, g: [mul(mul(g, out), LN2)],
    "log2": lambda x, out, g: [true_div(g, mul(x, LN2))],
    "log10": lambda x, out, g: [true_div(g, mul(x, LN10))],
}

SQRT_PI = math.sqrt(math.pi)


def _zero(*args) -> list:
    """Zero gradients, for the inputs of a piecewise constant function."""
    return [0] * (len(args) - 2)


def _polygamma_dtype(dtypes: list[str]) -> str | None:
    """PyTensor's: the order must be an integer; the result is x's float."""
    n, x = dtypes
    return None if is_float(n) else upgrade_to_float(x)


def _first(out: Variable, x: Variable) -> Variable:
    """1 where `x` is the maximum or minimum `out` (ties: the first input, as PyTensor)."""
    return eq(out, x)


def _times(g: Variable, v: Variable, out: Variable) -> Variable:
    """g * v for the gradient of `out`, without multiplying a fill: `out`
    filled with ones (a sum's gradient) times v of out's shape is v; v
    filled with w (second(v, w)) times v is w * v. The same values, and
    the lengths `out` and the fill already checked."""
    node = g.owner
    if node is None or not isinstance(node.op, Elemwise) or node.op.scalar_op != "second":
        return mul(g, v)
    filled, w = node.inputs
    if filled is v:
        return mul(w, v)
    if filled is out and is_constant_one(w) and v.dtype == upcast(g.dtype, v.dtype):
        return second(out, v)
    return mul(g, v)


def is_constant_one(w: Variable) -> bool:
    """w is the constant 1, maybe given axes of length 1 by a DimShuffle
    (named: shape.py, which defines it, imports this module)."""
    while w.owner is not None and type(w.owner.op).__name__ == "DimShuffle":
        w = w.owner.inputs[0]
    return isinstance(w, Constant) and w.ndim == 0 and w.data == 1


SCALARS: dict[str, Scalar] = {
    "add": Scalar(np.add, _upcast, grad=lambda x, y, out, g: [g, g]),
    "sub": Scalar(np.subtract, _numeric, grad=lambda x, y, out, g: [g, neg(g)]),
    "mul": Scalar(np.multiply, _upcast, grad=lambda x, y, out, g: [_times(g, y, out), _times(g, x, out)]),
    "true_div": Scalar(np.true_divide, _true_div,
                       grad=lambda x, y, out, g: [true_div(g, y), neg(true_div(mul(g, x), mul(y, y)))]),
    "int_div": Scalar(np.floor_divide, _upcast, grad=_zero),
    "mod": Scalar(np.remainder, _upcast, grad=lambda x, y, out, g: [g, neg(mul(int_div(x, y), g))]),
    "pow": Scalar(_power, _pow, grad=lambda x, y, out, g: [
        mul(mul(g, y), pow(x, sub(y, 1))), switch(eq(x, 0), 0, mul(mul(g, log(x)), out))]),
    "maximum": Scalar(np.maximum, _upcast, grad=lambda x, y, out, g: [
        mul(_first(out, x), g), mul(sub(1, _first(out, x)), g)]),
    "minimum": Scalar(np.minimum, _upcast, grad=lambda x, y, out, g: [
        mul(_first(out, x), g), mul(sub(1, _first(out, x)), g)]),
    "and": Scalar(np.bitwise_and, _discrete), "or": Scalar(np.bitwise_or, _discrete),
    "xor": Scalar(np.bitwise_xor, _discrete), "invert": Scalar(np.invert, _discrete),
    "neg": Scalar(np.negative, _numeric, grad=lambda x, out, g: [neg(g)]),
    "abs": Scalar(np.abs, _upcast, grad=lambda x, out, g: [mul(g, sign(x))]),
    "sign": Scalar(np.sign, _numeric, grad=_zero),
    "square": Scalar(np.square, _upcast, grad=lambda x, out, g: [mul(mul(g, 2), x)]),
    "reciprocal": Scalar(np.reciprocal, _float, grad=lambda x, out, g: [neg(true_div(g, mul(x, x)))]),
    "clip": Scalar(_clip, _upcast, grad=lambda x, low, high, out, g: [
        mul(and_(ge(x, low), le(x, high)), g), mul(lt(x, low), g), mul(gt(x, high), g)]),
    "exp": Scalar(np.exp, _float, grad=lambda x, out, g: [_times(g, out, out)]),
    "log": Scalar(np.log, _float, grad=lambda x, out, g: [true_div(g, x)]),
    "tanh": Scalar(np.tanh, _float, grad=lambda x, out, g: [mul(g, sub(1, mul(out, out)))]),
    "sqrt": Scalar(np.sqrt, _float, grad=lambda x, out, g: [true_div(mul(g, 0.5), out)]),
    "sin": Scalar(np.sin, _float, grad=lambda x, out, g: [mul(g, cos(x))]),
    "cos": Scalar(np.cos, _float, grad=lambda x, out, g: [neg(mul(g, sin(x)))]),
    "floor": Scalar(np.floor, _float, grad=_zero), "ceil": Scalar(np.ceil, _float, grad=_zero),
    "trunc": Scalar(np.trunc, _float, grad=_zero),
    "round_half_to_even": Scalar(np.round, _float_only, grad=_zero),
    "round_half_away_from_zero": Scalar(_round_half_away, _float_only, grad=_zero),
    "sigmoid": Scalar(_f64(_sigmoid), _float, grad=lambda x, out, g: [mul(mul(g, out), sub(1, out))]),
    "softplus": Scalar(_f64(_softplus), _float, grad=lambda x, out, g: [mul(g, sigmoid(x))]),
    "log1p": Scalar(_f64(np.log1p), _float, grad=lambda x, out, g: [true_div(g, add(x, 1))]),
    "expm1": Scalar(_f64(np.expm1), _float, grad=lambda x, out, g: [mul(g, exp(x))]),
    "log1mexp": Scalar(_f64(_log1mexp), _float, grad=lambda x, out, g: [  # -inf at 0, as PyTensor
        mul(g, switch(isinf(d := true_div(-1.0, expm1(neg(x)))), -np.inf, d))]),
    "logaddexp": Scalar(_f64(np.logaddexp), _float, grad=lambda x, y, out, g: [
        mul(g, exp(sub(x, out))), mul(g, exp(sub(y, out)))]),
    # PyTensor's gradients, not masked where x is 0
    "xlogy": Scalar(_times_log(np.log), _float, grad=lambda x, y, out, g: [mul(g, log(y)), true_div(mul(g, x), y)]),
    "xlog1py": Scalar(_times_log(np.log1p), _float, grad=lambda x, y, out, g: [
        mul(g, log1p(y)), true_div(mul(g, x), add(1, y))]),
    "erf": Scalar(_libm(math.erf), _float, grad=lambda x, out, g: [
        mul(g, mul(2 / SQRT_PI, exp(neg(mul(x, x)))))]),
    "erfc": Scalar(_libm(math.erfc), _float, grad=lambda x, out, g: [
        mul(g, mul(-2 / SQRT_PI, exp(neg(mul(x, x)))))]),
    "erfcx": Scalar(_f64(_erfcx), _float, grad=lambda x, out, g: [mul(g, sub(mul(mul(2, x), out), 2 / SQRT_PI))]),
    "erfcinv": Scalar(_f64(_erfcinv), _float, grad=lambda x, out, g: [mul(g, mul(-SQRT_PI / 2, exp(mul(out, out))))]),
    "erfinv": Scalar(_f64(_erfinv), _float, grad=lambda x, out, g: [
        mul(g, mul(SQRT_PI / 2, exp(mul(out, out))))]),
    "gammaln": Scalar(_libm(_lgamma), _float, grad=lambda x, out, g: [mul(g, psi(x))]),
    "gamma": Scalar(_libm(_tgamma), _float, grad=lambda x, out, g: [mul(g, mul(out, psi(x)))]),
    # the regularized incomplete gamma functions and their inverses in x; d/da by
    # gammainc_der, whose own derivative in a is undefined (PyTensor has none either)
    "gammainc": Scalar(_gamma_inc(0), _float, grad=lambda a, x, out, g: [
        mul(g, gammainc_der(a, x)), mul(g, _gamma_inc_dx(a, x))]),
    "gammaincc": Scalar(_gamma_inc(1), _float, grad=lambda a, x, out, g: [
        neg(mul(g, gammainc_der(a, x))), neg(mul(g, _gamma_inc_dx(a, x)))]),
    "gammainc_der": Scalar(_gamma_inc(2), _float, grad=lambda a, x, out, g: [
        UNDEFINED, mul(g, mul(_gamma_inc_dx(a, x), sub(log(x), psi(a))))]),
    # the regularized incomplete beta function; its derivatives in a and b have
    # no derivatives in a and b themselves
    "betainc": Scalar(_beta_inc(""), _float, grad=lambda a, b, x, out, g: [
        mul(g, betainc_der_a(a, b, x)), mul(g, betainc_der_b(a, b, x)), mul(g, _beta_inc_dx(a, b, x))]),
    "betainc_der_a": Scalar(_beta_inc("a"), _float, grad=lambda a, b, x, out, g: [
        UNDEFINED, UNDEFINED, mul(g, mul(_beta_inc_dx(a, b, x), _beta_inc_dx_log_d(a, b, x, "a")))]),
    "betainc_der_b": Scalar(_beta_inc("b"), _float, grad=lambda a, b, x, out, g: [
        UNDEFINED, UNDEFINED, mul(g, mul(_beta_inc_dx(a, b, x), _beta_inc_dx_log_d(a, b, x, "b")))]),
    "betaincinv": Scalar(_libm(beta_inc_inverse), _float, grad=_beta_inverse_grads),
    "gammaincinv": Scalar(_gamma_inc_inverse(False), _float, grad=_inverse_grads(False)),
    "gammainccinv": Scalar(_gamma_inc_inverse(True), _float, grad=_inverse_grads(True)),
    # Bessel functions: i0 and i1 as scanjit.bessel computes them, j0 and j1 C's;
    # I1' = I0 - I1/x and J1' = J0 - J1/x (PyTensor's (I0 + I2)/2, (J0 - J2)/2), 1/2 at 0
    "i0": Scalar(_f64(functools.partial(bessel_i, 0)), _float, grad=lambda x, out, g: [mul(g, i1(x))]),
    "i1": Scalar(_f64(functools.partial(bessel_i, 1)), _float, grad=lambda x, out, g: [
        mul(g, switch(eq(x, 0), 0.5, sub(i0(x), true_div(out, x))))]),
    "j0": Scalar(_c_libm("j0"), _float, grad=lambda x, out, g: [mul(g, neg(j1(x)))]),
    "j1": Scalar(_c_libm("j1"), _float, grad=lambda x, out, g: [
        mul(g, switch(eq(x, 0), 0.5, sub(j0(x), true_div(out, x))))]),
    "psi": Scalar(_f64(_digamma), _float, grad=lambda x, out, g: [mul(g, tri_gamma(x))]),
    "tri_gamma": Scalar(_f64(_trigamma), _float, grad=lambda x, out, g: [mul(g, polygamma(2, x))]),
    "polygamma": Scalar(_polygamma, _polygamma_dtype, "cast", grad=lambda n, x, out, g: [
        UNDEFINED, mul(g, polygamma(add(n, 1), x))]),
    **{name: Scalar(_f64(getattr(np, name)), _float, grad=grad) for name, grad in LIBM.items()},
    "isnan": Scalar(np.isnan, _bool, "cast"), "isinf": Scalar(np.isinf, _bool, "cast"),
    "lt": Scalar(np.less, _bool, "common"), "gt": Scalar(np.greater, _bool, "common"),
    "le": Scalar(np.less_equal, _bool, "common"), "ge": Scalar(np.greater_equal, _bool, "common"),
    "eq": Scalar(np.equal, _bool, "common"), "neq": Scalar(np.not_equal, _bool, "common"),
    "switch": Scalar(lambda c, a, b: np.where(c, a, b), lambda dtypes: upcast(*dtypes[1:]), "switch",
                     grad=lambda c, a, b, out, g: [0, switch(c, g, 0), switch(c, 0, g)]),
    "second": Scalar(lambda a, b: np.broadcast_to(b, np.broadcast_shapes(a.shape, b.shape)).copy(),
                     lambda dtypes: dtypes[1], "cast", grad=lambda a, b, out, g: [None, g]),
    **{f"cast_{d}": Scalar(lambda x, d=d: x.astype(d), lambda dtypes, d=d: d, "cast",
                           grad=lambda x, out, g: [g]) for d in DTYPES},
}


class Elemwise(Op):
    """The scalar function `scalar_op` (a key of SCALARS) applied elementwise,
    with NumPy broadcasting."""

    def __init__(self, scalar_op: str):
        if scalar_op not in SCALARS:
            raise NotImplementedError(f"the elementwise function {scalar_op!r}")
        self.scalar_op = scalar_op

    def make_node(self, *inputs) -> Apply:
        inputs = [as_tensor_variable(x) for x in inputs]
        dtypes = [x.dtype for x in inputs]
        dtype = SCALARS[self.scalar_op].dtype(dtypes)
        if dtype is None:
            raise TypeError(f"{self.scalar_op} is not defined on {' and '.join(dtypes)} tensors "
                            "(as in PyTensor)")
        shape = broadcast_shape([x.type for x in inputs])
        out = Variable(TensorType(dtype, shape))
        return Apply(self, inputs, [out])

    def infer_shape(self, node, shapes, dims):
        """Per axis, the length of the first input not of static length 1 there."""
        out = node.outputs[0]
        lengths = []
        for axis in range(out.ndim):
            sized = [shape[k] for shape, x in zip(shapes, node.inputs)
                     if (k := axis - (out.ndim - x.ndim)) >= 0 and x.type.shape[k] != 1]
            lengths.append(sized[0] if sized else dims.const(1))
        return [lengths]

    def infer_size(self, node, dims):
        """An integer scalar's value in the algebra `dims` (a length computed
        from lengths, as `x.shape[0] * 2`), where the inputs have one."""
        if node.outputs[0].ndim or not all(v.dtype in INTS for v in [*node.inputs, *node.outputs]):
            return None
        if self.scalar_op.startswith("cast_"):
            return dims.size(node.inputs[0])
        combine = {"add": dims.add, "mul": dims.mul, "sub": dims.sub, "maximum": dims.maximum,
                   "minimum": dims.minimum}.get(self.scalar_op)
        return combine and combine(*(dims.size(v) for v in node.inputs))

    def perform(self, node, inputs):
        out = node.outputs[0]
        check_broadcast([v.type.shape for v in node.inputs], inputs, out.ndim, str(self),
                        [v.label() for v in node.inputs])
        scalar = SCALARS[self.scalar_op]
        operands = scalar.operand_dtypes([v.dtype for v in node.inputs], out.dtype)
        return [np.asarray(scalar.numpy(*[a.astype(d) for a, d in zip(inputs, operands)]), out.dtype)]

    def L_op(self, inputs, outputs, output_grads):
        return self.wanted_L_op(inputs, outputs, output_grads, set(range(len(inputs))))

    def wanted_L_op(self, inputs, outputs, output_grads, wanted):
        """The scalar function's gradients, shaped as the output (the
        accumulation sums them back over the axes an input was broadcast on);
        an undefined one wanted raises NullTypeGradError, as PyTensor's."""
        rule = SCALARS[self.scalar_op].grad
        if rule is None:
            raise NotImplementedError(f"the gradient of {self} is not implemented")
        grads = rule(*inputs, outputs[0], output_grads[0])
        for k in sorted(wanted):
            if grads[k] is UNDEFINED:
                raise NullTypeGradError(f"`grad` encountered a NaN. This variable is Null because the grad method "
                                        f"for input {k} ({inputs[k].type}) of the {self.scalar_op} op is undefined.")
        return [None if g is UNDEFINED else g for g in grads]

    def R_op(self, inputs, outputs, tangents):
        """The sum over the connected inputs of the scalar function's
        gradient for input k, given input k's tangent as the output's
        gradient (each rule is linear in it), broadcast to the output."""
        out, rule = outputs[0], SCALARS[self.scalar_op].grad
        if not is_float(out.dtype):
            return [None]
        if rule is None:
            raise NotImplementedError(f"R_op (forward mode) of {self} is not implemented")
        connected = [term for k, t in enumerate(tangents) if t is not None
                     and (term := rule(*inputs, out, t)[k]) is not None]
        terms = [term for term in connected if not isinstance(term, int)]  # 0: piecewise constant
        if not terms:
            return [second(out, constant(0, dtype=out.dtype)) if connected else None]
        total = add(*terms)
        if total.type.shape != out.type.shape:
            total = second(out, total)
        return [cast(total, out.dtype)]

    def __str__(self):
        return f"Elemwise{{{self.scalar_op}}}"


def _elemwise(name: str):
    op = Elemwise(name)
    if name in ("add", "mul"):  # variadic as in PyTensor, folded into binary nodes
        return lambda first, *rest: functools.reduce(op, rest, as_tensor_variable(first))
    return lambda *args: op(*args)


add, sub, mul, true_div, int_div, mod, pow = (
    _elemwise(n) for n in ("add", "sub", "mul", "true_div", "int_div", "mod", "pow"))
neg, exp, log, tanh, sqrt, abs, sin, cos = (
    _elemwise(n) for n in ("neg", "exp", "log", "tanh", "sqrt", "abs", "sin", "cos"))
lt, gt, le, ge, eq, neq = (_elemwise(n) for n in ("lt", "gt", "le", "ge", "eq", "neq"))
maximum, minimum, switch, clip = (_elemwise(n) for n in ("maximum", "minimum", "switch", "clip"))
and_, or_, xor, invert = (_elemwise(n) for n in ("and", "or", "xor", "invert"))
sign, square, reciprocal, floor, ceil, trunc, isnan, isinf = (
    _elemwise(n) for n in ("sign", "square", "reciprocal", "floor", "ceil", "trunc", "isnan", "isinf"))
round_half_to_even, round_half_away_from_zero = (
    _elemwise(n) for n in ("round_half_to_even", "round_half_away_from_zero"))
sigmoid, softplus, log1p, expm1, log1mexp = (
    _elemwise(n) for n in ("sigmoid", "softplus", "log1p", "expm1", "log1mexp"))
xlogy, xlog1py, erfcx, erfcinv = (_elemwise(n) for n in ("xlogy", "xlog1py", "erfcx", "erfcinv"))
i0, i1, j0, j1 = (_elemwise(n) for n in ("i0", "i1", "j0", "j1"))
gammainc, gammaincc, gammainc_der, gammaincinv, gammainccinv = (
    _elemwise(n) for n in ("gammainc", "gammaincc", "gammainc_der", "gammaincinv", "gammainccinv"))
betainc, betainc_der_a, betainc_der_b, betaincinv = (
    _elemwise(n) for n in ("betainc", "betainc_der_a", "betainc_der_b", "betaincinv"))
erf, erfc, erfinv, gamma, gammaln, psi, tri_gamma, polygamma = (
    _elemwise(n) for n in ("erf", "erfc", "erfinv", "gamma", "gammaln", "psi", "tri_gamma", "polygamma"))
tan, sinh, cosh, arcsin, arccos, arctan, arctan2, arcsinh, arccosh, arctanh, exp2, log2, log10 = (
    _elemwise(n) for n in LIBM)
second = _elemwise("second")
expit, sqr, digamma, log1pexp, fill = sigmoid, square, psi, softplus, second
equal, not_equal, less, less_equal, greater, greater_equal = eq, neq, lt, le, gt, ge
floor_div, bitwise_and, bitwise_or, bitwise_xor, bitwise_not = int_div, and_, or_, xor, invert
_logaddexp = Elemwise("logaddexp")


def logaddexp(*xs) -> Variable:
    """log(exp(x0) + exp(x1) + ...), without overflow (NumPy's for two)."""
    return functools.reduce(_logaddexp, xs[1:], as_tensor_variable(xs[0]))


def round(a, mode: str | None = None) -> Variable:
    """PyTensor's round: half to even unless `mode` is "half_away_from_zero"."""
    modes = {"half_to_even": round_half_to_even, "half_away_from_zero": round_half_away_from_zero}
    if (mode or "half_to_even") not in modes:
        raise ValueError(f"round mode {mode} is not implemented.")
    return modes[mode or "half_to_even"](a)


def where(cond, ift=None, iff=None) -> Variable:
    """`switch(cond, ift, iff)`."""
    if ift is None and iff is None:
        raise NotImplementedError("where(cond) alone (cond.nonzero()) is not supported: its length "
                                  "is known only at run time")
    if ift is None or iff is None:
        raise ValueError("either both or neither of ift and iff should be given")
    return switch(cond, ift, iff)


__all__ = ["Elemwise", "SCALARS", "add", "sub", "mul", "true_div", "int_div", "mod", "pow", "neg", "exp",
           "log", "tanh", "sqrt", "abs", "sin", "cos", "lt", "gt", "le", "ge", "eq", "neq", "maximum",
           "minimum", "switch", "clip", "and_", "or_", "xor", "invert", "where", "cast", "sign",
           "square", "sqr", "reciprocal", "floor", "ceil", "trunc", "round", "round_half_to_even",
           "round_half_away_from_zero", "isnan", "isinf", "sigmoid", "expit", "softplus", "log1p",
           "expm1", "log1mexp", "logaddexp", "erf", "erfc", "erfcx", "erfcinv", "erfinv", "gamma", "gammaln", "psi",
           "digamma", "tri_gamma", "polygamma", "i0", "i1", "j0", "j1", "gammainc", "gammaincc", "gammaincinv",
           "gammainccinv", "betainc", "betaincinv", *LIBM,
           "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "power", "floor_div",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "log1pexp", "isfinite", "isposinf",
           "isneginf", "deg2rad", "rad2deg", "iround", "divmod", "nan_to_num", "second", "fill"]


def cast(x, dtype: str) -> Variable:
    """`x` as `dtype`; a constant stays a constant (so its static shape and
    value are known to the ops using it, as `pt.alloc(v, 1)`'s length)."""
    x = as_tensor_variable(x)
    dtype = str(np.dtype(config.floatX if dtype == "floatX" else dtype))
    if x.dtype == dtype:
        return x
    if isinstance(x, Constant):
        return constant(x.data.astype(dtype), dtype=dtype)
    return Elemwise(f"cast_{dtype}")(x)


def power(x, y) -> Variable:
    return pow(x, y)


def isposinf(x) -> Variable:
    return eq(x, np.inf)


def isneginf(x) -> Variable:
    return eq(x, -np.inf)


def isfinite(x) -> Variable:
    """Neither NaN nor infinite (always true for integers)."""
    return invert(or_(isnan(x), isinf(x)))


def deg2rad(x) -> Variable:
    return mul(x, np.asarray(np.pi / 180, _float([as_tensor_variable(x).dtype])))


def rad2deg(x) -> Variable:
    return mul(x, np.asarray(180 / np.pi, _float([as_tensor_variable(x).dtype])))


def iround(a, mode: str | None = None) -> Variable:
    """`round(a, mode)` as int64."""
    return cast(round(a, mode), "int64")


def divmod(x, y) -> tuple[Variable, Variable]:
    """(x // y, x % y)."""
    return int_div(x, y), mod(x, y)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None) -> Variable:
    """NaN as `nan`, infinities as `posinf`/`neginf` (the dtype's largest and
    smallest finite values when not given), as NumPy's."""
    x = as_tensor_variable(x)
    if not is_float(x.dtype):
        return x
    info = np.finfo(x.dtype)
    x = switch(isnan(x), nan, x)
    x = switch(isposinf(x), info.max if posinf is None else posinf, x)
    return switch(isneginf(x), info.min if neginf is None else neginf, x)
