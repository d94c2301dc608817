"""Scalar arithmetic for the emitter: dtypes as xDSL types, casts, and the
arith/math ops of each Elemwise scalar function."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from xdsl.dialects import arith, llvm, math
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX, FloatAttr, IndexType, IntegerAttr, IntegerType, TensorType, f32, f64, i1,
)
from xdsl.dialects.llvm import LLVMPointerType
from xdsl.ir import Attribute, Operation, SSAValue

from scanjit import bessel
from scanjit.dialects import sj
from scanjit.dtypes import upcast
from scanjit.graph import TensorType as GraphType
from scanjit.tensor.elemwise import ERFCX_INFINITE_BELOW, ERFCX_SERIES_FROM, SQRT_PI

ELEMENT_TYPES = {
    "float64": f64, "float32": f32, "int64": IntegerType(64), "int32": IntegerType(32),
    "int16": IntegerType(16), "int8": IntegerType(8), "bool": i1,
}


def ir_type(t: GraphType) -> Attribute:
    """0-d values are scalars; others are tensors with `?` for unknown lengths;
    a random generator is the pointer to its `bitgen_t`."""
    if t.dtype == "rng":
        return LLVMPointerType()
    elem = ELEMENT_TYPES[t.dtype]
    if t.ndim == 0:
        return elem
    return TensorType(elem, [DYNAMIC_INDEX if s is None else s for s in t.shape])


def is_float(dtype: str) -> bool:
    return dtype.startswith("float")


Emit = Callable[[Operation], SSAValue]


def const(emit: Emit, value, dtype: str) -> SSAValue:
    if dtype == "index":
        return emit(arith.ConstantOp(IntegerAttr(int(value), IndexType())))
    elem = ELEMENT_TYPES[dtype]
    if is_float(dtype):
        return emit(arith.ConstantOp(FloatAttr(float(value), elem)))
    return emit(arith.ConstantOp(IntegerAttr(int(value), elem)))


def convert(emit: Emit, v: SSAValue, src: str, dst: str) -> SSAValue:
    """Cast a scalar between dtypes with NumPy's semantics (float -> int
    truncates toward zero, anything -> bool is `!= 0`)."""
    if src == dst:
        return v
    to = ELEMENT_TYPES[dst]
    if dst == "bool":
        zero = const(emit, 0, src)
        return emit(arith.CmpfOp(v, zero, "une") if is_float(src) else arith.CmpiOp(v, zero, "ne"))
    if src == "bool":
        if is_float(dst):
            return emit(arith.SIToFPOp(emit(arith.ExtUIOp(v, IntegerType(32))), to))
        return emit(arith.ExtUIOp(v, to))
    if is_float(src) and is_float(dst):
        return emit(arith.ExtFOp(v, to) if dst == "float64" else arith.TruncFOp(v, to))
    if is_float(dst):
        return emit(arith.SIToFPOp(v, to))
    if is_float(src):
        return emit(arith.FPToSIOp(v, to))
    wider = to.width.data > ELEMENT_TYPES[src].width.data
    return emit(arith.ExtSIOp(v, to) if wider else arith.TruncIOp(v, to))


def to_index(emit: Emit, v: SSAValue) -> SSAValue:
    return v if isinstance(v.type, IndexType) else emit(arith.IndexCastOp(v, IndexType()))


def from_index(emit: Emit, v: SSAValue) -> SSAValue:
    return emit(arith.IndexCastOp(v, IntegerType(64)))


_FLOAT_BINARY = {"add": arith.AddfOp, "sub": arith.SubfOp, "mul": arith.MulfOp,
                 "true_div": arith.DivfOp, "maximum": arith.MaximumfOp,
                 "minimum": arith.MinimumfOp, "pow": math.PowFOp, "arctan2": math.Atan2Op,
                 "gammainc": sj.GammaincOp, "gammaincc": sj.GammainccOp, "gammainc_der": sj.GammaincDerOp,
                 "gammaincinv": sj.GammaincinvOp, "gammainccinv": sj.GammainccinvOp}
_FLOAT_TERNARY = {"betainc": sj.BetaincOp, "betainc_der_a": sj.BetaincDerAOp, "betainc_der_b": sj.BetaincDerBOp,
                  "betaincinv": sj.BetaincinvOp}
_INT_BINARY = {"add": arith.AddiOp, "sub": arith.SubiOp, "mul": arith.MuliOp,
               "maximum": arith.MaxSIOp, "minimum": arith.MinSIOp,
               "and": arith.AndIOp, "or": arith.OrIOp, "xor": arith.XOrIOp, "pow": math.IPowIOp}
# NumPy's bool arithmetic is logical: True + True is True.
_BOOL_BINARY = {**_INT_BINARY, "add": arith.OrIOp, "mul": arith.AndIOp, "maximum": arith.OrIOp,
                "minimum": arith.AndIOp}
_FLOAT_UNARY = {"exp": math.ExpOp, "log": math.LogOp, "tanh": math.TanhOp, "sqrt": math.SqrtOp,
                "abs": math.AbsFOp, "sin": math.SinOp, "cos": math.CosOp, "neg": arith.NegfOp,
                "floor": math.FloorOp, "ceil": math.CeilOp, "trunc": math.TruncOp,
                "round_half_to_even": math.RoundEvenOp, "round_half_away_from_zero": math.RoundOp,
                "log1p": math.Log1pOp, "expm1": math.ExpM1Op, "erf": math.ErfOp, "erfc": sj.ErfcOp,
                "sigmoid": sj.SigmoidOp, "softplus": sj.SoftplusOp, "gammaln": sj.LgammaOp, "gamma": sj.TgammaOp,
                "j0": sj.BesselJ0Op, "j1": sj.BesselJ1Op,
                "erfinv": sj.ErfinvOp, "psi": sj.DigammaOp, "tri_gamma": sj.TrigammaOp,
                "tan": math.TanOp, "sinh": math.SinhOp,
                "cosh": math.CoshOp, "arcsin": math.AsinOp, "arccos": math.AcosOp, "arctan": math.AtanOp,
                "arcsinh": math.AsinhOp, "arccosh": math.AcoshOp, "arctanh": math.AtanhOp,
                "exp2": math.Exp2Op, "log2": math.Log2Op, "log10": math.Log10Op}
# Computed in f64 and rounded for f32: libm's f32 functions are less accurate,
# and a composition rounds once instead of at each op.
_IN_F64 = {"erf", "erfc", "erfcx", "erfcinv", "gamma", "i0", "i1", "j0", "j1", "gammainc", "gammaincc",
           "gammainc_der", "gammainccinv", "gammaincinv", "betainc", "betainc_der_a", "betainc_der_b", "betaincinv",
           "gammaln",
           "log1mexp", "logaddexp", "tan", "sinh", "cosh", "arcsin", "arccos", "arctan", "arctan2", "arcsinh",
           "arccosh", "arctanh", "exp2", "log2", "log10"}
_CMP = {"lt": ("olt", "slt"), "gt": ("ogt", "sgt"), "le": ("ole", "sle"), "ge": ("oge", "sge"),
        "eq": ("oeq", "eq"), "neq": ("une", "ne")}
LN2 = 0.6931471805599453


def compare(emit: Emit, name: str, a: SSAValue, b: SSAValue, dtype: str) -> SSAValue:
    """a `name` b (a key of _CMP) for scalars of `dtype`; NaN compares false
    but for neq."""
    fpred, ipred = _CMP[name]
    if dtype == "bool":  # i1 is signed -1/0 to `slt`: compare False < True unsigned
        ipred = ipred.replace("s", "u")
    return emit(arith.CmpfOp(a, b, fpred) if is_float(dtype) else arith.CmpiOp(a, b, ipred))


def elemwise(emit: Emit, scalar_op: str, args: list[SSAValue], in_dtypes: list[str],
             out_dtype: str) -> SSAValue:
    """The scalar function `scalar_op` on `args`, computed in the result dtype
    (comparisons in the inputs' common dtype)."""
    if scalar_op.startswith("cast_"):
        return convert(emit, args[0], in_dtypes[0], out_dtype)
    if scalar_op in _CMP:
        common = upcast(*in_dtypes)
        a, b = (convert(emit, x, d, common) for x, d in zip(args, in_dtypes))
        return compare(emit, scalar_op, a, b, common)
    if scalar_op in ("isnan", "isinf"):
        return _nan_or_inf(emit, scalar_op, args[0], in_dtypes[0])
    if scalar_op == "second":  # PyTensor's fill: the second input, broadcast to the first's shape
        return convert(emit, args[1], in_dtypes[1], out_dtype)
    if scalar_op == "switch":
        cond = convert(emit, args[0], in_dtypes[0], "bool")
        a, b = (convert(emit, x, d, out_dtype) for x, d in zip(args[1:], in_dtypes[1:]))
        return emit(arith.SelectOp(cond, a, b))
    if scalar_op == "polygamma":  # an integer order n; computed in f64
        n = convert(emit, args[0], in_dtypes[0], "int64")
        x = convert(emit, args[1], in_dtypes[1], "float64")
        return convert(emit, emit(sj.PolygammaOp(n, x)), "float64", out_dtype)
    if scalar_op in _IN_F64 and out_dtype == "float32":
        wide = [convert(emit, x, d, "float64") for x, d in zip(args, in_dtypes)]
        result = elemwise(emit, scalar_op, wide, ["float64"] * len(args), "float64")
        return convert(emit, result, "float64", "float32")
    xs = [convert(emit, x, d, out_dtype) for x, d in zip(args, in_dtypes)]
    flt = is_float(out_dtype)
    if scalar_op in _COMPOSED:
        return _COMPOSED[scalar_op](emit, xs, out_dtype)
    if scalar_op == "invert":
        ones = const(emit, 1 if out_dtype == "bool" else -1, out_dtype)
        return emit(arith.XOrIOp(xs[0], ones))
    if scalar_op in ("int_div", "mod"):
        if flt:
            return _float_divmod(emit, xs[0], xs[1], out_dtype)[0 if scalar_op == "int_div" else 1]
        return _int_div_or_mod(emit, scalar_op, xs[0], xs[1], out_dtype)
    if scalar_op == "neg" and not flt:
        return emit(arith.SubiOp(const(emit, 0, out_dtype), xs[0]))
    if scalar_op == "abs" and not flt:
        return emit(math.AbsIOp(xs[0]))
    table = (_FLOAT_UNARY, _FLOAT_BINARY, _FLOAT_TERNARY)[len(xs) - 1] if flt else \
        _BOOL_BINARY if out_dtype == "bool" else _INT_BINARY
    if scalar_op not in table:
        raise NotImplementedError(f"Elemwise{{{scalar_op}}} on {out_dtype}")
    return emit(table[scalar_op](*xs))


def _nan_or_inf(emit: Emit, scalar_op: str, x: SSAValue, dtype: str) -> SSAValue:
    """isnan / isinf: always false for integers and bools."""
    if not is_float(dtype):
        return const(emit, 0, "bool")
    if scalar_op == "isnan":
        return emit(arith.CmpfOp(x, x, "uno"))
    return emit(arith.CmpfOp(emit(math.AbsFOp(x)), const(emit, float("inf"), dtype), "oeq"))


def _sign(emit: Emit, xs: list[SSAValue], dtype: str) -> SSAValue:
    """NumPy's sign: -1, 0 or 1; NaN for NaN and +0 for -0 (-0 + 0 is +0)."""
    (x,) = xs
    zero = const(emit, 0, dtype)
    otherwise = emit(arith.AddfOp(x, zero)) if is_float(dtype) else zero
    negative = emit(arith.SelectOp(compare(emit, "lt", x, zero, dtype), const(emit, -1, dtype), otherwise))
    return emit(arith.SelectOp(compare(emit, "gt", x, zero, dtype), const(emit, 1, dtype), negative))


def _clip(emit: Emit, xs: list[SSAValue], dtype: str) -> SSAValue:
    """PyTensor's clip: `low` where x < low, else `high` where x > high, else x."""
    x, low, high = xs
    above = emit(arith.SelectOp(compare(emit, "gt", x, high, dtype), high, x))
    return emit(arith.SelectOp(compare(emit, "lt", x, low, dtype), low, above))


def _log1mexp(emit: Emit, xs: list[SSAValue], dtype: str) -> SSAValue:
    """log(1 - exp(x)): log1p(-exp(x)) below -log 2, where exp(x) < 1/2, else
    log(-expm1(x)); both are computed, so that loops over it vectorize."""
    (x,) = xs
    via_exp = emit(math.Log1pOp(emit(arith.NegfOp(emit(math.ExpOp(x))))))
    via_expm1 = emit(math.LogOp(emit(arith.NegfOp(emit(math.ExpM1Op(x))))))
    small = emit(arith.CmpfOp(x, const(emit, -LN2, dtype), "olt"))
    return emit(arith.SelectOp(small, via_exp, via_expm1))


def _logaddexp(emit: Emit, xs: list[SSAValue], dtype: str) -> SSAValue:
    """NumPy's: the larger plus softplus(-|a - b|), and a + log 2 where a == b
    (equal infinities included); NaN for a NaN."""
    a, b = xs
    d = emit(arith.SubfOp(a, b))
    larger = emit(arith.SelectOp(emit(arith.CmpfOp(d, const(emit, 0.0, dtype), "ogt")), a, b))
    tail = emit(sj.SoftplusOp(emit(arith.NegfOp(emit(math.AbsFOp(d))))))
    total = emit(arith.AddfOp(larger, tail))
    equal = emit(arith.CmpfOp(a, b, "oeq"))
    return emit(arith.SelectOp(equal, emit(arith.AddfOp(a, const(emit, LN2, dtype))), total))


def _times_log(log: type) -> Callable[[Emit, list[SSAValue], str], SSAValue]:
    """x * log(y) (log: math.LogOp or Log1pOp), 0 where x is 0."""
    def emit_it(emit: Emit, xs: list[SSAValue], dtype: str) -> SSAValue:
        x, y = xs
        zero = const(emit, 0.0, dtype)
        product = emit(arith.MulfOp(x, emit(log(y))))
        return emit(arith.SelectOp(emit(arith.CmpfOp(x, zero, "oeq")), zero, product))
    return emit_it


class _Floats:
    """Arithmetic in one float dtype for the composed emitters: Python
    numbers become constants of the dtype."""

    def __init__(self, emit: Emit, dtype: str):
        self.emit, self.dtype = emit, dtype

    def __call__(self, value) -> SSAValue:
        return const(self.emit, value, self.dtype) if isinstance(value, int | float) else value

    def add(self, a, b) -> SSAValue:
        return self.emit(arith.AddfOp(self(a), self(b)))

    def sub(self, a, b) -> SSAValue:
        return self.emit(arith.SubfOp(self(a), self(b)))

    def mul(self, a, b) -> SSAValue:
        return self.emit(arith.MulfOp(self(a), self(b)))

    def div(self, a, b) -> SSAValue:
        return self.emit(arith.DivfOp(self(a), self(b)))

    def apply(self, op: type, *args) -> SSAValue:
        return self.emit(op(*[self(a) for a in args]))

    def cmp(self, a, pred: str, b) -> SSAValue:
        return self.emit(arith.CmpfOp(self(a), self(b), pred))

    def select(self, cond: SSAValue, a, b) -> SSAValue:
        return self.emit(arith.SelectOp(cond, self(a), self(b)))


def _erfcx(emit: Emit, xs: list[SSAValue], dtype: str) -> SSAValue:
    """exp(x^2) erfc(x) as the reference computes it (tensor/elemwise.py's
    _erfcx): x^2 = hi + lo exactly, exp(hi) (1 + lo) erfc(x); the asymptotic
    series from 25 on; +inf below -27."""
    (x,) = xs
    f = _Floats(emit, dtype)
    c = f.mul(x, 134217729.0)
    high = f.sub(c, f.sub(c, x))
    low = f.sub(x, high)
    square = f.mul(x, x)
    error = f.add(f.add(f.sub(f.mul(high, high), square), f.mul(f.mul(2.0, high), low)), f.mul(low, low))
    direct = f.mul(f.mul(f.apply(math.ExpOp, square), f.add(1.0, error)), f.apply(sj.ErfcOp, x))
    t = f.div(1.0, f.mul(2.0, square))
    series = f(1.0)
    for k in (11, 9, 7, 5, 3, 1):
        series = f.sub(1.0, f.mul(f.mul(float(k), t), series))
    series = f.div(series, f.mul(x, SQRT_PI))
    below = f.select(f.cmp(x, "olt", ERFCX_INFINITE_BELOW), float("inf"), direct)
    return f.select(f.cmp(x, "oge", ERFCX_SERIES_FROM), series, below)


def _erfcinv(emit: Emit, xs: list[SSAValue], dtype: str) -> SSAValue:
    """erfc's inverse as the reference computes it (tensor/elemwise.py's
    _erfcinv): Winitzki's guess for a = min(y, 2 - y), three Halley steps on
    erfc(x) - a (on erf(x) - (1 - a) from a = 1/2 on), negated above 1."""
    (y,) = xs
    f = _Floats(emit, dtype)
    above_one = f.cmp(y, "ogt", 1.0)
    a = f.select(above_one, f.sub(2.0, y), y)
    w = f.apply(arith.NegfOp, f.apply(math.LogOp, f.mul(a, f.sub(2.0, a))))
    c = f.sub(2 / (np.pi * 0.147), f.div(w, 2.0))
    inner = f.apply(math.SqrtOp, f.add(f.mul(c, c), f.div(w, 0.147)))
    x = f.apply(math.SqrtOp, f.sub(inner, c))
    body_side = f.cmp(a, "oge", 0.5)
    one_minus_a = f.sub(1.0, a)
    for _ in range(3):
        slope = f.mul(2 / SQRT_PI, f.apply(math.ExpOp, f.apply(arith.NegfOp, f.mul(x, x))))
        tail = f.sub(f.apply(sj.ErfcOp, x), a)
        body = f.sub(f.apply(math.ErfOp, x), one_minus_a)
        step_tail = f.div(tail, f.sub(f.mul(x, tail), slope))
        step_body = f.div(body, f.add(f.mul(x, body), slope))
        x = f.sub(x, f.select(body_side, step_body, step_tail))
    x = f.select(f.cmp(a, "oeq", 0.0), float("inf"), x)
    x = f.select(above_one, f.apply(arith.NegfOp, x), x)
    inside = emit(arith.AndIOp(f.cmp(y, "oge", 0.0), f.cmp(y, "ole", 2.0)))
    return f.select(inside, x, float("nan"))


def _horner(f: _Floats, coefficients: tuple[float, ...], y: SSAValue) -> SSAValue:
    acc = f(coefficients[-1])
    for c in coefficients[-2::-1]:
        acc = f.add(f.mul(acc, y), c)
    return acc


def _bessel_i(v: int) -> Callable[[Emit, list[SSAValue], str], SSAValue]:
    """I_v(x), v = 0 or 1, as scanjit.bessel computes it: the power series
    below 18, else the asymptotic series; both are computed (loops vectorize)."""
    def emit_it(emit: Emit, xs: list[SSAValue], dtype: str) -> SSAValue:
        (x,) = xs
        f = _Floats(emit, dtype)
        a = f.apply(math.AbsFOp, x)
        small = _horner(f, bessel.SERIES[v], f.mul(f.mul(a, a), 0.25))
        if v == 1:
            small = f.mul(small, f.mul(a, 0.5))
        half = f.apply(math.ExpOp, f.mul(a, 0.5))
        scale = f.div(half, f.apply(math.SqrtOp, f.mul(2 * np.pi, a)))
        large = f.mul(half, f.mul(scale, _horner(f, bessel.ASYMPTOTIC[v], f.div(1.0, a))))
        large = f.select(f.cmp(a, "oeq", float("inf")), float("inf"), large)
        result = f.select(f.cmp(a, "olt", bessel.SERIES_BELOW), small, large)
        return f.apply(math.CopySignOp, result, x) if v == 1 else result
    return emit_it


_COMPOSED: dict[str, Callable[[Emit, list[SSAValue], str], SSAValue]] = {
    "erfcx": _erfcx, "erfcinv": _erfcinv, "i0": _bessel_i(0), "i1": _bessel_i(1),
    "xlogy": _times_log(math.LogOp), "xlog1py": _times_log(math.Log1pOp),
    "sign": _sign, "clip": _clip, "log1mexp": _log1mexp, "logaddexp": _logaddexp,
    "square": lambda emit, xs, dtype: elemwise(emit, "mul", [xs[0], xs[0]], [dtype] * 2, dtype),
    "reciprocal": lambda emit, xs, dtype: emit(arith.DivfOp(const(emit, 1.0, dtype), xs[0])),
}


def _int_div_or_mod(emit: Emit, scalar_op: str, a: SSAValue, b: SSAValue, dtype: str) -> SSAValue:
    """NumPy's a // b or a % b, which never trap: divisors 0 and -1 (MIN // -1
    overflows sdiv) are replaced by 1; then x // 0 = x % 0 = 0 and x // -1 = -x."""
    zero, one, minus_one = (const(emit, v, dtype) for v in (0, 1, -1))
    by_zero = emit(arith.CmpiOp(b, zero, "eq"))
    by_minus_one = emit(arith.CmpiOp(b, minus_one, "eq"))
    safe = emit(arith.SelectOp(emit(arith.OrIOp(by_zero, by_minus_one)), one, b))
    if scalar_op == "mod":
        return _python_mod(emit, a, safe, dtype)
    quotient = emit(arith.FloorDivSIOp(a, safe))
    negated = emit(arith.SelectOp(by_minus_one, emit(arith.SubiOp(zero, a)), quotient))
    return emit(arith.SelectOp(by_zero, zero, negated))


def _float_divmod(emit: Emit, a: SSAValue, b: SSAValue, dtype: str) -> tuple[SSAValue, SSAValue]:
    """(a // b, a % b) for floats exactly as NumPy's npy_divmod computes them,
    from fmod (LLVM's frem)."""
    f = _Floats(emit, dtype)
    mod = emit(llvm.FRemOp(a, b))
    quotient = f.div(a, b)
    div = f.div(f.sub(a, mod), b)
    mod_nonzero = f.cmp(mod, "une", 0.0)
    fix = emit(arith.AndIOp(mod_nonzero, emit(arith.XOrIOp(f.cmp(b, "olt", 0.0), f.cmp(mod, "olt", 0.0)))))
    div = f.select(fix, f.sub(div, 1.0), div)
    fixed_mod = f.select(fix, f.add(mod, b), mod)
    fixed_mod = f.select(mod_nonzero, fixed_mod, f.apply(math.CopySignOp, 0.0, b))
    floor = f.apply(math.FloorOp, div)
    floor = f.select(f.cmp(f.sub(div, floor), "ogt", 0.5), f.add(floor, 1.0), floor)
    floor = f.select(f.cmp(div, "une", 0.0), floor, f.apply(math.CopySignOp, 0.0, quotient))
    b_zero = f.cmp(b, "oeq", 0.0)
    return f.select(b_zero, quotient, floor), f.select(b_zero, mod, fixed_mod)


def _python_mod(emit: Emit, a: SSAValue, b: SSAValue, dtype: str) -> SSAValue:
    """a % b with the sign of b, as NumPy and Python compute it (integers)."""
    rem = emit(arith.RemSIOp(a, b))
    zero = const(emit, 0, dtype)
    nonzero = emit(arith.CmpiOp(rem, zero, "ne"))
    signs_differ = emit(arith.XOrIOp(emit(arith.CmpiOp(rem, zero, "slt")),
                                     emit(arith.CmpiOp(b, zero, "slt"))))
    fix = emit(arith.AndIOp(nonzero, signs_differ))
    return emit(arith.SelectOp(fix, emit(arith.AddiOp(rem, b)), rem))
