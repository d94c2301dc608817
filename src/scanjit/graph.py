"""The symbolic graph: Types, Variables, Constants, Apply nodes and Ops.

Same model as PyTensor: a Variable is produced by at most one Apply node
(`var.owner`), which applies an Op to input Variables.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from scanjit import config
from scanjit.dtypes import DTYPES, upcast

class MissingInputError(ValueError):
    """The graph needs a variable that is not an input of the function (as
    PyTensor's; a ValueError too)."""

    def __init__(self, var: Variable, of: str = "the function"):
        super().__init__(f"{var.label()} is needed but is not an input of {of}")


class NullTypeGradError(TypeError):
    """A gradient that is not defined (PyTensor's NullType), asked for."""


class TensorType:
    """A dtype and a static shape (None where the length is not known)."""

    def __init__(self, dtype: str, shape: Sequence[int | None] = ()):
        dtype = str(np.dtype(config.floatX if dtype == "floatX" else dtype))
        if dtype not in DTYPES:
            raise TypeError(f"scanjit does not support dtype {dtype}")
        self.dtype = dtype
        self.shape = tuple(None if s is None else int(s) for s in shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return tuple(s == 1 for s in self.shape)

    def __call__(self, name: str | None = None) -> Variable:
        return Variable(self, name=name)

    def filter(self, value, allow_downcast: bool | None, what: str) -> np.ndarray:
        """`value` converted to this type as PyTensor does (arrays may only be
        upcast losslessly, Python values converted when nothing is lost), in
        native layout; `what` names it in errors."""
        if value is None or isinstance(value, str | bytes):
            raise TypeError(f"{what} expects a {self}, got {type(value).__name__}")
        dtype = np.dtype(self.dtype)
        if isinstance(value, np.ndarray | np.generic):
            array = np.asarray(value)
            if array.dtype != dtype:
                if array.dtype.kind not in "biuf":
                    raise TypeError(f"{what} expects {self.dtype}, got an array of {array.dtype}")
                if not allow_downcast and upcast(self.dtype, str(array.dtype)) != self.dtype:
                    raise TypeError(
                        f"{what} is {self.dtype}: an array of {array.dtype} cannot be stored in it "
                        "without losing precision; cast it, or pass allow_input_downcast=True")
                array = array.astype(dtype)
        else:
            try:
                raw = np.asarray(value)
            except ValueError as exc:
                raise ValueError(f"{what}: {exc}") from None
            if raw.dtype.kind not in "biuf":
                raise TypeError(f"{what} expects {self.dtype}, got {type(value).__name__} {value!r}")
            array = raw.astype(dtype)
            if not allow_downcast and not np.array_equal(array, raw, equal_nan=raw.dtype.kind == "f"):
                raise TypeError(f"{what} is {self.dtype}: {value!r} cannot be converted without loss")
        if array.ndim != self.ndim:
            raise TypeError(f"{what} expects {self.ndim} dimensions, got an array of shape {array.shape}")
        for axis, (static, actual) in enumerate(zip(self.shape, array.shape)):
            if static is not None and static != actual:
                raise ValueError(f"{what} has static length {static} on axis {axis}, got {actual}")
        return native_layout(array)

    def __eq__(self, other):
        return isinstance(other, TensorType) and (self.dtype, self.shape) == (other.dtype, other.shape)

    def __hash__(self):
        return hash((self.dtype, self.shape))

    def __repr__(self):
        dims = ", ".join("?" if s is None else str(s) for s in self.shape)
        return f"TensorType({self.dtype}, shape=({dims}{',' if self.ndim == 1 else ''}))"


def native_layout(array: np.ndarray) -> np.ndarray:
    """`array` itself if compiled code can read it as it is (C-contiguous,
    aligned, native byte order), else such a copy: any view, Fortran order or
    byte order reads correctly."""
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return array if array.flags.c_contiguous and array.flags.aligned else np.require(array, requirements="CA")


class Variable:
    """A symbolic value. Arithmetic, indexing and reductions are defined in
    `scanjit.tensor` and attached here so graphs read like NumPy code."""

    def __init__(self, type: TensorType, owner: Apply | None = None, index: int = 0,
                 name: str | None = None):
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name

    @property
    def ndim(self) -> int:
        return self.type.ndim

    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return self.type.broadcastable

    def label(self) -> str:
        """How error messages name this variable."""
        if self.name:
            return repr(self.name)
        if self.owner is not None:
            return f"the output of {self.owner.op}"
        return f"an unnamed {self.type}"

    def __repr__(self):
        return self.name or (f"{self.owner.op}.{self.index}" if self.owner else f"<{self.type}>")

    __hash__ = object.__hash__


class Constant(Variable):
    def __init__(self, type: TensorType, data: np.ndarray, name: str | None = None):
        super().__init__(type, name=name)
        self.data = data

    def __repr__(self):
        return self.name or repr(self.data.item() if self.data.ndim == 0 else self.data)


_serials = itertools.count()


def next_serial() -> int:
    """A serial number larger than every Apply node's so far and smaller than
    every later one's (nodes are numbered in the order they are made)."""
    return next(_serials)


class Apply:
    def __init__(self, op: Op, inputs: Sequence[Variable], outputs: Sequence[Variable]):
        self.serial = next(_serials)
        self.op = op
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        for i, out in enumerate(self.outputs):
            out.owner, out.index = self, i


class Op:
    """Base class: `make_node` checks inputs and builds the Apply node;
    `infer_shape` gives its outputs' lengths from its inputs' (see the
    function `infer_shape`); `perform` computes them (the reference
    interpreter)."""

    def make_node(self, *inputs: Variable) -> Apply:
        raise NotImplementedError

    def rebuild(self, node: Apply, inputs: list[Variable]) -> Apply:
        """A node like `node` on other inputs (`clone_replace`)."""
        return self.make_node(*inputs)

    def infer_shape(self, node: Apply, shapes: list[list], dims) -> list:
        """Per output, its lengths given each input's (`[]` for scalars)."""
        raise NotImplementedError(f"the shape of the output of {self} cannot be known before "
                                  "it is computed")

    def lazy_inputs(self, node: Apply) -> list[list[int]]:
        """Groups of input positions of which only one is computed, chosen
        when the node runs (an ifelse's branches); none for most ops."""
        return []

    def perform(self, node: Apply, inputs: list) -> list:
        """Its outputs' values (NumPy arrays) from its inputs': the semantics
        the compiled code has, with the same checks and errors."""
        raise NotImplementedError(f"the reference interpreter cannot run {self}")

    def L_op(self, inputs: list[Variable], outputs: list[Variable], output_grads: list) -> list:
        """The gradients of the inputs (graphs; None where not connected)
        given those of the outputs (None for an output the cost does not
        reach); see scanjit/tensor/gradient.py."""
        return self.grad(inputs, output_grads)

    def wanted_L_op(self, inputs: list[Variable], outputs: list[Variable], output_grads: list,
                    wanted: set[int]) -> list:
        """L_op when only the gradients of the inputs numbered `wanted` are
        read: an Op whose gradients are costly to build apart (a scan's
        backward loop) builds only those."""
        return self.L_op(inputs, outputs, output_grads)

    def grad(self, inputs: list[Variable], output_grads: list) -> list:
        raise NotImplementedError(f"the gradient of {self} is not implemented")

    def linear_inputs(self, node: Apply) -> list[int]:
        """The inputs the outputs are linear in, the others being keys or
        lengths: then the op applied to their tangents is its R_op."""
        return []

    def R_op(self, inputs: list[Variable], outputs: list[Variable], tangents: list) -> list:
        """Forward mode: the outputs' tangents (graphs; None where not
        connected) given the inputs' (None where not connected, zeros at a
        linear input when another has one); see scanjit/tensor/forward.py."""
        linear = self.linear_inputs(outputs[0].owner)
        if not linear:
            raise NotImplementedError(f"R_op (forward mode) of {self} is not implemented (nor is PyTensor's); "
                                      "pushforward(..., use_op_pushforward=False) builds it from the gradient")
        node = self.make_node(*[tangents[k] if k in linear else x for k, x in enumerate(inputs)])
        return node.outputs

    def __call__(self, *inputs):
        node = self.make_node(*inputs)
        return node.outputs[0] if len(node.outputs) == 1 else node.outputs

    def __str__(self):
        return type(self).__name__


def toposort(outputs: Iterable[Variable], stop: Iterable[Variable] | Callable[[Variable], bool] = ()
             ) -> list[Apply]:
    """Apply nodes needed for `outputs`, inputs before users, not looking
    past the variables in `stop` (or those for which `stop(var)` is true)."""
    is_stop = stop if callable(stop) else None
    seen: set[int] = set() if is_stop else {id(v) for v in stop}
    order: list[Apply] = []
    done: set[int] = set()
    stack: list[tuple[Variable, bool]] = [(v, False) for v in reversed(list(outputs))]
    while stack:
        var, expanded = stack.pop()
        node = var.owner
        if node is None or id(var) in seen and not expanded or not expanded and is_stop and is_stop(var):
            continue
        if expanded:
            if id(node) not in done:
                done.add(id(node))
                order.append(node)
            continue
        seen.add(id(var))
        stack.append((var, True))
        stack.extend((i, False) for i in reversed(node.inputs))
    return order


def branches(order: list[Apply], outputs: Iterable[Variable]) -> dict[tuple, list[Apply]]:
    """The nodes of `order` (a toposort of `outputs`) by where they run, in
    order: `()` unconditionally; `path + ((id(node), k),)` when only input
    group k of a lazy node running at `path` needs them (`Op.lazy_inputs`:
    an ifelse's branch). A node that two branches need runs where both do."""
    where: dict[int, tuple] = {id(v): () for v in outputs}
    placed: dict[int, tuple] = {}
    for node in reversed(order):
        path = _common([where[id(o)] for o in node.outputs if id(o) in where])
        placed[id(node)] = path
        group = {i: k for k, inputs in enumerate(node.op.lazy_inputs(node)) for i in inputs}
        for i, var in enumerate(node.inputs):
            used = path + ((id(node), group[i]),) if i in group else path
            where[id(var)] = _common([where[id(var)], used]) if id(var) in where else used
    grouped: dict[tuple, list[Apply]] = {}
    for node in order:
        grouped.setdefault(placed[id(node)], []).append(node)
    return grouped


def _common(paths: list[tuple]) -> tuple:
    """The longest path all of `paths` start with."""
    common = paths[0] if paths else ()
    for path in paths[1:]:
        common = common[:next((i for i, (a, b) in enumerate(zip(common, path)) if a != b),
                              min(len(common), len(path)))]
    return common


def clone_replace(outputs: Variable | Sequence[Variable], replace) -> Variable | list[Variable]:
    """`outputs` computed with each key of `replace` (a dict or pairs of
    variables) replaced by its value: the nodes depending on a key are
    rebuilt (by their Op's `rebuild`, scan bodies included), the others
    shared. Rebuilt nodes keep their serials (see scanjit/scan/op.py)."""
    single = isinstance(outputs, Variable)
    outputs = [outputs] if single else list(outputs)
    mapping = {id(old): new for old, new in (replace.items() if isinstance(replace, dict) else replace)}
    for node in toposort(outputs, stop=lambda v: id(v) in mapping):
        inputs = [mapping.get(id(v), v) for v in node.inputs]
        if all(new is old for new, old in zip(inputs, node.inputs)):
            continue
        rebuilt = node.op.rebuild(node, inputs)
        rebuilt.serial = node.serial
        for old, new in zip(node.outputs, rebuilt.outputs):
            new.name = old.name
            mapping[id(old)] = new
    result = [mapping.get(id(v), v) for v in outputs]
    return result[0] if single else result


def graph_inputs(outputs: Iterable[Variable], stop: Iterable[Variable] = ()) -> list[Variable]:
    """Variables without an owner (inputs, constants, shared) that `outputs`
    depend on, in first-seen order, not looking past `stop`."""
    stop_ids = {id(v) for v in stop}
    found: dict[int, Variable] = {}
    for var in outputs:
        if var.owner is None and id(var) not in stop_ids:
            found.setdefault(id(var), var)
    for node in toposort(outputs, stop):
        for var in node.inputs:
            if var.owner is None and id(var) not in stop_ids:
                found.setdefault(id(var), var)
    return list(found.values())


class Lazy:
    """Dims computed only if something asks for them (a scan's stacked output
    needs its step's shape inferred; it may not be known before the loop)."""

    def __init__(self, compute: Callable[[], list]):
        self.compute = compute


def infer_size(var: Variable, dims):
    """The value of the integer scalar `var` (a length) in the algebra
    `dims`, by its Op's `infer_size` rule, without running its graph (a
    scan output's length before the loop, as `x.shape[0] * 2`); None when
    its Op has none."""
    rule = getattr(var.owner.op, "infer_size", None) if var.owner is not None else None
    return rule(var.owner, dims) if rule is not None else None


def infer_shape(var: Variable, dims) -> list:
    """The lengths of `var`'s axes, in the algebra `dims` (ints for the
    reference interpreter, SSA values for emission), without running its
    graph: each Op's `infer_shape` rule applied in topological order (a loop,
    not a recursion). `dims.known` maps ids of variables to their lengths
    (a scan step's placeholders); `dims.shape_of_value(v)` gives those of
    values computed already, or None; `dims.const(n)` a static length."""
    def lookup(v: Variable):
        if v.ndim == 0:
            return []
        if all(s is not None for s in v.type.shape):
            return [dims.const(s) for s in v.type.shape]
        found = dims.known.get(id(v))
        if isinstance(found, Lazy):
            found = dims.known[id(v)] = found.compute()
        if found is None and (found := dims.shape_of_value(v)) is not None:
            dims.known[id(v)] = found
        return found

    if (found := lookup(var)) is not None:
        return found
    for node in toposort([var], stop=lambda v: lookup(v) is not None):
        shapes = []
        for v in node.inputs:
            if (shape := lookup(v)) is None and v.owner is None:
                raise MissingInputError(v)
            shapes.append(shape)
        for out, shape in zip(node.outputs, node.op.infer_shape(node, shapes, dims)):
            static = [dims.const(s) if s is not None else None for s in out.type.shape]
            dims.known[id(out)] = shape if isinstance(shape, Lazy) else \
                [d if s is None else s for s, d in zip(static, shape)]
    return lookup(var)
