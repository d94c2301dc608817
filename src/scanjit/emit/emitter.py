"""The Emitter: builds IR from a graph, one `@emits(Op)` handler per op
(scanjit/emit/tensor.py, scan.py, random.py, ifelse.py register theirs)."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, TensorType
from xdsl.ir import Block, Operation, Region, SSAValue

from scanjit.dialects import sj
from scanjit.emit.reuse import identity, memo_key, same_length
from scanjit.emit.scalar import const, ir_type
from scanjit.graph import Apply, Constant, MissingInputError, Op, Variable, branches, toposort
from scanjit.passes.support.builder import Builder
from scanjit.passes.support.folding import fold

Handler = Callable[["Emitter", Apply], list[SSAValue | None]]
EMITTERS: dict[type[Op], Handler] = {}


def emits(*op_types: type[Op]) -> Callable[[Handler], Handler]:
    """Register a function emitting the IR of nodes of `op_types`: it takes the
    emitter and the node and returns one SSA value per output (None for an
    output nothing reads)."""
    def register(handler: Handler) -> Handler:
        for op_type in op_types:
            EMITTERS[op_type] = handler
        return handler
    return register


class Emitter(Builder):
    """A builder emitting at the end of `self.block` whose `self.values` maps
    graph variables to SSA values, one scope per region (see `into`)."""

    def __init__(self, block: Block, unread: set[int] = frozenset()):
        super().__init__(block)
        self.values: ChainMap[int, SSAValue] = ChainMap()
        # Pure scalar ops emitted so far, by what they compute (memo_key): one
        # scope per block, as `values`, so a value is reused only where it dominates.
        self.memo: ChainMap[tuple, SSAValue] = ChainMap()
        self.unread = unread  # ids of scan outputs nothing reads
        # Slices that are a storage's rows after its first `offset` ones:
        # returned, the storage is returned and the caller skips `offset` rows.
        self.tails: dict[SSAValue, tuple[SSAValue, int]] = {}
        # The nodes of the graph being emitted by where they run (graph.branches),
        # and where the emitter stands: `()`, or inside branches.
        self.branches: dict[tuple, list[Apply]] = {}
        self.path: tuple = ()

    def dim(self, value: SSAValue, axis: int) -> SSAValue:
        """A slice's length is its count, its other lengths its source's: asking
        them does not keep the slice (a copy) alive. Other lengths known by
        construction (reuse.same_length) are asked of the operand, so that
        equal lengths are one value and checks between them fold away."""
        while value.type.get_shape()[axis] < 0:  # a loop: chains of maps are long
            cut = value.owner
            if isinstance(cut, sj.SliceOp):
                if axis == 0:
                    return cut.count
                value = cut.source
            elif (same := same_length(value, axis)) is not None:
                value, axis = same
            else:
                break
        return super().dim(value, axis)

    @contextmanager
    def into(self, block: Block) -> Iterator[Emitter]:
        """Emit into `block` (a region of an op being built) with a child
        value scope: graph values computed there stay there."""
        saved = self.block
        self.block, self.values, self.memo = block, self.values.new_child(), self.memo.new_child()
        try:
            yield self
        finally:
            self.block, self.values, self.memo = saved, self.values.parents, self.memo.parents

    def emit(self, op: Operation):
        """As Builder.emit, and a pure scalar op (arith, tensor.dim) computing
        what one emitted before in this block or an enclosing one computes, or
        an identity (`x + 0`, `x == x`), gives that value instead."""
        replacement = fold(op)
        if replacement is None:
            replacement = identity(op)
        if isinstance(replacement, SSAValue):
            return replacement
        op = replacement or op
        key = memo_key(op)
        if key is None:
            return super().emit(op)
        if key in self.memo:
            op.drop_all_references()
            return self.memo[key]
        self.memo[key] = value = super().emit(op)
        return value

    def const(self, value, dtype: str) -> SSAValue:
        """A constant of the graph dtype `dtype` (or "index")."""
        return const(self.emit, value, dtype)

    def call(self, callee: str, args: Sequence[SSAValue], writes: Sequence[int] = (), result=None) -> list[SSAValue]:
        """An `sj.call` of `callee` (NumPy's or the runtime's): the tensors
        of `args` at `writes`, as written, then the result if any."""
        op = sj.CallOp(callee, list(args), list(writes), result)
        self.emit(op)
        return list(op.results)

    def check(self, ok: SSAValue, message: str, values: Sequence[SSAValue] = ()) -> None:
        """Native code stops with `message` (an exception class, a colon and
        the text, where `$k` stands for values[k], index or i64) when `ok` is false.
        A condition checked before (here or in an enclosing block) holds: not checked again."""
        if ("checked", ok) not in self.memo:
            self.memo["checked", ok] = ok
            self.emit(sj.CheckOp(ok, message, list(values)))

    # -- graph -------------------------------------------------------------
    def value(self, var: Variable) -> SSAValue:
        if id(var) not in self.values:
            if not isinstance(var, Constant):
                raise MissingInputError(var)
            self.values[id(var)] = self.constant(var)
        return self.values[id(var)]

    def constant(self, var: Constant) -> SSAValue:
        if var.ndim == 0:
            return self.const(var.data.item(), var.dtype)
        data = np.ascontiguousarray(var.data)
        attr_type = ir_type(var.type)
        values = data.astype(int).ravel().tolist() if var.dtype == "bool" else data.ravel().tolist()
        return self.emit(sj.ConstantOp(DenseIntOrFPElementsAttr.from_list(attr_type, values)))

    def emit_graph(self, outputs: Sequence[Variable]) -> list[SSAValue]:
        order = toposort(outputs, stop=[v for v in outputs if id(v) in self.values])
        saved = self.branches, self.path
        self.branches, self.path = branches(order, outputs), ()
        try:
            self.emit_nodes(self.branches.get((), []))
        finally:
            self.branches, self.path = saved
        return [self.value(v) for v in outputs]

    def emit_nodes(self, nodes: list[Apply]) -> None:
        for node in nodes:
            if all(id(o) in self.values for o in node.outputs):
                continue
            handler = EMITTERS.get(type(node.op))
            if handler is None:
                raise NotImplementedError(f"scanjit cannot compile {node.op} yet")
            results = handler(self, node)
            for var, val in zip(node.outputs, results):
                if val is not None:  # None: an output nothing reads
                    self.values[id(var)] = val

    @contextmanager
    def branch(self, node: Apply, k: int) -> Iterator[Emitter]:
        """Emit (where `into` points) the nodes only input group k of the
        lazy `node` needs, and stand there."""
        saved = self.path
        self.path = saved + ((id(node), k),)
        try:
            self.emit_nodes(self.branches.get(self.path, []))
            yield self
        finally:
            self.path = saved

    def map(self, inputs: Sequence[SSAValue], result_type, body) -> SSAValue:
        """An sj.map whose body is `body(scalars) -> scalar`, emitted here."""
        block = Block(arg_types=[sj.element_type(v.type) for v in inputs])
        with self.into(block):
            self.emit(sj.YieldOp(body(list(block.args))))
        return self.emit(sj.MapOp(inputs, result_type, Region(block)))

    def broadcast_checks(self, inputs: Sequence[SSAValue], ndim: int, what: str,
                         labels: Sequence[str] | None = None) -> None:
        """Non-broadcastable dimensions aligned on the right must agree; the
        error names the inputs (`labels`) and their shapes."""
        labels = labels or [f"input {k}" for k in range(len(inputs))]
        for axis in range(ndim):
            sized = []
            for v, label in zip(inputs, labels):
                if not isinstance(v.type, TensorType):
                    continue
                k = axis - (ndim - v.type.get_num_dims())
                if k >= 0 and v.type.get_shape()[k] != 1:
                    sized.append((v, label, self.dim(v, k)))
            first, first_label, length = sized[0] if sized else (None, None, None)
            for other, label, other_length in sized[1:]:
                shape_a, values = self.shape_text(first)
                shape_b, more = self.shape_text(other, len(values))
                self.check(self.cmp(length, other_length, "eq"),
                           f"ValueError: shape mismatch in {what} along axis {axis}: {first_label} has "
                           f"shape {shape_a} and {label} has shape {shape_b}", values + more)

    def shape_text(self, value: SSAValue, first: int = 0) -> tuple[str, list[SSAValue]]:
        """A check message's text for the shape of tensor `value`, like
        `($0, 3)` (static lengths written out), and the values it refers to,
        numbered from `$first`."""
        parts, values = [], []
        for axis, static in enumerate(value.type.get_shape()):
            if static >= 0:
                parts.append(str(static))
            else:
                parts.append(f"${first + len(values)}")
                values.append(self.dim(value, axis))
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")", values
