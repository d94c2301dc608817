"""hoist-loop-invariants: move work that does not change from step to step
out of `scf.for` / `scf.while` bodies.

An op is moved in front of its loop when all its operands are defined outside
the loop, it has no side effects and it cannot fault (arith, math,
`tensor.dim`, `memref.dim`, `sj` ops on invariant tensors, an `sj.map` with
its scalar body). The loop may run no step, and its checks guard its reads:
so `sj.check`s, element reads (`tensor.extract`) and integer divisions stay,
and so do stores, calls, nested loops, conditionals (`scf.if`: what only
a branch does stays in it) and fresh tensors (`tensor.empty`,
`sj.fill`: buffers the loop writes). Ops are visited in order, so chains of
invariant ops move together, and inner loops first, so invariants bubble out
of nests.

Then a check of a condition that an earlier check of its block already
tested is dropped: it can never fail (after `cse`, the shape checks of a
chain of elementwise ops on the same lengths test one condition).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import IsTerminator, is_side_effect_free

from scanjit.dialects import sj
from scanjit.passes.support.builder import defined_in


def defined_outside(op: Operation, loop: Operation) -> bool:
    return not any(defined_in(operand, loop) for operand in op.operands)


STAYS = (scf.ForOp, scf.WhileOp, scf.IfOp, tensor.EmptyOp, sj.FillOp, tensor.ExtractOp, sj.CheckOp,
         arith.DivSIOp, arith.DivUIOp, arith.RemSIOp, arith.RemUIOp, arith.FloorDivSIOp,
         arith.CeilDivSIOp, arith.CeilDivUIOp)


def hoistable(op: Operation, loop: Operation) -> bool:
    if op.has_trait(IsTerminator) or isinstance(op, STAYS):
        return False
    return is_side_effect_free(op) and defined_outside(op, loop)


def hoist_from(loop: scf.ForOp | scf.WhileOp) -> None:
    for region in loop.regions:
        for block in region.blocks:
            for op in list(block.ops):
                if hoistable(op, loop):
                    op.detach()
                    Rewriter.insert_op(op, InsertPoint.before(loop))


def drop_repeated_checks(module: ModuleOp) -> None:
    """Erase each check whose condition an earlier check of its block tested."""
    for block in module.walk_blocks():
        tested = set()
        for op in list(block.ops):
            if not isinstance(op, sj.CheckOp):
                continue
            if op.cond in tested:
                op.detach()
                op.erase()
            else:
                tested.add(op.cond)


@dataclass(frozen=True)
class HoistLoopInvariantsPass(ModulePass):
    name = "hoist-loop-invariants"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        loops = [o for o in op.walk() if isinstance(o, scf.ForOp | scf.WhileOp)]
        for loop in reversed(loops):  # innermost first
            hoist_from(loop)
        drop_repeated_checks(op)
