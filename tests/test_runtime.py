"""scanjit's allocator (scanjit.runtime): headers, alignment, the pool of
large freed blocks, and its use from several threads at once."""

import ctypes
import os
import resource
import subprocess
import sys
import threading

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit import runtime

alloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64)(runtime.address("scanjit_alloc"))
free = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(runtime.address("scanjit_free"))
MIB = 1 << 20


@pytest.fixture(autouse=True)
def empty_pool():
    runtime.release_pool()
    yield
    runtime.release_pool()


@pytest.mark.parametrize("size", [0, 1, 63, 64, 1000, MIB, 5 * MIB])
def test_blocks_are_64_byte_aligned_and_writable(size):
    p = alloc(size)
    assert p and p % 64 == 0
    if size:
        ctypes.memset(p, 0xAB, size)
    free(p)


def test_a_freed_large_block_is_reused():
    p = alloc(3 * MIB)
    free(p)
    q = alloc(3 * MIB - 4096)  # fits, within a factor of 2
    assert q == p
    free(q)


def test_a_much_smaller_request_does_not_take_a_large_block():
    p = alloc(16 * MIB)
    free(p)
    q = alloc(2 * MIB)
    assert q != p
    r = alloc(16 * MIB)
    assert r == p  # still pooled
    free(q), free(r)


def test_small_blocks_are_not_pooled():
    free(alloc(1000))
    free(alloc(runtime.POOL_MIN - 64))
    free(None)  # a null pointer is ignored
    assert runtime.release_pool() == 0
    free(alloc(runtime.POOL_MIN))
    assert runtime.release_pool() == runtime.POOL_MIN


def test_pool_holds_bounded_bytes_and_slots():
    """More than POOL_BYTES, or more than POOL_SLOTS blocks, freed at once:
    the excess goes back to the system."""
    size = runtime.POOL_BYTES // 2 - 4096
    for b in [alloc(size) for _ in range(3)]:
        free(b)
    assert 2 * size <= runtime.release_pool() <= runtime.POOL_BYTES
    for b in [alloc(MIB) for _ in range(runtime.POOL_SLOTS + 3)]:
        free(b)
    assert runtime.release_pool() == runtime.POOL_SLOTS * MIB
    assert runtime.release_pool() == 0


def test_threads_share_the_pool_safely():
    errors = []

    def worker(seed):
        rng = np.random.default_rng(seed)
        for _ in range(2000):
            size = int(rng.integers(MIB, 4 * MIB))
            p = alloc(size)
            view = np.ctypeslib.as_array((ctypes.c_uint8 * size).from_address(p))
            view[:64] = seed
            view[-64:] = seed
            if view[0] != seed or view[-1] != seed:
                errors.append(seed)
            free(p)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_results_in_a_loop_reuse_memory():
    """A function called repeatedly writes its large result into the block
    the previous result freed."""
    x = pt.dvector("x")
    f = scanjit.function([x], x * 2.0)
    xs = np.ones(MIB)
    first = f(xs).ctypes.data  # the result is freed at once
    assert f(xs).ctypes.data == first
    np.testing.assert_array_equal(f(xs), 2.0)


def test_a_gradient_called_in_a_loop_does_not_fault_in_fresh_memory():
    """The RNN's value and gradient (T=1000, H=64) frees several stacked
    (T, H) blocks of 512 KiB a call: pooled, the next call reuses them
    instead of page-faulting fresh memory in (480 faults a call when only
    blocks of 1 MiB and more were pooled)."""
    X, h0, W, U = pt.dmatrix("X"), pt.dvector("h0"), pt.dmatrix("W"), pt.dmatrix("U")
    h = scanjit.scan(lambda x, h, W, U: pt.tanh(x @ W + h @ U), sequences=X, outputs_info=h0,
                     non_sequences=[W, U], return_updates=False)
    cost = h.sum()
    f = scanjit.function([X, h0, W, U], [cost, *scanjit.grad(cost, [W, U, h0])])
    rng = np.random.default_rng(0)
    args = rng.normal(size=(1000, 64)), np.zeros(64), rng.normal(size=(64, 64)) * 0.1, rng.normal(size=(64, 64)) * 0.1
    for _ in range(3):
        f(*args)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        f(*args)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20 < 20


BIND_IN_THREADS = """
import threading
import llvmlite.binding as llvm_binding
from scanjit import runtime
from scanjit.runtime.library import bind_library
start, found = threading.Barrier(8), []
def first_use(k):
    start.wait()
    found.append(runtime.address("scanjit_alloc") if k % 2 else bind_library("scanjit_choice_p"))
threads = [threading.Thread(target=first_use, args=(k,)) for k in range(8)]
for t in threads: t.start()
for t in threads: t.join()
library = bind_library("scanjit_choice_p")
print(len(found), all(f is library for f in found if not isinstance(f, int)),
      all(llvm_binding.address_of_symbol(n) == runtime.address(n)
          for n in ("scanjit_alloc", "scanjit_free", "scanjit_parallel_for")),
      llvm_binding.address_of_symbol("scanjit_choice_p") == library.get_function_address("scanjit_choice_p"))
"""


def test_threads_using_the_runtime_first_at_once_bind_the_code_kept():
    """Threads compiling their first functions at once: the runtime's and a
    random function's symbols are the addresses in the engines kept alive
    (each cached engine made once), not in one made at the same time and freed."""
    env = dict(os.environ, SCANJIT_CACHE="0")
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", BIND_IN_THREADS], env=env, capture_output=True, text=True,
                             check=True).stdout.split()
        assert out == ["8", "True", "True", "True"]
