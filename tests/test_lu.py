"""lu_factor, lu, lu_solve and pivot_to_permutation: LAPACK's dgetrf of
NumPy's OpenBLAS (the reference calls it too), SciPy's outputs and
conventions (0-based int32 pivots, a = P L U), PyTensor's NaNs for a
singular matrix; inside a scan step; gradients by finite differences and
as PyTensor's."""

import warnings

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad

MODES = (None, "py")
rng = np.random.default_rng(2026)


@pytest.mark.parametrize("mode", MODES)
def test_factors_and_their_uses(mode):
    a, b = pt.dmatrix("a"), pt.dmatrix("b")
    factors, pivots = pt.linalg.lu_factor(a)
    p, lower, upper = pt.linalg.lu(a)
    rows, _, _ = pt.linalg.lu(a, p_indices=True)
    permuted, _ = pt.linalg.lu(a, permute_l=True)
    solved = pt.linalg.lu_solve((factors, pivots), b)
    transposed = pt.linalg.lu_solve((factors, pivots), b, trans=True)
    f = pytensor.function([a, b], [factors, pivots, p, lower, upper, rows, permuted, solved, transposed], mode=mode)
    compiled_or_not = pytensor.function([a], [factors, pivots], mode="py" if mode is None else None)
    for n in (0, 1, 2, 5, 31):
        x, y = rng.standard_normal((n, n)), rng.standard_normal((n, 3))
        lu_, piv, p_, l_, u_, r_, pl_, s_, t_ = f(x, y)
        assert lu_.dtype == np.float64 and piv.dtype == np.int32 and r_.dtype == np.int64
        for g, e in zip((lu_, piv), compiled_or_not(x)):
            np.testing.assert_array_equal(g, e)  # one LAPACK, compiled and in mode="py"
        np.testing.assert_array_equal(l_, np.tril(lu_, -1) + np.eye(n))
        np.testing.assert_array_equal(u_, np.triu(lu_))
        np.testing.assert_allclose(p_ @ l_ @ u_, x, atol=1e-12)
        np.testing.assert_array_equal(p_, np.eye(n)[r_])
        np.testing.assert_array_equal(pl_, p_ @ l_)
        np.testing.assert_allclose(s_, np.linalg.solve(x, y), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(t_, np.linalg.solve(x.T, y), rtol=1e-9, atol=1e-12)


def test_scipys_conventions():
    """The same outputs, to rounding: SciPy's wheels bring another OpenBLAS,
    whose dgetrf rounds otherwise on larger matrices."""
    linalg = pytest.importorskip("scipy.linalg")
    a, b = pt.dmatrix("a"), pt.dvector("b")
    x, y = rng.standard_normal((6, 6)), rng.standard_normal(6)
    factors, pivots = pytensor.function([a], pt.linalg.lu_factor(a))(x)
    expected_factors, expected_pivots = linalg.lu_factor(x)
    np.testing.assert_allclose(factors, expected_factors, rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(pivots, expected_pivots)
    for got, e in zip(pytensor.function([a], pt.linalg.lu(a, p_indices=True))(x), linalg.lu(x, p_indices=True)):
        np.testing.assert_allclose(got, e, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(pytensor.function([a, b], pt.linalg.lu_solve(pt.linalg.lu_factor(a), b))(x, y),
                               linalg.lu_solve(linalg.lu_factor(x), y), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_singular_and_invalid(mode):
    a, p = pt.dmatrix("a"), pt.ivector("p")
    factors, _ = pytensor.function([a], pt.linalg.lu_factor(a), mode=mode)(np.ones((3, 3)))
    assert np.isnan(factors).all()
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        pytensor.function([a], pt.linalg.lu_factor(a), mode=mode)(np.ones((2, 3)))
    f = pytensor.function([p], [pt.linalg.pivot_to_permutation(p), pt.linalg.pivot_to_permutation(p, inverse=True)],
                          mode=mode)
    forward, inverse = f(np.array([2, 2, 2], np.int32))
    np.testing.assert_array_equal(inverse, [2, 0, 1])
    np.testing.assert_array_equal(forward, np.argsort(inverse))
    with pytest.raises(IndexError, match="pivot 3 of row 1 is out of range for 3 rows"):
        f(np.array([0, 3, 2], np.int32))


@pytest.mark.parametrize("mode", MODES)
def test_inside_a_scan_step(mode):
    """One factorization, then a solve per step: x_t = A⁻¹ (x_{t-1} + b)."""
    a, b, x0 = pt.dmatrix("a"), pt.dvector("b"), pt.dvector("x0")
    factored = pt.linalg.lu_factor(a)
    xs, _ = pytensor.scan(lambda x: pt.linalg.lu_solve(factored, x + b), outputs_info=[x0], n_steps=4)
    m = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    bv, x = rng.standard_normal(3), rng.standard_normal(3)
    got = pytensor.function([a, b, x0], xs, mode=mode)(m, bv, x)
    for row in got:
        x = np.linalg.solve(m, x + bv)
        np.testing.assert_allclose(row, x, rtol=1e-11)


def test_gradients_by_finite_differences():
    weights = rng.standard_normal((4, 4))
    y = rng.standard_normal(4)

    def through_factors(a):
        factors, _ = pt.linalg.lu_factor(a)
        return (factors * weights).sum()

    def through_lu(a):
        p, lower, upper = pt.linalg.lu(a)
        return (lower * weights).sum() + (upper * upper).sum() + (p * weights).sum()

    def through_solve(a):
        return (pt.linalg.lu_solve(pt.linalg.lu_factor(a), y, trans=True) * y).sum()

    for cost in (through_factors, through_lu, through_solve):
        verify_grad(cost, [rng.standard_normal((4, 4)) + 4 * np.eye(4)], rng=np.random.default_rng(0))


def gradients(library, tensor, x, weights):
    """The gradients of a cost of lu_factor's factors, and of one through lu_solve."""
    a = tensor.dmatrix("a")
    factors, pivots = tensor.linalg.lu_factor(a)
    solved = tensor.linalg.lu_solve((factors, pivots), tensor.as_tensor_variable(weights[0]))
    costs = [(factors * weights).sum(), (solved * weights[1]).sum()]
    return library.function([a], [library.grad(c, a) for c in costs])(x)


def test_gradients_are_pytensors_and_central_differences():
    """Through lu_solve the unit-diagonal triangular solve gives L's
    diagonal, which it does not read, no gradient (it once did)."""
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    x = rng.standard_normal((5, 5)) + 5 * np.eye(5)
    weights = rng.standard_normal((5, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = gradients(pytensor_, ptt, x, weights)
    ours = gradients(pytensor, pt, x, weights)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-10, atol=1e-12)
    h = 1e-6
    numeric = np.zeros_like(x)
    for i, j in np.ndindex(*x.shape):
        step = np.zeros_like(x)
        step[i, j] = h
        numeric[i, j] = (weights[1] @ np.linalg.solve(x + step, weights[0])
                         - weights[1] @ np.linalg.solve(x - step, weights[0])) / (2 * h)
    np.testing.assert_allclose(ours[1], numeric, rtol=1e-6, atol=1e-8)
