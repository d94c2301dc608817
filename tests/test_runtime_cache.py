"""The runtime's object code is cached with the functions' (scanjit/driver/cache.py):
a fresh process whose functions are in the cache compiles nothing, the loaded
runtime works as the compiled one (threads, BLAS, random draws, Ctrl-C, the
native entry, the pool), and a damaged or foreign runtime entry is recompiled
and replaced."""

import os
import shutil
import subprocess
import sys

import pytest

from scanjit import runtime
from scanjit.driver import cache

# Counts LLVM's optimizer runs (every compile of the runtime or of a function
# has one), then checks what each part of the runtime does.
PROGRAM = """
import os, signal, threading, time
import numpy as np
import scanjit as pytensor, scanjit.tensor as pt
from scanjit import runtime
from scanjit.runtime import llvm as host
optimized = []
host.optimize = lambda module, *level, _optimize=host.optimize: optimized.append(1) or _optimize(module, *level)

A, B = pt.dmatrix("A"), pt.dmatrix("B")
rows = pytensor.scan(lambda a, b: pt.tanh(a * b), sequences=[A, B], return_updates=False)
a, b = np.random.default_rng(0).normal(size=(2, 64, 64))
print("threads", np.allclose(pytensor.function([A, B], rows)(a, b), np.tanh(a * b)))
print("gemm", np.allclose(pytensor.function([A, B], pt.dot(A, B))(a, b), a @ b))
rng = pytensor.shared(np.random.default_rng(7))
draw = pytensor.function([], pt.random.normal(size=5, rng=rng))
print("random", np.array_equal(draw(), np.random.default_rng(7).normal(size=5)))
x, y = pt.dvector("x"), pt.dvector("y")
product = pytensor.function([x, y], x * y)
print("entry converts", np.array_equal(product([1, 2], [3, 4]), [3.0, 8.0]))  # NotImplemented first
try:
    product(np.ones(2), np.ones(3))
except ValueError:
    print("entry's error report", True)
print("pool", runtime.release_pool() >= 0)

n = pt.lscalar("n")
long = pytensor.function([n], pytensor.scan(lambda h: h * 0.999999 + 1.0, outputs_info=[np.float64(0.0)],
                                            n_steps=n, return_updates=False)[-1])
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
try:
    long(10**12)  # hours, uninterrupted
except KeyboardInterrupt:
    print("ctrl-c", True)
print("optimized", len(optimized))
"""
WORKS = ["threads True", "gemm True", "random True", "entry converts True", "entry's error report True",
         "pool True", "ctrl-c True"]
FUNCTIONS = 5


def run(cache_dir, **env) -> list[str]:
    environment = dict(os.environ, SCANJIT_CACHE_DIR=str(cache_dir), SCANJIT_NUM_THREADS="2",
                       SCANJIT_PART_SIZE="8", **env)
    done = subprocess.run([sys.executable, "-c", PROGRAM], env=environment, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def runtime_entry(cache_dir):
    (entry,) = cache_dir.glob("runtime-*.entry")
    return entry


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A cache holding the runtime and PROGRAM's functions."""
    folder = tmp_path_factory.mktemp("warm")
    assert run(folder) == [*WORKS, f"optimized {1 + FUNCTIONS}"]
    return folder


@pytest.fixture
def warm_copy(warm, tmp_path):
    folder = tmp_path / "cache"
    shutil.copytree(warm, folder)
    return folder


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGINT is caught on Linux")
def test_a_warm_cache_compiles_nothing_and_the_loaded_runtime_works(warm_copy):
    assert run(warm_copy) == [*WORKS, "optimized 0"]


def _foreign(folder):
    function_entry = next(p for p in folder.glob("*.entry") if not p.name.startswith("runtime-"))
    return function_entry.read_bytes()


DAMAGES = {"truncated": lambda blob, folder: blob[:len(blob) // 2],
           "flipped": lambda blob, folder: blob[:100] + bytes([blob[100] ^ 1]) + blob[101:],
           "a function's": lambda blob, folder: _foreign(folder),
           "empty": lambda blob, folder: b""}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGINT is caught on Linux")
@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_runtime_entry_is_recompiled_and_replaced(warm_copy, damage):
    entry = runtime_entry(warm_copy)
    intact = entry.read_bytes()
    entry.write_bytes(DAMAGES[damage](intact, warm_copy))
    assert run(warm_copy) == [*WORKS, "optimized 1"]  # the runtime alone
    assert runtime_entry(warm_copy).read_bytes() == intact
    assert run(warm_copy) == [*WORKS, "optimized 0"]


@pytest.mark.parametrize("setting", [{"SCANJIT_CACHE": "0"}, {"SCANJIT_CACHE_MAX_MB": "lots"}])
def test_disabled_or_misconfigured_the_cache_holds_no_runtime(tmp_path, monkeypatch, setting):
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SCANJIT_CACHE", raising=False)
    for name, value in setting.items():
        monkeypatch.setenv(name, value)
    cache.store_runtime("; a module", b"code")  # a bad limit raises where a function compiles
    assert list(tmp_path.iterdir()) == []
    assert cache.load_runtime("; a module") is None


def test_an_entry_serves_only_its_own_ir(tmp_path, monkeypatch):
    monkeypatch.setenv("SCANJIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SCANJIT_CACHE", raising=False)
    cache.store_runtime("; a module", b"code")
    assert cache.load_runtime("; a module") == b"code"
    assert cache.load_runtime("; another module") is None
    runtime_entry(tmp_path).rename(tmp_path / f"runtime-{cache.runtime_key('; another module')}.entry")
    assert cache.load_runtime("; another module") is None


def test_the_driver_hands_the_runtime_the_compile_cache():
    import scanjit.driver  # noqa: F401

    assert runtime._object_cache == (cache.load_runtime, cache.store_runtime)
