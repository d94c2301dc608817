"""`scanjit.scan`: PyTensor's scan front end.

The step function is called once on placeholders; the returned graph, its
taps and its updates are recorded in a ScanOp node. A shared tensor the step
updates (`return out, {count: count + 1}`) becomes one more recurrent state,
read by the step as `count` and returned as the scan's update of it.

Random generators advance in place, so a generator in `outputs_info` (PyTensor
3's `outputs_info=[rng, None]`, the step returning `next_rng, draw`) is
given to the step as itself, and the scan returns it advanced, as it returns
the generators of the step's updates; a shared variable the step function
made with a default update (a RandomStream's generator) is updated so too,
and loses its default update, as in PyTensor."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from scanjit.graph import Constant, MissingInputError, Variable, branches, graph_inputs, next_serial, toposort
from scanjit.scan.checkpointing import Checkpointing
from scanjit.scan.intermediates import costly_intermediates
from scanjit.scan.op import ScanInfo, ScanOp, outer_inputs
from scanjit.scan.utils import OrderedUpdates, until
from scanjit.shared import SharedVariable
from scanjit.tensor.basic import as_tensor_variable, constant
from scanjit.tensor.elemwise import cast
from scanjit.tensor.random.op import RandomVariable, is_rng


def _as_list(x) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, list | tuple) else [x]


def _placeholder(like: Variable, drop_leading: bool, name: str) -> Variable:
    shape = like.type.shape[1:] if drop_leading else like.type.shape
    return type(like.type)(like.dtype, shape)(name)


def _taps(taps, what: str) -> list[int]:
    """Taps as a list of distinct ints (a single int is accepted as PyTensor does)."""
    taps = [taps] if isinstance(taps, int | np.integer) else taps
    if not isinstance(taps, list | tuple) or not taps or \
            not all(isinstance(t, int | np.integer) and not isinstance(t, bool) for t in taps):
        raise ValueError(f"taps of {what} must be a non-empty list of integers, got {taps!r}")
    if len(set(taps)) != len(taps):
        raise ValueError(f"taps of {what} repeat a tap: {list(taps)}")
    return [int(t) for t in taps]


def _is_updates(item) -> bool:
    return isinstance(item, dict) or (isinstance(item, list | tuple) and bool(item) and all(
        isinstance(pair, list | tuple) and len(pair) == 2 and isinstance(pair[0], SharedVariable)
        for pair in item))


def _split_step_return(ret):
    """PyTensor's step return forms, in this order: outputs (a variable or a
    list of them), updates (a dict or a list of (shared, new value) pairs),
    an `until` -> (outputs, updates, until condition)."""
    parts = isinstance(ret, list | tuple) and not _is_updates(ret) and \
        any(_is_updates(item) or isinstance(item, until) for item in ret)
    items = list(ret) if parts else [ret]
    outputs, updates, stop = [], {}, None
    for item in items:
        if isinstance(item, until):
            stop = item.condition
        elif _is_updates(item):
            pairs = item.items() if isinstance(item, dict) else item
            for shared, new in pairs:
                if not isinstance(shared, SharedVariable):
                    raise ValueError(f"the step function's updates must map shared variables to "
                                     f"their new values; got the key {shared!r}")
                if shared in updates:
                    raise ValueError(f"the step function updates {shared.label()} twice")
                updates[shared] = new
        elif stop is not None or updates:
            raise ValueError("the step function must return its outputs first, then its updates, "
                             f"then an until condition; got {ret!r}")
        else:
            outputs += list(item) if isinstance(item, list | tuple) else [item]
    try:
        outputs = [as_tensor_variable(o) for o in outputs]
    except (TypeError, ValueError, NotImplementedError) as exc:
        raise ValueError(f"the step function must return tensors, updates and an until; "
                         f"got {ret!r} ({exc})") from None
    return outputs, updates, stop


def _shared_updates(updates: dict) -> tuple[dict, list[tuple[SharedVariable, Variable]]]:
    """The step's updates: random generators (advanced in place) and shared
    tensors (carried as states), each new value checked against its variable."""
    generators, tensors = {}, []
    for shared, new in updates.items():
        if shared.dtype == "rng":
            if not isinstance(new, Variable) or new.dtype != "rng":
                raise ValueError(f"the update of the generator {shared.label()} must be the next "
                                 f"generator of a draw from it, got {new!r}")
            generators[shared] = new
            continue
        try:
            new = as_tensor_variable(new)
        except (TypeError, ValueError, NotImplementedError):
            raise ValueError(f"the step function's update of {shared.label()} must be a tensor, "
                             f"got {new!r}") from None
        if (new.dtype, new.ndim) != (shared.dtype, shared.ndim):
            raise TypeError(f"the step function's update of {shared.label()} is {new.type}, "
                            f"but the shared variable is {shared.type}")
        tensors.append((shared, new))
    return generators, tensors


def scan(fn: Callable, sequences=None, outputs_info=None, non_sequences=None, n_steps=None,
         truncate_gradient=-1, go_backwards=False, mode=None, name=None, profile=False,
         allow_gc=None, strict=False, return_list=False, return_updates=True, checkpoint=False):
    """Loop `fn` over `sequences`, carrying the states described by
    `outputs_info`; see docs/scan.md for every parameter. `checkpoint=True`
    (or a segment length): its gradient stores only segment boundaries
    (scan/checkpointing.py)."""
    placeholders: list[Variable] = []
    seqs, seq_taps = [], []
    for k, entry in enumerate(_as_list(sequences)):
        var, taps = (entry["input"], _taps(entry.get("taps", [0]), f"sequence {k}")) \
            if isinstance(entry, dict) else (entry, [0])
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
    rng_states: dict[int, Variable] = {}  # output -> its initial generator
    for k, entry in enumerate(infos or []):
        init, taps = (entry.get("initial"), entry.get("taps", [-1])) if isinstance(entry, dict) \
            else (entry, [-1])
        if init is None:
            state_taps.append(None)
            continue
        if is_rng(init):  # the step draws from the generator itself (it advances in place)
            if taps != [-1]:
                raise ValueError(f"output {k} is a random generator, which takes no taps; got {taps}")
            rng_states[k] = init
            state_taps.append(None)
            placeholders.append(init)
            continue
        taps = _taps(taps, f"output {k}")
        if any(t >= 0 for t in taps):
            raise ValueError(f"taps of output {k} must be negative, got {taps}")
        init = as_tensor_variable(init)
        stacked = taps != [-1]  # as in PyTensor, taps [-1] take the state itself
        if stacked:
            _check_initial_rows(init, -min(taps), k)
        state_taps.append(taps)
        initials.append(init)
        base = init.name or f"out{k}"
        placeholders += [_placeholder(init, stacked, f"{base}[t{tap}]") for tap in taps]

    non_seqs = [as_tensor_variable(v) for v in _as_list(non_sequences)]
    first_serial = next_serial()
    ret = fn(*placeholders, *non_seqs)
    placeholders = [p for p in placeholders if not is_rng(p)]
    outputs, updates, stop = _split_step_return(ret)
    if not infos:  # None or []: every output is a per-step output
        state_taps = [None] * len(outputs)
    if len(state_taps) != len(outputs):
        raise ValueError(f"outputs_info has {len(state_taps)} entries but the step function "
                         f"returns {len(outputs)} outputs")
    _take_default_updates(outputs + list(updates.values()) + [stop], updates, first_serial)
    if strict:
        _check_strict(outputs + list(updates.values()) + [stop], updates, non_seqs)
    carried_rngs = _generator_states(rng_states, outputs)
    outputs = [out for k, out in enumerate(outputs) if k not in rng_states]
    state_taps = [taps for k, taps in enumerate(state_taps) if k not in rng_states]
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
            raise ValueError(f"output {k} of the step is {out.dtype} but its initial state "
                             f"{init.label()} is {init.dtype}; cast one of them (as in PyTensor, "
                             "the step may not change the state's dtype)")
    generators, carried = _shared_updates(updates)
    step_updates = list(generators)
    for init, new in carried_rngs.items():
        if init in generators:
            raise ValueError(f"the step function updates the generator {init.label()} twice")
        generators[init] = new
    n_outputs = len(outputs)
    for shared, new in carried:  # one more state each, read through the shared variable itself
        outputs.append(new)
        state_taps.append([-1])
        initials.append(shared)
        placeholders.append(shared)

    intermediates = costly_intermediates(outputs, placeholders, first_serial)
    draws = _step_draws(outputs, [*outputs, *([stop] if isinstance(stop, Variable) else []), *generators.values()],
                        first_serial)
    outputs += intermediates + draws
    state_taps += [None] * (len(intermediates) + len(draws))

    if n_steps is None:
        if not seqs:
            raise ValueError("scan needs sequences or n_steps to know how many steps to run")
        n_steps_var = constant(-1, dtype="int64")
    else:
        n_steps_var = as_tensor_variable(n_steps)
        if n_steps_var.ndim != 0 or not n_steps_var.dtype.startswith("int"):
            raise TypeError(f"n_steps must be an integer scalar, got {n_steps_var.type}")
        if isinstance(n_steps_var, Constant) and int(n_steps_var.data) < 0:
            raise ValueError(f"n_steps must be >= 0, got {int(n_steps_var.data)}")
    if stop is not None:
        stop = as_tensor_variable(stop)
        if stop.ndim != 0:
            raise ValueError("the until condition must be a scalar")

    if not isinstance(truncate_gradient, int | np.integer) or isinstance(truncate_gradient, bool):
        raise TypeError(f"truncate_gradient must be an integer (-1: no truncation), got {truncate_gradient!r}")
    if truncate_gradient < -1:
        raise ValueError(f"truncate_gradient must be -1 (no truncation) or >= 0, got {truncate_gradient}")
    info = ScanInfo(seq_taps, state_taps, placeholders, outputs, stop, go_backwards, generators,
                    first_serial, int(truncate_gradient), len(draws), len(intermediates))
    checkpointing = Checkpointing(info, checkpoint, scan) if checkpoint is not False else None
    node_op = ScanOp(info, len(seqs), n_steps is not None, checkpointing)
    node = node_op.make_node(cast(n_steps_var, "int64"), seqs, initials, outer_inputs(info))
    stacked = node.outputs[:n_outputs]
    advanced = dict(zip(generators, node_op.generator_outputs(node)))
    new_updates = OrderedUpdates((shared, advanced[shared]) for shared in step_updates)
    finals = node_op.final_outputs(node)
    for (shared, _), final in zip(carried, finals[len(finals) - len(carried):]):
        new_updates[shared] = final
    if name:
        for k, var in enumerate(stacked):
            var.name = f"{name}.out{k}"
    results = list(stacked)
    for k, init in sorted(rng_states.items()):  # in their places among the outputs
        results.insert(k, advanced[init])
    out = results[0] if len(results) == 1 and not return_list else results or None
    if not return_updates:
        if new_updates:
            raise ValueError(f"return_updates=False but Scan produced updates {dict(new_updates)}. Make sure "
                             "to use outputs_info to handle all recurrent states, and not rely on shared "
                             "variable updates.")
        return out
    warnings.warn("Scan return signature will change. Updates dict will not be returned, only the first "
                  "argument. Pass `return_updates=False` to conform to the new API and avoid this warning",
                  DeprecationWarning, stacklevel=2)
    return out, new_updates


def _step_draws(outputs: list[Variable], roots: list[Variable], first_serial: int) -> list[Variable]:
    """The random draws the step makes at every step that its outputs read,
    its nested scans' stored draws included: the scan stores them as per-step
    outputs (when read, that is by its gradient), so that the gradient uses
    the forward's draws (scan/replay.py). A draw that only a branch of an
    ifelse reads still runs at every step when the generator's update (among
    the step's `roots`) reads it, as a RandomStream's does."""
    unconditional = {id(node) for node in branches(toposort(roots), roots).get((), [])}
    found = []
    for node in toposort(outputs):
        if node.serial >= first_serial and id(node) in unconditional:
            if isinstance(node.op, RandomVariable):
                found.append(node.outputs[1])
            elif isinstance(node.op, ScanOp):
                found += node.op.draw_outputs(node)
    return found


def _check_strict(roots: list, updates: dict, non_seqs: list[Variable]) -> None:
    """PyTensor's strict=True: the step may read a shared variable it does
    not update only through non_sequences (whose graphs it does not read)."""
    for var in graph_inputs([r for r in roots if isinstance(r, Variable)], non_seqs):
        if isinstance(var, SharedVariable) and var not in updates:
            raise MissingInputError(var, "the scan (strict=True: pass it in non_sequences)")


def _check_initial_rows(init: Variable, window: int, k: int) -> None:
    """Taps reaching `window` steps back need `window` initial rows."""
    if init.ndim == 0:
        raise ValueError(f"initial of output {k} needs a leading axis holding {window} values")
    if init.type.shape[0] is not None and init.type.shape[0] < window:
        raise ValueError(f"output {k} of scan needs {window} initial values for its taps, "
                         f"but its initial value {init.label()} has {init.type.shape[0]}")


def _take_default_updates(roots: list, updates: dict, first_serial: int) -> None:
    """PyTensor's rule: a shared variable the step function made (a
    RandomStream's generator) with a default update is updated by the scan,
    and loses its default update, which is part of the step."""
    for var in graph_inputs([r for r in roots if isinstance(r, Variable)]):
        if isinstance(var, SharedVariable) and var.serial >= first_serial and \
                var.default_update is not None and var not in updates:
            updates[var], var.default_update = var.default_update, None


def _generator_states(states: dict[int, Variable], outputs: list[Variable]) -> dict[Variable, Variable]:
    """{initial generator: the step's output for it}, which must be that
    generator after the step's draws from it."""
    found = {}
    for k, init in states.items():
        out = outputs[k]
        if not is_rng(out) or not _drawn_from(out, init):
            raise ValueError(f"output {k} of the step must be the random generator {init.label()} "
                             f"after the step's draws from it (their next rng), got {out!r}")
        if init in found:
            raise ValueError(f"outputs_info carries the generator {init.label()} twice")
        found[init] = out
    return found


def _drawn_from(var: Variable, generator: Variable) -> bool:
    """Whether `var` is `generator` after draws (or scans) from it."""
    while var is not generator and var.owner is not None:
        node = var.owner
        if isinstance(node.op, ScanOp):
            var = next(g for g, out in zip(node.op.info.updates, node.op.generator_outputs(node))
                       if out is var)
        else:  # a draw: (next_rng, sample) from (rng, ...)
            var = node.inputs[0]
    return var is generator
