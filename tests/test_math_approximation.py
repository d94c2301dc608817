"""`math-polynomial-approximation`: compiled `exp`, `tanh`, `pow`, sigmoid,
softplus, log1p, expm1, erfinv and psi against exact values.

The exact value is NumPy's `longdouble` (x87 extended, 64-bit mantissa) result,
rounded to float64 only for the ulp size: its own error is 2^-11 of a float64 ulp.
"""

from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt

FUNCTIONS = {"exp": (pt.exp, np.exp, 1.0), "tanh": (pt.tanh, np.tanh, 1.5)}  # op, NumPy, max ulp
# sigmoid, softplus, log1p and expm1 are expanded too: op, exact function (on
# long doubles), max ulp.
EXPANDED = {
    "sigmoid": (pt.sigmoid, lambda x: 1 / (1 + np.exp(-x)), 0.75),
    "softplus": (pt.softplus, lambda x: np.logaddexp(0, x), 0.75),
    "log1p": (pt.log1p, np.log1p, 0.51),
    "expm1": (pt.expm1, np.expm1, 0.57),
}

SPECIALS = [0.0, -0.0, np.inf, -np.inf, np.nan, 709.78, 709.79, 710.0, 1e300, -1e300, -708.4,
            -745.1, -745.2, -800.0, 5e-324, -5e-324, 1e-310, 2.0**-28, -(2.0**-29), 0.17, 0.5,
            0.51, 19.06, 21.99, 22.0, 22.01, -22.0]


def ulp_error(got, x, exact_fn):
    exact = exact_fn(x.astype(np.longdouble))
    with np.errstate(over="ignore"):
        rounded = exact.astype(np.float64)
    finite = np.isfinite(rounded) & (rounded != 0)
    spacing = np.spacing(np.abs(rounded[finite])).astype(np.longdouble)
    return np.abs(got[finite].astype(np.longdouble) - exact[finite]) / spacing


def inputs(n):
    rng = np.random.default_rng(7)
    return np.concatenate([rng.uniform(-1, 1, n), rng.uniform(-25, 25, n), rng.uniform(-745, 710, n),
                           np.exp(rng.uniform(-700, 6, n)) * rng.choice([-1, 1], n)])


@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 63, reason="needs x87 extended long double")
@pytest.mark.parametrize("name", [*FUNCTIONS, *EXPANDED])
def test_float64_within_bound_of_exact_value(name):
    op, exact_fn, bound = {**FUNCTIONS, **EXPANDED}[name]
    x = pt.dvector("x")
    xs = inputs(250_000)
    if name == "log1p":
        xs = np.concatenate([np.abs(xs) - 1 + 1e-300, np.random.default_rng(8).uniform(-1, -0.5, 250_000)])
    with np.errstate(all="ignore"):
        error = ulp_error(scanjit.function([x], op(x))(xs), xs, exact_fn)
    assert error.max() <= bound, f"{name}: {float(error.max())} ulp at {xs[np.argmax(error)]}"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_special_values_match_numpy(name):
    op, numpy_fn, _ = FUNCTIONS[name]
    x = pt.dvector("x")
    xs = np.array(SPECIALS)
    got = scanjit.function([x], op(x))(xs)
    with np.errstate(over="ignore"):
        expected = numpy_fn(xs)
    exact_cases = ~np.isfinite(expected) | (expected == 0) | (np.abs(xs) < 2.0**-27)
    if name == "tanh":  # NumPy rounds tanh(19.06) to 1: 1 - 2^-53 is nearer
        exact_cases |= np.abs(xs) >= 22
    np.testing.assert_array_equal(got[exact_cases], expected[exact_cases])
    np.testing.assert_array_equal(np.signbit(got[exact_cases]), np.signbit(expected[exact_cases]))
    np.testing.assert_allclose(got, expected, rtol=3e-16)


@pytest.mark.parametrize("name", [*FUNCTIONS, *EXPANDED])
def test_float32_is_float64_rounded(name):
    op, numpy_fn, _ = {**FUNCTIONS, **EXPANDED}[name]
    x = pt.fvector("x")
    values = np.concatenate([inputs(50_000), SPECIALS])
    xs = values[np.abs(values) < 1e30].astype(np.float32)
    if name == "log1p":
        xs = np.abs(xs) - np.float32(0.999)
    got = scanjit.function([x], op(x))(xs)
    assert got.dtype == np.float32
    with np.errstate(all="ignore"):
        expected = numpy_fn(xs.astype(np.longdouble)).astype(np.float32)  # rounded once
    mismatched = got != expected
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    assert np.count_nonzero(mismatched & ~np.isnan(got)) <= 2, xs[mismatched][:5]


def test_inside_scan_step():
    x, h0 = pt.dvector("x"), pt.dscalar("h0")
    h, _ = scanjit.scan(lambda x, h: pt.tanh(x + h) * pt.exp(-x), sequences=[x], outputs_info=[h0])
    xs = np.linspace(-3, 3, 101)
    expected, state = [], 0.25
    for value in xs:
        state = np.tanh(value + state) * np.exp(-value)
        expected.append(state)
    np.testing.assert_allclose(scanjit.function([x, h0], h)(xs, 0.25), expected, rtol=1e-14)


POW_SPECIALS = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, np.inf, -np.inf, np.nan,
                1e-310, -1e-310, 1e308]
POW_EXPONENTS = POW_SPECIALS + [1 / 3, 2.5, -2.5, 1e20, -1e20, 2.0**53 + 2, 1023.0, -1075.0]


@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 63, reason="needs x87 extended long double")
def test_pow_within_bound_of_exact_value():
    x, y = pt.dvector("x"), pt.dvector("y")
    rng = np.random.default_rng(3)
    n = 100_000
    xs = np.concatenate([rng.uniform(0, 2, n), np.exp(rng.uniform(-700, 700, n)),
                         rng.uniform(0.9, 1.1, n), -rng.uniform(0, 10, n)])
    ys = np.concatenate([rng.uniform(-50, 50, n), rng.uniform(-1, 1, n),
                         rng.uniform(-5000, 5000, n), rng.integers(-300, 300, n).astype(float)])
    got = scanjit.function([x, y], x ** y)(xs, ys)
    with np.errstate(all="ignore"):
        exact = np.power(xs.astype(np.longdouble), ys.astype(np.longdouble))
        rounded = exact.astype(np.float64)
    normal = np.isfinite(rounded) & (np.abs(rounded) >= np.finfo(np.float64).tiny)
    error = np.abs(got[normal].astype(np.longdouble) - exact[normal]) / \
        np.spacing(np.abs(rounded[normal])).astype(np.longdouble)
    assert error.max() <= 0.75, f"{float(error.max())} ulp at {xs[normal][np.argmax(error)]}"
    np.testing.assert_array_equal(np.isinf(got), np.isinf(rounded))  # overflow where NumPy's does
    np.testing.assert_array_equal(got == 0, rounded == 0)


def test_pow_special_values_match_numpy():
    x, y = pt.dvector("x"), pt.dvector("y")
    xs, ys = (a.ravel() for a in np.meshgrid(POW_SPECIALS, POW_EXPONENTS))
    got = scanjit.function([x, y], x ** y)(xs, ys)
    with np.errstate(all="ignore"):
        expected = np.power(xs, ys)
    np.testing.assert_allclose(got, expected, rtol=2.3e-16, equal_nan=True)
    exact_cases = np.isinf(expected) | (expected == 0) | (np.abs(expected) == 1)
    np.testing.assert_array_equal(got[exact_cases], expected[exact_cases])
    np.testing.assert_array_equal(np.signbit(got[exact_cases]), np.signbit(expected[exact_cases]))


def test_pow_of_exact_results_is_exact():
    x, n = pt.dvector("x"), pt.lvector("n")
    bases = np.array([3.0, 2.0, 10.0, 0.5, -3.0, 7.0, 1.5, -2.0, 3.0])
    powers = np.array([2, 10, 15, 3, 3, 4, 2, -3, -1])
    got = scanjit.function([x, n], x ** n)(bases, powers)
    np.testing.assert_array_equal(got[:-1], bases[:-1] ** powers[:-1])
    assert got[-1] == 1 / 3  # correctly rounded


def test_pow_float32():
    x, y = pt.fvector("x"), pt.fvector("y")
    rng = np.random.default_rng(4)
    xs = rng.uniform(0, 4, 100_000).astype(np.float32)
    ys = rng.uniform(-20, 20, 100_000).astype(np.float32)
    got = scanjit.function([x, y], x ** y)(xs, ys)
    assert got.dtype == np.float32
    with np.errstate(all="ignore"):
        expected = np.power(xs.astype(np.longdouble), ys.astype(np.longdouble)).astype(np.float32)
    assert np.count_nonzero(got != expected) <= 2




@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 63, reason="needs x87 extended long double")
@pytest.mark.parametrize("name", EXPANDED)
def test_expanded_special_values(name):
    """Infinities, NaN, signed zeros and the ends of the ranges are the exact
    function's, rounded: exactly where it is exact, else within the bound."""
    op, exact_fn, bound = EXPANDED[name]
    x = pt.dvector("x")
    xs = np.array(SPECIALS + [-1.0, -1.0 + 2.0**-53, -0.5, 36.7, -36.7, 40.0, -40.0, 2.0**-54, -(2.0**-54)])
    got = scanjit.function([x], op(x))(xs)
    with np.errstate(all="ignore"):
        exact = exact_fn(xs.astype(np.longdouble))
        expected = exact.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    exact_cases = ~np.isfinite(expected) | (expected == 0) | (np.abs(xs) < 2.0**-54)
    np.testing.assert_array_equal(got[exact_cases], expected[exact_cases])
    numbers = exact_cases & ~np.isnan(got)
    np.testing.assert_array_equal(np.signbit(got[numbers]), np.signbit(expected[numbers]))
    assert ulp_error(got, xs, exact_fn).max() <= bound


# erfinv and psi have no long double function to compare with: their exact
# values come from a 60-digit series.
getcontext().prec = 60
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")
BERNOULLI = [Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30), Fraction(5, 66),
             Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510), Fraction(43867, 798),
             Fraction(-174611, 330), Fraction(854513, 138), Fraction(-236364091, 2730)]


def exact_erf(x: Decimal) -> Decimal:
    """erf(x) = 2/sqrt(pi) exp(-x^2) sum of 2^n x^(2n+1) / (1 3 ... (2n+1))."""
    term = total = x
    n = 0
    while abs(term) > abs(total) * Decimal(10) ** -58:
        n += 1
        term = term * 2 * x * x / (2 * n + 1)
        total += term
    return 2 / PI.sqrt() * (-x * x).exp() * total


def exact_erfc(x: Decimal) -> Decimal:
    """1 - erf(x) below 3, else its continued fraction."""
    if x < 3:
        return 1 - exact_erf(x)
    fraction = x
    for k in range(300, 0, -1):
        fraction = x + Decimal(k) / 2 / fraction
    return (-x * x).exp() / PI.sqrt() / fraction


def exact_digamma(x: Decimal) -> Decimal:
    """psi(x + n) by its asymptotic series (n past -x + 40), less 1/(x + k), k < n."""
    n = max(40, 40 - int(x))
    z = x + n
    series = sum(Decimal(b.numerator) / Decimal(b.denominator) / (2 * k) / z ** (2 * k)
                 for k, b in enumerate(BERNOULLI, 1))
    return z.ln() - 1 / (2 * z) - series - sum(1 / (x + k) for k in range(n))


def ulps_from(got: float, exact: Decimal) -> float:
    return float(abs(Decimal(float(got)) - exact) / Decimal(float(np.spacing(abs(float(exact))))))


def test_erf_erfc_erfinv_within_bound_of_exact_value():
    """erf and erfc are libm's (glibc: 1 and 2.1 ulp), erfinv Halley steps on them."""
    rng = np.random.default_rng(5)
    x = pt.dvector("x")
    args = np.concatenate([rng.uniform(-6, 6, 150), rng.uniform(0, 26, 100)])
    erf, erfc = scanjit.function([x], [pt.erf(x), pt.erfc(x)])(args)
    assert max(ulps_from(v, exact_erf(Decimal(a))) for a, v in zip(args[:150], erf[:150])) <= 1.0
    assert max(ulps_from(v, exact_erfc(Decimal(a))) for a, v in zip(args, erfc)) <= 2.5
    ts = np.concatenate([rng.uniform(-1, 1, 200), 1 - np.exp(rng.uniform(-36.7, 0, 100)),
                         np.exp(rng.uniform(-40, 0, 50)), [1 - 2.0**-53, 0.5, -0.5 + 2.0**-54]])
    ys = scanjit.function([x], pt.erfinv(x))(ts)
    worst = 0.0
    for t, y in zip(ts, ys):  # the exact y: Newton's method on the exact erf from y
        exact = Decimal(y)
        for _ in range(3):
            residual = (exact_erf(exact) - Decimal(t)) if abs(t) <= 0.5 else \
                (1 - Decimal(abs(t))) - exact_erfc(abs(exact))
            residual = residual if abs(t) <= 0.5 or t > 0 else -residual
            exact -= residual / (2 / PI.sqrt() * (-exact * exact).exp())
        worst = max(worst, ulps_from(y, exact))
    assert worst <= 1.2, worst


def test_psi_within_bound_of_exact_value():
    """Above 0 within 0.6 ulp (near its zero at 1.46 too); below, absolutely
    within 2 ulp of psi(1 - x) (the reflection cancels near psi's zeros)."""
    rng = np.random.default_rng(6)
    x = pt.dvector("x")
    root = 1.4616321449683622
    positive = np.concatenate([rng.uniform(0, 3, 100), rng.uniform(3, 40, 50), np.exp(rng.uniform(-20, 50, 50)),
                               root + rng.uniform(-0.02, 0.02, 50), root + rng.uniform(-1e-9, 1e-9, 20), [root]])
    negative = np.concatenate([-rng.uniform(0, 20, 100), [-0.5, -1.5 + 2.0**-40, -1e-10]])
    psi = scanjit.function([x], pt.psi(x))
    assert max(ulps_from(v, exact_digamma(Decimal(a))) for a, v in zip(positive, psi(positive))) <= 0.6
    for a, v in zip(negative, psi(negative)):
        exact = exact_digamma(Decimal(a))
        scale = Decimal(float(np.spacing(abs(float(exact_digamma(1 - Decimal(a)))))))
        assert abs(Decimal(float(v)) - exact) <= 2 * max(scale, Decimal(float(np.spacing(abs(float(exact)))))), a


def exact_trigamma(x: Decimal) -> Decimal:
    """psi'(x + n) by its asymptotic series (n past -x + 40), plus 1/(x + k)^2, k < n."""
    n = max(40, 40 - int(x))
    z = x + n
    series = sum(Decimal(b.numerator) / Decimal(b.denominator) / z ** (2 * k + 1) for k, b in enumerate(BERNOULLI, 1))
    return 1 / z + 1 / (2 * z * z) + series + sum(1 / ((x + k) * (x + k)) for k in range(n))


def test_trigamma_within_bound_of_exact_value():
    """Above 0 within 0.6 ulp; below (the reflection through sin), within 3
    ulp; SciPy's special values; as SciPy's polygamma(1, x) where it is installed."""
    rng = np.random.default_rng(8)
    x = pt.dvector("x")
    positive = np.concatenate([rng.uniform(0, 3, 100), rng.uniform(3, 40, 50), np.exp(rng.uniform(-30, 50, 60)),
                               [2.0**-30, 2.0**-510, 2.0**-511, 2.0**-512, 9.999999999, 10.0]])
    negative = np.concatenate([-rng.uniform(0, 20, 100), [-0.5, -1.5 + 2.0**-40, -1e-10, -3.999999]])
    trigamma = scanjit.function([x], pt.tri_gamma(x))
    worst = max(ulps_from(v, exact_trigamma(Decimal(a))) for a, v in zip(positive, trigamma(positive)))
    assert worst <= 0.6, worst
    worst = max(ulps_from(v, exact_trigamma(Decimal(a))) for a, v in zip(negative, trigamma(negative)))
    assert worst <= 3, worst
    narrow = np.concatenate([positive, negative]).astype(np.float32)  # computed in float64, rounded
    xf = pt.fvector("xf")
    got = scanjit.function([xf], pt.tri_gamma(xf))(narrow)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, trigamma(narrow.astype(np.float64)).astype(np.float32), rtol=2.0**-23)
    specials = np.array([0.0, -0.0, -1.0, -7.0, np.inf, -np.inf, np.nan, 1e-170, 1e-300])
    expected = [np.inf, np.inf, np.inf, np.inf, 0.0, np.inf, np.nan, np.inf, np.inf]
    for mode in (None, "py"):
        np.testing.assert_array_equal(scanjit.function([x], pt.tri_gamma(x), mode=mode)(specials), expected)
    special = pytest.importorskip("scipy.special")
    args = np.concatenate([positive, negative, specials])
    for mode in (None, "py"):
        np.testing.assert_allclose(scanjit.function([x], pt.tri_gamma(x), mode=mode)(args),
                                   special.polygamma(1, args), rtol=1e-14)
