"""The Scan Op: a loop whose body is a graph.

`scan()` calls the step function once on placeholder Variables; the graph it
returns becomes the body. Emission turns the node into an `scf.for` (or an
`scf.while` when the step returns `until`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scanjit.graph import Apply, Constant, Op, TensorType, Variable, toposort


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

    @property
    def roots(self) -> list[Variable]:
        """Everything a step computes: outputs, the until condition, updates."""
        return self.inner_outputs + ([self.until] if self.until is not None else []) + \
            list(self.updates.values())

    def window(self, k: int) -> int:
        """How many past values output k keeps (0 for a per-step output)."""
        taps = self.output_taps[k]
        return -min(taps) if taps else 0


class ScanOp(Op):
    """Inputs: n_steps (int64, -1 when only sequences bound it), sequences,
    initial values (one per recurrent output), then outer variables the body
    reads. Outputs: one stacked tensor per step output, then the final value of
    each updated shared variable."""

    def __init__(self, info: ScanInfo, n_seqs: int, n_steps_given: bool):
        self.info = info
        self.n_seqs = n_seqs
        self.n_steps_given = n_steps_given

    def make_node(self, n_steps, sequences, initials, outer) -> Apply:
        info = self.info
        outputs = [Variable(TensorType(o.dtype, (None,) + o.type.shape)) for o in info.inner_outputs]
        outputs += [Variable(shared.type) for shared in info.updates]
        return Apply(self, [n_steps, *sequences, *initials, *outer], outputs)

    @property
    def pure(self) -> bool:
        """A scan drawing random numbers has side effects (it advances a generator)."""
        return not self.info.updates

    def __str__(self):
        return "Scan{until}" if self.info.until is not None else "Scan"


def step_dependent(info: ScanInfo) -> set[int]:
    """ids of body variables that change from step to step: those that depend
    on a placeholder or on an op with side effects (a random draw) made by the
    step function. A draw made outside it (before `scan` was called) is drawn
    once, before the loop, as in PyTensor."""
    dependent = {id(p) for p in info.placeholders}
    for node in toposort(info.roots):
        per_step = not getattr(node.op, "pure", True) and node.serial >= info.first_serial
        if per_step or any(id(i) in dependent for i in node.inputs):
            dependent.update(id(o) for o in node.outputs)
    return dependent


def outer_inputs(info: ScanInfo) -> list[Variable]:
    """Loop-invariant variables the body reads: explicit non-sequences,
    closures, and body subgraphs that do not depend on the step (those are
    computed once, before the loop)."""
    dependent = step_dependent(info)
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


def last_row_only(outputs: list[Variable]) -> set[int]:
    """ids of scan outputs the graph reads only as `out[-1]`, or not at all:
    such a scan keeps just the rows its taps need (PyTensor's save-memory
    rewrite)."""
    clients: dict[int, list[Apply]] = {}
    for node in toposort(outputs):
        for var in node.inputs:
            clients.setdefault(id(var), []).append(node)
    from scanjit.tensor.basic import INDEX, Subtensor

    def reads_last(node: Apply) -> bool:
        index = node.inputs[1] if isinstance(node.op, Subtensor) and node.op.idx_list[0] == INDEX else None
        return isinstance(index, Constant) and index.data.item() == -1

    returned = {id(v) for v in outputs}
    return {id(out) for node in toposort(outputs) if isinstance(node.op, ScanOp)
            for out in node.outputs
            if id(out) not in returned
            and all(reads_last(c) and c.inputs[0] is out for c in clients.get(id(out), []))}
