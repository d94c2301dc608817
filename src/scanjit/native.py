"""Random draws in compiled code: NumPy's C distributions, bound as JIT
symbols, and `scanjit_multinomial`.

`numpy.random._generator` exports the C functions behind `Generator`'s
methods; compiled code calls them on the generator's `bitgen_t`, so draws are
bit-identical to NumPy's.

`scanjit_multinomial` is NumPy's `random_multinomial` (one binomial draw per
category, left to right, until the count is used up) with a shortcut for the
common draw, so that its results and the generator's state afterwards are
NumPy's exactly:

* With a PCG64 generator (`default_rng`'s), a category with count 1 and
  0 < p <= 1/2 is drawn inline. NumPy's binomial inversion takes one uniform
  U and returns 0 if U <= qn, where qn = exp(log(1 - p)) from libm is within
  a few ulp of 1 - p >= 1/2; so when U < (1 - p) - 2^-40 the draw is 0 and
  consumes U, which is all the shortcut does: PCG64's step inline, the state
  kept in registers. Otherwise the state goes back to memory and NumPy's own
  `random_binomial` draws, from the same U. A category with p == 0 is 0
  without a draw, as in NumPy.
* Any other bit generator goes to NumPy's `random_multinomial`.
"""

from __future__ import annotations

import ctypes
from functools import cache

import llvmlite.binding as llvm_binding

from scanjit import host

NUMPY_RANDOM_FUNCTIONS = (
    "random_multinomial", "random_binomial", "random_uniform", "random_normal",
    "random_bounded_uint64_fill",
)
RANDOM_FUNCTIONS = ("scanjit_multinomial", "random_uniform", "random_normal", "random_bounded_uint64_fill")
"""What compiled code calls."""

PCG64_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
TWO_TO_MINUS_53 = "0x3CA0000000000000"
SHORTCUT_MARGIN = "0x3D70000000000000"  # 2^-40

# bitgen_t is {state, next_uint64, next_uint32, next_double, next_raw};
# PCG64's state points to {pcg_state, ...}, and pcg_state to {state, inc} (u128).
MULTINOMIAL_IR = f"""
declare void @random_multinomial(ptr, i64, ptr, ptr, i64, ptr)
declare i64 @random_binomial(ptr, double, i64, ptr)
declare double @numpy_pcg64_next_double(ptr)
declare i64 @llvm.fshr.i64(i64, i64, i64)

define void @scanjit_multinomial(ptr %bitgen, i64 %n, ptr %counts, ptr %p, i64 %d, ptr %binomial) {{
entry:
  %next_double_field = getelementptr ptr, ptr %bitgen, i64 3
  %next_double = load ptr, ptr %next_double_field
  %pcg64 = icmp eq ptr %next_double, @numpy_pcg64_next_double
  br i1 %pcg64, label %setup, label %numpy
numpy:
  call void @random_multinomial(ptr %bitgen, i64 %n, ptr %counts, ptr %p, i64 %d, ptr %binomial)
  ret void
setup:
  %pcg64_state = load ptr, ptr %bitgen
  %state_address = load ptr, ptr %pcg64_state
  %inc_address = getelementptr i128, ptr %state_address, i64 1
  %inc = load i128, ptr %inc_address, align 8
  %state0 = load i128, ptr %state_address, align 8
  %last = sub i64 %d, 1
  br label %loop
loop:
  %j = phi i64 [0, %setup], [%j.next, %next]
  %state = phi i128 [%state0, %setup], [%state.next, %next]
  %dn = phi i64 [%n, %setup], [%dn.next, %next]
  %remaining = phi double [1.0, %setup], [%remaining.next, %next]
  %more = icmp slt i64 %j, %last
  br i1 %more, label %body, label %tail
body:
  %pj_address = getelementptr double, ptr %p, i64 %j
  %pj = load double, ptr %pj_address
  %prob = fdiv double %pj, %remaining
  %multiplied = mul i128 %state, {PCG64_MULTIPLIER}
  %state.drawn = add i128 %multiplied, %inc
  %high128 = lshr i128 %state.drawn, 64
  %high = trunc i128 %high128 to i64
  %low = trunc i128 %state.drawn to i64
  %rotation128 = lshr i128 %state.drawn, 122
  %rotation = trunc i128 %rotation128 to i64
  %folded = xor i64 %high, %low
  %bits = call i64 @llvm.fshr.i64(i64 %folded, i64 %folded, i64 %rotation)
  %bits53 = lshr i64 %bits, 11
  %u53 = uitofp i64 %bits53 to double
  %u = fmul double %u53, {TWO_TO_MINUS_53}
  %q = fsub double 1.0, %prob
  %threshold = fsub double %q, {SHORTCUT_MARGIN}
  %count_one = icmp eq i64 %dn, 1
  %positive = fcmp ogt double %prob, 0.0
  %at_most_half = fcmp ole double %prob, 0.5
  %below = fcmp olt double %u, %threshold
  %in_range = and i1 %positive, %at_most_half
  %zero_draw = and i1 %in_range, %below
  %shortcut = and i1 %count_one, %zero_draw
  ; p == 0, decided from pj so that the state's select need not wait for the division
  %pj_zero = fcmp oeq double %pj, 0.0
  %remaining_nonzero = fcmp one double %remaining, 0.0
  %p_zero = and i1 %pj_zero, %remaining_nonzero
  %no_call = or i1 %p_zero, %shortcut
  %state.kept = select i1 %p_zero, i128 %state, i128 %state.drawn
  br i1 %no_call, label %next, label %numpy_binomial
numpy_binomial:
  store i128 %state, ptr %state_address, align 8
  %x = call i64 @random_binomial(ptr %bitgen, double %prob, i64 %dn, ptr %binomial)
  %state.after = load i128, ptr %state_address, align 8
  br label %next
next:
  %count = phi i64 [0, %body], [%x, %numpy_binomial]
  %state.next = phi i128 [%state.kept, %body], [%state.after, %numpy_binomial]
  %count_address = getelementptr i64, ptr %counts, i64 %j
  store i64 %count, ptr %count_address
  %dn.next = sub i64 %dn, %count
  %remaining.next = fsub double %remaining, %pj
  %j.next = add i64 %j, 1
  %used_up = icmp sle i64 %dn.next, 0
  br i1 %used_up, label %done, label %loop
tail:
  store i128 %state, ptr %state_address, align 8
  %left = icmp sgt i64 %dn, 0
  br i1 %left, label %last_count, label %exit
last_count:
  %last_address = getelementptr i64, ptr %counts, i64 %last
  store i64 %dn, ptr %last_address
  br label %exit
done:
  store i128 %state.next, ptr %state_address, align 8
  br label %exit
exit:
  ret void
}}
"""


@cache
def numpy_random_symbols() -> dict[str, int]:
    """Address of each function, or ImportError if this NumPy lacks one."""
    import numpy.random._generator as generator

    library = ctypes.CDLL(generator.__file__)
    addresses = {}
    for name in NUMPY_RANDOM_FUNCTIONS:
        try:
            addresses[name] = ctypes.cast(getattr(library, name), ctypes.c_void_p).value
        except AttributeError:
            raise ImportError(
                f"this NumPy build does not export {name} from numpy.random._generator; "
                "scanjit needs it to draw random numbers in compiled code") from None
    return addresses


@cache
def bind_random_functions() -> llvm_binding.ExecutionEngine:
    """Bind NumPy's random functions for JIT-compiled modules, then compile
    `scanjit_multinomial` and bind it too; the engine that holds it."""
    import numpy as np

    for name, address in numpy_random_symbols().items():
        llvm_binding.add_symbol(name, address)
    pcg64_next_double = np.random.PCG64(0).ctypes.next_double
    llvm_binding.add_symbol("numpy_pcg64_next_double",
                            ctypes.cast(pcg64_next_double, ctypes.c_void_p).value)
    engine = host.compile_ir(MULTINOMIAL_IR)
    llvm_binding.add_symbol("scanjit_multinomial", engine.get_function_address("scanjit_multinomial"))
    return engine
