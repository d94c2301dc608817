"""`scanjit`: run a script and see what scanjit compiles (docs/cli.md).

    scanjit dump SCRIPT.py [ARGS...] [--function NAME] [--out DIR] [--stage NAME] [--diff]
                 [--html FILE] [--traceback]
    scanjit run SCRIPT.py [ARGS...] [--out DIR] [--traceback]
    scanjit cache info|clear
"""

from __future__ import annotations

import argparse
import contextlib
import os
import runpy
import sys
import traceback
from importlib.metadata import version
from pathlib import Path

from scanjit.driver import stages

DEFAULT_OUT = "scanjit-dump"


def version_line(program: str = "scanjit") -> str:
    """`--version`: scanjit's version and those of xDSL and llvmlite."""
    return f"{program} {version('scanjit')} (xDSL {version('xdsl')}, llvmlite {version('llvmlite')})"


class CliError(Exception):
    """A user error: printed as one line, exit status 1."""


def run_script(script: str, args: list[str], show_traceback: bool) -> None:
    """Run `script` as `python script args...` would, in this process."""
    path = Path(script)
    if not path.is_file():
        raise CliError(f"no such file: {script}")
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [script, *args]
    sys.path.insert(0, str(path.resolve().parent))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            raise CliError(f"{script} exited with status {exit_.code}") from None
    except Exception as exc:
        if show_traceback:
            traceback.print_exc()
        raise CliError(f"{script} raised {type(exc).__name__}: {exc}") from None
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path


def select(functions: list, wanted: str | None, script: str) -> list:
    if not functions:
        raise CliError(f"{script} compiled no function")
    if wanted is None:
        return functions
    chosen = [f for f in functions
              if wanted in (f.name, stages.folder_name(f), str(f.number), f"{f.number:02d}")]
    if not chosen:
        names = ", ".join(stages.folder_name(f) for f in functions)
        raise CliError(f"no function {wanted!r}; {script} compiled: {names}")
    return chosen


def dump(args: argparse.Namespace) -> None:
    if args.stage is not None and args.stage not in stages.names():
        raise CliError(f"unknown stage {args.stage!r}; the stages are {', '.join(stages.names())}")
    if args.diff and args.stage is not None and args.stage not in stages.names()[2:-3]:
        raise CliError(f"--diff needs a pass's stage, not {args.stage!r}")
    functions: list = []
    # The script's own prints go to stderr, so that stdout holds only the dump.
    with stages.listening(functions.append), contextlib.redirect_stdout(sys.stderr):
        run_script(args.script, args.args, args.traceback)
    chosen = select(functions, args.function, args.script)
    if args.html is not None:
        from scanjit.tools import report

        Path(args.html).write_text(report.html_report(chosen, args.script))
        print(f"scanjit: wrote the report of {len(chosen)} function(s) to {args.html}", file=sys.stderr)
        if args.out is None and args.stage is None and not args.diff:
            return
    if args.out is None and (args.stage is not None or args.diff):
        for function in chosen:
            if len(chosen) > 1:
                print(f"==> {stages.folder_name(function)} <==")
            print(show(function, args.stage, args.diff), end="")
        return
    out = Path(args.out or DEFAULT_OUT)
    for function in chosen:
        stages.write_stages(function, out / stages.folder_name(function), args.stage, args.diff)
    print(f"scanjit: wrote the stages of {len(chosen)} function(s) to {out}/", file=sys.stderr)


def show(function, stage: str | None, diff: bool) -> str:
    """One stage's text; with `diff`, what its pass changed (or every pass's diffs)."""
    if not diff:
        return function.dump(stage)
    function.stage_texts  # noqa: B018 (runs the passes, timing them)
    shown = []
    for name in [stage] if stage is not None else list(function.pass_times):
        shown.append(stages.diff(function, name) or f"=== {name}: unchanged\n")
    return "".join(shown)


def run(args: argparse.Namespace) -> None:
    compiled = []

    def report(function) -> None:
        compiled.append(function)
        hit = " (cache hit)" if function.compiled.cache_hit else ""
        print(f"scanjit: compiled {stages.folder_name(function)} in "
              f"{1e3 * function.compile_time:.1f} ms{hit}", file=sys.stderr)

    os.environ[stages.DUMP_DIR] = args.out
    with stages.listening(report):
        run_script(args.script, args.args, args.traceback)
    if not compiled:
        raise CliError(f"{args.script} compiled no function")
    hits = sum(f.compiled.cache_hit for f in compiled)
    print(f"scanjit: {len(compiled)} function(s) in {sum(f.compile_time for f in compiled):.2f} s, "
          f"{hits} from the compile cache", file=sys.stderr)


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def cache_info(args: argparse.Namespace) -> None:
    from scanjit.driver import cache

    try:
        info = cache.info()
    except ValueError as error:  # a bad SCANJIT_CACHE_MAX_MB
        raise CliError(str(error)) from None
    print(f"directory: {info['directory']}\n"
          f"status:    {info['status']}\n"
          f"entries:   {info['entries']}\n"
          f"size:      {megabytes(info['bytes'])}\n"
          f"limit:     {megabytes(info['limit'])} (SCANJIT_CACHE_MAX_MB, default {cache.DEFAULT_MAX_MB})")


def cache_clear(args: argparse.Namespace) -> None:
    from scanjit.driver import cache

    try:
        removed, freed = cache.clear()
    except OSError as error:
        raise CliError(str(error)) from None
    print(f"scanjit: removed {removed} file(s), {megabytes(freed)}, from {cache.directory()}")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="scanjit", description="Run a script using scanjit and see what it compiles: "
        "the graph, the IR after every pass, LLVM IR and assembly.")
    main.add_argument("--version", action="version", version=version_line())
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = commands.add_parser("dump", help="run a script and write the stages of every function "
                            "it compiles, one folder per function (or print one stage)")
    p.add_argument("script", metavar="SCRIPT.py")
    p.add_argument("args", nargs="*", metavar="ARGS", help="arguments for the script (after -- "
                   "if they start with -)")
    p.add_argument("--function", metavar="NAME",
                   help="only this function: its name (e.g. script-line12), folder name or number")
    p.add_argument("--out", metavar="DIR", help=f"where to write the folders (default: {DEFAULT_OUT}, "
                   "unless --stage, --diff or --html is given)")
    p.add_argument("--stage", metavar="NAME", help="only this stage, e.g. graph, emit, bufferize, "
                   "llvm, asm: printed to stdout, or written to --out")
    p.add_argument("--diff", action="store_true", help="what each pass changed (or --stage's pass), "
                   "as unified diffs that ignore value renumbering; a pass that changed nothing "
                   "is marked unchanged")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report: the graph, "
                   "every stage with its diff, each pass's time and the IR sizes")
    p.add_argument("--traceback", action="store_true", help="show the traceback of an error")
    p.set_defaults(handler=dump)

    p = commands.add_parser("run", help="run a script with SCANJIT_DUMP_DIR set and report "
                            "the compile time of each function on stderr")
    p.add_argument("script", metavar="SCRIPT.py")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                   help=f"the dump directory (default: {DEFAULT_OUT})")
    p.add_argument("--traceback", action="store_true", help="show the traceback of an error")
    p.set_defaults(handler=run)

    p = commands.add_parser("cache", help="the compile cache: `info` (where, how big, the limit) "
                            "or `clear` (remove every entry)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("info", help="the directory, whether it is used, entries, size, limit"
                       ).set_defaults(handler=cache_info)
    actions.add_parser("clear", help="remove every entry").set_defaults(handler=cache_clear)

    commands.add_parser("bench", help="time scanjit against NumPy, numba, PyTensor and JAX "
                        "(tools/bench.py: `scanjit bench --help`)", add_help=False)
    return main


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # its own options: tools/bench.py parses them
        from scanjit.tools import bench

        return bench.main(argv[1:])
    main_parser = parser()
    args, extra = main_parser.parse_known_args(argv)
    if extra and args.command != "dump":
        main_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.args += [a for a in extra if a != "--"]
    try:
        args.handler(args)
    except CliError as exc:
        print(f"scanjit: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
