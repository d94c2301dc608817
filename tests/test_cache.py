"""The persistent compile cache: hits run neither the passes nor LLVM, bad entries are
recompiled, SCANJIT_CACHE=0 disables it, concurrent writers are safe."""

import os
import subprocess
import sys

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit import cache

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


def run(cache_dir, **env):
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(cache_dir), **env)
    return subprocess.run([sys.executable, "-c", SCRIPT], env=environment, capture_output=True,
                          text=True, check=True).stdout.strip()


def entries(cache_dir):
    return sorted(cache_dir.glob("*.entry"))


def test_a_hit_runs_neither_the_passes_nor_llvm(tmp_path):
    assert run(tmp_path) == "compiled"
    assert len(entries(tmp_path)) == 1
    assert run(tmp_path) == "loaded"


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


def calling_conventions() -> list:
    """(inputs, outputs) computing the same `x * 2`, each called differently:
    unused inputs of several types before and after, other orders, more outputs."""
    x, y = pt.dvector("x"), pt.dvector("y")
    out = x * 2
    return [([x], [out]), ([x, y], [out]), ([y, x], [out]), ([x, pt.fvector("u")], [out]),
            ([x, pt.imatrix("u")], [out]), ([pt.lscalar("u"), x], [out]), ([x, y, pt.bscalar("u")], [out]),
            ([x, x], [out]), ([x], [out, out]), ([x, y], [out, y]), ([x, pytensor.shared(np.ones(2))], [out])]


def test_the_key_covers_the_whole_calling_convention():
    keys = [cache.key(inputs, outputs) for inputs, outputs in calling_conventions()]
    assert len(set(keys)) == len(keys)


def test_the_same_graph_rebuilt_has_the_same_key():
    assert [cache.key(*c) for c in calling_conventions()[:7]] == \
        [cache.key(*c) for c in calling_conventions()[:7]]


# End to end through scanjit.function, whose functions take one pointer per
# input, used or not. It passes on_unused_input="ignore" (PyTensor's option):
# function() will raise for unused inputs by default.
UNUSED_INPUTS_SCRIPT = """
import sys
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
x = pt.dvector("x")
unused = {"dvector": (pt.dvector, np.ones(2)), "imatrix": (pt.imatrix, np.ones((2, 2), np.int32)),
          "fscalar": (pt.fscalar, np.float32(1))}
for convention in sys.argv[1:]:
    names = convention.split(",")
    extra = {n: unused[n] for n in names if n != "x"}
    inputs = [x if n == "x" else extra[n][0](n) for n in names]
    args = [np.arange(3.0) if n == "x" else extra[n][1] for n in names]
    f = pytensor.function(inputs, x * 2, on_unused_input="ignore")
    assert (f(*args) == [0.0, 2.0, 4.0]).all(), convention
print("ok")
"""


def test_functions_with_unused_inputs_never_load_each_others_code(tmp_path):
    conventions = ["x,dvector", "x", "imatrix,x", "x,fscalar,dvector", "dvector,x"]
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path))
    for order in (conventions, conventions[::-1]):  # in one process, then from the disk
        run_ = subprocess.run([sys.executable, "-c", UNUSED_INPUTS_SCRIPT, *order], env=environment,
                              capture_output=True, text=True)
        assert (run_.returncode, run_.stdout) == (0, "ok\n"), run_.stderr
    assert len(entries(tmp_path)) == len(conventions)
