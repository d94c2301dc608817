"""Compiled code lives as long as a function that can call it, and no longer:
dropping a function frees its machine code and what compiling it took."""

import gc
import os
import subprocess
import sys
import weakref

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

# Compiles and drops functions of several kinds (dtypes, ranks, a scan), each
# with its own constant so that no two graphs are alike, and prints how much
# the resident memory grew per function after a warm-up.
DROP_SCRIPT = """
import ctypes, gc, os, sys
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt

def resident_kib():
    gc.collect()
    ctypes.CDLL(None).malloc_trim(0)  # what is free goes back to the system
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

def drop_one(k):
    x, m, i = pt.dvector("x"), pt.fmatrix("m"), pt.ivector("i")
    if k % 3 == 0:
        f, arg, first = pytensor.function([x], pt.tanh(x) * k), np.ones(3), np.tanh(1.0) * k
    elif k % 3 == 1:
        f = pytensor.function([m], (m + np.float32(k)).sum(axis=0))
        arg, first = np.ones((2, 2), np.float32), 2 * (1 + k)
    else:
        out, _ = pytensor.scan(lambda v, acc: acc + v * k, sequences=[i], outputs_info=[np.int32(0)])
        f, arg, first = pytensor.function([i], out[-1]), np.ones(3, np.int32), 3 * k
    assert np.isclose(np.ravel(f(arg))[0], first)

cycles, distinct = int(sys.argv[1]), sys.argv[2] == "distinct"
for k in range(30):
    drop_one(k + 1)
before = resident_kib()
for k in range(cycles):
    drop_one(k + 100 if distinct else k % 3 + 1)
print((resident_kib() - before) / cycles)
"""


@pytest.mark.parametrize("source, cycles, bound_kib", [
    ("compiled", 120, 30),  # llvmlite 0.50 leaked ~85 KiB per compile
    ("loaded", 300, 10),    # from the cache: a hit makes an engine too
])
def test_dropped_functions_free_their_code(tmp_path, source, cycles, bound_kib):
    env = dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path))
    if source == "compiled":
        env["SCANJIT_CACHE"] = "0"
    run = subprocess.run(
        [sys.executable, "-c", DROP_SCRIPT, str(cycles), "distinct" if source == "compiled" else "same"],
        env=env, capture_output=True, text=True, check=True)
    per_function = float(run.stdout)
    assert per_function < bound_kib, f"{per_function:.1f} KiB per dropped function"


def test_the_engine_lives_exactly_as_long_as_its_function():
    x = pt.dvector("x")
    f = pytensor.function([x], x * 2)
    f.dump("asm")  # stage texts are cached on the function: they must not pin it
    engine = weakref.ref(f.compiled._engine)
    result = f(np.arange(3.0))
    gc.collect()
    assert engine() is not None
    np.testing.assert_array_equal(f(np.arange(3.0)), [0.0, 2.0, 4.0])
    del f
    gc.collect()
    assert engine() is None
    np.testing.assert_array_equal(result, [0.0, 2.0, 4.0])  # results are the runtime's memory
