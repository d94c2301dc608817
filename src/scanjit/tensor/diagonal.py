"""Diagonals as NumPy's: diagonal, diag (a vector's matrix, or a matrix's
diagonal) and trace, composed from advanced indexing with index vectors."""

from __future__ import annotations

import builtins
import warnings

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable, constant
from scanjit.tensor.creation import zeros
from scanjit.tensor.elemwise import maximum, minimum
from scanjit.tensor.math import sum
from scanjit.tensor.shape import Shape, arange, dimshuffle
from scanjit.tensor.subtensor import set_subtensor


def _diagonal_indices(rows, cols, offset: int) -> tuple[Variable, Variable]:
    """The row and column index vectors of the `offset` diagonal of a rows x
    cols matrix: constants when both lengths are ints (static lengths)."""
    first_row, first_col = builtins.max(0, -offset), builtins.max(0, offset)
    if isinstance(rows, int) and isinstance(cols, int):
        i = np.arange(builtins.max(0, builtins.min(rows - first_row, cols - first_col)))
        return constant(i + first_row), constant(i + first_col)
    i = arange(maximum(minimum(rows - first_row, cols - first_col), 0))
    return i + first_row, i + first_col


def _length(x: Variable, axis: int):
    return x.type.shape[axis] if x.type.shape[axis] is not None else Shape(axis)(x)


def diagonal(a, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Variable:
    """NumPy's diagonal: axes axis1 and axis2 removed, the diagonal
    (a[i, i + offset] over them) appended as the last axis."""
    a = as_tensor_variable(a)
    axis1, axis2 = normalize_axis_tuple((axis1, axis2), a.ndim)
    x = dimshuffle(a, axis1, axis2, *[k for k in range(a.ndim) if k not in (axis1, axis2)])
    rows, cols = _diagonal_indices(_length(x, 0), _length(x, 1), int(offset))
    d = x[rows, cols]
    return dimshuffle(d, *range(1, d.ndim), 0)


def alloc_diag(v, offset: int = 0) -> Variable:
    """A square matrix of zeros with the vector `v` on its `offset` diagonal."""
    v = as_tensor_variable(v)
    size = _length(v, 0) + builtins.abs(offset)
    rows, cols = _diagonal_indices(size, size, int(offset))
    return set_subtensor(zeros((size, size), v.dtype)[rows, cols], v)


def diag(v, k: int = 0) -> Variable:
    """The matrix with vector `v` on its k-th diagonal, or the k-th diagonal
    of matrix `v`."""
    v = as_tensor_variable(v)
    if v.ndim == 1:
        return alloc_diag(v, k)
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def trace(a, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Variable:
    """NumPy's trace: the sums along diagonals (`pt.trace`)."""
    return sum(diagonal(a, offset, axis1, axis2), -1)


def extract_diag(x) -> Variable:
    warnings.warn("pytensor.tensor.extract_diag is deprecated. Use pytensor.tensor.diagonal instead.", FutureWarning)
    return diagonal(x)
