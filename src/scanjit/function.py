"""`scanjit.function`: compile a graph and call the native code.

Calling convention (see passes/convert_func_to_llvm.py): the native function
takes an array of 8-byte argument slots and an array of result slots and
returns a status; status k > 0 means the k-th run-time check failed.
"""

from __future__ import annotations

import ctypes
import weakref
from collections.abc import Sequence

import numpy as np

from scanjit.graph import Constant, Variable
from scanjit.tensor.basic import as_tensor_variable, upcast

_NATIVE = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)
_free = ctypes.CDLL(None).free
_free.argtypes = [ctypes.c_void_p]
_EXCEPTIONS = {"IndexError": IndexError, "ValueError": ValueError, "MemoryError": MemoryError,
               "TypeError": TypeError}


def filter_input(var: Variable, value, allow_downcast: bool | None) -> np.ndarray:
    """Convert a call argument to `var`'s type as PyTensor does: arrays may only
    be upcast losslessly, Python values converted when nothing is lost."""
    what = f"input {var.label()}"
    if value is None or isinstance(value, str | bytes):
        raise TypeError(f"{what} expects a {var.type}, got {type(value).__name__}")
    dtype = np.dtype(var.dtype)
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        if array.dtype != dtype:
            if array.dtype.kind not in "biuf":
                raise TypeError(f"{what} expects {var.dtype}, got an array of {array.dtype}")
            if not allow_downcast and upcast(var.dtype, str(array.dtype)) != var.dtype:
                raise TypeError(
                    f"{what} is {var.dtype}: an array of {array.dtype} cannot be stored in it "
                    "without losing precision; cast it, or pass allow_input_downcast=True")
            array = array.astype(dtype)
    else:
        try:
            raw = np.asarray(value)
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
        if raw.dtype.kind not in "biuf":
            raise TypeError(f"{what} expects {var.dtype}, got {type(value).__name__} {value!r}")
        array = raw.astype(dtype)
        if not allow_downcast and not np.array_equal(array, raw, equal_nan=raw.dtype.kind == "f"):
            raise TypeError(f"{what} is {var.dtype}: {value!r} cannot be converted without loss")
    if array.ndim != var.ndim:
        raise TypeError(f"{what} expects {var.ndim} dimensions, got an array of shape {array.shape}")
    for axis, (static, actual) in enumerate(zip(var.type.shape, array.shape)):
        if static is not None and static != actual:
            raise ValueError(f"{what} has static length {static} on axis {axis}, got {actual}")
    return np.ascontiguousarray(array)


def _wrap_result(pointer: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A NumPy array over a buffer the native code malloc'ed; freed with the array."""
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes == 0:
        _free(pointer)
        return np.empty(shape, dtype)
    raw = (ctypes.c_byte * nbytes).from_address(pointer)
    weakref.finalize(raw, _free, pointer)
    return np.frombuffer(raw, dtype).reshape(shape)


class Function:
    """A compiled function: call it with arrays, Python scalars or lists."""

    def __init__(self, inputs: Sequence[Variable], outputs, allow_input_downcast=None):
        from scanjit.compiler import compile_graph

        self.inputs = list(inputs)
        self.single = not isinstance(outputs, list | tuple)
        self.outputs = [as_tensor_variable(o) for o in ([outputs] if self.single else outputs)]
        for var in self.inputs:
            if not isinstance(var, Variable) or isinstance(var, Constant) or var.owner is not None:
                raise TypeError(f"function inputs must be input variables, got {var!r}")
        self.allow_input_downcast = allow_input_downcast
        self.stages: dict[str, str] = {}
        self.compiled = compile_graph(self.inputs, self.outputs)
        self._native = _NATIVE(self.compiled.address("main"))
        self._n_result_slots = sum(o.ndim + 1 for o in self.outputs)

    def __call__(self, *args):
        if len(args) != len(self.inputs):
            raise TypeError(f"expected {len(self.inputs)} arguments, got {len(args)}")
        arrays = [filter_input(v, a, self.allow_input_downcast) for v, a in zip(self.inputs, args)]
        slots = np.zeros(sum(a.ndim + 1 for a in arrays), np.int64)
        k = 0
        for array in arrays:
            if array.ndim == 0:
                slots[k:k + 1].view(np.uint8)[:array.itemsize] = np.frombuffer(array.tobytes(), np.uint8)
            else:
                slots[k] = array.ctypes.data
                slots[k + 1:k + 1 + array.ndim] = array.shape
            k += array.ndim + 1
        results = np.zeros(self._n_result_slots, np.int64)
        status = self._native(slots.ctypes.data, results.ctypes.data)
        if status:
            message = self.compiled.errors[status - 1]
            kind, _, text = message.partition(": ")
            raise _EXCEPTIONS.get(kind, RuntimeError)(text)
        values, k = [], 0
        for out in self.outputs:
            dtype = np.dtype(out.dtype)
            if out.ndim == 0:
                values.append(np.frombuffer(results[k:k + 1].tobytes()[:dtype.itemsize], dtype)
                              .reshape(()).copy())
            else:
                shape = tuple(int(s) for s in results[k + 1:k + 1 + out.ndim])
                values.append(_wrap_result(int(results[k]), shape, dtype))
            k += out.ndim + 1
        return values[0] if self.single else values


def function(inputs, outputs=None, updates=None, givens=None, mode=None, name=None,
             allow_input_downcast=None, on_unused_input=None, **kwargs) -> Function:
    """Compile `outputs` as a function of `inputs` (PyTensor's signature)."""
    if updates:
        raise NotImplementedError("updates of shared variables are not supported yet")
    if givens:
        raise NotImplementedError("givens are not supported")
    return Function(list(inputs), [] if outputs is None else outputs, allow_input_downcast)
