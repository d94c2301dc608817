"""The dtypes scanjit supports, and PyTensor's rules for combining them and
for the dtypes of constants."""

from __future__ import annotations

import numpy as np

from scanjit import config

DTYPES = ("float64", "float32", "int64", "int32", "int16", "int8", "bool")
FLOATS = ("float32", "float64")
INTS = ("int8", "int16", "int32", "int64")


def is_float(dtype: str) -> bool:
    return dtype in FLOATS


def upcast(*dtypes: str) -> str:
    return str(np.result_type(*[np.dtype(d) for d in dtypes]))


def upgrade_to_float(dtype: str) -> str:
    """PyTensor's rule for float-valued functions of integers."""
    return {"bool": "float32", "int8": "float32", "int16": "float32"}.get(
        dtype, dtype if is_float(dtype) else "float64")


def constant_array(value, dtype: str | None = None) -> np.ndarray:
    """`value` as the array of a constant, with PyTensor's dtype rules.
    Python ints and floats (exactly those types: NumPy scalars keep their
    dtype) become the smallest dtype holding them exactly (`cast_policy=
    'custom'`), so `fvector * 2` and `fvector + 1.5` stay float32; NumPy
    scalars, arrays and lists keep NumPy's dtype. Unsigned, float16 and
    complex values, which scanjit does not support, are upcast."""
    data = np.asarray(value, dtype=dtype) if dtype is not None else _autocast(value)
    if data.dtype == np.float16 or data.dtype.kind in "uc":
        data = data.astype(upcast(str(data.dtype), "int8" if data.dtype.kind == "u" else "float32"))
    return data


def _autocast(value) -> np.ndarray:
    if type(value) is int:
        for dtype in INTS:
            if np.iinfo(dtype).min <= value <= np.iinfo(dtype).max:
                return np.asarray(value, dtype=dtype)
        raise OverflowError(f"{value} does not fit in int64")
    if type(value) is float:
        if config.floatX == "float32":
            return np.asarray(value, dtype="float32")
        with np.errstate(over="ignore"):
            small = np.asarray(value, dtype="float32")
        # Compare as Python floats: NumPy 2 would compare `small == value` in float32.
        # NaN != NaN, so NaN is float64, as in PyTensor.
        return small if float(small) == value else np.asarray(value, dtype="float64")
    return np.asarray(value)
