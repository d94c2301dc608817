"""Benchmarks: scanjit against NumPy, numba, PyTensor (C and numba modes) and
JAX on scan workloads and the value and gradient of some, in one run; peers that are not installed are
skipped with a note (`pip install -e .[bench]`).

    python tools/bench.py [--quick] [--json bench.json] [--only 1,2]

Prints a Markdown table of median run times, the ratio of each peer to
scanjit (> 1: scanjit is faster), and scanjit's compile times in a fresh
process with an empty cache (cold) and a filled cache (warm).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np

# -- workloads: each builds its graph with a PyTensor-like module pair --------


def running_sum(pytensor, pt, size):
    M, s = pt.dmatrix("M"), pt.dvector("s")
    out, _ = pytensor.scan(lambda row, acc: row + acc, sequences=[M], outputs_info=[s])
    rng = np.random.default_rng(0)
    return [M, s], out, (rng.normal(size=(size, 8)), np.zeros(8))


def rnn(pytensor, pt, size):
    X, h0, W, U, b = pt.dmatrix("X"), pt.dvector("h0"), pt.dmatrix("W"), pt.dmatrix("U"), pt.dvector("b")
    h, _ = pytensor.scan(lambda x, h, W, U, b: pt.tanh(x @ W + h @ U + b), sequences=[X],
                         outputs_info=[h0], non_sequences=[W, U, b])
    rng = np.random.default_rng(0)
    H = 64
    return [X, h0, W, U, b], h, (rng.normal(size=(size, H)), np.zeros(H), rng.normal(size=(H, H)) * 0.1,
                                 rng.normal(size=(H, H)) * 0.1, np.zeros(H))


def linear_recurrence(pytensor, pt, size):
    init, n = pt.dvector("init"), pt.lscalar("n")
    out, _ = pytensor.scan(lambda a, b: 0.5 * a + 0.4 * b,
                           outputs_info=[dict(initial=init, taps=[-2, -1])], n_steps=n)
    return [init, n], out, (np.array([1.0, 1.0]), size)


def polynomial(pytensor, pt, size):
    c, x = pt.dvector("c"), pt.dscalar("x")
    comps, _ = pytensor.scan(lambda coeff, power, x: coeff * x ** power,
                             sequences=[c, pt.arange(size)], non_sequences=x)
    return [c, x], comps.sum(), (np.random.default_rng(0).normal(size=size), 0.999)


def sampling(pytensor, pt, size):
    rng = pytensor.shared(np.random.default_rng(0))
    p = pt.dvector("p")

    def step(p, rng):
        nxt, onehot = pt.random.multinomial(n=1, p=p, rng=rng).owner.outputs
        idx = onehot.argmax()
        new_p = pt.set_subtensor(p[idx], 0.0)
        return (new_p / new_p.sum(), idx), {rng: nxt}

    (_, samples), updates = pytensor.scan(step, outputs_info=[p, None], non_sequences=[rng], n_steps=size // 2)
    return [p], samples, (np.full(size, 1.0 / size),), updates


def elementwise(pytensor, pt, size):
    v1, v2 = pt.dvector("v1"), pt.dvector("v2")
    out, _ = pytensor.scan(lambda a, b: a * b, sequences=[v1, v2])
    rng = np.random.default_rng(0)
    return [v1, v2], out, (rng.normal(size=size), rng.normal(size=size))


def moving_average(pytensor, pt, size):
    """An exponential moving average of `size` series over 1000 steps: the
    state's columns are independent (they run in blocks on every core)."""
    X, s0, a = pt.dmatrix("X"), pt.dvector("s0"), pt.dscalar("a")
    out, _ = pytensor.scan(lambda x, s, a: a * x + (1 - a) * s, sequences=[X], outputs_info=[s0], non_sequences=[a])
    rng = np.random.default_rng(0)
    return [X, s0, a], out, (rng.normal(size=(1000, size)), np.zeros(size), 0.1)


BATCH, HIDDEN, CLASSES = 32, 128, 8


def _lstm_step(pt, H):
    def step(x, h, c, W, U, b):
        z = pt.dot(x, W) + pt.dot(h, U) + b
        i, f, o = (pt.sigmoid(z[:, k * H:(k + 1) * H]) for k in range(3))
        c = f * c + i * pt.tanh(z[:, 3 * H:])
        return o * pt.tanh(c), c
    return step


def _gru_step(pt, H):
    def step(x, h, W, U, b):
        zr = pt.sigmoid(pt.dot(x, W[:, :2 * H]) + pt.dot(h, U[:, :2 * H]) + b[:2 * H])
        z, r = zr[:, :H], zr[:, H:]
        candidate = pt.tanh(pt.dot(x, W[:, 2 * H:]) + pt.dot(r * h, U[:, 2 * H:]) + b[2 * H:])
        return (1 - z) * h + z * candidate
    return step


def batched_cell(pytensor, pt, size, gates, lstm):
    """A batch of BATCH sequences of length `size` through a cell with HIDDEN
    units (a matrix-matrix product per step); the hidden states."""
    X, h0, W, U, b = pt.tensor3("X"), pt.dmatrix("h0"), pt.dmatrix("W"), pt.dmatrix("U"), pt.dvector("b")
    if lstm:
        c0 = pt.dmatrix("c0")
        (h, _), _ = pytensor.scan(_lstm_step(pt, HIDDEN), sequences=[X], outputs_info=[h0, c0],
                                  non_sequences=[W, U, b])
        inputs = [X, h0, c0, W, U, b]
    else:
        h, _ = pytensor.scan(_gru_step(pt, HIDDEN), sequences=[X], outputs_info=[h0], non_sequences=[W, U, b])
        inputs = [X, h0, W, U, b]
    rng = np.random.default_rng(0)
    state = [np.zeros((BATCH, HIDDEN))] * (2 if lstm else 1)
    weights = [rng.normal(size=(HIDDEN, gates * HIDDEN)) * 0.1 for _ in range(2)]
    return inputs, h, (rng.normal(size=(size, BATCH, HIDDEN)), *state, *weights, np.zeros(gates * HIDDEN))


def lstm(pytensor, pt, size):
    inputs, h, args = batched_cell(pytensor, pt, size, 4, lstm=True)
    return inputs, h[-1], args


def gru(pytensor, pt, size):
    inputs, h, args = batched_cell(pytensor, pt, size, 3, lstm=False)
    return inputs, h[-1], args


def log_likelihood_gru(pytensor, pt, size):
    """The GRU of workload 9 with a softmax read-out: the log-likelihood of
    one-hot targets Y, summed over steps and the batch."""
    inputs, h, args = batched_cell(pytensor, pt, size, 3, lstm=False)
    V, Y = pt.dmatrix("V"), pt.tensor3("Y")
    cost = (pt.special.log_softmax(pt.dot(h, V), axis=-1) * Y).sum()
    rng = np.random.default_rng(1)
    targets = np.eye(CLASSES)[rng.integers(0, CLASSES, size=(size, BATCH))]
    return [*inputs, V, Y], cost, (*args, rng.normal(size=(HIDDEN, CLASSES)) * 0.1, targets)


def with_gradient(build, wrt: list[int], cost=lambda out: out.sum()):
    """Workload builder: the value and the gradient of `cost(outputs)` of
    `build` with respect to its inputs numbered `wrt`."""
    def value_and_grad(pytensor, pt, size):
        inputs, outputs, args = build(pytensor, pt, size)[:3]
        value = cost(outputs)
        return inputs, [value, *pytensor.grad(value, [inputs[k] for k in wrt])], args
    value_and_grad.wrt = wrt
    value_and_grad.forward = lambda pytensor, pt, size: _value_only(build, cost, pytensor, pt, size)
    return value_and_grad


def _value_only(build, cost, pytensor, pt, size):
    inputs, outputs, args = build(pytensor, pt, size)[:3]
    return inputs, cost(outputs), args


WORKLOADS = {  # number: (title, builder, full size, quick size)
    1: ("running sum (T, 8)", running_sum, 100_000, 10_000),
    2: ("RNN tanh, H=64", rnn, 1000, 200),
    3: ("recurrence taps [-2,-1]", linear_recurrence, 1_000_000, 100_000),
    4: ("polynomial", polynomial, 10_000, 10_000),
    5: ("sample k of n w/o replacement", sampling, 1000, 200),
    6: ("Example 1, 5 elements (call overhead)", elementwise, 5, 5),
    7: ("elementwise product", elementwise, 1_000_000, 100_000),
    8: (f"LSTM, batch {BATCH}, H={HIDDEN}", lstm, 100, 20),
    9: (f"GRU, batch {BATCH}, H={HIDDEN}", gru, 100, 20),
    # value and gradient (issue 17's workloads a-e); "forward" is the value alone
    10: ("(a) grad RNN wrt W, U, b, h0", with_gradient(rnn, [2, 3, 4, 1]), 1000, 200),
    11: ("(b) grad running sum wrt M", with_gradient(running_sum, [0]), 100_000, 10_000),
    12: ("(c) grad taps recurrence wrt init", with_gradient(linear_recurrence, [0]), 1_000_000, 100_000),
    13: ("(d) grad polynomial wrt c, x", with_gradient(polynomial, [0, 1], cost=lambda out: out), 10_000, 10_000),
    14: (f"(e) grad GRU log-lik., batch {BATCH}", with_gradient(log_likelihood_gru, [2, 3, 4, 5],
                                                                 cost=lambda out: out), 100, 20),
    15: ("moving average of many series (1000, N)", moving_average, 100_000, 10_000),
}

# -- peers: plain Python callables on the same NumPy arguments ---------------


def numpy_peer(number):
    if number == 1:
        return lambda M, s: np.cumsum(M, axis=0) + s
    if number == 4:
        return lambda c, x: float((c * x ** np.arange(len(c))).sum())
    if number in (6, 7):
        return lambda a, b: a * b
    if number == 15:
        def run(X, s, a):
            out = np.empty_like(X)
            for t in range(len(X)):
                s = a * X[t] + (1 - a) * s
                out[t] = s
            return out
        return run
    if number == 2:
        def run(X, h, W, U, b):
            out = np.empty_like(X)
            for t in range(len(X)):
                h = np.tanh(X[t] @ W + h @ U + b)
                out[t] = h
            return out
        return run
    if number in (8, 9):
        class Np:  # the cell steps' pt.dot/sigmoid/tanh, from NumPy
            dot, tanh = staticmethod(np.dot), staticmethod(np.tanh)
            sigmoid = staticmethod(lambda v: 1 / (1 + np.exp(-v)))
        step = (_lstm_step if number == 8 else _gru_step)(Np, HIDDEN)

        def run(X, *rest):
            state, weights = list(rest[:2 if number == 8 else 1]), rest[2 if number == 8 else 1:]
            for x in X:
                out = step(x, *state, *weights)
                state = list(out) if number == 8 else [out]
            return state[0]
        return run
    if number == 5:
        def run(p):
            g, p, out = np.random.default_rng(0), p.copy(), []
            for _ in range(len(p) // 2):
                i = int(np.argmax(g.multinomial(1, p)))
                out.append(i)
                p[i] = 0.0
                p /= p.sum()
            return out
        return run
    return None


def numba_peer(number):
    import numba

    if number == 1:
        @numba.njit(cache=False)
        def run(M, s):
            out = np.empty_like(M)
            acc = s.copy()
            for t in range(M.shape[0]):
                acc += M[t]
                out[t] = acc
            return out
        return run
    if number == 2:
        @numba.njit
        def run(X, h, W, U, b):
            out = np.empty_like(X)
            for t in range(X.shape[0]):
                h = np.tanh(X[t] @ W + h @ U + b)
                out[t] = h
            return out
        return run
    if number == 3:
        @numba.njit
        def run(init, n):
            out = np.empty(n + 2)
            out[:2] = init
            for t in range(n):
                out[t + 2] = 0.5 * out[t] + 0.4 * out[t + 1]
            return out[2:]
        return run
    if number == 4:
        @numba.njit
        def run(c, x):
            total = 0.0
            for i in range(c.shape[0]):
                total += c[i] * x ** i
            return total
        return run
    if number == 15:
        @numba.njit
        def run(X, s, a):
            out = np.empty_like(X)
            for t in range(X.shape[0]):
                for j in range(X.shape[1]):
                    s[j] = a * X[t, j] + (1 - a) * s[j]
                    out[t, j] = s[j]
            return out
        return lambda X, s, a: run(X, s.copy(), a)
    if number in (6, 7):
        @numba.njit
        def run(a, b):
            out = np.empty(min(a.shape[0], b.shape[0]))
            for i in range(out.shape[0]):
                out[i] = a[i] * b[i]
            return out
        return run
    return None


def median_times(runs: dict[str, tuple[Callable, tuple]], budget: float) -> dict[str, float]:
    """Median seconds per call of each `fn(*args)` in `runs`, their samples
    interleaved: each round takes one sample of every one in turn, so that a
    change in the machine's load moves them all alike and the ratios stay
    fair. A sample repeats a call for about `budget` / 10 seconds, after a
    pause of SETTLE seconds in which the last one's thread pools (OpenBLAS's,
    XLA's, ours) stop spinning: on 2 cores a pool that still spins took a core
    from the next sample (the LSTM's scanjit time went from 26 to 40 ms)."""
    length = budget / 10
    inner = {}
    for label, (fn, args) in runs.items():
        fn(*args)
        start = time.perf_counter()
        fn(*args)
        inner[label] = max(1, int(length / max(time.perf_counter() - start, 1e-7)))
    samples: dict[str, list[float]] = {label: [] for label in runs}
    while min(map(len, samples.values())) < 10:
        for label, (fn, args) in runs.items():
            time.sleep(SETTLE)
            start = time.perf_counter()
            for _ in range(inner[label]):
                fn(*args)
            samples[label].append((time.perf_counter() - start) / inner[label])
    return {label: float(np.median(times)) for label, times in samples.items()}


def on_one_thread(fn: Callable) -> Callable:
    """`fn` run with scanjit's parallel loops on the calling thread only."""
    from scanjit import runtime
    from scanjit.runtime.threads import default_threads

    def run(*args):
        runtime.set_threads(1)
        try:
            return fn(*args)
        finally:
            runtime.set_threads(default_threads())
    return run


# Seconds for thread pools to stop spinning (OpenBLAS spins about 2^28 cycles).
SETTLE = 0.2


COMPILE_SCRIPT = """
import sys, time
t0 = time.perf_counter()
import scanjit, scanjit.tensor as pt
sys.path.insert(0, {tools!r})
import bench
t1 = time.perf_counter()
build = bench.WORKLOADS[{number}][1]
built = (build.forward if {forward} else build)(scanjit, pt, {size})
inputs, outputs = built[0], built[1]
updates = built[3] if len(built) > 3 else None
t2 = time.perf_counter()
scanjit.function(inputs, outputs, updates=updates)
print(t1 - t0, time.perf_counter() - t2)
"""


def compile_times(number: int, size: int, forward: bool = False, warm: bool = True) -> tuple[float, ...]:
    """(import, cold compile, warm compile) seconds, each in a fresh process
    (no warm compile unless `warm`); of the value alone for `forward` of a
    gradient workload."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, SCANJIT_CACHE_DIR=cache)
        script = COMPILE_SCRIPT.format(tools=os.path.dirname(os.path.abspath(__file__)),
                                       number=number, size=size, forward=forward)
        runs = [[float(t) for t in subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                                                  text=True, check=True).stdout.split()]
                for _ in range(2 if warm else 1)]
    return (*runs[0], *(runs[1][1:] if warm else ()))


# A single cold compile varies by up to 25% on a loaded 2-core machine: a
# gradient's against its forward's is the median of this many pairs of
# fresh processes, run alternately.
COMPILE_PAIRS = 5


def cold_compile_ratio(number: int, size: int, first: float, pairs: int) -> str:
    """The note comparing a gradient workload's cold compile (`first`, the
    first pair's) with its forward's: the median ratio of `pairs` pairs, and their range."""
    ratios = []
    for k in range(pairs):
        gradient = first if k == 0 else compile_times(number, size, warm=False)[1]
        ratios.append(gradient / compile_times(number, size, forward=True, warm=False)[1])
    ratios.sort()
    spread = f" (median of {pairs}: {ratios[0]:.2f}-{ratios[-1]:.2f})" if pairs > 1 else ""
    return f"cold compile = {ratios[len(ratios) // 2]:.2f}x forward's{spread}"


def pytensor_peers(number, size):
    """PyTensor's C (cvm) and numba modes, compiling the same graph."""
    import pytensor
    import pytensor.tensor as ptt
    from pytensor.compile.mode import Mode

    built = WORKLOADS[number][1](pytensor, ptt, size)
    inputs, outputs, args = built[:3]
    updates = built[3] if len(built) > 3 else None
    peers = {}
    for label, mode in (("PyTensor C", Mode(linker="cvm")), ("PyTensor numba", "NUMBA")):
        try:
            fn = pytensor.function(inputs, outputs, updates=updates, mode=mode)
            peers[label] = (fn, args)
        except Exception as error:  # a mode that cannot compile this graph
            peers[label] = f"fails: {type(error).__name__}"
    return peers


def jax_peer(number):
    """The JAX program, waiting for its result (JAX dispatches asynchronously)."""
    import jax

    program = _jax_program(jax, number)
    return None if program is None else lambda *args: jax.block_until_ready(program(*args))


def _jax_program(jax, number):
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    if number == 1:
        return jax.jit(lambda M, s: jax.lax.scan(lambda acc, row: (acc + row, acc + row), s, M)[1])
    if number == 2:
        def run(X, h, W, U, b):
            def step(h, x):
                h = jnp.tanh(x @ W + h @ U + b)
                return h, h
            return jax.lax.scan(step, h, X)[1]
        return jax.jit(run)
    if number == 3:  # XLA flushes subnormals to zero on CPU
        return jax.jit(lambda init, n: _jax_taps(jax.lax, init, n), static_argnums=1)
    if number == 15:
        return jax.jit(lambda X, s, a: jax.lax.scan(lambda s, x: (a * x + (1 - a) * s,) * 2, s, X)[1])
    if number in (6, 7):
        return jax.jit(lambda a, b: jax.lax.scan(lambda c, ab: (c, ab[0] * ab[1]), 0.0, (a, b))[1])
    if number in (8, 9):
        return _jax_cell(jax, jnp, lstm=number == 8)
    if hasattr(WORKLOADS[number][1], "wrt"):
        return jax_value_and_grad(jax, jnp, number)
    return None


def _jax_taps(lax, init, n):
    """Workload 3's recurrence 0.5·a[t-2] + 0.4·a[t-1], n steps from init."""
    def step(ab, _):
        new = 0.5 * ab[0] + 0.4 * ab[1]
        return (ab[1], new), new
    return lax.scan(step, (init[0], init[1]), None, length=n)[1]


def jax_value_and_grad(jax, jnp, number):
    """jax.value_and_grad of the lax.scan program of workloads 10-14."""
    lax = jax.lax
    if number == 10:
        def value(X, h, W, U, b):
            return lax.scan(lambda h, x: (jnp.tanh(x @ W + h @ U + b),) * 2, h, X)[1].sum()
    elif number == 11:
        def value(M, s):
            return lax.scan(lambda acc, row: (acc + row,) * 2, s, M)[1].sum()
    elif number == 12:
        def value(init, n):
            return _jax_taps(lax, init, n).sum()
        return jax.jit(jax.value_and_grad(value, argnums=tuple(WORKLOADS[number][1].wrt)), static_argnums=1)
    elif number == 13:
        def value(c, x):
            return lax.scan(lambda _, cp: (None, cp[0] * x ** cp[1]), None, (c, jnp.arange(len(c))))[1].sum()
    else:
        class Jnp:  # the GRU step's pt.dot/sigmoid/tanh, from JAX
            dot, tanh, sigmoid = staticmethod(jnp.dot), staticmethod(jnp.tanh), staticmethod(jax.nn.sigmoid)
        step = _gru_step(Jnp, HIDDEN)

        def value(X, h, W, U, b, V, Y):
            hs = lax.scan(lambda h, x: (step(x, h, W, U, b),) * 2, h, X)[1]
            return (jax.nn.log_softmax(hs @ V, axis=-1) * Y).sum()
    return jax.jit(jax.value_and_grad(value, argnums=tuple(WORKLOADS[number][1].wrt)))


def _jax_cell(jax, jnp, lstm: bool):
    class Jnp:  # the cell steps' pt.dot/sigmoid/tanh, from JAX
        dot, tanh, sigmoid = staticmethod(jnp.dot), staticmethod(jnp.tanh), staticmethod(jax.nn.sigmoid)

    if lstm:
        step = _lstm_step(Jnp, HIDDEN)

        def run(X, h, c, W, U, b):
            return jax.lax.scan(lambda hc, x: (step(x, *hc, W, U, b), None), (h, c), X)[0][0]
    else:
        step = _gru_step(Jnp, HIDDEN)

        def run(X, h, W, U, b):
            return jax.lax.scan(lambda h, x: (step(x, h, W, U, b), None), h, X)[0]
    return jax.jit(run)


def run(numbers: list[int], quick: bool) -> list[dict]:
    import scanjit
    import scanjit.tensor as pt

    rows = []
    budget = 0.3 if quick else 1.0
    have = {name: importlib.util.find_spec(name) is not None for name in ("numba", "pytensor", "jax")}
    for number in numbers:
        title, build, full, small = WORKLOADS[number]
        size = small if quick else full
        built = build(scanjit, pt, size)
        inputs, outputs, args = built[:3]
        updates = built[3] if len(built) > 3 else None
        fn = scanjit.function(inputs, outputs, updates=updates)
        row = {"workload": number, "title": title, "size": size, "notes": []}
        runs = {"scanjit": (fn, args)}
        if hasattr(build, "forward"):  # value and gradient against the value alone
            runs["forward"] = (scanjit.function(*build.forward(scanjit, pt, size)[:2]), args)
        if number == 3:  # it decays into subnormals: also timed with them flushed to zero
            runs["scanjit flush_denormals"] = (
                scanjit.function(inputs, outputs, updates=updates, flush_denormals=True), args)
        if number == 15:  # its columns run in blocks, one per thread: also timed on one thread
            runs["scanjit 1 thread"] = (on_one_thread(fn), args)
        peers: dict[str, object] = {"NumPy": numpy_peer(number)}
        if hasattr(build, "forward"):
            row["notes"].append("numba cannot differentiate")
        elif have["numba"]:
            peers["numba loop"] = numba_peer(number)
        else:
            row["notes"].append("numba not installed")
        if have["jax"]:
            peers["JAX"] = jax_peer(number)
        else:
            row["notes"].append("JAX not installed")
        runs.update((label, (peer, args)) for label, peer in peers.items() if peer is not None)
        if have["pytensor"]:
            for label, peer in pytensor_peers(number, size).items():
                if isinstance(peer, str):
                    row["notes"].append(f"{label} {peer}")
                else:
                    runs[label] = peer
        else:
            row["notes"].append("PyTensor not installed")
        row["times"] = median_times(runs, budget)
        if "forward" in row["times"]:
            row["forward_s"] = row["times"].pop("forward")
            row["notes"].insert(0, f"value+grad = {row['times']['scanjit'] / row['forward_s']:.2f}x forward "
                                   f"({fmt(row['forward_s'])})")
        row["import_s"], row["cold_compile_s"], row["warm_compile_s"] = compile_times(number, size)
        if hasattr(build, "forward"):
            row["notes"].append(cold_compile_ratio(number, size, row["cold_compile_s"], 1 if quick else COMPILE_PAIRS))
        rows.append(row)
        print(f"workload {number} done", file=sys.stderr)
    return rows


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds >= 1e-4 else f"{seconds * 1e6:.2f} µs"


def markdown(rows: list[dict]) -> str:
    peers = sorted({p for r in rows for p in r["times"] if p != "scanjit"})
    head = ["#", "workload", "size", "scanjit", *[f"{p} (ratio)" for p in peers], "cold / warm compile", "notes"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in rows:
        ours = r["times"]["scanjit"]
        cells = [str(r["workload"]), r["title"], str(r["size"]), fmt(ours)]
        for p in peers:
            t = r["times"].get(p)
            cells.append("—" if t is None else f"{fmt(t)} ({t / ours:.2f})")
        cells.append(f"{r['cold_compile_s'] * 1e3:.0f} / {r['warm_compile_s'] * 1e3:.0f} ms")
        cells.append("; ".join(r["notes"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scanjit bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter timing")
    parser.add_argument("--only", default=",".join(map(str, WORKLOADS)), help="workload numbers, e.g. 1,3")
    parser.add_argument("--json", default="bench.json", help="where to write the results")
    args = parser.parse_args(argv)
    rows = run([int(n) for n in args.only.split(",")], args.quick)
    from scanjit.runtime.threads import default_threads

    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"NumPy {np.__version__}; scanjit runs scans without recurrent state, and recurrences whose columns are independent, on "
               f"{default_threads()} thread(s) (SCANJIT_NUM_THREADS)")
    print(f"Machine: {machine}\n")
    print(markdown(rows))
    with open(args.json, "w") as out:
        json.dump({"machine": machine, "rows": rows}, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
