"""`pt.random`: random variables drawn from shared numpy Generators, as
PyTensor's: `basic` (the constructors), `op` (the Ops), `utils`
(`RandomStream`, `shared_rng`), `methods` (`rng.normal(...)`)."""

from scanjit.tensor.random.basic import *  # noqa: F401,F403  (its __all__: pt.random.normal, ...)
from scanjit.tensor.random import methods, type  # noqa: F401  (generator variables' methods; their type)
from scanjit.tensor.random.op import RandomVariable  # noqa: F401
from scanjit.tensor.random.utils import RandomStream, rng, shared_rng  # noqa: F401
from scanjit.unsupported import module_getattr, not_yet

NOT_YET = not_yet({"": ("default_rng",),
    "part of PyTensor's own compiler or type system": ("pytensor", "rewriting", "variable")})
"""PyTensor's distributions that scanjit does not draw yet, and the rest of
`pytensor.tensor.random` it does not have."""
__getattr__ = module_getattr("pytensor.tensor.random", NOT_YET)
