"""PyTensor's `RandomStream`, `shared_rng` and `rng`."""

from __future__ import annotations

import copy
from functools import wraps

import numpy as np

from scanjit.graph import Variable
from scanjit.shared import RandomGeneratorType, SharedVariable, shared
from scanjit.tensor.random import basic

_UNSET = object()


def shared_rng(value=None, *, seed=_UNSET, name=None, borrow=False) -> SharedVariable:
    """A shared Generator: `value`, or `np.random.default_rng(seed)` (PyTensor 3's)."""
    if value is None:
        if seed is _UNSET:
            raise ValueError("Must set one of value or seed")
        return shared(np.random.default_rng(seed if borrow else copy.deepcopy(seed)), name, borrow=True)
    if seed is not _UNSET:
        raise ValueError("Cannot specify both value and seed")
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"Expected numpy.random.Generator, got {type(value)}")
    return shared(value, name, borrow=borrow)


def rng(name=None) -> Variable:
    """A generator input (PyTensor's RandomGeneratorVariable): a function
    taking it is called with a numpy Generator, which its draws advance in
    place under `In(rng, mutable=True)`, else a copy of it."""
    return RandomGeneratorType()(name)


class RandomStream:
    """PyTensor's `RandomStream(seed)`: each draw (`srng.normal(...)`, any
    constructor of `namespace`, default `pt.random`) is from a new shared
    Generator, made by `rng_ctor` from the next child of `seed`'s
    SeedSequence (so its numbers are PyTensor's), whose default update is
    the draw's next generator: `function` advances it unless
    `no_default_updates` says not to, and a scan whose step made it updates
    it (docs/porting-from-pytensor.md)."""

    def __init__(self, seed=None, namespace=None, rng_ctor=np.random.default_rng):
        namespace = basic if namespace is None else namespace
        self.namespaces = [(namespace, set(namespace.__all__))]
        self.default_instance_seed = seed
        self.state_updates: list[tuple[SharedVariable, object]] = []
        self.gen_seedgen = np.random.SeedSequence(seed)
        self.rng_ctor = rng_ctor

    def __getattr__(self, obj):
        if obj.startswith("__") or obj == "namespaces":  # not a distribution (copy, pickle, init)
            raise AttributeError(obj)
        found = next((getattr(ns, obj) for ns, names in self.namespaces if obj in names and hasattr(ns, obj)),
                     None)
        if found is None:
            raise AttributeError(f"No attribute {obj}.")

        @wraps(found)
        def draw(*args, **kwargs):
            return self.gen(found, *args, **kwargs)

        setattr(self, obj, draw)
        return draw

    def updates(self) -> list:
        return list(self.state_updates)

    def seed(self, seed=None) -> None:
        """Reseed the stream's generators as a new stream of `seed` (default:
        the stream's own) would seed them."""
        self.gen_seedgen = np.random.SeedSequence(self.default_instance_seed if seed is None else seed)
        children = self.gen_seedgen.spawn(len(self.state_updates))
        for (rng, _), child in zip(self.state_updates, children):
            rng.set_value(self.rng_ctor(child), borrow=True)

    def gen(self, op, *args, **kwargs):
        if "rng" in kwargs:
            raise ValueError("The `rng` option cannot be used with a variate in a `RandomStream`")
        (child,) = self.gen_seedgen.spawn(1)
        rng = shared(self.rng_ctor(child), borrow=True)
        rng.default_update, out = op(*args, **kwargs, rng=rng, return_next_rng=True)
        self.state_updates.append((rng, rng.default_update))
        return out
