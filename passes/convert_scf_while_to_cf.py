"""`convert-scf-while-to-cf`: lower `scf.while` to `cf` branches.

xDSL's `convert-scf-to-cf` lowers `scf.for`/`scf.if` but not `scf.while`;
run this pass first. As MLIR's WhileLowering:

    ^pre: ... cf.br ^before(%init)
    ^before(%args): ... cf.cond_br %c, ^after(%vals), ^cont(%vals)
    ^after(%vals): ... cf.br ^before(%yielded)
    ^cont(%results): ...

Regions may already hold several blocks (an inner while lowered first).
A single-block op (scf.for/if/index_switch) enclosing a while is lowered too,
with xDSL's patterns, so that the output verifies; the others are left to
`convert-scf-to-cf`.
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin, cf, scf
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import BlockInsertPoint, InsertPoint
from xdsl.transforms.convert_scf_to_cf import ForLowering, IfLowering, SwitchLowering


class WhileLowering(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: scf.WhileOp, rewriter: PatternRewriter, /):
        pre = op.parent_block()
        assert pre is not None
        cont = pre.split_before(op, arg_types=op.result_types)
        before, after = op.before_region.first_block, op.after_region.first_block
        assert before is not None and after is not None

        condition = op.before_region.last_block.last_op  # type: ignore[union-attr]
        assert isinstance(condition, scf.ConditionOp)
        rewriter.replace(
            condition,
            cf.ConditionalBranchOp(
                condition.condition, after, condition.args, cont, condition.args
            ),
        )
        yield_op = op.after_region.last_block.last_op  # type: ignore[union-attr]
        assert isinstance(yield_op, scf.YieldOp)
        rewriter.replace(yield_op, cf.BranchOp(before, *yield_op.arguments))

        rewriter.inline_region(op.before_region, BlockInsertPoint.before(cont))
        rewriter.inline_region(op.after_region, BlockInsertPoint.before(cont))
        rewriter.insert(cf.BranchOp(before, *op.arguments), InsertPoint.at_end(pre))
        rewriter.replace(op, [], cont.args)


@dataclass
class EnclosingLowering(RewritePattern):
    """Apply `pattern` to ops that contain an scf.while."""

    pattern: RewritePattern

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        if isinstance(op, scf.ForOp | scf.IfOp | scf.IndexSwitchOp) and any(
            isinstance(inner, scf.WhileOp) for inner in op.walk()
        ):
            self.pattern.match_and_rewrite(op, rewriter)


@dataclass(frozen=True)
class ConvertScfWhileToCfPass(ModulePass):
    name = "convert-scf-while-to-cf"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        if not any(isinstance(inner, scf.WhileOp) for inner in op.walk()):
            return  # most modules (scans without `until`): one walk instead of a rewrite
        enclosing = [EnclosingLowering(p()) for p in (ForLowering, IfLowering, SwitchLowering)]
        PatternRewriteWalker(
            GreedyRewritePatternApplier([WhileLowering(), *enclosing])
        ).rewrite_module(op)
