"""PyTensor 3's methods of a generator variable: `next_rng, x =
rng.normal(0, 1, size=n)` is `normal(0, 1, size=n, rng=rng,
return_next_rng=True)`. Drawing from one generator variable twice warns,
as PyTensor's: both draws would be the same."""

import warnings

from scanjit.graph import Variable
from scanjit.tensor.random import basic
from scanjit.tensor.random.op import is_rng


def _generator_method(self: Variable, name: str):
    if name not in basic.__all__ or not is_rng(self):
        raise AttributeError(f"{type(self).__name__} object has no attribute {name!r}")
    function = getattr(basic, name)

    def method(*args, **kwargs):
        if self.__dict__.get("_drawn_from"):
            warnings.warn(f"RandomGeneratorVariable {self.label()} has already been used. You probably want "
                          "to use the new RandomGeneratorVariable that was returned when you used it.",
                          UserWarning, stacklevel=2)
        self._drawn_from = True
        return function(*args, rng=self, return_next_rng=True, **kwargs)

    method.__name__, method.__doc__ = name, function.__doc__
    return method


Variable.__getattr__ = _generator_method
