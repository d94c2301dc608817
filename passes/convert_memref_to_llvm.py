"""`convert-memref-to-llvm`: memrefs to descriptors `!llvm.struct<(ptr, i64 x rank)>`.

Only identity layouts (row-major, contiguous, no offset): element
(i0, ..., ir-1) sits at `ptr[((i0 * s1 + i1) * s2 + ...)]`, addressed with
inbounds GEPs so that LLVM can vectorize: the row's pointer `ptr[(i0 * s1 + ...)
* s(r-1)]`, made once per block for the accesses to the same row, then the
element `row[ir-1]`. Static sizes come from the type,
dynamic ones from the descriptor. i1 elements are stored as one byte (NumPy
bool): loads truncate, stores zero-extend. `alloc` calls `scanjit_alloc`,
`dealloc` `scanjit_free` (scanjit's allocator, scanjit.runtime), `copy`
`memcpy`; `alloca` uses `llvm.alloca`; `cast` is free (the descriptor layout
does not depend on static sizes; no run-time check); `sj.buffer_row %m[%t]`
(a row a product reads, contiguous) is the descriptor of the pointer moved
by %t rows and of the trailing sizes. A constant `global`
(bufferize's constant tensors) becomes a private constant `llvm.mlir.global`
array of its elements, and `get_global` a descriptor of its address
(`llvm.mlir.addressof`) and static sizes.
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.dialects.builtin import MemRefType
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriteWalker

from scanjit.passes.support.llvm_common import retype_block_args
from scanjit.passes.support.memref_to_llvm import MemRefLowering


@dataclass(frozen=True)
class ConvertMemRefToLLVMPass(ModulePass):
    name = "convert-memref-to-llvm"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        retype_block_args(op, MemRefType)
        PatternRewriteWalker(MemRefLowering(op, {}), apply_recursively=False).rewrite_module(op)
