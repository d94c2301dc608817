"""Emission of a Scan node as an `scf.for` whose `iter_args` carry, per
recurrent output, a storage tensor holding its initial values followed by one
row per step (taps read rows behind the one being written), and per per-step
output the preallocated stacked tensor."""

from __future__ import annotations

from xdsl.dialects import arith, scf, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, IndexType, TensorType
from xdsl.ir import Block, SSAValue

from scanjit.dialects import sj
from scanjit.emit import Emitter, put_row, take_row
from scanjit.emit_scalar import ir_type, to_index
from scanjit.graph import Variable
from scanjit.scan.op import ScanOp
from scanjit.tensor import basic as tb


def emit_scan(e: Emitter, node) -> list[SSAValue]:
    op: ScanOp = node.op
    info = op.info
    if info.until is not None:
        raise NotImplementedError("Scan with until is not supported yet")
    for shared_var in info.updates:
        if shared_var.dtype != "rng":
            raise NotImplementedError(f"Scan updating the shared tensor {shared_var.label()}")
    seqs = node.inputs[1:1 + op.n_seqs]
    recurrent = [k for k, taps in enumerate(info.output_taps) if taps is not None]
    inits = node.inputs[1 + op.n_seqs:1 + op.n_seqs + len(recurrent)]
    seq_values = [e.value(s) for s in seqs]
    n = step_count(e, node, seq_values)

    placeholder_dims: dict[int, list[SSAValue]] = {}
    places = iter(info.placeholders)
    for seq, taps in zip(seq_values, info.seq_taps):
        for _ in taps:
            placeholder_dims[id(next(places))] = [e.dim(seq, a) for a in range(1, seq.type.get_num_dims())]

    storages = []
    for k, init_var in zip(recurrent, inits):
        storage, state_dims = init_storage(e, k, info.window(k), e.value(init_var),
                                           info.output_taps[k] != [-1], n)
        storages.append(storage)
        for _ in info.output_taps[k]:
            placeholder_dims[id(next(places))] = state_dims
    per_step = [k for k, taps in enumerate(info.output_taps) if taps is None]
    stacks = []
    for k in per_step:
        out = info.inner_outputs[k]
        dims = infer_dims(e, out, placeholder_dims)
        stacks.append(empty(e, ir_type(node.outputs[k].type), [n, *dims]))

    body = Block(arg_types=[IndexType(), *[v.type for v in storages + stacks]])
    t, *carried = body.args
    with e.in_region(body):
        places = iter(info.placeholders)
        lows = [min(min(taps), 0) for taps in info.seq_taps]
        for seq, taps, low in zip(seq_values, info.seq_taps, lows):
            length = e.dim(seq, 0)
            for tap in taps:
                row = e.emit(arith.AddiOp(t, e.index(tap - low)))
                if info.go_backwards:
                    row = e.emit(arith.SubiOp(e.emit(arith.SubiOp(length, e.index(1))), row))
                e.values[id(next(places))] = take_row(e, seq, row)
        for k, storage in zip(recurrent, carried):
            for tap in info.output_taps[k]:
                row = e.emit(arith.AddiOp(t, e.index(info.window(k) + tap)))
                e.values[id(next(places))] = take_row(e, storage, row)
        results = e.emit_graph(info.inner_outputs + list(info.updates.values()))
        new_storages = [
            checked_put_row(e, results[k], storage, e.emit(arith.AddiOp(t, e.index(info.window(k)))), k)
            for k, storage in zip(recurrent, carried)]
        new_stacks = [checked_put_row(e, results[k], stack, t, k)
                      for k, stack in zip(per_step, carried[len(storages):])]
        e.emit(scf.YieldOp(*new_storages, *new_stacks))
    loop = e.emit(scf.ForOp(e.index(0), n, e.index(1), storages + stacks, body))
    finals = list(loop.results) if len(storages + stacks) != 1 else [loop]
    outputs: list[SSAValue | None] = [None] * len(info.output_taps)
    for k, storage in zip(recurrent, finals):
        window = info.window(k)
        outputs[k] = e.emit(sj.SliceOp(storage, e.index(window), e.index(1), n,
                                       ir_type(node.outputs[k].type)))
    for k, stack in zip(per_step, finals[len(storages):]):
        outputs[k] = stack
    # Generators advance in place: after the loop, each is its own new value.
    return outputs + [e.value(shared_var) for shared_var in info.updates]


def step_count(e: Emitter, node, seq_values: list[SSAValue]) -> SSAValue:
    """min(n_steps, usable length of every sequence), as an index."""
    info = node.op.info
    n = None
    if node.op.n_steps_given:
        n = to_index(e.emit, e.value(node.inputs[0]))
        e.check(e.cmp(n, e.index(0), "sge"), "ValueError: n_steps of scan must be >= 0")
    for seq, var, taps in zip(seq_values, node.inputs[1:], info.seq_taps):
        span = max(max(taps), 0) - min(min(taps), 0)
        usable = e.emit(arith.SubiOp(e.dim(seq, 0), e.index(span)))
        usable = e.emit(arith.MaxSIOp(usable, e.index(0)))
        n = usable if n is None else e.emit(arith.MinSIOp(n, usable))
    return n


def empty(e: Emitter, t: TensorType, dims: list[SSAValue]) -> SSAValue:
    dynamic = [d for d, s in zip(dims, t.get_shape()) if s < 0]
    return e.emit(tensor.EmptyOp(dynamic, t))


def init_storage(e: Emitter, k: int, window: int, init: SSAValue, stacked: bool, n: SSAValue):
    """Storage of `window + n` rows for recurrent output k, its first rows
    holding the initial values; returns it and the state's dims."""
    shape = init.type.get_shape() if isinstance(init.type, TensorType) else ()
    elem = sj.element_type(init.type)
    state_shape = shape[1:] if stacked else shape
    state_dims = [e.dim(init, a) for a in range(len(shape))][1 if stacked else 0:]
    storage_type = TensorType(elem, [DYNAMIC_INDEX, *state_shape])
    storage = empty(e, storage_type, [e.emit(arith.AddiOp(n, e.index(window))), *state_dims])
    if not stacked:
        return put_row(e, init, storage, e.index(0)), state_dims
    e.check(e.cmp(e.dim(init, 0), e.index(window), "sge"),
            f"ValueError: output {k} of scan needs {window} initial values for its taps")
    copied = e.loop(e.index(window), [storage],
                    lambda j, acc: [put_row(e, take_row(e, init, j), acc[0], j)])
    return copied[0], state_dims


def checked_put_row(e: Emitter, value: SSAValue, dest: SSAValue, row: SSAValue, k: int) -> SSAValue:
    """Write one step's result; its shape must be the row's shape."""
    if isinstance(value.type, TensorType):
        for axis in range(value.type.get_num_dims()):
            if value.type.get_shape()[axis] < 0 or dest.type.get_shape()[axis + 1] < 0:
                e.check(e.cmp(e.dim(value, axis), e.dim(dest, axis + 1), "eq"),
                        f"ValueError: output {k} of scan changes shape between steps")
    elif value.type != dest.type.element_type:
        raise TypeError(f"output {k} of scan: step result {value.type} != {dest.type.element_type}")
    return put_row(e, value, dest, row)


def infer_dims(e: Emitter, var: Variable, known: dict[int, list[SSAValue]]) -> list[SSAValue]:
    """Dims of a body variable computed before the loop, from the dims of the
    placeholders and of loop-invariant values."""
    static = var.type.shape
    if all(s is not None for s in static):
        return [e.index(s) for s in static]
    if id(var) in known:
        return known[id(var)]
    if id(var) in e.values:
        value = e.values[id(var)]
        return [e.dim(value, a) for a in range(var.ndim)]
    node = var.owner
    op = node.op if node is not None else None
    inputs = [] if node is None else [infer_dims(e, i, known) if i.ndim else [] for i in node.inputs]
    if isinstance(op, tb.Elemwise):
        dims = []
        for axis in range(var.ndim):
            choices = [d[axis - (var.ndim - i.ndim)] for d, i in zip(inputs, node.inputs)
                       if axis - (var.ndim - i.ndim) >= 0 and i.type.shape[axis - (var.ndim - i.ndim)] != 1]
            dims.append(choices[0] if choices else e.index(1))
        result = dims
    elif isinstance(op, tb.Reduce):
        result = [d for a, d in enumerate(inputs[0]) if a not in op.axes]
    elif isinstance(op, tb.Argmax):
        result = [d for a, d in enumerate(inputs[0]) if a != op.axis]
    elif isinstance(op, tb.Dot):
        result = inputs[0][:-1] + inputs[1][1:]
    elif isinstance(op, tb.Index):
        result = inputs[0][1:]
    else:
        raise NotImplementedError(
            f"the shape of scan output {var} ({op}) cannot be known before the loop")
    known[id(var)] = result
    return [e.index(s) if s is not None else d for s, d in zip(static, result)]
