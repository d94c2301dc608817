"""Reductions (`Reduce`: sum, prod, max, min, all, any; mean, var, std,
logsumexp, ptp), `Argmax` (argmax, argmin, max_and_argmax), isclose and
allclose, largest and smallest, ceil_intdiv, cov; the products (tensor/products.py)
are here too, as in PyTensor's `pytensor.tensor.math`."""

from __future__ import annotations

import warnings

import numpy as np

from scanjit.dtypes import is_float, upcast, upgrade_to_float
from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable, constant
from scanjit.tensor.elemwise import (
    abs, add, and_, cast, eq, exp, gt, int_div, isfinite, isinf, isnan, le, log, lt, mod, mul, neq, or_, second,
    sign, sqrt, sub, switch, true_div,
)
from scanjit.tensor.products import (  # noqa: F401
    Dot, dot, matmul, matvec, outer, tensordot, vecdot, vecmat,
)
from scanjit.tensor.join import concatenate, stack
from scanjit.tensor.shape import DimShuffle, Shape, atleast_2d, dimshuffle, squeeze


def _normalize_axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of bounds for a tensor of {ndim} dimensions")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(sorted(out))


def _check_not_empty(name: str, x: np.ndarray, axes, label: str) -> None:
    for axis in axes:
        if x.shape[axis] == 0:
            raise ValueError(f"{name} of an empty axis of {label}")


_REDUCTIONS = {"add": np.add, "mul": np.multiply, "max": np.maximum, "min": np.minimum,
               "and": np.logical_and, "or": np.logical_or}


class Reduce(Op):
    """Sum, product, max, min, all (`and`) or any (`or`) over `axes`, of the
    input cast to `dtype`: for sums and products PyTensor's accumulator
    dtype, for all and any bool, for max and min the input's (None)."""

    def __init__(self, kind: str, axes: tuple[int, ...], dtype: str | None = None):
        self.kind, self.axes, self.dtype = kind, axes, dtype

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        dtype = self.dtype or ("bool" if self.kind in ("and", "or") else x.dtype)
        shape = tuple(s for i, s in enumerate(x.type.shape) if i not in self.axes)
        return Apply(self, [x], [Variable(TensorType(dtype, shape))])

    def infer_shape(self, node, shapes, dims):
        return [[d for a, d in enumerate(shapes[0]) if a not in self.axes]]

    def perform(self, node, inputs):
        """Float sums and products as compiled: kept axes outermost, reduced
        axes innermost in row-major order, accumulated from the identity."""
        out = node.outputs[0]
        x = inputs[0].astype(out.dtype)
        if self.kind in ("max", "min"):
            _check_not_empty(self.kind, x, self.axes, node.inputs[0].label())
        ufunc = _REDUCTIONS[self.kind]
        if not is_float(out.dtype) or self.kind in ("max", "min"):
            return [ufunc.reduce(x, axis=self.axes)]
        kept = [a for a in range(x.ndim) if a not in self.axes]
        kept_shape = tuple(x.shape[a] for a in kept)
        count = int(np.prod([x.shape[a] for a in self.axes]))
        rows = x.transpose(kept + list(self.axes)).reshape(kept_shape + (count,))
        acc = np.full(kept_shape, 0 if self.kind == "add" else 1, out.dtype)
        for r in range(count):
            acc = ufunc(acc, rows[..., r])
        return [acc]

    def L_op(self, inputs, outputs, output_grads):
        """PyTensor's rules: a sum's gradient broadcast back; a max's (min's)
        to every position holding it; a product's the product of the others
        (with zeros counted, so no 0 / 0)."""
        (x,), (out,), (g,) = inputs, outputs, output_grads
        g, out = self.expanded(x, g), self.expanded(x, out)
        if self.kind == "add":
            return [second(x, g)]
        if self.kind in ("max", "min"):
            return [mul(eq(x, out), g)]
        zero = eq(x, 0)
        zeros = self.expanded(x, Reduce("add", self.axes, "int64")(zero))
        others = self.expanded(x, Reduce("mul", self.axes, self.dtype)(switch(zero, 1, x)))
        only_zero = and_(eq(zeros, 1), zero)
        return [switch(eq(zeros, 0), true_div(mul(g, out), x), switch(only_zero, mul(g, others), 0))]

    def R_op(self, inputs, outputs, tangents):
        """A sum's is the sum of the tangent; a product's, max's or min's the
        sum of the tangent times the gradient for a gradient of ones (a
        max's: the tangents where x is the maximum, summed over ties)."""
        _, (out,), (t,) = inputs, outputs, tangents
        if t is None or self.kind in ("and", "or"):
            return [None]
        if self.kind != "add":
            t = mul(t, self.L_op(inputs, outputs, [second(out, constant(1, dtype=out.dtype))])[0])
        return [Reduce("add", self.axes, self.dtype)(t)]

    def expanded(self, x: Variable, reduced: Variable) -> Variable:
        """`reduced` with the reduced axes back, of length 1."""
        kept = iter(range(reduced.ndim))
        return DimShuffle(tuple("x" if a in self.axes else next(kept) for a in range(x.ndim)))(reduced)

    def __str__(self):
        return f"Reduce{{{self.kind}, axes={list(self.axes)}{f', {self.dtype}' if self.dtype else ''}}}"


def _keepdims(x: Variable, out: Variable, axes: tuple[int, ...], keepdims: bool) -> Variable:
    """`out`, reduced over `axes` of `x`, with those axes back as length 1."""
    if not keepdims:
        return out
    kept = iter(range(out.ndim))
    return dimshuffle(out, *["x" if a in axes else next(kept) for a in range(x.ndim)])


def _reduce(kind: str, x, axis, keepdims: bool, dtype: str | None = None) -> Variable:
    x = as_tensor_variable(x)
    axes = _normalize_axes(axis, x.ndim)
    out = Reduce(kind, axes, dtype)(x) if axes else cast(x, dtype or x.dtype)
    return _keepdims(x, out, axes, keepdims)


def _sum_dtypes(x_dtype: str, dtype, acc_dtype) -> tuple[str, str]:
    """PyTensor's sum and prod: the result's dtype (int64 for bools and
    integers, else the input's) and the accumulator's (at least int64 or
    float64; a given one must hold the input exactly)."""
    discrete = not is_float(x_dtype)
    out = str(np.dtype(dtype)) if dtype is not None else "int64" if discrete else x_dtype
    if acc_dtype is None:
        return out, "int64" if discrete else "float64"
    acc = str(np.dtype(acc_dtype))
    if upcast(x_dtype, acc) != acc:
        raise TypeError(f"cannot accumulate {x_dtype} in {acc}: precision would be lost")
    return out, acc


def _sum_or_prod(kind: str, input, axis, dtype, keepdims: bool, acc_dtype) -> Variable:
    x = as_tensor_variable(input)
    out, acc = _sum_dtypes(x.dtype, dtype, acc_dtype)
    return cast(_reduce(kind, x, axis, keepdims, acc), out)


def sum(input, axis=None, dtype=None, keepdims=False, acc_dtype=None) -> Variable:
    return _sum_or_prod("add", input, axis, dtype, keepdims, acc_dtype)


def prod(input, axis=None, dtype=None, keepdims=False, acc_dtype=None, no_zeros_in_input=False) -> Variable:
    return _sum_or_prod("mul", input, axis, dtype, keepdims, acc_dtype)


def max(x, axis=None, keepdims=False) -> Variable:
    return _reduce("max", x, axis, keepdims)


def min(x, axis=None, keepdims=False) -> Variable:
    return _reduce("min", x, axis, keepdims)


def all(x, axis=None, keepdims=False) -> Variable:
    return _reduce("and", x, axis, keepdims, "bool")


def any(x, axis=None, keepdims=False) -> Variable:
    return _reduce("or", x, axis, keepdims, "bool")


def _count(x: Variable, axes: tuple[int, ...]) -> Variable:
    """How many elements of `x` the axes hold (int64)."""
    return mul(*[Shape(a)(x) for a in axes]) if axes else constant(1, dtype="int64")


def mean(input, axis=None, dtype=None, keepdims=False, acc_dtype=None) -> Variable:
    """PyTensor's: the sum, divided by the count as float32 for a float32
    sum, else as float64."""
    x = as_tensor_variable(input)
    total = sum(x, axis, dtype, keepdims, acc_dtype)
    count = _count(x, _normalize_axes(axis, x.ndim))
    return true_div(total, cast(count, "float32" if total.dtype == "float32" else "float64"))


def var(input, axis=None, ddof=0, keepdims=False, corrected=False) -> Variable:
    """PyTensor's two-pass variance: the mean square of x - mean(x), divided
    by N - ddof instead of N when ddof != 0 (an int64: float32 becomes
    float64, as in PyTensor; over several axes N counts them all, as in
    NumPy), less the corrected two-pass error term when `corrected`."""
    if isinstance(ddof, bool):
        raise ValueError("Parameter keepdims is now at index 3: (input, axis=None, ddof=0, "
                         "keepdims=False, corrected=False)")
    x = as_tensor_variable(input)
    axes = _normalize_axes(axis, x.ndim)
    centered = sub(x, mean(x, axes, keepdims=True))
    squares = mul(centered, centered)
    if ddof == 0:
        v = mean(squares, axes, keepdims=keepdims)
    else:
        count = _count(x, axes)
        v = true_div(sum(squares, axes, keepdims=keepdims), sub(count, ddof))
    if not corrected:
        return v
    if ddof == 0:
        error = mean(centered, axes, keepdims=keepdims)
        return sub(v, mul(error, error))
    error = sum(centered, axes, keepdims=keepdims)
    return sub(v, true_div(mul(error, error), mul(sub(count, ddof), count)))


def std(input, axis=None, ddof=0, keepdims=False, corrected=False) -> Variable:
    return sqrt(var(input, axis, ddof, keepdims, corrected))


def logsumexp(x, axis=None, keepdims=False) -> Variable:
    """log(sum(exp(x))) as PyTensor's stabilized graph computes it: the
    maximum m plus log(sum(exp(x - m))), m taken as 0 where it is infinite;
    integers and bools are first converted to float (PyTensor's dtype)."""
    x = as_tensor_variable(x)
    if not is_float(x.dtype):
        x = cast(x, upgrade_to_float(x.dtype))
    m = max(x, axis, keepdims=True)
    shift = switch(isinf(m), constant(0, dtype=x.dtype), m)
    total = sum(exp(sub(x, shift)), axis, keepdims=keepdims)
    return add(log(total), max(x, axis, keepdims=keepdims))


class Argmax(Op):
    """The index of the first maximum (or minimum) over `axes`, in the
    row-major order of those axes flattened (PyTensor's argmax over several
    axes); a NaN counts as both."""

    def __init__(self, axes: tuple[int, ...], minimum: bool = False):
        self.axes, self.minimum = axes, minimum

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        shape = tuple(s for i, s in enumerate(x.type.shape) if i not in self.axes)
        return Apply(self, [x], [Variable(TensorType("int64", shape))])

    def infer_shape(self, node, shapes, dims):
        return [[d for a, d in enumerate(shapes[0]) if a not in self.axes]]

    def perform(self, node, inputs):
        x = inputs[0]
        _check_not_empty(self.name, x, self.axes, node.inputs[0].label())
        kept = [a for a in range(x.ndim) if a not in self.axes]
        count = int(np.prod([x.shape[a] for a in self.axes]))
        rows = x.transpose(kept + list(self.axes)).reshape([x.shape[a] for a in kept] + [count])
        return [(np.argmin if self.minimum else np.argmax)(rows, axis=-1)]

    @property
    def name(self) -> str:
        return "argmin" if self.minimum else "argmax"

    def __str__(self):
        return f"{self.name.capitalize()}{{axes={list(self.axes)}}}"


def argmax(x, axis=None, keepdims=False) -> Variable:
    x = as_tensor_variable(x)
    axes = _normalize_axes(axis, x.ndim)
    return _keepdims(x, Argmax(axes)(x), axes, keepdims)


def argmin(x, axis=None, keepdims=False) -> Variable:
    x = as_tensor_variable(x)
    axes = _normalize_axes(axis, x.ndim)
    return _keepdims(x, Argmax(axes, minimum=True)(x), axes, keepdims)


def max_and_argmax(a, axis=None, keepdims=False) -> list[Variable]:
    """[max(a, axis), argmax(a, axis)]."""
    return [max(a, axis=axis, keepdims=keepdims), argmax(a, axis=axis, keepdims=keepdims)]


def ptp(a, axis=None) -> Variable:
    """The range of values, max - min, along `axis` (all axes: None)."""
    a = as_tensor_variable(a)
    return sub(max(a, axis), min(a, axis))


def isclose(a, b, rtol=1.0e-5, atol=1.0e-8, equal_nan=False) -> Variable:
    """NumPy's isclose: |a - b| <= atol + rtol |b| for finite values; infinities
    are close where equal; NaNs are not (but for `equal_nan`, to each other)."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    close = and_(and_(isfinite(a), isfinite(b)), le(abs(sub(a, b)), add(atol, mul(rtol, abs(b)))))
    close = or_(close, and_(and_(isinf(a), isinf(b)), eq(a, b)))
    return or_(close, and_(isnan(a), isnan(b))) if equal_nan else close


def allclose(a, b, rtol=1.0e-5, atol=1.0e-8, equal_nan=False) -> Variable:
    """Whether every element of a is close to b's (`isclose`)."""
    return all(isclose(a, b, rtol, atol, equal_nan))


def largest(*args) -> Variable:
    """The elementwise largest of the arguments (the first of equals)."""
    if len(args) == 2:
        a, b = map(as_tensor_variable, args)
        return switch(gt(a, b), a, b)
    return max(stack(args), axis=0)


def smallest(*args) -> Variable:
    """The elementwise smallest of the arguments (the first of equals)."""
    if len(args) == 2:
        a, b = map(as_tensor_variable, args)
        return switch(lt(a, b), a, b)
    return min(stack(args), axis=0)


def ceil_intdiv(a, b) -> Variable:
    """ceil(a / b) for integers: a // b, plus 1 where it leaves a remainder."""
    quotient = int_div(a, b)
    return add(cast(neq(mod(a, b), 0), quotient.dtype), quotient)


def sgn(a) -> Variable:
    warnings.warn("sgn is deprecated and will stop working in the future, use sign instead.", FutureWarning)
    return sign(a)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None) -> Variable:
    """NumPy's covariance matrix of the variables in m's rows (columns if
    not `rowvar`) and y's, normalized by N - ddof (ddof 1 but for `bias`)."""
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights and aweights are not implemented (nor are they in PyTensor)")
    rows = [atleast_2d(as_tensor_variable(v)) for v in (m, y) if v is not None]
    rows = concatenate([r if rowvar or r.ndim == 1 else r.T for r in rows], axis=0)
    ddof = (0 if bias else 1) if ddof is None else ddof
    centered = sub(rows, mean(rows, axis=1, keepdims=True))
    c = true_div(dot(centered, centered.T), cast(sub(Shape(1)(rows), ddof), "float64"))
    return squeeze(c)
