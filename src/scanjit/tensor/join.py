"""Tensors made of several: `Join` (`concatenate`, `join`, `stack`),
`split`, and `as_tensor_variable` of lists holding variables."""

from __future__ import annotations

import functools

import numpy as np

from scanjit.dtypes import upcast
from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.raise_op import assert_op
from scanjit.tensor import basic
from scanjit.tensor.elemwise import add, cast, eq
from scanjit.tensor.shape import MakeVector, Shape, expand_dims
from scanjit.tensor.variable import getitem


class Join(Op):
    """The inputs (of one number of dimensions) one after the other along `axis`."""

    def __init__(self, axis: int):
        self.axis = axis

    def make_node(self, *tensors) -> Apply:
        tensors = [basic.as_tensor_variable(t) for t in tensors]
        ndim = tensors[0].ndim
        if ndim == 0 or any(t.ndim != ndim for t in tensors):
            raise ValueError(f"join: the tensors must have one number of dimensions, at least 1; "
                             f"got {[t.ndim for t in tensors]}")
        if not 0 <= self.axis < ndim:
            raise ValueError(f"join: axis {self.axis} is out of bounds for {ndim} dimensions")
        dtype = upcast(*[t.dtype for t in tensors])
        tensors = [cast(t, dtype) for t in tensors]
        shape = []
        for a, lengths in enumerate(zip(*[t.type.shape for t in tensors])):
            if a == self.axis:
                shape.append(None if None in lengths else sum(lengths))
            else:
                known = {n for n in lengths if n is not None}
                if len(known) > 1:
                    raise ValueError(f"join: the tensors' lengths on axis {a} differ: {lengths}")
                shape.append(known.pop() if known else None)
        return Apply(self, tensors, [Variable(TensorType(dtype, tuple(shape)))])

    def infer_shape(self, node, shapes, dims):
        total = functools.reduce(dims.add, [shape[self.axis] for shape in shapes])
        return [[total if a == self.axis else length for a, length in enumerate(shapes[0])]]

    def perform(self, node, inputs):
        first = inputs[0]
        for k, x in enumerate(inputs[1:], 1):
            for a in range(first.ndim):
                if a != self.axis and x.shape[a] != first.shape[a]:
                    raise ValueError(f"join along axis {self.axis}: {node.inputs[0].label()} has shape "
                                     f"{first.shape} and {node.inputs[k].label()} has shape {x.shape}")
        return [np.concatenate(inputs, axis=self.axis)]

    def __str__(self):
        return f"Join{{axis={self.axis}}}"


def _axis(axis, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for {ndim} dimensions")
    return int(axis) % ndim


def concatenate(tensors, axis: int = 0) -> Variable:
    tensors = [basic.as_tensor_variable(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate needs at least one tensor")
    return tensors[0] if len(tensors) == 1 else Join(_axis(axis, tensors[0].ndim))(*tensors)


def join(axis: int, *tensors) -> Variable:
    """PyTensor's join: the axis first."""
    return concatenate(tensors, axis)


def stack(tensors, axis: int = 0) -> Variable:
    """The tensors (of one shape) along a new axis; scalars make a vector."""
    tensors = [basic.as_tensor_variable(t) for t in tensors]
    if tensors and all(t.ndim == 0 for t in tensors) and axis in (0, -1):
        return MakeVector(upcast(*[t.dtype for t in tensors]))(*tensors)
    axis = _axis(axis, tensors[0].ndim + 1)
    return concatenate([expand_dims(t, axis) for t in tensors], axis)


def split(x, splits_size, n_splits: int, axis: int = 0) -> list[Variable]:
    """`x` cut along `axis` into `n_splits` parts of the given lengths, which
    must add up to its length (PyTensor's split)."""
    x = basic.as_tensor_variable(x)
    axis = _axis(axis, x.ndim)
    sizes = [getitem(basic.as_tensor_variable(splits_size), k) for k in range(n_splits)]
    total = functools.reduce(add, sizes)
    x = assert_op(x, eq(total, Shape(axis)(x)), msg=f"split of {x.label()}: the lengths do not add up "
                  f"to its length on axis {axis}", exc_type=ValueError)
    parts, start = [], basic.constant(0, dtype="int64")
    for size in sizes:
        stop = add(start, size)
        parts.append(getitem(x, (slice(None),) * axis + (slice(start, stop),)))
        start = stop
    return parts


def as_tensor_variable(x, name: str | None = None, ndim: int | None = None, dtype: str | None = None) -> Variable:
    """PyTensor's as_tensor_variable: a variable as it is, a constant, or a
    list or tuple holding variables stacked (a vector of scalars)."""
    given = x
    if isinstance(x, list | tuple) and any(isinstance(e, Variable) or isinstance(e, list | tuple) for e in x):
        x = stack([as_tensor_variable(e) for e in x])
    x = basic.as_tensor_variable(x)
    if dtype is not None:
        x = cast(x, dtype)
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"as_tensor_variable: {x.label()} has {x.ndim} dimensions, not {ndim}")
    if name is not None and x is not given:  # a new variable: named
        x.name = name
    return x
