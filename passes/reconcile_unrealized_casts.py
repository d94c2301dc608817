"""`reconcile-unrealized-casts`: removes the `builtin.unrealized_conversion_cast`
chains that the `convert-*-to-llvm` passes leave between them (a value cast
to its LLVM type and back, or a cast nobody reads), as xDSL's pass of that
name does, visiting only the casts, once: xDSL's walks every op until a
round changes nothing, at least twice."""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, UnrealizedConversionCastOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.transforms.reconcile_unrealized_casts import _try_remove_cast_chain


@dataclass(frozen=True)
class ReconcileUnrealizedCastsPass(ModulePass):
    name = "reconcile-unrealized-casts"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for cast in [o for o in op.walk() if isinstance(o, UnrealizedConversionCastOp)]:
            if cast.parent is not None:
                _try_remove_cast_chain(cast, PatternRewriter(cast), warn_on_failure=True)
