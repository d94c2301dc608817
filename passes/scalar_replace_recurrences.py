"""`scalar-replace-recurrences`: keep a scan's narrow state row in registers.

A scan whose step updates its state row elementwise bufferizes to

    scf.for %t = %lb to %ub {               // steps
      <checks, index arithmetic>
      scf.for %j = %c0 to %w {              // columns
        %prev = memref.load %R[%t + c - 1, %j]
        ... (reads of other buffers, arithmetic)
        memref.store %new, %R[%t + c, %j]
      }
    }

and every step reloads the row the step before stored: a store-to-load
round trip through memory on the critical path. When the row is narrow
(NARROW columns or fewer: a running sum over 8 columns) that round trip is
all a step does. This pass then interchanges the two loops and carries the
columns' values in `iter_args` from step to step (scalar replacement, as
MLIR's affine-scalrep does for loads of stored values); LLVM's SLP
vectorizer keeps a run of columns in a vector register. Wider rows keep the
loop pair: a step has enough independent vectors to hide the round trip, and
column blocks walked one after the other would each stride through memory
(measured: 8 columns 2.8x faster, 16 or more slower). The width is known only
at run time, so the rewrite is a version of the loop pair, whose carried
step loop takes every column of a row 1 to 8 wide in one walk through the steps:

    scf.if %lb < %ub and 1 <= %w <= NARROW {
      <the checks, which do not depend on %t: once>
      scf.if %w > 4 {
        <step loop with lanes for columns 0..3 and %w-4..%w-1>
      } else scf.if %w > 2 {
        <step loop with lanes for columns 0, 1 and %w-2, %w-1>
      } else {
        <step loop with lanes for columns 0 and %w-1>
      }
    } else {
      <the loop pair as it was>
    }

where each step loop is

    %init_k = memref.load %R[%lb + c - 1, %col_k] for each lane k
    scf.for %t = %lb to %ub iter_args(%prev_k = %init_k) {
      <the step's body for column %col_k, reading %prev_k>   // stores stay
      scf.yield %new_k
    }

Its lanes are two runs of RUNS[i] consecutive columns, the first from the
row's start, the second ending at its last column; they overlap when the row
is narrower than the two runs. Two lanes on one column compute the same value
from the same loads and store it to the same place: the body is the column
loop's, whose only write is that store and which reads the state only through
the carried values. The SLP vectorizer packs a run into a vector. Before,
blocks of 8, 4, 2 and 1 columns each walked the steps (a row of 7 columns
took three walks) and the module held four step loops (measured on Example 3:
a compile of 343 ms became 278 ms; rows of 3, 5, 6 and 7 columns at 10^5
steps 1.9-3x faster, 1, 2, 4 and 8 the same).

The loop pair is rewritten only when that is safe: the column loop's bounds do
not depend on the step, its body has no region, stores only row `t + c` of
one freshly allocated buffer at column `%j`, and reads that buffer only at
row `t + c - 1`, column `%j`; other buffers it reads are function arguments or
other allocations (not views of the state), and are not written in the nest;
the step's other ops are side-effect free or `sj.check`s whose operands do not
depend on the step.
And only when the chain through the carried values is short: see CHEAP.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import IndexType, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import IsTerminator, is_side_effect_free

from scanjit.dialects import sj
from scanjit.passes.support.memory import read_only, viewed
from scanjit.passes.support.builder import Builder, defined_in, integer_constant, row_offset

RUNS = (4, 2, 1)  # columns per run: two runs of RUNS[i] serve rows of RUNS[i + 1] + 1 to 2 RUNS[i] columns
NARROW = 2 * RUNS[0]  # rows up to this wide are carried (8 f64: one 512-bit register)
# The step's arithmetic per column must be a short chain of these: the
# interchange trades the row's parallelism (all its columns' vectors at once)
# for carrying one block in registers, which pays off only when the chain
# through the carried value is shorter than the store-to-load round trip it
# removes (a running sum, a linear update), not for tanh or a division.
CHEAP = (arith.AddfOp, arith.SubfOp, arith.MulfOp, arith.NegfOp, arith.AddiOp, arith.SubiOp,
         arith.MuliOp, arith.AndIOp, arith.OrIOp, arith.XOrIOp, arith.CmpfOp, arith.CmpiOp,
         arith.SelectOp, arith.MaxnumfOp, arith.MinnumfOp, arith.MaximumfOp, arith.MinimumfOp,
         arith.ExtFOp, arith.TruncFOp, arith.SIToFPOp, arith.ExtSIOp, arith.ConstantOp)
MAX_CHEAP_OPS = 8


@dataclass
class Recurrence:
    """A step loop and its column loop that can be interchanged."""

    steps: scf.ForOp
    columns: scf.ForOp
    state: SSAValue  # the buffer the column loop stores to
    store: memref.StoreOp
    reads: list[memref.LoadOp]  # the loads of the previous row of `state`
    checks: list[sj.CheckOp]


def _depends_on(value: SSAValue, arg: SSAValue, region_op: Operation) -> bool:
    """Whether `value` (defined in `region_op` or before it) is computed from `arg`."""
    if value is arg:
        return True
    owner = value.owner
    if not isinstance(owner, Operation) or not defined_in(value, region_op):
        return False
    return any(_depends_on(v, arg, region_op) for v in owner.operands)


def _fresh_or_read_only(buffer: SSAValue) -> bool:
    return isinstance(buffer.owner, memref.AllocOp) or read_only(buffer)


def match(steps: scf.ForOp) -> Recurrence | None:
    body = steps.body.block
    if steps.iter_args or not _is_one(steps.step):
        return None
    inner = [op for op in body.ops if isinstance(op, scf.ForOp)]
    if len(inner) != 1:
        return None
    columns = inner[0]
    t, j = body.args[0], columns.body.block.args[0]
    if columns.iter_args or not _is_one(columns.step) or not _is_zero(columns.lb) \
            or any(_depends_on(v, t, steps) for v in (columns.lb, columns.ub)):
        return None
    checks = []
    for op in body.ops:
        if op is columns or op.has_trait(IsTerminator):
            continue
        if isinstance(op, sj.CheckOp):
            if any(_depends_on(v, t, steps) for v in op.operands):
                return None
            checks.append(op)
        elif op.regions or not is_side_effect_free(op):
            return None
    stores = [op for op in columns.body.block.ops if isinstance(op, memref.StoreOp)]
    if len(stores) != 1:
        return None
    store = stores[0]
    state = store.memref
    if not isinstance(state.owner, memref.AllocOp) or len(store.indices) != 2 \
            or store.indices[1] is not j:
        return None
    base, row = row_offset(store.indices[0])
    if base is not t or row < 1 or defined_in(store.indices[0], columns):
        return None
    reads = []
    arithmetic = [op for op in columns.body.block.ops
                  if not isinstance(op, memref.LoadOp | memref.StoreOp) and not op.has_trait(IsTerminator)]
    if len(arithmetic) > MAX_CHEAP_OPS or not all(isinstance(op, CHEAP) for op in arithmetic):
        return None
    for op in columns.body.block.ops:
        if isinstance(op, memref.LoadOp):
            if op.memref is state:
                if op.indices[1] is not j or row_offset(op.indices[0]) != (t, row - 1) \
                        or defined_in(op.indices[0], columns):
                    return None
                reads.append(op)
            elif viewed(op.memref) is state or not _fresh_or_read_only(op.memref):
                return None
    if not reads:
        return None
    return Recurrence(steps, columns, state, store, reads, checks)


def _is_one(value: SSAValue) -> bool:
    return integer_constant(value) == 1


def _is_zero(value: SSAValue) -> bool:
    return integer_constant(value) == 0


def _clone_slice(values: list[SSAValue], loop: Operation, mapping: dict, b: Builder) -> None:
    """Clone into `b` the ops of `loop`'s body that `values` are computed from."""
    for value in values:
        owner = value.owner
        if value in mapping or not isinstance(owner, Operation) or not defined_in(value, loop):
            continue
        _clone_slice(list(owner.operands), loop, mapping, b)
        _clone_into(b, [owner], mapping)


def _clone_into(b: Builder, ops: list[Operation], mapping: dict) -> None:
    """Clone `ops` into `b`, in order, recording their results in `mapping`."""
    for op in ops:
        b.emit_clone(op, mapping)


def _carried_loop(b: Builder, r: Recurrence, columns: list[SSAValue]) -> None:
    """Loads of the lanes' initial values, then the step loop carrying them
    (lane k computes column `columns[k]`)."""
    previous_row = r.reads[0].indices[0]  # row t + c - 1, at the first step
    first_step = {r.steps.body.block.args[0]: r.steps.lb}
    _clone_slice([previous_row], r.steps, first_step, b)
    init = [b.emit(memref.LoadOp.get(r.state, [first_step.get(previous_row, previous_row), column]))
            for column in columns]

    body = Builder(Block(arg_types=[IndexType(), *[v.type for v in init]]))
    t, *carried = body.block.args
    step_mapping = {r.steps.body.block.args[0]: t}
    _clone_into(body, [op for op in r.steps.body.block.ops  # index arithmetic; checks are hoisted
                       if op is not r.columns and not isinstance(op, sj.CheckOp)
                       and not op.has_trait(IsTerminator)], step_mapping)
    new_values = []
    for column, previous in zip(columns, carried):
        mapping = {**step_mapping, r.columns.body.block.args[0]: column}
        mapping.update({load.res: previous for load in r.reads})
        _clone_into(body, [op for op in r.columns.body.block.ops
                           if op not in r.reads and not op.has_trait(IsTerminator)], mapping)
        new_values.append(mapping.get(r.store.value, r.store.value))
    body.emit(scf.YieldOp(*new_values))
    b.emit(scf.ForOp(r.steps.lb, r.steps.ub, r.steps.step, init, body.block))


def _in_branch(fill) -> Region:
    """A region of one block that `fill(builder)` fills, ended by a yield."""
    b = Builder(Block())
    fill(b)
    b.emit(scf.YieldOp())
    return Region(b.block)


def interchange(r: Recurrence) -> None:
    """Put in place of the loop pair: if steps run and the row is 1 to
    NARROW wide, the step loop carrying its columns; else the loop pair as it was."""
    b = Builder()
    invariants: dict = {}  # the step's ops the row width and the checks need
    _clone_slice([r.columns.ub], r.steps, invariants, b)
    width = invariants.get(r.columns.ub, r.columns.ub)
    steps_run = b.emit(arith.CmpiOp(r.steps.lb, r.steps.ub, "slt"))
    last = b.emit(arith.SubiOp(width, b.index(1)))  # wraps when the row is empty
    narrow = b.emit(arith.CmpiOp(last, b.index(NARROW - 1), "ule"))

    def two_runs(bb: Builder, length: int) -> None:  # 0 .. length - 1, width - length .. width - 1
        start = bb.emit(arith.SubiOp(width, bb.index(length)))
        _carried_loop(bb, r, [bb.index(k) for k in range(length)]
                      + [start] + [bb.emit(arith.AddiOp(start, bb.index(k))) for k in range(1, length)])

    def by_width(bb: Builder, lengths: tuple[int, ...]) -> None:  # rows of 1 to 2 * lengths[0] columns
        if len(lengths) == 1:
            return two_runs(bb, lengths[0])
        wider = bb.emit(arith.CmpiOp(width, bb.index(2 * lengths[1]), "ugt"))
        bb.emit(scf.IfOp(wider, [], _in_branch(lambda w: two_runs(w, lengths[0])),
                         _in_branch(lambda n: by_width(n, lengths[1:]))))

    def carried(bb: Builder) -> None:
        for check in r.checks:  # they do not depend on the step: once, before the steps
            _clone_slice(list(check.operands), r.steps, invariants, bb)
            bb.emit_clone(check, invariants)
        by_width(bb, RUNS)

    as_it_was = Block()
    b.emit(scf.IfOp(b.emit(arith.AndIOp(steps_run, narrow)), [], _in_branch(carried), Region(as_it_was)))
    Rewriter.insert_op(b.ops, InsertPoint.before(r.steps))
    r.steps.detach()
    as_it_was.add_ops([r.steps, scf.YieldOp()])


@dataclass(frozen=True)
class ScalarReplaceRecurrencesPass(ModulePass):
    name = "scalar-replace-recurrences"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        # Matches are disjoint (a column loop holds no loop), so find them all first.
        for recurrence in [r for o in op.walk() if isinstance(o, scf.ForOp) and (r := match(o))]:
            interchange(recurrence)
