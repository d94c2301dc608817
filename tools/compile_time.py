"""Where compile time goes: compiles, without the compile cache, the seed
tutorial's functions, an LSTM and a GRU cell scan (bench.py's workloads 8 and
9, and an unbatched LSTM), and synthetic steps of 10 to 300 elementwise ops;
prints per function the median of a few compiles, split into phases: emit,
the xDSL passes (the slowest named), LLVM IR (translation to text), LLVM
parse (parse, verify), LLVM opt, codegen; then the load-independent
sizes: the ops after each pass summed over the pipeline, the largest module,
the lines of LLVM IR. The gradient workloads (a) and (e) of bench.py come
with their forwards: the target is a gradient's compile within 2x its forward's.

    python tools/compile_time.py [--runs 3] [--only lstm,ops100] [--passes]

`--passes` adds a table of every pass's median per function. Also prints
how long `import scanjit` takes in a fresh process.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
os.environ["SCANJIT_CACHE"] = "0"

import scanjit  # noqa: E402
import scanjit.tensor as pt  # noqa: E402

LLVM_PHASES = ("LLVM setup", "LLVM IR", "LLVM parse", "LLVM opt", "codegen")
OPS_IN_STEP = (10, 30, 100, 300)


def tutorial() -> list:
    """The seed tutorial's functions, as its script builds them (its prints discarded)."""
    built = []
    real = scanjit.function

    def recording(*args, **kwargs):
        built.append((args, kwargs))
        return real(*args, **kwargs)

    scanjit.function = recording
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile((ROOT / "examples" / "seed_tutorial.py").read_text(), "seed_tutorial.py", "exec"), {})
    finally:
        scanjit.function = real
    return built


def lstm_cell(n_in: int = 16, hidden: int = 32):
    """An unbatched LSTM cell over a sequence of vectors."""
    X, h0, c0 = pt.dmatrix("X"), pt.dvector("h0"), pt.dvector("c0")
    W, U, b = pt.dmatrix("W"), pt.dmatrix("U"), pt.dvector("b")

    def step(x, h, c, W, U, b):
        z = pt.dot(x, W) + pt.dot(h, U) + b
        i, f, o = (pt.sigmoid(z[k * hidden:(k + 1) * hidden]) for k in range(3))
        c = f * c + i * pt.tanh(z[3 * hidden:])
        return o * pt.tanh(c), c

    h, c = scanjit.scan(step, sequences=[X], outputs_info=[h0, c0], non_sequences=[W, U, b], return_updates=False)
    return ([X, h0, c0, W, U, b], [h, c]), {}


def ops_step(count: int):
    """A scan whose step is a chain of `count` elementwise ops on vectors."""
    X, h0 = pt.dmatrix("X"), pt.dvector("h0")
    kinds = (lambda y, x, h: y * x, lambda y, x, h: y + h, lambda y, x, h: pt.tanh(y), lambda y, x, h: y - x)

    def step(x, h):
        y = h
        for k in range(count):
            y = kinds[k % len(kinds)](y, x, h)
        return y

    out = scanjit.scan(step, sequences=[X], outputs_info=[h0], return_updates=False)
    return ([X, h0], out), {}


def bench_workload(number: int, forward: bool = False):
    """bench.py's workload `number` (of a gradient workload, its value alone for `forward`)."""
    import bench

    build = bench.WORKLOADS[number][1]
    built = (build.forward if forward else build)(scanjit, pt, 10)
    return (built[0], built[1]), {"updates": built[3] if len(built) > 3 else None}


def functions() -> dict:
    """name -> (args, kwargs) of scanjit.function."""
    named = {f"tutorial{k + 1}": call for k, call in enumerate(tutorial())}
    named["lstm-cell"] = lstm_cell()
    named["lstm-batch (bench 8)"] = bench_workload(8)
    named["gru-batch (bench 9)"] = bench_workload(9)
    for number, name in ((10, "rnn"), (14, "gru-loglik")):
        named[f"{name}-forward (bench {number})"] = bench_workload(number, forward=True)
        named[f"{name}-grad (bench {number})"] = bench_workload(number)
    named.update({f"ops{n}": ops_step(n) for n in OPS_IN_STEP})
    return named


def measure(args, kwargs, runs: int) -> tuple[dict[str, float], object]:
    """Median seconds per phase, 'total' and 'CPU' (the process's CPU time,
    less disturbed by other jobs on a shared machine) over `runs` compiles."""
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        f = scanjit.function(*args, **kwargs)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
        for name, seconds in {**f.compiled.timings, "total": total, "CPU": cpu}.items():
            samples.setdefault(name, []).append(seconds)
    return {name: statistics.median(values) for name, values in samples.items()}, f


def op_counts(f) -> tuple[int, int, int]:
    """Load-independent sizes: the ops of the module after each pass summed
    over the pipeline (xDSL's cost is about proportional), the largest
    module, and the lines of LLVM IR given to LLVM."""
    from xdsl.parser import Parser

    from scanjit.driver.pipeline import context, lower

    sizes = []
    lower(Parser(context(), str(f.emitted)).parse_module(),
          after_pass=lambda name, module: sizes.append(sum(1 for _ in module.walk())))
    return sum(sizes), max(sizes), f.compiled.llvm_ir.count("\n")


def import_time(runs: int) -> float:
    code = "import time; t = time.perf_counter(); import scanjit; print(time.perf_counter() - t)"
    return statistics.median(float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                                  text=True, check=True).stdout) for _ in range(runs))


def ms(seconds: float) -> str:
    return f"{1e3 * seconds:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="compiles per function (the median is shown)")
    parser.add_argument("--only", help="comma-separated name prefixes, e.g. lstm,ops100")
    parser.add_argument("--passes", action="store_true", help="also every pass's time per function")
    options = parser.parse_args(argv)

    named = functions()
    if options.only:
        prefixes = options.only.split(",")
        named = {k: v for k, v in named.items() if k.startswith(tuple(prefixes))}
    scanjit.function(*ops_step(1)[0])  # the first compile loads xDSL and LLVM: not counted

    print(f"`import scanjit`: {ms(import_time(options.runs))} ms (median of {options.runs} fresh processes)\n")
    measured = {name: measure(args, kwargs, options.runs) for name, (args, kwargs) in named.items()}
    results = {name: t for name, (t, f) in measured.items()}
    print("| function | total | CPU | emit | passes (slowest) | " + " | ".join(LLVM_PHASES[1:]) + " |")
    print("| --- " * (5 + len(LLVM_PHASES) - 1) + "|")
    for name, t in results.items():
        passes = {p: s for p, s in t.items() if p not in (*LLVM_PHASES, "emit", "total", "CPU", "imports")}
        slowest = sorted(passes, key=passes.get, reverse=True)[:3]
        detail = ", ".join(f"{p} {ms(passes[p])}" for p in slowest)
        print(f"| {name} | {ms(t['total'])} | {ms(t['CPU'])} | {ms(t.get('emit', 0))} | {ms(sum(passes.values()))} ({detail}) | "
              + " | ".join(ms(t.get(phase, 0)) for phase in LLVM_PHASES[1:]) + " |")
    print("\n| function | ops summed over the passes | largest module (ops) | LLVM IR lines |")
    print("| --- | --- | --- | --- |")
    for name, (t, f) in measured.items():
        print(f"| {name} | " + " | ".join(map(str, op_counts(f))) + " |")
    if options.passes:
        from scanjit.passes import PIPELINE

        print("\n| pass | " + " | ".join(results) + " |")
        print("| --- " * (1 + len(results)) + "|")
        for p in PIPELINE:
            print(f"| {p} | " + " | ".join(ms(t.get(p, 0)) for t in results.values()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
