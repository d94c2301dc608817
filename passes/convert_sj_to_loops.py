"""convert-sj-to-loops: every `sj` op becomes `scf.for` loops over
`tensor.extract` / `tensor.insert`, still on tensors (bufferize comes next).

Rows are never copied: a read of `sj.row %x[%i]` at `[j...]` becomes a read of
`%x[%i, j...]`, and its dims are the source's trailing dims. Only a row that
escapes (returned, yielded) is materialized by a copy loop. A slice read only
element by element (`slice_view`) is a view too: a read of row k is a read of
row start + k * step of its source. A map stacked into a row and read by
others as well is computed into its row, the others reading the row
(`StackInPlace`). A product stored into a row and read by nothing else is
computed into its row (`ProductIntoRow`).

We lower straight to scf rather than through linalg: our ops need
broadcasting, row folding and shape checks that linalg.generic would only
carry around, and xDSL's linalg-to-loops works on memrefs only."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    AnyFloat, FloatAttr, IntegerAttr, IntegerType, ModuleOp, TensorType,
)
from xdsl.ir import Attribute, Operation, SSAValue, Use
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier, PatternRewriter, PatternRewriteWalker, RewritePattern,
    op_type_rewrite_pattern,
)

from scanjit.dialects import sj
from scanjit.passes.support.builder import Builder, different_rows, empty_like_dims
from scanjit.passes.support.memory import read_only


def element(b: Builder, value: SSAValue, indices: list[SSAValue]) -> SSAValue:
    """value[indices], reading through views (`sj.row`, `sj.dimshuffle`) to
    their source and computing a fused `sj.map`'s element in place; a scalar
    value is its own element."""
    if not isinstance(value.type, TensorType):
        return value
    owner = value.owner
    if isinstance(owner, sj.RowOp):
        return element(b, owner.source, [owner.index, *indices])
    if isinstance(owner, sj.SliceOp):
        row = b.emit(arith.AddiOp(owner.start, b.emit(arith.MuliOp(indices[0], owner.step))))
        return element(b, owner.source, [row, *indices[1:]])
    if isinstance(owner, sj.DimShuffleOp):
        source_indices = [None] * owner.source.type.get_num_dims()
        for index, axis in zip(indices, owner.order.get_values()):
            if axis >= 0:
                source_indices[axis] = index
        return element(b, owner.source, source_indices)
    if isinstance(owner, sj.MapOp) and fused(owner):
        return map_element(b, owner, indices)
    return b.emit(tensor.ExtractOp(value, indices, value.type.element_type))


# Consumers that read each element of an operand at most once: a map feeding
# only one of them is computed inside the consumer's loops, never stored.
READ_ONCE = (sj.MapOp, sj.InsertRowOp, sj.ReduceOp, sj.ArgmaxOp, sj.CumulativeOp, sj.SliceOp,
             tensor.ExtractOp)


# A chain of maps is stored every FUSED_CHAIN maps, so that computing an
# element inside its consumer recurses at most that deep.
FUSED_CHAIN = 64


def map_depth(op: sj.MapOp) -> int:
    """How many maps the longest chain of map inputs leads back through
    (memoized while the ops live; a loop, not a recursion)."""
    depths = _MAP_DEPTHS
    pending = [op]
    while pending:
        top = pending[-1]
        inputs = [x.owner for x in top.inputs if isinstance(x.owner, sj.MapOp)]
        missing = [m for m in inputs if m not in depths]
        if missing:
            pending.extend(missing)
            continue
        depths[top] = 1 + max((depths[m] for m in inputs), default=0)
        pending.pop()
    return depths[op]


_MAP_DEPTHS: weakref.WeakKeyDictionary[sj.MapOp, int] = weakref.WeakKeyDictionary()


# Arithmetic cheap enough to compute again at each read rather than store.
CHEAP = (arith.AddfOp, arith.SubfOp, arith.MulfOp, arith.NegfOp, sj.YieldOp)


def cheap(op: sj.MapOp) -> bool:
    """A map of at most two levels (its map inputs fused) of additions and
    multiplications: `x·W + h·U + b`."""
    maps = [op, *(x.owner for x in op.inputs if isinstance(x.owner, sj.MapOp))]
    return map_depth(op) <= 2 and all(isinstance(o, CHEAP) for m in maps for o in m.body.block.ops)


def fused(op: sj.MapOp) -> bool:
    if op.result.uses and cheap(op) and sliced_only(op.result):
        return True  # each slice's reader computes its elements: an LSTM's gate columns
    users = [u.operation for u in op.result.uses if not isinstance(u.operation, tensor.DimOp)]
    if len(users) != 1 or not isinstance(users[0], READ_ONCE):
        return False
    if map_depth(op) % FUSED_CHAIN == 0:
        return False
    # A map reading the tensor its consumer writes is stored first, unless it
    # reads only other rows than the one written (a scan's taps): bufferize
    # then still writes in place.
    consumer = users[0]
    return not (isinstance(consumer, sj.InsertRowOp) and
                reads_row_other_than(op, root(consumer.dest), consumer.index) is False)


def root(value: SSAValue) -> SSAValue:
    """The tensor a chain of views (and slices) reads."""
    while isinstance(value.owner, sj.RowOp | sj.DimShuffleOp | sj.SliceOp):
        value = value.owner.source
    return value


def slice_view(op: sj.SliceOp) -> bool:
    """Whether `op` stays a view: read only by maps and element reads
    (through views), and not of a costly map computed inside it (which the
    copy reads once)."""
    source = root(op.source).owner
    return reads_elements(op.result) and not (isinstance(source, sj.MapOp) and fused(source)
                                              and not sliced_only(source.result))


def sliced_only(value: SSAValue) -> bool:
    """Whether `value` is read only through slice views (`slice_view`)."""
    return all(isinstance(use.operation, sj.SliceOp) and reads_elements(use.operation.result)
               or isinstance(use.operation, sj.RowOp | sj.DimShuffleOp) and sliced_only(use.operation.result)
               or isinstance(use.operation, tensor.DimOp) for use in value.uses)


def reads_elements(value: SSAValue) -> bool:
    """Whether every user of `value` reads it element by element, directly
    or through views."""
    return all(isinstance(use.operation, tensor.ExtractOp | tensor.DimOp | sj.MapOp)
               or isinstance(use.operation, sj.RowOp | sj.DimShuffleOp) and reads_elements(use.operation.result)
               for use in value.uses)


def reads_row_other_than(op: sj.MapOp, tensor_value: SSAValue, row: SSAValue) -> bool | None:
    """None when `op` (or a map it fuses) does not read `tensor_value`; True
    when it reads it only as `sj.row`s provably other than `row`; else False."""
    verdicts = []
    for x in op.inputs:
        if root(x) is tensor_value:
            owner = x.owner
            verdicts.append(isinstance(owner, sj.RowOp) and owner.source is tensor_value
                            and different_rows(owner.index, row))
        elif isinstance(root(x).owner, sj.MapOp):
            verdicts.append(reads_row_other_than(root(x).owner, tensor_value, row))
    verdicts = [v for v in verdicts if v is not None]
    return None if not verdicts else all(verdicts)


def map_element(b: Builder, op: sj.MapOp, indices: list[SSAValue]) -> SSAValue:
    """The body of `op` at `indices` of its result, inputs read broadcast."""
    rank = op.result.type.get_num_dims()
    body = op.body.block
    mapping: dict[SSAValue, SSAValue] = {}
    for arg, x in zip(body.args, op.inputs):
        if isinstance(x.type, TensorType):
            lead = rank - x.type.get_num_dims()
            x_indices = [b.index(0) if s == 1 else indices[lead + k]
                         for k, s in enumerate(x.type.get_shape())]
            mapping[arg] = element(b, x, x_indices)
        else:
            mapping[arg] = x
    for inner in body.ops:
        if isinstance(inner, sj.YieldOp):
            return mapping.get(inner.values[0], inner.values[0])
        b.emit_clone(inner, mapping)
    raise AssertionError("sj.map body has no sj.yield")


def dim(b: Builder, value: SSAValue, axis: int) -> SSAValue:
    """Length of `axis`, read through views and maps to their inputs (a loop,
    not a recursion: chains of thousands of maps occur)."""
    while value.type.get_shape()[axis] < 0:
        owner = value.owner
        if isinstance(owner, sj.RowOp):
            value, axis = owner.source, axis + 1
        elif isinstance(owner, sj.DimShuffleOp):
            value, axis = owner.source, owner.order.get_values()[axis]
        elif isinstance(owner, sj.SliceOp):
            if axis == 0:
                return owner.count
            value = owner.source
        elif isinstance(owner, sj.MapOp):
            rank = value.type.get_num_dims()
            sized = [(x, k) for x in owner.inputs if isinstance(x.type, TensorType)
                     for k in [axis - (rank - x.type.get_num_dims())]
                     if k >= 0 and x.type.get_shape()[k] != 1]
            if not sized:
                return b.index(1)
            value, axis = sized[0]
        else:
            return b.dim(value, axis)
    return b.index(value.type.get_shape()[axis])


def dims(b: Builder, value: SSAValue) -> list[SSAValue]:
    return [dim(b, value, a) for a in range(value.type.get_num_dims())]


def insert(b: Builder, scalar: SSAValue, dest: SSAValue, indices: list[SSAValue]) -> SSAValue:
    return b.emit(tensor.InsertOp(scalar, dest, indices))


def scalar_const(b: Builder, value, t: Attribute) -> SSAValue:
    if isinstance(t, AnyFloat):
        return b.emit(arith.ConstantOp(FloatAttr(value, t)))
    return b.emit(arith.ConstantOp(IntegerAttr(int(value), t)))


def index_to(b: Builder, i: SSAValue, t: Attribute) -> SSAValue:
    as_int = b.emit(arith.IndexCastOp(i, IntegerType(64) if isinstance(t, AnyFloat) else t))
    return b.emit(arith.SIToFPOp(as_int, t)) if isinstance(t, AnyFloat) else as_int


class Lowering(RewritePattern):
    """Lowers one op: subclasses build the replacement with `lower`."""

    def lower(self, b: Builder, op: Operation) -> SSAValue:
        raise NotImplementedError

    def rewrite(self, op: Operation, rewriter: PatternRewriter):
        b = Builder()
        result = self.lower(b, op)
        rewriter.replace(op, b.ops, [result])


class LowerMap(Lowering):
    """A map that is not fused into its one consumer is stored."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.MapOp, rewriter: PatternRewriter, /):
        if not fused(op):
            self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.MapOp) -> SSAValue:
        out_dims = dims(b, op.result)
        out = empty_like_dims(b, op.result.type, out_dims)
        return b.loop_nest(out_dims, [out], lambda ib, ivs, acc: [
            insert(ib, map_element(ib, op, ivs), acc[0], ivs)])[0]


def _reduce_combine(b: Builder, kind: str, acc: SSAValue, x: SSAValue) -> SSAValue:
    if _is_bool(x.type):
        ops = {"add": arith.OrIOp, "mul": arith.AndIOp, "max": arith.OrIOp, "min": arith.AndIOp}
        return b.emit(ops[kind](acc, x))
    flt = isinstance(x.type, AnyFloat)
    ops = {"add": (arith.AddfOp, arith.AddiOp), "mul": (arith.MulfOp, arith.MuliOp),
           "max": (arith.MaximumfOp, arith.MaxSIOp), "min": (arith.MinimumfOp, arith.MinSIOp)}
    return b.emit(ops[kind][0 if flt else 1](acc, x))


def _is_bool(t: Attribute) -> bool:
    """i1 holds NumPy bools: False < True, unlike i1's signed reading (0 > -1)."""
    return isinstance(t, IntegerType) and t.width.data == 1


def _reduce_identity(b: Builder, kind: str, t: Attribute) -> SSAValue:
    if kind in ("add", "mul"):
        return scalar_const(b, 0 if kind == "add" else 1, t)
    if isinstance(t, AnyFloat):
        return scalar_const(b, float("-inf") if kind == "max" else float("inf"), t)
    if _is_bool(t):
        return scalar_const(b, kind == "min", t)
    width = t.width.data
    return scalar_const(b, -(2 ** (width - 1)) if kind == "max" else 2 ** (width - 1) - 1, t)


class LowerReduce(Lowering):
    """Kept axes outermost, reduced axes innermost with a scalar accumulator;
    when the last axis is kept, the input's own row-major order instead,
    each row combined into the result row (contiguous, vectorized; each
    result element still sees its inputs in the same order)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.ReduceOp, rewriter: PatternRewriter, /):
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.ReduceOp) -> SSAValue:
        x, kind = op.input, op.kind.data
        axes = set(op.axes.get_values())
        in_dims = dims(b, x)
        kept = [a for a in range(len(in_dims)) if a not in axes]
        elem = x.type.element_type
        if kept and kept[-1] == len(in_dims) - 1:
            return self.in_row_order(b, op, in_dims, kept)

        def reduce_at(ib: Builder, kept_ivs: list[SSAValue]) -> SSAValue:
            def step(bb: Builder, red_ivs, acc):
                ivs = interleave(len(in_dims), axes, red_ivs, kept_ivs)
                return [_reduce_combine(bb, kind, acc[0], element(bb, x, ivs))]
            init = _reduce_identity(ib, kind, elem)
            return ib.loop_nest([in_dims[a] for a in sorted(axes)], [init], step)[0]

        return per_kept_index(b, op.result.type, [in_dims[a] for a in kept], reduce_at)

    @staticmethod
    def in_row_order(b: Builder, op: sj.ReduceOp, in_dims: list[SSAValue], kept: list[int]) -> SSAValue:
        x, kind = op.input, op.kind.data
        kept_dims = [in_dims[a] for a in kept]
        out = empty_like_dims(b, op.result.type, kept_dims)
        out = b.loop_nest(kept_dims, [out], lambda ib, ivs, acc: [
            insert(ib, _reduce_identity(ib, kind, x.type.element_type), acc[0], ivs)])[0]

        def step(ib: Builder, ivs, acc):
            at = [ivs[a] for a in kept]
            total = _reduce_combine(ib, kind, ib.emit(tensor.ExtractOp(acc[0], at, acc[0].type.element_type)),
                                    element(ib, x, ivs))
            return [insert(ib, total, acc[0], at)]
        return b.loop_nest(in_dims, [out], step)[0]


class LowerCumulative(Lowering):
    """Along an axis: per position of the other axes, a loop along it
    carrying the running value (from the identity), stored at each step.
    Without one: a loop nest over every element, storing at a running
    position."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.CumulativeOp, rewriter: PatternRewriter, /):
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.CumulativeOp) -> SSAValue:
        x, kind = op.input, op.kind.data
        in_dims = dims(b, x)
        start = _reduce_identity(b, kind, x.type.element_type)
        if op.axis is None:
            size = in_dims[0]
            for d in in_dims[1:]:
                size = b.emit(arith.MuliOp(size, d))

            def each(bb: Builder, ivs, acc):
                out, total, at = acc
                total = _reduce_combine(bb, kind, total, element(bb, x, ivs))
                return [insert(bb, total, out, [at]), total, bb.emit(arith.AddiOp(at, bb.index(1)))]
            out = empty_like_dims(b, op.result.type, [size])
            return b.loop_nest(in_dims, [out, start, b.index(0)], each)[0]

        axis = op.axis.value.data
        kept = [a for a in range(len(in_dims)) if a != axis]

        def along(ib: Builder, kept_ivs, acc):
            def step(bb: Builder, i, acc2):
                out, total = acc2
                ivs = interleave(len(in_dims), [axis], [i], kept_ivs)
                total = _reduce_combine(bb, kind, total, element(bb, x, ivs))
                return [insert(bb, total, out, ivs), total]
            return [ib.loop(in_dims[axis], [acc[0], start], step)[0]]

        out = empty_like_dims(b, op.result.type, in_dims)
        return b.loop_nest([in_dims[a] for a in kept], [out], along)[0]


ARGMAX_LANES = 8  # candidates kept side by side along one axis, combined at the end


class LowerArgmax(Lowering):
    """First index of the maximum; a NaN counts as the maximum (NumPy).

    Integers: one loop of selects, which LLVM vectorizes (0.15 ns an element).
    Floats along one axis, where the NaN test stops that: lane l keeps the
    first maximum of the elements at l mod ARGMAX_LANES, and the lanes are
    combined at the end, ties going to the smaller index (0.4 ns an element
    instead of 4.6)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.ArgmaxOp, rewriter: PatternRewriter, /):
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.ArgmaxOp) -> SSAValue:
        x = op.input
        in_dims = dims(b, x)
        elem = x.type.element_type
        scanned = op.scanned()
        kept = [a for a in range(len(in_dims)) if a not in scanned]

        def better(bb: Builder, v: SSAValue, best: SSAValue) -> SSAValue:
            if not isinstance(elem, AnyFloat):
                return bb.emit(arith.CmpiOp(v, best, "ugt" if _is_bool(elem) else "sgt"))
            greater = bb.emit(arith.CmpfOp(v, best, "ogt"))
            nan_first = bb.emit(arith.AndIOp(bb.emit(arith.CmpfOp(v, v, "uno")),
                                             bb.emit(arith.CmpfOp(best, best, "ord"))))
            return bb.emit(arith.OrIOp(greater, nan_first))

        def same(bb: Builder, v: SSAValue, best: SSAValue) -> SSAValue:  # floats: NaN is NaN
            both_nan = bb.emit(arith.AndIOp(bb.emit(arith.CmpfOp(v, v, "uno")),
                                            bb.emit(arith.CmpfOp(best, best, "uno"))))
            return bb.emit(arith.OrIOp(bb.emit(arith.CmpfOp(v, best, "oeq")), both_nan))

        def keep_better(bb: Builder, v, at, best, best_at, take=None) -> list[SSAValue]:
            take = take or better(bb, v, best)
            return [bb.emit(arith.SelectOp(take, v, best)), bb.emit(arith.SelectOp(take, at, best_at))]

        def along_one_axis(ib: Builder, kept_ivs: list[SSAValue], first: SSAValue) -> SSAValue:
            def block(bb: Builder, start: SSAValue, size: int, acc: list[SSAValue]) -> list[SSAValue]:
                acc = list(acc)
                for lane in range(size):
                    at = bb.emit(arith.AddiOp(start, bb.index(lane)))
                    v = element(bb, x, interleave(len(in_dims), scanned, [at], kept_ivs))
                    acc[2 * lane:2 * lane + 2] = keep_better(bb, v, at, *acc[2 * lane:2 * lane + 2])
                return acc

            lanes = ib.blocks(in_dims[scanned[0]], (ARGMAX_LANES, 1), [first, ib.index(0)] * ARGMAX_LANES,
                              block)
            best, best_at = lanes[:2]
            for lane in range(1, ARGMAX_LANES):
                v, at = lanes[2 * lane:2 * lane + 2]
                earlier = ib.emit(arith.AndIOp(same(ib, v, best), ib.emit(arith.CmpiOp(at, best_at, "ult"))))
                take = ib.emit(arith.OrIOp(better(ib, v, best), earlier))
                best, best_at = keep_better(ib, v, at, best, best_at, take)
            return best_at

        def argmax_at(ib: Builder, kept_ivs: list[SSAValue]) -> SSAValue:
            zeros = [ib.index(0) for _ in scanned]
            first = element(ib, x, interleave(len(in_dims), scanned, zeros, kept_ivs))
            if len(scanned) == 1 and isinstance(elem, AnyFloat):
                return ib.emit(arith.IndexCastOp(along_one_axis(ib, kept_ivs, first), IntegerType(64)))

            def step(bb: Builder, ivs, acc):
                best, best_at, count = acc
                v = element(bb, x, interleave(len(in_dims), scanned, ivs, kept_ivs))
                return [*keep_better(bb, v, count, best, best_at), bb.emit(arith.AddiOp(count, bb.index(1)))]
            result = ib.loop_nest([in_dims[a] for a in scanned], [first, ib.index(0), ib.index(0)], step)[1]
            return ib.emit(arith.IndexCastOp(result, IntegerType(64)))

        return per_kept_index(b, op.result.type, [in_dims[a] for a in kept], argmax_at)


def interleave(rank: int, inner_axes, inner_ivs: list[SSAValue],
               outer_ivs: list[SSAValue]) -> list[SSAValue]:
    """The full index: `inner_ivs` on `inner_axes`, `outer_ivs` on the others."""
    inner, outer = iter(inner_ivs), iter(outer_ivs)
    return [next(inner) if a in inner_axes else next(outer) for a in range(rank)]


def per_kept_index(b: Builder, result_type: Attribute, kept_dims: list[SSAValue], value_at) -> SSAValue:
    """`value_at(b, [])` when no axis is kept (a scalar), else a tensor of
    `value_at` over the kept axes."""
    if not kept_dims:
        return value_at(b, [])
    out = empty_like_dims(b, result_type, kept_dims)
    return b.loop_nest(kept_dims, [out],
                       lambda ib, ivs, acc: [insert(ib, value_at(ib, ivs), acc[0], ivs)])[0]


COLUMN_BLOCKS = (64, 8, 1)  # output columns summed at once, in registers
ROW_BLOCKS = (8, 1)  # rows of a matrix-vector product summed at once


class LowerDot(Lowering):
    """out[β, i, j] = sum over κ of a[β, i, κ] * b[β, κ, j], added left to
    right (κ in row-major order) from zero; the batch axes β outermost, each
    operand read at 0 along a batch axis of static length 1. With b having
    a column axis j, a block of output columns is summed at once, one register
    value per column carried through the κ loops (which LLVM turns into vector
    registers: 64 f64 columns are 8 zmm accumulators), then stored: the sums
    never go through memory. Blocks of 64, then 8, then single columns cover
    any width. A matrix-vector product (no column axis) sums blocks of 8
    rows at once likewise: 8 independent sums instead of one chain of
    dependent additions, each still in κ order."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.DotOp, rewriter: PatternRewriter, /):
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.DotOp) -> SSAValue:
        lhs, rhs = op.lhs, op.rhs
        batch, contract = op.batch_count, op.contract_count
        elem = op.result.type if not isinstance(op.result.type, TensorType) \
            else op.result.type.element_type
        flt = isinstance(elem, AnyFloat)
        mul, add = (arith.MulfOp, arith.AddfOp) if flt else (arith.MuliOp, arith.AddiOp)
        if _is_bool(elem):  # NumPy's bool dot is any(a & b); i1 addition would be xor
            mul, add = arith.AndIOp, arith.OrIOp
        lhs_dims, rhs_dims = dims(b, lhs), dims(b, rhs)
        ks = lhs_dims[len(lhs_dims) - contract:]
        rows = lhs_dims[batch:len(lhs_dims) - contract]  # [] or [m]
        cols = rhs_dims[batch + contract:]  # [] or [n]
        lhs_static, rhs_static = lhs.type.get_shape(), rhs.type.get_shape()
        out_batch = [l if lhs_static[t] != 1 else r for t, (l, r) in enumerate(zip(lhs_dims[:batch], rhs_dims))]

        def core(bb: Builder, beta: list[SSAValue], out: SSAValue | None) -> SSAValue:
            """out[β, ...] for the batch indices β (the sum itself without axes)."""
            beta_l = [bb.index(0) if lhs_static[t] == 1 else i for t, i in enumerate(beta)]
            beta_r = [bb.index(0) if rhs_static[t] == 1 else i for t, i in enumerate(beta)]

            def sums(sb: Builder, points: list[tuple[list[SSAValue], list[SSAValue]]]) -> list[SSAValue]:
                """sum over κ of a[β, i, κ] * b[β, κ, j] for each (i, j) in `points`, carried together."""
                def step(kb: Builder, kk: list[SSAValue], acc: list[SSAValue]) -> list[SSAValue]:
                    xs, ys, totals = {}, {}, []  # each operand element read once
                    for total, (i, j) in zip(acc, points):
                        if tuple(i) not in xs:
                            xs[tuple(i)] = element(kb, lhs, [*beta_l, *i, *kk])
                        if tuple(j) not in ys:
                            ys[tuple(j)] = element(kb, rhs, [*beta_r, *kk, *j])
                        totals.append(kb.emit(add(total, kb.emit(mul(xs[tuple(i)], ys[tuple(j)])))))
                    return totals
                return sb.loop_nest(ks, [scalar_const(sb, 0, elem)] * len(points), step)

            def block(cb: Builder, first: SSAValue, width: int, point, out: SSAValue) -> SSAValue:
                """The sums at point(first + c) for c < width, inserted into out."""
                points = [point(first)] + [point(cb.emit(arith.AddiOp(first, cb.index(c))))
                                           for c in range(1, width)]
                for total, (i, j) in zip(sums(cb, points), points):
                    out = insert(cb, total, out, [*beta, *i, *j])
                return out

            if not cols:  # result indexed by rows only: one scalar sum per row
                if not rows:
                    total = sums(bb, [([], [])])[0]
                    return insert(bb, total, out, beta) if beta else total
                return bb.blocks(rows[0], ROW_BLOCKS, [out], lambda ib, first, width, acc: [
                    block(ib, first, width, lambda i: ([i], []), acc[0])])[0]

            def row(rb: Builder, i: list[SSAValue], out: SSAValue) -> SSAValue:
                return rb.blocks(cols[0], COLUMN_BLOCKS, [out], lambda jb, first, width, acc: [
                    block(jb, first, width, lambda j: (i, [j]), acc[0])])[0]

            if not rows:
                return row(bb, [], out)
            return bb.loop(rows[0], [out], lambda ib, i, acc: [row(ib, [i], acc[0])])[0]

        if not (batch or rows or cols):
            return core(b, [], None)
        out = empty_like_dims(b, op.result.type, out_batch + rows + cols)
        return b.loop_nest(out_batch, [out], lambda ib, beta, acc: [core(ib, beta, acc[0])])[0]


def copy_rows(b: Builder, source: SSAValue, first: SSAValue, step: SSAValue, count: SSAValue,
              out_type: Attribute, axis: int = 0) -> SSAValue:
    """out[..., k, ...] = source[..., first + k * step, ...] for k < count
    along `axis`, in `source`'s own index order."""
    lengths = dims(b, source)
    lengths[axis] = count

    def read(ib: Builder, ivs):
        at = list(ivs)
        at[axis] = ib.emit(arith.AddiOp(first, ib.emit(arith.MuliOp(ivs[axis], step))))
        return at

    return copy_nest(b, lengths, source, empty_like_dims(b, out_type, lengths), read=read)


def copy_nest(b: Builder, lengths: list[SSAValue], source: SSAValue, out: SSAValue,
              read=None, write=None) -> SSAValue:
    """`out` with out[write(ivs)] = source[read(ib, ivs)] over the loop nest
    `lengths` (both maps the identity by default)."""
    return b.loop_nest(lengths, [out], lambda ib, ivs, acc: [
        insert(ib, element(ib, source, read(ib, ivs) if read else ivs), acc[0], write(ivs) if write else ivs)])[0]


class MergeSlices(RewritePattern):
    """A slice of a slice is one slice of the first's source (rows
    start + k * step of rows start0 + j * step0): one copy, not two."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.SliceOp, rewriter: PatternRewriter, /):
        inner = op.source.owner
        if not isinstance(inner, sj.SliceOp):
            return
        b = Builder()
        start = b.emit(arith.AddiOp(inner.start, b.emit(arith.MuliOp(op.start, inner.step))))
        step = b.emit(arith.MuliOp(inner.step, op.step))
        b.emit(sj.SliceOp(inner.source, start, step, op.count, op.result.type))
        rewriter.replace(op, b.ops)
        if not inner.result.uses:
            rewriter.erase(inner)


class MergeDimShuffles(RewritePattern):
    """A dimshuffle of a dimshuffle is one of the first's source; the source
    itself when the two orders undo each other (a column slice's copy,
    which `LowerSlice` keeps in its source's layout and views back: a product
    reading the slice transposed then reads the copy, not a copy of it)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.DimShuffleOp, rewriter: PatternRewriter, /):
        inner = op.source.owner
        if not isinstance(inner, sj.DimShuffleOp):
            return
        first = inner.order.get_values()
        order = [-1 if a == -1 else first[a] for a in op.order.get_values()]
        source = inner.source
        if order != list(range(len(order))):
            rewriter.replace(op, sj.DimShuffleOp(source, order, op.result.type))
        elif source.type == op.result.type:
            rewriter.replace(op, [], [source])
        else:
            rewriter.replace(op, tensor.CastOp(source, op.result.type))
        if not inner.result.uses:
            rewriter.erase(inner)


class LowerSlice(Lowering):
    """A slice of rows that is no view (`slice_view`) is a copy. When its source is a permutation view of
    a tensor (the emitter slices other axes as rows of a view moving the
    axis first), the copy keeps that tensor's layout, read through the same
    permutation: a column slice x[:, a:b] stays row-major, so the loops
    reading it run along its rows (contiguous, vectorized), not down its
    columns."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.SliceOp, rewriter: PatternRewriter, /):
        if not slice_view(op):
            self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.SliceOp) -> SSAValue:
        view = op.source.owner
        if not isinstance(view, sj.DimShuffleOp) or -1 in (order := list(view.order.get_values())):
            return copy_rows(b, op.source, op.start, op.step, op.count, op.result.type)
        shape = list(view.source.type.get_shape())
        shape[order[0]] = op.result.type.get_shape()[0]
        natural = TensorType(op.result.type.element_type, shape)
        copy = copy_rows(b, view.source, op.start, op.step, op.count, natural, axis=order[0])
        return b.emit(sj.DimShuffleOp(copy, order, op.result.type))


class StackInPlace(RewritePattern):
    """A map stored into a row of a stacked tensor (`sj.insert_row`, a scan's
    stacked output) that other ops read as well (the step's product, other
    maps) is computed straight into its row: the insert, with the checks
    comparing the map's shape with the rows', moves up to before the map's
    first other reader, and those readers read the row (`sj.row`: a product
    where it lies, maps element by element). Only when nothing reads the
    stacked tensor's old contents after that point but rows provably other
    than the one written (a scan's taps), so bufferize still writes in place."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.InsertRowOp, rewriter: PatternRewriter, /):
        value, dest, block = op.value, op.dest, op.parent_block()
        if not isinstance(value.owner, sj.MapOp) or value.owner.parent_block() is not block \
                or value.type != row_type(dest):
            return
        readers = [use for use in value.uses if use.operation is not op and not isinstance(use.operation, tensor.DimOp)]
        if not readers or not all(isinstance(use.operation, MaterializeView.FOLDABLE) or product_operand(use)
                                  for use in readers):
            return
        order = {o: i for i, o in enumerate(block.ops)}
        first = min((ancestor_in(use.operation, block) for use in readers), key=order.__getitem__)
        if order[first] > order[op]:
            first = op  # read after the insert only: nothing moves
        moved = checks_and_insert(op, first, order)
        if moved is None:
            return
        if not all(use.operation in moved or reads_another_row(use, op.index)
                   or isinstance(use.operation, tensor.DimOp) and order[ancestor_in(use.operation, block)] < order[first]
                   for use in dest.uses):
            return  # the old contents are read after the insert's new place
        for moving in moved if first is not op else []:
            moving.detach()
            rewriter.insert(moving, InsertPoint.before(first))
        row = sj.RowOp(op.result, op.index, row_type(dest))
        rewriter.insert(row, InsertPoint.after(op))
        for use in readers:
            use.operation.operands[use.index] = row.result


class ProductIntoRow(RewritePattern):
    """A product (`scanjit_gemm_*`, `scanjit_dot_*`) read only by the
    `sj.insert_row` storing it into a row of a tensor (a scan's state: the
    carried adjoint of an RNN's backward loop) is computed into that row:
    the call, moved to the insert's place (after the checks of the row's
    shape), writes the row (`sj.call`'s `row`). Only when nothing reads that
    tensor but its dims and rows provably other than the one written (the
    product reads the state's previous row), so bufferize writes in place
    and BLAS never reads the row it writes."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.InsertRowOp, rewriter: PatternRewriter, /):
        call, dest = op.value.owner, op.dest
        if not (is_product_call(call) and call.parent_block() is op.parent_block() and call.row is None
                and len(call.res) == 1 and op.value.type == row_type(dest)):
            return
        if read_only(dest) or not all(use.operation is op or isinstance(use.operation, tensor.DimOp)
                                      for use in op.value.uses):
            return
        if not all(use.operation is op or isinstance(use.operation, tensor.DimOp) or reads_another_row(use, op.index)
                   for use in dest.uses):
            return  # the product, or a later op, may read the row written, or the whole tensor
        (k,) = call.writes.get_values()
        out = call.args[k]
        for use in list(op.value.uses):
            if use.operation is not op:  # its length: the (unwritten) output's
                use.operation.operands[use.index] = out
        args = list(call.args)
        args[k] = dest
        into_row = sj.CallOp(call.callee.data, [*args, op.index], [k], row=len(args))
        rewriter.replace(op, into_row)
        rewriter.erase(call)


def checks_and_insert(op: sj.InsertRowOp, first: Operation, order: dict[Operation, int]) -> list[Operation] | None:
    """The ops from `first` on that `op` needs, in order (`order` numbers
    the block's ops): its index's and the checks of its destination's dims
    (against its value's, or lengths known equal to them), with the pure ops
    computing them; None when one of them is not pure."""
    span = set()
    at = first
    while at is not op:
        span.add(at)
        at = at.next_op
    checks = [c for c in span if isinstance(c, sj.CheckOp)
              and op.dest in {d.source for d in backward_slice([c], span) if isinstance(d, tensor.DimOp)}]
    moved = backward_slice([*checks, op], span) | {*checks, op}
    if not all(isinstance(o, sj.CheckOp | sj.InsertRowOp | tensor.DimOp) or o.dialect_name() == "arith"
               for o in moved):
        return None
    return sorted(moved, key=order.__getitem__)


def backward_slice(roots: list[Operation], span: set[Operation]) -> set[Operation]:
    """The ops of `span` whose results `roots` use, directly or not."""
    found, pending = set(), list(roots)
    while pending:
        for operand in pending.pop().operands:
            owner = operand.owner
            if owner in span and owner not in found:
                found.add(owner)
                pending.append(owner)
    return found


def row_type(tensor: SSAValue) -> TensorType:
    """The type of one row of `tensor`."""
    return TensorType(tensor.type.element_type, tensor.type.get_shape()[1:])


def reads_another_row(use: Use, index: SSAValue) -> bool:
    """Does `use` read a row of its tensor provably other than row `index`?"""
    return isinstance(use.operation, sj.RowOp) and different_rows(use.operation.index, index)


def ancestor_in(op: Operation, block) -> Operation:
    """`op` or the op enclosing it in `block`."""
    while op.parent_block() is not block:
        op = op.parent_op()
    return op


class LowerInsertRow(Lowering):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.InsertRowOp, rewriter: PatternRewriter, /):
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.InsertRowOp) -> SSAValue:
        return b.loop_nest(dims(b, op.value), [op.dest], lambda ib, ivs, acc: [
            insert(ib, element(ib, op.value, ivs), acc[0], [op.index, *ivs])])[0]


class LowerArange(Lowering):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.ArangeOp, rewriter: PatternRewriter, /):
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.ArangeOp) -> SSAValue:
        elem = op.result.type.element_type
        flt = isinstance(elem, AnyFloat)
        mul, add = (arith.MulfOp, arith.AddfOp) if flt else (arith.MuliOp, arith.AddiOp)
        out = empty_like_dims(b, op.result.type, [op.count])

        def body(ib: Builder, k, acc):
            value = ib.emit(add(op.start, ib.emit(mul(index_to(ib, k, elem), op.step))))
            return [insert(ib, value, acc[0], [k])]

        return b.loop(op.count, [out], body)[0]


class LowerFill(Lowering):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.FillOp, rewriter: PatternRewriter, /):
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.FillOp) -> SSAValue:
        sizes = iter(op.sizes)
        all_dims = [b.index(s) if s >= 0 else next(sizes) for s in op.result.type.get_shape()]
        out = empty_like_dims(b, op.result.type, all_dims)
        return b.loop_nest(all_dims, [out], lambda ib, ivs, acc: [insert(ib, op.value, acc[0], ivs)])[0]


class LowerConstant(Lowering):
    """A constant tensor is an `arith.constant` of its dense value, which
    bufferize makes a read-only global: data, not ops, whatever its size."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.ConstantOp, rewriter: PatternRewriter, /):
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: sj.ConstantOp) -> SSAValue:
        return b.emit(arith.ConstantOp(op.value))


class FoldViewReads(RewritePattern):
    """tensor.extract / tensor.dim of a view or of a fused map read its inputs."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        views = (sj.RowOp, sj.DimShuffleOp, sj.SliceOp)
        owner = op.tensor.owner if isinstance(op, tensor.ExtractOp) else None
        if isinstance(owner, views[:2]) or isinstance(owner, sj.SliceOp) and slice_view(owner) or \
                isinstance(owner, sj.MapOp) and fused(owner):
            b = Builder()
            result = element(b, op.tensor, list(op.indices))
            rewriter.replace(op, b.ops, [result])
        elif isinstance(op, tensor.DimOp) and isinstance(op.source.owner, (*views, sj.MapOp, sj.SliceOp)) and \
                isinstance(op.index.owner, arith.ConstantOp):
            b = Builder()
            result = dim(b, op.source, op.index.owner.value.value.data)
            rewriter.replace(op, b.ops, [result])


def product_operand(use: Use) -> bool:
    """Is `use` a matrix or vector a product reads (`scanjit_gemm_*`,
    `scanjit_dot_*`)? It reads a row of a buffer where it lies (bufferize
    makes the row an `sj.buffer_row`)."""
    return is_product_call(use.operation) and use.index not in use.operation.writes.get_values()


def is_product_call(op: Operation) -> bool:
    """Is `op` a call of a matrix product (`scanjit_gemm_*`, `scanjit_dot_*`)?"""
    return isinstance(op, sj.CallOp) and op.callee.data.startswith(("scanjit_gemm_", "scanjit_dot_"))


class MaterializeView(Lowering):
    """A row or dimshuffle with users that cannot read through it is copied
    out; but a row of a tensor (not of a view) that a product reads is
    passed as it is, a row of its own right before each product."""

    FOLDABLE = (tensor.ExtractOp, tensor.DimOp, sj.RowOp, sj.DimShuffleOp, sj.MapOp, sj.ReduceOp,
                sj.ArgmaxOp, sj.CumulativeOp, sj.DotOp, sj.InsertRowOp, sj.SliceOp)

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        if not isinstance(op, sj.RowOp | sj.DimShuffleOp):
            return
        uses = list(op.result.uses)
        if isinstance(op, sj.RowOp) and not isinstance(op.source.owner, sj.RowOp | sj.DimShuffleOp):
            for use in [u for u in uses if product_operand(u)]:
                if len(uses) > 1 or not right_before(op, use.operation):
                    row = sj.RowOp(op.source, op.index, op.result.type)
                    rewriter.insert(row, InsertPoint.before(use.operation))
                    use.operation.operands[use.index] = row.result
            uses = [u for u in op.result.uses if not product_operand(u)]
        if all(isinstance(use.operation, self.FOLDABLE) for use in uses):
            return
        self.rewrite(op, rewriter)

    def lower(self, b: Builder, op: Operation) -> SSAValue:
        view_dims = dims(b, op.result)
        return copy_nest(b, view_dims, op.result, empty_like_dims(b, op.result.type, view_dims))


def right_before(row: sj.RowOp, user: Operation) -> bool:
    """Is `row` followed by `user`, with only other rows between (the
    product's other operands, each placed right before it)?"""
    at = row.next_op
    while isinstance(at, sj.RowOp) and at is not user:
        at = at.next_op
    return at is user


@dataclass(frozen=True)
class ConvertSjToLoopsPass(ModulePass):
    name = "convert-sj-to-loops"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(MergeSlices(), walk_reverse=True).rewrite_module(op)
        PatternRewriteWalker(StackInPlace(), apply_recursively=False).rewrite_module(op)
        PatternRewriteWalker(ProductIntoRow(), apply_recursively=False).rewrite_module(op)
        PatternRewriteWalker(GreedyRewritePatternApplier([
            LowerMap(), LowerReduce(), LowerArgmax(), LowerCumulative(), LowerDot(), LowerSlice(), LowerInsertRow(),
            LowerArange(), LowerFill(), LowerConstant(), FoldViewReads(), MergeDimShuffles(), MaterializeView(),
        ])).rewrite_module(op)
        for view in reversed([o for o in op.walk()
                              if isinstance(o, sj.RowOp | sj.DimShuffleOp | sj.SliceOp | sj.MapOp)]):
            if not view.result.uses:
                view.detach()
                view.erase()
