"""hoist-loop-invariants: move work that does not change from step to step
out of `scf.for` / `scf.while` bodies.

An op is moved in front of its loop when all its operands are defined outside
the loop and it has no side effects (arith, math, `tensor.dim`, `memref.dim`,
`sj` ops on invariant tensors, an `sj.map` with its scalar body), or it is a
`cf.assert` on an invariant condition: the check then runs once, before the
loop, as the hoisted work it guards does. Loads, stores, calls, nested loops
and fresh tensors (`tensor.empty`, `sj.fill`: buffers the loop writes) stay. Ops are visited in order, so chains of invariant ops move
together, and inner loops first, so invariants bubble out of nests.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import cf, scf, tensor
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import IsTerminator, is_side_effect_free

from scanjit.dialects import sj


def defined_outside(op: Operation, loop: Operation) -> bool:
    return all(not loop.is_ancestor(operand.owner if isinstance(operand.owner, Operation)
                                    else operand.owner.parent_op())
               for operand in op.operands)


def hoistable(op: Operation, loop: Operation) -> bool:
    if op.has_trait(IsTerminator) or isinstance(op, scf.ForOp | scf.WhileOp | tensor.EmptyOp | sj.FillOp):
        return False
    movable = isinstance(op, cf.AssertOp) or is_side_effect_free(op)
    return movable and defined_outside(op, loop)


def hoist_from(loop: scf.ForOp | scf.WhileOp) -> None:
    for region in loop.regions:
        for block in region.blocks:
            for op in list(block.ops):
                if hoistable(op, loop):
                    op.detach()
                    Rewriter.insert_op(op, InsertPoint.before(loop))


@dataclass(frozen=True)
class HoistLoopInvariantsPass(ModulePass):
    name = "hoist-loop-invariants"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        loops = [o for o in op.walk() if isinstance(o, scf.ForOp | scf.WhileOp)]
        for loop in reversed(loops):  # innermost first
            hoist_from(loop)
