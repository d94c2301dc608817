"""sort, argsort and median against NumPy's stable sort, and searchsorted
against NumPy's: every dtype, every axis, ties, NaNs, empty axes; compiled,
by the reference interpreter and inside a scan step; gradients; PyTensor's
errors and results."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad

MODES = [None, "py"]
DTYPES = ["float64", "float32", "int64", "int32", "int16", "int8", "bool"]
rs = np.random.default_rng(20261207)


def values(dtype, shape):
    """Many ties (a few distinct values); NaNs and signed zeros in floats."""
    if dtype == "bool":
        return rs.integers(0, 2, size=shape).astype(bool)
    x = rs.integers(-3, 4, size=shape).astype(dtype)
    if dtype.startswith("float"):
        x[x == 3] = np.nan
        x[x == 0] = np.where(rs.random(np.count_nonzero(x == 0)) < 0.5, -0.0, 0.0)
    return x


def same(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    if got.dtype.kind == "f":  # zeros keep their sign and place: the sort is stable
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sort_and_argsort_along_each_axis(dtype, mode):
    x = pt.tensor("x", dtype=dtype, shape=(None, None, None))
    axes = [-1, 0, 1, None]
    f = pytensor.function([x], [g(x, axis=a) for a in axes for g in (pt.sort, pt.argsort)], mode=mode)
    for shape in [(2, 3, 40), (3, 1, 5), (2, 0, 3), (1, 1, 1)]:  # one function for every shape
        data = values(dtype, shape)
        got = iter(f(data))
        for a in axes:
            same(next(got), np.sort(data, axis=a, kind="stable"))
            same(next(got), np.argsort(data, axis=a, kind="stable"))


@pytest.mark.parametrize("mode", MODES)
def test_long_rows_and_sorted_or_reversed_input(mode):
    v = pt.dvector("v")
    f = pytensor.function([v], [pt.sort(v), pt.argsort(v)], mode=mode)
    for data in [rs.normal(size=10_001), np.arange(1000.0), np.arange(1000.0)[::-1], np.zeros(257)]:
        got = f(data)
        same(got[0], np.sort(data, kind="stable"))
        same(got[1], np.argsort(data, kind="stable"))


@pytest.mark.parametrize("mode", MODES)
def test_methods_and_kinds(mode):
    x = pt.dmatrix("x")
    outs = [x.sort(), x.argsort(axis=0), pt.sort(x, kind="mergesort"), pt.argsort(x, stable=True),
            pt.sort(x, axis=np.int64(0), kind="heapsort"), pt.sort(x, pt.constant(1))]
    data = values("float64", (4, 6))
    got = pytensor.function([x], outs, mode=mode)(data)
    stable = {"kind": "stable"}
    for g, w in zip(got, [np.sort(data, **stable), np.argsort(data, 0, **stable), np.sort(data, **stable),
                          np.argsort(data, **stable), np.sort(data, 0, **stable), np.sort(data, 1, **stable)]):
        same(g, w)


def test_inside_a_step():
    xs = pt.dtensor3("xs")
    outs = pytensor.scan(lambda x: [pt.sort(x, axis=0), pt.argsort(x), pt.median(x, axis=1), pt.median(x)],
                         sequences=[xs], return_updates=False)
    f = pytensor.function([xs], outs)
    for shape in [(3, 4, 5), (2, 1, 6)]:
        data = values("float64", shape)
        got = f(data)
        same(got[0], np.sort(data, axis=1, kind="stable"))
        same(got[1], np.argsort(data, axis=2, kind="stable"))
        np.testing.assert_array_equal(got[2], np.median(data, axis=2))
        np.testing.assert_array_equal(got[3], np.median(data, axis=(1, 2)))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8"])
def test_median(dtype, mode):
    x = pt.tensor("x", dtype=dtype, shape=(None, None))
    axes = [None, 0, 1, -1, (0, 1)]
    f = pytensor.function([x], [pt.median(x, axis=a) for a in axes], mode=mode)
    for shape in [(4, 5), (3, 6), (1, 1)]:
        data = values(dtype, shape)
        for got, a in zip(f(data), axes):
            want = np.median(data, axis=a)
            assert got.dtype == {"int8": "float32", "int64": "float64"}.get(dtype, dtype)  # PyTensor's
            np.testing.assert_array_equal(got, want.astype(got.dtype))  # NaN where a NaN is, as NumPy


def test_gradients():
    a = rs.normal(size=(3, 5))
    for fun in [lambda x: pt.sort(x), lambda x: pt.sort(x, axis=0) * np.arange(5.0), lambda x: pt.sort(x, axis=None),
                lambda x: pt.median(x, axis=1), lambda x: pt.median(x[:, :4], axis=1), lambda x: pt.median(x)]:
        verify_grad(fun, [a], rng=np.random.default_rng(5))
    x = pt.dmatrix("x")
    zero = pytensor.function([x], pytensor.grad(pt.argsort(x).sum().astype("float64") + x.sum(), x))(a)
    np.testing.assert_array_equal(zero, np.ones_like(a))  # argsort's own gradient is zeros, as PyTensor's


def test_forward_mode_of_sort():
    x, t = pt.dvector("x"), pt.dvector("t")
    out = pt.sort(x)
    tangent = pytensor.function([x, t], pytensor.gradient.pushforward(out, x, t))
    data, direction = rs.normal(size=7), rs.normal(size=7)
    np.testing.assert_array_equal(tangent(data, direction), direction[np.argsort(data, kind="stable")])


@pytest.mark.parametrize("build, error, match", [
    (lambda x: pt.sort(x, kind="bubble"), ValueError, "kind must be one of"),
    (lambda x: pt.sort(x, kind="stable", stable=True), ValueError, "kind and stable cannot be set"),
    (lambda x: pt.argsort(x, order=["a"]), ValueError, "order argument is not applicable"),
    (lambda x: pt.sort(x, axis=2), np.exceptions.AxisError, "out of bounds"),
    (lambda x: pt.sort(x, axis=1.5), ValueError, "integer dtype"),
    (lambda x: pt.sort(x, axis=pt.lscalar("a")), NotImplementedError, "an axis given as an int"),
    (lambda x: pt.median(x, axis=3), np.exceptions.AxisError, "out of bounds"),
])
def test_errors_when_building(build, error, match):
    with pytest.raises(error, match=match):
        build(pt.dmatrix("x"))


@pytest.mark.parametrize("mode", MODES)
def test_median_of_an_empty_axis_raises_index_error(mode):
    x = pt.dmatrix("x")
    f = pytensor.function([x], pt.median(x, axis=1), mode=mode)
    with pytest.raises(IndexError):
        f(np.zeros((2, 0)))


def test_against_pytensor():
    ptt = pytest.importorskip("pytensor.tensor")
    import pytensor as theirs

    data = rs.normal(size=(4, 7))  # distinct values: argsort agrees whatever the kind
    for build in [lambda lib, x: lib.sort(x), lambda lib, x: lib.argsort(x, axis=0), lambda lib, x: lib.sort(x, None),
                  lambda lib, x: lib.median(x, axis=1), lambda lib, x: lib.median(x),
                  lambda lib, x: lib.median(x[:, :6], axis=(0, 1))]:
        x, y = pt.dmatrix(), ptt.dmatrix()
        ours, reference = build(pt, x), build(ptt, y)
        assert (ours.dtype, ours.type.shape) == (reference.dtype, reference.type.shape)
        np.testing.assert_array_equal(pytensor.function([x], ours)(data), theirs.function([y], reference)(data))
        g_ours = pytensor.function([x], pytensor.grad((build(pt, x) ** 2).sum(), x))(data)
        if ours.dtype != "int64":
            g_theirs = theirs.function([y], theirs.grad((build(ptt, y) ** 2).sum(), y))(data)
            np.testing.assert_allclose(g_ours, g_theirs, rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_searchsorted(dtype, mode):
    x = pt.tensor("x", dtype=dtype, shape=(None,))
    v = pt.tensor("v", dtype=dtype, shape=(None, None))
    order = pt.lvector("order")
    f = pytensor.function([x, v, order], [pt.searchsorted(x, v), pt.searchsorted(x, v, side="right"),
                                          pt.searchsorted(x, v[0, 0]), pt.searchsorted(x[::-1], v, sorter=order)],
                          mode=mode)
    for n in (0, 1, 7, 300):
        data, keys = np.sort(values(dtype, n), kind="stable"), values(dtype, (3, 5))
        got = f(data, keys, np.arange(n)[::-1].copy())
        same(got[0], np.searchsorted(data, keys))
        same(got[1], np.searchsorted(data, keys, side="right"))
        same(got[2], np.asarray(np.searchsorted(data, keys[0, 0])))
        same(got[3], np.searchsorted(data[::-1], keys, sorter=np.arange(n)[::-1]))


def test_searchsorted_mixed_dtypes_inside_a_step_and_gradient():
    edges, xs = pt.dvector("edges"), pt.lmatrix("xs")
    counts = pytensor.scan(lambda x: pt.searchsorted(edges, x, side="right"), sequences=[xs], return_updates=False)
    data, keys = np.array([-1.5, 0.0, 0.5, 2.0]), np.array([[-2, 0, 3], [1, 2, 0]])
    got = pytensor.function([edges, xs], counts)(data, keys)
    same(got, np.searchsorted(data, keys, side="right"))
    v = pt.dvector("v")
    cost = pt.searchsorted(edges, v).sum().astype("float64") * v.sum()
    grads = pytensor.function([edges, v], pytensor.grad(cost, [edges, v]))(data, np.array([0.3, 1.0]))
    np.testing.assert_array_equal(grads[0], np.zeros(4))  # an integer output: zeros, as PyTensor's
    np.testing.assert_array_equal(grads[1], np.full(2, 5.0))


def test_searchsorted_errors():
    with pytest.raises(ValueError, match="invalid value for keyword 'side'"):
        pt.searchsorted(pt.dvector(), pt.dvector(), side="middle")
    with pytest.raises(ValueError, match="x must be a vector"):
        pt.searchsorted(pt.dmatrix(), pt.dvector())


def test_searchsorted_against_pytensor():
    ptt = pytest.importorskip("pytensor.tensor")
    import pytensor as theirs

    data, keys = np.array([0.0, 1.0, 1.0, 3.0]), np.array([[1.0, -1.0], [2.5, 7.0]])
    for side in ("left", "right"):
        x, v, y, w = pt.dvector(), pt.dmatrix(), ptt.dvector(), ptt.dmatrix()
        ours, reference = pt.searchsorted(x, v, side), ptt.searchsorted(y, w, side)
        assert (ours.dtype, ours.type.shape) == (reference.dtype, reference.type.shape)
        same(pytensor.function([x, v], ours)(data, keys), theirs.function([y, w], reference)(data, keys))
