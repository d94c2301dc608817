"""polygamma(n, x) (src/scanjit/tensor/elemwise.py, the `sj.polygamma`
expansion of passes/math_polynomial_approximation.py) against SciPy and
PyTensor: values over a range of x and orders 0 to 5, special values,
dtypes and broadcasting, inside a scan step; gradients: polygamma's,
tri_gamma's (polygamma(2, x)) and psi's second derivative."""

import math
import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import NullTypeGradError, grad, verify_grad

sp = pytest.importorskip("scipy.special")
try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

MODES = pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
RNG = np.random.default_rng(7)
ORDERS = np.arange(6)
X = np.concatenate([np.exp(RNG.uniform(-12, 0, 200)),  # small
                    RNG.uniform(0, 40, 400), np.exp(RNG.uniform(3, 40, 200)),  # moderate, large
                    -RNG.uniform(0, 30, 400)])  # negative non-integers
NEAR_POLES = (np.arange(-6, 1)[:, None] + np.array([1e-9, 1e-4, -1e-4, -1e-9])).ravel()
SPECIAL = np.array([0.0, -0.0, -1.0, -7.0, np.inf, -np.inf, np.nan, 1e-300, 1e300, -2.0**52, 2.0**60])


def scipy_polygamma(n, x):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return sp.polygamma(n, x)


def polygamma_function(mode, dtype="float64"):
    n, x = pt.lvector("n"), pt.vector("x", dtype=dtype)
    return scanjit.function([n, x], pt.polygamma(n, x), mode=mode)


def grid(xs):
    """Every order 0 ... 5 with every x, as two vectors."""
    return np.repeat(ORDERS, len(xs)), np.tile(xs, len(ORDERS))


@MODES
@pytest.mark.parametrize("xs", [X, NEAR_POLES], ids=["range", "near-poles"])
def test_values_as_scipy(mode, xs):
    n, x = grid(xs)
    got = polygamma_function(mode)(n, x)
    expected = scipy_polygamma(n, x)
    digamma = n == 0  # psi's (tested in test_math_approximation.py; SciPy's is 1e-7 off near the poles)
    v = pt.dvector("v")
    np.testing.assert_array_equal(got[digamma], scanjit.function([v], pt.psi(v), mode=mode)(x[digamma]))
    scale = np.abs(expected)
    negative = x < 0
    f = x - np.floor(x)
    scale[negative] = np.array([math.factorial(k) for k in n[negative]]) * (
        sp.zeta(n[negative] + 1.0, f[negative]) + sp.zeta(n[negative] + 1.0, 1 - f[negative]))
    error = np.abs(got - expected)[~digamma] / scale[~digamma]
    assert error.max() < 8 * np.finfo(np.float64).eps, (n[~digamma][error.argmax()], x[~digamma][error.argmax()])


@MODES
def test_special_values_as_scipy(mode):
    """Poles (+-inf by the order's parity), +-0 at inf, NaN for NaN and for
    n < 0, n! past the largest double (inf; times 0 at inf, NaN)."""
    n, x = grid(SPECIAL)
    n = np.concatenate([n, [-1, -3, -1, 170, 171, 200, 171, 1000]])
    x = np.concatenate([x, [1.5, 0.0, np.nan, 0.5, np.inf, 2.0, 0.5, 900.5]])
    got = polygamma_function(mode)(n, x)
    expected = scipy_polygamma(n, x)
    exact = ~np.isfinite(expected) | (expected == 0)
    np.testing.assert_array_equal(got[exact], expected[exact])
    signed = exact & ~np.isnan(expected)
    assert (np.signbit(got[signed]) == np.signbit(expected[signed])).all()
    np.testing.assert_allclose(got[~exact], expected[~exact], rtol=1e-13)


@MODES
def test_float32_rounds_the_float64_result(mode):
    n, x = grid(np.concatenate([X, NEAR_POLES]).astype(np.float32))
    got = polygamma_function(mode, "float32")(n, x)
    assert got.dtype == np.float32
    wide = polygamma_function(mode)(n, x.astype(np.float64))
    np.testing.assert_array_equal(got, wide.astype(np.float32))


def test_dtypes_as_pytensor():
    """The result is x's float (integers upgraded); the order must be an
    integer or a bool (TypeError otherwise)."""
    for n_dtype, x_dtype, expected in [("int64", "float64", "float64"), ("int8", "float32", "float32"),
                                       ("int32", "int8", "float32"), ("int16", "int32", "float64"),
                                       ("bool", "float64", "float64"), ("int64", "int64", "float64")]:
        out = pt.polygamma(pt.scalar(dtype=n_dtype), pt.scalar(dtype=x_dtype))
        assert out.dtype == expected
        if ptt is not None:
            assert ptt.polygamma(ptt.scalar(dtype=n_dtype), ptt.scalar(dtype=x_dtype)).dtype == expected
    for n_dtype in ("float64", "float32"):
        with pytest.raises(TypeError, match="polygamma"):
            pt.polygamma(pt.scalar(dtype=n_dtype), pt.dscalar())


@MODES
def test_integer_x_and_broadcasting(mode):
    n, x = pt.bcol("n"), pt.ivector("x")
    f = scanjit.function([n, x], pt.polygamma(n, x), mode=mode)
    ns, xs = np.array([[0], [1], [4]], np.int8), np.array([1, 3, -2, 7], np.int32)
    got = f(ns, xs)
    assert got.shape == (3, 4) and got.dtype == np.float64
    np.testing.assert_allclose(got, scipy_polygamma(ns, xs), rtol=1e-14)
    m = pt.lvector("m")
    with pytest.raises(ValueError):  # lengths 2 and 4 do not broadcast
        scanjit.function([m, x], pt.polygamma(m, x), mode=mode)(np.array([1, 2]), xs)


@MODES
def test_inside_a_scan_step(mode):
    """Each step's order and point from sequences, one compiled function for
    every length."""
    ns, xs = pt.lvector("n"), pt.dvector("x")
    out = scanjit.scan(lambda n, x, acc: acc + pt.polygamma(n, x), sequences=[ns, xs],
                       outputs_info=[pt.constant(0.0, dtype="float64")], return_updates=False)
    f = scanjit.function([ns, xs], out, mode=mode)
    for length in (1, 7, 30):
        n, x = RNG.integers(0, 6, length), RNG.uniform(-5, 5, length)
        np.testing.assert_allclose(f(n, x), np.cumsum(scipy_polygamma(n, x)), rtol=1e-10)


@needs_pytensor
@MODES
def test_as_pytensor(mode):
    n, x = grid(np.concatenate([X[::10], NEAR_POLES, SPECIAL]))
    ref_n, ref_x = ptt.lvector("n"), ptt.dvector("x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = pytensor.function([ref_n, ref_x], ptt.polygamma(ref_n, ref_x))(n, x)
    got = polygamma_function(mode)(n, x)
    exact = ~np.isfinite(expected)
    np.testing.assert_array_equal(got[exact], expected[exact])
    close = np.isclose(got, expected, rtol=1e-12, atol=0) | exact
    assert close[x > 0].all()  # below 0, as test_values_as_scipy: relative to the cancelled terms


def test_gradients():
    """polygamma's is polygamma(n + 1, x) (n's is undefined: test_order_gradient_is_null);
    tri_gamma's is polygamma(2, x); psi's second derivative works."""
    x = np.array([0.7, 1.5, 4.0, -1.6])
    verify_grad(lambda v: pt.polygamma(3, v), [x], rng=np.random.default_rng(0))
    verify_grad(lambda v: pt.tri_gamma(v), [x], rng=np.random.default_rng(1))
    verify_grad(lambda v: pt.polygamma(np.array([0, 1, 2, 5]), v), [x], rng=np.random.default_rng(2), mode="py")
    v, n = pt.dvector("v"), pt.lvector("n")
    second = grad(pt.sum(grad(pt.sum(pt.psi(v)), v)), v)
    np.testing.assert_allclose(scanjit.function([v], second)(x), scipy_polygamma(2, x), rtol=1e-13)
    third = grad(pt.sum(pt.polygamma(n, v)), v)
    np.testing.assert_allclose(scanjit.function([n, v], third)([0, 1, 2, 4], x), scipy_polygamma([1, 2, 3, 5], x),
                               rtol=1e-13)


@pytest.mark.parametrize("lib", ["scanjit", "pytensor"])
def test_order_gradient_is_null(lib):
    """The integer order's gradient is undefined (PyTensor's NullType), also
    with disconnected_inputs="ignore"; x's beside it is still fine."""
    if lib == "pytensor" and pytensor is None:
        pytest.skip("PyTensor is not installed")
    lib, m, error = (scanjit, pt, NullTypeGradError) if lib == "scanjit" else \
        (pytensor, ptt, pytensor.gradient.NullTypeGradError)
    v, n = m.dvector("v"), m.lvector("n")
    cost = m.sum(m.polygamma(n, v))
    with pytest.raises(error, match="input 0 .* polygamma op is undefined"):
        lib.grad(cost, n)
    with pytest.raises(error, match="input 0 .* polygamma op is undefined"):
        lib.grad(cost, [v, n], disconnected_inputs="ignore")
    with pytest.raises(error):
        lib.grad(m.sum(m.polygamma(m.cast(n * 2, "int32"), v)), n)
    assert lib.grad(cost, v) is not None
