"""Basic indexing: `Subtensor` reads `x[key]`, `SetSubtensor` writes it
(`set_subtensor`, `inc_subtensor`); `getitem` (tensor/variable.py) builds
them from NumPy keys."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import numpy as np

from scanjit.dtypes import INTS
from scanjit.graph import Apply, Constant, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable, broadcast_lengths, broadcast_shape, check_broadcast, constant
from scanjit.tensor.elemwise import Elemwise, cast, second

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
        shape = self.static_shape(x.type.shape, [k.data if isinstance(k, Constant) else None for k in key])
        return Apply(self, [x, *key], [Variable(TensorType(x.dtype, shape))])

    def infer_shape(self, node, shapes, dims):
        x, *key = node.inputs
        return [sliced_lengths(self.idx_list, shapes[0], key, dims, x.label())]

    def perform(self, node, inputs):
        x, *key = inputs
        return [x[numpy_key(self, x, key, node.inputs[0].label())]]

    def grad(self, inputs, output_grads):
        """The gradient added into zeros at the part (inc_subtensor)."""
        (x, *key), (g,) = inputs, output_grads
        return [SetSubtensor("inc", self)(zeros_shaped(x, g), g, *key), *[None] * len(key)]

    def linear_inputs(self, node):
        return [0]

    def static_shape(self, shape: tuple, key: list | None = None) -> tuple:
        """The static shape of `x[key]` for `x` of static `shape`: a sliced
        axis has a static length for `:`, or when both its length and the
        slice's bounds (`key`: constants' values, None for others) are known."""
        key = iter(key or [None] * sum(1 if e == INDEX else sum(e) for e in self.idx_list))
        kept = []
        for length, entry in zip(shape, self.idx_list):
            if entry == INDEX:
                next(key)
                continue
            bounds = [next(key) for given in entry if given]
            known = length is not None and all(b is not None for b in bounds) and entry != FULL
            kept.append(len(range(length)[key_slice(entry, bounds, "")]) if known else
                        length if entry == FULL else None)
        return (*kept, *shape[len(self.idx_list):])

    def __str__(self):
        names = ("start", "stop", "step")
        entries = ["i" if e == INDEX else ":".join(n if h else "" for n, h in zip(names, e)).rstrip(":")
                   or ":" for e in self.idx_list]
        return f"Subtensor{{{', '.join(entries)}}}"


def zeros_shaped(x: Variable, g: Variable) -> Variable:
    """Zeros of `x`'s shape and the gradient `g`'s dtype."""
    return second(x, constant(0, dtype=g.dtype))


def added_into_zeros(term: Variable, chained: bool = False) -> bool:
    """Whether `term` is a part's gradient, `inc_subtensor(zeros_shaped(x, g), g, *key)`
    (`chained`: or such increments of one another)."""
    owner = term.owner
    if owner is None or not isinstance(owner.op, SetSubtensor | AdvancedIncSubtensor) or owner.op.mode != "inc":
        return False
    base = owner.inputs[0].owner
    if chained and added_into_zeros(owner.inputs[0], chained):
        return True
    return base is not None and isinstance(base.op, Elemwise) and base.op.scalar_op == "second" and \
        isinstance(base.inputs[1], Constant) and not np.any(base.inputs[1].data)


def sum_of_parts(a: Variable, b: Variable) -> Variable | None:
    """a + b as `b`'s increment applied to `a`, when both are parts'
    gradients (`a` possibly several) of one type: no zeros filled and added
    twice, and the same values (0 + x is never -0, so adding 0 + y or y to
    it agree); else None."""
    if a.type != b.type or not (added_into_zeros(a, chained=True) and added_into_zeros(b)):
        return None
    _, value, *key = b.owner.inputs
    return b.owner.op(a, value, *key)


def sliced_lengths(idx_list, lengths: list, key: list, dims, label: str) -> list:
    """The lengths of `x[key]` for a basic key (`idx_list` and its scalars)."""
    key, out = iter(key), []
    for length, entry in zip(lengths, idx_list):
        if entry == INDEX:
            next(key)
        else:
            bounds = [next(key) for given in entry if given]
            out.append(length if entry == FULL else dims.slice_length(length, entry, bounds, label))
    return out + lengths[len(idx_list):]


def numpy_key(op: Subtensor, x: np.ndarray, key: list, label: str) -> tuple:
    """The NumPy key of a Subtensor, with the compiled checks and messages."""
    key, out = iter(key), []
    for axis, entry in enumerate(op.idx_list):
        if entry == INDEX:
            n, given = x.shape[axis], int(next(key))
            i = given + n if given < 0 else given
            if not 0 <= i < n:
                raise IndexError(f"index {given} is out of bounds for axis {axis} of {label} with size {n}")
            out.append(i)
        else:
            out.append(key_slice(entry, [next(key) for given in entry if given], label))
    return tuple(out)


def key_slice(has, bounds, label: str) -> slice:
    """The slice of a key entry (which bounds it has) and its bounds' values."""
    bounds = iter(bounds)
    start, stop, step = (int(next(bounds)) if h else None for h in has)
    if step == 0:
        raise ValueError(f"slice step of {label} cannot be zero")
    return slice(start, stop, step)


def part_ndim(x: Variable, idx_list) -> int:
    """The number of dimensions of `x[key]`."""
    return x.ndim - builtins.sum(e == INDEX for e in idx_list)


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

    def perform(self, node, inputs):
        (x_var, value_var), (x, new, *key) = node.inputs[:2], inputs
        out = x.copy()
        where = numpy_key(self.key, x, key, x_var.label())
        part = out[where]
        check_broadcast([self.key.static_shape(x_var.type.shape), value_var.type.shape], [part, new],
                        part.ndim, f"{self.mode}_subtensor of {x_var.label()}")
        out[where] = part + new if self.mode == "inc" else new
        return [out]

    def grad(self, inputs, output_grads):
        """x: the gradient, zero at the part when it was set; the value: the
        gradient's part (summed over the axes it was broadcast on)."""
        (x, value, *key), (g,) = inputs, output_grads
        gx = g if self.mode == "inc" else SetSubtensor("set", self.key)(g, constant(0, dtype=g.dtype), *key)
        return [gx, self.key(g, *key), *[None] * len(key)]

    def linear_inputs(self, node):
        return [0, 1]

    def __str__(self):
        return f"{'Set' if self.mode == 'set' else 'Inc'}{self.key}"


def _set_or_inc(mode: str, part: Variable, value) -> Variable:
    node = part.owner
    if node is not None and hasattr(node.op, "stacked_of") and node.op.stacked_of(part) is not None:
        part = Subtensor([INDEX])(node.op.stacked_of(part), -1)  # h[-1] of a scan's state, as a row of h
        node = part.owner
    if node is not None and isinstance(node.op, AdvancedSubtensor):
        x, *key = node.inputs
        return AdvancedIncSubtensor(mode, node.op)(x, value, *key)
    if node is None or not isinstance(node.op, Subtensor):
        raise TypeError(f"{mode}_subtensor needs a part of a tensor such as x[i], x[a:b], "
                        f"x[i, :, j] or x[idx], got {part.label()}")
    x, *key_inputs = node.inputs
    return SetSubtensor(mode, node.op)(x, value, *key_inputs)


def set_subtensor(part, value):
    return _set_or_inc("set", part, value)


def inc_subtensor(part, value):
    return _set_or_inc("inc", part, value)


ARRAY = "a"  # an AdvancedSubtensor key entry taking an integer index array


class AdvancedSubtensor(Op):
    """`x[key]` for a key with integer index arrays (NumPy's advanced
    indexing). `idx_list` has one entry per leading axis: ARRAY, or a slice as
    in Subtensor (an integer is a 0-d array here). The arrays broadcast together
    to a shape B; the result is B then the other axes (sliced), or, when the
    arrays' axes are adjacent, the axes before them, B, and the axes after.
    Inputs: x, then the key's arrays and slice bounds in order."""

    def __init__(self, idx_list: Sequence):
        self.idx_list = tuple(idx_list)
        self.axes = tuple(a for a, entry in enumerate(self.idx_list) if entry == ARRAY)

    def adjacent(self) -> bool:
        return self.axes == tuple(range(self.axes[0], self.axes[0] + len(self.axes)))

    def placed(self, other_lengths: list, b_lengths: list) -> list:
        """The result's lengths in NumPy's order, from the other axes' and B's."""
        before = self.axes[0] if self.adjacent() else 0
        return other_lengths[:before] + b_lengths + other_lengths[before:]

    def split(self, inputs: Sequence) -> tuple[list, list]:
        """The key's inputs as (arrays, slice bounds per slice entry)."""
        inputs, arrays, bounds = iter(inputs), [], []
        for entry in self.idx_list:
            if entry == ARRAY:
                arrays.append(next(inputs))
            else:
                bounds.append([next(inputs) for given in entry if given])
        return arrays, bounds

    def basic(self) -> Subtensor:
        """The Subtensor of the key's slices (its arrays' axes taken whole)."""
        return Subtensor([FULL if entry == ARRAY else entry for entry in self.idx_list])

    def make_node(self, x, *key) -> Apply:
        x = as_tensor_variable(x)
        key = [as_tensor_variable(k) for k in key]
        if len(self.idx_list) > x.ndim:
            raise IndexError(f"too many indices for {x.label()}: it has {x.ndim} dimensions")
        arrays, bounds = self.split(key)
        for i in arrays:
            if i.dtype not in INTS:
                raise IndexError(f"arrays used as indices of {x.label()} must be of integer (or "
                                 f"boolean) type, got {i.type}")
        sliced = self.basic().static_shape(x.type.shape, [b.data if isinstance(b, Constant) else None
                                                          for group in bounds for b in group])
        others = [n for a, n in enumerate(sliced) if a not in self.axes]
        shape = self.placed(others, list(broadcast_shape([i.type for i in arrays])))
        return Apply(self, [x, *key], [Variable(TensorType(x.dtype, tuple(shape)))])

    def infer_shape(self, node, shapes, dims):
        x, *key = node.inputs
        arrays, bounds = self.split(key)
        array_shapes, _ = self.split(shapes[1:])
        sliced = sliced_lengths(self.basic().idx_list, shapes[0], [b for g in bounds for b in g], dims, x.label())
        others = [n for a, n in enumerate(sliced) if a not in self.axes]
        return [self.placed(others, broadcast_lengths([a.type.shape for a in arrays], array_shapes, dims.const(1)))]

    def perform(self, node, inputs):
        x, *key = inputs
        return [x[advanced_key(self, node, x, key)]]

    def grad(self, inputs, output_grads):
        """The gradient added into zeros at the indices (repeated ones accumulate)."""
        (x, *key), (g,) = inputs, output_grads
        return [AdvancedIncSubtensor("inc", self)(zeros_shaped(x, g), g, *key), *[None] * len(key)]

    def linear_inputs(self, node):
        return [0]

    def __str__(self):
        names = ("start", "stop", "step")
        entries = ["array" if e == ARRAY else ":".join(n if h else "" for n, h in zip(names, e)).rstrip(":")
                   or ":" for e in self.idx_list]
        return f"AdvancedSubtensor{{{', '.join(entries)}}}"


def advanced_key(op: AdvancedSubtensor, node, x: np.ndarray, key: list) -> tuple:
    """The NumPy key, after the compiled checks (the arrays broadcast without
    run-time broadcasting, every index in range) with their messages."""
    label = node.inputs[0].label()
    arrays, bounds = op.split(key)
    array_vars, _ = op.split(node.inputs[1:1 + len(key)])
    check_broadcast([v.type.shape for v in array_vars], arrays, max(i.ndim for i in arrays),
                    f"the index arrays of {label}", [v.label() for v in array_vars])
    arrays, bounds, out = iter(arrays), iter(bounds), []
    for axis, entry in enumerate(op.idx_list):
        if entry != ARRAY:
            out.append(key_slice(entry, next(bounds), label))
            continue
        index, n = next(arrays), x.shape[axis]
        bad = (index < -n) | (index >= n)
        if bad.any():
            raise IndexError(f"index {int(index[bad].flat[0])} is out of bounds for axis {axis} of "
                             f"{label} with size {n}")
        out.append(index)
    return tuple(out)


class AdvancedIncSubtensor(Op):
    """`x` with `x[key]` set to (mode "set": the last write wins for repeated
    indices) or incremented by (mode "inc": repeated indices accumulate, as
    np.add.at) `value`; `key` is the AdvancedSubtensor that read the part.
    Inputs: x, value, the index arrays."""

    def __init__(self, mode: str, key: AdvancedSubtensor):
        self.mode, self.key = mode, key

    def make_node(self, x, value, *key) -> Apply:
        x, value = as_tensor_variable(x), as_tensor_variable(value)
        part = self.key.make_node(x, *key).outputs[0]
        if value.ndim > part.ndim:
            raise ValueError(f"cannot {self.mode} a {part.ndim}-d part of {x.label()} to a {value.ndim}-d value")
        return Apply(self, [x, cast(value, x.dtype), *key], [Variable(x.type)])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0]]

    def perform(self, node, inputs):
        x, value, *key = inputs
        part_node = self.key.make_node(node.inputs[0], *node.inputs[2:])
        key = advanced_key(self.key, part_node, x, key)
        out = x.copy()
        part_static = part_node.outputs[0].type.shape
        part = out[key]
        check_broadcast([part_static, node.inputs[1].type.shape], [part, value], part.ndim,
                        f"{self.mode}_subtensor of {node.inputs[0].label()}")
        if self.mode == "inc":
            np.add.at(out, key, value)
        else:
            out[key] = value
        return [out]

    def grad(self, inputs, output_grads):
        (x, value, *key), (g,) = inputs, output_grads
        gx = g if self.mode == "inc" else AdvancedIncSubtensor("set", self.key)(g, constant(0, dtype=g.dtype), *key)
        return [gx, self.key(g, *key), *[None] * len(key)]

    def linear_inputs(self, node):
        return [0, 1]

    def __str__(self):
        return f"{'Set' if self.mode == 'set' else 'Inc'}{self.key}"


class Nonzero(Op):
    """The indices of the non-zero elements of `x`, one int64 vector per axis
    (NumPy's nonzero; a boolean mask's `x[mask]` indexes with them)."""

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise ValueError("nonzero of a 0-d tensor")
        return Apply(self, [x], [Variable(TensorType("int64", (None,))) for _ in range(x.ndim)])

    def perform(self, node, inputs):
        return list(np.nonzero(inputs[0]))

    def __str__(self):
        return "Nonzero"


def nonzero(x) -> list[Variable]:
    node = Nonzero().make_node(x)
    return list(node.outputs)


def flip(x, axis=None) -> Variable:
    """`x` with the order of its elements along `axis` (all axes when None) reversed."""
    x = as_tensor_variable(x)
    axes = range(x.ndim) if axis is None else [axis] if isinstance(axis, int) else axis
    axes = {a % x.ndim for a in axes}
    return x[tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(x.ndim))]


def slice_at_axis(sl: slice, axis: int) -> tuple:
    """The key taking `sl` along `axis` (counted from the end if negative) and all of the other axes."""
    if axis >= 0:
        return (slice(None),) * axis + (sl,) + (...,)
    return (...,) + (sl,) + (slice(None),) * (abs(axis) - 1)
