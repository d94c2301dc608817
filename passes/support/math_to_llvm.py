"""The patterns of `convert-math-to-llvm` (passes/convert_math_to_llvm.py), which
`convert-to-llvm` applies too."""

from dataclasses import dataclass

from xdsl.dialects import builtin, llvm, math
from xdsl.dialects.builtin import FloatAttr, i1, i32
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
)
from xdsl.rewriter import BlockInsertPoint, InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from scanjit.dialects import sj
from scanjit.passes.support.llvm_common import PTR, const, declare, icmp, replace_with, suffix, to_llvm

_INTRINSICS: dict[type[Operation], str] = {
    math.ExpOp: "exp",
    math.Exp2Op: "exp2",
    math.LogOp: "log",
    math.Log2Op: "log2",
    math.Log10Op: "log10",
    math.SqrtOp: "sqrt",
    math.SinOp: "sin",
    math.CosOp: "cos",
    math.FloorOp: "floor",
    math.CeilOp: "ceil",
    math.TruncOp: "trunc",
    math.RoundOp: "round",
    math.RoundEvenOp: "roundeven",
    math.AbsFOp: "fabs",
    math.PowFOp: "pow",
    math.CopySignOp: "copysign",
    math.FmaOp: "fma",
}

_LIBM: dict[type[Operation], str] = {
    math.TanhOp: "tanh",
    math.TanOp: "tan",
    math.SinhOp: "sinh",
    math.CoshOp: "cosh",
    math.AsinOp: "asin",
    math.AcosOp: "acos",
    math.AtanOp: "atan",
    math.Atan2Op: "atan2",
    math.AsinhOp: "asinh",
    math.AcoshOp: "acosh",
    math.AtanhOp: "atanh",
    math.Log1pOp: "log1p",
    math.ExpM1Op: "expm1",
    math.ErfOp: "erf",
    math.CbrtOp: "cbrt",
    sj.ErfcOp: "erfc",
    sj.TgammaOp: "tgamma",
    sj.BesselJ0Op: "j0",
    sj.BesselJ1Op: "j1",
}


def _float_suffix(t: Attribute) -> str:
    return {"f32": "f", "f64": ""}[suffix(t)]


def _ipowi(op: math.IPowIOp, rewriter: PatternRewriter) -> SSAValue:
    """Square-and-multiply in a loop; the op's block is split around it."""
    base, exp = to_llvm(op.lhs), to_llvm(op.rhs)
    t = base.type
    pre = op.parent_block()
    assert pre is not None
    header = Block(arg_types=[t, t, t])  # acc, base power, remaining exponent
    body = Block()
    rest = pre.split_before(op)
    Rewriter.insert_block([header, body], BlockInsertPoint.before(rest))

    one, zero, minus_one = const(1, t), const(0, t), const(-1, t)
    rewriter.insert(
        [one, zero, minus_one, llvm.BrOp(header, one.result, base, exp)],
        InsertPoint.at_end(pre),
    )
    acc, power, left = header.args
    more = icmp(left, zero.result, "sgt")
    header.add_ops([more, llvm.CondBrOp(more, body, (), rest, ())])
    odd = llvm.AndOp(left, one.result)
    is_odd = icmp(odd.res, zero.result, "ne")
    times = llvm.MulOp(acc, power)
    new_acc = llvm.SelectOp(is_odd, times, acc)
    square = llvm.MulOp(power, power)
    shifted = llvm.AShrOp(left, one.result)
    body.add_ops([odd, is_odd, times, new_acc, square, shifted])
    body.add_op(llvm.BrOp(header, new_acc, square, shifted))

    # Negative exponent: 1 for base 1, (-1)^e for base -1, else 0.
    ops: list[Operation] = []
    ops.append(negative := icmp(exp, zero.result, "slt"))
    ops.append(is_one := icmp(base, one.result, "eq"))
    ops.append(is_minus_one := icmp(base, minus_one.result, "eq"))
    ops.append(exp_odd := llvm.AndOp(exp, one.result))
    ops.append(exp_is_odd := icmp(exp_odd.res, zero.result, "ne"))
    ops.append(sign := llvm.SelectOp(exp_is_odd, minus_one, one))
    ops.append(unit := llvm.SelectOp(is_minus_one, sign, zero))
    ops.append(fraction := llvm.SelectOp(is_one, one, unit))
    ops.append(result := llvm.SelectOp(negative, fraction, acc))
    rewriter.insert(ops, InsertPoint.before(op))
    return result.res


def _lgamma(op: sj.LgammaOp, rewriter: PatternRewriter, module: builtin.ModuleOp) -> list[Operation]:
    out = op.result.type
    name = f"lgamma{_float_suffix(out)}_r"
    declare(module, name, [out, PTR], out)
    function = op
    while not isinstance(function.parent_op(), builtin.ModuleOp):
        function = function.parent_op()
    one = const(1)
    sign = llvm.AllocaOp(one, i32, alignment=4)
    rewriter.insert([one, sign], InsertPoint.at_start(function.regions[0].blocks.first))
    return [llvm.CallOp(name, to_llvm(op.operand), sign.res, return_type=out)]


def _lower(op: Operation, module: builtin.ModuleOp) -> list[Operation]:
    args = [to_llvm(v) for v in op.operands]
    out = op.results[0].type
    kind = type(op)
    if kind in _INTRINSICS:
        name = f"llvm.{_INTRINSICS[kind]}.{suffix(out)}"
        return [llvm.CallIntrinsicOp(name, args, [out])]
    if kind in _LIBM:
        name = _LIBM[kind] + _float_suffix(out)
        declare(module, name, [a.type for a in args], out)
        return [llvm.CallOp(name, *args, return_type=out)]
    match op:
        case math.FPowIOp():
            x, n = args
            as_float = llvm.SIToFPOp(n, out)
            pow_ = llvm.CallIntrinsicOp(f"llvm.pow.{suffix(out)}", [x, as_float.result], [out])
            return [as_float, pow_]
        case math.AbsIOp():
            no_poison = const(0, i1)  # abs(INT_MIN) wraps to INT_MIN
            abs_ = llvm.CallIntrinsicOp(f"llvm.abs.{suffix(out)}", [args[0], no_poison.result], [out])
            return [no_poison, abs_]
        case math.RsqrtOp():
            one = llvm.ConstantOp(FloatAttr(1.0, out), out)
            root = llvm.CallIntrinsicOp(f"llvm.sqrt.{suffix(out)}", args, [out])
            return [one, root, llvm.FDivOp(one, root)]
        case _:
            raise PassFailedException(f"convert-math-to-llvm: cannot lower {op.name}")


@dataclass
class MathLowering(RewritePattern):
    module: builtin.ModuleOp

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        if op.dialect_name() != "math" and not isinstance(op, sj.FloatFunctionOp):
            return
        if isinstance(op, math.IPowIOp):
            replace_with(rewriter, op, [], [_ipowi(op, rewriter)])
            return
        ops = _lgamma(op, rewriter, self.module) if isinstance(op, sj.LgammaOp) else _lower(op, self.module)
        replace_with(rewriter, op, ops, [ops[-1].results[0]])
