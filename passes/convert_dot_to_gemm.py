"""convert-dot-to-gemm: a float `sj.dot` of matrices and vectors becomes a
call of the runtime (scanjit/runtime/gemm.ll), which sums from zero in k
order, as the reference interpreter does, with its columns in vector
registers: a call, not the unrolled loops each product would otherwise be.

    %c = "sj.dot"(%a, %b) : (tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>

becomes

    %empty = tensor.empty(%m, %n) : tensor<?x?xf64>
    %c = "sj.call"(%a, %b, %empty, %m64, %n64, %k64, %no) <{callee = "scanjit_gemm_f64", writes = [2]}>

A product of two matrices calls `scanjit_gemm_*`, which hands large ones
to NumPy's own BLAS (its OpenBLAS, `cblas_?gemm`) from `GEMM_BLAS_FROM`
multiply-adds up. Its last argument (%no: 0) is 1 for `Yᵀ·B`: the call
reads Y as it lies (`CblasTrans`), no copy of Yᵀ. A product with a vector calls `scanjit_dot_*`, as the
vector times a matrix `v·X` (m = 1) or a matrix times it `Y·v` (n = 1; a
vector is a matrix of one row or one column):

- `v·X`: `X` as it is; `v·Yᵀ` (a transposed view) is `Y·v`, not a copy of Yᵀ;
- `M·v` is `v·Mᵀ`, and `Aᵀ·v` is `v·A`.

A transposed operand invariant in a loop around the product (`v·Uᵀ`,
`M·v`) is instead copied transposed once, in front of the outermost such
loop: each step then sums `v·P` in vector registers, not one row of `Y` at
a time. The products and their order of summation are the same either way.

Two batched products are one `scanjit_gemm` call over all their rows,
their operands' axes merged as views of their stored buffers
(`tensor.collapse_shape`; a view or fused map is stored first):

- a stack (batch..., [m], k) times a matrix broadcast over the batch axes
  (`sj.dimshuffle` of M (k, n) or of Mᵀ to (1, ..., k, n)): the rows
  (batch·m, k) times M, the result expanded back (`tensor.expand_shape`);
- a product contracting c >= 2 axes, (m, k...) · (k..., n): A (m, K) times
  B (K, n), A read as the stack (k..., m) it is a view of, if so (Aᵀ).

The reference interpreter's `Dot` sums these as the one matrix product
they are (bits as compiled).

Vector-vector, other batched, integer and bool products stay for
`convert-sj-to-loops`.
"""

from __future__ import annotations

from dataclasses import dataclass
from xdsl.context import Context
from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX, Float32Type, Float64Type, ModuleOp, TensorType, i64,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from scanjit.dialects import sj
from scanjit.dialects.sj import rank
from scanjit.passes.support.builder import Builder, defined_in, empty_like_dims, merged, reassociation

KINDS = {Float64Type: "f64", Float32Type: "f32"}


def transposed(value: SSAValue) -> SSAValue | None:
    """The matrix Y when `value` is the view Yᵀ."""
    owner = value.owner
    if isinstance(owner, sj.DimShuffleOp) and owner.order.get_values() == (1, 0):
        return owner.source
    return None


def transpose(b: Builder, matrix: SSAValue) -> SSAValue:
    """The view matrixᵀ."""
    rows, cols = matrix.type.get_shape()
    return b.emit(sj.DimShuffleOp(matrix, [1, 0], TensorType(matrix.type.element_type, [cols, rows])))


def broadcast_matrix(b: Builder, value: SSAValue, batch: int) -> SSAValue | None:
    """M (k×n) where `value` is a view (1, ..., k, n) of M or of Mᵀ (then the view Mᵀ)."""
    owner = value.owner
    if not isinstance(owner, sj.DimShuffleOp) or rank(owner.source.type) != 2:
        return None
    order = list(owner.order.get_values())
    if order == [-1] * batch + [0, 1]:
        return owner.source
    return transpose(b, owner.source) if order == [-1] * batch + [1, 0] else None


def outermost_loop_keeping(value: SSAValue, op: Operation) -> Operation | None:
    """The outermost loop around `op` in which `value` is invariant (defined outside it)."""
    found, parent = None, op.parent_op()
    while parent is not None and not defined_in(value, parent):
        if isinstance(parent, scf.ForOp | scf.WhileOp):
            found = parent
        parent = parent.parent_op()
    return found


def copy(b: Builder, view: SSAValue) -> SSAValue:
    """`view` stored (an identity `sj.map`, which convert-sj-to-loops stores)."""
    block = Block(arg_types=[view.type.element_type])
    block.add_op(sj.YieldOp(block.args[0]))
    return b.emit(sj.MapOp([view], view.type, Region(block)))


class DotToCall(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.DotOp, rewriter: PatternRewriter, /):
        t = op.result.type
        if isinstance(t, TensorType) and type(t.element_type) in KINDS and self.batched(op, t, rewriter):
            return
        ranks = (rank(op.lhs.type), rank(op.rhs.type))
        if (op.batch_count, op.contract_count) != (0, 1) or not isinstance(t, TensorType) \
                or ranks not in ((1, 2), (2, 1), (2, 2)) or type(t.element_type) not in KINDS:
            return
        b, kind = Builder(), KINDS[type(t.element_type)]
        if ranks == (2, 2):
            rewriter.replace(op, b.ops, [self.gemm(b, f"scanjit_gemm_{kind}", op.lhs, op.rhs, t)])
            return
        # v·X, with X (k×n) the plain matrix `plain` or the view Yᵀ
        if ranks == (1, 2):
            vector, plain, y = op.lhs, op.rhs, transposed(op.rhs)
        else:  # M·v = v·Mᵀ
            vector, a = op.rhs, transposed(op.lhs)
            plain, y = (a, None) if a is not None else (None, op.lhs)
        loop = None if y is None else outermost_loop_keeping(y, op)
        if y is not None and loop is None:  # v·Yᵀ = Y·v
            call = self.call(b, f"scanjit_dot_{kind}", y, vector, t, rows=True, columns=False)
        else:
            if y is not None:
                packer = Builder()
                plain = copy(packer, transpose(packer, y))
                rewriter.insert(packer.ops, InsertPoint.before(loop))
            call = self.call(b, f"scanjit_dot_{kind}", vector, plain, t, rows=False, columns=True)
        rewriter.replace(op, b.ops, [call])

    def batched(self, op: sj.DotOp, t: TensorType, rewriter: PatternRewriter) -> bool:
        """Rewrites a batched product that is one matrix product (see the module's doc)."""
        b, callee = Builder(), f"scanjit_gemm_{KINDS[type(t.element_type)]}"
        n, c, r = op.batch_count, op.contract_count, rank(op.lhs.type)
        if n and c == 1 and (matrix := broadcast_matrix(b, op.rhs, n)) is not None:
            rows = merged(b, op.lhs, [range(r - 1), range(r - 1, r)])
            product = self.gemm(b, callee, rows, matrix, TensorType(t.element_type, [DYNAMIC_INDEX, t.get_shape()[-1]]))
            lengths = [b.dim(op.lhs, a) for a in range(r - 1)] + [b.dim(matrix, 1)]
            shape = t.get_shape()
            result = b.emit(tensor.ExpandShapeOp(product, [d for d, s in zip(lengths, shape) if s < 0],
                                                 reassociation([range(r - 1), range(r - 1, r)]), shape, t))
        elif not n and c > 1 and r == rank(op.rhs.type) == c + 1:
            stack = op.lhs.owner
            if isinstance(stack, sj.DimShuffleOp) and list(stack.order.get_values()) == [c, *range(c)]:
                lhs = transpose(b, merged(b, stack.source, [range(c), range(c, c + 1)]))
            else:
                lhs = merged(b, op.lhs, [range(1), range(1, c + 1)])
            result = self.gemm(b, callee, lhs, merged(b, op.rhs, [range(c), range(c, c + 1)]), t)
        else:
            return False
        rewriter.replace(op, b.ops, [result])
        return True

    @staticmethod
    def gemm(b: Builder, callee: str, lhs: SSAValue, rhs: SSAValue, t: TensorType) -> SSAValue:
        """lhs (m×k) times rhs (k×n), lhs read as Y where it is the view Yᵀ."""
        y = transposed(lhs)
        a, (m_axis, k_axis) = (lhs, (0, 1)) if y is None else (y, (1, 0))
        m, k, n = b.dim(a, m_axis), b.dim(a, k_axis), b.dim(rhs, 1)
        out = empty_like_dims(b, t, [m, n])
        sizes = [b.emit(arith.IndexCastOp(v, i64)) for v in (m, n, k)]
        flag = b.integer(int(y is not None), i64)
        return b.emit(sj.CallOp(callee, [a, rhs, out, *sizes, flag], [2]))

    @staticmethod
    def call(b: Builder, callee: str, lhs: SSAValue, rhs: SSAValue, t: TensorType,
             rows: bool, columns: bool) -> SSAValue:
        """lhs (m×k, or k: m = 1) times rhs (k×n, or k: n = 1), written into a
        new tensor of type `t` (scanjit_dot)."""
        m = b.dim(lhs, 0) if rows else b.index(1)
        k = b.dim(lhs, rank(lhs.type) - 1)
        n = b.dim(rhs, rank(rhs.type) - 1) if columns else b.index(1)
        out = empty_like_dims(b, t, [d for d, keep in ((m, rows), (n, columns)) if keep])
        sizes = [b.emit(arith.IndexCastOp(v, i64)) for v in (m, n, k)]
        return b.emit(sj.CallOp(callee, [lhs, rhs, out, *sizes], [2]))


@dataclass(frozen=True)
class ConvertDotToGemmPass(ModulePass):
    name = "convert-dot-to-gemm"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(DotToCall()).rewrite_module(op)
