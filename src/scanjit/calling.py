"""What a function is called with and what it returns, shared by the compiled
`Function` and the reference interpreter's `ReferenceFunction`: the graph it
computes (`givens` replaced, intermediate inputs cut), the checked inputs
(`In`) and outputs (`Out`), the updates (random generators advanced in place,
shared tensors stored after the call), the implicit shared inputs, and the
arguments (positional or by name) converted to the inputs' types."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence

import numpy as np

from scanjit import config
from scanjit.graph import Constant, MissingInputError, Variable, clone_replace, graph_inputs, toposort
from scanjit.scan.op import ScanOp
from scanjit.shared import RandomGeneratorType, SharedVariable
from scanjit.tensor.basic import as_tensor_variable


class UnusedInputError(Exception):
    """An input the outputs do not depend on (PyTensor's `on_unused_input="raise"`)."""


class In:
    """A function input with options, as PyTensor's `pytensor.In`: `name`
    (for keyword calls; the variable's by default), `strict` (arguments must
    be arrays of its dtype), `allow_downcast`, `mutable` (a generator input
    is drawn from in place; others are drawn from a copy). `borrow` is
    accepted, and `mutable` for tensors: compiled code never writes into an array argument."""

    def __init__(self, variable, name=None, value=None, update=None, mutable=None, strict=False,
                 allow_downcast=None, autoname=True, implicit=None, borrow=None, shared=False):
        if value is not None:
            raise ValueError("Inputs with default values are deprecated (as in PyTensor 3): "
                             "use a shared variable, or pass the value at each call")
        if update is not None or implicit or shared:
            raise NotImplementedError("In(update=..., implicit=..., shared=...): updates go in "
                                      "function(updates=...) on shared variables")
        self.variable = variable
        self.name = name if name is not None or not autoname else getattr(variable, "name", None)
        self.strict, self.allow_downcast, self.mutable = strict, allow_downcast, bool(mutable)


class Out:
    """A function output, as PyTensor's `pytensor.Out`; `borrow` is accepted:
    every call returns new arrays."""

    def __init__(self, variable, borrow=False):
        self.variable, self.borrow = variable, borrow


def _as_in(entry) -> In:
    return entry if isinstance(entry, In) else In(entry)


def function_graph(inputs, outputs, updates, givens):
    """The graph a function computes: `inputs` as `In`s, the outputs (`Out`s
    unwrapped) and update pairs with each key of `givens` (a dict or pairs)
    replaced by its value, and an intermediate variable among the inputs
    made an input of its own (what computes it is cut off, as in PyTensor)."""
    ins = [_as_in(entry) for entry in inputs]
    single = not isinstance(outputs, list | tuple)
    outs = [o.variable if isinstance(o, Out) else o for o in ([outputs] if single else outputs)]
    outs = [as_tensor_variable(o) for o in outs]
    pairs = updates_list(updates)
    replace = [_given(old, new, ins) for old, new in (givens.items() if isinstance(givens, dict)
                                                        else givens or [])]
    for entry in ins:
        if isinstance(entry.variable, Variable) and entry.variable.owner is not None:
            cut = entry.variable.type(entry.variable.name)
            replace.append((entry.variable, cut))
            entry.variable = cut
    if replace:
        new = clone_replace(outs + [v for _, v in pairs], replace)
        outs, pairs = new[:len(outs)], [(s, v) for (s, _), v in zip(pairs, new[len(outs):])]
    return ins, outs[0] if single else outs, pairs


def _given(old, new, ins: list[In]) -> tuple[Variable, Variable]:
    """A checked `givens` pair: `new` has `old`'s dtype and number of
    dimensions; it is checked at run time to have `old`'s static lengths."""
    from scanjit.tensor.shape import specify_shape

    if not isinstance(old, Variable) or isinstance(old, Constant):
        raise TypeError(f"givens keys must be variables, got {old!r}")
    if any(entry.variable is old for entry in ins):
        raise RuntimeError(f"{old.label()} is an input of the function: replacing it through "
                           "givens would have no effect (as in PyTensor)")
    new = as_tensor_variable(new)
    if (new.dtype, new.ndim) != (old.dtype, old.ndim) or any(
            a is not None and b is not None and a != b for a, b in zip(old.type.shape, new.type.shape)):
        raise TypeError(f"givens: cannot replace {old.label()} ({old.type}) by {new.label()} ({new.type})")
    if any(a is not None and b is None for a, b in zip(old.type.shape, new.type.shape)):
        new = specify_shape(new, old.type.shape)
    return old, new


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


_MISSING = object()


def is_generator(var: Variable) -> bool:
    return isinstance(var.type, RandomGeneratorType)


def generator_source(var: Variable) -> tuple[Variable, list]:
    """The generator input or shared generator that the generator `var`
    comes from, and the draws (and scans) that advanced it to `var`."""
    nodes = []
    while (node := var.owner) is not None:
        if isinstance(node.op, ScanOp):
            info, k = node.op.info, node.outputs.index(var) - len(node.op.info.inner_outputs)
            if k < len(info.recurrent):  # a generator carried in outputs_info: its initial value
                var = node.inputs[1 + node.op.n_seqs + k]
            else:  # a shared generator its steps advance
                var = list(info.updates)[k - len(info.recurrent)]
        elif is_generator(node.inputs[0]):  # a draw: (generator, parameters) -> (next generator, sample)
            var = node.inputs[0]
        else:
            raise NotImplementedError(f"scanjit cannot return the generator {var.label()} of {node.op}")
        nodes.append(node)
    return var, nodes


def last_of_its_draws(generator: Variable, computed: list[Variable]) -> Variable:
    """The source of a generator output, after every draw from it that the
    function makes: draws take turns on one generator, so the state they leave
    is that of a generator output only if it comes after them all."""
    source, chain = generator_source(generator)
    on_chain = {id(node) for node in chain}
    for node in toposort(computed):
        if id(node) not in on_chain and any(is_generator(v) and generator_source(v)[0] is source
                                            for v in node.inputs):
            raise NotImplementedError(
                f"scanjit cannot return the generator {generator.label()}: the function draws from "
                f"{source.label()} otherwise than on the way to it, and its draws take turns on one generator")
    return source


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

    def __init__(self, inputs: Sequence[Variable | In], outputs, updates=None,
                 allow_input_downcast: bool | None = None):
        self.ins = [_as_in(entry) for entry in inputs]
        self.inputs = [entry.variable for entry in self.ins]
        self.input_names = {entry.name: k for k, entry in enumerate(self.ins) if entry.name}
        self.downcasts = [allow_input_downcast if entry.allow_downcast is None else entry.allow_downcast
                          for entry in self.ins]
        for var in self.inputs:
            if not isinstance(var, Variable) or isinstance(var, Constant | SharedVariable) \
                    or var.owner is not None:
                raise TypeError(f"function inputs must be input variables, got {var!r}")
        self.single = not isinstance(outputs, list | tuple)
        self.outputs = [as_tensor_variable(o) for o in ([outputs] if self.single else outputs)]
        generators = [o for o in self.outputs if is_generator(o)]
        pairs = updates_list(updates)
        self.rng_updates = [(s, v) for s, v in pairs if is_generator(s)]
        self.tensor_updates = [(s, v) for s, v in pairs if not is_generator(s)]
        self.advanced_rngs = {id(s) for s, _ in self.rng_updates} | {
            id(v) for k, v in enumerate(self.inputs) if is_generator(v) and self.ins[k].mutable}
        self.graph_outputs = [o for o in self.outputs if not is_generator(o)] + [v for _, v in self.tensor_updates]
        self.graph_outputs += undrawn(self.graph_outputs, [v for _, v in self.rng_updates] + generators)
        self.generator_sources = {id(o): last_of_its_draws(o, self.graph_outputs) for o in generators}
        self.shared = [v for v in graph_inputs(self.graph_outputs + [v for _, v in pairs])
                       if isinstance(v, SharedVariable)]
        known = {id(v) for v in self.inputs + self.shared}
        for var in graph_inputs(self.graph_outputs):
            if id(var) not in known and not isinstance(var, Constant):
                raise MissingInputError(var)
        self.allow_input_downcast = allow_input_downcast

    def arguments(self, args: Sequence) -> list[np.ndarray]:
        """The call's arguments converted to the inputs' types."""
        if len(args) != len(self.inputs):
            raise TypeError(f"expected {len(self.inputs)} arguments, got {len(args)}")
        return [self.convert(k, a) for k, a in enumerate(args)]

    def convert(self, k: int, value) -> np.ndarray:
        """`value` as input k's type (PyTensor's rules: see TensorType.filter)."""
        var = self.inputs[k]
        if self.ins[k].strict and not (isinstance(value, np.ndarray | np.generic) and value.dtype == var.dtype):
            got = f"an array of {value.dtype}" if isinstance(value, np.ndarray) else type(value).__name__
            raise TypeError(f"input {var.label()} is strict: it takes arrays of {var.dtype}, got {got}")
        return var.type.filter(value, self.downcasts[k], f"input {var.label()}")

    def bind(self, args: Sequence, kwargs: dict) -> list:
        """Positional and keyword arguments (by input name) in input order."""
        if len(args) > len(self.inputs):
            raise TypeError(f"expected {len(self.inputs)} arguments, got {len(args)}")
        bound = list(args) + [_MISSING] * (len(self.inputs) - len(args))
        for name, value in kwargs.items():
            if name not in self.input_names:
                raise TypeError(f"unknown input {name!r}; the named inputs are "
                                f"{', '.join(self.input_names) or 'none'}")
            if bound[self.input_names[name]] is not _MISSING:
                raise TypeError(f"input {name!r} is given twice")
            bound[self.input_names[name]] = value
        if (missing := [self.inputs[k].label() for k, v in enumerate(bound) if v is _MISSING]):
            raise TypeError(f"missing arguments for {', '.join(missing)}")
        return bound

    def drawn_from(self, generators: dict[int, np.random.Generator]) -> dict[int, np.random.Generator]:
        """The generator each generator input and shared generator (by id)
        is drawn from: itself where it advances in place, else a copy."""
        return {key: generator if key in self.advanced_rngs else copy.deepcopy(generator)
                for key, generator in generators.items()}

    def results(self, values: list, drawn_from: dict[int, np.random.Generator]):
        """The outputs of a call, from the values of `graph_outputs` and the
        generators drawn from, after storing the new values of the shared tensors."""
        tensors = sum(not is_generator(o) for o in self.outputs)
        for (var, _), value in zip(self.tensor_updates, values[tensors:]):
            var.container = value
        values = iter(values[:tensors])
        outputs = [self.generator_output(o, drawn_from) if is_generator(o) else next(values) for o in self.outputs]
        return outputs[0] if self.single else outputs

    def generator_output(self, output: Variable, drawn_from: dict[int, np.random.Generator]):
        """The generator drawn from: an input's (itself if mutable, as
        PyTensor's), or a copy of a shared one's."""
        source = self.generator_sources[id(output)]
        generator = drawn_from[id(source)]
        return copy.deepcopy(generator) if isinstance(source, SharedVariable) else generator

    def updates(self) -> list[tuple[SharedVariable, Variable]]:
        return self.tensor_updates + self.rng_updates
