"""`pt.linalg` (and `pt.nlinalg`, `pt.slinalg`): what composes from other
ops, as in PyTensor: norm, trace, matrix_dot, matrix_power and kron; and inv, solve, det,
slogdet, cholesky and solve_triangular (scanjit/tensor/factorized.py). What
needs another factorization (an SVD, QR, eigenvalues) is not here yet."""

from __future__ import annotations

import builtins
import functools
import warnings

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from scanjit.graph import Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.diagonal import diagonal
from scanjit.tensor.elemwise import abs, mul, neq, pow, reciprocal, sqrt
from scanjit.tensor.factorized import (  # noqa: F401
    cholesky, det, inv, matrix_inverse, slogdet, solve, solve_triangular,
)
from scanjit.tensor.math import max, min, sum
from scanjit.tensor.products import Dot, dot
from scanjit.tensor.creation import eye
from scanjit.tensor.shape import Shape, expand_dims, reshape, shape_padright

__all__ = ["cholesky", "det", "inv", "kron", "matrix_dot", "matrix_inverse", "matrix_power", "norm", "slogdet", "solve",
           "solve_triangular", "trace"]


def trace(X) -> Variable:
    """`x.trace()`: the sum of the whole diagonal, deprecated as in PyTensor
    (`pt.trace` sums along diagonals, as NumPy's)."""
    warnings.warn("pytensor.tensor.linalg.trace is deprecated. Use pytensor.tensor.trace instead.")
    return sum(diagonal(X))


def matrix_dot(*args) -> Variable:
    """args[0] · args[1] · ..., left to right."""
    return functools.reduce(dot, args)


def matrix_power(M, n: int) -> Variable:
    """M to the integer power n, by repeated squaring (PyTensor's products);
    a negative n: of M's inverse (PyTensor takes a pseudo-inverse; `inv`
    raises LinAlgError for a singular M instead of giving a power of it)."""
    M = as_tensor_variable(M)
    if n < 0:
        M, n = inv(M), -n
    if n == 0:
        return eye(Shape(M.ndim - 2)(M), dtype=M.dtype)
    result, square = None, M
    while True:
        n, bit = divmod(n, 2)
        if bit:
            result = square if result is None else dot(result, square)
        if not n:
            return result
        square = dot(square, square)


def kron(a, b) -> Variable:
    """NumPy's Kronecker product: blocks a[i, j] * b, with the operand of
    fewer axes given leading axes of length 1 (at least 3 axes between them)."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim + b.ndim <= 2:
        raise TypeError(f"kron: inputs dimensions must sum to 3 or more. You passed {a.ndim} and {b.ndim}.")
    ndim = builtins.max(a.ndim, b.ndim)
    a, b = (expand_dims(x, tuple(range(ndim - x.ndim))) for x in (a, b))
    blocks = mul(expand_dims(a, tuple(range(1, 2 * ndim, 2))), expand_dims(b, tuple(range(0, 2 * ndim, 2))))
    return reshape(blocks, [mul(Shape(k)(a), Shape(k)(b)) for k in range(ndim)])


def _sum_of_squares_norm(x: Variable, core: int, keepdims: bool) -> Variable:
    """PyTensor's quick norm: sqrt(x · x) over the last `core` axes (a dot,
    with its dtype)."""
    ret = sqrt(Dot(x.ndim - core, core)(x, x) if core else mul(x, x))
    return shape_padright(ret, core) if keepdims else ret


def _vector_norm(x: Variable, ord, axis: tuple, keepdims: bool) -> Variable:
    if ord in (None, "fro", "f") and (x.ndim >= 2 or ord is None):
        return sqrt(sum(mul(x, x), axis=axis, keepdims=keepdims))
    if ord in ("inf", np.inf):
        return max(abs(x), axis=axis, keepdims=keepdims)
    if ord in ("-inf", -np.inf):
        return min(abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return sum(neq(x, 0), axis=axis, keepdims=keepdims)
    if ord == 1:
        return sum(abs(x), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    return pow(sum(pow(abs(x), ord), axis=axis, keepdims=keepdims), reciprocal(ord))


def _matrix_norm(x: Variable, ord, row: int, col: int, keepdims: bool) -> Variable:
    if ord in (None, "fro", "f"):
        ret = sqrt(sum(mul(x, x), axis=(row, col)))
    elif ord in ("inf", np.inf, "-inf", -np.inf):  # over rows, of the sums along them
        outer = max if ord in ("inf", np.inf) else min
        ret = outer(sum(abs(x), axis=col), axis=row - (row > col))
    elif ord in (1, -1):  # over columns, of the sums along them
        ret = (max if ord == 1 else min)(sum(abs(x), axis=row), axis=col - (col > row))
    elif ord in (2, -2, "nuc"):
        raise NotImplementedError(f"norm of order {ord!r} of matrices needs their singular values "
                                  "(an SVD), which scanjit does not compute yet")
    else:
        raise ValueError(f"Invalid norm order for matrices: {ord}")
    return expand_dims(ret, (row, col)) if keepdims else ret


def norm(x, ord=None, axis=None, keepdims: bool = False) -> Variable:
    """PyTensor's norm: with `axis` None, of the last two axes (one for a
    vector), the others batch axes; an int axis: vector norms along it; two
    axes: matrix norms. Orders: vectors None/2 and any p, inf, -inf, 0, 1;
    matrices None/'fro', 1, -1, inf, -inf (2, -2 and 'nuc' need an SVD)."""
    x = as_tensor_variable(x)
    core = builtins.min(2, x.ndim)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and core == 2) or (ord == 2 and core == 1):
            return _sum_of_squares_norm(x, core, keepdims)
        axis = tuple(range(core))
    elif not isinstance(axis, tuple):
        try:
            axis = (int(axis),)
        except Exception as e:
            raise TypeError("'axis' must be None, an integer, or a tuple of integers") from e
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) == 2:
        row, col = (x.ndim - core + a for a in normalize_axis_tuple(axis, core))
        return _matrix_norm(x, ord, row, col, keepdims)
    raise ValueError(f"Cannot compute norm when core_dims < 1 or core_dims > 3, found: core_dims = {core}")
