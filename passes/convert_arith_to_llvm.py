"""`convert-arith-to-llvm`: arith ops to llvm ops; `index` becomes i64.

Non-entry block arguments of type `index` are retyped to i64 directly, with
casts for the not-yet-converted users (`reconcile-unrealized-casts` removes
them at the end of the pipeline).

The LLVM translator has no fptosi/fptoui/uitofp, so:
* fptosi/fptoui use `llvm.fpto{s,u}i.sat.*`: NaN gives 0, out-of-range values
  saturate to the integer type's min/max (plain LLVM fptosi gives poison).
* uitofp from i64 is exact-rounded via sitofp: a negative (huge) input is
  halved keeping the low bit sticky, converted and doubled; narrower inputs are
  zero-extended to i64 first.
`arith.sitofp` of i1 is signed (true -> -1.0), as in MLIR: use uitofp for bools.
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.dialects.builtin import IndexType
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriteWalker

from scanjit.passes.support.arith_to_llvm import ArithLowering
from scanjit.passes.support.llvm_common import retype_block_args


@dataclass(frozen=True)
class ConvertArithToLLVMPass(ModulePass):
    name = "convert-arith-to-llvm"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        retype_block_args(op, IndexType)
        PatternRewriteWalker(
            GreedyRewritePatternApplier([ArithLowering()]), apply_recursively=False
        ).rewrite_module(op)
