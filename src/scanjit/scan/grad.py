"""The gradient of a scan: a scan running backwards over the steps (BPTT).

Forward, step t reads its sequences' rows and, per state, rows of its
storage S (the `window` initial values, then one row per step: tap -j reads
S[t + window - j]) and writes S[t + window] and its per-step outputs y[t].
Backward, the scan below runs over t = T - 1, ..., start (its sequences are
the forward's rows read in reverse, the stored states' taps included). Per
state it carries the pending adjoints dcost/dS of the `window` rows that
steps after t read, S[t + 1 .. t + window] (a sit_sot: the one row itself):
the last, the row step t wrote, is complete once the gradient of the
stacked row t is added, and seeds the backpropagation through the step's
graph (rebuilt on its own placeholders). That gives each tap's adjoint, added to the rows it read
(the window shifts one row down), the sequences' row gradients (per-step
outputs, flipped back afterwards) and the loop invariants' gradients,
which it sums over the steps as states. After the last step the window
holds the initial values' gradients. scan/grad_lean.py keeps the step
lean: it reads the step outputs and costly intermediates (scan/intermediates.py)
the forward stored rather than computing them again, and sums the invariants' gradients that are outer products
(dW = Σ_t outer(x_t, dz_t)) or small after the loop, as one product.

T is the steps taken (fewer than n_steps with until); start is 0, or
max(T - truncate_gradient, 0) when truncated: as PyTensor, only the last steps are
backpropagated through, and an initial value's gradient has only what those
steps read of it.

Handled: sequences (any taps), states (any taps), per-step outputs, loop
invariants (non_sequences, closures, shared variables), go_backwards,
until, truncate_gradient, n_steps (symbolic, 0 included), random draws
(the scan stores the step's draws as per-step outputs, which the backward
reads: a draw's parameters get no gradient through it), at any depth of
nested scans (each stores its nested scans' draws too, and the backward
step replays them from those: scan/replay.py). A draw in an ifelse's
branch, or in a nested scan with until, raises NotImplementedError."""

from __future__ import annotations

import dataclasses

from scanjit.dtypes import is_float
from scanjit.graph import Constant, Variable, graph_inputs, next_serial, toposort
from scanjit.scan.grad_lean import like, pushed_sums, read_stored_outputs, summed_outer
from scanjit.scan.replay import ragged_draws, without_draws
from scanjit.tensor.basic import constant
from scanjit.tensor.elemwise import Elemwise, add, eq, minimum, second, switch
from scanjit.tensor.gradient import backprop
from scanjit.tensor.join import concatenate, stack
from scanjit.tensor.shape import DimShuffle, Shape, expand_dims
from scanjit.tensor.subtensor import flip, inc_subtensor


def _zeros(x: Variable) -> Variable:
    return second(x, constant(0, dtype=x.dtype))


def _rows(x: Variable, start, count) -> Variable:
    """x[start:start + count]."""
    return x[start:start + count]


def scan_grad(op, inputs: list[Variable], outputs: list[Variable], output_grads: list, wanted: set[int]) -> list:
    """The gradients of the inputs of the ScanOp `op`'s node (see ScanOp):
    of those numbered `wanted`, None for the others (the backward loop
    computes neither a sequence's rows nor an invariant's sum that nobody
    reads: a matrix product is a BLAS call, which later passes keep)."""
    info = op.info
    if why := ragged_draws(info, type(op)):
        raise NotImplementedError(f"the gradient of a scan whose step runs a scan that draws random numbers and "
                                  f"{why} (its draws, stored per step, change length)")
    n_seqs, recurrent = op.n_seqs, info.recurrent
    seqs = inputs[1:1 + n_seqs]
    initials = inputs[1 + n_seqs:1 + n_seqs + len(recurrent)]
    outer = inputs[1 + n_seqs + len(recurrent):]
    n_all = len(info.inner_outputs)
    stacked_grads, final_grads = output_grads[:n_all], output_grads[n_all:n_all + len(recurrent)]
    steps = Shape(0)(outputs[0])  # taken (until may stop early)
    truncated = info.truncate_gradient != -1
    count = minimum(steps, info.truncate_gradient) if truncated else steps  # backward steps
    start = steps - count if truncated else 0

    # The backward scan's sequences (in reverse) and the placeholders standing for their rows.
    back_seqs, rows = [], {}  # rows: forward placeholder -> backward placeholder
    places = iter(info.placeholders)
    seq_reads = []  # per sequence: (its base, [(offset, placeholder)])
    for seq, taps in zip(seqs, info.seq_taps):
        base = flip(seq, 0) if info.go_backwards else seq
        low, high = min(min(taps), 0), max(max(taps), 0)
        reads = []
        for tap in taps:
            place = next(places)
            offset = high - tap if info.go_backwards else tap - low
            back_seqs.append(_rows(base, start + offset, count))
            rows[place] = like(place, place.name)
            reads.append((offset, rows[place]))
        seq_reads.append((base, reads))
    state_reads = []  # per state: one placeholder per tap
    for k, init in zip(recurrent, initials):
        window, taps = info.window(k), info.output_taps[k]
        first = expand_dims(init, 0) if taps == [-1] else init[:window]
        storage = concatenate([first, outputs[k]])
        reads = []
        for tap in taps:
            place = next(places)
            back_seqs.append(_rows(storage, start + window + tap, count))
            rows[place] = like(place, place.name)
            reads.append(rows[place])
        state_reads.append(reads)
    n_out = len(info.inner_outputs) - info.draws  # the outputs, the stored intermediates among them
    for k in range(n_out, len(info.inner_outputs)):  # the forward's draws, read back
        back_seqs.append(_rows(outputs[k], start, count))
        rows[info.inner_outputs[k]] = like(info.inner_outputs[k], f"draw{k - n_out}[t]")
    first_serial = next_serial()
    body = without_draws(info.inner_outputs[:n_out], list(rows.items()), type(op), info.first_serial)

    seeds, grad_places, carried_inits, carried_places = {}, [], [], []
    for k, (out, g) in enumerate(zip(body, stacked_grads)):
        if g is None:
            continue
        if (fill := _filled(g)) is not None:  # a sum's gradient: the step's row is the constant, not a sequence
            seed = second(out, fill)
        else:
            back_seqs.append(_rows(g, start, count))
            grad_places.append(seed := like(out, f"d{out.name or f'out{k}'}[t]"))
        seeds[out] = add(seeds[out], seed) if out in seeds else seed  # aliased outputs add
    floats = [k for k, init in enumerate(initials) if is_float(init.dtype)]  # integer states: no gradient
    pending = []  # per float state: the placeholders of its pending rows' adjoints
    for k in floats:
        inits, places = _pending_adjoints(initials[k], final_grads[k], info.window(recurrent[k]),
                                          info.output_taps[recurrent[k]] == [-1], f"state{k}")
        carried_inits += inits
        carried_places += places
        pending.append(places)
        out = body[recurrent[k]]
        seeds[out] = add(seeds[out], places[-1]) if out in seeds else places[-1]
    if not seeds:
        return [None] * len(inputs)
    seq_places = [place for _, reads in seq_reads for _, place in reads]
    tap_places = [place for k in floats for place in state_reads[k]]
    found = backprop(seeds, seq_places + tap_places + outer)
    seq_grads, tap_grads = found[:len(seq_places)], iter(found[len(seq_places):len(seq_places) + len(tap_places)])
    first_outer = len(inputs) - len(outer)
    used = connected_inputs(info, inputs, stacked_grads, final_grads)
    seq_used, state_used = used[1:1 + n_seqs], used[1 + n_seqs:first_outer]
    outer_used = [first_outer + k in wanted and ok for k, ok in enumerate(used[first_outer:])]
    outer_grads = [g if is_float(v.dtype) and ok else None
                   for g, v, ok in zip(found[len(seq_places) + len(tap_places):], outer, outer_used)]

    new_states = [row for k, places in zip(floats, pending)
                  for row in _shifted_adjoints(places, info.output_taps[recurrent[k]], tap_grads)]
    n_pending = len(new_states)
    sequence_places = list(rows.values()) + grad_places
    pushed, factors = pushed_sums(outer_grads, type(op), info.first_serial)
    summed = [k for k, g in enumerate(outer_grads) if g is not None and k not in pushed]
    for k in summed:
        carried_places.append(like(outer[k], f"d{outer[k].name or 'outer'}"))
        carried_inits.append(_zeros(outer[k]))
        new_states.append(add(carried_places[-1], outer_grads[k]))
    place_wanted = [1 + i in wanted and seq_used[i] and is_float(seqs[i].dtype)
                    for i, (_, reads) in enumerate(seq_reads) for _ in reads]
    per_step = [g if g is not None else _zeros(p) for g, p, w in zip(seq_grads, seq_places, place_wanted) if w]
    sequence_of = dict(zip(map(id, sequence_places), back_seqs))  # a factor that is a row read: its sequence
    stored_factors = [f for f in factors if id(f) not in sequence_of]
    roots, stored = read_stored_outputs(new_states + per_step + stored_factors, body, info.intermediates,
                                        list(rows.values()))
    read = {id(v) for v in graph_inputs(roots)}  # the sequences the backward step reads
    read_seqs = [(seq, place) for seq, place in zip(back_seqs, sequence_places) if id(place) in read]
    read_seqs += [(_rows(outputs[k], start, count), place) for k, place in stored]
    n_states = len(new_states)
    back_info = dataclasses.replace(
        info, seq_taps=[[0]] * len(read_seqs), output_taps=[[-1]] * n_states + [None] * (len(roots) - n_states),
        placeholders=[place for _, place in read_seqs] + carried_places, inner_outputs=roots,
        until=None, go_backwards=True, updates={}, first_serial=first_serial, truncate_gradient=-1, draws=0,
        intermediates=0)
    node = op.loop(back_info, count, [seq for seq, _ in read_seqs], carried_inits)
    finals = node.op.final_outputs(node)
    stacked = node.outputs[n_states:len(roots)]  # per_step, then stored_factors

    grads_seq, stacked_rows = [], iter(stacked[:len(per_step)])
    for i, (seq, (base, reads)) in enumerate(zip(seqs, seq_reads)):
        if 1 + i not in wanted or not seq_used[i] or not is_float(seq.dtype):  # an integer's: zeros
            grads_seq.append(0 if 1 + i in wanted and seq_used[i] else None)
            continue
        total = _zeros(base)
        for offset, _ in reads:
            total = inc_subtensor(_rows(total, start + offset, count), flip(next(stacked_rows), 0))
        grads_seq.append(flip(total, 0) if info.go_backwards else total)
    grads_init = [None] * len(initials)
    grads_outer = [0 if ok and not is_float(v.dtype) else None for v, ok in zip(outer, outer_used)]
    final_rows = iter(finals)
    for k, places in zip(floats, pending):
        window_grad = [next(final_rows) for _ in places]
        sit_sot = info.output_taps[recurrent[k]] == [-1]
        if state_used[k]:
            grads_init[k] = _initial_grad(initials[k], window_grad[0] if sit_sot else stack(window_grad),
                                          len(places), sit_sot, start if truncated else None)
    for k, final in zip(summed, finals[n_pending:]):
        grads_outer[k] = final
    factor_rows = iter(stacked[len(per_step):])
    rows_of = [flip(sequence_of[id(f)], 0) if id(f) in sequence_of else next(factor_rows) for f in factors]
    for k, (i, j, axes) in pushed.items():
        grads_outer[k] = summed_outer(rows_of[i], rows_of[j]) if i is not None else \
            rows_of[j].sum(axis=(0, *[a + 1 for a in axes]))
    return [None, *grads_seq, *grads_init, *grads_outer]


def connected_inputs(info, inputs: list[Variable], stacked_grads: list, final_grads: list) -> list[bool]:
    """Per input of a ScanOp's node, whether the results with a gradient
    depend on it over any number of steps (PyTensor's connection pattern: a
    state counts once a later step's such result reads it; an initial value
    whose final state has a gradient always, since with no step it is that
    final state). An outer input may be a variable of the body's graph
    (`W[:, :2]` of a body reading W)."""
    places = iter(info.placeholders)
    seq_places = [[next(places) for _ in taps] for taps in info.seq_taps]
    state_places = [[next(places) for _ in info.output_taps[k]] for k in info.recurrent]
    reads = [{id(out)} | {id(v) for node in toposort([out]) for v in node.inputs} for out in info.inner_outputs]
    live = {j for j, g in enumerate(stacked_grads) if g is not None}
    live |= {j for j, g in zip(info.recurrent, final_grads) if g is not None}
    while True:
        used = set().union(*(reads[j] for j in live))
        more = {j for j, ps in zip(info.recurrent, state_places) if any(id(p) in used for p in ps)} - live
        if not more:
            break
        live |= more
    outer = inputs[1 + len(seq_places) + len(state_places):]
    final = [g is not None for g in final_grads]  # a final state is its initial value when no step runs
    return [False, *[any(id(p) in used for p in ps) for ps in seq_places],
            *[f or any(id(p) in used for p in ps) for f, ps in zip(final, state_places)],
            *[id(v) in used for v in outer]]


def _filled(g: Variable) -> Variable | None:
    """c when g is filled with the constant scalar c (`second(x, c)`, the
    gradient of a sum)."""
    node = g.owner
    if node is None or not isinstance(node.op, Elemwise) or node.op.scalar_op != "second":
        return None
    c = node.inputs[1]
    while c.owner is not None and isinstance(c.owner.op, DimShuffle):
        c = c.owner.inputs[0]
    return c if isinstance(c, Constant) and c.ndim == 0 and c.dtype == g.dtype else None


def _pending_adjoints(init: Variable, final_grad, window: int, sit_sot: bool, name: str):
    """A state's carried adjoints before the backward's first step, one
    state per pending row (a scalar state stays a scalar, which the loop
    keeps in registers): their initial values (zeros, the final state's
    gradient in the last row) and their placeholders; the last is the
    adjoint of the row the step writes."""
    row = init if sit_sot else init[0]
    zero = _zeros(row)
    inits = [zero] * (window - 1) + [final_grad if final_grad is not None else zero]
    return inits, [like(row, f"d{init.name or name}[{i - window}]") for i in range(window)]


def _shifted_adjoints(pending: list[Variable], taps: list[int], tap_grads) -> list[Variable]:
    """The carried adjoints one step earlier: the window moves one row down
    (row i gets what row i - 1 had pending, row 0 nothing) and each tap's
    gradient (from `tap_grads`) is added to the row it read."""
    window = len(pending)
    rows = [None] + pending[:-1]
    for tap in taps:
        g = next(tap_grads)
        if g is not None:
            rows[window + tap] = g if rows[window + tap] is None else add(rows[window + tap], g)
    return [row if row is not None else _zeros(pending[0]) for row in rows]


def _initial_grad(init: Variable, window_grad: Variable, window: int, sit_sot: bool, start) -> Variable:
    """An initial value's gradient from the backward scan's final window,
    the adjoints of storage rows start .. start + window - 1 (start None:
    not truncated, 0)."""
    if sit_sot:
        return window_grad if start is None else switch(eq(start, 0), window_grad, _zeros(init))
    if start is None:
        return inc_subtensor(_zeros(init)[:window], window_grad)
    low = minimum(start, window)
    return inc_subtensor(_zeros(init)[low:window], window_grad[:window - low])
