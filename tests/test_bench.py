"""`scanjit bench` runs and reports every timing it can, with notes for the
peers that are not installed (no assertion on times: benchmarks are not tests)."""

import importlib.util
import json
import subprocess
import sys


def test_bench_runs_one_workload_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([sys.executable, "-m", "scanjit.tools.cli", "bench", "--only", "6", "--quick",
                          "--json", str(out)], capture_output=True, text=True, check=True)
    assert "| 6 | Example 1, 5 elements" in run.stdout
    (row,) = json.loads(out.read_text())["rows"]
    assert row["times"]["scanjit"] > 0 and row["times"]["NumPy"] > 0
    assert row["cold_compile_s"] > 0 and row["warm_compile_s"] > 0
    notes = " ".join(row["notes"])
    for peer, module, name in (("numba loop", "numba", "numba"), ("JAX", "jax", "JAX")):
        installed = importlib.util.find_spec(module) is not None
        assert (peer in row["times"]) == installed
        assert (f"{name} not installed" in notes) != installed


def test_a_gradient_cold_compile_is_compared_with_its_forward_in_pairs():
    import re
    from scanjit.tools import bench

    size = bench.WORKLOADS[13][3]
    first = bench.compile_times(13, size, warm=False)
    assert len(first) == 2 and first[1] > 0  # import and cold compile: no warm run asked
    note = bench.cold_compile_ratio(13, size, first[1], 2)
    median, low, high = map(float, re.fullmatch(r"cold compile = ([\d.]+)x forward's \(median of 2: "
                                                r"([\d.]+)-([\d.]+)\)", note).groups())
    assert 0 < low <= median <= high


def test_peers_are_timed_in_interleaved_rounds(monkeypatch):
    """Each round samples every callable in turn (after a pause for thread
    pools to stop spinning), so that a change in load moves them all alike."""
    import itertools
    import time
    from scanjit.tools import bench

    monkeypatch.setattr(bench, "SETTLE", 0.0)
    calls = []

    def timed(label):
        return lambda: (calls.append(label), time.sleep(0.002))

    times = bench.median_times({"a": (timed("a"), ()), "b": (timed("b"), ())}, 0.02)
    assert set(times) == {"a", "b"} and all(t >= 0.002 for t in times.values())
    turns = [label for label, _ in itertools.groupby(calls)]
    assert turns[:2] == ["a", "b"] and len(turns) == 2 + 2 * 10  # the warm-up, then 10 rounds
    assert all(x != y for x, y in zip(turns, turns[1:]))
