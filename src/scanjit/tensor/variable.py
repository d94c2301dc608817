"""NumPy-style operators, indexing and methods on Variable, so that graphs
read like NumPy code (`x[i] * 2 + y.sum()`)."""

from __future__ import annotations

import builtins

import numpy as np

from scanjit.dtypes import INTS
from scanjit.graph import Variable
from scanjit.tensor import elemwise as ew
from scanjit.tensor import extra_ops, math
from scanjit.tensor.shape import dimshuffle, transpose
from scanjit.tensor.subtensor import FULL, INDEX, Subtensor, inc_subtensor, set_subtensor


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


def _binary(fn, reflected=False):
    return (lambda self, other: fn(other, self)) if reflected else (lambda self, other: fn(self, other))


def _no_truth_value(self):
    raise TypeError(f"the truth value of the symbolic {self.label()} is not known while building a graph")


def _no_len(self):
    raise TypeError(f"the length of the symbolic {self.label()} is not known while building a graph")


def _no_iter(self):
    raise TypeError(f"cannot iterate over the symbolic {self.label()}")


def install_operators() -> None:
    ops = {"add": ew.add, "sub": ew.sub, "mul": ew.mul, "truediv": ew.true_div, "floordiv": ew.int_div,
           "mod": ew.mod, "pow": ew.pow, "matmul": math.dot, "lt": ew.lt, "gt": ew.gt, "le": ew.le,
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
    Variable.clip = ew.clip
    Variable.round = ew.round
    Variable.dot = lambda self, other: math.dot(self, other)
    Variable.astype = lambda self, dtype: ew.cast(self, dtype)
    Variable.set = lambda self, value: set_subtensor(self, value)
    Variable.inc = lambda self, value: inc_subtensor(self, value)
    Variable.dimshuffle = dimshuffle
    Variable.T = property(transpose)
    Variable.__bool__ = _no_truth_value
    Variable.__len__ = _no_len
    Variable.__iter__ = _no_iter
