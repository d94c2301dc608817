"""What the passes that make loops parallel share: the work a part should
do, the mark of a loop another pass proved independent, and moving a loop's
invariant checks in front of it."""

from __future__ import annotations

from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import BoolAttr, i1
from xdsl.rewriter import InsertPoint, Rewriter

from scanjit.dialects import sj

GRAIN = 1 << 14  # inner iterations per part: below ~2^15, one thread is as fast
# A loop of independent steps, each a part's worth of work, made so by
# another pass (`block-recurrence-columns`): its parts are single steps.
INDEPENDENT = "scanjit.independent_blocks"


def hoist_checks(loop: scf.ForOp) -> None:
    """Move the step's checks (conditions defined outside the loop) in front
    of it, in order, as `sj.check(cond or the loop runs no step)`: the first
    one that fails is the one the first step would have failed."""
    checks = [op for op in loop.body.block.ops if isinstance(op, sj.CheckOp)]
    if not checks:
        return
    runs = arith.CmpiOp(loop.lb, loop.ub, "slt")
    true = arith.ConstantOp(BoolAttr(True, i1))
    idle = arith.XOrIOp(runs, true)
    Rewriter.insert_op([runs, true, idle], InsertPoint.before(loop))
    for check in checks:
        ok = arith.OrIOp(check.cond, idle)
        check.detach()
        check.operands[0] = ok.result
        Rewriter.insert_op([ok, check], InsertPoint.before(loop))
