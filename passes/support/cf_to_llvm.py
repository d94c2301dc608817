"""The patterns of `convert-cf-to-llvm` (passes/convert_cf_to_llvm.py), which
`convert-to-llvm` applies too."""

from dataclasses import dataclass, field

from xdsl.dialects import cf, llvm
from xdsl.ir import Operation
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, i32
from xdsl.pattern_rewriter import (
    PatternRewriter,
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


def module_checks(module: ModuleOp) -> CheckLowering:
    """The lowering of `module`'s checks, numbering new messages after those
    its `scanjit.errors` lists."""
    old = module.attributes.get(ERRORS)
    return CheckLowering([s.data for s in old] if isinstance(old, ArrayAttr) else [])


def finish_checks(module: ModuleOp, checks: CheckLowering, pass_name: str) -> None:
    """Store the checks' messages in `scanjit.errors`; no cf op may be left."""
    if checks.messages:
        module.attributes[ERRORS] = ArrayAttr([StringAttr(m) for m in checks.messages])
    for inner in module.walk():
        if inner.dialect_name() == "cf":
            raise PassFailedException(f"{pass_name}: cannot lower {inner.name}")
