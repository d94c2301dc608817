"""A pure-NumPy interpreter of scanjit graphs: the semantics compiled code must have.

`evaluate(outputs, values)` runs a graph node by node in the emitter's order (so random draws
happen in the same order), with the same run-time checks raising the same
exception classes. `scanjit.function(..., mode="py")` returns a
`ReferenceFunction`, which calls it; the differential fuzzer
(tests/test_fuzz.py) compares it with the compiled code.

Floating-point sums and dot products accumulate sequentially from zero, in the
compiled loops' order, so they agree bit for bit; `exp`, `tanh`, ... are
NumPy's and may differ from libm's in the last bits.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Sequence

import numpy as np

from scanjit.calling import Signature
from scanjit.graph import Constant, MissingInputError, Variable, branches, infer_shape, infer_size, toposort
from scanjit.ifelse import IfElse
from scanjit.scan.op import ScanOp
from scanjit.shared import RandomGeneratorType, SharedVariable
from scanjit.tensor.subtensor import key_slice

Env = ChainMap  # id(variable) -> value, one child scope per scan step


def evaluate(outputs: Sequence[Variable], values: dict[Variable, np.ndarray]) -> list:
    """The values of `outputs` given the graph inputs' `values`. Shared
    variables not in `values` read their container (a Generator advances)."""
    env: Env = ChainMap({id(v): x if isinstance(v.type, RandomGeneratorType)
                         else np.asarray(x, v.dtype) for v, x in values.items()})
    with np.errstate(all="ignore"):
        return run_graph(list(outputs), env)


def run_graph(outputs: list[Variable], env: Env) -> list:
    """Like `Emitter.emit_graph`: nodes whose outputs are known are skipped,
    and an ifelse runs only the nodes its branch taken needs."""
    grouped = branches(toposort(outputs, stop=[v for v in outputs if id(v) in env]), outputs)
    run_nodes(grouped, (), env)
    return [value(v, env) for v in outputs]


def run_nodes(grouped: dict[tuple, list], path: tuple, env: Env) -> None:
    for node in grouped.get(path, []):
        if all(id(o) in env for o in node.outputs):
            continue
        if isinstance(node.op, IfElse):
            taken = node.op.taken(value(node.inputs[0], env))
            run_nodes(grouped, path + ((id(node), taken),), env)
            chosen = set(node.op.lazy_inputs(node)[taken])
            inputs = [value(v, env) if i == 0 or i in chosen else None for i, v in enumerate(node.inputs)]
        else:
            inputs = [value(v, env) for v in node.inputs]
        results = scan(node, inputs, env) if isinstance(node.op, ScanOp) else node.op.perform(node, inputs)
        for var, result in zip(node.outputs, results):
            env[id(var)] = result if var.dtype == "rng" else np.asarray(result, var.dtype)


def value(var: Variable, env: Env):
    if id(var) not in env:
        if isinstance(var, Constant):
            env[id(var)] = np.asarray(var.data)
        elif isinstance(var, SharedVariable):
            env.maps[-1][id(var)] = var.container
        else:
            raise MissingInputError(var)
    return env[id(var)]


# -- scan --------------------------------------------------------------------------

def scan(node, args, env):
    op, info = node.op, node.op.info
    recurrent = info.recurrent
    seqs = args[1:1 + op.n_seqs]
    inits = args[1 + op.n_seqs:1 + op.n_seqs + len(recurrent)]
    n = step_count(op, args[0], [len(s) for s in seqs], node.inputs[1:1 + op.n_seqs])
    history: dict[int, list[np.ndarray]] = {}  # initial values, then one row per step
    for k, init in zip(recurrent, inits):
        window = info.window(k)
        if info.output_taps[k] == [-1]:
            history[k] = [init]
        elif init.shape[0] < window:
            raise ValueError(f"output {k} of scan needs {window} initial values for its taps, "
                             f"got {init.shape[0]}")
        else:
            history[k] = list(init[:window])
    per_step: dict[int, list[np.ndarray]] = {k: [] for k, t in enumerate(info.output_taps) if t is None}
    roots = info.roots
    for t in range(n):
        scope = env.new_child()
        places = iter(info.placeholders)
        for seq, taps in zip(seqs, info.seq_taps):
            low, high = min(min(taps), 0), max(max(taps), 0)
            for tap in taps:  # as PyTensor: cut per tap, each cut read from its end going backwards
                row = len(seq) - (high - tap) - 1 - t if info.go_backwards else t + tap - low
                scope[id(next(places))] = seq[row]
        for k in recurrent:
            for tap in info.output_taps[k]:
                scope[id(next(places))] = history[k][t + info.window(k) + tap]
        results = run_graph(roots, scope)
        for k, result in enumerate(results[:len(info.inner_outputs)]):
            rows = history.get(k) or per_step[k]
            if rows and rows[-1].shape != result.shape:
                axis = next(a for a, (x, y) in enumerate(zip(result.shape, rows[-1].shape)) if x != y)
                raise ValueError(f"output {k} of scan changes shape between steps: a step gave length "
                                 f"{result.shape[axis]} on axis {axis}, the output's rows have "
                                 f"{rows[-1].shape[axis]}")
            rows.append(result)
        if info.until is not None and bool(results[len(info.inner_outputs)]):
            break
    outputs = []
    for k, var in enumerate(node.outputs[:len(info.inner_outputs)]):
        if k in history:
            rows, row_shape = history[k][info.window(k):], history[k][0].shape
        else:
            rows = per_step[k]
            row_shape = rows[0].shape if rows else infer_shape(info.inner_outputs[k], op.step_dims(
                [list(np.shape(a)) for a in args], ReferenceShapes(env))[0])
        outputs.append(np.stack(rows) if rows else np.empty((0, *row_shape), var.dtype))
    finals = [history[k][-1] for k in recurrent]  # the last initial value if no step ran
    return outputs + finals + [value(shared_var, env) for shared_var in info.updates]


def step_count(op: ScanOp, n_steps, lengths: list[int], seqs: list[Variable]) -> int:
    """n_steps, checked against the usable length of every sequence, or
    without n_steps the smallest usable length."""
    n = None
    if op.n_steps_given:
        n = int(n_steps)
        if n < 0:
            raise ValueError(f"n_steps of scan must be >= 0, got {n}")
    for length, taps, var in zip(lengths, op.info.seq_taps, seqs):
        span = max(max(taps), 0) - min(min(taps), 0)
        usable = max(length - span, 0)
        if op.n_steps_given and n > usable:
            taps = f" minus {span} for its taps" if span else ""
            raise ValueError(f"scan: n_steps ({n}) is larger than the length of sequence "
                             f"{var.label()}{taps} ({usable})")
        n = usable if n is None else min(n, usable)
    return n


class ReferenceShapes:
    """`infer_shape`'s algebra for the interpreter: lengths are ints, from
    the values in `env` (for the rows of a scan output that runs no step)."""

    def __init__(self, env: Env, known: dict[int, list] | None = None):
        self.env, self.known = env, dict(known or {})

    def const(self, n: int) -> int:
        return n

    def shape_of_value(self, var: Variable) -> list[int] | None:
        if id(var) in self.env or isinstance(var, Constant | SharedVariable):
            return list(np.shape(value(var, self.env)))
        return None

    def size(self, var: Variable) -> int:
        if id(var) not in self.env and (size := infer_size(var, self)) is not None:
            return size
        return int(value(var, self.env))

    def at_least_zero(self, length: int, minus: int) -> int:
        return max(length - minus, 0)

    def minimum(self, a: int, b: int) -> int:
        return min(a, b)

    def maximum(self, a: int, b: int) -> int:
        return max(a, b)

    def select(self, cond: Variable, a: int, b: int) -> int:
        return a if value(cond, self.env) != 0 else b

    def mul(self, a: int, b: int) -> int:
        return a * b

    def add(self, a: int, b: int) -> int:
        return a + b

    def sub(self, a: int, b: int) -> int:
        return a - b

    def div(self, a: int, b: int) -> int:
        return a // b if b else 0

    def slice_length(self, length: int, entry, bounds: list[Variable], label: str) -> int:
        return len(range(length)[key_slice(entry, [self.size(b) for b in bounds], label)])

    def arange_length(self, start: Variable, stop: Variable, step: Variable) -> int:
        return len(range(self.size(start), self.size(stop), self.size(step) or 1))

    def inner(self, known: dict[int, list]) -> ReferenceShapes:
        return ReferenceShapes(self.env, {**self.known, **known})


class ReferenceFunction(Signature):
    """`scanjit.function(..., mode="py")`: `Function`'s calling convention
    (inputs filtered alike, shared variables implicit, updates stored after
    the call), run by the interpreter. For debugging: nothing is compiled."""

    def __init__(self, inputs: Sequence[Variable], outputs, updates=None,
                 allow_input_downcast=None, name: str = "function"):
        super().__init__(inputs, outputs, updates, allow_input_downcast)
        self.name = name

    def __call__(self, *args, **kwargs):
        args = self.bind(args, kwargs) if kwargs else args
        env: Env = ChainMap({id(v): a for v, a in zip(self.inputs, self.arguments(args))})
        env.update((id(v), v.container) for v in self.shared)
        drawn_from = self.drawn_from({key: env[key] for key in (id(v) for v in self.inputs + self.shared)
                                      if isinstance(env[key], np.random.Generator)})
        env.update(drawn_from)
        with np.errstate(all="ignore"):
            values = [np.array(v, copy=True) for v in run_graph(self.graph_outputs, env)]
        return self.results(values, drawn_from)
