"""`scanjit.scan`: PyTensor's scan front end.

The step function is called once on placeholders; the returned graph, its
taps and its updates are recorded in a ScanOp node."""

from __future__ import annotations

from collections.abc import Callable

from scanjit.graph import Variable, next_serial
from scanjit.scan.op import ScanInfo, ScanOp, outer_inputs
from scanjit.scan.utils import OrderedUpdates, until
from scanjit.tensor.basic import as_tensor_variable, cast, constant


def _as_list(x) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, list | tuple) else [x]


def _placeholder(like: Variable, drop_leading: bool, name: str) -> Variable:
    shape = like.type.shape[1:] if drop_leading else like.type.shape
    return type(like.type)(like.dtype, shape)(name)


def _split_step_return(ret):
    """PyTensor's step return forms -> (outputs, updates, until)."""
    items = list(ret) if isinstance(ret, list | tuple) else [ret]
    updates = {}
    stop = None
    outputs = []
    for item in items:
        if isinstance(item, dict):
            updates.update(item)
        elif isinstance(item, until):
            stop = item.condition
        else:
            outputs.append(item)
    if len(outputs) == 1 and isinstance(outputs[0], list | tuple) and len(items) > 1:
        outputs = list(outputs[0])
    return [as_tensor_variable(o) for o in outputs], updates, stop


def scan(fn: Callable, sequences=None, outputs_info=None, non_sequences=None, n_steps=None,
         truncate_gradient=-1, go_backwards=False, mode=None, name=None, profile=False,
         allow_gc=None, strict=False, return_list=False, return_updates=True):
    """Loop `fn` over `sequences`, carrying the states described by
    `outputs_info`; see docs/scan.md for every parameter."""
    placeholders: list[Variable] = []
    seqs, seq_taps = [], []
    for k, entry in enumerate(_as_list(sequences)):
        var, taps = (entry["input"], list(entry.get("taps", [0]))) if isinstance(entry, dict) \
            else (entry, [0])
        var = as_tensor_variable(var)
        if var.ndim == 0:
            raise ValueError(f"sequence {var.label()} is 0-d: there is nothing to iterate over")
        seqs.append(var)
        seq_taps.append(taps)
        base = var.name or f"seq{k}"
        placeholders += [_placeholder(var, True, f"{base}[t{tap:+d}]" if tap else f"{base}[t]")
                         for tap in taps]

    infos = _as_list(outputs_info) if outputs_info is not None else None
    state_taps: list[list[int] | None] = []
    initials: list[Variable] = []
    for k, entry in enumerate(infos or []):
        init, taps = (entry.get("initial"), entry.get("taps", [-1])) if isinstance(entry, dict) \
            else (entry, [-1])
        if init is None:
            state_taps.append(None)
            continue
        taps = list(taps)
        if not taps or any(t >= 0 for t in taps):
            raise ValueError(f"taps of output {k} must be negative integers, got {taps}")
        init = as_tensor_variable(init)
        stacked = taps != [-1]  # as in PyTensor, taps [-1] take the state itself
        if stacked and init.ndim == 0:
            raise ValueError(f"initial of output {k} needs a leading axis holding {-min(taps)} values")
        state_taps.append(taps)
        initials.append(init)
        base = init.name or f"out{k}"
        placeholders += [_placeholder(init, stacked, f"{base}[t{tap}]") for tap in taps]

    non_seqs = [as_tensor_variable(v) for v in _as_list(non_sequences)]
    first_serial = next_serial()
    ret = fn(*placeholders, *non_seqs)
    outputs, updates, stop = _split_step_return(ret)
    if infos is None:
        state_taps = [None] * len(outputs)
    if len(state_taps) != len(outputs):
        raise ValueError(f"outputs_info has {len(state_taps)} entries but the step function "
                         f"returns {len(outputs)} outputs")
    init_iter = iter(initials)
    for k, (taps, out) in enumerate(zip(state_taps, outputs)):
        if taps is None:
            continue
        init = next(init_iter)
        state_ndim = init.ndim - (0 if taps == [-1] else 1)
        if out.ndim != state_ndim:
            raise ValueError(f"output {k} of the step has {out.ndim} dimensions but its initial "
                             f"state {init.label()} has {state_ndim}")
        if out.dtype != init.dtype:
            raise TypeError(f"output {k} of the step is {out.dtype} but its initial state "
                            f"{init.label()} is {init.dtype}; cast one of them")

    if n_steps is None:
        if not seqs:
            raise ValueError("scan needs sequences or n_steps to know how many steps to run")
        n_steps_var = constant(-1, dtype="int64")
    else:
        n_steps_var = as_tensor_variable(n_steps)
        if n_steps_var.ndim != 0 or not n_steps_var.dtype.startswith("int"):
            raise TypeError(f"n_steps must be an integer scalar, got {n_steps_var.type}")
        if not isinstance(n_steps, Variable) and int(n_steps) < 0:
            raise ValueError(f"n_steps must be >= 0, got {n_steps}")
    if stop is not None:
        stop = as_tensor_variable(stop)
        if stop.ndim != 0:
            raise ValueError("the until condition must be a scalar")

    info = ScanInfo(seq_taps, state_taps, placeholders, outputs, stop, go_backwards, dict(updates),
                    first_serial)
    outer = outer_inputs(info)
    node_op = ScanOp(info, len(seqs), n_steps is not None)
    results = node_op.make_node(cast(n_steps_var, "int64"), seqs, initials, outer).outputs
    stacked = results[:len(outputs)]
    new_updates = OrderedUpdates(zip(updates, results[len(outputs):]))
    if name:
        for k, var in enumerate(stacked):
            var.name = f"{name}.out{k}"
    out = stacked[0] if len(stacked) == 1 and not return_list else stacked
    return (out, new_updates) if return_updates else out

