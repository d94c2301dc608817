"""Every distribution of `pt.random` draws NumPy's numbers, draw for draw:
compiled and in mode="py", outside and inside a scan step, with `size`,
array-valued parameters broadcast as NumPy's, the sample's dtype and the
generator's state afterwards; invalid parameters raise NumPy's errors; and
the samples' shapes and dtypes are PyTensor's (and so are the numbers, where
PyTensor's draws are NumPy's)."""

import warnings
from dataclasses import dataclass, field

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

SEED = 2026
rs = np.random.default_rng(7)
VEC3 = rs.random(3) + 0.5
COLUMN = rs.random((2, 1)) + 0.5
MATRIX = rs.random((2, 3)) + 0.5
P3 = np.array([0.2, 0.5, 0.3])
P_ROWS = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]])
P12 = rs.random(12)
P12[[2, 5]] = 0.0
P12 /= P12.sum()


@dataclass
class Case:
    """`draw(r, rng, *inputs)` with `r` = pt.random (or PyTensor's), equal
    to `numpy(generator, *values)`; inputs are (dtype, static shape, value).
    `libm`: the sample is a function of the draws that NumPy (and SciPy)
    compute with their own vectorized code, and compiled code with libm's:
    within a few ulps."""
    draw: object
    numpy: object
    inputs: list = field(default_factory=list)
    libm: bool = False


def assert_same_draws(case: Case, got, expected):
    if case.libm:
        np.testing.assert_allclose(got, expected, rtol=1e-14, strict=True)
    else:
        np.testing.assert_array_equal(got, expected, strict=True)


def scaled(z, loc, scale):
    """SciPy's rvs: its standard draws times scale plus loc."""
    return z * scale + loc


def cauchy_quantile(u):
    """Boost's (SciPy's) quantile of the standard Cauchy distribution."""
    return -1.0 / np.tan(np.pi * np.where(u > 0.5, u - 1.0, u))


def betabinom(g, n, a, b, size=None):
    """SciPy's: beta draws of the whole size, then binomial draws."""
    size = np.broadcast_shapes(np.shape(n), np.shape(a), np.shape(b)) if size is None else size
    return g.binomial(n, g.beta(a, b, size), size)


def batched_dirichlet(g, alpha, size=None):
    """PyTensor's dirichlet of a matrix: a draw per row (broadcast to size)."""
    if size is not None:
        alpha = np.broadcast_to(alpha, (*size, alpha.shape[-1]))
    return np.array([g.dirichlet(row) for row in alpha.reshape(-1, alpha.shape[-1])]).reshape(alpha.shape)


def categorical(g, p, size=None):
    """PyTensor's categorical: uniform draws looked up in cumsum(p)."""
    if size is None:
        size = p.shape[:-1]
    elif any(s == 1 and b != 1 for s, b in zip(reversed(size), reversed(p.shape[:-1]))):
        raise ValueError("`size` is incompatible with the shape of `p`")
    return np.vectorize(np.searchsorted, otypes=[int], signature="(n),()->()")(p.cumsum(axis=-1),
                                                                              g.uniform(size=size))


CASES = {
    "uniform": Case(lambda r, rng: r.uniform(-2.0, 3.0, size=(3, 4), rng=rng),
                    lambda g: g.uniform(-2.0, 3.0, size=(3, 4))),
    "uniform arrays": Case(lambda r, rng, lo, hi: r.uniform(lo, hi, rng=rng),
                           lambda g, lo, hi: g.uniform(lo, hi),
                           [("float64", (None,), -VEC3), ("float64", (None, 1), COLUMN)]),
    "uniform arrays, size": Case(lambda r, rng, lo: r.uniform(lo, 5.0, size=(2, 3), rng=rng),
                                 lambda g, lo: g.uniform(lo, 5.0, size=(2, 3)), [("float64", (None,), VEC3)]),
    "normal": Case(lambda r, rng: r.normal(1.0, 0.5, size=7, rng=rng), lambda g: g.normal(1.0, 0.5, size=7)),
    "normal, default": Case(lambda r, rng: r.normal(rng=rng), lambda g: g.normal()),
    "normal arrays": Case(lambda r, rng, loc, scale: r.normal(loc, scale, rng=rng),
                          lambda g, loc, scale: g.normal(loc, scale),
                          [("float64", (None, None), MATRIX), ("float64", (None,), VEC3)]),
    "normal arrays, size": Case(lambda r, rng, loc, scale: r.normal(loc, scale, size=(4, 2, 3), rng=rng),
                                lambda g, loc, scale: g.normal(loc, scale, size=(4, 2, 3)),
                                [("float64", (None, 3), MATRIX), ("float32", (1,), np.float32([2.0]))]),
    "normal float32": Case(lambda r, rng: r.normal(0.0, 1.0, size=5, rng=rng, dtype="float32"),
                           lambda g: g.normal(0.0, 1.0, size=5).astype("float32")),
    "beta": Case(lambda r, rng: r.beta(0.5, 2.0, size=6, rng=rng), lambda g: g.beta(0.5, 2.0, size=6)),
    "beta arrays": Case(lambda r, rng, a: r.beta(a, 0.3, rng=rng), lambda g, a: g.beta(a, 0.3),
                        [("float64", (None,), VEC3)]),
    "gamma": Case(lambda r, rng: r.gamma(2.5, scale=0.5, size=6, rng=rng),
                  lambda g: g.gamma(2.5, 0.5, size=6)),
    "gamma small shape": Case(lambda r, rng, k: r.gamma(k, scale=2.0, size=(2, 3), rng=rng),
                              lambda g, k: g.gamma(k, 2.0, size=(2, 3)), [("float64", (3,), VEC3 - 0.4)]),
    "exponential": Case(lambda r, rng: r.exponential(2.0, size=6, rng=rng),
                        lambda g: g.exponential(2.0, size=6)),
    "exponential arrays": Case(lambda r, rng, s: r.exponential(s, rng=rng), lambda g, s: g.exponential(s),
                               [("float64", (None, None), MATRIX)]),
    "poisson": Case(lambda r, rng: r.poisson(3.5, size=8, rng=rng), lambda g: g.poisson(3.5, size=8)),
    "poisson large": Case(lambda r, rng: r.poisson(1e6, size=4, rng=rng), lambda g: g.poisson(1e6, size=4)),
    "poisson arrays": Case(lambda r, rng, lam: r.poisson(lam, rng=rng, dtype="int32"),
                           lambda g, lam: g.poisson(lam).astype("int32"),
                           [("float64", (None,), np.array([0.0, 2.0, 40.0]))]),
    "binomial": Case(lambda r, rng: r.binomial(10, 0.3, size=8, rng=rng),
                     lambda g: g.binomial(10, 0.3, size=8)),
    "binomial large": Case(lambda r, rng: r.binomial(1000, 0.6, size=5, rng=rng),
                           lambda g: g.binomial(1000, 0.6, size=5)),
    "binomial arrays": Case(lambda r, rng, n, p: r.binomial(n, p, rng=rng), lambda g, n, p: g.binomial(n, p),
                            [("int64", (None,), np.array([0, 5, 300])), ("float64", (None, 1), COLUMN / 2)]),
    "bernoulli": Case(lambda r, rng: r.bernoulli(0.3, size=10, rng=rng),
                      lambda g: g.binomial(1, 0.3, size=10)),
    "bernoulli arrays": Case(lambda r, rng, p: r.bernoulli(p, size=(2, 3), rng=rng),
                             lambda g, p: g.binomial(1, p, size=(2, 3)), [("float64", (None,), VEC3 / 2)]),
    "categorical": Case(lambda r, rng, p: r.categorical(p, size=10, rng=rng),
                        lambda g, p: categorical(g, p, (10,)), [("float64", (None,), P3)]),
    "categorical rows": Case(lambda r, rng, p: r.categorical(p, rng=rng), lambda g, p: categorical(g, p),
                             [("float64", (None, None), P_ROWS)]),
    "categorical rows, size": Case(lambda r, rng, p: r.categorical(p, size=(4, 2), rng=rng),
                                   lambda g, p: categorical(g, p, (4, 2)), [("float32", (None, 3), P_ROWS)]),
    "choice": Case(lambda r, rng: r.choice(10, size=6, rng=rng), lambda g: g.choice(10, size=6)),
    "choice one": Case(lambda r, rng: r.choice(10, rng=rng), lambda g: g.choice(10)),
    "choice of rows": Case(lambda r, rng, a: r.choice(a, size=(2, 2), rng=rng),
                           lambda g, a: g.choice(a, size=(2, 2)), [("float64", (None, None), MATRIX)]),
    "choice p": Case(lambda r, rng, p: r.choice(3, size=(3, 4), p=p, rng=rng),
                     lambda g, p: g.choice(3, size=(3, 4), p=p), [("float64", (None,), P3)]),
    "choice p, one": Case(lambda r, rng, a, p: r.choice(a, p=p, rng=rng),
                          lambda g, a, p: g.choice(a, p=p),
                          [("float64", (None,), VEC3), ("float64", (3,), P3)]),
    "choice without replacement": Case(lambda r, rng: r.choice(10, size=7, replace=False, rng=rng),
                                       lambda g: g.choice(10, size=7, replace=False).astype("int8")),
    "choice without replacement, rows": Case(
        lambda r, rng, a: r.choice(a, size=(2,), replace=False, rng=rng),
        lambda g, a: g.choice(a, size=(2,), replace=False), [("float64", (None, None), MATRIX)]),
    "choice without replacement, tail": Case(
        lambda r, rng: r.choice(20000, size=400, replace=False, rng=rng),
        lambda g: g.choice(20000, size=400, replace=False).astype("int16")),
    "choice without replacement, p": Case(
        lambda r, rng, p: r.choice(12, size=(2, 4), replace=False, p=p, rng=rng),
        lambda g, p: g.choice(12, size=(2, 4), replace=False, p=p).astype("int8"),
        [("float64", (None,), P12)]),
    "permutation": Case(lambda r, rng: r.permutation(10, rng=rng),
                        lambda g: g.permutation(10).astype("int8")),
    "permutation of a vector": Case(lambda r, rng, x: r.permutation(x, rng=rng),
                                    lambda g, x: g.permutation(x),
                                    [("float64", (None,), VEC3)]),
    "permutation of rows": Case(lambda r, rng, x: r.permutation(x, rng=rng), lambda g, x: g.permutation(x),
                                [("float64", (None, None), rs.random((5, 2)))]),
    "dirichlet": Case(lambda r, rng, a: r.dirichlet(a, size=(2, 2), rng=rng),
                      lambda g, a: g.dirichlet(a, size=(2, 2)), [("float64", (None,), VEC3)]),
    "dirichlet small": Case(lambda r, rng, a: r.dirichlet(a, size=5, rng=rng),
                            lambda g, a: g.dirichlet(a, size=5),
                            [("float64", (None,), [0.05, 0.01, 0.0, 0.02])]),
    "dirichlet rows": Case(lambda r, rng, a: r.dirichlet(a, rng=rng), batched_dirichlet,
                           [("float64", (None, None), [[0.05, 0.01, 0.02], [1.0, 2.0, 3.0]])]),
    "dirichlet rows, size": Case(lambda r, rng, a: r.dirichlet(a, size=(3, 2), rng=rng, dtype="float32"),
                                 lambda g, a: batched_dirichlet(g, a, (3, 2)).astype("float32"),
                                 [("float64", (None, None), MATRIX)]),
    "integers int32": Case(lambda r, rng: r.integers(-5, 17, size=4, rng=rng, dtype="int32"),
                           lambda g: g.integers(-5, 17, size=4).astype("int32")),
    "multinomial": Case(lambda r, rng, p: r.multinomial(20, p, rng=rng), lambda g, p: g.multinomial(20, p),
                        [("float64", (None,), P3)]),
    "multinomial rows": Case(lambda r, rng, p: r.multinomial(6, p, rng=rng),
                             lambda g, p: np.array([g.multinomial(6, row) for row in p]),
                             [("float64", (None, 3), P_ROWS)]),
    "multinomial counts and rows": Case(lambda r, rng, n, p: r.multinomial(n, p, rng=rng),
                                        lambda g, n, p: np.array([g.multinomial(k, row) for k, row in zip(n, p)]),
                                        [("int64", (None,), [3, 0]), ("float64", (None, None), P_ROWS)]),
    "multinomial, size": Case(lambda r, rng, p: r.multinomial(4, p, size=(2, 3), rng=rng),
                              lambda g, p: g.multinomial(4, p, size=(2, 3)), [("float64", (None,), P3)]),
    "multinomial rows, size n": Case(lambda r, rng, p, k: r.multinomial(2, p, size=(k, 2), rng=rng),
                                     lambda g, p, k: np.array([[g.multinomial(2, row) for row in p]
                                                               for _ in range(int(k))]),
                                     [("float64", (2, 3), P_ROWS), ("int64", (), 3)]),
    "standard_normal": Case(lambda r, rng: r.standard_normal(size=(2, 3), rng=rng),
                            lambda g: g.normal(0.0, 1.0, size=(2, 3))),
    "lognormal": Case(lambda r, rng: r.lognormal(0.5, 0.25, size=6, rng=rng), lambda g: g.lognormal(0.5, 0.25, 6)),
    "lognormal arrays": Case(lambda r, rng, m, s: r.lognormal(m, s, rng=rng), lambda g, m, s: g.lognormal(m, s),
                             [("float64", (None, None), MATRIX), ("float64", (None,), VEC3)]),
    "laplace": Case(lambda r, rng: r.laplace(1.0, 2.0, size=5, rng=rng), lambda g: g.laplace(1.0, 2.0, 5)),
    "laplace arrays": Case(lambda r, rng, s: r.laplace(0.0, s, size=(2, 3), rng=rng),
                           lambda g, s: g.laplace(0.0, s, (2, 3)), [("float32", (None,), VEC3)]),
    "logistic": Case(lambda r, rng: r.logistic(size=5, rng=rng), lambda g: g.logistic(size=5)),
    "logistic arrays": Case(lambda r, rng, loc: r.logistic(loc, 0.5, rng=rng), lambda g, loc: g.logistic(loc, 0.5),
                            [("float64", (None, 1), COLUMN)]),
    "weibull": Case(lambda r, rng: r.weibull(1.5, size=6, rng=rng), lambda g: g.weibull(1.5, 6)),
    "weibull arrays": Case(lambda r, rng, a: r.weibull(a, rng=rng), lambda g, a: g.weibull(a),
                           [("float64", (None,), [0.0, 0.5, 3.0])]),
    "wald": Case(lambda r, rng: r.wald(size=6, rng=rng), lambda g: g.wald(1.0, 1.0, 6)),
    "wald arrays": Case(lambda r, rng, m, s: r.wald(m, s, rng=rng), lambda g, m, s: g.wald(m, s),
                        [("float64", (None,), VEC3), ("float64", (None, 1), COLUMN)]),
    "vonmises": Case(lambda r, rng: r.vonmises(0.5, 4.0, size=6, rng=rng), lambda g: g.vonmises(0.5, 4.0, 6)),
    "vonmises arrays": Case(lambda r, rng, k: r.vonmises(-1.0, k, rng=rng), lambda g, k: g.vonmises(-1.0, k),
                            [("float64", (None,), [0.0, 1e-9, 0.3, 2.0, 1e7])]),
    "geometric": Case(lambda r, rng: r.geometric(0.3, size=8, rng=rng), lambda g: g.geometric(0.3, 8)),
    "geometric arrays": Case(lambda r, rng, p: r.geometric(p, rng=rng, dtype="int32"),
                             lambda g, p: g.geometric(p).astype("int32"),
                             [("float64", (None,), [1.0, 0.5, 1e-3, 0.4])]),
    "invgamma": Case(lambda r, rng: r.invgamma(2.5, 0.5, size=6, rng=rng), lambda g: 1.0 / g.gamma(2.5, 2.0, 6)),
    "invgamma arrays": Case(lambda r, rng, k, s: r.invgamma(k, s, rng=rng), lambda g, k, s: 1.0 / g.gamma(k, 1.0 / s),
                            [("float64", (None,), VEC3), ("float64", (None, 1), COLUMN)]),
    "triangular": Case(lambda r, rng: r.triangular(-1.0, 0.5, 2.0, size=6, rng=rng),
                       lambda g: g.triangular(-1.0, 0.5, 2.0, 6)),
    "triangular arrays": Case(lambda r, rng, m: r.triangular(0.0, m, 2.0, size=(2, 3), rng=rng),
                              lambda g, m: g.triangular(0.0, m, 2.0, (2, 3)), [("float64", (None,), VEC3)]),
    "hypergeometric": Case(lambda r, rng: r.hypergeometric(10, 5, 7, size=8, rng=rng),
                           lambda g: g.hypergeometric(10, 5, 7, 8)),
    "hypergeometric large": Case(lambda r, rng: r.hypergeometric(600, 500, 700, size=4, rng=rng),
                                 lambda g: g.hypergeometric(600, 500, 700, 4)),
    "hypergeometric arrays": Case(lambda r, rng, good, k: r.hypergeometric(good, 4, k, rng=rng, dtype="int32"),
                                  lambda g, good, k: g.hypergeometric(good, 4, k).astype("int32"),
                                  [("int64", (None,), [0, 3, 9]), ("int8", (None, 1), [[2], [4]])]),
    # PyTensor draws these with SciPy, as the NumPy here does
    "halfnormal": Case(lambda r, rng: r.halfnormal(1.5, 2.0, size=6, rng=rng),
                       lambda g: scaled(np.abs(g.standard_normal(6)), 1.5, 2.0)),
    "halfnormal arrays": Case(lambda r, rng, loc, s: r.halfnormal(loc, s, rng=rng),
                              lambda g, loc, s: scaled(np.abs(g.standard_normal((2, 3))), loc, s),
                              [("float64", (None, None), MATRIX), ("float64", (None,), VEC3)]),
    "t": Case(lambda r, rng: r.t(3.0, 1.5, 2.0, size=(2, 3), rng=rng),
              lambda g: scaled(g.standard_t(3.0, (2, 3)), 1.5, 2.0)),
    "t arrays": Case(lambda r, rng, df, loc: r.t(df, loc, rng=rng, dtype="float32"),
                     lambda g, df, loc: scaled(g.standard_t(df, (2, 3)), loc, 1.0).astype("float32"),
                     [("float64", (None,), VEC3), ("float64", (None, 1), COLUMN)]),
    # alpha / p in float64 (PyTensor divides 1.5 and 2.0 as float32 constants)
    "gengamma": Case(lambda r, rng, a, p: r.gengamma(a, p, 0.5, size=6, rng=rng),
                     lambda g, a, p: scaled(g.standard_gamma(a / p, 6) ** (1.0 / p), 0.0, 0.5),
                     [("float64", (), 2.0), ("float64", (), 1.5)], libm=True),
    "gengamma arrays": Case(lambda r, rng, a, p: r.gengamma(a, p, rng=rng),
                            lambda g, a, p: scaled(g.standard_gamma(a / p, (2, 3)) ** (1.0 / p), 0.0, 1.0),
                            [("float64", (None,), -VEC3), ("float64", (None, 1), -COLUMN)], libm=True),
    "cauchy": Case(lambda r, rng: r.cauchy(1.0, 2.0, size=50, rng=rng),
                   lambda g: scaled(cauchy_quantile(g.random(50)), 1.0, 2.0), libm=True),
    "cauchy arrays": Case(lambda r, rng, s: r.cauchy(0.0, s, rng=rng),
                          lambda g, s: scaled(cauchy_quantile(g.random((2, 3))), 0.0, s),
                          [("float64", (None, None), MATRIX)], libm=True),
    "halfcauchy": Case(lambda r, rng: r.halfcauchy(1.0, 2.0, size=50, rng=rng),
                       lambda g: scaled(np.tan(np.pi / 2 * g.random(50)), 1.0, 2.0), libm=True),
    "gumbel": Case(lambda r, rng, loc: r.gumbel(loc, 2.0, size=(4, 3), rng=rng),
                   lambda g, loc: scaled(-np.log(-np.log(g.random((4, 3)))), loc, 2.0),
                   [("float64", (3,), VEC3)], libm=True),
    "pareto": Case(lambda r, rng, b: r.pareto(b, 2.0, rng=rng),
                   lambda g, b: scaled((1 - g.random((2, 3))) ** (-1.0 / b), 0.0, 2.0),
                   [("float64", (None, None), MATRIX)], libm=True),
    "truncexpon": Case(lambda r, rng, b: r.truncexpon(b, 1.0, 0.5, size=(2, 3), rng=rng),
                       lambda g, b: scaled(-np.log1p(g.random((2, 3)) * np.expm1(-b)), 1.0, 0.5),
                       [("float64", (None,), 4 * VEC3)], libm=True),
    "negative_binomial": Case(lambda r, rng: r.negative_binomial(10, 0.3, size=8, rng=rng),
                              lambda g: g.negative_binomial(10, 0.3, 8)),
    "nbinom arrays": Case(lambda r, rng, n, p: r.nbinom(n, p, rng=rng), lambda g, n, p: g.negative_binomial(n, p),
                          [("float64", (None,), 3 * VEC3), ("float64", (None, 1), COLUMN / 2)]),
    "betabinom": Case(lambda r, rng: r.betabinom(10, 0.5, 2.0, size=8, rng=rng),
                      lambda g: betabinom(g, 10, 0.5, 2.0, (8,))),
    "betabinom arrays": Case(lambda r, rng, n, a: r.betabinom(n, a, 2.0, rng=rng),
                             lambda g, n, a: betabinom(g, n, a, 2.0),
                             [("int64", (None,), [3, 0, 7]), ("float64", (None, 1), COLUMN)]),
    "chisquare": Case(lambda r, rng, df: r.chisquare(df, size=(2, 3), rng=rng),
                      lambda g, df: g.gamma(df / 2.0, 2.0, (2, 3)), [("int64", (), 3)]),
    # a size of symbolic lengths (`size=x.shape`), inside a step a variable of the step
    "normal, size x.shape": Case(lambda r, rng, x: r.normal(1.0, 0.5, size=x.shape, rng=rng),
                                 lambda g, x: g.normal(1.0, 0.5, size=x.shape), [("float64", (None, None), MATRIX)]),
    "binomial p, size p.shape": Case(lambda r, rng, p: r.binomial(1, p, size=p.shape, rng=rng),
                                     lambda g, p: g.binomial(1, p, size=p.shape),
                                     [("float64", (None, None), MATRIX / 2)]),
    "uniform, size (n, 3)": Case(lambda r, rng, n, lo: r.uniform(lo, 2.0, size=(n, 3), rng=rng),
                                 lambda g, n, lo: g.uniform(lo, 2.0, size=(n, 3)),
                                 [("int32", (), 4), ("float64", (None,), VEC3 - 1.0)]),
    "exponential, size of none": Case(lambda r, rng, x: r.exponential(2.0, size=x.shape, rng=rng),
                                      lambda g, x: g.exponential(2.0, size=x.shape),
                                      [("float64", (None, None), np.zeros((0, 3)))]),
    "integers, size x.shape": Case(lambda r, rng, x: r.integers(0, 9, size=x.shape, rng=rng),
                                   lambda g, x: g.integers(0, 9, size=x.shape), [("float64", (None, None), MATRIX)]),
    "categorical, size n": Case(lambda r, rng, p, n: r.categorical(p, size=n, rng=rng),
                                lambda g, p, n: categorical(g, p, (int(n),)),
                                [("float64", (None,), P3), ("int64", (), 5)]),
    "categorical rows, size (n, 2)": Case(lambda r, rng, p, n: r.categorical(p, size=(n, 2), rng=rng),
                                          lambda g, p, n: categorical(g, p, (int(n), 2)),
                                          [("float64", (None, 3), P_ROWS), ("int64", (), 3)]),
    "dirichlet, size a vector": Case(lambda r, rng, a, s: r.dirichlet(a, size=s, rng=rng),
                                     lambda g, a, s: g.dirichlet(a, size=tuple(s)),
                                     [("float64", (None,), VEC3), ("int64", (2,), [2, 3])]),
}


def variables(module, case):
    return [module.tensor(dtype=dtype, shape=shape) for dtype, shape, _ in case.inputs]


def values(case):
    return [np.asarray(value, dtype) for dtype, _, value in case.inputs]


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("name", list(CASES))
def test_draws_equal_numpy(name, mode):
    """Two calls, the generator advancing in place: NumPy's numbers and state."""
    case = CASES[name]
    rng = pytensor.shared(np.random.default_rng(SEED))
    inputs = variables(pt, case)
    next_rng, sample = case.draw(pt.random, rng, *inputs).owner.outputs
    f = pytensor.function(inputs, sample, updates={rng: next_rng}, mode=mode)
    mirror = np.random.default_rng(SEED)
    for _ in range(2):
        got, expected = f(*values(case)), np.asarray(case.numpy(mirror, *values(case)))
        assert_same_draws(case, got, expected)
        assert got.dtype == sample.dtype
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("name", list(CASES))
def test_draws_in_a_scan_step_equal_numpy(name, mode):
    case = CASES[name]
    rng = pytensor.shared(np.random.default_rng(SEED))
    inputs = variables(pt, case)

    def step(*args):
        next_rng, sample = case.draw(pt.random, rng, *args).owner.outputs
        return sample, {rng: next_rng}

    samples, updates = pytensor.scan(step, non_sequences=inputs, n_steps=3)
    got = pytensor.function(inputs, samples, updates=updates, mode=mode)(*values(case))
    mirror = np.random.default_rng(SEED)
    expected = np.array([case.numpy(mirror, *values(case)) for _ in range(3)])
    assert_same_draws(case, got, expected)
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state


# size=(n, 3): PyTensor's static shape is (None, None), scanjit's (None, 3)
STATIC_WHERE_PYTENSOR_IS_NOT = {"uniform, size (n, 3)"}


@pytest.mark.parametrize("name", list(CASES))
def test_shapes_dtypes_and_numbers_are_pytensors(name):
    """PyTensor's static types and its samples (its python backend draws with
    NumPy's methods, or as `categorical` and `batched_dirichlet`): scanjit's are the same."""
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    case = CASES[name]
    inputs = variables(pt, case)
    ours = case.draw(pt.random, pytensor.shared(np.random.default_rng(SEED)), *inputs)
    got = pytensor.function(inputs, ours)(*values(case))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = variables(ptt, case)
        theirs = case.draw(ptt.random, pytensor_.shared(np.random.default_rng(SEED)), *inputs)
        expected = pytensor_.function(inputs, theirs, mode="FAST_COMPILE")(*values(case))
    if name in STATIC_WHERE_PYTENSOR_IS_NOT:  # a length scanjit knows, PyTensor not
        assert ours.dtype == theirs.dtype and ours.ndim == theirs.ndim
        assert all(t in (o, None) for o, t in zip(ours.type.shape, theirs.type.shape))
        assert ours.type.shape != theirs.type.shape
    else:
        assert (ours.dtype, ours.type.shape) == (theirs.dtype, theirs.type.shape)
    assert_same_draws(case, got, expected)


class In:
    """The k-th input of an INVALID case, among a call's arguments."""

    def __init__(self, k: int):
        self.k = k


def call(method, args, kwargs, inputs, **more):
    def pick(a):
        return inputs[a.k] if isinstance(a, In) else tuple(map(pick, a)) if isinstance(a, tuple) else a
    return method(*map(pick, args), **{k: pick(v) for k, v in kwargs.items()}, **more)


X, Y = In(0), In(1)
# name: (the pt.random constructor and Generator method, its arguments, keywords, inputs as in Case)
INVALID = {
    "normal scale -0.0": ("normal", (0.0, X), {}, [("float64", (), -0.0)]),
    "normal scale < 0, array": ("normal", (0.0, X), {}, [("float64", (None,), [1.0, -0.0])]),
    "uniform high < low": ("uniform", (X, 1.0), {}, [("float64", (), 2.0)]),
    "uniform range": ("uniform", (X, 1.0), {}, [("float64", (), -np.inf)]),
    "uniform range, array": ("uniform", (X, 1.0), {"size": 2}, [("float64", (None,), [0.0, -np.inf])]),
    "uniform high < low, array": ("uniform", (X, 1.0), {}, [("float64", (None,), [0.0, 3.0])]),
    "uniform broadcast": ("uniform", (X, Y), {}, [("float64", (None,), VEC3),
                                                  ("float64", (None, None), MATRIX[:, :2])]),
    "beta a <= 0": ("beta", (X, 1.0), {}, [("float64", (), 0.0)]),
    "beta b <= 0, array": ("beta", (1.0, X), {}, [("float64", (None,), [1.0, -1.0])]),
    "gamma shape < 0": ("gamma", (X,), {"scale": 1.0}, [("float64", (), -1.0)]),
    "exponential scale < 0, array": ("exponential", (X,), {}, [("float64", (None, None), [[1.0], [-2.0]])]),
    "poisson lam NaN": ("poisson", (X,), {}, [("float64", (), np.nan)]),
    "poisson lam NaN, array": ("poisson", (X,), {}, [("float64", (None,), [1.0, np.nan])]),
    "poisson lam too large": ("poisson", (X,), {}, [("float64", (), 1e19)]),
    "poisson lam < 0, array": ("poisson", (X,), {}, [("float64", (None,), [-1.0, 1.0])]),
    "binomial p > 1": ("binomial", (3, X), {}, [("float64", (), 1.5)]),
    "binomial p NaN, array": ("binomial", (3, X), {}, [("float64", (None,), [0.5, np.nan])]),
    "binomial n < 0": ("binomial", (X, 0.5), {}, [("int64", (), -1)]),
    "binomial n < 0, array": ("binomial", (X, 0.5), {}, [("int64", (None,), [2, -1])]),
    "broadcast": ("normal", (X, Y), {}, [("float64", (None,), VEC3), ("float64", (None,), [1.0, 2.0])]),
    "broadcast with size": ("normal", (X, 1.0), {"size": (2, 2)}, [("float64", (None,), VEC3)]),
    "output size": ("normal", (X, 1.0), {"size": (2, 1)}, [("float64", (None,), VEC3)]),
    "choice a <= 0": ("choice", (X,), {"size": 2}, [("int64", (), 0)]),
    "choice a empty": ("choice", (X,), {}, [("float64", (None,), np.zeros(0))]),
    "choice p length": ("choice", (4,), {"p": X}, [("float64", (None,), P3)]),
    "choice p NaN": ("choice", (3,), {"p": X}, [("float64", (None,), [0.5, np.nan, 0.5])]),
    "choice p < 0": ("choice", (3,), {"p": X}, [("float64", (None,), [0.7, -0.2, 0.5])]),
    "choice p sum": ("choice", (3,), {"p": X}, [("float64", (None,), [0.2, 0.5, 0.31])]),
    "choice p sum, float32": ("choice", (3,), {"p": X}, [("float32", (None,), [0.2, 0.5, 0.3005])]),
    "choice larger sample": ("choice", (3,), {"size": 4, "replace": False}, []),
    "choice fewer non-zero": ("choice", (3,), {"size": 2, "replace": False, "p": X},
                              [("float64", (None,), [0.0, 1.0, 0.0])]),
    "dirichlet alpha < 0": ("dirichlet", (X,), {}, [("float64", (None,), [1.0, -1.0])]),
    "lognormal sigma < 0": ("lognormal", (0.0, X), {}, [("float64", (), -1.0)]),
    "laplace scale < 0, array": ("laplace", (0.0, X), {}, [("float64", (None,), [1.0, -0.0])]),
    "logistic scale < 0": ("logistic", (0.0, X), {}, [("float64", (), -2.0)]),
    "weibull a < 0": ("weibull", (X,), {}, [("float64", (), -0.0)]),
    "wald mean <= 0": ("wald", (X, 1.0), {}, [("float64", (), 0.0)]),
    "wald scale <= 0, array": ("wald", (1.0, X), {}, [("float64", (None,), [1.0, -1.0])]),
    "vonmises kappa < 0": ("vonmises", (0.0, X), {}, [("float64", (), -1.0)]),
    "geometric p <= 0": ("geometric", (X,), {}, [("float64", (), 0.0)]),
    "geometric p NaN, array": ("geometric", (X,), {}, [("float64", (None,), [0.5, np.nan])]),
    "geometric p > 1, array": ("geometric", (X,), {}, [("float64", (None,), [0.5, 1.5])]),
    "triangular left > mode": ("triangular", (X, 0.0, 1.0), {}, [("float64", (), 0.5)]),
    "triangular mode > right, array": ("triangular", (0.0, X, 1.0), {}, [("float64", (None,), [0.5, 2.0])]),
    "triangular left == right": ("triangular", (X, 1.0, 1.0), {}, [("float64", (), 1.0)]),
    "hypergeometric ngood < 0": ("hypergeometric", (X, 2, 1), {}, [("int64", (), -1)]),
    "hypergeometric nsample < 0, array": ("hypergeometric", (1, 2, X), {}, [("int64", (None,), [1, -1])]),
    "hypergeometric too few": ("hypergeometric", (1, X, 4), {}, [("int64", (None,), [3, 2])]),
    "hypergeometric too many": ("hypergeometric", (X, 2, 4), {}, [("int64", (), 10**9)]),
    "negative_binomial p too small": ("negative_binomial", (5.0, X), {}, [("float64", (), 1e-19)]),
    "negative_binomial n too large, array": ("negative_binomial", (X, 0.5), {},
                                             [("float64", (None,), [1.0, 1e19])]),
    "multinomial rows broadcast": ("multinomial", (X, Y), {}, [("int64", (None,), [1, 2, 3]),
                                                              ("float64", (None, None), P_ROWS)]),
    "broadcast with a symbolic size": ("normal", (X, 1.0), {"size": (Y,)},
                                       [("float64", (None,), VEC3), ("int64", (), 2)]),
    "output size, symbolic": ("normal", (X, 1.0), {"size": (Y, 1)},
                              [("float64", (None, None), MATRIX), ("int64", (), 2)]),
    "output size 1, symbolic": ("normal", (X, 1.0), {"size": (Y, 3)},
                                [("float64", (None, None), MATRIX), ("int64", (), 1)]),
}


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_parameters_raise_numpys_errors(name, mode):
    distribution, args, kwargs, inputs = INVALID[name]
    case = Case(None, None, inputs)
    rng = pytensor.shared(np.random.default_rng(SEED))
    inputs = variables(pt, case)
    sample = call(getattr(pt.random, distribution), args, kwargs, inputs, rng=rng)
    f = pytensor.function(inputs, sample, mode=mode)
    generator = np.random.default_rng(SEED)
    with pytest.raises(Exception) as numpys:
        call(getattr(generator, distribution), args, kwargs, values(case))
    with pytest.raises(type(numpys.value)) as ours:
        f(*values(case))
    assert str(ours.value) == str(numpys.value)


# name: (the pt.random constructor, its arguments, keywords, inputs as in Case, SciPy's distribution)
SCIPY_INVALID = {
    "halfnormal scale < 0": ("halfnormal", (0.0, X), {}, [("float64", (), -1.0)], "halfnorm"),
    "t df <= 0, array": ("t", (X,), {}, [("float64", (None,), [1.0, 0.0])], "t"),
    "t scale NaN": ("t", (1.0, 0.0, X), {}, [("float64", (), np.nan)], "t"),
    "gengamma p == 0": ("gengamma", (1.0, X), {}, [("float64", (), 0.0)], "gengamma"),
    "gengamma alpha / p <= 0": ("gengamma", (X, 2.0), {}, [("float64", (None,), [1.0, -1.0])], "gengamma"),
    "cauchy scale < 0, size": ("cauchy", (0.0, X), {"size": 3}, [("float64", (), -1.0)], "cauchy"),
    "halfcauchy scale < 0, array": ("halfcauchy", (0.0, X), {}, [("float64", (None,), [1.0, -1.0])], "halfcauchy"),
    "gumbel scale < 0": ("gumbel", (0.0, X), {}, [("float64", (), -2.0)], "gumbel_r"),
    "pareto b <= 0": ("pareto", (X,), {}, [("float64", (), 0.0)], "pareto"),
    "truncexpon b NaN, array": ("truncexpon", (X,), {}, [("float64", (None, 1), [[1.0], [np.nan]])], "truncexpon"),
    "nbinom p > 1": ("nbinom", (3.0, X), {}, [("float64", (), 1.5)], "nbinom"),
    "nbinom n <= 0, array": ("nbinom", (X, 0.5), {}, [("float64", (None,), [1.0, 0.0])], "nbinom"),
    "betabinom n < 0": ("betabinom", (X, 1.0, 1.0), {}, [("int64", (), -1)], "betabinom"),
    "betabinom a <= 0, array": ("betabinom", (3, X, 1.0), {}, [("float64", (None,), [1.0, 0.0])], "betabinom"),
}


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("name", list(SCIPY_INVALID))
def test_invalid_parameters_raise_scipys_errors_before_drawing(name, mode):
    distribution, args, kwargs, inputs, scipy_name = SCIPY_INVALID[name]
    case = Case(None, None, inputs)
    rng = pytensor.shared(np.random.default_rng(SEED))
    inputs = variables(pt, case)
    next_rng, sample = call(getattr(pt.random, distribution), args, kwargs, inputs, rng=rng,
                            return_next_rng=True)
    f = pytensor.function(inputs, sample, updates={rng: next_rng}, mode=mode)
    with pytest.raises(ValueError) as ours:
        f(*values(case))
    assert str(ours.value) == (
        "Domain error in arguments. The `scale` parameter must be positive for all distributions, and many "
        f"distributions have restrictions on shape parameters. Please see the `scipy.stats.{scipy_name}` "
        "documentation for details.")
    assert rng.get_value().bit_generator.state == np.random.default_rng(SEED).bit_generator.state


@pytest.mark.parametrize("name", list(SCIPY_INVALID))
def test_invalid_parameters_raise_pytensors_errors(name):
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    distribution, args, kwargs, inputs, _ = SCIPY_INVALID[name]
    case = Case(None, None, inputs)
    with pytest.raises(ValueError) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = variables(ptt, case)
        sample = call(getattr(ptt.random, distribution), args, kwargs, inputs,
                      rng=pytensor_.shared(np.random.default_rng(SEED)))
        pytensor_.function(inputs, sample, mode="FAST_COMPILE")(*values(case))
    inputs = variables(pt, case)
    sample = call(getattr(pt.random, distribution), args, kwargs, inputs,
                  rng=pytensor.shared(np.random.default_rng(SEED)))
    with pytest.raises(ValueError) as ours:
        pytensor.function(inputs, sample)(*values(case))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("name, size", [("categorical", (1,)), ("categorical", (3,)), ("categorical", (4, 3)),
                                        ("dirichlet", (4,)), ("dirichlet", (2, 1))])
def test_rows_that_do_not_fit_size_raise_pytensors_errors(name, size, mode):
    """PyTensor's categorical and dirichlet of a matrix (NumPy's messages)."""
    rng = pytensor.shared(np.random.default_rng(SEED))
    x = pt.dmatrix("x")
    f = pytensor.function([x], getattr(pt.random, name)(x, size=size, rng=rng), mode=mode)
    reference = {"categorical": categorical, "dirichlet": batched_dirichlet}[name]
    with pytest.raises(ValueError) as theirs:
        reference(np.random.default_rng(SEED), P_ROWS, size)
    with pytest.raises(ValueError) as ours:
        f(P_ROWS)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("mode", [None, "py"])
def test_multinomial_rows_that_do_not_fit_size_raise_pytensors_error(mode):
    """PyTensor broadcasts p's rows to size (`np.broadcast_to`); NumPy's own
    multinomial would broadcast size against them and say so otherwise."""
    p = pt.dmatrix("p")
    f = pytensor.function([p], pt.random.multinomial(1, p, size=(3,), rng=pytensor.shared(np.random.default_rng(0))),
                          mode=mode)
    with pytest.raises(ValueError) as ours:
        f(P_ROWS)
    with pytest.raises(ValueError) as theirs:
        np.broadcast_to(P_ROWS, (3, 3))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("mode", [None, "py"])
def test_nan_scale_draws_nan_as_numpy(mode):
    """NumPy's `scale < 0` is its sign bit: NaN passes (and -0.0 does not)."""
    rng = pytensor.shared(np.random.default_rng(SEED))
    s = pt.dscalar("s")
    assert np.isnan(pytensor.function([s], pt.random.normal(0.0, s, rng=rng), mode=mode)(np.nan))


def test_pytensors_other_distributions_raise_not_implemented():
    with pytest.raises(NotImplementedError, match="tensor.random.default_rng"):
        pt.random.default_rng(0)
    pytest.importorskip("pytensor")
    from pytensor.tensor.random.basic import __all__ as theirs

    from scanjit.tensor.random import NOT_YET
    from scanjit.tensor.random.basic import __all__ as ours
    assert set(theirs) - set(ours) <= set(NOT_YET)


@pytest.mark.parametrize("mode", [None, "py"])
def test_without_rng_a_new_generator_repeats_its_numbers(mode):
    """PyTensor 3: a new shared generator, no default update (and a warning)."""
    with pytest.warns(DeprecationWarning, match="explicit rng"):
        x = pt.random.normal(size=3)
    rng = x.owner.inputs[0]
    f = pytensor.function([], x, mode=mode)
    first = f()
    np.testing.assert_array_equal(f(), first)
    np.testing.assert_array_equal(first, rng.get_value().normal(size=3))


def test_return_next_rng():
    rng = pytensor.shared(np.random.default_rng(0))
    next_rng, x = pt.random.normal(rng=rng, return_next_rng=True)
    assert (next_rng, x) == tuple(x.owner.outputs)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_gamma_takes_a_rate_second():
    rng = pytensor.shared(np.random.default_rng(0))
    with pytest.warns(FutureWarning, match="rate"):
        x = pt.random.gamma(2.0, 4.0, size=3, rng=rng)
    np.testing.assert_array_equal(pytensor.function([], x)(),
                                  np.random.default_rng(0).gamma(2.0, 0.25, size=3))
    with pytest.raises(ValueError, match="Must specify scale"):
        pt.random.gamma(2.0, rng=rng)
