"""The contract between the emitter, the passes and the JIT/runtime, stated
once: attribute names, the calling convention's slots and offsets.

The native entry point `@f(%args, %results) -> i32` (convert-func-to-llvm)
takes an array of the addresses of NumPy array objects, one per argument, and
a caller-owned array of 8-byte result slots, and returns a status:

* 0: success; the slots hold, per result, a buffer's data pointer then its
  sizes, or a scalar as its own type (i1 as one byte 0/1).
* k > 0: the k-th message of the module's ERRORS failed. Slot 0 then holds
  how many values the failed check stored for its message, slots 1, 2, ...
  the values (each an i64) that the message's `$0`, `$1`, ... stand for.
"""

import re

RESULT_OFFSETS = "scanjit.result_offsets"
"""Module attribute: per result, the leading rows the caller skips (a scan's
initial values)."""

ERRORS = "scanjit.errors"
"""Module attribute: the messages of the run-time checks, "Class: text"; status
k means ERRORS[k - 1]."""

RESULTS_ARRAY = "scanjit.results_array"
"""llvm.func attribute: its last argument is the caller's result slots (a
failed check may store its message's values there)."""

STEP_LOCAL = "scanjit.step_local"
"""memref.alloc attribute: a buffer bufferize moved out of a loop that holds
each step's own values (outline-parallel-loops may give each part its own)."""

ALWAYS_INLINE = "scanjit.always_inline"
"""llvm.func attribute: the JIT marks the function `alwaysinline` (a math
expansion that math-polynomial-approximation emits once per module)."""

FRESH_RESULT = "scanjit.fresh_result"
"""llvm.func attribute of a declaration: its result is memory no other
pointer reaches (an allocator's); the JIT marks it `noalias`, so that LLVM
needs no overlap checks between fresh buffers and the others."""

ARRAY_DATA, ARRAY_DIMENSIONS = 16, 32
"""Byte offsets of the `data` and `dimensions` fields of NumPy's PyArrayObject."""


PLACEHOLDER = re.compile(r"\$(\d+)")
"""`$k` in a check message: the k-th value the check stores."""


def placeholder_count(message: str) -> int:
    """How many values a check message refers to (`$0` ... `$k`)."""
    return max((int(k) + 1 for k in PLACEHOLDER.findall(message)), default=0)


def fill_message(message: str, values: list[int]) -> str:
    """`message` with `$k` replaced by values[k] ("?" for a value not stored)."""
    return PLACEHOLDER.sub(lambda m: str(values[int(m[1])]) if int(m[1]) < len(values) else "?", message)
