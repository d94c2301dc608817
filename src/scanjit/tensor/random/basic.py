"""The constructors of `pt.random`, with PyTensor's signatures and dtype rules.

Each takes `size` (an int or a tuple of ints: the shape of the draws),
`rng` (a shared Generator; without one, a new one, as PyTensor 3: its draws
repeat on every call, since nothing updates it), `dtype`, `name` and
`return_next_rng` (then it returns `(next_rng, sample)`, the generator to
update or to draw from next, as PyTensor 3)."""

from __future__ import annotations

import warnings

import numpy as np

from scanjit import config
from scanjit.dtypes import FLOATS, INTS
from scanjit.graph import Constant, Variable
from scanjit.shared import shared
from scanjit.tensor.basic import as_tensor_variable, broadcast_shape
from scanjit.tensor.elemwise import cast
from scanjit.tensor.shape import lengths
from scanjit.tensor.random.op import (
    SCALAR_PARAMS, CategoricalRV, ChoiceRV, DirichletRV, IntegersRV, MultinomialRV, PermutationRV,
    RandomVariable, ScalarParamsRV, scipy_domain_error,
)


def _size(size) -> tuple[tuple[int | None, ...] | None, list[Variable]]:
    """(the static shape of the draws, None where a length is symbolic or
    without a size; the int64 lengths to pass as inputs, none when all are ints)."""
    if size is None:
        return None, []
    if isinstance(size, np.ndarray):
        size = tuple(size.tolist())
    if isinstance(size, int | np.integer | Variable) and not getattr(size, "ndim", 0):
        size = (size,)
    given = lengths(size)
    for n in given:
        if n.ndim != 0 or n.dtype not in INTS:
            raise TypeError(f"size must hold integers, got {n.type} ({n.label()})")
    static = tuple(int(n.data) if isinstance(n, Constant) else None for n in given)
    if any(s is not None and s < 0 for s in static):
        raise ValueError(f"negative dimensions are not allowed (size {static})")
    return static, [] if None not in static else [cast(n, "int64") for n in given]


def _dtype(name: str, kind: str, dtype) -> str:
    """PyTensor's rule: floatX (float draws) or int64 by default, and a
    dtype of the same kind on request."""
    default = "floatX" if kind == "float" else "int64"
    dtype = dtype or default
    dtype = config.floatX if dtype == "floatX" else str(np.dtype(dtype))
    if (dtype in FLOATS) != (kind == "float"):
        raise ValueError(f"Cannot change the dtype of a {name} RV from {default} to {dtype}")
    if dtype not in FLOATS + INTS:
        raise TypeError(f"scanjit does not support {dtype} samples")
    return dtype


def _generator(rng):
    if rng is None:  # PyTensor 3's behaviour, and its warning
        warnings.warn("Calling a RandomVariable without an explicit rng is deprecated. "
                      "Use pt.random.shared_rng.", DeprecationWarning, stacklevel=3)
        return shared(np.random.default_rng())
    return rng


def _draw(op: RandomVariable, params, rng, name=None, return_next_rng=False):
    next_rng, sample = op.make_node(_generator(rng), *params).outputs
    if name is not None:
        sample.name = name
    return (next_rng, sample) if return_next_rng else sample


def _sized_draw(cls, distribution: str, dtype: str, params, size, rng, name, return_next_rng):
    """A draw of `cls(distribution, dtype, ...)` of `size`: static, or its
    lengths passed as inputs after the parameters."""
    static, given = _size(size)
    return _draw(cls(distribution, dtype, static, bool(given)), [*params, *given], rng, name, return_next_rng)


def _scalar_params(distribution: str, values, size, rng, dtype, name, return_next_rng):
    """A draw of SCALAR_PARAMS[distribution]; `values` in its order."""
    spec = SCALAR_PARAMS[distribution]
    params = []
    for value, param in zip(values, spec.params):
        value = as_tensor_variable(value)
        if param.dtype in INTS and value.dtype not in INTS + ("bool",):
            raise TypeError(f"{distribution}'s {param.name} must be integers, got {value.dtype}")
        params.append(cast(value, param.dtype))
    return _sized_draw(ScalarParamsRV, distribution, _dtype(distribution, spec.kind, dtype), params, size, rng, name,
                       return_next_rng)


def uniform(low=0.0, high=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("uniform", (low, high), size, rng, dtype, name, return_next_rng)


def normal(loc=0.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("normal", (loc, scale), size, rng, dtype, name, return_next_rng)


def beta(alpha, beta, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("beta", (alpha, beta), size, rng, dtype, name, return_next_rng)


def gamma(shape, rate=None, scale=None, size=None, rng=None, dtype=None, name=None,
          return_next_rng=False):
    """PyTensor's: the second positional argument is the (deprecated) rate."""
    if rate is not None and scale is not None:
        raise ValueError("Cannot specify both rate and scale")
    if rate is None and scale is None:
        raise ValueError("Must specify scale")
    if rate is not None:
        warnings.warn("Gamma rate argument is deprecated and will stop working, use scale instead",
                      FutureWarning, stacklevel=2)
        scale = 1.0 / as_tensor_variable(rate)
    return _scalar_params("gamma", (shape, scale), size, rng, dtype, name, return_next_rng)


def exponential(scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("exponential", (scale,), size, rng, dtype, name, return_next_rng)


def poisson(lam=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("poisson", (lam,), size, rng, dtype, name, return_next_rng)


def binomial(n, p, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("binomial", (p, n), size, rng, dtype, name, return_next_rng)


def bernoulli(p, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """binomial(1, p), as PyTensor's (scipy's) bernoulli draws."""
    return _scalar_params("binomial", (p, 1), size, rng, dtype, name, return_next_rng)


def negative_binomial(n, p, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """SciPy's nbinom: NumPy's negative_binomial after SciPy's check (n > 0, 0 < p <= 1)."""
    return _scalar_params("negative_binomial", (n, p), size, rng, dtype, name, return_next_rng)


nbinom = negative_binomial


def hypergeometric(ngood, nbad, nsample, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("hypergeometric", (ngood, nbad, nsample), size, rng, dtype, name, return_next_rng)


def betabinom(n, a, b, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """SciPy's betabinom, as PyTensor draws it: after SciPy's check (n >= 0,
    a > 0, b > 0), `beta(a, b)` of the whole size, then `binomial(n, p)` of
    those p."""
    from scanjit.raise_op import assert_op
    from scanjit.tensor.elemwise import and_, ge, gt
    from scanjit.tensor.math import all as all_
    from scanjit.tensor.shape import broadcast_lengths_of

    n, a, b = as_tensor_variable(n), _floats(a), _floats(b)
    if n.dtype not in INTS:
        raise TypeError(f"betabinom's n must be integers, got {n.dtype}")
    if size is None:
        static = broadcast_shape([n.type, a.type, b.type])
        size = tuple(s if s is not None else length for s, length in zip(static, broadcast_lengths_of([n, a, b])))
    valid = all_(and_(and_(ge(n, 0), gt(a, 0.0)), gt(b, 0.0)))
    a = assert_op(a, valid, msg=scipy_domain_error("betabinom"), exc_type=ValueError)
    next_rng, p = beta(a, b, size=size, rng=rng, return_next_rng=True)
    return binomial(n, p, size=size, rng=next_rng, dtype=dtype, name=name, return_next_rng=return_next_rng)


def standard_normal(*, size=None, rng=None, dtype=None, return_next_rng=False):
    return normal(0.0, 1.0, size=size, rng=rng, dtype=dtype, return_next_rng=return_next_rng)


def lognormal(mean=0.0, sigma=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("lognormal", (mean, sigma), size, rng, dtype, name, return_next_rng)


def laplace(loc=0.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("laplace", (loc, scale), size, rng, dtype, name, return_next_rng)


def logistic(loc=0.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("logistic", (loc, scale), size, rng, dtype, name, return_next_rng)


def weibull(shape, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("weibull", (shape,), size, rng, dtype, name, return_next_rng)


def wald(mean=1.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("wald", (mean, scale), size, rng, dtype, name, return_next_rng)


def vonmises(mu, kappa, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("vonmises", (mu, kappa), size, rng, dtype, name, return_next_rng)


def geometric(p, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("geometric", (p,), size, rng, dtype, name, return_next_rng)


def multivariate_normal(mean, cov, size=None, rng=None, dtype=None, name=None, return_next_rng=False,
                        method="cholesky"):
    """PyTensor's (its method "cholesky"): mean + L z, L = cholesky(cov) (NumPy's
    LinAlgError where cov is not positive definite) and z the generator's
    standard normal draws of shape (*size, n). A vector mean and a matrix
    cov; their gradient is the one of that expression (PyTensor's draws have
    none)."""
    from scanjit.raise_op import assert_op
    from scanjit.tensor.elemwise import isnan
    from scanjit.tensor.factorized import cholesky
    from scanjit.tensor.math import any as any_
    from scanjit.tensor.products import dot

    mean, cov = as_tensor_variable(mean), as_tensor_variable(cov)
    if mean.ndim != 1 or cov.ndim != 2:
        raise NotImplementedError("multivariate_normal of a batch of means or covariances (a vector mean, "
                                  "a matrix cov only)")
    if method != "cholesky":
        raise NotImplementedError(f"multivariate_normal with method={method!r} (only 'cholesky')")
    factor = cholesky(cast(cov, "float64"))
    factor = assert_op(factor, ~any_(isnan(factor)), msg="Matrix is not positive definite",
                       exc_type=np.linalg.LinAlgError)
    static, given = _size(size)
    shape = (*(given or static or ()), mean.shape[0])
    next_rng, z = normal(0.0, 1.0, size=shape, rng=rng, return_next_rng=True)
    sample = cast(dot(z, factor.T) + mean, _dtype("multivariate_normal", "float", dtype))
    if name is not None:
        sample.name = name
    return (next_rng, sample) if return_next_rng else sample


def invgamma(shape, scale, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """PyTensor's: 1 / gamma(shape, 1 / scale)."""
    return _scalar_params("invgamma", (shape, scale), size, rng, dtype, name, return_next_rng)


def triangular(left, mode, right, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("triangular", (left, mode, right), size, rng, dtype, name, return_next_rng)


# PyTensor draws these with SciPy's `rvs`: its standard draws, times scale, plus loc

def halfnormal(loc=0.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _scalar_params("halfnormal", (loc, scale), size, rng, dtype, name, return_next_rng)


def t(df, loc=0.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """Student's t: NumPy's standard_t(df)."""
    return _scalar_params("t", (df, loc, scale), size, rng, dtype, name, return_next_rng)


def gengamma(alpha=1.0, p=1.0, lambd=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """SciPy's gengamma(alpha / p, p, scale=lambd): standard_gamma(alpha / p) ** (1 / p) * lambd."""
    return _scalar_params("gengamma", (alpha, p, lambd), size, rng, dtype, name, return_next_rng)


def cauchy(loc=0.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """Boost's quantile (SciPy's) of uniform draws."""
    return _scalar_params("cauchy", (loc, scale), size, rng, dtype, name, return_next_rng)


def halfcauchy(loc=0.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """tan(pi / 2 u) of uniform draws u."""
    return _scalar_params("halfcauchy", (loc, scale), size, rng, dtype, name, return_next_rng)


def gumbel(loc, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """-log(-log(u)) of uniform draws u."""
    return _scalar_params("gumbel", (loc, scale), size, rng, dtype, name, return_next_rng)


def pareto(b, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """(1 - u) ** (-1 / b) of uniform draws u."""
    return _scalar_params("pareto", (b, scale), size, rng, dtype, name, return_next_rng)


def truncexpon(b, loc=0.0, scale=1.0, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """-log1p(u expm1(-b)) of uniform draws u."""
    return _scalar_params("truncexpon", (b, loc, scale), size, rng, dtype, name, return_next_rng)


def chisquare(df, size=None, rng=None, return_next_rng=False):
    """PyTensor's: gamma(df / 2, scale=2) (NumPy's chisquare draws otherwise)."""
    return gamma(shape=as_tensor_variable(df) / 2.0, scale=2.0, size=size, rng=rng, return_next_rng=return_next_rng)


def _floats(x):
    """`x` as a float tensor (NumPy converts integers to double)."""
    x = as_tensor_variable(x)
    return x if x.dtype in FLOATS else cast(x, "float64")


def categorical(p, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _sized_draw(CategoricalRV, "categorical", _dtype("categorical", "int", dtype), [_floats(p)], size, rng,
                       name, return_next_rng)


def dirichlet(alphas, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    return _sized_draw(DirichletRV, "dirichlet", _dtype("dirichlet", "float", dtype), [cast(alphas, "float64")],
                       size, rng, name, return_next_rng)


def multinomial(n, p, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    """`Generator.multinomial(n, p)`; for an array n or rows of p, or with
    `size`, one draw per batch index (PyTensor's)."""
    n, p = as_tensor_variable(n), as_tensor_variable(p)
    return _sized_draw(MultinomialRV, "multinomial", _dtype("multinomial", "int", dtype),
                       [cast(n, "int64"), cast(p, "float64")], size, rng, name, return_next_rng)


def integers(low, high=None, size=None, rng=None, dtype=None, name=None, return_next_rng=False):
    if high is None:
        low, high = 0, low
    low, high = as_tensor_variable(low), as_tensor_variable(high)
    if low.ndim or high.ndim:
        raise NotImplementedError("array-valued bounds for integers")
    return _sized_draw(IntegersRV, "integers", _dtype("integers", "int", dtype),
                       [cast(low, "int64"), cast(high, "int64")], size, rng, name, return_next_rng)


def choice(a, size=None, replace=True, p=None, rng=None, return_next_rng=False):
    """`Generator.choice` along a's first axis. As PyTensor, a single draw
    (size None) is drawn with replacement (NumPy's draws are the same), and
    the samples of an integer a drawn without replacement have a's dtype."""
    a = as_tensor_variable(a)
    if a.ndim == 0 and a.dtype not in INTS:
        raise TypeError(f"choice's a must be an integer or an array, got a {a.dtype} scalar")
    size, given = _size(size)
    if given:
        raise NotImplementedError("choice with a size of symbolic lengths")
    replace = bool(replace) or size is None
    params = [a]
    if p is not None:
        p = _floats(p)
        if p.ndim != 1:
            raise ValueError("p must be 1-dimensional")
        params.append(p)
    dtype = "int64" if a.ndim == 0 and replace else a.dtype
    return _draw(ChoiceRV(dtype, size, replace, p is not None), params, rng, None, return_next_rng)


def permutation(x, size=None, rng=None, return_next_rng=False):
    """`Generator.permutation`: of arange(x) for an integer x, else of x's rows."""
    x = as_tensor_variable(x)
    if size is not None:
        raise NotImplementedError("permutation with size")
    if x.ndim == 0 and x.dtype not in INTS:
        raise TypeError(f"permutation of a {x.dtype} scalar: x must be an integer or an array")
    return _draw(PermutationRV("permutation", x.dtype, None), [x], rng, None, return_next_rng)


__all__ = ["bernoulli", "beta", "betabinom", "binomial", "categorical", "cauchy", "chisquare", "choice", "dirichlet",
           "exponential", "gamma", "gengamma", "geometric", "gumbel", "halfcauchy", "halfnormal", "hypergeometric",
           "integers", "invgamma", "laplace", "logistic", "lognormal", "multinomial", "multivariate_normal",
           "nbinom", "negative_binomial", "normal", "pareto", "permutation", "poisson", "standard_normal", "t",
           "triangular", "truncexpon", "uniform", "vonmises", "wald", "weibull"]
