"""scanjit's own functions in LLVM IR that compiled code calls (LIBRARY):
what NumPy writes in Cython for its random draws (`scanjit_multinomial`,
`scanjit_choice`, `scanjit_choice_p`, `scanjit_dirichlet`,
`scanjit_permutation`: scanjit.runtime.numpy_random says how each is
NumPy's), and for each dtype the stable sort (`scanjit_argsort_<dtype>`,
sort.ll) and NumPy's binary search (`scanjit_searchsorted_<dtype>`,
searchsorted.ll), both in NumPy's order, where NaNs sort last.

Each is a module of its own, compiled on first use in a process (or loaded
from the compile cache) and bound by name, as the runtime's functions are
(`bind_library`), and not linked into the modules calling it."""

from __future__ import annotations

import re

import llvmlite.binding as llvm_binding

from scanjit.runtime.llvm import fill, once_bound
from scanjit.runtime.numpy_random import NUMPY_RANDOM_FUNCTIONS, bind_numpy_random

_FLOAT_LESS = """  %lt = fcmp olt ${T} %a, %b
  %b_nan = fcmp uno ${T} %b, %b
  %a_number = fcmp ord ${T} %a, %a
  %nan_after = and i1 %b_nan, %a_number
  %less = or i1 %lt, %nan_after"""
_SORTED = {"float64": ("double", _FLOAT_LESS), "float32": ("float", _FLOAT_LESS),
           **{f"int{bits}": (f"i{bits}", "  %less = icmp slt ${T} %a, %b") for bits in (64, 32, 16, 8)},
           "bool": ("i8", "  %less = icmp ult ${T} %a, %b")}

LIBRARY = {"scanjit_multinomial": ("numpy_random.ll", {}), "scanjit_choice": ("choice.ll", {}),
           "scanjit_choice_p": ("choice_p.ll", {}), "scanjit_dirichlet": ("dirichlet.ll", {}),
           "scanjit_permutation": ("permutation.ll", {}),
           **{f"scanjit_{kind}_{dtype}": (f"{kind.removeprefix('arg')}.ll",
                                          {"DTYPE": dtype, "T": t, "LESS": less.replace("${T}", t)})
              for dtype, (t, less) in _SORTED.items() for kind in ("argsort", "searchsorted")}}
"""Each function and the file of LLVM IR defining it (and no other), with
the values of its placeholders."""


def library_ir(name: str) -> str:
    file, values = LIBRARY[name]
    return fill(file, **values)


def library_calls(llvm_ir: str, defined: str = "") -> list[str]:
    """The functions of LIBRARY that `llvm_ir` calls (but `defined`, its own)."""
    return [name for name in LIBRARY if name != defined and re.search(f'@"?{name}"?\\(', llvm_ir)]


@once_bound
def bind_library(name: str) -> llvm_binding.ExecutionEngine:
    """Bind `name`, a function of LIBRARY, for JIT-compiled code: its module
    compiled once a process (O3, as the runtime's), or its object code loaded
    from the compile cache, after the functions it calls. The engine, which
    holds the code, lives as long as the process."""
    from scanjit import runtime

    llvm_ir = library_ir(name)
    for callee in library_calls(llvm_ir, defined=name):
        bind_library(callee)
    if any(f"@{function}(" in llvm_ir for function in NUMPY_RANDOM_FUNCTIONS):
        bind_numpy_random()
    engine = runtime.compiled(llvm_ir)
    llvm_binding.add_symbol(name, engine.get_function_address(name))
    return engine
