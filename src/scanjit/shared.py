"""Shared variables: values that live between calls, as `pytensor.shared`.

A compiled function reads every shared variable its graph uses as an implicit
input, and writes the new values given in `updates` after the call."""

from __future__ import annotations

import copy

import numpy as np

from scanjit.graph import TensorType, Variable, native_layout


class RandomGeneratorType:
    """The type of a shared `numpy.random.Generator`."""

    dtype = "rng"
    shape = ()
    ndim = 0
    broadcastable = ()

    def __eq__(self, other):
        return isinstance(other, RandomGeneratorType)

    def __hash__(self):
        return hash(RandomGeneratorType)

    def __repr__(self):
        return "RandomGeneratorType"


class SharedVariable(Variable):
    def __init__(self, type, value, name: str | None = None):
        super().__init__(type, name=name)
        self.container = value

    def get_value(self, borrow: bool = False, return_internal_type: bool = False):
        return self.container if borrow else copy.deepcopy(self.container)

    def set_value(self, value, borrow: bool = False) -> None:
        if isinstance(self.type, RandomGeneratorType):
            if not isinstance(value, np.random.Generator):
                raise TypeError(f"shared {self.label()} holds a numpy.random.Generator")
        else:
            value = self.type.filter(value, allow_downcast=False, what=f"shared {self.label()}")
        self.container = value if borrow else copy.deepcopy(value)

    def __repr__(self):
        return self.name or f"<shared {self.type}>"


def shared(value, name: str | None = None, borrow: bool = False, **kwargs) -> SharedVariable:
    if isinstance(value, np.random.Generator):
        return SharedVariable(RandomGeneratorType(), value if borrow else copy.deepcopy(value), name)
    if isinstance(value, np.random.RandomState):
        raise TypeError("scanjit supports numpy.random.Generator only (use np.random.default_rng)")
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot share a value of type {type(value).__name__}")
    data = native_layout(array) if borrow else native_layout(array.copy())
    return SharedVariable(TensorType(str(data.dtype), (None,) * data.ndim), data, name)
