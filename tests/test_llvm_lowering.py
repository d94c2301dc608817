"""End-to-end tests of the llvm lowering: hand-written MLIR on memrefs goes
through the cf/llvm passes, is JIT-compiled by `scanjit.driver.jit` and called with
the slot-array ABI (see passes/convert_func_to_llvm.py); results are compared
with NumPy."""

import ctypes

import numpy as np
import pytest
from xdsl.parser import Parser

from scanjit import runtime
from scanjit.driver.pipeline import context, lower
from scanjit.driver.jit import Compiled, compile_module
from scanjit.passes import PIPELINE

# The tail of the pipeline: from scf/arith/math/memref/func/cf to llvm.
LOWERING = PIPELINE[PIPELINE.index("convert-scf-while-to-cf"):]
runtime_free = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(runtime.address("scanjit_free"))


def compile_mlir(source: str) -> Compiled:
    module = lower(Parser(context(), source).parse_module(), LOWERING)
    module.verify()
    assert all(op.dialect_name() == "llvm" for op in module.body.walk())
    return compile_module(module)


class Memref:
    """Result spec: a memref of `rank` with elements of `dtype`."""

    def __init__(self, dtype, rank: int):
        self.dtype, self.rank = np.dtype(dtype), rank


def call(compiled: Compiled, name: str, args, results):
    """Call `name` with NumPy arrays (memrefs) and NumPy scalars (e.g.
    np.float32(1)); return (status, outputs), outputs only when status is 0."""
    # The addresses of C-contiguous arrays (0-d for scalars), in one argument vector.
    keep = [np.ascontiguousarray(a) if isinstance(a, np.ndarray) else np.array(a) for a in args]
    n_out = sum(r.rank + 1 if isinstance(r, Memref) else 1 for r in results)
    out_slots = np.zeros(max(n_out, 1), dtype=np.uint64)
    entry = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)
    status = entry(compiled.address(name))((ctypes.c_void_p * len(keep))(*map(id, keep)), out_slots.ctypes.data)
    outputs = []
    if status != 0:
        return status, outputs
    k = 0
    for r in results:
        if isinstance(r, Memref):
            ptr, shape = int(out_slots[k]), tuple(int(s) for s in out_slots[k + 1 : k + 1 + r.rank])
            count = int(np.prod(shape))
            buf = (ctypes.c_uint8 * (count * r.dtype.itemsize)).from_address(ptr)
            outputs.append(np.frombuffer(buf, dtype=r.dtype).reshape(shape).copy())
            runtime_free(ptr)
            k += r.rank + 1
        else:
            dtype = np.dtype(r)
            outputs.append(out_slots[k : k + 1].view(np.uint8)[: dtype.itemsize].view(dtype)[0])
            k += 1
    return status, outputs


SCALE_AND_SUM = """
func.func @scale(%a: memref<?x3xf64>, %s: f64) -> (memref<?x3xf64>, f64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %n = memref.dim %a, %c0 : memref<?x3xf64>
  %nonempty = arith.cmpi sgt, %n, %c0 : index
  sj.check %nonempty, "ValueError: empty input"
  %out = memref.alloc(%n) : memref<?x3xf64>
  %zero = arith.constant 0.0 : f64
  %total = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f64) {
    %row = scf.for %j = %c0 to %c3 step %c1 iter_args(%r = %acc) -> (f64) {
      %x = memref.load %a[%i, %j] : memref<?x3xf64>
      %y = arith.mulf %x, %s : f64
      memref.store %y, %out[%i, %j] : memref<?x3xf64>
      %r2 = arith.addf %r, %y : f64
      scf.yield %r2 : f64
    }
    scf.yield %row : f64
  }
  func.return %out, %total : memref<?x3xf64>, f64
}
"""


def test_memref_loops_and_assert():
    compiled = compile_mlir(SCALE_AND_SUM)
    a = np.random.default_rng(0).normal(size=(7, 3))
    status, (out, total) = call(compiled, "scale", [a, np.float64(2.5)], [Memref(np.float64, 2), np.float64])
    assert status == 0
    np.testing.assert_allclose(out, a * 2.5)
    assert total == pytest.approx((a * 2.5).sum())
    # The failing assert returns the 1-based index of its message.
    status, _ = call(compiled, "scale", [np.zeros((0, 3)), np.float64(1.0)], [Memref(np.float64, 2), np.float64])
    assert status == 1
    assert compiled.errors == ["ValueError: empty input"]
    # The body was inlined into the entry point with its noalias facts, and vectorized.
    assert "noalias" in compiled.llvm_ir
    assert "x double>" in compiled.llvm_ir_opt
    assert "scale" in compiled.asm


COLLATZ = """
func.func @steps(%x0: i64) -> i64 {
  %one = arith.constant 1 : i64
  %two = arith.constant 2 : i64
  %three = arith.constant 3 : i64
  %zero = arith.constant 0 : i64
  %r:2 = scf.while (%x = %x0, %k = %zero) : (i64, i64) -> (i64, i64) {
    %go = arith.cmpi ne, %x, %one : i64
    scf.condition(%go) %x, %k : i64, i64
  } do {
  ^bb0(%y: i64, %n: i64):
    %rem = arith.remsi %y, %two : i64
    %even = arith.cmpi eq, %rem, %zero : i64
    %next = scf.if %even -> (i64) {
      %h = arith.divsi %y, %two : i64
      scf.yield %h : i64
    } else {
      %t = arith.muli %y, %three : i64
      %t1 = arith.addi %t, %one : i64
      scf.yield %t1 : i64
    }
    %n1 = arith.addi %n, %one : i64
    scf.yield %next, %n1 : i64, i64
  }
  func.return %r#1 : i64
}

// Sum over rows of the number of halvings until each value is < 1.
func.func @halvings(%a: memref<?xf32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %zero = arith.constant 0 : i32
  %one = arith.constant 1 : i32
  %half = arith.constant 0.5 : f32
  %limit = arith.constant 1.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (i32) {
    %x = memref.load %a[%i] : memref<?xf32>
    %w:2 = scf.while (%v = %x, %k = %acc) : (f32, i32) -> (f32, i32) {
      %go = arith.cmpf oge, %v, %limit : f32
      scf.condition(%go) %v, %k : f32, i32
    } do {
    ^bb0(%v2: f32, %k2: i32):
      %v3 = arith.mulf %v2, %half : f32
      %k3 = arith.addi %k2, %one : i32
      scf.yield %v3, %k3 : f32, i32
    }
    scf.yield %w#1 : i32
  }
  func.return %r : i32
}
"""


def _collatz(x: int) -> int:
    k = 0
    while x != 1:
        x = x // 2 if x % 2 == 0 else 3 * x + 1
        k += 1
    return k


def test_while_loops():
    compiled = compile_mlir(COLLATZ)
    for x in (1, 6, 27, 97):
        status, (k,) = call(compiled, "steps", [np.int64(x)], [np.int64])
        assert status == 0 and k == _collatz(x)
    a = np.array([0.5, 1.0, 7.0, 1000.0], dtype=np.float32)
    status, (k,) = call(compiled, "halvings", [a], [np.int32])
    expected = sum(int(np.floor(np.log2(v))) + 1 if v >= 1 else 0 for v in a)
    assert status == 0 and k == expected


CHECKED_GET = """
func.func @get(%a: memref<?xi64>, %i: index, %j: index) -> i64 {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xi64>
  %ok_i = arith.cmpi ult, %i, %n : index
  sj.check %ok_i, "IndexError: index out of range for i"
  %ok_j = arith.cmpi ult, %j, %n : index
  sj.check %ok_j, "IndexError: index out of range for j"
  %ok_i2 = arith.cmpi ne, %i, %j : index
  sj.check %ok_i2, "IndexError: index out of range for i"
  %x = memref.load %a[%i] : memref<?xi64>
  %y = memref.load %a[%j] : memref<?xi64>
  %s = arith.subi %x, %y : i64
  func.return %s : i64
}
"""


def test_assert_codes():
    compiled = compile_mlir(CHECKED_GET)
    assert compiled.errors == [
        "IndexError: index out of range for i",
        "IndexError: index out of range for j",
    ]
    a = np.array([10, 20, 35], dtype=np.int64)
    assert call(compiled, "get", [a, np.int64(2), np.int64(0)], [np.int64]) == (0, [25])
    assert call(compiled, "get", [a, np.int64(3), np.int64(0)], [np.int64])[0] == 1
    assert call(compiled, "get", [a, np.int64(1), np.int64(-1)], [np.int64])[0] == 2
    assert call(compiled, "get", [a, np.int64(1), np.int64(1)], [np.int64])[0] == 1


def _unary_kernel(name: str, t: str, ops: list[str]) -> str:
    """f(%a: memref<KxN x t>) -> memref<KxN x t>: row k applies ops[k] elementwise."""
    body = []
    for k, op in enumerate(ops):
        body.append(f"""
    %x{k} = memref.load %a[%c{k}, %i] : memref<{len(ops)}x?x{t}>
    %y{k} = {op.format(x=f"%x{k}", t=t)}
    memref.store %y{k}, %out[%c{k}, %i] : memref<{len(ops)}x?x{t}>""")
    consts = "\n".join(f"  %c{k} = arith.constant {k} : index" for k in range(len(ops)))
    return f"""
func.func @{name}(%a: memref<{len(ops)}x?x{t}>, %p: {t}, %e: i32) -> memref<{len(ops)}x?x{t}> {{
{consts}
  %one = arith.constant 1 : index
  %n = memref.dim %a, %one : memref<{len(ops)}x?x{t}>
  %out = memref.alloc(%n) : memref<{len(ops)}x?x{t}>
  scf.for %i = %c0 to %n step %one {{{"".join(body)}
  }}
  func.return %out : memref<{len(ops)}x?x{t}>
}}
"""


MATH_OPS = {
    "math.exp {x} : {t}": np.exp,
    "math.log {x} : {t}": np.log,
    "math.tanh {x} : {t}": np.tanh,
    "math.sqrt {x} : {t}": np.sqrt,
    "math.absf {x} : {t}": np.abs,
    "math.sin {x} : {t}": np.sin,
    "math.cos {x} : {t}": np.cos,
    "math.log1p {x} : {t}": np.log1p,
    "math.expm1 {x} : {t}": np.expm1,
    "math.floor {x} : {t}": np.floor,
    "math.ceil {x} : {t}": np.ceil,
    "math.erf {x} : {t}": None,
    "math.powf {x}, %p : {t}": lambda x: x ** 1.5,
    "math.fpowi {x}, %e : {t}, i32": lambda x: x ** 3,
    "arith.negf {x} : {t}": np.negative,
    "arith.maximumf {x}, %p : {t}": lambda x: np.maximum(x, 1.5),
    "arith.minnumf {x}, %p : {t}": lambda x: np.fmin(x, 1.5),
}


def test_math_f32_and_f64_in_one_module():
    import math as pymath

    ops = list(MATH_OPS)
    compiled = compile_mlir(_unary_kernel("k64", "f64", ops) + _unary_kernel("k32", "f32", ops))
    for name, dtype, rtol in (("k64", np.float64, 1e-13), ("k32", np.float32, 2e-6)):
        x = np.linspace(0.05, 3.0, 11).astype(dtype)
        a = np.tile(x, (len(ops), 1))
        status, (out,) = call(
            compiled, name, [a, dtype(1.5), np.int32(3)], [Memref(dtype, 2)]
        )
        assert status == 0 and out.dtype == dtype
        for k, op in enumerate(ops):
            ref = MATH_OPS[op] or np.vectorize(pymath.erf)
            np.testing.assert_allclose(out[k], ref(x).astype(dtype), rtol=rtol, err_msg=op)
    assert '@"llvm.log.f32"' in compiled.llvm_ir and '@"llvm.log.f64"' in compiled.llvm_ir


INTEGERS = """
func.func @ints(%a: i64, %b: i64, %e: i64, %u: i64, %f: f64) -> (i64, i64, i64, i64, i64, i64, i64, i32, i64, f64, f64, i1, i64, i8) {
  %div = arith.divsi %a, %b : i64
  %rem = arith.remsi %a, %b : i64
  %fdiv = arith.floordivsi %a, %b : i64
  %max = arith.maxsi %a, %b : i64
  %min = arith.minsi %a, %b : i64
  %pow = math.ipowi %a, %e : i64
  %abs = math.absi %a : i64
  %a32 = arith.trunci %a : i64 to i32
  %c3 = arith.constant 3 : i32
  %c85 = arith.constant 85 : i32
  %x32 = arith.xori %a32, %c85 : i32
  %sh = arith.shli %a32, %c3 : i32
  %mix = arith.ori %sh, %x32 : i32
  %fi = arith.fptosi %f : f64 to i64
  %uf = arith.uitofp %u : i64 to f64
  %sf = arith.sitofp %u : i64 to f64
  %lt = arith.cmpi ult, %a, %b : i64
  %ext = arith.extui %lt : i1 to i64
  %sel = arith.select %lt, %a, %ext : i64
  %t8 = arith.trunci %b : i64 to i8
  func.return %div, %rem, %fdiv, %max, %min, %pow, %abs, %mix, %fi, %uf, %sf, %lt, %sel, %t8 : i64, i64, i64, i64, i64, i64, i64, i32, i64, f64, f64, i1, i64, i8
}
"""


@pytest.mark.parametrize(
    "a,b,e", [(7, 2, 3), (-7, 2, 5), (7, -2, 0), (-7, -2, -1), (1, 3, -4), (-1, 3, -3), (2, 300, 63)]
)
def test_integer_ops(a, b, e):
    compiled = compile_mlir(INTEGERS)
    u = np.uint64(2**64 - 2**11)
    f = 1e300
    results = [np.int64] * 7 + [np.int32, np.int64, np.float64, np.float64, np.bool_, np.int64, np.int8]
    status, out = call(compiled, "ints", [np.int64(a), np.int64(b), np.int64(e), u, np.float64(f)], results)
    assert status == 0
    div, rem, fdiv, mx, mn, pw, ab, mix, fi, uf, sf, lt, sel, t8 = out
    assert div == int(a / b) and rem == a - b * int(a / b)
    assert fdiv == a // b and mx == max(a, b) and mn == min(a, b)
    if e >= 0:
        expected = (a**e + 2**63) % 2**64 - 2**63  # wrapping
    else:
        expected = 1 if a == 1 else (-1) ** (-e) if a == -1 else 0
    assert pw == expected and ab == abs(a)
    assert mix == (np.int32(a) << np.int32(3)) | (np.int32(a) ^ np.int32(85))
    assert fi == 2**63 - 1  # saturating fptosi
    assert uf == float(2**64 - 2**11) and sf == float(-(2**11))
    assert lt == (np.uint64(np.int64(a)) < np.uint64(np.int64(b)))
    assert sel == (a if lt else 0)
    assert t8 == np.int64(b).astype(np.int8)


def _saturate(x: float, bits: int) -> int:
    return max(min(int(x), 2 ** (bits - 1) - 1), -(2 ** (bits - 1)))


def test_fptosi_nan_and_uitofp_rounding():
    src = """
func.func @conv(%f: f64, %u: i64, %g: f32) -> (i32, f64, f32, i64) {
  %i = arith.fptosi %f : f64 to i32
  %d = arith.uitofp %u : i64 to f64
  %s = arith.uitofp %u : i64 to f32
  %j = arith.fptosi %g : f32 to i64
  func.return %i, %d, %s, %j : i32, f64, f32, i64
}
"""
    compiled = compile_mlir(src)
    res = [np.int32, np.float64, np.float32, np.int64]
    for f, u, g in [(np.nan, 2**63 + 1025, -3.7), (-1e20, 1, 1e30), (3.99, 2**64 - 1, -1e30)]:
        status, (i, d, s, j) = call(compiled, "conv", [np.float64(f), np.uint64(u), np.float32(g)], res)
        assert status == 0
        assert i == (0 if np.isnan(f) else _saturate(f, 32))
        assert d == np.float64(np.uint64(u)) and s == np.float32(np.uint64(u))
        assert j == _saturate(float(np.float32(g)), 64)


INDEX_AND_BOOLS = """
func.func @grid(%m: memref<?x?xi1>, %v: memref<f64>) -> (memref<?x?xi1>, memref<4x?xi1>, i64, index, memref<f64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = memref.dim %m, %c0 : memref<?x?xi1>
  %cols = memref.dim %m, %c1 : memref<?x?xi1>
  %neg = memref.alloc(%rows, %cols) : memref<?x?xi1>
  %true = arith.constant true
  %zero = arith.constant 0 : index
  %sum = scf.for %i = %c0 to %rows step %c1 iter_args(%acc = %zero) -> (index) {
    %inner = scf.for %j = %c0 to %cols step %c1 iter_args(%acc2 = %acc) -> (index) {
      %b = memref.load %m[%i, %j] : memref<?x?xi1>
      %nb = arith.xori %b, %true : i1
      memref.store %nb, %neg[%i, %j] : memref<?x?xi1>
      %ij = arith.muli %i, %j : index
      %t = arith.addi %acc2, %ij : index
      scf.yield %t : index
    }
    scf.yield %inner : index
  }
  %copy = memref.alloc(%rows, %cols) : memref<?x?xi1>
  "memref.copy"(%neg, %copy) : (memref<?x?xi1>, memref<?x?xi1>) -> ()
  %fixed = "memref.cast"(%copy) : (memref<?x?xi1>) -> memref<4x?xi1>
  %d = memref.dim %m, %c1 : memref<?x?xi1>
  %s64 = arith.index_cast %sum : index to i64
  %x = memref.load %v[] : memref<f64>
  %scratch = memref.alloca() : memref<f64>
  %x2 = arith.addf %x, %x : f64
  memref.store %x2, %scratch[] : memref<f64>
  %y = memref.load %scratch[] : memref<f64>
  %r0 = memref.alloc() : memref<f64>
  memref.store %y, %r0[] : memref<f64>
  func.return %neg, %fixed, %s64, %d, %r0 : memref<?x?xi1>, memref<4x?xi1>, i64, index, memref<f64>
}
"""


def test_index_arithmetic_bools_rank0():
    compiled = compile_mlir(INDEX_AND_BOOLS)
    m = np.random.default_rng(1).random((4, 5)) > 0.5
    res = [Memref(np.bool_, 2), Memref(np.bool_, 2), np.int64, np.int64, Memref(np.float64, 0)]
    status, (neg, copy, s, d, r0) = call(compiled, "grid", [m, np.array(1.25)], res)
    assert status == 0
    np.testing.assert_array_equal(neg, ~m)
    np.testing.assert_array_equal(copy, ~m)
    assert set(np.unique(neg.view(np.uint8))) <= {0, 1}
    assert s == sum(i * j for i in range(4) for j in range(5)) and d == 5
    assert r0.shape == () and r0 == 2.5


def test_unsupported_op_is_named():
    with pytest.raises(NotImplementedError, match="arith.ceildivsi"):
        compile_mlir("""
func.func @f(%a: i64) -> i64 {
  %r = arith.ceildivsi %a, %a : i64
  func.return %r : i64
}
""")


def test_a_call_of_an_undefined_function_fails_to_compile():
    """MCJIT would bind an unknown symbol to address 0 and crash at the call."""
    with pytest.raises(RuntimeError, match="no_such_function, which no library defines"):
        compile_mlir("""
func.func private @no_such_function(i64) -> i64
func.func @f(%a: i64) -> i64 {
  %r = func.call @no_such_function(%a) : (i64) -> i64
  func.return %r : i64
}
""")


def test_bool_and_narrow_scalars():
    compiled = compile_mlir("""
func.func @pick(%c: i1, %a: f32, %b: i32) -> (f32, i1, i32) {
  %z = arith.constant 0.0 : f32
  %r = arith.select %c, %a, %z : f32
  %true = arith.constant true
  %nc = arith.xori %c, %true : i1
  %one = arith.constant 1 : i32
  %b1 = arith.addi %b, %one : i32
  func.return %r, %nc, %b1 : f32, i1, i32
}
""")
    res = [np.float32, np.bool_, np.int32]
    assert call(compiled, "pick", [np.bool_(True), np.float32(1.5), np.int32(-8)], res) == (0, [1.5, False, -7])
    assert call(compiled, "pick", [np.bool_(False), np.float32(1.5), np.int32(41)], res) == (0, [0.0, True, 42])


PING_PONG = """
// Loop-carried memrefs (block arguments of descriptor type after lowering):
// k rounds of b[i] = a[i] + 1, swapping the buffers each round.
func.func @rounds(%a: memref<?xf64>, %k: index) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f64
  %n = memref.dim %a, %c0 : memref<?xf64>
  %src = memref.alloc(%n) : memref<?xf64>
  "memref.copy"(%a, %src) : (memref<?xf64>, memref<?xf64>) -> ()
  %dst = memref.alloc(%n) : memref<?xf64>
  %r:2 = scf.for %t = %c0 to %k step %c1 iter_args(%x = %src, %y = %dst) -> (memref<?xf64>, memref<?xf64>) {
    scf.for %i = %c0 to %n step %c1 {
      %v = memref.load %x[%i] : memref<?xf64>
      %w = arith.addf %v, %one : f64
      memref.store %w, %y[%i] : memref<?xf64>
    }
    scf.yield %y, %x : memref<?xf64>, memref<?xf64>
  }
  memref.dealloc %r#1 : memref<?xf64>
  func.return %r#0 : memref<?xf64>
}
"""


def test_loop_carried_memrefs():
    compiled = compile_mlir(PING_PONG)
    a = np.arange(5, dtype=np.float64)
    for k in (0, 1, 4):
        status, (out,) = call(compiled, "rounds", [a, np.int64(k)], [Memref(np.float64, 1)])
        assert status == 0
        np.testing.assert_array_equal(out, a + k)
