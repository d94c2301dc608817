"""`pt.linalg` (and `pt.nlinalg`, `pt.slinalg`): what composes from other
ops: norm, trace, matrix_dot, matrix_power, kron, block_diag, cho_solve,
tensorinv, tensorsolve and solve_discrete_lyapunov; and inv, solve, det,
slogdet, cholesky, solve_triangular, eigh, eigvalsh, svd, pinv, qr,
lu_factor, lu and lu_solve (scanjit/tensor/factorized.py). What needs
another factorization (Schur's) is not here yet."""

from __future__ import annotations

import builtins
import functools
import warnings

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from scanjit.dtypes import upcast
from scanjit.graph import Variable
from scanjit.raise_op import assert_op
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.diagonal import diagonal
from scanjit.tensor.elemwise import abs, add, cast, eq, mul, neq, pow, reciprocal, sqrt
from scanjit.tensor.join import join
from scanjit.tensor.factorized import (  # noqa: F401
    QR, SVD, Cholesky, Det, Eigh, LUFactor, MatrixInverse, MatrixPinv, PivotToPermutations, Solve, SolveBase,
    SolveTriangular, cholesky, det, eigh, eigvalsh, inv, lu, lu_factor, lu_solve, matrix_inverse, pinv,
    pivot_to_permutation, qr, slogdet, solve, solve_triangular, svd,
)
from scanjit.tensor.math import max, min, sum
from scanjit.tensor.products import Dot, dot
from scanjit.tensor.creation import eye, zeros
from scanjit.tensor.shape import Shape, expand_dims, reshape, shape_padright
from scanjit.unsupported import module_getattr, not_yet

__all__ = ["block_diag", "cho_solve", "cholesky", "det", "eigh", "eigvalsh", "inv", "kron", "lu", "lu_factor",
           "lu_solve", "matrix_dot", "matrix_inverse", "matrix_power", "norm", "pinv", "pivot_to_permutation", "qr",
           "slogdet", "solve", "solve_discrete_lyapunov", "solve_triangular", "svd", "tensorinv", "tensorsolve",
           "trace"]

PYTENSORS_OWN = "one of PyTensor's own Op classes or modules"
NOT_YET = not_yet({
    "": ("eig", "expm", "lstsq", "ordqz", "qz", "schur", "solve_continuous_lyapunov", "solve_discrete_are",
         "solve_sylvester", "tridiagonal_lu_factor", "tridiagonal_lu_solve"),
    PYTENSORS_OWN: (
        "BaseBlockDiagonal", "BlockDiagonal", "CholeskySolve", "Eig", "Eigvalsh", "Expm", "KroneckerProduct", "LU",
        "LUFactorTridiagonal", "Lstsq", "QZ", "SLogDet", "Schur", "SolveLUFactorTridiagonal", "TensorInv",
        "TensorSolve", "constructors", "decomposition", "dtype_utils", "inverse", "products", "solvers", "summary"),
})
"""The public names of PyTensor's `pt.linalg` that scanjit does not have:
why, or "" for the ones still to do."""
__getattr__ = module_getattr("pytensor.tensor.linalg", NOT_YET)


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
    elif ord in (2, -2, "nuc"):  # of the singular values, as NumPy's
        if x.ndim != 2:
            raise NotImplementedError(f"norm of order {ord!r} of a batch of matrices (the SVD of matrices only)")
        s = svd(x, compute_uv=False)  # x's and xᵀ's alike
        ret = {2: max, -2: min, "nuc": sum}[ord](s)
    else:
        raise ValueError(f"Invalid norm order for matrices: {ord}")
    return expand_dims(ret, (row, col)) if keepdims else ret


def norm(x, ord=None, axis=None, keepdims: bool = False) -> Variable:
    """PyTensor's norm: with `axis` None, of the last two axes (one for a
    vector), the others batch axes; an int axis: vector norms along it; two
    axes: matrix norms. Orders: vectors None/2 and any p, inf, -inf, 0, 1;
    matrices None/'fro', 1, -1, inf, -inf, and 2, -2, 'nuc' (of a matrix's
    singular values)."""
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


def _matrices(name: str, *xs) -> list[Variable]:
    xs = [as_tensor_variable(x) for x in xs]
    if any(x.ndim != 2 for x in xs):
        raise NotImplementedError(f"{name} of batches of matrices (of matrices only), got {[x.ndim for x in xs]} axes")
    return xs


def block_diag(*matrices) -> Variable:
    """SciPy's block_diag, PyTensor's: the matrices along the diagonal, zeros
    elsewhere, in their common dtype."""
    matrices = _matrices("block_diag", *matrices)
    if len(matrices) == 1:
        return matrices[0]
    dtype = upcast(*(m.dtype for m in matrices))
    widths = [Shape(1)(m) for m in matrices]
    rows = []
    for k, m in enumerate(matrices):
        row = [cast(m, dtype)]
        if k:  # zeros left of it, then right of it
            row.insert(0, zeros((Shape(0)(m), functools.reduce(add, widths[:k])), dtype))
        if k + 1 < len(matrices):
            row.append(zeros((Shape(0)(m), functools.reduce(add, widths[k + 1:])), dtype))
        rows.append(join(1, *row))
    return join(0, *rows)


def cho_solve(c_and_lower, b, *, b_ndim=None, check_finite=True, overwrite_b=False) -> Variable:
    """x with a x = b, from a's Cholesky factor c (SciPy's `(c, lower)`): two
    triangular solves, as LAPACK's potrs makes them."""
    c, lower = c_and_lower
    if lower:  # a = c cᵀ
        return solve_triangular(c, solve_triangular(c, b, lower=True, b_ndim=b_ndim), trans="T", lower=True,
                                b_ndim=b_ndim)
    return solve_triangular(c, solve_triangular(c, b, trans="T", b_ndim=b_ndim), b_ndim=b_ndim)  # a = cᵀ c


def tensorinv(a, ind: int = 2) -> Variable:
    """NumPy's: the inverse of a as the matrix of its first `ind` axes by the
    others, shaped as its last axes then its first ones."""
    a = as_tensor_variable(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    lengths = [Shape(k)(a) for k in range(a.ndim)]
    rows = functools.reduce(mul, lengths[ind:], 1)
    return reshape(inv(reshape(a, [rows, -1])), lengths[ind:] + lengths[:ind])


def tensorsolve(a, b, axes=None) -> Variable:
    """NumPy's: x with tensordot(a, x, x.ndim) = b, its axes those of a after
    b's (after moving `axes` of a to the end)."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if axes is not None:
        moved = normalize_axis_tuple(axes, a.ndim)
        a = a.dimshuffle(*(k for k in range(a.ndim) if k not in moved), *moved)
    lengths = [Shape(k)(a) for k in range(b.ndim, a.ndim)]
    n = functools.reduce(mul, lengths, 1)
    fits = eq(mul(n, n), functools.reduce(mul, [Shape(k)(a) for k in range(a.ndim)], 1))
    a = assert_op(a, fits, exc_type=np.linalg.LinAlgError,
                  msg="Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    return reshape(solve(reshape(a, [n, n]), reshape(b, [-1])), lengths)


def solve_discrete_lyapunov(A, Q, method="bilinear") -> Variable:
    """X with A X Aᵀ - X + Q = 0 (SciPy's solve_discrete_lyapunov), by
    PyTensor's "direct" method: (I - A ⊗ A) vec(X) = vec(Q). Its "bilinear"
    method (a continuous Lyapunov equation, by Schur factorizations) also
    solves it directly: the same X, rounded otherwise."""
    if method not in ("direct", "bilinear"):
        raise ValueError(f'Parameter "method" must be one of "direct" or "bilinear", found {method}')
    A, Q = _matrices("solve_discrete_lyapunov", A, Q)
    AxA = kron(A, A)
    vec_X = solve(eye(Shape(0)(AxA), dtype=AxA.dtype) - AxA, reshape(Q, [-1]))
    return reshape(vec_X, [Shape(0)(A), Shape(1)(A)])
