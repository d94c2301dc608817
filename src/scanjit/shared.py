"""Shared variables: values that live between calls, as `pytensor.shared`.

A compiled function reads every shared variable its graph uses as an implicit
input, and writes the new values given in `updates` after the call, and
those of the variables' default updates (`with_default_updates`)."""

from __future__ import annotations

import copy

import numpy as np

from scanjit.graph import TensorType, Variable, graph_inputs, native_layout, next_serial


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

    def __call__(self, name: str | None = None) -> Variable:
        """A generator input (PyTensor's `random_generator_type(name)`)."""
        return Variable(self, name=name)

    @staticmethod
    def values_eq(a: np.random.Generator, b: np.random.Generator) -> bool:
        """Whether two generators are in the same state (PyTensor's)."""
        return a.bit_generator.state == b.bit_generator.state

    def filter(self, value, allow_downcast=None, what: str = "a generator"):
        if not isinstance(value, np.random.Generator):
            raise TypeError(f"{what} takes a numpy.random.Generator, got {type(value).__name__}")
        return value


class SharedVariable(Variable):
    """`default_update`: the new value a function stores when given no other
    (a RandomStream's draws set it); `serial`: numbered as the Apply nodes,
    so a scan knows the variables its step function made."""

    def __init__(self, type, value, name: str | None = None):
        super().__init__(type, name=name)
        self.container = value
        self.default_update: Variable | None = None
        self.serial = next_serial()

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


def with_default_updates(outputs: list[Variable], updates, no_default_updates) -> list:
    """`updates` (a dict or pairs), then PyTensor's default updates: those of
    the shared variables that `outputs`, the updates and the default updates
    added read, but for the variables updated already, all
    (`no_default_updates=True`) or those listed in `no_default_updates`."""
    if not isinstance(no_default_updates, bool | list):
        raise TypeError("The `no_default_update` argument must be a boolean or list")
    pairs = list(updates.items()) if isinstance(updates, dict) else list(updates or [])
    if no_default_updates is True:
        return pairs
    skip = {id(var) for var in no_default_updates or []} | {id(var) for var, _ in pairs}
    pending = outputs + [new for _, new in pairs if isinstance(new, Variable)]
    while pending:
        found = [var for var in graph_inputs(pending) if isinstance(var, SharedVariable)
                 and var.default_update is not None and id(var) not in skip]
        skip.update(id(var) for var in found)
        pairs += [(var, var.default_update) for var in found]
        pending = [var.default_update for var in found]
    return pairs
