"""The gradient of a scan: a scan running backwards over the steps (BPTT).

Forward, step t reads its sequences' rows and the states s[t] and computes
s[t + 1] and its per-step outputs y[t]. Backward, the scan below runs over
t = T - 1, ..., 0 (its sequences are the forward's read in reverse): it
carries a[t + 1] = dcost/ds[t + 1], initially the final state's gradient,
adds the gradient of the stacked state's row t, and backpropagates through
the step's graph (rebuilt on its own placeholders: the sequences' rows, the
stored states s[t] and the outputs' gradients) to get a[t], the sequences'
row gradients (per-step outputs, flipped back afterwards) and the loop
invariants' gradients, which it sums over the steps as states.

Handled: sequences (any taps), states with taps [-1] (sit_sot), per-step
outputs (nit_sot), loop invariants (non_sequences and closures),
go_backwards, n_steps (symbolic, 0 included). Others raise NotImplementedError."""

from __future__ import annotations

import dataclasses

from scanjit.dtypes import is_float
from scanjit.graph import Variable, clone_replace, graph_inputs, next_serial
from scanjit.scan.grad_sums import outer_factors, summed_outer, summed_rows
from scanjit.tensor.basic import constant
from scanjit.tensor.elemwise import add, second
from scanjit.tensor.gradient import backprop
from scanjit.tensor.join import concatenate
from scanjit.tensor.shape import Shape, expand_dims
from scanjit.tensor.subtensor import flip, inc_subtensor


def _zeros(x: Variable) -> Variable:
    return second(x, constant(0, dtype=x.dtype))


def _rows(x: Variable, start, count) -> Variable:
    """x[start:start + count]."""
    return x[start:add(start, count)]


def _pushed_sums(grads: list, sequences: dict) -> tuple[dict, list]:
    """The loop invariants' gradients summed after the backward loop
    (scan/grad_sums.py): {k: (i, j, axes)}, the sum over the steps of the
    outer products of factors i and j, or of factor j summed over `axes`
    when i is None; and the factors, each a per-step variable to store or,
    for a row the loop reads, (the variable, its backward sequence)."""
    factors, index, pushed = [], {}, {}

    def factor(v: Variable) -> int:
        if id(v) not in index:
            index[id(v)] = len(factors)
            factors.append((v, sequences[id(v)]) if id(v) in sequences else v)
        return index[id(v)]

    for k, g in enumerate(grads):
        found = outer_factors(g) if g is not None else None
        if found is not None:
            pushed[k] = (factor(found[0]), factor(found[1]), ())
    for k, g in enumerate(grads):
        source, axes = summed_rows(g) if g is not None else (None, ())
        if source is not None and k not in pushed and id(source) in index:
            pushed[k] = (None, index[id(source)], axes)
        elif g is not None and k not in pushed and g.ndim <= 1:  # small: stored, and a map stays a map
            pushed[k] = (None, factor(g), ())
    return pushed, factors


def _read_stored_outputs(roots: list[Variable], body: list[Variable], outputs: list[Variable], steps,
                         step_places: list[Variable]):
    """`roots` with each step output that the backward step would compute
    again (a tanh whose derivative reads its value) read instead from the
    rows the forward stored: the new roots, the backward sequences to add
    (the stacked outputs, reversed) and their placeholders."""
    per_step = {id(p) for p in step_places}
    places = {k: type(out.type)(out.dtype, out.type.shape)(f"{out.name or f'out{k}'}[t]")
              for k, out in enumerate(body)
              if out.owner is not None and any(id(v) in per_step for v in graph_inputs([out]))}
    new_roots = clone_replace(roots, [(body[k], place) for k, place in places.items()])
    read = {id(v) for v in graph_inputs(new_roots)}
    kept = [k for k, place in places.items() if id(place) in read]
    return new_roots, [flip(outputs[k][:steps], 0) for k in kept], [places[k] for k in kept]


def scan_grad(op, inputs: list[Variable], outputs: list[Variable], output_grads: list) -> list:
    """The gradients of the inputs of the ScanOp `op`'s node (see ScanOp)."""
    info = op.info
    if info.until is not None:
        raise NotImplementedError("the gradient of a scan with until")
    if info.updates:
        raise NotImplementedError("the gradient of a scan updating shared variables or generators")
    if any(taps != [-1] for taps in info.output_taps if taps is not None):
        raise NotImplementedError("the gradient of a scan with taps other than [-1] (mit_sot)")
    n_seqs, recurrent = op.n_seqs, info.recurrent
    seqs = inputs[1:1 + n_seqs]
    initials = inputs[1 + n_seqs:1 + n_seqs + len(recurrent)]
    outer = inputs[1 + n_seqs + len(recurrent):]
    n_out = len(info.inner_outputs)
    stacked_grads, final_grads = output_grads[:n_out], output_grads[n_out:n_out + len(recurrent)]
    steps = Shape(0)(outputs[0])

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
            back_seqs.append(flip(_rows(base, offset, steps), 0))
            rows[place] = type(place.type)(place.dtype, place.type.shape)(f"{place.name}")
            reads.append((offset, rows[place]))
        seq_reads.append((base, reads))
    state_places = []
    for k, init in zip(recurrent, initials):
        place, stacked = next(places), outputs[k]
        before = concatenate([expand_dims(init, 0), stacked[:-1]])  # s[0], ..., s[T - 1]
        back_seqs.append(flip(before[:steps], 0))
        rows[place] = type(place.type)(place.dtype, place.type.shape)(f"{place.name}")
        state_places.append(rows[place])
    first_serial = next_serial()
    body = clone_replace(info.inner_outputs, list(rows.items()))

    seeds, grad_places, carried_inits, carried_places = {}, [], [], []
    for k, (out, g) in enumerate(zip(body, stacked_grads)):
        if g is not None:
            back_seqs.append(flip(g, 0))
            grad_places.append(type(out.type)(out.dtype, out.type.shape)(f"d{out.name or f'out{k}'}[t]"))
            seeds[out] = grad_places[-1]
    floats = [k for k, init in enumerate(initials) if is_float(init.dtype)]  # integer states: no gradient
    for k in floats:
        init, g = initials[k], final_grads[k]
        adjoint = type(init.type)(init.dtype, init.type.shape)(f"d{init.name or f'state{k}'}")
        carried_inits.append(g if g is not None else _zeros(init))
        carried_places.append(adjoint)
        out = body[recurrent[k]]
        seeds[out] = add(seeds[out], adjoint) if out in seeds else adjoint
    if not seeds:
        return [None] * len(inputs)
    seq_places = [place for _, reads in seq_reads for _, place in reads]
    found = backprop(seeds, seq_places + [state_places[k] for k in floats] + outer)
    seq_grads, state_grads = found[:len(seq_places)], found[len(seq_places):len(seq_places) + len(floats)]
    outer_grads = [g if is_float(v.dtype) else None for g, v in zip(found[len(seq_places) + len(floats):], outer)]

    new_states = [g if g is not None else _zeros(p) for g, p in zip(state_grads, carried_places)]
    pushed, factors = _pushed_sums(outer_grads, dict(zip(map(id, list(rows.values()) + grad_places), back_seqs)))
    summed = [k for k, g in enumerate(outer_grads) if g is not None and k not in pushed]
    for k in summed:
        total = type(outer[k].type)(outer[k].dtype, outer[k].type.shape)(f"d{outer[k].name or 'outer'}")
        carried_places.append(total)
        carried_inits.append(_zeros(outer[k]))
        new_states.append(add(total, outer_grads[k]))
    per_step = [g if g is not None else _zeros(p) for g, p in zip(seq_grads, seq_places)]
    factor_rows = [f for f in factors if isinstance(f, Variable)]
    roots, stored_seqs, stored_places = _read_stored_outputs(new_states + per_step + factor_rows, body, outputs,
                                                             steps, list(rows.values()))
    read = {id(v) for v in graph_inputs(roots)}  # the sequences the backward step reads
    read_seqs = [(seq, place) for seq, place in zip(back_seqs + stored_seqs, list(rows.values()) + grad_places
                                                     + stored_places) if id(place) in read]

    # A per-step value that is a new state (the state's gradient is also a
    # sequence's row gradient) is read from the state's own stacked rows.
    n_states = len(new_states)
    index = {id(v): k for k, v in enumerate(roots[:n_states])}
    for v in roots[n_states:]:
        index.setdefault(id(v), len(index))
    own = list({id(v): v for v in roots[n_states:] if index[id(v)] >= n_states}.values())

    back_info = dataclasses.replace(
        info, seq_taps=[[0]] * len(read_seqs), output_taps=[[-1]] * n_states + [None] * len(own),
        placeholders=[place for _, place in read_seqs] + carried_places, inner_outputs=roots[:n_states] + own,
        go_backwards=False, updates={}, first_serial=first_serial)
    node = op.loop(back_info, steps, [seq for seq, _ in read_seqs], carried_inits)
    finals = node.op.final_outputs(node)
    stacked = [node.outputs[index[id(v)]] for v in roots[n_states:]]  # per_step, then factor_rows

    grads_seq, stacked_rows = [], iter(stacked[:len(per_step)])
    for seq, (base, reads) in zip(seqs, seq_reads):
        total = _zeros(base)
        for offset, _ in reads:
            total = inc_subtensor(_rows(total, offset, steps), flip(next(stacked_rows), 0))
        grads_seq.append((flip(total, 0) if info.go_backwards else total) if is_float(seq.dtype) else None)
    grads_init, grads_outer = [None] * len(initials), [None] * len(outer)
    for k, final in zip(floats, finals):
        grads_init[k] = final
    for k, final in zip(summed, finals[len(floats):]):
        grads_outer[k] = final
    factor_stacked = iter(stacked[len(per_step):])
    rows_of = [f[1] if isinstance(f, tuple) else next(factor_stacked) for f in factors]
    for k, (i, j, axes) in pushed.items():
        grads_outer[k] = summed_outer(rows_of[i], rows_of[j]) if i is not None else \
            rows_of[j].sum(axis=(0, *[a + 1 for a in axes]))
    return [None, *grads_seq, *grads_init, *grads_outer]
