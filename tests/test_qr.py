"""qr: the bits of NumPy's qr (LAPACK's dgeqrf and dorgqr; SciPy's and
PyTensor's modes), compiled and in mode="py", every shape; inside a scan
step; the gradient by finite differences and as PyTensor's."""

import importlib
import warnings

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad

MODES = (None, "py")
SHAPES = [(0, 0), (0, 3), (3, 0), (1, 1), (4, 4), (3, 5), (6, 2), (33, 20)]
rng = np.random.default_rng(2026)


def numpy_qr(x, mode):
    """SciPy's modes from NumPy's qr: "r" is R of the complete factorization (m×n)."""
    q, r = np.linalg.qr(x, "reduced" if mode == "economic" else "complete")
    return [r] if mode == "r" else [q, r]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("qr_mode", ["full", "economic", "r", "complete", "reduced"])
def test_numpys_bits_at_every_shape(qr_mode, mode):
    a = pt.dmatrix("a")
    f = pytensor.function([a], pt.linalg.qr(a, mode=qr_mode), mode=mode)
    for shape in SHAPES:
        x = rng.standard_normal(shape)
        got = f(x)
        got = [got] if qr_mode == "r" else got
        expected = numpy_qr(x, {"complete": "full", "reduced": "economic"}.get(qr_mode, qr_mode))
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e, strict=True)


def test_scipys_bits():
    linalg = pytest.importorskip("scipy.linalg")
    a = pt.dmatrix("a")
    x = rng.standard_normal((7, 4))
    for mode in ("full", "economic", "r"):
        got = pytensor.function([a], pt.linalg.qr(a, mode=mode))(x)
        for g, e in zip([got] if mode == "r" else got, linalg.qr(x, mode=mode)):
            np.testing.assert_array_equal(g, e)


def test_static_shapes_dtypes_and_unsupported_modes():
    q, r = pt.linalg.qr(pt.tensor("a", dtype="float32", shape=(5, 3)), mode="economic")
    assert (q.type.shape, r.type.shape, q.dtype) == ((5, 3), (3, 3), "float32")
    q, r = pt.linalg.qr(pt.tensor("a", dtype="int64", shape=(None, 3)))
    assert (q.type.shape, r.type.shape, r.dtype) == ((None, None), (None, 3), "float64")
    a = pt.dmatrix("a")
    with pytest.raises(NotImplementedError, match="raw"):
        pt.linalg.qr(a, mode="raw")
    with pytest.raises(NotImplementedError, match="pivoting"):
        pt.linalg.qr(a, pivoting=True)


@pytest.mark.parametrize("mode", MODES)
def test_inside_a_scan_step(mode):
    """Gram-Schmidt's job on each matrix of a sequence: Q R rebuilds it."""
    xs = pt.dtensor3("xs")
    (qs, rs), _ = pytensor.scan(lambda x: pt.linalg.qr(x, mode="economic"), sequences=[xs])
    values = rng.standard_normal((3, 5, 2))
    got_q, got_r = pytensor.function([xs], [qs, rs], mode=mode)(values)
    np.testing.assert_allclose(np.einsum("tij,tjk->tik", got_q, got_r), values, atol=1e-13)
    for x, q, r in zip(values, got_q, got_r):
        for g, e in zip((q, r), np.linalg.qr(x)):
            np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("shape, qr_mode", [((4, 3), "economic"), ((3, 3), "full"), ((3, 5), "economic"),
                                             ((2, 4), "full"), ((4, 2), "r"), ((3, 4), "r")])
def test_gradients_by_finite_differences(shape, qr_mode):
    def cost(a):
        out = pt.linalg.qr(a, mode=qr_mode)
        if qr_mode == "r":
            return (out * out * np.arange(out.type.shape[1] or shape[1])).sum()
        q, r = out
        return (q * q * np.arange(1.0, 1.0 + shape[0])[:, None]).sum() + (r * r).sum() + r[0, 0]

    verify_grad(cost, [rng.standard_normal(shape)], rng=np.random.default_rng(0))


def test_gradient_is_pytensors():
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    x = rng.standard_normal((5, 3))

    def gradient(library, tensor):
        # static lengths: PyTensor's gradient of unknown ones raises TypeError (docs/reliability.md)
        a = tensor.tensor("a", dtype="float64", shape=(5, 3))
        # PyTensor's `pt.linalg.qr` becomes its module linalg/qr.py once that is imported: its function
        qr = tensor.linalg.qr if tensor is pt else importlib.import_module("pytensor.tensor.linalg.decomposition.qr").qr
        q, r = qr(a, mode="economic")
        return library.function([a], [q, r, library.grad((q * q).sum() + (r ** 3).sum(), a)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = gradient(pytensor_, ptt)(x)
    for got, e in zip(gradient(pytensor, pt)(x), expected):
        np.testing.assert_allclose(got, e, rtol=1e-12, atol=1e-12)
