"""`scanjit.tensor.nnet`: the names of the former `pytensor.tensor.nnet`
(Theano's `tensor.nnet`) that scanjit has, for code ported from it, with
Theano's definitions; PyTensor 3 has some as `pt.sigmoid`, `pt.softplus`
and `pt.special.softmax`."""

from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import abs, add, clip, log, mul, neg, sigmoid, softplus, sub, true_div
from scanjit.tensor.math import sum
from scanjit.tensor.shape import arange, shape
from scanjit.tensor.special import log_softmax, softmax

__all__ = ["sigmoid", "softplus", "softmax", "log_softmax", "relu", "softsign", "hard_sigmoid",
           "binary_crossentropy", "categorical_crossentropy", "crossentropy_categorical_1hot"]


def relu(x, alpha=0) -> Variable:
    """x where x > 0, else alpha * x, as Theano computes it (halves of x ± |x|)."""
    if alpha == 0:
        return mul(0.5, add(x, abs(x)))
    alpha = as_tensor_variable(alpha)
    return add(mul(mul(0.5, add(1, alpha)), x), mul(mul(0.5, sub(1, alpha)), abs(x)))


def softsign(x) -> Variable:
    """x / (1 + |x|)."""
    return true_div(x, add(1, abs(x)))


def hard_sigmoid(x) -> Variable:
    """clip(0.2 x + 0.5, 0, 1), a piecewise linear sigmoid."""
    return clip(add(mul(x, 0.2), 0.5), 0, 1)


def binary_crossentropy(output, target) -> Variable:
    """-(target log(output) + (1 - target) log(1 - output)), elementwise."""
    return neg(add(mul(target, log(output)), mul(sub(1.0, target), log(sub(1.0, output)))))


def crossentropy_categorical_1hot(coding_dist, true_one_of_n) -> Variable:
    """-log(coding_dist[i, true_one_of_n[i]]) for each row i."""
    coding_dist = as_tensor_variable(coding_dist)
    return neg(log(coding_dist[arange(shape(coding_dist)[0]), true_one_of_n]))


def categorical_crossentropy(coding_dist, true_dist) -> Variable:
    """Each row's cross-entropy: -sum(true_dist log(coding_dist)) over the
    last axis, or, for a vector of class indices, crossentropy_categorical_1hot."""
    coding_dist, true_dist = as_tensor_variable(coding_dist), as_tensor_variable(true_dist)
    if true_dist.ndim == coding_dist.ndim:
        return neg(sum(mul(true_dist, log(coding_dist)), axis=coding_dist.ndim - 1))
    if true_dist.ndim == coding_dist.ndim - 1:
        return crossentropy_categorical_1hot(coding_dist, true_dist)
    raise TypeError("rank mismatch between coding and true distributions")
