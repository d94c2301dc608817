"""convert-parallel-to-llvm: lower `sj.parallel_for` to a call of the
runtime's `scanjit_parallel_for` (see `scanjit.threads`).

    sj.parallel_for @f(%lo, %hi) grain %g captures(%a, %x) : memref<?xf64>, f64

becomes a context of 8-byte slots on the stack holding the captures' fields
(a memref's data pointer and sizes, a scalar's value) and

    llvm.call @scanjit_parallel_for(@f_entry, %context, %lo, %hi, %g)

where `llvm.func internal @f_entry(%context, %lo, %hi) -> i32` reads the
fields back and calls `@f`, the outlined loop (which `convert-func-to-llvm`
lowers to an internal function of those fields, returning 0 or the code of a
failed check). LLVM inlines `@f` into `@f_entry`. A non-zero status from any
part makes the caller free the op's `frees` (`memref.dealloc`s, lowered by
convert-memref-to-llvm; shared with the other failure paths freeing the same
buffers, see `free_and_return`) and return it, as a failed `sj.check` of its own
would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import builtin, llvm
from xdsl.dialects.builtin import IntegerAttr, i32, i64
from xdsl.ir import Attribute, Block, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from scanjit.dialects import sj
from scanjit.passes.support.llvm_common import (
    PTR,
    FreeChains,
    const,
    declare,
    flatten,
    free_and_return,
    load_slot,
    replace_with_early_return,
    store_slot,
    to_llvm,
)

RUNTIME_FUNCTION = "scanjit_parallel_for"
EQ = IntegerAttr(llvm.ICmpPredicateFlag.EQ.to_int(), i64)


def _entry(name: str, callee: str, field_types: list[Attribute]) -> llvm.FuncOp:
    """`@name(%context, %lo, %hi) -> i32`: return `@callee(%lo, %hi, <fields>, null)`."""
    block = Block(arg_types=[PTR, i64, i64])
    context, lo, hi = block.args
    fields: list[SSAValue] = []
    for k, t in enumerate(field_types):
        ops = load_slot(context, k, t)
        block.add_ops(ops)
        fields.append(ops[-1].results[0])
    no_results = llvm.ZeroOp(result_types=[PTR])
    call = llvm.CallOp(callee, lo, hi, *fields, no_results, return_type=i32)
    block.add_ops([no_results, call, llvm.ReturnOp(call.returned)])
    return llvm.FuncOp(name, llvm.LLVMFunctionType([PTR, i64, i64], i32), body=Region(block))


@dataclass
class ParallelForLowering(RewritePattern):
    chains: FreeChains = field(default_factory=dict)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sj.ParallelForOp, rewriter: PatternRewriter, /):
        module = op.get_toplevel_object()
        assert isinstance(module, builtin.ModuleOp)
        ops, fields = flatten(op.captures)
        callee = op.callee.string_value()
        entry = _entry(f"{callee}_entry", callee, [f.type for f in fields])
        module.body.block.add_op(entry)
        # In the entry block, so that LLVM sees a static alloca (and inlines its function).
        slots = const(max(len(fields), 1))
        context = llvm.AllocaOp(slots, PTR, alignment=8)  # 8-byte slots (an opaque pointer for llvmlite)
        caller = op.parent_op()
        while not isinstance(caller, llvm.FuncOp):
            caller = caller.parent_op()
        rewriter.insert([slots, context], InsertPoint.at_start(caller.body.blocks.first))
        for k, field in enumerate(fields):
            ops += store_slot(context.res, k, field)
        function = llvm.AddressOfOp(entry.sym_name.data, PTR)
        declare(module, RUNTIME_FUNCTION, [PTR, PTR, i64, i64, i64], i32)
        call = llvm.CallOp(RUNTIME_FUNCTION, function, context, to_llvm(op.lower), to_llvm(op.upper),
                           to_llvm(op.grain), return_type=i32)
        # A part's failed check: the caller frees `frees` and returns its status, as
        # convert-cf-to-llvm's asserts do.
        zero = const(0, i32)
        ok = llvm.ICmpOp(call.returned, zero.result, EQ)
        exit = free_and_return(caller, tuple(op.frees), self.chains) if op.frees else None
        replace_with_early_return(rewriter, op, [*ops, function, call, zero, ok], ok.res, caller,
                                  call.returned, exit=exit)


@dataclass(frozen=True)
class ConvertParallelToLLVMPass(ModulePass):
    name = "convert-parallel-to-llvm"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        lowering = ParallelForLowering()  # a loop over the ops found, not a pattern walker: faster
        for parallel in [o for o in op.walk() if isinstance(o, sj.ParallelForOp)]:
            lowering.match_and_rewrite(parallel, PatternRewriter(parallel))
