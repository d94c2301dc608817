"""Emission of inv, solve and det (scanjit/tensor/factorized.py): `sj.call`s
of the runtime's `scanjit_gesv_*` / `scanjit_getrf_*`, NumPy's own LAPACK
(scanjit/runtime/lapack.py), on column-major copies as NumPy makes them,
then NumPy's checks and its arithmetic on the factors (det's sign and
logarithms)."""

from __future__ import annotations

import numpy as np
from xdsl.dialects import arith, math, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, TensorType
from xdsl.ir import SSAValue

from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.scalar import ELEMENT_TYPES, from_index
from scanjit.passes.support.builder import empty_like_dims
from scanjit.runtime.lapack import available
from scanjit.tensor.factorized import Det, MatrixInverse, Solve

I64, F64 = ELEMENT_TYPES["int64"], ELEMENT_TYPES["float64"]


def square_length(e: Emitter, x: SSAValue, what: str) -> SSAValue:
    """The length of the square matrix x, after checking that it is square."""
    n, m = e.dim(x, 0), e.dim(x, 1)
    e.check(e.cmp(n, m, "eq"), f"LinAlgError: {what}: the matrix must be square, got ($0, $1)",
            [from_index(e.emit, n), from_index(e.emit, m)])
    return n


def transposed(e: Emitter, x: SSAValue, rows: SSAValue, cols: SSAValue) -> SSAValue:
    """A cols × rows copy of the rows × cols x, transposed: its row-major
    buffer is x in column-major order (LAPACK's)."""
    element = x.type.element_type
    out = empty_like_dims(e, TensorType(element, [DYNAMIC_INDEX, DYNAMIC_INDEX]), [cols, rows])

    def copy(_, ivs, acc):
        value = e.emit(tensor.ExtractOp(x, [ivs[1], ivs[0]], element))
        return [e.emit(tensor.InsertOp(value, acc[0], ivs))]

    return e.loop_nest([cols, rows], [out], copy)[0]


def identity(e: Emitter, n: SSAValue) -> SSAValue:
    out = empty_like_dims(e, TensorType(F64, [DYNAMIC_INDEX, DYNAMIC_INDEX]), [n, n])

    def entry(_, ivs, acc):
        value = e.select(e.cmp(ivs[0], ivs[1], "eq"), e.const(1.0, "float64"), e.const(0.0, "float64"))
        return [e.emit(tensor.InsertOp(value, acc[0], ivs))]

    return e.loop_nest([n, n], [out], entry)[0]


def pivots(e: Emitter, n: SSAValue) -> SSAValue:
    return e.emit(tensor.EmptyOp([n], TensorType(I64, [DYNAMIC_INDEX])))


def gesv(e: Emitter, a: SSAValue, b: SSAValue, n: SSAValue, nrhs: SSAValue):
    """LAPACK's solution of a x = b, a and b column-major: (x column-major, info)."""
    _, x, _, info = e.call("scanjit_gesv_f64", [a, b, pivots(e, n), from_index(e.emit, n),
                                                          from_index(e.emit, nrhs)], [0, 1, 2], I64)
    return x, info


@emits(MatrixInverse)
def emit_inverse(e: Emitter, node) -> list[SSAValue]:
    """np.linalg.inv: gesv of a column-major copy and the identity."""
    available("inv")
    x = e.value(node.inputs[0])
    n = square_length(e, x, "inv")
    inverse, info = gesv(e, transposed(e, x, n, n), identity(e, n), n, n)
    e.check(e.cmp(info, e.const(0, "int64"), "eq"), "LinAlgError: Singular matrix")
    return [transposed(e, inverse, n, n)]


@emits(Solve)
def emit_solve(e: Emitter, node) -> list[SSAValue]:
    """gesv of column-major copies of a and b; NaNs where a is singular (PyTensor's)."""
    available("solve")
    a_var, b_var = node.inputs
    a, b = e.value(a_var), e.value(b_var)
    n = square_length(e, a, "solve")
    rows = e.dim(b, 0)
    e.check(e.cmp(rows, n, "eq"), "ValueError: solve: b has $0 rows, a has $1",
            [from_index(e.emit, rows), from_index(e.emit, n)])
    nrhs = e.dim(b, 1) if b_var.ndim == 2 else e.index(1)
    b_columns = transposed(e, b, rows, nrhs) if b_var.ndim == 2 else copy_vector(e, b, rows)
    x, info = gesv(e, transposed(e, a, n, n), b_columns, n, nrhs)
    x = transposed(e, x, nrhs, rows) if b_var.ndim == 2 else x
    singular = e.cmp(info, e.const(0, "int64"), "ne")
    nan = e.const(np.nan, "float64")
    return [e.map([x], x.type, lambda xs: e.select(singular, nan, xs[0]))]


def copy_vector(e: Emitter, v: SSAValue, n: SSAValue) -> SSAValue:
    """A copy of the vector v of length n, in a buffer of its own (gesv writes it)."""
    element = v.type.element_type
    out = empty_like_dims(e, TensorType(element, [DYNAMIC_INDEX]), [n])
    return e.loop(n, [out], lambda _, i, acc: [e.emit(tensor.InsertOp(e.emit(tensor.ExtractOp(v, [i], element)),
                                                                       acc[0], [i]))])[0]


@emits(Det)
def emit_det(e: Emitter, node) -> list[SSAValue]:
    """NumPy's det: getrf of a column-major copy; the sign of the pivots'
    row exchanges and of U's diagonal; sign · exp(Σ log|uᵢᵢ|); 0 when
    getrf finds U singular."""
    available("det")
    x, dtype = e.value(node.inputs[0]), "float64"
    n = square_length(e, x, "det")
    lu, ipiv, info = e.call("scanjit_getrf_f64", [transposed(e, x, n, n), pivots(e, n), from_index(e.emit, n)],
                            [0, 1], I64)

    def exchanges(_, i, acc):
        pivot = e.emit(tensor.ExtractOp(ipiv, [i], I64))
        moved = e.cmp(pivot, e.emit(arith.AddiOp(from_index(e.emit, i), e.const(1, "int64"))), "ne")
        return [e.emit(arith.XOrIOp(acc[0], moved))]

    (odd,) = e.loop(n, [e.const(False, "bool")], exchanges)
    one = e.const(1, dtype)

    def diagonal(_, i, acc):
        sign, logdet = acc
        u = e.emit(tensor.ExtractOp(lu, [i, i], F64))
        negative = e.emit(arith.CmpfOp(u, e.const(0, dtype), "olt"))
        sign = e.select(negative, e.emit(arith.NegfOp(sign)), sign)
        magnitude = e.select(negative, e.emit(arith.NegfOp(u)), u)
        return [sign, e.emit(arith.AddfOp(logdet, e.emit(math.LogOp(magnitude))))]

    sign, logdet = e.loop(n, [e.select(odd, e.emit(arith.NegfOp(one)), one), e.const(0, dtype)], diagonal)
    singular = e.cmp(info, e.const(0, "int64"), "ne")
    sign = e.select(singular, e.const(0, dtype), sign)
    logdet = e.select(singular, e.const(-np.inf, dtype), logdet)
    return [e.emit(arith.MulfOp(sign, e.emit(math.ExpOp(logdet))))]
