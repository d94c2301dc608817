"""`scanjit-opt`: xDSL's `xdsl-opt` with scanjit's dialects and passes added.

    scanjit-opt f.mlir -p scanjit-lower                  # the whole PIPELINE
    scanjit-opt f.mlir -p scanjit-lower --emit llvm-ir   # then LLVM IR (or llvm-ir-opt, asm)

With --print-between-passes or --time-passes, `scanjit-lower` is expanded into
its passes so that each of them is printed or timed. An error (a pass that
fails, IR that does not verify) is one line on stderr and exit status 1.
"""

import re
import sys

from xdsl.dialects import llvm
from xdsl.dialects.builtin import ModuleOp
from xdsl.xdsl_opt_main import xDSLOptMain

from scanjit.dialects import all_dialects
from scanjit.passes import PASSES, PIPELINE

EMITS = ("llvm-ir", "llvm-ir-opt", "asm")


class ScanjitOptMain(xDSLOptMain):
    def register_all_dialects(self):
        super().register_all_dialects()
        for name, dialect in all_dialects().items():
            self.ctx.register_dialect(name, lambda d=dialect: d)

    def register_all_passes(self):
        super().register_all_passes()
        for name, factory in PASSES.items():
            self.register_pass(name, factory)

    def register_all_arguments(self, arg_parser):
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument(
            "--emit", choices=EMITS,
            help="print LLVM IR (as translated, or after O3) or host assembly instead of MLIR; "
                 "the module must be in the llvm dialect after the passes")

    def setup_pipeline(self):
        if self.args.print_between_passes or self.args.time_passes:
            self.args.passes = re.sub(r"(?<![\w-])scanjit-lower(?![\w{-])", ",".join(PIPELINE),
                                      self.args.passes)
        super().setup_pipeline()

    def output_resulting_program(self, prog: ModuleOp) -> str:
        if self.args.emit is None:
            return super().output_resulting_program(prog)
        from scanjit.driver.jit import compile_module

        for op in prog.walk():
            if op is not prog and op.dialect_name() != llvm.LLVM.name:
                sys.exit(f"scanjit-opt: error: --emit {self.args.emit} needs a module in the llvm "
                         f"dialect, found '{op.name}' (add -p scanjit-lower?)")
        compiled = compile_module(prog)
        return {"llvm-ir": compiled.llvm_ir, "llvm-ir-opt": compiled.llvm_ir_opt,
                "asm": compiled.asm}[self.args.emit]


def diagnostic(error: Exception) -> str:
    """One line saying what failed: the error's text and, for a verifier's
    error, the op (the line xDSL's note marks with ^^^)."""
    message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    for note in getattr(error, "__notes__", []):
        lines = note.splitlines()
        marked = [lines[k - 1].strip() for k in range(1, len(lines)) if lines[k].strip().startswith("^^^")]
        if marked:
            message += f" (at {marked[0]})"
    return f"scanjit-opt: error: {message}"


def main() -> None:
    try:
        ScanjitOptMain().run()
    except Exception as error:  # a diagnostic, or an xDSL verifier's plain Exception
        sys.exit(diagnostic(error))


if __name__ == "__main__":
    main()
