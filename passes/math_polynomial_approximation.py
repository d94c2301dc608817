"""`math-polynomial-approximation`: `math.exp`, `math.tanh` and `math.powf` /
`math.fpowi` as arith code.

libm's functions are calls, and a loop with a call in it does not vectorize.
This pass (named after MLIR's) rewrites them into straight-line, branch-free
arith: range reduction, polynomials, a few values carried in two doubles, and
selects for the special cases, which LLVM vectorizes like any other
elementwise loop.

Accuracy, measured against extended-precision values over millions of inputs
(`tests/test_math_approximation.py`): `exp` within 0.75 ulp, `pow` within 0.62
(NumPy's own: 0.72 and 0.69), `tanh` within 1.5 (glibc's is 1.9 ulp off at
0.2254). inf, nan, signed zeros, overflow and C99's special cases of `pow` are
exact; subnormal results may round twice. f32 is computed in f64 and rounded.

* exp(hi + lo) = 2^k exp(r), k = round(hi / ln 2), r = hi + lo - k ln 2 in two
  doubles (ln 2 in two parts, so k ln 2 is exact), |r| <= ln(2)/2; exp(r) is
  its Taylor polynomial of degree 13 (truncation error below 2^-57), summed so
  that only the last addition rounds by more than 0.1 ulp. 2^k is applied as
  two factors 2^(k/2) and 2^(k - k/2), so that large and small k do not overflow.
* tanh(x) = sign(x) * e / (e + 2), e = expm1(2|x|) = 2^k (expm1(r) + 1 - 2^-k)
  with the same reduction above 2|x| = 1 and a degree-19 polynomial below; the
  division is corrected by its exact remainder. |x| >= 22 gives 1, |x| < 2^-28 x.
* pow(x, y) = exp(y log|x|): log|x| (see `log_dd`) and the product in two
  doubles, so that y log|x| is good to 2^-64 relative; then the sign of an odd
  integer power and the special cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

from xdsl.context import Context
from xdsl.dialects import arith, builtin, math
from xdsl.dialects.builtin import FloatAttr, f32, f64, i64
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)

from scanjit.passes.support.builder import Builder

LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01  # ln 2 with 32 trailing zero bits: k * LN2_HI is exact
LN2_LO = 1.90821492927058770002e-10
SQRT2 = 1.4142135623730951
TWO_THIRDS = (0.6666666666666666, 3.700743415417188e-17)  # 2/3 as high + low
SHIFTER = 1.5 * 2.0**52  # adding it rounds to an integer, kept in the low mantissa bits


def taylor(degree: int) -> list[float]:
    """expm1's Taylor coefficients 1/2!, ..., 1/degree!."""
    return [1.0 / factorial(n) for n in range(2, degree + 1)]


class FloatBuilder(Builder):
    """Builds arith/math ops computing a result from f64 values, each
    constant once."""

    def __init__(self):
        super().__init__()
        self.constants: dict[str | int, SSAValue] = {}

    def f(self, value: float) -> SSAValue:
        key = value.hex()
        if key not in self.constants:
            self.constants[key] = self.emit(arith.ConstantOp(FloatAttr(value, f64)))
        return self.constants[key]

    def i(self, value: int) -> SSAValue:
        if value not in self.constants:
            self.constants[value] = self.integer(value, i64)
        return self.constants[value]

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

    def addf(self, *terms: SSAValue) -> SSAValue:
        total = terms[0]
        for t in terms[1:]:
            total = self.emit(arith.AddfOp(total, t))
        return total

    def divide(self, n: SSAValue, d: SSAValue, d_low: SSAValue) -> SSAValue:
        """n / (d + d_low), corrected by the exact remainder of n / d."""
        q = self.emit(arith.DivfOp(n, d))
        minus_q = self.emit(arith.NegfOp(q))
        rem = self.fma(minus_q, d_low, self.fma(minus_q, d, n))
        return self.emit(arith.AddfOp(q, self.emit(arith.DivfOp(rem, d))))

    def taylor_tail(self, r: SSAValue, degree: int) -> SSAValue:
        """1/2! + r/3! + ... + r^(degree-2)/degree!, by Horner."""
        coefficients = taylor(degree)
        q = self.f(coefficients[-1])
        for c in reversed(coefficients[:-1]):
            q = self.fma(q, r, self.f(c))
        return q

    def expm1_taylor(self, r: SSAValue, degree: int) -> SSAValue:
        """expm1(r) to degree `degree`: r + r^2 (1/2! + r/3! + ...)."""
        return self.fma(self.mulf(r, r), self.taylor_tail(r, degree), r)


def exp_dd(b: FloatBuilder, hi: SSAValue, lo: SSAValue) -> SSAValue:
    """exp(hi + lo) for |lo| <= ulp(hi), hi in [-746, 710]: 2^k exp(r1 + r2),
    exp(r1 + r2) = 1 + r1 + r1^2 q(r1) + r2 (1 + r1) with 1 + r1 kept exact,
    so that only the last addition rounds by more than 0.1 ulp."""
    k, r_high, r_low = b.reduce(hi, lo)
    r1, r2 = b.two_sum(r_high, r_low)
    one_plus = b.addf(b.f(1.0), r1)
    one_plus_low = b.addf(b.emit(arith.SubfOp(b.f(1.0), one_plus)), r1)  # 1 + r1 == one_plus + low
    tail = b.fma(b.mulf(r1, r1), b.taylor_tail(r1, 13), b.fma(r2, one_plus, one_plus_low))
    p = b.addf(one_plus, tail)
    half = b.emit(arith.ShRSIOp(k, b.i(1)))
    scaled = b.mulf(p, b.pow2(half))  # exact: only the second factor can round
    return b.mulf(scaled, b.pow2(b.emit(arith.SubiOp(k, half))))


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
    one_minus = b.emit(arith.SubfOp(b.f(1.0), b.pow2(b.emit(arith.SubiOp(b.i(0), k)))))
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
    s_high = b.emit(arith.DivfOp(f, d_high))
    minus_s = b.emit(arith.NegfOp(s_high))
    s_low = b.emit(arith.DivfOp(b.fma(minus_s, d_low, b.fma(minus_s, d_high, f)), d_high))

    # s^3 = s_high^3 + 3 s_high^2 s_low, as two doubles
    sq_high, sq_low = b.two_product(s_high, s_high)
    cube_high, cube_low = b.two_product(s_high, sq_high)
    cube_low = b.addf(cube_low, b.mulf(s_high, sq_low), b.mulf(b.mulf(b.f(3.0), sq_high), s_low))
    term3_high, term3_low = b.two_product(b.f(TWO_THIRDS[0]), cube_high)
    term3_low = b.addf(term3_low, b.mulf(b.f(TWO_THIRDS[0]), cube_low),
                       b.mulf(b.f(TWO_THIRDS[1]), cube_high))
    # 2s^5/5 + 2s^7/7 + ... = s^5 (2/5 + 2z/7 + ...), z = s^2 <= 0.0295
    z = sq_high
    series = b.f(2.0 / 27)
    for n in range(25, 3, -2):
        series = b.fma(series, z, b.f(2.0 / n))
    rest = b.mulf(b.mulf(b.mulf(s_high, z), z), series)

    high, low = b.two_sum(b.mulf(s_high, b.f(2.0)), term3_high)
    low = b.addf(low, b.mulf(s_low, b.f(2.0)), term3_low, rest)
    e = b.emit(arith.SIToFPOp(exponent, f64))
    high, low2 = b.two_sum(b.mulf(e, b.f(LN2_HI)), high)  # e * LN2_HI is exact
    return b.two_sum(high, b.addf(low2, low, b.mulf(e, b.f(LN2_LO))))


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


def _expand(op: Operation, rewriter: PatternRewriter, expansion) -> None:
    """Replace `op` by `expansion` computed in f64 (f32 operands widened, an
    integer exponent converted) and rounded back to op's type."""
    t = op.results[0].type
    if t not in (f64, f32):
        return
    b = FloatBuilder()
    args = [x if x.type == f64 else
            b.emit(arith.ExtFOp(x, f64) if x.type == f32 else arith.SIToFPOp(x, f64))
            for x in op.operands]
    result = expansion(b, *args)
    if t != f64:
        result = b.emit(arith.TruncFOp(result, t))
    rewriter.replace(op, b.ops, [result])


EXPANSIONS = {math.ExpOp: exp, math.TanhOp: tanh, math.PowFOp: pow_, math.FPowIOp: pow_}


class ExpandMath(RewritePattern):
    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /):
        if type(op) in EXPANSIONS:
            _expand(op, rewriter, EXPANSIONS[type(op)])


@dataclass(frozen=True)
class MathPolynomialApproximationPass(ModulePass):
    name = "math-polynomial-approximation"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        PatternRewriteWalker(ExpandMath(), apply_recursively=False).rewrite_module(op)
