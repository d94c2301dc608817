"""`simplify`: xDSL's canonicalizations (each op's patterns and folder), in one sweep.

xDSL's `canonicalize` repeats a walk of every op with its patterns, then a
dead-code pass, until a round changes nothing: at least two rounds of each,
and every round hoists the constants of every `scf.for` body one loop level
out. This pass applies the same patterns and folders from one worklist (which
revisits what a rewrite touches), then hoists the constants of loop bodies in
front of their outermost `scf.for` in one walk, and removes dead code once.
It also folds the integer arithmetic of constants that xDSL 0.74's folders
leave (support/folding.py: comparisons, selects, casts, max/min), which a
tensor's static sizes make constant.
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import scf
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, Region
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import ConstantLike, HasCanonicalizationPatternsTrait
from xdsl.transforms.canonicalization_patterns.scf import RehoistConstInLoops
from xdsl.transforms.dead_code_elimination import region_dce

from scanjit.passes.support.folding import FoldConstantArith


class OpPatterns(RewritePattern):
    """The canonicalization patterns of the op's type (looked up once per
    type), but the hoisting of loop constants, which `hoist_constants` does."""

    def __init__(self) -> None:
        self.by_type: dict[type[Operation], tuple[RewritePattern, ...]] = {}

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        patterns = self.by_type.get(type(op))
        if patterns is None:
            patterns = self.by_type[type(op)] = tuple(
                p for trait in op.get_traits_of_type(HasCanonicalizationPatternsTrait)
                for p in trait.get_patterns(type(op)) if not isinstance(p, RehoistConstInLoops))
        for pattern in patterns:
            pattern.match_and_rewrite(op, rewriter)
            if rewriter.has_done_action:
                return


class OneRoundWalker(PatternRewriteWalker):
    """A walker that empties its worklist once instead of repeating whole walks
    (through the walker's internals: xDSL is pinned to 0.74)."""

    def rewrite_region(self, region: Region) -> bool:
        self._populate_worklist(region)
        return self._process_worklist(self._get_rewriter_listener())


def hoist_constants(module: ModuleOp) -> None:
    """Move the constants of each `scf.for` body in front of the loop, inner
    loops first, so that they leave every loop nest."""
    for loop in [o for o in module.walk(region_first=True) if isinstance(o, scf.ForOp)]:
        for op in [o for o in loop.body.ops if o.has_trait(ConstantLike)]:
            op.detach()
            Rewriter.insert_op(op, InsertPoint.before(loop))


@dataclass(frozen=True)
class SimplifyPass(ModulePass):
    name = "simplify"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        OneRoundWalker(GreedyRewritePatternApplier([OpPatterns(), FoldConstantArith()], ctx=ctx, folding_enabled=True)).rewrite_module(op)
        hoist_constants(op)
        region_dce(op.body)
