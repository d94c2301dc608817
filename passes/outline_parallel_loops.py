"""outline-parallel-loops: run the loops whose steps are independent on every
core.

A scan with no recurrent state (Example 1's `a * b`) bufferizes to an
`scf.for` whose step reads rows of its inputs and writes row `i` of its
output. Such a loop becomes a private function over a range of iterations,

    func.func private @main_loop0(%lo: index, %hi: index, <captured values>) {
      scf.for %i = %lo to %hi step %c1 { <the step> }
    }

called through `sj.parallel_for @main_loop0(%lb, %ub) grain %g captures(...)`,
which the runtime splits into parts of at least `%g` steps, a few per thread.

A loop qualifies when it runs by steps of 1, carries nothing, is nested in no
other loop, and its step is arith and math ops (and sj's scalar functions,
`sj.sigmoid`, ...), loads, stores and inner
`scf.for` loops, where every store writes row `i` (first index the outer
induction variable) of a buffer allocated in the function, and that buffer
is read only at row `i`, or writes a temporary of the step (`step_temporary`:
each part then allocates its own); and calls of the runtime's products
without BLAS (`scanjit_dot_*`), which read their operands and write only their
result, a temporary of the step. Other buffers read are function arguments
(which the ABI assumes no written buffer overlaps), constants (read-only
globals) or other allocations. Its `sj.check`s must be directly in the step
with conditions from outside the loop: they move in front of it
(`hoist_checks`). The step then cannot fail (but for its parts' allocations,
whose error code the runtime returns), calls nothing else and shares no buffer
with other steps, so its parts can run in any order, at the same time. A loop of steps without inner loops whose
bounds are constants less than `2 * GRAIN` apart stays as it is. A loop
marked `INDEPENDENT` by the pass that built it (`block-recurrence-columns`)
qualifies when its ops do.

A part is at least `GRAIN` inner iterations long: the grain in steps is
computed before the loop from the trip counts of the step's loops.

In the step of a loop that does not qualify (a scan's recurrence), a loop
over rows of a batched cell's gates runs in parts the same way, called
through `sj.parallel_for` at every step (`independent_rows`): a nest whose
iterations each write their own slice of the buffers written (the induction
variable at the same index of every access to them) and call scalar
functions (`tanh`, `sigmoid`), whose cost weights its grain
(`FUNCTION_WEIGHT`). A batched LSTM's step (batch 32, 128 units) spends a
quarter of its time in its gates on one thread; on two, workloads 8, 9 and
(e) of bench.py took 11-18% less time.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import IndexType, IntegerAttr, MemRefType, ModuleOp, StringAttr
from xdsl.ir import Block, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import IsTerminator

from scanjit.dialects import sj
from scanjit.dialects.abi import STEP_LOCAL
from scanjit.passes.support.memory import checked_alloc, read_only, viewed
from scanjit.passes.support.parallel import GRAIN, INDEPENDENT, hoist_checks, map_op, own_slices
from scanjit.passes.support.builder import (
    Builder, constant_trip_count, defined_in, integer_constant, outermost_loops, work_per_step,
)



def _too_short(loop: scf.ForOp) -> bool:
    """Whether `loop` has a known trip count too small for two parts of
    steps without inner loops."""
    steps = constant_trip_count(loop)
    flat = not any(isinstance(op, scf.ForOp) for op in loop.body.walk())
    return flat and steps is not None and steps < 2 * GRAIN


def _is_allocation(value: SSAValue) -> bool:
    return isinstance(value.owner, memref.AllocOp)


def step_temporary(buffer: SSAValue, loop: scf.ForOp) -> bool:
    """Whether `buffer` holds a tensor each step of `loop` creates: `bufferize`
    moved its allocation out of the loop (`STEP_LOCAL`), and only the loop uses
    it, besides its allocation check and its dealloc. Each part can have its own."""
    alloc = buffer.owner
    if not isinstance(alloc, memref.AllocOp) or STEP_LOCAL not in alloc.attributes:
        return False
    return all(loop.is_ancestor(use.operation)
               or isinstance(use.operation, memref.DeallocOp | memref.ExtractAlignedPointerAsIndexOp)
               for use in buffer.uses)


# Runtime functions a step may call: each writes only its argument at this
# position, and reads the other buffers it is given.
WRITING_ARGUMENT = {"scanjit_dot_f64": 2, "scanjit_dot_f32": 2}


def _whole(buffer: SSAValue) -> SSAValue:
    """The buffer a call's argument is, or is a row of (`sj.buffer_row`)."""
    return buffer.owner.source if isinstance(buffer.owner, sj.BufferRowOp) else buffer


def independent_steps(loop: scf.ForOp) -> bool:
    """Whether `loop`'s steps can run in any order, at the same time."""
    if loop.iter_args or integer_constant(loop.step) != 1 or _too_short(loop):
        return False
    iv = loop.body.block.args[0]
    accesses: list[memref.LoadOp | memref.StoreOp] = []
    calls: list[func.CallOp] = []
    for op in loop.body.walk():
        if op.has_trait(IsTerminator) or isinstance(op, scf.ForOp):
            continue
        if isinstance(op, sj.CheckOp):
            if op.parent_op() is not loop or any(defined_in(v, loop) for v in op.operands):
                return False  # only checks of the step as a whole, the same at every step
        elif isinstance(op, memref.LoadOp | memref.StoreOp):
            accesses.append(op)
        elif isinstance(op, func.CallOp) and op.callee.string_value() in WRITING_ARGUMENT:
            calls.append(op)
        elif isinstance(op, sj.BufferRowOp):
            continue  # a row a call reads or writes where it lies: its buffer counts (_whole)
        elif op.dialect_name() not in ("arith", "math") and not isinstance(op, sj.FloatFunctionOp) \
                or op.regions:
            return False
    if INDEPENDENT in loop.attributes:  # proved by the pass that made it
        return True
    written = {op.memref for op in accesses if isinstance(op, memref.StoreOp)}
    call_writes = {_whole(call.arguments[WRITING_ARGUMENT[call.callee.string_value()]]) for call in calls}
    call_reads = {_whole(a) for call in calls for a in call.arguments if isinstance(a.type, MemRefType)} - call_writes
    temporaries = {m for m in {op.memref for op in accesses} | call_writes | call_reads if step_temporary(m, loop)}
    if not call_writes <= temporaries:
        return False
    for buffer in call_reads - temporaries:  # whole buffers that no step writes
        if viewed(buffer) in written | call_writes or not (read_only(buffer) or _is_allocation(buffer)):
            return False
    for op in accesses:
        if op.memref in temporaries:
            continue
        if op.memref in written:
            if not _is_allocation(op.memref) or not op.indices or op.indices[0] != iv:
                return False
        elif viewed(op.memref) in written or not (read_only(op.memref) or _is_allocation(op.memref)):
            return False
    return True


# An in-step loop's inner iteration counts this many times over per call of
# a scalar function (tanh, sigmoid, exp: 2-4 ns against a few tenths of a ns
# for an addition), so that its grain measures time, not iterations.
FUNCTION_WEIGHT = 8


def _functions(loop: scf.ForOp) -> int:
    """The calls of scalar functions (math ops, sj's) in `loop`'s step."""
    return sum(isinstance(op, sj.FloatFunctionOp) or op.dialect_name() == "math" for op in loop.body.walk())


def independent_rows(loop: scf.ForOp) -> bool:
    """Whether `loop`, a loop in the step of a loop of dependent steps (a
    scan's), is a map worth parts: by steps of 1, carrying nothing, of nested
    loops with scalar functions (a batched cell's gates: rows of tanh and
    sigmoid), of arith and math ops, loads and stores only; where every
    access to a buffer it writes (an allocation of the function) has its
    induction variable at one index, the same for all (so its iterations
    write disjoint parts and read only their own), and the other buffers are
    function arguments, constants or allocations."""
    if loop.iter_args or integer_constant(loop.step) != 1 or _functions(loop) == 0:
        return False
    iv, ops = loop.body.block.args[0], list(loop.body.walk())
    if not all(map_op(op) for op in ops):
        return False
    accesses = [(op, iv) for op in ops if isinstance(op, memref.LoadOp | memref.StoreOp)]
    nested = any(isinstance(op, scf.ForOp) for op in ops)
    return nested and not any(step_temporary(op.memref, loop) for op, _ in accesses) and own_slices(accesses)


def in_step_loops(steps: scf.ForOp) -> list[scf.ForOp]:
    """The loops in the step of `steps` (whose steps depend on each other)
    that `independent_rows` finds to be maps."""
    return [op for op in steps.body.block.ops if isinstance(op, scf.ForOp) and independent_rows(op)]


def _grain(loop: scf.ForOp, in_step: bool) -> SSAValue:
    """Steps per part: GRAIN inner iterations' worth, at least 1 (an
    in-step loop's iterations weighted by its scalar functions)."""
    b = Builder()
    if INDEPENDENT in loop.attributes:  # its steps are a thread's share each
        grain = b.index(1)
    else:
        work = work_per_step(loop.body.block, loop, b)
        if in_step:
            work = b.emit(arith.MuliOp(work, b.index(1 + FUNCTION_WEIGHT * _functions(loop))))
        grain = b.emit(arith.MaxUIOp(b.emit(arith.DivUIOp(b.index(GRAIN), work)), b.index(1)))
    Rewriter.insert_op(b.ops, InsertPoint.before(loop))
    return grain


def _outside_values(loop: scf.ForOp) -> list[SSAValue]:
    """Values defined outside `loop` that its step uses, in order of first use."""
    seen: dict[SSAValue, None] = {}
    for op in loop.body.walk():
        for operand in op.operands:
            if not defined_in(operand, loop):
                seen.setdefault(operand)
    return list(seen)


def outline(loop: scf.ForOp, name: str, in_step: bool = False,
            ) -> tuple[func.FuncOp, sj.ParallelForOp, list[SSAValue]]:
    """The private function running `loop`'s steps over [lo, hi), the
    `sj.parallel_for` that replaces `loop`, and the step's temporaries (whose
    allocations before the loop are no longer used). The step moves into the
    function: constants it uses (and `memref.get_global`s) are copied there,
    and its temporaries are allocated there (one per part); other values from
    outside are arguments."""
    outside = _outside_values(loop)
    temporaries = [v for v in outside if step_temporary(v, loop)]
    sizes = [size for t in temporaries for size in t.owner.operands]
    outside = list(dict.fromkeys([v for v in outside if v not in temporaries] + sizes))
    constants = [v for v in outside if isinstance(v.owner, arith.ConstantOp | memref.GetGlobalOp)]
    captures = [v for v in outside if v not in constants]
    entry = Block(arg_types=[IndexType(), IndexType(), *[c.type for c in captures]])
    lo, hi, *inner = entry.args
    lo.name_hint, hi.name_hint = "lo", "hi"
    mapping: dict[SSAValue, SSAValue] = dict(zip(captures, inner))
    for capture, arg in zip(captures, inner):
        arg.name_hint = capture.name_hint
    for constant in constants:
        entry.add_op(copy := constant.owner.clone())
        mapping[constant] = copy.results[0]
    for temporary in temporaries:
        mapping[temporary] = checked_alloc([mapping[size] for size in temporary.owner.operands],
                                           temporary.type, InsertPoint.at_end(entry))
    call = sj.ParallelForOp(name, loop.lb, loop.ub, _grain(loop, in_step), captures)
    for old, new in mapping.items():
        old.replace_uses_with_if(new, lambda use: loop.is_ancestor(use.operation))
    step = arith.ConstantOp(IntegerAttr(1, IndexType()))
    body = loop.body.detach_block(0)
    part = scf.ForOp(lo, hi, step.result, [], body)
    if INDEPENDENT in loop.attributes:  # for poll-interrupts: its steps are long
        part.attributes[INDEPENDENT] = loop.attributes[INDEPENDENT]
    entry.add_ops([step, part])
    entry.add_ops([memref.DeallocOp.get(mapping[t]) for t in temporaries] + [func.ReturnOp()])
    function = func.FuncOp(name, (list(entry.arg_types), []), Region(entry),
                           visibility=StringAttr("private"))
    return function, call, temporaries


def _drop_allocation(alloc: memref.AllocOp) -> None:
    """Remove an allocation the parts replaced: its dealloc goes, and its
    check reads a non-null address (its size condition stays)."""
    for use in list(alloc.memref.uses):
        user = use.operation
        if isinstance(user, memref.ExtractAlignedPointerAsIndexOp):
            nonzero = arith.ConstantOp(IntegerAttr(1, IndexType()))
            Rewriter.insert_op(nonzero, InsertPoint.before(user))
            user.results[0].replace_all_uses_with(nonzero.result)
        Rewriter.erase_op(user)
    Rewriter.erase_op(alloc)


@dataclass(frozen=True)
class OutlineParallelLoopsPass(ModulePass):
    name = "outline-parallel-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            outermost = outermost_loops(function)
            loops = [loop for loop in outermost if independent_steps(loop)]
            in_step = [inner for loop in outermost if loop not in loops for inner in in_step_loops(loop)]
            for k, loop in enumerate(loops + in_step):
                hoist_checks(loop)
                outlined, call, temporaries = outline(loop, f"{function.sym_name.data}_loop{k}", loop in in_step)
                Rewriter.replace_op(loop, call)
                Rewriter.insert_op(outlined, InsertPoint.after(function))
                for temporary in temporaries:
                    _drop_allocation(temporary.owner)
