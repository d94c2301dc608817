"""Integer arithmetic of constants, folded where it is built (`Builder.emit`)
or found: xDSL 0.74's folders leave `arith.cmpi` of two different constants,
`arith.select` of a constant condition, casts and max/min of constants (the
emitter's shape arithmetic on static lengths and constant slice steps), and
an `sj.check` of such a condition lasted down to LLVM as a branch and a
failure path."""

from __future__ import annotations

import operator

from xdsl.dialects import arith
from xdsl.dialects.builtin import BoolAttr, IndexType, IntegerAttr, IntegerType, i1
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

BINARY = {
    arith.AddiOp: operator.add, arith.SubiOp: operator.sub, arith.MuliOp: operator.mul,
    arith.MaxSIOp: max, arith.MinSIOp: min,
    arith.AndIOp: operator.and_, arith.OrIOp: operator.or_, arith.XOrIOp: operator.xor,
}
# on unsigned values; a division by zero is left to run (and fail) as written
UNSIGNED = {arith.MaxUIOp: max, arith.MinUIOp: min, arith.DivUIOp: operator.floordiv}
CASTS = (arith.ExtSIOp, arith.TruncIOp, arith.IndexCastOp)
# arith.cmpi's predicates by number, on signed (s) or unsigned (u) values
COMPARISONS = {
    0: ("s", operator.eq), 1: ("s", operator.ne), 2: ("s", operator.lt), 3: ("s", operator.le),
    4: ("s", operator.gt), 5: ("s", operator.ge), 6: ("u", operator.lt), 7: ("u", operator.le),
    8: ("u", operator.gt), 9: ("u", operator.ge),
}


def width(t: Attribute) -> int | None:
    if isinstance(t, IndexType):
        return 64
    return t.width.data if isinstance(t, IntegerType) else None


def signed(value: int, bits: int) -> int:
    """`value` wrapped to a signed `bits`-bit integer (i1's true is -1)."""
    return (value + (1 << (bits - 1))) % (1 << bits) - (1 << (bits - 1))


def constant_int(value: SSAValue) -> int | None:
    owner = value.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr) \
            and width(value.type) is not None:
        return owner.value.value.data
    return None


def folded(op: Operation) -> int | SSAValue | None:
    """What `op` computes when its operands make it known: an integer (its
    result's value, signed) or one of its operands; else None."""
    if isinstance(op, arith.SelectOp):
        cond = constant_int(op.cond)
        if cond is not None:
            return op.lhs if cond else op.rhs
        return op.lhs if op.lhs is op.rhs else None
    if not isinstance(op, (*BINARY, *UNSIGNED, *CASTS, arith.CmpiOp)):
        return None
    values = [constant_int(v) for v in op.operands]
    bits = width(op.results[0].type)
    if None in values or bits is None:
        return None
    if isinstance(op, tuple(UNSIGNED)):
        a, b = (v % (1 << bits) for v in values)
        return None if isinstance(op, arith.DivUIOp) and b == 0 else signed(UNSIGNED[type(op)](a, b), bits)
    if isinstance(op, arith.CmpiOp):
        kind, compare = COMPARISONS[op.predicate.value.data]
        if kind == "u":
            values = [v % (1 << width(op.lhs.type)) for v in values]
        return -1 if compare(*values) else 0
    if isinstance(op, CASTS):
        return signed(values[0], bits)
    return signed(BINARY[type(op)](*values), bits)


def fold(op: Operation) -> Operation | SSAValue | None:
    """The op (a constant) or value replacing `op`, which it leaves without
    uses of its operands (not inserted anywhere), or None."""
    value = folded(op)
    if value is None:
        return None
    op.drop_all_references()
    if isinstance(value, SSAValue):
        return value
    return constant(value, op.results[0].type)


def constant(value: int, t: Attribute) -> arith.ConstantOp:
    """An `arith.constant`; of i1 a BoolAttr, as the parser makes `true`/`false`
    (so that printed IR reads back the same)."""
    return arith.ConstantOp(BoolAttr(value != 0, i1) if t == i1 else IntegerAttr(value, t))


class FoldConstantArith(RewritePattern):
    """The rewrite of `fold`, for a pass's walker."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        value = folded(op)
        if isinstance(value, SSAValue):
            rewriter.replace(op, [], [value])
        elif value is not None:
            rewriter.replace(op, constant(value, op.results[0].type))
