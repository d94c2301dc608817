"""`CumOp`: running sums and products (`cumsum`, `cumprod`), and `diff` and
`broadcast_arrays`, as in `pytensor.tensor.extra_ops`."""

from __future__ import annotations

import numpy as np

from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable
from numpy.lib.array_utils import normalize_axis_index

from scanjit.tensor.elemwise import mul, second, sub, true_div
from scanjit.tensor.shape import reshape, shape
from scanjit.tensor.subtensor import flip


class CumOp(Op):
    """Running sums (`mode` "add") or products ("mul") along `axis`, or of
    the elements in row-major order (axis None: a vector). The result keeps
    the input's dtype, as PyTensor's does: integers wrap, and bools are
    combined as bools (or, and), as in its C backend."""

    def __init__(self, axis: int | None, mode: str):
        self.axis, self.mode = axis, mode

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if self.axis is not None:
            return Apply(self, [x], [Variable(TensorType(x.dtype, x.type.shape))])
        size = None if None in x.type.shape else int(np.prod(x.type.shape))
        return Apply(self, [x], [Variable(TensorType(x.dtype, (size,)))])

    def infer_shape(self, node, shapes, dims):
        if self.axis is not None:
            return [shapes[0]]
        size = dims.const(1)
        for length in shapes[0]:
            size = dims.mul(size, length)
        return [[size]]

    def perform(self, node, inputs):
        x = inputs[0]
        accumulate = np.cumsum if self.mode == "add" else np.cumprod
        return [accumulate(x, axis=self.axis, dtype=x.dtype)]

    def L_op(self, inputs, outputs, output_grads):
        """PyTensor's: the running sums of the gradient taken from the end;
        for products, of the gradient times the output, over x (NaN at zeros,
        as PyTensor)."""
        (x,), (out,), (g,) = inputs, outputs, output_grads
        axis = 0 if self.axis is None else self.axis
        if self.mode == "mul":
            g = mul(out, g)
        found = flip(CumOp(axis, "add")(flip(g, axis)), axis)
        if self.axis is None:
            found = reshape(found, shape(x))
        return [found if self.mode == "add" else true_div(found, x)]

    def linear_inputs(self, node):
        return [0] if self.mode == "add" else []

    def __str__(self):
        return f"CumOp{{{self.axis}, {self.mode}}}"


def _cumulative(x, axis, mode: str) -> Variable:
    x = as_tensor_variable(x)
    if axis is not None:
        if not -x.ndim <= axis < x.ndim:
            raise ValueError(f"axis(={axis}) out of bounds")
        axis = int(axis) % x.ndim
    elif x.ndim == 1:
        axis = 0
    return CumOp(axis, mode)(x)


def cumsum(x, axis=None) -> Variable:
    """Running sums along `axis`, or of the flattened `x` (axis None)."""
    return _cumulative(x, axis, "add")


def cumprod(x, axis=None) -> Variable:
    """Running products along `axis`, or of the flattened `x` (axis None)."""
    return _cumulative(x, axis, "mul")


def diff(x, n=1, axis=-1) -> Variable:
    """The n-th differences along `axis`: x[1:] - x[:-1], n times."""
    x = as_tensor_variable(x)
    axis = normalize_axis_index(axis, x.ndim)
    later, earlier = ([slice(None)] * axis + [part] for part in (slice(1, None), slice(None, -1)))
    for _ in range(n):
        x = sub(x[tuple(later)], x[tuple(earlier)])
    return x


def broadcast_arrays(*args) -> tuple[Variable, ...]:
    """Each argument broadcast to the shape of all together."""
    args = [as_tensor_variable(a) for a in args]
    out = []
    for k, a in enumerate(args):
        for other in args[:k] + args[k + 1:]:
            a = second(other, a)
        out.append(a)
    return tuple(out)
