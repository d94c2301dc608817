"""Emission of sort, argsort and searchsorted (scanjit/tensor/sort.py).

A sort: a copy of x with the sorted axis last, one `sj.call` of the
runtime's stable merge sort of its dtype (`scanjit_argsort_<dtype>`,
scanjit/runtime/sort.ll) giving each row's sorting indices, then the
indices, or the values they pick, put back in x's axis order. A search: a
contiguous copy of x, and a call of NumPy's binary search
(`scanjit_searchsorted_<dtype>`, searchsorted.ll) for each value."""

from __future__ import annotations

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, TensorType
from xdsl.ir import SSAValue

from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.linalg import copied
from scanjit.emit.scalar import ELEMENT_TYPES, from_index, to_index
from scanjit.passes.support.builder import empty_like_dims
from scanjit.tensor.sort import ArgSortOp, SearchsortedOp, SortOp

I64 = ELEMENT_TYPES["int64"]


@emits(SortOp, ArgSortOp)
def emit_sort(e: Emitter, node) -> list[SSAValue]:
    x, axis, ndim = e.value(node.inputs[0]), node.op.axis, node.inputs[0].ndim
    dims = [e.dim(x, a) for a in range(ndim)]
    order = [a for a in range(ndim) if a != axis] + [axis]
    keys = copied(e, x, dims, order)
    rows = e.index(1)
    for a in order[:-1]:
        rows = e.emit(arith.MuliOp(rows, dims[a]))
    n = dims[axis]
    index_type = TensorType(I64, [DYNAMIC_INDEX] * ndim)
    indices = empty_like_dims(e, index_type, [dims[a] for a in order])
    scratch = empty_like_dims(e, TensorType(I64, [DYNAMIC_INDEX]), [n])
    indices, _ = e.call(f"scanjit_argsort_{node.inputs[0].dtype}", [keys, indices, scratch,
                                                                      from_index(e.emit, rows), from_index(e.emit, n)],
                           [1, 2])
    element = I64 if node.op.indices else x.type.element_type
    out = empty_like_dims(e, TensorType(element, [DYNAMIC_INDEX] * ndim), dims)

    def put(_, ivs, acc):
        at = [ivs[a] for a in order]  # the place of out[ivs] in keys and indices
        value = e.emit(tensor.ExtractOp(indices, at, I64))
        if not node.op.indices:
            value = e.emit(tensor.ExtractOp(keys, [*at[:-1], to_index(e.emit, value)], element))
        return [e.emit(tensor.InsertOp(value, acc[0], ivs))]

    return [e.loop_nest(dims, [out], put)[0]]


@emits(SearchsortedOp)
def emit_searchsorted(e: Emitter, node) -> list[SSAValue]:
    x_var, v_var = node.inputs
    n = e.dim(e.value(x_var), 0)
    x, v = copied(e, e.value(x_var), [n]), e.value(v_var)
    args = [e.const(0, "int64"), from_index(e.emit, n)]
    right = e.const(node.op.side == "right", "bool")

    def search(value: SSAValue) -> SSAValue:
        if x_var.dtype == "bool":  # searchsorted.ll takes bools as the bytes they are in memory
            value = e.emit(arith.ExtUIOp(value, ELEMENT_TYPES["int8"]))
        return e.call(f"scanjit_searchsorted_{x_var.dtype}", [x, *args, value, right], result=I64)[0]

    if v_var.ndim == 0:
        return [search(v)]
    dims = [e.dim(v, a) for a in range(v_var.ndim)]
    out = empty_like_dims(e, TensorType(I64, [DYNAMIC_INDEX] * v_var.ndim), dims)

    def each(_, ivs, acc):
        return [e.emit(tensor.InsertOp(search(e.emit(tensor.ExtractOp(v, ivs, v.type.element_type))), acc[0], ivs))]

    return [e.loop_nest(dims, [out], each)[0]]
