"""Tensors made of several, or of parts of one: `Join` (`concatenate`,
`join`, `stack`, `horizontal_stack`, `vertical_stack`, `stacklists`,
`concat_with_broadcast`), `split`, `pack`/`unpack`, `repeat`, `tile`, `roll`,
`take`, `take_along_axis`, and `as_tensor_variable` of lists holding variables."""

from __future__ import annotations

import functools

import numpy as np

from scanjit.dtypes import upcast
from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.raise_op import assert_op
from scanjit.tensor import basic
from scanjit.tensor.elemwise import add, cast, eq, int_div, maximum, mod, mul, sub
from scanjit.tensor.shape import (
    MakeVector, Shape, arange, broadcast_lengths_of, broadcast_to, dimshuffle, expand_dims, flatten, join_dims, lengths,
    reshape, shape, split_dims,
)


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
        for a, static in enumerate(zip(*[t.type.shape for t in tensors])):
            if a == self.axis:
                shape.append(None if None in static else sum(static))
            else:
                known = {n for n in static if n is not None}
                if len(known) > 1:
                    raise ValueError(f"join: the tensors' lengths on axis {a} differ: {static}")
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

    def linear_inputs(self, node):
        return list(range(len(node.inputs)))

    def grad(self, inputs, output_grads):
        """Each input's part of the gradient, along the axis."""
        g, start, parts = output_grads[0], basic.constant(0, dtype="int64"), []
        for x in inputs:
            stop = add(start, Shape(self.axis)(x))
            parts.append(g[(slice(None),) * self.axis + (slice(start, stop),)])
            start = stop
        return parts

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
    sizes = [as_tensor_variable(splits_size)[k] for k in range(n_splits)]
    total = functools.reduce(add, sizes)
    x = assert_op(x, eq(total, Shape(axis)(x)), msg=f"split of {x.label()}: the lengths do not add up "
                  f"to its length on axis {axis}", exc_type=ValueError)
    parts, start = [], basic.constant(0, dtype="int64")
    for size in sizes:
        stop = add(start, size)
        parts.append(x[(slice(None),) * axis + (slice(start, stop),)])
        start = stop
    return parts


def _packed_axes(keep_axes) -> tuple[int, int]:
    """pack's kept axes as (n, m): axes 0 to n - 1 and -m to -1 (PyTensor's rules)."""
    if keep_axes is None:
        return 0, 0
    axes = [keep_axes] if isinstance(keep_axes, int) else list(keep_axes)
    if not axes:
        raise ValueError("axes=[] is ambiguous; use None to ravel all")
    first, last = [a for a in axes if a >= 0], [a for a in axes if a < 0]
    if axes != first + last:
        raise ValueError("Negative axes must come after positive")
    if first != list(range(len(first))) or last != list(range(-len(last), 0)):
        raise ValueError(f"keep_axes {tuple(axes)}: the kept axes must be 0, 1, ... and ..., -2, -1, each contiguous")
    return len(first), len(last)


def pack(*tensors, keep_axes=None) -> tuple[Variable, list[Variable]]:
    """PyTensor's pack: each tensor with its axes between the kept ones (the
    first, 0, 1, ..., and the last, ..., -2, -1) merged into one, the tensors
    joined along it; and each one's merged lengths (a vector), for `unpack`."""
    tensors = [as_tensor_variable(t) for t in tensors]
    before, after = _packed_axes(keep_axes)
    for i, t in enumerate(tensors):
        if t.ndim < before + after:
            raise ValueError(f"Input {i} (zero indexed) to pack has {t.ndim} dimensions, but "
                             f"keep_axes={keep_axes!r} assumes at least {before + after} dimensions.")
    merged = [join_dims(t, before, t.ndim - before - after) for t in tensors]
    return join(before, *merged), [MakeVector("int64")(*lengths(shape(t))[before:t.ndim - after]) for t in tensors]


def unpack(packed_input, packed_shapes, keep_axes=None) -> list[Variable]:
    """`pack`'s inverse: the packed tensor split along its one axis that is not
    kept into parts of the sizes of `packed_shapes`, each split into axes of
    those lengths."""
    packed = as_tensor_variable(packed_input)
    if keep_axes is None and packed.ndim != 1:
        raise ValueError("unpack can only be called with keep_axis=None for 1d inputs")
    axes = [] if keep_axes is None else [keep_axes] if isinstance(keep_axes, int) else list(keep_axes)
    kept = {_axis(a, packed.ndim) for a in axes}
    rest = [a for a in range(packed.ndim) if a not in kept]
    if len(rest) != 1:
        raise ValueError(f"unpack input must have exactly one more dimension than implied by keep_axes. "
                         f"{packed.label()} has {packed.ndim} dimensions, expected {len(kept) + 1}")
    sizes = [functools.reduce(mul, lengths(s), basic.constant(1, dtype="int64")) for s in packed_shapes]
    parts = [packed] if len(sizes) == 1 else split(packed, sizes, len(sizes), rest[0])
    return [split_dims(part, s, rest[0]) for part, s in zip(parts, packed_shapes)]


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


class RepeatIndices(Op):
    """The indices `repeat(x, counts)` reads along its axis: i, counts[i]
    times, for each i (NumPy's np.repeat(np.arange(len(counts)), counts))."""

    def make_node(self, counts) -> Apply:
        counts = cast(basic.as_tensor_variable(counts), "int64")
        if counts.ndim != 1:
            raise ValueError("repeat: the counts must be a scalar or a vector")
        return Apply(self, [counts], [Variable(TensorType("int64", (None,)))])

    def perform(self, node, inputs):
        counts = inputs[0]
        if (counts < 0).any():
            raise ValueError(f"repeat: negative count {int(counts[counts < 0][0])}")
        return [np.repeat(np.arange(len(counts)), counts)]

    def __str__(self):
        return "RepeatIndices"


def _axis_key(axis: int, index) -> tuple:
    return (slice(None),) * axis + (index,)


def repeat(x, repeats, axis: int | None = None) -> Variable:
    """Each element of `x` along `axis` (of x flattened when None) repeated
    `repeats` times (a scalar, or one count per element), as np.repeat."""
    x = basic.as_tensor_variable(x)
    if axis is None:
        x, axis = flatten(x), 0
    axis = _axis(axis, x.ndim)
    repeats = basic.as_tensor_variable(repeats)
    n = Shape(axis)(x)
    if repeats.ndim == 0:
        index = int_div(arange(mul(n, cast(repeats, "int64"))), cast(repeats, "int64"))
    else:
        repeats = assert_op(repeats, eq(Shape(0)(repeats), n), msg=f"repeat of {x.label()}: one count per "
                            f"element of axis {axis}", exc_type=ValueError)
        index = RepeatIndices()(repeats)
    return x[_axis_key(axis, index)]


def tile(x, reps) -> Variable:
    """`x` repeated `reps[k]` times along each axis k, as np.tile (x gets
    leading axes of length 1 if reps is longer)."""
    x = basic.as_tensor_variable(x)
    reps = list(reps) if isinstance(reps, list | tuple) else [reps]
    if len(reps) > x.ndim:
        x = dimshuffle(x, *(["x"] * (len(reps) - x.ndim)), *range(x.ndim))
    reps = [1] * (x.ndim - len(reps)) + reps
    for axis, r in enumerate(reps):
        if isinstance(r, int) and r == 1:
            continue
        n = Shape(axis)(x)
        x = x[_axis_key(axis, mod(arange(mul(n, cast(basic.as_tensor_variable(r), "int64"))), n))]
    return x


def horizontal_stack(*tensors) -> Variable:
    """As np.hstack: along axis 1, or 0 for vectors."""
    tensors = [basic.as_tensor_variable(t) for t in tensors]
    return concatenate(tensors, axis=0 if all(t.ndim == 1 for t in tensors) else 1)


def vertical_stack(*tensors) -> Variable:
    """As np.vstack: vectors become rows."""
    tensors = [basic.as_tensor_variable(t) for t in tensors]
    return concatenate([expand_dims(t, 0) if t.ndim == 1 else t for t in tensors], axis=0)


def stacklists(nested) -> Variable:
    """A tensor of nested lists of tensors (their shapes become the last axes)."""
    if isinstance(nested, list | tuple):
        return stack([stacklists(e) for e in nested])
    return basic.as_tensor_variable(nested)


def roll(x, shift, axis: int | None = None) -> Variable:
    """As np.roll: elements shifted `shift` places along `axis` (of x
    flattened when None), those past the end coming back at the start."""
    x = basic.as_tensor_variable(x)
    if axis is None:
        rolled = roll(flatten(x), shift, 0)
        return rolled if x.ndim == 1 else reshape(rolled, shape(x))
    axis = _axis(axis, x.ndim)
    n = Shape(axis)(x)
    start = mod(sub(n, mod(cast(basic.as_tensor_variable(shift), "int64"), maximum(n, 1))), maximum(n, 1))
    return x[_axis_key(axis, mod(add(arange(n), start), maximum(n, 1)))]


def take(a, indices, axis: int | None = None) -> Variable:
    """As np.take: the elements of `a` (flattened when axis is None) at `indices`."""
    a = basic.as_tensor_variable(a)
    if axis is None:
        return flatten(a)[indices]
    return a[_axis_key(_axis(axis, a.ndim), indices)]


def concat_with_broadcast(tensor_list, axis: int = 0) -> Variable:
    """The tensors joined along `axis`, each first broadcast on the other
    axes to the others' lengths (their first not statically 1)."""
    if not tensor_list:
        raise ValueError("Cannot concatenate an empty list of tensors.")
    tensors = [basic.as_tensor_variable(t) for t in tensor_list]
    ndim = tensors[0].ndim
    if any(t.ndim != ndim for t in tensors):
        raise TypeError("Only tensors with the same number of dimensions can be concatenated. "
                        f"Input ndims were: {[t.ndim for t in tensors]}")
    axis = _axis(axis, ndim)
    lengths = broadcast_lengths_of(tensors)
    return join(axis, *[broadcast_to(t, [Shape(axis)(t) if a == axis else n for a, n in enumerate(lengths)])
                        for t in tensors])


def take_along_axis(arr, indices, axis=0) -> Variable:
    """As np.take_along_axis: arr[..., indices, ...] matched index for index
    along `axis` (of the flattened `arr` when axis is None), the other axes
    broadcast between `arr` and `indices`."""
    arr, indices = basic.as_tensor_variable(arr), basic.as_tensor_variable(indices)
    if axis is None:
        arr, axis = flatten(arr), 0
    axis = _axis(axis, arr.ndim)
    if arr.ndim != indices.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    key = [indices if a == axis else dimshuffle(arange(Shape(a)(arr)), *[0 if b == a else "x" for b in range(arr.ndim)])
           for a in range(arr.ndim)]
    return arr[tuple(key)]
