"""The persistent compile cache: hits run neither the passes nor LLVM, bad entries are
recompiled, SCANJIT_CACHE=0 disables it, concurrent writers are safe."""

import os
import subprocess
import sys

import pytest

SCRIPT = """
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
from scanjit import compiler
ran = []
compiler.lower = lambda *a, _lower=compiler.lower, **k: ran.append("passes") or _lower(*a, **k)
compiler.compile_module = lambda *a, _c=compiler.compile_module: ran.append("llvm") or _c(*a)
M, s = pt.dmatrix("M"), pt.dvector("s")
out, _ = pytensor.scan(lambda row, acc: row + acc, sequences=[M], outputs_info=[s])
f = pytensor.function([M, s], out)
assert (f(np.ones((3, 2)), np.zeros(2))[-1] == 3).all()
print("compiled" if ran == ["passes", "llvm"] else "loaded" if not ran else ran)
"""


# Constants, data in the module (read-only globals): read, and returned as copies.
CONSTANTS = SCRIPT.replace(
    "f = pytensor.function([M, s], out)",
    "c = np.arange(2000.0).reshape(1000, 2)\n"
    "f = pytensor.function([M, s], [out[-1] * pt.constant(c), pt.constant(c > 10)])").replace(
    "assert (f(np.ones((3, 2)), np.zeros(2))[-1] == 3).all()",
    "product, flags = f(np.ones((3, 2)), np.zeros(2))\n"
    "assert (product == 3 * c).all() and (flags == (c > 10)).all()")


def run(cache_dir, script=SCRIPT, **env):
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(cache_dir), **env)
    return subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True,
                          text=True, check=True).stdout.strip()


def entries(cache_dir):
    return sorted(cache_dir.glob("*.entry"))


def test_a_hit_runs_neither_the_passes_nor_llvm(tmp_path):
    assert run(tmp_path) == "compiled"
    assert len(entries(tmp_path)) == 1
    assert run(tmp_path) == "loaded"


def test_a_module_with_constants_is_cached(tmp_path):
    assert run(tmp_path, CONSTANTS) == "compiled"
    assert run(tmp_path, CONSTANTS) == "loaded"


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_entries_are_discarded_and_recompiled(tmp_path, damage):
    run(tmp_path)
    (entry,) = entries(tmp_path)
    blob = entry.read_bytes()
    entry.write_bytes(blob[:len(blob) // 2] if damage == "truncate" else blob[:-1] + bytes([blob[-1] ^ 1]))
    assert run(tmp_path) == "compiled"
    assert run(tmp_path) == "loaded"


def test_cache_can_be_disabled(tmp_path):
    assert run(tmp_path, SCANJIT_CACHE="0") == "compiled"
    assert entries(tmp_path) == []


def test_concurrent_writers_leave_one_valid_entry(tmp_path):
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path))
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT], env=environment, stdout=subprocess.PIPE)
             for _ in range(4)]
    assert all(p.wait() == 0 for p in procs)
    assert len(entries(tmp_path)) == 1
    assert list(tmp_path.glob("*.tmp")) == []
    assert run(tmp_path) == "loaded"


def test_different_graphs_do_not_collide(tmp_path):
    run(tmp_path)
    other = SCRIPT.replace("row + acc", "row * acc").replace("== 3", "== 0")
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path))
    subprocess.run([sys.executable, "-c", other], env=environment, check=True, capture_output=True)
    assert len(entries(tmp_path)) == 2
