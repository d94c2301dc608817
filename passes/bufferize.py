"""bufferize: tensors -> memrefs, in place where safe.

Input: the output of convert-sj-to-loops (tensor.empty/extract/insert/dim,
arith.constant of tensors, scf.for with tensor iter_args, func.func with
tensor arguments and results).

- A constant tensor (`arith.constant dense<...>`) becomes a read-only
  `memref.global` (one per value) read through `memref.get_global`: data,
  not ops, whatever its size.
- A `tensor.insert` writes into its destination's buffer, and an `scf.for`
  iterates on its init tensor's buffer, when that tensor is not read
  afterwards (but for rows the insert or loop does not write), is defined in the same block, and is not read-only (a function
  argument, the caller's array, or a constant). Otherwise the buffer is
  copied first (into a buffer allocated, as a tensor.empty's, before the loops
  the copied buffer's sizes do not depend on). Loops then carry no buffers: their tensor iter_args are
  dropped and a yielded buffer other than the loop's own is copied into it.
- An `scf.if` yielding tensors yields buffers: each region's own (allocated
  there, else a copy made before its yield), owned by the scf.if's results
  as by an allocation.
- `sj.call` becomes a `func.call` of an external function declaration, its
  written tensors passed as buffers (in place, as above); a row it reads
  (`sj.row`, left by convert-sj-to-loops for a product) is the row of the
  buffer where it lies, `sj.buffer_row`, read where the call is. A call
  writing one row (`row`) is given that row of its buffer, `sj.buffer_row`
  too: in place when the call and what follows read only other rows.
- `tensor.empty` becomes `memref.alloc`, before the loops its sizes do not
  depend on (one allocation per loop, not per step), checked (MemoryError when the size
  overflows or malloc fails), freed right after its last use in
  its block unless the function returns it: returned buffers belong to the
  caller. Returned arguments, constants and buffers returned twice are copied. An
  allocation moved out of a loop holds each step's own tensor: it is marked
  `scanjit.step_local` (so `outline-parallel-loops` may give each part its own).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf, tensor
from xdsl.dialects.builtin import (
    DenseIntOrFPElementsAttr, FunctionType, IndexType, IntegerAttr, MemRefType, ModuleOp, StringAttr,
    TensorType, UnitAttr,
)
from xdsl.ir import Block, BlockArgument, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import PassFailedException

from scanjit.dialects import sj
from scanjit.dialects.abi import STEP_LOCAL
from scanjit.passes.support.builder import defined_in, different_rows, row_offset
from scanjit.passes.support.memory import VIEWS, checked_alloc, read_only



def memref_type(t: TensorType) -> MemRefType:
    return MemRefType(t.element_type, t.get_shape())


def ancestor_in(op: Operation, block: Block) -> Operation | None:
    while op is not None and op.parent_block() is not block:
        op = op.parent_op()
    return op


class BlockOrder:
    """The position of each op in its block, computed once per block: valid
    while no op is moved, and for ops inserted meanwhile only if never asked."""

    def __init__(self):
        self.positions: dict[Block, dict[Operation, int]] = {}

    def __call__(self, op: Operation) -> int:
        block = op.parent_block()
        if block not in self.positions:
            self.positions[block] = {o: i for i, o in enumerate(block.ops)}
        return self.positions[block][op]


def writable_in_place(value: SSAValue, user: Operation, position: BlockOrder) -> bool:
    """Can `user` overwrite the buffer of `value`?"""
    if read_only(value):
        return False
    block = value.block if isinstance(value, BlockArgument) else value.owner.parent_block()
    if user.parent_block() is not block:
        return False
    if sum(use.operation is user for use in value.uses) > 1:
        return False  # e.g. one tensor.empty (merged by cse) as two loop inits
    if any(isinstance(use.operation, VIEWS) for use in value.uses):
        return False  # a view of it may be read after `user`
    for use in value.uses:
        if use.operation is user:
            continue
        # a row passed to a product (`sj.buffer_row`) is read where the product is
        readers = [u.operation for u in use.operation.result.uses] if isinstance(use.operation, sj.RowOp) \
            else [use.operation]
        for reader in readers:
            other = ancestor_in(reader, block)
            if other is None:
                return False
            if position(other) >= position(user) and not reads_other_rows_than_written(use.operation, user):
                return False  # (a read, during or after `user`, of rows it does not write is no conflict)
    return True


def reads_other_rows_than_written(read: Operation, writer: Operation) -> bool:
    """Is `read` a tensor.extract (or an sj.row) of a row that `writer` does
    not write? For a loop: no tensor.insert inside it writes that row, in any
    iteration (a scan step reads its taps' rows while writing its own); the
    rows must differ by a constant from one base that the loop does not
    change. For an `sj.call` writing one row (a product computed into a
    state row): provably another row than that."""
    if not isinstance(read, tensor.ExtractOp | sj.RowOp):
        return False
    row = read.index if isinstance(read, sj.RowOp) else read.indices[0]
    if isinstance(writer, sj.CallOp):
        return writer.written_row is not None and different_rows(row, writer.written_row)
    if not isinstance(writer, scf.ForOp):
        return False
    writes = [op for op in writer.walk() if isinstance(op, tensor.InsertOp | sj.CallOp)]
    return not defined_in(row_offset(row)[0], writer) and all(
        isinstance(w, tensor.InsertOp) and different_rows(row, w.indices[0])
        for w in writes)


class ConstantGlobals:
    """The read-only globals holding a module's constant tensors, one per
    value, in order before the module's first op."""

    def __init__(self, module: ModuleOp):
        self.block = module.body.block
        self.first = self.block.first_op
        self.names: dict[DenseIntOrFPElementsAttr, str] = {}

    def name(self, value: DenseIntOrFPElementsAttr, t: MemRefType) -> str:
        if value not in self.names:
            self.names[value] = f"__constant_{len(self.names)}"
            self.block.insert_op_before(
                memref.GlobalOp.get(StringAttr(self.names[value]), t, value, constant=UnitAttr()), self.first)
        return self.names[value]


class Bufferizer:
    """Rewrites one function; tensor values are replaced by their buffers as
    it goes, so every operand it meets is already a memref."""

    def __init__(self, fn: func.FuncOp, module: ModuleOp, constants: ConstantGlobals):
        self.module = module
        self.constants = constants
        # How each write (op, operand key) gets its buffer: "in place", or a
        # "copy"; a "fresh" buffer when the tensor is a tensor.empty (no
        # contents to copy: cse may have merged two of them).
        self.write_mode: dict[tuple[Operation, int], str] = {}
        self.position = BlockOrder()
        for op in fn.walk():
            if isinstance(op, tensor.InsertOp):
                self.decide(op, 0, op.dest)
            elif isinstance(op, sj.CallOp):
                for k in op.writes.get_values():
                    self.decide(op, k, op.args[k])
            elif isinstance(op, scf.ForOp | scf.WhileOp):
                for i, init in enumerate(op.operands[3:] if isinstance(op, scf.ForOp) else op.operands):
                    if isinstance(init.type, TensorType):
                        self.decide(op, i, init)

    def decide(self, op: Operation, key: int, value: SSAValue) -> None:
        if writable_in_place(value, op, self.position):
            mode = "in place"
        else:
            mode = "fresh" if isinstance(value.owner, tensor.EmptyOp) else "copy"
        self.write_mode[(op, key)] = mode

    def buffer_for_write(self, buf: SSAValue, user: Operation, key: int) -> SSAValue:
        """The buffer `user` may write: `buf` itself, a fresh one or a copy."""
        mode = self.write_mode[(user, key)]
        if mode == "in place":
            return buf
        position = hoisted_position(user, [buf])
        copy = copy_before(buf, position, copy_contents=False)
        if position is not user:
            copy.owner.attributes[STEP_LOCAL] = UnitAttr()
        if mode == "copy":
            Rewriter.insert_op(memref.CopyOp(buf, copy), InsertPoint.before(user))
        return copy

    def run_block(self, block: Block) -> None:
        for op in list(block.ops):
            self.run_op(op)

    def run_op(self, op: Operation) -> None:
        if isinstance(op, tensor.EmptyOp):
            position = hoisted_position(op, op.dynamic_sizes)
            buf = checked_alloc(list(op.dynamic_sizes), memref_type(op.tensor.type),
                                InsertPoint.before(position))
            if position is not op:
                buf.owner.attributes[STEP_LOCAL] = UnitAttr()
            op.tensor.replace_all_uses_with(buf)
            op.detach()
            op.erase()
        elif isinstance(op, arith.ConstantOp) and isinstance(op.result.type, TensorType):
            t = memref_type(op.result.type)
            Rewriter.replace_op(op, memref.GetGlobalOp(self.constants.name(op.value, t), t))
        elif isinstance(op, tensor.ExtractOp):
            Rewriter.replace_op(op, memref.LoadOp.get(op.tensor, list(op.indices)))
        elif isinstance(op, tensor.DimOp):
            Rewriter.replace_op(op, memref.DimOp(op.source, op.index))
        elif isinstance(op, sj.RowOp):  # a product's operand (convert-sj-to-loops), read-only
            Rewriter.replace_op(op, sj.BufferRowOp(op.source, op.index, memref_type(op.result.type)))
        elif isinstance(op, tensor.CastOp):  # the same buffer, read-only (support/memory.py)
            Rewriter.replace_op(op, memref.CastOp.get(op.source, memref_type(op.dest.type)))
        elif isinstance(op, tensor.CollapseShapeOp):  # a view too: merged axes of a row-major buffer
            Rewriter.replace_op(op, memref.CollapseShapeOp(
                operands=[op.src], result_types=[memref_type(op.result.type)],
                properties={"reassociation": op.reassociation}))
        elif isinstance(op, tensor.ExpandShapeOp):
            Rewriter.replace_op(op, memref.ExpandShapeOp(
                operands=[op.src, op.dynamic_output_shape], result_types=[memref_type(op.result.type)],
                properties={"reassociation": op.reassociation, "static_output_shape": op.static_output_shape}))
        elif isinstance(op, tensor.InsertOp):
            buf = self.buffer_for_write(op.dest, op, 0)
            Rewriter.insert_op(memref.StoreOp.get(op.scalar, buf, list(op.indices)),
                               InsertPoint.before(op))
            op.result.replace_all_uses_with(buf)
            op.detach()
            op.erase()
        elif isinstance(op, scf.ForOp):
            self.run_for(op)
        elif isinstance(op, scf.WhileOp):
            self.run_while(op)
        elif isinstance(op, scf.IfOp):
            self.run_if(op)
        elif isinstance(op, sj.CallOp):
            self.run_call(op)
        elif isinstance(op, func.ReturnOp):
            self.run_return(op)
        elif not isinstance(op, scf.YieldOp | scf.ConditionOp):  # handled by their loop
            if any(isinstance(v.type, TensorType) for v in (*op.operands, *op.results)):
                raise PassFailedException(f"bufferize: cannot bufferize {op.name} on tensors")
            for region in op.regions:
                for inner in region.blocks:
                    self.run_block(inner)

    def run_for(self, op: scf.ForOp) -> None:
        body = op.body.block
        bufs = {i: self.buffer_for_write(v, op, i) for i, v in enumerate(op.iter_args)
                if isinstance(v.type, MemRefType)}
        for i, buf in bufs.items():
            body.args[i + 1].replace_all_uses_with(buf)
        self.run_block(body)
        if not bufs:
            return
        yield_op = body.last_op
        copy_into_loop_buffers(yield_op, list(yield_op.operands), bufs)
        kept = [i for i in range(len(op.iter_args)) if i not in bufs]
        Rewriter.replace_op(yield_op, scf.YieldOp(*[yield_op.operands[i] for i in kept]))
        for i in reversed(sorted(bufs)):
            body.erase_arg(body.args[i + 1])
        replace_loop(op, scf.ForOp(op.lb, op.ub, op.step, [op.iter_args[i] for i in kept],
                                   op.detach_region(op.body)), bufs, kept)

    def run_while(self, op: scf.WhileOp) -> None:
        """As for scf.for: both regions work on the init buffers."""
        before, after = op.before_region.block, op.after_region.block
        bufs = {i: self.buffer_for_write(v, op, i) for i, v in enumerate(op.arguments)
                if isinstance(v.type, MemRefType)}
        for block in (before, after):
            for i, buf in bufs.items():
                block.args[i].replace_all_uses_with(buf)
            self.run_block(block)
        if not bufs:
            return
        kept = [i for i in range(len(op.arguments)) if i not in bufs]
        condition, yield_op = before.last_op, after.last_op
        copy_into_loop_buffers(condition, list(condition.args), bufs)
        copy_into_loop_buffers(yield_op, list(yield_op.operands), bufs)
        Rewriter.replace_op(condition, scf.ConditionOp(condition.condition, *[condition.args[i] for i in kept]))
        Rewriter.replace_op(yield_op, scf.YieldOp(*[yield_op.operands[i] for i in kept]))
        for block in (before, after):
            for i in sorted(bufs, reverse=True):
                block.erase_arg(block.args[i])
        regions = [op.detach_region(r) for r in list(op.regions)]
        replace_loop(op, scf.WhileOp([op.arguments[i] for i in kept],
                                     [op.results[i].type for i in kept], *regions), bufs, kept)

    def run_if(self, op: scf.IfOp) -> None:
        """Each region yields buffers of its own (allocated in it, else a
        copy), which become the scf.if's: owned like an allocation."""
        for region in op.regions:
            self.run_block(region.block)
        if not any(isinstance(t, TensorType) for t in op.result_types):
            return
        for region in op.regions:
            yield_op, owned, values = region.block.last_op, set(), []
            for value in yield_op.operands:
                if isinstance(value.type, MemRefType):
                    if not (isinstance(value.owner, memref.AllocOp | scf.IfOp)
                            and value.owner.parent_block() is region.block) or value in owned:
                        value = copy_before(value, yield_op)
                    owned.add(value)
                values.append(value)
            Rewriter.replace_op(yield_op, scf.YieldOp(*values))
        types = [memref_type(t) if isinstance(t, TensorType) else t for t in op.result_types]
        regions = [op.detach_region(r) for r in list(op.regions)]
        Rewriter.replace_op(op, scf.IfOp(op.cond, types, *regions))

    def run_call(self, op: sj.CallOp) -> None:
        """sj.call -> func.call of an external function taking the buffers."""
        writes = list(op.writes.get_values())
        args = [self.buffer_for_write(a, op, k) if k in writes else a for k, a in enumerate(op.args)]
        written = list(args)
        if op.written_row is not None:  # the callee is given the row, where it lies
            row = sj.BufferRowOp(args[writes[0]], op.written_row, MemRefType(
                args[writes[0]].type.element_type, args[writes[0]].type.get_shape()[1:]))
            Rewriter.insert_op(row, InsertPoint.before(op))
            args[writes[0]] = row.result
            del args[op.row.value.data]
        scalar_types = [r.type for r in op.res[len(writes):]]
        name = op.callee.data
        if SymbolTable.lookup_symbol(self.module, name) is None:
            self.module.body.block.add_op(
                func.FuncOp.external(name, [a.type for a in args], scalar_types))
        call = func.CallOp(name, args, scalar_types)
        Rewriter.insert_op(call, InsertPoint.before(op))
        for result, k in zip(op.res, writes):
            result.replace_all_uses_with(written[k])
        for result, new in zip(op.res[len(writes):], call.res):
            result.replace_all_uses_with(new)
        op.detach()
        op.erase()

    @staticmethod
    def run_return(op: func.ReturnOp) -> None:
        owned: set[SSAValue] = set()
        values = []
        for buf in op.arguments:
            if isinstance(buf.type, MemRefType):
                if read_only(buf) or buf in owned:
                    buf = copy_before(buf, op)
                owned.add(buf)
            values.append(buf)
        Rewriter.replace_op(op, func.ReturnOp(*values))


def copy_into_loop_buffers(terminator: Operation, values: list[SSAValue],
                           bufs: dict[int, SSAValue]) -> None:
    """Before a loop terminator, copy each carried value that is not already
    the loop's buffer for its slot into that buffer."""
    for i, buf in bufs.items():
        if values[i] is not buf:
            Rewriter.insert_op(memref.CopyOp(values[i], buf), InsertPoint.before(terminator))


def replace_loop(old: Operation, new: Operation, bufs: dict[int, SSAValue], kept: list[int]) -> None:
    """Put `new` (the loop without its buffer slots) in place of `old`: the
    results of buffer slots become the buffers."""
    Rewriter.insert_op(new, InsertPoint.before(old))
    for i, result in enumerate(old.results):
        result.replace_all_uses_with(bufs[i] if i in bufs else new.results[kept.index(i)])
    old.detach()
    old.erase()


def hoisted_position(op: Operation, sizes) -> Operation:
    """Where to allocate the buffer `op` needs (a tensor.empty's, or a write's
    own copy, sized like the buffer it copies): before the outermost enclosing
    loop `sizes` do not depend on, so a loop allocates its temporaries once.
    Sharing the buffer between steps is safe: each step fills it before
    reading it, and a value that crosses steps goes through iter_args, which
    copy it."""
    position: Operation = op
    loop = op.parent_op()
    while isinstance(loop, scf.ForOp | scf.WhileOp) and not any(
            defined_in(size, loop) for size in sizes):
        position = loop
        loop = loop.parent_op()
    return position


def copy_before(buf: SSAValue, user: Operation, copy_contents: bool = True) -> SSAValue:
    """A new buffer shaped like `buf` (holding a copy of it unless told
    otherwise), made just before `user`."""
    sizes = [memref.DimOp(buf, _index(user, axis))
             for axis, s in enumerate(buf.type.get_shape()) if s < 0]
    Rewriter.insert_op(sizes, InsertPoint.before(user))
    copy = checked_alloc([s.result for s in sizes], buf.type, InsertPoint.before(user))
    if copy_contents:
        Rewriter.insert_op(memref.CopyOp(buf, copy), InsertPoint.before(user))
    return copy


def _index(user: Operation, value: int) -> SSAValue:
    const = arith.ConstantOp(IntegerAttr(value, IndexType()))
    Rewriter.insert_op(const, InsertPoint.before(user))
    return const.result


def aliases(buf: SSAValue) -> list[SSAValue]:
    """`buf` and the views of it (`memref.cast`s, reshapes, `sj.buffer_row`s, of views too)."""
    found = [buf]
    for value in found:
        found += [use.operation.results[0] for use in value.uses
                  if isinstance(use.operation, (sj.BufferRowOp, *VIEWS))]
    return found


def insert_deallocs(fn: func.FuncOp) -> None:
    """Free each buffer after the last use of it or of a view of it in its
    block, unless it or a view of it is returned: an alloc's, except one an
    scf.if yields, and the scf.if's."""
    returned = {v for op in fn.walk() if isinstance(op, func.ReturnOp) for v in op.arguments}
    position = BlockOrder()  # the deallocs inserted are never asked
    owned = [(op, op.memref) for op in fn.walk() if isinstance(op, memref.AllocOp)]
    owned += [(op, r) for op in fn.walk() if isinstance(op, scf.IfOp)
              for r in op.results if isinstance(r.type, MemRefType)]
    for owner, buf in owned:
        views = aliases(buf)
        if any(view in returned or any(isinstance(use.operation, scf.YieldOp) for use in view.uses)
               for view in views):
            continue
        block = owner.parent_block()
        last = owner
        for use in [use for view in views for use in view.uses]:
            user = ancestor_in(use.operation, block)
            if position(user) > position(last):
                last = user
        Rewriter.insert_op(memref.DeallocOp.get(buf), InsertPoint.after(last))


@dataclass(frozen=True)
class BufferizePass(ModulePass):
    name = "bufferize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        constants = ConstantGlobals(op)
        for fn in [o for o in op.walk() if isinstance(o, func.FuncOp) and o.body.blocks]:
            bufferizer = Bufferizer(fn, op, constants)
            entry = fn.body.block
            for arg in list(entry.args):
                if isinstance(arg.type, TensorType):
                    arg.replace_all_uses_with(entry.insert_arg(memref_type(arg.type), arg.index))
                    entry.erase_arg(arg)
            bufferizer.run_block(entry)
            returns = next(o for o in fn.walk() if isinstance(o, func.ReturnOp))
            fn.function_type = FunctionType.from_lists(
                [a.type for a in entry.args], [v.type for v in returns.arguments])
            insert_deallocs(fn)
