"""Reductions (`Reduce`: sum, prod, max, min; mean), `Argmax`, `Dot` and
`outer`."""

from __future__ import annotations

import numpy as np

from scanjit.dtypes import is_float, upcast
from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable, constant
from scanjit.tensor.elemwise import cast, mul, true_div
from scanjit.tensor.shape import Shape, dimshuffle


def _normalize_axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of bounds for a tensor of {ndim} dimensions")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(sorted(out))


_REDUCTIONS = {"add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}


class Reduce(Op):
    """Sum, product, max or min over `axes`."""

    def __init__(self, kind: str, axes: tuple[int, ...]):
        self.kind, self.axes = kind, axes

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        dtype = x.dtype
        if self.kind in ("add", "mul") and dtype in ("bool", "int8", "int16", "int32"):
            dtype = "int64"
        shape = tuple(s for i, s in enumerate(x.type.shape) if i not in self.axes)
        return Apply(self, [x], [Variable(TensorType(dtype, shape))])

    def infer_shape(self, node, shapes, dims):
        return [[d for a, d in enumerate(shapes[0]) if a not in self.axes]]

    def perform(self, node, inputs):
        """Float sums and products as compiled: kept axes outermost, reduced
        axes innermost in row-major order, accumulated from the identity."""
        out = node.outputs[0]
        x = inputs[0].astype(out.dtype)
        if self.kind in ("max", "min"):
            for axis in self.axes:
                if x.shape[axis] == 0:
                    raise ValueError(f"{self.kind} of an empty axis of {node.inputs[0].label()}")
        ufunc = _REDUCTIONS[self.kind]
        if not is_float(out.dtype) or self.kind in ("max", "min"):
            return [ufunc.reduce(x, axis=self.axes)]
        kept = [a for a in range(x.ndim) if a not in self.axes]
        kept_shape = tuple(x.shape[a] for a in kept)
        count = int(np.prod([x.shape[a] for a in self.axes]))
        rows = x.transpose(kept + list(self.axes)).reshape(kept_shape + (count,))
        acc = np.full(kept_shape, 0 if self.kind == "add" else 1, out.dtype)
        for r in range(count):
            acc = ufunc(acc, rows[..., r])
        return [acc]

    def __str__(self):
        return f"Reduce{{{self.kind}, axes={list(self.axes)}}}"


def _reduce(kind: str, x, axis=None) -> Variable:
    x = as_tensor_variable(x)
    axes = _normalize_axes(axis, x.ndim)
    return Reduce(kind, axes)(x) if axes else x


def sum(x, axis=None):
    return _reduce("add", x, axis)


def prod(x, axis=None):
    return _reduce("mul", x, axis)


def max(x, axis=None):
    return _reduce("max", x, axis)


def min(x, axis=None):
    return _reduce("min", x, axis)


def mean(x, axis=None):
    x = as_tensor_variable(x)
    axes = _normalize_axes(axis, x.ndim)
    total = sum(x, axis)
    if not is_float(total.dtype):
        total = cast(total, "float64")
    count = mul(*[Shape(a)(x) for a in axes]) if len(axes) > 1 else (
        Shape(axes[0])(x) if axes else constant(1))
    return true_div(total, cast(count, total.dtype))


class Argmax(Op):
    def __init__(self, axis: int | None):
        self.axis = axis

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        shape = () if self.axis is None else tuple(
            s for i, s in enumerate(x.type.shape) if i != self.axis)
        return Apply(self, [x], [Variable(TensorType("int64", shape))])

    def infer_shape(self, node, shapes, dims):
        return [[] if self.axis is None else [d for a, d in enumerate(shapes[0]) if a != self.axis]]

    def perform(self, node, inputs):
        x = inputs[0]
        for a in range(x.ndim) if self.axis is None else [self.axis]:
            if x.shape[a] == 0:
                raise ValueError(f"argmax of an empty axis of {node.inputs[0].label()}")
        return [np.argmax(x, axis=self.axis)]

    def __str__(self):
        return f"Argmax{{axis={self.axis}}}"


def argmax(x, axis=None):
    x = as_tensor_variable(x)
    if x.ndim == 0:
        raise ValueError("argmax of a 0-d tensor")
    if axis is not None:
        axis = _normalize_axes(axis, x.ndim)
        if len(axis) != 1:
            raise NotImplementedError("argmax over several axes")
        axis = axis[0]
        if x.ndim == 1:
            axis = None
    return Argmax(axis)(x)


class Dot(Op):
    def make_node(self, a, b) -> Apply:
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if a.ndim not in (1, 2) or b.ndim not in (1, 2):
            raise NotImplementedError(f"dot of {a.ndim}-d and {b.ndim}-d tensors")
        k_a, k_b = a.type.shape[-1], b.type.shape[0]
        if k_a is not None and k_b is not None and k_a != k_b:
            raise ValueError(f"dot: shapes {a.type.shape} and {b.type.shape} are not aligned")
        shape = a.type.shape[:-1] + b.type.shape[1:]
        return Apply(self, [a, b], [Variable(TensorType(upcast(a.dtype, b.dtype), shape))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0][:-1] + shapes[1][1:]]

    def perform(self, node, inputs):
        """Float sums as compiled: from zero, k ascending."""
        dtype = node.outputs[0].dtype
        a, b = (x.astype(dtype) for x in inputs)
        if a.shape[-1] != b.shape[0]:
            raise ValueError(f"dot of {node.inputs[0].label()} and {node.inputs[1].label()}: "
                             f"shapes {a.shape} and {b.shape} are not aligned")
        if not is_float(dtype):
            return [np.dot(a, b)]
        acc = np.zeros(a.shape[:-1] + b.shape[1:], dtype)
        for k in range(a.shape[-1]):
            lhs = a[..., k]
            acc = acc + (lhs[:, None] * b[k] if a.ndim == 2 and b.ndim == 2 else lhs * b[k])
        return [acc]


def dot(a, b):
    return Dot()(a, b)


def outer(a, b) -> Variable:
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError("outer takes two vectors")
    return mul(dimshuffle(a, 0, "x"), dimshuffle(b, "x", 0))

