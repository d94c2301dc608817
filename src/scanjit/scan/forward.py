"""Forward mode through a scan (`ScanOp.R_op`): one scan, running forward,
that carries each float state's tangent beside the state. Its sequences are
the forward's, then the connected sequences' tangents (same taps); its
states the forward's, then their tangents (same taps, starting from the
initial values' tangents, zeros where not connected); its per-step outputs
the forward's, then their connected tangents. The step's tangents are the
forward mode of the step's graph (tensor/forward.py), seeded with the
tangents' placeholders and the loop invariants' tangents, which the new step
reads as invariants of its own. Nothing is stored for a backward loop and
there is none: memory does not grow with the steps beyond the outputs."""

from __future__ import annotations

import dataclasses

from scanjit.dtypes import is_float
from scanjit.scan.grad_lean import like
from scanjit.scan.replay import ragged_draws, without_draws
from scanjit.tensor.forward import as_tangent_of, tangents_of, zeros_as
from scanjit.tensor.shape import Shape
from scanjit.tensor.subtensor import flip


def scan_forward(op, inputs: list, outputs: list, tangents: list) -> list:
    """The tangents of the outputs of `op`'s node (see ScanOp) given those of
    its inputs (None: not connected)."""
    info, n_all = op.info, len(op.info.inner_outputs)
    n_seqs, recurrent = op.n_seqs, info.recurrent
    bound = 1 + n_seqs + len(recurrent)
    places = iter(info.placeholders)
    seeds = dict(zip(inputs[bound:], tangents[bound:]))  # the invariants' tangents
    seqs, seq_taps, seq_places = _stored_draws(op, outputs)
    info = _reading_draws(info, seq_places, type(op))
    for seq, taps, t in zip(inputs[1:1 + n_seqs], info.seq_taps, tangents[1:1 + n_seqs]):
        reads = [next(places) for _ in taps]
        if (t := as_tangent_of(seq, t)) is not None:
            seqs.append(t)
            seq_taps.append(taps)
            seq_places += [seeds.setdefault(p, like(p, f"d{p.name}")) for p in reads]
    initials, state_places = [], []
    for k, init, t in zip(recurrent, inputs[1 + n_seqs:bound], tangents[1 + n_seqs:bound]):
        reads = [next(places) for _ in info.output_taps[k]]
        if is_float(init.dtype):
            initials.append(as_tangent_of(init, t) if t is not None else zeros_as(init))
            state_places += [seeds.setdefault(p, like(p, f"d{p.name}")) for p in reads]
    body = tangents_of(info.inner_outputs, seeds)
    carried = [k for k, out in enumerate(info.inner_outputs)
               if is_float(out.dtype) and (k in recurrent or body[k] is not None)]
    n_out = len(info.inner_outputs)  # without the draws
    n_shown = n_out - info.intermediates  # the stored intermediates, and their tangents, stay last
    layout = [*[(k, False) for k in range(n_shown)], *[(k, True) for k in carried if k < n_shown],
              *[(k, False) for k in range(n_shown, n_out)], *[(k, True) for k in carried if k >= n_shown]]
    step = [(body[k] if body[k] is not None else zeros_as(info.inner_outputs[k])) if tangent
            else info.inner_outputs[k] for k, tangent in layout]
    n_seq_places = sum(len(taps) for taps in info.seq_taps)
    new_info = dataclasses.replace(
        info, seq_taps=info.seq_taps + seq_taps, output_taps=[info.output_taps[k] for k, _ in layout],
        placeholders=info.placeholders[:n_seq_places] + seq_places + info.placeholders[n_seq_places:] + state_places,
        inner_outputs=step, intermediates=len(layout) - n_shown - sum(k < n_shown for k in carried),
        updates={}, draws=0)
    n_steps, given = inputs[0], op.n_steps_given
    if op.info.draws and op.info.until is not None:  # the steps taken: as many as the stored draws
        n_steps, given = Shape(0)(seqs[0]), True
    node = op.loop(new_info, n_steps, [*inputs[1:1 + n_seqs], *seqs], [*inputs[1 + n_seqs:bound], *initials], given)
    stacked = {k: out for (k, tangent), out in zip(layout, node.outputs) if tangent}
    finals = iter(node.op.final_outputs(node)[len(recurrent):])
    final = [next(finals) if is_float(inputs[1 + n_seqs + i].dtype) else None for i in range(len(recurrent))]
    return [stacked.get(k) for k in range(n_all)] + final + [None] * len(op.info.updates)


def _stored_draws(op, outputs: list) -> tuple[list, list, list]:
    """The random draws the forward stored (its last per-step outputs), as
    sequences of the new scan (in the order the steps ran), their taps and
    placeholders: the tangents must see the draws the forward made."""
    info = op.info
    if why := ragged_draws(info, type(op)):
        raise NotImplementedError(f"R_op (forward mode) of a scan whose step runs a scan that draws random "
                                  f"numbers and {why} (its draws, stored per step, change length)")
    draws = range(len(info.inner_outputs) - info.draws, len(info.inner_outputs))
    seqs = [flip(outputs[k], 0) if info.go_backwards else outputs[k] for k in draws]
    return seqs, [[0] for _ in draws], [like(info.inner_outputs[k], f"draw{i}[t]") for i, k in enumerate(draws)]


def _reading_draws(info, places: list, scan_op: type):
    """`info` without its draws: its step reads them from `places` instead
    of drawing, and replays its nested scans that draw from theirs
    (scan/replay.py). A draw it makes without storing it raises
    NotImplementedError (replay.without_draws)."""
    n_out = len(info.inner_outputs) - info.draws
    roots = without_draws(info.inner_outputs[:n_out], list(zip(info.inner_outputs[n_out:], places)), scan_op,
                          info.first_serial)
    return dataclasses.replace(info, inner_outputs=roots, updates={}, draws=0)
