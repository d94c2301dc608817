"""`convert-math-to-llvm`: math ops to LLVM intrinsics and libm calls.

The scalar functions of the `sj` dialect that libm has are lowered here too:
`sj.erfc` calls `erfc`, `sj.tgamma` `tgamma`, `sj.j0` and `sj.j1` `j0` and `j1`,
`sj.lgamma` `lgamma_r` (lgamma
would write the global `signgam`, racing when parallel parts call it), its
sign's slot an alloca in the function's entry block. The other ones (sigmoid, ...) must be
expanded by math-polynomial-approximation first.

Intrinsics are called by their full type-suffixed name
(`llvm.call_intrinsic "llvm.exp.f64"`): xDSL's translator declares its own
unary intrinsics without the suffix, which breaks modules using both f32 and
f64. Functions without an LLVM intrinsic call libm (`tanh`/`tanhf`, declared
body-less; MCJIT resolves them in the process).

`math.fpowi` is `pow(x, (float)n)`, like NumPy. `math.ipowi` is a
square-and-multiply loop (wrapping on overflow); for a negative exponent the
result is 1 when the base is 1, +-1 when it is -1 and 0 otherwise (MLIR's
semantics; a zero base also gives 0). It splits blocks, so run it after
scf -> cf.
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriteWalker

from scanjit.passes.support.math_to_llvm import MathLowering


@dataclass(frozen=True)
class ConvertMathToLLVMPass(ModulePass):
    name = "convert-math-to-llvm"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        PatternRewriteWalker(MathLowering(op), apply_recursively=False).rewrite_module(op)
