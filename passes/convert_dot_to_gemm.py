"""convert-dot-to-gemm: a float matrix-matrix `sj.dot` becomes a call of
`scanjit_gemm_f64` / `scanjit_gemm_f32` (scanjit/runtime/gemm.ll), which
multiplies row-major matrices through NumPy's own BLAS (its OpenBLAS,
`cblas_?gemm`) from `GEMM_BLAS_FROM` multiply-adds up, and below that (or
where NumPy has no BLAS that scanjit finds) by a loop that adds each output
element's products from zero in k order, as `convert-sj-to-loops` does.

    %c = "sj.dot"(%a, %b) : (tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>

becomes

    %empty = tensor.empty(%m, %n) : tensor<?x?xf64>
    %c = "sj.call"(%a, %b, %empty, %m64, %n64, %k64) <{callee = "scanjit_gemm_f64", writes = [2]}>

Vector products, batched ones, and integer and bool ones, stay for
`convert-sj-to-loops`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import Float32Type, Float64Type, ModuleOp, TensorType, i64
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from scanjit.dialects import sj
from scanjit.passes.support.builder import Builder, empty_like_dims

CALLEES = {Float64Type: "scanjit_gemm_f64", Float32Type: "scanjit_gemm_f32"}


class DotToGemm(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.DotOp, rewriter: PatternRewriter, /):
        t = op.result.type
        if (op.batch_count, op.contract_count) != (0, 1) or not isinstance(t, TensorType) \
                or len(t.get_shape()) != 2 or type(t.element_type) not in CALLEES:
            return
        b = Builder()
        m, k, n = b.dim(op.lhs, 0), b.dim(op.lhs, 1), b.dim(op.rhs, 1)
        out = empty_like_dims(b, t, [m, n])
        sizes = [b.emit(arith.IndexCastOp(v, i64)) for v in (m, n, k)]
        call = b.emit(sj.CallOp(CALLEES[type(t.element_type)], [op.lhs, op.rhs, out, *sizes], [2]))
        rewriter.replace(op, b.ops, [call])


@dataclass(frozen=True)
class ConvertDotToGemmPass(ModulePass):
    name = "convert-dot-to-gemm"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(DotToGemm()).rewrite_module(op)
