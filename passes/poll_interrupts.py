"""poll-interrupts: Ctrl-C stops a long compiled call.

Each function called from Python reads the count of SIGINTs
(`scanjit_interrupts`, scanjit/runtime/interrupt.ll) when it starts, and
each of its outermost `scf.for` loops runs in blocks of `POLL_STEPS` steps,
before each of which the count is read again; a count that changed fails an
`sj.check` raising `KeyboardInterrupt` (so `free-on-error`, which runs
next, frees what the call allocated):

    scf.for %i = %lb to %ub step %s iter_args(...) { body }

becomes

    %block = arith.muli %s, POLL_STEPS
    scf.for %b = %lb to %ub step %block iter_args(...) {
      %now = func.call @scanjit_interrupts() : () -> i64
      sj.check (%now == %start), "KeyboardInterrupt: ..."
      %end = arith.minsi (%b + %block), %ub
      scf.for %i = %b to %end step %s iter_args(...) { body }
    }

A loop of fewer steps than `POLL_STEPS` (constant bounds) is left as it is;
so are the parts of parallel loops (private functions) and `scf.while`
loops (scans with `until`), which are not interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, scf
from xdsl.dialects.builtin import IndexType, ModuleOp, i64
from xdsl.ir import Block, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import SymbolTable

from scanjit.dialects import sj
from scanjit.passes.support.builder import Builder, constant_trip_count, outermost_loops

POLL_STEPS = 1 << 16
COUNT = "scanjit_interrupts"
MESSAGE = "KeyboardInterrupt: interrupted (Ctrl-C) during a compiled call"


def _short(loop: scf.ForOp) -> bool:
    steps = constant_trip_count(loop)
    return steps is not None and steps < POLL_STEPS


def in_blocks(loop: scf.ForOp, start: SSAValue) -> None:
    """Run `loop` in blocks of POLL_STEPS steps, checking the count before each."""
    b = Builder()
    block_steps = b.emit(arith.MuliOp(loop.step, b.index(POLL_STEPS)))
    outer = Block(arg_types=[IndexType(), *[v.type for v in loop.iter_args]])
    with b.into(outer) as ob:
        now = ob.emit(func.CallOp(COUNT, [], [i64]))
        ob.emit(sj.CheckOp(ob.emit(arith.CmpiOp(now, start, "eq")), MESSAGE))
        end = ob.emit(arith.MinSIOp(ob.emit(arith.AddiOp(outer.args[0], block_steps)), loop.ub))
        inner = scf.ForOp(outer.args[0], end, loop.step, list(outer.args[1:]), loop.detach_region(loop.body))
        ob.emit(inner)
        ob.emit(scf.YieldOp(*inner.results))
    blocked = scf.ForOp(loop.lb, loop.ub, block_steps, list(loop.iter_args), Region(outer))
    Rewriter.replace_op(loop, [*b.ops, blocked])


@dataclass(frozen=True)
class PollInterruptsPass(ModulePass):
    name = "poll-interrupts"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks
                         and f.sym_visibility is None]:
            loops = [loop for loop in outermost_loops(function) if not _short(loop)]
            if not loops:
                continue
            if SymbolTable.lookup_symbol(op, COUNT) is None:
                op.body.block.add_op(func.FuncOp.external(COUNT, [], [i64]))
            start = func.CallOp(COUNT, [], [i64])
            Rewriter.insert_op(start, InsertPoint.at_start(function.body.block))
            for loop in loops:
                in_blocks(loop, start.res[0])
