"""The linear algebra that needs a factorization, as PyTensor's: `inv`
(`matrix_inverse`), `solve` and `det` (and `slogdet` from it) through an LU
factorization, `cholesky`, `solve_triangular`, `eigh` and `eigvalsh`, and
`svd` and `pinv` (through it), `qr`, and `lu_factor` (with `lu` and
`lu_solve` from it). Compiled,
each calls the LAPACK routine NumPy calls, on the same column-major copies
(scanjit/emit/linalg.py), so they give NumPy's bits; `perform` is NumPy's.
As NumPy, the Ops compute in float64; as PyTensor, float32 inputs (and
integers of up to 2 bytes) give float32, cast after. Matrices only: a
batch of them (ndim > 2) raises NotImplementedError naming the op."""

from __future__ import annotations

import warnings

import numpy as np

from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.ifelse import ifelse
from scanjit.openblas import getrf, syevr
from scanjit.raise_op import assert_op
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.creation import eye, tril, triu, zeros, zeros_like
from scanjit.tensor.diagonal import diag, diagonal
from scanjit.tensor.elemwise import abs, cast, eq, ge, gt, le, log, lt, maximum, sign, switch
from scanjit.tensor.join import join
from scanjit.tensor.math import max as maximum_of
from scanjit.tensor.products import dot
from scanjit.tensor.shape import Shape, transpose


SINGLE = ("float32", "float16", "int8", "int16", "uint8", "uint16", "bool")


def float_dtype(*dtypes: str) -> str:
    """PyTensor's (SciPy's LAPACK type): float32 when every input is float32
    or narrower (integers of up to 2 bytes), else float64."""
    return "float32" if all(d in SINGLE for d in dtypes) else "float64"


def matrix(x, what: str) -> Variable:
    """`x` as a float64 matrix: not a matrix raises ValueError, a batch of
    them NotImplementedError."""
    x = as_tensor_variable(x)
    if x.ndim > 2:
        raise NotImplementedError(f"{what} of a {x.ndim}-d tensor (a batch of matrices)")
    if x.ndim != 2:
        raise ValueError(f"{what}: {x.label()} is not a matrix ({x.type})")
    return cast(x, "float64")


def square(x, what: str) -> Variable:
    """`x` as a float64 matrix, not statically known to be non-square."""
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


class SolveBase(Op):
    """x with a x = b for a square a and a vector or a matrix b (`solved`,
    NumPy's or LAPACK's), and its gradient, PyTensor's SolveBase's:
    b̄ = a⁻ᵀ ḡ (`for_transpose`'s solve), ā = -b̄ xᵀ (kept to a's triangle: `kept`)."""

    what = "solve"

    def make_node(self, a, b) -> Apply:
        a, b = square(a, self.what), as_tensor_variable(b)
        if b.ndim > 2:
            raise NotImplementedError(f"{self.what} with a {b.ndim}-d b (a batch of right-hand sides)")
        if b.ndim == 0:
            raise ValueError(f"{self.what}: b ({b.label()}) must be a vector or a matrix")
        b = cast(b, "float64")
        rows = a.type.shape[0] if a.type.shape[0] is not None else a.type.shape[1]
        if None not in (rows, b.type.shape[0]) and rows != b.type.shape[0]:
            raise ValueError(f"{self.what}: b ({b.label()}, shape {b.type.shape}) does not have the "
                             f"{rows} rows of a ({a.label()})")
        return Apply(self, [a, b], [Variable(TensorType("float64", b.type.shape))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[1]]

    def perform(self, node, inputs):
        a, b = inputs
        if a.shape[0] != b.shape[0]:
            raise ValueError(f"{self.what}: b has {b.shape[0]} rows, a has {a.shape[0]}")
        return [self.solved(a, b)]

    def solved(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def for_transpose(self) -> SolveBase:
        """The solve of aᵀ x = b given aᵀ."""
        return self

    def kept(self, a_bar: Variable) -> Variable:
        return a_bar

    def grad(self, inputs, output_grads):
        a, _ = inputs
        x = self(*inputs)
        b_bar = self.for_transpose()(transpose(a), output_grads[0])
        a_bar = -(b_bar.dimshuffle(0, "x") * x.dimshuffle("x", 0)) if x.ndim == 1 else -dot(b_bar, transpose(x))
        return [self.kept(a_bar), b_bar]


class Solve(SolveBase):
    """PyTensor's solve (`assume_a="gen"`): NaNs where a is singular, as
    PyTensor returns (whose NaNs have a's shape; these have x's)."""

    def solved(self, a, b):
        try:
            return np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            return np.full(b.shape, np.nan, b.dtype)

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


class Cholesky(Op):
    """The lower (or upper) Cholesky factor of a symmetric positive definite
    matrix, the other triangle zeros (NumPy's, and SciPy's `clean=True`):
    NaNs where it is not positive definite, as PyTensor returns."""

    def __init__(self, lower: bool = True):
        self.lower = lower

    def make_node(self, x) -> Apply:
        x = square(x, "cholesky")
        return Apply(self, [x], [Variable(TensorType("float64", x.type.shape))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0]]

    def perform(self, node, inputs):
        (x,) = inputs
        try:
            return [np.linalg.cholesky(x, upper=not self.lower)]
        except np.linalg.LinAlgError:
            return [np.full(x.shape, np.nan)]

    def grad(self, inputs, output_grads):
        """Murray's (arXiv:1602.07527), as PyTensor's."""
        factor, g = self(inputs[0]), output_grads[0]
        if not self.lower:
            factor, g = transpose(factor), transpose(g)
        inner = dot(transpose(factor), g)
        halved = tril(inner) - diag(diagonal(inner) / 2.0)
        upper = SolveTriangular(lower=False)
        s = upper(transpose(factor), transpose(upper(transpose(factor), transpose(halved))))
        return [(tril if self.lower else triu)(s + transpose(s)) - diag(diagonal(s))]

    def __str__(self):
        return f"Cholesky{{lower={self.lower}}}"


class Eigh(Op):
    """The eigenvalues (ascending) and the eigenvectors (columns; unless
    `vectors` is False) of a symmetric matrix, from its lower triangle or its
    upper one: by LAPACK's dsyevr, SciPy's and PyTensor's default driver
    "evr" (scanjit/openblas.py's `syevr` here), or dsyevd, NumPy's, driver
    "evd". SciPy's ValueError for infinities and NaNs."""

    def __init__(self, lower: bool = True, driver: str = "evr", vectors: bool = True):
        if driver not in ("evr", "evd"):
            raise ValueError(f"Invalid driver: {driver!r}. Must be one of 'evr', 'evd'.")
        self.lower, self.driver, self.vectors = lower, driver, vectors

    def make_node(self, x) -> Apply:
        x = square(x, "eigh")
        n = x.type.shape[0] if x.type.shape[0] is not None else x.type.shape[1]
        outputs = [Variable(TensorType("float64", (n,))), Variable(TensorType("float64", (n, n)))]
        return Apply(self, [x], outputs[:1 + self.vectors])

    def infer_shape(self, node, shapes, dims):
        n = shapes[0][0]
        return [[n], [n, n]][:1 + self.vectors]

    def perform(self, node, inputs):
        (x,) = inputs
        if x.shape[0] != x.shape[1]:
            raise np.linalg.LinAlgError(f"eigh: the matrix must be square, got {x.shape}")
        if not np.isfinite(x).all():
            raise ValueError("array must not contain infs or NaNs")
        if self.driver == "evr":
            w, v, info = syevr(x, self.lower, self.vectors)
            if info:
                raise np.linalg.LinAlgError("Eigenvalues did not converge")
        else:
            w, v = np.linalg.eigh(x, "L" if self.lower else "U")
        return [w, v][:1 + self.vectors]

    def L_op(self, inputs, outputs, output_grads):
        """PyTensor's: V (diag(ḡw) + F ∘ Vᵀ ḡV) Vᵀ, F_ij = 1 / (w_j - w_i) off the
        diagonal, folded onto the triangle read."""
        w, v = outputs if self.vectors else Eigh(self.lower, self.driver).make_node(inputs[0]).outputs
        gw, gv = (list(output_grads) + [None])[:2]
        n = Shape(0)(w)
        inner = diag(gw) if gw is not None else 0.0
        if gv is not None:
            gaps = w.dimshuffle("x", 0) - w.dimshuffle(0, "x")
            inner = inner + switch(eye(n, dtype="bool"), 0.0, 1.0 / gaps) * dot(transpose(v), gv)
        g = dot(dot(v, inner), transpose(v))
        if self.lower:
            return [tril(g) + transpose(triu(g, 1))]
        return [triu(g) + transpose(tril(g, -1))]

    def __str__(self):
        return f"Eigh{{lower={self.lower}, driver={self.driver}{'' if self.vectors else ', eigenvalues'}}}"


class SVD(Op):
    """np.linalg.svd of a matrix (LAPACK's dgesdd): (u, s, vt), s
    descending, u and vt square (`full_matrices`) or of min(m, n) columns
    and rows; s alone unless `compute_uv`. NumPy's LinAlgError where it
    does not converge (a NaN)."""

    def __init__(self, full_matrices: bool = True, compute_uv: bool = True):
        self.full_matrices, self.compute_uv = bool(full_matrices), bool(compute_uv)

    def make_node(self, x) -> Apply:
        x = matrix(x, "svd")
        m, n = x.type.shape
        k = 0 if 0 in (m, n) else None if None in (m, n) else min(m, n)
        s = Variable(TensorType("float64", (k,)))
        if not self.compute_uv:
            return Apply(self, [x], [s])
        u = (m, m if self.full_matrices else k)
        vt = (n if self.full_matrices else k, n)
        return Apply(self, [x], [Variable(TensorType("float64", u)), s, Variable(TensorType("float64", vt))])

    def infer_shape(self, node, shapes, dims):
        m, n = shapes[0]
        k = dims.minimum(m, n)
        if not self.compute_uv:
            return [[k]]
        return [[m, m if self.full_matrices else k], [k], [n if self.full_matrices else k, n]]

    def perform(self, node, inputs):
        result = np.linalg.svd(inputs[0], self.full_matrices, self.compute_uv)
        return list(result) if self.compute_uv else [result]

    def L_op(self, inputs, outputs, output_grads):
        """PyTensor's (Seeger et al., arXiv:1710.08717), of the thin SVD."""
        (a,) = inputs
        if not self.compute_uv or output_grads[0] is None and output_grads[2] is None:  # of s only
            thin = self.compute_uv and not self.full_matrices
            u, s, vt = outputs if thin else SVD(False).make_node(a).outputs
            ds = output_grads[-2 if self.compute_uv else 0]
            return [dot(u * ds.dimshuffle("x", 0), vt)]
        if self.full_matrices:
            raise NotImplementedError("the gradient of svd with full_matrices=True")
        u, s, vt = outputs
        du, ds, dvt = (g if g is not None else zeros_like(o) for g, o in zip(output_grads, outputs))
        v, dv = transpose(vt), transpose(dvt)
        m, n = Shape(0)(a), Shape(1)(a)
        k = Shape(0)(s)
        identity = eye(k)

        def h(t):  # s_i² - s_j², kept away from 0 (PyTensor's)
            return maximum(abs(t), 1e-8) * switch(eq(t, 0), 1.0, sign(t))

        gaps = h(s.dimshuffle("x", 0) - s.dimshuffle(0, "x")) * h(s.dimshuffle("x", 0) + s.dimshuffle(0, "x"))
        e = (1.0 - identity) / gaps
        utgu, vtgv = dot(transpose(u), du), dot(vt, dv)
        inner = (e * (utgu - transpose(utgu))) * s.dimshuffle("x", 0) + identity * ds.dimshuffle(0, "x") \
            + s.dimshuffle(0, "x") * (e * (vtgv - transpose(vtgv)))
        a_bar = dot(dot(u, inner), vt)
        wide = a_bar + dot(dot(u / s.dimshuffle("x", 0), dvt), eye(n) - dot(v, vt))
        tall = a_bar + transpose(dot(dot(v / s.dimshuffle("x", 0), transpose(du)), eye(m) - dot(u, transpose(u))))
        return [switch(eq(m, n), a_bar, switch(lt(m, n), wide, tall))]

    def __str__(self):
        return f"SVD{{full_matrices={self.full_matrices}, compute_uv={self.compute_uv}}}"


class QR(Op):
    """SciPy's qr (PyTensor's), by LAPACK's dgeqrf and dorgqr as NumPy's
    qr calls them: (q, r) of mode "full" (q m×m, r m×n) or "economic" (q
    m×k, r k×n, k = min(m, n)), or r alone, of mode "r" (m×n)."""

    MODES = {"full": "full", "complete": "full", "economic": "economic", "reduced": "economic", "r": "r"}

    def __init__(self, mode: str = "full"):
        if mode not in self.MODES:
            raise NotImplementedError(f"qr with mode={mode!r} (only 'full', 'economic' and 'r')")
        self.mode = self.MODES[mode]

    def make_node(self, x) -> Apply:
        x = matrix(x, "qr")
        m, n = x.type.shape
        k = 0 if 0 in (m, n) else None if None in (m, n) else min(m, n)
        r = Variable(TensorType("float64", (k if self.mode == "economic" else m, n)))
        if self.mode == "r":
            return Apply(self, [x], [r])
        return Apply(self, [x], [Variable(TensorType("float64", (m, m if self.mode == "full" else k))), r])

    def infer_shape(self, node, shapes, dims):
        m, n = shapes[0]
        k = dims.minimum(m, n)
        r = [k if self.mode == "economic" else m, n]
        return [r] if self.mode == "r" else [[m, m if self.mode == "full" else k], r]

    def perform(self, node, inputs):
        q, r = np.linalg.qr(inputs[0], "reduced" if self.mode == "economic" else "complete")
        return [r] if self.mode == "r" else [q, r]

    def L_op(self, inputs, outputs, output_grads):
        """PyTensor's (Liao et al., arXiv:1903.09650), of the economic QR."""
        (a,) = inputs
        if self.mode == "r":
            q, r = QR("economic").make_node(a).outputs
            dq, dr = zeros_like(q), output_grads[0][:Shape(0)(r)]
        else:
            q, r = outputs
            dq, dr = (g if g is not None else zeros_like(o) for g, o in zip(output_grads, outputs))
        m, n = Shape(0)(a), Shape(1)(a)
        if self.mode == "full":
            r = assert_op(r, le(m, n), msg="Gradient of qr not implemented for m x n matrices with m > n and "
                          "mode=full", exc_type=NotImplementedError)

        def copyltu(x):
            return tril(x) + transpose(tril(x, -1))

        def tall(q, r, dq, dr):  # m >= n
            k = dq + dot(q, copyltu(dot(r, transpose(dr)) - dot(transpose(dq), q)))
            return transpose(SolveTriangular(lower=False)(r, transpose(k)))

        def wide(q, r, dq, dr):  # m < n
            y, u, du, dv = a[:, m:], r[:, :m], dr[:, :m], dr[:, m:]
            dq_y = dq + dot(y, transpose(dv))
            x_bar = tall(q, u, dq_y, du)
            return join(1, x_bar, dot(q, dv))

        static_m, static_n = a.type.shape
        if None not in (static_m, static_n):
            return [(tall if static_m >= static_n else wide)(q, r, dq, dr)]
        return [ifelse(ge(m, n), tall(q, r, dq, dr), wide(q, r, dq, dr))]

    def __str__(self):
        return f"QR{{mode={self.mode}}}"


class LUFactor(Op):
    """SciPy's lu_factor (PyTensor's): the LU factors of a square matrix in
    one (L's unit diagonal implied) and the row pivots (0-based int32), by
    LAPACK's dgetrf (scanjit/openblas.py's `getrf` here); NaNs where the
    matrix is singular, as PyTensor's."""

    def make_node(self, x) -> Apply:
        x = square(x, "lu_factor")
        n = x.type.shape[0] if x.type.shape[0] is not None else x.type.shape[1]
        return Apply(self, [x], [Variable(TensorType("float64", (n, n))), Variable(TensorType("int32", (n,)))])

    def infer_shape(self, node, shapes, dims):
        n = shapes[0][0]
        return [[n, n], [n]]

    def perform(self, node, inputs):
        (x,) = inputs
        if x.shape[0] != x.shape[1]:
            raise np.linalg.LinAlgError(f"lu_factor: the matrix must be square, got {x.shape}")
        factors, pivots, info = getrf(x)
        return [np.full(x.shape, np.nan) if info else factors, pivots]

    def L_op(self, inputs, outputs, output_grads):
        """PyTensor's (De Hoog, Anderssen and Lukas)."""
        factors, pivots = outputs
        g = output_grads[0] if output_grads[0] is not None else zeros_like(factors)
        lower = tril(factors, -1) + eye(Shape(0)(factors))
        upper = triu(factors)
        inner = tril(dot(transpose(lower), tril(g, -1)), -1) + triu(dot(triu(g), transpose(upper)))
        solved = SolveTriangular(lower=False, unit_diagonal=True)(transpose(lower), inner)
        b_bar = transpose(SolveTriangular(lower=False)(upper, transpose(solved)))
        return [b_bar[PivotToPermutations(inverse=False)(pivots)]]

    def __str__(self):
        return "LUFactor"


class PivotToPermutations(Op):
    """LAPACK's row pivots (row i swapped with row p[i], for i in order) as
    the order of the rows after the swaps (`inverse`, PyTensor's name), or
    its inverse permutation (its argsort)."""

    def __init__(self, inverse: bool):
        self.inverse = inverse

    def make_node(self, pivots) -> Apply:
        pivots = as_tensor_variable(pivots)
        if pivots.ndim != 1 or pivots.dtype not in ("int32", "int64"):
            raise TypeError(f"pivot_to_permutation takes a vector of integers, got {pivots.type}")
        return Apply(self, [pivots], [Variable(TensorType("int64", pivots.type.shape))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0]]

    def perform(self, node, inputs):
        (pivots,) = inputs
        swapped = np.arange(len(pivots))
        for i, p in enumerate(pivots):
            if not 0 <= p < len(pivots):
                raise IndexError(f"pivot_to_permutation: pivot {p} of row {i} is out of range for {len(pivots)} rows")
            swapped[i], swapped[p] = swapped[p], swapped[i]
        return [swapped if self.inverse else np.argsort(swapped)]

    def __str__(self):
        return f"PivotToPermutations{{inverse={self.inverse}}}"


class MatrixPinv(Op):
    """np.linalg.pinv: vᵀ diag(1/s) uᵀ of the thin SVD, the singular values
    up to `rcond` times the largest (1e-15, NumPy's) dropped; compiled as
    that expansion, with PyTensor's gradient."""

    def __init__(self, rcond: float = 1e-15):
        self.rcond = rcond

    def make_node(self, x) -> Apply:
        x = matrix(x, "pinv")
        return Apply(self, [x], [Variable(TensorType("float64", x.type.shape[::-1]))])

    def infer_shape(self, node, shapes, dims):
        return [shapes[0][::-1]]

    def perform(self, node, inputs):
        return [np.linalg.pinv(inputs[0], self.rcond)]

    def expansion(self, x: Variable) -> Variable:
        """NumPy's algorithm, as a graph (compiled)."""
        u, s, vt = SVD(full_matrices=False).make_node(x).outputs
        largest = maximum_of(join(0, s, zeros((1,), "float64")))  # s >= 0; none: an empty matrix
        kept = gt(s, self.rcond * largest)
        inverses = switch(kept, 1.0 / switch(kept, s, 1.0), 0.0)
        return dot(transpose(vt), inverses.dimshuffle(0, "x") * transpose(u))

    def grad(self, inputs, output_grads):
        """PyTensor's: (-z ḡᵀ z + z zᵀ ḡ (I - x z) + (I - z x) ḡ zᵀ z)ᵀ."""
        (x,), (g,) = inputs, output_grads
        z = self(x)
        xz, zx = dot(x, z), dot(z, x)
        return [transpose(-dot(dot(z, transpose(g)), z) + dot(dot(dot(z, transpose(z)), g), eye(Shape(0)(xz)) - xz)
                          + dot(dot(dot(eye(Shape(0)(zx)) - zx, g), transpose(z)), z))]

    def __str__(self):
        return "MatrixPinv"


class SolveTriangular(SolveBase):
    """x with a x = b for a triangular a (its lower triangle, else its upper
    one; ones on its diagonal if `unit_diagonal`): LAPACK's trtrs as SciPy
    calls it for a C-ordered a (aᵀ's other triangle, transposed); NaNs where
    a diagonal element is zero, as PyTensor's."""

    what = "solve_triangular"

    def __init__(self, lower: bool = False, unit_diagonal: bool = False):
        self.lower, self.unit_diagonal = lower, unit_diagonal

    def solved(self, a, b):
        a = np.tril(a) if self.lower else np.triu(a)
        if self.unit_diagonal:
            np.fill_diagonal(a, 1.0)
        return np.full(b.shape, np.nan) if np.any(np.diagonal(a) == 0) else np.linalg.solve(a, b)

    def for_transpose(self):
        return SolveTriangular(not self.lower, self.unit_diagonal)

    def kept(self, a_bar):
        """The triangle read: without the diagonal where it is taken as ones."""
        off_diagonal = 1 if self.unit_diagonal else 0
        return tril(a_bar, -off_diagonal) if self.lower else triu(a_bar, off_diagonal)

    def __str__(self):
        return f"SolveTriangular{{lower={self.lower}, unit_diagonal={self.unit_diagonal}}}"


def cholesky(x, lower=True, *, check_finite=True, overwrite_a=False, on_error="nan") -> Variable:
    """PyTensor's: NaNs where x is not positive definite (`on_error="raise"`
    is deprecated there and not kept here)."""
    if on_error != "nan":
        raise NotImplementedError("cholesky with on_error='raise' (deprecated in PyTensor): test for NaNs")
    x = as_tensor_variable(x)
    return cast(Cholesky(bool(lower))(x), float_dtype(x.dtype))


def solve_triangular(a, b, *, trans=0, lower=False, unit_diagonal=False, check_finite=True,
                     b_ndim=None) -> Variable:
    """PyTensor's: `trans` 1 or "T" solves aᵀ x = b."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if b_ndim is not None and b_ndim != min(b.ndim, 2):
        raise NotImplementedError(f"solve_triangular with b_ndim={b_ndim} for a {b.ndim}-d b")
    if trans in (1, "T", True):
        a, lower = transpose(a), not lower
    elif trans not in (0, "N", False):
        raise ValueError(f"solve_triangular: trans must be 0, 1, 'N' or 'T', got {trans!r}")
    return cast(SolveTriangular(bool(lower), bool(unit_diagonal))(a, b), float_dtype(a.dtype, b.dtype))


def eigh(a, b=None, lower=True, UPLO=None, driver="evr") -> list[Variable]:
    """PyTensor's: (w, v), the eigenvalues ascending and the eigenvectors as
    columns, of a symmetric matrix; `UPLO` is deprecated for `lower`."""
    if UPLO is not None:
        warnings.warn("UPLO is deprecated and will be removed in a future version. Use the ``lower`` argument "
                      "instead.", DeprecationWarning, stacklevel=2)
        lower = UPLO == "L"
    if b is not None:
        raise NotImplementedError("eigh with b (the generalized eigenproblem)")
    a = as_tensor_variable(a)
    dtype = float_dtype(a.dtype)
    return [cast(x, dtype) for x in Eigh(bool(lower), driver).make_node(a).outputs]


def eigvalsh(a, b=None, lower=True) -> Variable:
    """PyTensor's: the eigenvalues of a symmetric matrix, ascending (SciPy's
    dsyevr without eigenvectors)."""
    if b is not None:
        raise NotImplementedError("eigvalsh with b (the generalized eigenproblem)")
    a = as_tensor_variable(a)
    return cast(Eigh(bool(lower), vectors=False)(a), float_dtype(a.dtype))


def svd(a, full_matrices: bool = True, compute_uv: bool = True):
    """PyTensor's (NumPy's): [u, s, vt], or s alone."""
    a = as_tensor_variable(a)
    dtype = float_dtype(a.dtype)
    outputs = [cast(x, dtype) for x in SVD(full_matrices, compute_uv).make_node(a).outputs]
    return outputs if compute_uv else outputs[0]


def qr(A, mode="full", overwrite_a=False, pivoting=False, lwork=None):
    """PyTensor's (SciPy's): [q, r], or r alone for mode "r"."""
    if pivoting:
        raise NotImplementedError("qr with pivoting=True")
    A = as_tensor_variable(A)
    dtype = float_dtype(A.dtype)
    outputs = [cast(x, dtype) for x in QR(mode).make_node(A).outputs]
    return outputs[0] if len(outputs) == 1 else outputs


def lu_factor(a, *, check_finite=True, overwrite_a=False) -> tuple[Variable, Variable]:
    """PyTensor's: (LU, pivots)."""
    a = as_tensor_variable(a)
    factors, pivots = LUFactor().make_node(a).outputs
    return cast(factors, float_dtype(a.dtype)), pivots


def pivot_to_permutation(p, inverse=False) -> Variable:
    return PivotToPermutations(inverse)(p)


def lu(a, permute_l=False, check_finite=True, p_indices=False, overwrite_a=False):
    """SciPy's lu (PyTensor's) of a square matrix: (P, L, U) with a = P L U,
    P as row indices where `p_indices`, or (P L, U) where `permute_l`; from
    lu_factor's factors."""
    a = as_tensor_variable(a)
    factors, pivots = LUFactor().make_node(a).outputs
    n, dtype = Shape(0)(factors), float_dtype(a.dtype)
    lower, upper = cast(tril(factors, -1) + eye(n), dtype), cast(triu(factors), dtype)
    rows = PivotToPermutations(inverse=False)(pivots)
    if permute_l:
        return lower[rows], upper
    return (rows if p_indices else cast(eye(n)[rows], dtype)), lower, upper


def lu_solve(LU_and_pivots, b, trans=False, b_ndim=None, check_finite=True, overwrite_b=False) -> Variable:
    """x with a x = b (aᵀ x = b where `trans`), from lu_factor's (LU, pivots)
    (SciPy's): the pivots' permutation and two triangular solves, PyTensor's."""
    factors, pivots = LU_and_pivots
    b = as_tensor_variable(b)
    moved = PivotToPermutations(inverse=True)(pivots)
    x = b if trans else b[moved]
    x = solve_triangular(factors, x, lower=not trans, unit_diagonal=not trans, trans=trans, b_ndim=b_ndim)
    x = solve_triangular(factors, x, lower=trans, unit_diagonal=trans, trans=trans, b_ndim=b_ndim)
    return x[PivotToPermutations(inverse=False)(pivots)] if trans else x


def pinv(x, hermitian: bool = False) -> Variable:
    """PyTensor's (NumPy's, its default rcond)."""
    if hermitian:
        raise NotImplementedError("pinv with hermitian=True (NumPy's SVD by eigh)")
    x = as_tensor_variable(x)
    return cast(MatrixPinv()(x), float_dtype(x.dtype))


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
    """PyTensor's solve: x with a x = b, or aᵀ x = b when `transposed`;
    "gen" (its default) and "sym" by an LU factorization, "pos" by a's
    Cholesky factor (of its `lower` triangle, else its upper one) and two
    triangular solves. `overwrite_*` and `check_finite` are accepted and, as
    in PyTensor, change nothing here."""
    kind = {"general": "gen", "symmetric": "sym", "positive definite": "pos"}.get(assume_a.lower(), assume_a.lower())
    if kind not in ("gen", "sym", "pos"):
        raise NotImplementedError(f"solve with assume_a={assume_a!r} (only 'gen', 'sym' and 'pos')")
    b = as_tensor_variable(b)
    if b_ndim is not None and b_ndim != min(b.ndim, 2):
        raise NotImplementedError(f"solve with b_ndim={b_ndim} for a {b.ndim}-d b (a batch of right-hand sides)")
    a = as_tensor_variable(a)
    dtype = float_dtype(a.dtype, b.dtype)
    if transposed:
        a, lower = transpose(a), not lower
    if kind == "pos":  # with the Cholesky factor of a's `lower` triangle: NaNs where a is not positive definite
        factor = Cholesky(bool(lower))(a)
        low = factor if lower else transpose(factor)  # a = low lowᵀ
        return cast(SolveTriangular(False)(transpose(low), SolveTriangular(True)(low, b)), dtype)
    return cast(Solve()(a, b), dtype)


__all__ = ["cholesky", "det", "eigh", "eigvalsh", "inv", "matrix_inverse", "pinv", "slogdet", "solve",
           "lu", "lu_factor", "lu_solve", "pivot_to_permutation", "qr", "solve_triangular", "svd"]
