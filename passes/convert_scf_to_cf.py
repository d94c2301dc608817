"""`convert-scf-to-cf`: `scf.for`, `scf.if` and `scf.index_switch` to blocks
and branches, as xDSL's pass of that name (its lowerings and the dead-op
removal of its pattern applier) but in one round of the walk. xDSL's walks
every op again until a round changes nothing; the first round already lowers
every scf op (the nested ones are in its worklist), so the second only
confirmed it: a third of the pass's time."""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriteWalker
from xdsl.transforms.convert_scf_to_cf import ForLowering, IfLowering, SwitchLowering


@dataclass(frozen=True)
class ConvertScfToCfPass(ModulePass):
    name = "convert-scf-to-cf"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        patterns = GreedyRewritePatternApplier([SwitchLowering(), IfLowering(), ForLowering()])
        PatternRewriteWalker(patterns, apply_recursively=False).rewrite_module(op)
