"""`convert-cf-to-llvm`: `cf.br`/`cf.cond_br` to `llvm.br`/`llvm.cond_br`, and
`sj.check` (scanjit's `cf.assert`, with values for its message) to an early
return of an error code.

`sj.check %ok, "msg"(%v0, ... : index, ...)` splits its block; when `%ok` is
false the enclosing `llvm.func` (which must return i32: run after
convert-func-to-llvm) returns k, the 1-based position of "msg" in the module
attribute `scanjit.errors` (an array of strings this pass creates or
extends; equal messages share k). In a function whose last argument is the
caller's result slots (marked `scanjit.results_array`), it first stores the
number of values in slot 0 and the values in slots 1, 2, ... (see
dialects/abi.py). The buffers the check frees (`frees`, set by
`free-on-error`) are freed on the way out (`free_and_return`: checks
freeing the same buffers, or the same oldest ones, share their deallocs).
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriteWalker

from scanjit.passes.support.cf_to_llvm import BranchLowering, CondBranchLowering, finish_checks, module_checks


@dataclass(frozen=True)
class ConvertCfToLLVMPass(ModulePass):
    name = "convert-cf-to-llvm"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        checks = module_checks(op)
        PatternRewriteWalker(
            GreedyRewritePatternApplier([BranchLowering(), CondBranchLowering(), checks]),
            apply_recursively=False,
        ).rewrite_module(op)
        finish_checks(op, checks, self.name)
