"""The runtime every compiled function uses: the allocator (`scanjit_alloc` /
`scanjit_free`) and the thread pool of `scanjit_parallel_for` (`scanjit.threads`).

One small LLVM module, JIT-compiled once per process; its functions are
bound by name (`llvm.add_symbol`) for the modules compiled or loaded from the
cache, and `scanjit.function` frees result buffers with `scanjit_free`.

Each block starts with a 64-byte header holding its capacity, so that returned
pointers are 64-byte aligned (a vector store never straddles a cache line,
which would stop it being forwarded to the next step's load) and so that a
freed block can be reused:

* Blocks of 1 MiB and more are not returned to the system at once: up to
  `POOL_SLOTS` of them, `POOL_BYTES` in all, wait in a pool, and an allocation
  takes one whose capacity fits within a factor of 2. A function called in a
  loop then writes its results into memory that is already mapped, instead of
  page-faulting in fresh memory on every call. The pool is lock-free (atomic
  exchange and compare-and-swap), since calls run without the GIL;
  `release_pool()` empties it.
* Blocks of 4 MiB and more are 2 MiB-aligned and advised to use transparent
  huge pages, as NumPy does, so that a fresh one costs few page faults.
"""

from __future__ import annotations

import ctypes
from functools import cache

import llvmlite.binding as llvm_binding

from scanjit import host, threads

POOL_SLOTS = 8
POOL_MIN = 1 << 20
POOL_BYTES = 256 << 20
HUGE = 4 << 20

RUNTIME_IR = f"""
@pool = internal global [{POOL_SLOTS} x ptr] zeroinitializer
@pooled_bytes = internal global i64 0

declare ptr @aligned_alloc(i64, i64)
declare void @free(ptr)
declare i32 @madvise(ptr, i64, i32)

define ptr @scanjit_alloc(i64 %bytes) {{
entry:
  %poolable = icmp uge i64 %bytes, {POOL_MIN}
  br i1 %poolable, label %search, label %fresh
search:
  %i = phi i64 [0, %entry], [%i.next, %next]
  %slot = getelementptr [{POOL_SLOTS} x ptr], ptr @pool, i64 0, i64 %i
  %block = atomicrmw xchg ptr %slot, ptr null seq_cst
  %found = icmp ne ptr %block, null
  br i1 %found, label %check, label %next
check:
  %capacity = load i64, ptr %block
  %twice = shl i64 %bytes, 1
  %fits = icmp uge i64 %capacity, %bytes
  %not_wasteful = icmp ule i64 %capacity, %twice
  %take = and i1 %fits, %not_wasteful
  br i1 %take, label %taken, label %give_back
taken:
  %unused = atomicrmw sub ptr @pooled_bytes, i64 %capacity seq_cst
  %reused = getelementptr i8, ptr %block, i64 64
  ret ptr %reused
give_back:
  %swap = cmpxchg ptr %slot, ptr null, ptr %block seq_cst seq_cst
  %back = extractvalue {{ ptr, i1 }} %swap, 1
  br i1 %back, label %next, label %drop
drop:
  %unused2 = atomicrmw sub ptr @pooled_bytes, i64 %capacity seq_cst
  call void @free(ptr %block)
  br label %next
next:
  %i.next = add i64 %i, 1
  %more = icmp ult i64 %i.next, {POOL_SLOTS}
  br i1 %more, label %search, label %fresh
fresh:
  %large = icmp uge i64 %bytes, {HUGE}
  %align = select i1 %large, i64 2097152, i64 64
  %mask = sub i64 0, %align
  %padded = add i64 %bytes, 63
  %with_header = add i64 %padded, %align
  %total = and i64 %with_header, %mask
  %new = call ptr @aligned_alloc(i64 %align, i64 %total)
  %failed = icmp eq ptr %new, null
  br i1 %failed, label %out_of_memory, label %record
out_of_memory:
  ret ptr null
record:
  %new_capacity = sub i64 %total, 64
  store i64 %new_capacity, ptr %new
  br i1 %large, label %advise, label %done
advise:
  %ignored = call i32 @madvise(ptr %new, i64 %total, i32 14)
  br label %done
done:
  %user = getelementptr i8, ptr %new, i64 64
  ret ptr %user
}}

define i64 @scanjit_release_pool() {{
entry:
  br label %slot
slot:
  %i = phi i64 [0, %entry], [%i.next, %next]
  %released = phi i64 [0, %entry], [%sum, %next]
  %address = getelementptr [{POOL_SLOTS} x ptr], ptr @pool, i64 0, i64 %i
  %block = atomicrmw xchg ptr %address, ptr null seq_cst
  %found = icmp ne ptr %block, null
  br i1 %found, label %release, label %next
release:
  %capacity = load i64, ptr %block
  %unused = atomicrmw sub ptr @pooled_bytes, i64 %capacity seq_cst
  call void @free(ptr %block)
  br label %next
next:
  %freed = phi i64 [0, %slot], [%capacity, %release]
  %sum = add i64 %released, %freed
  %i.next = add i64 %i, 1
  %more = icmp ult i64 %i.next, {POOL_SLOTS}
  br i1 %more, label %slot, label %done
done:
  ret i64 %sum
}}

define void @scanjit_free(ptr %user) {{
entry:
  %null = icmp eq ptr %user, null
  br i1 %null, label %done, label %header
header:
  %block = getelementptr i8, ptr %user, i64 -64
  %capacity = load i64, ptr %block
  %poolable = icmp uge i64 %capacity, {POOL_MIN}
  br i1 %poolable, label %count, label %release
count:
  %before = atomicrmw add ptr @pooled_bytes, i64 %capacity seq_cst
  %after = add i64 %before, %capacity
  %room = icmp ule i64 %after, {POOL_BYTES}
  br i1 %room, label %offer, label %uncount
offer:
  %i = phi i64 [0, %count], [%i.next, %taken]
  %slot = getelementptr [{POOL_SLOTS} x ptr], ptr @pool, i64 0, i64 %i
  %swap = cmpxchg ptr %slot, ptr null, ptr %block seq_cst seq_cst
  %stored = extractvalue {{ ptr, i1 }} %swap, 1
  br i1 %stored, label %done, label %taken
taken:
  %i.next = add i64 %i, 1
  %more = icmp ult i64 %i.next, {POOL_SLOTS}
  br i1 %more, label %offer, label %uncount
uncount:
  %unused = atomicrmw sub ptr @pooled_bytes, i64 %capacity seq_cst
  br label %release
release:
  call void @free(ptr %block)
  br label %done
done:
  ret void
}}
"""


@cache
def _engine() -> llvm_binding.ExecutionEngine:
    engine = host.compile_ir(RUNTIME_IR + threads.threads_ir())
    for name in ("scanjit_alloc", "scanjit_free", "scanjit_parallel_for"):
        llvm_binding.add_symbol(name, engine.get_function_address(name))
    for setter, value in (("scanjit_set_threads", threads.default_threads()),
                          ("scanjit_set_part_size", threads.forced_part_size())):
        _call_setter(engine.get_function_address(setter), value)
    return engine


def _call_setter(address: int, value: int) -> None:
    ctypes.CFUNCTYPE(None, ctypes.c_int64)(address)(value)


def address(name: str) -> int:
    """The address of a runtime function (`scanjit_alloc`, `scanjit_free`, ...),
    compiling the runtime (and binding its symbols for JIT-compiled modules)
    on first use."""
    return _engine().get_function_address(name)


def release_pool() -> int:
    """Return the pooled blocks to the system; the number of bytes released."""
    return ctypes.CFUNCTYPE(ctypes.c_int64)(address("scanjit_release_pool"))()


def set_threads(count: int) -> None:
    """Run parallel loops on `count` threads from now on (1: on the calling
    thread only); the default is `scanjit.threads.default_threads()`."""
    if count < 1:
        raise ValueError(f"set_threads: count must be at least 1, got {count}")
    _call_setter(address("scanjit_set_threads"), min(count, threads.MAX_THREADS))


def set_part_size(steps: int) -> None:
    """For testing: run every parallel loop in parts of `steps` steps,
    whatever its grain (0: the loop's own grain, the default)."""
    _call_setter(address("scanjit_set_part_size"), max(0, steps))
