"""`interp`, NumPy's np.interp, composed of a search and a gather, as
NumPy's C loop computes each value (its exact cases and its fallbacks for
a non-finite slope); PyTensor's `interpolate1d`."""

from __future__ import annotations

from collections.abc import Callable
from difflib import get_close_matches

from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import (
    add, and_, cast, clip, eq, gt, isnan, le, lt, maximum, minimum, mul, sub, switch, true_div,
)
from scanjit.tensor.shape import Shape
from scanjit.tensor.sort import argsort, searchsorted


def interp(x, xp, fp, left=None, right=None, period=None) -> Variable:
    """The piecewise linear interpolation of the points (xp, fp), xp
    increasing, at x: fp[j] + slope (x - xp[j]) between xp[j] and xp[j+1],
    fp[j] at xp[j], `left` (fp[0]) below xp[0] and `right` (fp[-1]) above
    xp[-1]; float64, as NumPy's."""
    if period is not None:
        raise NotImplementedError("interp with a period is not supported yet")
    x, xp, fp = (cast(as_tensor_variable(v), "float64") for v in (x, xp, fp))
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("interp: xp and fp must be vectors")
    n = Shape(0)(xp)
    left = fp[0] if left is None else left
    right = fp[-1] if right is None else right
    j = maximum(minimum(sub(searchsorted(xp, x, side="right"), 1), sub(n, 2)), 0)
    after = minimum(add(j, 1), sub(n, 1))
    x0, x1, y0, y1 = xp[j], xp[after], fp[j], fp[after]
    slope = true_div(sub(y1, y0), sub(x1, x0))
    value = add(mul(slope, sub(x, x0)), y0)
    from_end = add(mul(slope, sub(x, x1)), y1)  # NumPy's fallbacks where the value is NaN
    value = switch(isnan(value), switch(and_(isnan(from_end), eq(y0, y1)), y0, from_end), value)
    value = switch(eq(x, x0), y0, value)
    value = switch(eq(x, xp[-1]), fp[-1], value)
    return switch(lt(x, xp[0]), left, switch(gt(x, xp[-1]), right, value))


METHODS = ("linear", "nearest", "first", "last", "mean")


def interpolate1d(x, y, method: str = "linear", left_pad=None, right_pad=None,
                  extrapolate: bool = True) -> Callable[[Variable], Variable]:
    """PyTensor's: the function of x_hat (any shape) interpolating the points
    (x, y), sorted by x, with `method`; below x[0] and above x[-1]
    extrapolated, or with `extrapolate=False` left_pad (y[0]) and right_pad (y[-1])."""
    if method not in METHODS:
        raise NotImplementedError(f"Unknown interpolation method: {method}. "
                                  f"Did you mean {get_close_matches(method, METHODS)}?")
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError("Inputs must be 1d")
    order = argsort(x)
    x, y = x[order], y[order]
    left_pad = y[0] if left_pad is None else as_tensor_variable(left_pad)
    right_pad = y[-1] if right_pad is None else as_tensor_variable(right_pad)
    last = sub(Shape(0)(x), 1)

    def interpolate(x_hat) -> Variable:
        x_hat = as_tensor_variable(x_hat)
        idx = searchsorted(x, x_hat)
        k = clip(idx, 1, last)  # the points k - 1 and k around x_hat
        if method == "linear":
            slope = true_div(sub(x_hat, x[sub(k, 1)]), sub(x[k], x[sub(k, 1)]))
            y_hat = add(y[sub(k, 1)], mul(slope, sub(y[k], y[sub(k, 1)])))
        elif method == "nearest":
            y_hat = switch(le(sub(x_hat, x[sub(k, 1)]), sub(x[k], x_hat)), y[sub(k, 1)], y[k])
        elif method == "mean":
            y_hat = true_div(add(y[sub(k, 1)], y[k]), 2)
        else:
            y_hat = y[clip(sub(idx, 1) if method == "first" else idx, 0, last)]
        if extrapolate:
            return y_hat
        return switch(eq(idx, 0), left_pad, switch(eq(idx, add(last, 1)), right_pad, y_hat))
    return interpolate
