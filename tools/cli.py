"""`scanjit`: run a script and see what scanjit compiles (docs/cli.md).

    scanjit dump SCRIPT.py [--function NAME] [--out DIR | --stage NAME] [--traceback]
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
    functions: list = []
    # The script's own prints go to stderr, so that stdout holds only the dump.
    with stages.listening(functions.append), contextlib.redirect_stdout(sys.stderr):
        run_script(args.script, [], args.traceback)
    chosen = select(functions, args.function, args.script)
    if args.stage is not None:
        for function in chosen:
            if len(chosen) > 1:
                print(f"==> {stages.folder_name(function)} <==")
            print(function.dump(args.stage), end="")
        return
    out = Path(args.out)
    for function in chosen:
        stages.write_stages(function, out / stages.folder_name(function))
    print(f"scanjit: wrote the stages of {len(chosen)} function(s) to {out}/", file=sys.stderr)


def run(args: argparse.Namespace) -> None:
    def report(function) -> None:
        print(f"scanjit: compiled {stages.folder_name(function)} in "
              f"{1e3 * function.compile_time:.1f} ms", file=sys.stderr)

    os.environ[stages.DUMP_DIR] = args.out
    with stages.listening(report):
        run_script(args.script, args.args, args.traceback)


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
    p.add_argument("--function", metavar="NAME",
                   help="only this function: its name (e.g. script-line12), folder name or number")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                       help=f"where to write the folders (default: {DEFAULT_OUT})")
    where.add_argument("--stage", metavar="NAME", help="print this stage to stdout instead, "
                       "e.g. graph, emit, bufferize, llvm, asm")
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
    args = parser().parse_args(argv)
    try:
        args.handler(args)
    except CliError as exc:
        print(f"scanjit: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
