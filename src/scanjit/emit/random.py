"""Emission of random draws: `sj.call`s of NumPy's C distributions, one per
value in NumPy's order, and of scanjit's own (runtime/*.ll) for what NumPy
writes in Cython, after the checks NumPy's Generator methods make, with
their messages (in the order of the Ops' `perform`, scanjit/tensor/random/op.py:
broadcasting first)."""

from __future__ import annotations

import functools
import math

import numpy as np
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, TensorType, f64, i1
from xdsl.ir import SSAValue

from scanjit.dialects import sj
from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.scalar import ELEMENT_TYPES, convert, elemwise, from_index, ir_type, to_index
from scanjit.emit.tensor import cast_tensor
from scanjit.graph import TensorType as GraphType
from scanjit.graph import Variable
from scanjit.passes.support.builder import empty_like_dims
from scanjit.tensor.basic import broadcast_lengths, broadcast_shape, sized_axes
from scanjit.tensor.elemwise import SCALARS
from scanjit.tensor.random.op import (
    POISSON_LAM_MAX, SCALAR_PARAMS, CategoricalRV, ChoiceRV, DirichletRV, IntegersRV, MultinomialRV, Param,
    PermutationRV, ScalarParamsRV, broadcast_pairs, evaluate, mismatch, operands_mismatch, remapped_mismatch,
    static_shapes, tuple_text,
)

I64 = ELEMENT_TYPES["int64"]
# binomial_t, NumPy's scratch space for binomial draws: 16 doubles and ints.
BINOMIAL_SCRATCH = TensorType(f64, [16])


# -- shapes --------------------------------------------------------------------

def dims_of(e: Emitter, value: SSAValue, ndim: int) -> list[SSAValue]:
    return [e.dim(value, k) for k in range(ndim)]


def shape_texts(statics, shapes) -> tuple[list[list[str]], list[SSAValue]]:
    """The shapes as text for a message: static lengths written out, the
    others `$k`, standing for the values returned."""
    texts, values = [], []
    for static, dims in zip(statics, shapes):
        texts.append([])
        for s, d in zip(static, dims):
            if s is None:
                texts[-1].append(f"${len(values)}")
                values.append(d)
            else:
                texts[-1].append(str(s))
    return texts, values


def check_broadcast(e: Emitter, statics, shapes, message=mismatch, ones=()) -> None:
    """The lengths `broadcast_pairs` names agree, or NumPy's error; a length
    of the arrays numbered in `ones` also passes at run time where it is 1."""
    texts, values = shape_texts(statics, shapes)
    for i, k, j, l in broadcast_pairs(statics):
        ok = e.cmp(shapes[i][k], shapes[j][l], "eq")
        if i in ones:
            ok = e.emit(arith.OrIOp(ok, e.cmp(shapes[i][k], e.index(1), "eq")))
        e.check(ok, "ValueError: " + message(texts, i, j), values)


def check_output_size(e: Emitter, size: tuple[int | None, ...], size_dims, statics, shapes) -> None:
    """NumPy's check that the parameters' broadcast is `size`: where size
    has length 1, so must the parameters."""
    static, dims, fits = [], [], []
    for axis, at in enumerate(sized_axes([size, *statics])):
        params = [(i, k) for i, k in at if i > 0]
        if params and size[axis] in (1, None):  # size's length (maybe) 1, a parameter's not statically
            i, k = params[0][0] - 1, params[0][1]
            static.append(statics[i][k])
            dims.append(shapes[i][k])
            fits.append(e.cmp(shapes[i][k], e.index(1), "eq"))
            if size[axis] is None:
                fits[-1] = e.emit(arith.OrIOp(fits[-1], e.cmp(size_dims[axis], e.index(1), "ne")))
        else:
            static.append(size[axis])
            dims.append(size_dims[axis])
    if fits:
        (size_text, broadcast), values = shape_texts([size, static], [size_dims, dims])
        e.check(functools.reduce(lambda a, b: e.emit(arith.AndIOp(a, b)), fits),
                f"ValueError: Output size {tuple_text(size_text)} is not compatible "
                f"with broadcast dimensions of inputs {tuple_text(broadcast)}.", values)


def check_rows_fit(e: Emitter, size: tuple, dims: list[SSAValue], static: tuple, shape: list[SSAValue]) -> None:
    """`np.broadcast_to`'s check of rows (static shape `static`, lengths
    `shape`) to size (its lengths `dims`) and their length: size's lengths never broadcast."""
    check_broadcast(e, [(None,) * len(size) + static[-1:], static], [[*dims, shape[-1]], shape], remapped_mismatch)


def size_dims(e: Emitter, node) -> list[SSAValue]:
    """The lengths of the draws' `size`, after NumPy's check that none is negative."""
    op = node.op
    if not op.lengths:
        return [e.index(s) for s in op.size]
    dims = []
    for var in op.split(node.inputs)[2]:
        n = e.value(var)
        e.check(e.cmp(n, e.const(0, "int64"), "sge"),
                f"ValueError: negative dimensions are not allowed ({op.name}'s size {var.label()} is $0)", [n])
        dims.append(to_index(e.emit, n))
    return dims


def inputs(e: Emitter, node) -> tuple[SSAValue, list[SSAValue], list[Variable]]:
    """The generator's value, the parameters' values and variables."""
    rng, params, _ = node.op.split(node.inputs)
    return e.value(rng), [e.value(v) for v in params], params


def element(e: Emitter, value: SSAValue, static: tuple, ivs: list[SSAValue]) -> SSAValue:
    """The element of a broadcast parameter at position `ivs` (0 on its axes
    of static length 1); a scalar is itself."""
    if not static:
        return value
    first = len(ivs) - len(static)
    index = [e.index(0) if s == 1 else ivs[first + k] for k, s in enumerate(static)]
    return e.emit(tensor.ExtractOp(value, index, value.type.element_type))


def row_start(e: Emitter, static: tuple, dims: list[SSAValue], ivs: list[SSAValue],
              length: SSAValue) -> SSAValue:
    """Where row `ivs` (0 on axes of static length 1) of a C-order batch of
    rows of `length` starts, as an i64."""
    first, linear = len(ivs) - len(static), e.index(0)
    for k, (s, n) in enumerate(zip(static, dims)):
        i = e.index(0) if s == 1 else ivs[first + k]
        linear = e.emit(arith.AddiOp(e.emit(arith.MuliOp(linear, n)), i))
    return from_index(e.emit, e.emit(arith.MuliOp(linear, length)))


def fill(e: Emitter, sample: Variable, dims: list[SSAValue], carried: list[SSAValue], draw) -> SSAValue:
    """The sample, `draw(ivs, carried) -> (value, carried)` per element in C order."""
    if sample.ndim == 0:
        return draw([], carried)[0]

    def body(_, ivs, acc):
        value, rest = draw(ivs, acc[1:])
        return [e.emit(tensor.InsertOp(value, acc[0], ivs)), *rest]

    out = empty_like_dims(e, ir_type(sample.type), dims)
    return e.loop_nest(dims, [out, *carried], body)[0]


# -- the checks of the parameters' values ----------------------------------------

def _cmp(e: Emitter, x: SSAValue, constant: float, predicate: str) -> SSAValue:
    return e.emit(arith.CmpfOp(x, e.const(constant, "float64"), predicate))


def _not_negative(e: Emitter, x: SSAValue) -> SSAValue:
    """NumPy's CONS_NON_NEGATIVE: NaN, or the sign bit clear (-0.0 fails)."""
    bits = e.emit(arith.BitcastOp(x, I64))
    return e.emit(arith.OrIOp(e.emit(arith.CmpfOp(x, x, "uno")), e.cmp(bits, e.const(0, "int64"), "sge")))


def _finite(e: Emitter, x: SSAValue) -> SSAValue:
    return e.emit(arith.CmpfOp(e.emit(arith.SubfOp(x, x)), e.const(0.0, "float64"), "oeq"))


def _in_unit(e: Emitter, x: SSAValue) -> SSAValue:
    return e.emit(arith.AndIOp(_cmp(e, x, 0.0, "oge"), _cmp(e, x, 1.0, "ole")))


def _in_half_open_unit(e: Emitter, x: SSAValue) -> SSAValue:
    return e.emit(arith.AndIOp(_cmp(e, x, 0.0, "ogt"), _cmp(e, x, 1.0, "ole")))


def _lam_not_too_large(e: Emitter, x: SSAValue) -> SSAValue:
    return _cmp(e, x, POISSON_LAM_MAX, "ole")


def _lam_not_negative(e: Emitter, x: SSAValue) -> SSAValue:
    return _cmp(e, x, 0.0, "oge")


# NumPy's constraints: (scalar checks, array checks), each (ok, message)
# with `{0}` the parameter's name, in NumPy's order (each over the whole array).
CONSTRAINTS = {
    "non_negative": ([(_not_negative, "ValueError: {0} < 0")],) * 2,
    "positive": ([(lambda e, x: _cmp(e, x, 0.0, "ugt"), "ValueError: {0} <= 0")],) * 2,
    "bounded_0_1": ([(_in_unit, "ValueError: {0} < 0, {0} > 1 or {0} is NaN")],
                    [(_in_unit, "ValueError: {0} < 0, {0} > 1 or {0} contains NaNs")]),
    "bounded_gt_0_1": ([(_in_half_open_unit, "ValueError: {0} <= 0, {0} > 1 or {0} contains NaNs")],) * 2,
    "poisson": ([(_lam_not_negative, "ValueError: {0} < 0 or {0} is NaN"),
                 (_lam_not_too_large, "ValueError: {0} value too large")],
                [(_lam_not_too_large, "ValueError: {0} value too large"),
                 (_lam_not_negative, "ValueError: {0} < 0 or {0} contains NaNs")]),
    # uniform's high - low
    "range": ([(_finite, "OverflowError: high - low range exceeds valid bounds"),
               (_not_negative, "ValueError: {0} < 0")],
              [(_finite, "OverflowError: Range exceeds valid bounds"),
               (_not_negative, "ValueError: {0} < 0")]),
}


def check_values(e: Emitter, value: SSAValue, dtype: str, ndim: int, checks, name: str) -> None:
    """Each check over every element of `value` (as doubles), in order."""
    def oks(x: SSAValue) -> list[SSAValue]:
        x = convert(e.emit, x, dtype, "float64")
        return [ok(e, x) for ok, _ in checks]

    def all_of(_, ivs, acc):
        x = e.emit(tensor.ExtractOp(value, ivs, value.type.element_type))
        return [e.emit(arith.AndIOp(a, ok)) for a, ok in zip(acc, oks(x))]

    if ndim == 0:
        results = oks(value)
    else:
        results = e.loop_nest(dims_of(e, value, ndim), [e.const(True, "bool")] * len(checks), all_of)
    for ok, (_, message) in zip(results, checks):
        e.check(ok, message.format(name))


# -- distributions of scalar parameters ------------------------------------------

@emits(ScalarParamsRV)
def emit_scalar_params(e: Emitter, node) -> list[SSAValue]:
    op, spec = node.op, SCALAR_PARAMS[node.op.name]
    rng, values, _ = inputs(e, node)
    statics = static_shapes(node)
    shapes = [dims_of(e, v, len(s)) for v, s in zip(values, statics)]
    arrays = any(statics)  # NumPy's array path (else its scalar one, with other messages)
    params = spec.params
    if op.name == "uniform":
        values, statics, shapes = uniform_span(e, values, statics, shapes)
        params = (Param("low"), Param("high - low", constraint="range"))
    if op.size is None:
        check_broadcast(e, statics, shapes)
        dims = broadcast_lengths(statics, shapes, e.index(1))
    else:
        dims = size_dims(e, node)
        check_broadcast(e, [op.size, *statics], [dims, *shapes], ones=[0])  # NumPy's: size's 1s broadcast
    check_expressions(e, spec, values, statics, shapes)
    for value, static, param in zip(values, statics, params):
        if param.constraint:
            checks = CONSTRAINTS[param.constraint][arrays]
            check_values(e, value, param.dtype, len(static), checks, param.name)
    if op.size is not None:
        check_output_size(e, op.size, dims, statics, shapes)
    return [rng, draws(e, node.outputs[1], dims, rng, spec, values, statics)]


def uniform_span(e: Emitter, values, statics, shapes):
    """NumPy's uniform draws from (low, high - low), broadcast: after its
    check that high and low broadcast together."""
    (low, high), (low_static, high_static), (low_dims, high_dims) = values, statics, shapes
    check_broadcast(e, [high_static, low_static], [high_dims, low_dims], operands_mismatch)
    static = broadcast_shape([GraphType("float64", high_static), GraphType("float64", low_static)])
    dims = broadcast_lengths([high_static, low_static], [high_dims, low_dims], e.index(1))

    def span(ivs):
        return e.emit(arith.SubfOp(element(e, high, high_static, ivs), element(e, low, low_static, ivs)))

    if not static:
        return [low, span([])], [low_static, ()], [low_dims, []]
    out = empty_like_dims(e, TensorType(f64, [DYNAMIC_INDEX if s is None else s for s in static]), dims)
    spans = e.loop_nest(dims, [out], lambda _, ivs, acc: [e.emit(tensor.InsertOp(span(ivs), acc[0], ivs))])[0]
    return [low, spans], [low_static, static], [low_dims, dims]


def expression(e: Emitter, expr, leaves: dict[str, tuple[SSAValue, str]]) -> tuple[SSAValue, str]:
    """`evaluate` in compiled code, on (value, dtype) pairs: each scalar op in
    the dtype SCALARS gives it, numbers in their operands' (else float64)."""
    def apply(name: str, operands: list) -> tuple[SSAValue, str]:
        dtype = next((d for x in operands if isinstance(x, tuple) and (d := x[1]) != "bool"), "float64")
        operands = [x if isinstance(x, tuple) else (e.const(x, dtype), dtype) for x in operands]
        in_dtypes = [d for _, d in operands]
        out = SCALARS[name].dtype(in_dtypes)
        return elemwise(e.emit, name, [v for v, _ in operands], in_dtypes, out), out

    return evaluate(expr, leaves, apply)


def parameters_at(e: Emitter, spec, values, statics, ivs) -> dict[str, tuple[SSAValue, str]]:
    return {p.name: (element(e, v, s, ivs), p.dtype) for p, v, s in zip(spec.params, values, statics)}


def check_expressions(e: Emitter, spec, values, statics, shapes) -> None:
    """spec's checks, each over every element of the parameters broadcast together."""
    dims = broadcast_lengths(statics, shapes, e.index(1))
    for expr, message in spec.checks:
        def fails(ivs: list[SSAValue]) -> SSAValue:
            return expression(e, expr, parameters_at(e, spec, values, statics, ivs))[0]

        failed = e.loop_nest(dims, [e.const(False, "bool")],
                             lambda _, ivs, acc: [e.emit(arith.OrIOp(acc[0], fails(ivs)))])[0] if dims else fails([])
        e.check(e.emit(arith.XOrIOp(failed, e.const(True, "bool"))), f"ValueError: {message}")


def draws(e: Emitter, sample: Variable, dims, rng, spec, values, statics) -> SSAValue:
    """One call of NumPy's C function per element, on its arguments there
    (the parameters' elements, or spec's args of them), transformed by spec."""
    result = "float64" if spec.kind == "float" else "int64"
    scratch = [e.emit(sj.FillOp(e.const(0.0, "float64"), [], BINOMIAL_SCRATCH))] \
        if spec.function == "random_binomial" else []

    def draw(ivs, carried):
        leaves = parameters_at(e, spec, values, statics, ivs)
        args = [leaves[p.name] for p in spec.params] if spec.args is None else \
            [expression(e, a, leaves) for a in spec.args]
        args = [rng, *(v for v, _ in args), *carried]
        *written, value = e.call(spec.function, args, range(len(args) - len(carried), len(args)),
                                 ELEMENT_TYPES[result])
        value, dtype = expression(e, spec.transform, {**leaves, "z": (value, result)})
        return convert(e.emit, value, dtype, sample.dtype), written

    return fill(e, sample, dims, scratch, draw)


# -- categorical, choice, permutation, dirichlet ---------------------------------

def cumulative_sums(e: Emitter, p: SSAValue, dtype: str, dims: list[SSAValue]) -> SSAValue:
    """NumPy's cumsum along the last axis (in p's dtype, from -0.0 so that
    the first is p's own), as doubles."""
    out = empty_like_dims(e, TensorType(f64, p.type.get_shape()), dims)

    def row(_, ivs, acc):
        def step(_, j, carried):
            x = e.emit(tensor.ExtractOp(p, [*ivs, j], p.type.element_type))
            total = e.emit(arith.AddfOp(carried[0], x))
            as_double = convert(e.emit, total, dtype, "float64")
            return [total, e.emit(tensor.InsertOp(as_double, carried[1], [*ivs, j]))]
        return [e.loop(dims[-1], [e.const(-0.0, dtype), acc[0]], step)[1]]

    return e.loop_nest(dims[:-1], [out], row)[0]


@emits(CategoricalRV)
def emit_categorical(e: Emitter, node) -> list[SSAValue]:
    op, (rng, (p,), (p_var,)) = node.op, inputs(e, node)
    batch = p_var.type.shape[:-1]
    p_dims = dims_of(e, p, p_var.ndim)
    dims = p_dims[:-1]
    if op.size is not None:
        sized = size_dims(e, node)
        for s, b, length, n in zip(reversed(op.size), reversed(batch), reversed(dims), reversed(sized)):
            if s in (1, None) and b != 1:  # a length 1 of size takes only a length 1 of p's batch
                fits = e.cmp(length, e.index(1), "eq")
                if s is None:
                    fits = e.emit(arith.OrIOp(fits, e.cmp(n, e.index(1), "ne")))
                e.check(fits, "ValueError: `size` is incompatible with the shape of `p`")
        check_broadcast(e, [batch, op.size], [dims, sized])
        dims = sized
    cdf = cumulative_sums(e, p, p_var.dtype, p_dims)
    d = from_index(e.emit, p_dims[-1])

    def draw(ivs, _):
        (u,) = e.call("random_uniform", [rng, e.const(0.0, "float64"), e.const(1.0, "float64")], result=f64)
        start = row_start(e, batch, p_dims[:-1], ivs, p_dims[-1])
        (k,) = e.call("scanjit_searchsorted_float64", [cdf, start, d, u, e.const(False, "bool")], result=I64)
        return convert(e.emit, k, "int64", node.outputs[1].dtype), []

    return [rng, fill(e, node.outputs[1], dims, [], draw)]


@emits(ChoiceRV)
def emit_choice(e: Emitter, node) -> list[SSAValue]:
    op = node.op
    rng, a, *p = [e.value(v) for v in node.inputs]
    a_var = node.inputs[1]
    count = math.prod(op.size or ())
    pop = population(e, a, a_var, op.size)
    if op.has_p:
        p = probabilities(e, p[0], node.inputs[2], pop)
    if not op.replace:
        e.check(e.cmp(e.index(count), pop, "sle"),
                "ValueError: Cannot take a larger sample than population when replace is False")
    if op.has_p and not op.replace:
        e.check(e.cmp(nonzero(e, p), e.index(count), "sge"),
                "ValueError: Fewer non-zero entries in p than size")
    idx_type = TensorType(I64, list(op.size) if op.size is not None else [1])
    sample = (choose_with_p if op.has_p else choose)(e, op.replace, rng, pop, p, count, idx_type)
    return [rng, take(e, a_var, a, sample, node.outputs[1])]


def population(e: Emitter, a: SSAValue, a_var: Variable, size) -> SSAValue:
    """choice's population, an index, after NumPy's checks of a."""
    some = size is None or math.prod(size) != 0
    if a_var.ndim:
        pop = e.dim(a, 0)
        if some:
            e.check(e.cmp(pop, e.index(0), "ne"), "ValueError: a cannot be empty unless no samples are taken")
        return pop
    pop = to_index(e.emit, convert(e.emit, a, a_var.dtype, "int64"))
    if some:
        e.check(e.cmp(pop, e.index(0), "sgt"),
                "ValueError: a must be a positive integer unless no samples are taken")
    return pop


def probabilities(e: Emitter, p: SSAValue, p_var: Variable, pop: SSAValue) -> SSAValue:
    """choice's p as doubles, after NumPy's checks: its length, then its
    (compensated) sum NaN, a negative value, the sum 1 within sqrt(eps) of p's dtype."""
    d = e.dim(p, 0)
    e.check(e.cmp(d, pop, "eq"), "ValueError: a and p must have same size")
    p = cast_tensor(e, p, p_var.dtype, "float64")

    def kahan(_, i, acc):
        total, compensation = acc
        y = e.emit(arith.SubfOp(e.emit(tensor.ExtractOp(p, [i], f64)), compensation))
        t = e.emit(arith.AddfOp(total, y))
        return [t, e.emit(arith.SubfOp(e.emit(arith.SubfOp(t, total)), y))]

    total = e.loop(d, [e.const(0.0, "float64")] * 2, kahan)[0]
    e.check(e.emit(arith.CmpfOp(total, total, "ord")), "ValueError: Probabilities contain NaN")
    check_values(e, p, "float64", 1, [(lambda e, x: _cmp(e, x, 0.0, "uge"),
                                       "ValueError: Probabilities are not non-negative")], "p")
    atol = max(np.sqrt(np.finfo(np.float64).eps), np.sqrt(np.finfo(p_var.dtype).eps))
    off = e.emit(arith.SubfOp(total, e.const(1.0, "float64")))
    e.check(e.emit(arith.AndIOp(_cmp(e, off, -atol, "oge"), _cmp(e, off, atol, "ole"))),
            "ValueError: Probabilities do not sum to 1. See Notes section of docstring for more information.")
    return p


def nonzero(e: Emitter, p: SSAValue) -> SSAValue:
    """How many p > 0, an index."""
    return e.loop(e.dim(p, 0), [e.index(0)], lambda _, i, acc: [e.emit(arith.AddiOp(acc[0], e.select(
        _cmp(e, e.emit(tensor.ExtractOp(p, [i], f64)), 0.0, "ogt"), e.index(1), e.index(0))))])[0]


def choose(e: Emitter, replace: bool, rng, pop: SSAValue, _, count: int, idx_type) -> SSAValue:
    """choice's indices without p: NumPy's integers(0, pop) (with
    replacement), else scanjit_choice (Floyd's algorithm, or a shuffle's tail
    for more than 1/50 of a population over 10000)."""
    pop64 = from_index(e.emit, pop)
    out = e.emit(tensor.EmptyOp([], idx_type))
    if replace:
        return bounded_fill(e, rng, e.const(0, "int64"), e.emit(arith.SubiOp(pop64, e.const(1, "int64"))),
                            e.const(count, "int64"), out) if count else out
    mask = floyd_mask(count)
    tail = e.emit(arith.AndIOp(e.cmp(pop, e.index(10000), "sgt"),
                               e.cmp(e.index(count), e.emit(arith.DivSIOp(pop, e.index(50))), "sgt")))
    length = e.select(tail, pop, e.index(mask + 1))
    scratch = e.emit(tensor.EmptyOp([length], TensorType(I64, [DYNAMIC_INDEX])))
    return e.call("scanjit_choice", [rng, pop64, e.const(count, "int64"), tail, e.const(mask, "int64"),
                                      out, scratch], [5, 6])[0]


def floyd_mask(count: int) -> int:
    """The mask of NumPy's hash set for Floyd's algorithm drawing `count`
    values: the smallest 2**k - 1 at least int(1.2 * count) (its _gen_mask)."""
    mask = int(1.2 * count)
    for shift in (1, 2, 4, 8, 16, 32):
        mask |= mask >> shift
    return mask


def choose_with_p(e: Emitter, replace: bool, rng, pop: SSAValue, p: SSAValue, count: int,
                  idx_type) -> SSAValue:
    """choice's indices with p: with replacement, per index a double looked
    up in cumsum(p) / its last value; else scanjit_choice_p."""
    d = from_index(e.emit, e.dim(p, 0))
    if not replace:
        doubles = TensorType(f64, [DYNAMIC_INDEX])
        cdf, x = (e.emit(tensor.EmptyOp([n], doubles)) for n in (e.dim(p, 0), e.index(count)))
        out = e.emit(tensor.EmptyOp([], idx_type))
        return e.call("scanjit_choice_p", [rng, p, d, e.const(count, "int64"), cdf, x, out], [1, 4, 5, 6])[3]
    sums = cumulative_sums(e, p, "float64", [e.dim(p, 0)])
    last = e.emit(tensor.ExtractOp(sums, [e.emit(arith.SubiOp(e.dim(p, 0), e.index(1)))], f64))
    cdf = e.map([sums, last], sums.type, lambda xs: e.emit(arith.DivfOp(xs[0], xs[1])))

    def draw(_, ivs, acc):
        (u,) = e.call("random_standard_uniform", [rng], result=f64)
        right = e.const(True, "bool")
        (k,) = e.call("scanjit_searchsorted_float64", [cdf, e.const(0, "int64"), d, u, right], result=I64)
        return [e.emit(tensor.InsertOp(k, acc[0], ivs))]

    out = e.emit(tensor.EmptyOp([], idx_type))
    return e.loop_nest([e.index(s) for s in idx_type.get_shape()], [out], draw)[0]


def take(e: Emitter, a_var: Variable, a: SSAValue, idx: SSAValue, sample: Variable) -> SSAValue:
    """The sample of indices `idx`: themselves for an integer a (in the
    sample's dtype), else a's rows at them."""
    if a_var.ndim == 0 and sample.ndim:
        return cast_tensor(e, idx, "int64", sample.dtype)
    leading = sample.ndim - max(a_var.ndim - 1, 0)
    rows = dims_of(e, a, a_var.ndim)[1:]

    def draw(ivs, _):
        i = e.emit(tensor.ExtractOp(idx, ivs[:leading] or [e.index(0)], I64))
        if a_var.ndim == 0:
            return convert(e.emit, i, "int64", sample.dtype), []
        return e.emit(tensor.ExtractOp(a, [to_index(e.emit, i), *ivs[leading:]], a.type.element_type)), []

    return fill(e, sample, [e.dim(idx, k) for k in range(leading)] + rows, [], draw)


@emits(PermutationRV)
def emit_permutation(e: Emitter, node) -> list[SSAValue]:
    (rng, x), x_var = [e.value(v) for v in node.inputs], node.inputs[1]
    if x_var.ndim:
        n = e.dim(x, 0)
    else:
        n = e.emit(arith.MaxSIOp(to_index(e.emit, convert(e.emit, x, x_var.dtype, "int64")), e.index(0)))
    idx = e.emit(tensor.EmptyOp([n], TensorType(I64, [DYNAMIC_INDEX])))
    idx = e.call("scanjit_permutation", [rng, from_index(e.emit, n), idx], [2])[0]
    return [rng, take(e, x_var, x, idx, node.outputs[1])]


@emits(DirichletRV)
def emit_dirichlet(e: Emitter, node) -> list[SSAValue]:
    op, (rng, (alpha,), (alpha_var,)) = node.op, inputs(e, node)
    static = alpha_var.type.shape
    alpha_dims = dims_of(e, alpha, alpha_var.ndim)
    k = alpha_dims[-1]
    check_values(e, alpha, "float64", alpha_var.ndim, [(lambda e, x: _cmp(e, x, 0.0, "uge"),
                                                         "ValueError: alpha < 0")], "alpha")
    batch, dims = static[:-1], alpha_dims[:-1]
    if op.size is not None:
        batch, dims = op.size, size_dims(e, node)
        check_rows_fit(e, batch, dims, static, alpha_dims)
    out_type = TensorType(f64, [DYNAMIC_INDEX if s is None else s for s in (*batch, static[-1])])
    out = e.emit(sj.FillOp(e.const(0.0, "float64"), [n for n, s in zip([*dims, k], out_type.get_shape())
                                                       if s < 0], out_type))
    csum = e.emit(tensor.EmptyOp([k], TensorType(f64, [DYNAMIC_INDEX])))
    k64 = from_index(e.emit, k)

    def vector(_, ivs, acc):
        starts = [row_start(e, static[:-1], alpha_dims[:-1], ivs, k), row_start(e, batch, dims, ivs, k)]
        args = [rng, alpha, starts[0], k64, acc[1], acc[0], starts[1]]
        csum, out = e.call("scanjit_dirichlet", args, [4, 5])
        return [out, csum]

    samples = e.loop_nest(dims, [out, csum], vector)[0]
    return [rng, cast_tensor(e, samples, "float64", node.outputs[1].dtype)]


# -- multinomial, integers ---------------------------------------------------------

@emits(MultinomialRV)
def emit_multinomial(e: Emitter, node) -> list[SSAValue]:
    op, (rng, (n, p), (n_var, p_var)) = node.op, inputs(e, node)
    scratch = e.emit(sj.FillOp(e.const(0.0, "float64"), [], BINOMIAL_SCRATCH))
    if not op.batched(node):
        counts_type = ir_type(node.outputs[1].type)
        counts = multinomial_draw(e, rng, n, p, counts_type, scratch)
        return [rng, cast_tensor(e, counts, "int64", node.outputs[1].dtype)]
    (n_static, p_static), n_dims, p_dims = static_shapes(node), dims_of(e, n, n_var.ndim), dims_of(e, p, p_var.ndim)
    d = p_dims[-1]
    if op.size is None:
        check_broadcast(e, [n_static, p_static[:-1]], [n_dims, p_dims[:-1]])
        batch = broadcast_shape([n_var.type, GraphType("float64", p_static[:-1])])
        dims = broadcast_lengths([n_static, p_static[:-1]], [n_dims, p_dims[:-1]], e.index(1))
    else:  # size's lengths never broadcast (np.broadcast_to)
        batch, dims = op.size, size_dims(e, node)
        check_broadcast(e, [(None,) * len(batch), n_static], [dims, n_dims], remapped_mismatch)
        check_rows_fit(e, batch, dims, p_static, p_dims)
    row_type = TensorType(f64, [DYNAMIC_INDEX])
    out = e.emit(sj.FillOp(e.const(0, "int64"), dims + [d], TensorType(I64, [DYNAMIC_INDEX] * (len(dims) + 1))))

    def draw(_, ivs, acc):
        row = e.loop(d, [e.emit(tensor.EmptyOp([d], row_type))],
                     lambda _, j, r: [e.emit(tensor.InsertOp(element(e, p, p_static, [*ivs, j]), r[0], [j]))])[0]
        counts = multinomial_draw(e, rng, element(e, n, n_static, ivs), row, TensorType(I64, [DYNAMIC_INDEX]),
                                  acc[1])
        return [e.loop(d, [acc[0]], lambda _, j, o: [e.emit(tensor.InsertOp(
            e.emit(tensor.ExtractOp(counts, [j], I64)), o[0], [*ivs, j]))])[0], acc[1]]

    samples = e.loop_nest(dims, [out, scratch], draw)[0]
    return [rng, cast_tensor(e, samples, "int64", node.outputs[1].dtype)]


def multinomial_draw(e: Emitter, rng, n: SSAValue, p: SSAValue, counts_type, scratch) -> SSAValue:
    """One draw of NumPy's multinomial(n, p) for a vector p, after its checks."""
    e.check(e.cmp(n, e.const(0, "int64"), "sge"), "ValueError: n < 0")
    d = e.dim(p, 0)
    e.check(e.cmp(d, e.index(0), "sgt"), "ValueError: pvals must have at least 1 element")
    in_unit, head_sum = pvals_in_unit_and_head_sum(e, p, d)
    e.check(in_unit, "ValueError: pvals < 0, pvals > 1 or pvals contains NaNs")
    e.check(e.emit(arith.CmpfOp(head_sum, e.const(1.0 + 1e-12, "float64"), "ole")),
            "ValueError: sum(pvals[:-1]) > 1.0")
    dynamic = [d] if counts_type.get_shape()[0] < 0 else []
    counts = e.emit(sj.FillOp(e.const(0, "int64"), dynamic, counts_type))
    d_i64 = e.emit(arith.IndexCastOp(d, I64))
    return e.call("scanjit_multinomial", [rng, n, counts, p, d_i64, scratch], [2, 5])[0]


LANES = 8


def pvals_in_unit_and_head_sum(e: Emitter, p: SSAValue, d: SSAValue) -> tuple[SSAValue, SSAValue]:
    """Whether every p[j] is in [0, 1] (false for nan), and p[0] + ... + p[d - 2],
    in one pass without a branch: LANES partial sums (a vector register), then
    the rest. The sum is for the check only, which compares with a tolerance
    of 1e-12: NumPy sums with Kahan's method; this order and NumPy's differ
    from the exact sum by far less than the tolerance."""
    def in_unit(v: SSAValue) -> SSAValue:
        return e.emit(arith.AndIOp(e.emit(arith.CmpfOp(v, e.const(0.0, "float64"), "oge")),
                                   e.emit(arith.CmpfOp(v, e.const(1.0, "float64"), "ole"))))

    def add(j: SSAValue, ok: SSAValue, total: SSAValue) -> list[SSAValue]:
        v = e.emit(tensor.ExtractOp(p, [j], f64))
        return [e.emit(arith.AndIOp(ok, in_unit(v))), e.emit(arith.AddfOp(total, v))]

    head = e.emit(arith.SubiOp(d, e.index(1)))
    lanes = e.index(LANES)
    blocks = e.emit(arith.DivUIOp(head, lanes))

    def block(_, b, acc):
        first = e.emit(arith.MuliOp(b, lanes))
        updated = [add(e.emit(arith.AddiOp(first, e.index(lane))), ok, total)
                   for lane, (ok, total) in enumerate(zip(acc[::2], acc[1::2]))]
        return [value for pair in updated for value in pair]

    partial = e.loop(blocks, [e.const(True, "bool"), e.const(0.0, "float64")] * LANES, block)
    oks, sums = partial[::2], partial[1::2]
    while len(sums) > 1:
        oks = [e.emit(arith.AndIOp(a, b)) for a, b in zip(oks[::2], oks[1::2])]
        sums = [e.emit(arith.AddfOp(a, b)) for a, b in zip(sums[::2], sums[1::2])]
    done = e.emit(arith.MuliOp(blocks, lanes))
    ok, total = e.loop(e.emit(arith.SubiOp(head, done)), [oks[0], sums[0]],
                       lambda _, r, acc: add(e.emit(arith.AddiOp(done, r)), *acc))
    last = e.emit(tensor.ExtractOp(p, [head], f64))
    return e.emit(arith.AndIOp(ok, in_unit(last))), total


@emits(IntegersRV)
def emit_integers(e: Emitter, node) -> list[SSAValue]:
    """`random_bounded_uint64_fill` over the whole sample, as NumPy calls it."""
    rng, (low, high), _ = inputs(e, node)
    sample = node.outputs[1]
    dims = size_dims(e, node) if node.op.size is not None else []
    e.check(e.cmp(low, high, "slt"), "ValueError: low >= high")
    span = e.emit(arith.SubiOp(e.emit(arith.SubiOp(high, low)), e.const(1, "int64")))
    shape = sample.type.shape or (1,)
    out = e.emit(tensor.EmptyOp([n for n, s in zip(dims, shape) if s is None],
                                TensorType(I64, [DYNAMIC_INDEX if s is None else s for s in shape])))
    count = functools.reduce(lambda a, b: e.emit(arith.MuliOp(a, b)), dims, e.index(1))
    filled = bounded_fill(e, rng, low, span, from_index(e.emit, count), out)
    if sample.ndim:
        return [rng, cast_tensor(e, filled, "int64", sample.dtype)]
    return [rng, convert(e.emit, e.emit(tensor.ExtractOp(filled, [e.index(0)], I64)), "int64", sample.dtype)]


def bounded_fill(e: Emitter, rng, low: SSAValue, span: SSAValue, count: SSAValue, out: SSAValue) -> SSAValue:
    """`out`'s first `count` (an i64) filled with NumPy's draws of low + [0, span],
    unmasked (Lemire's)."""
    masked = e.emit(arith.ConstantOp.from_int_and_width(0, i1))
    args = [rng, low, span, count, masked, out]
    return e.call("random_bounded_uint64_fill", args, [5])[0]
