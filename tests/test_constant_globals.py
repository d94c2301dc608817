"""Constant tensors are data, not ops: a read-only global (bufferize), whatever
their size, read in place and copied before a write or when returned. And
bufferize's time grows linearly with the ops of a block (it once grew as the
square: a constant was one insert per element)."""

import time

import numpy as np
import pytest
from xdsl.dialects import arith, func, tensor
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp, TensorType, f64
from xdsl.ir import Block, Region

import scanjit
import scanjit.tensor as pt
from scanjit import runtime
from scanjit.runtime import threads
from scanjit.driver.pipeline import context, lower
from scanjit.emit import emit_function
from scanjit.passes import PIPELINE, get_pass
from scanjit.scan.utils import until

DTYPES = ["float32", "float64", "int8", "int16", "int32", "int64", "bool"]
SHAPES = [(7,), (3, 4), (2, 3, 5), (2000,)]  # 2000: printed as hex in the IR


def data(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    return (rng.normal(size=shape) * 40).astype(dtype)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_constants_read_and_returned(dtype, shape):
    """Read elementwise and returned: the result is a copy the caller owns."""
    c = data(dtype, shape)
    x = pt.tensor("x", dtype=dtype, shape=(None,) * len(shape))
    combined = x ^ pt.constant(c) if dtype == "bool" else x * pt.constant(c) - x
    f = scanjit.function([x], [combined, pt.constant(c)])
    v = data(dtype, shape, seed=1)
    for _ in range(2):
        got, returned = f(v)
        np.testing.assert_array_equal(got, v ^ c if dtype == "bool" else v * c - v)
        assert got.dtype == c.dtype and returned.dtype == c.dtype
        np.testing.assert_array_equal(returned, c)
        returned[...] = returned.flat[1]  # the caller's own buffer, not the global


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_set_subtensor_on_a_constant_writes_a_copy(dtype):
    c = data(dtype, (5, 3))
    i = pt.lscalar("i")
    f = scanjit.function([i], pt.set_subtensor(pt.constant(c)[i], pt.constant(c[0])))
    for k in [4, 2, 4]:
        expected = c.copy()
        expected[k] = c[0]
        np.testing.assert_array_equal(f(k), expected)


def reference_check(inputs, outputs, *args):
    f, reference = scanjit.function(inputs, outputs), scanjit.function(inputs, outputs, mode="py")
    for got, expected in zip(f(*args), reference(*args)):
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    return f


def test_constants_in_scan_steps_nested_and_until_scans():
    C = data("float64", (4, 3)) / 40
    c = pt.constant(C)
    x = pt.dmatrix("x")
    xs = data("float64", (60, 3), seed=2) / 40
    # read in the step, and as the initial state the loop writes
    stepped, _ = scanjit.scan(lambda row, acc: acc * c[0] + row, sequences=[x],
                              outputs_info=[pt.constant(C[1])])

    def row_sums(r):
        inner, _ = scanjit.scan(lambda a, k, acc: acc + a * k, sequences=[r, c[2]],
                                outputs_info=[pt.constant(0.0, dtype="float64")])
        return inner

    nested, _ = scanjit.scan(row_sums, sequences=[x])
    stopped, _ = scanjit.scan(lambda row, acc: (acc + row * c[3], until(acc.sum() > 1.0)),
                              sequences=[x], outputs_info=[pt.constant(np.zeros(3))])
    reference_check([x], [stepped, nested, stopped], xs)


@pytest.mark.parametrize("count", [1, 4])
def test_a_parallel_map_reads_a_constant(count):
    c = data("float64", (100_000,))
    v = pt.dvector("v")
    out, _ = scanjit.scan(lambda a, b: a * b + 1, sequences=[v, pt.constant(c)])
    f = scanjit.function([v], out)
    assert "scanjit_parallel_for" in f.compiled.llvm_ir
    runtime.set_threads(count)
    runtime.set_part_size(1000)
    try:
        w = data("float64", (100_000,), seed=3)
        np.testing.assert_array_equal(f(w), w * c + 1)
    finally:
        runtime.set_part_size(0)
        runtime.set_threads(threads.default_threads())


def constant_module(size: int):
    x = pt.dvector("x")
    return emit_function([x], [x * 2 + pt.constant(np.arange(size, dtype=np.float64))])


def test_the_ir_does_not_grow_with_the_constant():
    """Every stage has as many ops for 10,000 elements as for 10."""
    small, big = constant_module(10), constant_module(10_000)
    for name in PIPELINE:
        lower(small, [name])
        lower(big, [name])
        assert len(list(small.walk())) == len(list(big.walk())), name


def test_a_large_constant_compiles_quickly(monkeypatch):
    """Compile time grows only with the bytes LLVM copies (was 84 s for 10,000)."""
    monkeypatch.setenv("SCANJIT_CACHE", "0")
    x = pt.dvector("x")
    c = np.arange(100_000, dtype=np.float64) * 0.5
    start = time.perf_counter()
    f = scanjit.function([x], x * 2 + pt.constant(c))
    elapsed = time.perf_counter() - start
    np.testing.assert_array_equal(f(np.ones(100_000)), 2 + c)
    assert elapsed < 3.0, f"{elapsed:.2f} s to compile a 100,000-element constant"


def bufferize_seconds(n: int) -> float:
    """Bufferizing one block of `n` tensor.inserts, each in place (best of 3)."""
    best = float("inf")
    for _ in range(3):
        t = TensorType(f64, [n])
        block = Block(arg_types=[f64])
        empty = tensor.EmptyOp([], t)
        block.add_op(empty)
        value = empty.tensor
        for i in range(n):
            index = arith.ConstantOp(IntegerAttr(i, IndexType()))
            insert = tensor.InsertOp(block.args[0], value, [index.result])
            block.add_ops([index, insert])
            value = insert.result
        block.add_op(func.ReturnOp(value))
        module = ModuleOp([func.FuncOp("f", ([f64], [t]), Region(block))])
        start = time.perf_counter()
        get_pass("bufferize").apply(context(), module)
        best = min(best, time.perf_counter() - start)
    return best


def test_bufferize_is_linear_in_the_size_of_a_block():
    """8 times the inserts: about 8 times the time (it was about 60 times)."""
    small, big = bufferize_seconds(500), bufferize_seconds(4000)
    assert big < 20 * small, f"{small:.3f} s for 500 inserts, {big:.3f} s for 4000"
