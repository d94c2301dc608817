"""What the passes that make loops parallel share: the work a part should
do, the mark of a loop another pass proved independent, the proof that a
loop's iterations touch their own slices, and moving a loop's invariant
checks in front of it."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import BoolAttr, i1
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from scanjit.dialects import sj
from scanjit.passes.support.memory import read_only, viewed

GRAIN = 1 << 14  # inner iterations per part: below ~2^15, one thread is as fast
# A loop of independent steps, each a part's worth of work, made so by
# another pass (`block-recurrence-columns`): its parts are single steps.
INDEPENDENT = "scanjit.independent_blocks"


def map_op(op: Operation) -> bool:
    """Whether `op` may be in an iteration that runs beside others: arith
    and math ops, sj's scalar functions, loads, stores and loops."""
    if isinstance(op, scf.ForOp | scf.YieldOp | memref.LoadOp | memref.StoreOp | sj.FloatFunctionOp):
        return True
    return op.dialect_name() in ("arith", "math") and not op.regions


def own_slices(accesses: Sequence[tuple[memref.LoadOp | memref.StoreOp, SSAValue]]) -> bool:
    """Whether iterations touch disjoint slices of what they write: every
    access (paired with the induction variable of its loop) to a buffer
    written has that variable at exactly one index, the same for all the
    buffer's accesses, and the buffer is an allocation of the function; the
    other buffers read are arguments, constants or allocations, and none is
    a view of a buffer written (a cast of it, a row of it)."""
    written = {op.memref for op, _ in accesses if isinstance(op, memref.StoreOp)}
    axis: dict[SSAValue, int] = {}
    for op, iv in accesses:
        if op.memref in written:
            axes = [k for k, index in enumerate(op.indices) if index is iv]
            if not isinstance(op.memref.owner, memref.AllocOp) or len(axes) != 1 \
                    or axis.setdefault(op.memref, axes[0]) != axes[0]:
                return False
        elif viewed(op.memref) in written \
                or not (read_only(op.memref) or isinstance(op.memref.owner, memref.AllocOp)):
            return False
    return True


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
