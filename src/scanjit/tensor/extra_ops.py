"""`CumOp`: running sums and products (`cumsum`, `cumprod`), and what
`pytensor.tensor.extra_ops` composes of other ops: diff, broadcast_arrays,
broadcast_shape, flatnonzero, nonzero_values, compress, choose, to_one_hot,
unravel_index, ravel_multi_index, fill_diagonal(_offset),
inverse_permutation, permute_row_elements, bincount, unique."""

from __future__ import annotations

import builtins
import functools

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from scanjit import config
from scanjit.dtypes import INTS, is_float
from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.raise_op import assert_op
from scanjit.tensor.basic import as_tensor_variable, broadcast_lengths, constant
from scanjit.tensor.creation import zeros, zeros_like
from scanjit.tensor.elemwise import (
    add, and_, cast, clip, eq, ge, int_div, invert, is_constant_one, isnan, lt, maximum, minimum, mod, mul, neg, neq,
    second, sub, switch, true_div,
)
from scanjit.tensor.join import concatenate, take, take_along_axis
from scanjit.tensor.math import all, max
from scanjit.tensor.shape import (
    Shape, arange, broadcast_lengths_of, broadcast_to, dimshuffle, flatten, reshape, shape, shape_padleft,
)
from scanjit.tensor.sort import argsort
from scanjit.tensor.subtensor import flip, inc_subtensor, nonzero, set_subtensor


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


def broadcast_shape(*arrays, arrays_are_shapes=False) -> tuple[Variable, ...]:
    """The lengths of the arrays (or shapes) broadcast together: per axis
    (aligned on the right), the first length not statically 1, else 1."""
    if not arrays_are_shapes:
        return tuple(broadcast_lengths_of([as_tensor_variable(a) for a in arrays]))
    shapes = [[as_tensor_variable(n) for n in s] for s in arrays]
    static = [tuple(1 if is_constant_one(n) else None for n in s) for s in shapes]
    return tuple(broadcast_lengths(static, shapes, constant(1, dtype="int64")))


def flatnonzero(a) -> Variable:
    """The indices of the non-zero elements of the flattened a."""
    a = as_tensor_variable(a)
    if a.ndim == 0:
        raise ValueError("Nonzero only supports non-scalar arrays.")
    return nonzero(flatten(a))[0]


def compress(condition, x, axis=None) -> Variable:
    """The slices of x along `axis` (of the flattened x: None) where `condition` holds."""
    return take(as_tensor_variable(x), flatnonzero(condition), axis=axis)


def to_one_hot(y, nb_class, dtype=None) -> Variable:
    """A row per entry of the vector y, 1 in column y[i] and 0 elsewhere."""
    y = as_tensor_variable(y)
    out = zeros((Shape(0)(y), nb_class), dtype=dtype or config.floatX)
    return set_subtensor(out[arange(Shape(0)(y)), y], 1)


def _strides(dims: list, order: str) -> list:
    """Each axis' step in the flat index of an array of lengths `dims`."""
    if order not in ("C", "F"):
        raise ValueError("Order must be either 'C' or 'F'")
    axes = range(len(dims)) if order == "F" else range(len(dims) - 1, -1, -1)
    strides, step = [None] * len(dims), constant(1, dtype="int64")
    for k in axes:
        strides[k], step = step, mul(step, dims[k])
    return strides


def _dims(dims) -> list:
    return [cast(as_tensor_variable(n), "int64") for n in (dims if isinstance(dims, list | tuple) else
                                                             [dims[k] for k in range(as_tensor_variable(dims).type.shape[0])])]


def unravel_index(indices, dims, order="C") -> tuple[Variable, ...]:
    """The coordinates in an array of lengths `dims` of each flat index."""
    indices, dims = as_tensor_variable(indices), _dims(dims)
    size = functools.reduce(mul, dims)
    indices = assert_op(indices, all(and_(ge(indices, 0), lt(indices, size))),
                        msg="unravel_index: an index is out of bounds for the array's size", exc_type=ValueError)
    return tuple(mod(int_div(indices, stride), n) for stride, n in zip(_strides(dims, order), dims))


def ravel_multi_index(multi_index, dims, mode="raise", order="C") -> Variable:
    """The flat index of each coordinate tuple in an array of lengths `dims`;
    out-of-range coordinates raise ValueError, or wrap or clip (`mode`)."""
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"clipmode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    coordinates, dims = [as_tensor_variable(c) for c in multi_index], _dims(dims)
    if len(coordinates) != len(dims):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(dims)}")
    if mode == "wrap":
        coordinates = [mod(c, n) for c, n in zip(coordinates, dims)]
    elif mode == "clip":
        coordinates = [clip(c, 0, sub(n, 1)) for c, n in zip(coordinates, dims)]
    else:
        coordinates = [assert_op(c, all(and_(ge(c, 0), lt(c, n))), msg="invalid entry in coordinates array",
                                 exc_type=ValueError) for c, n in zip(coordinates, dims)]
    flat = constant(0, dtype="int64")
    for c, stride in zip(coordinates, _strides(dims, order)):
        flat = add(flat, mul(cast(c, "int64"), stride))
    return flat


def fill_diagonal(a, val) -> Variable:
    """a with `val` on its main diagonal (a[i, i, ...], for i below its shortest length)."""
    a = as_tensor_variable(a)
    if a.ndim < 2:
        raise TypeError(f"fill_diagonal: {a.label()} must have at least 2 axes")
    n = Shape(0)(a)
    for k in range(1, a.ndim):
        n = minimum(n, Shape(k)(a))
    i = arange(n)
    return set_subtensor(a[(i,) * a.ndim], val)


def fill_diagonal_offset(a, val, offset) -> Variable:
    """The matrix a with `val` on its `offset` diagonal (above the main one for offset > 0)."""
    a = as_tensor_variable(a)
    if a.ndim != 2:
        raise TypeError(f"fill_diagonal_offset: {a.label()} must be a matrix")
    offset = as_tensor_variable(offset)
    rows, cols = Shape(0)(a), Shape(1)(a)
    first_row, first_col = maximum(neg(offset), 0), maximum(offset, 0)
    i = arange(minimum(sub(rows, first_row), sub(cols, first_col)))
    return set_subtensor(a[add(i, first_row), add(i, first_col)], val)


def inverse_permutation(perm) -> Variable:
    """The inverse of the permutation `perm` (of each row of it): out[perm[i]] = i."""
    perm = as_tensor_variable(perm)
    n = Shape(perm.ndim - 1)(perm)
    positions = cast(arange(n), perm.dtype)
    if perm.ndim == 1:
        return set_subtensor(zeros_like(perm)[perm], positions)
    flat = reshape(perm, (-1, n))
    rows = dimshuffle(arange(Shape(0)(flat)), 0, "x")
    inverse = set_subtensor(zeros_like(flat)[rows, flat], dimshuffle(positions, "x", 0))
    return reshape(inverse, shape(perm))


def permute_row_elements(x, y, inverse: bool = False) -> Variable:
    """PyTensor's: the rows (last axis) of x permuted by y, a permutation or
    rows of them, the leading axes of x and y broadcast: out[..., i] =
    x[..., y[..., i]]; with `inverse`, out[..., y[..., i]] = x[..., i]."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if y.dtype not in INTS:
        raise TypeError(f"permute_row_elements: the permutation {y.label()} must be of integers, not {y.dtype}")
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError("permute_row_elements: x and y need at least one axis")
    ndim = builtins.max(x.ndim, y.ndim)
    x, y = (shape_padleft(t, ndim - t.ndim) for t in (x, y))
    leading = broadcast_lengths([x.type.shape[:-1], y.type.shape[:-1]],
                                [[Shape(a)(t) for a in range(ndim - 1)] for t in (x, y)], 1)
    x, y = (broadcast_to(t, leading + [Shape(ndim - 1)(t)]) for t in (x, y))
    return take_along_axis(x, inverse_permutation(y) if inverse else y, axis=-1)


def nonzero_values(a) -> Variable:
    """The non-zero elements of the flattened a."""
    return flatten(as_tensor_variable(a))[flatnonzero(a)]


def choose(a, choices, mode="raise") -> Variable:
    """NumPy's choose: choices[a[i]][i], all broadcast together; an index out
    of range raises ValueError, or wraps or clips (`mode`)."""
    a = as_tensor_variable(a)
    if isinstance(choices, Variable):
        if choices.type.shape[0] is None:
            raise NotImplementedError("choose: scanjit needs the number of choices known (a list, or a static length)")
        choices = [choices[k] for k in range(choices.type.shape[0])]
    n = len(choices)
    if mode == "wrap":
        a = mod(a, n)
    elif mode == "clip":
        a = clip(a, 0, n - 1)
    elif mode == "raise":
        a = assert_op(a, all(and_(ge(a, 0), lt(a, n))), msg="invalid entry in choice array", exc_type=ValueError)
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    out = second(a, choices[-1])
    for k in range(n - 2, -1, -1):
        out = switch(eq(a, k), choices[k], out)
    return out


def bincount(x, weights=None, minlength=None, assert_nonneg=False) -> Variable:
    """The count (or the sum of `weights`) of each value 0, 1, ... in the
    integer vector x, at least `minlength` of them, as NumPy's: int64
    counts, and a negative value raises ValueError (PyTensor counts in x's
    dtype, and wraps a negative value around unless `assert_nonneg`)."""
    x = as_tensor_variable(x)
    if x.ndim != 1:
        raise TypeError("Inputs must be of dimension 1.")
    x = assert_op(x, all(ge(x, 0)), msg="bincount: x must not hold negative values", exc_type=ValueError)
    length = add(max(concatenate([cast(x, "int64"), constant(np.array([-1]))])), 1)
    if minlength is not None:
        length = maximum(length, minlength)
    if weights is None:
        return inc_subtensor(zeros([length], dtype="int64")[x], 1)
    weights = as_tensor_variable(weights)
    return inc_subtensor(zeros([length], dtype=weights.dtype)[x], weights)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """NumPy's unique of the flattened `ar`: its sorted distinct values (one
    NaN for all), and as asked the index of each one's first occurrence, the
    index of each element's value among them (a vector, the type PyTensor
    gives it) and their counts."""
    if axis is not None:
        raise NotImplementedError("unique along an axis is not supported yet")
    flat = flatten(as_tensor_variable(ar))
    order = argsort(flat, kind="stable")
    ordered = flat[order]
    later, earlier = ordered[1:], ordered[:-1]
    new = neq(later, earlier)
    if is_float(flat.dtype):
        new = and_(new, invert(and_(isnan(later), isnan(earlier))))
    first = concatenate([constant(np.array([True])), new])[:Shape(0)(flat)]  # none for an empty ar
    starts = flatnonzero(first)
    outputs = [ordered[starts]]
    if return_index:
        outputs.append(order[starts])
    if return_inverse:
        outputs.append(set_subtensor(zeros_like(order)[order], sub(cumsum(cast(first, "int64")), 1)))
    if return_counts:
        outputs.append(diff(concatenate([starts, cast(Shape(0)(flat), "int64")[None]])))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)
