"""Emission of inv, solve, det, cholesky, solve_triangular, eigh, svd,
pinv and qr (scanjit/tensor/factorized.py): `sj.call`s of the runtime's
`scanjit_gesv_f64`, `scanjit_getrf_f64`, `scanjit_potrf_f64`, `scanjit_trtrs_f64`,
`scanjit_syevr_f64`, `scanjit_syevd_f64`, `scanjit_gesdd_f64`, `scanjit_geqrf_f64`
and `scanjit_orgqr_f64`, NumPy's own LAPACK
(scanjit/runtime/lapack.py), on column-major copies as NumPy makes them,
then NumPy's checks and its arithmetic on the factors (det's sign and
logarithms)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import arith, math, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, TensorType
from xdsl.ir import SSAValue

from scanjit.dialects import sj
from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.scalar import ELEMENT_TYPES, from_index
from scanjit.passes.support.builder import empty_like_dims
from scanjit.tensor.factorized import (
    QR, SVD, Cholesky, Det, Eigh, LUFactor, MatrixInverse, MatrixPinv, PivotToPermutations, Solve,
    SolveTriangular,
)

I64, F64 = ELEMENT_TYPES["int64"], ELEMENT_TYPES["float64"]
COLUMNS = (1, 0)  # a matrix's axes in column-major order


def square_length(e: Emitter, x: SSAValue, what: str) -> SSAValue:
    """The length of the square matrix x, after checking that it is square."""
    n, m = e.dim(x, 0), e.dim(x, 1)
    e.check(e.cmp(n, m, "eq"), f"LinAlgError: {what}: the matrix must be square, got ($0, $1)",
            [from_index(e.emit, n), from_index(e.emit, m)])
    return n


def copied(e: Emitter, x: SSAValue, dims: list[SSAValue], order: Sequence[int] | None = None) -> SSAValue:
    """A copy of x (of lengths `dims`) in a buffer of its own (LAPACK writes
    it), its axes in `order` (x's axis order[k] as the copy's axis k): a
    matrix's row-major buffer in order (1, 0) holds x in column-major order,
    LAPACK's."""
    order = list(order or range(len(dims)))
    element = x.type.element_type
    out = empty_like_dims(e, TensorType(element, [DYNAMIC_INDEX] * len(dims)), [dims[a] for a in order])

    def copy(_, ivs, acc):
        at = [ivs[order.index(a)] for a in range(len(dims))]
        return [e.emit(tensor.InsertOp(e.emit(tensor.ExtractOp(x, at, element)), acc[0], ivs))]

    return e.loop_nest([dims[a] for a in order], [out], copy)[0]


def right_hand_side(e: Emitter, node, n: SSAValue) -> tuple[SSAValue, SSAValue, SSAValue]:
    """(b's copy in column-major order, its rows, its columns), after checking it has n rows."""
    b, ndim = e.value(node.inputs[1]), node.inputs[1].ndim
    rows = e.dim(b, 0)
    e.check(e.cmp(rows, n, "eq"), f"ValueError: {node.op.what}: b has $0 rows, a has $1",
            [from_index(e.emit, rows), from_index(e.emit, n)])
    if ndim == 1:
        return copied(e, b, [rows]), rows, e.index(1)
    return copied(e, b, [rows, e.dim(b, 1)], COLUMNS), rows, e.dim(b, 1)


def solution(e: Emitter, x: SSAValue, ndim: int, rows: SSAValue, nrhs: SSAValue, info: SSAValue) -> SSAValue:
    """The column-major solution (or factors) x in row-major order, NaNs where LAPACK failed (info != 0)."""
    x = copied(e, x, [nrhs, rows], COLUMNS) if ndim == 2 else x
    failed = e.cmp(info, e.const(0, "int64"), "ne")
    return e.map([x], x.type, lambda xs: e.select(failed, e.const(np.nan, "float64"), xs[0]))


def identity(e: Emitter, n: SSAValue) -> SSAValue:
    out = empty_like_dims(e, TensorType(F64, [DYNAMIC_INDEX, DYNAMIC_INDEX]), [n, n])

    def entry(_, ivs, acc):
        value = e.select(e.cmp(ivs[0], ivs[1], "eq"), e.const(1.0, "float64"), e.const(0.0, "float64"))
        return [e.emit(tensor.InsertOp(value, acc[0], ivs))]

    return e.loop_nest([n, n], [out], entry)[0]


def workspace_allocated(e: Emitter, info: SSAValue, what: str) -> None:
    """MemoryError where the runtime could not allocate LAPACK's workspace (info -1)."""
    e.check(e.cmp(info, e.const(-1, "int64"), "ne"), f"MemoryError: {what}: cannot allocate LAPACK's workspace")


def pivots(e: Emitter, n: SSAValue) -> SSAValue:
    return e.emit(tensor.EmptyOp([n], TensorType(I64, [DYNAMIC_INDEX])))


def gesv(e: Emitter, a: SSAValue, b: SSAValue, n: SSAValue, nrhs: SSAValue):
    """LAPACK's solution of a x = b, a and b column-major: (x column-major, info)."""
    args = [a, b, pivots(e, n), from_index(e.emit, n), from_index(e.emit, nrhs)]
    _, x, _, info = e.call("scanjit_gesv_f64", args, [0, 1, 2], I64)
    return x, info


def getrf(e: Emitter, node, what: str):
    """LAPACK's LU factors of a column-major copy of the node's square input:
    (n, the factors column-major, LAPACK's 1-based pivots, info)."""
    x = e.value(node.inputs[0])
    n = square_length(e, x, what)
    args = [copied(e, x, [n, n], COLUMNS), pivots(e, n), from_index(e.emit, n)]
    return n, *e.call("scanjit_getrf_f64", args, [0, 1], I64)


@emits(MatrixInverse)
def emit_inverse(e: Emitter, node) -> list[SSAValue]:
    """np.linalg.inv: gesv of a column-major copy and the identity."""
    x = e.value(node.inputs[0])
    n = square_length(e, x, "inv")
    inverse, info = gesv(e, copied(e, x, [n, n], COLUMNS), identity(e, n), n, n)
    e.check(e.cmp(info, e.const(0, "int64"), "eq"), "LinAlgError: Singular matrix")
    return [copied(e, inverse, [n, n], COLUMNS)]


@emits(Solve)
def emit_solve(e: Emitter, node) -> list[SSAValue]:
    """gesv of column-major copies of a and b; NaNs where a is singular (PyTensor's)."""
    a, ndim = e.value(node.inputs[0]), node.inputs[1].ndim
    n = square_length(e, a, "solve")
    columns, rows, nrhs = right_hand_side(e, node, n)
    x, info = gesv(e, copied(e, a, [n, n], COLUMNS), columns, n, nrhs)
    return [solution(e, x, ndim, rows, nrhs, info)]


@emits(SolveTriangular)
def emit_solve_triangular(e: Emitter, node) -> list[SSAValue]:
    """trtrs as SciPy calls it for a C-ordered a: a's row-major buffer is aᵀ
    column-major, so aᵀ's other triangle, transposed."""
    op, a, ndim = node.op, e.value(node.inputs[0]), node.inputs[1].ndim
    n = square_length(e, a, "solve_triangular")
    columns, rows, nrhs = right_hand_side(e, node, n)
    flags = [e.const(int(flag), "int64") for flag in (op.lower, True, op.unit_diagonal)]
    x, info = e.call("scanjit_trtrs_f64", [copied(e, a, [n, n]), columns, from_index(e.emit, n),
                                           from_index(e.emit, nrhs), *flags], [1], I64)
    return [solution(e, x, ndim, rows, nrhs, info)]


@emits(Cholesky)
def emit_cholesky(e: Emitter, node) -> list[SSAValue]:
    """potrf of a column-major copy; the other triangle zeros; NaNs where it
    is not positive definite (PyTensor's)."""
    lower, x = node.op.lower, e.value(node.inputs[0])
    n = square_length(e, x, "cholesky")
    columns, info = e.call("scanjit_potrf_f64", [copied(e, x, [n, n], COLUMNS), from_index(e.emit, n),
                                                 e.const(int(not lower), "int64")], [0], I64)
    failed = e.cmp(info, e.const(0, "int64"), "ne")
    out = empty_like_dims(e, TensorType(F64, [DYNAMIC_INDEX, DYNAMIC_INDEX]), [n, n])

    def entry(_, ivs, acc):
        i, j = ivs
        kept = e.cmp(j, i, "sle" if lower else "sge")
        value = e.select(kept, e.emit(tensor.ExtractOp(columns, [j, i], F64)), e.const(0.0, "float64"))
        return [e.emit(tensor.InsertOp(e.select(failed, e.const(np.nan, "float64"), value), acc[0], ivs))]

    return [e.loop_nest([n, n], [out], entry)[0]]


@emits(Det)
def emit_det(e: Emitter, node) -> list[SSAValue]:
    """NumPy's det: getrf of a column-major copy; the sign of the pivots'
    row exchanges and of U's diagonal; sign · exp(Σ log|uᵢᵢ|); 0 when
    getrf finds U singular."""
    dtype = "float64"
    n, lu, ipiv, info = getrf(e, node, "det")

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


@emits(Eigh)
def emit_eigh(e: Emitter, node) -> list[SSAValue]:
    """syevr (or syevd) of a column-major copy, after SciPy's check that
    every element is finite; the eigenvectors, column-major, copied back."""
    op, x = node.op, e.value(node.inputs[0])
    n = square_length(e, x, "eigh")

    def finite(_, ivs, acc):
        element = e.emit(tensor.ExtractOp(x, ivs, F64))
        difference = e.emit(arith.SubfOp(element, element))
        return [e.emit(arith.AndIOp(acc[0], e.emit(arith.CmpfOp(difference, e.const(0.0, "float64"), "oeq"))))]

    e.check(e.loop_nest([n, n], [e.const(True, "bool")], finite)[0],
            "ValueError: array must not contain infs or NaNs")
    values = e.emit(tensor.EmptyOp([n], TensorType(F64, [DYNAMIC_INDEX])))
    columns, lower = copied(e, x, [n, n], COLUMNS), e.const(int(op.lower), "int64")
    if op.driver == "evr":
        vectors = empty_like_dims(e, TensorType(F64, [DYNAMIC_INDEX, DYNAMIC_INDEX]), [n, n])
        args = [columns, values, vectors, from_index(e.emit, n), lower, e.const(int(op.vectors), "int64")]
        _, values, vectors, info = e.call("scanjit_syevr_f64", args, [0, 1, 2], I64)
    else:
        args = [columns, values, from_index(e.emit, n), lower]
        vectors, values, info = e.call("scanjit_syevd_f64", args, [0, 1], I64)
    workspace_allocated(e, info, "eigh")
    e.check(e.cmp(info, e.const(0, "int64"), "eq"), "LinAlgError: Eigenvalues did not converge")
    return [values, copied(e, vectors, [n, n], COLUMNS)] if op.vectors else [values]


@emits(SVD)
def emit_svd(e: Emitter, node) -> list[SSAValue]:
    """gesdd of a column-major copy, as NumPy's svd calls it; u and vt,
    column-major, copied back."""
    op, x = node.op, e.value(node.inputs[0])
    m, n = e.dim(x, 0), e.dim(x, 1)
    k = e.emit(arith.MinSIOp(m, n))
    full = op.full_matrices and op.compute_uv
    u_dims, vt_dims = ([m, m], [n, n]) if full else ([m, k], [k, n])
    if not op.compute_uv:  # not written by LAPACK
        u_dims, vt_dims = [e.index(1), e.index(1)], [e.index(1), e.index(1)]
    # identities: what NumPy returns where LAPACK writes nothing (no singular values)
    u, vt = (identity(e, dims[0]) if full else empty_like_dims(e, TensorType(F64, [DYNAMIC_INDEX] * 2), dims[::-1])
             for dims in (u_dims, vt_dims))
    values = e.emit(tensor.EmptyOp([k], TensorType(F64, [DYNAMIC_INDEX])))
    job = e.const(ord("A" if full else "S" if op.compute_uv else "N"), "int64")
    args = [copied(e, x, [m, n], COLUMNS), values, u, vt, from_index(e.emit, m), from_index(e.emit, n), job]
    _, values, u, vt, info = e.call("scanjit_gesdd_f64", args, [0, 1, 2, 3], I64)
    workspace_allocated(e, info, "svd")
    e.check(e.cmp(info, e.const(0, "int64"), "eq"), "LinAlgError: SVD did not converge")
    if not op.compute_uv:
        return [values]
    return [copied(e, u, u_dims[::-1], COLUMNS), values, copied(e, vt, vt_dims[::-1], COLUMNS)]


@emits(MatrixPinv)
def emit_pinv(e: Emitter, node) -> list[SSAValue]:
    return e.emit_graph([node.op.expansion(node.inputs[0])])


@emits(QR)
def emit_qr(e: Emitter, node) -> list[SSAValue]:
    """geqrf of a column-major copy; R its upper triangle; Q by orgqr from its
    first k reflectors, in a column-major buffer of Q's columns (the rest
    orgqr's own)."""
    mode, x = node.op.mode, e.value(node.inputs[0])
    m, n = e.dim(x, 0), e.dim(x, 1)
    k = e.emit(arith.MinSIOp(m, n))
    tau = e.emit(tensor.EmptyOp([k], TensorType(F64, [DYNAMIC_INDEX])))
    factors, tau, info = e.call("scanjit_geqrf_f64", [copied(e, x, [m, n], COLUMNS), tau, from_index(e.emit, m),
                                                      from_index(e.emit, n)], [0, 1], I64)
    workspace_allocated(e, info, "qr")
    rows = k if mode == "economic" else m
    r = empty_like_dims(e, TensorType(F64, [DYNAMIC_INDEX, DYNAMIC_INDEX]), [rows, n])

    def upper(_, ivs, acc):
        i, j = ivs
        value = e.select(e.cmp(i, j, "sle"), e.emit(tensor.ExtractOp(factors, [j, i], F64)), e.const(0.0, "float64"))
        return [e.emit(tensor.InsertOp(value, acc[0], ivs))]

    r = e.loop_nest([rows, n], [r], upper)[0]
    if mode == "r":
        return [r]
    columns = m if mode == "full" else k
    q = e.emit(sj.FillOp(e.const(0.0, "float64"), [columns, m], TensorType(F64, [DYNAMIC_INDEX, DYNAMIC_INDEX])))

    def reflector(_, ivs, acc):
        return [e.emit(tensor.InsertOp(e.emit(tensor.ExtractOp(factors, ivs, F64)), acc[0], ivs))]

    q = e.loop_nest([k, m], [q], reflector)[0]
    q, _, info = e.call("scanjit_orgqr_f64", [q, tau, from_index(e.emit, m), from_index(e.emit, columns),
                                              from_index(e.emit, k)], [0, 1], I64)
    workspace_allocated(e, info, "qr")
    return [copied(e, q, [columns, m], COLUMNS), r]


@emits(LUFactor)
def emit_lu_factor(e: Emitter, node) -> list[SSAValue]:
    """getrf of a column-major copy (det's); the factors copied back, NaNs
    where it is singular (PyTensor's); the pivots 0-based int32."""
    n, factors, ipiv, info = getrf(e, node, "lu_factor")
    factors = solution(e, factors, 2, n, n, info)
    out = e.emit(tensor.EmptyOp([n], TensorType(ELEMENT_TYPES["int32"], [DYNAMIC_INDEX])))

    def zero_based(_, i, acc):
        pivot = e.emit(arith.SubiOp(e.emit(tensor.ExtractOp(ipiv, [i], I64)), e.const(1, "int64")))
        return [e.emit(tensor.InsertOp(e.emit(arith.TruncIOp(pivot, ELEMENT_TYPES["int32"])), acc[0], [i]))]

    return [factors, e.loop(n, [out], zero_based)[0]]


@emits(PivotToPermutations)
def emit_pivot_to_permutation(e: Emitter, node) -> list[SSAValue]:
    """The swaps in order, on 0, 1, ..., n - 1 (a pivot out of range raises
    IndexError); the inverse permutation unless `inverse`."""
    pivots_var = node.inputs[0]
    p = e.value(pivots_var)
    n = e.dim(p, 0)
    identity_order = e.loop(n, [e.emit(tensor.EmptyOp([n], TensorType(I64, [DYNAMIC_INDEX])))],
                            lambda _, i, acc: [e.emit(tensor.InsertOp(from_index(e.emit, i), acc[0], [i]))])[0]

    def swap(_, i, acc):
        pivot = e.emit(tensor.ExtractOp(p, [i], p.type.element_type))
        if pivots_var.dtype != "int64":
            pivot = e.emit(arith.ExtSIOp(pivot, I64))
        inside = e.emit(arith.AndIOp(e.cmp(pivot, e.const(0, "int64"), "sge"),
                                     e.cmp(pivot, from_index(e.emit, n), "slt")))
        e.check(inside, "IndexError: pivot_to_permutation: pivot $0 of row $1 is out of range for $2 rows",
                [pivot, from_index(e.emit, i), from_index(e.emit, n)])
        j = e.emit(arith.IndexCastOp(pivot, e.index(0).type))
        here, there = (e.emit(tensor.ExtractOp(acc[0], [k], I64)) for k in (i, j))
        order = e.emit(tensor.InsertOp(there, acc[0], [i]))
        return [e.emit(tensor.InsertOp(here, order, [j]))]

    order = e.loop(n, [identity_order], swap)[0]
    if node.op.inverse:
        return [order]

    def invert(_, i, acc):
        j = e.emit(arith.IndexCastOp(e.emit(tensor.ExtractOp(order, [i], I64)), e.index(0).type))
        return [e.emit(tensor.InsertOp(from_index(e.emit, i), acc[0], [j]))]

    return [e.loop(n, [e.emit(tensor.EmptyOp([n], TensorType(I64, [DYNAMIC_INDEX])))], invert)[0]]
