"""Reverse-mode gradients as graphs (`pytensor.grad`): `grad` walks the
graph from the cost back to `wrt`, asking each Op for the gradients of its
inputs given those of its outputs (`Op.L_op`, which by default calls
`Op.grad(inputs, output_grads)`), and adds up the terms each variable gets.

A term of None means "not connected" (PyTensor's DisconnectedType). As in
PyTensor, gradients are never integers: a variable that reaches the cost only
through integer-valued outputs, or is itself an integer, gets zeros of
floatX (connected); a float variable's gradient has its dtype."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from scanjit import config
from scanjit.dtypes import is_float
from scanjit.graph import Apply, Constant, Op, Variable, toposort
from scanjit.tensor.basic import as_tensor_variable, constant
from scanjit.tensor.elemwise import add, cast, second
from scanjit.tensor.math import sum as sum_
from scanjit.tensor.join import join
from scanjit.tensor.subtensor import FULL, INDEX, SetSubtensor, added_into_zeros, sum_of_parts


class DisconnectedInputError(ValueError):
    """A `wrt` variable the cost does not depend on (disconnected_inputs="raise")."""


class GradientError(Exception):
    """`verify_grad`: the symbolic and numeric gradients differ."""

    def __init__(self, arg, err_pos, shape, val1, val2, abs_err, rel_err, abs_tol, rel_tol):
        super().__init__()
        self.arg, self.err_pos, self.shape, self.val1, self.val2 = arg, err_pos, shape, val1, val2
        self.abs_err, self.rel_err, self.abs_tol, self.rel_tol = abs_err, rel_err, abs_tol, rel_tol

    def __str__(self):
        return (f"GradientError: numeric gradient and analytic gradient exceed tolerance:\n"
                f"        At position {self.err_pos} of argument {self.arg} with shape {self.shape},\n"
                f"            val1 = {self.val1:f}      ,  val2 = {self.val2:f}\n"
                f"            abs. error = {self.abs_err:f},  abs. tolerance = {self.abs_tol:f}\n"
                f"            rel. error = {self.rel_err:f},  rel. tolerance = {self.rel_tol:f}")


def float_zeros_like(x: Variable) -> Variable:
    """Zeros shaped as `x`, of its dtype if float, else of floatX."""
    return second(x, constant(0, dtype=x.dtype if is_float(x.dtype) else config.floatX))


def unbroadcast(term: Variable, x: Variable) -> Variable:
    """`term`, the gradient of a value `x` broadcast to `term`'s shape, summed
    back to `x`'s shape: over the leading axes `x` lacks, and over the axes
    where `x` has static length 1 and `term` not."""
    lead = term.ndim - x.ndim
    if lead:
        term = sum_(term, axis=tuple(range(lead)))
    ones = tuple(a for a, (n, m) in enumerate(zip(x.type.shape, term.type.shape)) if n == 1 and m != 1)
    if ones:
        term = sum_(term, axis=ones, keepdims=True)
    return term


class GradientBarrier(Op):
    """`x` itself, whose gradient is zero (`zero_grad`) or disconnected
    (`disconnected_grad`)."""

    def __init__(self, kind: str):
        self.kind = kind  # "zero" or "disconnected"

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [Variable(x.type)])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0]]

    def perform(self, node, inputs):
        return [inputs[0]]

    def grad(self, inputs, output_grads):
        return [float_zeros_like(inputs[0]) if self.kind == "zero" else None]

    def R_op(self, inputs, outputs, tangents):
        """PyTensor's: zero_grad's tangent is zeros, disconnected_grad's none."""
        return [float_zeros_like(inputs[0]) if self.kind == "zero" else None]

    def __str__(self):
        return "ZeroGrad" if self.kind == "zero" else "DisconnectedGrad"


def zero_grad(x) -> Variable:
    """`x`, with a zero gradient."""
    return GradientBarrier("zero")(x)


def disconnected_grad(x) -> Variable:
    """`x`, through which no gradient flows (as if it were a constant)."""
    return GradientBarrier("disconnected")(x)


def backprop(seeds: dict[Variable, Variable], wrt: Sequence[Variable], consider_constant=(),
             cost_name: str | None = None) -> list[Variable | None]:
    """The gradients (None: not connected) of the variables `wrt`, given
    those of `seeds` (a dict variable -> its gradient)."""
    constant_ids = {id(v) for v in consider_constant or ()}
    wrt_ids = {id(v) for v in wrt}
    nodes = toposort(list(seeds), stop=lambda v: id(v) in wrt_ids or id(v) in constant_ids)
    relevant = set(wrt_ids)
    for node in nodes:
        if any(id(v) in relevant and id(v) not in constant_ids for v in node.inputs):
            relevant.update(id(o) for o in node.outputs)
    terms: dict[int, list[Variable]] = {}
    for var, g in seeds.items():
        terms.setdefault(id(var), []).append(_as_gradient_of(var, g, "a known gradient"))
    total: dict[int, Variable | None] = {}

    def gradient_of(var: Variable) -> Variable | None:
        if id(var) not in total:
            found = terms.get(id(var), [None])
            g = found[0]
            for term in found[1:]:
                part = sum_of_parts(g, term)
                g = add(g, term) if part is None else part
            if (joined := tiled(g)) is not None:
                g = joined
            if g is not None and cost_name is not None and var.name is not None:
                g.name = f"(d{cost_name}/d{var.name})"
            total[id(var)] = g
        return total[id(var)]

    for node in reversed(nodes):
        wanted = [k for k, v in enumerate(node.inputs) if id(v) in relevant and id(v) not in constant_ids]
        if not wanted:
            continue
        output_grads = [gradient_of(o) for o in node.outputs]
        connected = [o for o, g in zip(node.outputs, output_grads) if g is not None]
        if not connected:
            continue
        if all(not is_float(o.dtype) for o in connected):  # only integer outputs reach the cost
            input_grads = [0] * len(node.inputs)
        else:
            input_grads = list(node.op.wanted_L_op(node.inputs, node.outputs, output_grads, set(wanted)))
            if len(input_grads) != len(node.inputs):
                raise ValueError(f"{node.op} returned {len(input_grads)} gradients for "
                                 f"{len(node.inputs)} inputs")
        for k in wanted:
            if input_grads[k] is not None:
                var = node.inputs[k]
                term = _as_gradient_of(var, input_grads[k], f"the gradient of {node.op}")
                terms.setdefault(id(var), []).append(term)
    return [gradient_of(v) for v in wrt]


def tiled(g: Variable | None) -> Variable | None:
    """The parts' gradients that `g` adds into zeros, `x[..., :k]`, `x[..., k:]`
    (slices of one axis, no step), joined along that axis when they tile it:
    the first from its start, each ending where the next starts, the last to
    its end (2 parts: any bound k; more: constant bounds of one sign, in
    order). No zeros filled, then added to. Else None."""
    parts, axes = [], set()
    while g is not None and added_into_zeros(g, chained=True):
        node = g.owner
        if not isinstance(node.op, SetSubtensor):
            return None
        x, value, *key = node.inputs
        entries = node.op.key.idx_list
        sliced = [a for a, e in enumerate(entries) if e != FULL]
        if len(sliced) != 1 or entries[sliced[0]] == INDEX or entries[sliced[0]][2] or value.ndim != x.ndim or \
                any(v == 1 and (a == sliced[0] or n != 1) for a, (v, n) in enumerate(zip(value.type.shape, x.type.shape))):
            return None  # (a value broadcast to its part)
        start, stop = entries[sliced[0]][:2]
        parts.append((key[0] if start else None, key[int(start)] if stop else None, value))
        axes.add(sliced[0])
        g = x
    first = [k for k, (start, _, _) in enumerate(parts) if start is None]
    if len(axes) != 1 or len(parts) < 2 or len(first) != 1:
        return None
    order = first
    while len(order) < len(parts):
        following = [k for k, (start, _, _) in enumerate(parts) if k not in order and same_bound(start, parts[order[-1]][1])]
        if len(following) != 1:
            return None
        order.append(following[0])
    bounds = [parts[k][1] for k in order[:-1]]
    if parts[order[-1]][1] is not None or len(parts) > 2 and not ordered_constants(bounds):
        return None
    return join(axes.pop(), *[parts[k][2] for k in order])


def same_bound(a: Variable | None, b: Variable | None) -> bool:
    if a is None or b is None:
        return False
    return a is b or isinstance(a, Constant) and isinstance(b, Constant) and int(a.data) == int(b.data)


def ordered_constants(bounds: list) -> bool:
    """Constant slice bounds, all >= 0 or all < 0, in increasing order: their
    parts then follow each other whatever the axis's length."""
    if not all(isinstance(b, Constant) for b in bounds):
        return False
    values = [int(b.data) for b in bounds]
    return values == sorted(values) and (min(values) >= 0 or max(values) < 0)


def _as_gradient_of(var: Variable, term, what: str) -> Variable:
    """`term` (0: zeros) as the gradient of `var`: summed back over the axes
    `var` was broadcast on (an elementwise op's input), of `var`'s dtype
    (floatX zeros for integers)."""
    if isinstance(term, int) and term == 0 or not is_float(var.dtype):
        return float_zeros_like(var)
    term = as_tensor_variable(term)
    if term.ndim < var.ndim:
        raise ValueError(f"{what} has {term.ndim} dimensions, but {var.label()} has {var.ndim}")
    return cast(unbroadcast(term, var), var.dtype)


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True, known_grads=None,
         return_disconnected="zero", null_gradients="raise"):
    """The gradient of the scalar `cost` with respect to `wrt` (a variable,
    or a list or tuple of them: the result is then one too), as a graph;
    PyTensor's arguments and semantics."""
    if disconnected_inputs not in ("ignore", "warn", "raise"):
        raise ValueError("Invalid value for keyword 'disconnected_inputs', valid values are "
                         "'ignore', 'warn' and 'raise'.")
    if return_disconnected.lower() not in ("zero", "none", "disconnected"):
        raise ValueError(f"return_disconnected must be 'zero', 'none' or 'disconnected', got "
                         f"{return_disconnected!r}")
    if cost is None and known_grads is None:
        raise ValueError("cost and known_grads can't both be None.")
    seeds = {}
    if cost is not None:
        cost = as_tensor_variable(cost)
        if cost.ndim != 0:
            raise TypeError("Cost must be a scalar.")
        seeds[cost] = constant(1, dtype=cost.dtype if is_float(cost.dtype) else config.floatX)
    for var, g in (known_grads or {}).items():
        if not isinstance(g, Variable):
            raise TypeError("output grads must be pytensor variables. Ambiguous whether "
                            f"{type(g)} should be made into tensor or sparse pytensor variable")
        if not is_float(g.dtype):
            raise TypeError(f"Gradients must always be continuous, but grad was given a known_grad "
                            f"of type {g.type}")
        seeds[var] = g
    wrt_list = list(wrt) if isinstance(wrt, list | tuple) else [wrt]
    for v in wrt_list:
        if not isinstance(v, Variable):
            raise TypeError(f"Expected Variable, got {v!r} of type {type(v)}")
    name = cost.name if add_names and cost is not None else None
    found = backprop(seeds, wrt_list, consider_constant, name)
    results = []
    for v, g in zip(wrt_list, found):
        if g is None:
            _disconnected(v, disconnected_inputs)
            g = float_zeros_like(v) if return_disconnected.lower() == "zero" else None
        results.append(g)
    if isinstance(wrt, tuple):
        return tuple(results)
    return results if isinstance(wrt, list) else results[0]


def _disconnected(var: Variable, policy: str) -> None:
    message = ("grad method was asked to compute the gradient with respect to a variable that is "
               "not part of the computational graph of the cost, or is used only by a "
               f"non-differentiable operator: {var}")
    if policy == "raise":
        raise DisconnectedInputError(message)
    if policy == "warn":
        warnings.warn(message, stacklevel=3)
