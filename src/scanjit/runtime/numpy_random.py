"""Random draws in compiled code: NumPy's C distributions, bound as JIT
symbols, and scanjit's own in LLVM IR (scanjit.runtime.library): `scanjit_multinomial`
(numpy_random.ll) and, for what NumPy writes in Cython, `scanjit_choice`,
`scanjit_choice_p`, `scanjit_dirichlet`, `scanjit_permutation` and
`scanjit_searchsorted_float64` (each file says what it does as NumPy does).

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

Each of these functions is a module of its own (scanjit.runtime.library):
linked into each module calling it, its IR was a third of Exercise 2's,
compiled again each time (Exercise 2's compile 305 -> 261 ms; workload 5
runs in the same time, not inlined).
`counts` must be zero on entry, as
`Generator.multinomial`'s are: like NumPy's, the function writes the counts
of the categories it visits, and the pairs write none for their zeros.
"""

from __future__ import annotations

import ctypes
from functools import cache

import llvmlite.binding as llvm_binding


NUMPY_RANDOM_FUNCTIONS = (
    "random_multinomial", "random_binomial", "random_uniform", "random_normal",
    "random_bounded_uint64_fill", "random_bounded_uint64", "random_beta", "random_gamma",
    "random_exponential", "random_poisson", "random_standard_gamma", "random_standard_uniform",
    "random_interval", "random_lognormal", "random_laplace", "random_logistic", "random_weibull", "random_wald",
    "random_vonmises", "random_geometric", "random_standard_normal", "random_standard_t", "random_negative_binomial",
    "random_hypergeometric", "random_triangular",
)

PCG64_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # as in numpy_random.ll

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
