"""`math-polynomial-approximation`: `math.exp`, `math.tanh`, `math.powf` /
`math.fpowi`, `math.log1p`, `math.expm1`, `sj.sigmoid` and `sj.softplus` as
arith code; `sj.erfinv`, `sj.digamma` and `sj.trigamma`, which libm lacks, as
arith code around libm calls (erf, erfc; tan; sin); `sj.polygamma` as loops
in blocks (n!, the Hurwitz zeta's terms), and `sj.gammainc`, `sj.gammaincc`,
`sj.gammainc_der` and the inverses `sj.gammaincinv`, `sj.gammainccinv` as the
loops of scanjit.incomplete_gamma (a series, a continued fraction, Halley's
steps), `sj.betainc`, its derivatives and its inverse `sj.betaincinv` as
scanjit.incomplete_beta's continued fraction and Newton's steps; loops which
do not vectorize.

libm's functions are calls, and a loop with a call in it does not vectorize.
This pass (named after MLIR's) rewrites them into straight-line, branch-free
arith: range reduction, polynomials, a few values carried in two doubles, and
selects for the special cases, which LLVM vectorizes like any other
elementwise loop. Each expansion is emitted once per module, as an internal
`llvm.func @scanjit_<name>` of f64 arguments called where the op was: the
passes after this one see it once, not once per use (a step with 75 tanh
went from 8500 to 1800 ops), and the JIT marks it `alwaysinline`, so the
code LLVM optimizes is the same as inline expansions.

Accuracy, measured against extended-precision values over millions of inputs
(`tests/test_math_approximation.py`): `exp` within 0.75 ulp, `pow` within 0.62
(NumPy's own: 0.72 and 0.69), `tanh` within 1.5 (glibc's is 1.9 ulp off at
0.2254), `log1p` 0.51, `expm1` 0.57, sigmoid and softplus 0.75, `erfinv` 1.2,
`digamma` 0.6 and `trigamma` 0.6 above 0. inf, nan, signed zeros, overflow and C99's special
cases of `pow` are exact; subnormal results may round twice. f32 is computed
in f64 and rounded.

* exp(hi + lo) = 2^k exp(r), k = round(hi / ln 2), r = hi + lo - k ln 2 in two
  doubles (ln 2 in two parts, so k ln 2 is exact), |r| <= ln(2)/2; exp(r) is
  its Taylor polynomial of degree 13 (truncation error below 2^-57), summed so
  that only the last addition rounds by more than 0.1 ulp. 2^k is applied as
  two factors 2^(k/2) and 2^(k - k/2), so that large and small k do not overflow.
* tanh(x) = sign(x) * e / (e + 2), e = expm1(2|x|) = 2^k (expm1(r) + 1 - 2^-k)
  with the same reduction above 2|x| = 1 and a degree-19 polynomial below; the
  division is corrected by its exact remainder over e + 2 in f32 (good to
  2^-24, where a second f64 division costs more). |x| >= 22 gives 1, |x| < 2^-28 x.
* Polynomials (`FloatBuilder.polynomial`) are evaluated by Estrin's scheme,
  not Horner's: the chain of dependent operations is log2 of the degree long,
  so a vectorized loop overlaps more of its work (tanh took 20% less time,
  exp 17%, softplus 17%, pow 9%, psi 4%).
* pow(x, y) = exp(y log|x|): log|x| (see `log_dd`) and the product in two
  doubles, so that y log|x| is good to 2^-64 relative; then the sign of an odd
  integer power and the special cases.
* log1p(x) = log(s) + t - t^2/2, s + s t = 1 + x; expm1 as tanh's e, with r's
  low part and 1 - 2^-k in two doubles; sigmoid and softplus from exp(-|x|)
  in two doubles (see `exp_minus_abs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from math import factorial

from xdsl.context import Context
from xdsl.dialects import arith, builtin, cf, llvm, math
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, UnitAttr, f32, f64, i1, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
)

from scanjit.dialects import sj
from scanjit.dialects.abi import ALWAYS_INLINE
from scanjit.passes.support.builder import Builder
from scanjit import incomplete_gamma as gamma_inc
from scanjit.zeta_constants import ZETA_DUMMY, ZETA_SHIFT, ZETA_TAIL

LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01  # ln 2 with 32 trailing zero bits: k * LN2_HI is exact
LN2_LO = 1.90821492927058770002e-10
SQRT2 = 1.4142135623730951
TWO_THIRDS = (0.6666666666666666, 3.700743415417188e-17)  # 2/3 as high + low
WINITZKI_A = 0.147  # erfinv(t) ~ sqrt(sqrt(c^2 + w / a) - c), c = 2 / (pi a) - w / 2, w = -log(1 - t^2)
WINITZKI_C = 4.330746750799873  # 2 / (pi a)
TWO_OVER_SQRT_PI = 1.1283791670955126
HALF_SQRT_PI = (0.886226925452758, -3.8332932499128993e-17)  # sqrt(pi) / 2 as high + low
PI = 3.141592653589793
DIGAMMA_SHIFT = 10  # psi(y) from psi(y + m), y + m >= 10
DIGAMMA_ASYMPTOTIC = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12, -3617 / 8160,
                      43867 / 14364, -174611 / 6600, 854513 / 3036)  # B_2k / 2k, k <= 11
DIGAMMA_ROOT = (1.4616321449683622, 9.549995429965697e-17)  # psi's positive zero, as high + low
DIGAMMA_SLOPE_LOW = -3.387874303038943e-17  # psi'(root) - DIGAMMA_ROOT_SERIES[0]
DIGAMMA_ROOT_SERIES = (  # psi^(n)(root) / n!, n = 1 ... 11
    0.9676722454476212, -0.4427631689835921, 0.258499760955651, -0.16394270544240652,
    0.10782405069126237, -0.07219956125645471, 0.04880428816414311, -0.03316112647484736,
    0.022597648232218104, -0.01542476590494896, 0.010538791616612175)
TRIGAMMA_ASYMPTOTIC = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
                       43867 / 798, -174611 / 330, 854513 / 138)  # B_2k, k <= 11
SHIFTER = 1.5 * 2.0**52  # adding it rounds to an integer, kept in the low mantissa bits


def taylor(degree: int, first: int = 2) -> list[float]:
    """expm1's Taylor coefficients 1/first!, ..., 1/degree!."""
    return [1.0 / factorial(n) for n in range(first, degree + 1)]


class FloatBuilder(Builder):
    """Builds arith/math ops computing a result from f64 values into the
    blocks of a function, each constant once (in the entry block: a constant
    first used past a loop's header goes in front of the entry's branch)."""

    def __init__(self, entry: Block):
        super().__init__(entry)
        self.entry = entry
        self.constants: dict[str | int, SSAValue] = {}

    def _constant(self, key: str | int, op: arith.ConstantOp) -> SSAValue:
        if key not in self.constants:
            if self.block is self.entry:
                self.entry.add_op(op)
            else:
                self.entry.insert_op_before(op, self.entry.last_op)
            self.constants[key] = op.result
        return self.constants[key]

    def f(self, value: float) -> SSAValue:
        return self._constant(value.hex(), arith.ConstantOp(FloatAttr(value, f64)))

    def i(self, value: int) -> SSAValue:
        return self._constant(value, arith.ConstantOp(IntegerAttr(value, i64)))

    def flag(self, value: bool) -> SSAValue:
        return self._constant(str(value), arith.ConstantOp(IntegerAttr(int(value), i1)))

    def loop(self, values: list[SSAValue], keep_going: Callable[[list[SSAValue]], SSAValue],
             step: Callable[[list[SSAValue]], list[SSAValue]]) -> list[SSAValue]:
        """`while keep_going(values): values = step(values)` as blocks (a
        header testing, a body, then the block the builder goes on in); the
        values when it ends."""
        region = self.block.parent
        header = Block(arg_types=[v.type for v in values])
        body, after = Block(), Block()
        region.add_block(header)
        region.add_block(body)
        region.add_block(after)
        self.emit(cf.BranchOp(header, *values))
        self.block = header
        current = list(header.args)
        self.emit(cf.ConditionalBranchOp(keep_going(current), body, [], after, []))
        self.block = body
        self.emit(cf.BranchOp(header, *step(current)))
        self.block = after
        return current

    def fcmp(self, a: SSAValue, b: SSAValue, pred: str) -> SSAValue:
        return self.emit(arith.CmpfOp(a, b, pred))

    def fma(self, a: SSAValue, b: SSAValue, c: SSAValue) -> SSAValue:
        return self.emit(math.FmaOp(a, b, c))

    def pow2(self, k: SSAValue) -> SSAValue:
        """2.0 ** k for an integer k in the normal exponent range."""
        biased = self.emit(arith.AddiOp(k, self.i(1023)))
        return self.emit(arith.BitcastOp(self.emit(arith.ShLIOp(biased, self.i(52))), f64))

    def reduce(self, x: SSAValue, low: SSAValue) -> tuple[SSAValue, SSAValue, SSAValue]:
        """k (i64) = round(x / ln 2) and x + low - k ln 2 as x - k LN2_HI (exact)
        plus low - k LN2_LO, for |x| < 2^20."""
        shifted = self.fma(x, self.f(LOG2E), self.f(SHIFTER))
        minus_k = self.emit(arith.SubfOp(self.f(SHIFTER), shifted))
        bits = self.emit(arith.BitcastOp(shifted, i64))
        k = self.emit(arith.SubiOp(bits, self.i(0x4338000000000000)))  # bits of SHIFTER
        return k, self.fma(minus_k, self.f(LN2_HI), x), self.fma(minus_k, self.f(LN2_LO), low)

    def two_sum(self, a: SSAValue, b: SSAValue) -> tuple[SSAValue, SSAValue]:
        """s + err == a + b exactly (Knuth's TwoSum)."""
        s = self.emit(arith.AddfOp(a, b))
        b_part = self.emit(arith.SubfOp(s, a))
        a_part = self.emit(arith.SubfOp(s, b_part))
        a_err = self.emit(arith.SubfOp(a, a_part))
        b_err = self.emit(arith.SubfOp(b, b_part))
        return s, self.emit(arith.AddfOp(a_err, b_err))

    def two_product(self, a: SSAValue, b: SSAValue) -> tuple[SSAValue, SSAValue]:
        """p + err == a * b exactly."""
        p = self.emit(arith.MulfOp(a, b))
        return p, self.fma(a, b, self.emit(arith.NegfOp(p)))

    def mulf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(arith.MulfOp(a, b))

    def subf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(arith.SubfOp(a, b))

    def divf(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.emit(arith.DivfOp(a, b))

    def both(self, p: SSAValue, q: SSAValue) -> SSAValue:
        return self.emit(arith.AndIOp(p, q))

    def either(self, p: SSAValue, q: SSAValue) -> SSAValue:
        return self.emit(arith.OrIOp(p, q))

    def negation(self, p: SSAValue) -> SSAValue:
        return self.emit(arith.XOrIOp(p, self.flag(True)))

    def clamp(self, x: SSAValue, bound: SSAValue) -> SSAValue:
        """x limited to [-bound, bound]."""
        return self.emit(arith.MinimumfOp(self.emit(arith.MaximumfOp(x, self.emit(arith.NegfOp(bound)))), bound))

    def away_from_zero(self, value: SSAValue, derivative: SSAValue) -> tuple[SSAValue, SSAValue]:
        """Lentz's guard: a denominator below TINY in magnitude becomes TINY
        (and its derivative 0), as scanjit.incomplete_gamma's away_from_zero."""
        small = self.fcmp(self.emit(math.AbsFOp(value)), self.f(gamma_inc.TINY), "olt")
        return self.select(small, self.f(gamma_inc.TINY), value), self.select(small, self.f(0.0), derivative)

    def addf(self, *terms: SSAValue) -> SSAValue:
        total = terms[0]
        for t in terms[1:]:
            total = self.emit(arith.AddfOp(total, t))
        return total

    def divide(self, n: SSAValue, d: SSAValue, d_low: SSAValue, n_low: SSAValue | None = None) -> SSAValue:
        """(n + n_low) / (d + d_low) for 1 <= d < 2^127: q = n / d corrected
        by its exact remainder (a few ulps of q at most) times 1/d in f32,
        which is good to 2^-24: cheaper than a second f64 division, which
        cost a vectorized tanh more than the rest of its arithmetic."""
        q = self.emit(arith.DivfOp(n, d))
        minus_q = self.emit(arith.NegfOp(q))
        rem = self.fma(minus_q, d_low, self.fma(minus_q, d, n))
        if n_low is not None:
            rem = self.addf(rem, n_low)
        one = self._constant("f32 1", arith.ConstantOp(FloatAttr(1.0, f32)))
        inverse = self.emit(arith.DivfOp(one, self.emit(arith.TruncFOp(d, f32))))
        return self.emit(arith.AddfOp(q, self.mulf(rem, self.emit(arith.ExtFOp(inverse, f64)))))

    def one_minus(self, x: SSAValue) -> SSAValue:
        return self.emit(arith.SubfOp(self.f(1.0), x))

    def polynomial(self, x: SSAValue, coefficients: Sequence[float]) -> SSAValue:
        """c0 + c1 x + c2 x^2 + ... by Estrin's scheme: pairs c + c' x, then
        pairs of those with x^2, x^4, ..., a chain of dependent operations
        log2(degree) long, not degree as by Horner's (a vectorized tanh took
        20% less time)."""
        terms = [self.f(c) for c in coefficients]
        power = x
        while len(terms) > 1:
            terms = [self.fma(terms[i + 1], power, terms[i]) if i + 1 < len(terms) else terms[i]
                     for i in range(0, len(terms), 2)]
            power = self.mulf(power, power) if len(terms) > 1 else power
        return terms[0]

    def taylor_tail(self, r: SSAValue, degree: int, first: int = 2) -> SSAValue:
        """1/first! + r/(first+1)! + ... + r^(degree-first)/degree!."""
        return self.polynomial(r, taylor(degree, first))

    def expm1_taylor(self, r: SSAValue, degree: int) -> SSAValue:
        """expm1(r) to degree `degree`: r + r^2 (1/2! + r/3! + ...)."""
        return self.fma(self.mulf(r, r), self.taylor_tail(r, degree), r)


def exp_parts(b: FloatBuilder, hi: SSAValue, lo: SSAValue) -> tuple[SSAValue, SSAValue, SSAValue]:
    """exp(hi + lo) = 2^k (one_plus + tail), |tail| < one_plus / 10, for
    |lo| <= ulp(hi), hi in [-746, 710]: exp(r1 + r2) = 1 + r1 + r1^2 q(r1) +
    r2 (1 + r1) with 1 + r1 kept exact, so that only the last addition rounds
    by more than 0.1 ulp."""
    k, r_high, r_low = b.reduce(hi, lo)
    r1, r2 = b.two_sum(r_high, r_low)
    one_plus = b.addf(b.f(1.0), r1)
    one_plus_low = b.addf(b.one_minus(one_plus), r1)  # 1 + r1 == one_plus + low
    tail = b.fma(b.mulf(r1, r1), b.taylor_tail(r1, 13), b.fma(r2, one_plus, one_plus_low))
    return one_plus, tail, k


def scale(b: FloatBuilder, p: SSAValue, k: SSAValue) -> SSAValue:
    """p 2^k for k in [-1076, 1024], as two factors 2^(k/2) and 2^(k - k/2),
    so that large and small k do not overflow: only the second can round."""
    half = b.emit(arith.ShRSIOp(k, b.i(1)))
    scaled = b.mulf(p, b.pow2(half))
    return b.mulf(scaled, b.pow2(b.emit(arith.SubiOp(k, half))))


def exp_dd(b: FloatBuilder, hi: SSAValue, lo: SSAValue) -> SSAValue:
    """exp(hi + lo) (see `exp_parts`)."""
    one_plus, tail, k = exp_parts(b, hi, lo)
    return scale(b, b.addf(one_plus, tail), k)


def exp_minus_abs(b: FloatBuilder, x: SSAValue) -> tuple[SSAValue, SSAValue]:
    """exp(-|x|) as two doubles, for x not NaN (0 below e^-746)."""
    a = b.emit(math.AbsFOp(x))
    reduced = b.emit(arith.NegfOp(b.select(b.fcmp(a, b.f(746.0), "olt"), a, b.f(746.0))))
    one_plus, tail, k = exp_parts(b, reduced, b.f(0.0))
    high = b.addf(one_plus, tail)
    low = b.emit(arith.SubfOp(tail, b.emit(arith.SubfOp(high, one_plus))))  # exact: |tail| < one_plus
    return scale(b, high, k), scale(b, low, k)


def exp(b: FloatBuilder, x: SSAValue) -> SSAValue:
    high = b.select(b.fcmp(x, b.f(710.0), "olt"), x, b.f(710.0))  # exp(710) overflows
    clamped = b.select(b.fcmp(high, b.f(-746.0), "ogt"), high, b.f(-746.0))  # and -746 gives 0
    return b.select(b.fcmp(x, x, "ord"), exp_dd(b, clamped, b.f(0.0)), x)


def tanh(b: FloatBuilder, x: SSAValue) -> SSAValue:
    a = b.emit(math.AbsFOp(x))
    large = b.f(22.0)  # tanh(22) rounds to 1
    moderate = b.fcmp(a, large, "olt")
    y = b.addf(a, a)
    k, r_high, r_low = b.reduce(b.select(moderate, y, large), b.f(0.0))
    # Below 1, expm1(y) directly: reducing would cancel in expm1(r) + 1 - 2^-k.
    small = b.fcmp(y, b.f(1.0), "olt")
    k = b.emit(arith.SelectOp(small, b.i(0), k))
    r = b.select(small, y, b.addf(r_high, r_low))
    one_minus = b.one_minus(b.pow2(b.emit(arith.SubiOp(b.i(0), k))))
    e = b.mulf(b.addf(b.expm1_taylor(r, 19), one_minus), b.pow2(k))
    t = b.select(moderate, b.divide(e, *b.two_sum(e, b.f(2.0))), b.f(1.0))
    t = b.select(b.fcmp(a, b.f(2.0**-28), "olt"), a, t)
    signed = b.emit(math.CopySignOp(t, x))
    return b.select(b.fcmp(x, x, "ord"), signed, x)


def log_dd(b: FloatBuilder, a: SSAValue) -> tuple[SSAValue, SSAValue]:
    """log(a) as hi + lo, for finite a > 0, with a relative error near 2^-64.

    a = 2^e m with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m - 1) / (m + 1),
    |s| <= 0.172: 2s + 2s^3/3 carried in two doubles, the rest (1% of 2s^3/3) in one."""
    tiny = b.fcmp(a, b.f(2.0**-1022), "olt")  # subnormal: scale to normal first
    scaled = b.select(tiny, b.mulf(a, b.f(2.0**54)), a)
    bits = b.emit(arith.BitcastOp(scaled, i64))
    exponent = b.emit(arith.SubiOp(b.emit(arith.ShRUIOp(bits, b.i(52))), b.i(1023)))
    exponent = b.emit(arith.SubiOp(exponent, b.emit(arith.SelectOp(tiny, b.i(54), b.i(0)))))
    fraction = b.emit(arith.OrIOp(b.emit(arith.AndIOp(bits, b.i((1 << 52) - 1))), b.i(1023 << 52)))
    m = b.emit(arith.BitcastOp(fraction, f64))  # in [1, 2)
    above = b.fcmp(m, b.f(SQRT2), "ogt")
    m = b.select(above, b.mulf(m, b.f(0.5)), m)
    exponent = b.emit(arith.SelectOp(above, b.emit(arith.AddiOp(exponent, b.i(1))), exponent))

    f = b.emit(arith.SubfOp(m, b.f(1.0)))  # exact
    d_high = b.addf(b.f(2.0), f)
    d_low = b.addf(b.emit(arith.SubfOp(b.f(2.0), d_high)), f)  # 2 + f == d_high + d_low
    inverse = b.emit(arith.DivfOp(b.f(1.0), d_high))  # one division: s_low corrects s_high
    s_high = b.mulf(f, inverse)
    minus_s = b.emit(arith.NegfOp(s_high))
    s_low = b.mulf(b.fma(minus_s, d_low, b.fma(minus_s, d_high, f)), inverse)

    # s^3 = s_high^3 + 3 s_high^2 s_low, as two doubles
    sq_high, sq_low = b.two_product(s_high, s_high)
    cube_high, cube_low = b.two_product(s_high, sq_high)
    cube_low = b.addf(cube_low, b.mulf(s_high, sq_low), b.mulf(b.mulf(b.f(3.0), sq_high), s_low))
    term3_high, term3_low = b.two_product(b.f(TWO_THIRDS[0]), cube_high)
    term3_low = b.addf(term3_low, b.mulf(b.f(TWO_THIRDS[0]), cube_low),
                       b.mulf(b.f(TWO_THIRDS[1]), cube_high))
    # 2s^5/5 + 2s^7/7 + ... = s^5 (2/5 + 2z/7 + ...), z = s^2 <= 0.0295
    z = sq_high
    series = b.polynomial(z, [2.0 / n for n in range(5, 29, 2)])
    rest = b.mulf(b.mulf(b.mulf(s_high, z), z), series)

    high, low = b.two_sum(b.mulf(s_high, b.f(2.0)), term3_high)
    low = b.addf(low, b.mulf(s_low, b.f(2.0)), term3_low, rest)
    e = b.emit(arith.SIToFPOp(exponent, f64))
    high, low2 = b.two_sum(b.mulf(e, b.f(LN2_HI)), high)  # e * LN2_HI is exact
    return b.two_sum(high, b.addf(low2, low, b.mulf(e, b.f(LN2_LO))))


def log1p_dd(b: FloatBuilder, x: SSAValue, x_low: SSAValue) -> tuple[SSAValue, SSAValue]:
    """log(1 + x + x_low) as two doubles, for 1 + x > 0 finite and |x_low| <=
    ulp(x): 1 + x + x_low = s + t s exactly in three doubles (t in two:
    the result can be as small as t), and log(s + t s) = log(s) + t - t^2/2
    (to 2^-150)."""
    s, s_low = b.two_sum(b.f(1.0), x)
    s_low, s_low2 = b.two_sum(s_low, x_low)
    inverse = b.emit(arith.DivfOp(b.f(1.0), s))  # one division: t_low corrects t
    t = b.mulf(s_low, inverse)
    t_low = b.mulf(b.addf(b.fma(b.emit(arith.NegfOp(t)), s, s_low), s_low2), inverse)
    high, low = log_dd(b, s)
    high, err = b.two_sum(high, t)
    return high, b.addf(low, err, t_low, b.mulf(b.mulf(t, t), b.f(-0.5)))


def log1p(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """log(1 + x): -1 gives -inf, below -1 NaN; +-0 and NaN are themselves."""
    inf, zero = b.f(float("inf")), b.f(0.0)
    regular = b.emit(arith.AndIOp(b.fcmp(x, b.f(-1.0), "ogt"), b.fcmp(x, inf, "olt")))
    high, low = log1p_dd(b, b.select(regular, x, zero), zero)
    result = b.addf(high, low)
    result = b.select(b.fcmp(x, b.f(-1.0), "oeq"), b.f(float("-inf")), result)
    result = b.select(b.fcmp(x, b.f(-1.0), "olt"), b.f(float("nan")), result)
    result = b.select(b.fcmp(x, inf, "oeq"), inf, result)
    return b.select(b.fcmp(x, zero, "one"), result, x)  # also NaN


def expm1(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """exp(x) - 1 = 2^k (expm1(r) + 1 - 2^-k), x = k ln 2 + r, |r| <= ln(2)/2:
    expm1(r) = r + r^2/2 + r^3 q(r) (q of degree 12) carried in two doubles
    with r_low (1 + expm1(r)), then added to 1 - 2^-k, which cancels up to two
    bits. Below -40 it is -1, below 2^-54 in magnitude x (so +-0, subnormals
    and NaN are themselves)."""
    clamped = b.select(b.fcmp(x, b.f(-40.0), "ogt"), x, b.f(-40.0))
    clamped = b.select(b.fcmp(clamped, b.f(710.0), "olt"), clamped, b.f(710.0))
    k, r_high, r_low = b.reduce(clamped, b.f(0.0))
    r, r2 = b.two_sum(r_high, r_low)
    square, square_low = b.two_product(r, r)
    cubic = b.mulf(b.mulf(r, square), b.taylor_tail(r, 15, first=3))
    p, err = b.two_sum(r, b.mulf(square, b.f(0.5)))
    p, err2 = b.two_sum(p, cubic)
    p_low = b.addf(err, err2, b.mulf(square_low, b.f(0.5)), b.mulf(r2, b.addf(b.f(1.0), p)))
    minus_k = b.emit(arith.MaxSIOp(b.emit(arith.SubiOp(b.i(0), k)), b.i(-60)))
    c, c_low = b.two_sum(b.f(1.0), b.emit(arith.NegfOp(b.pow2(minus_k))))
    total, err3 = b.two_sum(c, p)
    result = scale(b, b.addf(total, b.addf(err3, p_low, c_low)), k)
    result = b.select(b.fcmp(x, b.f(-40.0), "olt"), b.f(-1.0), result)
    tiny = b.fcmp(b.emit(math.AbsFOp(x)), b.f(2.0**-54), "olt")
    return b.select(b.emit(arith.OrIOp(tiny, b.fcmp(x, x, "uno"))), x, result)


def sigmoid(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """1 / (1 + e) for x >= 0, e / (1 + e) below, e = exp(-|x|) in two
    doubles: one division corrected by its remainder."""
    e, e_low = exp_minus_abs(b, x)
    d, d_low = b.two_sum(b.f(1.0), e)
    d_low = b.addf(d_low, e_low)
    positive = b.fcmp(x, b.f(0.0), "oge")
    n = b.select(positive, b.f(1.0), e)
    result = b.divide(n, d, d_low, b.select(positive, b.f(0.0), e_low))
    return b.select(b.fcmp(x, x, "ord"), result, x)


def softplus(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), both terms in two
    doubles and added once; x itself above 40 (exp(-x) < ulp(x) / 2) and
    for NaN."""
    e, e_low = exp_minus_abs(b, x)
    high, low = log1p_dd(b, e, e_low)
    larger = b.select(b.fcmp(x, b.f(0.0), "ogt"), x, b.f(0.0))
    total, err = b.two_sum(larger, high)
    result = b.addf(total, b.addf(err, low))
    return b.select(b.fcmp(x, b.f(40.0), "ole"), result, x)


def erfinv(b: FloatBuilder, t: SSAValue) -> SSAValue:
    """The y with erf(y) = t: Winitzki's closed form (within 0.2%), then
    three Halley steps y -= f / (f' + y f) on f = erf(y) - |t|, computed as
    (1 - |t|) - erfc(y) above 1/2 (1 - |t| is exact there), so that the
    residual keeps its precision up to |t| = 1 - 2^-53; libm's erf and erfc.
    The unused one of the two gets 0, which both return at once. Below
    2^-28, sqrt(pi)/2 t in two doubles."""
    a = b.emit(math.AbsFOp(t))
    inside = b.fcmp(a, b.f(1.0), "olt")
    a_in = b.select(inside, a, b.f(0.5))
    one_minus = b.one_minus(a_in)
    w = b.emit(arith.NegfOp(b.emit(math.LogOp(b.mulf(one_minus, b.addf(b.f(1.0), a_in))))))
    c = b.fma(w, b.f(-0.5), b.f(WINITZKI_C))
    y = b.emit(math.SqrtOp(b.emit(arith.SubfOp(
        b.emit(math.SqrtOp(b.fma(c, c, b.mulf(w, b.f(1 / WINITZKI_A))))), c))))
    small = b.fcmp(a_in, b.f(0.5), "ole")
    for _ in range(3):
        below = b.emit(arith.SubfOp(b.emit(math.ErfOp(b.select(small, y, b.f(0.0)))), a_in))
        above = b.emit(arith.SubfOp(one_minus, b.emit(sj.ErfcOp(b.select(small, b.f(0.0), y)))))
        f = b.select(small, below, above)
        derivative = b.mulf(b.f(TWO_OVER_SQRT_PI), exp(b, b.emit(arith.NegfOp(b.mulf(y, y)))))
        y = b.emit(arith.SubfOp(y, b.emit(arith.DivfOp(f, b.fma(y, f, derivative)))))
    y = b.select(b.fcmp(a, b.f(2.0**-28), "olt"), b.fma(b.f(HALF_SQRT_PI[0]), a, b.mulf(b.f(HALF_SQRT_PI[1]), a)), y)
    y = b.select(inside, y, b.select(b.fcmp(a, b.f(1.0), "oeq"), b.f(float("inf")), b.f(float("nan"))))
    return b.select(b.fcmp(t, t, "ord"), b.emit(math.CopySignOp(y, t)), t)


def reciprocal_dd(b: FloatBuilder, s: SSAValue, s_low: SSAValue) -> tuple[SSAValue, SSAValue]:
    """1 / (s + s_low) as two doubles, for |s_low| <= ulp(s)."""
    r = b.emit(arith.DivfOp(b.f(1.0), s))
    minus_r = b.emit(arith.NegfOp(r))
    return r, b.mulf(b.fma(minus_r, s_low, b.fma(minus_r, s, b.f(1.0))), r)  # 1 - r s is exact


def digamma_positive(b: FloatBuilder, y: SSAValue) -> SSAValue:
    """psi(y) for y > 0: psi(z) - sum of 1 / (y + i) for i < m, z = y + m >= 10
    (at most 10 terms), psi(z) = log z - 1/(2z) - sum of B_2k / (2k z^2k) for
    k <= 11; the sum and the leading terms in two doubles (they cancel near
    the zero at 1.46 to a result of 1/64 of them); nearer to it, psi's Taylor
    series there; below 2^-54, -1/y."""
    total, total_low, m = b.f(0.0), b.f(0.0), b.f(0.0)
    for i in range(DIGAMMA_SHIFT):
        used = b.fcmp(b.addf(y, b.f(float(i))), b.f(float(DIGAMMA_SHIFT)), "olt")
        r, r_low = reciprocal_dd(b, *b.two_sum(y, b.f(float(i))))
        total, err = b.two_sum(total, b.select(used, r, b.f(0.0)))
        total_low = b.addf(total_low, err, b.select(used, r_low, b.f(0.0)))
        m = b.addf(m, b.select(used, b.f(1.0), b.f(0.0)))
    z, z_low = b.two_sum(y, m)
    log_high, log_low = log_dd(b, z)
    inverse, inverse_low = reciprocal_dd(b, z, z_low)
    w = b.mulf(inverse, inverse)
    series = b.polynomial(w, DIGAMMA_ASYMPTOTIC)
    high, err = b.two_sum(log_high, b.mulf(inverse, b.f(-0.5)))
    high, err2 = b.two_sum(high, b.emit(arith.NegfOp(total)))
    low = b.addf(log_low, b.emit(arith.DivfOp(z_low, z)), b.mulf(inverse_low, b.f(-0.5)), err, err2,
                 b.emit(arith.NegfOp(total_low)), b.emit(arith.NegfOp(b.mulf(w, series))))
    # near the zero: d = y - root in two doubles, psi'(root) d in two, + d^2 (c2 + c3 d + ...)
    d_high, d_low = b.two_sum(b.emit(arith.SubfOp(y, b.f(DIGAMMA_ROOT[0]))), b.f(-DIGAMMA_ROOT[1]))
    tail = b.polynomial(d_high, DIGAMMA_ROOT_SERIES[1:])
    slope = b.f(DIGAMMA_ROOT_SERIES[0])
    near, near_low = b.two_product(slope, d_high)
    near_low = b.addf(near_low, b.mulf(slope, d_low), b.mulf(b.f(DIGAMMA_SLOPE_LOW), d_high),
                      b.mulf(b.mulf(d_high, d_high), tail))
    root = b.fcmp(b.emit(math.AbsFOp(d_high)), b.f(1 / 64), "olt")
    result = b.select(root, b.addf(near, near_low), b.addf(high, low))
    return b.select(b.fcmp(y, b.f(2.0**-54), "olt"), b.emit(arith.DivfOp(b.f(-1.0), y)), result)


def digamma(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """psi(x); below 0 by reflection, psi(1 - x) - pi cot(pi r) with
    r = x - round(x) exact (libm's tan). SciPy's special values: -inf at +0,
    +inf at -0, NaN at the negative integers and -inf, +inf at +inf."""
    zero = b.f(0.0)
    negative = b.fcmp(x, zero, "olt")
    positive = b.emit(arith.AndIOp(b.fcmp(x, zero, "ogt"), b.fcmp(x, b.f(float("inf")), "olt")))
    y = b.select(negative, b.one_minus(x), b.select(positive, x, b.f(1.0)))
    result = digamma_positive(b, y)
    r = b.emit(arith.SubfOp(x, b.emit(math.RoundEvenOp(x))))
    # pi cot(pi r): pi / tan(pi r) up to |r| = 1/4, beyond -pi tan(pi (r -+ 1/2)) (exact at 1/2)
    near = b.fcmp(b.emit(math.AbsFOp(r)), b.f(0.25), "ole")
    shifted = b.emit(arith.SubfOp(r, b.emit(math.CopySignOp(b.f(0.5), r))))
    tangent = b.emit(math.TanOp(b.mulf(b.f(PI), b.select(near, r, shifted))))
    cotangent = b.select(near, b.emit(arith.DivfOp(b.f(PI), tangent)), b.mulf(b.f(-PI), tangent))
    reflected = b.select(b.fcmp(r, zero, "oeq"), b.f(float("nan")), b.emit(arith.SubfOp(result, cotangent)))
    result = b.select(negative, reflected, result)
    special = b.select(b.fcmp(x, zero, "oeq"), b.emit(math.CopySignOp(b.f(float("inf")), b.emit(arith.NegfOp(x)))), x)
    return b.select(b.emit(arith.OrIOp(negative, positive)), result, special)


def trigamma_positive(b: FloatBuilder, y: SSAValue) -> SSAValue:
    """psi'(y) for y > 0: the sum of 1 / (y + i)^2 for i < m, in two doubles,
    plus psi'(z), z = y + m >= 10 (at most 10 terms), = 1/z (in two doubles)
    + 1/(2z^2) + sum of B_2k / z^(2k+1) for k <= 11; all terms positive.
    Below 2^-511 (where 1/y^2 would overflow in the two doubles), (1/y)^2."""
    total, total_low, m = b.f(0.0), b.f(0.0), b.f(0.0)
    for i in range(DIGAMMA_SHIFT):
        used = b.fcmp(b.addf(y, b.f(float(i))), b.f(float(DIGAMMA_SHIFT)), "olt")
        r, r_low = reciprocal_dd(b, *b.two_sum(y, b.f(float(i))))
        square, square_low = b.two_product(r, r)
        total, err = b.two_sum(total, b.select(used, square, b.f(0.0)))
        square_low = b.fma(b.mulf(r, b.f(2.0)), r_low, square_low)
        total_low = b.addf(total_low, err, b.select(used, square_low, b.f(0.0)))
        m = b.addf(m, b.select(used, b.f(1.0), b.f(0.0)))
    inverse, inverse_low = reciprocal_dd(b, *b.two_sum(y, m))
    w = b.mulf(inverse, inverse)
    series = b.polynomial(w, TRIGAMMA_ASYMPTOTIC)
    tail = b.fma(b.mulf(inverse, w), series, b.mulf(w, b.f(0.5)))
    high, err = b.two_sum(total, inverse)
    result = b.addf(high, b.addf(total_low, inverse_low, err, tail))
    r = b.emit(arith.DivfOp(b.f(1.0), y))
    return b.select(b.fcmp(y, b.f(2.0**-511), "olt"), b.mulf(r, r), result)


def trigamma(b: FloatBuilder, x: SSAValue) -> SSAValue:
    """psi'(x); below 0 by reflection, pi^2 / sin^2(pi r) - psi'(1 - x) with
    r = x - round(x) exact (libm's sin). SciPy's special values: +inf at 0,
    the negative integers and -inf, 0 at +inf."""
    zero, inf = b.f(0.0), b.f(float("inf"))
    negative = b.emit(arith.AndIOp(b.fcmp(x, zero, "olt"), b.fcmp(x, b.f(float("-inf")), "ogt")))
    positive = b.emit(arith.AndIOp(b.fcmp(x, zero, "ogt"), b.fcmp(x, inf, "olt")))
    y = b.select(negative, b.one_minus(x), b.select(positive, x, b.f(1.0)))
    result = trigamma_positive(b, y)
    r = b.emit(arith.SubfOp(x, b.emit(math.RoundEvenOp(x))))
    sine = b.emit(math.SinOp(b.mulf(b.f(PI), r)))
    pole = b.emit(arith.DivfOp(b.f(PI * PI), b.mulf(sine, sine)))
    reflected = b.select(b.fcmp(r, zero, "oeq"), inf, b.emit(arith.SubfOp(pole, result)))
    result = b.select(negative, reflected, result)
    special = b.select(b.fcmp(x, inf, "oeq"), zero, b.select(b.fcmp(x, x, "uno"), x, inf))
    return b.select(b.emit(arith.OrIOp(negative, positive)), result, special)


def hurwitz_zeta(b: FloatBuilder, s: SSAValue, q: SSAValue, q_low: SSAValue) -> SSAValue:
    """The sum of (q + q_low + k)^-s over k >= 0, for q > 0 and s >= 2: a
    loop adding the terms (q + k in two doubles, as the power amplifies its
    rounding s times; the sum in two doubles) until q + k >= s + 10, or the
    rest, below t (q + k) / (s - 1), is under 2^-54 of the sum; then
    Euler-Maclaurin's tail w^(1-s) (1 / (s - 1) + (1/2 + sum of B_2k / (2k)!
    s (s+1) ... (s+2k-2) w^(1-2k), k <= 12) / w) at w = q + m."""
    one = b.f(1.0)
    minus_s = b.emit(arith.NegfOp(s))
    s_minus_one = b.emit(arith.SubfOp(s, one))
    limit = b.addf(s, b.f(float(ZETA_SHIFT)))

    def power(a: SSAValue, low: SSAValue, e: SSAValue) -> SSAValue:
        """(a + low)^e = a^e (1 + e low / a)."""
        return b.mulf(pow_(b, a, e), b.fma(e, b.emit(arith.DivfOp(low, a)), one))

    def keep_going(values: list[SSAValue]) -> SSAValue:
        a, done = values[0], values[4]
        return b.emit(arith.AndIOp(b.fcmp(a, limit, "olt"), b.negation(done)))

    def step(values: list[SSAValue]) -> list[SSAValue]:
        a, low, total, total_low, _ = values
        t = power(a, low, minus_s)
        total, err = b.two_sum(total, t)
        a_next, a_err = b.two_sum(a, one)
        rest = b.mulf(t, a_next)
        done = b.fcmp(rest, b.mulf(b.mulf(b.f(2.0**-54), s_minus_one), total), "ole")
        return [a_next, b.addf(low, a_err), total, b.addf(total_low, err), done]

    zero = b.f(0.0)
    w, low, total, total_low, done = b.loop([q, q_low, zero, zero, b.flag(False)], keep_going, step)
    term = b.emit(arith.DivfOp(s, w))
    w_squared = b.mulf(w, w)
    series = zero
    for k, c in enumerate(ZETA_TAIL):
        series = b.fma(b.f(c), term, series)
        factors = b.mulf(b.addf(s, b.f(2.0 * k + 1)), b.addf(s, b.f(2.0 * k + 2)))
        term = b.emit(arith.DivfOp(b.mulf(term, factors), w_squared))
    rest = b.emit(arith.DivfOp(b.addf(b.f(0.5), series), w))
    tail = b.mulf(power(w, low, b.emit(arith.NegfOp(s_minus_one))),
                  b.addf(b.emit(arith.DivfOp(one, s_minus_one)), rest))
    result = b.select(done, b.addf(total, total_low), b.addf(total, b.addf(tail, total_low)))
    return b.select(b.fcmp(total, b.f(float("inf")), "oeq"), total, result)


def polygamma(b: FloatBuilder, n: SSAValue, x: SSAValue) -> SSAValue:
    """psi^(n)(x) for an integer n, as SciPy: digamma for n = 0, NaN for
    n < 0, else (-1)^(n+1) n! zeta(n + 1, x), n! a loop in two doubles
    (inf from 171 on). Below 0, with f = x - floor(x) and s = n + 1,
    zeta(s, x) = zeta(s, f) + (-1)^s (zeta(s, 1 - f) - zeta(s, 1 - x)) (the
    direct sum's terms below 0, in constant time; a positive x passes the
    last two a q they cancel at); inf at 0, the negative integers and -inf,
    0 at inf."""
    zero, one, inf = b.f(0.0), b.f(1.0), b.f(float("inf"))
    s = b.select(b.fcmp(n, one, "oge"), b.addf(n, one), b.f(2.0))
    floor = b.emit(math.FloorOp(x))
    pole = b.emit(arith.AndIOp(b.fcmp(x, zero, "ole"), b.fcmp(floor, x, "oeq")))
    negative = b.emit(arith.AndIOp(b.fcmp(x, zero, "olt"), b.negation(pole)))
    positive = b.emit(arith.AndIOp(b.fcmp(x, zero, "ogt"), b.fcmp(x, inf, "olt")))
    f, f_low = b.two_sum(x, b.emit(arith.NegfOp(floor)))
    one_minus, one_minus_low = b.two_sum(one, b.emit(arith.NegfOp(x)))
    dummy = b.f(ZETA_DUMMY)

    def zeta(q: SSAValue, q_low: SSAValue) -> SSAValue:
        return call(b, hurwitz_zeta, s, q, q_low)

    first = zeta(b.select(negative, f, b.select(positive, x, dummy)), b.select(negative, f_low, zero))
    below = zeta(b.select(negative, b.emit(arith.SubfOp(b.emit(math.CeilOp(x)), x)), dummy), zero)
    beyond = zeta(b.select(negative, one_minus, dummy), b.select(negative, one_minus_low, zero))
    half = b.mulf(n, b.f(0.5))
    odd = b.fcmp(b.emit(math.FloorOp(half)), half, "one")
    sign = b.select(odd, one, b.f(-1.0))  # (-1)^(n+1), (-1)^s
    z = b.fma(sign, b.emit(arith.SubfOp(below, beyond)), first)
    z = b.select(pole, inf, b.select(b.fcmp(x, inf, "oeq"), zero, b.select(b.fcmp(x, x, "uno"), x, z)))

    def keep_going(values: list[SSAValue]) -> SSAValue:
        return b.fcmp(values[0], b.emit(arith.MinimumfOp(n, b.f(170.0))), "ole")

    def step(values: list[SSAValue]) -> list[SSAValue]:
        k, high, low = values
        product, err = b.two_product(high, k)
        high, low = b.two_sum(product, b.fma(low, k, err))
        return [b.addf(k, one), high, low]

    _, high, low = b.loop([b.f(2.0), one, zero], keep_going, step)
    factorial_n = b.select(b.fcmp(n, b.f(170.0), "ogt"), inf, b.addf(high, low))
    result = b.mulf(b.mulf(sign, factorial_n), z)
    result = b.select(b.fcmp(n, zero, "oeq"), call(b, digamma, x), result)
    return b.select(b.fcmp(n, zero, "olt"), b.f(float("nan")), result)


def pow_(b: FloatBuilder, x: SSAValue, y: SSAValue) -> SSAValue:
    """x ** y as exp(y log|x|), the product and both functions carried in two
    doubles, then C99's special cases and the sign for a negative x."""
    a = b.emit(math.AbsFOp(x))
    regular = b.emit(arith.AndIOp(b.fcmp(a, b.f(0.0), "ogt"), b.fcmp(a, b.f(float("inf")), "olt")))
    log_high, log_low = log_dd(b, b.select(regular, a, b.f(2.0)))
    zero, inf, one = b.f(0.0), b.f(float("inf")), b.f(1.0)
    estimate = b.mulf(y, log_high)
    over = b.fcmp(estimate, b.f(710.0), "ogt")  # also y log a = +inf
    under = b.fcmp(estimate, b.f(-746.0), "olt")
    in_range = b.emit(arith.AndIOp(b.fcmp(estimate, b.f(710.0), "ole"), b.fcmp(estimate, b.f(-746.0), "oge")))
    y_in_range = b.select(in_range, y, zero)  # no inf * 0 or inf - inf below
    w_high, w_low = b.two_product(y_in_range, log_high)
    w_high, w_low = b.two_sum(w_high, b.fma(y_in_range, log_low, w_low))
    magnitude = exp_dd(b, w_high, w_low)
    magnitude = b.select(over, inf, b.select(under, zero, magnitude))
    y_negative = b.fcmp(y, zero, "olt")
    magnitude = b.select(b.fcmp(a, zero, "oeq"), b.select(y_negative, inf, zero), magnitude)
    magnitude = b.select(b.fcmp(a, inf, "oeq"), b.select(y_negative, zero, inf), magnitude)
    magnitude = b.select(b.fcmp(a, one, "oeq"), one, magnitude)  # (+-1) ** +-inf too

    integer = b.fcmp(b.emit(math.TruncOp(y)), y, "oeq")  # inf counts as even
    half = b.mulf(y, b.f(0.5))
    odd = b.emit(arith.AndIOp(integer, b.fcmp(b.emit(math.TruncOp(half)), half, "one")))
    result = b.select(odd, b.emit(math.CopySignOp(magnitude, x)), magnitude)
    # nan: a nan operand, or a finite negative x to a finite non-integer power
    finite_y = b.fcmp(b.emit(math.AbsFOp(y)), inf, "olt")
    negative_x = b.emit(arith.AndIOp(b.fcmp(x, zero, "olt"), b.fcmp(x, b.f(float("-inf")), "one")))
    fractional = b.fcmp(b.emit(math.TruncOp(y)), y, "une")
    invalid = b.emit(arith.AndIOp(b.emit(arith.AndIOp(negative_x, finite_y)), fractional))
    invalid = b.emit(arith.OrIOp(invalid, b.fcmp(x, y, "uno")))
    result = b.select(invalid, b.f(float("nan")), result)
    return b.select(b.emit(arith.OrIOp(b.fcmp(y, zero, "oeq"), b.fcmp(x, one, "oeq"))), one, result)


def _log_prefactor(b: FloatBuilder, a: SSAValue, x: SSAValue) -> SSAValue:
    """L = log(x^a e^-x / Gamma(a)) as scanjit.incomplete_gamma's
    log_prefactor: directly below a = 10, else by Stirling's series."""
    log_x = b.emit(math.LogOp(x))
    direct = b.emit(arith.SubfOp(b.emit(arith.SubfOp(b.mulf(a, log_x), x)), b.emit(sj.LgammaOp(a))))
    inverse = b.emit(arith.DivfOp(b.f(1.0), a))
    t = b.mulf(b.emit(arith.SubfOp(x, a)), inverse)
    far = b.addf(b.mulf(a, b.emit(math.LogOp(b.mulf(x, inverse)))), b.emit(arith.SubfOp(a, x)))
    main = b.select(_near(b, t), b.mulf(a, _log1pmx(b, t)), far)
    large = b.emit(arith.SubfOp(b.addf(main, b.mulf(b.f(0.5), b.emit(math.LogOp(a)))),
                                b.addf(b.f(gamma_inc.HALF_LOG_2PI), _stirling_series(b, inverse))))
    return b.select(b.fcmp(a, b.f(gamma_inc.STIRLING_FROM), "olt"), direct, large)


def _near(b: FloatBuilder, t: SSAValue) -> SSAValue:
    """|t| below LOG1PMX_SERIES_BELOW: where log1pmx(t) is its series."""
    return b.fcmp(b.emit(math.AbsFOp(t)), b.f(gamma_inc.LOG1PMX_SERIES_BELOW), "olt")


def _log1pmx(b: FloatBuilder, t: SSAValue) -> SSAValue:
    """log1p(t) - t for |t| < 1/2, as scanjit.incomplete_gamma's log1pmx."""
    u = b.emit(arith.DivfOp(t, b.addf(b.f(2.0), t)))
    u2 = b.mulf(u, u)
    return b.fma(b.mulf(b.mulf(b.f(2.0), u), u2), b.polynomial(u2, gamma_inc.LOG1PMX),
                 b.emit(arith.NegfOp(b.mulf(t, u))))


def _stirling_series(b: FloatBuilder, inverse: SSAValue) -> SSAValue:
    """Stirling's correction to lgamma at a = 1 / inverse, from STIRLING_FROM on."""
    return b.mulf(inverse, b.polynomial(b.mulf(inverse, inverse), gamma_inc.STIRLING))


def _stirling(b: FloatBuilder, a: SSAValue) -> SSAValue:
    """scanjit.incomplete_gamma's stirling(a): lgamma(a) - ((a - 1/2) log a - a + log(2 pi)/2)."""
    below = b.emit(arith.SubfOp(b.emit(sj.LgammaOp(a)), b.addf(b.emit(arith.SubfOp(
        b.mulf(b.emit(arith.SubfOp(a, b.f(0.5))), b.emit(math.LogOp(a))), a)), b.f(gamma_inc.HALF_LOG_2PI))))
    series = _stirling_series(b, b.emit(arith.DivfOp(b.f(1.0), a)))
    return b.select(b.fcmp(a, b.f(gamma_inc.STIRLING_FROM), "olt"), below, series)


def _beta_log_front(b: FloatBuilder, p: SSAValue, q: SSAValue, z: SSAValue) -> SSAValue:
    """log(z^p (1 - z)^q / (p B(p, q))) as scanjit.incomplete_beta's
    log_front: directly where p and q are below STIRLING_FROM, else around
    the mean (e = s z - p by an FMA, s = p + q's rounding added back)."""
    log_z = b.emit(math.LogOp(z))
    direct = b.subf(b.subf(b.addf(b.mulf(p, log_z), b.mulf(q, log1p(b, b.emit(arith.NegfOp(z))))),
                           b.emit(math.LogOp(p))),
                    b.subf(b.addf(b.emit(sj.LgammaOp(p)), b.emit(sj.LgammaOp(q))), b.emit(sj.LgammaOp(b.addf(p, q)))))
    s = b.addf(p, q)
    s_error = b.addf(b.subf(p, b.subf(s, b.subf(s, p))), b.subf(q, b.subf(s, p)))
    e = b.addf(b.fma(z, s, b.emit(arith.NegfOp(p))), b.mulf(z, s_error))
    main, t_terms = b.f(0.0), b.f(0.0)
    terms = ((p, b.divf(e, p), b.mulf(z, b.divf(s, p)), e),
             (q, b.emit(arith.NegfOp(b.divf(e, q))), b.mulf(b.one_minus(z), b.divf(s, q)), b.emit(arith.NegfOp(e))))
    for x, t, ratio, e_term in terms:  # 1 + t as a product where it is far from 1
        near = _near(b, t)
        main = b.addf(main, b.mulf(x, b.select(near, _log1pmx(b, t), b.emit(math.LogOp(ratio)))))
        t_terms = b.addf(t_terms, b.select(near, b.f(0.0), e_term))
    corrections = b.subf(b.addf(_stirling(b, p), _stirling(b, q)), _stirling(b, s))
    around = b.subf(b.subf(b.subf(b.addf(b.subf(main, t_terms), b.mulf(b.f(0.5), b.emit(math.LogOp(
        b.divf(b.mulf(p, q), s))))), b.emit(math.LogOp(p))), b.f(gamma_inc.HALF_LOG_2PI)), corrections)
    small = b.fcmp(b.emit(arith.MaximumfOp(p, q)), b.f(gamma_inc.STIRLING_FROM), "olt")
    return b.select(small, direct, around)


def _gamma_inc(b: FloatBuilder, a: SSAValue, x: SSAValue, want: str) -> SSAValue:
    """P(a, x), Q(a, x) or dP/da (`want`: "p", "q", "der") by the loops of
    scanjit.incomplete_gamma's gamma_inc (each runs only where it is used;
    the derivative's values are carried only for "der")."""
    zero, one, eps, nan = b.f(0.0), b.f(1.0), b.f(gamma_inc.EPS), b.f(float("nan"))
    der = want == "der"

    inf = b.f(float("inf"))
    valid = b.both(b.both(b.fcmp(a, zero, "oge"), b.fcmp(x, zero, "oge")),
                 b.negation(b.both(b.fcmp(a, zero, "oeq"), b.fcmp(x, zero, "oeq"))))
    to_one = b.either(b.fcmp(a, zero, "oeq"), b.fcmp(x, inf, "oeq"))
    to_zero = b.either(b.fcmp(x, zero, "oeq"), b.fcmp(a, inf, "oeq"))
    regular = b.both(valid, b.negation(b.either(to_one, to_zero)))
    a, x = b.select(regular, a, one), b.select(regular, x, one)
    prefactor = exp(b, _log_prefactor(b, a, x))
    series = b.fcmp(x, b.addf(a, one), "olt")

    def series_going(v: list[SSAValue]) -> SSAValue:
        going = b.fcmp(v[0], b.mulf(v[1], eps), "ogt")
        return b.both(series, going)

    def series_step(v: list[SSAValue]) -> list[SSAValue]:
        term, total, n, *dual = v
        n = b.addf(n, one)
        a_n = b.addf(a, n)
        term = b.mulf(term, b.divf(x, a_n))
        if not der:
            return [term, b.addf(total, term), n]
        harmonic = b.addf(dual[0], b.divf(one, a_n))
        return [term, b.addf(total, term), n, harmonic, b.subf(dual[1], b.mulf(term, harmonic))]

    first = b.divf(one, a)
    start = [first, first, zero] + ([first, b.emit(arith.NegfOp(b.mulf(first, first)))] if der else [])
    term, total, _, *series_dual = b.loop(start, series_going, series_step)
    p_series = b.mulf(prefactor, total)
    tiny = b.f(gamma_inc.TINY)

    def fraction_going(v: list[SSAValue]) -> SSAValue:
        going = b.fcmp(b.emit(math.AbsFOp(b.subf(v[5], one))), eps, "ogt")
        if der:
            going = b.either(going, b.fcmp(b.emit(math.AbsFOp(b.mulf(v[9], v[3]))),
                                         b.mulf(eps, b.emit(math.AbsFOp(v[8]))), "ogt"))
        return b.both(b.negation(series), going)

    def fraction_step(v: list[SSAValue]) -> list[SSAValue]:
        beta, c, d, f, i, _, *dual = v
        i = b.addf(i, one)
        an = b.mulf(b.emit(arith.NegfOp(i)), b.subf(i, a))
        beta = b.addf(beta, b.f(2.0))
        d_next, dd_next = b.addf(b.mulf(an, d), beta), zero
        if der:
            dc, dd, df, _ = dual
            dd_next = b.subf(b.addf(b.mulf(i, d), b.mulf(an, dd)), one)
        d_next, dd_next = b.away_from_zero(d_next, dd_next)
        c_next = b.addf(beta, b.divf(an, c))
        if der:
            dc = b.subf(b.divf(b.subf(b.mulf(i, c), b.mulf(an, dc)), b.mulf(c, c)), one)
        c, dc = b.away_from_zero(c_next, dc if der else zero)
        d = b.divf(one, d_next)
        delta = b.mulf(d, c)
        if not der:
            return [beta, c, d, b.mulf(f, delta), i, delta]
        dd = b.emit(arith.NegfOp(b.mulf(b.mulf(dd_next, d), d)))
        d_delta = b.addf(b.mulf(dd, c), b.mulf(d, dc))
        return [beta, c, d, b.mulf(f, delta), i, delta, dc, dd, b.addf(b.mulf(df, delta), b.mulf(f, d_delta)), d_delta]

    beta = b.subf(b.addf(x, one), a)
    d = b.divf(one, beta)
    start = [beta, b.divf(one, tiny), d, d, zero, b.f(2.0)] + ([zero, b.mulf(d, d), b.mulf(d, d), one] if der else [])
    _, _, _, fraction, _, _, *fraction_dual = b.loop(start, fraction_going, fraction_step)
    q_fraction = b.mulf(prefactor, fraction)
    if want == "p":
        value = b.select(series, p_series, b.one_minus(q_fraction))
    elif want == "q":
        small_a = b.both(b.fcmp(a, b.f(gamma_inc.SMALL_A_Q[0]), "olt"), b.fcmp(x, b.f(gamma_inc.SMALL_A_Q[1]), "olt"))
        value = b.select(series, b.select(small_a, _small_a_q(b, a, x, b.both(series, small_a)),
                                          b.one_minus(p_series)), q_fraction)
    else:
        d_log = b.subf(b.emit(math.LogOp(x)), call(b, digamma, a))
        d_p = b.mulf(prefactor, b.addf(b.mulf(d_log, total), series_dual[1]))
        d_q = b.mulf(prefactor, b.addf(b.mulf(d_log, fraction), fraction_dual[2]))
        value = b.select(series, d_p, b.emit(arith.NegfOp(d_q)))
    ones, zeros = {"p": (one, zero), "q": (zero, one), "der": (zero, zero)}[want]
    return b.select(valid, b.select(to_one, ones, b.select(to_zero, zeros, value)), nan)


def _small_a_q(b: FloatBuilder, a: SSAValue, x: SSAValue, used: SSAValue) -> SSAValue:
    """Q for a < 1, x < 1.1: 1 - u - u sum_{n>=1} (-1)^n a x^n / (n! (a + n)),
    u = x^a / Gamma(1 + a); lgamma(1 + a) by its series below a = 0.2. The
    loop runs where `used` holds."""
    one, zero, eps = b.f(1.0), b.f(0.0), b.f(gamma_inc.EPS)
    lgamma1p = b.select(b.fcmp(a, b.f(gamma_inc.LGAMMA1P_SERIES_BELOW), "olt"),
                        b.mulf(a, b.polynomial(a, gamma_inc.LGAMMA1P)), b.emit(sj.LgammaOp(b.addf(one, a))))
    exponent = b.emit(arith.SubfOp(b.mulf(a, b.emit(math.LogOp(x))), lgamma1p))

    def going(v: list[SSAValue]) -> SSAValue:
        return b.emit(arith.AndIOp(used, b.fcmp(b.emit(math.AbsFOp(v[3])),
                                                 b.mulf(b.emit(math.AbsFOp(v[1])), eps), "ogt")))

    def step(v: list[SSAValue]) -> list[SSAValue]:
        term, total, n, _ = v
        n = b.addf(n, one)
        term = b.mulf(term, b.emit(arith.DivfOp(b.emit(arith.NegfOp(x)), n)))
        part = b.emit(arith.DivfOp(b.mulf(a, term), b.addf(a, n)))
        return [term, b.addf(total, part), n, part]

    _, total, _, _ = b.loop([one, zero, zero, one], going, step)
    return b.emit(arith.SubfOp(b.emit(arith.NegfOp(expm1(b, exponent))), b.mulf(exp(b, exponent), total)))


def gammainc(b: FloatBuilder, a: SSAValue, x: SSAValue) -> SSAValue:
    return _gamma_inc(b, a, x, "p")


def gammaincc(b: FloatBuilder, a: SSAValue, x: SSAValue) -> SSAValue:
    return _gamma_inc(b, a, x, "q")


def gammainc_der(b: FloatBuilder, a: SSAValue, x: SSAValue) -> SSAValue:
    return _gamma_inc(b, a, x, "der")


def _gamma_inc_inverse(b: FloatBuilder, a: SSAValue, y: SSAValue, upper: bool) -> SSAValue:
    """The x with P(a, x) = y (`upper`: Q(a, x) = y) as scanjit.incomplete_gamma's
    gamma_inc_inverse: Halley's steps in log x on log F - log f, F = P or Q
    (the helpers), from inverse_guess's start."""
    zero, one, half, nan, inf = b.f(0.0), b.f(1.0), b.f(0.5), b.f(float("nan")), b.f(float("inf"))

    def log(v: SSAValue) -> SSAValue:
        return b.emit(math.LogOp(v))

    valid = b.both(b.both(b.fcmp(a, zero, "ogt"), b.fcmp(a, inf, "olt")),
                 b.both(b.fcmp(y, zero, "oge"), b.fcmp(y, one, "ole")))
    at_zero, at_one = b.fcmp(y, zero, "oeq"), b.fcmp(y, one, "oeq")
    regular = b.both(valid, b.negation(b.either(at_zero, at_one)))
    a, y = b.select(regular, a, one), b.select(regular, y, half)
    log_y, log_1my = log(y), log1p(b, b.emit(arith.NegfOp(y)))
    log_p, log_q = (log_1my, log_y) if upper else (log_y, log_1my)
    on_q = b.fcmp(y, half, "ole" if upper else "oge")
    target = b.select(on_q, log_y, log_1my) if upper else b.select(on_q, log_1my, log_y)
    # the start (inverse_guess)
    c0, c1, d1, d2 = (b.f(c) for c in gamma_inc.NORMAL_GUESS)
    t = b.emit(math.SqrtOp(b.mulf(b.f(-2.0), b.emit(arith.MinimumfOp(log_p, log_q)))))
    z = b.subf(t, b.divf(b.fma(c1, t, c0), b.fma(t, b.fma(t, d2, d1), one)))
    z = b.select(b.fcmp(log_p, log_q, "olt"), b.emit(arith.NegfOp(z)), z)
    base = b.addf(b.subf(one, b.divf(one, b.mulf(b.f(9.0), a))), b.divf(z, b.mulf(b.f(3.0), b.emit(math.SqrtOp(a)))))
    wilson_hilferty = b.fma(b.f(3.0), log(base), log(a))
    series = b.divf(b.addf(log_p, b.emit(sj.LgammaOp(b.addf(a, one)))), a)
    tail = log(b.emit(arith.MaximumfOp(b.emit(arith.NegfOp(b.addf(log_q, b.emit(sj.LgammaOp(a))))), one)))
    start = b.select(b.both(b.fcmp(series, zero, "olt"), b.fcmp(log_q, b.f(-1.0), "ogt")), series, tail)
    start = b.select(b.both(b.fcmp(a, one, "ogt"), b.fcmp(base, zero, "ogt")), wilson_hilferty, start)
    done, limit = b.f(4 * gamma_inc.EPS), b.f(gamma_inc.STEP_LIMIT)

    def going(v: list[SSAValue]) -> SSAValue:
        x, i, step = v
        moving = b.both(b.fcmp(b.emit(math.AbsFOp(step)), done, "ogt"), b.fcmp(x, zero, "ogt"))
        return b.both(b.both(regular, moving), b.fcmp(i, b.f(float(gamma_inc.INVERSE_STEPS)), "olt"))

    def step_(v: list[SSAValue]) -> list[SSAValue]:
        x, i, _ = v
        f = b.select(on_q, call(b, gammaincc, a, x), call(b, gammainc, a, x))
        log_f = log(f)
        slope = exp(b, b.subf(_log_prefactor(b, a, x), log_f))
        slope = b.select(on_q, b.emit(arith.NegfOp(slope)), slope)
        u = b.divf(b.subf(log_f, target), slope)
        halley = b.mulf(b.mulf(half, u), b.subf(b.subf(a, x), slope))
        step = b.select(b.fcmp(b.emit(math.AbsFOp(halley)), half, "olt"), b.divf(u, b.subf(one, halley)), u)
        step = b.clamp(step, limit)
        vanished = b.fcmp(f, zero, "oeq")  # past F's last double: halfway back
        step = b.select(vanished, b.select(on_q, half, b.f(-0.5)), step)
        return [b.mulf(x, exp(b, b.emit(arith.NegfOp(step)))), b.addf(i, one), b.select(vanished, one, step)]

    x, _, _ = b.loop([exp(b, start), zero, one], going, step_)
    ends = b.select(at_zero, inf if upper else zero, zero if upper else inf)
    return b.select(valid, b.select(regular, x, ends), nan)


def gammaincinv(b: FloatBuilder, a: SSAValue, y: SSAValue) -> SSAValue:
    return _gamma_inc_inverse(b, a, y, upper=False)


def gammainccinv(b: FloatBuilder, a: SSAValue, y: SSAValue) -> SSAValue:
    return _gamma_inc_inverse(b, a, y, upper=True)


def _beta_inc(b: FloatBuilder, a: SSAValue, b_: SSAValue, x: SSAValue, wrt: str) -> SSAValue:
    """I_x(a, b), its derivative in `wrt` ("a" or "b"), or with `wrt`
    "upper" 1 - I_x(a, b), as scanjit.incomplete_beta's beta_inc: Lentz's method on the continued
    fraction at (p, q, z) = (a, b, x), or (b, a, 1 - x) above the mean, the
    derivative carried along from the seeds (dp, dq)."""
    zero, one, two, nan, inf = b.f(0.0), b.f(1.0), b.f(2.0), b.f(float("nan")), b.f(float("inf"))
    eps = b.f(gamma_inc.EPS)
    valid = b.both(b.both(b.fcmp(a, zero, "oge"), b.fcmp(b_, zero, "oge")),
                   b.both(b.fcmp(x, zero, "oge"), b.fcmp(x, one, "ole")))
    valid = b.both(valid, b.negation(b.both(b.fcmp(a, zero, "oeq"), b.fcmp(b_, zero, "oeq"))))
    to_zero = b.either(b.either(b.fcmp(x, zero, "oeq"), b.fcmp(b_, zero, "oeq")), b.fcmp(a, inf, "oeq"))
    to_one = b.either(b.either(b.fcmp(x, one, "oeq"), b.fcmp(a, zero, "oeq")), b.fcmp(b_, inf, "oeq"))
    regular = b.both(valid, b.negation(b.either(to_zero, to_one)))
    a, b_, x = b.select(regular, a, one), b.select(regular, b_, one), b.select(regular, x, b.f(0.5))
    swap = b.fcmp(x, b.divf(b.addf(a, one), b.addf(b.addf(a, b_), two)), "ogt")
    p, q, z = b.select(swap, b_, a), b.select(swap, a, b_), b.select(swap, b.one_minus(x), x)
    seed_a, seed_b = (one, zero) if wrt == "a" else (zero, one) if wrt == "b" else (zero, zero)
    der = wrt in ("a", "b")
    dp, dq = b.select(swap, seed_b, seed_a), b.select(swap, seed_a, seed_b)

    def half_step(m: SSAValue, even: bool, c, d, f, dc, dd, df):
        if even:  # d_2m = m (q - m) z / ((p + 2m - 1)(p + 2m))
            num = b.mulf(b.mulf(m, b.subf(q, m)), z)
            p2m = b.addf(p, b.mulf(two, m))
            den = b.mulf(b.subf(p2m, one), p2m)
            d_num, d_den = b.mulf(b.mulf(m, dq), z), b.mulf(dp, b.subf(b.mulf(two, p2m), one))
        else:  # d_2m+1 = -(p + m)(p + q + m) z / ((p + 2m)(p + 2m + 1))
            pm, pqm = b.addf(p, m), b.addf(b.addf(p, q), m)
            num = b.emit(arith.NegfOp(b.mulf(b.mulf(pm, pqm), z)))
            p2m = b.addf(p, b.mulf(two, m))
            den = b.mulf(p2m, b.addf(p2m, one))
            d_num = b.emit(arith.NegfOp(b.mulf(b.addf(b.mulf(dp, pqm), b.mulf(pm, b.addf(dp, dq))), z)))
            d_den = b.mulf(dp, b.addf(b.mulf(two, p2m), one))
        an = b.divf(num, den)
        d_next, c_next = b.addf(one, b.mulf(an, d)), b.addf(one, b.divf(an, c))
        dd_next = dc_next = zero
        if der:
            d_an = b.divf(b.subf(b.mulf(d_num, den), b.mulf(num, d_den)), b.mulf(den, den))
            dd_next = b.addf(b.mulf(d_an, d), b.mulf(an, dd))
            dc_next = b.divf(b.subf(b.mulf(d_an, c), b.mulf(an, dc)), b.mulf(c, c))
        d_next, dd_next = b.away_from_zero(d_next, dd_next)
        c, dc = b.away_from_zero(c_next, dc_next)
        d = b.divf(one, d_next)
        delta = b.mulf(d, c)
        if not der:
            return c, d, b.mulf(f, delta), delta, zero, zero, zero, zero
        dd = b.emit(arith.NegfOp(b.mulf(b.mulf(dd_next, d), d)))
        d_delta = b.addf(b.mulf(dd, c), b.mulf(d, dc))
        return c, d, b.mulf(f, delta), delta, dc, dd, b.addf(b.mulf(df, delta), b.mulf(f, d_delta)), d_delta

    def going(v: list[SSAValue]) -> SSAValue:
        moving = b.fcmp(b.emit(math.AbsFOp(b.subf(v[4], one))), eps, "ogt")
        if der:
            moving = b.either(moving, b.fcmp(b.emit(math.AbsFOp(b.mulf(v[8], v[2]))),
                                             b.mulf(eps, b.emit(math.AbsFOp(v[7]))), "ogt"))
        return b.both(b.both(regular, moving), b.fcmp(v[3], b.f(float(gamma_inc.FRACTION_STEPS)), "olt"))

    def step(v: list[SSAValue]) -> list[SSAValue]:
        c, d, f, m, _, *dual = v
        dc, dd, df = (dual[0], dual[1], dual[2]) if der else (zero, zero, zero)
        m = b.addf(m, one)
        c, d, f, _, dc, dd, df, _ = half_step(m, True, c, d, f, dc, dd, df)
        c, d, f, delta, dc, dd, df, d_delta = half_step(m, False, c, d, f, dc, dd, df)
        return [c, d, f, m, delta] + ([dc, dd, df, d_delta] if der else [])

    p1 = b.addf(p, one)
    d0 = b.subf(one, b.divf(b.mulf(b.addf(p, q), z), p1))
    dd0 = b.emit(arith.NegfOp(b.divf(b.mulf(b.subf(b.mulf(b.addf(dp, dq), p1), b.mulf(b.addf(p, q), dp)), z),
                                     b.mulf(p1, p1))))
    d0, dd0 = b.away_from_zero(d0, dd0)
    d = b.divf(one, d0)
    dd = b.emit(arith.NegfOp(b.mulf(b.mulf(dd0, d), d)))
    start = [one, d, d, zero, two] + ([zero, dd, dd, one] if der else [])
    _, _, fraction, _, _, *dual = b.loop(start, going, step)
    log_z, log_1mz = b.emit(math.LogOp(z)), log1p(b, b.emit(arith.NegfOp(z)))
    front = exp(b, _beta_log_front(b, p, q, z))
    if der:
        psi_pq = call(b, digamma, b.addf(p, q))
        d_log_p = b.addf(b.subf(b.subf(log_z, b.divf(one, p)), call(b, digamma, p)), psi_pq)
        d_log_q = b.addf(b.subf(log_1mz, call(b, digamma, q)), psi_pq)
        d_log_front = b.addf(b.mulf(dp, d_log_p), b.mulf(dq, d_log_q))
        value = b.mulf(front, b.addf(b.mulf(d_log_front, fraction), dual[2]))
        value = b.select(swap, b.emit(arith.NegfOp(value)), value)
        ends = zero, zero
    elif wrt == "upper":  # 1 - I, to its last bits where it is small
        value = b.mulf(front, fraction)
        value = b.select(swap, value, b.one_minus(value))
        ends = one, zero
    else:
        value = b.mulf(front, fraction)
        value = b.select(swap, b.one_minus(value), value)
        ends = zero, one
    return b.select(valid, b.select(to_zero, ends[0], b.select(to_one, ends[1], value)), nan)


def betainc(b: FloatBuilder, a: SSAValue, b_: SSAValue, x: SSAValue) -> SSAValue:
    return _beta_inc(b, a, b_, x, "")


def betainc_der_a(b: FloatBuilder, a: SSAValue, b_: SSAValue, x: SSAValue) -> SSAValue:
    return _beta_inc(b, a, b_, x, "a")


def betainc_der_b(b: FloatBuilder, a: SSAValue, b_: SSAValue, x: SSAValue) -> SSAValue:
    return _beta_inc(b, a, b_, x, "b")


def betainc_upper(b: FloatBuilder, a: SSAValue, b_: SSAValue, x: SSAValue) -> SSAValue:
    return _beta_inc(b, a, b_, x, "upper")


def betaincinv(b: FloatBuilder, a: SSAValue, b_: SSAValue, y: SSAValue) -> SSAValue:
    """The x with I_x(a, b) = y as scanjit.incomplete_beta's beta_inc_inverse:
    Newton's steps in log u, u = x or 1 - x, on the log of the smaller tail
    (the helpers of I and 1 - I at (p, q, u))."""
    zero, one, half, nan = b.f(0.0), b.f(1.0), b.f(0.5), b.f(float("nan"))
    valid = b.both(b.both(b.fcmp(a, zero, "ogt"), b.fcmp(b_, zero, "ogt")),
                   b.both(b.fcmp(y, zero, "oge"), b.fcmp(y, one, "ole")))
    end = b.either(b.fcmp(y, zero, "oeq"), b.fcmp(y, one, "oeq"))
    regular = b.both(valid, b.negation(end))
    given = y
    a, b_, y = b.select(regular, a, one), b.select(regular, b_, one), b.select(regular, y, half)
    on_w = b.fcmp(y, call(b, betainc, a, b_, half), "ogt")
    upper = b.fcmp(y, half, "ogt")
    rising = b.negation(b.emit(arith.XOrIOp(on_w, upper)))
    p, q = b.select(on_w, b_, a), b.select(on_w, a, b_)
    t = b.select(on_w, b.one_minus(y), y)
    log_beta = b.subf(b.addf(b.emit(sj.LgammaOp(a)), b.emit(sj.LgammaOp(b_))), b.emit(sj.LgammaOp(b.addf(a, b_))))
    target = b.select(upper, log1p(b, b.emit(arith.NegfOp(y))), b.emit(math.LogOp(y)))
    guess = b.divf(b.addf(b.addf(b.emit(math.LogOp(t)), b.emit(math.LogOp(p))), log_beta), p)
    done, limit = b.f(4 * gamma_inc.EPS), b.f(gamma_inc.STEP_LIMIT)

    def going(v: list[SSAValue]) -> SSAValue:
        u, _, i, step = v
        moving = b.both(b.fcmp(b.emit(math.AbsFOp(step)), done, "ogt"), b.fcmp(u, zero, "ogt"))
        return b.both(b.both(regular, moving), b.fcmp(i, b.f(float(gamma_inc.INVERSE_STEPS)), "olt"))

    def step_(v: list[SSAValue]) -> list[SSAValue]:
        u, good, i, _ = v
        f = b.select(rising, call(b, betainc, p, q, u), call(b, betainc_upper, p, q, u))
        log_f = b.emit(math.LogOp(f))
        log_slope = b.subf(b.addf(b.mulf(p, b.emit(math.LogOp(u))),
                                  b.mulf(b.subf(q, one), log1p(b, b.emit(arith.NegfOp(u))))), b.addf(log_beta, log_f))
        slope = exp(b, log_slope)
        step = b.divf(b.subf(log_f, target), b.select(rising, slope, b.emit(arith.NegfOp(slope))))
        step = b.clamp(step, limit)
        moved = b.mulf(u, exp(b, b.emit(arith.NegfOp(step))))
        moved = b.select(b.fcmp(moved, one, "olt"), moved, b.mulf(half, b.addf(one, u)))  # F is 0 or 1 at 1
        vanished = b.fcmp(f, zero, "oeq")  # past F's last double: halfway (in log u) back to the last u short of it
        back = b.select(b.fcmp(good, zero, "ogt"), b.emit(math.SqrtOp(b.mulf(u, good))),
                        b.select(rising, b.emit(math.SqrtOp(u)), b.mulf(u, u)))
        return [b.select(vanished, back, moved), b.select(vanished, good, u), b.addf(i, one),
                b.select(vanished, one, step)]

    u0 = exp(b, b.emit(arith.MinimumfOp(guess, b.f(-0.6931471805599453))))  # at most 1/2
    u, _, _, _ = b.loop([u0, zero, zero, one], going, step_)
    x = b.select(on_w, b.one_minus(u), u)
    return b.select(valid, b.select(end, given, x), nan)


def helper_name(expansion) -> str:
    return f"scanjit_{expansion.__name__.rstrip('_')}"


def call(b: Builder, expansion, *args: SSAValue) -> SSAValue:
    """A call of `expansion`'s helper function (see CALLS)."""
    return b.emit(llvm.CallOp(helper_name(expansion), *args, return_type=f64))


def _expand(op: Operation, rewriter: PatternRewriter, helper: str) -> None:
    """Replace `op` by a call of `helper` (its expansion in f64), f32
    operands widened, an integer exponent converted, the result rounded back
    to op's type."""
    t = op.results[0].type
    b = Builder()
    args = [x if x.type == f64 else
            b.emit(arith.ExtFOp(x, f64) if x.type == f32 else arith.SIToFPOp(x, f64))
            for x in op.operands]
    result = b.emit(llvm.CallOp(helper, *args, return_type=f64))
    if t != f64:
        result = b.emit(arith.TruncFOp(result, t))
    rewriter.replace(op, b.ops, [result])


def helper_function(name: str, expansion, arity: int) -> llvm.FuncOp:
    """`expansion` as an internal function of `arity` f64 arguments, which the
    JIT marks `alwaysinline`: each use is a call here, so the passes after this
    one see the expansion once per module, and LLVM inlines it back into
    every loop, which then vectorizes."""
    block = Block(arg_types=[f64] * arity)
    for arg, hint in zip(block.args, "xyz"):
        arg.name_hint = hint
    body = Region(block)
    b = FloatBuilder(block)
    b.emit(llvm.ReturnOp(expansion(b, *block.args)))
    function = llvm.FuncOp(name, llvm.LLVMFunctionType([f64] * arity, f64),
                           linkage=llvm.LinkageAttr("internal"), body=body)
    function.attributes[ALWAYS_INLINE] = UnitAttr()
    return function


EXPANSIONS = {math.ExpOp: exp, math.TanhOp: tanh, math.PowFOp: pow_, math.FPowIOp: pow_,
              math.Log1pOp: log1p, math.ExpM1Op: expm1, sj.SigmoidOp: sigmoid, sj.SoftplusOp: softplus,
              sj.ErfinvOp: erfinv, sj.DigammaOp: digamma, sj.TrigammaOp: trigamma, sj.PolygammaOp: polygamma,
              sj.GammaincOp: gammainc, sj.GammainccOp: gammaincc, sj.GammaincDerOp: gammainc_der,
              sj.GammaincinvOp: gammaincinv, sj.GammainccinvOp: gammainccinv, sj.BetaincOp: betainc,
              sj.BetaincDerAOp: betainc_der_a, sj.BetaincDerBOp: betainc_der_b, sj.BetaincinvOp: betaincinv}
# the helpers (and arities) an expansion calls
CALLS = {polygamma: ((hurwitz_zeta, 3), (digamma, 1)), gammainc_der: ((digamma, 1),),
         gammaincinv: ((gammainc, 2), (gammaincc, 2)), gammainccinv: ((gammainc, 2), (gammaincc, 2)),
         betainc_der_a: ((digamma, 1),), betainc_der_b: ((digamma, 1),),
         betaincinv: ((betainc, 3), (betainc_upper, 3))}


@dataclass
class ExpandMath(RewritePattern):
    used: dict[str, tuple] = field(default_factory=dict)
    """The helpers called so far: name -> (expansion, arity)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        if type(op) in EXPANSIONS and op.results[0].type in (f64, f32):
            expansion = EXPANSIONS[type(op)]
            for helper, arity in ((expansion, len(op.operands)), *CALLS.get(expansion, ())):
                self.used[helper_name(helper)] = (helper, arity)
            _expand(op, rewriter, helper_name(expansion))


@dataclass(frozen=True)
class MathPolynomialApproximationPass(ModulePass):
    name = "math-polynomial-approximation"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        expand = ExpandMath()  # a loop over the ops found, not a pattern walker: faster
        for inner in [o for o in op.walk() if type(o) in EXPANSIONS]:
            expand.match_and_rewrite(inner, PatternRewriter(inner))
        op.body.block.add_ops(helper_function(name, *spec) for name, spec in expand.used.items())
