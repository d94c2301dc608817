"""Tensor Ops and the functions that build them, with PyTensor's dtype rules."""

from __future__ import annotations

import builtins
import functools
from collections.abc import Sequence

import numpy as np

from scanjit import config
from scanjit.dtypes import INTS, constant_array, is_float, upcast, upgrade_to_float
from scanjit.graph import Apply, Constant, Op, TensorType, Variable

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


class Elemwise(Op):
    """An elementwise scalar function `scalar_op` with NumPy broadcasting."""

    def __init__(self, scalar_op: str, out_dtype=None):
        self.scalar_op = scalar_op
        self.out_dtype = out_dtype

    def output_dtype(self, dtypes: list[str]) -> str:
        op = self.scalar_op
        if op.startswith("cast_"):
            return op[len("cast_"):]
        if op in ("lt", "gt", "le", "ge", "eq", "neq"):
            return "bool"
        if op == "true_div":
            out = upcast(*dtypes)
            return out if is_float(out) else config.floatX
        if op in ("exp", "log", "tanh", "sqrt", "sin", "cos", "log1p", "expm1", "sigmoid"):
            return upgrade_to_float(upcast(*dtypes))
        if op == "switch":
            return upcast(*dtypes[1:])
        return upcast(*dtypes)

    def make_node(self, *inputs) -> Apply:
        inputs = [as_tensor_variable(x) for x in inputs]
        if self.scalar_op in ("neg", "sub") and upcast(*[x.dtype for x in inputs]) == "bool":
            raise TypeError(f"{self.scalar_op} is not defined on bool tensors (as in NumPy)")
        shape = broadcast_shape([x.type for x in inputs])
        out = Variable(TensorType(self.output_dtype([x.dtype for x in inputs]), shape))
        return Apply(self, inputs, [out])

    def infer_shape(self, node, shapes, dims):
        """Per axis, the length of the first input not of static length 1 there."""
        out = node.outputs[0]
        lengths = []
        for axis in range(out.ndim):
            sized = [shape[k] for shape, x in zip(shapes, node.inputs)
                     if (k := axis - (out.ndim - x.ndim)) >= 0 and x.type.shape[k] != 1]
            lengths.append(sized[0] if sized else dims.const(1))
        return [lengths]

    def __str__(self):
        return f"Elemwise{{{self.scalar_op}}}"


def _elemwise(name: str):
    op = Elemwise(name)
    if name in ("add", "mul"):  # variadic as in PyTensor, folded into binary nodes
        return lambda first, *rest: functools.reduce(op, rest, as_tensor_variable(first))
    return lambda *args: op(*args)


add, sub, mul, true_div, int_div, mod, pow = (
    _elemwise(n) for n in ("add", "sub", "mul", "true_div", "int_div", "mod", "pow"))
neg, exp, log, tanh, sqrt, abs, sin, cos = (
    _elemwise(n) for n in ("neg", "exp", "log", "tanh", "sqrt", "abs", "sin", "cos"))
lt, gt, le, ge, eq, neq = (_elemwise(n) for n in ("lt", "gt", "le", "ge", "eq", "neq"))
maximum, minimum, switch = (_elemwise(n) for n in ("maximum", "minimum", "switch"))
and_, or_, xor, invert = (_elemwise(n) for n in ("and", "or", "xor", "invert"))
where = switch


def cast(x, dtype: str) -> Variable:
    """`x` as `dtype`; a constant stays a constant (so its static shape and
    value are known to the ops using it, as `pt.alloc(v, 1)`'s length)."""
    x = as_tensor_variable(x)
    dtype = str(np.dtype(dtype))
    if x.dtype == dtype:
        return x
    if isinstance(x, Constant):
        return constant(x.data.astype(dtype), dtype=dtype)
    return Elemwise(f"cast_{dtype}")(x)


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


def dot(a, b):
    return Dot()(a, b)


class Shape(Op):
    """The length of axis `axis` as an int64 scalar."""

    def __init__(self, axis: int):
        self.axis = axis

    def make_node(self, x) -> Apply:
        return Apply(self, [as_tensor_variable(x)], [Variable(TensorType("int64"))])

    def infer_shape(self, node, shapes, dims):
        return [[]]

    def __str__(self):
        return f"Shape_i{{{self.axis}}}"


INDEX = "i"  # a Subtensor key entry taking one position of its axis
FULL = (False, False, False)  # the slice `:`


class Subtensor(Op):
    """`x[key]` for a basic NumPy key on the leading axes of `x`.

    `idx_list` has one entry per indexed axis: INDEX (an integer, negative
    counting from the end, removes the axis) or a slice, written as which of
    its start, stop and step are given (`(True, False, False)` is `a:`). The
    inputs are `x`, then the key's integer scalars in order."""

    def __init__(self, idx_list: Sequence):
        self.idx_list = tuple(idx_list)

    def make_node(self, x, *key) -> Apply:
        x = as_tensor_variable(x)
        key = [as_tensor_variable(k) for k in key]
        if len(self.idx_list) > x.ndim:
            raise IndexError(f"too many indices for {x.label()}: it has {x.ndim} dimensions, "
                             f"the key {len(self.idx_list)}")
        if len(key) != builtins.sum(1 if e == INDEX else builtins.sum(e) for e in self.idx_list):
            raise ValueError(f"{self} takes one scalar per index and given slice bound")
        for k in key:
            if k.ndim != 0 or k.dtype not in INTS:
                raise TypeError(f"an index or slice bound of {x.label()} must be an integer "
                                f"scalar, got {k.type}")
        return Apply(self, [x, *key], [Variable(TensorType(x.dtype, self.static_shape(x.type.shape)))])

    def infer_shape(self, node, shapes, dims):
        x, *key = node.inputs
        key, lengths = iter(key), []
        for length, entry in zip(shapes[0], self.idx_list):
            if entry == INDEX:
                next(key)
            else:
                bounds = [next(key) for given in entry if given]
                lengths.append(length if entry == FULL else dims.slice_length(length, entry, bounds, x.label()))
        return [lengths + shapes[0][len(self.idx_list):]]

    def static_shape(self, shape: tuple) -> tuple:
        """The static shape of `x[key]` for `x` of static `shape`: a sliced
        axis keeps its length only for `:`."""
        kept = [s if e == FULL else None for s, e in zip(shape, self.idx_list) if e != INDEX]
        return (*kept, *shape[len(self.idx_list):])

    def __str__(self):
        names = ("start", "stop", "step")
        entries = ["i" if e == INDEX else ":".join(n if h else "" for n, h in zip(names, e)).rstrip(":")
                   or ":" for e in self.idx_list]
        return f"Subtensor{{{', '.join(entries)}}}"


def part_ndim(x: Variable, idx_list) -> int:
    """The number of dimensions of `x[key]`."""
    return x.ndim - builtins.sum(e == INDEX for e in idx_list)


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


def outer(a, b) -> Variable:
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError("outer takes two vectors")
    return mul(dimshuffle(a, 0, "x"), dimshuffle(b, "x", 0))


def _is_index(k) -> bool:
    if isinstance(k, Variable):
        return k.ndim == 0 and k.dtype in INTS
    return isinstance(k, int | np.integer) and not isinstance(k, bool | np.bool_)


def getitem(x: Variable, key) -> Variable:
    """`x[key]` for NumPy's basic indexing: integers, slices, `None` and `...`."""
    key = key if isinstance(key, tuple) else (key,)
    if len(key) == 1 and _is_index(key[0]) and not isinstance(key[0], Variable) and key[0] == -1 \
            and x.owner is not None and hasattr(x.owner.op, "final_state"):
        final = x.owner.op.final_state(x)  # a scan's last state, read as PyTensor does
        if final is not None:
            return final
    if builtins.sum(k is Ellipsis for k in key) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = builtins.sum(k is not None and k is not Ellipsis for k in key)
    if used > x.ndim:
        raise IndexError(f"too many indices for {x.label()}: it has {x.ndim} dimensions, "
                         f"the key {used}")
    if Ellipsis in key:
        at = next(j for j, k in enumerate(key) if k is Ellipsis)
        key = key[:at] + (slice(None),) * (x.ndim - used) + key[at + 1:]
    idx_list, inputs, new_axes, out_axis = [], [], [], 0
    for k in key:
        if k is None:
            new_axes.append(out_axis)
            out_axis += 1
        elif isinstance(k, slice):
            bounds = (k.start, k.stop, k.step)
            if k.step is not None and not isinstance(k.step, Variable) and k.step == 0:
                raise ValueError("slice step cannot be zero")
            idx_list.append(tuple(b is not None for b in bounds))
            inputs += [b for b in bounds if b is not None]
            out_axis += 1
        elif _is_index(k):
            idx_list.append(INDEX)
            inputs.append(k)
        elif isinstance(k, Variable) and k.ndim == 0 and k.dtype != "bool":
            raise TypeError(f"index into {x.label()} must be an integer scalar, got {k.type}")
        elif isinstance(k, Variable | list | np.ndarray | bool | np.bool_):
            raise NotImplementedError(f"advanced indexing of {x.label()} with {k!r} is not "
                                      "supported yet (only integers, slices, None and ...)")
        else:
            raise IndexError(f"only integers, slices, None and ... are valid indices of "
                             f"{x.label()}, got {k!r}")
    while idx_list and idx_list[-1] == FULL:
        idx_list.pop()
    part = Subtensor(idx_list)(x, *inputs) if idx_list else x
    if new_axes:
        axes = iter(range(part.ndim))
        total = part.ndim + len(new_axes)
        part = dimshuffle(part, *["x" if a in new_axes else next(axes) for a in range(total)])
    return part


class SetSubtensor(Op):
    """`x` with the part `x[key]` set to (or, with mode "inc", incremented
    by) `value`, which broadcasts to the part; `key` is the Subtensor op that
    read the part, the key's scalars follow `value` in the inputs."""

    def __init__(self, mode: str, key: Subtensor):
        self.mode, self.key = mode, key

    def make_node(self, x, value, *key_inputs) -> Apply:
        x, value = as_tensor_variable(x), as_tensor_variable(value)
        ndim = part_ndim(x, self.key.idx_list)
        if value.ndim > ndim:
            raise ValueError(f"cannot {self.mode} a {ndim}-d part of {x.label()} "
                             f"to a {value.ndim}-d value")
        return Apply(self, [x, cast(value, x.dtype), *key_inputs], [Variable(x.type)])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0]]

    def __str__(self):
        return f"{'Set' if self.mode == 'set' else 'Inc'}{self.key}"


def _set_or_inc(mode: str, part: Variable, value) -> Variable:
    node = part.owner
    if node is None or not isinstance(node.op, Subtensor):
        raise TypeError(f"{mode}_subtensor needs a part of a tensor such as x[i], x[a:b] or "
                        f"x[i, :, j], got {part.label()}")
    x, *key_inputs = node.inputs
    return SetSubtensor(mode, node.op)(x, value, *key_inputs)


def set_subtensor(part, value):
    return _set_or_inc("set", part, value)


def inc_subtensor(part, value):
    return _set_or_inc("inc", part, value)


class Arange(Op):
    def __init__(self, dtype: str):
        self.dtype = dtype

    def make_node(self, start, stop, step) -> Apply:
        inputs = [cast(as_tensor_variable(v), self.dtype) for v in (start, stop, step)]
        return Apply(self, inputs, [Variable(TensorType(self.dtype, (None,)))])


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    args = [as_tensor_variable(v) for v in (start, stop, step)]
    if dtype is None:  # PyTensor's rule: the upcast of the bounds, integers as int64
        dtype = upcast(*[a.dtype for a in args])
        dtype = dtype if is_float(dtype) else "int64"
    return Arange(str(np.dtype(dtype)))(*args)


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


def _shape_args(shape) -> list:
    return list(shape) if isinstance(shape, list | tuple) else [shape]


def alloc(value, *shape):
    return Alloc()(value, *shape)


def zeros(shape, dtype=None):
    return Alloc()(constant(0, dtype=dtype or config.floatX), *_shape_args(shape))


def ones(shape, dtype=None):
    return Alloc()(constant(1, dtype=dtype or config.floatX), *_shape_args(shape))


def _install_operators():
    """NumPy-style operators and methods on Variable."""

    def binary(fn, reflected=False):
        return (lambda self, other: fn(other, self)) if reflected else (lambda self, other: fn(self, other))

    ops = {"add": add, "sub": sub, "mul": mul, "truediv": true_div, "floordiv": int_div,
           "mod": mod, "pow": pow, "matmul": dot, "lt": lt, "gt": gt, "le": le, "ge": ge,
           "and": and_, "or": or_, "xor": xor}
    for name, fn in ops.items():
        setattr(Variable, f"__{name}__", binary(fn))
        if name not in ("lt", "gt", "le", "ge"):
            setattr(Variable, f"__r{name}__", binary(fn, reflected=True))
    Variable.__neg__ = lambda self: neg(self)
    Variable.__abs__ = lambda self: abs(self)
    Variable.__invert__ = lambda self: invert(self)
    Variable.__getitem__ = getitem
    Variable.sum = lambda self, axis=None: sum(self, axis)
    Variable.prod = lambda self, axis=None: prod(self, axis)
    Variable.max = lambda self, axis=None: max(self, axis)
    Variable.min = lambda self, axis=None: min(self, axis)
    Variable.mean = lambda self, axis=None: mean(self, axis)
    Variable.argmax = lambda self, axis=None: argmax(self, axis)
    Variable.dot = lambda self, other: dot(self, other)
    Variable.astype = lambda self, dtype: cast(self, dtype)
    Variable.set = lambda self, value: set_subtensor(self, value)
    Variable.dimshuffle = dimshuffle
    Variable.T = property(transpose)
    Variable.inc = lambda self, value: inc_subtensor(self, value)
    Variable.__bool__ = _no_truth_value
    Variable.__len__ = _no_len
    Variable.__iter__ = _no_iter


def _no_truth_value(self):
    raise TypeError(f"the truth value of the symbolic {self.label()} is not known while building a graph")


def _no_len(self):
    raise TypeError(f"the length of the symbolic {self.label()} is not known while building a graph")


def _no_iter(self):
    raise TypeError(f"cannot iterate over the symbolic {self.label()}")


_install_operators()
