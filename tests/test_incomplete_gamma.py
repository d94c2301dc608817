"""The regularized incomplete gamma functions gammainc (P), gammaincc (Q),
their inverses in x (gammaincinv, gammainccinv) and what PyTensor composes
of them (gammal, gammau, chi2sf): values against
exact ones (integer a: Q is a finite sum, in 60-digit decimals) and SciPy's,
within 64 ulps times the condition a |log x| + x (SciPy's own are up to 70);
SciPy's values at the edges; dtypes; gradients (their finite differences in
tests/test_grad_audit.py) in a, where PyTensor's loops stop at 1e-10, and in
x; compiled, in mode="py" and in a scan step."""

import decimal
import math
import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import NullTypeGradError, grad
from scanjit.tensor.elemwise import gammainc_der

MODES = pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
RNG = np.random.default_rng(31)


def _functions(mode):
    a, x = pt.dvector("a"), pt.dvector("x")
    return scanjit.function([a, x], [pt.gammainc(a, x), pt.gammaincc(a, x)], mode=mode)


def _exact_integer_a(n: int, x: float) -> tuple[float, float]:
    """(P, Q) at an integer a = n: e^-x times the sums of x^k / k! for k >= n
    and for k < n, in 60-digit decimals."""
    with decimal.localcontext() as context:
        context.prec = 60
        x = decimal.Decimal(x)
        term, below, above, k = decimal.Decimal(1), decimal.Decimal(0), decimal.Decimal(0), 0
        while k < n or term > above * decimal.Decimal(10) ** -40:
            if k < n:
                below += term
            else:
                above += term
            k += 1
            term = term * x / k
        return float(above * (-x).exp()), float(below * (-x).exp())


def assert_close(got, exact, a, x):
    """Within 64 ulps times the condition max(1, min(a |log x| + x, 700))."""
    condition = np.maximum(1, np.minimum(a * np.abs(np.log(x)) + x, 700))
    tolerance = 64 * condition * np.spacing(np.abs(exact))
    assert np.all(np.abs(got - exact) <= tolerance), (a, x, got, exact)


@MODES
def test_exact_values_at_integer_a(mode):
    a = np.repeat([1.0, 2.0, 3.0, 7.0, 20.0, 60.0, 150.0], 12)
    x = a * np.tile(np.geomspace(0.05, 3.0, 12), 7)
    p, q = _functions(mode)(a, x)
    exact = np.array([_exact_integer_a(int(u), v) for u, v in zip(a, x)])
    assert_close(p, exact[:, 0], a, x)
    assert_close(q, exact[:, 1], a, x)


@MODES
def test_against_scipy(mode):
    special = pytest.importorskip("scipy.special")
    a = 10 ** RNG.uniform(-3, 3.5, 3000)
    x = np.where(RNG.random(3000) < 0.7, a * 10 ** RNG.uniform(-1, 0.5, 3000), 10 ** RNG.uniform(-3, 3, 3000))
    p, q = _functions(mode)(a, x)
    for got, theirs in ((p, special.gammainc(a, x)), (q, special.gammaincc(a, x))):
        both = np.abs(theirs) > 1e-300
        assert_close(got[both], theirs[both], a[both] * 2, x[both] * 2)  # SciPy's error as much as ours


@MODES
def test_edges_as_scipy(mode):
    a = np.array([0.0, 0.0, -1.0, 1.0, 1.0, 1.0, np.inf, 0.5, np.nan, 2.0, 3.0])
    x = np.array([1.0, 0.0, 1.0, -1.0, 0.0, np.inf, 1.0, np.nan, 1.0, 1e-300, 1e5])
    p, q = _functions(mode)(a, x)
    nan = np.nan
    np.testing.assert_array_equal(p, [1, nan, nan, nan, 0, 1, 0, nan, nan, 0, 1])
    np.testing.assert_array_equal(q, [0, nan, nan, nan, 1, 0, 1, nan, nan, 1, 0])


def _inverses(mode):
    a, y = pt.dvector("a"), pt.dvector("y")
    return scanjit.function([a, y], [pt.gammaincinv(a, y), pt.gammainccinv(a, y)], mode=mode)


@MODES
def test_inverses_are_roots_as_exact_as_p_and_q(mode):
    """At integer a, P and Q at the x found, in decimals, differ from y by
    less than 8 ulps of x change them plus P's and Q's own error (64 ulps
    times the condition); at a = 1, x is -log1p(-y) and -log(y)."""
    a = np.repeat([1.0, 2.0, 5.0, 30.0, 200.0], 8)
    y = np.tile([1e-200, 1e-30, 1e-5, 0.1, 0.5, 0.9, 1 - 1e-9, 1 - 2.0**-40], 5)
    lower, upper = _inverses(mode)(a, y)
    for x, upper_tail in ((lower, False), (upper, True)):
        for n, target, root in zip(a, y, x):
            p, q = _exact_integer_a(int(n), root)
            slope = math.exp(n * math.log(root) - root - math.lgamma(n))  # x dP/dx
            condition = max(1.0, min(n * abs(math.log(root)) + root, 700))
            assert abs((q if upper_tail else p) - target) <= 8 * np.spacing(1.0) * slope + 64 * condition * np.spacing(
                target), (n, target, root, upper_tail)
    np.testing.assert_allclose(lower[:8], -np.log1p(-y[:8]), rtol=1e-13)
    np.testing.assert_allclose(upper[:8], -np.log(y[:8]), rtol=1e-13)


@MODES
def test_inverses_against_scipy(mode):
    special = pytest.importorskip("scipy.special")
    a = 10 ** RNG.uniform(-3, 4, 2000)
    y = np.where(RNG.random(2000) < 0.6, RNG.uniform(0, 1, 2000), 10 ** RNG.uniform(-300, -1, 2000))
    y = np.where(RNG.random(2000) < 0.2, 1 - y, y)
    for got, theirs in zip(_inverses(mode)(a, y), (special.gammaincinv(a, y), special.gammainccinv(a, y))):
        np.testing.assert_array_equal(got == 0, theirs == 0)
        np.testing.assert_allclose(got, theirs, rtol=2e-12)


@MODES
def test_inverse_edges_as_scipy(mode):
    a = np.array([0.0, 1.0, 1.0, 1.0, 1.0, np.nan, -1.0, np.inf, 1e-3])
    y = np.array([0.5, 0.0, 1.0, -0.1, 1.1, 0.5, 0.5, 0.5, 0.5])
    lower, upper = _inverses(mode)(a, y)
    nan, inf = np.nan, np.inf
    np.testing.assert_array_equal(lower[:8], [nan, 0, inf, nan, nan, nan, nan, nan])
    np.testing.assert_array_equal(upper[:8], [nan, inf, 0, nan, nan, nan, nan, nan])
    assert lower[8] == upper[8] and 5e-302 < lower[8] < 5.5e-302  # (Gamma(1.001) / 2)^1000


def test_dtypes_and_compositions():
    assert pt.gammainc(pt.fvector(), pt.fvector()).dtype == "float32"
    assert pt.gammaincc(pt.lvector(), pt.dscalar()).dtype == "float64"
    k, x = pt.dvector("k"), pt.dvector("x")
    with pytest.warns(FutureWarning, match="chi2sf is deprecated"):
        chi2 = pt.chi2sf(x, k)
    f = scanjit.function([k, x], [pt.gammal(k, x), pt.gammau(k, x), chi2, pt.gammainc(pt.cast(k, "float32"), x)])
    kv, xv = np.array([0.5, 2.0, 7.5]), np.array([0.3, 2.0, 11.0])
    lower, upper, chi2_sf, single = f(kv, xv)
    p, q = _functions(None)(kv, xv)
    gamma = np.array([math.gamma(v) for v in kv])
    np.testing.assert_allclose(lower, gamma * p, rtol=1e-15)
    np.testing.assert_allclose(upper, gamma * q, rtol=1e-15)
    np.testing.assert_allclose(chi2_sf, _functions(None)(kv / 2, xv / 2)[1], rtol=1e-15)
    assert single.dtype == np.float64
    y = pt.fvector("y")
    single = scanjit.function([y], pt.gammainc(y, y))(np.array([0.5, 3.0], "float32"))
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, _functions(None)(np.array([0.5, 3.0]), np.array([0.5, 3.0]))[0], rtol=1e-7)


# The gradient cases, checked by finite differences in tests/test_grad_audit.py: name -> (function, its points)
POINTS = [np.array([0.3, 0.8, 2.5, 4.0, 12.0]), np.array([0.5, 0.9, 6.0, 1.5, 11.0])]  # series, small-a Q, fraction
GRADIENTS = {
    "gammainc": (lambda a, x: pt.gammainc(a, x), POINTS),
    "gammaincc": (lambda a, x: pt.gammaincc(a, x), POINTS),
    "gammainc_der in x": (lambda x: gammainc_der(POINTS[0], x), POINTS[1:]),
    "gammal gammau": (lambda a, x: pt.gammal(a, x) + pt.gammau(a, x) * 0.5, [p[:4] for p in POINTS]),
    "gammaincinv": (lambda a, y: pt.gammaincinv(a, y), [POINTS[0], np.array([0.1, 0.5, 0.9, 0.3, 0.7])]),
    "gammainccinv": (lambda a, y: pt.gammainccinv(a, y), [POINTS[0], np.array([0.1, 0.5, 0.9, 0.3, 0.7])]),
}


def test_gradient_in_a_is_accurate():
    """dP/da against central differences of SciPy's P in long steps' limit
    (Richardson), where PyTensor's loops stop at 1e-10."""
    special = pytest.importorskip("scipy.special")
    a, x = pt.dvector("a"), pt.dvector("x")
    av, xv = POINTS
    got = scanjit.function([a, x], grad(pt.sum(pt.gammainc(a, x)), a))(av, xv)
    h = 1e-4 * av

    def central(step):
        return (special.gammainc(av + step, xv) - special.gammainc(av - step, xv)) / (2 * step)
    np.testing.assert_allclose(got, (4 * central(h / 2) - central(h)) / 3, rtol=1e-9)


def test_second_derivative_in_a_is_undefined():
    a, x = pt.dscalar("a"), pt.dscalar("x")
    da = grad(pt.gammainc(a, x), a)
    with pytest.raises(NullTypeGradError):
        grad(da, a)


def test_gradients_as_pytensor():
    """gammainc's gradients as PyTensor's; gammaincc's are their negatives,
    where PyTensor's own in a is off (by 21% at a = 12, x = 11: its series in
    1/x is asymptotic; docs/reliability.md)."""
    ptt = pytest.importorskip("pytensor.tensor")
    import pytensor

    def program(m, lib, fn):
        a, x = m.dvector("a"), m.dvector("x")
        return [a, x], lib.grad(m.sum(fn(m)(a, x) * np.linspace(0.5, 1.5, 5)), [a, x])
    ours = scanjit.function(*program(pt, scanjit, lambda m: m.gammainc))(*POINTS)
    upper = scanjit.function(*program(pt, scanjit, lambda m: m.gammaincc))(*POINTS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pytensor.function(*program(ptt, pytensor, lambda m: m.gammainc))(*POINTS)
    for g, u, t in zip(ours, upper, theirs):
        np.testing.assert_allclose(g, t, rtol=1e-9)
        np.testing.assert_array_equal(u, -g)


def test_inside_a_scan_step():
    """A recurrence through P and Q, compiled and in mode="py", the same."""
    x, h0 = pt.dvector("x"), pt.dscalar("h0")
    h = scanjit.scan(lambda v, h: pt.gammainc(v + h, v * 2) + pt.gammaincc(h + 0.5, v) * 0.5,
                     sequences=[x], outputs_info=[h0], return_updates=False)
    xs = RNG.uniform(0.1, 5.0, 40)
    got, reference = (scanjit.function([x, h0], h, mode=mode)(xs, 0.3) for mode in (None, "py"))
    np.testing.assert_allclose(got, reference, rtol=1e-13)
    roots = scanjit.scan(lambda v, h: pt.gammaincinv(v, h) + pt.gammainccinv(h + 1, h) * 0.01,
                         sequences=[x], outputs_info=[h0], return_updates=False)
    found, reference = (scanjit.function([x, h0], roots, mode=mode)(xs / 10, 0.3) for mode in (None, "py"))
    np.testing.assert_allclose(found, reference, rtol=1e-12)
    state = 0.3
    for v, value in zip(xs, got):
        p, _ = _functions(None)(np.array([v + state]), np.array([v * 2]))
        _, q = _functions(None)(np.array([state + 0.5]), np.array([v]))
        state = p[0] + q[0] * 0.5
        assert value == state
