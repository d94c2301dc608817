"""The step intermediates a scan stores for its gradient (JAX's residuals).

The backward step of a scan's gradient (scan/grad.py) backpropagates
through the forward step's graph, which needs some of its values: a
sigmoid's derivative reads the sigmoid. A step output is stored anyway; an
intermediate such as a GRU's gates would be computed again, matrix
products included. So `scan` makes the step's costly intermediates hidden
per-step outputs (after the outputs, before the draws; ScanInfo.intermediates):
each result of a Dot or of a transcendental function that changes from
step to step. A per-step output nothing reads is not stored, so this costs
nothing without a gradient; the gradient reads those its backward step
would otherwise compute again (grad_lean.read_stored_outputs)."""

from __future__ import annotations

from scanjit.graph import Variable, branches, toposort
from scanjit.tensor.elemwise import LIBM, Elemwise
from scanjit.tensor.math import Reduce
from scanjit.tensor.products import Dot
from scanjit.tensor.shape import DimShuffle
from scanjit.tensor.subtensor import Subtensor

# Scalar functions computed by a libm call or a polynomial expansion.
TRANSCENDENTAL = frozenset({
    "exp", "exp2", "expm1", "log", "log1p", "log1mexp", "logaddexp", "pow", "tanh", "sigmoid", "softplus",
    "sin", "cos", "erf", "erfc", "erfinv", "gammaln", "psi", "tri_gamma", *LIBM})


def _costly(node) -> bool:
    return isinstance(node.op, Dot) or isinstance(node.op, Elemwise) and node.op.scalar_op in TRANSCENDENTAL


def _keeps_shapes(node, varying: set[int]) -> bool:
    """Whether the node's output lengths follow from its inputs' lengths
    alone (not from values computed in the step, e.g. a slice bound)."""
    if isinstance(node.op, Subtensor):
        return not any(id(v) in varying for v in node.inputs[1:])
    return isinstance(node.op, Elemwise | Dot | DimShuffle | Reduce)


def costly_intermediates(outputs: list[Variable], placeholders: list[Variable], first_serial: int) -> list[Variable]:
    """The step's variables to store for its gradient: results of a Dot or a
    transcendental function that change from step to step, computed at every
    step (not in a branch of an ifelse) and not outputs already, and whose
    lengths the placeholders' fix (through elementwise functions, products,
    dimshuffles, reductions and slices by invariant bounds): a stored row
    must have the same shape at every step. Nodes made by the step function
    have serials from `first_serial` on."""
    order = toposort(outputs)
    unconditional = {id(node) for node in branches(order, outputs).get((), [])}
    outputs_ids = {id(v) for v in outputs}
    varying = {id(p) for p in placeholders}  # changes from step to step
    fixed = set(varying)  # ... with lengths the placeholders' fix
    found = []
    for node in order:
        step_inputs = [v for v in node.inputs if id(v) in varying]
        if not step_inputs and (getattr(node.op, "pure", True) or node.serial < first_serial):
            continue
        varying.update(id(v) for v in node.outputs)
        if not _keeps_shapes(node, varying) or any(id(v) not in fixed for v in step_inputs):
            continue
        fixed.update(id(v) for v in node.outputs)
        out = node.outputs[0]
        if _costly(node) and id(node) in unconditional and id(out) not in outputs_ids:
            found.append(out)
    return found
