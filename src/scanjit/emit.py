"""Graph -> IR: one `func.func @main` in the `sj` dialect plus arith/math,
`tensor`, `scf` and `sj.check` for the run-time checks (the Toy tutorial's
"MLIRGen" step). Scans are emitted by `emit_scan`."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Sequence

import numpy as np
from xdsl.dialects import arith, func, math, scf, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX, DenseArrayBase, DenseIntOrFPElementsAttr, IndexType, ModuleOp, TensorType, i64,
)
from xdsl.ir import Block, Operation, Region, SSAValue

from scanjit.dialects import sj
from scanjit.dialects.abi import RESULT_OFFSETS
from scanjit.emit_scalar import (
    ELEMENT_TYPES, const, convert, elemwise, from_index, ir_type, to_index,
)
from scanjit.graph import Constant, Variable, toposort
from scanjit.tensor import basic as tb


class Emitter:
    """Emits ops at the end of `self.block`; `self.values` maps graph
    variables to SSA values, one scope per region."""

    def __init__(self, block: Block, unread: set[int] = frozenset()):
        self.block = block
        self.values: ChainMap[int, SSAValue] = ChainMap()
        self.unread = unread  # ids of scan outputs nothing reads
        # Slices that are a storage's rows after its first `offset` ones:
        # returned, the storage is returned and the caller skips `offset` rows.
        self.tails: dict[SSAValue, tuple[SSAValue, int]] = {}

    # -- building blocks ---------------------------------------------------
    def emit(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0] if len(op.results) == 1 else op

    def const(self, value, dtype: str) -> SSAValue:
        return const(self.emit, value, dtype)

    def index(self, value: int) -> SSAValue:
        return self.const(value, "index")

    def check(self, ok: SSAValue, message: str, values: Sequence[SSAValue] = ()) -> None:
        """Native code stops with `message` (an exception class, a colon and
        the text, where `$k` stands for values[k], index or i64) when `ok` is false."""
        self.emit(sj.CheckOp(ok, message, list(values)))

    def dim(self, value: SSAValue, axis: int) -> SSAValue:
        """Length of `axis` of a tensor value, as an index."""
        static = value.type.get_shape()[axis]
        return self.index(static) if static >= 0 else self.emit(tensor.DimOp(value, self.index(axis)))

    def cmp(self, a: SSAValue, b: SSAValue, pred: str) -> SSAValue:
        return self.emit(arith.CmpiOp(a, b, pred))

    def select(self, cond, a, b) -> SSAValue:
        return self.emit(arith.SelectOp(cond, a, b))

    # -- graph -------------------------------------------------------------
    def value(self, var: Variable) -> SSAValue:
        if id(var) not in self.values:
            if not isinstance(var, Constant):
                raise ValueError(f"{var.label()} is needed but is not an input of the function")
            self.values[id(var)] = self.constant(var)
        return self.values[id(var)]

    def constant(self, var: Constant) -> SSAValue:
        if var.ndim == 0:
            return self.const(var.data.item(), var.dtype)
        data = np.ascontiguousarray(var.data)
        attr_type = ir_type(var.type)
        values = data.astype(int).ravel().tolist() if var.dtype == "bool" else data.ravel().tolist()
        return self.emit(sj.ConstantOp(DenseIntOrFPElementsAttr.from_list(attr_type, values)))

    def emit_graph(self, outputs: Sequence[Variable]) -> list[SSAValue]:
        for node in toposort(outputs, stop=[v for v in outputs if id(v) in self.values]):
            if all(id(o) in self.values for o in node.outputs):
                continue
            handler = EMITTERS.get(type(node.op))
            if handler is None:
                raise NotImplementedError(f"scanjit cannot compile {node.op} yet")
            results = handler(self, node)
            for var, val in zip(node.outputs, results):
                if val is not None:  # None: an output nothing reads
                    self.values[id(var)] = val
        return [self.value(v) for v in outputs]

    def loop(self, upper: SSAValue, carried: Sequence[SSAValue], body) -> list[SSAValue]:
        """scf.for t in [0, upper) carrying `carried`; `body(t, values)`
        emits the loop body and returns the values to yield."""
        block = Block(arg_types=[IndexType(), *[c.type for c in carried]])
        with self.in_region(block):
            self.emit(scf.YieldOp(*body(block.args[0], list(block.args[1:]))))
        loop = scf.ForOp(self.index(0), upper, self.index(1), list(carried), block)
        self.emit(loop)
        return list(loop.results)

    def map(self, inputs: Sequence[SSAValue], result_type, body) -> SSAValue:
        """An sj.map whose body is `body(scalars) -> scalar`, emitted here."""
        block = Block(arg_types=[sj.element_type(v.type) for v in inputs])
        with self.in_region(block):
            self.emit(sj.YieldOp(body(list(block.args))))
        return self.emit(sj.MapOp(inputs, result_type, Region(block)))

    def in_region(self, block: Block):
        """Context manager: emit into `block` with a child value scope."""
        return _Scope(self, block)

    def broadcast_checks(self, inputs: Sequence[SSAValue], ndim: int, what: str,
                         labels: Sequence[str] | None = None) -> None:
        """Non-broadcastable dimensions aligned on the right must agree; the
        error names the inputs (`labels`) and their shapes."""
        labels = labels or [f"input {k}" for k in range(len(inputs))]
        for axis in range(ndim):
            sized = []
            for v, label in zip(inputs, labels):
                if not isinstance(v.type, TensorType):
                    continue
                k = axis - (ndim - v.type.get_num_dims())
                if k >= 0 and v.type.get_shape()[k] != 1:
                    sized.append((v, label, self.dim(v, k)))
            first, first_label, length = sized[0] if sized else (None, None, None)
            for other, label, other_length in sized[1:]:
                shape_a, values = self.shape_text(first)
                shape_b, more = self.shape_text(other, len(values))
                self.check(self.cmp(length, other_length, "eq"),
                           f"ValueError: shape mismatch in {what} along axis {axis}: {first_label} has "
                           f"shape {shape_a} and {label} has shape {shape_b}", values + more)

    def shape_text(self, value: SSAValue, first: int = 0) -> tuple[str, list[SSAValue]]:
        """A check message's text for the shape of tensor `value`, like
        `($0, 3)` (static lengths written out), and the values it refers to,
        numbered from `$first`."""
        parts, values = [], []
        for axis, static in enumerate(value.type.get_shape()):
            if static >= 0:
                parts.append(str(static))
            else:
                parts.append(f"${first + len(values)}")
                values.append(self.dim(value, axis))
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")", values


class _Scope:
    def __init__(self, emitter: Emitter, block: Block):
        self.emitter, self.block = emitter, block

    def __enter__(self):
        self.saved = self.emitter.block
        self.emitter.block = self.block
        self.emitter.values = self.emitter.values.new_child()

    def __exit__(self, *exc):
        self.emitter.block = self.saved
        self.emitter.values = self.emitter.values.parents


# -- one handler per Op: (emitter, node) -> output values ----------------------

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


def emit_reduce(e: Emitter, node) -> list[SSAValue]:
    (x,), out = node.inputs, node.outputs[0]
    value = cast_tensor(e, e.value(x), x.dtype, out.dtype)
    if node.op.kind in ("max", "min"):
        for axis in node.op.axes:
            e.check(e.cmp(e.dim(value, axis), e.index(0), "sgt"),
                    f"ValueError: {node.op.kind} of an empty axis of {x.label()}")
    return [e.emit(sj.ReduceOp(value, node.op.kind, node.op.axes, ir_type(out.type)))]


def cast_tensor(e: Emitter, value: SSAValue, src: str, dst: str) -> SSAValue:
    if src == dst:
        return value
    result_type = TensorType(ELEMENT_TYPES[dst], value.type.get_shape())
    return e.map([value], result_type, lambda xs: convert(e.emit, xs[0], src, dst))


def emit_argmax(e: Emitter, node) -> list[SSAValue]:
    x = e.value(node.inputs[0])
    axes = range(node.inputs[0].ndim) if node.op.axis is None else [node.op.axis]
    for axis in axes:
        e.check(e.cmp(e.dim(x, axis), e.index(0), "sgt"),
                f"ValueError: argmax of an empty axis of {node.inputs[0].label()}")
    return [e.emit(sj.ArgmaxOp(x, node.op.axis, ir_type(node.outputs[0].type)))]


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
    return [(axis, next(key) if entry == tb.INDEX else [next(key) for given in entry if given], entry)
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


def emit_subtensor(e: Emitter, node) -> list[SSAValue]:
    """Each entry of the key in turn: an index takes a row of its axis (moved
    first by a view), a slice selects rows; both are views or copies of rows."""
    x, *key = node.inputs
    value, at = e.value(x), 0  # `at`: the axis of `value` the next entry indexes
    for axis, given, entry in key_entries(e, node, x, key):
        if entry == tb.INDEX:
            front = to_front(e, value, at)
            index = normalized_index(e, e.dim(front, 0), e.value(given), given.dtype, axis, x.label())
            value = take_row(e, front, index)
        elif entry != tb.FULL:
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
    if entry == tb.INDEX:
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

    def body(k, acc):
        row = e.emit(arith.AddiOp(start, e.emit(arith.MuliOp(k, step))))
        part, static = value, value_static
        if own >= 0:
            part, static = take_row(e, value, k if per_row else e.index(0)), value_static[1:]
        updated = update_part(e, mode, take_row(e, acc[0], row), part, static, rest, slices_left - 1, x)
        return [put_row(e, updated, acc[0], row)]

    return e.loop(count, [dest], body)[0]


def emit_set_subtensor(e: Emitter, node) -> list[SSAValue]:
    x, value, *key = node.inputs
    entries = key_entries(e, node, x, key)
    slices = sum(entry != tb.INDEX for _, _, entry in entries)
    return [update_part(e, node.op.mode, e.value(x), e.value(value), value.type.shape, entries,
                        slices, x)]


def emit_dimshuffle(e: Emitter, node) -> list[SSAValue]:
    source, out_type = e.value(node.inputs[0]), ir_type(node.outputs[0].type)
    if node.inputs[0].ndim == 0:  # a scalar given length-1 axes
        return [e.emit(sj.FillOp(source, [], out_type))]
    order = [-1 if a == "x" else a for a in node.op.order]
    return [e.emit(sj.DimShuffleOp(source, order, out_type))]


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


def emit_scan(e: Emitter, node) -> list[SSAValue]:
    from scanjit.emit_scan import emit_scan as emit

    return emit(e, node)


EMITTERS = {
    tb.Elemwise: emit_elemwise, tb.Reduce: emit_reduce, tb.Argmax: emit_argmax, tb.Dot: emit_dot,
    tb.Shape: emit_shape, tb.Subtensor: emit_subtensor, tb.Arange: emit_arange,
    tb.Alloc: emit_alloc, tb.SetSubtensor: emit_set_subtensor, tb.DimShuffle: emit_dimshuffle,
}


def emit_random(e: Emitter, node) -> list[SSAValue]:
    from scanjit.emit_random import emit_random as emit

    return emit(e, node)


def _register_late():
    """Ops whose modules import this one."""
    from scanjit.scan.op import ScanOp
    from scanjit.tensor.random import RandomVariable

    EMITTERS[ScanOp] = emit_scan
    EMITTERS[RandomVariable] = emit_random


_register_late()


def emit_function(inputs: Sequence[Variable], outputs: Sequence[Variable],
                  name: str = "main") -> ModuleOp:
    """A module holding `func.func @main(inputs) -> outputs`."""
    from scanjit.scan.op import unread_outputs

    entry = Block(arg_types=[ir_type(v.type) for v in inputs])
    e = Emitter(entry, unread_outputs(list(outputs)))
    for var, arg in zip(inputs, entry.args):
        e.values[id(var)] = arg
        if var.name:
            arg.name_hint = _hint(var.name)
    results = e.emit_graph(outputs)
    offsets = [e.tails[r][1] if r in e.tails else 0 for r in results]
    results = [e.tails[r][0] if r in e.tails else r for r in results]
    e.emit(func.ReturnOp(*results))
    for tail in e.tails:
        if not tail.uses:
            tail.owner.detach()
            tail.owner.erase()
    fn = func.FuncOp(name, ([a.type for a in entry.args], [r.type for r in results]), Region(entry))
    attributes = {RESULT_OFFSETS: DenseArrayBase.from_list(i64, offsets)} if any(offsets) else {}
    return ModuleOp([fn], attributes=attributes)


def _hint(name: str) -> str | None:
    """`name` as an SSA name hint: xDSL takes ASCII letters, digits and `_`."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
    return cleaned if cleaned.strip("_") and not cleaned[0].isdigit() else None

