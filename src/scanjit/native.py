"""NumPy's C random distributions, bound as JIT symbols.

`numpy.random._generator` exports the C functions behind `Generator`'s
methods; compiled code calls them on the generator's `bitgen_t`, so draws are
bit-identical to NumPy's."""

from __future__ import annotations

import ctypes
from functools import cache

NUMPY_RANDOM_FUNCTIONS = (
    "random_multinomial", "random_uniform", "random_normal", "random_bounded_uint64_fill",
)


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
