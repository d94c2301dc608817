"""The native entry of a compiled function (pyentry.ll): a Python built-in
function (`METH_FASTCALL`) that checks its arguments, runs the compiled
`@main` without the GIL and makes the result arrays itself, so that a call
with arrays of the right types does no Python-level work in between.

It reaches NumPy through NumPy's C API table (the `_ARRAY_API` capsule, the
table C extensions import) and Python through the C API functions `ctypes`
finds in the process; `bind_symbols` binds both for the runtime's module.
"""

from __future__ import annotations

import ctypes
from functools import cache

import llvmlite.binding as llvm_binding
import numpy as np

try:
    from numpy._core import _multiarray_umath
except ImportError:  # NumPy 1.x
    from numpy.core import _multiarray_umath

# Indices in NumPy's C API table (numpy/__multiarray_api.h, stable since 1.7).
ARRAY_TYPE, NEW_FROM_DESCR, SET_BASE_OBJECT = 2, 94, 282
METH_FASTCALL = 0x80
PYTHON_FUNCTIONS = ("PyCapsule_GetPointer", "PyCapsule_New", "PyEval_SaveThread", "PyEval_RestoreThread",
                    "Py_IncRef", "Py_DecRef", "PyList_New", "PyList_SetItem", "PyBytes_FromStringAndSize")

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype, _capsule_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
_new_capsule = ctypes.pythonapi.PyCapsule_New
_new_capsule.restype, _new_capsule.argtypes = ctypes.py_object, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]


class _MethodDef(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("function", ctypes.c_void_p), ("flags", ctypes.c_int),
                ("doc", ctypes.c_char_p)]


_new_function = ctypes.pythonapi.PyCFunction_NewEx
_new_function.restype = ctypes.py_object
_new_function.argtypes = [ctypes.POINTER(_MethodDef), ctypes.py_object, ctypes.c_void_p]


def bind_symbols() -> None:
    """Bind the Python and NumPy functions pyentry.ll calls (before it is compiled)."""
    table = ctypes.cast(_capsule_pointer(_multiarray_umath._ARRAY_API, None), ctypes.POINTER(ctypes.c_void_p))
    for name, index in (("scanjit_PyArray_Type", ARRAY_TYPE), ("scanjit_PyArray_NewFromDescr", NEW_FROM_DESCR),
                        ("scanjit_PyArray_SetBaseObject", SET_BASE_OBJECT)):
        llvm_binding.add_symbol(name, table[index])
    llvm_binding.add_symbol("scanjit_NotImplemented", id(NotImplemented))
    for name in PYTHON_FUNCTIONS:
        llvm_binding.add_symbol(name, ctypes.cast(getattr(ctypes.pythonapi, name), ctypes.c_void_p).value)


def native_entry(runtime_address, main: int, inputs, outputs, slots: int, single: bool):
    """The built-in function calling the compiled `main`: `entry(*arrays)`
    returns the outputs (one array when `single`, else a list),
    NotImplemented when an argument is not an ndarray the compiled code takes
    as it is, or `bytes` when a check failed: the status then the result
    slots, as i64s. `inputs` are (dtype, ndim) pairs (ndim -1: always
    NotImplemented), `outputs` (dtype, ndim, leading rows to skip) triples;
    `runtime_address(name)` finds the runtime's functions. The spec lives in
    a runtime block that the function's capsule frees with it."""
    words = [main, len(inputs), len(outputs), slots, int(single)]
    for dtype, ndim in inputs:
        words += [id(np.dtype(dtype)), ndim]
    for dtype, ndim, skip in outputs:
        words += [id(np.dtype(dtype)), ndim, skip, np.dtype(dtype).itemsize]
    spec = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int64)(runtime_address("scanjit_alloc"))(8 * len(words))
    if not spec:
        raise MemoryError("cannot allocate a function's native entry")
    ctypes.memmove(spec, (ctypes.c_int64 * len(words))(*words), 8 * len(words))
    owner = _new_capsule(spec, None, runtime_address("scanjit_free_capsule"))
    return _new_function(_method(runtime_address("scanjit_call")), owner, None)


@cache
def _method(call_address: int) -> _MethodDef:
    """The method definition of `scanjit_call`, shared by all entries (and kept alive)."""
    return _MethodDef(b"scanjit_call", call_address, METH_FASTCALL, None)
