"""svd and pinv: NumPy's bits (LAPACK's dgesdd as np.linalg.svd calls it),
compiled and in mode="py", every shape (empty ones too), each form; pinv
within rounding of NumPy's (its products are scanjit's); the matrix norms
of singular values; inside a scan step; gradients by finite differences
and as PyTensor's."""

import warnings

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad

MODES = (None, "py")
SHAPES = [(0, 0), (0, 3), (3, 0), (1, 1), (4, 4), (3, 5), (6, 2), (33, 20)]
rng = np.random.default_rng(2026)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("full_matrices", [True, False])
def test_numpys_bits_at_every_shape(full_matrices, mode):
    a = pt.dmatrix("a")
    f = pytensor.function([a], [*pt.linalg.svd(a, full_matrices=full_matrices), pt.linalg.svd(a, compute_uv=False)],
                          mode=mode)
    for shape in SHAPES:
        x = rng.standard_normal(shape)
        *got, values = f(x)
        for g, e in zip(got, np.linalg.svd(x, full_matrices)):
            np.testing.assert_array_equal(g, e, strict=True)
        np.testing.assert_array_equal(values, np.linalg.svd(x, compute_uv=False), strict=True)


@pytest.mark.parametrize("mode", MODES)
def test_pinv(mode):
    """NumPy's cutoff (1e-15 of the largest singular value) drops a rank's worth."""
    a = pt.dmatrix("a")
    f = pytensor.function([a], pt.linalg.pinv(a), mode=mode)
    low_rank = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 4))
    for x in [rng.standard_normal(s) for s in SHAPES] + [low_rank]:
        got = f(x)
        assert got.shape == x.shape[::-1] and got.dtype == np.float64
        np.testing.assert_allclose(got, np.linalg.pinv(x), rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(x @ got @ x, x, atol=1e-12)
    with pytest.raises(NotImplementedError, match="hermitian"):
        pt.linalg.pinv(a, hermitian=True)


@pytest.mark.parametrize("mode", MODES)
def test_nan_does_not_converge(mode):
    a = pt.dmatrix("a")
    x = np.ones((3, 3))
    x[1, 2] = np.nan
    with pytest.raises(np.linalg.LinAlgError, match="SVD did not converge"):
        pytensor.function([a], pt.linalg.svd(a), mode=mode)(x)


def test_static_shapes_and_dtypes():
    u, s, vt = pt.linalg.svd(pt.tensor("a", dtype="int8", shape=(3, 5)), full_matrices=False)
    assert (u.type.shape, s.type.shape, vt.type.shape, s.dtype) == ((3, 3), (3,), (3, 5), "float32")
    u, s, vt = pt.linalg.svd(pt.tensor("a", dtype="float64", shape=(None, 2)))
    assert (u.type.shape, s.type.shape, vt.type.shape) == ((None, None), (None,), (2, 2))
    assert pt.linalg.pinv(pt.tensor("a", dtype="int64", shape=(2, 7))).type.shape == (7, 2)


@pytest.mark.parametrize("mode", MODES)
def test_matrix_norms_of_singular_values(mode):
    a = pt.dmatrix("a")
    orders = [2, -2, "nuc"]
    f = pytensor.function([a], [pt.linalg.norm(a, o) for o in orders], mode=mode)
    x = rng.standard_normal((4, 6))
    for got, o in zip(f(x), orders):
        np.testing.assert_allclose(got, np.linalg.norm(x, o), rtol=1e-13)


@pytest.mark.parametrize("mode", MODES)
def test_inside_a_scan_step(mode):
    """Least squares through the pseudo-inverse, and the spectral norm, of each matrix of a sequence."""
    xs, b = pt.dtensor3("xs"), pt.dvector("b")

    def step(x):
        return pt.dot(pt.linalg.pinv(x), b), pt.linalg.svd(x, compute_uv=False)[0]

    (solutions, norms), _ = pytensor.scan(step, sequences=[xs])
    values = rng.standard_normal((3, 5, 2))
    bv = rng.standard_normal(5)
    got_solutions, got_norms = pytensor.function([xs, b], [solutions, norms], mode=mode)(values, bv)
    np.testing.assert_allclose(got_solutions, [np.linalg.lstsq(x, bv, rcond=None)[0] for x in values], rtol=1e-10)
    np.testing.assert_allclose(got_norms, [np.linalg.norm(x, 2) for x in values], rtol=1e-13)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2)])
def test_gradients_by_finite_differences(shape):
    weights = [rng.standard_normal(s) for s in ((shape[0], min(shape)), (min(shape), shape[1]))]

    def thin(a):
        u, s, vt = pt.linalg.svd(a, full_matrices=False)
        return (s * s).sum() + (u * u * weights[0]).sum() + (vt * vt * weights[1]).sum()

    def values_only(a):  # of every form (PyTensor's raises for full_matrices=True)
        return pt.linalg.svd(a, compute_uv=False).sum() + pt.linalg.svd(a, full_matrices=False)[1].max() \
            + (pt.linalg.svd(a)[1] ** 2).sum()

    for cost in (thin, values_only, lambda a: (pt.linalg.pinv(a) * weights[1].T[:shape[1], :1]).sum()):
        verify_grad(cost, [rng.standard_normal(shape)], rng=np.random.default_rng(0))
    with pytest.raises(NotImplementedError, match="full_matrices=True"):
        a = pt.dmatrix("a")
        pytensor.grad(pt.linalg.svd(a)[0].sum(), a)


def test_values_and_gradients_are_pytensors():
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    x = rng.standard_normal((4, 3))
    weights = rng.standard_normal((4, 3))

    def program(library, tensor):
        a = tensor.dmatrix("a")
        u, s, vt = tensor.linalg.svd(a, full_matrices=False)
        cost = (s * s).sum() + (u * u * weights).sum() + (tensor.linalg.pinv(a) * weights.T).sum()
        return library.function([a], [u, s, vt, tensor.linalg.pinv(a), library.grad(cost, a)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = program(pytensor_, ptt)(x)
    for got, e in zip(program(pytensor, pt)(x), expected):
        np.testing.assert_allclose(got, e, rtol=1e-11, atol=1e-12)
