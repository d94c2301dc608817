"""fold-tensor-dims: answer `tensor.dim` from where its tensor's shape comes
from (MLIR's resolve-ranked-shaped-type-result-dims, for the ops scanjit
emits), so that a size read inside a loop becomes the loop-invariant value it is.

`tensor.dim %t, i` becomes
* the i-th size of the `tensor.empty` or `sj.fill` that made %t;
* `tensor.dim` of the tensor %t was written from, with the same shape: the
  destination of a `tensor.insert` / `tensor.insert_slice`, the operand an
  `sj.call` writes for that result, and the initial value of an `scf.for`
  iter_arg or result whose yield derives from the iter_arg that way.

The bufferizer allocates a tensor before the loops its sizes do not depend on,
so a step's temporaries (a copy of the state row, a multinomial's counts) are
then allocated once per loop instead of once per step.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, builtin, scf, tensor
from xdsl.dialects.builtin import IntegerAttr, TensorType
from xdsl.ir import BlockArgument, OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern, op_type_rewrite_pattern

from scanjit.dialects import sj


def written_from(value: SSAValue) -> SSAValue | None:
    """The tensor `value` was written from, which has its shape, if known."""
    if isinstance(value, OpResult):
        op = value.op
        if isinstance(op, tensor.InsertOp | tensor.InsertSliceOp):
            return op.dest
        if isinstance(op, sj.CallOp) and value.index < len(op.writes):
            return op.args[op.writes.get_values()[value.index]]
        if isinstance(op, scf.ForOp) and yield_keeps_shape(op, value.index):
            return op.iter_args[value.index]
    if isinstance(value, BlockArgument) and value.index > 0:
        loop = value.block.parent_op()
        if isinstance(loop, scf.ForOp) and yield_keeps_shape(loop, value.index - 1):
            return loop.iter_args[value.index - 1]
    return None


def yield_keeps_shape(loop: scf.ForOp, k: int) -> bool:
    """Whether the loop yields, as its k-th value, a tensor written from its
    k-th iter_arg (so every step sees the initial value's shape) through op
    results only (another iter_arg, e.g. two swapped buffers, does not count)."""
    carried = loop.body.block.args[k + 1]
    value: SSAValue | None = loop.body.block.last_op.operands[k]
    while value is not carried:
        if value is None or isinstance(value, BlockArgument):
            return False
        value = written_from(value)
    return True


def made_with_size(value: SSAValue, dim: int) -> SSAValue | None:
    """The size operand for dimension `dim` of a tensor.empty or sj.fill result."""
    if not isinstance(value, OpResult) or not isinstance(value.op, tensor.EmptyOp | sj.FillOp):
        return None
    shape = value.type.get_shape()
    if shape[dim] >= 0:
        return None  # a static size: canonicalize folds its dim
    sizes = value.op.dynamic_sizes if isinstance(value.op, tensor.EmptyOp) else value.op.sizes
    return sizes[sum(1 for s in shape[:dim] if s < 0)]


class ResolveDim(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: tensor.DimOp, rewriter: PatternRewriter, /):
        index = op.index.owner
        if not isinstance(index, arith.ConstantOp) or not isinstance(op.source.type, TensorType):
            return
        assert isinstance(index.value, IntegerAttr)
        size = made_with_size(op.source, index.value.value.data)
        if size is not None:
            rewriter.replace(op, [], [size])
            return
        source = written_from(op.source)
        if source is not None:
            rewriter.replace(op, tensor.DimOp(source, op.index))


@dataclass(frozen=True)
class FoldTensorDimsPass(ModulePass):
    name = "fold-tensor-dims"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        PatternRewriteWalker(ResolveDim()).rewrite_module(op)
