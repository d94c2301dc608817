"""`pt.random`: random variables drawn from shared numpy Generators, as
PyTensor's: `basic` (the constructors), `op` (the Ops), `utils`
(`RandomStream`, `shared_rng`)."""

from scanjit.tensor.random.basic import *  # noqa: F401,F403  (its __all__: pt.random.normal, ...)
from scanjit.tensor.random.op import RandomVariable  # noqa: F401
from scanjit.tensor.random.utils import RandomStream, shared_rng  # noqa: F401

NOT_YET = ("betabinom", "cauchy", "chisquare", "gengamma", "geometric", "gumbel", "halfcauchy", "halfnormal",
           "hypergeometric", "invgamma", "laplace", "logistic", "lognormal", "multivariate_normal", "nbinom",
           "negative_binomial", "pareto", "standard_normal", "t", "triangular", "truncexpon", "vonmises",
           "wald", "weibull")
"""PyTensor's distributions that scanjit does not draw yet."""


def __getattr__(name: str):
    if name in NOT_YET:
        raise NotImplementedError(f"scanjit does not support pt.random.{name} yet")
    raise AttributeError(f"module 'scanjit.tensor.random' has no attribute {name!r}")
