"""`convert-cf-to-llvm`: `cf.br`/`cf.cond_br` to `llvm.br`/`llvm.cond_br`, and
`cf.assert` to an early return of an error code.

`cf.assert %ok, "msg"` splits its block; when `%ok` is false the enclosing
`llvm.func` (which must return i32: run after convert-func-to-llvm) returns
k, the 1-based position of "msg" in the module attribute `scanjit.errors`
(an array of strings this pass creates or extends; equal messages share k).
"""

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import builtin, cf, llvm
from xdsl.dialects.builtin import ArrayAttr, StringAttr, i32
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from scanjit.passes.support.llvm_common import const, replace_with_early_return

ERRORS = "scanjit.errors"


class BranchLowering(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: cf.BranchOp, rewriter: PatternRewriter, /):
        rewriter.replace(op, llvm.BrOp(op.successor, *op.arguments))


class CondBranchLowering(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: cf.ConditionalBranchOp, rewriter: PatternRewriter, /):
        rewriter.replace(
            op,
            llvm.CondBrOp(
                op.cond, op.then_block, op.then_arguments, op.else_block, op.else_arguments
            ),
        )


@dataclass
class AssertLowering(RewritePattern):
    messages: list[str] = field(default_factory=list[str])

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: cf.AssertOp, rewriter: PatternRewriter, /):
        func = op.parent_op()
        while func is not None and not isinstance(func, llvm.FuncOp):
            func = func.parent_op()
        if func is None or func.function_type.output != i32:
            raise NotImplementedError(
                "cf.assert outside an llvm.func returning i32 "
                "(run convert-func-to-llvm first)"
            )
        msg = op.msg.data
        if msg not in self.messages:
            self.messages.append(msg)
        code = const(self.messages.index(msg) + 1, i32)
        replace_with_early_return(rewriter, op, [], op.arg, func, code.result, [code])


@dataclass(frozen=True)
class ConvertCfToLLVMPass(ModulePass):
    name = "convert-cf-to-llvm"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        old = op.attributes.get(ERRORS)
        asserts = AssertLowering([s.data for s in old] if isinstance(old, ArrayAttr) else [])
        PatternRewriteWalker(
            GreedyRewritePatternApplier([BranchLowering(), CondBranchLowering(), asserts]),
            apply_recursively=False,
        ).rewrite_module(op)
        if asserts.messages:
            op.attributes[ERRORS] = ArrayAttr([StringAttr(m) for m in asserts.messages])
        for inner in op.walk():
            if inner.dialect_name() == "cf":
                raise NotImplementedError(f"convert-cf-to-llvm: {inner.name}")
