"""A scan's step computed again from the draws its forward stored, for the
gradient (scan/grad.py): the backward step must see the forward's random
numbers, not draw new ones.

A step's draws are stored as hidden per-step outputs (ScanInfo.draws): the
samples of its random variables, and the stacked draws of the scans nested
in it, which store theirs the same way, at any depth. Given those, the
step's graph is rebuilt with each sample replaced by its stored row, and
each nested scan that draws by its replay: a pure scan (no generator, no
updates) reading its stored draws as sequences, whose outputs are the
forward's."""

from __future__ import annotations

import dataclasses

from scanjit.graph import Apply, Variable, toposort
from scanjit.scan.grad_lean import like
from scanjit.tensor.shape import Shape
from scanjit.tensor.subtensor import flip


def draws_with_until(info, scan_op: type) -> bool:
    """Whether the step stores the draws of a nested scan (a `scan_op`, at
    any depth) that stops with until: their length changes from step to step."""
    nested = [d.owner.op.info for d in info.inner_outputs[len(info.inner_outputs) - info.draws:]
              if isinstance(d.owner.op, scan_op)]
    return any(inner.until is not None or draws_with_until(inner, scan_op) for inner in nested)


def without_draws(roots: list[Variable], replace: list[tuple[Variable, Variable]], scan_op: type,
                  first_serial: int) -> list[Variable]:
    """`roots` with each key of `replace` replaced by its value (as
    clone_replace), where the keys include draws (a random variable's sample,
    a nested scan's stored draws): a scan (a `scan_op`) all of whose stored
    draws are replaced is replayed from them. A draw the step (whose nodes
    have serials from `first_serial` on) makes that was not stored, in a
    branch of an ifelse whose generator only that branch advances, raises
    NotImplementedError."""
    mapping = {id(old): new for old, new in replace}
    for node in toposort(roots, stop=lambda v: id(v) in mapping):
        inputs = [mapping.get(id(v), v) for v in node.inputs]
        draws = node.op.draw_outputs(node) if isinstance(node.op, scan_op) else []
        if draws and all(id(d) in mapping for d in draws):
            rebuilt = replay(node, inputs, [mapping[id(d)] for d in draws])
            dropped = {id(v) for v in draws + node.op.generator_outputs(node)}
            olds = [o for o in node.outputs if id(o) not in dropped]
        elif all(new is old for new, old in zip(inputs, node.inputs)):
            continue
        else:
            rebuilt, olds = node.op.rebuild(node, inputs), node.outputs
        rebuilt.serial = node.serial
        for old, new in zip(olds, rebuilt.outputs):
            new.name = old.name
            mapping[id(old)] = new
    result = [mapping.get(id(v), v) for v in roots]
    if any(not getattr(node.op, "pure", True) and node.serial >= first_serial for node in toposort(result)):
        raise NotImplementedError("the derivative (gradient or R_op) of a scan whose step draws random numbers "
                                  "in a branch of an ifelse that alone advances their generator (the draws are "
                                  "not made, so not stored, at every step)")
    return result


def replay(node: Apply, inputs: list[Variable], stored: list[Variable]) -> Apply:
    """The scan `node` (without until: draws_with_until) on `inputs`, reading
    its draws from `stored` (one stacked tensor per draw, a row per step):
    its outputs are the node's but for the draws and generators."""
    op, info = node.op, node.op.info
    n_out = len(info.inner_outputs) - info.draws
    places = [like(d, f"draw{k}[t]") for k, d in enumerate(info.inner_outputs[n_out:])]
    bound = 1 + op.n_seqs + len(info.recurrent)
    outer = list(zip(node.inputs[bound:], inputs[bound:]))
    roots = without_draws(info.inner_outputs[:n_out], list(zip(info.inner_outputs[n_out:], places)) + outer,
                          type(op), info.first_serial)
    n_seq_places = sum(map(len, info.seq_taps))
    new_info = dataclasses.replace(
        info, seq_taps=info.seq_taps + [[0]] * len(places), output_taps=info.output_taps[:n_out], inner_outputs=roots,
        placeholders=info.placeholders[:n_seq_places] + places + info.placeholders[n_seq_places:],
        updates={}, draws=0)
    seqs = inputs[1:1 + op.n_seqs] + [flip(s, 0) if info.go_backwards else s for s in stored]
    return op.loop(new_info, Shape(0)(stored[0]), seqs, inputs[1 + op.n_seqs:bound])
