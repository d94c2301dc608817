"""`pad`, NumPy's np.pad as PyTensor has it: composed of other ops, axis by
axis (as NumPy pads), so its gradient is theirs.

`wrap`, `reflect`, `symmetric` and `edge` pick input elements through a
periodic map of the padded positions (periods n, 2n - 2, 2n and none), so
widths larger than the axis repeat as NumPy's do; `constant`, the
statistics (`maximum`, `minimum`, `mean`, `median`) and `linear_ramp` join new
blocks to each side. Widths are ints (their lengths static)."""

from __future__ import annotations

import numpy as np

from scanjit.dtypes import is_float
from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import (
    add, cast, clip, eq, floor, lt, maximum, minimum, mod, mul, round, sub, switch, true_div,
)
from scanjit.tensor.join import concatenate
from scanjit.tensor import math
from scanjit.tensor.shape import Shape, alloc, arange, dimshuffle, expand_dims
from scanjit.tensor.sort import median

_OPTIONS = {"constant": {"constant_values"}, "edge": set(), "wrap": set(), "reflect": {"reflect_type"},
            "symmetric": {"reflect_type"}, "maximum": {"stat_length"}, "minimum": {"stat_length"},
            "mean": {"stat_length"}, "median": {"stat_length"}, "linear_ramp": {"end_values"}}


def _pairs(value, ndim: int, name: str) -> list[tuple]:
    """(before, after) per axis, as NumPy broadcasts `value` to (ndim, 2)."""
    if isinstance(value, Variable):
        if value.ndim:
            raise NotImplementedError(f"pad: scanjit takes {name} as numbers or scalars, not {value.label()}")
        return [(value, value)] * ndim
    pairs = np.asarray(value)
    try:
        return [tuple(pair) for pair in np.broadcast_to(pairs, (ndim, 2))]
    except ValueError:
        raise ValueError(f"pad: {name} {value!r} does not broadcast to ({ndim}, 2)") from None


def _widths(pad_width, ndim: int) -> list[tuple[int, int]]:
    if isinstance(pad_width, Variable):
        raise NotImplementedError("pad: scanjit takes pad_width as ints, not a variable")
    if not np.issubdtype(np.asarray(pad_width).dtype, np.integer):
        raise TypeError("`pad_width` must be of integral type.")
    pairs = [(int(b), int(a)) for b, a in _pairs(pad_width, ndim, "pad_width")]
    if any(w < 0 for pair in pairs for w in pair):
        raise ValueError("index can't contain negative values")
    return pairs


def _at(axis: int, index) -> tuple:
    return (slice(None),) * axis + (index,)


def _along(v: Variable, axis: int, ndim: int) -> Variable:
    """The vector v laid along `axis` of `ndim` axes (length 1 on the others)."""
    return dimshuffle(v, *["x" if a != axis else 0 for a in range(ndim)])


def _block(x: Variable, axis: int, width: int, value) -> Variable:
    """`value` (broadcast along `axis`) in x's shape but for `width` on `axis`."""
    lengths = [width if a == axis else Shape(a)(x) for a in range(x.ndim)]
    return alloc(cast(value, x.dtype), *lengths)


def _gathered(x: Variable, axis: int, before: int, after: int, mode: str) -> Variable:
    n = Shape(axis)(x)
    i = arange(-before, add(n, after))
    if mode == "edge":
        index = clip(i, 0, sub(n, 1))
    elif mode == "wrap":
        index = mod(i, n)
    elif mode == "symmetric":
        j = mod(i, mul(2, n))
        index = switch(lt(j, n), j, sub(sub(mul(2, n), 1), j))
    else:  # reflect: period 2n - 2 (1 for n = 1: every position is 0)
        period = mul(2, sub(n, 1))
        j = mod(i, maximum(period, 1))
        index = minimum(j, sub(period, j))
    return x[_at(axis, index)]


def _statistic(x: Variable, axis: int, before: int, after: int, mode: str, lengths: tuple) -> Variable:
    n = Shape(axis)(x)

    def stat(part: Variable) -> Variable:
        if mode in ("maximum", "minimum"):
            return (math.max if mode == "maximum" else math.min)(part, axis=axis, keepdims=True)
        value = math.mean(part, axis=axis, keepdims=True) if mode == "mean" else expand_dims(median(part, axis), axis)
        return value if is_float(x.dtype) else round(value)  # NumPy rounds them for integers

    first, last = (n if k is None else minimum(k, n) for k in lengths)
    left = stat(x[_at(axis, slice(None, first))])
    right = left if lengths == (None, None) else stat(x[_at(axis, slice(sub(n, last), None))])
    return concatenate([_block(x, axis, before, left), x, _block(x, axis, after, right)], axis=axis)


def _ramps(x: Variable, axis: int, before: int, after: int, ends: tuple) -> Variable:
    """np.linspace(end, edge, width, endpoint=False) on each side (the right
    one reversed) as np.pad computes it from one end value or one pair: in
    float64, end + k step, step = (edge - end) / width, or, where any step
    of the side is 0, end + k / width (edge - end); floored for an integer x
    (NumPy's linspace of an integer dtype), then cast to x's dtype. (A
    float32 x padded with end values per axis can differ from np.pad's in
    the last bit.)"""
    dtype = "float64"

    def ramp(edge: Variable, end, width: int, reverse: bool) -> Variable:
        k = _along(cast(arange(width - 1, -1, -1) if reverse else arange(width), dtype), axis, x.ndim)
        delta = sub(cast(edge, dtype), end)
        step = true_div(delta, float(width))
        scaled = switch(math.any(eq(step, 0)), mul(true_div(k, float(width)), delta), mul(k, step))
        values = add(scaled, cast(end, dtype))
        return cast(values if is_float(x.dtype) else floor(values), x.dtype)

    left = ramp(expand_dims(x[_at(axis, 0)], axis), ends[0], before, False)
    right = ramp(expand_dims(x[_at(axis, -1)], axis), ends[1], after, True)
    return concatenate([left, x, right], axis=axis)


def pad(x, pad_width, mode="constant", *, constant_values=None, end_values=None, stat_length=None,
        reflect_type=None) -> Variable:
    """x padded on each side of each axis by `pad_width` ((before, after)
    per axis, one pair, or one int), as NumPy's np.pad with `mode`."""
    x = as_tensor_variable(x)
    if mode not in _OPTIONS:
        raise ValueError(f"mode '{mode}' is not supported")
    given = {k for k, v in {"constant_values": constant_values, "end_values": end_values,
                            "stat_length": stat_length, "reflect_type": reflect_type}.items() if v is not None}
    if given - _OPTIONS[mode]:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {given - _OPTIONS[mode]}")
    if reflect_type not in (None, "even"):
        raise NotImplementedError(f"pad: reflect_type {reflect_type!r}: scanjit pads with even reflections only")
    values = _pairs(next((v for v in (constant_values, end_values) if v is not None), 0), x.ndim, "values")
    lengths = _pairs(stat_length, x.ndim, "stat_length") if stat_length is not None else [(None, None)] * x.ndim
    if any(k is not None and not isinstance(k, Variable) and int(k) <= 0 for pair in lengths for k in pair):
        raise ValueError("stat_length of 0 yields no value for padding")
    for axis, (before, after) in enumerate(_widths(pad_width, x.ndim)):
        if before == after == 0:
            continue
        if mode == "constant":
            x = concatenate([_block(x, axis, before, values[axis][0]), x, _block(x, axis, after, values[axis][1])],
                            axis=axis)
        elif mode == "linear_ramp":
            x = _ramps(x, axis, before, after, values[axis])
        elif mode in ("maximum", "minimum", "mean", "median"):
            x = _statistic(x, axis, before, after, mode, lengths[axis])
        else:
            x = _gathered(x, axis, before, after, mode)
    return x
