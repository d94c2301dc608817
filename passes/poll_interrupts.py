"""poll-interrupts: Ctrl-C stops a long compiled call.

Each function called from Python reads the count of SIGINTs
(`scanjit_interrupts`, scanjit/runtime/interrupt.ll) when it starts, and
reads it again every `POLL_WORK` inner iterations or so (the steps of a loop
times the trip counts of its inner loops, `work_per_step`); a count that
changed fails an `sj.check` raising `KeyboardInterrupt` (so `free-on-error`,
which runs next, frees what the call allocated). Its outermost `scf.for`
loops run in blocks of that many steps, before each of which the count is
read:

    scf.for %i = %lb to %ub step %s iter_args(...) { body }

becomes

    %block = arith.muli %s, max(POLL_WORK / work, 1)
    scf.for %b = %lb to %ub step %block iter_args(...) {
      %now = func.call @scanjit_interrupts() : () -> i64
      sj.check (%now == %start), "KeyboardInterrupt: ..."
      %end = arith.minsi (%b + %block), %ub
      scf.for %i = %b to %end step %s iter_args(...) { body }
    }

A loop without inner loops and of fewer steps than `POLL_WORK` (constant
bounds) is left as it is. Each `scf.while` (a scan with `until`) carries
a count of the work it did since the last read, and reads the count when it
reaches `POLL_WORK`.

The parts of parallel loops (`sj.parallel_for`'s private functions) get the
start count as one more argument and poll their loop the same way (the loop
over the steps inside a column block of `block-recurrence-columns`, whose
blocks are a part each). The first part that sees a new count fails; the
others fail at their next read, and the caller frees what it allocated and
returns the part's status, as for any failed part.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, scf
from xdsl.dialects.builtin import IndexType, ModuleOp, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import SymbolTable

from scanjit.dialects import sj
from scanjit.passes.support.builder import Builder, constant_trip_count, outermost_loops, work_per_step
from scanjit.passes.support.parallel import INDEPENDENT

POLL_WORK = 1 << 16  # inner iterations between two reads of the count
COUNT = "scanjit_interrupts"
MESSAGE = "KeyboardInterrupt: interrupted (Ctrl-C) during a compiled call"


def _short(loop: scf.ForOp) -> bool:
    steps = constant_trip_count(loop)
    flat = not any(isinstance(op, scf.ForOp) for op in loop.body.walk())
    return flat and steps is not None and steps < POLL_WORK


def _work(block: Block, loop: Operation, b: Builder) -> SSAValue | None:
    """The inner iterations of a step of `loop` (ops emitted to `b`), or None
    when it holds no loop of bounds from outside (1)."""
    counting = Builder()
    work = work_per_step(block, loop, counting)
    if len(counting.ops) == 1:
        return None
    for op in counting.ops:
        b.emit(op)
    return work


def _check(b: Builder, start: SSAValue) -> None:
    now = b.emit(func.CallOp(COUNT, [], [i64]))
    b.emit(sj.CheckOp(b.emit(arith.CmpiOp(now, start, "eq")), MESSAGE))


def in_blocks(loop: scf.ForOp, start: SSAValue) -> None:
    """Run `loop` in blocks of about POLL_WORK inner iterations, checking the count before each."""
    b = Builder()
    work = _work(loop.body.block, loop, b)
    steps = b.index(POLL_WORK) if work is None else \
        b.emit(arith.MaxUIOp(b.emit(arith.DivUIOp(b.index(POLL_WORK), work)), b.index(1)))
    block_steps = b.emit(arith.MuliOp(loop.step, steps))
    outer = Block(arg_types=[IndexType(), *[v.type for v in loop.iter_args]])
    with b.into(outer) as ob:
        _check(ob, start)
        end = ob.emit(arith.MinSIOp(ob.emit(arith.AddiOp(outer.args[0], block_steps)), loop.ub))
        inner = scf.ForOp(outer.args[0], end, loop.step, list(outer.args[1:]), loop.detach_region(loop.body))
        ob.emit(inner)
        ob.emit(scf.YieldOp(*inner.results))
    blocked = scf.ForOp(loop.lb, loop.ub, block_steps, list(loop.iter_args), Region(outer))
    Rewriter.replace_op(loop, [*b.ops, blocked])


def counted(loop: scf.WhileOp, start: SSAValue) -> None:
    """Carry the work `loop` did since the count was last read, and read it
    (then start again from 0) when that reaches POLL_WORK."""
    b = Builder()
    work = _work(loop.after_region.block, loop, b) or b.index(1)
    zero, limit = b.index(0), b.index(POLL_WORK)
    before, after = loop.before_region.block, loop.after_region.block
    done = before.insert_arg(IndexType(), len(before.args))
    condition = before.last_op
    assert isinstance(condition, scf.ConditionOp)
    Rewriter.replace_op(condition, scf.ConditionOp(condition.condition, *condition.args, done))
    done = after.insert_arg(IndexType(), len(after.args))
    step = Builder()
    total = step.emit(arith.AddiOp(done, work))
    due = step.emit(arith.CmpiOp(total, limit, "uge"))
    poll = Block()
    with step.into(poll) as pb:
        _check(pb, start)
        pb.emit(scf.YieldOp())
    step.emit(scf.IfOp(due, [], Region(poll)))
    rest = step.emit(arith.SelectOp(due, zero, total))
    Rewriter.insert_op(step.ops, InsertPoint.at_start(after))
    yielded = after.last_op
    assert isinstance(yielded, scf.YieldOp)
    Rewriter.replace_op(yielded, scf.YieldOp(*yielded.operands, rest))
    regions = [loop.detach_region(r) for r in (loop.before_region, loop.after_region)]
    polled = scf.WhileOp([*loop.arguments, zero], [*loop.result_types, IndexType()], *regions)
    Rewriter.insert_op(b.ops, InsertPoint.before(loop))
    Rewriter.replace_op(loop, polled, list(polled.results[:-1]))


def polled_part(part: func.FuncOp, call: sj.ParallelForOp, start: SSAValue) -> None:
    """Pass `start` to the part `call` runs, which polls its loop with it."""
    entry = part.body.block
    count = entry.insert_arg(i64, len(entry.args))
    count.name_hint = "interrupts"
    part.update_function_type()
    Rewriter.replace_op(call, sj.ParallelForOp(call.callee.string_value(), call.lower, call.upper, call.grain,
                                               [*call.captures, start]))
    for loop in outermost_loops(part):
        if INDEPENDENT in loop.attributes:  # column blocks: their steps loops
            for inner in [op for op in loop.body.block.ops if isinstance(op, scf.ForOp) and not _short(op)]:
                in_blocks(inner, count)
        elif not _short(loop):
            in_blocks(loop, count)


@dataclass(frozen=True)
class PollInterruptsPass(ModulePass):
    name = "poll-interrupts"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks
                         and f.sym_visibility is None]:
            loops = [loop for loop in outermost_loops(function) if not _short(loop)]
            whiles = [w for w in function.walk() if isinstance(w, scf.WhileOp)]
            calls = [c for c in function.walk() if isinstance(c, sj.ParallelForOp)]
            if not (loops or whiles or calls):
                continue
            if SymbolTable.lookup_symbol(op, COUNT) is None:
                op.body.block.add_op(func.FuncOp.external(COUNT, [], [i64]))
            start = func.CallOp(COUNT, [], [i64])
            Rewriter.insert_op(start, InsertPoint.at_start(function.body.block))
            for loop in loops:
                in_blocks(loop, start.res[0])
            for loop in whiles:
                counted(loop, start.res[0])
            for call in calls:
                part = SymbolTable.lookup_symbol(op, call.callee)
                assert isinstance(part, func.FuncOp)
                polled_part(part, call, start.res[0])
