"""Peak memory and time of a scan gradient, plain and checkpointed.

    python tools/checkpoint_memory.py [--steps 100000] [--hidden 64] [--inputs 64] [--repeat 3]

The RNN h_t = tanh(x_t W + h_{t-1} U + b), cost sum(h_T ** 2), value and
gradient with respect to W, U, b and h0. Each variant (scan, scan with
checkpoint=True) runs in its own process: compile, reset the peak resident
size (`/proc/self/clear_refs`), one call; its peak is the growth of VmHWM
over the resident size before the call, i.e. what the compiled code
allocated and touched at most (the inputs are allocated before). Then the
best of `--repeat` calls' times. Linux only."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

VARIANTS = {"plain": False, "checkpoint": True}


def _status(key: str) -> int:
    """A /proc/self/status field in kB."""
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith(key)).split()[1])


def measure(variant: str, steps: int, hidden: int, inputs: int, repeat: int) -> dict:
    import numpy as np

    import scanjit
    import scanjit.tensor as pt

    X, h0, W, U, b = pt.dmatrix("X"), pt.dvector("h0"), pt.dmatrix("W"), pt.dmatrix("U"), pt.dvector("b")
    h = scanjit.scan(lambda x, h, W, U, b: pt.tanh(x @ W + h @ U + b), sequences=[X], outputs_info=[h0],
                     non_sequences=[W, U, b], return_updates=False, checkpoint=VARIANTS[variant])
    cost = (h[-1] ** 2).sum()
    start = time.perf_counter()
    f = scanjit.function([X, h0, W, U, b], [cost, *scanjit.grad(cost, [W, U, b, h0])])
    compile_s = time.perf_counter() - start
    rng = np.random.default_rng(0)
    args = (rng.normal(size=(steps, inputs)), rng.normal(size=hidden) * 0.1, rng.normal(size=(inputs, hidden)) * 0.1,
            rng.normal(size=(hidden, hidden)) * 0.1, np.zeros(hidden))
    with open("/proc/self/clear_refs", "w") as f_refs:
        f_refs.write("5")  # resets VmHWM to the current resident size
    before = _status("VmRSS:")
    results = f(*args)
    peak_kb = _status("VmHWM:") - before
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f(*args)
        times.append(time.perf_counter() - start)
    return {"variant": variant, "peak_mb": peak_kb / 1024, "time_s": min(times), "compile_s": compile_s,
            "cost": float(results[0]), "dW_norm": float(np.linalg.norm(results[1]))}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--inputs", type=int, default=64, help="columns of x_t")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variant", choices=VARIANTS, help="measure one variant in this process")
    args = parser.parse_args(argv)
    sizes = [args.steps, args.hidden, args.inputs, args.repeat]
    if args.variant:
        print(json.dumps(measure(args.variant, *sizes)))
        return
    rows = []
    for variant in VARIANTS:
        command = [sys.executable, __file__, "--variant", variant, "--steps", str(args.steps), "--hidden",
                   str(args.hidden), "--inputs", str(args.inputs), "--repeat", str(args.repeat)]
        rows.append(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    states_mb = args.steps * args.hidden * 8 / 2**20
    print(f"T={args.steps}, H={args.hidden}, x_t of {args.inputs}; one T x H float64 array: {states_mb:.1f} MB")
    for row in rows:
        print(f"{row['variant']:>10}: peak {row['peak_mb']:7.1f} MB, {row['time_s'] * 1e3:8.1f} ms per call, "
              f"compile {row['compile_s']:.1f} s, cost {row['cost']:.6g}, |dW| {row['dW_norm']:.6g}")
    plain, checkpointed = rows
    print(f"checkpointed / plain: memory {checkpointed['peak_mb'] / plain['peak_mb']:.1%}, "
          f"time {checkpointed['time_s'] / plain['time_s']:.2f}x")


if __name__ == "__main__":
    main()
