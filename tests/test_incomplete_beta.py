"""The regularized incomplete beta function betainc and its inverse in x,
betaincinv: values against exact
ones (integer a and b: a binomial tail, in decimals) and SciPy's, its
edges, dtypes, gradients in a, b and x (their finite differences in
tests/test_grad_audit.py) against SciPy's differences and PyTensor's,
compiled, in mode="py" and in a scan step."""

import decimal
import math
import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import NullTypeGradError, grad
from scanjit.tensor.elemwise import betainc_der_a, betainc_der_b

MODES = pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
RNG = np.random.default_rng(41)


def _betainc(mode):
    a, b, x = pt.dvector("a"), pt.dvector("b"), pt.dvector("x")
    return scanjit.function([a, b, x], pt.betainc(a, b, x), mode=mode)


def _exact_tails(a: int, b: int, x: float) -> tuple[float, float]:
    """(I_x(a, b), 1 - I_x(a, b)) = P(Binomial(a + b - 1, x) >= a) and < a, in 80-digit decimals."""
    n = a + b - 1
    with decimal.localcontext() as context:
        context.prec = 80
        x = decimal.Decimal(x)
        terms = [math.comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(n + 1)]
        return float(sum(terms[a:])), float(sum(terms[:a]))


def _exact(a: int, b: int, x: float) -> float:
    return _exact_tails(a, b, x)[0]


@MODES
def test_exact_values_at_integer_a_and_b(mode):
    """Within 64 ulps times the condition 1 + a |log x| + b |log(1 - x)|."""
    a = np.repeat([1, 2, 3, 10, 40, 150], 30)
    b = np.tile(np.repeat([1, 4, 25, 90, 160], 6), 6)
    x = np.tile([1e-6, 0.05, 0.3, 0.5, 0.8, 0.999], 30)
    got = _betainc(mode)(a.astype(float), b.astype(float), x)
    exact = np.array([_exact(int(u), int(v), w) for u, v, w in zip(a, b, x)])
    condition = 1 + a * np.abs(np.log(x)) + b * np.abs(np.log1p(-x))
    tiny = exact < 1e-300
    np.testing.assert_array_less(got[tiny], 1e-290)
    assert np.all(np.abs(got - exact)[~tiny] <= 64 * condition[~tiny] * np.spacing(exact[~tiny]))


@MODES
def test_large_a_and_b_lose_no_digits_to_the_beta_function(mode):
    """Around the mean, where log B(a, b) from lgamma lost up to 27,000 ulps
    at a = b = 2000 (its terms cancel): within 64 ulps, as the prefactor is
    now computed (DiDonato and Morris's form, Stirling's corrections)."""
    cases = [(2000, 2000, 0.49), (2000, 2000, 0.5), (1000, 3000, 0.26), (3000, 500, 0.86), (500, 20, 0.97),
             (20, 500, 0.05), (2, 3000, 0.001), (150, 160, 0.45), (12, 11, 0.5)]
    a, b, x = (np.array(column, float) for column in zip(*cases))
    got = _betainc(mode)(a, b, x)
    exact = np.array([_exact(int(u), int(v), w) for u, v, w in cases])
    assert np.all(np.abs(got - exact) <= 64 * np.spacing(exact))


@MODES
def test_against_scipy(mode):
    special = pytest.importorskip("scipy.special")
    a, b = 10 ** RNG.uniform(-2, 3, (2, 3000))
    x = np.where(RNG.random(3000) < 0.7, RNG.uniform(0, 1, 3000), 10 ** RNG.uniform(-10, 0, 3000))
    theirs = special.betainc(a, b, x)
    np.testing.assert_allclose(_betainc(mode)(a, b, x), theirs, rtol=5e-12, atol=1e-300)


@MODES
def test_edges_as_scipy(mode):
    a = np.array([0, 1, 0, -1, 1, 1, 1, 1, 2, 2, np.inf, 1, np.nan, 0.5])
    b = np.array([1, 0, 0, 1, 1, 1, 1, 1, 3, 3, 1, np.inf, 1, 0.5])
    x = np.array([0.5, 0.5, 0.5, 0.5, -0.1, 1.1, 0, 1, 0, 1, 0.5, 0.5, 0.5, 0.5])
    nan = np.nan
    np.testing.assert_allclose(_betainc(mode)(a, b, x), [1, 0, nan, nan, nan, nan, 0, 1, 0, 1, 0, 1, nan, 0.5],
                               rtol=1e-15)


def _betaincinv(mode):
    a, b, y = pt.dvector("a"), pt.dvector("b"), pt.dvector("y")
    return scanjit.function([a, b, y], pt.betaincinv(a, b, y), mode=mode)


@MODES
def test_inverse_is_a_root_as_exact_as_betainc(mode):
    """At integer a and b, the smaller tail at the x found, in decimals,
    differs from its target by less than 8 ulps of x and of the smaller of x
    and 1 - x change it plus betainc's own error (64 ulps times the condition, with
    lgamma(a + b), which log B(a, b) cancels)."""
    a = np.repeat([1, 2, 5, 30, 200], 40)
    b = np.tile(np.repeat([1, 3, 50, 400, 7], 8), 5)
    y = np.tile([1e-200, 1e-30, 1e-5, 0.1, 0.5, 0.9, 1 - 1e-9, 1 - 2.0**-40], 25)
    roots = _betaincinv(mode)(a.astype(float), b.astype(float), y)
    for n, m, target, x in zip(a, b, y, roots):
        lower, upper = _exact_tails(int(n), int(m), x)
        tail, goal = (lower, target) if target <= 0.5 else (upper, 1 - target)
        u = min(x, 1 - x)
        density = math.exp((n - 1) * math.log(x) + (m - 1) * math.log1p(-x) - math.lgamma(n) - math.lgamma(m)
                           + math.lgamma(n + m))
        condition = 1 + n * abs(math.log(x)) + m * abs(math.log1p(-x)) + math.lgamma(n + m)
        moved = 8 * (np.spacing(x) + np.spacing(1.0) * u) * density  # by 8 ulps of x or of u
        assert abs(tail - goal) <= moved + 64 * condition * np.spacing(goal), \
            (n, m, target, x)


@MODES
def test_inverse_against_scipy(mode):
    """Where SciPy's own root is one (it returns 2^-56 or the smallest
    normal double for roots below them)."""
    special = pytest.importorskip("scipy.special")
    a, b = 10 ** RNG.uniform(-2, 3, (2, 2000))
    y = np.where(RNG.random(2000) < 0.6, RNG.uniform(0, 1, 2000), 10 ** RNG.uniform(-300, -1, 2000))
    y = np.where(RNG.random(2000) < 0.3, 1 - y, y)
    got, theirs = _betaincinv(mode)(a, b, y), special.betaincinv(a, b, y)
    with np.errstate(all="ignore"):
        sound = np.abs(special.betainc(a, b, theirs) - y) <= 1e-6 * np.minimum(y, 1 - y)
    np.testing.assert_allclose(got[sound], theirs[sound], rtol=1e-10)
    assert sound.mean() > 0.8  # the rest: roots below the smallest double, SciPy's clamps


@MODES
def test_inverse_edges_as_scipy(mode):
    a = np.array([0, 1, 1, 1, 1, np.nan, 2, 0.5, -1.0])
    b = np.array([1, 0, 1, 1, 1, 1, 3, 0.5, 1.0])
    y = np.array([0.5, 0.5, 0, 1, 1.1, 0.5, 0.3, 0.5, 0.5])
    got = _betaincinv(mode)(a, b, y)
    np.testing.assert_array_equal(got[[0, 1, 2, 3, 4, 5, 8]], [np.nan, np.nan, 0, 1, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(got[6:8], [0.27238394, 0.5], rtol=1e-7)


def test_dtypes():
    assert pt.betainc(pt.fvector(), pt.fvector(), pt.fvector()).dtype == "float32"
    assert pt.betainc(pt.lvector(), pt.fvector(), pt.dscalar()).dtype == "float64"
    x = pt.fvector("x")
    got = scanjit.function([x], pt.betainc(x, x * 2, x / 4))(np.array([0.5, 3.0], "float32"))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _betainc(None)(np.array([0.5, 3.0]), np.array([1.0, 6.0]),
                                                   np.array([0.125, 0.75])), rtol=1e-7)


# The gradient cases, checked by finite differences in tests/test_grad_audit.py: name -> (function, its points)
A, B = np.array([0.5, 2.0, 30.0, 3.0, 0.8]), np.array([1.5, 0.7, 40.0, 3.0, 5.0])
X = np.array([0.3, 0.9, 0.45, 0.5, 0.02])  # both sides of the swap at (a + 1) / (a + b + 2)
GRADIENTS = {
    "betainc": (lambda a, b, x: pt.betainc(a, b, x), [A, B, X]),
    "betainc_der_a in x": (lambda x: betainc_der_a(A, B, x), [X]),
    "betainc_der_b in x": (lambda x: betainc_der_b(A, B, x), [X]),
    "betaincinv": (lambda a, b, y: pt.betaincinv(a, b, y), [A, B, np.array([0.1, 0.5, 0.9, 0.3, 0.7])]),
}


def test_gradients_in_a_and_b_are_accurate():
    """Against central differences of SciPy's I, extrapolated (Richardson)."""
    special = pytest.importorskip("scipy.special")
    a, b, x = pt.dvector("a"), pt.dvector("b"), pt.dvector("x")
    got = scanjit.function([a, b, x], grad(pt.sum(pt.betainc(a, b, x)), [a, b]))(A, B, X)
    for k, g in enumerate(got):
        h = 1e-4 * (A, B)[k]

        def central(step, k=k):
            shift = [step * (j == k) for j in range(2)]
            return (special.betainc(A + shift[0], B + shift[1], X)
                    - special.betainc(A - shift[0], B - shift[1], X)) / (2 * step)
        np.testing.assert_allclose(g, (4 * central(h / 2) - central(h)) / 3, rtol=1e-8)


def test_second_derivatives_in_a_and_b_are_undefined():
    a, b, x = pt.dscalar("a"), pt.dscalar("b"), pt.dscalar("x")
    da = grad(pt.betainc(a, b, x), a)
    with pytest.raises(NullTypeGradError):
        grad(da, b)


def test_gradients_as_pytensor():
    ptt = pytest.importorskip("pytensor.tensor")
    import pytensor

    def program(m, lib):
        a, b, x = m.dvector("a"), m.dvector("b"), m.dvector("x")
        return [a, b, x], lib.grad(m.sum(m.betainc(a, b, x) * np.linspace(0.5, 1.5, 5)), [a, b, x])
    ours = scanjit.function(*program(pt, scanjit))(A, B, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pytensor.function(*program(ptt, pytensor))(A, B, X)
    for g, t in zip(ours, theirs):
        np.testing.assert_allclose(g, t, rtol=1e-7)


def test_inside_a_scan_step():
    x, h0 = pt.dvector("x"), pt.dscalar("h0")
    h = scanjit.scan(lambda v, h: pt.betainc(v + h, 2 * v + 0.5, h * 0.9),
                     sequences=[x], outputs_info=[h0], return_updates=False)
    xs = RNG.uniform(0.1, 5.0, 40)
    got, reference = (scanjit.function([x, h0], h, mode=mode)(xs, 0.3) for mode in (None, "py"))
    np.testing.assert_allclose(got, reference, rtol=1e-13)
    state = 0.3
    for v, value in zip(xs, got):
        state = _betainc(None)(np.array([v + state]), np.array([2 * v + 0.5]), np.array([state * 0.9]))[0]
        assert value == state
    roots = scanjit.scan(lambda v, h: pt.betaincinv(v, h + 1, h * 0.5 + 0.2),
                         sequences=[x], outputs_info=[h0], return_updates=False)
    found, reference = (scanjit.function([x, h0], roots, mode=mode)(xs, 0.3) for mode in (None, "py"))
    np.testing.assert_allclose(found, reference, rtol=1e-12)
