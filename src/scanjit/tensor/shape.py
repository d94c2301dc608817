"""Shapes and tensors made of them: `Shape` (a length), `DimShuffle`
(axes reordered, added or dropped), `Alloc` (`alloc`, `zeros`, `ones`) and
`Arange`."""

from __future__ import annotations

import functools

import numpy as np

from scanjit.dtypes import INTS, is_float, upcast
from scanjit.graph import Apply, Constant, Op, TensorType, Variable, infer_shape
from scanjit.tensor.basic import as_tensor_variable, broadcast_lengths, check_broadcast, constant
from scanjit.tensor.elemwise import cast
from scanjit.tensor.subtensor import INDEX, Subtensor


class Shape(Op):
    """The length of axis `axis` as an int64 scalar."""

    def __init__(self, axis: int):
        self.axis = axis

    def make_node(self, x) -> Apply:
        return Apply(self, [as_tensor_variable(x)], [Variable(TensorType("int64"))])

    def infer_shape(self, node, shapes, dims):
        return [[]]

    def infer_size(self, node, dims):
        """The length, from the shape rules of the graph of `x` (in `dims`)."""
        return infer_shape(node.inputs[0], dims)[self.axis]

    def perform(self, node, inputs):
        return [inputs[0].shape[self.axis]]

    def __str__(self):
        return f"Shape_i{{{self.axis}}}"


class MakeVector(Op):
    """A vector of the given scalars (PyTensor's MakeVector): `x.shape`,
    `pt.stack` or `pt.as_tensor_variable` of scalars."""

    def __init__(self, dtype: str):
        self.dtype = dtype

    def make_node(self, *scalars) -> Apply:
        scalars = [cast(as_tensor_variable(s), self.dtype) for s in scalars]
        if any(s.ndim != 0 for s in scalars):
            raise ValueError("MakeVector takes scalars")
        return Apply(self, scalars, [Variable(TensorType(self.dtype, (len(scalars),)))])

    def infer_shape(self, node, shapes, dims):
        return [[dims.const(len(node.inputs))]]

    def perform(self, node, inputs):
        return [np.array(inputs, dtype=self.dtype).reshape(len(inputs))]

    def grad(self, inputs, output_grads):
        return [Subtensor([INDEX])(output_grads[0], k) for k in range(len(inputs))]

    def linear_inputs(self, node):
        return list(range(len(node.inputs)))

    def __str__(self):
        return "MakeVector"


def shape(x) -> Variable:
    """`x.shape`: the int64 vector of its lengths (`x.shape[i]` is `Shape_i`,
    a constant where the length is static)."""
    x = as_tensor_variable(x)
    return MakeVector("int64")(*[Shape(a)(x) if n is None else constant(n, dtype="int64")
                                 for a, n in enumerate(x.type.shape)])


def lengths(shape) -> list[Variable]:
    """A shape argument as one integer scalar per axis: an int or scalar, a
    tuple or list of them, or an integer vector of static length (`x.shape`)."""
    if isinstance(shape, list | tuple):
        return [as_tensor_variable(s) for s in shape]
    shape = as_tensor_variable(shape)
    if shape.ndim == 0:
        return [shape]
    if shape.ndim != 1 or shape.type.shape[0] is None:
        raise ValueError(f"a shape must be a tuple of integers or an integer vector of known length, "
                         f"got {shape.type}")
    if shape.owner is not None and isinstance(shape.owner.op, MakeVector):
        return list(shape.owner.inputs)
    return [Subtensor([INDEX])(shape, k) for k in range(shape.type.shape[0])]


def broadcast_lengths_of(tensors) -> list[Variable]:
    """The lengths of the tensors broadcast together (aligned on the right),
    as scalars: per axis, the first length not statically 1, else 1."""
    return broadcast_lengths([t.type.shape for t in tensors], [[Shape(a)(t) for a in range(t.ndim)] for t in tensors],
                             constant(1, dtype="int64"))


class SpecifyShape(Op):
    """`x`, checked to have the given lengths (None: any), which become static
    where they are constants (PyTensor's specify_shape)."""

    def __init__(self, given: tuple[bool, ...]):
        self.given = given  # per axis: whether a length is given (an input)

    def make_node(self, x, *lengths) -> Apply:
        x = as_tensor_variable(x)
        lengths = [cast(as_tensor_variable(n), "int64") for n in lengths]
        static = iter(int(n.data) if isinstance(n, Constant) else None for n in lengths)
        shape = tuple(next(static) if given else s for s, given in zip(x.type.shape, self.given))
        for old, new in zip(x.type.shape, shape):
            if old is not None and new is not None and old != new:
                raise ValueError(f"specify_shape: {x.label()} has static shape {x.type.shape}, not {shape}")
        return Apply(self, [x, *lengths], [Variable(TensorType(x.dtype, shape))])

    def infer_shape(self, node, shapes, dims):
        lengths = iter(node.inputs[1:])
        return [[dims.size(next(lengths)) if given else d for d, given in zip(shapes[0], self.given)]]

    def perform(self, node, inputs):
        x, *lengths = inputs
        expected = iter(lengths)
        for axis, (actual, given) in enumerate(zip(x.shape, self.given)):
            if given and actual != (n := int(next(expected))):
                raise ValueError(f"specify_shape: {node.inputs[0].label()} has length {actual} on axis "
                                 f"{axis}, expected {n}")
        return [x]

    def grad(self, inputs, output_grads):
        return [output_grads[0], *[None] * (len(inputs) - 1)]

    def linear_inputs(self, node):
        return [0]

    def __str__(self):
        return "SpecifyShape"


def specify_shape(x, shape) -> Variable:
    """`x` with the lengths `shape` (ints, None for any, or scalars) checked."""
    x = as_tensor_variable(x)
    shape = tuple(shape) if isinstance(shape, list | tuple) else (shape,)
    if len(shape) != x.ndim:
        raise ValueError(f"specify_shape: {x.label()} has {x.ndim} dimensions, the shape {len(shape)}")
    return SpecifyShape(tuple(n is not None for n in shape))(x, *[n for n in shape if n is not None])


class DimShuffle(Op):
    """Reorder axes; "x" in `order` inserts an axis of length 1. Every axis
    is kept (`dimshuffle` drops length-1 axes by indexing them first)."""

    def __init__(self, order: tuple):
        self.order = tuple(order)

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        kept = [a for a in self.order if a != "x"]
        if sorted(kept) != list(range(x.ndim)):
            raise ValueError(f"dimshuffle{self.order} must list each axis of {x.label()} once")
        shape = tuple(1 if a == "x" else x.type.shape[a] for a in self.order)
        return Apply(self, [x], [Variable(TensorType(x.dtype, shape))])

    def infer_shape(self, node, shapes, dims):
        return [[dims.const(1) if a == "x" else shapes[0][a] for a in self.order]]

    def perform(self, node, inputs):
        x = inputs[0]
        kept = x.transpose([a for a in self.order if a != "x"])
        return [kept.reshape([1 if a == "x" else x.shape[a] for a in self.order])]

    def grad(self, inputs, output_grads):
        """The gradient's new axes (of length 1) dropped and its axes put back in order."""
        g = output_grads[0]
        new = [i for i, a in enumerate(self.order) if a == "x"]
        kept = [i for i, a in enumerate(self.order) if a != "x"]
        if new:
            g = Subtensor([INDEX] * len(new))(DimShuffle(tuple(new + kept))(g), *[0] * len(new))
        back = tuple(sorted(range(len(kept)), key=lambda j: self.order[kept[j]]))
        return [g if back == tuple(range(len(back))) else DimShuffle(back)(g)]

    def linear_inputs(self, node):
        return [0]

    def __str__(self):
        return f"DimShuffle{{{','.join(map(str, self.order))}}}"


def dimshuffle(x, *order) -> Variable:
    """PyTensor's dimshuffle: `order` lists source axes and "x" (a new axis of
    length 1); a source axis left out must have static length 1 (it is dropped)."""
    if len(order) == 1 and isinstance(order[0], list | tuple):
        order = tuple(order[0])
    x = as_tensor_variable(x)
    kept = [a for a in order if a != "x"]
    if any(not isinstance(a, int | np.integer) or not 0 <= a < x.ndim for a in kept) \
            or len(set(kept)) != len(kept):
        raise ValueError(f"dimshuffle{tuple(order)}: each entry must be 'x' or an axis of "
                         f"{x.label()} (0 to {x.ndim - 1}), each axis at most once")
    dropped = [a for a in range(x.ndim) if a not in kept]
    for a in dropped:
        if x.type.shape[a] != 1:
            raise ValueError(f"dimshuffle{tuple(order)} drops axis {a} of {x.label()}, "
                             f"which is not known to have length 1 (shape {x.type.shape})")
    if dropped:  # move them to the front, then take their only row
        x = DimShuffle(tuple(dropped) + tuple(a for a in range(x.ndim) if a not in dropped))(x)
        x = Subtensor([INDEX] * len(dropped))(x, *[0] * len(dropped))
        order = tuple("x" if a == "x" else sorted(kept).index(a) for a in order)
    return x if tuple(order) == tuple(range(x.ndim)) else DimShuffle(order)(x)


def transpose(x, axes=None) -> Variable:
    x = as_tensor_variable(x)
    return dimshuffle(x, *(reversed(range(x.ndim)) if axes is None else axes))


class Alloc(Op):
    """A tensor of the given shape filled with `value`, broadcast as NumPy
    does (its axes align with the last ones)."""

    def make_node(self, value, *shape) -> Apply:
        value = as_tensor_variable(value)
        shape = [as_tensor_variable(s) for s in shape]
        for s in shape:
            if s.ndim != 0 or s.dtype not in INTS:
                raise TypeError(f"alloc: each length must be an integer scalar, got {s.type}")
        if value.ndim > len(shape):
            raise ValueError(f"alloc: the {value.ndim}-d value {value.label()} does not fit in "
                             f"{len(shape)} dimensions")
        shape = [cast(s, "int64") for s in shape]
        static = tuple(int(s.data) if isinstance(s, Constant) else None for s in shape)
        return Apply(self, [value, *shape], [Variable(TensorType(value.dtype, static))])

    def infer_shape(self, node, shapes, dims):
        return [[dims.size(v) for v in node.inputs[1:]]]

    def perform(self, node, inputs):
        fill, *sizes = inputs
        for s, var in zip(sizes, node.inputs[1:]):
            if s < 0:
                raise ValueError(f"negative dimensions are not allowed (alloc's length {var.label()} is {s})")
        out = node.outputs[0]
        shaped = np.empty(tuple(int(s) for s in sizes), out.dtype)
        check_broadcast([out.type.shape, node.inputs[0].type.shape], [shaped, fill], out.ndim,
                        f"alloc of {node.inputs[0].label()}")
        shaped[...] = fill
        return [shaped]

    def grad(self, inputs, output_grads):
        """The value's: the gradient, summed over the axes it was broadcast on."""
        return [output_grads[0], *[None] * (len(inputs) - 1)]

    def linear_inputs(self, node):
        return [0]


def alloc(value, *shape):
    """`value` broadcast to `shape` (lengths, or one tuple or vector of them)."""
    return Alloc()(value, *lengths(shape[0] if len(shape) == 1 else shape))


class Arange(Op):
    def __init__(self, dtype: str):
        self.dtype = dtype

    def make_node(self, start, stop, step) -> Apply:
        inputs = [cast(as_tensor_variable(v), self.dtype) for v in (start, stop, step)]
        return Apply(self, inputs, [Variable(TensorType(self.dtype, (None,)))])

    def infer_shape(self, node, shapes, dims):
        if is_float(self.dtype):
            raise NotImplementedError("the length of a float arange in a scan step is not known before the loop")
        return [[dims.arange_length(*node.inputs)]]

    def perform(self, node, inputs):
        """start + k * step as compiled; integer lengths exact (Python ints)."""
        start, stop, step = inputs
        if step == 0:
            raise ValueError("arange step cannot be zero")
        if not is_float(self.dtype):
            count = max(0, -((int(start) - int(stop)) // int(step)))
            if count >= 2**62:
                raise MemoryError(f"cannot allocate the arange of {count} elements")
            return [np.arange(count, dtype="int64").astype(self.dtype) * step + start]
        span = (stop - start) / step
        if not span < 2.0**62:
            raise ValueError("arange: the length is not a number or too large")
        k = np.arange(max(int(np.ceil(span)), 0)).astype(self.dtype)
        return [start + k * step]


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    args = [as_tensor_variable(v) for v in (start, stop, step)]
    if dtype is None:  # PyTensor's rule: the upcast of the bounds, integers as int64
        dtype = upcast(*[a.dtype for a in args])
        dtype = dtype if is_float(dtype) else "int64"
    return Arange(str(np.dtype(dtype)))(*args)


class Reshape(Op):
    """`x` with the same elements in row-major order and the given lengths;
    one of them may be the constant -1 (computed from the others)."""

    def __init__(self, ndim: int):
        self.ndim = ndim

    def make_node(self, x, *lengths) -> Apply:
        x = as_tensor_variable(x)
        lengths = [cast(as_tensor_variable(n), "int64") for n in lengths]
        if len(lengths) != self.ndim or any(n.ndim != 0 for n in lengths):
            raise ValueError(f"reshape of {x.label()}: the shape must be {self.ndim} integer scalars")
        known = [int(n.data) if isinstance(n, Constant) else None for n in lengths]
        if sum(k == -1 for k in known) > 1 or any(k is not None and k < -1 for k in known):
            raise ValueError(f"reshape of {x.label()}: a shape has at most one -1 and no other "
                             f"negative length, got {known}")
        if -1 in known and None not in known and None not in x.type.shape:
            rest = int(np.prod([k for k in known if k != -1]))
            total = int(np.prod(x.type.shape))
            known[known.index(-1)] = total // rest if rest and total % rest == 0 else None
        shape = tuple(None if k == -1 else k for k in known)
        return Apply(self, [x, *lengths], [Variable(TensorType(x.dtype, shape))])

    def infer_shape(self, node, shapes, dims):
        """The given lengths; a -1 is the size of x over the others' product."""
        given = node.inputs[1:]
        known = [None if isinstance(n, Constant) and int(n.data) == -1 else dims.size(n) for n in given]
        if None in known:
            total = functools.reduce(dims.mul, shapes[0], dims.const(1))
            rest = functools.reduce(dims.mul, [k for k in known if k is not None], dims.const(1))
            known[known.index(None)] = dims.div(total, rest)
        return [known]

    def perform(self, node, inputs):
        x, *given = (int(v) if k else v for k, v in enumerate(inputs))
        lengths = list(given)
        if -1 in lengths:
            rest = int(np.prod([n for n in lengths if n != -1]))
            lengths[lengths.index(-1)] = x.size // rest if rest and x.size % rest == 0 else -2
        if any(n < 0 for n in lengths) or int(np.prod(lengths)) != x.size:
            raise ValueError(f"cannot reshape {node.inputs[0].label()} of size {x.size} into shape "
                             f"({', '.join(map(str, given))}{',' if len(given) == 1 else ''})")
        return [x.reshape(lengths)]

    def grad(self, inputs, output_grads):
        return [reshape(output_grads[0], shape(inputs[0])), *[None] * (len(inputs) - 1)]

    def linear_inputs(self, node):
        return [0]

    def __str__(self):
        return f"Reshape{{{self.ndim}}}"


def reshape(x, shape, ndim: int | None = None) -> Variable:
    """`x.reshape(shape)`: the same elements in row-major order."""
    x = as_tensor_variable(x)
    shape = lengths(shape)
    if ndim is not None and ndim != len(shape):
        raise ValueError(f"reshape: ndim={ndim} but the shape has {len(shape)} lengths")
    return Reshape(len(shape))(x, *shape)


def flatten(x, ndim: int = 1) -> Variable:
    """The first ndim - 1 axes kept, the others merged (PyTensor's flatten)."""
    x = as_tensor_variable(x)
    if not 1 <= ndim <= max(x.ndim, 1):
        raise ValueError(f"flatten of the {x.ndim}-d {x.label()} to {ndim} dimensions")
    return reshape(x, [Shape(a)(x) for a in range(ndim - 1)] + [-1])


def join_dims(x, start_axis: int = 0, n_axes: int | None = None) -> Variable:
    """x with its `n_axes` axes from `start_axis` (all the rest: None) merged
    into one (0: a new axis of length 1 there)."""
    x = as_tensor_variable(x)
    if start_axis < 0:
        start_axis += max(1, x.ndim)
    if not 0 <= start_axis <= x.ndim:
        raise IndexError(f"Axis {start_axis} is out of bounds for array of dimension {x.ndim}")
    n_axes = x.ndim - start_axis if n_axes is None else n_axes
    merged = functools.reduce(lambda a, b: a * b, [Shape(k)(x) for k in range(start_axis, start_axis + n_axes)],
                              constant(1, dtype="int64"))
    kept = [Shape(k)(x) for k in range(x.ndim)]
    return reshape(x, kept[:start_axis] + [merged] + kept[start_axis + n_axes:])


def split_dims(x, shape, axis: int = 0) -> Variable:
    """x with its axis `axis` split into axes of the lengths `shape` (a
    length, a tuple of them or a vector of known length)."""
    x = as_tensor_variable(x)
    axis = int(axis) % x.ndim if -x.ndim <= axis < x.ndim else None
    if axis is None:
        raise np.exceptions.AxisError(f"split_dims: axis out of bounds for array of dimension {x.ndim}")
    kept = [Shape(k)(x) for k in range(x.ndim)]
    return reshape(x, kept[:axis] + lengths(shape) + kept[axis + 1:])


def expand_dims(x, axis) -> Variable:
    """`x` with new axes of length 1 at `axis` (an int or a tuple)."""
    x = as_tensor_variable(x)
    axes = [axis] if isinstance(axis, int | np.integer) else list(axis)
    ndim = x.ndim + len(axes)
    axes = sorted(a % ndim for a in axes)
    rest = iter(range(x.ndim))
    return dimshuffle(x, *["x" if a in axes else next(rest) for a in range(ndim)])


def squeeze(x, axis=None) -> Variable:
    """`x` without its axes of static length 1 (those of `axis`, or all)."""
    x = as_tensor_variable(x)
    axes = [a for a in range(x.ndim) if x.type.shape[a] == 1] if axis is None else \
        [a % x.ndim for a in ([axis] if isinstance(axis, int | np.integer) else axis)]
    for a in axes:
        if x.type.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} of {x.label()} is not known to have length 1")
    return dimshuffle(x, *[a for a in range(x.ndim) if a not in axes])


def broadcast_to(x, shape) -> Variable:
    """`x` broadcast to `shape` (a copy here, a view in NumPy)."""
    return alloc(x, shape)


def shape_padleft(x, n_ones: int = 1) -> Variable:
    """`x` with `n_ones` leading axes of length 1."""
    x = as_tensor_variable(x)
    return dimshuffle(x, *(["x"] * n_ones), *range(x.ndim))


def shape_padright(x, n_ones: int = 1) -> Variable:
    """`x` with `n_ones` trailing axes of length 1."""
    x = as_tensor_variable(x)
    return dimshuffle(x, *range(x.ndim), *(["x"] * n_ones))


def shape_padaxis(x, axis: int) -> Variable:
    return expand_dims(x, axis)


def atleast_Nd(x, n: int = 1, left: bool = True) -> Variable:
    """`x` with axes of length 1 added (in front, or at the end) up to `n`."""
    x = as_tensor_variable(x)
    missing = max(n - x.ndim, 0)
    return shape_padleft(x, missing) if left else shape_padright(x, missing)


def atleast_1d(*xs):
    return _each(xs, 1)


def atleast_2d(*xs):
    return _each(xs, 2)


def atleast_3d(*xs):
    """As NumPy's: a vector becomes (1, n, 1), a matrix (m, n, 1)."""
    def three(x):
        x = as_tensor_variable(x)
        return atleast_Nd(x, 3) if x.ndim == 0 else atleast_Nd(atleast_Nd(x, 2), 3, left=False)
    return three(xs[0]) if len(xs) == 1 else [three(x) for x in xs]


def _each(xs, n):
    return atleast_Nd(xs[0], n) if len(xs) == 1 else [atleast_Nd(x, n) for x in xs]


def _axis_of(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for {ndim} dimensions")
    return axis % ndim


def swapaxes(x, axis1: int, axis2: int) -> Variable:
    x = as_tensor_variable(x)
    order = list(range(x.ndim))
    a, b = _axis_of(axis1, x.ndim), _axis_of(axis2, x.ndim)
    order[a], order[b] = order[b], order[a]
    return dimshuffle(x, *order)


def moveaxis(x, source, destination) -> Variable:
    """As np.moveaxis: the axes `source` moved to the positions `destination`."""
    x = as_tensor_variable(x)
    source = [_axis_of(a, x.ndim) for a in (source if isinstance(source, list | tuple) else [source])]
    destination = [_axis_of(a, x.ndim) for a in
                   (destination if isinstance(destination, list | tuple) else [destination])]
    if len(source) != len(destination):
        raise ValueError("moveaxis: source and destination must have the same number of axes")
    order = [a for a in range(x.ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return dimshuffle(x, *order)


def matrix_transpose(x) -> Variable:
    """`x` with its last two axes swapped."""
    return swapaxes(x, -1, -2)
