"""`block-recurrence-columns`: a recurrence's independent columns run in
blocks, which `outline-parallel-loops` then runs on every core.

A scan whose step updates its state elementwise (an exponential moving
average of 100,000 series, a batch of linear recurrences) bufferizes to a
loop over the steps whose column loops touch only column %j of the buffers
they write:

    scf.for %t = %lb to %ub {
      <checks, index arithmetic>
      scf.for %j = %c0 to %w { ... %S[%t, %j] ... memref.store %v, %S[%t + 1, %j] }
      <more column loops over the same range>
    }

Column %j of the state then depends on column %j alone: the steps can run
for one block of columns after the other, or for several at the same time.
The steps loop moves into a loop over as many blocks as the runtime has
threads (fewer when a block would do less than GRAIN element steps), whose
steps are independent (`INDEPENDENT`, which `outline-parallel-loops` trusts
and runs one block per part). One contiguous block per thread keeps each
thread's reads of a row one stream: more, smaller blocks cost a single
thread up to 40% (measured on the moving average, 100,000 series). A block
is a whole number of cache lines (L columns: 64 bytes of the narrowest
buffer written), so no line is written by two threads: 8 float64 series
split in two made every step's stores contend for one line (the running
sum's gradient ran 2.5x slower on two threads than on one).

    <the checks, in front: they do not depend on the step>
    %size = max(ceildiv(ceildiv(%w, min(threads, %w * steps / GRAIN) or 1), L) * L, L)
    scf.for %b = %c0 to ceildiv(%w, %size) step %c1 {
      %lo = %b * %size
      %hi = min(%lo + %size, %w)
      scf.for %t = %lb to %ub { <index arithmetic> scf.for %j = %lo to %hi {...} ... }
    } {scanjit.independent_blocks}

Every column sees the same operations in the same order: the results are the
same bits whatever the number of threads. The rewrite applies to an
outermost steps loop (nested ones would not run in parallel) carrying
nothing, whose ops are side-effect free, `sj.check`s of values from outside
it, and at least one column loop; the column loops share their bounds (from
outside the steps loop), carry nothing, and hold only arith and math ops,
sj's scalar functions, loads, stores and loops. Each buffer written there is
allocated in the function, and every access to it has the enclosing column
loop's induction variable as the same index; the other buffers read are
function arguments, constants or other allocations, not views of a buffer
written (a cast of the state read at another column).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import IndexType, ModuleOp, UnitAttr, i64
from xdsl.ir import Block, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import IsTerminator, SymbolTable, is_side_effect_free

from scanjit.dialects import sj
from scanjit.passes.support.builder import Builder, defined_in, integer_constant, outermost_loops
from scanjit.passes.support.parallel import GRAIN, INDEPENDENT, hoist_checks, map_op, own_slices

CACHE_LINE = 64  # bytes
THREADS = "scanjit_threads"  # the runtime's thread count (scanjit/runtime/threads.ll)


def _column_loops(steps: scf.ForOp) -> list[scf.ForOp] | None:
    """The column loops of `steps`, when its other ops qualify."""
    if steps.iter_args:
        return None
    columns = [op for op in steps.body.block.ops if isinstance(op, scf.ForOp)]
    if not columns:
        return None
    first = columns[0]
    if integer_constant(first.step) != 1:
        return None
    for loop in columns:
        if loop.iter_args or loop.lb is not first.lb or loop.ub is not first.ub \
                or loop.step is not first.step or defined_in(loop.ub, steps) \
                or defined_in(loop.lb, steps) or defined_in(loop.step, steps):
            return None
    for op in steps.body.block.ops:
        if op in columns or op.has_trait(IsTerminator):
            continue
        if isinstance(op, sj.CheckOp):
            if any(defined_in(v, steps) for v in op.operands):
                return None
        elif op.regions or not is_side_effect_free(op):
            return None
    return columns


def _columns_independent(columns: list[scf.ForOp]) -> bool:
    """Whether each column loop's iteration %j touches only column %j (one
    index position per buffer) of the buffers the loops write, and some
    step reads what an earlier one wrote (a recurrence)."""
    accesses: list[tuple[memref.LoadOp | memref.StoreOp, SSAValue]] = []
    for loop in columns:
        for op in loop.body.walk():
            if not map_op(op):
                return False
            if isinstance(op, memref.LoadOp | memref.StoreOp):
                accesses.append((op, loop.body.block.args[0]))
    written = {op.memref for op, _ in accesses if isinstance(op, memref.StoreOp)}
    if not any(isinstance(op, memref.LoadOp) and op.memref in written for op, _ in accesses):
        return False  # (steps that read nothing they wrote are independent as they are)
    return own_slices(accesses)


def _ceil_div(b: Builder, x: SSAValue, y: SSAValue) -> SSAValue:
    """x / y rounded up, for 0 <= x and 1 <= y."""
    return b.emit(arith.DivUIOp(b.emit(arith.AddiOp(x, b.emit(arith.SubiOp(y, b.index(1))))), y))


def _line_elements(columns: list[scf.ForOp]) -> int:
    """Columns per 64-byte cache line of the narrowest buffer the column loops write."""
    widths = [max(1, getattr(store.value.type, "bitwidth", 64) // 8) for loop in columns for store in loop.body.walk()
              if isinstance(store, memref.StoreOp)]
    return CACHE_LINE // min(widths, default=CACHE_LINE)


def block_columns(steps: scf.ForOp, columns: list[scf.ForOp]) -> None:
    """Put the steps loop into a loop over as many blocks of columns as
    there are threads (fewer when the work is small: GRAIN per block)."""
    hoist_checks(steps)
    b = Builder()
    lower, upper = columns[0].lb, columns[0].ub
    zero, one = b.index(0), b.index(1)
    width = b.emit(arith.MaxSIOp(b.emit(arith.SubiOp(upper, lower)), zero))
    trips = b.emit(arith.MaxSIOp(b.emit(arith.SubiOp(steps.ub, steps.lb)), zero))
    threads = b.emit(arith.IndexCastOp(b.emit(func.CallOp(THREADS, [], [i64])), IndexType()))
    enough = b.emit(arith.DivUIOp(b.emit(arith.MuliOp(width, trips)), b.index(GRAIN)))
    wanted = b.emit(arith.MaxUIOp(b.emit(arith.MinUIOp(threads, enough)), one))
    line = b.index(_line_elements(columns))  # whole cache lines per block: no line written by two threads
    size = b.emit(arith.MaxUIOp(b.emit(arith.MuliOp(_ceil_div(b, _ceil_div(b, width, wanted), line), line)), line))
    count = _ceil_div(b, width, size)
    body = Builder(Block(arg_types=[IndexType()]))
    first = body.emit(arith.AddiOp(lower, body.emit(arith.MuliOp(body.block.args[0], size))))
    last = body.emit(arith.MinUIOp(body.emit(arith.AddiOp(first, size)), upper))
    blocks = scf.ForOp(zero, count, one, [], body.block)
    blocks.attributes[INDEPENDENT] = UnitAttr()
    b.emit(blocks)
    Rewriter.insert_op(b.ops, InsertPoint.before(steps))
    steps.detach()
    body.emit(steps)
    body.emit(scf.YieldOp())
    for loop in columns:
        loop.operands[0], loop.operands[1] = first, last


@dataclass(frozen=True)
class BlockRecurrenceColumnsPass(ModulePass):
    name = "block-recurrence-columns"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            for steps in outermost_loops(function):
                columns = _column_loops(steps)
                if columns is not None and _columns_independent(columns):
                    block_columns(steps, columns)
                    if SymbolTable.lookup_symbol(op, THREADS) is None:
                        op.body.block.add_op(func.FuncOp.external(THREADS, [], [i64]))
