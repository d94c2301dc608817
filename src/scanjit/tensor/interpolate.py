"""`interp`, NumPy's np.interp, composed of a search and a gather, as
NumPy's C loop computes each value (its exact cases and its fallbacks for
a non-finite slope)."""

from __future__ import annotations

from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import add, and_, cast, eq, gt, isnan, lt, maximum, minimum, mul, sub, switch, true_div
from scanjit.tensor.shape import Shape
from scanjit.tensor.sort import searchsorted


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
