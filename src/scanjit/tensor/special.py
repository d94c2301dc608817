"""`scanjit.tensor.special`, the counterpart of `pytensor.tensor.special`:
softmax and log_softmax (with the maximum subtracted first, as PyTensor's),
the special functions scanjit has (`expit` is SciPy's name of sigmoid), and
those PyTensor composes of them: logit, beta, betaln, factorial, poch, and
the incomplete gamma functions gammal, gammau and chi2sf."""

from __future__ import annotations

import warnings

from scanjit.dtypes import INTS, upgrade_to_float
from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import (  # noqa: F401
    add, cast, exp, expit, gamma, gammainc, gammaincc, gammaln, log, log1p, mul, sub, true_div, xlog1py, xlogy,
)
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


def logit(x) -> Variable:
    """log(x / (1 - x)), the inverse of sigmoid."""
    return log(true_div(x, sub(1, x)))


def beta(a, b) -> Variable:
    """gamma(a) gamma(b) / gamma(a + b)."""
    return true_div(mul(gamma(a), gamma(b)), gamma(add(a, b)))


def betaln(a, b) -> Variable:
    """log |beta(a, b)|, from gammaln."""
    return sub(add(gammaln(a), gammaln(b)), gammaln(add(a, b)))


def factorial(n) -> Variable:
    """gamma(n + 1)."""
    return gamma(add(n, 1))


def poch(z, m) -> Variable:
    """The rising factorial gamma(z + m) / gamma(z)."""
    return true_div(gamma(add(z, m)), gamma(z))


__all__ = ["softmax", "log_softmax", "expit", "gamma", "gammaln", "log1p", "logit", "beta", "betaln",
           "factorial", "poch", "xlogy", "xlog1py"]


def gammal(k, x) -> Variable:
    """The lower incomplete gamma function: gamma(k) gammainc(k, x)."""
    return mul(gamma(k), gammainc(k, x))


def gammau(k, x) -> Variable:
    """The upper incomplete gamma function: gamma(k) gammaincc(k, x)."""
    return mul(gamma(k), gammaincc(k, x))


def chi2sf(x, k) -> Variable:
    """The chi-squared survival function, gammaincc(k / 2, x / 2); deprecated, as PyTensor's."""
    warnings.warn("chi2sf is deprecated. Use `gammaincc(k / 2, x / 2)` instead", FutureWarning, stacklevel=2)
    return gammaincc(true_div(k, 2), true_div(x, 2))
