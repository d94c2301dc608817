"""Emission of random draws as `sj.call`s of NumPy's C distributions (the
multinomial's: `scanjit_multinomial`, src/scanjit/native.py), with the
argument checks NumPy's Generator methods make (and the same messages)."""

from __future__ import annotations

from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import DYNAMIC_INDEX, TensorType, f64, i1
from xdsl.ir import SSAValue

from scanjit.dialects import sj
from scanjit.emit.emitter import Emitter, emits
from scanjit.emit.scalar import ELEMENT_TYPES, ir_type
from scanjit.tensor.random import RandomVariable

# binomial_t, NumPy's scratch space for binomial draws: 16 doubles and ints.
BINOMIAL_SCRATCH = TensorType(f64, [16])


@emits(RandomVariable)
def emit_random(e: Emitter, node) -> list[SSAValue]:
    op = node.op
    rng, *params = [e.value(v) for v in node.inputs]
    sample = node.outputs[1]
    draw = {"multinomial": multinomial, "uniform": uniform, "normal": normal,
            "integers": integers}[op.distribution]
    return [rng, draw(e, rng, params, sample)]


def multinomial(e: Emitter, rng, params, sample) -> SSAValue:
    n, p = params
    e.check(e.cmp(n, e.const(0, "int64"), "sge"), "ValueError: n < 0")
    d = e.dim(p, 0)
    e.check(e.cmp(d, e.index(0), "sgt"), "ValueError: pvals must have at least 1 element")
    in_unit, head_sum = pvals_in_unit_and_head_sum(e, p, d)
    e.check(in_unit, "ValueError: pvals < 0, pvals > 1 or pvals contains NaNs")
    e.check(e.emit(arith.CmpfOp(head_sum, e.const(1.0 + 1e-12, "float64"), "ole")),
            "ValueError: sum(pvals[:-1]) > 1.0")
    counts_type = ir_type(sample.type)
    dynamic = [d] if counts_type.get_shape()[0] < 0 else []
    counts = e.emit(sj.FillOp(e.const(0, "int64"), dynamic, counts_type))
    scratch = e.emit(sj.FillOp(e.const(0.0, "float64"), [], BINOMIAL_SCRATCH))
    d_i64 = e.emit(arith.IndexCastOp(d, ELEMENT_TYPES["int64"]))
    call = e.emit(sj.CallOp("scanjit_multinomial", [rng, n, counts, p, d_i64, scratch], [2, 5]))
    return call.results[0]


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


def scalar_draws(e: Emitter, sample, draw_one) -> SSAValue:
    """One scalar draw, or a tensor of draws in C order (as NumPy fills `size`)."""
    if sample.ndim == 0:
        return draw_one(e)
    t = ir_type(sample.type)
    out = e.emit(tensor.EmptyOp([], t))
    dims = [e.index(s) for s in t.get_shape()]
    return e.loop_nest(dims, [out], lambda ib, ivs, acc: [
        ib.emit(tensor.InsertOp(draw_one(ib), acc[0], ivs))])[0]


def uniform(e: Emitter, rng, params, sample) -> SSAValue:
    low, high = params
    span = e.emit(arith.SubfOp(high, low))
    finite = e.emit(arith.CmpfOp(e.emit(arith.SubfOp(span, span)), e.const(0.0, "float64"), "oeq"))
    e.check(finite, "OverflowError: high - low range exceeds valid bounds")
    e.check(e.emit(arith.CmpfOp(span, e.const(0.0, "float64"), "oge")), "ValueError: rng < 0")
    return scalar_draws(e, sample, lambda b: b.emit(
        sj.CallOp("random_uniform", [rng, low, span], [], f64)))


def normal(e: Emitter, rng, params, sample) -> SSAValue:
    loc, scale = params
    e.check(e.emit(arith.CmpfOp(scale, e.const(0.0, "float64"), "oge")), "ValueError: scale < 0")
    return scalar_draws(e, sample, lambda b: b.emit(
        sj.CallOp("random_normal", [rng, loc, scale], [], f64)))


def integers(e: Emitter, rng, params, sample) -> SSAValue:
    """`random_bounded_uint64_fill` over the whole sample, as NumPy calls it."""
    low, high = params
    e.check(e.cmp(low, high, "slt"), "ValueError: low >= high")
    span = e.emit(arith.SubiOp(e.emit(arith.SubiOp(high, low)), e.const(1, "int64")))
    shape = sample.type.shape or (1,)
    count = 1
    for s in shape:
        count *= s
    out_type = TensorType(ELEMENT_TYPES["int64"], [DYNAMIC_INDEX if s is None else s for s in shape])
    out = e.emit(tensor.EmptyOp([], out_type))
    masked = e.emit(arith.ConstantOp.from_int_and_width(0, i1))
    filled = e.emit(sj.CallOp("random_bounded_uint64_fill",
                              [rng, low, span, e.const(count, "int64"), masked, out], [5]))
    if sample.ndim:
        return filled
    return e.emit(tensor.ExtractOp(filled, [e.index(0)], ELEMENT_TYPES["int64"]))
