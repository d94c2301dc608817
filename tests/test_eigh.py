"""eigh and eigvalsh of symmetric matrices: SciPy's bits (its default
driver "evr", PyTensor's; "evd", NumPy's), compiled and in mode="py",
every size, each triangle; its checks; inside a scan step; the gradient
by finite differences and as PyTensor's."""

import warnings

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad

MODES = (None, "py")
rng = np.random.default_rng(2026)


def symmetric(n):
    a = rng.standard_normal((n, n))
    return a + a.T


def read_triangle(a, lower):
    """The symmetric matrix eigh reads from a's lower (or upper) triangle."""
    t = np.tril(a) if lower else np.triu(a)
    return t + t.T - np.diag(np.diag(a))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("driver", ["evr", "evd"])
@pytest.mark.parametrize("lower", [True, False])
def test_eigenpairs_at_every_size(lower, driver, mode):
    """Of the triangle read; ascending; orthonormal; the bits of NumPy's
    (evd) eigh, and equal compiled and in mode="py"."""
    a = pt.dmatrix("a")
    f = pytensor.function([a], pt.linalg.eigh(a, lower=lower, driver=driver), mode=mode)
    values = pytensor.function([a], pt.linalg.eigvalsh(a, lower=lower), mode=mode)
    reference = pytensor.function([a], pt.linalg.eigh(a, lower=lower, driver=driver), mode="py")
    for n in (0, 1, 2, 5, 33):
        x = rng.standard_normal((n, n))  # not symmetric: one triangle is read
        w, v = f(x)
        s = read_triangle(x, lower)
        np.testing.assert_allclose(s @ v, v * w, atol=1e-12 * max(n, 1))
        np.testing.assert_allclose(v.T @ v, np.eye(n), atol=1e-13 * max(n, 1))
        assert np.all(np.diff(w) >= 0) and w.dtype == v.dtype == np.float64
        np.testing.assert_allclose(values(x), w, rtol=1e-13, atol=1e-13)
        for got, expected in zip((w, v), reference(x)):
            np.testing.assert_array_equal(got, expected)
        if driver == "evd":
            for got, expected in zip((w, v), np.linalg.eigh(x, "L" if lower else "U")):
                np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("mode", MODES)
def test_scipys_bits(mode):
    linalg = pytest.importorskip("scipy.linalg")
    a = pt.dmatrix("a")
    x = symmetric(12)
    for lower in (True, False):
        for driver in ("evr", "evd"):
            got = pytensor.function([a], pt.linalg.eigh(a, lower=lower, driver=driver), mode=mode)(x)
            for g, e in zip(got, linalg.eigh(x, lower=lower, driver=driver)):
                np.testing.assert_array_equal(g, e)
        np.testing.assert_array_equal(pytensor.function([a], pt.linalg.eigvalsh(a, lower=lower), mode=mode)(x),
                                      linalg.eigvalsh(x, lower=lower))


@pytest.mark.parametrize("mode", MODES)
def test_invalid_matrices_raise(mode):
    a = pt.dmatrix("a")
    f = pytensor.function([a], pt.linalg.eigh(a), mode=mode)
    bad = symmetric(3)
    bad[0, 2] = np.nan  # in the upper triangle, which the lower eigh does not read: SciPy checks all
    with pytest.raises(ValueError, match="must not contain infs or NaNs"):
        f(bad)
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        f(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Invalid driver"):
        pt.linalg.eigh(a, driver="ev")
    with pytest.raises(NotImplementedError, match="generalized"):
        pt.linalg.eigh(a, a)
    with pytest.warns(DeprecationWarning, match="UPLO"):
        pt.linalg.eigh(a, UPLO="U")


def test_float32_and_static_shapes():
    w, v = pt.linalg.eigh(pt.tensor("a", dtype="float32", shape=(None, 4)))
    assert (w.dtype, w.type.shape, v.type.shape) == ("float32", (4,), (4, 4))
    x = symmetric(4).astype("float32")
    a = pt.tensor("a", dtype="float32", shape=(None, 4))
    got = pytensor.function([a], pt.linalg.eigvalsh(a))(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.linalg.eigvalsh(x.astype("float64")), rtol=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_inside_a_scan_step(mode):
    """The largest eigenvalue of each matrix of a sequence, and a power of a
    symmetric matrix through its eigenvectors."""
    xs, s = pt.dtensor3("xs"), pt.dmatrix("s")

    def step(x, p):
        w, v = pt.linalg.eigh(x)
        return w[-1], pt.dot(pt.dot(v, pt.diag(w)), v.T) @ p

    (largest, products), _ = pytensor.scan(step, sequences=[xs], outputs_info=[None, s])
    values = np.stack([symmetric(3) for _ in range(4)])
    got_largest, got_products = pytensor.function([xs, s], [largest, products], mode=mode)(values, np.eye(3))
    np.testing.assert_allclose(got_largest, [np.linalg.eigvalsh(x)[-1] for x in values], rtol=1e-12)
    expected = np.eye(3)
    for k, x in enumerate(values):
        expected = x @ expected
        np.testing.assert_allclose(got_products[k], expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("lower", [True, False])
def test_gradients_by_finite_differences(lower):
    """Of the eigenvalues and of sign-free functions of the eigenvectors
    (their squares), wrt the triangle read (the other gets zeros)."""
    weights = rng.standard_normal((4, 4))

    def cost(a):
        w, v = pt.linalg.eigh(a, lower=lower)
        return (w * np.arange(1.0, 5.0)).sum() + (v * v * weights).sum() + pt.linalg.eigvalsh(a, lower=lower).sum()

    verify_grad(cost, [symmetric(4)], rng=np.random.default_rng(0))
    a = pt.dmatrix("a")
    g = pytensor.function([a], pytensor.grad(cost(a), a))(symmetric(4))
    assert not (np.triu(g, 1) if lower else np.tril(g, -1)).any()


def test_gradient_is_pytensors():
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    x = symmetric(5)
    weights = rng.standard_normal((5, 5))

    def gradient(library, tensor):
        a = tensor.dmatrix("a")
        w, v = tensor.linalg.eigh(a, lower=False)
        cost = (w * w).sum() + (v * v * weights).sum()
        return library.function([a], [w, v, library.grad(cost, a)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = gradient(pytensor_, ptt)(x)
    for got, e in zip(gradient(pytensor, pt)(x), expected):
        np.testing.assert_allclose(got, e, rtol=1e-12, atol=1e-12)
