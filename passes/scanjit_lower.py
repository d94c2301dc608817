"""scanjit-lower: the whole lowering `PIPELINE`, from emitted `sj` IR to the llvm dialect."""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass


@dataclass(frozen=True)
class ScanjitLowerPass(ModulePass):
    name = "scanjit-lower"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from scanjit.passes import PIPELINE, get_pass

        for name in PIPELINE:
            get_pass(name).apply(ctx, op)
