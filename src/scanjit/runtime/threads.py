"""The thread pool behind `scanjit_parallel_for`, which runs the loops
`outline-parallel-loops` proved to be maps on every core.

    i32 scanjit_parallel_for(i32 (*fn)(void *ctx, i64 lo, i64 hi), void *ctx,
                             i64 lo, i64 hi, i64 grain)

runs `fn(ctx, a, b)` over parts covering [lo, hi), each at least `grain`
iterations long, up to `PARTS_PER_THREAD` per thread, and returns 0 or the
first non-zero status a part returned (every part runs either way). The
caller runs parts too; parts are claimed from an atomic counter, so a worker
that wakes late only finds less (or nothing) left to do. Workers are started
on first use (again in a forked child) and wait on a futex after a short
spin. One job runs at a time: a call that finds the pool busy (another Python
thread's call) runs its loop alone.

`SCANJIT_NUM_THREADS` sets the number of threads (default: the CPUs this
process may run on; Linux on x86-64 or AArch64 only, which have the futex
system call); 1 runs every loop on the calling thread.
`SCANJIT_PART_SIZE=k` (for testing) makes every part k steps long, whatever
the loop's grain, so that small loops run on several threads too.
"""

from __future__ import annotations

import os
import platform
import sys
from functools import cache

import llvmlite.binding as llvm_binding

from scanjit.runtime.llvm import fill

# futex(2): its system call number (Linux only), and its operations on
# process-private words. Elsewhere every loop runs on the calling thread.
SYS_FUTEX = {"x86_64": 202, "aarch64": 98}.get(platform.machine()) if sys.platform == "linux" else None
FUTEX_WAIT, FUTEX_WAKE = 128, 129
SPINS = 4000  # polls before a waiting thread sleeps (about 100 µs)
MAX_THREADS = 64 if SYS_FUTEX else 1
PARTS_PER_THREAD = 4  # so that a thread that starts late does less of the loop


def _spin_hint() -> str:
    x86 = llvm_binding.get_process_triple().startswith(("x86_64", "i686"))
    return "call void @llvm.x86.sse2.pause()" if x86 else ""


# Reading and setting the floating-point control word, and its bits that
# flush subnormal results to zero and read subnormal operands as zero.
_FPENV = {
    "x86_64": ("""
define i64 @scanjit_fpenv_get() {
  %slot = alloca i32
  call void @llvm.x86.sse.stmxcsr(ptr %slot)
  %word = load i32, ptr %slot
  %wide = zext i32 %word to i64
  ret i64 %wide
}
define void @scanjit_fpenv_set(i64 %word) {
  %slot = alloca i32
  %narrow = trunc i64 %word to i32
  store i32 %narrow, ptr %slot
  call void @llvm.x86.sse.ldmxcsr(ptr %slot)
  ret void
}
declare void @llvm.x86.sse.stmxcsr(ptr)
declare void @llvm.x86.sse.ldmxcsr(ptr)
""", 0x8040),  # MXCSR's FTZ (bit 15) and DAZ (bit 6)
    "aarch64": ("""
define i64 @scanjit_fpenv_get() {
  %word = call i64 @llvm.aarch64.get.fpcr()
  ret i64 %word
}
define void @scanjit_fpenv_set(i64 %word) {
  call void @llvm.aarch64.set.fpcr(i64 %word)
  ret void
}
declare i64 @llvm.aarch64.get.fpcr()
declare void @llvm.aarch64.set.fpcr(i64)
""", 1 << 24),  # FPCR's FZ: both ways
}
_NO_FPENV = ("""
define i64 @scanjit_fpenv_get() {
  ret i64 0
}
define void @scanjit_fpenv_set(i64 %word) {
  ret void
}
""", 0)


@cache  # read on every flush_denormals call
def fpenv() -> tuple[str, int]:
    """This machine's fpenv functions in LLVM IR, and the bits that flush
    subnormals to zero (0 where there are none: the flag does nothing)."""
    triple = llvm_binding.get_process_triple()
    return _FPENV.get(triple.split("-")[0], _NO_FPENV)


def environment_int(name: str, default: int) -> int:
    """The integer in environment variable `name`, or `default` when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"the environment variable {name} must be an integer, got {text!r}") from None


def default_threads() -> int:
    count = environment_int("SCANJIT_NUM_THREADS", len(os.sched_getaffinity(0)) if SYS_FUTEX else 1)
    return max(1, min(count, MAX_THREADS))


def forced_part_size() -> int:
    return max(0, environment_int("SCANJIT_PART_SIZE", 0))


def threads_ir() -> str:
    """threads.ll for this machine."""
    pause = _spin_hint()
    return fill("threads.ll", SYS_FUTEX=SYS_FUTEX or 0, FUTEX_WAIT=FUTEX_WAIT, FUTEX_WAKE=FUTEX_WAKE,
                SPINS=SPINS, PARTS_PER_THREAD=PARTS_PER_THREAD, PAUSE=pause,
                PAUSE_DECLARATION="declare void @llvm.x86.sse2.pause()" if pause else "", FPENV=fpenv()[0])
