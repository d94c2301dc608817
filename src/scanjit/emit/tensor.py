"""Emission of the tensor ops (scanjit/tensor/): elementwise functions as
`sj.map`, reductions, dot, indexing, shapes, with their run-time checks."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith, math, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, TensorType
from xdsl.ir import SSAValue

import scanjit.tensor as tb
from scanjit.dialects import sj
from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.scalar import ELEMENT_TYPES, convert, elemwise, from_index, ir_type, to_index
from scanjit.graph import Variable
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


@emits(tb.Dot)
def emit_dot(e: Emitter, node) -> list[SSAValue]:
    (a, b), out = node.inputs, node.outputs[0]
    va = cast_tensor(e, e.value(a), a.dtype, out.dtype)
    vb = cast_tensor(e, e.value(b), b.dtype, out.dtype)
    shape_a, values = e.shape_text(va)
    shape_b, more = e.shape_text(vb, len(values))
    e.check(e.cmp(e.dim(va, a.ndim - 1), e.dim(vb, 0), "eq"),
            f"ValueError: dot of {a.label()} and {b.label()}: shapes {shape_a} and {shape_b} "
            "are not aligned", values + more)
    return [e.emit(sj.DotOp(va, vb, ir_type(out.type)))]


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


def key_entries(e: Emitter, node, x_var: Variable, key: Sequence[Variable]):
    """Per entry of a Subtensor key: (axis of x, INDEX or the slice's given
    bounds as graph variables)."""
    key = iter(key)
    return [(axis, next(key) if entry == INDEX else [next(key) for given in entry if given], entry)
            for axis, entry in enumerate(node.op.idx_list if isinstance(node.op, tb.Subtensor)
                                         else node.op.key.idx_list)]


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
    """Each entry of the key in turn: an index takes a row of its axis (moved
    first by a view), a slice selects rows; both are views or copies of rows."""
    x, *key = node.inputs
    value, at = e.value(x), 0  # `at`: the axis of `value` the next entry indexes
    for axis, given, entry in key_entries(e, node, x, key):
        if entry == INDEX:
            front = to_front(e, value, at)
            index = normalized_index(e, e.dim(front, 0), e.value(given), given.dtype, axis, x.label())
            value = take_row(e, front, index)
        elif entry != FULL:
            front = to_front(e, value, at)
            start, step, count = slice_range(e, e.dim(front, 0), entry, given, x.label())
            shape = [DYNAMIC_INDEX, *front.type.get_shape()[1:]]
            rows = e.emit(sj.SliceOp(front, start, step, count, TensorType(front.type.element_type, shape)))
            value = from_front(e, rows, at)
            at += 1
        else:
            at += 1
    return [value]


def update_part(e: Emitter, mode: str, dest: SSAValue, value: SSAValue, value_static: tuple,
                entries: list, slices_left: int, x: Variable) -> SSAValue:
    """`dest` (a scalar, or a tensor whose leading axis the first entry
    indexes) with its part `dest[entries]` set to / incremented by `value`,
    which broadcasts to the part, whose first `slices_left` axes the
    remaining slices make."""
    what = f"{mode}_subtensor of {x.label()}"
    if not entries:
        if not isinstance(dest.type, TensorType):
            return value if mode == "set" else elemwise(e.emit, "add", [dest, value], [x.dtype] * 2, x.dtype)
        e.broadcast_checks([dest, value], dest.type.get_num_dims(), what)
        return e.map([dest, value], dest.type, lambda xs: xs[1] if mode == "set" else
                     elemwise(e.emit, "add", xs, [x.dtype] * 2, x.dtype))
    (axis, given, entry), rest = entries[0], entries[1:]
    if entry == INDEX:
        index = normalized_index(e, e.dim(dest, 0), e.value(given), given.dtype, axis, x.label())
        row = update_part(e, mode, take_row(e, dest, index), value, value_static, rest, slices_left, x)
        return put_row(e, row, dest, index)
    start, step, count = slice_range(e, e.dim(dest, 0), entry, given, x.label())
    # Does the value have this axis (not broadcast along it)?
    part_axes = slices_left + (dest.type.get_num_dims() - 1 - len(rest))
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
        updated = update_part(e, mode, take_row(e, acc[0], row), part, static, rest, slices_left - 1, x)
        return [put_row(e, updated, acc[0], row)]

    return e.loop(count, [dest], body)[0]


@emits(tb.SetSubtensor)
def emit_set_subtensor(e: Emitter, node) -> list[SSAValue]:
    x, value, *key = node.inputs
    entries = key_entries(e, node, x, key)
    slices = sum(entry != INDEX for _, _, entry in entries)
    return [update_part(e, node.op.mode, e.value(x), e.value(value), value.type.shape, entries,
                        slices, x)]


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
    dtype = node.op.dtype
    zero = e.const(0, dtype)
    if dtype.startswith("float"):
        e.check(e.emit(arith.CmpfOp(step, zero, "une")), "ValueError: arange step cannot be zero")
        span = e.emit(arith.DivfOp(e.emit(arith.SubfOp(stop, start)), step))
        e.check(e.emit(arith.CmpfOp(span, e.const(2.0**62, dtype), "olt")),
                "ValueError: arange: the length is not a number or too large")
        count = convert(e.emit, e.emit(math.CeilOp(span)), dtype, "int64")
        count = e.emit(arith.MaxSIOp(count, e.const(0, "int64")))
    else:
        e.check(e.cmp(step, zero, "ne"), "ValueError: arange step cannot be zero")
        start64, stop64, step64 = (convert(e.emit, v, dtype, "int64") for v in (start, stop, step))
        forward = e.cmp(step64, e.const(0, "int64"), "sgt")
        # |stop - start| as unsigned is exact; a count of 2^63 or more is
        # negative as an index: the allocation raises MemoryError.
        span = e.select(forward, e.emit(arith.SubiOp(stop64, start64)), e.emit(arith.SubiOp(start64, stop64)))
        ahead = e.select(forward, e.cmp(stop64, start64, "sgt"), e.cmp(start64, stop64, "sgt"))
        magnitude = e.select(forward, step64, e.emit(arith.SubiOp(e.const(0, "int64"), step64)))
        count = positions(e, span, magnitude, ahead)
    out_type = ir_type(node.outputs[0].type)
    return [e.emit(sj.ArangeOp(start, step, to_index(e.emit, count), out_type))]


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
