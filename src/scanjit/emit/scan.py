"""Emission of a Scan node as an `scf.for` whose `iter_args` carry, per
recurrent output, a storage tensor holding its initial values followed by one
row per step (taps read rows behind the one being written), and per per-step
output the preallocated stacked tensor."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import DYNAMIC_INDEX, IndexType, IntegerAttr, TensorType, i1
from xdsl.ir import Block, SSAValue

from scanjit.dialects import sj
from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.scalar import convert, from_index, ir_type, to_index
from scanjit.emit.tensor import arange_count, put_row, slice_range, take_row
from scanjit.graph import Constant, Variable, infer_shape, infer_size
from scanjit.passes.support.builder import empty_like_dims
from scanjit.scan.op import ScanOp


@emits(ScanOp)
def emit_scan(e: Emitter, node) -> list[SSAValue]:
    op: ScanOp = node.op
    info = op.info
    seqs = node.inputs[1:1 + op.n_seqs]
    recurrent = info.recurrent
    per_step = [k for k, taps in enumerate(info.output_taps)  # unread ones are not stored
                if taps is None and id(node.outputs[k]) not in e.unread]
    inits = node.inputs[1 + op.n_seqs:1 + op.n_seqs + len(recurrent)]
    seq_values = [SequenceRows.of(e, e.value(s)) for s in seqs]
    n = step_count(e, node, seq_values)

    placeholder_dims: dict[int, list[SSAValue]] = {}
    places = iter(info.placeholders)
    for seq, taps in zip(seq_values, info.seq_taps):
        for _ in taps:
            placeholder_dims[id(next(places))] = [seq.dim(e, a) for a in range(1, seq.rank)]
    # A storage keeps window + n rows, or, for an output whose stack nothing
    # reads (only its final state), window + 1 rows used circularly.
    circular = {k: id(node.outputs[k]) in e.unread for k in recurrent}

    def storage_row(k: int, position: SSAValue) -> SSAValue:
        if not circular[k]:
            return position
        return e.emit(arith.RemSIOp(position, e.index(info.window(k) + 1)))

    storages = []
    for k, init_var in zip(recurrent, inits):
        rows = e.index(info.window(k) + 1) if circular[k] else \
            e.emit(arith.AddiOp(n, e.index(info.window(k))))
        storage, state_dims = init_storage(e, k, info.window(k), e.value(init_var),
                                           info.output_taps[k] != [-1], rows)
        storages.append(storage)
        for _ in info.output_taps[k]:
            placeholder_dims[id(next(places))] = state_dims
    row_shapes = EmittedShapes(e, placeholder_dims)
    stacks = [empty(e, ir_type(node.outputs[k].type), [n, *infer_shape(info.inner_outputs[k], row_shapes)])
              for k in per_step]

    def step(t: SSAValue, carried: list[SSAValue]) -> tuple[list[SSAValue], SSAValue | None]:
        """Emit step t: read the taps, run the body, write this step's rows."""
        places = iter(info.placeholders)
        for seq, taps in zip(seq_values, info.seq_taps):
            for tap in taps:
                e.values[id(next(places))] = seq.row(e, sequence_row(e, t, seq, tap, taps, info.go_backwards))
        for k, storage in zip(recurrent, carried):
            for tap in info.output_taps[k]:
                row = e.emit(arith.AddiOp(t, e.index(info.window(k) + tap)))
                e.values[id(next(places))] = take_row(e, storage, storage_row(k, row))
        results = e.emit_graph(info.roots)
        written = [checked_put_row(e, results[k], storage,
                                   storage_row(k, e.emit(arith.AddiOp(t, e.index(info.window(k))))), k)
                   for k, storage in zip(recurrent, carried)]
        written += [checked_put_row(e, results[k], stack, t, k)
                    for k, stack in zip(per_step, carried[len(storages):])]
        return written, (results[len(info.inner_outputs)] if info.until is not None else None)

    if info.until is None:
        finals = e.loop(n, storages + stacks, lambda _, t, carried: step(t, carried)[0])
    else:
        n, finals = until_loop(e, n, storages + stacks, step, info.until.dtype)
    outputs: list[SSAValue | None] = [None] * len(info.output_taps)  # None: unread
    last_states = []
    for k, storage, final in zip(recurrent, finals, op.final_outputs(node)):
        window = e.index(info.window(k))
        if id(final) in e.unread:
            last_states.append(None)
        else:  # the last initial value if no step ran
            last = e.emit(arith.SubiOp(e.emit(arith.AddiOp(n, window)), e.index(1)))
            last_states.append(take_row(e, storage, storage_row(k, last)))
        if circular[k]:
            continue
        outputs[k] = e.emit(sj.SliceOp(storage, window, e.index(1), n, ir_type(node.outputs[k].type)))
        if info.until is None:  # the rows after the initial ones
            e.tails[outputs[k]] = (storage, info.window(k))
    for k, stack in zip(per_step, finals[len(storages):]):
        outputs[k] = stack if info.until is None else e.emit(
            sj.SliceOp(stack, e.index(0), e.index(1), n, stack.type))
    # Generators advance in place: after the loop, each is its own new value.
    return outputs + last_states + [e.value(shared_var) for shared_var in info.updates]


@dataclass
class SequenceRows:
    """A sequence's rows: row i is `source`'s row start + step * i, of
    `length` rows. A sequence sliced by rows (`x[a:b]`, `x[::-1]`, slices of
    slices: sj.slice) is read in place, not copied (start None: the source
    itself)."""

    source: SSAValue
    start: SSAValue | None
    step: SSAValue | None
    length: SSAValue

    @staticmethod
    def of(e: Emitter, value: SSAValue) -> SequenceRows:
        start = step = length = None
        while isinstance(cut := value.owner, sj.SliceOp) and \
                cut.source.type.get_shape()[1:] == value.type.get_shape()[1:]:
            if start is None:
                start, step, length = cut.start, cut.step, cut.count
            else:
                start = e.emit(arith.AddiOp(cut.start, e.emit(arith.MuliOp(cut.step, start))))
                step = e.emit(arith.MuliOp(cut.step, step))
            value = cut.source
        return SequenceRows(value, start, step, length if length is not None else e.dim(value, 0))

    @property
    def rank(self) -> int:
        return self.source.type.get_num_dims()

    def dim(self, e: Emitter, axis: int) -> SSAValue:
        return self.length if axis == 0 else e.dim(self.source, axis)

    def row(self, e: Emitter, i: SSAValue) -> SSAValue:
        if self.start is not None:
            i = e.emit(arith.AddiOp(self.start, e.emit(arith.MuliOp(self.step, i))))
        return take_row(e, self.source, i)


def sequence_row(e: Emitter, t: SSAValue, seq: SequenceRows, tap: int, taps: list[int],
                 backwards: bool) -> SSAValue:
    """The row of `seq` that tap `tap` reads at step t. As PyTensor: the
    sequence is cut per tap (`seq[tap - low : len - (high - tap)]`, with low
    and high the extreme taps and 0), and with go_backwards each cut is read
    from its end."""
    low, high = min(min(taps), 0), max(max(taps), 0)
    if not backwards:
        return e.emit(arith.AddiOp(t, e.index(tap - low)))
    end = e.emit(arith.SubiOp(seq.length, e.index(high - tap + 1)))  # the cut's last row
    return e.emit(arith.SubiOp(end, t))


def until_loop(e: Emitter, n: SSAValue, carried: list[SSAValue], step, cond_dtype: str):
    """scf.while running `step` for t = 0, 1, ... while t < n and the previous
    step's condition was false; returns the number of steps run and the
    carried values."""
    false = e.emit(arith.ConstantOp(IntegerAttr(0, i1)))
    types = [IndexType(), i1, *[c.type for c in carried]]
    before = Block(arg_types=types)
    with e.into(before):
        t, stopped, *values = before.args
        going = e.emit(arith.AndIOp(e.cmp(t, n, "slt"),
                                    e.emit(arith.XOrIOp(stopped, e.emit(arith.ConstantOp(IntegerAttr(1, i1)))))))
        e.emit(scf.ConditionOp(going, *before.args))
    after = Block(arg_types=types)
    with e.into(after):
        t, _, *values = after.args
        written, stop = step(t, values)
        stop = convert(e.emit, stop, cond_dtype, "bool")
        e.emit(scf.YieldOp(e.emit(arith.AddiOp(t, e.index(1))), stop, *written))
    loop = scf.WhileOp([e.index(0), false, *carried], types, [before], [after])
    e.emit(loop)
    return loop.results[0], list(loop.results[2:])


def step_count(e: Emitter, node, seq_values: list[SequenceRows]) -> SSAValue:
    """n_steps, checked against the usable length of every sequence, or
    without n_steps the smallest usable length, as an index."""
    info = node.op.info
    n = None
    if node.op.n_steps_given:
        n = to_index(e.emit, e.value(node.inputs[0]))
        e.check(e.cmp(n, e.index(0), "sge"), "ValueError: n_steps of scan must be >= 0, got $0", [n])
    usable_lengths = []
    for seq, var, taps in zip(seq_values, node.inputs[1:], info.seq_taps):
        span = max(max(taps), 0) - min(min(taps), 0)
        usable = e.emit(arith.SubiOp(seq.length, e.index(span)))
        usable = e.emit(arith.MaxSIOp(usable, e.index(0)))
        usable_lengths.append((var, span, usable))
    if n is None:
        for _, _, usable in usable_lengths:
            n = usable if n is None else e.emit(arith.MinSIOp(n, usable))
    for var, span, usable in usable_lengths if node.op.n_steps_given else []:
        taps = f" minus {span} for its taps" if span else ""
        e.check(e.cmp(n, usable, "sle"), f"ValueError: scan: n_steps ($0) is larger than the length "
                f"of sequence {var.label()}{taps} ($1)", [n, usable])
    return n


def empty(e: Emitter, t: TensorType, dims: list[SSAValue]) -> SSAValue:
    return empty_like_dims(e, t, dims)


def init_storage(e: Emitter, k: int, window: int, init: SSAValue, stacked: bool, rows: SSAValue):
    """Storage of `rows` rows for recurrent output k, its first rows holding
    the initial values; returns it and the state's dims."""
    shape = init.type.get_shape() if isinstance(init.type, TensorType) else ()
    elem = sj.element_type(init.type)
    state_shape = shape[1:] if stacked else shape
    state_dims = [e.dim(init, a) for a in range(len(shape))][1 if stacked else 0:]
    storage_type = TensorType(elem, [DYNAMIC_INDEX, *state_shape])
    if stacked:  # before allocating: a huge window must raise this, not MemoryError
        e.check(e.cmp(e.dim(init, 0), e.index(window), "sge"),
                f"ValueError: output {k} of scan needs {window} initial values for its taps, got $0",
                [e.dim(init, 0)])
    storage = empty(e, storage_type, [rows, *state_dims])
    if not stacked:
        return put_row(e, init, storage, e.index(0)), state_dims
    copied = e.loop(e.index(window), [storage],
                    lambda _, j, acc: [put_row(e, take_row(e, init, j), acc[0], j)])
    return copied[0], state_dims


def checked_put_row(e: Emitter, value: SSAValue, dest: SSAValue, row: SSAValue, k: int) -> SSAValue:
    """Write one step's result; its shape must be the row's shape."""
    if isinstance(value.type, TensorType):
        for axis in range(value.type.get_num_dims()):
            if value.type.get_shape()[axis] < 0 or dest.type.get_shape()[axis + 1] < 0:
                given, expected = e.dim(value, axis), e.dim(dest, axis + 1)
                e.check(e.cmp(given, expected, "eq"),
                        f"ValueError: output {k} of scan changes shape between steps: a step gave "
                        f"length $0 on axis {axis}, the output's rows have $1", [given, expected])
    elif value.type != dest.type.element_type:
        raise TypeError(f"output {k} of scan: step result {value.type} != {dest.type.element_type}")
    return put_row(e, value, dest, row)


class EmittedShapes:
    """`infer_shape`'s algebra for emission: lengths are index values emitted
    where the emitter stands (before a loop: from values computed before it)."""

    def __init__(self, e: Emitter, known: dict[int, list] | None = None):
        self.e, self.known = e, dict(known or {})

    def const(self, n: int) -> SSAValue:
        return self.e.index(n)

    def shape_of_value(self, var: Variable) -> list[SSAValue] | None:
        if id(var) not in self.e.values:
            return None
        value = self.e.values[id(var)]
        return [self.e.dim(value, a) for a in range(var.ndim)]

    def available(self, var: Variable) -> bool:
        return id(var) in self.e.values or isinstance(var, Constant)

    def size(self, var: Variable) -> SSAValue:
        """The value of the integer scalar `var`, as a length."""
        if self.available(var):
            return to_index(self.e.emit, self.e.value(var))
        if (size := infer_size(var, self)) is not None:
            return size
        raise NotImplementedError(f"the length {var.label()} changes from step to step: a scan "
                                  "output's shape must be known before the loop")

    def at_least_zero(self, length: SSAValue, minus: int) -> SSAValue:
        e = self.e
        return e.emit(arith.MaxSIOp(e.emit(arith.SubiOp(length, e.index(minus))), e.index(0)))

    def minimum(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.e.emit(arith.MinSIOp(a, b))

    def maximum(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.e.emit(arith.MaxSIOp(a, b))

    def mul(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.e.emit(arith.MuliOp(a, b))

    def select(self, cond: Variable, a: SSAValue, b: SSAValue) -> SSAValue:
        """An ifelse's length: `a` or `b` by `cond`. A condition that changes
        from step to step is not known before the loop: then both branches'
        lengths must agree (checked, NotImplementedError: the rows of a scan's
        output are allocated before it)."""
        e = self.e
        if self.available(cond):
            return e.select(convert(e.emit, e.value(cond), cond.dtype, "bool"), a, b)
        e.check(e.cmp(a, b, "eq"), "NotImplementedError: the branches of an ifelse in a scan step give "
                "lengths $0 and $1 and its condition changes from step to step: the step's output rows "
                "need one length before the loop", [a, b])
        return a

    def add(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.e.emit(arith.AddiOp(a, b))

    def sub(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.e.emit(arith.SubiOp(a, b))

    def div(self, a: SSAValue, b: SSAValue) -> SSAValue:
        """a / b, 0 when b is 0 (a reshape's -1 of a size-0 shape: checked where it is emitted)."""
        e = self.e
        safe = e.select(e.cmp(b, e.index(0), "eq"), e.index(1), b)
        return e.emit(arith.DivUIOp(a, safe))

    def slice_length(self, length: SSAValue, entry, bounds: list[Variable], label: str) -> SSAValue:
        """A slice's length; a bound computed in the step (`x[:y.shape[0]]`,
        the gradient of a nested scan) by its `infer_size` rule."""
        inferred = {id(b): size for b in bounds if not self.available(b)
                    and (size := infer_size(b, self)) is not None}
        if not all(self.available(b) or id(b) in inferred for b in bounds):
            raise NotImplementedError(f"slice bounds of {label} change from step to step: a scan "
                                      "output's shape must be known before the loop")
        values = self.e.values
        saved = dict(values)
        values.update({k: from_index(self.e.emit, size) for k, size in inferred.items()})
        try:
            return slice_range(self.e, length, entry, bounds, label)[2]
        finally:
            values.clear()
            values.update(saved)

    def arange_length(self, start: Variable, stop: Variable, step: Variable) -> SSAValue:
        """The length of an integer arange whose bounds are known before the loop."""
        from_i64 = [from_index(self.e.emit, self.size(v)) for v in (start, stop, step)]
        return arange_count(self.e, *from_i64, "int64")

    def inner(self, known: dict[int, list]) -> EmittedShapes:
        return EmittedShapes(self.e, {**self.known, **known})
