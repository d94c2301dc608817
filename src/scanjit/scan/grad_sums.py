"""Sums over the steps of a scan's gradient pushed out of the backward loop.

The gradient of a loop invariant W read through a product, x_t·W, is a sum
over the steps of outer products: dW = Σ_t outer(x_t, dz_t) (with a batch
of rows, Σ_t x_tᵀ dz_t). Carried as a state, each backward step adds a
whole matrix. Instead the steps keep the factors' rows as per-step outputs
(a factor that is a row the backward loop already reads is that sequence
itself) and the sum is one matrix product after the loop, Aᵀ B over the
stacked rows (a GEMM from 2^15 multiply-adds), as PyTensor's push-out of
scan's sums does. A gradient that is one of the stored rows itself (db =
Σ_t dz_t), or their sum over some axes, is their sum over the steps too."""

from __future__ import annotations

from scanjit.graph import Variable
from scanjit.tensor.elemwise import Elemwise
from scanjit.tensor.math import Reduce
from scanjit.tensor.products import Dot, dot
from scanjit.tensor.shape import DimShuffle, reshape


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


def summed_outer(rows_a: Variable, rows_b: Variable) -> Variable:
    """Σ_t outer(A[t], B[t]) (or A[t]ᵀ B[t]) over the stacked rows: Aᵀ B."""
    if rows_a.ndim == 3:
        rows_a, rows_b = reshape(rows_a, (-1, rows_a.shape[2])), reshape(rows_b, (-1, rows_b.shape[2]))
    return dot(rows_a.T, rows_b)
