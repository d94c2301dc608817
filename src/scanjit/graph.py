"""The symbolic graph: Types, Variables, Constants, Apply nodes and Ops.

Same model as PyTensor: a Variable is produced by at most one Apply node
(`var.owner`), which applies an Op to input Variables.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np

DTYPES = ("float64", "float32", "int64", "int32", "int16", "int8", "bool")


class TensorType:
    """A dtype and a static shape (None where the length is not known)."""

    def __init__(self, dtype: str, shape: Sequence[int | None] = ()):
        dtype = str(np.dtype(dtype))
        if dtype not in DTYPES:
            raise TypeError(f"scanjit does not support dtype {dtype}")
        self.dtype = dtype
        self.shape = tuple(None if s is None else int(s) for s in shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return tuple(s == 1 for s in self.shape)

    def __call__(self, name: str | None = None) -> Variable:
        return Variable(self, name=name)

    def __eq__(self, other):
        return isinstance(other, TensorType) and (self.dtype, self.shape) == (other.dtype, other.shape)

    def __hash__(self):
        return hash((self.dtype, self.shape))

    def __repr__(self):
        dims = ", ".join("?" if s is None else str(s) for s in self.shape)
        return f"TensorType({self.dtype}, shape=({dims}{',' if self.ndim == 1 else ''}))"


class Variable:
    """A symbolic value. Arithmetic, indexing and reductions are defined in
    `scanjit.tensor` and attached here so graphs read like NumPy code."""

    def __init__(self, type: TensorType, owner: Apply | None = None, index: int = 0,
                 name: str | None = None):
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name

    @property
    def ndim(self) -> int:
        return self.type.ndim

    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return self.type.broadcastable

    def label(self) -> str:
        """How error messages name this variable."""
        if self.name:
            return repr(self.name)
        if self.owner is not None:
            return f"the output of {self.owner.op}"
        return f"an unnamed {self.type}"

    def __repr__(self):
        return self.name or (f"{self.owner.op}.{self.index}" if self.owner else f"<{self.type}>")

    __hash__ = object.__hash__


class Constant(Variable):
    def __init__(self, type: TensorType, data: np.ndarray, name: str | None = None):
        super().__init__(type, name=name)
        self.data = data

    def __repr__(self):
        return self.name or repr(self.data.item() if self.data.ndim == 0 else self.data)


_serials = itertools.count()


def next_serial() -> int:
    """A serial number larger than every Apply node's so far and smaller than
    every later one's (nodes are numbered in the order they are made)."""
    return next(_serials)


class Apply:
    def __init__(self, op: Op, inputs: Sequence[Variable], outputs: Sequence[Variable]):
        self.serial = next(_serials)
        self.op = op
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        for i, out in enumerate(self.outputs):
            out.owner, out.index = self, i


class Op:
    """Base class: `make_node` checks inputs and builds the Apply node."""

    def make_node(self, *inputs: Variable) -> Apply:
        raise NotImplementedError

    def __call__(self, *inputs):
        node = self.make_node(*inputs)
        return node.outputs[0] if len(node.outputs) == 1 else node.outputs

    def __str__(self):
        return type(self).__name__


def toposort(outputs: Iterable[Variable], stop: Iterable[Variable] = ()) -> list[Apply]:
    """Apply nodes needed for `outputs`, inputs before users, not looking
    past the variables in `stop`."""
    seen: set[int] = {id(v) for v in stop}
    order: list[Apply] = []
    done: set[int] = set()
    stack: list[tuple[Variable, bool]] = [(v, False) for v in reversed(list(outputs))]
    while stack:
        var, expanded = stack.pop()
        node = var.owner
        if node is None or id(var) in seen and not expanded:
            continue
        if expanded:
            if id(node) not in done:
                done.add(id(node))
                order.append(node)
            continue
        seen.add(id(var))
        stack.append((var, True))
        stack.extend((i, False) for i in reversed(node.inputs))
    return order


def graph_inputs(outputs: Iterable[Variable], stop: Iterable[Variable] = ()) -> list[Variable]:
    """Variables without an owner (inputs, constants, shared) that `outputs`
    depend on, in first-seen order, not looking past `stop`."""
    stop_ids = {id(v) for v in stop}
    found: dict[int, Variable] = {}
    for var in outputs:
        if var.owner is None and id(var) not in stop_ids:
            found.setdefault(id(var), var)
    for node in toposort(outputs, stop):
        for var in node.inputs:
            if var.owner is None and id(var) not in stop_ids:
                found.setdefault(id(var), var)
    return list(found.values())
