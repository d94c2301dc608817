"""What a function is called with and what it returns, shared by the compiled
`Function` and the reference interpreter's `ReferenceFunction`: the checked
inputs and outputs, the updates (random generators advanced in place, shared
tensors stored after the call), the implicit shared inputs, and the
arguments converted to the inputs' types."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from scanjit import config
from scanjit.graph import Constant, Variable, graph_inputs, toposort
from scanjit.scan.op import ScanOp
from scanjit.shared import RandomGeneratorType, SharedVariable
from scanjit.tensor.basic import as_tensor_variable


class UnusedInputError(Exception):
    """An input the outputs do not depend on (PyTensor's `on_unused_input="raise"`)."""


def updates_list(updates) -> list[tuple[SharedVariable, Variable]]:
    """`updates` (a dict or pairs) as checked (shared variable, new value) pairs."""
    pairs = list(updates.items()) if isinstance(updates, dict) else list(updates or [])
    checked = []
    for shared_var, new in pairs:
        if not isinstance(shared_var, SharedVariable):
            raise TypeError(f"updates keys must be shared variables, got {shared_var!r}")
        if any(shared_var is done for done, _ in checked):
            raise ValueError(f"the shared variable {shared_var.label()} is updated twice")
        new = as_tensor_variable(new)
        if new.type != shared_var.type and (new.dtype, new.ndim) != (shared_var.dtype, shared_var.ndim):
            raise TypeError(f"update of {shared_var.label()} is {new.type}, "
                            f"expected {shared_var.type}")
        checked.append((shared_var, new))
    return checked


def check_unused_inputs(inputs: Sequence[Variable], needed: Sequence[Variable],
                        on_unused_input: str | None) -> None:
    """PyTensor's rule: an input the graph of `needed` does not read raises
    UnusedInputError ("raise", the default), warns ("warn") or is accepted ("ignore")."""
    policy = config.on_unused_input if on_unused_input is None else on_unused_input
    if policy not in ("raise", "warn", "ignore"):
        raise ValueError(f"on_unused_input must be 'raise', 'warn' or 'ignore', got {policy!r}")
    if policy == "ignore":
        return
    used = {id(v) for v in graph_inputs(needed)}
    for k, var in enumerate(inputs):
        if id(var) in used:
            continue
        message = (f"input {k} ({var.label()}) of the function is not needed to compute its "
                   "outputs; pass on_unused_input='ignore' (or 'warn') to accept it")
        if policy == "raise":
            raise UnusedInputError(message)
        warnings.warn(message, stacklevel=4)


def undrawn(computed: list[Variable], generators: list[Variable]) -> list[Variable]:
    """A sample of each draw (or scan) that made one of `generators` and that
    `computed` does not need: computed too (and dropped), it makes the draws
    the generator's update counts on (`updates={rng: next_rng}` alone)."""
    done = {id(node) for node in toposort(computed)}
    found = []
    for var in generators:
        node = var.owner
        if node is None or id(node) in done:
            continue
        done.add(id(node))
        if isinstance(node.op, ScanOp) and not node.op.info.inner_outputs:
            raise NotImplementedError(f"scanjit cannot advance a generator by {var.label()} yet, a scan "
                                      "returning generators only: return a draw too")
        found.append(node.outputs[0] if isinstance(node.op, ScanOp) else node.outputs[1])
    return found


class Signature:
    """A function's inputs, outputs and updates, checked.

    `graph_outputs` are the outputs, then the new values of the shared
    tensors to store after the call (then the draws only generators' updates
    need, `undrawn`); `shared` the shared variables the graph
    reads (passed implicitly after the inputs); a generator in
    `advanced_rngs` advances in place, the others are drawn from a copy."""

    def __init__(self, inputs: Sequence[Variable], outputs, updates=None,
                 allow_input_downcast: bool | None = None):
        self.inputs = list(inputs)
        for var in self.inputs:
            if not isinstance(var, Variable) or isinstance(var, Constant | SharedVariable) \
                    or var.owner is not None:
                raise TypeError(f"function inputs must be input variables, got {var!r}")
        self.single = not isinstance(outputs, list | tuple)
        self.outputs = [as_tensor_variable(o) for o in ([outputs] if self.single else outputs)]
        if any(isinstance(o.type, RandomGeneratorType) for o in self.outputs):
            raise NotImplementedError("scanjit functions cannot return random generators yet: "
                                      "give them in `updates` to advance shared ones")
        pairs = updates_list(updates)
        self.rng_updates = [(s, v) for s, v in pairs if isinstance(s.type, RandomGeneratorType)]
        self.tensor_updates = [(s, v) for s, v in pairs if not isinstance(s.type, RandomGeneratorType)]
        self.advanced_rngs = {id(s) for s, _ in self.rng_updates}
        self.graph_outputs = self.outputs + [v for _, v in self.tensor_updates]
        self.graph_outputs += undrawn(self.graph_outputs, [v for _, v in self.rng_updates])
        self.shared = [v for v in graph_inputs(self.graph_outputs + [v for _, v in pairs])
                       if isinstance(v, SharedVariable)]
        known = {id(v) for v in self.inputs + self.shared}
        for var in graph_inputs(self.graph_outputs):
            if id(var) not in known and not isinstance(var, Constant):
                raise ValueError(f"{var.label()} is needed but is not an input of the function")
        self.allow_input_downcast = allow_input_downcast

    def arguments(self, args: Sequence) -> list[np.ndarray]:
        """The call's arguments converted to the inputs' types."""
        if len(args) != len(self.inputs):
            raise TypeError(f"expected {len(self.inputs)} arguments, got {len(args)}")
        return [v.type.filter(a, self.allow_input_downcast, f"input {v.label()}")
                for v, a in zip(self.inputs, args)]

    def results(self, values: list):
        """The outputs of a call, from the values of `graph_outputs`, after
        storing the new values of the shared tensors."""
        for (var, _), value in zip(self.tensor_updates, values[len(self.outputs):]):
            var.container = value
        values = values[:len(self.outputs)]
        return values[0] if self.single else values

    def updates(self) -> list[tuple[SharedVariable, Variable]]:
        return self.tensor_updates + self.rng_updates
