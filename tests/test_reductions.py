"""Reductions and scans-as-ops: sum, prod, mean, var, std, max, min, argmax,
argmin, any, all (axis an int, a tuple or None; keepdims; as functions and
methods), logsumexp, softmax and log_softmax, cumsum and cumprod. Values
against NumPy and SciPy (when installed), dtypes against PyTensor (when
installed), compiled, in mode="py" and in scan steps."""

from functools import cache

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

MODES = (None, "py")
AXES = (None, 0, -1, (0, 2), (2, 1, 0), ())


def random(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("int"):
        return rng.integers(-4, 5, shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def check(result, expected, dtype, rtol=1e-12):
    result = np.asarray(result)
    assert result.dtype == np.dtype(dtype)
    assert result.shape == np.shape(expected)
    if result.dtype.kind == "f":
        np.testing.assert_allclose(result, expected, rtol=max(rtol, 1e-6 if dtype == "float32" else 0),
                                   atol=1e-12, equal_nan=True)
    else:
        np.testing.assert_array_equal(result, expected)


def tensor3(dtype):
    return pt.tensor("x", dtype=dtype, shape=(None, None, None))


# name: (method call, NumPy reference, result dtype for an input dtype)
def _sum_dtype(dtype):
    return dtype if dtype.startswith("float") else "int64"


def _mean_dtype(dtype):
    return dtype if dtype.startswith("float") else "float64"


REDUCTIONS = {
    "sum": (np.sum, _sum_dtype), "prod": (np.prod, _sum_dtype), "max": (np.max, lambda d: d),
    "min": (np.min, lambda d: d), "mean": (np.mean, _mean_dtype), "var": (np.var, _mean_dtype),
    "std": (np.std, _mean_dtype), "any": (np.any, lambda d: "bool"), "all": (np.all, lambda d: "bool"),
}


@cache
def reductions_fn(dtype, keepdims, mode):
    x = tensor3(dtype)
    names = [n for n in REDUCTIONS if not (n in ("var", "std") and dtype == "bool")]
    outputs = [getattr(x, name)(axis=axis, keepdims=keepdims) for axis in AXES for name in names]
    return names, pytensor.function([x], outputs, mode=mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "int8", "bool"])
def test_reductions_with_axes_and_keepdims(dtype, keepdims, mode):
    names, f = reductions_fn(dtype, keepdims, mode)
    x = random(dtype, (2, 3, 4))
    results = iter(f(x))
    for axis in AXES:
        for name in names:
            reference, result_dtype = REDUCTIONS[name]
            wide = x.astype(np.float64) if name in ("var", "std") else x
            expected = reference(wide, axis=axis, keepdims=keepdims)
            if name in ("sum", "prod"):
                expected = expected.astype(result_dtype(dtype))
            check(next(results), expected, result_dtype(dtype))


def test_dtypes_as_pytensor():
    ref = pytest.importorskip("pytensor.tensor")
    for dtype in ("bool", "int8", "int16", "int32", "int64", "float32", "float64"):
        for name in ("sum", "prod", "mean", "max", "min", "argmax", "argmin", "any", "all", "logsumexp", "cumsum",
                     "cumprod"):
            assert getattr(pt, name)(pt.vector(dtype=dtype)).dtype == getattr(ref, name)(ref.vector(dtype=dtype)).dtype
        if dtype != "bool":
            for name in ("var", "std"):
                for ddof in (0, 1):
                    want = getattr(ref, name)(ref.vector(dtype=dtype), ddof=ddof).dtype
                    assert getattr(pt, name)(pt.vector(dtype=dtype), ddof=ddof).dtype == want, (name, dtype, ddof)
            for name in ("softmax", "log_softmax"):
                assert getattr(pt.special, name)(pt.vector(dtype=dtype)).dtype == \
                    getattr(ref.special, name)(ref.vector(dtype=dtype)).dtype
        for kwargs in ({"dtype": "float32"}, {"dtype": "int8"}, {"acc_dtype": "float64"}, {"dtype": "int64"}):
            assert pt.sum(pt.vector(dtype=dtype), **kwargs).dtype == ref.sum(ref.vector(dtype=dtype), **kwargs).dtype
            assert pt.mean(pt.vector(dtype=dtype), **kwargs).dtype == ref.mean(ref.vector(dtype=dtype), **kwargs).dtype
    for shape, axis in [((2, 3, 4), (0, 2)), ((2, 3), None), ((2, 3), 1)]:
        for keepdims in (False, True):
            ours = pt.argmax(pt.tensor(dtype="float64", shape=(None,) * len(shape)), axis=axis, keepdims=keepdims)
            theirs = ref.argmax(ref.tensor(dtype="float64", shape=(None,) * len(shape)), axis=axis, keepdims=keepdims)
            assert ours.type.shape == theirs.type.shape
    with pytest.raises(TypeError):
        ref.sum(ref.dvector(), acc_dtype="float32")


def test_sum_dtype_and_acc_dtype():
    """PyTensor accumulates float32 in float64, integers in int64, and casts."""
    f32, i8 = pt.fvector("f"), pt.bvector("i")
    with pytest.raises(TypeError, match="cannot accumulate float32 in int8"):
        pt.sum(f32, acc_dtype="int8")
    outputs = [f32.sum(), f32.mean(), f32.prod(), i8.sum(dtype="int8"), i8.sum(acc_dtype="int8"),
               i8.sum(dtype="float32"), i8.prod(dtype="int16"), f32.sum(acc_dtype="float32")]
    fv, iv = np.array([1e8, 1, -1e8], "float32"), np.array([100, 100, 100], "int8")
    for mode in MODES:
        got = pytensor.function([f32, i8], outputs, mode=mode)(fv, iv)
        expected = [np.float32(1), np.float32(1 / 3), np.float32(-1e16), np.int8(44), np.int64(44),
                    np.float32(300), np.int16(16960), np.float32(0)]
        for result, want in zip(got, expected):
            check(result, want, want.dtype)
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    rf, ri = rpt.fvector("f"), rpt.bvector("i")
    theirs = ref.function([rf, ri], [rf.sum(), rf.mean(), ri.sum(dtype="float32")], mode="FAST_COMPILE")(fv, iv)
    np.testing.assert_array_equal(theirs, [1, np.float32(1 / 3), 300])


def test_var_std_ddof_and_corrected():
    x = pt.dmatrix("x")
    value = random("float64", (5, 4)) * 3 + 10
    outputs = [x.var(ddof=1), x.var(axis=0, ddof=1), pt.std(x, axis=1, ddof=2, keepdims=True),
               pt.var(x, axis=(0, 1), ddof=1), pt.var(x, corrected=True), pt.var(x, axis=0, ddof=1, corrected=True)]
    expected = [np.var(value, ddof=1), np.var(value, axis=0, ddof=1), np.std(value, axis=1, ddof=2, keepdims=True),
                np.var(value, ddof=1), np.var(value), np.var(value, axis=0, ddof=1)]
    for mode in MODES:
        for result, want in zip(pytensor.function([x], outputs, mode=mode)(value), expected):
            check(result, want, "float64", rtol=1e-12)
    with pytest.raises(ValueError, match="keepdims is now at index 3"):
        pt.var(x, 0, True)
    f = pt.fvector("f")
    single = pytensor.function([f], [f.var(), f.std(ddof=1)])(np.array([1, 2, 4], "float32"))
    check(single[0], np.var([1.0, 2, 4]), "float32")
    check(single[1], np.std([1.0, 2, 4], ddof=1), "float64", rtol=1e-6)  # PyTensor divides by an int64 count
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    rx = rpt.dmatrix("x")
    theirs = ref.function([rx], [rx.var(axis=0, ddof=1), rx.var(axis=0, ddof=1, corrected=True),
                                 rpt.var(rx, corrected=True), rx.var(ddof=1)], mode="FAST_COMPILE")(value)
    ours = pytensor.function([x], [outputs[1], outputs[5], outputs[4]])(value)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # Over several axes PyTensor divides by the product of (n_i - ddof), not N - ddof (documented)
    squares = ((value - value.mean()) ** 2).sum()
    np.testing.assert_allclose(theirs[3], squares / (4 * 3), rtol=1e-12)
    np.testing.assert_allclose(pytensor.function([x], outputs[0])(value), squares / 19, rtol=1e-12)


@cache
def argmax_fn(dtype, mode):
    x = tensor3(dtype)
    return pytensor.function([x], [
        x.argmax(), pt.argmax(x, axis=1), pt.argmax(x, axis=(0, 2)), pt.argmax(x, axis=(2, 0), keepdims=True),
        x.argmin(axis=-1, keepdims=True), pt.argmin(x), pt.argmin(x, axis=(1, 2)), pt.argmax(x, axis=())], mode=mode)


def _arg(fn, x, axes):
    """NumPy's argmax over several axes, as PyTensor: over them flattened."""
    kept = [a for a in range(x.ndim) if a not in axes]
    return fn(x.transpose(kept + list(axes)).reshape([x.shape[a] for a in kept] + [-1]), axis=-1)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "bool"])
def test_argmax_argmin_over_several_axes(dtype, mode):
    x = random(dtype, (3, 4, 5), seed=2)
    if dtype.startswith("int"):
        x[0, 1, 2] = np.iinfo(dtype).min  # argmin of ~x, no overflow
    if dtype.startswith("float"):
        x[1, 2, 3] = np.nan  # the first NaN, for both
    expected = [np.argmax(x), np.argmax(x, axis=1), _arg(np.argmax, x, [0, 2]),
                np.expand_dims(_arg(np.argmax, x, [0, 2]), (0, 2)), np.argmin(x, axis=-1, keepdims=True),
                np.argmin(x), _arg(np.argmin, x, [1, 2]), np.zeros(x.shape, int)]
    for result, want in zip(argmax_fn(dtype, mode)(x), expected):
        check(result, want, "int64")


def test_argmax_as_pytensor():
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    x = random("float64", (3, 4, 5), seed=3)
    rx = rpt.tensor3("x")
    theirs = ref.function([rx], [rpt.argmax(rx, axis=(0, 2)), rpt.argmax(rx, axis=(2, 0), keepdims=True),
                                 rpt.argmin(rx, axis=1, keepdims=True), rpt.argmax(rx, keepdims=True)],
                          mode="FAST_COMPILE")(x)
    t = tensor3("float64")
    ours = pytensor.function([t], [pt.argmax(t, axis=(0, 2)), pt.argmax(t, axis=(2, 0), keepdims=True),
                                   pt.argmin(t, axis=1, keepdims=True), pt.argmax(t, keepdims=True)])(x)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("mode", MODES)
def test_reductions_of_empty_axes(mode):
    x = pt.dmatrix("x")
    f = pytensor.function([x], [x.sum(axis=0), x.prod(axis=0), x.any(axis=0), x.all(axis=0), x.any(), x.all(),
                                x.mean(axis=0)], mode=mode)
    sums, prods, any_, all_, any_all, all_all, means = f(np.zeros((0, 3)))
    check(sums, np.zeros(3), "float64")
    check(prods, np.ones(3), "float64")
    check(any_, np.zeros(3, bool), "bool")
    check(all_, np.ones(3, bool), "bool")
    assert not any_all and all_all
    check(means, np.full(3, np.nan), "float64")
    for name in ("max", "min", "argmax", "argmin"):
        with pytest.raises(ValueError, match=f"{name} of an empty axis of 'x'"):
            pytensor.function([x], getattr(x, name)(axis=0, keepdims=True), mode=mode)(np.zeros((0, 3)))


def test_any_all_of_floats_count_nan_as_true():
    x = pt.dvector("x")
    f = pytensor.function([x], [x.any(), x.all(), pt.any(x, keepdims=True)])
    any_, all_, kept = f(np.array([0.0, np.nan]))
    assert any_ and not all_ and kept.shape == (1,) and kept[0]
    assert f(np.array([np.nan, -1.0]))[1]


@pytest.mark.parametrize("mode", MODES)
def test_logsumexp(mode):
    x = pt.dmatrix("x")
    value = np.array([[1000.0, 1000.0, -np.inf], [-np.inf, -np.inf, -np.inf], [np.inf, 1.0, 2.0],
                      [-1000.0, -1001.0, -999.0], [0.1, 0.2, 0.3]])
    f = pytensor.function([x], [pt.logsumexp(x, axis=1), pt.logsumexp(x, axis=1, keepdims=True),
                                pt.logsumexp(x[3:])], mode=mode)
    rows, kept, total = f(value)
    expected = np.array([1000 + np.log(2), -np.inf, np.inf, -999 + np.log1p(np.exp(-1) + np.exp(-2)),
                         np.log(np.exp([0.1, 0.2, 0.3]).sum())])
    check(rows, expected, "float64", rtol=1e-14)
    check(kept, expected[:, None], "float64", rtol=1e-14)
    special = pytest.importorskip("scipy.special")
    check(total, special.logsumexp(value[3:]), "float64", rtol=1e-14)
    ints = pt.bvector("i")
    g = pytensor.function([ints], pt.logsumexp(ints), mode=mode)
    result = g(np.array([-100, 100, 100], "int8"))  # no int8 overflow in x - max
    check(result, np.float32(100 + np.log(2)), "float32")


@pytest.mark.parametrize("mode", MODES)
def test_softmax_and_log_softmax(mode):
    x = pt.dtensor3("x")
    value = random("float64", (2, 3, 4)) * 300  # exp overflows without the max subtracted
    outputs = [pt.special.softmax(x, axis=-1), pt.nnet.softmax(x, axis=(0, 2)), pt.special.softmax(x),
               pt.special.log_softmax(x, axis=1), pt.nnet.log_softmax(x)]
    got = pytensor.function([x], outputs, mode=mode)(value)

    def softmax(v, axis):
        e = np.exp(v - v.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def log_softmax(v, axis):
        shifted = v - v.max(axis=axis, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    expected = [softmax(value, -1), softmax(value, (0, 2)), softmax(value, None), log_softmax(value, 1),
                log_softmax(value, None)]
    for result, want in zip(got, expected):
        check(result, want, "float64", rtol=1e-13)
        assert np.all(np.isfinite(result))
    ints = pt.bvector("i")
    check(pytensor.function([ints], pt.special.softmax(ints), mode=mode)(np.array([-100, 100], "int8")),
          np.array([0, 1], "float32"), "float32")
    with pytest.raises(TypeError, match="not defined on bool"):
        pt.special.softmax(pt.vector(dtype="bool"))
    special = pytest.importorskip("scipy.special")
    np.testing.assert_allclose(got[0], special.softmax(value, axis=-1), rtol=1e-13)
    np.testing.assert_allclose(got[4], special.log_softmax(value, axis=None), rtol=1e-13)


@cache
def cumulative_fn(dtype, mode):
    x = pt.tensor("x", dtype=dtype, shape=(None, None))
    return pytensor.function([x], [x.cumsum(), x.cumprod(), pt.cumsum(x, axis=0), pt.extra_ops.cumprod(x, axis=-1),
                                   x[0].cumsum(), pt.cumsum(x, 1)], mode=mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "bool"])
@pytest.mark.parametrize("shape", [(3, 4), (1, 5), (4, 1), (0, 3)])
def test_cumsum_cumprod(shape, dtype, mode):
    """The input's dtype, as PyTensor's: int8 wraps, bools combine as bools."""
    x = random(dtype, shape, seed=4)
    if dtype == "int8":
        x[:] = 100
    expected = [np.cumsum(x, dtype=dtype), np.cumprod(x, dtype=dtype), np.cumsum(x, axis=0, dtype=dtype),
                np.cumprod(x, axis=-1, dtype=dtype), np.cumsum(x[0], dtype=dtype) if shape[0] else None,
                np.cumsum(x, axis=1, dtype=dtype)]
    f = cumulative_fn(dtype, mode)
    if not shape[0]:
        with pytest.raises(IndexError):
            f(x)
        return
    for result, want in zip(f(x), expected):
        check(result, want, dtype, rtol=1e-13)


def test_cumsum_of_scalar_and_bad_axis():
    s = pt.dscalar("s")
    for mode in MODES:
        check(pytensor.function([s], pt.cumsum(s), mode=mode)(2.5), np.array([2.5]), "float64")
    with pytest.raises(ValueError, match="out of bounds"):
        pt.cumsum(pt.dmatrix(), axis=2)


def test_cumsum_as_pytensor():
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    value = random("float64", (3, 4), seed=5)
    rx = rpt.dmatrix("x")
    theirs = ref.function([rx], [rx.cumsum(), rpt.cumprod(rx, axis=0), rpt.extra_ops.cumsum(rx, axis=-1)],
                          mode="FAST_COMPILE")(value)
    x = pt.dmatrix("x")
    ours = pytensor.function([x], [x.cumsum(), pt.cumprod(x, axis=0), pt.extra_ops.cumsum(x, axis=-1)])(value)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-15)
        assert a.shape == b.shape


def test_crf_forward_pass_in_scan():
    """The CRF forward recursion with the max kept as a length-1 axis:
    alpha_t[j] = logsumexp_i(alpha_{t-1}[i] + T[i, j]) + E[t, j]."""
    emissions, transitions, alpha0 = pt.dmatrix("E"), pt.dmatrix("T"), pt.dvector("a0")

    def step(emission, alpha, transitions):
        scores = alpha.dimshuffle(0, "x") + transitions
        m = scores.max(axis=0, keepdims=True)
        return (m + pt.log(pt.exp(scores - m).sum(axis=0, keepdims=True)))[0] + emission

    alphas, _ = pytensor.scan(step, sequences=[emissions], outputs_info=[alpha0], non_sequences=[transitions])
    outputs = [alphas, pt.logsumexp(alphas[-1]), alphas.argmax(axis=1), alphas.cumsum(axis=0)]
    rng = np.random.default_rng(7)
    e, t, a0 = rng.normal(size=(20, 5)) * 50, rng.normal(size=(5, 5)) * 50, rng.normal(size=5)
    expected, alpha = [], a0
    for row in e:
        scores = alpha[:, None] + t
        m = scores.max(axis=0)
        alpha = m + np.log(np.exp(scores - m).sum(axis=0)) + row
        expected.append(alpha)
    expected = np.array(expected)
    total = expected[-1].max() + np.log(np.exp(expected[-1] - expected[-1].max()).sum())
    for mode in MODES:
        got = pytensor.function([emissions, transitions, alpha0], outputs, mode=mode)(e, t, a0)
        check(got[0], expected, "float64", rtol=1e-13)
        check(got[1], total, "float64", rtol=1e-13)
        check(got[2], expected.argmax(axis=1), "int64")
        check(got[3], expected.cumsum(axis=0), "float64", rtol=1e-13)


def test_reductions_inside_a_scan_step():
    """A step returning reductions, softmax and a flattened cumsum of a
    matrix (its length known before the loop: infer_shape)."""
    xs = pt.dtensor3("xs")

    def step(x):
        return [x.var(axis=1, keepdims=True), pt.argmin(x, axis=(0, 1)), pt.special.log_softmax(x, axis=0),
                x.cumsum(), x.any(axis=0), pt.std(x, ddof=1)]

    outputs, _ = pytensor.scan(step, sequences=[xs])
    value = random("float64", (4, 3, 5), seed=8)
    expected = [np.var(value, axis=2, keepdims=True), _arg(np.argmin, value, [1, 2]),
                value - value.max(axis=1, keepdims=True) -
                np.log(np.exp(value - value.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)),
                value.reshape(4, -1).cumsum(axis=1), value.any(axis=1), value.reshape(4, -1).std(axis=1, ddof=1)]
    for mode in MODES:
        got = pytensor.function([xs], outputs, mode=mode)(value)
        for result, want in zip(got, expected):
            check(result, want, want.dtype if want.dtype != np.dtype(int) else "int64", rtol=1e-13)


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_reducing_leading_axes_adds_rows_in_order(dtype):
    """Keeping the last axis, each result element combines its inputs row
    after row (the lowering walks the input in row-major order): bit for bit
    a running combination over the rows, compiled, in mode="py" and in a
    scan step; max propagates a NaN."""
    x, xs = tensor3(dtype), pt.tensor("xs", dtype=dtype, shape=(None, None, None, None))
    value = random(dtype, (7, 5, 19), seed=11)
    if dtype == "float64":
        value[3, 2, 4] = np.nan
    rows = value.reshape(-1, 19)
    combine = {"float64": (np.add, np.maximum), "int32": (np.add, np.maximum), "bool": (np.logical_or,) * 2}
    expected = []
    for op, leading in zip(combine[dtype], [rows, value]):
        total = leading[0].copy()
        for row in leading[1:]:
            total = op(total, row)
        expected.append(total)
    outputs = [x.sum(axis=(0, 1)) if dtype != "bool" else x.any(axis=(0, 1)), x.max(axis=0)]
    steps, _ = pytensor.scan(lambda v: [v.sum(axis=(0, 1)) if dtype != "bool" else v.any(axis=(0, 1)),
                                        v.max(axis=0)], sequences=[xs])
    for mode in MODES:
        for got, want in zip(pytensor.function([x], outputs, mode=mode)(value), expected):
            np.testing.assert_array_equal(got.astype(want.dtype), want)
        for got, want in zip(pytensor.function([xs], steps, mode=mode)(value[None]), expected):
            np.testing.assert_array_equal(got[0].astype(want.dtype), want)
