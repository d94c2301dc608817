"""A lean backward step for a scan's gradient (scan/grad.py).

Step outputs the forward stored are read back rather than computed again:
the derivative of tanh reads tanh's value, which is the stored state; so
are the step's costly intermediates, which the forward stores for it
(scan/intermediates.py): a GRU's gates.

Sums over the steps are pushed out of the backward loop. The gradient of
a loop invariant W read through a product, x_t·W, is a sum over the steps
of outer products: dW = Σ_t outer(x_t, dz_t) (with a batch
of rows, Σ_t x_tᵀ dz_t). Carried as a state, each backward step adds a
whole matrix. Instead the steps keep the factors' rows as per-step outputs
(a factor that is a row the loop reads is its sequence already) and the
sum is one matrix product after the loop, Aᵀ B over the
stacked rows (a GEMM from 2^15 multiply-adds), as PyTensor's push-out of
scan's sums does. A gradient that is one of the stored rows itself (db =
Σ_t dz_t), or their sum over some axes, is their sum over the steps too;
so is a small gradient (a vector or a scalar, stored per step): the
backward of a map stays a map, which runs in parallel."""

from __future__ import annotations

from scanjit.graph import Variable, clone_replace, graph_inputs, toposort
from scanjit.tensor.elemwise import Elemwise
from scanjit.tensor.math import Reduce
from scanjit.tensor.products import Dot, dot
from scanjit.tensor.shape import DimShuffle


def like(x: Variable, name: str) -> Variable:
    """A new placeholder of x's type."""
    return type(x.type)(x.dtype, x.type.shape)(name)


def _shuffled(v: Variable, order: tuple) -> Variable | None:
    """x when v is dimshuffle(x, *order)."""
    node = v.owner
    if node is not None and isinstance(node.op, DimShuffle) and node.op.order == order:
        return node.inputs[0]
    return None


def outer_factors(g: Variable) -> tuple[Variable, Variable] | None:
    """(a, b) when g is outer(a, b) of vectors or dot(aᵀ, b) of matrices."""
    node = g.owner
    if node is None:
        return None
    if isinstance(node.op, Elemwise) and node.op.scalar_op == "mul" and len(node.inputs) == 2:
        a, b = _shuffled(node.inputs[0], (0, "x")), _shuffled(node.inputs[1], ("x", 0))
        return (a, b) if a is not None and b is not None else None
    if isinstance(node.op, Dot) and node.op.plain() and all(v.ndim == 2 for v in node.inputs):
        a = _shuffled(node.inputs[0], (1, 0))
        return (a, node.inputs[1]) if a is not None else None
    return None


def summed_rows(g: Variable) -> tuple[Variable, tuple[int, ...]]:
    """(x, axes) when g is x summed over `axes` (none: g itself)."""
    node = g.owner
    if node is not None and isinstance(node.op, Reduce) and node.op.kind == "add" \
            and node.op.dtype in (None, node.inputs[0].dtype):
        return node.inputs[0], tuple(node.op.axes)
    return g, ()


def _through_a_scan(g: Variable, scan_op: type, first_serial: int) -> bool:
    return any(isinstance(node.op, scan_op) and node.serial >= first_serial for node in toposort([g]))


def summed_outer(rows_a: Variable, rows_b: Variable) -> Variable:
    """Σ_t outer(A[t], B[t]) (or A[t]ᵀ B[t]) over the stacked rows: Aᵀ B,
    a product contracting the steps (and the batch) axes, summed in the
    row-major order of (t, batch) as Aᵀ B of the rows merged into matrices,
    without a reshape (and its check) of each stack."""
    if rows_a.ndim == 3:
        return Dot(0, 2, ((2, 0, 1), None))(rows_a, rows_b)
    return dot(rows_a.T, rows_b)


def pushed_sums(grads: list, scan_op: type, first_serial: int) -> tuple[dict, list]:
    """The loop invariants' gradients summed after the backward loop:
    {k: (i, j, axes)}, the sum over the steps of the outer products of
    factors i and j, or of factor j summed over `axes` when i is None; and
    the factors, the per-step variables to store (but for a row the loop
    reads: its sequence is there). A gradient computed through a scan (a
    `scan_op`) in the step (made from `first_serial` on) stays carried: a
    per-step output's shape must be known before the loop, and a nested
    scan's may not be."""
    factors, index, pushed = [], {}, {}
    grads = [None if g is None or _through_a_scan(g, scan_op, first_serial) else g for g in grads]

    def factor(v: Variable) -> int:
        if id(v) not in index:
            index[id(v)] = len(factors)
            factors.append(v)
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


def read_stored_outputs(roots: list[Variable], body: list[Variable], intermediates: int,
                        step_places: list[Variable]):
    """`roots` with the step outputs (`body`, ending with the `intermediates`
    the forward stored, scan/intermediates.py) that the backward step would
    compute again read instead from the rows the forward stored: every
    output (a tanh whose derivative reads its value), then each
    intermediate still needed, the latest first (storing a GRU's gates
    leaves their matrix products unread). Returns the new roots and
    [(k, placeholder)], the outputs to read and the placeholders standing
    for their rows."""
    per_step = {id(p) for p in step_places}
    places = {k: like(out, f"{out.name or f'out{k}'}[t]")
              for k, out in enumerate(body)
              if out.owner is not None and any(id(v) in per_step for v in graph_inputs([out]))}
    n_outputs = len(body) - intermediates
    read = {id(body[k]) for k in places if k < n_outputs}
    for k in reversed(range(n_outputs, len(body))):
        if k in places and id(body[k]) in _needed(roots, read):
            read.add(id(body[k]))
    new_roots = clone_replace(roots, [(body[k], place) for k, place in places.items() if id(body[k]) in read])
    inputs = {id(v) for v in graph_inputs(new_roots)}
    return new_roots, [(k, place) for k, place in places.items() if id(place) in inputs]


def _needed(roots: list[Variable], stored: set[int]) -> set[int]:
    """ids of the variables computing `roots` needs, given the `stored` ones."""
    found = {id(v) for v in roots}
    for node in toposort(roots, stop=lambda v: id(v) in stored):
        found.update(id(v) for v in node.inputs)
    return found
