"""The patterns of `convert-arith-to-llvm` (passes/convert_arith_to_llvm.py), which
`convert-to-llvm` applies too."""

from xdsl.dialects import arith, llvm
from xdsl.dialects.builtin import (
    FloatAttr,
    IntegerAttr,
    IntegerType,
    i1,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
)
from xdsl.utils.exceptions import PassFailedException

from scanjit.passes.support.llvm_common import (
    const,
    icmp,
    llvm_type,
    replace_with,
    suffix,
    to_llvm,
)

_SIMPLE: dict[type[Operation], type[Operation]] = {
    arith.AddiOp: llvm.AddOp,
    arith.SubiOp: llvm.SubOp,
    arith.MuliOp: llvm.MulOp,
    arith.DivSIOp: llvm.SDivOp,
    arith.DivUIOp: llvm.UDivOp,
    arith.RemSIOp: llvm.SRemOp,
    arith.RemUIOp: llvm.URemOp,
    arith.AndIOp: llvm.AndOp,
    arith.OrIOp: llvm.OrOp,
    arith.XOrIOp: llvm.XOrOp,
    arith.ShLIOp: llvm.ShlOp,
    arith.ShRUIOp: llvm.LShrOp,
    arith.ShRSIOp: llvm.AShrOp,
    arith.AddfOp: llvm.FAddOp,
    arith.SubfOp: llvm.FSubOp,
    arith.MulfOp: llvm.FMulOp,
    arith.DivfOp: llvm.FDivOp,
}

_CASTS: dict[type[Operation], type[Operation]] = {
    arith.ExtFOp: llvm.FPExtOp,
    arith.TruncFOp: llvm.FPTruncOp,
    arith.ExtSIOp: llvm.SExtOp,
    arith.ExtUIOp: llvm.ZExtOp,
    arith.TruncIOp: llvm.TruncOp,
    arith.SIToFPOp: llvm.SIToFPOp,
    arith.BitcastOp: llvm.BitcastOp,
}

_FLOAT_INTRINSICS: dict[type[Operation], str] = {
    arith.MaxnumfOp: "llvm.maxnum",
    arith.MinnumfOp: "llvm.minnum",
    arith.MaximumfOp: "llvm.maximum",
    arith.MinimumfOp: "llvm.minimum",
}

_INT_MINMAX: dict[type[Operation], str] = {
    arith.MaxSIOp: "sgt",
    arith.MinSIOp: "slt",
    arith.MaxUIOp: "ugt",
    arith.MinUIOp: "ult",
}


def _width(t: Attribute) -> int:
    assert isinstance(t, IntegerType)
    return t.width.data


def _constant(op: arith.ConstantOp) -> list[Operation]:
    t = llvm_type(op.result.type)
    value = op.value
    if isinstance(value, IntegerAttr):
        return [llvm.ConstantOp(IntegerAttr(value.value.data, t), t)]
    if isinstance(value, FloatAttr):
        return [llvm.ConstantOp(value, t)]
    raise PassFailedException(f"convert-arith-to-llvm: cannot lower arith.constant {value}")


def _index_cast(x: SSAValue, to: Attribute) -> list[Operation]:
    """Resize integer `x` to `to`, sign-extending (index is i64)."""
    src, dst = _width(x.type), _width(to)
    if src == dst:
        return []
    return [llvm.TruncOp(x, to) if src > dst else llvm.SExtOp(x, to)]


def _uitofp(x: SSAValue, to: Attribute) -> list[Operation]:
    if _width(x.type) < 64:
        ext = llvm.ZExtOp(x, i64)
        return [ext, llvm.SIToFPOp(ext, to)]
    one, zero = const(1), const(0)
    low = llvm.AndOp(x, one.result)
    half = llvm.LShrOp(x, one.result)
    sticky = llvm.OrOp(half.res, low.res)
    small, big = llvm.SIToFPOp(x, to), llvm.SIToFPOp(sticky, to)
    doubled = llvm.FAddOp(big, big)
    negative = icmp(x, zero.result, "slt")
    select = llvm.SelectOp(negative, doubled, small)
    return [one, zero, low, half, sticky, small, big, doubled, negative, select]


def _floordivsi(a: SSAValue, b: SSAValue) -> list[Operation]:
    """a / b rounded towards -inf: q - 1 when the remainder is nonzero and
    a and b have opposite signs."""
    zero, one = const(0, a.type), const(1, a.type)
    q, r = llvm.SDivOp(a, b), llvm.SRemOp(a, b)
    r_nonzero = icmp(r.res, zero.result, "ne")
    xor = llvm.XOrOp(a, b)
    signs_differ = icmp(xor.res, zero.result, "slt")
    adjust = llvm.AndOp(r_nonzero.res, signs_differ.res)
    fixed = llvm.SubOp(q.res, one.result)
    select = llvm.SelectOp(adjust, fixed, q)
    return [zero, one, q, r, r_nonzero, xor, signs_differ, adjust, fixed, select]


def _lower(op: Operation, args: list[SSAValue]) -> list[Operation]:
    """The llvm ops computing `op` from its lowered operands `args`; the last
    one's result replaces op's (no ops: op is a no-op on args[0])."""
    out = llvm_type(op.results[0].type) if op.results else None
    kind = type(op)
    if kind in _SIMPLE:
        return [_SIMPLE[kind](*args)]
    if kind in _CASTS:
        return [_CASTS[kind](args[0], out)]
    if kind in _FLOAT_INTRINSICS:
        name = f"{_FLOAT_INTRINSICS[kind]}.{suffix(out)}"
        return [llvm.CallIntrinsicOp(name, args, [out])]
    if kind in _INT_MINMAX:
        cmp = icmp(args[0], args[1], _INT_MINMAX[kind])
        return [cmp, llvm.SelectOp(cmp, args[0], args[1])]
    match op:
        case arith.ConstantOp():
            return _constant(op)
        case arith.NegfOp():
            return [llvm.FNegOp(args[0])]
        case arith.CmpiOp():
            return [llvm.ICmpOp(args[0], args[1], IntegerAttr(op.predicate.value.data, i64))]
        case arith.CmpfOp():
            pred = op.predicate.value.data
            if pred in (0, 15):  # false / true
                return [const(int(pred == 15), i1)]
            return [llvm.FCmpOp(args[0], args[1], IntegerAttr(pred, i64))]
        case arith.SelectOp():
            return [llvm.SelectOp(*args)]
        case arith.IndexCastOp():
            return _index_cast(args[0], out)
        case arith.FPToSIOp() | arith.FPToUIOp():
            sign = "s" if isinstance(op, arith.FPToSIOp) else "u"
            name = f"llvm.fpto{sign}i.sat.{suffix(out)}.{suffix(args[0].type)}"
            return [llvm.CallIntrinsicOp(name, args, [out])]
        case arith.UIToFPOp():
            return _uitofp(args[0], out)
        case arith.FloorDivSIOp():
            return _floordivsi(args[0], args[1])
        case _:
            raise PassFailedException(f"convert-arith-to-llvm: cannot lower {op.name}")


class ArithLowering(RewritePattern):
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        if op.dialect_name() != "arith":
            return
        args = [to_llvm(v) for v in op.operands]
        ops = _lower(op, args)
        result = ops[-1].results[0] if ops else args[0]
        replace_with(rewriter, op, ops, [result])
