"""What the emitter need not build again (Emitter.emit): pure scalar ops
already emitted (`memo_key`) and identities (`identity`). `cse` and
`simplify` would remove them later, but every pass before them pays for
them: a gradient's emitted IR repeated `arith.constant 0 : index` and
`tensor.dim %x, 0` at every use."""

from __future__ import annotations

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import TensorType, i1
from xdsl.ir import Operation, SSAValue

from scanjit.dialects import sj
from scanjit.passes.support.folding import constant, constant_int, width

# pure ops of one result whose operands and attributes say all they compute
PURE_DIALECTS = ("arith.", "math.")
# arith.cmpi's predicates (by number) true of two equal operands
REFLEXIVE = {0, 3, 5, 7, 9}  # eq, sle, sge, ule, uge


def memo_key(op: Operation) -> tuple | None:
    """What `op` computes, as a key, when it is pure and of one result."""
    if not (isinstance(op, tensor.DimOp) or op.name.startswith(PURE_DIALECTS)) \
            or op.regions or len(op.results) != 1:
        return None
    return (op.name, tuple(op.operands), tuple(sorted(op.properties.items())),
            tuple(sorted(op.attributes.items())), op.results[0].type)


def identity(op: Operation) -> SSAValue | Operation | None:
    """The operand (or the constant) that `op` computes whatever its operands'
    values: x + 0, x - 0, x * 1, x / 1, x and all ones, x or 0, min/max/and/or of x and x, x - x, a
    comparison of x with itself, an index cast of a cast from a type no wider
    (leaving `op` without uses of its operands), or None."""
    value = _identity(op)
    if value is not None:
        op.drop_all_references()
    return value


def _identity(op: Operation) -> SSAValue | Operation | None:
    if isinstance(op, arith.CmpiOp) and op.lhs is op.rhs:
        return constant(op.predicate.value.data in REFLEXIVE, i1)
    if isinstance(op, arith.SubiOp) and op.lhs is op.rhs:
        return constant(0, op.result.type)
    if isinstance(op, arith.MinSIOp | arith.MaxSIOp | arith.MinUIOp | arith.MaxUIOp | arith.AndIOp
                  | arith.OrIOp) and op.lhs is op.rhs:
        return op.lhs
    if isinstance(op, arith.IndexCastOp) and isinstance(op.input.owner, arith.IndexCastOp):
        source = op.input.owner.input
        if source.type == op.result.type and width(op.input.type) >= width(source.type):
            return source
    if isinstance(op, arith.AndIOp | arith.OrIOp):  # x and all ones (signed -1, i1's true), x or 0
        for kept, other in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
            if constant_int(other) == (-1 if isinstance(op, arith.AndIOp) else 0):
                return kept
    neutral = {arith.AddiOp: 0, arith.SubiOp: 0, arith.MuliOp: 1, arith.DivUIOp: 1, arith.DivSIOp: 1}
    if type(op) in neutral:
        if constant_int(op.rhs) == neutral[type(op)]:
            return op.lhs
        if isinstance(op, arith.AddiOp | arith.MuliOp) and constant_int(op.lhs) == neutral[type(op)]:
            return op.rhs
    return None


def same_length(value: SSAValue, axis: int) -> tuple[SSAValue, int] | None:
    """A tensor and its axis whose length is that of `axis` of `value` by how
    `value` was built (a view's source, a map's or dot's operand not
    broadcast along it: their lengths are checked equal before), or None."""
    op = value.owner
    if isinstance(op, sj.DimShuffleOp):
        source_axis = op.order.get_values()[axis]
        return (op.source, source_axis) if source_axis >= 0 else None
    if isinstance(op, sj.RowOp):
        return op.source, axis + 1
    if isinstance(op, tensor.CastOp):
        return op.source, axis
    if isinstance(op, sj.ReduceOp):
        reduced = op.axes.get_values()
        return op.input, [a for a in range(sj.rank(op.input.type)) if a not in reduced][axis]
    if isinstance(op, sj.MapOp):
        out_rank = sj.rank(op.result.type)
        return _unbroadcast([(x, axis - (out_rank - sj.rank(x.type))) for x in op.inputs])
    if isinstance(op, sj.DotOp):
        batch, contract = op.batch_count, op.contract_count
        lhs_free = sj.rank(op.lhs.type) - batch - contract
        if axis < batch:
            return _unbroadcast([(op.lhs, axis), (op.rhs, axis)])
        if axis < batch + lhs_free:
            return op.lhs, axis
        return op.rhs, batch + contract
    return None


def _unbroadcast(candidates: list[tuple[SSAValue, int]]) -> tuple[SSAValue, int] | None:
    """The first (tensor, axis) whose length is not statically 1."""
    for value, axis in candidates:
        if isinstance(value.type, TensorType) and axis >= 0 and value.type.get_shape()[axis] != 1:
            return value, axis
    return None
