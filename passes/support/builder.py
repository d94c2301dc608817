"""The one op builder of scanjit's passes and emitter: ops go to a list (then
handed to a rewriter) or to the end of a block, with helpers for constants,
lengths and loop nests. The emitter (scanjit/emit/emitter.py) is one too,
mapping graph variables to the values it builds."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from math import prod

from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, ArrayAttr, IndexType, IntegerAttr, TensorType, i64
from xdsl.ir import Attribute, Block, Operation, SSAValue

from scanjit.dialects import sj
from scanjit.passes.support.folding import constant_int, fold


class Builder:
    """Collects ops in order (into `block` if given, else into `ops`);
    `emit` returns the single result (or the op). Integer arithmetic of
    constants is folded as it comes (support/folding.py), and a check of a
    constant true condition dropped."""

    def __init__(self, block: Block | None = None):
        self.block = block
        self.ops: list[Operation] = []

    def emit(self, op: Operation):
        if isinstance(op, sj.CheckOp) and constant_int(op.cond):
            op.drop_all_references()
            return op
        replacement = fold(op)
        if isinstance(replacement, SSAValue):
            return replacement
        op = replacement or op
        if self.block is not None:
            self.block.add_op(op)
        else:
            self.ops.append(op)
        return op.results[0] if len(op.results) == 1 else op

    def emit_clone(self, op: Operation, mapping: dict[SSAValue, SSAValue]) -> None:
        """Emit a clone of `op` whose operands are read through `mapping`,
        recording its results there (what `emit` gave: a folded clone's
        value, not the clone's own result)."""
        clone = op.clone(value_mapper=mapping)
        emitted = self.emit(clone)
        results = [emitted] if isinstance(emitted, SSAValue) else list(emitted.results)
        mapping.update(zip(op.results, results))

    def index(self, value: int) -> SSAValue:
        return self.emit(arith.ConstantOp(IntegerAttr(value, IndexType())))

    def integer(self, value: int, t: Attribute) -> SSAValue:
        return self.emit(arith.ConstantOp(IntegerAttr(value, t)))

    def dim(self, value: SSAValue, axis: int) -> SSAValue:
        """Length of `axis` of a tensor value, as an index."""
        static = value.type.get_shape()[axis]
        return self.index(static) if static >= 0 else self.emit(tensor.DimOp(value, self.index(axis)))

    def cmp(self, a: SSAValue, b: SSAValue, pred: str) -> SSAValue:
        return self.emit(arith.CmpiOp(a, b, pred))

    def select(self, cond: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(arith.SelectOp(cond, a, b))

    @contextmanager
    def into(self, block: Block) -> Iterator[Builder]:
        """A builder for `block` (a region's block of an op being built)."""
        yield Builder(block)

    def loop(self, upper: SSAValue, carried: Sequence[SSAValue],
             body: Callable[[Builder, SSAValue, list[SSAValue]], Sequence[SSAValue]],
             lower: SSAValue | None = None, step: int = 1) -> list[SSAValue]:
        """scf.for from `lower` (0) to `upper` by `step` carrying `carried`;
        `body` gets a builder for the loop body, the induction variable and the
        carried values, and returns the values to yield."""
        block = Block(arg_types=[IndexType(), *[c.type for c in carried]])
        with self.into(block) as inner:
            inner.emit(scf.YieldOp(*body(inner, block.args[0], list(block.args[1:]))))
        op = scf.ForOp(lower or self.index(0), upper, self.index(step), list(carried), block)
        self.emit(op)
        return list(op.results)

    def blocks(self, upper: SSAValue, sizes: Sequence[int], carried: Sequence[SSAValue],
               body: Callable[[Builder, SSAValue, int, list[SSAValue]], Sequence[SSAValue]],
               ) -> list[SSAValue]:
        """Cover [0, upper) with blocks of sizes[0] while they fit, then of
        sizes[1], ... (the last size should be 1): one scf.for per size, whose
        `body` gets a builder, the block's first index, its size and the
        carried values."""
        start = self.index(0)
        for size in sizes:
            step = self.index(size)
            count = self.emit(arith.DivUIOp(self.emit(arith.SubiOp(upper, start)), step))
            end = self.emit(arith.AddiOp(start, self.emit(arith.MuliOp(count, step))))
            carried = self.loop(end, carried, lambda b, first, acc, size=size: body(b, first, size, acc),
                                lower=start, step=size)
            start = end
        return carried

    def loop_nest(self, uppers: Sequence[SSAValue], carried: Sequence[SSAValue],
                  body: Callable[[Builder, list[SSAValue], list[SSAValue]], Sequence[SSAValue]],
                  ) -> list[SSAValue]:
        """Perfectly nested loops over `uppers` (outermost first)."""
        if not uppers:
            return list(body(self, [], list(carried)))

        def level(b: Builder, depth: int, ivs: list[SSAValue], acc: list[SSAValue]):
            if depth == len(uppers):
                return body(b, ivs, acc)
            return b.loop(uppers[depth], acc,
                          lambda bb, iv, a: level(bb, depth + 1, ivs + [iv], a))

        return self.loop(uppers[0], carried, lambda b, iv, acc: level(b, 1, [iv], acc))


def integer_constant(value: SSAValue) -> int | None:
    """The value of an integer `arith.constant`, or None for anything else."""
    owner = value.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


def constant_trip_count(loop: scf.ForOp) -> int | None:
    """How many steps `loop` runs, when its bounds and step are constants."""
    lower, upper, step = (integer_constant(v) for v in (loop.lb, loop.ub, loop.step))
    if None in (lower, upper, step):
        return None
    return max(0, -(-(upper - lower) // step))


def outermost_loops(function: Operation) -> list[scf.ForOp]:
    """The `scf.for` loops of `function` inside no other loop."""
    loops = []
    for op in function.walk():
        if isinstance(op, scf.ForOp):
            parent = op.parent_op()
            while parent is not function and not isinstance(parent, scf.ForOp | scf.WhileOp):
                parent = parent.parent_op()
            if parent is function:
                loops.append(op)
    return loops


def work_per_step(block: Block, loop: Operation, b: Builder) -> SSAValue:
    """Index ops (emitted to `b`, placed before `loop`) counting the inner
    iterations of a step of `loop` in `block`: 1 + the trip counts of its
    loops times their own steps' work. A trip count computed inside the step
    counts as 1."""
    work = b.index(1)
    for inner in block.ops:
        if isinstance(inner, scf.ForOp) and not (defined_in(inner.lb, loop) or defined_in(inner.ub, loop)):
            zero = b.index(0)
            trips = b.emit(arith.MaxSIOp(b.emit(arith.SubiOp(inner.ub, inner.lb)), zero))
            nested = work_per_step(inner.body.block, loop, b)
            work = b.emit(arith.AddiOp(work, b.emit(arith.MuliOp(trips, nested))))
    return work


def defined_in(value: SSAValue, op: Operation) -> bool:
    """Whether `value` is defined inside `op` (by an op or a block of its regions)."""
    owner = value.owner
    parent = owner if isinstance(owner, Operation) else owner.parent_op()
    return parent is not None and op.is_ancestor(parent)


def empty_like_dims(b: Builder, t: Attribute, dims: Sequence[SSAValue]) -> SSAValue:
    """tensor.empty of type `t`, taking the dynamic sizes from `dims`."""
    assert isinstance(t, TensorType)
    dynamic = [d for d, s in zip(dims, t.get_shape()) if s < 0]
    return b.emit(tensor.EmptyOp(dynamic, t))


def row_offset(index: SSAValue) -> tuple[SSAValue, int]:
    """`index` as (base, constant): `base + c` for an addi with a constant
    operand, else (index, 0). Two indices with one base and different
    constants are different rows, whatever the base's value."""
    owner = index.owner
    if isinstance(owner, arith.AddiOp):
        for base, other in ((owner.lhs, owner.rhs), (owner.rhs, owner.lhs)):
            if (constant := integer_constant(other)) is not None:
                return base, constant
    return index, 0


def different_rows(a: SSAValue, b: SSAValue) -> bool:
    """Provably different rows: `base + c1` and `base + c2` with c1 != c2, or
    rows of a ring, `(base + c1) mod n` and `(base + c2) mod n` for a constant
    n that does not divide c1 - c2 (the remainders then differ whatever the
    base's value or sign, since each is congruent to its operand mod n)."""
    ring_a, ring_b = _ring_row(a), _ring_row(b)
    if ring_a and ring_b and ring_a[1] == ring_b[1]:
        (base_a, offset_a), (base_b, offset_b) = row_offset(ring_a[0]), row_offset(ring_b[0])
        return base_a is base_b and (offset_a - offset_b) % ring_a[1] != 0
    (base_a, offset_a), (base_b, offset_b) = row_offset(a), row_offset(b)
    return base_a is base_b and offset_a != offset_b


def _ring_row(index: SSAValue) -> tuple[SSAValue, int] | None:
    """`index` as (x, n) when it is `x mod n` (remsi, remui) for a constant n > 0."""
    if isinstance(index.owner, arith.RemSIOp | arith.RemUIOp):
        n = integer_constant(index.owner.rhs)
        if n is not None and n > 0:
            return index.owner.lhs, n
    return None


def merged(b: Builder, value: SSAValue, groups: list[range]) -> SSAValue:
    """The view of `value` with each group of its axes merged into one."""
    shape = value.type.get_shape()
    lengths = [DYNAMIC_INDEX if any(shape[a] < 0 for a in g) else prod(shape[a] for a in g) for g in groups]
    return b.emit(tensor.CollapseShapeOp(
        operands=[value], result_types=[TensorType(value.type.element_type, lengths)],
        properties={"reassociation": reassociation(groups)}))


def reassociation(groups: list[range]) -> ArrayAttr:
    return ArrayAttr([ArrayAttr([IntegerAttr(a, i64) for a in g]) for g in groups])
