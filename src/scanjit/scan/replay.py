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

from scanjit.graph import Apply, Variable, infer_shape, infer_size, toposort
from scanjit.scan.grad_lean import like
from scanjit.tensor.shape import Shape
from scanjit.tensor.subtensor import flip


def ragged_draws(info, scan_op: type) -> str | None:
    """Why the step's stored draws of a nested scan (a `scan_op`, at any
    depth) change length from step to step, or None: it stops with until,
    or its number of steps changes (its n_steps, or its sequences' length,
    read from the step's values)."""
    dims = _Varying(info.step_dependent(), {id(p) for p in info.placeholders})
    for draw in info.inner_outputs[len(info.inner_outputs) - info.draws:]:
        if not isinstance(draw.owner.op, scan_op):
            continue
        inner = draw.owner.op.info
        if inner.until is not None:
            return "stops with until"
        if why := ragged_draws(inner, scan_op):
            return why
        if infer_shape(draw, dims)[0]:
            return "runs a number of steps that changes from step to step"
    return None


class _Varying:
    """infer_shape's algebra whose lengths are whether they change from step
    to step of a scan whose step-dependent variables (ids) are `dependent`:
    its placeholders' and loop invariants' lengths do not."""

    def __init__(self, dependent: set[int], placeholders: set[int], known: dict | None = None):
        self.dependent, self.placeholders, self.known = dependent, placeholders, dict(known or {})

    def const(self, n: int) -> bool:
        return False

    def shape_of_value(self, var: Variable) -> list[bool] | None:
        return [False] * var.ndim if id(var) in self.placeholders or id(var) not in self.dependent else None

    def size(self, var: Variable) -> bool:
        """Whether the integer scalar `var` changes: by its Op's `infer_size`
        rule, else when a value it is computed from does (a scalar's, or
        any other input's that changes at all)."""
        if id(var) not in self.dependent:
            return False
        if (found := infer_size(var, self)) is not None:
            return found
        return var.owner is None or any(self.size(v) if v.ndim == 0 else id(v) in self.dependent
                                        for v in var.owner.inputs)

    def inner(self, known: dict) -> _Varying:
        return _Varying(self.dependent, self.placeholders, {**self.known, **known})

    def __getattr__(self, rule: str):
        """Any other rule (mul, minimum, select, slice_length, ...): a length
        that changes when one of its operands does."""
        return lambda *operands: any(map(self._changes, operands))

    def _changes(self, operand) -> bool:
        if isinstance(operand, Variable):
            return id(operand) in self.dependent
        if isinstance(operand, list | tuple):
            return any(map(self._changes, operand))
        return operand is True


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
    """The scan `node` (its draws not ragged: ragged_draws) on `inputs`, reading
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
