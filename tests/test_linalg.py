"""Linear algebra: dot of any ndims, matmul and `@` (batched, broadcast),
vecdot, matvec, vecmat, tensordot, outer; diagonal, diag, trace; norm and
the pt.linalg / pt.nlinalg names. Against NumPy (many shapes, zero lengths,
several dtypes; one compiled function serving every length), compiled and
in mode="py", inside scan steps, and against PyTensor when installed."""

import re
from builtins import max as builtins_max
from functools import cache

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from test_reductions import random

MODES = (None, "py")

# Each product: (name, f(lib, a, b) for lib scanjit.tensor, NumPy or
# pytensor.tensor, operand axes as letters, lengths from SIZES).
PRODUCTS = [
    ("dot", lambda lib, a, b: lib.dot(a, b), sa, sb)
    for sa, sb in [("k", "k"), ("mk", "k"), ("k", "kn"), ("mk", "kn"), ("btk", "kn"), ("btk", "ckn"),
                   ("k", "ckn"), ("btk", "k"), ("mk", "bckn"), ("", "kn")]
] + [
    ("matmul", lambda lib, a, b: lib.matmul(a, b), sa, sb)
    for sa, sb in [("btk", "kn"), ("bmk", "bkn"), ("k", "bkn"), ("bmk", "k"), ("cbmk", "bkn"), ("k", "k")]
] + [
    ("@", lambda lib, a, b: a @ b, "mk", "bkn"), ("@", lambda lib, a, b: b.T @ a.T, "mk", "kn"),
    ("vecdot", lambda lib, a, b: lib.vecdot(a, b), "bk", "k"),
    ("matvec", lambda lib, a, b: lib.matvec(a, b), "bmk", "bk"),
    ("vecmat", lambda lib, a, b: lib.vecmat(a, b), "k", "bkn"),
    ("tensordot", lambda lib, a, b: lib.tensordot(a, b), "btk", "tkn"),
    ("tensordot", lambda lib, a, b: lib.tensordot(a, b, 0), "bk", "n"),
    ("tensordot", lambda lib, a, b: lib.tensordot(a, b, [[2, 0], [0, 2]]), "btk", "knb"),
    ("tensordot", lambda lib, a, b: lib.tensordot(a, b, ([1], [0])), "btk", "tn"),
    ("outer", lambda lib, a, b: lib.outer(a, b), "mk", "n"),
]
SIZES = [dict(b=2, c=3, t=3, k=4, m=3, n=5), dict(b=3, c=1, t=2, k=7, m=1, n=70),
         dict(b=0, c=2, t=3, k=4, m=2, n=3), dict(b=2, c=2, t=1, k=0, m=2, n=0)]


def check(result, expected, dtype=None, rtol=1e-12):
    result, expected = np.asarray(result), np.asarray(expected)
    assert result.dtype == np.dtype(dtype or expected.dtype)
    assert result.shape == expected.shape
    if result.dtype.kind == "f":
        rtol = builtins_max(1e-5, rtol) if result.dtype == np.float32 else rtol
        np.testing.assert_allclose(result, expected, rtol=rtol, atol=rtol)
    else:
        np.testing.assert_array_equal(result, expected)


def operands(dtype_a, dtype_b, sizes, seed=0):
    return [v for k, (_, _, sa, sb) in enumerate(PRODUCTS)
            for v in (random(dtype_a, [sizes[c] for c in sa], seed + 2 * k),
                      random(dtype_b, [sizes[c] for c in sb], seed + 2 * k + 1))]


@cache
def products_fn(dtype_a, dtype_b, mode):
    inputs = [pt.tensor(f"{side}{k}", dtype=dtype, shape=(None,) * len(axes))
              for k, (_, _, sa, sb) in enumerate(PRODUCTS)
              for side, dtype, axes in (("a", dtype_a, sa), ("b", dtype_b, sb))]
    outputs = [f(pt, inputs[2 * k], inputs[2 * k + 1]) for k, (_, f, _, _) in enumerate(PRODUCTS)]
    return pytensor.function(inputs, outputs, mode=mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("float32", "float32"), ("int8", "int8"),
                                    ("int32", "float32"), ("bool", "bool")])
def test_products_against_numpy(dtypes, mode):
    """One compiled function serves every length, zero ones included."""
    f = products_fn(*dtypes, mode)
    for sizes in SIZES:
        values = operands(*dtypes, sizes)
        for (_, product, _, _), result, k in zip(PRODUCTS, f(*values), range(len(PRODUCTS))):
            a, b = values[2 * k], values[2 * k + 1]
            want = product(np, a, b)
            dtype = np.result_type(a, b) if dtypes != ("int32", "float32") else "float64"
            if dtypes == ("int8", "int8") or dtypes == ("bool", "bool"):
                dtype = dtypes[0]  # PyTensor's: the operands' dtype (NumPy's too)
            check(result, np.asarray(want).astype(dtype), dtype)


def test_batch_axes_of_static_length_one_broadcast():
    a = pt.tensor("a", dtype="float64", shape=(None, 1, None, None))
    b = pt.tensor("b", dtype="float64", shape=(1, None, None, None))
    assert (a @ b).type.shape == (None, None, None, None)
    for mode in MODES:
        bt = pt.transpose(b, (0, 1, 3, 2))
        f = pytensor.function([a, b], [a @ b, pt.matmul(b, a), pt.vecdot(a, bt)], mode=mode)
        for n, m in ((2, 3), (0, 4)):
            av, bv = random("float64", (n, 1, 4, 5)), random("float64", (1, m, 5, 4), seed=1)
            got = f(av, bv)
            check(got[0], av @ bv)
            check(got[1], bv @ av)
            check(got[2], np.vecdot(av, bv.transpose(0, 1, 3, 2)))


def test_sequences_times_a_weight_matrix():
    """A batch of sequences (batch, time, features) @ W: the rows of each
    sequence reuse the matrix-matrix loops (column blocks in registers)."""
    x, w, bias = pt.dtensor3("x"), pt.dmatrix("w"), pt.dvector("bias")
    for mode in MODES:
        f = pytensor.function([x, w, bias], [pt.tanh(x @ w + bias), x.dot(w)], mode=mode)
        for shape in ((4, 10, 8), (1, 1, 130), (0, 3, 8), (2, 0, 8)):
            xv, wv, bv = random("float64", shape), random("float64", (shape[2], 67), 1), random("float64", (67,), 2)
            got = f(xv, wv, bv)
            check(got[0], np.tanh(xv @ wv + bv))
            check(got[1], np.dot(xv, wv))


def test_static_shapes_and_dtypes():
    a, b = pt.tensor("a", dtype="int8", shape=(1, 3, 4)), pt.tensor("b", dtype="int16", shape=(5, 4, 6))
    assert pt.matmul(a, b).type == pt.tensor(dtype="int16", shape=(5, 3, 6)).type
    assert pt.matmul(a, b, dtype="float32").dtype == "float32"
    assert pt.dot(a, b).type.shape == (1, 3, 5, 6)
    assert pt.tensordot(a, b, [[2], [1]]).type.shape == (1, 3, 5, 6)
    assert pt.outer(a, pt.bvector()).type.shape == (12, None)
    assert pt.dot(pt.dscalar(), b).type == pt.tensor(dtype="float64", shape=(5, 4, 6)).type
    assert pt.math.matmul is pt.matmul and pt.math.tensordot is pt.tensordot


def test_products_as_pytensor():
    """Types (dtype and static shape) and values of PyTensor's, for static
    and unknown lengths."""
    pytensor_ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    sizes = SIZES[0]
    for dtype_a, dtype_b in (("float64", "float64"), ("int8", "int16"), ("bool", "bool"), ("int32", "float32")):
        values = operands(dtype_a, dtype_b, sizes, seed=3)
        compile_both = dtype_a in ("float64", "int8")  # types for all, values for some (compile time)
        for static in (False, True):
            ours, theirs = [], []
            for (name, f, sa, sb), k in zip(PRODUCTS, range(len(PRODUCTS))):
                shapes = [values[2 * k].shape, values[2 * k + 1].shape] if static else \
                    [(None,) * len(sa), (None,) * len(sb)]
                x = [pt.tensor(dtype=d, shape=s) for d, s in zip((dtype_a, dtype_b), shapes)]
                y = [rpt.tensor(dtype=d, shape=s) for d, s in zip((dtype_a, dtype_b), shapes)]
                mine, ref = f(pt, *x), f(rpt, *y)
                assert (mine.dtype, mine.type.shape) == (ref.dtype, ref.type.shape), (name, sa, sb, static)
                ours.append((x, mine))
                theirs.append((y, ref))
        if not compile_both:
            continue
        args = values
        got = pytensor.function([v for x, _ in ours for v in x], [o for _, o in ours])(*args)
        want = pytensor_ref.function([v for y, _ in theirs for v in y], [o for _, o in theirs],
                                     mode="FAST_COMPILE")(*args)
        for g, w in zip(got, want):
            check(g, w)


@pytest.mark.parametrize("mode", MODES)
def test_mismatched_lengths_raise_naming_the_operands(mode):
    a, b, v = pt.dtensor3("a"), pt.dtensor3("b"), pt.dvector("v")
    cases = [
        (pt.matmul(a, b), (2, 3, 4), (2, 5, 6), "dot of 'a' and 'b': shapes (2, 3, 4) and (2, 5, 6) are not aligned"),
        (pt.matmul(a, b), (2, 3, 4), (3, 4, 6), "dot of 'a' and 'b': shapes (2, 3, 4) and (3, 4, 6) do not broadcast"),
        (pt.dot(a, b), (2, 3, 4), (2, 5, 6), "dot of 'a' and 'b': shapes (2, 3, 4) and (2, 5, 6) are not aligned"),
        (pt.tensordot(a, b), (2, 3, 4), (3, 5, 6), "tensordot of 'a' and 'b': shapes (2, 3, 4) and (3, 5, 6) "
                                                   "are not aligned"),
        (pt.matmul(a, v), (2, 3, 4), (5,), "dot of 'a' and 'v': shapes (2, 3, 4) and (5,) are not aligned"),
    ]
    for out, sa, sb, message in cases:
        inputs = [i for i in (a, b, v) if i in (out.owner.inputs)]
        f = pytensor.function(inputs, out, mode=mode)
        with pytest.raises(ValueError, match=re.escape(message)):
            f(np.zeros(sa), np.zeros(sb))


def test_invalid_calls_raise_when_built():
    a, m = pt.tensor("a", dtype="float64", shape=(2, 3, 4)), pt.dmatrix("m")
    with pytest.raises(ValueError, match="matmul operand cannot be scalar"):
        pt.matmul(a, pt.dscalar())
    with pytest.raises(ValueError, match=re.escape("shapes (2, 3, 4) and (5, 4) are not aligned")):
        a @ pt.tensor("w", dtype="float64", shape=(5, 4))
    with pytest.raises(ValueError, match=re.escape("shapes (2, 3, 4) and (3, 4, 5) do not broadcast")):
        a @ pt.tensor("c", dtype="float64", shape=(3, 4, 5))
    with pytest.raises(ValueError, match="number of axes"):
        pt.tensordot(a, m, [[0], [0, 1]])
    with pytest.raises(ValueError, match="repeated axis"):
        pt.tensordot(a, m, [[0, 0], [0, 1]])
    with pytest.raises(np.exceptions.AxisError):
        pt.tensordot(a, m, [[5], [0]])
    with pytest.raises(ValueError, match="cannot sum over 3 axes"):
        pt.tensordot(a, m, 3)


def test_products_inside_a_scan_step():
    xs, w, w3 = pt.dtensor3("xs"), pt.dmatrix("w"), pt.dtensor3("w3")

    def step(x, acc, w, w3):
        return [x @ w, pt.dot(x, w3), pt.tensordot(x, w3, [[0, 1], [2, 1]]), acc + pt.trace(x @ x.T),
                pt.linalg.norm(x, axis=1), pt.outer(x[0], x[1])]

    xv, wv, w3v = random("float64", (5, 3, 4)), random("float64", (4, 6), 1), random("float64", (2, 4, 3), 2)
    expected = [xv @ wv, np.stack([np.dot(x, w3v) for x in xv]),
                np.stack([np.tensordot(x, w3v, [[0, 1], [2, 1]]) for x in xv]),
                np.cumsum([np.trace(x @ x.T) for x in xv]), np.linalg.norm(xv, axis=2),
                np.stack([np.outer(x[0], x[1]) for x in xv])]
    for mode in MODES:
        zero = pt.constant(0.0, dtype="float64")
        outputs, _ = pytensor.scan(step, sequences=[xs], outputs_info=[None, None, None, zero, None, None],
                                   non_sequences=[w, w3])
        got = pytensor.function([xs, w, w3], outputs, mode=mode)(xv, wv, w3v)
        for g, want in zip(got, expected):
            check(g, want)


# -- diagonals ----------------------------------------------------------------

DIAGONALS = [  # (shape, offset, axis1, axis2)
    ((3, 4), 0, 0, 1), ((3, 4), 2, 0, 1), ((3, 4), -1, 0, 1), ((3, 4), 9, 0, 1), ((4, 3), 1, 1, 0),
    ((2, 3, 4), 1, 2, 0), ((2, 3, 4), -1, -1, 1), ((0, 3), 0, 0, 1), ((3, 0, 2), 0, 0, 2),
]


@cache
def diagonals_fn(dtype, mode):
    xs = [pt.tensor(f"x{k}", dtype=dtype, shape=(None,) * len(shape)) for k, (shape, *_) in enumerate(DIAGONALS)]
    outputs = [f(x, offset, a1, a2) for x, (_, offset, a1, a2) in zip(xs, DIAGONALS) for f in (pt.diagonal, pt.trace)]
    v = pt.tensor("v", dtype=dtype, shape=(None,))
    outputs += [pt.diag(v), pt.diag(v, 2), pt.diag(v, -1), pt.diag(xs[0]), xs[4].diagonal(-2)]
    return pytensor.function([*xs, v], outputs, mode=mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "int8", "bool"])
def test_diagonal_diag_trace(dtype, mode):
    f = diagonals_fn(dtype, mode)
    for scale in (1, 2):  # the same function at other lengths
        xs = [random(dtype, tuple(n * scale for n in shape), k) for k, (shape, *_) in enumerate(DIAGONALS)]
        v = random(dtype, (3 * scale,), 99)
        got = iter(f(*xs, v))
        for x, (_, offset, a1, a2) in zip(xs, DIAGONALS):
            check(next(got), np.diagonal(x, offset, a1, a2))
            trace_dtype = dtype if dtype.startswith("float") else "int64"
            check(next(got), np.trace(x, offset, a1, a2, dtype=trace_dtype), trace_dtype)
        for want in (np.diag(v), np.diag(v, 2), np.diag(v, -1), np.diag(xs[0]), xs[4].diagonal(-2)):
            check(next(got), want)


@pytest.mark.parametrize("mode", MODES)
def test_diagonals_inside_a_step(mode):
    """A diagonal's length, min(rows - i, cols - j) at least 0, is known
    before the loop from the step's input lengths (sub, minimum, maximum)."""
    xs = pt.dtensor3("xs")
    outs = pytensor.scan(lambda x: [pt.diagonal(x), pt.diagonal(x, 1), pt.diag(x[0], -1), pt.trace(x, 2),
                                    pt.diagonal(x[:, 1:], -1)],
                         sequences=[xs], return_updates=False)
    f = pytensor.function([xs], outs, mode=mode)
    for shape in [(2, 3, 4), (3, 5, 2), (0, 3, 3)]:
        values = np.arange(np.prod(shape), dtype=float).reshape(shape)
        wants = [(np.diagonal, ()), (np.diagonal, (1,)), (lambda x, k: np.diag(x[0], k), (-1,)), (np.trace, (2,)),
                 (lambda x, k: np.diagonal(x[:, 1:], k), (-1,))]
        for got, (f_np, args) in zip(f(values), wants):
            want = np.array([f_np(x, *args) for x in values]).reshape(got.shape[:1] + got.shape[1:])
            check(got, want)


def test_diagonals_as_pytensor():
    pytensor_ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    cases = [(lambda lib, x: lib.diagonal(x, 1, 2, 0), (2, 3, 4)), (lambda lib, x: lib.trace(x, -1, 2, 1), (2, 3, 4)),
             (lambda lib, x: lib.diag(x, -2), (3,)), (lambda lib, x: lib.diag(x, 7), (3, 5)),
             (lambda lib, x: lib.diag(x), (4, 2))]
    for dtype in ("float64", "int8"):
        for f, shape in cases:
            value = random(dtype, shape)
            for static in (shape, (None,) * len(shape)):
                x, y = pt.tensor(dtype=dtype, shape=static), rpt.tensor(dtype=dtype, shape=static)
                ours, theirs = f(pt, x), f(rpt, y)
                assert (ours.dtype, ours.type.shape) == (theirs.dtype, theirs.type.shape)
            got = pytensor.function([x], ours)(value)
            check(got, pytensor_ref.function([y], theirs, mode="FAST_COMPILE")(value))
    for bad in (lambda lib: lib.diag(lib.tensor3()), lambda lib: lib.diagonal(lib.dvector()),
                lambda lib: lib.diagonal(lib.dtensor3(), 0, 1, 1)):
        with pytest.raises(ValueError) as theirs:
            bad(rpt)
        with pytest.raises(theirs.type):
            bad(pt)


def test_trace_method_and_linalg_names():
    x = pt.dmatrix("x")
    with pytest.warns(UserWarning, match="deprecated"):
        total = x.trace()
    with pytest.warns(UserWarning, match="deprecated"):
        assert pt.linalg.trace(x).dtype == "float64"
    value = random("float64", (3, 3))
    np.testing.assert_allclose(pytensor.function([x], total)(value), np.trace(value))
    for module in (pt.linalg, pt.nlinalg):
        assert module.norm is pt.linalg.norm and module.trace is pt.linalg.trace
    m = [pt.dmatrix(n) for n in "abc"]
    values = [random("float64", s, k) for k, s in enumerate([(2, 3), (3, 4), (4, 2)])]
    check(pytensor.function(m, pt.nlinalg.matrix_dot(*m))(*values), values[0] @ values[1] @ values[2])


# -- norms --------------------------------------------------------------------

NORMS = [  # (ndim, ord, axis, keepdims)
    (1, None, None, False), (1, 2, None, True), (1, 1, None, False), (1, np.inf, None, False),
    (1, -np.inf, None, False), (1, 0, None, False), (1, 3, None, False), (1, 0.5, 0, True), (1, -2, None, False),
    (2, None, None, False), (2, "fro", None, True), (2, 1, None, False), (2, -1, None, False),
    (2, np.inf, None, True), (2, "-inf", None, False), (2, None, 1, False), (2, 3, 0, True),
    (2, "fro", (1, 0), False), (2, 1, (1, 0), True), (2, np.inf, -1, False),
    (2, 2, None, False), (2, -2, None, True), (2, "nuc", (1, 0), False),
    (3, None, None, False), (3, None, None, True), (3, 1, None, False), (3, "inf", (0, 1), True), (3, 2, 1, False),
]


def norm_reference(x, ord, axis, keepdims):
    """NumPy's norm, with PyTensor's batching when axis is None (the last
    two axes of a tensor of more than 2)."""
    if x.ndim > 2 and (axis is None or np.ndim(axis) == 1):  # the last two axes
        axis = (x.ndim - 2, x.ndim - 1) if axis is None else tuple(x.ndim - 2 + a % 2 for a in axis)
    ord = {"inf": np.inf, "-inf": -np.inf}.get(ord, ord)
    return np.linalg.norm(x, ord, axis, keepdims)


@cache
def norms_fn(dtype, mode):
    xs = [pt.tensor(f"x{k}", dtype=dtype, shape=(None,) * ndim) for k, (ndim, *_) in enumerate(NORMS)]
    outputs = [pt.linalg.norm(x, ord, axis, keepdims) for x, (_, ord, axis, keepdims) in zip(xs, NORMS)]
    return pytensor.function(xs, outputs, mode=mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_norms_against_numpy(dtype, mode):
    f = norms_fn(dtype, mode)
    for lengths in ((3, 4, 5), (1, 6, 2)):
        xs = [random(dtype, lengths[:ndim], k) for k, (ndim, *_) in enumerate(NORMS)]
        for x, result, (ndim, ord, axis, keepdims) in zip(xs, f(*xs), NORMS):
            want = norm_reference(x, ord, axis, keepdims)
            # p-norms take the 1/p-th power with 1/p a float32, as in PyTensor
            # and NumPy's singular values of float32 are computed in float32
            rtol = 1e-6 if ord in (3, 0.5, -2) or ndim == 2 and ord in (2, "nuc") and dtype == "float32" else 1e-12
            check(result, np.asarray(want).astype(result.dtype), dtype if ord != 0 else "int64", rtol)


def test_norms_of_empty_axes():
    """A sum of nothing is 0; a max of nothing raises, as in NumPy."""
    x = pt.dmatrix("x")
    for mode in MODES:
        f = pytensor.function([x], [pt.linalg.norm(x), pt.linalg.norm(x, axis=0), pt.linalg.norm(x, 3, axis=1)],
                              mode=mode)
        for got, want in zip(f(np.zeros((0, 3))), [0.0, np.zeros(3), np.zeros(0)]):
            check(got, want, "float64")
        with pytest.raises(ValueError, match="empty"):
            pytensor.function([x], pt.linalg.norm(x, np.inf), mode=mode)(np.zeros((0, 3)))


def test_norms_as_pytensor():
    pytensor_ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    for dtype in ("float64", "float32", "int8", "bool"):
        ours, theirs, values = [], [], []
        for k, (ndim, ord, axis, keepdims) in enumerate(NORMS):
            if ord == -2 and not dtype.startswith("float"):  # integers to negative powers raise in PyTensor
                continue
            x, y = pt.tensor(dtype=dtype, shape=(None,) * ndim), rpt.tensor(dtype=dtype, shape=(None,) * ndim)
            mine, ref = pt.linalg.norm(x, ord, axis, keepdims), rpt.linalg.norm(y, ord, axis, keepdims)
            assert (mine.dtype, mine.type.shape) == (ref.dtype, ref.type.shape), (dtype, ndim, ord, axis, keepdims)
            ours.append((x, mine))
            theirs.append((y, ref))
            values.append(random(dtype, (3, 4, 5)[:ndim], k))
        got = pytensor.function([x for x, _ in ours], [o for _, o in ours])(*values)
        want = pytensor_ref.function([y for y, _ in theirs], [o for _, o in theirs], mode="FAST_COMPILE")(*values)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5 if g.dtype == np.float32 else 1e-12)
            assert g.dtype == w.dtype


def test_invalid_norms_raise():
    m = pt.dmatrix("m")
    for ord in (2, -2, "nuc"):
        with pytest.raises(NotImplementedError, match="batch of matrices"):
            pt.linalg.norm(pt.dtensor3(), ord)
    with pytest.raises(ValueError, match="Invalid norm order 'fro' for vectors"):
        pt.linalg.norm(pt.dvector(), "fro")
    with pytest.raises(ValueError, match="Invalid norm order for matrices: 3"):
        pt.linalg.norm(m, 3)
    with pytest.raises(ValueError, match="core_dims"):
        pt.linalg.norm(pt.dtensor3(), axis=(0, 1, 2))
    with pytest.raises(TypeError, match="'axis' must be"):
        pt.linalg.norm(m, axis="rows")
