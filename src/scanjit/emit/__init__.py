"""Graph -> IR: one `func.func @main` in the `sj` dialect plus arith/math,
`tensor`, `scf` and `sj.check` for the run-time checks (the Toy tutorial's
"MLIRGen" step). Each op's emission is a handler registered with `@emits`:
tensor ops in tensor.py, scans in scan.py, random draws in random.py,
ifelse in ifelse.py, inv, solve and det in linalg.py."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import func
from xdsl.dialects.builtin import DenseArrayBase, ModuleOp, i64
from xdsl.ir import Block, Region
from xdsl.transforms.dead_code_elimination import region_dce

from scanjit.dialects.abi import RESULT_OFFSETS
from scanjit.emit import ifelse, linalg, random, scan, sort, tensor  # noqa: F401  (register their handlers)
from scanjit.emit.emitter import Emitter
from scanjit.emit.scalar import ir_type
from scanjit.graph import Variable
from scanjit.scan.op import unread_outputs


def emit_function(inputs: Sequence[Variable], outputs: Sequence[Variable],
                  name: str = "main") -> ModuleOp:
    """A module holding `func.func @main(inputs) -> outputs`."""
    entry = Block(arg_types=[ir_type(v.type) for v in inputs])
    e = Emitter(entry, unread_outputs(list(outputs)))
    for var, arg in zip(inputs, entry.args):
        e.values[id(var)] = arg
        if var.name:
            arg.name_hint = _hint(var.name)
    results = e.emit_graph(outputs)
    offsets = [e.tails[r][1] if r in e.tails else 0 for r in results]
    results = [e.tails[r][0] if r in e.tails else r for r in results]
    e.emit(func.ReturnOp(*results))
    fn = func.FuncOp(name, ([a.type for a in entry.args], [r.type for r in results]), Region(entry))
    region_dce(fn.body)  # what nothing reads: a slice a scan reads in place, unreturned tails
    attributes = {RESULT_OFFSETS: DenseArrayBase.from_list(i64, offsets)} if any(offsets) else {}
    return ModuleOp([fn], attributes=attributes)


def _hint(name: str) -> str | None:
    """`name` as an SSA name hint: xDSL takes ASCII letters, digits and `_`."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in name)
    return cleaned if cleaned.strip("_") and not cleaned[0].isdigit() else None

