"""The Scan Op: a loop whose body is a graph.

`scan()` calls the step function once on placeholder Variables; the graph it
returns becomes the body. Emission turns the node into an `scf.for` (or an
`scf.while` when the step returns `until`).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field

from scanjit.graph import (
    Apply, Constant, Lazy, Op, TensorType, Variable, branches, clone_replace, infer_shape, toposort,
)


@dataclass
class ScanInfo:
    """How the body's placeholders and results line up with the loop."""

    seq_taps: list[list[int]]  # per sequence, its taps (0 = current element)
    output_taps: list[list[int] | None]  # per output: negative taps, or None (per-step)
    placeholders: list[Variable]  # seq taps, then state taps, in "order of inputs"
    inner_outputs: list[Variable]  # one per output
    until: Variable | None = None
    go_backwards: bool = False
    updates: dict[Variable, Variable] = field(default_factory=dict)  # shared -> new value
    first_serial: int = 0  # nodes the step function made have serials from here on
    truncate_gradient: int = -1  # the gradient backpropagates through this many last steps (-1: all)
    draws: int = 0  # the last outputs are this many draws of the step (its nested scans' too), stored for the gradient
    intermediates: int = 0  # the outputs before the draws end with this many stored step intermediates

    @property
    def recurrent(self) -> list[int]:
        """Indices of the outputs carried as states (with taps)."""
        return [k for k, taps in enumerate(self.output_taps) if taps is not None]

    @property
    def roots(self) -> list[Variable]:
        """Everything a step computes: outputs, the until condition, updates."""
        return self.inner_outputs + ([self.until] if self.until is not None else []) + \
            list(self.updates.values())

    @property
    def intermediate_outputs(self) -> range:
        """Indices of the stored step intermediates among the outputs."""
        end = len(self.inner_outputs) - self.draws
        return range(end - self.intermediates, end)

    def window(self, k: int) -> int:
        """How many past values output k keeps (0 for a per-step output)."""
        taps = self.output_taps[k]
        return -min(taps) if taps else 0

    def step_dependent(self) -> set[int]:
        """ids of body variables that change from step to step: those that depend
        on a placeholder or on an op with side effects (a random draw) made by the
        step function. A draw made outside it (before `scan` was called) is drawn
        once, before the loop, as in PyTensor. What only a branch of an ifelse
        needs stays in the step too: it runs only when the branch is taken."""
        dependent = {id(p) for p in self.placeholders}
        order = toposort(self.roots)
        in_branch = {id(node) for path, nodes in branches(order, self.roots).items() if path for node in nodes}
        for node in order:
            per_step = not getattr(node.op, "pure", True) and node.serial >= self.first_serial
            if per_step or id(node) in in_branch or any(id(i) in dependent for i in node.inputs):
                dependent.update(id(o) for o in node.outputs)
        return dependent


class ScanOp(Op):
    """Inputs: n_steps (int64, -1 when only sequences bound it), sequences,
    initial values (one per recurrent output), then outer variables the body
    reads. Outputs: one stacked tensor per step output; the final state of
    each recurrent output (its last initial value when no step ran); then
    each random generator the steps advance."""

    def __init__(self, info: ScanInfo, n_seqs: int, n_steps_given: bool, checkpoint=None):
        self.info = info
        self.n_seqs = n_seqs
        self.n_steps_given = n_steps_given
        self.checkpoint = checkpoint  # scan(checkpoint=...): a Checkpointing (scan/checkpointing.py) or None

    def make_node(self, n_steps, sequences, initials, outer) -> Apply:
        info = self.info
        outputs = [Variable(TensorType(o.dtype, (None,) + o.type.shape)) for o in info.inner_outputs]
        for k, init in zip(info.recurrent, initials):
            state = init.type.shape if info.output_taps[k] == [-1] else init.type.shape[1:]
            step = info.inner_outputs[k].type.shape
            outputs.append(Variable(TensorType(init.dtype, tuple(a if a == b else None
                                                                 for a, b in zip(state, step)))))
        outputs += [Variable(shared.type) for shared in info.updates]
        return Apply(self, [n_steps, *sequences, *initials, *outer], outputs)

    def rebuild(self, node, inputs) -> Apply:
        """The loop on other inputs: the body reads the new outer variables."""
        info, bound = self.info, 1 + self.n_seqs + len(self.info.recurrent)
        roots = clone_replace(info.roots, list(zip(node.inputs[bound:], inputs[bound:])))
        n_out = len(info.inner_outputs)
        new_info = dataclasses.replace(
            info, inner_outputs=roots[:n_out], until=roots[n_out] if info.until is not None else None,
            updates=dict(zip(info.updates, roots[len(roots) - len(info.updates):])))
        return ScanOp(new_info, self.n_seqs, self.n_steps_given, self.checkpoint).make_node(
            inputs[0], inputs[1:1 + self.n_seqs], inputs[1 + self.n_seqs:bound], outer_inputs(new_info))

    def loop(self, info: ScanInfo, n_steps: Variable, sequences: list, initials: list,
             n_steps_given: bool = True) -> Apply:
        """The node of a new scan running `n_steps` steps of `info`'s body (the
        gradient's backward scan, scanjit/scan/grad.py; the forward mode's,
        scan/forward.py, whose steps may be bound by its sequences only)."""
        from scanjit.tensor.elemwise import cast

        return ScanOp(info, len(sequences), n_steps_given).make_node(cast(n_steps, "int64"), sequences, initials,
                                                                     outer_inputs(info))

    def L_op(self, inputs, outputs, output_grads):
        return self.wanted_L_op(inputs, outputs, output_grads, set(range(len(inputs))))

    def wanted_L_op(self, inputs, outputs, output_grads, wanted):
        """Backpropagation through time: a scan running backwards (scan/grad.py),
        over recomputed segments when checkpointed (scan/checkpointing.py)."""
        from scanjit.scan.grad import scan_grad

        if self.checkpoint is not None:
            return self.checkpoint.grad(self, inputs, outputs, output_grads)
        return scan_grad(self, inputs, outputs, output_grads, wanted)

    def R_op(self, inputs, outputs, tangents):
        """Forward mode: one scan carrying the states' tangents (scan/forward.py)."""
        from scanjit.scan.forward import scan_forward

        return scan_forward(self, inputs, outputs, tangents)

    def infer_shape(self, node, shapes, dims):
        """Stacked outputs: (steps, *the step's lengths), inferred lazily
        from the placeholders' lengths; final states: the state's lengths."""
        step_dims, states = self.step_dims(shapes, dims)

        def stacked(out: Variable) -> Lazy:
            if self.info.until is not None:
                return Lazy(lambda: _unknown(f"the number of steps of {self}"))
            return Lazy(lambda: [self.steps(node, shapes, dims), *infer_shape(out, step_dims)])

        return [stacked(out) for out in self.info.inner_outputs] + states + [[] for _ in self.info.updates]

    def steps(self, node, shapes, dims):
        """n_steps, or the shortest usable length of the sequences."""
        if self.n_steps_given:
            return dims.size(node.inputs[0])
        usable = [dims.at_least_zero(shape[0], max(max(taps), 0) - min(min(taps), 0))
                  for shape, taps in zip(shapes[1:1 + self.n_seqs], self.info.seq_taps)]
        return functools.reduce(dims.minimum, usable)

    def step_dims(self, shapes, dims):
        """The algebra `dims` knowing the lengths of the step's placeholders,
        from the node's input `shapes`; and each state's lengths."""
        info = self.info
        inner, places = {}, iter(info.placeholders)
        for shape, taps in zip(shapes[1:1 + self.n_seqs], info.seq_taps):
            for _ in taps:
                inner[id(next(places))] = shape[1:]
        states = []
        for k, shape in zip(info.recurrent, shapes[1 + self.n_seqs:]):
            states.append(shape if info.output_taps[k] == [-1] else shape[1:])
            for _ in info.output_taps[k]:
                inner[id(next(places))] = states[-1]
        return dims.inner(inner), states

    def final_outputs(self, node: Apply) -> list[Variable]:
        """The final state of each recurrent output, in order."""
        first = len(self.info.inner_outputs)
        return node.outputs[first:first + len(self.info.recurrent)]

    def final_state(self, out: Variable) -> Variable | None:
        """`out[-1]` for the stacked output `out` of a recurrent output: its
        final state, which is the last initial value when no step ran (as
        PyTensor, whose `out[-1]` reads the last row of a buffer holding the
        initial values too)."""
        if out.index not in self.info.recurrent:
            return None
        return self.final_outputs(out.owner)[self.info.recurrent.index(out.index)]

    def stacked_of(self, final: Variable) -> Variable | None:
        """The stacked output whose final state `final` is (None if it is not one)."""
        finals = self.final_outputs(final.owner)
        if final not in finals:
            return None
        return final.owner.outputs[self.info.recurrent[finals.index(final)]]

    def draw_outputs(self, node: Apply) -> list[Variable]:
        """The stacked draws the steps stored for the gradient (ScanInfo.draws)."""
        end = len(self.info.inner_outputs)
        return node.outputs[end - self.info.draws:end]

    def generator_outputs(self, node: Apply) -> list[Variable]:
        return node.outputs[len(self.info.inner_outputs) + len(self.info.recurrent):]

    @property
    def pure(self) -> bool:
        """A scan drawing random numbers has side effects (it advances a generator)."""
        return not self.info.updates

    def __str__(self):
        return "Scan{until}" if self.info.until is not None else "Scan"


def _unknown(what: str):
    raise NotImplementedError(f"{what} is not known before the loop")


def outer_inputs(info: ScanInfo) -> list[Variable]:
    """Loop-invariant variables the body reads: explicit non-sequences,
    closures, and body subgraphs that do not depend on the step (those are
    computed once, before the loop)."""
    dependent = info.step_dependent()
    roots = info.roots
    found: dict[int, Variable] = {}
    for var in roots:
        if id(var) not in dependent and not isinstance(var, Constant):
            found.setdefault(id(var), var)
    for node in toposort(roots):
        if any(id(o) in dependent for o in node.outputs):
            for var in node.inputs:
                if id(var) not in dependent and not isinstance(var, Constant):
                    found.setdefault(id(var), var)
    return list(found.values())


def unread_outputs(outputs: list[Variable]) -> set[int]:
    """ids of the scan outputs that the graph computing `outputs` (scan
    bodies included) never reads. A recurrent output whose stack is unread
    keeps just the rows its taps need (PyTensor's save-memory rewrite)."""
    read, scans, pending = set(), [], [list(outputs)]
    while pending:
        roots = pending.pop()
        read.update(id(v) for v in roots)
        for node in toposort(roots):
            read.update(id(v) for v in node.inputs)
            if isinstance(node.op, ScanOp):
                scans.append(node)
                pending.append(node.op.info.roots)
    return {id(out) for node in scans for out in node.outputs if id(out) not in read}
