"""Lazy conditionals, as `pytensor.ifelse`: `ifelse(cond, then, else)` is
`then` when the scalar `cond` is non-zero, else `else`, and computes only
the branch taken (what only that branch needs runs inside an `scf.if`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scanjit.dtypes import is_float
from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.creation import zeros_like


class IfElse(Op):
    """Inputs: the condition, the n outputs of the then-branch, then the n
    of the else-branch. Outputs: those of the branch taken."""

    def __init__(self, n_outs: int, name: str | None = None):
        self.n_outs = n_outs
        self.name = name

    def make_node(self, condition, *branches) -> Apply:
        if len(branches) != 2 * self.n_outs:
            raise ValueError(f"Wrong number of arguments: expected {2 * self.n_outs}, got {len(branches)}")
        condition = as_tensor_variable(condition)
        if condition.ndim > 0:
            raise TypeError("The condition argument must be a truthy scalar value")
        branches = [b if isinstance(b, Variable) else as_tensor_variable(b) for b in branches]
        outputs = []
        for t, f in zip(branches[:self.n_outs], branches[self.n_outs:]):
            if type(t.type) is not type(f.type):
                raise TypeError(f"Input types {type(t.type)} and {type(f.type)} do not match.")
            if t.dtype != f.dtype:
                raise TypeError("IfElse requires compatible dtypes for both branches: got "
                                f"true_branch={t.dtype}, false_branch={f.dtype}")
            if t.ndim != f.ndim:
                raise TypeError("IfElse requires compatible ndim values for both branches: got "
                                f"true_branch={t.ndim}, false_branch={f.ndim}")
            if isinstance(t.type, TensorType):  # static lengths only where both branches agree
                outputs.append(Variable(TensorType(t.dtype, [a if a == b else None
                                                             for a, b in zip(t.type.shape, f.type.shape)])))
            else:
                outputs.append(Variable(t.type))
        return Apply(self, [condition, *branches], outputs)

    def lazy_inputs(self, node) -> list[list[int]]:
        n = self.n_outs
        return [list(range(1, 1 + n)), list(range(1 + n, 1 + 2 * n))]

    def taken(self, condition) -> int:
        """The input group of the branch `condition` selects (0: then, 1: else)."""
        return 0 if np.asarray(condition) != 0 else 1

    def infer_shape(self, node, shapes, dims):
        cond, n = node.inputs[0], self.n_outs
        return [[a if a is b or a == b else dims.select(cond, a, b) for a, b in zip(t, f)]
                for t, f in zip(shapes[1:1 + n], shapes[1 + n:])]

    def perform(self, node, inputs):
        """`inputs` of the branch not taken may be None (never computed)."""
        n = self.n_outs
        chosen = inputs[1:1 + n] if self.taken(inputs[0]) == 0 else inputs[1 + n:]
        return [x if isinstance(x, np.random.Generator) else np.array(x, copy=True) for x in chosen]

    def grad(self, inputs, output_grads):
        """A branch's inputs get their outputs' gradients when it is taken,
        else zeros (shaped as themselves); the condition gets zeros, as PyTensor."""
        n, condition = self.n_outs, inputs[0]
        then_grads, else_grads = [], []
        for t, f, g in zip(inputs[1:1 + n], inputs[1 + n:], output_grads):
            if g is None or not is_float(t.dtype):  # not connected, or an integer's zeros
                then_grads.append(None if g is None else 0)
                else_grads.append(None if g is None else 0)
                continue
            then_grads.append(ifelse(condition, g, zeros_like(t)))
            else_grads.append(ifelse(condition, zeros_like(f), g))
        return [0, *then_grads, *else_grads]

    def linear_inputs(self, node):
        """The branches' tensors (the tangents' ifelse computes only the one
        taken); a generator stays as it is."""
        return [k for k in range(1, len(node.inputs)) if isinstance(node.inputs[k].type, TensorType)]

    def __str__(self):
        return f"if{{{self.name or ''}}}"


def ifelse(condition, then_branch, else_branch, name: str | None = None):
    """`then_branch` if `condition` (a scalar) is non-zero, else `else_branch`,
    computing only the one taken; each a variable or a list/tuple of them
    (matching in number, dtype and ndim), returned in the same form."""
    result_type = type(then_branch) if isinstance(then_branch, list | tuple) else None
    then_branch = list(then_branch) if result_type else [then_branch]
    else_branch = list(else_branch) if isinstance(else_branch, list | tuple) else [else_branch]
    if len(then_branch) != len(else_branch):
        raise ValueError("The number of values on the `then` branch must match the `else` branch: got "
                         f"{len(then_branch)} for `then`, and {len(else_branch)} for `else`.")
    outputs = IfElse(len(then_branch), name).make_node(condition, *then_branch, *else_branch).outputs
    return outputs[0] if result_type is None else result_type(outputs)


__all__ = ["IfElse", "ifelse"]
