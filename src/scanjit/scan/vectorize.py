"""`vectorize_graph` and `pt.vectorize`: a graph written for core inputs,
applied to inputs with leading batch axes.

A graph of elementwise ops only broadcasts: the batched inputs replace the
core ones as they are. Any other graph becomes a scan over the batch (its
axes broadcast together and flattened into one), whose step is the core
graph: compiled as one loop, with the scan's gradients. (PyTensor instead
rewrites each op into a batched one; a random draw in the graph then draws
from the generator once per batch element here, in a different order than
PyTensor's one batched draw.)"""

from __future__ import annotations

import re

from scanjit.graph import TensorType, Variable, clone_replace, graph_inputs, toposort
from scanjit.tensor.basic import as_tensor_variable, broadcast_lengths
from scanjit.tensor.elemwise import Elemwise
from scanjit.tensor.shape import Shape, broadcast_to, expand_dims, reshape


def _depends(output: Variable, cores: list[Variable]) -> bool:
    return any(any(v is c for c in cores) for v in graph_inputs([output]))


def vectorize_graph(outputs, replace: dict):
    """`outputs` (a variable or a list) with each core variable of `replace`
    replaced by its batched value: as many more leading axes as it has,
    broadcast between the replacements; the outputs get those axes first."""
    outs = [outputs] if isinstance(outputs, Variable) else list(outputs)
    cores = list(replace)
    batched = [as_tensor_variable(v) for v in replace.values()]
    extra = [b.ndim - c.ndim for c, b in zip(cores, batched)]
    if any(e < 0 for e in extra):
        raise ValueError("vectorize_graph: a replacement has fewer axes than the variable it replaces")
    batch = max(extra, default=0)
    nodes = toposort(outs, stop=lambda v: any(v is c for c in cores))
    if batch == 0 or all(isinstance(node.op, Elemwise) for node in nodes):
        return clone_replace(outputs, dict(zip(cores, batched)))
    padded = [expand_dims(b, tuple(range(batch - e))) if batch > e else b for b, e in zip(batched, extra)]
    lengths = broadcast_lengths([p.type.shape[:batch] for p in padded],
                                [[Shape(a)(p) for a in range(batch)] for p in padded], 1)
    flat = [reshape(broadcast_to(p, lengths + [Shape(a)(p) for a in range(batch, p.ndim)]),
                    [-1] + [Shape(a)(p) for a in range(batch, p.ndim)]) for p in padded]
    from scanjit.scan import scan  # pt.vectorize is imported with scanjit.tensor, before scanjit.scan is complete

    batched_outs = [k for k, o in enumerate(outs) if _depends(o, cores)]
    stepped = scan(lambda *xs: [clone_replace(outs[k], dict(zip(cores, xs))) for k in batched_outs],
                   sequences=flat, return_updates=False)
    stepped = stepped if isinstance(stepped, list) else [stepped]
    results = list(outs)
    for k, rows in zip(batched_outs, stepped):
        results[k] = reshape(rows, lengths + [Shape(a)(rows) for a in range(1, rows.ndim)])
    return results[0] if isinstance(outputs, Variable) else results


_CORE = re.compile(r"\(([^()]*)\)")


def vectorize(pyfunc, signature: str | None = None):
    """`pyfunc` (a function of core tensors, returning one or a list) made to
    take inputs with leading batch axes (NumPy's np.vectorize signature, as
    "(m,n),(n)->(m)"; none: every input is a scalar)."""
    def batched(*inputs):
        inputs = [as_tensor_variable(x) for x in inputs]
        if signature is None:
            core_ndims = [0] * len(inputs)
        else:
            core_ndims = [len([d for d in core.split(",") if d.strip()])
                          for core in _CORE.findall(signature.partition("->")[0])]
            if len(core_ndims) != len(inputs):
                raise ValueError(f"vectorize: signature {signature!r} takes {len(core_ndims)} inputs, "
                                 f"got {len(inputs)}")
        if any(x.ndim < n for x, n in zip(inputs, core_ndims)):
            raise ValueError(f"vectorize: an input has fewer axes than its core dimensions in {signature!r}")
        cores = [TensorType(x.dtype, x.type.shape[x.ndim - n:])() for x, n in zip(inputs, core_ndims)]
        return vectorize_graph(pyfunc(*cores), dict(zip(cores, inputs)))
    return batched
