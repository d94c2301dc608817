"""`scanjit.tensor.special`, the counterpart of `pytensor.tensor.special`:
softmax and log_softmax (with the maximum subtracted first, as PyTensor's),
and the special functions scanjit has (`expit` is SciPy's name of sigmoid)."""

from __future__ import annotations

from scanjit.dtypes import INTS, upgrade_to_float
from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import cast, exp, expit, gammaln, log, log1p, sub, true_div  # noqa: F401
from scanjit.tensor.gradient import disconnected_grad
from scanjit.tensor.math import max, sum


def _shifted(c, axis) -> Variable:
    """c - max(c) over `axis` (all axes for None); integers are converted to
    float first (PyTensor subtracts in the integer dtype, which can wrap).
    The shift has no gradient (its exact one cancels), so the gradients are
    PyTensor's: g - softmax·Σg for log_softmax, without the max's glue."""
    x = as_tensor_variable(c)
    if x.dtype in INTS:
        x = cast(x, upgrade_to_float(x.dtype))
    return sub(x, disconnected_grad(max(x, axis, keepdims=True)))


def softmax(c, axis=None) -> Variable:
    """exp(c) / sum(exp(c)) over `axis`."""
    e = exp(_shifted(c, axis))
    return true_div(e, sum(e, axis, keepdims=True))


def log_softmax(c, axis=None) -> Variable:
    """c - log(sum(exp(c))) over `axis`."""
    shifted = _shifted(c, axis)
    return sub(shifted, log(sum(exp(shifted), axis, keepdims=True)))


__all__ = ["softmax", "log_softmax", "expit", "gammaln", "log1p"]
