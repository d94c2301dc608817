"""remove-dead-iter-args: drop the values an `scf.for` carries only for a
result nobody reads.

A scan output that the function does not return and nothing else reads is
still carried by the loop: its stacked buffer (or its state) is an
iter_arg that each step updates. Such an iter_arg goes: its result has no
use, and everything computed from its block argument in the loop body is
free of side effects and reaches the `scf.yield` only at the iter_arg's own
position. Those ops are erased with it, and so is what only they read (the
step's exp of a per-step output nobody keeps, a gradient nobody asked for).
Runs on the emitted IR, first, so no dead work is lowered.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import scf
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.transforms.dead_code_elimination import region_dce
from xdsl.traits import is_side_effect_free


def dead_slice(loop: scf.ForOp, k: int) -> list[Operation] | None:
    """The ops computed from iter_arg k's block argument, in order, if they
    can go with it; else None."""
    body = loop.body.block
    yield_op = body.last_op
    found: set[Operation] = set()
    pending = [body.args[k + 1]]
    while pending:
        for use in pending.pop().uses:
            op = use.operation
            if op is yield_op:
                if use.index != k:
                    return None
                continue
            if op.parent_block() is not body or not is_side_effect_free(op):
                return None
            if op not in found:
                found.add(op)
                pending.extend(op.results)
    return [op for op in body.ops if op in found]


def remove_dead_iter_args(loop: scf.ForOp) -> scf.ForOp:
    dead = {}
    for k, result in enumerate(loop.results):
        if not result.uses:
            ops = dead_slice(loop, k)
            if ops is not None:
                dead[k] = ops
    if not dead:
        return loop
    body = loop.body.block
    yield_op = body.last_op
    for ops in dead.values():
        for op in reversed(ops):
            if op.parent is not None:
                op.detach()
                op.erase(safe_erase=False)
    kept = [k for k in range(len(loop.results)) if k not in dead]
    Rewriter.replace_op(yield_op, scf.YieldOp(*[yield_op.operands[k] for k in kept]))
    for k in sorted(dead, reverse=True):
        body.erase_arg(body.args[k + 1])
    new = scf.ForOp(loop.lb, loop.ub, loop.step, [loop.iter_args[k] for k in kept], loop.detach_region(loop.body))
    Rewriter.replace_op(loop, new, [new.results[kept.index(k)] if k in kept else None
                                    for k in range(len(loop.results))])
    region_dce(new.body)
    return new


@dataclass(frozen=True)
class RemoveDeadIterArgsPass(ModulePass):
    name = "remove-dead-iter-args"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        loops = [o for o in op.walk() if isinstance(o, scf.ForOp)]
        for loop in reversed(loops):  # inner loops first: their dead results free their parents'
            remove_dead_iter_args(loop)
