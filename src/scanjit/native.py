"""Random draws in compiled code: NumPy's C distributions, bound as JIT
symbols, and `scanjit_multinomial`.

`numpy.random._generator` exports the C functions behind `Generator`'s
methods; compiled code calls them on the generator's `bitgen_t`, so draws are
bit-identical to NumPy's.

`scanjit_multinomial` is NumPy's `random_multinomial` (one binomial draw per
category, left to right, until the count is used up) with a shortcut for the
common draw; its counts and the generator's state afterwards are NumPy's
exactly (tests/test_random.py checks both, draw for draw):

* With a PCG64 generator (`default_rng`'s), a category with count 1 and
  p = pj / remaining <= 1/2 is drawn inline. NumPy's binomial inversion takes
  one uniform U and returns 0 if U <= exp(log(1 - p)), which libm computes
  within a few ulp of 1 - p >= 1/2. The shortcut tests, without dividing,
  U * remaining < (remaining - pj) * (1 - 2^-40) (rounding errors below
  2^-50), so U < 1 - p - 2^-41: the draw is 0 and uses U, which is all the
  shortcut does, PCG64's step inline and the state in registers. Otherwise
  the state goes back to memory and NumPy's own `random_binomial` draws, from
  the same U. A category with p == 0 is 0 without a draw, as in NumPy.
* Count 1 (a one-hot sample) takes two categories per iteration: their states
  after one and after two draws are computed side by side (s*M + inc and
  s*M^2 + inc*(M + 1)), so the 128-bit multiply is not a chain of one per
  category. A pair where either category needs NumPy is redone one by one.
* Any other bit generator goes to NumPy's `random_multinomial`.

It is linked into each module that calls it (so that the compile cache holds
it too), where LLVM may inline it. `counts` must be zero on entry, as
`Generator.multinomial`'s are: like NumPy's, the function writes the counts
of the categories it visits, and the pairs write none for their zeros.
"""

from __future__ import annotations

import ctypes
import re
from functools import cache

import llvmlite.binding as llvm_binding

NUMPY_RANDOM_FUNCTIONS = (
    "random_multinomial", "random_binomial", "random_uniform", "random_normal",
    "random_bounded_uint64_fill",
)

PCG64_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
PCG64_MULTIPLIER_SQUARED = PCG64_MULTIPLIER**2 % 2**128  # two steps: s * M^2 + inc * (M + 1)
TWO_TO_MINUS_53 = "0x3CA0000000000000"
ONE_MINUS_MARGIN = "0x3FEFFFFFFFFFE000"  # 1 - 2^-40
TWO_TO_MINUS_500 = "0x20B0000000000000"


def pcg64_double(name: str, state: str) -> str:
    """LLVM lines defining %{name}: NumPy's next_double for a PCG64 state just
    stepped (the XSL-RR output's top 53 bits times 2^-53)."""
    return f"""
  %{name}.high128 = lshr i128 {state}, 64
  %{name}.high = trunc i128 %{name}.high128 to i64
  %{name}.low = trunc i128 {state} to i64
  %{name}.rotation128 = lshr i128 {state}, 122
  %{name}.rotation = trunc i128 %{name}.rotation128 to i64
  %{name}.folded = xor i64 %{name}.high, %{name}.low
  %{name}.bits = call i64 @llvm.fshr.i64(i64 %{name}.folded, i64 %{name}.folded, i64 %{name}.rotation)
  %{name}.bits53 = lshr i64 %{name}.bits, 11
  %{name}.u53 = uitofp i64 %{name}.bits53 to double
  %{name} = fmul double %{name}.u53, {TWO_TO_MINUS_53}"""


def no_call(c: str, pj: str, remaining: str, remaining_next: str, u: str) -> str:
    """LLVM lines defining %{c}.p_zero (p == 0: a count of 0, no draw) and
    %{c}.shortcut (a count of 1 drawing U gets 0) for a category."""
    return f"""
  %{c}.pj_zero = fcmp oeq double {pj}, 0.0
  %{c}.remaining_nonzero = fcmp one double {remaining}, 0.0
  %{c}.p_zero = and i1 %{c}.pj_zero, %{c}.remaining_nonzero
  %{c}.lower = call double @llvm.maxnum.f64(double {pj}, double {TWO_TO_MINUS_500})
  %{c}.at_most_half = fcmp ogt double {remaining_next}, %{c}.lower
  %{c}.scaled = fmul double {u}, {remaining}
  %{c}.bound = fmul double {remaining_next}, {ONE_MINUS_MARGIN}
  %{c}.below = fcmp olt double %{c}.scaled, %{c}.bound
  %{c}.shortcut = and i1 %{c}.at_most_half, %{c}.below"""


# bitgen_t is {state, next_uint64, next_uint32, next_double, next_raw};
# PCG64's state points to {pcg_state, ...}, and pcg_state to {state, inc} (u128).
MULTINOMIAL_IR = f"""
declare void @random_multinomial(ptr, i64, ptr, ptr, i64, ptr)
declare i64 @random_binomial(ptr, double, i64, ptr)
declare double @numpy_pcg64_next_double(ptr)
declare i64 @llvm.fshr.i64(i64, i64, i64)
declare double @llvm.maxnum.f64(double, double)

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
  %inc2 = mul i128 %inc, {PCG64_MULTIPLIER + 1}
  %last = sub i64 %d, 1
  %one = icmp eq i64 %n, 1
  br i1 %one, label %pairs, label %single

pairs:
  ; a count of 1: two categories at a time while neither needs a call, the
  ; state stepping zero, one or two draws at once (no chain of single steps)
  %pj = phi i64 [0, %setup], [%pj.next, %pair]
  %pstate = phi i128 [%state0, %setup], [%pstate.next, %pair]
  %premaining = phi double [1.0, %setup], [%b.remaining, %pair]
  %pk = add i64 %pj, 1
  %two_left = icmp slt i64 %pk, %last
  br i1 %two_left, label %pair, label %single
pair:
  %a.address = getelementptr double, ptr %p, i64 %pj
  %a.p = load double, ptr %a.address
  %b.address = getelementptr double, ptr %p, i64 %pk
  %b.p = load double, ptr %b.address
  %a.remaining = fsub double %premaining, %a.p
  %b.remaining = fsub double %a.remaining, %b.p
  %step1.product = mul i128 %pstate, {PCG64_MULTIPLIER}
  %step1 = add i128 %step1.product, %inc
  %step2.product = mul i128 %pstate, {PCG64_MULTIPLIER_SQUARED}
  %step2 = add i128 %step2.product, %inc2{pcg64_double("u1", "%step1")}{pcg64_double("u2", "%step2")}{
    no_call("a", "%a.p", "%premaining", "%a.remaining", "%u1")}
  %b.u = select i1 %a.p_zero, double %u1, double %u2{no_call("b", "%b.p", "%a.remaining", "%b.remaining", "%b.u")}
  %a.ok = or i1 %a.p_zero, %a.shortcut
  %b.ok = or i1 %b.p_zero, %b.shortcut
  %both_ok = and i1 %a.ok, %b.ok
  %state.a_kept = select i1 %b.p_zero, i128 %pstate, i128 %step1
  %state.a_drew = select i1 %b.p_zero, i128 %step1, i128 %step2
  %pstate.next = select i1 %a.p_zero, i128 %state.a_kept, i128 %state.a_drew
  %pj.next = add i64 %pj, 2
  br i1 %both_ok, label %pairs, label %single

single:
  ; one category at a time (the pair that needs a call, the last ones, n != 1)
  %j0 = phi i64 [0, %setup], [%pj, %pairs], [%pj, %pair]
  %state_0 = phi i128 [%state0, %setup], [%pstate, %pairs], [%pstate, %pair]
  %remaining0 = phi double [1.0, %setup], [%premaining, %pairs], [%premaining, %pair]
  br label %loop
loop:
  %j = phi i64 [%j0, %single], [%j.next, %next]
  %state = phi i128 [%state_0, %single], [%state.next, %next]
  %dn = phi i64 [%n, %single], [%dn.next, %next]
  %remaining = phi double [%remaining0, %single], [%remaining.next, %next]
  %more = icmp slt i64 %j, %last
  br i1 %more, label %body, label %tail
body:
  %pj_address = getelementptr double, ptr %p, i64 %j
  %p_j = load double, ptr %pj_address
  %remaining.next = fsub double %remaining, %p_j
  %multiplied = mul i128 %state, {PCG64_MULTIPLIER}
  %state.drawn = add i128 %multiplied, %inc{pcg64_double("u", "%state.drawn")}{
    no_call("c", "%p_j", "%remaining", "%remaining.next", "%u")}
  %count_one = icmp eq i64 %dn, 1
  %shortcut = and i1 %count_one, %c.shortcut
  %no_call = or i1 %c.p_zero, %shortcut
  %state.kept = select i1 %c.p_zero, i128 %state, i128 %state.drawn
  br i1 %no_call, label %next, label %numpy_binomial
numpy_binomial:
  ; NumPy's own draw, from the same state
  store i128 %state, ptr %state_address, align 8
  %prob = fdiv double %p_j, %remaining
  %x = call i64 @random_binomial(ptr %bitgen, double %prob, i64 %dn, ptr %binomial)
  %state.after = load i128, ptr %state_address, align 8
  br label %next
next:
  %count = phi i64 [0, %body], [%x, %numpy_binomial]
  %state.next = phi i128 [%state.kept, %body], [%state.after, %numpy_binomial]
  %count_address = getelementptr i64, ptr %counts, i64 %j
  store i64 %count, ptr %count_address
  %dn.next = sub i64 %dn, %count
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

LIBRARY = {"scanjit_multinomial": MULTINOMIAL_IR}
"""Functions linked into each module that calls them (and so cached with it)."""


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


def pcg64_layout_holds(bit_generator_type) -> bool:
    """Whether generators of this type keep their state where
    `scanjit_multinomial` reads PCG64's (bitgen_t.state -> pcg_state -> two
    u128, state and inc) and draw NumPy's next double as its inline step does."""
    import numpy as np

    bit_generator = bit_generator_type(20261125)
    pcg64_state = ctypes.c_void_p.from_address(bit_generator.ctypes.bit_generator.value).value
    words = (ctypes.c_uint64 * 4).from_address(ctypes.c_void_p.from_address(pcg64_state).value)
    state, inc = words[0] | words[1] << 64, words[2] | words[3] << 64
    expected = bit_generator.state["state"]
    if (state, inc) != (expected["state"], expected["inc"]):
        return False
    state = (state * PCG64_MULTIPLIER + inc) % 2**128
    folded, rotation = (state >> 64 ^ state) % 2**64, state >> 122
    bits = (folded >> rotation | folded << (64 - rotation)) % 2**64
    return (bits >> 11) * 2.0**-53 == np.random.Generator(bit_generator).random()


@cache
def bind_numpy_random() -> None:
    """Bind NumPy's random functions, and PCG64's next_double (which
    `scanjit_multinomial` compares a generator's with), for JIT-compiled code.
    If this NumPy's PCG64 is not laid out as the inline step expects, the
    symbol gets an address no generator has, and every draw is NumPy's."""
    import numpy as np

    for name, address in numpy_random_symbols().items():
        llvm_binding.add_symbol(name, address)
    pcg64_next_double = ctypes.cast(np.random.PCG64(0).ctypes.next_double, ctypes.c_void_p).value
    llvm_binding.add_symbol("numpy_pcg64_next_double",
                            pcg64_next_double if pcg64_layout_holds(np.random.PCG64) else 1)


def libraries_for(llvm_ir: str) -> dict[str, str]:
    """The hand-written functions `llvm_ir` calls, by name: their LLVM IR."""
    return {name: ir for name, ir in LIBRARY.items() if re.search(f'@"?{name}"?\\(', llvm_ir)}
