"""The patterns of `convert-memref-to-llvm` (passes/convert_memref_to_llvm.py), which
`convert-to-llvm` applies too."""

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod

from xdsl.dialects import arith, builtin, llvm, memref
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerAttr,
    IntegerType,
    MemRefType,
    NoneAttr,
    TensorType,
    i64,
)
from xdsl.ir import Block, Operation, SSAValue
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
)
from xdsl.utils.exceptions import PassFailedException

from scanjit.dialects import sj
from scanjit.passes.support.llvm_common import (
    PTR,
    byte_size,
    const,
    declare,
    field,
    pack,
    replace_with,
    storage_type,
    to_llvm,
)

I1, I8 = IntegerType(1), IntegerType(8)
NSW = IntegerAttr(1, 32)  # llvm OverflowAttr: nsw
# none: an allocation's byte count may wrap, its check after it fails then (checked_alloc)
WRAPS = IntegerAttr(0, 32)


def _memref_type(value: SSAValue) -> MemRefType:
    t = value.type
    if not isinstance(t, MemRefType) or not isinstance(t.layout, NoneAttr):
        raise PassFailedException(f"convert-memref-to-llvm: cannot lower a memref with a non-identity layout: {t}")
    return t


def _size(desc: SSAValue, t: MemRefType, d: int, ops: list[Operation]) -> SSAValue:
    """Size of dimension d: a constant if static, else read from `desc`."""
    n = t.get_shape()[d]
    if n == DYNAMIC_INDEX:
        return field(desc, d + 1)
    ops.append(size := const(n))
    return size.result


def _sizes(desc: SSAValue, t: MemRefType, ops: list[Operation]) -> list[SSAValue]:
    return [_size(desc, t, d, ops) for d in range(t.get_num_dims())]


def _given_sizes(shape: Sequence[int], dynamic: Sequence[SSAValue], ops: list[Operation]) -> list[SSAValue]:
    """The sizes of `shape`: its static lengths as constants, the dynamic ones from `dynamic`."""
    rest = iter(dynamic)
    sizes = []
    for n in shape:
        if n == DYNAMIC_INDEX:
            sizes.append(to_llvm(next(rest)))
        else:
            ops.append(c := const(n))
            sizes.append(c.result)
    return sizes


def _product(values: list[SSAValue], ops: list[Operation], overflow: IntegerAttr = NSW) -> SSAValue:
    one = const(1)
    ops.append(one)
    total = one.result
    for v in values:
        mul = llvm.MulOp(total, v, overflow=overflow)
        ops.append(mul)
        total = mul.res
    return total


Rows = dict[tuple[Block, SSAValue, tuple[SSAValue, ...]], SSAValue]


def _address(mem: SSAValue, indices: Sequence[SSAValue], ops: list[Operation], block: Block,
             rows: Rows) -> SSAValue:
    """Pointer to element `indices` of `mem`: of a rank >= 2 buffer, an
    element of the row `indices[:-1]`, whose pointer the accesses that
    follow in `block` share (through `rows`): a block of a dot's columns
    reads 64 elements of one row."""
    t = _memref_type(mem)
    desc = to_llvm(mem)
    ptr = field(desc, 0, PTR)
    if not indices:
        return ptr
    element = storage_type(t.element_type)
    key = (block, mem, tuple(indices[:-1]))
    if len(indices) > 1 and key not in rows:
        idx = [to_llvm(i) for i in indices[:-1]]
        linear = idx[0]
        for d, i in enumerate(idx[1:], 1):
            mul = llvm.MulOp(linear, _size(desc, t, d, ops), overflow=NSW)
            add = llvm.AddOp(mul.res, i, overflow=NSW)
            ops += [mul, add]
            linear = add.res
        ops.append(offset := llvm.MulOp(linear, _size(desc, t, len(indices) - 1, ops), overflow=NSW))
        ops.append(row := llvm.GEPOp.from_mixed_indices(ptr, [offset.res], element, inbounds=True))
        rows[key] = row.result
    base = rows[key] if len(indices) > 1 else ptr
    ops.append(gep := llvm.GEPOp.from_mixed_indices(base, [to_llvm(indices[-1])], element, inbounds=True))
    return gep.result


def _allocate(
    op: memref.AllocOp | memref.AllocaOp, module: builtin.ModuleOp, ops: list[Operation]
) -> SSAValue:
    t = _memref_type(op.memref)
    sizes = _given_sizes(t.get_shape(), op.dynamic_sizes, ops)
    count = _product(sizes, ops, WRAPS if isinstance(op, memref.AllocOp) else NSW)
    if isinstance(op, memref.AllocaOp):
        buffer = llvm.AllocaOp(count, storage_type(t.element_type), alignment=16)
    else:
        ops.append(elem := const(byte_size(t.element_type)))
        ops.append(nbytes := llvm.MulOp(count, elem.result, overflow=WRAPS))
        # scanjit_alloc / scanjit_free: scanjit's allocator (scanjit.runtime)
        malloc = declare(module, "scanjit_alloc", [i64], PTR, fresh_result=True)
        buffer = llvm.CallOp(malloc, nbytes.res, return_type=PTR)
    ops.append(buffer)
    ops += pack(buffer.results[0], sizes)
    return ops[-1].results[0]


def _lower(op: Operation, module: builtin.ModuleOp, rows: Rows) -> tuple[list[Operation], list[SSAValue]]:
    ops: list[Operation] = []
    block = op.parent_block()
    match op:
        case memref.LoadOp():
            elem = op.res.type
            addr = _address(op.memref, op.indices, ops, block, rows)
            ops.append(load := llvm.LoadOp(addr, storage_type(elem)))
            if elem == I1:
                ops.append(load := llvm.TruncOp(load.results[0], I1))
            return ops, [load.results[0]]
        case memref.StoreOp():
            addr = _address(op.memref, op.indices, ops, block, rows)
            value = to_llvm(op.value)
            if value.type == I1:
                ops.append(ext := llvm.ZExtOp(value, I8))
                value = ext.res
            ops.append(llvm.StoreOp(value, addr))
            return ops, []
        case memref.AllocOp() | memref.AllocaOp():
            return ops, [_allocate(op, module, ops)]
        case memref.DeallocOp():
            ptr = field(to_llvm(op.memref), 0, PTR)
            free = declare(module, "scanjit_free", [PTR], llvm.LLVMVoidType())
            ops.append(llvm.CallOp(free, ptr))
            return ops, []
        case memref.DimOp():
            return ops, [_dim(op, ops)]
        case memref.GlobalOp():
            ops.append(_global(op))
            return ops, []
        case memref.GetGlobalOp():
            t = _memref_type(op.memref)
            ops.append(address := llvm.AddressOfOp(op.name_.string_value(), PTR))
            sizes = [const(n) for n in t.get_shape()]
            ops += [*sizes, *pack(address.result, [size.result for size in sizes])]
            return ops, [ops[-1].results[0]]
        case memref.ExtractAlignedPointerAsIndexOp():
            ops.append(address := llvm.PtrToIntOp(field(to_llvm(op.source), 0, PTR), i64))
            return ops, [address.results[0]]
        case memref.CastOp():
            _memref_type(op.dest)
            return ops, [to_llvm(op.source)]
        case memref.CollapseShapeOp():  # the same data, each group of axes one
            src = to_llvm(op.src)
            sizes = _sizes(src, _memref_type(op.src), ops)
            merged = [_product([sizes[a.value.data] for a in group.data], ops)
                      for group in op.reassociation.data]
            ops += pack(field(src, 0, PTR), merged)
            return ops, [ops[-1].results[0]]
        case memref.ExpandShapeOp():
            sizes = _given_sizes(op.static_output_shape.get_values(), op.output_shape, ops)
            ops += pack(field(to_llvm(op.src), 0, PTR), sizes)
            return ops, [ops[-1].results[0]]
        case sj.BufferRowOp():  # row `index`: the source's pointer + index * (the row's size), its sizes
            t = _memref_type(op.source)
            desc = to_llvm(op.source)
            sizes = _sizes(desc, t, ops)[1:]
            ops.append(offset := llvm.MulOp(to_llvm(op.index), _product(sizes, ops), overflow=NSW))
            ops.append(row := llvm.GEPOp.from_mixed_indices(field(desc, 0, PTR), [offset.res],
                                                            storage_type(t.element_type), inbounds=True))
            ops += pack(row.result, sizes)
            return ops, [ops[-1].results[0]]
        case memref.CopyOp():
            t = _memref_type(op.source)
            src = to_llvm(op.source)
            dst = to_llvm(op.destination)
            count = _product(_sizes(src, t, ops), ops)
            ops.append(elem := const(byte_size(t.element_type)))
            ops.append(nbytes := llvm.MulOp(count, elem.result, overflow=WRAPS))
            memcpy = declare(module, "memcpy", [PTR, PTR, i64], PTR)
            ops.append(llvm.CallOp(memcpy, field(dst, 0, PTR), field(src, 0, PTR), nbytes.res, return_type=PTR))
            return ops, []
        case _:
            raise PassFailedException(f"convert-memref-to-llvm: cannot lower {op.name}")


def _global(op: memref.GlobalOp) -> llvm.GlobalOp:
    """A private constant array of the elements in row-major order, as
    stored (i1 as a byte 0/1)."""
    t, value = op.type, op.initial_value
    if op.constant is None or not isinstance(value, DenseIntOrFPElementsAttr) or not t.has_static_shape():
        raise PassFailedException(f"convert-memref-to-llvm: cannot lower a memref.global other than a constant: {op}")
    element = storage_type(t.element_type)
    count = prod(t.get_shape())
    data = value.data.data
    if len(data) != count * byte_size(t.element_type):  # a splat
        data *= count
    if element != t.element_type:
        data = bytes(byte != 0 for byte in data)
    flat = DenseIntOrFPElementsAttr(TensorType(element, [count]), BytesAttr(data))
    return llvm.GlobalOp(llvm.LLVMArrayType(count, element), op.sym_name, "private",
                         constant=True, value=flat)


def _dim(op: memref.DimOp, ops: list[Operation]) -> SSAValue:
    """Size of dimension `op.index`: folded when the index is a constant."""
    t = _memref_type(op.source)
    desc = to_llvm(op.source)
    index = to_llvm(op.index)
    for c in (op.index.owner, index.owner):
        if isinstance(c, arith.ConstantOp | llvm.ConstantOp):
            assert isinstance(c.value, IntegerAttr)
            return _size(desc, t, c.value.value.data, ops)
    sizes = _sizes(desc, t, ops)
    result = sizes[0]
    for d in range(1, len(sizes)):
        ops.append(k := const(d))
        ops.append(is_d := llvm.ICmpOp(index, k.result, IntegerAttr(0, i64)))
        ops.append(sel := llvm.SelectOp(is_d, sizes[d], result))
        result = sel.res
    return result


@dataclass
class MemRefLowering(RewritePattern):
    module: builtin.ModuleOp
    rows: Rows  # the row pointers each block's accesses share (see _address)

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        if op.dialect_name() != "memref" and not isinstance(op, sj.BufferRowOp):
            return
        ops, results = _lower(op, self.module, self.rows)
        replace_with(rewriter, op, ops, results)
