"""Float matrix products (`convert-dot-to-gemm`, scanjit/runtime/gemm.py):
NumPy's BLAS from `BLAS_FROM` multiply-adds up, k in parts of `DEPTH` (the
same bits as np.dot's of the parts, summed in order), on any thread;
below, and for every product with a vector (`scanjit_dot`), sums from zero
in k order, as the other dots and the reference interpreter; transposed
operands, zero-length axes, NaNs and infinities, float32, in scan steps."""

import ctypes
import glob
import os
import threading

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit import runtime
from scanjit.runtime import gemm
from scanjit.runtime import threads as threads_module
from scanjit.tensor.math import Dot

SHAPES = [(3, 4, 5), (1, 1, 1), (0, 3, 2), (3, 0, 2), (2, 3, 0), (31, 33, 32), (32, 128, 512), (200, 7, 300),
          (2, 5000, 4), (3, 100, 100)]


def k_order(a, b):
    out = np.zeros((a.shape[0], b.shape[1]), a.dtype)
    for k in range(a.shape[1]):
        out = out + a[:, k:k + 1] * b[k]
    return out


def test_the_threshold_is_the_reference_interpreters():
    assert (gemm.BLAS_FROM, gemm.DEPTH) == (Dot.BLAS_FROM, Dot.BLAS_DEPTH)


def by_parts_of_k(a, b):
    """np.dot with k in parts of DEPTH, summed in ascending order."""
    out = np.dot(a[:, :gemm.DEPTH], b[:gemm.DEPTH])
    for i in range(gemm.DEPTH, a.shape[1], gemm.DEPTH):
        out += np.dot(a[:, i:i + gemm.DEPTH], b[i:i + gemm.DEPTH])
    return out


def test_numpys_blas_is_found():
    if not gemm.numpy_blas():
        pytest.skip("NumPy's BLAS is not the OpenBLAS of its wheels")
    assert all(address for address in gemm.numpy_blas().values())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("m, k, n", SHAPES)
@pytest.mark.parametrize("lhs", ["plain", "transposed", "transposed view"])
def test_products_as_numpy_and_the_reference(dtype, m, k, n, lhs):
    """a·b, aᵀ·b (a read as it lies) and aᵀ·b of a's reversed rows, a strided view."""
    a, b = pt.matrix("a", dtype=dtype), pt.matrix("b", dtype=dtype)
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    bv = rng.normal(size=(k, n)).astype(dtype)
    if lhs == "plain":
        expr, av = pt.dot(a, b), rng.normal(size=(m, k)).astype(dtype)
        left = av
    else:
        expr, av = pt.dot(a[::-1].T if lhs == "transposed view" else a.T, b), rng.normal(size=(k, m)).astype(dtype)
        left = np.ascontiguousarray((av[::-1] if lhs == "transposed view" else av).T)
    compiled, reference = (scanjit.function([a, b], expr, mode=mode) for mode in (None, "py"))
    got = compiled(av, bv)
    assert got.dtype == dtype and got.shape == (m, n)
    if m * k * n >= gemm.BLAS_FROM and gemm.numpy_blas():
        # The same bits as NumPy by parts of k and as the reference, except
        # where OpenBLAS's kernels for Aᵀ sum otherwise, and for float32: on
        # some CPUs (AVX2) its sgemm sums a block of columns otherwise than
        # the whole product.
        exact = dtype == "float64"
        if lhs == "plain" and exact:
            np.testing.assert_array_equal(got, by_parts_of_k(left, bv))
        np.testing.assert_array_equal(compiled(av, bv), got)
        tolerance = 1e-4 if dtype == "float32" else 1e-12
        np.testing.assert_allclose(got, np.dot(left, bv), rtol=tolerance, atol=tolerance)
        if exact:
            np.testing.assert_array_equal(reference(av, bv), got)
        else:
            np.testing.assert_allclose(reference(av, bv), got, rtol=tolerance, atol=tolerance)
    else:
        np.testing.assert_array_equal(got, k_order(left, bv))
        if m * k * n < gemm.BLAS_FROM:
            np.testing.assert_array_equal(reference(av, bv), got)


def test_a_weight_gradients_product_on_the_calling_thread():
    """Xᵀ·G as a GRU's weight gradient (k = 3200): NumPy's result, the same
    bits call after call, and NumPy's BLAS still on its threads after."""
    blas = gemm.numpy_blas()
    X, G = pt.dmatrices("X", "G")
    f = scanjit.function([X, G], pt.dot(X.T, G))
    rng = np.random.default_rng(3)
    xv, gv = rng.normal(size=(3200, 128)), rng.normal(size=(3200, 384))
    before = threads_of_numpys_blas()
    got = f(xv, gv)
    np.testing.assert_allclose(got, xv.T @ gv, rtol=1e-12, atol=1e-11)
    np.testing.assert_array_equal(f(xv, gv), got)
    if blas:
        np.testing.assert_array_equal(got, by_parts_of_k(xv.T, gv))
    assert threads_of_numpys_blas() == before


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_a_large_products_blocks_shared_among_threads_as_on_one(threads):
    """From PARALLEL_FROM multiply-adds the blocks run on the runtime's
    threads: the bits of one thread, alone, in a scan step, and with a
    second Python thread calling at once (the pool busy: its loop alone)."""
    X, G = pt.dmatrices("X", "G")
    S = pt.tensor3("S")
    product = scanjit.function([X, G], pt.dot(X.T, G))
    steps = scanjit.function([S, G], scanjit.scan(lambda s, G: pt.dot(s.T, G), sequences=[S], non_sequences=[G],
                                                  return_updates=False))
    rng = np.random.default_rng(5)
    xv, gv, sv = rng.normal(size=(1000, 130)), rng.normal(size=(1000, 200)), rng.normal(size=(3, 1000, 130))
    assert 130 * 200 * 1000 >= gemm.PARALLEL_FROM
    runtime.set_threads(1)
    alone, alone_steps = product(xv, gv), steps(sv, gv)
    try:
        runtime.set_threads(threads)
        results = []
        worker = threading.Thread(target=lambda: results.extend(product(xv, gv) for _ in range(5)))
        worker.start()
        mine = [product(xv, gv) for _ in range(5)]
        worker.join()
        for got in mine + results:
            np.testing.assert_array_equal(got, alone)
        np.testing.assert_array_equal(steps(sv, gv), alone_steps)
    finally:
        runtime.set_threads(threads_module.default_threads())
    np.testing.assert_allclose(alone, xv.T @ gv, rtol=1e-12, atol=1e-11)
    for s, got in zip(sv, alone_steps):
        np.testing.assert_array_equal(got, product(s, gv))


def threads_of_numpys_blas():
    for path in glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "libscipy_openblas64_*")):
        return ctypes.CDLL(path).scipy_openblas_get_num_threads64_()
    return None


# NumPy's cblas_dgemm (ILP64): order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc.
DGEMM = ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, ctypes.c_int64, ctypes.c_int64,
                         ctypes.c_int64, ctypes.c_double, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p,
                         ctypes.c_int64, ctypes.c_double, ctypes.c_void_p, ctypes.c_int64)


def blas_blocks(f, *args):
    """f(*args) and the (rows, columns) of each block it handed to BLAS
    (scanjit_gemm_f64 calling a recording wrapper of NumPy's dgemm)."""
    blas = DGEMM(gemm.numpy_blas()["f64"])
    blocks = []

    def recording(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
        blocks.append((m, n))
        blas(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)

    wrapper = DGEMM(recording)
    set_gemm = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(runtime.address("scanjit_set_gemm_f64"))
    set_gemm(ctypes.cast(wrapper, ctypes.c_void_p).value)
    try:
        return f(*args), blocks
    finally:
        set_gemm(gemm.numpy_blas()["f64"])


@pytest.mark.parametrize("m, k, n, columns", [(32, 256, 128, 64), (32, 128, 256, 128), (32, 256, 132, 72)])
def test_a_shared_products_columns_in_two_blocks_at_least(m, k, n, columns):
    """From PARALLEL_FROM multiply-adds a block has at most half the columns,
    whole cache lines (a GRU's backward step: 32x256 by 256x128), so that a
    second thread has a block too; the bits of one thread, and NumPy's."""
    if not gemm.numpy_blas():
        pytest.skip("NumPy's BLAS is not the OpenBLAS of its wheels")
    a, b = pt.dmatrices("a", "b")
    f = scanjit.function([a, b], pt.dot(a, b))
    rng = np.random.default_rng(6)
    av, bv = rng.normal(size=(m, k)), rng.normal(size=(k, n))
    assert m * k * n >= gemm.PARALLEL_FROM
    runtime.set_threads(2)
    try:
        got, blocks = blas_blocks(f, av, bv)
    finally:
        runtime.set_threads(threads_module.default_threads())
    assert {cols for _, cols in blocks} == {columns, n - columns}
    assert {rows for rows, _ in blocks} == {m}
    runtime.set_threads(1)
    try:
        np.testing.assert_array_equal(f(av, bv), got)
    finally:
        runtime.set_threads(threads_module.default_threads())
    np.testing.assert_array_equal(got, by_parts_of_k(av, bv))


def test_products_on_two_threads_at_once_as_on_one():
    """A scan of BLAS-sized products (k > DEPTH), called from two threads at
    the same time (calls run without the GIL): the bits of one call alone."""
    X, W = pt.tensor3("X"), pt.dmatrix("W")
    ys = scanjit.scan(lambda x, W: pt.dot(x, W), sequences=[X], non_sequences=[W], return_updates=False)
    f = scanjit.function([X, W], ys)
    rng = np.random.default_rng(4)
    args = rng.normal(size=(40, 16, 200)), rng.normal(size=(200, 96))
    alone = f(*args)
    np.testing.assert_allclose(alone, args[0] @ args[1], rtol=1e-12, atol=1e-12)
    results = [None, None]

    def call(i):
        results[i] = [f(*args) for _ in range(20)]

    workers = [threading.Thread(target=call, args=(i,)) for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for got in results[0] + results[1]:
        np.testing.assert_array_equal(got, alone)


def test_nans_and_infinities_propagate():
    a, b = pt.dmatrices("a", "b")
    f = scanjit.function([a, b], pt.dot(a, b))
    av = np.array([[np.inf, 1.0], [np.nan, 0.0]])
    bv = np.array([[0.0, 1.0], [2.0, -np.inf]])
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(f(av, bv), av @ bv)


def test_a_batched_recurrence_in_a_scan_step():
    """A batch of 16 states times a 64×64 matrix per step: BLAS-sized."""
    X, h0, W = pt.tensor3("X"), pt.dmatrix("h0"), pt.dmatrix("W")
    hs = scanjit.scan(lambda x, h, W: x + pt.dot(h, W), sequences=[X], outputs_info=[h0],
                      non_sequences=[W], return_updates=False)
    rng = np.random.default_rng(0)
    args = rng.normal(size=(5, 16, 64)), rng.normal(size=(16, 64)), rng.normal(size=(64, 64)) * 0.1
    expected, h = [], args[1]
    for x in args[0]:
        h = x + np.dot(h, args[2])
        expected.append(h)
    got = scanjit.function([X, h0, W], hs)(*args)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got, scanjit.function([X, h0, W], hs, mode="py")(*args))


def test_the_mismatch_check_still_comes_first():
    a, b = pt.dmatrices("a", "b")
    with pytest.raises(ValueError, match="not aligned"):
        scanjit.function([a, b], pt.dot(a, b))(np.ones((40, 40)), np.ones((41, 40)))


# Column counts covering the blocks of 64, 8 and 1 columns (and row counts
# the blocks of 8 rows); k from 0.
# (9, 139): blocks of columns of every width, the widest (`vector_lanes`) too;
# (100, 100), (10, 600): B larger than `L1_CHUNK`, k in chunks (of 8 rows, the
# least, for 600 columns) whose sums resume from C.
VECTOR_SHAPES = [(1, 1), (0, 5), (5, 0), (3, 8), (7, 9), (64, 64), (5, 71), (130, 3), (17, 200), (9, 139),
                 (100, 100), (10, 600)]


def test_the_widest_block_of_columns_is_eight_host_vector_registers():
    """8 sums a vector register wide each: AVX2 has 16 registers, and 16
    sums of 4 doubles spilled to the stack."""
    core = getattr(np, "_core", None) or np.core  # NumPy 2, or 1.26
    features = core._multiarray_umath.__cpu_features__  # NumPy's own view of the CPU
    width = 64 if features.get("AVX512F") else 32 if features.get("AVX") else 16
    assert (gemm.vector_lanes("f64"), gemm.vector_lanes("f32")) == (width // 8, width // 4)
    assert f"@columns{width}_f64(" in gemm.gemm_ir()  # 8 registers of width / 8 doubles


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k, n", VECTOR_SHAPES)
def test_products_with_a_vector_sum_in_k_order(dtype, k, n):
    """v·X, X·w, and their transposed forms Xᵀ·v = v·X and w·Xᵀ = X·w (no
    copy of Xᵀ), as the reference interpreter, whatever their size."""
    X, v, w = pt.matrix("X", dtype=dtype), pt.vector("v", dtype=dtype), pt.vector("w", dtype=dtype)
    rng = np.random.default_rng(k * 1000 + n)
    xv, vv, wv = (rng.normal(size=s).astype(dtype) for s in ((k, n), k, n))
    v_x, x_w = k_order(vv[None], xv)[0], k_order(xv, wv[:, None])[:, 0]
    for expr, inputs, args, expected in ((pt.dot(v, X), [X, v], (xv, vv), v_x), (pt.dot(X.T, v), [X, v], (xv, vv), v_x),
                                         (pt.dot(X, w), [X, w], (xv, wv), x_w), (pt.dot(w, X.T), [X, w], (xv, wv), x_w)):
        got = scanjit.function(inputs, expr)(*args)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(scanjit.function(inputs, expr, mode="py")(*args), got)


def test_vector_products_in_a_scan_step():
    """Products whose matrix is invariant (M·h and h·Uᵀ: copied transposed
    once before the loop) and whose matrix changes each step (S·h, h·Sᵀ)."""
    X, h0, U, M = pt.dmatrix("X"), pt.dvector("h0"), pt.dmatrix("U"), pt.dmatrix("M")

    def step(x, h, S, U, M):
        h_new = x + pt.dot(h, U) + pt.dot(M, h) + pt.dot(h, U.T)
        S_new = S + pt.outer(h_new, h_new)
        return h_new, S_new, pt.dot(S_new, h_new) + pt.dot(h_new, S_new.T)

    (hs, Ss, ys) = scanjit.scan(step, sequences=[X], outputs_info=[h0, pt.zeros((X.shape[1], X.shape[1])), None],
                                non_sequences=[U, M], return_updates=False)
    rng = np.random.default_rng(1)
    args = rng.normal(size=(6, 70)), rng.normal(size=70), rng.normal(size=(70, 70)) * 0.1, \
        rng.normal(size=(70, 70)) * 0.1
    got = scanjit.function([X, h0, U, M], [hs, ys])(*args)
    expected = scanjit.function([X, h0, U, M], [hs, ys], mode="py")(*args)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
    h, S = args[1], np.zeros((70, 70))
    for x in args[0]:
        h = x + h @ args[2] + args[3] @ h + h @ args[2].T
        S = S + np.outer(h, h)
    np.testing.assert_allclose(got[0][-1], h, rtol=1e-12)
    np.testing.assert_allclose(got[1][-1], S @ h + h @ S.T, rtol=1e-12)


def test_vector_products_propagate_nans_and_infinities():
    X, v = pt.dmatrix("X"), pt.dvector("v")
    xv = np.array([[np.inf, 1.0, 0.0], [np.nan, 0.0, 2.0]])
    vv = np.array([0.0, -np.inf])
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(scanjit.function([X, v], pt.dot(v, X))(xv, vv), vv @ xv)
        np.testing.assert_array_equal(scanjit.function([X, v], pt.dot(X.T, v))(xv, vv), xv.T @ vv)


# (T, B, H, C): around BLAS_FROM multiply-adds (T·B·H·C), and empty.
BATCHED_SHAPES = [(3, 2, 4, 5), (40, 16, 32, 20), (0, 3, 4, 5), (7, 5, 0, 3), (7, 5, 70, 30)]


@pytest.mark.parametrize("T, B, H, C", BATCHED_SHAPES)
def test_a_stack_by_a_matrix_is_one_product(T, B, H, C):
    """x·V, g·Vᵀ of stacks (T, B, ·), and the gradient dV = Σ xᵀg over the
    T·B rows (a product contracting two axes): one gemm each, as the
    reference interpreter sums them (to rounding: NumPy's OpenBLAS splits the
    reference's rows among its threads, and on some CPUs its edge rows round
    otherwise); one function, every shape."""
    X, G, V = pt.tensor3("X"), pt.tensor3("G"), pt.dmatrix("V")
    y = pt.dot(X, V)
    outputs = [y, pt.dot(G, V.T), scanjit.grad((y * G).sum(), V)]
    compiled, reference = (scanjit.function([X, V, G], outputs, mode=mode) for mode in (None, "py"))
    rng = np.random.default_rng(T * B + H * C)
    x, v, g = rng.normal(size=(T, B, H)), rng.normal(size=(H, C)), rng.normal(size=(T, B, C))
    got = compiled(x, v, g)
    for value, expected in zip(got, [x @ v, g @ v.T, np.einsum("tbh,tbc->hc", x, g)]):
        np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    for value, same in zip(got, reference(x, v, g)):
        np.testing.assert_allclose(value, same, rtol=1e-13, atol=1e-13)
    with pytest.raises(ValueError, match="dot of 'X' and 'V'"):
        compiled(x, rng.normal(size=(H + 1, C)), g)


def test_a_stack_by_a_matrix_in_a_scan_step():
    """Each step's (B, S, H) slice by W: one product per step, rows a fresh copy of a view."""
    X, W = pt.tensor4("X"), pt.dmatrix("W")
    ys = scanjit.scan(lambda x, W: pt.dot(x[:, ::2], W), sequences=[X], non_sequences=[W],
                      return_updates=False)
    rng = np.random.default_rng(1)
    for T in (0, 4):
        x, w = rng.normal(size=(T, 6, 10, 64)), rng.normal(size=(64, 40))
        got = scanjit.function([X, W], ys)(x, w)
        np.testing.assert_allclose(got, x[:, :, ::2] @ w, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(got, scanjit.function([X, W], ys, mode="py")(x, w))
