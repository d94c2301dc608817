"""Helpers shared by the `convert-*-to-llvm` passes.

The passes run one dialect at a time, so values whose type changes (`index`
-> i64, memref -> descriptor struct) are bridged with
`builtin.unrealized_conversion_cast` pairs that `reconcile-unrealized-casts`
folds away at the end. `convert-to-llvm`, which lowers every op in one walk,
gives index values their type i64 in place instead (`index_as_i64`).

A memref (identity layout) lowers to the descriptor
`!llvm.struct<(ptr, i64 x rank)>`: data pointer then the sizes, row-major and
contiguous, with no offset and no strides.
"""

from collections.abc import Sequence

from xdsl.dialects import cf, llvm, memref
from xdsl.dialects.builtin import (
    AnyFloat,
    DenseArrayBase,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    UnitAttr,
    UnrealizedConversionCastOp,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import BlockInsertPoint, InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from scanjit.dialects.abi import FRESH_RESULT

PTR = llvm.LLVMPointerType()
I1, I8 = IntegerType(1), IntegerType(8)
NE = IntegerAttr(llvm.ICmpPredicateFlag.NE.to_int(), i64)


def descriptor_type(rank: int) -> llvm.LLVMStructType:
    return llvm.LLVMStructType.from_type_list([PTR] + [i64] * rank)


def llvm_type(t: Attribute) -> Attribute:
    """The LLVM-dialect type standing for `t` (itself if already legal)."""
    if isinstance(t, IndexType):
        return i64
    if isinstance(t, MemRefType):
        return descriptor_type(t.get_num_dims())
    return t


def storage_type(t: Attribute) -> Attribute:
    """How an element of type `t` sits in memory: i1 as one byte (NumPy bool)."""
    return IntegerType(8) if t == IntegerType(1) else llvm_type(t)


def byte_size(t: Attribute) -> int:
    return storage_type(t).bitwidth // 8


def const(value: int, t: Attribute = i64) -> llvm.ConstantOp:
    return llvm.ConstantOp(IntegerAttr(value, t), t)


def extract(desc: SSAValue, pos: int, t: Attribute = i64) -> llvm.ExtractValueOp:
    return llvm.ExtractValueOp(DenseArrayBase.from_list(i64, [pos]), desc, t)


def pack(ptr: SSAValue, sizes: Sequence[SSAValue]) -> list[Operation]:
    """Ops building a descriptor; the last one's result is the descriptor."""
    ops: list[Operation] = [llvm.UndefOp(descriptor_type(len(sizes)))]
    for pos, value in enumerate([ptr, *sizes]):
        position = DenseArrayBase.from_list(i64, [pos])
        ops.append(llvm.InsertValueOp(position, ops[-1].results[0], value))
    return ops


def flat_types(t: Attribute) -> list[Attribute]:
    """The function parameters standing for a value of type `t`: a memref's
    data pointer and sizes, or the value itself."""
    if isinstance(t, MemRefType):
        return [PTR] + [i64] * t.get_num_dims()
    return [llvm_type(t)]


def field(desc: SSAValue, pos: int, t: Attribute = i64) -> SSAValue:
    """Field `pos` of the descriptor `desc`, extracted once, right after the
    descriptor's definition (which dominates every use): not once per access."""
    owner = desc.owner
    at = InsertPoint.after(owner) if isinstance(owner, Operation) else InsertPoint.at_start(owner)
    op = at.insert_before
    while isinstance(op, llvm.ExtractValueOp | UnrealizedConversionCastOp):
        if isinstance(op, llvm.ExtractValueOp) and op.container is desc and op.position.get_values() == (pos,):
            return op.res
        op = op.next_op
    Rewriter.insert_op(field := extract(desc, pos, t), at)
    return field.res


def flatten(values: Sequence[SSAValue]) -> tuple[list[Operation], list[SSAValue]]:
    """Ops extracting the parameters standing for `values` (see `flat_types`), and them."""
    ops: list[Operation] = []
    fields: list[SSAValue] = []
    for value in values:
        v = to_llvm(value)
        if isinstance(value.type, MemRefType):
            fields += [field(v, pos, PTR if pos == 0 else i64) for pos in range(value.type.get_num_dims() + 1)]
        else:
            fields.append(v)
    return ops, fields


def _slot(base: SSAValue, k: int) -> llvm.GEPOp:
    return llvm.GEPOp(base, [k], i64)


def load_slot(base: SSAValue, k: int, t: Attribute) -> list[Operation]:
    """Ops reading 8-byte slot k of `base` as `t` (i1 as a byte != 0); the
    last one's result is the value."""
    gep = _slot(base, k)
    if t != I1:
        return [gep, llvm.LoadOp(gep, t, alignment=8)]
    byte = llvm.LoadOp(gep, I8, alignment=8)
    zero = const(0, I8)
    return [gep, byte, zero, llvm.ICmpOp(byte.dereferenced_value, zero.result, NE)]


def store_slot(base: SSAValue, k: int, value: SSAValue) -> list[Operation]:
    """Ops writing `value` to 8-byte slot k of `base` (i1 as one byte 0/1)."""
    gep = _slot(base, k)
    if value.type != I1:
        return [gep, llvm.StoreOp(value, gep, alignment=8)]
    byte = llvm.ZExtOp(value, I8)
    return [gep, byte, llvm.StoreOp(byte, gep, alignment=8)]


def to_llvm(value: SSAValue) -> SSAValue:
    """`value` as its LLVM type, casting if needed.

    Looks through a cast from the LLVM type; otherwise (re)uses a cast placed
    right after the definition, which dominates every use (among the casts
    and descriptor fields placed there)."""
    target = llvm_type(value.type)
    if target == value.type:
        return value
    owner = value.owner
    if (
        isinstance(owner, UnrealizedConversionCastOp)
        and len(owner.inputs) == 1
        and owner.inputs[0].type == target
    ):
        return owner.inputs[0]
    at = InsertPoint.after(owner) if isinstance(owner, Operation) else InsertPoint.at_start(owner)
    cast = at.insert_before
    while isinstance(cast, UnrealizedConversionCastOp | llvm.ExtractValueOp):
        if (isinstance(cast, UnrealizedConversionCastOp) and cast.inputs[0] is value
                and cast.results[0].type == target):
            return cast.results[0]
        cast = cast.next_op
    cast = UnrealizedConversionCastOp.get([value], [target])
    Rewriter.insert_op(cast, at)
    return cast.results[0]


def from_llvm(value: SSAValue, original: Attribute, at: InsertPoint) -> SSAValue:
    """`value` (of LLVM type) seen again as `original`, for unconverted users."""
    if value.type == original:
        return value
    cast = UnrealizedConversionCastOp.get([value], [original])
    Rewriter.insert_op(cast, at)
    return cast.results[0]


def replace_with(
    rewriter: PatternRewriter,
    op: Operation,
    new_ops: Sequence[Operation],
    results: Sequence[SSAValue],
) -> None:
    """Replace `op` by `new_ops`, whose `results` have the LLVM types of its results."""
    rewriter.insert(new_ops, InsertPoint.before(op))
    at = InsertPoint.before(op)
    news = [from_llvm(n, o.type, at) for n, o in zip(results, op.results, strict=True)]
    rewriter.replace(op, [], news)


def _successor_operand_index(term: Operation, successor: int, arg: int) -> int:
    if isinstance(term, llvm.BrOp | cf.BranchOp):
        return arg
    if isinstance(term, llvm.CondBrOp | cf.ConditionalBranchOp):
        return 1 + arg + (len(term.then_arguments) if successor == 1 else 0)
    raise PassFailedException(f"cannot lower the branch arguments of {term.name}")


def retype_block_args(module: ModuleOp, kind: type[Attribute]) -> None:
    """Give every non-entry block argument of type `kind` its LLVM type.

    Uses see a cast back to the old type; the branches feeding the argument
    get a cast to the new one. Entry blocks belong to their op's signature.
    """
    for block in module.walk_blocks():
        if block.parent is None or block is block.parent.first_block:
            continue
        for arg in block.args:
            if isinstance(arg.type, kind):
                _retype(block, arg.index, arg.type)


def index_as_i64(module: ModuleOp) -> None:
    """Give every `index` value (op result, block argument) its LLVM type,
    i64, in place: for a walk that lowers every op, whose index operands then
    need no casts (the ops still to lower read them as i64)."""
    for block in module.walk_blocks():
        values = [*block.args, *(r for op in block.ops for r in op.results)]
        for value in values:
            if isinstance(value.type, IndexType):
                Rewriter.replace_value_with_new_type(value, i64)


def _retype(block: Block, index: int, old: Attribute) -> None:
    new = Rewriter.replace_value_with_new_type(block.args[index], llvm_type(old))
    if new.uses:
        users = list(new.uses)
        back = UnrealizedConversionCastOp.get([new], [old])
        Rewriter.insert_op(back, InsertPoint.at_start(block))
        for use in users:
            use.operation.operands[use.index] = back.results[0]
    for use in list(block.uses):
        term = use.operation
        k = _successor_operand_index(term, use.index, index)
        term.operands[k] = to_llvm(term.operands[k])


def replace_with_early_return(rewriter: PatternRewriter, op: Operation, ops: Sequence[Operation],
                              ok: SSAValue, function: llvm.FuncOp, status: SSAValue,
                              status_ops: Sequence[Operation] = (), exit: Block | None = None) -> None:
    """Replace `op` by `ops` and a branch on `ok`: on to the rest of `op`'s
    block, or to a new block at the end of `function` that runs `status_ops`
    and returns `status` (an error code), or passes it to `exit`, which returns it."""
    fail = Block([*status_ops, llvm.BrOp(exit, status) if exit else llvm.ReturnOp(status)])
    Rewriter.insert_block(fail, BlockInsertPoint.at_end(function.body))
    block = op.parent_block()
    assert block is not None and op.next_op is not None
    rest = block.split_before(op.next_op)
    rewriter.replace(op, [*ops, llvm.CondBrOp(ok, rest, (), fail, ())])


FreeChains = dict[tuple[llvm.FuncOp, tuple[SSAValue, ...]], Block]


def free_and_return(function: llvm.FuncOp, frees: tuple[SSAValue, ...], chains: FreeChains) -> Block:
    """The block of `function` that frees `frees` in order (`memref.dealloc`s)
    and returns its argument, a status: a chain of blocks, one dealloc each,
    kept in `chains` and shared by the failure paths freeing the same buffers
    or the same oldest ones, so the deallocs grow with the buffers, not with
    the checks times the buffers."""
    key = (function, frees)
    if key not in chains:
        block = Block(arg_types=[i32])
        status = block.args[0]
        rest = free_and_return(function, frees[1:], chains) if frees[1:] else None
        block.add_ops([memref.DeallocOp.get(frees[0]), llvm.BrOp(rest, status) if rest else llvm.ReturnOp(status)])
        Rewriter.insert_block(block, BlockInsertPoint.at_end(function.body))
        chains[key] = block
    return chains[key]


def declare(
    module: ModuleOp, name: str, inputs: Sequence[Attribute], output: Attribute, fresh_result: bool = False
) -> str:
    """Declare the external C function `name` once in `module`; return its name.
    `fresh_result`: it returns memory no other pointer reaches (FRESH_RESULT)."""
    for op in module.ops:
        if isinstance(op, llvm.FuncOp) and op.sym_name.data == name:
            return name
    function = llvm.FuncOp(name, llvm.LLVMFunctionType(inputs, output), linkage=llvm.LinkageAttr("external"))
    if fresh_result:
        function.attributes[FRESH_RESULT] = UnitAttr()
    module.body.block.add_op(function)
    return name


def suffix(t: Attribute) -> str:
    """LLVM's intrinsic type suffix: f32, f64, i64..."""
    if isinstance(t, IntegerType):
        return f"i{t.width.data}"
    assert isinstance(t, AnyFloat)
    return f"f{t.bitwidth}"


def icmp(lhs: SSAValue, rhs: SSAValue, pred: str) -> llvm.ICmpOp:
    flag = llvm.ICmpPredicateFlag(pred)
    return llvm.ICmpOp(lhs, rhs, IntegerAttr(flag.to_int(), i64))
