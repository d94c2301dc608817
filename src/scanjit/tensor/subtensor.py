"""Basic indexing: `Subtensor` reads `x[key]`, `SetSubtensor` writes it
(`set_subtensor`, `inc_subtensor`); `getitem` (tensor/variable.py) builds
them from NumPy keys."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import numpy as np

from scanjit.dtypes import INTS
from scanjit.graph import Apply, Constant, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable, check_broadcast
from scanjit.tensor.elemwise import cast

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
        key, lengths = iter(key), []
        for length, entry in zip(shapes[0], self.idx_list):
            if entry == INDEX:
                next(key)
            else:
                bounds = [next(key) for given in entry if given]
                lengths.append(length if entry == FULL else dims.slice_length(length, entry, bounds, x.label()))
        return [lengths + shapes[0][len(self.idx_list):]]

    def perform(self, node, inputs):
        x, *key = inputs
        return [x[numpy_key(self, x, key, node.inputs[0].label())]]

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

    def __str__(self):
        return f"{'Set' if self.mode == 'set' else 'Inc'}{self.key}"


def _set_or_inc(mode: str, part: Variable, value) -> Variable:
    node = part.owner
    if node is not None and hasattr(node.op, "stacked_of") and node.op.stacked_of(part) is not None:
        part = Subtensor([INDEX])(node.op.stacked_of(part), -1)  # h[-1] of a scan's state, as a row of h
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
