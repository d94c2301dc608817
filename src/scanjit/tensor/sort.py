"""Sorting along an axis: `SortOp` (sort) and `ArgSortOp` (argsort),
`median`, and `SearchsortedOp` (searchsorted), as in `pytensor.tensor.sort`,
`pytensor.tensor.math` and `pytensor.tensor.extra_ops`.

Both are stable whatever `kind` says: equal values keep their order, and
NaNs go last, as NumPy's kind="stable". NumPy's default, "quicksort", may
order equal values otherwise, so argsort's indices for ties can differ from
PyTensor's (whose perform calls np.argsort with the kind given); the sorted
values are the same. Compiled, a sort is one call of the runtime's merge sort
of the dtype (scanjit/runtime/sort.ll) on the rows along the axis; a
search, one call of NumPy's binary search (searchsorted.ll) per value."""

from __future__ import annotations

import typing

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from scanjit.dtypes import upcast
from scanjit.graph import Apply, Constant, Op, TensorType, Variable
from scanjit.ifelse import ifelse
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import add, cast, eq, int_div, isnan, mod, sub, switch, true_div
from scanjit.tensor.join import take_along_axis
from scanjit.tensor.shape import Shape, dimshuffle, flatten, reshape

KIND = typing.Literal["quicksort", "mergesort", "heapsort", "stable"]


class SortOp(Op):
    """x sorted along `axis` (stable, NaNs last)."""

    indices = False

    def __init__(self, kind: KIND, axis: int):
        self.kind, self.axis = kind, axis

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [Variable(TensorType("int64" if self.indices else x.dtype, x.type.shape))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0]]

    def perform(self, node, inputs):
        return [np.sort(inputs[0], self.axis, kind="stable")]

    def L_op(self, inputs, outputs, output_grads):
        """Each element's gradient is the one at the place the sort put it."""
        order = ArgSortOp(self.kind, self.axis)(inputs[0])
        return [take_along_axis(output_grads[0], ArgSortOp(self.kind, self.axis)(order), self.axis)]

    def R_op(self, inputs, outputs, tangents):
        return [take_along_axis(tangents[0], ArgSortOp(self.kind, self.axis)(inputs[0]), self.axis)]

    def __str__(self):
        return f"{type(self).__name__}{{{self.kind}, axis={self.axis}}}"


class ArgSortOp(SortOp):
    """The int64 indices that sort x along `axis` (stable, NaNs last); an
    integer output: x's gradient through it is zeros (tensor/gradient.py)."""

    indices = True

    def perform(self, node, inputs):
        return [np.argsort(inputs[0], self.axis, kind="stable")]


def _parse(kind, order, stable) -> str:
    """PyTensor's checks of `kind`, `order` and `stable`."""
    if order is not None:
        raise ValueError("The order argument is not applicable to PyTensor graphs")
    if stable is not None and kind is not None:
        raise ValueError("kind and stable cannot be set at the same time")
    kind = "stable" if stable else kind or "quicksort"
    if kind not in typing.get_args(KIND):
        raise ValueError(f"kind must be one of {typing.get_args(KIND)}, got {kind}")
    return kind


def _sorting(op: type[SortOp], a, axis, kind, order, stable) -> Variable:
    kind, a = _parse(kind, order, stable), as_tensor_variable(a)
    if axis is None:
        a, axis = flatten(a), 0
    if isinstance(axis, Variable):
        if not isinstance(axis, Constant) or axis.ndim:
            raise NotImplementedError(f"{op.__name__}: scanjit sorts along an axis given as an int, "
                                      f"not a variable ({axis.label()})")
        axis = axis.data.item()
    if not isinstance(axis, int | np.integer):
        raise ValueError(f"Sort axis must have an integer dtype, got {np.asarray(axis).dtype}")
    return op(kind, normalize_axis_index(int(axis), a.ndim))(a)


def sort(a, axis=-1, kind=None, order=None, *, stable=None) -> Variable:
    """a sorted along `axis` (None: flattened)."""
    return _sorting(SortOp, a, axis, kind, order, stable)


def argsort(a, axis=-1, kind=None, order=None, stable=None) -> Variable:
    """The int64 indices that sort `a` along `axis` (None: flattened)."""
    return _sorting(ArgSortOp, a, axis, kind, order, stable)


def median(x, axis=None) -> Variable:
    """The median along `axis` (an int, a tuple, or None: all axes), as
    PyTensor computes it: the middle of the sorted values, or the mean of
    the two middle ones (an empty axis: IndexError, as PyTensor's). A NaN
    gives NaN, as NumPy's median; PyTensor's sorts it last and takes the
    middle anyway."""
    x = as_tensor_variable(x)
    axes = range(x.ndim) if axis is None else np.atleast_1d(axis).tolist()
    axes = sorted({normalize_axis_index(a, x.ndim) for a in axes})
    kept = [a for a in range(x.ndim) if a not in axes]
    rows = dimshuffle(x, *kept, *axes)
    if len(axes) != 1:
        rows = reshape(rows, [Shape(a)(x) for a in kept] + [-1])
    size = Shape(rows.ndim - 1)(rows)
    k = int_div(size, 2)
    ordered = sort(rows, axis=-1)
    leading = (slice(None),) * len(kept)
    middle = ordered[(*leading, k)]
    even = true_div(add(middle, ordered[(*leading, sub(k, 1))]), 2.0)
    found = ifelse(eq(mod(size, 2), 0), even, cast(middle, even.dtype), name="median")
    last = ordered[(*leading, -1)]
    return switch(isnan(last), cast(last, found.dtype), found)


class SearchsortedOp(Op):
    """For each value of v, where it goes in the sorted vector x to keep it
    sorted: before the equal values (`side` "left") or after them ("right"),
    in NumPy's order, where NaNs sort last. x and v have one dtype."""

    def __init__(self, side: str):
        self.side = side

    def make_node(self, x, v) -> Apply:
        x, v = as_tensor_variable(x), as_tensor_variable(v)
        if x.ndim != 1:
            raise ValueError(f"searchsorted: x must be a vector, got {x.label()} of {x.ndim} axes")
        return Apply(self, [x, v], [Variable(TensorType("int64", v.type.shape))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[1]]

    def perform(self, node, inputs):
        return [np.asarray(np.searchsorted(*inputs, side=self.side), dtype=np.int64)]

    def __str__(self):
        return f"SearchsortedOp{{{self.side}}}"


def searchsorted(x, v, side="left", sorter=None) -> Variable:
    """NumPy's searchsorted: the int64 indices where the values of `v` go in
    the sorted vector `x` (sorted by the indices `sorter`, if given)."""
    if side not in ("left", "right"):
        raise ValueError(f"'{side}' is an invalid value for keyword 'side'")
    x, v = as_tensor_variable(x), as_tensor_variable(v)
    if sorter is not None:
        x = x[as_tensor_variable(sorter)]
    dtype = upcast(x.dtype, v.dtype)
    return SearchsortedOp(side)(cast(x, dtype), cast(v, dtype))
