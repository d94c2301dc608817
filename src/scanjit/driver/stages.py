"""The stages of a function's compilation, as text: `f.stages`, `f.dump(stage)`,
`SCANJIT_DUMP_DIR` and `scanjit dump`.

Compiling keeps only the emitted module; the stages are made on demand by
printing it, parsing the text back and running `PIPELINE` again, so every
dump also checks that each stage's IR round-trips through text. The LLVM IR
and assembly are those of the function's own compilation.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from scanjit.driver import log

if TYPE_CHECKING:
    from scanjit.function import Function

DUMP_DIR = "SCANJIT_DUMP_DIR"

_listeners: list[Callable[[Function], None]] = []
_numbers = itertools.count(1)


def names() -> list[str]:
    """The stage names, in order: graph, emit, each pass of PIPELINE, llvm, llvm-opt, asm."""
    from scanjit.passes import PIPELINE  # not at import: it imports xDSL

    return ["graph", "emit", *PIPELINE, "llvm", "llvm-opt", "asm"]


def file_name(stage: str) -> str:
    """`00-graph.txt`, `01-emit.mlir`, `02-<pass>.mlir`, ..., `NN-llvm.ll`, `NN+1-llvm-opt.ll`, `asm.s`."""
    if stage == "asm":
        return "asm.s"
    suffix = {"graph": "txt", "llvm": "ll", "llvm-opt": "ll"}.get(stage, "mlir")
    return f"{names().index(stage):02d}-{stage}.{suffix}"


def stage_texts(function: Function) -> dict[str, str]:
    """Every stage of `function`, in order, each ending with a newline; sets
    `function.pass_times`, the seconds each pass took in this run."""
    from xdsl.parser import Parser

    from scanjit.driver.pipeline import context, lower
    from scanjit.printing import graph_text

    emitted = str(function.emitted)
    texts = {"graph": graph_text(function.graph_outputs), "emit": emitted}
    module = Parser(context(), emitted).parse_module()
    function.pass_times = {}
    lower(module, after_pass=lambda name, m: texts.__setitem__(name, str(m)), timings=function.pass_times)
    compiled = function.compiled
    texts.update({"llvm": compiled.llvm_ir, "llvm-opt": compiled.llvm_ir_opt, "asm": compiled.asm})
    return {stage: text if text.endswith("\n") else text + "\n" for stage, text in texts.items()}


def diff(function: Function, stage: str) -> str:
    """What pass `stage` changed: a unified diff from the stage before (empty when unchanged)."""
    from scanjit.driver import irdiff

    before = names()[names().index(stage) - 1]
    texts = function.stage_texts
    return irdiff.unified_diff(texts[before], texts[stage], file_name(before), file_name(stage))


def summary(function: Function) -> str:
    """One line per stage: file, lines, the pass's time and whether it changed the IR."""
    texts, rows = function.stage_texts, []
    for stage in names():
        row = f"{file_name(stage):<38} {texts[stage].count(chr(10)):>6} lines"
        if stage in function.pass_times:
            row += f"  {1e3 * function.pass_times[stage]:8.2f} ms"
            row += "  unchanged" if not diff(function, stage) else ""
        rows.append(row.rstrip())
    return "\n".join(rows) + "\n"


def write_stages(function: Function, folder: Path, only: str | None = None, diffs: bool = False) -> None:
    """Write the stages (or `only` that one) to `folder`, with `summary.txt`;
    with `diffs`, each pass's diff (`NN-pass.diff`) instead of its IR."""
    folder.mkdir(parents=True, exist_ok=True)
    for stage, text in function.stage_texts.items():
        if only not in (None, stage):
            continue
        if diffs and stage in function.pass_times:
            (folder / file_name(stage)).with_suffix(".diff").write_text(diff(function, stage))
        elif not diffs:
            (folder / file_name(stage)).write_text(text)
    if only is None:
        (folder / "summary.txt").write_text(summary(function))


def folder_name(function: Function) -> str:
    return f"{function.number:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', function.name)}"


def compiled(function: Function) -> None:
    """Called once per compiled function: number it, tell the listeners, and
    write its stages under $SCANJIT_DUMP_DIR if set."""
    function.number = next(_numbers)
    log.compiled(function.name, function.compile_time, function.compiled.timings, function.compiled.cache_hit)
    for listener in list(_listeners):
        listener(function)
    if os.environ.get(DUMP_DIR):
        write_stages(function, Path(os.environ[DUMP_DIR]) / folder_name(function))


@contextmanager
def listening(listener: Callable[[Function], None]) -> Iterator[None]:
    """Call `listener(function)` for every function compiled in the block."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
