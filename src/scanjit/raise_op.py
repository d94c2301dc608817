"""Run-time assertions in a graph, as `pytensor.raise_op`: `assert_op(x,
*conditions)` is `x`, after checking that every condition is true (else
`exc_type(msg)`, AssertionError by default as in PyTensor)."""

from __future__ import annotations

import numpy as np

from scanjit.graph import Apply, Op, Variable
from scanjit.tensor.basic import as_tensor_variable


class Assert(Op):
    def __init__(self, msg: str = "Assertion failed", exc_type: type[Exception] = AssertionError):
        self.msg, self.exc_type = msg, exc_type

    def make_node(self, x, *conditions) -> Apply:
        x = as_tensor_variable(x)
        conditions = [as_tensor_variable(c) for c in conditions]
        if any(c.ndim != 0 for c in conditions):
            raise TypeError("assert_op's conditions must be scalars")
        return Apply(self, [x, *conditions], [Variable(x.type)])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0]]

    def perform(self, node, inputs):
        x, *conditions = inputs
        if not all(bool(np.asarray(c)) for c in conditions):
            raise self.exc_type(self.msg)
        return [x]

    def grad(self, inputs, output_grads):
        return [output_grads[0], *[None] * (len(inputs) - 1)]

    def __str__(self):
        return f"Assert{{{self.msg}}}"


def assert_op(x, *conditions, msg: str = "Assertion failed", exc_type: type[Exception] = AssertionError):
    return Assert(msg, exc_type)(x, *conditions)
