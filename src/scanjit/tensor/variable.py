"""NumPy-style operators, indexing and methods on Variable, so that graphs
read like NumPy code (`x[i] * 2 + y.sum()`)."""

from __future__ import annotations

import builtins

import numpy as np

from scanjit.dtypes import INTS
from scanjit.graph import Variable
from scanjit.tensor import elemwise as ew
from scanjit.tensor import extra_ops, linalg, math
from scanjit.tensor.sort import argsort, sort
from scanjit.tensor.diagonal import diagonal
from scanjit.tensor.join import repeat
from scanjit.tensor.shape import MakeVector, dimshuffle, flatten, reshape, shape, squeeze, transpose
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.subtensor import (
    ARRAY, FULL, INDEX, AdvancedSubtensor, Subtensor, inc_subtensor, nonzero, set_subtensor,
)


def _is_index(k) -> bool:
    if isinstance(k, Variable):
        return k.ndim == 0 and k.dtype in INTS
    return isinstance(k, int | np.integer) and not isinstance(k, bool | np.bool_)


def _is_array(k) -> bool:
    """An index array (integers or booleans, any number of dimensions but 0)."""
    if isinstance(k, Variable):
        return k.ndim > 0
    return isinstance(k, list | np.ndarray) and np.ndim(k) > 0


def _expand_ellipsis(x: Variable, key: tuple) -> tuple:
    if builtins.sum(k is Ellipsis for k in key) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = builtins.sum(_bool_ndim(k) or 1 for k in key if k is not None and k is not Ellipsis)
    if used > x.ndim:
        raise IndexError(f"too many indices for {x.label()}: it has {x.ndim} dimensions, "
                         f"the key {used}")
    at = next((j for j, k in enumerate(key) if k is Ellipsis), None)  # `in` would compare arrays
    if at is not None:
        key = key[:at] + (slice(None),) * (x.ndim - used) + key[at + 1:]
    return key


def _bool_ndim(k) -> int:
    """The axes a boolean mask covers (0 for anything else)."""
    if isinstance(k, Variable):
        return k.ndim if k.dtype == "bool" else 0
    return np.ndim(k) if isinstance(k, list | np.ndarray) and np.asarray(k).dtype == bool else 0


def advanced_getitem(x: Variable, key: tuple) -> Variable:
    """`x[key]` for a key with index arrays or boolean masks (NumPy's
    advanced indexing; an integer among them counts as a 0-d array)."""
    if any(k is None for k in key):
        raise NotImplementedError(f"indexing {x.label()} with None and index arrays together")
    idx_list, inputs = [], []
    for k in key:
        if isinstance(k, slice):
            if k.step is not None and not isinstance(k.step, Variable) and k.step == 0:
                raise ValueError("slice step cannot be zero")
            idx_list.append(tuple(b is not None for b in (k.start, k.stop, k.step)))
            inputs += [b for b in (k.start, k.stop, k.step) if b is not None]
        elif _bool_ndim(k):
            mask = as_tensor_variable(k)
            for index in nonzero(mask):
                idx_list.append(ARRAY)
                inputs.append(index)
        elif _is_index(k) or _is_array(k):
            idx_list.append(ARRAY)
            inputs.append(as_tensor_variable(np.asarray(k, "int64") if isinstance(k, list | np.ndarray) else k))
        else:
            raise IndexError(f"only integers, slices, ... and integer or boolean arrays are valid "
                             f"indices of {x.label()}, got {k!r}")
    while idx_list and idx_list[-1] == FULL:
        idx_list.pop()
    return AdvancedSubtensor(idx_list)(x, *inputs)


def getitem(x: Variable, key) -> Variable:
    """`x[key]` as NumPy: basic indexing (integers, slices, `None`, `...`)
    or, with index arrays or boolean masks, advanced indexing."""
    key = key if isinstance(key, tuple) else (key,)
    if any(_is_array(k) or _bool_ndim(k) for k in key):
        return advanced_getitem(x, _expand_ellipsis(x, key))
    constant_index = len(key) == 1 and _is_index(key[0]) and not isinstance(key[0], Variable)
    if constant_index and key[0] == -1 and x.owner is not None and hasattr(x.owner.op, "final_state"):
        final = x.owner.op.final_state(x)  # a scan's last state, read as PyTensor does
        if final is not None:
            return final
    if constant_index and x.owner is not None and isinstance(x.owner.op, MakeVector) \
            and -len(x.owner.inputs) <= key[0] < len(x.owner.inputs):
        return x.owner.inputs[key[0]]  # x.shape[i] is Shape_i
    key = _expand_ellipsis(x, key)
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
        elif isinstance(k, bool | np.bool_):
            raise NotImplementedError(f"indexing {x.label()} with the boolean {k!r} (a 0-d mask)")
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


def _binary(fn, reflected=False):
    return (lambda self, other: fn(other, self)) if reflected else (lambda self, other: fn(self, other))


def _no_truth_value(self):
    raise TypeError(f"the truth value of the symbolic {self.label()} is not known while building a graph")


def _no_len(self):
    raise TypeError(f"the length of the symbolic {self.label()} is not known while building a graph")


def _no_iter(self):
    raise TypeError(f"cannot iterate over the symbolic {self.label()}")


def _copy(self, name: str | None = None) -> Variable:
    """A new variable with the same value (PyTensor's `x.copy()`)."""
    out = ew.Elemwise(f"cast_{self.dtype}")(self)
    out.name = name
    return out


def install_operators() -> None:
    ops = {"add": ew.add, "sub": ew.sub, "mul": ew.mul, "truediv": ew.true_div, "floordiv": ew.int_div,
           "mod": ew.mod, "pow": ew.pow, "matmul": math.matmul, "lt": ew.lt, "gt": ew.gt, "le": ew.le,
           "ge": ew.ge, "and": ew.and_, "or": ew.or_, "xor": ew.xor}
    for name, fn in ops.items():
        setattr(Variable, f"__{name}__", _binary(fn))
        if name not in ("lt", "gt", "le", "ge"):
            setattr(Variable, f"__r{name}__", _binary(fn, reflected=True))
    Variable.__neg__ = lambda self: ew.neg(self)
    Variable.__abs__ = lambda self: ew.abs(self)
    Variable.__invert__ = lambda self: ew.invert(self)
    Variable.__getitem__ = getitem
    for name in ("sum", "prod", "max", "min", "mean", "var", "std", "argmax", "argmin", "any", "all"):
        setattr(Variable, name, getattr(math, name))  # x.sum(axis=1, keepdims=True) is sum(x, ...)
    Variable.cumsum = extra_ops.cumsum
    Variable.cumprod = extra_ops.cumprod
    Variable.sort = lambda self, axis=-1, kind="quicksort", order=None: sort(self, axis, kind, order)
    Variable.argsort = lambda self, axis=-1, kind="quicksort", order=None: argsort(self, axis, kind, order)
    Variable.ptp = lambda self, axis=None: math.ptp(self, axis)
    Variable.clip = ew.clip
    Variable.round = ew.round
    Variable.dot = lambda self, other: math.dot(self, other)
    Variable.diagonal = diagonal
    Variable.trace = lambda self: linalg.trace(self)
    Variable.astype = lambda self, dtype: ew.cast(self, dtype)
    Variable.copy = _copy
    Variable.set = lambda self, value: set_subtensor(self, value)
    Variable.inc = lambda self, value: inc_subtensor(self, value)
    Variable.dimshuffle = dimshuffle
    Variable.T = property(transpose)
    Variable.shape = property(shape)
    Variable.reshape = lambda self, *shape, ndim=None: reshape(self, shape[0] if len(shape) == 1 else shape, ndim)
    Variable.flatten = lambda self, ndim=1: flatten(self, ndim)
    Variable.ravel = lambda self: flatten(self)
    Variable.squeeze = lambda self, axis=None: squeeze(self, axis)
    Variable.nonzero = lambda self: tuple(nonzero(self))
    Variable.repeat = lambda self, repeats, axis=None: repeat(self, repeats, axis)
    Variable.size = property(lambda self: ew.cast(math.prod(shape(self)), "int64"))
    Variable.__bool__ = _no_truth_value
    Variable.__len__ = _no_len
    Variable.__iter__ = _no_iter
