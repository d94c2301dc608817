"""`convert-cf-to-llvm`: `cf.br`/`cf.cond_br` to `llvm.br`/`llvm.cond_br`, and
`sj.check` (scanjit's `cf.assert`, with values for its message) to an early
return of an error code.

`sj.check %ok, "msg"(%v0, ... : index, ...)` splits its block; when `%ok` is
false the enclosing `llvm.func` (which must return i32: run after
convert-func-to-llvm) returns k, the 1-based position of "msg" in the module
attribute `scanjit.errors` (an array of strings this pass creates or
extends; equal messages share k). In a function whose last argument is the
caller's result slots (marked `scanjit.results_array`), it first stores the
number of values in slot 0 and the values in slots 1, 2, ... (see
dialects/abi.py). The buffers the check frees (`frees`, set by
`free-on-error`) are freed on the way out (`free_and_return`: checks
freeing the same buffers, or the same oldest ones, share their deallocs).
"""

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import builtin, cf, llvm
from xdsl.ir import Operation
from xdsl.dialects.builtin import ArrayAttr, StringAttr, i32
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.utils.exceptions import PassFailedException

from scanjit.dialects import sj
from scanjit.dialects.abi import ERRORS, RESULTS_ARRAY
from scanjit.passes.support.llvm_common import (
    FreeChains,
    const,
    free_and_return,
    replace_with_early_return,
    store_slot,
    to_llvm,
)

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
class CheckLowering(RewritePattern):
    messages: list[str] = field(default_factory=list[str])
    chains: FreeChains = field(default_factory=dict)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.CheckOp, rewriter: PatternRewriter, /):
        func = op.parent_op()
        while func is not None and not isinstance(func, llvm.FuncOp):
            func = func.parent_op()
        if func is None or func.function_type.output != i32:
            raise PassFailedException(
                "convert-cf-to-llvm: sj.check outside an llvm.func returning i32 "
                "(run convert-func-to-llvm first)"
            )
        msg = op.msg.data
        if msg not in self.messages:
            self.messages.append(msg)
        code = const(self.messages.index(msg) + 1, i32)
        status_ops: list[Operation] = [code]
        if op.values and RESULTS_ARRAY in func.attributes:
            results = func.body.blocks[0].args[-1]
            count = const(len(op.values))
            status_ops += [count, *store_slot(results, 0, count.result)]
            for k, value in enumerate(op.values):
                status_ops += store_slot(results, k + 1, to_llvm(value))
        exit = free_and_return(func, tuple(op.frees), self.chains) if op.frees else None
        replace_with_early_return(rewriter, op, [], op.cond, func, code.result, status_ops, exit)


@dataclass(frozen=True)
class ConvertCfToLLVMPass(ModulePass):
    name = "convert-cf-to-llvm"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        old = op.attributes.get(ERRORS)
        checks = CheckLowering([s.data for s in old] if isinstance(old, ArrayAttr) else [])
        PatternRewriteWalker(
            GreedyRewritePatternApplier([BranchLowering(), CondBranchLowering(), checks]),
            apply_recursively=False,
        ).rewrite_module(op)
        if checks.messages:
            op.attributes[ERRORS] = ArrayAttr([StringAttr(m) for m in checks.messages])
        for inner in op.walk():
            if inner.dialect_name() == "cf":
                raise PassFailedException(f"convert-cf-to-llvm: cannot lower {inner.name}")
