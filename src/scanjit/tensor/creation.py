"""Tensors made from shapes and fill values, as NumPy's constructors:
zeros/ones/full/empty (and their `_like`), eye, identity_like, tri, tril,
triu, tril_indices/triu_indices (and `_from`), linspace, logspace,
geomspace, bartlett, mgrid/ogrid. Each is a graph of existing ops (Alloc, Arange,
Elemwise, Nonzero)."""

from __future__ import annotations

from scanjit import config
from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable, constant
from scanjit.tensor.elemwise import (
    add, cast, eq, ge, invert, le, log10, mul, pow, sign, sub, switch, true_div,
)
from scanjit.tensor.shape import Alloc, arange, dimshuffle, lengths, shape
from scanjit.tensor.subtensor import nonzero


def full(shape, fill_value, dtype=None) -> Variable:
    """A tensor of `shape` filled with `fill_value` (of its dtype, or `dtype`)."""
    fill = as_tensor_variable(fill_value)
    return Alloc()(fill if dtype is None else cast(fill, dtype), *lengths(shape))


def zeros(shape, dtype=None) -> Variable:
    return full(shape, constant(0, dtype=dtype or config.floatX))


def ones(shape, dtype=None) -> Variable:
    return full(shape, constant(1, dtype=dtype or config.floatX))


def empty(shape, dtype=None) -> Variable:
    """NumPy leaves its values undefined: here they are zeros."""
    return zeros(shape, dtype)


def full_like(x, fill_value, dtype=None) -> Variable:
    x = as_tensor_variable(x)
    return full(shape(x), fill_value, dtype or x.dtype)


def zeros_like(x, dtype=None) -> Variable:
    return full_like(x, 0, dtype)


def ones_like(x, dtype=None) -> Variable:
    return full_like(x, 1, dtype)


def empty_like(x, dtype=None) -> Variable:
    return zeros_like(x, dtype)


def _diagonal_offsets(n, m, k) -> Variable:
    """column - row - k for an n x m matrix (0 on the k-th diagonal)."""
    m = n if m is None else m
    rows = dimshuffle(add(arange(n), k), 0, "x")
    return sub(dimshuffle(arange(m), "x", 0), rows)


def eye(n, m=None, k=0, dtype=None) -> Variable:
    """n x m (n x n), ones on the k-th diagonal."""
    return cast(eq(_diagonal_offsets(n, m, k), 0), dtype or config.floatX)


def identity_like(x, dtype=None) -> Variable:
    x = as_tensor_variable(x)
    return eye(x.shape[0], x.shape[1], dtype=dtype or x.dtype)


def tri(n, m=None, k=0, dtype=None) -> Variable:
    """n x m (n x n), ones at and below the k-th diagonal."""
    return cast(ge(0, _diagonal_offsets(n, m, k)), dtype or config.floatX)


def tril(x, k=0) -> Variable:
    """`x` (its last two axes) with zeros above the k-th diagonal."""
    x = as_tensor_variable(x)
    return mul(x, tri(x.shape[-2], x.shape[-1], k, dtype="bool"))


def triu(x, k=0) -> Variable:
    """`x` (its last two axes) with zeros below the k-th diagonal."""
    x = as_tensor_variable(x)
    return mul(x, sub(1, tri(x.shape[-2], x.shape[-1], k - 1, dtype="int8")))


def linspace(start, stop, num=50, endpoint=True, dtype=None) -> Variable:
    """`num` evenly spaced values from `start` to `stop` (included when
    `endpoint`), computed as NumPy's: start + arange(num) * step."""
    start, stop = (cast(as_tensor_variable(v), config.floatX) for v in (start, stop))
    num = as_tensor_variable(num)
    divisions = sub(num, 1) if endpoint else num
    delta = sub(stop, start)
    divisions_f = cast(divisions, config.floatX)
    step = true_div(delta, divisions_f)
    positions = cast(arange(num), config.floatX)
    scaled = switch(eq(step, 0), mul(true_div(positions, divisions_f), delta), mul(positions, step))
    values = add(switch(eq(divisions, 0), mul(positions, delta), scaled), start)
    if endpoint:
        values = switch(eq(arange(num), sub(num, 1)) & ge(num, 2), stop, values)
    return values if dtype is None else cast(values, dtype)


def tril_indices(n, k=0, m=None) -> tuple[Variable, Variable]:
    """The (rows, columns) of an n x m matrix at and below its k-th diagonal."""
    return tuple(nonzero(tri(n, m, k, dtype="bool")))


def triu_indices(n, k=0, m=None) -> tuple[Variable, Variable]:
    """The (rows, columns) of an n x m matrix at and above its k-th diagonal."""
    return tuple(nonzero(invert(tri(n, m, k - 1, dtype="bool"))))


def _square_sides(a) -> tuple:
    a = as_tensor_variable(a)
    if a.ndim != 2:
        raise ValueError("The input array must be two dimensional.")
    return a.shape[0], a.shape[1]


def tril_indices_from(a, k=0) -> tuple[Variable, Variable]:
    n, m = _square_sides(a)
    return tril_indices(n, k, m)


def triu_indices_from(a, k=0) -> tuple[Variable, Variable]:
    n, m = _square_sides(a)
    return triu_indices(n, k, m)


def logspace(start, stop, num=50, base=10.0, endpoint=True, dtype=None) -> Variable:
    """base ** linspace(start, stop, num), as NumPy's."""
    return cast(pow(base, linspace(start, stop, num, endpoint)), dtype or config.floatX)


def geomspace(start, stop, num=50, base=10.0, endpoint=True, dtype=None) -> Variable:
    """A geometric progression from `start` to `stop`, as NumPy's: its
    logarithms evenly spaced (of |start| and |stop|, the sign start's), the
    ends exactly `start` and `stop`. `base` (PyTensor's argument) changes
    nothing but rounding: NumPy's base 10 is taken."""
    start, stop = (cast(as_tensor_variable(v), config.floatX) for v in (start, stop))
    out_sign = sign(start)
    values = logspace(log10(true_div(start, out_sign)), log10(true_div(stop, out_sign)), num, endpoint=endpoint)
    position, count = arange(num), as_tensor_variable(num)
    values = switch(eq(position, 0), true_div(start, out_sign), values)
    if endpoint:
        values = switch(eq(position, sub(count, 1)) & ge(count, 2), true_div(stop, out_sign), values)
    return cast(mul(out_sign, values), dtype or config.floatX)


def bartlett(M) -> Variable:
    """NumPy's Bartlett (triangular) window of M points (none if M < 1)."""
    M = as_tensor_variable(M)
    n = cast(arange(sub(1, M), M, 2), "float64")
    width = cast(sub(M, 1), "float64")
    window = switch(le(n, 0), add(1, true_div(n, width)), sub(1, true_div(n, width)))
    return switch(eq(M, 1), 1.0, window)


class _Grid:
    """`mgrid[0:5, 0:3]`: an arange per slice (a list of them, each along its
    own axis), broadcast together (mgrid) or not (ogrid, `sparse`)."""

    def __init__(self, sparse: bool):
        self.sparse = sparse

    def __getitem__(self, key):
        if isinstance(key, slice):
            return arange(key.start or 0, key.stop, key.step or 1)
        if any(isinstance(k.step, complex) for k in key):
            raise NotImplementedError("Not implemented for slices whose step is complex")
        ranges = [arange(k.start or 0, k.stop, k.step or 1) for k in key]
        ranges = [dimshuffle(r, *["x" if a != j else 0 for a in range(len(key))]) for j, r in enumerate(ranges)]
        if self.sparse:
            return ranges
        grids = []
        for r in ranges:
            for other in ranges:
                r = r if other is r else mul(r, ones_like(other))
            grids.append(r)
        return grids


mgrid, ogrid = _Grid(sparse=False), _Grid(sparse=True)
