"""`scanjit-opt`: xDSL's `xdsl-opt` with scanjit's dialects and passes added.

    scanjit-opt f.mlir -p scanjit-lower                  # the whole PIPELINE
    scanjit-opt f.mlir -p scanjit-lower --emit llvm-ir   # then LLVM IR (or llvm-ir-opt, asm)
    scanjit-opt - -p cse --print-ir-diff < f.mlir        # what each pass changed

With any option that shows each pass (--print-between-passes,
--print-ir-after-change, --print-ir-diff, --time-passes), `scanjit-lower` is
expanded into its passes. An error is one line on stderr and exit status 1.
"""

import argparse
import difflib
import re
import sys
import time
import textwrap
from io import BytesIO

from xdsl.dialects import llvm
from xdsl.dialects.builtin import ModuleOp
from xdsl.printer import Printer
from xdsl.utils.arg_spec import parse_pipeline
from xdsl.utils.exceptions import ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

from scanjit.dialects import all_dialects
from scanjit.driver.irdiff import unchanged, unified_diff
from scanjit.passes import PASSES, PIPELINE
from scanjit.tools.cli import version_line

EMITS = ("llvm-ir", "llvm-ir-opt", "asm")
DESCRIPTION = ("scanjit-opt: run scanjit's and xDSL's passes on MLIR text (a file, or - for "
               "standard input), print the result as MLIR, LLVM IR or assembly.")
_EMPTY = re.compile(r"(\s|//[^\n]*)*")


def pass_summary(name: str) -> str:
    """The first sentence of a pass's docstring (or of its module's, for
    scanjit's dataclass passes), without a leading `name:`."""
    cls = PASSES[name]()
    doc = cls.__doc__ if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "(") else None
    doc = doc or sys.modules[cls.__module__].__doc__ or ""
    first = " ".join(doc.strip().split("\n\n")[0].split())
    first = re.sub(rf"^`?{re.escape(name)}`?:\s*", "", first).split(". ")[0].rstrip(".")
    return textwrap.shorten(first[:1].upper() + first[1:], 72, placeholder=" ...")


def passes_help(available: list[str]) -> str:
    ours = [n for n in PASSES if PASSES[n]().__module__.startswith("scanjit.")]
    width = max(map(len, ours)) + 2
    lines = ["scanjit's passes (scanjit-lower runs them all, as PIPELINE):"]
    lines += [f"  {n:<{width}}{pass_summary(n)}" for n in sorted(ours)]
    lines += ["", "xDSL's passes:"]
    lines += ["  " + line for line in textwrap.wrap(", ".join(n for n in sorted(available) if n not in ours),
                                                             76, break_on_hyphens=False)]
    return "\n".join(lines)


class ScanjitOptMain(xDSLOptMain):
    def __init__(self, args=None):
        self.version_format = version_line("scanjit-opt").replace("{", "{{").replace("}", "}}")
        self.running: str | None = None
        """The pass running now, named in the diagnostic if it fails."""
        self.times: list[tuple[str, float]] = []
        super().__init__(DESCRIPTION, args)

    def register_all_dialects(self):
        super().register_all_dialects()
        for name, dialect in all_dialects().items():
            self.ctx.register_dialect(name, lambda d=dialect: d)

    def register_all_passes(self):
        super().register_all_passes()
        for name, factory in PASSES.items():
            self.register_pass(name, factory)

    def register_all_frontends(self):
        super().register_all_frontends()
        parse = self.available_frontends["mlir"]

        def parse_mlir(stream):
            text = stream.read()
            if _EMPTY.fullmatch(text.decode(errors="replace")):
                return ModuleOp([])  # an empty input is an empty module, as in mlir-opt
            return parse(BytesIO(text))

        self.available_frontends["mlir"] = parse_mlir

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser):
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument(
            "--emit", choices=EMITS,
            help="print LLVM IR (as translated, or after O2) or host assembly instead of MLIR; "
                 "the module must be in the llvm dialect after the passes")
        arg_parser.add_argument("--print-ir-after-change", action="store_true",
                                help="print the IR on stderr after each pass that changed it")
        arg_parser.add_argument("--print-ir-diff", action="store_true",
                                help="print on stderr what each pass changed, as a unified diff "
                                     "(value numbers ignored)")
        for action in arg_parser._actions:
            if action.dest == "passes":
                action.help = "comma-separated passes to run (listed below)"
            elif action.dest == "time_passes":
                action.help = "print a table of the time each pass took on stderr"
            elif action.dest == "input_file":
                action.help = "the MLIR file to read; - or none for standard input"
        arg_parser.formatter_class = argparse.RawDescriptionHelpFormatter
        arg_parser.description = None
        format_help = arg_parser.format_help
        # The description first, as mlir-opt's OVERVIEW; the passes last (built
        # only for --help: it imports every pass).
        arg_parser.format_help = lambda: (f"{DESCRIPTION}\n\n{format_help()}\n"
                                          f"{passes_help(list(self.available_passes))}\n")
        arg_parser.error = lambda message: sys.exit(f"scanjit-opt: error: {message}")

    def get_input_stream(self):
        if self.args.input_file == "-":
            self.args.input_file = None
        try:
            return super().get_input_stream()
        except OSError as error:
            raise UserError(f"cannot read {self.args.input_file}: {error.strerror}") from None

    def shows_each_pass(self) -> bool:
        args = self.args
        return args.print_between_passes or args.time_passes or args.print_ir_after_change or args.print_ir_diff

    def setup_pipeline(self):
        if self.shows_each_pass():
            self.args.passes = re.sub(r"(?<![\w-])scanjit-lower(?![\w{-])", ",".join(PIPELINE),
                                      self.args.passes)
        for spec in parse_pipeline(self.args.passes):
            if spec.name not in self.available_passes:
                close = difflib.get_close_matches(spec.name, self.available_passes, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else " (scanjit-opt --help lists them)"
                raise UserError(f"unknown pass '{spec.name}'{hint}")
        super().setup_pipeline()
        self.pipeline = type(self.pipeline)(self.pipeline.passes, self.between_passes)

    def between_passes(self, previous, module: ModuleOp, following) -> None:
        """After each pass: record its time, verify, print what was asked."""
        now = time.perf_counter()
        args = self.args
        if previous is not None:
            self.times.append((previous.name, now - self.started))
        if not args.disable_verify:
            module.verify()
        if previous is not None and (args.print_ir_after_change or args.print_ir_diff):
            text = str(module)
            if not unchanged(self.text, text):
                header = f"// -----// IR {'Diff' if args.print_ir_diff else 'Dump'} After {previous.name} //----- //"
                body = unified_diff(self.text, text, "before", "after") if args.print_ir_diff else text + "\n"
                print(header, body, sep="\n", end="", file=sys.stderr)
            elif args.print_ir_diff:
                print(f"// -----// {previous.name}: unchanged //----- //", file=sys.stderr)
            self.text = text
        elif previous is None and (args.print_ir_after_change or args.print_ir_diff):
            self.text = str(module)
        if previous is not None and following is not None and args.print_between_passes:
            print(f"IR after {previous.name}:")
            Printer(stream=sys.stdout).print_op(module)
            print("\n\n\n")
        self.running = following.name if following is not None else None
        self.started = time.perf_counter()

    def run(self):
        super().run()
        if self.args.time_passes:
            print(time_table(self.times), end="", file=sys.stderr)

    def output_resulting_program(self, prog: ModuleOp) -> str:
        if self.args.emit is None:
            return super().output_resulting_program(prog)
        from scanjit.driver.jit import compile_module

        for op in prog.walk():
            if op is not prog and op.dialect_name() != llvm.LLVM.name:
                raise UserError(f"--emit {self.args.emit} needs a module in the llvm "
                                f"dialect, found '{op.name}' (add -p scanjit-lower?)")
        compiled = compile_module(prog)
        return {"llvm-ir": compiled.llvm_ir, "llvm-ir-opt": compiled.llvm_ir_opt,
                "asm": compiled.asm}[self.args.emit]


class UserError(Exception):
    """A mistake in the command line or input, reported as it is."""


def time_table(times: list[tuple[str, float]]) -> str:
    """`--time-passes`: one row per pass run (ms and share), then the total."""
    total = sum(t for _, t in times) or 1e-12
    width = max([len(n) for n, _ in times] + [len("total")])
    rows = [f"{'pass':<{width}}  {'time (ms)':>10}  {'%':>5}"]
    rows += [f"{n:<{width}}  {1e3 * t:>10.3f}  {100 * t / total:>5.1f}" for n, t in times]
    rows.append(f"{'total':<{width}}  {1e3 * sum(t for _, t in times):>10.3f}  {100.0:>5.1f}")
    return "\n".join(rows) + "\n"


def diagnostic(error: BaseException, running: str | None = None) -> str:
    """One line saying what failed: `file:line:col: error: ...` for a parse
    error (at the first use of an undefined value), else the error's text,
    the op a verifier marked and the pass that was running."""
    if isinstance(error, ParseError):
        return f"{_location(error)}: error: {error.msg}"
    message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    for note in getattr(error, "__notes__", []):
        lines = note.splitlines()
        marked = [lines[k - 1].strip() for k in range(1, len(lines)) if lines[k].strip().startswith("^^^")]
        if marked:
            message += f" (at {marked[0]})"
    if running is not None and running not in message:
        message += f" (in pass {running})"
    return f"scanjit-opt: error: {message}"


def _location(error: ParseError) -> str:
    """Where a parse error is; for undefined values, the first use of the first one."""
    span = error.span
    found = re.match(r"values used but not defined: \[(%[^,\]]+)", error.msg)
    content = span.input.content
    text = content.decode(errors="replace") if isinstance(content, bytes) else content
    if found and (use := re.search(re.escape(found.group(1)) + r"(?![\w$.-])", text)):
        line = text.count("\n", 0, use.start()) + 1
        column = use.start() - (text.rfind("\n", 0, use.start()) + 1) + 1
        return f"{span.input.name}:{line + span.line_offset}:{column}"
    return str(span.get_location())


def main(args=None) -> None:
    tool = None
    try:
        tool = ScanjitOptMain(args)
        tool.run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a verifier's plain Exception; xDSL's ArgSpecParseError (a bad -p)
        sys.exit(diagnostic(error, tool.running if tool else None))


if __name__ == "__main__":
    main()
