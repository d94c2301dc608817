"""Emission of the tensor ops (scanjit/tensor/): elementwise functions as
`sj.map`, reductions, dot, indexing, shapes, with their run-time checks."""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

from xdsl.dialects import arith, math, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, TensorType
from xdsl.ir import SSAValue

import scanjit.tensor as tb
from scanjit.dialects import sj
from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.scalar import ELEMENT_TYPES, convert, elemwise, from_index, ir_type, to_index
from scanjit.graph import Constant, Variable
from scanjit.passes.support.builder import merged, reassociation
from scanjit.raise_op import Assert
from scanjit.scan.op import ScanOp
from scanjit.tensor.gradient import GradientBarrier
from scanjit.tensor.subtensor import FULL, INDEX


@emits(tb.Elemwise)
def emit_elemwise(e: Emitter, node) -> list[SSAValue]:
    op: tb.Elemwise = node.op
    args = [e.value(v) for v in node.inputs]
    dtypes = [v.dtype for v in node.inputs]
    out = node.outputs[0]
    if out.ndim == 0:
        return [elemwise(e.emit, op.scalar_op, args, dtypes, out.dtype)]
    e.broadcast_checks(args, out.ndim, str(op), [v.label() for v in node.inputs])
    if op.scalar_op == "second" and args[1].type == ir_type(out.type):  # not broadcast: the lengths checked
        return [args[1]]
    return [e.map(args, ir_type(out.type),
                  lambda xs: elemwise(e.emit, op.scalar_op, xs, dtypes, out.dtype))]


# all (and) and any (or) are the product and the sum of bools (sj.reduce).
_SJ_REDUCE = {"and": "mul", "or": "add"}


@emits(tb.Reduce)
def emit_reduce(e: Emitter, node) -> list[SSAValue]:
    (x,), out = node.inputs, node.outputs[0]
    value = cast_tensor(e, e.value(x), x.dtype, out.dtype)
    if node.op.kind in ("max", "min"):
        check_not_empty(e, node.op.kind, value, node.op.axes, x)
    kind = _SJ_REDUCE.get(node.op.kind, node.op.kind)
    return [e.emit(sj.ReduceOp(value, kind, node.op.axes, ir_type(out.type)))]


def check_not_empty(e: Emitter, name: str, value: SSAValue, axes, x: Variable) -> None:
    for axis in axes:
        e.check(e.cmp(e.dim(value, axis), e.index(0), "sgt"), f"ValueError: {name} of an empty axis of {x.label()}")


def cast_tensor(e: Emitter, value: SSAValue, src: str, dst: str) -> SSAValue:
    if src == dst:
        return value
    result_type = TensorType(ELEMENT_TYPES[dst], value.type.get_shape())
    return e.map([value], result_type, lambda xs: convert(e.emit, xs[0], src, dst))


@emits(tb.Argmax)
def emit_argmax(e: Emitter, node) -> list[SSAValue]:
    """argmin is the argmax of -x (floats) or ~x (integers, bools: no
    overflow), computed in the argmax's loop."""
    (x,), op = node.inputs, node.op
    if x.ndim == 0:
        return [e.const(0, "int64")]
    value = e.value(x)
    check_not_empty(e, op.name, value, op.axes, x)
    if op.minimum:
        value = e.map([value], value.type, lambda xs: elemwise(
            e.emit, "neg" if x.dtype.startswith("float") else "invert", xs, [x.dtype], x.dtype))
    return [e.emit(sj.ArgmaxOp(value, op.axes, ir_type(node.outputs[0].type)))]


@emits(tb.CumOp)
def emit_cumulative(e: Emitter, node) -> list[SSAValue]:
    (x,), out = node.inputs, node.outputs[0]
    if x.ndim == 0:  # a vector of the one element
        return [e.emit(sj.FillOp(e.value(x), [], ir_type(out.type)))]
    return [e.emit(sj.CumulativeOp(e.value(x), node.op.mode, node.op.axis, ir_type(out.type)))]


def dot_operand(e: Emitter, x, dtype: str) -> SSAValue:
    """`x`'s value as a tensor of `dtype` (a scalar as a tensor of rank 0)."""
    if x.ndim == 0:
        scalar = convert(e.emit, e.value(x), x.dtype, dtype)
        return e.emit(sj.FillOp(scalar, [], TensorType(ELEMENT_TYPES[dtype], [])))
    return cast_tensor(e, e.value(x), x.dtype, dtype)


@emits(tb.Dot)
def emit_dot(e: Emitter, node) -> list[SSAValue]:
    """The operands cast, laid out as views (tb.Dot), their contracted and
    batch lengths checked, then one sj.dot."""
    (a, b), out, op = node.inputs, node.outputs[0], node.op
    va, vb = (dot_operand(e, v, out.dtype) for v in (a, b))
    la, lb = (v if order is None else permute(e, v, [-1 if k == "x" else k for k in order])
              for v, order in ((va, op.orders[0]), (vb, op.orders[1])))
    shape_a, values = e.shape_text(va)
    shape_b, more = e.shape_text(vb, len(values))
    message = f"ValueError: {op.name} of {a.label()} and {b.label()}: shapes {shape_a} and {shape_b}"
    rank_a, n, c = la.type.get_num_dims(), op.batch, op.contract
    for k in range(c):
        e.check(e.cmp(e.dim(la, rank_a - c + k), e.dim(lb, n + k), "eq"), f"{message} are not aligned",
                values + more)
    static_a, static_b = la.type.get_shape(), lb.type.get_shape()
    for t in range(n):
        if static_a[t] != 1 and static_b[t] != 1:
            e.check(e.cmp(e.dim(la, t), e.dim(lb, t), "eq"), f"{message} do not broadcast", values + more)
    return [e.emit(sj.DotOp(la, lb, ir_type(out.type), n, c))]


@emits(tb.Shape)
def emit_shape(e: Emitter, node) -> list[SSAValue]:
    return [from_index(e.emit, e.dim(e.value(node.inputs[0]), node.op.axis))]


def normalized_index(e: Emitter, length: SSAValue, i: SSAValue, i_dtype: str, axis: int,
                     label: str) -> SSAValue:
    """`i` as an index into an axis of `length`, negative counting from the end; checked."""
    n = from_index(e.emit, length)
    given = convert(e.emit, i, i_dtype, "int64")
    zero = e.const(0, "int64")
    i = e.select(e.cmp(given, zero, "slt"), e.emit(arith.AddiOp(given, n)), given)
    in_range = e.emit(arith.AndIOp(e.cmp(i, zero, "sge"), e.cmp(i, n, "slt")))
    e.check(in_range, f"IndexError: index $0 is out of bounds for axis {axis} of {label} with size $1",
            [given, n])
    return to_index(e.emit, i)


def take_row(e: Emitter, source: SSAValue, index: SSAValue) -> SSAValue:
    """Row `index` of a tensor: a scalar for a vector, else a tensor."""
    t = source.type
    if t.get_num_dims() == 1:
        return e.emit(tensor.ExtractOp(source, [index], t.element_type))
    return e.emit(sj.RowOp(source, index, TensorType(t.element_type, t.get_shape()[1:])))


def put_row(e: Emitter, value: SSAValue, dest: SSAValue, index: SSAValue) -> SSAValue:
    if dest.type.get_num_dims() == 1:
        return e.emit(tensor.InsertOp(value, dest, [index]))
    return e.emit(sj.InsertRowOp(value, dest, index))


def slice_range(e: Emitter, length: SSAValue, has, bounds, label: str):
    """(start, step, count) of `x[start:stop:step]` for an axis of `length`,
    as indices, with Python's semantics (CPython's PySlice_AdjustIndices)."""
    bounds = iter(bounds)
    given = [next(bounds) if h else None for h in has]
    start, stop, step = (None if v is None else convert(e.emit, e.value(v), v.dtype, "int64")
                         for v in given)
    i64 = lambda v: e.const(v, "int64")  # noqa: E731
    n = from_index(e.emit, length)
    step = step or i64(1)
    e.check(e.cmp(step, i64(0), "ne"), f"ValueError: slice step of {label} cannot be zero")
    forward = e.cmp(step, i64(0), "sgt")
    lower = e.select(forward, i64(0), i64(-1))
    upper = e.select(forward, n, e.emit(arith.SubiOp(n, i64(1))))

    def adjust(v, default):
        if v is None:
            return default
        wrapped = e.emit(arith.AddiOp(v, n))
        negative = e.cmp(v, i64(0), "slt")
        return e.select(negative, e.emit(arith.MaxSIOp(wrapped, lower)),
                        e.emit(arith.MinSIOp(v, upper)))

    start = adjust(start, e.select(forward, lower, upper))
    stop = adjust(stop, e.select(forward, upper, lower))
    span = e.select(forward, e.emit(arith.SubiOp(stop, start)), e.emit(arith.SubiOp(start, stop)))
    magnitude = e.select(forward, step, e.emit(arith.SubiOp(i64(0), step)))
    count = positions(e, span, magnitude, e.cmp(span, i64(0), "sgt"))
    return tuple(to_index(e.emit, v) for v in (start, step, count))


def positions(e: Emitter, span: SSAValue, magnitude: SSAValue, nonempty: SSAValue) -> SSAValue:
    """How many of 0, magnitude, 2 * magnitude, ... are below span, given
    whether it is > 0: (span - 1) / magnitude + 1, dividing as unsigned so that
    magnitudes up to 2^63 (|INT64_MIN|) and spans up to 2^64 - 1 are exact."""
    one = e.const(1, "int64")
    some = e.emit(arith.AddiOp(e.emit(arith.DivUIOp(e.emit(arith.SubiOp(span, one)), magnitude)), one))
    return e.select(nonempty, some, e.const(0, "int64"))


def basic_entries(idx_list, key: Sequence[Variable]):
    """Per entry of a basic key: (axis, entry, INDEX's scalar or the slice's
    given bounds, as graph variables)."""
    key = iter(key)
    return [(axis, entry, next(key) if entry == INDEX else [next(key) for given in entry if given])
            for axis, entry in enumerate(idx_list)]


def resolved_entries(e: Emitter, x: SSAValue, idx_list, key: Sequence[Variable], label: str) -> list:
    """The entries of a basic key on the tensor `x`, computed and checked:
    ("i", axis, index) for an integer, ("s", axis, start, step, count) for a slice."""
    return [("i", axis, normalized_index(e, e.dim(x, axis), e.value(given), given.dtype, axis, label))
            if entry == INDEX else ("s", axis, *slice_range(e, e.dim(x, axis), entry, given, label))
            for axis, entry, given in basic_entries(idx_list, key)]


def to_front(e: Emitter, value: SSAValue, axis: int) -> SSAValue:
    """A view of `value` with `axis` moved first (itself for axis 0)."""
    if axis == 0:
        return value
    rank, shape = value.type.get_num_dims(), value.type.get_shape()
    order = [axis, *[a for a in range(rank) if a != axis]]
    return e.emit(sj.DimShuffleOp(value, order, TensorType(value.type.element_type,
                                                             [shape[a] for a in order])))


def from_front(e: Emitter, value: SSAValue, axis: int) -> SSAValue:
    """The inverse of `to_front`."""
    if axis == 0:
        return value
    rank, shape = value.type.get_num_dims(), value.type.get_shape()
    order = [*range(1, axis + 1), 0, *range(axis + 1, rank)]
    return e.emit(sj.DimShuffleOp(value, order, TensorType(value.type.element_type,
                                                             [shape[a] for a in order])))


@emits(tb.Subtensor)
def emit_subtensor(e: Emitter, node) -> list[SSAValue]:
    x, *key = node.inputs
    value = read_part(e, e.value(x), node.op.idx_list, key, x.label())
    out_type = ir_type(node.outputs[0].type)  # constant slices of known lengths are static
    return [value if value.type == out_type else e.emit(tensor.CastOp(value, out_type))]


def read_part(e: Emitter, value: SSAValue, idx_list, key: Sequence[Variable], label: str) -> SSAValue:
    """`value[key]`, each entry in turn: an index takes a row of its axis
    (moved first by a view), a slice selects rows; views or copies of rows."""
    at = 0  # the axis of `value` the next entry indexes
    for axis, entry, given in basic_entries(idx_list, key):
        if entry == INDEX:
            front = to_front(e, value, at)
            index = normalized_index(e, e.dim(front, 0), e.value(given), given.dtype, axis, label)
            value = take_row(e, front, index)
            continue
        if entry != FULL:
            front = to_front(e, value, at)
            start, step, count = slice_range(e, e.dim(front, 0), entry, given, label)
            shape = [DYNAMIC_INDEX, *front.type.get_shape()[1:]]
            rows = e.emit(sj.SliceOp(front, start, step, count, TensorType(front.type.element_type, shape)))
            value = from_front(e, rows, at)
        at += 1
    return value


def update_part(e: Emitter, mode: str, dest: SSAValue, value: SSAValue, value_static: tuple,
                entries: list, slices_left: int, what: str, dtype: str, at: tuple = ()) -> SSAValue:
    """`dest` (a scalar, or a tensor whose axis after the rows `at` the first
    entry indexes) with its part `dest[at][entries]` (resolved entries) set to /
    incremented by `value`, which broadcasts to the part, whose first
    `slices_left` axes the remaining slices make. The loops over the part's
    rows carry `dest` itself: an element is updated in place, never a row
    copied out and back."""
    if not entries:
        if not isinstance(dest.type, TensorType):
            return value if mode == "set" else elemwise(e.emit, "add", [dest, value], [dtype] * 2, dtype)
        if len(at) == dest.type.get_num_dims():
            old = e.emit(tensor.ExtractOp(dest, list(at), dest.type.element_type))
            new = value if mode == "set" else elemwise(e.emit, "add", [old, value], [dtype] * 2, dtype)
            return e.emit(tensor.InsertOp(new, dest, list(at)))
        row = dest
        for index in at:
            row = take_row(e, row, index)
        e.broadcast_checks([row, value], row.type.get_num_dims(), what)
        updated = e.map([row, value], row.type, lambda xs: xs[1] if mode == "set" else
                        elemwise(e.emit, "add", xs, [dtype] * 2, dtype))
        return put_at(e, updated, dest, list(at)) if at else updated
    (kind, axis, *where), rest = entries[0], entries[1:]
    if kind == "i":
        return update_part(e, mode, dest, value, value_static, rest, slices_left, what, dtype, (*at, where[0]))
    start, step, count = where
    # Does the value have this axis (not broadcast along it)?
    part_axes = slices_left + (dest.type.get_num_dims() - len(at) - 1 - len(rest))
    own = len(value_static) - part_axes
    per_row = own >= 0 and value_static[0] != 1
    if per_row:
        e.check(e.cmp(e.dim(value, 0), count, "eq"),
                f"ValueError: {what}: the value has the wrong length on axis {axis}: $0 for a part "
                "of $1", [e.dim(value, 0), count])

    def body(_, k, acc):
        row = e.emit(arith.AddiOp(start, e.emit(arith.MuliOp(k, step))))
        part, static = value, value_static
        if own >= 0:
            part, static = take_row(e, value, k if per_row else e.index(0)), value_static[1:]
        return [update_part(e, mode, acc[0], part, static, rest, slices_left - 1, what, dtype, (*at, row))]

    return e.loop(count, [dest], body)[0]


@emits(tb.SetSubtensor)
def emit_set_subtensor(e: Emitter, node) -> list[SSAValue]:
    x, value, *key = node.inputs
    dest = e.value(x)
    entries = resolved_entries(e, dest, node.op.key.idx_list, key, x.label())
    slices = sum(kind == "s" for kind, *_ in entries)
    return [update_part(e, node.op.mode, dest, e.value(value), value.type.shape, entries, slices,
                        f"{node.op.mode}_subtensor of {x.label()}", x.dtype)]


def index_arrays(e: Emitter, op, x: Variable, arrays: list[Variable]) -> tuple[list[SSAValue], list[SSAValue]]:
    """The index arrays' values and the lengths of their broadcast shape B,
    checked to agree (no run-time broadcasting)."""
    values = [e.value(a) for a in arrays]
    nb = max(a.ndim for a in arrays)
    e.broadcast_checks(values, nb, f"the index arrays of {x.label()}", [a.label() for a in arrays])
    lengths = []
    for axis in range(nb):
        sized = [e.dim(v, k) for v, a in zip(values, arrays)
                 if (k := axis - (nb - a.ndim)) >= 0 and a.type.shape[k] != 1]
        lengths.append(sized[0] if sized else e.index(1))
    return values, lengths


def index_at(e: Emitter, x: Variable, value: SSAValue, array: Variable, ivs: list[SSAValue],
             length: SSAValue, axis: int) -> SSAValue:
    """The index array's element for B's position `ivs` (broadcast), checked
    and made non-negative for an axis of `length`."""
    if array.ndim == 0:
        element = value
    else:
        at = [e.index(0) if s == 1 else ivs[len(ivs) - array.ndim + k] for k, s in enumerate(array.type.shape)]
        element = e.emit(tensor.ExtractOp(value, at, value.type.element_type))
    return normalized_index(e, length, element, array.dtype, axis, x.label())


def put_at(e: Emitter, value: SSAValue, dest: SSAValue, indices: list[SSAValue]) -> SSAValue:
    """`dest` with `value` at position `indices` of its leading axes."""
    if len(indices) == 1:
        return put_row(e, value, dest, indices[0])
    row = take_row(e, dest, indices[0])
    return put_row(e, put_at(e, value, row, indices[1:]), dest, indices[0])


def permute(e: Emitter, value: SSAValue, order: list[int]) -> SSAValue:
    """A view of `value` with axes `order` (-1: a new axis of length 1)."""
    if order == list(range(value.type.get_num_dims())):
        return value
    shape = value.type.get_shape()
    return e.emit(sj.DimShuffleOp(value, order, TensorType(value.type.element_type,
                                                             [1 if a < 0 else shape[a] for a in order])))


@emits(tb.AdvancedSubtensor)
def emit_advanced_subtensor(e: Emitter, node) -> list[SSAValue]:
    """The slices first; then, for each position of B, the rows the arrays
    select (their axes moved first by a view) written into a tensor of B then
    the other axes, viewed in NumPy's order."""
    op, (x, *key) = node.op, node.inputs
    arrays, bounds = op.split(key)
    sliced = read_part(e, e.value(x), op.basic().idx_list, [b for g in bounds for b in g], x.label())
    values, b_lengths = index_arrays(e, op, x, arrays)
    others = [a for a in range(x.ndim) if a not in op.axes]
    front = permute(e, sliced, [*op.axes, *others])
    rest = front.type.get_shape()[len(op.axes):]
    result_type = TensorType(front.type.element_type, [DYNAMIC_INDEX] * len(b_lengths) + list(rest))
    result = e.emit(tensor.EmptyOp([*b_lengths, *[e.dim(front, len(op.axes) + k)
                                                  for k, s in enumerate(rest) if s < 0]], result_type))

    def body(_, ivs, acc):
        part = front
        for array, value, axis in zip(arrays, values, op.axes):
            part = take_row(e, part, index_at(e, x, value, array, ivs, e.dim(part, 0), axis))
        return [put_at(e, part, acc[0], ivs)]

    result = e.loop_nest(b_lengths, [result], body)[0]
    nb, before = len(b_lengths), op.axes[0] if op.adjacent() else 0
    placed = permute(e, result, [*range(nb, nb + before), *range(nb), *range(nb + before, result_type.get_num_dims())])
    out_type = ir_type(node.outputs[0].type)
    return [placed if placed.type == out_type else e.emit(tensor.CastOp(placed, out_type))]


@emits(tb.AdvancedIncSubtensor)
def emit_advanced_inc_subtensor(e: Emitter, node) -> list[SSAValue]:
    """For each position of B: the part of x the arrays' indices and the
    slices select, set to / incremented by the value's part for that position
    (in order: the last set wins, increments accumulate)."""
    op, (x, value_var, *key) = node.op.key, node.inputs
    mode, what = node.op.mode, f"{node.op.mode}_subtensor of {x.label()}"
    arrays, bounds = op.split(key)
    dest = e.value(x)
    values, b_lengths = index_arrays(e, op, x, arrays)
    bounds = iter(bounds)
    slices = {axis: ("s", axis, *slice_range(e, e.dim(dest, axis), entry, next(bounds), x.label()))
              for axis, entry in enumerate(op.idx_list) if entry != tb.ARRAY}
    by_axis = dict(zip(op.axes, zip(arrays, values)))
    # The value with B's axes first: padded to the part's rank, then permuted.
    nb, n_others = len(b_lengths), len(slices) + x.ndim - len(op.idx_list)
    rank, before = nb + n_others, op.axes[0] if op.adjacent() else 0
    order = [-1] * (rank - value_var.ndim) + list(range(value_var.ndim))
    order = [*order[before:before + nb], *order[:before], *order[before + nb:]]
    value = e.value(value_var)
    if value_var.ndim:
        value = permute(e, value, order)
    static = [1 if a < 0 else value_var.type.shape[a] for a in order] if value_var.ndim else [1] * nb
    for k in range(nb):  # the value's B axes agree with B
        if static[k] != 1:
            e.check(e.cmp(e.dim(value, k), b_lengths[k], "eq"),
                    f"ValueError: {what}: the value has length $0 on an axis of the index arrays' $1",
                    [e.dim(value, k), b_lengths[k]])

    def body(_, ivs, acc):
        part = value
        if value_var.ndim:
            for k in range(nb):
                part = take_row(e, part, e.index(0) if static[k] == 1 else ivs[k])
        entries = [("i", axis, index_at(e, x, by_axis[axis][1], by_axis[axis][0], ivs, e.dim(dest, axis), axis))
                   if axis in by_axis else slices[axis] for axis in range(len(op.idx_list))]
        return [update_part(e, mode, acc[0], part, tuple(static[nb:]), entries, len(slices), what, x.dtype)]

    return e.loop_nest(b_lengths, [dest], body)


@emits(tb.Nonzero)
def emit_nonzero(e: Emitter, node) -> list[SSAValue]:
    """Count the non-zero elements, then write their indices in order (the
    position of each write clamped below the count, where a zero element
    writes back what is there)."""
    x = node.inputs[0]
    mask = e.value(x)
    lengths = [e.dim(mask, a) for a in range(x.ndim)]
    element_type = mask.type.element_type

    def nonzero_at(ivs):
        v = e.emit(tensor.ExtractOp(mask, ivs, element_type))
        return convert(e.emit, v, x.dtype, "bool")

    count = e.loop_nest(lengths, [e.index(0)], lambda _, ivs, acc: [
        e.select(nonzero_at(ivs), e.emit(arith.AddiOp(acc[0], e.index(1))), acc[0])])[0]
    out_type = ir_type(node.outputs[0].type)
    outs = [e.emit(tensor.EmptyOp([count], out_type)) for _ in range(x.ndim)]
    last = e.emit(arith.SubiOp(count, e.index(1)))
    any_found = e.cmp(count, e.index(0), "sgt")
    first_lengths = [e.select(any_found, lengths[0], e.index(0)), *lengths[1:]]

    def body(_, ivs, acc):
        p, *written = acc
        found = nonzero_at(ivs)
        at = e.emit(arith.MinSIOp(p, last))
        updated = []
        for iv, out in zip(ivs, written):
            old = e.emit(tensor.ExtractOp(out, [at], out_type.element_type))
            new = e.select(found, from_index(e.emit, iv), old)
            updated.append(e.emit(tensor.InsertOp(new, out, [at])))
        return [e.select(found, e.emit(arith.AddiOp(p, e.index(1))), p), *updated]

    return e.loop_nest(first_lengths, [e.index(0), *outs], body)[1:]


@emits(tb.DimShuffle)
def emit_dimshuffle(e: Emitter, node) -> list[SSAValue]:
    source, out_type = e.value(node.inputs[0]), ir_type(node.outputs[0].type)
    if node.inputs[0].ndim == 0:  # a scalar given length-1 axes
        return [e.emit(sj.FillOp(source, [], out_type))]
    order = [-1 if a == "x" else a for a in node.op.order]
    return [e.emit(sj.DimShuffleOp(source, order, out_type))]


@emits(tb.Arange)
def emit_arange(e: Emitter, node) -> list[SSAValue]:
    start, stop, step = (e.value(v) for v in node.inputs)
    count = arange_count(e, start, stop, step, node.op.dtype)
    return [e.emit(sj.ArangeOp(start, step, count, ir_type(node.outputs[0].type)))]


def arange_count(e: Emitter, start: SSAValue, stop: SSAValue, step: SSAValue, dtype: str) -> SSAValue:
    """The length of arange(start, stop, step), checked, as an index."""
    zero = e.const(0, dtype)
    if dtype.startswith("float"):
        e.check(e.emit(arith.CmpfOp(step, zero, "une")), "ValueError: arange step cannot be zero")
        span = e.emit(arith.DivfOp(e.emit(arith.SubfOp(stop, start)), step))
        e.check(e.emit(arith.CmpfOp(span, e.const(2.0**62, dtype), "olt")),
                "ValueError: arange: the length is not a number or too large")
        count = convert(e.emit, e.emit(math.CeilOp(span)), dtype, "int64")
        return to_index(e.emit, e.emit(arith.MaxSIOp(count, e.const(0, "int64"))))
    e.check(e.cmp(step, zero, "ne"), "ValueError: arange step cannot be zero")
    start64, stop64, step64 = (convert(e.emit, v, dtype, "int64") for v in (start, stop, step))
    forward = e.cmp(step64, e.const(0, "int64"), "sgt")
    # |stop - start| as unsigned is exact; a count of 2^63 or more is
    # negative as an index: the allocation raises MemoryError.
    span = e.select(forward, e.emit(arith.SubiOp(stop64, start64)), e.emit(arith.SubiOp(start64, stop64)))
    ahead = e.select(forward, e.cmp(stop64, start64, "sgt"), e.cmp(start64, stop64, "sgt"))
    magnitude = e.select(forward, step64, e.emit(arith.SubiOp(e.const(0, "int64"), step64)))
    return to_index(e.emit, positions(e, span, magnitude, ahead))


@emits(tb.Alloc)
def emit_alloc(e: Emitter, node) -> list[SSAValue]:
    value, *shape = node.inputs
    out = node.outputs[0]
    if out.ndim == 0:
        return [e.value(value)]
    sizes = []
    for var, static in zip(shape, out.type.shape):
        size = e.value(var)
        e.check(e.cmp(size, e.const(0, "int64"), "sge"),
                f"ValueError: negative dimensions are not allowed (alloc's length {var.label()} is $0)",
                [size])
        if static is None:
            sizes.append(to_index(e.emit, size))
    if value.ndim == 0:
        return [e.emit(sj.FillOp(e.value(value), sizes, ir_type(out.type)))]
    # A tensor value: broadcast it over a tensor of the output's shape.
    shaped = e.emit(sj.FillOp(e.const(0, out.dtype), sizes, ir_type(out.type)))
    args = [shaped, e.value(value)]
    e.broadcast_checks(args, out.ndim, f"alloc of {value.label()}")
    return [e.map(args, ir_type(out.type), lambda xs: xs[1])]


@emits(tb.MakeVector)
def emit_make_vector(e: Emitter, node) -> list[SSAValue]:
    out = e.emit(tensor.EmptyOp([], ir_type(node.outputs[0].type)))
    for k, scalar in enumerate(node.inputs):
        out = e.emit(tensor.InsertOp(e.value(scalar), out, [e.index(k)]))
    return [out]


@emits(tb.SpecifyShape)
def emit_specify_shape(e: Emitter, node) -> list[SSAValue]:
    """Checks, then a `tensor.cast` to the static lengths it gives."""
    x, *lengths = node.inputs
    value = e.value(x)
    given = iter(lengths)
    for axis, known in enumerate(node.op.given):
        if known:
            actual, expected = e.dim(value, axis), to_index(e.emit, e.value(next(given)))
            e.check(e.cmp(actual, expected, "eq"), f"ValueError: specify_shape: {x.label()} has length "
                    f"$0 on axis {axis}, expected $1", [actual, expected])
    out_type = ir_type(node.outputs[0].type)
    return [value if out_type == value.type else e.emit(tensor.CastOp(value, out_type))]


def product(e: Emitter, lengths: list[SSAValue]) -> SSAValue:
    total = e.index(1)
    for length in lengths:
        total = e.emit(arith.MuliOp(total, length))
    return total


@emits(tb.Reshape)
def emit_reshape(e: Emitter, node) -> list[SSAValue]:
    """Checked lengths (a constant -1 computed), then a view of the same
    buffer (tensor.collapse_shape, expand_shape), never a copy: every tensor
    is stored row-major, and a view operand (sj.row, sj.dimshuffle) is
    stored first by convert-sj-to-loops."""
    x, *given = node.inputs
    out = node.outputs[0]
    source = e.value(x)
    x_lengths = [e.dim(source, a) for a in range(x.ndim)]
    total = product(e, x_lengths)
    requested = [convert(e.emit, e.value(n), n.dtype, "int64") for n in given]
    lengths = [to_index(e.emit, n) for n in requested]
    minus = [k for k, n in enumerate(given) if isinstance(n, Constant) and int(n.data) == -1]
    rest = product(e, [n for k, n in enumerate(lengths) if k not in minus])
    ok = e.const(True, "bool")
    for k, n in enumerate(requested):
        if k not in minus:
            ok = e.emit(arith.AndIOp(ok, e.cmp(n, e.const(0, "int64"), "sge")))
    if minus:
        ok = e.emit(arith.AndIOp(ok, e.cmp(rest, e.index(0), "ne")))
        safe_rest = e.select(e.cmp(rest, e.index(0), "eq"), e.index(1), rest)
        lengths[minus[0]] = e.emit(arith.DivUIOp(total, safe_rest))
    ok = e.emit(arith.AndIOp(ok, e.cmp(product(e, lengths), total, "eq")))
    shape = ", ".join(f"${k + 1}" for k in range(len(given))) + ("," if len(given) == 1 else "")
    e.check(ok, f"ValueError: cannot reshape {x.label()} of size $0 into shape ({shape})",
            [total, *requested])
    if out.ndim == 0:
        return [source if x.ndim == 0 else e.emit(tensor.ExtractOp(source, [e.index(0)] * x.ndim,
                                                                    source.type.element_type))]
    out_type = ir_type(out.type)
    if x.ndim == 0:
        return [e.emit(sj.FillOp(source, [n for n, s in zip(lengths, out_type.get_shape()) if s < 0], out_type))]
    # the same row-major elements: a view, its axes merged into one, then split as asked
    flat = source if x.ndim == 1 else merged(e, source, [range(x.ndim)])
    shape = out_type.get_shape()
    flat_type = TensorType(out_type.element_type, [DYNAMIC_INDEX if min(shape) < 0 else prod(shape)])
    if flat.type != flat_type:
        flat = e.emit(tensor.CastOp(flat, flat_type))
    if out.ndim == 1:
        return [flat]
    dynamic = [n for n, s in zip(lengths, shape) if s < 0]
    return [e.emit(tensor.ExpandShapeOp(flat, dynamic, reassociation([range(out.ndim)]), shape, out_type))]


@emits(Assert)
def emit_assert(e: Emitter, node) -> list[SSAValue]:
    x, *conditions = node.inputs
    for condition in conditions:
        e.check(convert(e.emit, e.value(condition), condition.dtype, "bool"),
                f"{node.op.exc_type.__name__}: {node.op.msg}")
    return [e.value(x)]


@emits(GradientBarrier)
def emit_gradient_barrier(e: Emitter, node) -> list[SSAValue]:
    """zero_grad(x) and disconnected_grad(x) are x."""
    return [e.value(node.inputs[0])]


def scan_storage(e: Emitter, node) -> SSAValue | None:
    """The storage a scan's loop wrote a state in (emit/scan.py: its initial
    value, then a row per step) when `node` joins them, `[init[None], out]`:
    the backward scan of a gradient reads the states so."""
    first, out = node.inputs if len(node.inputs) == 2 and node.op.axis == 0 else (None, None)
    scan = out.owner if out is not None else None
    if scan is None or not isinstance(scan.op, ScanOp) or e.value(out) not in e.tails or \
            scan.op.info.output_taps[out.index] != [-1]:
        return None
    init = scan.inputs[1 + scan.op.n_seqs + scan.op.info.recurrent.index(out.index)]
    view = first.owner
    if view is None or not isinstance(view.op, tb.DimShuffle) or view.inputs[0] is not init or \
            view.op.order != ("x", *range(init.ndim)):
        return None
    return e.tails[e.value(out)][0]


@emits(tb.Join)
def emit_join(e: Emitter, node) -> list[SSAValue]:
    """Along the first axis, the inputs' rows copied one after the other;
    along another, each input's elements into its block of the result
    (`join_across`)."""
    axis, out = node.op.axis, node.outputs[0]
    first, values = node.inputs[0], [e.value(x) for x in node.inputs]
    if (storage := scan_storage(e, node)) is not None:
        return [storage if storage.type == ir_type(out.type) else e.emit(tensor.CastOp(storage, ir_type(out.type)))]
    for x, value in zip(node.inputs[1:], values[1:]):  # the other lengths agree
        shape_a, numbers = e.shape_text(values[0])
        shape_b, more = e.shape_text(value, len(numbers))
        for a in range(out.ndim):
            if a != axis:
                e.check(e.cmp(e.dim(values[0], a), e.dim(value, a), "eq"),
                        f"ValueError: join along axis {axis}: {first.label()} has shape {shape_a} and "
                        f"{x.label()} has shape {shape_b}", numbers + more)
    counts = [e.dim(value, axis) for value in values]
    total = counts[0]
    for count in counts[1:]:
        total = e.emit(arith.AddiOp(total, count))
    if axis != 0:
        return [join_across(e, values, counts, total, axis, ir_type(out.type))]
    rest = values[0].type.get_shape()[1:]
    joined_type = TensorType(values[0].type.element_type, [DYNAMIC_INDEX, *rest])
    sizes = [total, *[e.dim(values[0], a + 1) for a, s in enumerate(rest) if s < 0]]
    result, offset = e.emit(tensor.EmptyOp(sizes, joined_type)), e.index(0)
    for value, count in zip(values, counts):
        result = e.loop(count, [result], lambda _, r, acc, value=value, offset=offset: [
            put_row(e, take_row(e, value, r), acc[0], e.emit(arith.AddiOp(offset, r)))])[0]
        offset = e.emit(arith.AddiOp(offset, count))
    out_type = ir_type(out.type)
    return [result if result.type == out_type else e.emit(tensor.CastOp(result, out_type))]


def join_across(e: Emitter, values: list[SSAValue], counts: list[SSAValue], total: SSAValue, axis: int,
                out_type: TensorType) -> SSAValue:
    """A join along `axis` (not the first): each input's elements copied into
    its block `[..., offset:offset + count, ...]` of a tensor laid out as the
    result (row-major), one loop nest per input. A map read only so is
    computed in its block, and readers of the result read no view."""
    rank, element_type = out_type.get_num_dims(), out_type.element_type
    sizes = [total if a == axis else e.dim(values[0], a) for a in range(rank)]
    result = e.emit(tensor.EmptyOp([n for n, s in zip(sizes, out_type.get_shape()) if s < 0], out_type))
    offset = e.index(0)
    for value, count in zip(values, counts):
        def copy(_, ivs, acc, value=value, offset=offset):
            at = [*ivs[:axis], e.emit(arith.AddiOp(offset, ivs[axis])), *ivs[axis + 1:]]
            return [e.emit(tensor.InsertOp(e.emit(tensor.ExtractOp(value, ivs, element_type)), acc[0], at))]
        result = e.loop_nest([count if a == axis else e.dim(value, a) for a in range(rank)], [result], copy)[0]
        offset = e.emit(arith.AddiOp(offset, count))
    return result


@emits(tb.RepeatIndices)
def emit_repeat_indices(e: Emitter, node) -> list[SSAValue]:
    counts_var = node.inputs[0]
    counts = e.value(counts_var)
    n = e.dim(counts, 0)

    def count_at(i):
        count = e.emit(tensor.ExtractOp(counts, [i], counts.type.element_type))
        e.check(e.cmp(count, e.const(0, "int64"), "sge"), "ValueError: repeat: negative count $0", [count])
        return to_index(e.emit, count)

    total = e.loop(n, [e.index(0)], lambda _, i, acc: [e.emit(arith.AddiOp(acc[0], count_at(i)))])[0]
    out = e.emit(tensor.EmptyOp([total], ir_type(node.outputs[0].type)))

    def element(_, i, acc):
        position, result = acc
        return e.loop(count_at(i), [position, result], lambda _, k, inner: [
            e.emit(arith.AddiOp(inner[0], e.index(1))),
            e.emit(tensor.InsertOp(from_index(e.emit, i), inner[1], [inner[0]]))])

    return [e.loop(n, [e.index(0), out], element)[1]]
