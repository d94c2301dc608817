"""Forward mode (`pushforward(..., use_op_pushforward=True)`, PyTensor's
`Rop(..., use_op_rop_implementation=True)`): the tangent of each variable,
from the seeds' to the outputs', one node at a time in topological order,
each given by its Op's `R_op(inputs, outputs, tangents)`. A tangent of None
means "not connected"; integer variables have none (an op with integer
outputs only, as argmax, is not asked). An Op linear in some
inputs (`Op.linear_inputs`: reshapes, indexing, joins, ...) is its own
R_op, applied to their tangents, zeros for those not connected; an Op
without an R_op raises NotImplementedError naming it, as PyTensor's."""

from __future__ import annotations

from scanjit.dtypes import is_float
from scanjit.graph import Variable, toposort
from scanjit.tensor.basic import as_tensor_variable, constant
from scanjit.tensor.elemwise import cast, second


def zeros_as(x: Variable) -> Variable:
    """Zeros shaped as `x`, of its dtype."""
    return second(x, constant(0, dtype=x.dtype))


def as_tangent_of(var: Variable, t) -> Variable | None:
    """`t` as the tangent of `var`: of its dtype; None for an integer `var`."""
    if t is None or not is_float(var.dtype):
        return None
    return cast(as_tensor_variable(t), var.dtype)


def tangents_of(outputs: list[Variable], seeds: dict[Variable, Variable | None]) -> list[Variable | None]:
    """The tangents of `outputs` given those of the variables in `seeds`
    (None: not connected); variables the seeds do not reach have none."""
    known = {id(v): as_tangent_of(v, t) for v, t in seeds.items()}
    for node in toposort(outputs, stop=lambda v: id(v) in known):
        tangents = [known.get(id(v)) for v in node.inputs]
        if all(t is None for t in tangents) or not any(is_float(v.dtype) for v in node.outputs):
            continue
        for k in node.op.linear_inputs(node):
            if tangents[k] is None:
                tangents[k] = zeros_as(node.inputs[k])
        for out, t in zip(node.outputs, node.op.R_op(node.inputs, node.outputs, tangents)):
            known[id(out)] = as_tangent_of(out, t)
    return [known.get(id(v)) for v in outputs]
