"""Products: the `Dot` op (sums of products over contracted axes, batched),
and NumPy's dot, matmul (`@`), vecdot, matvec, vecmat, tensordot and outer,
each laying its operands out for one Dot."""

from __future__ import annotations

import numpy as np

from scanjit.dtypes import is_float, upcast
from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import add, cast, mul
from scanjit.tensor.shape import dimshuffle, flatten


class Dot(Op):
    """Sums of products. Each operand is first laid out by its dimshuffle
    order (None: as it is), a as (batch..., [m], k...) and b as (batch...,
    k..., [n]), with `batch` leading axes and `contract` axes k; the result
    is (batch..., [m], [n]), out[β, i, j] = sum over κ of a[β, i, κ] *
    b[β, κ, j], added from zero in row-major order of κ. A batch axis of
    static length 1 broadcasts; other lengths must agree (PyTensor's rule).
    `name` is the function errors name (dot, tensordot)."""

    def __init__(self, batch: int = 0, contract: int = 1, orders=(None, None), name: str = "dot"):
        self.batch, self.contract, self.name = batch, contract, name
        self.orders = tuple(None if o is None or tuple(o) == tuple(range(len(o))) else tuple(o)
                            for o in orders)

    def laid_out(self, k: int, shape, one=1) -> tuple:
        order = self.orders[k]
        return tuple(shape) if order is None else tuple(one if a == "x" else shape[a] for a in order)

    def free_axes(self, ndim: int) -> int:
        """How many of m (or n) a laid-out operand of `ndim` axes has."""
        return ndim - self.batch - self.contract

    def make_node(self, a, b) -> Apply:
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        sa, sb = self.laid_out(0, a.type.shape), self.laid_out(1, b.type.shape)
        free = [self.free_axes(len(s)) for s in (sa, sb)]
        if any(f not in (0, 1) for f in free):
            raise TypeError(f"{self} takes operands of {self.batch + self.contract} or "
                            f"{self.batch + self.contract + 1} axes, got {a.label()} and {b.label()}")
        if what := self.mismatch(sa, sb, sa, sb):
            raise ValueError(self.message(a.label(), b.label(), a.type.shape, b.type.shape, what))
        batch = [y if x == 1 else x if x is not None else None if y == 1 else y
                 for x, y in zip(sa[:self.batch], sb)]
        shape = tuple(batch) + sa[self.batch:self.batch + free[0]] + sb[len(sb) - free[1]:]
        return Apply(self, [a, b], [Variable(TensorType(upcast(a.dtype, b.dtype), shape))])

    def mismatch(self, la, lb, static_a, static_b) -> str | None:
        """What laid-out lengths `la`, `lb` (None: unknown) break, if anything."""
        n, c = self.batch, self.contract
        for x, y in zip(la[len(la) - c:], lb[n:n + c]):
            if x is not None and y is not None and x != y:
                return "are not aligned"
        for t in range(n):
            if static_a[t] != 1 and static_b[t] != 1 and None not in (la[t], lb[t]) and la[t] != lb[t]:
                return "do not broadcast"
        return None

    def message(self, a: str, b: str, shape_a, shape_b, what: str) -> str:
        return f"{self.name} of {a} and {b}: shapes {tuple(shape_a)} and {tuple(shape_b)} {what}"

    def infer_shape(self, node, shapes, dims):
        la, lb = (self.laid_out(k, shapes[k], dims.const(1)) for k in (0, 1))
        sa = self.laid_out(0, node.inputs[0].type.shape)
        batch = [y if s == 1 else x for s, x, y in zip(sa[:self.batch], la, lb)]
        free_a, free_b = self.free_axes(len(la)), self.free_axes(len(lb))
        return [batch + list(la[self.batch:self.batch + free_a]) + list(lb[len(lb) - free_b:])]

    # Float matrix products (2-d by 2-d) of this many multiply-adds and more
    # are NumPy's BLAS's, compiled (convert-dot-to-gemm) and here, k in parts
    # of BLAS_DEPTH summed in ascending order (runtime/gemm.ll).
    BLAS_FROM = 1 << 15
    BLAS_DEPTH = 64

    def plain(self) -> bool:
        """A product of vectors and matrices as they are (np.dot's)."""
        return (self.batch, self.contract, self.orders) == (0, 1, (None, None))

    def perform(self, node, inputs):
        """Float sums as compiled: from zero, κ ascending; NumPy's for large
        matrix products, by parts of k."""
        (x, y), out = node.inputs, node.outputs[0]
        a, b = (_lay_out(v, order).astype(out.dtype) for v, order in zip(inputs, self.orders))
        sa, sb = self.laid_out(0, x.type.shape), self.laid_out(1, y.type.shape)
        if what := self.mismatch(a.shape, b.shape, sa, sb):
            raise ValueError(self.message(x.label(), y.label(), inputs[0].shape, inputs[1].shape, what))
        n, c = self.batch, self.contract
        m = a.shape[n] if self.free_axes(a.ndim) else 1
        cols = b.shape[-1] if self.free_axes(b.ndim) else 1
        k = int(np.prod(a.shape[a.ndim - c:]))
        a, b = a.reshape(a.shape[:n] + (m, k)), b.reshape(b.shape[:n] + (k, cols))
        if self.plain() and x.ndim == y.ndim == 2 and m * k * cols >= self.BLAS_FROM:
            acc = np.matmul(a[:, :self.BLAS_DEPTH], b[:self.BLAS_DEPTH])
            for i in range(self.BLAS_DEPTH, k, self.BLAS_DEPTH):
                acc += np.matmul(a[:, i:i + self.BLAS_DEPTH], b[i:i + self.BLAS_DEPTH])
        elif is_float(out.dtype):
            acc = np.zeros(np.broadcast_shapes(a.shape[:n], b.shape[:n]) + (m, cols), out.dtype)
            for i in range(k):
                acc = acc + a[..., :, i:i + 1] * b[..., i:i + 1, :]
        else:
            acc = np.matmul(a, b)
        free = (m,) * self.free_axes(len(sa)) + (cols,) * self.free_axes(len(sb))
        return [acc.reshape(acc.shape[:n] + free)]

    def grad(self, inputs, output_grads):
        (a, b), (g,) = inputs, output_grads
        if not self.plain():
            return [self._operand_grad(0, a, b, g), self._operand_grad(1, a, b, g)]
        if a.ndim == 1 and b.ndim == 1:
            return [mul(g, b), mul(g, a)]
        if a.ndim == 1:
            return [dot(b, g), outer(a, g)]
        if b.ndim == 1:
            return [outer(g, b), dot(dimshuffle(a, 1, 0), g)]
        return [dot(g, dimshuffle(b, 1, 0)), dot(dimshuffle(a, 1, 0), g)]

    def R_op(self, inputs, outputs, tangents):
        """Bilinear: ta . b + a . tb."""
        (a, b), (ta, tb) = inputs, tangents
        terms = [self(*pair) for pair, t in (((ta, b), ta), ((a, tb), tb)) if t is not None]
        return [terms[0] if len(terms) == 1 else add(*terms) if terms else None]

    def _operand_grad(self, k: int, a: Variable, b: Variable, g: Variable) -> Variable:
        """The gradient of operand k (a: 0, b: 1), itself one Dot of g and the
        other operand: out[β, i, j] = sum over κ of A[β, i, κ] B[β, κ, j]
        gives dA[β, i, κ] = sum over j (and over the batch axes where A
        broadcasts) of g[β, i, j] B[β, κ, j], and dB[β, κ, j] = sum over i
        (and B's broadcast axes) of A[β, i, κ] g[β, i, j]. A Dot has at most
        one free axis per operand: all κ axes but one are batch axes of that
        product, g of length 1 on them. Its result is laid out as the operand
        was, its broadcast axes put back with length 1, its own axes' order
        restored."""
        n, c = self.batch, self.contract
        shapes = [self.laid_out(0, a.type.shape), self.laid_out(1, b.type.shape)]
        mine, other = shapes[k], shapes[1 - k]
        summed = [t for t in range(n) if mine[t] == 1 and other[t] != 1]  # where this operand broadcasts
        kept = [t for t in range(n) if t not in summed]
        has_m, has_n = self.free_axes(len(shapes[0])), self.free_axes(len(shapes[1]))
        order = [tuple(range(v.ndim)) if o is None else o for v, o in zip((a, b), self.orders)]
        g_m = [n] if has_m else []  # g's axes: batch..., [m], [n]
        g_n = [n + has_m] if has_n else []
        g_ones = ["x"] * max(c - 1, 0)
        if k == 0:  # dA = g (kept, 1.., [m], summed, [n]) · B (kept, κ1.., summed, [n], κc)
            kappa = [n + t for t in range(c)]  # in B's laid axes
            rhs_laid = (*kept, *kappa[:-1], *summed, *[n + c][:has_n], *kappa[-1:])
            product = Dot(len(kept) + len(g_ones), len(summed) + has_n,
                          ((*kept, *g_ones, *g_m, *summed, *g_n), tuple(order[1][p] for p in rhs_laid)),
                          self.name)(g, b)
            kappa = [n + has_m + t for t in range(c)]  # in A's laid axes
            laid = (*kept, *kappa[:-1], *g_m, *kappa[-1:])
        else:  # dB = A (kept, κ2.., κ1, summed, [m]) · g (kept, 1.., summed, [m], [n])
            kappa = [n + has_m + t for t in range(c)]  # in A's laid axes
            lhs_laid = (*kept, *kappa[1:], *kappa[:1], *summed, *g_m)
            product = Dot(len(kept) + len(g_ones), len(summed) + has_m,
                          (tuple(order[0][p] for p in lhs_laid), (*kept, *g_ones, *summed, *g_m, *g_n)),
                          self.name)(a, g)
            kappa = [n + t for t in range(c)]  # in B's laid axes
            laid = (*kept, *kappa[1:], *kappa[:1], *[n + c][:has_n])
        where = {axis: laid.index(p) if p in laid else "x" for p, axis in enumerate(order[k]) if axis != "x"}
        return dimshuffle(product, *[where[axis] for axis in range((a, b)[k].ndim)])

    def __str__(self):
        if self.plain():
            return "Dot"
        orders = ",".join("" if o is None else "(" + ",".join(map(str, o)) + ")" for o in self.orders)
        return f"Dot{{batch={self.batch}, contract={self.contract}, orders={orders}}}"


def _lay_out(x: np.ndarray, order) -> np.ndarray:
    if order is None:
        return x
    kept = x.transpose([a for a in order if a != "x"])
    return kept.reshape([1 if a == "x" else x.shape[a] for a in order])


def _batched(a: Variable, b: Variable, core_a: int, core_b: int) -> Variable:
    """matmul's layout: the last `core_a` axes of a ((k) or (m, k)) and
    `core_b` of b ((k) or (k, n)) are the core, the axes before them batch
    axes aligned on the right (missing ones of length 1)."""
    batch = max(a.ndim - core_a, b.ndim - core_b)
    orders = [("x",) * (batch - (v.ndim - core)) + tuple(range(v.ndim)) for v, core in ((a, core_a), (b, core_b))]
    return Dot(batch, 1, orders)(a, b)


def dot(a, b) -> Variable:
    """NumPy's dot: a scalar operand multiplies; otherwise sums over the last
    axis of a and the second-to-last of b (the only one of a vector)."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0 or b.ndim == 0:
        return mul(a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        return Dot()(a, b)
    return tensordot(a, b, [[a.ndim - 1], [max(0, b.ndim - 2)]], name="dot")


def matmul(x1, x2, dtype=None) -> Variable:
    """NumPy's matmul (`x1 @ x2`): stacks of matrices in the last two axes,
    their batch axes broadcast (a static length 1); a vector operand is a
    matrix of one row (x1) or column (x2), removed from the result."""
    a, b = as_tensor_variable(x1), as_tensor_variable(x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul operand cannot be scalar")
    out = _batched(a, b, min(a.ndim, 2), min(b.ndim, 2))
    return out if dtype is None else cast(out, dtype)


def vecdot(x1, x2, dtype=None) -> Variable:
    """Dot products of vectors along the last axis, other axes broadcast."""
    out = _batched(as_tensor_variable(x1), as_tensor_variable(x2), 1, 1)
    return out if dtype is None else cast(out, dtype)


def matvec(x1, x2, dtype=None) -> Variable:
    """Matrices (..., m, k) times vectors (..., k)."""
    out = _batched(as_tensor_variable(x1), as_tensor_variable(x2), 2, 1)
    return out if dtype is None else cast(out, dtype)


def vecmat(x1, x2, dtype=None) -> Variable:
    """Vectors (..., k) times matrices (..., k, n)."""
    out = _batched(as_tensor_variable(x1), as_tensor_variable(x2), 1, 2)
    return out if dtype is None else cast(out, dtype)


def _axes_list(axes, ndim: int, label: str) -> list[int]:
    axes = list(axes) if isinstance(axes, list | tuple | np.ndarray) else [axes]
    out = []
    for axis in axes:
        if not -ndim <= axis < ndim:
            raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension {ndim}")
        out.append(int(axis) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in the tensordot axes of {label}")
    return out


def tensordot(a, b, axes=2, name: str = "tensordot") -> Variable:
    """Sums of products over `axes` (an int N: the last N of a with the first
    N of b; or a pair of sequences of axes, summed pairwise); the result's
    axes are a's others, then b's others, in order."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if isinstance(axes, int | np.integer):
        if axes < 0 or axes > min(a.ndim, b.ndim):
            raise ValueError(f"tensordot of {a.label()} and {b.label()}: cannot sum over {axes} axes")
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a, axes_b = _axes_list(axes_a, a.ndim, a.label()), _axes_list(axes_b, b.ndim, b.label())
        if len(axes_a) != len(axes_b):
            raise ValueError("The number of axes supplied for tensordot must be equal for each tensor. "
                             f"Got {len(axes_a)} and {len(axes_b)} respectively.")
    free_a = [k for k in range(a.ndim) if k not in axes_a]
    free_b = [k for k in range(b.ndim) if k not in axes_b]
    # a's free axes and b's but the last are batch axes (each operand of length 1
    # on the other's), b's last free axis is the column axis n.
    batch_b = free_b[:-1]
    order_a = (*free_a, *["x"] * len(batch_b), *axes_a)
    order_b = (*["x"] * len(free_a), *batch_b, *axes_b, *free_b[-1:])
    return Dot(len(free_a) + len(batch_b), len(axes_a), (order_a, order_b), name)(a, b)


def outer(x, y) -> Variable:
    """x[:, None] * y[None, :], non-vectors flattened first."""
    x, y = (v if v.ndim == 1 else flatten(v) for v in map(as_tensor_variable, (x, y)))
    return mul(dimshuffle(x, 0, "x"), dimshuffle(y, "x", 0))
