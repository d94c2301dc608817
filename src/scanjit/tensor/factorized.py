"""The linear algebra that needs an LU factorization, as PyTensor's: `inv`
(`matrix_inverse`), `solve` and `det` (and `slogdet` from it). Compiled,
each calls the LAPACK routine NumPy calls, on the same column-major copies
(scanjit/emit/linalg.py), so they give NumPy's bits; `perform` is NumPy's.
As NumPy, the Ops compute in float64, and a float32 input gives float32
(cast after). Matrices only: a batch of them (ndim > 2) raises
NotImplementedError naming the op."""

from __future__ import annotations

import numpy as np

from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import abs, cast, log, sign
from scanjit.tensor.products import dot
from scanjit.tensor.shape import transpose


def float_dtype(*dtypes: str) -> str:
    """PyTensor's: float32 when every input is float32, else float64."""
    return "float32" if all(d == "float32" for d in dtypes) else "float64"


def matrix(x, what: str) -> Variable:
    """`x` as a float64 matrix: not one raises ValueError, a batch of them
    NotImplementedError."""
    x = as_tensor_variable(x)
    if x.ndim > 2:
        raise NotImplementedError(f"{what} of a {x.ndim}-d tensor (a batch of matrices)")
    if x.ndim != 2:
        raise ValueError(f"{what}: {x.label()} is not a matrix ({x.type})")
    return cast(x, "float64")


def square(x, what: str) -> Variable:
    x = matrix(x, what)
    rows, cols = x.type.shape
    if None not in (rows, cols) and rows != cols:
        raise ValueError(f"{what} of the non-square {x.label()} (shape {x.type.shape})")
    return x


class MatrixInverse(Op):
    """np.linalg.inv of a square matrix (LinAlgError when it is singular)."""

    def make_node(self, x) -> Apply:
        x = square(x, "inv")
        return Apply(self, [x], [Variable(TensorType(x.dtype, x.type.shape))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0]]

    def perform(self, node, inputs):
        return [np.linalg.inv(inputs[0])]

    def grad(self, inputs, output_grads):
        """-X⁻ᵀ G X⁻ᵀ (PyTensor's)."""
        inverse_t = transpose(self(inputs[0]))
        return [-dot(dot(inverse_t, output_grads[0]), inverse_t)]

    def __str__(self):
        return "MatrixInverse"


class Solve(Op):
    """x with a x = b for a square a and a vector or matrix b (PyTensor's
    solve, its `assume_a="gen"`): NaNs where a is singular, as PyTensor
    returns (whose NaNs have a's shape; these have x's)."""

    def make_node(self, a, b) -> Apply:
        a, b = square(a, "solve"), as_tensor_variable(b)
        if b.ndim > 2:
            raise NotImplementedError(f"solve with a {b.ndim}-d b (a batch of right-hand sides)")
        if b.ndim == 0:
            raise ValueError(f"solve: b ({b.label()}) must be a vector or a matrix")
        b = cast(b, "float64")
        rows = a.type.shape[0] if a.type.shape[0] is not None else a.type.shape[1]
        if None not in (rows, b.type.shape[0]) and rows != b.type.shape[0]:
            raise ValueError(f"solve: b ({b.label()}, shape {b.type.shape}) does not have the "
                             f"{rows} rows of a ({a.label()})")
        return Apply(self, [a, b], [Variable(TensorType("float64", b.type.shape))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[1]]

    def perform(self, node, inputs):
        a, b = inputs
        if a.shape[0] != b.shape[0]:
            raise ValueError(f"solve: b has {b.shape[0]} rows, a has {a.shape[0]}")
        try:
            return [np.linalg.solve(a, b)]
        except np.linalg.LinAlgError:
            return [np.full(b.shape, np.nan, b.dtype)]

    def grad(self, inputs, output_grads):
        """b̄ = a⁻ᵀ ḡ, ā = -b̄ xᵀ (PyTensor's)."""
        a, _ = inputs
        x = self(*inputs)
        b_bar = self(transpose(a), output_grads[0])
        a_bar = -(b_bar.dimshuffle(0, "x") * x.dimshuffle("x", 0)) if x.ndim == 1 else -dot(b_bar, transpose(x))
        return [a_bar, b_bar]

    def __str__(self):
        return "Solve"


class Det(Op):
    """np.linalg.det of a square matrix: sign · exp(Σ log|uᵢᵢ|) of its LU factors."""

    def make_node(self, x) -> Apply:
        x = square(x, "det")
        return Apply(self, [x], [Variable(TensorType(x.dtype, ()))])

    def infer_shape(self, node, shapes, dims):
        return [[]]

    def perform(self, node, inputs):
        return [np.asarray(np.linalg.det(inputs[0]))]

    def grad(self, inputs, output_grads):
        """g · det(x) · x⁻ᵀ (PyTensor's)."""
        (x,) = inputs
        return [output_grads[0] * self(x) * transpose(MatrixInverse()(x))]

    def __str__(self):
        return "Det"


def inv(x) -> Variable:
    x = as_tensor_variable(x)
    return cast(MatrixInverse()(x), float_dtype(x.dtype))


matrix_inverse = inv


def det(x) -> Variable:
    x = as_tensor_variable(x)
    return cast(Det()(x), float_dtype(x.dtype))


def slogdet(x) -> tuple[Variable, Variable]:
    """(sign, log|det|) of det, as PyTensor builds them."""
    d = det(x)
    return sign(d), log(abs(d))


def solve(a, b, *, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a="gen",
          transposed=False, b_ndim=None) -> Variable:
    """PyTensor's solve for `assume_a="gen"` (its default): x with a x = b,
    or aᵀ x = b when `transposed`. `lower`, `overwrite_*` and `check_finite`
    are accepted and, as in PyTensor, change nothing here."""
    if assume_a.lower() not in ("gen", "general"):
        raise NotImplementedError(f"solve with assume_a={assume_a!r} (only 'gen')")
    b = as_tensor_variable(b)
    if b_ndim is not None and b_ndim != min(b.ndim, 2):
        raise NotImplementedError(f"solve with b_ndim={b_ndim} for a {b.ndim}-d b (a batch of right-hand sides)")
    a = as_tensor_variable(a)
    return cast(Solve()(transpose(a) if transposed else a, b), float_dtype(a.dtype, b.dtype))


__all__ = ["det", "inv", "matrix_inverse", "slogdet", "solve"]
