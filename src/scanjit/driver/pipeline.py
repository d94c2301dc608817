"""The compiler driver: emit the graph, run `scanjit.passes.PIPELINE`, JIT."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Sequence
from functools import cache as memoize

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import PassFailedException

from scanjit.emit import emit_function
from scanjit.graph import Variable
from scanjit.driver.jit import Compiled, compile_module
from scanjit.passes import PIPELINE, get_pass

for _name in PIPELINE:  # import every pass now: the first compile pays no imports
    get_pass(_name)


@memoize
def context() -> Context:
    """A context knowing xDSL's dialects and ours (for passes and parsing)."""
    from xdsl.dialects import get_all_dialects

    from scanjit.dialects import all_dialects

    ctx = Context()
    for name, factory in {**get_all_dialects(), **{n: (lambda d=d: d) for n, d in all_dialects().items()}}.items():
        ctx.register_dialect(name, factory)
    return ctx


class InvalidIRError(RuntimeError):
    """A pass left IR that does not verify (checked with SCANJIT_VERIFY=1)."""


def lower(module: ModuleOp, passes: Sequence[str] = PIPELINE,
          after_pass: Callable[[str, ModuleOp], None] | None = None,
          timings: dict[str, float] | None = None) -> ModuleOp:
    """Run `passes` in place, calling `after_pass(name, module)` after each
    and adding the seconds each took to `timings`.
    A pass that cannot lower the IR (PassFailedException) is something scanjit
    cannot compile yet: NotImplementedError. With SCANJIT_VERIFY=1 the
    verifier runs after every pass, so a pass that breaks the IR names itself."""
    ctx = context()
    verify = os.environ.get("SCANJIT_VERIFY", "0") not in ("", "0")
    for name in passes:
        start = time.perf_counter()
        try:
            get_pass(name).apply(ctx, module)
        except PassFailedException as error:
            raise NotImplementedError(f"scanjit cannot compile this yet: {error}") from error
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
        if verify:
            try:
                module.verify()
            except Exception as error:
                raise InvalidIRError(f"pass {name!r} produced invalid IR: {error}") from error
        if after_pass is not None:
            after_pass(name, module)
    return module


def compile_graph(inputs: Sequence[Variable], outputs: Sequence[Variable],
                  after_pass: Callable[[str, ModuleOp], None] | None = None) -> Compiled:
    """Emit, lower and JIT-compile (scanjit.driver.cache.compile is the cached
    entry point). The cyclic garbage collector pauses meanwhile: the IR's
    many objects made its collections 8-20% of a compile's time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _compile_graph(inputs, outputs, after_pass)
    finally:
        if collecting:
            gc.enable()


def _compile_graph(inputs: Sequence[Variable], outputs: Sequence[Variable],
                   after_pass: Callable[[str, ModuleOp], None] | None) -> Compiled:
    start = time.perf_counter()
    module = emit_function(inputs, outputs)
    module.verify()
    timings = {"emit": time.perf_counter() - start}
    if after_pass is not None:
        after_pass("emit", module)
    compiled = compile_module(lower(module, after_pass=after_pass, timings=timings))
    compiled.timings = {**timings, **compiled.timings}
    return compiled
