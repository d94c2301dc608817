"""Emission of an ifelse as an `scf.if` whose regions compute what only
their branch needs (graph.branches) and yield its values."""

from __future__ import annotations

from xdsl.dialects import scf, tensor
from xdsl.ir import Block, Region, SSAValue

from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.scalar import convert, ir_type
from scanjit.ifelse import IfElse


@emits(IfElse)
def emit_ifelse(e: Emitter, node) -> list[SSAValue]:
    n = node.op.n_outs
    cond = convert(e.emit, e.value(node.inputs[0]), node.inputs[0].dtype, "bool")
    types = [ir_type(out.type) for out in node.outputs]
    regions = []
    for k, values in enumerate((node.inputs[1:1 + n], node.inputs[1 + n:])):
        block = Block()
        with e.into(block), e.branch(node, k):
            results = [e.value(v) for v in values]  # lengths the branches disagree on become `?`
            e.emit(scf.YieldOp(*[r if r.type == t else e.emit(tensor.CastOp(r, t))
                                 for r, t in zip(results, types)]))
        regions.append(Region(block))
    op = scf.IfOp(cond, types, *regions)
    e.emit(op)
    return list(op.results)
