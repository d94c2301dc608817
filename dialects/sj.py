"""The `sj` dialect: scanjit's tensor-level operations.

Values have value semantics: tensors are builtin `tensor<...>` types and 0-d
values are plain scalars (f64, i64, ...). A scan is not an op of this dialect:
the front end emits it as `scf.for` (or `scf.while`) whose `iter_args` carry
the recurrent states and the stacked outputs; `sj.row` / `sj.insert_row` read
sequence rows and write per-step results.

`convert-sj-to-loops` lowers every op here to `scf` loops over
`tensor.extract` / `tensor.insert`, which `bufferize` then turns into memrefs.
One op lives after bufferization: `sj.parallel_for`, the call of a loop whose
steps run on several threads (`outline-parallel-loops`).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects import arith
from xdsl.dialects.builtin import (
    AnyFloatConstr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, Dialect, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    VarConstraint,
    base,
    eq,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.traits import HasCanonicalizationPatternsTrait, IsTerminator, Pure
from xdsl.utils.exceptions import VerifyException

from scanjit.dialects.abi import placeholder_count

REDUCE_KINDS = ("add", "mul", "max", "min")


def element_type(t: Attribute) -> Attribute:
    return t.element_type if isinstance(t, TensorType) else t


def rank(t: Attribute) -> int:
    return t.get_num_dims() if isinstance(t, TensorType) else 0


@irdl_op_definition
class MapOp(IRDLOperation):
    """Elementwise map with NumPy broadcasting (shapes aligned on the right).

    The body gets one scalar per input and yields the result element. A
    dimension broadcasts only where its static size is 1; other sizes must
    agree at run time (the front end emits the `cf.assert`s)."""

    name = "sj.map"
    inputs = var_operand_def()
    result = result_def(TensorType)
    body = region_def("single_block")
    traits = traits_def(Pure())

    def __init__(self, inputs: Sequence[SSAValue], result_type: Attribute, body: Region):
        super().__init__(operands=[inputs], result_types=[result_type], regions=[body])

    def verify_(self):
        block = self.body.block
        if len(block.args) != len(self.inputs):
            raise VerifyException("sj.map body needs one argument per input")
        for arg, operand in zip(block.args, self.inputs):
            if arg.type != element_type(operand.type):
                raise VerifyException("sj.map body argument types must be the input element types")
        out_rank = rank(self.result.type)
        if any(rank(x.type) > out_rank for x in self.inputs):
            raise VerifyException("sj.map result rank must be the largest input rank")
        terminator = block.last_op
        if not isinstance(terminator, YieldOp) or len(terminator.values) != 1 or \
                terminator.values[0].type != self.result.type.element_type:
            raise VerifyException("sj.map body must yield one value of the result element type")


@irdl_op_definition
class YieldOp(IRDLOperation):
    name = "sj.yield"
    values = var_operand_def()
    traits = traits_def(IsTerminator(), Pure())

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[values])


@irdl_op_definition
class ReduceOp(IRDLOperation):
    """Reduce `input` over `axes` with `kind` (add, mul, max, min).

    The result is a scalar when every axis is reduced, else a tensor of the
    remaining axes."""

    name = "sj.reduce"
    input = operand_def(TensorType)
    kind = prop_def(StringAttr)
    axes = prop_def(DenseArrayBase)
    result = result_def()
    traits = traits_def(Pure())

    def __init__(self, input: SSAValue, kind: str, axes: Sequence[int], result_type: Attribute):
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={"kind": StringAttr(kind), "axes": DenseArrayBase.from_list(i64, axes)},
        )

    def verify_(self):
        if self.kind.data not in REDUCE_KINDS:
            raise VerifyException(f"unknown reduction kind {self.kind.data!r}")
        axes = self.axes.get_values()
        if sorted(set(axes)) != list(axes) or any(not 0 <= a < rank(self.input.type) for a in axes):
            raise VerifyException("sj.reduce axes must be sorted, unique and in range")
        if rank(self.result.type) != rank(self.input.type) - len(axes):
            raise VerifyException("sj.reduce result rank must drop the reduced axes")


@irdl_op_definition
class ArgmaxOp(IRDLOperation):
    """Index of the first maximum over `axes` (all of them when absent), in
    the row-major order of those axes flattened; the other axes are kept."""

    name = "sj.argmax"
    input = operand_def(TensorType)
    axes = opt_prop_def(DenseArrayBase)
    result = result_def()
    traits = traits_def(Pure())

    def __init__(self, input: SSAValue, axes: Sequence[int] | None, result_type: Attribute):
        props = {} if axes is None else {"axes": DenseArrayBase.from_list(i64, axes)}
        super().__init__(operands=[input], result_types=[result_type], properties=props)

    def scanned(self) -> list[int]:
        """The axes searched, in order."""
        return list(range(rank(self.input.type))) if self.axes is None else list(self.axes.get_values())

    def verify_(self):
        if element_type(self.result.type) != i64:
            raise VerifyException("sj.argmax results are i64")
        axes = self.scanned()
        if sorted(set(axes)) != axes or any(not 0 <= a < rank(self.input.type) for a in axes) or \
                rank(self.result.type) != rank(self.input.type) - len(axes):
            raise VerifyException("sj.argmax axes must be sorted, unique and in range, and are "
                                  "dropped from the result")


@irdl_op_definition
class CumulativeOp(IRDLOperation):
    """Running sums (`kind` add) or products (mul) of `input` along `axis`,
    or of its elements in row-major order when `axis` is absent (a vector)."""

    name = "sj.cumulative"
    input = operand_def(TensorType)
    kind = prop_def(StringAttr)
    axis = opt_prop_def(IntegerAttr)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, input: SSAValue, kind: str, axis: int | None, result_type: Attribute):
        props = {"kind": StringAttr(kind)}
        if axis is not None:
            props["axis"] = IntegerAttr(axis, i64)
        super().__init__(operands=[input], result_types=[result_type], properties=props)

    def verify_(self):
        if self.kind.data not in ("add", "mul"):
            raise VerifyException(f"unknown cumulative kind {self.kind.data!r}")
        if element_type(self.result.type) != element_type(self.input.type):
            raise VerifyException("sj.cumulative keeps the element type")
        if self.axis is None:
            if rank(self.result.type) != 1:
                raise VerifyException("sj.cumulative without an axis makes a vector")
        elif not 0 <= self.axis.value.data < rank(self.input.type) or \
                rank(self.result.type) != rank(self.input.type):
            raise VerifyException("sj.cumulative axis must be in range, and the result has the input's rank")


class FloatFunctionOp(IRDLOperation, abc.ABC):
    """A scalar function of a float that the math dialect lacks, written as
    its ops are (`%y = sj.sigmoid %x : f64`). math-polynomial-approximation
    expands sigmoid, softplus, erfinv, digamma and trigamma; convert-math-to-llvm calls
    libm's erfc and lgamma_r."""

    T: ClassVar = VarConstraint("T", AnyFloatConstr)
    operand = operand_def(T)
    result = result_def(T)
    traits = traits_def(Pure())
    assembly_format = "$operand attr-dict `:` type($result)"

    def __init__(self, operand: SSAValue):
        super().__init__(operands=[operand], result_types=[operand.type])


@irdl_op_definition
class SigmoidOp(FloatFunctionOp):
    """1 / (1 + exp(-x))"""

    name = "sj.sigmoid"


@irdl_op_definition
class SoftplusOp(FloatFunctionOp):
    """log(1 + exp(x))"""

    name = "sj.softplus"


@irdl_op_definition
class ErfcOp(FloatFunctionOp):
    """1 - erf(x)"""

    name = "sj.erfc"


@irdl_op_definition
class ErfinvOp(FloatFunctionOp):
    """The inverse of erf on [-1, 1]."""

    name = "sj.erfinv"


@irdl_op_definition
class TgammaOp(FloatFunctionOp):
    """gamma(x)"""

    name = "sj.tgamma"


@irdl_op_definition
class BesselJ0Op(FloatFunctionOp):
    """J_0(x), the Bessel function of the first kind of order 0"""

    name = "sj.j0"


@irdl_op_definition
class BesselJ1Op(FloatFunctionOp):
    """J_1(x), the Bessel function of the first kind of order 1"""

    name = "sj.j1"


@irdl_op_definition
class LgammaOp(FloatFunctionOp):
    """log |gamma(x)|"""

    name = "sj.lgamma"


@irdl_op_definition
class DigammaOp(FloatFunctionOp):
    """gamma'(x) / gamma(x)"""

    name = "sj.digamma"


@irdl_op_definition
class TrigammaOp(FloatFunctionOp):
    """The derivative of digamma."""

    name = "sj.trigamma"


class FloatBinaryFunctionOp(IRDLOperation, abc.ABC):
    """A scalar function of two floats that the math dialect lacks
    (`%r = sj.gammainc %a, %x : f64`); math-polynomial-approximation expands it."""

    T: ClassVar = VarConstraint("T", AnyFloatConstr)
    lhs = operand_def(T)
    rhs = operand_def(T)
    result = result_def(T)
    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` type($result)"

    def __init__(self, lhs: SSAValue, rhs: SSAValue):
        super().__init__(operands=[lhs, rhs], result_types=[lhs.type])


@irdl_op_definition
class GammaincOp(FloatBinaryFunctionOp):
    """P(a, x), the regularized lower incomplete gamma function"""

    name = "sj.gammainc"


@irdl_op_definition
class GammainccOp(FloatBinaryFunctionOp):
    """Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function"""

    name = "sj.gammaincc"


@irdl_op_definition
class GammaincDerOp(FloatBinaryFunctionOp):
    """dP(a, x)/da"""

    name = "sj.gammainc_der"


@irdl_op_definition
class GammaincinvOp(FloatBinaryFunctionOp):
    """The x with P(a, x) = y"""

    name = "sj.gammaincinv"


@irdl_op_definition
class GammainccinvOp(FloatBinaryFunctionOp):
    """The x with Q(a, x) = y"""

    name = "sj.gammainccinv"


class FloatTernaryFunctionOp(IRDLOperation, abc.ABC):
    """A scalar function of three floats that the math dialect lacks
    (`%r = sj.betainc %a, %b, %x : f64`); math-polynomial-approximation expands it."""

    T: ClassVar = VarConstraint("T", AnyFloatConstr)
    first = operand_def(T)
    second = operand_def(T)
    third = operand_def(T)
    result = result_def(T)
    traits = traits_def(Pure())
    assembly_format = "$first `,` $second `,` $third attr-dict `:` type($result)"

    def __init__(self, first: SSAValue, second: SSAValue, third: SSAValue):
        super().__init__(operands=[first, second, third], result_types=[first.type])


@irdl_op_definition
class BetaincOp(FloatTernaryFunctionOp):
    """I_x(a, b), the regularized incomplete beta function"""

    name = "sj.betainc"


@irdl_op_definition
class BetaincDerAOp(FloatTernaryFunctionOp):
    """dI_x(a, b)/da"""

    name = "sj.betainc_der_a"


@irdl_op_definition
class BetaincDerBOp(FloatTernaryFunctionOp):
    """dI_x(a, b)/db"""

    name = "sj.betainc_der_b"


@irdl_op_definition
class BetaincinvOp(FloatTernaryFunctionOp):
    """The x with I_x(a, b) = y"""

    name = "sj.betaincinv"


@irdl_op_definition
class PolygammaOp(IRDLOperation):
    """The n-th derivative of digamma at x (`sj.polygamma %n, %x : i64, f64`):
    digamma for n = 0, NaN for n < 0; math-polynomial-approximation expands it."""

    name = "sj.polygamma"
    T: ClassVar = VarConstraint("T", AnyFloatConstr)
    n = operand_def(IntegerType)
    x = operand_def(T)
    result = result_def(T)
    traits = traits_def(Pure())
    assembly_format = "$n `,` $x attr-dict `:` type($n) `,` type($result)"

    def __init__(self, n: SSAValue, x: SSAValue):
        super().__init__(operands=[n, x], result_types=[x.type])


@irdl_op_definition
class DotOp(IRDLOperation):
    """Sums of products: lhs (batch..., [m], k...) and rhs (batch..., k...,
    [n]) give (batch..., [m], [n]), summing over the `contract` axes k (1 when
    absent) for each of the `batch` leading axes (0 when absent), where a
    length statically 1 broadcasts. Without batch axes: (k)·(k), (k)·(k,n),
    (m,k)·(k), (m,k)·(k,n)."""

    name = "sj.dot"
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    batch = opt_prop_def(IntegerAttr)
    contract = opt_prop_def(IntegerAttr)
    result = result_def()
    traits = traits_def(Pure())

    def __init__(self, lhs: SSAValue, rhs: SSAValue, result_type: Attribute, batch: int = 0,
                 contract: int = 1):
        props = {}
        if batch:
            props["batch"] = IntegerAttr(batch, i64)
        if contract != 1:
            props["contract"] = IntegerAttr(contract, i64)
        super().__init__(operands=[lhs, rhs], result_types=[result_type], properties=props)

    @property
    def batch_count(self) -> int:
        return 0 if self.batch is None else self.batch.value.data

    @property
    def contract_count(self) -> int:
        return 1 if self.contract is None else self.contract.value.data

    def verify_(self):
        batch, contract = self.batch_count, self.contract_count
        free = [rank(v.type) - batch - contract for v in (self.lhs, self.rhs)]
        if batch < 0 or contract < 0 or any(f not in (0, 1) for f in free):
            raise VerifyException("sj.dot operands have the batch and contracted axes and at most one more")
        if rank(self.result.type) != batch + sum(free):
            raise VerifyException("sj.dot result has the batch axes and the operands' free axes")


@irdl_op_definition
class RowOp(IRDLOperation):
    """Row `index` of a tensor of rank >= 2 (no bounds check: the front end
    emits it)."""

    name = "sj.row"
    source = operand_def(TensorType)
    index = operand_def(IndexType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, index: SSAValue, result_type: Attribute):
        super().__init__(operands=[source, index], result_types=[result_type])

    def verify_(self):
        if rank(self.result.type) != rank(self.source.type) - 1:
            raise VerifyException("sj.row drops the leading dimension")


@irdl_op_definition
class BufferRowOp(IRDLOperation):
    """Row `index` of a row-major buffer of rank >= 2, where it lies: the
    same memory (contiguous, so a buffer of the row's shape): bufferize's
    form of an `sj.row` passed to a product, or of the row an `sj.call` with
    `row` writes (no bounds check: the front end emits the row)."""

    name = "sj.buffer_row"
    source = operand_def(MemRefType)
    index = operand_def(IndexType)
    result = result_def(MemRefType)
    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, index: SSAValue, result_type: Attribute):
        super().__init__(operands=[source, index], result_types=[result_type])

    def verify_(self):
        if self.result.type.get_shape() != self.source.type.get_shape()[1:] or \
                self.result.type.element_type != self.source.type.element_type:
            raise VerifyException("sj.buffer_row drops the leading dimension")


@irdl_op_definition
class DimShuffleOp(IRDLOperation):
    """A view of `source` with its axes reordered; `order[k]` is the source
    axis of result axis k, or -1 for a new axis of length 1."""

    name = "sj.dimshuffle"
    source = operand_def(TensorType)
    order = prop_def(DenseArrayBase)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, order: Sequence[int], result_type: Attribute):
        super().__init__(operands=[source], result_types=[result_type],
                         properties={"order": DenseArrayBase.from_list(i64, order)})

    def verify_(self):
        order = self.order.get_values()
        kept = [a for a in order if a != -1]
        if sorted(kept) != list(range(rank(self.source.type))) or len(order) != rank(self.result.type):
            raise VerifyException("sj.dimshuffle order must use every source axis once")


@irdl_op_definition
class InsertRowOp(IRDLOperation):
    """`dest` with row `index` replaced by `value` (destination-passing: it
    bufferizes in place when `dest` is not used afterwards)."""

    name = "sj.insert_row"
    value = operand_def(TensorType)
    dest = operand_def(TensorType)
    index = operand_def(IndexType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, value: SSAValue, dest: SSAValue, index: SSAValue):
        super().__init__(operands=[value, dest, index], result_types=[dest.type])

    def verify_(self):
        if rank(self.value.type) != rank(self.dest.type) - 1:
            raise VerifyException("sj.insert_row value has one dimension less than dest")


@irdl_op_definition
class SliceOp(IRDLOperation):
    """Rows start, start+step, ... (`count` of them) along the leading axis."""

    name = "sj.slice"
    source = operand_def(TensorType)
    start = operand_def(IndexType)
    step = operand_def(IndexType)
    count = operand_def(IndexType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, source: SSAValue, start: SSAValue, step: SSAValue, count: SSAValue,
                 result_type: Attribute):
        super().__init__(operands=[source, start, step, count], result_types=[result_type])

    def verify_(self):
        if rank(self.result.type) != rank(self.source.type) or \
                element_type(self.result.type) != element_type(self.source.type):
            raise VerifyException("sj.slice keeps the source's rank and element type")


@irdl_op_definition
class ArangeOp(IRDLOperation):
    """`count` elements start, start+step, ... (start and step of the element type)."""

    name = "sj.arange"
    start = operand_def()
    step = operand_def()
    count = operand_def(IndexType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, start: SSAValue, step: SSAValue, count: SSAValue, result_type: Attribute):
        super().__init__(operands=[start, step, count], result_types=[result_type])

    def verify_(self):
        if rank(self.result.type) != 1 or any(
                v.type != element_type(self.result.type) for v in (self.start, self.step)):
            raise VerifyException("sj.arange makes a vector of its start and step type")


@irdl_op_definition
class FillOp(IRDLOperation):
    """A tensor of the given dynamic sizes filled with `value`."""

    name = "sj.fill"
    value = operand_def()
    sizes = var_operand_def(IndexType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, value: SSAValue, sizes: Sequence[SSAValue], result_type: Attribute):
        super().__init__(operands=[value, sizes], result_types=[result_type])

    def verify_(self):
        if len(self.sizes) != sum(1 for s in self.result.type.get_shape() if s < 0):
            raise VerifyException("sj.fill needs one size per dynamic dimension")
        if self.value.type != self.result.type.element_type:
            raise VerifyException("sj.fill's value must be a scalar of the result's element type")


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """A constant tensor."""

    name = "sj.constant"
    value = prop_def(DenseIntOrFPElementsAttr)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, value: DenseIntOrFPElementsAttr):
        super().__init__(properties={"value": value}, result_types=[value.type])


class CheckHasCanonicalizationPatterns(HasCanonicalizationPatternsTrait):
    @classmethod
    def get_canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (CheckTrue(),)


@irdl_op_definition
class CheckOp(IRDLOperation):
    """A run-time check, `cf.assert` with values for its message: when `cond`
    is false the function stops with the error `msg` ("ExceptionClass: text"),
    in which `$k` stands for the k-th of `values` (index or i64: lengths,
    indices; stored where the caller can read them, see abi.py), after
    freeing the buffers `frees`, in their order (set by `free-on-error`)."""

    name = "sj.check"
    cond = operand_def(IntegerType(1))
    values = var_operand_def(base(IndexType) | eq(i64))
    frees = var_operand_def(MemRefType)
    msg = prop_def(StringAttr)
    traits = traits_def(CheckHasCanonicalizationPatterns())
    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    assembly_format = ("$cond `,` $msg (`(` $values^ `:` type($values) `)`)? "
                       "(`frees` `(` $frees^ `:` type($frees) `)`)? attr-dict")

    def __init__(self, cond: SSAValue, msg: str, values: Sequence[SSAValue] = (),
                 frees: Sequence[SSAValue] = ()):
        super().__init__(operands=[cond, values, frees], properties={"msg": StringAttr(msg)})

    def verify_(self):
        if placeholder_count(self.msg.data) > len(self.values):
            raise VerifyException(f"sj.check message refers to {placeholder_count(self.msg.data)} "
                                  f"values but has {len(self.values)}")


class CheckTrue(RewritePattern):
    """A check of a constant true condition never fails: erase it."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: CheckOp, rewriter: PatternRewriter, /):
        owner = op.cond.owner
        if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr) \
                and owner.value.value.data:
            rewriter.erase(op)


@irdl_op_definition
class CallOp(IRDLOperation):
    """A call of the C function `callee` (bound by the JIT, e.g. NumPy's
    random distributions). Tensor arguments are passed as buffers; those at
    the positions in `writes` are written by the callee and come back updated
    as the first results, followed by the callee's scalar result if any.
    With `row` (a position in `args`), the callee writes only row
    `args[row]` of the (one) written tensor, and is given that row where it
    lies, not the index (a product computed into a scan's state row)."""

    name = "sj.call"
    callee = prop_def(StringAttr)
    args = var_operand_def()
    writes = prop_def(DenseArrayBase)
    row = opt_prop_def(IntegerAttr)
    res = var_result_def()

    def __init__(self, callee: str, args: Sequence[SSAValue], writes: Sequence[int],
                 scalar_result: Attribute | None = None, row: int | None = None):
        result_types = [args[k].type for k in writes] + ([scalar_result] if scalar_result else [])
        properties = {"callee": StringAttr(callee), "writes": DenseArrayBase.from_list(i64, writes)}
        if row is not None:
            properties["row"] = IntegerAttr(row, i64)
        super().__init__(operands=[args], result_types=[result_types], properties=properties)

    @property
    def written_row(self) -> SSAValue | None:
        """The index of the row the callee writes, if it writes one row."""
        return None if self.row is None else self.args[self.row.value.data]

    def verify_(self):
        writes = self.writes.get_values()
        if any(not isinstance(self.args[k].type, TensorType) for k in writes):
            raise VerifyException("sj.call writes only tensor arguments")
        if any(r.type != self.args[k].type for r, k in zip(self.res, writes)):
            raise VerifyException("sj.call results start with the written tensors")
        if self.row is not None and not (
                len(writes) == 1 and 0 <= self.row.value.data < len(self.args)
                and isinstance(self.written_row.type, IndexType) and rank(self.args[writes[0]].type) >= 2):
            raise VerifyException("sj.call writes a row (an index argument) of its one written tensor of rank >= 2")


@irdl_op_definition
class ParallelForOp(IRDLOperation):
    """Run `func.func @callee(%lo, %hi, captures...)`, a loop over [lo, hi)
    whose iterations are independent, in parts of at least `grain` iterations
    on the runtime's threads (`outline-parallel-loops` creates it;
    `convert-parallel-to-llvm` lowers it to `scanjit_parallel_for`). When a
    part fails, the caller frees the buffers `frees` (set by `free-on-error`)
    and returns the part's status."""

    name = "sj.parallel_for"
    callee = prop_def(SymbolRefAttr)
    lower = operand_def(IndexType)
    upper = operand_def(IndexType)
    grain = operand_def(IndexType)
    captures = var_operand_def()
    frees = var_operand_def(MemRefType)

    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    assembly_format = ("$callee `(` $lower `,` $upper `)` `grain` $grain `captures` `(` $captures `)` "
                       "(`frees` `(` $frees^ `:` type($frees) `)`)? attr-dict `:` type($captures)")

    def __init__(self, callee: str, lower: SSAValue, upper: SSAValue, grain: SSAValue,
                 captures: Sequence[SSAValue], frees: Sequence[SSAValue] = ()):
        super().__init__(operands=[lower, upper, grain, captures, frees],
                         properties={"callee": SymbolRefAttr(callee)})


SJ = Dialect(
    "sj",
    [MapOp, YieldOp, ReduceOp, ArgmaxOp, CumulativeOp, DotOp, RowOp, BufferRowOp, DimShuffleOp, InsertRowOp, SliceOp,
     ArangeOp, FillOp, ConstantOp, CheckOp, CallOp, ParallelForOp, SigmoidOp, SoftplusOp, ErfcOp,
     ErfinvOp, TgammaOp, BesselJ0Op, BesselJ1Op, LgammaOp, DigammaOp, TrigammaOp, PolygammaOp, GammaincOp,
     GammainccOp, GammaincDerOp, GammaincinvOp, GammainccinvOp, BetaincOp, BetaincDerAOp, BetaincDerBOp,
     BetaincinvOp],
)
