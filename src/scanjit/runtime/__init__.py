"""The runtime every compiled function uses: the allocator (`scanjit_alloc` /
`scanjit_free`), the thread pool of `scanjit_parallel_for` (`scanjit.runtime.threads`),
the matrix products `scanjit_gemm_f64/f32` (`scanjit.runtime.gemm`), NumPy's
LAPACK for linear systems (`scanjit.runtime.lapack`) and the
native entry `scanjit_call` through which `scanjit.function` calls the
compiled code and gets its result arrays (`scanjit.runtime.pyentry`).

One small LLVM module (alloc.ll, threads.ll, gemm.ll, lapack.ll, interrupt.ll
and pyentry.ll), JIT-compiled on first use, or its object code loaded from the
compile cache (`use_object_cache`). Either way the external symbols it
declares (Python's and NumPy's C API, libc) are bound before, its settings
(threads, BLAS, poison) made through its setter functions after, and its
functions bound by name (`llvm.add_symbol`) for the modules compiled or
loaded from the cache. Result arrays own their buffers through a capsule
that frees them (`scanjit_free`) with the last array over them.

Each block starts with a 64-byte header holding its capacity, so that returned
pointers are 64-byte aligned (a vector store never straddles a cache line,
which would stop it being forwarded to the next step's load) and so that a
freed block can be reused:

* Blocks of 64 KiB and more are not returned to the system at once: up to
  `POOL_SLOTS` of them, `POOL_BYTES` in all, wait in a pool, and an allocation
  takes one whose capacity fits within a factor of 2. A function called in a
  loop then writes its results into memory that is already mapped, instead of
  page-faulting in fresh memory on every call. glibc unmaps a freed block
  above its mmap threshold (128 KiB at first) and trims its heap's free top,
  so without the pool a gradient's stacked rows (T x H: 512 KiB for the
  benchmark's RNN) fault in again on every call: 480 faults a call for the
  RNN's value and gradient (over 4x its time on the 2-core machine), 3,170
  for the GRU's, which frees more than 16 such blocks at once (16 slots
  left 4,070 faults a call; 32, none). The pool is lock-free (atomic
  exchange and compare-and-swap), since calls run without the GIL;
  `release_pool()` empties it.
* `SCANJIT_POISON_FREED=1` (for testing; tests/conftest.py sets it) fills
  every freed block with 0xFF bytes, NaN as floats: a read after free shows.
* Blocks of 4 MiB and more are 2 MiB-aligned and advised to use transparent
  huge pages, as NumPy does, so that a fresh one costs few page faults.
"""

from __future__ import annotations

import contextlib
import ctypes
from functools import cache

import llvmlite.binding as llvm_binding

from scanjit.runtime import gemm, interrupt, lapack, llvm as host, pyentry, threads

POOL_SLOTS = 32
POOL_MIN = 64 << 10
POOL_BYTES = 256 << 20
HUGE = 4 << 20
# Largest buffer scanjit_alloc gives (passes/support/memory.py's MAX_BYTES).
MAX_BYTES = 1 << 62

# (load, store) of the runtime's object code: none until `use_object_cache`.
_object_cache = (lambda llvm_ir: None, lambda llvm_ir, object_code: None)


def use_object_cache(load, store) -> None:
    """Take the runtime's machine code from `load(llvm_ir)` (None: compile it,
    then `store(llvm_ir, object_code)`) when it starts: the driver hands it the
    compile cache's (scanjit.driver.cache)."""
    global _object_cache
    _object_cache = load, store


def _llvm_ir() -> str:
    allocator = host.fill("alloc.ll", POOL_SLOTS=POOL_SLOTS, POOL_MIN=POOL_MIN, POOL_BYTES=POOL_BYTES,
                          HUGE=HUGE, MAX_BYTES=MAX_BYTES)
    return (allocator + threads.threads_ir() + gemm.gemm_ir() + lapack.lapack_ir() + host.fill("interrupt.ll")
            + host.fill("pyentry.ll"))


@host.once_bound
def _engine() -> llvm_binding.ExecutionEngine:
    load, store = _object_cache
    llvm_ir = _llvm_ir()
    pyentry.bind_symbols()
    cached = load(llvm_ir)
    engine, object_code = host.compile_ir(llvm_ir, cached)
    functions = lapack.numpy_lapack()  # NumPy's LAPACK: its wrappers are bound only where it is there
    for name in ("scanjit_alloc", "scanjit_free", "scanjit_parallel_for", "scanjit_gemm_f64", "scanjit_gemm_f32",
                 "scanjit_dot_f64", "scanjit_dot_f32", "scanjit_interrupts", "scanjit_threads",
                 *(lapack.FUNCTIONS if functions is not None else ())):
        llvm_binding.add_symbol(name, engine.get_function_address(name))
    for kind, blas in gemm.numpy_blas().items():
        ctypes.CFUNCTYPE(None, ctypes.c_void_p)(engine.get_function_address(f"scanjit_set_gemm_{kind}"))(blas)
    if functions is not None:
        ctypes.CFUNCTYPE(None, *[ctypes.c_void_p] * len(functions))(
            engine.get_function_address("scanjit_set_lapack_f64"))(*functions)
    for setter, value in (("scanjit_set_threads", threads.default_threads()),
                          ("scanjit_set_part_size", threads.forced_part_size()),
                          ("scanjit_set_poison_freed", threads.environment_int("SCANJIT_POISON_FREED", 0))):
        _call_setter(engine.get_function_address(setter), value)
    if cached is None:
        store(llvm_ir, object_code)  # last: a store that raises leaves no engine half set up
    return engine


def compiled(llvm_ir: str) -> llvm_binding.ExecutionEngine:
    """The engine of a module of hand-written IR (its symbols bound): its
    object code from the compile cache, or compiled and stored there."""
    load, store = _object_cache
    cached = load(llvm_ir)
    engine, object_code = host.compile_ir(llvm_ir, cached)
    if cached is None:
        store(llvm_ir, object_code)
    return engine


def catch_interrupts() -> None:
    """Let Ctrl-C stop compiled calls (scanjit.runtime.interrupt)."""
    set_chained = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(address("scanjit_set_chained_handler"))
    interrupt.install(address("scanjit_on_sigint"), set_chained)


def _call_setter(address: int, value: int) -> None:
    ctypes.CFUNCTYPE(None, ctypes.c_int64)(address)(value)


def address(name: str) -> int:
    """The address of a runtime function (`scanjit_alloc`, `scanjit_free`, ...),
    compiling the runtime (and binding its symbols for JIT-compiled modules)
    on first use."""
    return _engine().get_function_address(name)


def native_entry(main: int, inputs, outputs, slots: int, single: bool):
    """The built-in function calling the compiled `main` (see pyentry.py)."""
    return pyentry.native_entry(address, main, inputs, outputs, slots, single)


@cache
def _fpenv_functions():
    return (ctypes.CFUNCTYPE(ctypes.c_int64)(address("scanjit_fpenv_get")),
            ctypes.CFUNCTYPE(None, ctypes.c_int64)(address("scanjit_fpenv_set")))


@contextlib.contextmanager
def flushing_denormals():
    """Within: this thread's floating-point operations (and the parallel
    parts it runs) flush subnormal results and operands to zero (FTZ and DAZ
    on x86-64, FZ on AArch64; nothing elsewhere); after: the caller's mode."""
    get, set_ = _fpenv_functions()
    old = get()
    set_(old | threads.fpenv()[1])
    try:
        yield
    finally:
        set_(old)


def release_pool() -> int:
    """Return the pooled blocks to the system; the number of bytes released."""
    return ctypes.CFUNCTYPE(ctypes.c_int64)(address("scanjit_release_pool"))()


def set_threads(count: int) -> None:
    """Run parallel loops on `count` threads from now on (1: on the calling
    thread only); the default is `scanjit.runtime.threads.default_threads()`."""
    if count < 1:
        raise ValueError(f"set_threads: count must be at least 1, got {count}")
    _call_setter(address("scanjit_set_threads"), min(count, threads.MAX_THREADS))


def set_part_size(steps: int) -> None:
    """For testing: run every parallel loop in parts of `steps` steps,
    whatever its grain (0: the loop's own grain, the default)."""
    _call_setter(address("scanjit_set_part_size"), max(0, steps))
