"""Constants, turning Python and NumPy values into variables, and NumPy's
broadcasting rules (static, and as the compiled code checks them)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import numpy as np

from scanjit.dtypes import constant_array
from scanjit.graph import Constant, TensorType, Variable


def constant(value, name: str | None = None, dtype: str | None = None) -> Constant:
    data = constant_array(value, dtype)
    return Constant(TensorType(str(data.dtype), data.shape), data, name=name)


def as_tensor_variable(x) -> Variable:
    if isinstance(x, Variable):
        return x
    if isinstance(x, bool):  # as PyTensor: most often `v == w`, which is Python's identity
        raise TypeError(f"cannot make a tensor of the Python bool {x}: `v == w` compares the "
                        "variables, use pt.eq(v, w); for a constant use np.array(True)")
    if isinstance(x, list | tuple) and any(isinstance(e, Variable) for e in x):
        raise NotImplementedError("stacking a list of symbolic variables is not supported yet")
    return constant(x)


def broadcast_shape(types: Sequence[TensorType]) -> tuple[int | None, ...]:
    """Static shape of a broadcast result (NumPy alignment on the right)."""
    ndim = builtins.max(t.ndim for t in types)
    padded = [(1,) * (ndim - t.ndim) + t.shape for t in types]
    shape = []
    for sizes in zip(*padded):
        known = {s for s in sizes if s != 1}
        if None in known and len(known) > 1:
            known.discard(None)
        if len(known) > 1:
            raise ValueError(f"shapes {[t.shape for t in types]} cannot be broadcast together")
        shape.append(known.pop() if known else 1)
    return tuple(shape)


def sized_axes(shapes: Sequence[tuple]) -> list[list[tuple[int, int]]]:
    """Per axis of their broadcast, (array, its axis) of the arrays not of
    static length 1 there, in order."""
    ndim = max((len(s) for s in shapes), default=0)
    return [[(i, k) for i, s in enumerate(shapes) if (k := axis - (ndim - len(s))) >= 0 and s[k] != 1]
            for axis in range(ndim)]


def broadcast_lengths(static: Sequence[tuple], lengths: Sequence[list], one) -> list:
    """The lengths of that broadcast of arrays of `static` shapes and
    `lengths` (ints, or in infer_shape's or the emitter's algebra): per axis,
    the first not of static length 1, or `one`."""
    return [lengths[sized[0][0]][sized[0][1]] if sized else one for sized in sized_axes(static)]


def check_broadcast(static_shapes: list[tuple], arrays: list[np.ndarray], ndim: int, what: str,
                    labels: list[str] | None = None) -> None:
    """The compiled code's rule, for the reference: lengths not statically 1
    must agree (no run-time broadcasting); the error names the first input
    and one that disagrees, as the compiled check does."""
    labels = labels or [f"input {k}" for k in range(len(arrays))]
    for axis in range(ndim):
        sized = [(a, label) for static, a, label in zip(static_shapes, arrays, labels)
                 if 0 <= (k := axis - (ndim - a.ndim)) and static[k] != 1]
        for other, label in sized[1:]:
            (first, first_label), k = sized[0], axis - (ndim - other.ndim)
            if first.shape[axis - (ndim - first.ndim)] != other.shape[k]:
                raise ValueError(f"shape mismatch in {what} along axis {axis}: {first_label} has "
                                 f"shape {first.shape} and {label} has shape {other.shape}")
