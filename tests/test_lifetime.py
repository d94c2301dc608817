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

cycles = int(sys.argv[1])
for k in range(30):
    drop_one(k + 1)
before = resident_kib()
for k in range(cycles):
    drop_one(k + 100)
print((resident_kib() - before) / cycles)
"""


def dropped_growth(cache_dir) -> float:
    """KiB of resident memory per function compiled (or loaded) and dropped."""
    run = subprocess.run([sys.executable, "-c", DROP_SCRIPT, "120"], capture_output=True, text=True,
                         env=dict(os.environ, SCANJIT_CACHE_DIR=str(cache_dir)), check=True)
    return float(run.stdout)


def test_dropped_functions_free_their_code(tmp_path):
    compiled = dropped_growth(tmp_path)  # llvmlite 0.50 leaked ~90 KiB per compile
    loaded = dropped_growth(tmp_path)  # the same graphs from the cache: a hit makes an engine too
    assert compiled < 30 and loaded < 5, f"{compiled:.1f} KiB per compiled function, {loaded:.1f} per loaded"


@pytest.mark.parametrize("source", ["compiled", "loaded"])
def test_the_engine_lives_exactly_as_long_as_its_function(tmp_path, monkeypatch, source):
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(tmp_path))
    x = pt.dvector("x")
    if source == "loaded":
        pytensor.function([x], x * 2)
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


# Functions that only the cycle collector frees: it finalizes the llvmlite
# objects they hold in any order, which must not matter (an LLVM context freed
# before the engine of its module crashed here).
CYCLES_SCRIPT = """
import gc, weakref
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
x, engines = pt.dvector("x"), []
for k in range(12):
    f = pytensor.function([x], x * float(k % 6))  # compiled, then loaded from the cache
    assert f(np.ones(1))[0] == k % 6
    f.itself = f
    engines.append(weakref.ref(f.compiled._engine))
    del f
    gc.collect()
print(sum(engine() is not None for engine in engines))
"""


def test_functions_in_reference_cycles_are_freed_safely(tmp_path):
    run = subprocess.run([sys.executable, "-c", CYCLES_SCRIPT], capture_output=True, text=True,
                         env=dict(os.environ, SCANJIT_CACHE_DIR=str(tmp_path)))
    assert (run.returncode, run.stdout) == (0, "0\n"), run.stderr[-2000:]
