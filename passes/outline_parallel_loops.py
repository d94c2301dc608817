"""outline-parallel-loops: run the loops whose steps are independent on every
core.

A scan with no recurrent state (Example 1's `a * b`) bufferizes to an
`scf.for` whose step reads rows of its inputs and writes row `i` of its
output. Such a loop becomes a private function over a range of iterations,

    func.func private @main_loop0(%lo: index, %hi: index, <captured values>) {
      scf.for %i = %lo to %hi step %c1 { <the step> }
    }

called through `sj.parallel_for @main_loop0(%lb, %ub) captures(...)`, which
the runtime splits into parts of at least `GRAIN` iterations, one per thread.

A loop qualifies when it runs by steps of 1, carries nothing, is nested in no
other loop, may run at least `2 * GRAIN` steps (its bounds are not constants
closer than that), and its step is straight-line code of arith and math ops, loads
and stores, where every store writes row `i` (first index the induction
variable) of a buffer allocated in the function, and that buffer is read
only at row `i`. Other buffers read are function arguments (which the ABI
assumes no written buffer overlaps) or other allocations. The step then has
no error path (no `cf.assert`), no call and no buffer shared between steps,
so its parts can run in any order, at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import IndexType, IntegerAttr, ModuleOp, StringAttr
from xdsl.ir import Block, BlockArgument, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import IsTerminator

from scanjit.dialects import sj
from scanjit.passes.support.loop_builder import defined_in

GRAIN = 1 << 14  # iterations per part: below ~2^15 iterations, one thread is as fast


def _constant(value: SSAValue) -> int | None:
    op = value.owner
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
        return op.value.value.data
    return None


def _too_short(loop: scf.ForOp) -> bool:
    """Whether `loop` has a known trip count too small for two parts."""
    lower, upper = _constant(loop.lb), _constant(loop.ub)
    return lower is not None and upper is not None and upper - lower < 2 * GRAIN


def _is_argument(value: SSAValue) -> bool:
    return isinstance(value, BlockArgument) and isinstance(value.block.parent_op(), func.FuncOp)


def _is_allocation(value: SSAValue) -> bool:
    return isinstance(value.owner, memref.AllocOp)


def independent_steps(loop: scf.ForOp) -> bool:
    """Whether `loop`'s steps can run in any order, at the same time."""
    if loop.iter_args or _constant(loop.step) != 1 or _too_short(loop):
        return False
    body = loop.body.block
    iv = body.args[0]
    accesses: list[memref.LoadOp | memref.StoreOp] = []
    for op in body.ops:
        if op.has_trait(IsTerminator):
            continue
        if isinstance(op, memref.LoadOp | memref.StoreOp):
            accesses.append(op)
        elif op.dialect_name() not in ("arith", "math") or op.regions:
            return False
    written = {op.memref for op in accesses if isinstance(op, memref.StoreOp)}
    for op in accesses:
        if op.memref in written:
            if not _is_allocation(op.memref) or not op.indices or op.indices[0] != iv:
                return False
        elif not (_is_argument(op.memref) or _is_allocation(op.memref)):
            return False
    return True


def _outside_values(loop: scf.ForOp) -> list[SSAValue]:
    """Values defined outside `loop` that its step uses, in order of first use."""
    seen: dict[SSAValue, None] = {}
    for op in loop.body.block.ops:
        for operand in op.operands:
            if not defined_in(operand, loop):
                seen.setdefault(operand)
    return list(seen)


def outline(loop: scf.ForOp, name: str) -> tuple[func.FuncOp, sj.ParallelForOp]:
    """The private function running `loop`'s steps over [lo, hi), and the
    `sj.parallel_for` that replaces `loop`. Constants the step uses are
    copied into the function; other values from outside are its arguments."""
    outside = _outside_values(loop)
    constants = [v for v in outside if isinstance(v.owner, arith.ConstantOp)]
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
    step = arith.ConstantOp(IntegerAttr(1, IndexType()))
    body = Block(arg_types=[IndexType()])
    body.args[0].name_hint = loop.body.block.args[0].name_hint
    mapping[loop.body.block.args[0]] = body.args[0]
    for op in loop.body.block.ops:
        body.add_op(op.clone(value_mapper=mapping))
    entry.add_ops([step, scf.ForOp(lo, hi, step.result, [], body), func.ReturnOp()])
    function = func.FuncOp(name, ([t for t in entry.arg_types], []), Region(entry),
                           visibility=StringAttr("private"))
    return function, sj.ParallelForOp(name, loop.lb, loop.ub, captures, GRAIN)


def _outermost_loops(function: func.FuncOp) -> list[scf.ForOp]:
    loops = []
    for op in function.walk():
        if isinstance(op, scf.ForOp):
            parent = op.parent_op()
            while parent is not function and not isinstance(parent, scf.ForOp | scf.WhileOp):
                parent = parent.parent_op()
            if parent is function:
                loops.append(op)
    return loops


@dataclass(frozen=True)
class OutlineParallelLoopsPass(ModulePass):
    name = "outline-parallel-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            loops = [loop for loop in _outermost_loops(function) if independent_steps(loop)]
            for k, loop in enumerate(loops):
                outlined, call = outline(loop, f"{function.sym_name.data}_loop{k}")
                Rewriter.replace_op(loop, call)
                Rewriter.insert_op(outlined, InsertPoint.after(function))
