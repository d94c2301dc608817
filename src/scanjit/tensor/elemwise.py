"""Elementwise functions: the `Elemwise` op, the front end's table of scalar
functions (each one's NumPy reference and output dtype rule; its emission is
its row in emit/scalar.py), and the constructors `pt.add`, `pt.exp`, ...

Adding an elementwise function: a row in `SCALARS`, a constructor and its
name in `__all__` here (scanjit.tensor exports them), a row in
emit/scalar.py, and a test."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scanjit import config
from scanjit.dtypes import DTYPES, INTS, is_float, upcast, upgrade_to_float
from scanjit.graph import Apply, Constant, Op, TensorType, Variable
from scanjit.tensor.basic import as_tensor_variable, broadcast_shape, check_broadcast, constant


@dataclass(frozen=True)
class Scalar:
    """A scalar function: `numpy` computes it on arrays whose dtypes
    `operand_dtypes` gives, `dtype` is the result's dtype for the inputs'."""

    numpy: Callable
    dtype: Callable[[list[str]], str]
    operands: str = "result"  # inputs computed as: "result", "common" (upcast), "switch", "cast"

    def operand_dtypes(self, dtypes: list[str], result: str) -> list[str]:
        if self.operands == "common":
            return [upcast(*dtypes)] * len(dtypes)
        if self.operands == "switch":
            return ["bool", result, result]
        if self.operands == "cast":
            return dtypes
        return [result] * len(dtypes)


def _upcast(dtypes: list[str]) -> str:
    return upcast(*dtypes)


def _float(dtypes: list[str]) -> str:
    """PyTensor's rule for float-valued functions of integers."""
    return upgrade_to_float(upcast(*dtypes))


def _true_div(dtypes: list[str]) -> str:
    out = upcast(*dtypes)
    return out if is_float(out) else config.floatX


def _bool(dtypes: list[str]) -> str:
    return "bool"


def _power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """NumPy's power for floats; for integers MLIR's ipowi, where a negative
    exponent gives 1 for base 1, +-1 for base -1, else 0."""
    if is_float(str(a.dtype)):
        return np.power(a, b)
    negative = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(b < 0, negative, np.power(a, np.maximum(b, 0))).astype(a.dtype)


SCALARS: dict[str, Scalar] = {
    "add": Scalar(np.add, _upcast), "sub": Scalar(np.subtract, _upcast),
    "mul": Scalar(np.multiply, _upcast), "true_div": Scalar(np.true_divide, _true_div),
    "int_div": Scalar(np.floor_divide, _upcast), "mod": Scalar(np.remainder, _upcast),
    "pow": Scalar(_power, _upcast), "maximum": Scalar(np.maximum, _upcast),
    "minimum": Scalar(np.minimum, _upcast), "and": Scalar(np.bitwise_and, _upcast),
    "or": Scalar(np.bitwise_or, _upcast), "xor": Scalar(np.bitwise_xor, _upcast),
    "invert": Scalar(np.invert, _upcast), "neg": Scalar(np.negative, _upcast),
    "abs": Scalar(np.abs, _upcast),
    "exp": Scalar(np.exp, _float), "log": Scalar(np.log, _float), "tanh": Scalar(np.tanh, _float),
    "sqrt": Scalar(np.sqrt, _float), "sin": Scalar(np.sin, _float), "cos": Scalar(np.cos, _float),
    "lt": Scalar(np.less, _bool, "common"), "gt": Scalar(np.greater, _bool, "common"),
    "le": Scalar(np.less_equal, _bool, "common"), "ge": Scalar(np.greater_equal, _bool, "common"),
    "eq": Scalar(np.equal, _bool, "common"), "neq": Scalar(np.not_equal, _bool, "common"),
    "switch": Scalar(lambda c, a, b: np.where(c, a, b), lambda dtypes: upcast(*dtypes[1:]), "switch"),
    **{f"cast_{d}": Scalar(lambda x, d=d: x.astype(d), lambda dtypes, d=d: d, "cast") for d in DTYPES},
}


class Elemwise(Op):
    """The scalar function `scalar_op` (a key of SCALARS) applied elementwise,
    with NumPy broadcasting."""

    def __init__(self, scalar_op: str):
        if scalar_op not in SCALARS:
            raise NotImplementedError(f"the elementwise function {scalar_op!r}")
        self.scalar_op = scalar_op

    def make_node(self, *inputs) -> Apply:
        inputs = [as_tensor_variable(x) for x in inputs]
        if self.scalar_op in ("neg", "sub") and upcast(*[x.dtype for x in inputs]) == "bool":
            raise TypeError(f"{self.scalar_op} is not defined on bool tensors (as in NumPy)")
        shape = broadcast_shape([x.type for x in inputs])
        out = Variable(TensorType(SCALARS[self.scalar_op].dtype([x.dtype for x in inputs]), shape))
        return Apply(self, inputs, [out])

    def infer_shape(self, node, shapes, dims):
        """Per axis, the length of the first input not of static length 1 there."""
        out = node.outputs[0]
        lengths = []
        for axis in range(out.ndim):
            sized = [shape[k] for shape, x in zip(shapes, node.inputs)
                     if (k := axis - (out.ndim - x.ndim)) >= 0 and x.type.shape[k] != 1]
            lengths.append(sized[0] if sized else dims.const(1))
        return [lengths]

    def infer_size(self, node, dims):
        """An integer scalar's value in the algebra `dims` (a length computed
        from lengths, as `x.shape[0] * 2`), where the inputs have one."""
        if node.outputs[0].ndim or not all(v.dtype in INTS for v in [*node.inputs, *node.outputs]):
            return None
        if self.scalar_op.startswith("cast_"):
            return dims.size(node.inputs[0])
        combine = {"add": dims.add, "mul": dims.mul}.get(self.scalar_op)
        return combine and combine(*(dims.size(v) for v in node.inputs))

    def perform(self, node, inputs):
        out = node.outputs[0]
        check_broadcast([v.type.shape for v in node.inputs], inputs, out.ndim, str(self),
                        [v.label() for v in node.inputs])
        scalar = SCALARS[self.scalar_op]
        operands = scalar.operand_dtypes([v.dtype for v in node.inputs], out.dtype)
        return [np.asarray(scalar.numpy(*[a.astype(d) for a, d in zip(inputs, operands)]), out.dtype)]

    def __str__(self):
        return f"Elemwise{{{self.scalar_op}}}"


def _elemwise(name: str):
    op = Elemwise(name)
    if name in ("add", "mul"):  # variadic as in PyTensor, folded into binary nodes
        return lambda first, *rest: functools.reduce(op, rest, as_tensor_variable(first))
    return lambda *args: op(*args)


add, sub, mul, true_div, int_div, mod, pow = (
    _elemwise(n) for n in ("add", "sub", "mul", "true_div", "int_div", "mod", "pow"))
neg, exp, log, tanh, sqrt, abs, sin, cos = (
    _elemwise(n) for n in ("neg", "exp", "log", "tanh", "sqrt", "abs", "sin", "cos"))
lt, gt, le, ge, eq, neq = (_elemwise(n) for n in ("lt", "gt", "le", "ge", "eq", "neq"))
maximum, minimum, switch = (_elemwise(n) for n in ("maximum", "minimum", "switch"))
and_, or_, xor, invert = (_elemwise(n) for n in ("and", "or", "xor", "invert"))
where = switch

__all__ = ["Elemwise", "SCALARS", "add", "sub", "mul", "true_div", "int_div", "mod", "pow", "neg", "exp",
           "log", "tanh", "sqrt", "abs", "sin", "cos", "lt", "gt", "le", "ge", "eq", "neq", "maximum",
           "minimum", "switch", "and_", "or_", "xor", "invert", "where", "cast"]


def cast(x, dtype: str) -> Variable:
    """`x` as `dtype`; a constant stays a constant (so its static shape and
    value are known to the ops using it, as `pt.alloc(v, 1)`'s length)."""
    x = as_tensor_variable(x)
    dtype = str(np.dtype(config.floatX if dtype == "floatX" else dtype))
    if x.dtype == dtype:
        return x
    if isinstance(x, Constant):
        return constant(x.data.astype(dtype), dtype=dtype)
    return Elemwise(f"cast_{dtype}")(x)
