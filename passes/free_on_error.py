"""free-on-error: a failed run-time check frees what the call allocated.

`bufferize` allocates each buffer in some block and frees it after its last
use in that block, except a returned buffer, which belongs to the caller. A
failed `sj.check` returns from the function (`convert-cf-to-llvm`) and skips
those deallocs, so this pass gives each `sj.check` the buffers live there to
free on its failure path, latest first:

    sj.check %ok, "..." frees(%b, %a : memref<?xf64>, memref<?xf64>)

the allocations in the check's block and in each enclosing block that come
before it (or before the op holding it) and whose dealloc does not, returned
buffers included; the buffers an `scf.if` yields count as allocated by it.
`convert-cf-to-llvm` makes the failure paths of checks freeing the same
buffers share their deallocs. An allocation's own null check frees it too
(`scanjit_free` ignores null). An `sj.parallel_for` fails when one of its
parts does: its `frees` are the buffers live there, which the caller frees
before returning the part's status (`convert-parallel-to-llvm`). A part, an
outlined function, frees only what it allocated: its arguments are the
caller's. Allocation checks in a row become one first
(`merge_allocation_checks`): their failures raise the same MemoryError.

Run after `outline-parallel-loops` (which moves checks out of the loops it
outlines and allocates each part's temporaries in the part) and before the
scf lowerings: the live buffers are read off the structured control flow.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func, memref, scf
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.ir import Block, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from scanjit.dialects import sj
from scanjit.passes.support.memory import merge_allocation_checks


def free_in_block(block: Block, outer: dict[SSAValue, None]) -> None:
    """Free on the failure paths of `block` (and the blocks it holds) what
    they allocated, and `outer`: what is live when the block starts."""
    live = dict(outer)
    for op in list(block.ops):
        if isinstance(op, memref.AllocOp):
            live[op.memref] = None
        elif isinstance(op, memref.DeallocOp):
            live.pop(op.memref, None)
        elif isinstance(op, sj.CheckOp) and live:
            Rewriter.replace_op(op, sj.CheckOp(op.cond, op.msg.data, op.values, list(live)[::-1]))
        elif isinstance(op, sj.ParallelForOp) and live:
            Rewriter.replace_op(op, sj.ParallelForOp(op.callee.string_value(), op.lower, op.upper,
                                                     op.grain, op.captures, list(live)[::-1]))
        for region in op.regions:
            for inner in region.blocks:
                free_in_block(inner, live)
        if isinstance(op, scf.IfOp):  # its buffers, each region's own allocation (bufferize)
            live.update((r, None) for r in op.results if isinstance(r.type, MemRefType))


@dataclass(frozen=True)
class FreeOnErrorPass(ModulePass):
    name = "free-on-error"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in op.ops:
            if isinstance(function, func.FuncOp) and function.body.blocks:
                merge_allocation_checks(function.body.block)
                free_in_block(function.body.block, {})
