"""Random scan programs for the differential fuzzer (test_fuzz.py).

`Program(seed)` builds one graph with scanjit, and
`Program(seed, pytensor_library())` the same graph with PyTensor
(test_fuzz_pytensor.py; `Library` holds the few API differences): a scan
mixing sequences with taps, recurrent states (sit-sot and mit-sot), per-step
outputs and non-sequences (explicit or closures), whose step is a random
expression over scalars (`s`), vectors (`v`, length K) and matrices (`m`,
K x K), sometimes with a nested scan, an `until`, random draws or a
shared-variable update. `Program.case(rng)`
draws arguments: K, sequence lengths (0, 1, small, 1000), n_steps, and now and
then a wrong shape or too few initial values, which must raise alike.
`Program(seed, for_gradient=True)` is a float64 program without max or min
reductions (whose gradient, as PyTensor's, goes to every tied position, which
finite differences do not see), and `gradients()` the gradient of the sum of
its outputs with respect to its float inputs; `directional_check` compares
it with finite differences.

Values stay bounded so that compiled and reference results stay comparable:
float states go through tanh (|h| <= 1), int states through `% M`, inputs
are in [-1, 1] (floats; K x K matrices divided by K) or [-20, 20] (ints),
divisions are by 1.5 + |b|.
Float `//` and `%` are left out: they are exact (test_regressions.py checks
them against NumPy), but as step functions they turn the last-ulp differences
between libm's and NumPy's `tanh`/`exp` into large ones.
"""

from __future__ import annotations

import os
import random
from typing import Callable, NamedTuple

import numpy as np

import scanjit
import scanjit.tensor

SEED = int(os.environ.get("SCANJIT_FUZZ_SEED", "20250611"))
CASES = int(os.environ.get("SCANJIT_FUZZ", "400"))
CALLS = 8  # cases per compiled program
GRADIENT_CASES = int(os.environ.get("SCANJIT_FUZZ_GRAD", "36"))  # gradient programs: 3 cases each
GRADIENT_CALLS = 3
# Programs whose states are matrices (rows of a batch: in-step loops over rows)
# or vectors: SCANJIT_FUZZ_MATRIX cases, SCANJIT_FUZZ_MATRIX_GRAD of gradients.
MATRIX_CASES = int(os.environ.get("SCANJIT_FUZZ_MATRIX", "80"))
MATRIX_GRADIENT_CASES = int(os.environ.get("SCANJIT_FUZZ_MATRIX_GRAD", "12"))

LENGTHS = (0, 1, 1, 2, 3, 3, 5, 8, 1000)
SEQ_TAPS = ([0], [0], [-1], [1], [-2, 0], [-1, 0, 1], [0, 2], [-3, 1], [2, -1])
STATE_TAPS = ([-1], [-1], [-2, -1], [-3, -1], [-2], [-1, -3], [-4, -2, -1])
ROW_KIND = {0: "s", 1: "v", 2: "m"}


class Library(NamedTuple):
    """What a program is built with: `pytensor` and `pt` are the modules
    (`import scanjit as pytensor`), the rest is where the two APIs differ."""

    name: str
    pytensor: object
    pt: object
    until: Callable  # scanjit.until; PyTensor's is pytensor.scan.utils.until
    length: Callable  # v -> len(v) as a scalar: scanjit has no `v.shape` yet


SCANJIT = Library("scanjit", scanjit, scanjit.tensor, scanjit.until, lambda v: scanjit.tensor.Shape(0)(v))


def pytensor_library() -> Library:
    """PyTensor itself (the `[bench]` extra): ImportError without it."""
    import pytensor
    import pytensor.tensor
    from pytensor.scan.utils import until

    return Library("pytensor", pytensor, pytensor.tensor, until, lambda v: v.shape[0])


class Program:
    def __init__(self, seed: str, library: Library = SCANJIT, for_gradient: bool = False,
                 matrix_states: bool = False):
        self.library = library
        pytensor, pt = library.pytensor, library.pt
        r = self.r = random.Random(seed)
        self.dtype = r.choice(["float64", "float64", "float32", "int64"])
        self.dtype = "float64" if for_gradient else self.dtype
        self.reductions = ["sum", "sum"] + ["max", "min"] * (not for_gradient) + ["mean"] * (self.dtype != "int64")
        self.flt = self.dtype != "int64"
        self.inputs: list = []
        self.specs: list[tuple] = []  # per input: (role, ndim, taps)
        self.shared: list = []  # (shared variable, its value before each call)
        self.rng = None
        self.nested_states: list[tuple] = []  # nested scans' states: (inputs, step value, returned whole)
        self.comparisons: list[tuple] = []  # the operands of every comparison
        seq_taps = [r.choice(SEQ_TAPS) for _ in range(r.choice([0, 1, 1, 2, 3]))]
        seqs = [self._input("seq", r.choice([1, 1, 2, 2, 3]), taps=taps) for taps in seq_taps]
        outputs_info, state_kinds = [], []
        for _ in range(r.choice([1, 2, 2, 3])):
            kind = r.choice(["sit", "sit", "mit", "step", "step"])
            ndim = r.choice([1, 2, 2]) if matrix_states else r.choice([0, 1])  # rows of a batch: matrices
            if kind == "step":
                outputs_info.append(None)
            elif kind == "sit":
                outputs_info.append(self._input("init", ndim, taps=[-1]))
            else:
                taps = r.choice(STATE_TAPS[2:])
                outputs_info.append(dict(initial=self._input("init", ndim + 1, taps=taps), taps=taps))
            state_kinds.append((kind, ndim))
        non_seqs = [self._input("nonseq", ndim) for ndim in r.sample([0, 1, 1, 2], r.choice([0, 1, 2, 3]))]
        if r.random() < 0.2 and any(v.ndim == 1 for v in non_seqs):  # a loop-invariant closure
            vec = next(v for v in non_seqs if v.ndim == 1)
            non_seqs.append(self.unary(vec * self.const()))
        explicit = [v for v in non_seqs if r.random() < 0.5]
        if not seqs or r.random() < 0.4:
            n_steps = r.choice([0, 1, 3, 7, 1000]) if r.random() < 0.3 else \
                self._input("n_steps", 0, dtype=r.choice(["int64", "int32"]))
        else:
            n_steps = None
        self.until = r.random() < 0.12
        if r.random() < 0.12:
            self.rng = pytensor.shared(np.random.default_rng(0), name="rng")

        def step(*args):
            self.pools = {"s": [], "v": [], "m": []}
            places = iter(args)
            for seq, taps in zip(seqs, seq_taps):
                for _ in taps:
                    self.pools[ROW_KIND[seq.ndim - 1]].append(next(places))
            for info, (kind, ndim) in zip(outputs_info, state_kinds):
                if info is not None:
                    for _ in ([-1] if kind == "sit" else info["taps"]):
                        self.pools[ROW_KIND[ndim]].append(next(places))
            for v in non_seqs:
                self.pools[ROW_KIND[v.ndim]].append(v)
            self.draws = []
            outs = []
            for kind, ndim in state_kinds:
                if kind == "step":
                    outs.append(pt.cast(self.expr(self.any_kind(ROW_KIND[ndim]), r.choice([1, 2, 3])),
                                        self.dtype))
                else:
                    outs.append(self.bound(self.expr(ROW_KIND[ndim], r.choice([1, 2, 3]))))
            stop = [library.until(self.compare(self.expr("s", 2), self.expr("s", 1)))] if self.until else []
            updates = [{self.rng: self.draws[-1].owner.outputs[0]}] if self.draws else []
            self.step_inputs, self.step_values = args[:len(args) - len(explicit)], outs  # not non-sequences
            return [outs, *updates, *stop] if updates or stop else outs

        self.go_backwards = r.random() < 0.25
        scan_outs, updates = pytensor.scan(
            step, sequences=[dict(input=s, taps=t) for s, t in zip(seqs, seq_taps)],
            outputs_info=outputs_info, non_sequences=explicit, n_steps=n_steps,
            go_backwards=self.go_backwards, return_list=True)
        self.n_steps = n_steps  # an int, a variable or None
        self.scan_outs, self.state_kinds = scan_outs, state_kinds
        self.outputs = []
        self.output_uses = []  # per output: (index of its scan output, its use's name in `uses`)
        for i, out in enumerate(scan_outs):
            for use, var in r.sample(self.uses(out), r.choice([1, 1, 2])):
                self.outputs.append(var)
                self.output_uses.append((i, use))
        self.updates = dict(updates) if r.random() < 0.8 else {}
        if r.random() < 0.1:
            acc = pytensor.shared(np.zeros((), self.dtype), name="acc")
            self.shared.append((acc, np.asarray(1, self.dtype)))
            self.updates[acc] = acc + pt.cast(scan_outs[0].sum(), self.dtype)
        if self.rng is not None:
            self.shared.append((self.rng, np.random.default_rng(r.getrandbits(32))))

    # -- inputs and arguments ------------------------------------------------
    def _input(self, role: str, ndim: int, taps=None, dtype=None):
        pt = self.library.pt
        var = pt.tensor(f"{role}{len(self.inputs)}", dtype=dtype or self.dtype, shape=(None,) * ndim)
        self.inputs.append(var)
        self.specs.append((role, ndim, taps))
        return var

    def case(self, rng: np.random.Generator) -> list:
        """Arguments for one call."""
        k = int(rng.choice([1, 2, 3, 4]))
        wrong = int(rng.integers(len(self.inputs))) if self.inputs and rng.random() < 0.04 else -1
        args = []
        for i, (role, ndim, taps) in enumerate(self.specs):
            dims = [k + (i == wrong)] * ndim
            if role == "seq":
                dims[0] = int(rng.choice(LENGTHS))
            elif role == "init" and taps != [-1]:
                window = -min(taps)
                dims[0] = window + int(rng.choice([0, 0, 0, 0, 1, 2, -1] if rng.random() < 0.1 else [0]))
            elif role == "n_steps":
                n_steps = -1 if rng.random() < 0.03 else int(rng.choice(LENGTHS))
                args.append(np.asarray(n_steps, self.inputs[i].dtype))
                continue
            if self.flt:  # 2-d values scaled by 1/K: h . W stays non-expanding
                scale = 1 / k if ndim - (role == "seq") == 2 else 1
                args.append((rng.uniform(-1, 1, dims) * scale).astype(self.dtype))
            else:
                args.append(rng.integers(-20, 21, dims).astype(self.dtype))
        return args

    def gradients(self) -> tuple:
        """(cost, its gradients): the sum of the outputs, differentiated with
        respect to the float inputs (NotImplementedError where a form of scan
        has no gradient yet)."""
        pt = self.library.pt
        cost = sum(pt.sum(out) for out in self.outputs)
        return cost, self.library.pytensor.grad(cost, self.float_inputs(), disconnected_inputs="ignore")

    def float_inputs(self) -> list:
        return [v for v in self.inputs if v.dtype == self.dtype]

    def reset_shared(self) -> None:
        for var, start in self.shared:
            var.set_value(start)

    def shared_values(self) -> list:
        return [var.get_value() for var, _ in self.shared]

    # -- expressions -----------------------------------------------------------
    def const(self):
        pt = self.library.pt
        r = self.r
        return pt.constant(r.choice([0.5, -0.25, 1.5, 2.0, -1.0, 0.75]) if self.flt
                           else r.choice([1, 2, 3, -2, 5, 7]), dtype=self.dtype)

    def leaf(self, kind: str):
        pool = self.pools[kind]
        if kind == "s" and (not pool or self.r.random() < 0.2):
            return self.const()
        return self.r.choice(pool)

    def available(self, kind: str) -> bool:
        return bool(self.pools[kind]) or kind == "s" or kind == "m" and bool(self.pools["v"])

    def any_kind(self, kinds: str) -> str:
        return self.r.choice([k for k in kinds if self.available(k)] or ["s"])

    def expr(self, kind: str, depth: int):
        """A random expression of `kind` over the pools, about `depth` deep."""
        pt = self.library.pt
        r = self.r
        if depth <= 0 or r.random() < 0.2:
            if self.pools[kind] or kind == "s":
                return self.leaf(kind)
            if depth <= 0 and kind == "m":  # a matrix from vectors
                return pt.outer(self.expr("v", 0), self.expr("v", 0))
        d = depth - 1
        v, m = self.available("v"), self.available("m")
        builders = {
            "s": [lambda: self.binary(self.expr("s", d), self.expr("s", d)),
                  lambda: self.unary(self.expr("s", d)),
                  lambda: self.switch("s", d)]
            + (v and [lambda: self.reduce(self.expr("v", d)),
                      lambda: self.expr("v", d)[r.choice([0, -1, 0, 1])],
                      lambda: pt.dot(self.expr("v", d), self.expr("v", d)),
                      lambda: pt.cast(pt.argmax(self.expr("v", d)), self.dtype),
                      lambda: self.expr("v", d)[r.choice([slice(1, None), slice(None, None, 2),
                                                          slice(-2, None), slice(None, None, -1)])].sum(),
                      lambda: self.nested("s", d)] or [])
            + (m and [lambda: self.reduce(self.expr("m", d))] or [])
            + (self.rng is not None and [self.draw] or []),
            "v": [lambda: self.binary(self.expr("v", d), self.expr(self.any_kind("sv"), d)),
                  lambda: self.binary(self.expr("s", d), self.expr("v", d)),
                  lambda: self.unary(self.expr("v", d)),
                  lambda: self.switch("v", d),
                  lambda: self.expr("v", d)[::-1],
                  lambda: self.subtensor(self.expr("v", d), self.expr("s", d)),
                  lambda: self.nested("v", d),
                  lambda: pt.alloc(self.expr("s", d), self.library.length(self.leaf("v"))),
                  lambda: pt.cast(pt.arange(self.library.length(self.leaf("v"))), self.dtype)]
            + (m and [lambda: pt.dot(self.expr("v", d), self.expr("m", d)),
                      lambda: pt.dot(self.expr("m", d), self.expr("v", d)),
                      lambda: self.reduce(self.expr("m", d), axis=r.choice([0, 1]))] or []),
            "m": [lambda: self.binary(self.expr("m", d), self.expr(self.any_kind("svm"), d)),
                  lambda: self.expr("m", d).T,
                  lambda: self.expr("m", d)[::-1]]
            + (self.pools["v"] and [lambda: pt.outer(self.expr("v", d), self.expr("v", d))] or []),
        }[kind]
        return r.choice(builders)()

    def binary(self, a, b):
        pt = self.library.pt
        r = self.r
        if self.flt:
            op = r.choice(["add", "sub", "mul", "max", "min", "div"])
        else:
            op = r.choice(["add", "sub", "mul", "max", "min", "floordiv", "mod", "and", "xor"])
        if r.random() < 0.5:
            a, b = b, a
        big = a if a.ndim >= b.ndim else b  # keeps the shape when dividing by a constant
        return {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
                "max": lambda: pt.maximum(a, b), "min": lambda: pt.minimum(a, b),
                "div": lambda: a / (pt.constant(1.5, dtype=self.dtype) + abs(b)),
                "floordiv": lambda: a // b if r.random() < 0.5 else big // self.const(),
                "mod": lambda: a % b if r.random() < 0.5 else big % self.const(),
                "and": lambda: a & b, "xor": lambda: a ^ b}[op]()

    def unary(self, a):
        pt = self.library.pt
        r = self.r
        if not self.flt:
            return r.choice([lambda: -a, lambda: abs(a), lambda: a % self.const(),
                             lambda: pt.cast(pt.cast(a, "float64") * 0.5, "int64")])()
        return r.choice([lambda: pt.tanh(a), lambda: -a, lambda: abs(a), lambda: pt.exp(-abs(a)),
                         lambda: pt.sin(a), lambda: pt.cos(a), lambda: pt.sqrt(abs(a) + 1.0),
                         lambda: pt.cast(pt.cast(pt.tanh(a) * 4, "int64"), self.dtype)])()

    def compare(self, a, b):
        pt = self.library.pt
        self.comparisons.append((a, b))
        return self.r.choice([pt.lt, pt.gt, pt.le, pt.ge, pt.eq, pt.neq])(a, b)

    def switch(self, kind: str, d: int):
        pt = self.library.pt
        cond = self.compare(self.expr(kind, d), self.expr("s", d))
        return pt.switch(cond, self.expr(kind, d), self.expr(self.r.choice(["s", kind]), d))

    def reduce(self, x, axis=None):
        pt = self.library.pt
        how = self.r.choice(self.reductions)
        return pt.cast(getattr(x, how)(axis), self.dtype)

    def subtensor(self, x, value):
        pt = self.library.pt
        part = x[self.r.choice([0, -1, slice(1, None), slice(None, None, 2)])]
        return (pt.set_subtensor if self.r.random() < 0.5 else pt.inc_subtensor)(part, value)

    def bound(self, x):
        """Keep a recurrent state bounded: |tanh| <= 1, or ints modulo M."""
        pt = self.library.pt
        if self.flt:
            return pt.tanh(x)
        return pt.cast(x, self.dtype) % pt.constant(self.r.choice([97, 1000, -61]), dtype=self.dtype)

    def draw(self):
        pt = self.library.pt
        r = self.r
        if self.flt:
            sample = r.choice([lambda: pt.random.normal(0.0, 1.0, rng=self.rng),
                               lambda: pt.random.uniform(-1.0, 1.0, rng=self.rng)])()
        else:
            sample = pt.random.integers(-3, 4, rng=self.rng)
        self.draws.append(sample)
        return pt.cast(sample, self.dtype)

    def nested(self, kind: str, d: int):
        """A scan over a vector of the step: a fold (its last state, or all
        states) or a map, reading outer step values as closures."""
        pytensor, pt = self.library.pytensor, self.library.pt
        r = self.r
        vec = self.expr("v", d)
        saved, rng = self.pools, self.rng
        self.pools = {k: list(p) for k, p in saved.items()}
        self.rng = None  # draws only in the outer step, which updates the generator
        fold = r.random() < 0.6

        def inner(a, *state):
            self.pools["s"] = self.pools["s"] + [a, *state]
            body = self.expr("s", r.choice([1, 2]))
            if not fold:
                return pt.cast(body, self.dtype)
            self.nested_states.append(([a, *state], self.bound(body), kind == "v"))
            return self.nested_states[-1][1]

        init = [self.bound(self.expr("s", 1))] if fold else None
        outs = pytensor.scan(inner, sequences=[vec], outputs_info=init,
                             go_backwards=r.random() < 0.3, return_updates=False)
        self.pools, self.rng = saved, rng
        return outs[-1] if kind == "s" else outs

    def uses(self, out) -> list:
        """Ways the function returns a scan output: (name, variable)."""
        pt = self.library.pt
        uses = [("all", out), ("all", out), ("last", out[-1]), ("sum", pt.cast(out.sum(), self.dtype)),
                ("reversed", out[::-1]), ("tail", out[1:])]
        if out.ndim == 2 and "max" in self.reductions:
            uses.append(("max over steps", pt.cast(out.max(axis=0), self.dtype)))
        return uses


def directional_check(program: Program, cost_and_gradients: Callable, args: list,
                      rng: np.random.Generator) -> str | None:
    """Why the gradients at `args` disagree with central differences of the
    cost along a random direction, if they do; None also where the cost
    raises, or where the differences at two step sizes disagree with each
    other (a kink of abs, max, a cast to int, ... within a step)."""
    floats = [i for i, v in enumerate(program.inputs) if v.dtype == program.dtype]
    try:
        cost, *grads = cost_and_gradients(*[a.copy() for a in args])
    except Exception:  # noqa: BLE001 - the forward's errors are test_fuzz's
        return None
    direction = [rng.uniform(-1, 1, args[i].shape) for i in floats]
    slope = sum(float(np.sum(g * d)) for g, d in zip(grads, direction))

    def at(step: float) -> float:
        moved = [a.copy() for a in args]
        for i, d in zip(floats, direction):
            moved[i] = moved[i] + step * d
        return float(cost_and_gradients(*moved)[0])

    found = [(at(eps) - at(-eps)) / (2 * eps) for eps in (1e-5, 1e-6)]
    scale = 1 + abs(float(cost)) * 1e-3 + abs(slope)
    if abs(found[0] - found[1]) > 1e-4 * scale:
        return None  # a kink within a step
    if abs(slope - found[1]) > 1e-5 * scale:
        return f"the gradient gives a slope of {slope!r}, finite differences {found!r}"
    return None
