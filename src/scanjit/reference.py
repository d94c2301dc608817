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

import copy
from collections import ChainMap
from collections.abc import Sequence

import numpy as np

from scanjit.calling import Signature
from scanjit.dtypes import is_float, upcast
from scanjit.graph import Constant, Variable, infer_shape, toposort
from scanjit.scan.op import ScanOp
from scanjit.shared import RandomGeneratorType, SharedVariable
from scanjit.tensor import basic as tb
from scanjit.tensor.random import RandomVariable

Env = ChainMap  # id(variable) -> value, one child scope per scan step


def evaluate(outputs: Sequence[Variable], values: dict[Variable, np.ndarray]) -> list:
    """The values of `outputs` given the graph inputs' `values`. Shared
    variables not in `values` read their container (a Generator advances)."""
    env: Env = ChainMap({id(v): x if isinstance(v.type, RandomGeneratorType)
                         else np.asarray(x, v.dtype) for v, x in values.items()})
    with np.errstate(all="ignore"):
        return run_graph(list(outputs), env)


def run_graph(outputs: list[Variable], env: Env) -> list:
    """Like `Emitter.emit_graph`: nodes whose outputs are known are skipped."""
    for node in toposort(outputs, stop=[v for v in outputs if id(v) in env]):
        if all(id(o) in env for o in node.outputs):
            continue
        impl = IMPLS.get(type(node.op))
        if impl is None:
            raise NotImplementedError(f"the reference interpreter cannot run {node.op}")
        results = impl(node, [value(v, env) for v in node.inputs], env)
        for var, result in zip(node.outputs, results):
            env[id(var)] = result if var.dtype == "rng" else np.asarray(result, var.dtype)
    return [value(v, env) for v in outputs]


def value(var: Variable, env: Env):
    if id(var) not in env:
        if isinstance(var, Constant):
            env[id(var)] = np.asarray(var.data)
        elif isinstance(var, SharedVariable):
            env.maps[-1][id(var)] = var.container
        else:
            raise ValueError(f"{var.label()} is needed but is not an input of the function")
    return env[id(var)]


# -- elementwise ---------------------------------------------------------------

def check_broadcast(static_shapes: list[tuple], arrays: list[np.ndarray], ndim: int, what: str,
                    labels: list[str] | None = None):
    """As compiled: dimensions not statically 1 must agree (no run-time
    broadcasting); the error names the first input and one that disagrees."""
    labels = labels or [f"input {k}" for k in range(len(arrays))]
    for axis in range(ndim):
        sized = [(a, label) for static, a, label in zip(static_shapes, arrays, labels)
                 if 0 <= (k := axis - (ndim - a.ndim)) and static[k] != 1]
        for other, label in sized[1:]:
            (first, first_label), k = sized[0], axis - (ndim - other.ndim)
            if first.shape[axis - (ndim - first.ndim)] != other.shape[k]:
                raise ValueError(f"shape mismatch in {what} along axis {axis}: {first_label} has "
                                 f"shape {first.shape} and {label} has shape {other.shape}")


def _int_pow(a, b):
    """MLIR's ipowi: a negative exponent gives 1 for base 1, +-1 for base -1, else 0."""
    negative = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(b < 0, negative, np.power(a, np.maximum(b, 0))).astype(a.dtype)


_UFUNCS = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "true_div": np.true_divide,
    "int_div": np.floor_divide, "mod": np.remainder, "maximum": np.maximum, "minimum": np.minimum,
    "and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor, "invert": np.invert,
    "neg": np.negative, "abs": np.abs, "exp": np.exp, "log": np.log, "tanh": np.tanh,
    "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
}
_COMPARE = {"lt": np.less, "gt": np.greater, "le": np.less_equal, "ge": np.greater_equal,
            "eq": np.equal, "neq": np.not_equal}


def elemwise(node, args, env):
    op, out = node.op.scalar_op, node.outputs[0]
    check_broadcast([v.type.shape for v in node.inputs], args, out.ndim, str(node.op),
                    [v.label() for v in node.inputs])
    if op.startswith("cast_"):
        return [args[0].astype(out.dtype)]
    if op in _COMPARE:
        common = upcast(*[v.dtype for v in node.inputs])
        return [_COMPARE[op](*[a.astype(common) for a in args])]
    if op == "switch":
        cond, a, b = args
        return [np.where(cond.astype(bool), a.astype(out.dtype), b.astype(out.dtype))]
    xs = [a.astype(out.dtype) for a in args]
    if op == "pow":
        return [np.power(*xs) if is_float(out.dtype) else _int_pow(*xs)]
    if op not in _UFUNCS:
        raise NotImplementedError(f"Elemwise{{{op}}}")
    return [_UFUNCS[op](*xs)]


# -- reductions, dot -------------------------------------------------------------

def reduce(node, args, env):
    op, out = node.op, node.outputs[0]
    x = args[0].astype(out.dtype)
    if op.kind in ("max", "min"):
        for axis in op.axes:
            if x.shape[axis] == 0:
                raise ValueError(f"{op.kind} of an empty axis of {node.inputs[0].label()}")
    if not is_float(out.dtype) or op.kind in ("max", "min"):
        ufunc = {"add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum}[op.kind]
        return [ufunc.reduce(x, axis=op.axes)]
    # Kept axes outermost, reduced axes innermost in row-major order, from the identity.
    kept = [a for a in range(x.ndim) if a not in op.axes]
    kept_shape = tuple(x.shape[a] for a in kept)
    count = int(np.prod([x.shape[a] for a in op.axes]))
    rows = x.transpose(kept + list(op.axes)).reshape(kept_shape + (count,))
    ufunc = np.add if op.kind == "add" else np.multiply
    acc = np.full(kept_shape, 0 if op.kind == "add" else 1, out.dtype)
    for r in range(count):
        acc = ufunc(acc, rows[..., r])
    return [acc]


def argmax(node, args, env):
    x, axis = args[0], node.op.axis
    for a in range(x.ndim) if axis is None else [axis]:
        if x.shape[a] == 0:
            raise ValueError(f"argmax of an empty axis of {node.inputs[0].label()}")
    return [np.argmax(x, axis=axis)]


def dot(node, args, env):
    dtype = node.outputs[0].dtype
    a, b = (x.astype(dtype) for x in args)
    if a.shape[-1] != b.shape[0]:
        raise ValueError(f"dot of {node.inputs[0].label()} and {node.inputs[1].label()}: "
                         f"shapes {a.shape} and {b.shape} are not aligned")
    if not is_float(dtype):
        return [np.dot(a, b)]
    acc = np.zeros(a.shape[:-1] + b.shape[1:], dtype)
    for k in range(a.shape[-1]):  # from zero, k ascending, as compiled
        lhs = a[..., k]
        acc = acc + (lhs[:, None] * b[k] if a.ndim == 2 and b.ndim == 2 else lhs * b[k])
    return [acc]


# -- shapes, indexing ------------------------------------------------------------

def shape(node, args, env):
    return [args[0].shape[node.op.axis]]


def numpy_key(op: tb.Subtensor, x: np.ndarray, key: list, label: str) -> tuple:
    """The NumPy key of a Subtensor, with the compiled checks and messages."""
    key, out = iter(key), []
    for axis, entry in enumerate(op.idx_list):
        if entry == tb.INDEX:
            n, given = x.shape[axis], int(next(key))
            i = given + n if given < 0 else given
            if not 0 <= i < n:
                raise IndexError(f"index {given} is out of bounds for axis {axis} of {label} with size {n}")
            out.append(i)
        else:
            out.append(key_slice(entry, [next(key) for given in entry if given], label))
    return tuple(out)


def key_slice(has, bounds, label: str) -> slice:
    bounds = iter(bounds)
    start, stop, step = (int(next(bounds)) if h else None for h in has)
    if step == 0:
        raise ValueError(f"slice step of {label} cannot be zero")
    return slice(start, stop, step)


def subtensor(node, args, env):
    x, *key = args
    return [x[numpy_key(node.op, x, key, node.inputs[0].label())]]


def set_subtensor(node, args, env):
    op = node.op
    (x_var, value_var), (x, new, *key) = node.inputs[:2], args
    out = x.copy()
    where = numpy_key(op.key, x, key, x_var.label())
    part = out[where]
    check_broadcast([op.key.static_shape(x_var.type.shape), value_var.type.shape], [part, new],
                    part.ndim, f"{op.mode}_subtensor of {x_var.label()}")
    out[where] = part + new if op.mode == "inc" else new
    return [out]


def dimshuffle(node, args, env):
    order, x = node.op.order, args[0]
    kept = x.transpose([a for a in order if a != "x"])
    return [kept.reshape([1 if a == "x" else x.shape[a] for a in order])]


def arange(node, args, env):
    start, stop, step = args
    dtype = node.op.dtype
    if step == 0:
        raise ValueError("arange step cannot be zero")
    if not is_float(dtype):  # Python ints: no overflow
        count = max(0, -((int(start) - int(stop)) // int(step)))
        if count >= 2**62:
            raise MemoryError(f"cannot allocate the arange of {count} elements")
        return [np.arange(count, dtype="int64").astype(dtype) * step + start]
    span = (stop - start) / step
    if not span < 2.0**62:
        raise ValueError("arange: the length is not a number or too large")
    k = np.arange(max(int(np.ceil(span)), 0)).astype(dtype)
    return [start + k * step]


def alloc(node, args, env):
    fill, *sizes = args
    for s, var in zip(sizes, node.inputs[1:]):
        if s < 0:
            raise ValueError(f"negative dimensions are not allowed (alloc's length {var.label()} is {s})")
    out = node.outputs[0]
    shaped = np.empty(tuple(int(s) for s in sizes), out.dtype)
    check_broadcast([out.type.shape, node.inputs[0].type.shape], [shaped, fill], out.ndim,
                    f"alloc of {node.inputs[0].label()}")
    shaped[...] = fill
    return [shaped]


# -- random draws: the Generator's own methods, after the compiled checks --------

def random_variable(node, args, env):
    op, (rng, *params) = node.op, args
    if op.distribution == "multinomial":
        n, p = params
        if n < 0:
            raise ValueError("n < 0")
        if len(p) == 0:
            raise ValueError("pvals must have at least 1 element")
        if not np.all((p >= 0) & (p <= 1)):
            raise ValueError("pvals < 0, pvals > 1 or pvals contains NaNs")
        if sum(p[:-1].tolist()) > 1.0 + 1e-12:
            raise ValueError("sum(pvals[:-1]) > 1.0")
        return [rng, rng.multinomial(int(n), p)]
    a, b = (x.item() for x in params)
    if op.distribution == "uniform":
        if not np.isfinite(b - a):
            raise OverflowError("high - low range exceeds valid bounds")
        if not b - a >= 0:
            raise ValueError("rng < 0")
        return [rng, rng.uniform(a, b, op.size)]
    if op.distribution == "normal":
        if not b >= 0:
            raise ValueError("scale < 0")
        return [rng, rng.normal(a, b, op.size)]
    if a >= b:
        raise ValueError("low >= high")
    return [rng, rng.integers(a, b, op.size, dtype=np.int64)]


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
        if var.owner is not None and isinstance(var.owner.op, tb.Shape) and id(var) not in self.env:
            return infer_shape(var.owner.inputs[0], self)[var.owner.op.axis]
        return int(value(var, self.env))

    def at_least_zero(self, length: int, minus: int) -> int:
        return max(length - minus, 0)

    def minimum(self, a: int, b: int) -> int:
        return min(a, b)

    def slice_length(self, length: int, entry, bounds: list[Variable], label: str) -> int:
        return len(range(length)[key_slice(entry, [value(b, self.env) for b in bounds], label)])

    def inner(self, known: dict[int, list]) -> ReferenceShapes:
        return ReferenceShapes(self.env, {**self.known, **known})


IMPLS = {
    tb.Elemwise: elemwise, tb.Reduce: reduce, tb.Argmax: argmax, tb.Dot: dot, tb.Shape: shape,
    tb.Subtensor: subtensor, tb.SetSubtensor: set_subtensor, tb.DimShuffle: dimshuffle,
    tb.Arange: arange, tb.Alloc: alloc, RandomVariable: random_variable, ScanOp: scan,
}


class ReferenceFunction(Signature):
    """`scanjit.function(..., mode="py")`: `Function`'s calling convention
    (inputs filtered alike, shared variables implicit, updates stored after
    the call), run by the interpreter. For debugging: nothing is compiled."""

    def __init__(self, inputs: Sequence[Variable], outputs, updates=None,
                 allow_input_downcast=None, name: str = "function"):
        super().__init__(inputs, outputs, updates, allow_input_downcast)
        self.name = name

    def __call__(self, *args):
        env: Env = ChainMap({id(v): a for v, a in zip(self.inputs, self.arguments(args))})
        for var in self.shared:  # an rng not being updated draws from a copy
            env[id(var)] = var.container if id(var) in self.advanced_rngs or \
                not isinstance(var.type, RandomGeneratorType) else copy.deepcopy(var.container)
        with np.errstate(all="ignore"):
            values = [np.array(v, copy=True) for v in run_graph(self.graph_outputs, env)]
        return self.results(values)
