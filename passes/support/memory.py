"""Buffers for passes: allocations checked as Python would (MemoryError),
and which buffers a function must never write."""

from __future__ import annotations

from xdsl.dialects import arith, func, memref, tensor
from xdsl.dialects.builtin import MemRefType
from xdsl.ir import Block, BlockArgument, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from scanjit.dialects import sj
from scanjit.passes.support.builder import Builder


def read_only(value: SSAValue) -> bool:
    """Is `value` a function argument (the caller's array), a constant (a
    global), a cast or another view of a buffer (a reshape, a product's row),
    which may still be read, whose buffer the function must never write?"""
    if isinstance(value, BlockArgument):
        return isinstance(value.block.parent_op(), func.FuncOp)
    return isinstance(value.owner, (arith.ConstantOp, memref.GetGlobalOp, sj.BufferRowOp, *VIEWS))


def viewed(value: SSAValue) -> SSAValue:
    """The buffer `value` is a view of (through rows, casts and reshapes), or `value`."""
    while isinstance(value.owner, (sj.BufferRowOp, *VIEWS)):
        value = value.owner.operands[0]
    return value


# Ops whose result is another view of their source's buffer.
VIEWS = (memref.CastOp, memref.CollapseShapeOp, memref.ExpandShapeOp,
         tensor.CastOp, tensor.CollapseShapeOp, tensor.ExpandShapeOp)


# Largest buffer we ask malloc for: its byte count must not overflow an i64
# (scanjit_alloc gives null above it: scanjit.runtime.MAX_BYTES).
MAX_BYTES = 2**62
ALLOCATION_FAILED = "MemoryError: cannot allocate a buffer of type "


def checked_alloc(dynamic_sizes: list[SSAValue], t: MemRefType, at: InsertPoint) -> SSAValue:
    """memref.alloc and one check after it, raising MemoryError: that the
    element count fits (`count_fits`) and that malloc did not fail
    (`scanjit_alloc` gives an empty buffer a block too). The byte count of a
    count that does not fit wraps (convert-memref-to-llvm): the failed check
    frees what malloc gave before anything is written to it (free-on-error).
    An all-static type's count, a constant, is checked before."""
    b = Builder()
    message = ALLOCATION_FAILED + str(t)
    fits = count_fits(b, dynamic_sizes, t)
    if fits is not None and not dynamic_sizes:
        b.emit(sj.CheckOp(fits, message))
        fits = None
    buffer = b.emit(memref.AllocOp(dynamic_sizes, [], t))
    allocated = b.cmp(b.emit(memref.ExtractAlignedPointerAsIndexOp.get(buffer)), b.index(0), "ne")
    b.emit(sj.CheckOp(allocated if fits is None else b.emit(arith.AndIOp(fits, allocated)), message))
    Rewriter.insert_op(b.ops, at)
    return buffer


def count_fits(b: Builder, dynamic_sizes: list[SSAValue], t: MemRefType) -> SSAValue | None:
    """Whether a buffer of type `t` holds at most MAX_BYTES: each length at
    most the room the lengths before it leave (one condition, true of no
    wrapped product); None when that is known true (a scalar, small static
    lengths). The count of the leading static lengths is a number: the room
    of the first dynamic length is a constant."""
    limit = MAX_BYTES // max(1, t.element_type.bitwidth // 8)
    known, count, previous, fits = 1, None, None, None  # lengths before: known * count * previous
    sizes = iter(dynamic_sizes)
    for static in t.get_shape():
        if previous is None and static >= 0:
            if static > limit // max(known, 1):
                return b.emit(arith.ConstantOp.from_int_and_width(0, 1))
            known *= static
            continue
        size = next(sizes) if static < 0 else b.index(static)
        if previous is not None:
            count = previous if count is None and known == 1 else \
                b.emit(arith.MuliOp(count if count is not None else b.index(known), previous))
        room = b.index(limit // max(known, 1)) if count is None else \
            b.emit(arith.DivUIOp(b.index(limit), b.emit(arith.MaxUIOp(count, b.index(1)))))
        fit = b.cmp(size, room, "ule")
        fits = fit if fits is None else b.emit(arith.AndIOp(fits, fit))
        previous = size
    return fits


# What may run between allocation checks merged into one: no write, no other check.
BETWEEN_ALLOCATION_CHECKS = (memref.AllocOp, memref.DimOp, memref.ExtractAlignedPointerAsIndexOp)


def merge_allocation_checks(block: Block) -> None:
    """Allocation checks in a row, of the same message, with only arithmetic
    and allocations between them (in `block` and the blocks it holds), become
    the last one, of all their conditions: fewer failure paths, the same
    MemoryError, and the buffers allocated by then all freed (free-on-error)."""
    last: sj.CheckOp | None = None
    for op in list(block.ops):
        if isinstance(op, sj.CheckOp) and op.msg.data.startswith(ALLOCATION_FAILED) and not op.values:
            if last is not None and last.msg == op.msg:
                both = arith.AndIOp(last.cond, op.cond)
                Rewriter.insert_op(both, InsertPoint.before(op))
                op.operands[0] = both.result
                Rewriter.erase_op(last)
            last = op
        elif not (op.dialect_name() == "arith" or isinstance(op, BETWEEN_ALLOCATION_CHECKS)):
            last = None
        for region in op.regions:
            for inner in region.blocks:
                merge_allocation_checks(inner)
