"""Buffers for passes: allocations checked as Python would (MemoryError),
and which buffers a function must never write."""

from __future__ import annotations

from xdsl.dialects import arith, func, memref, tensor
from xdsl.dialects.builtin import MemRefType
from xdsl.ir import BlockArgument, SSAValue
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


# Ops whose result is another view of their source's buffer.
VIEWS = (memref.CastOp, memref.CollapseShapeOp, memref.ExpandShapeOp,
         tensor.CastOp, tensor.CollapseShapeOp, tensor.ExpandShapeOp)


# Largest buffer we ask malloc for: its byte count must not overflow an i64.
MAX_BYTES = 2**62


def checked_alloc(dynamic_sizes: list[SSAValue], t: MemRefType, at: InsertPoint) -> SSAValue:
    """memref.alloc guarded by two checks that raise MemoryError: before it,
    that the element count fits in MAX_BYTES (each length at most the room
    the lengths before it leave: one condition, so that a wrapped product
    never reaches the allocation's size), and after it, that malloc did not fail."""
    b = Builder()
    message = f"MemoryError: cannot allocate a buffer of type {t}"
    limit = b.index(MAX_BYTES // max(1, t.element_type.bitwidth // 8))
    count, fits = b.index(1), None
    sizes = iter(dynamic_sizes)
    for static in t.get_shape():
        size = next(sizes) if static < 0 else b.index(static)
        room = b.emit(arith.DivUIOp(limit, b.emit(arith.MaxUIOp(count, b.index(1)))))
        fit = b.cmp(size, room, "ule")
        fits = fit if fits is None else b.emit(arith.AndIOp(fits, fit))
        count = b.emit(arith.MuliOp(count, size))
    if fits is not None:
        b.emit(sj.CheckOp(fits, message))
    buffer = b.emit(memref.AllocOp(dynamic_sizes, [], t))
    address = b.emit(memref.ExtractAlignedPointerAsIndexOp.get(buffer))
    allocated = b.emit(arith.OrIOp(b.cmp(address, b.index(0), "ne"), b.cmp(count, b.index(0), "eq")))
    b.emit(sj.CheckOp(allocated, message))
    Rewriter.insert_op(b.ops, at)
    return buffer
