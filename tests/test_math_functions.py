"""The elementwise math functions (sigmoid, softplus, log1p, expm1, log1mexp,
logaddexp, erf, erfc, erfinv, gammaln, psi, tri_gamma, the Bessel functions
i0, i1, j0, j1, square, reciprocal, clip, floor,
ceil, round, trunc, sign, isnan, isinf) and PyTensor's rules for the older
ones: values against NumPy, Python's math module and SciPy (when installed)
on random and edge inputs, dtypes against PyTensor (when installed),
compiled, in mode="py" and in a scan step. Their accuracy in ulps is
tests/test_math_approximation.py's."""

import decimal
import math
from functools import cache

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

DTYPES = ("bool", "int8", "int16", "int32", "int64", "float32", "float64")
EDGES = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e-310, 2.0**-1022, 1e-300,
                  -1e-300, 1e-20, -1e-20, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 2.5, -3.5, 37.0, -37.0,
                  40.0, -40.0, 709.8, -745.2, 1e300, -1e300])


def _math(fn, on_error=math.inf):
    def on_arrays(x):
        def safe(v):
            try:
                return fn(v)
            except (ValueError, OverflowError):
                return on_error
        return np.vectorize(safe, otypes=[float])(np.asarray(x, float))
    return on_arrays


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def _log1mexp(x):
    with np.errstate(all="ignore"):
        return np.where(x < -np.log(2), np.log1p(-np.exp(x)), np.log(-np.expm1(x)))


# name: (scanjit function, reference without SciPy, relative tolerance in ulps)
UNARY = {
    "sigmoid": (pt.sigmoid, _sigmoid, 4), "softplus": (pt.softplus, lambda x: np.logaddexp(0, x), 4),
    "log1p": (pt.log1p, np.log1p, 2), "expm1": (pt.expm1, np.expm1, 2),
    "log1mexp": (pt.log1mexp, _log1mexp, 4), "erf": (pt.erf, _math(math.erf), 1),
    "erfc": (pt.erfc, _math(math.erfc), 1), "gammaln": (pt.gammaln, _math(math.lgamma), 8),
    "reciprocal": (pt.reciprocal, np.reciprocal, 0), "square": (pt.square, np.square, 0),
    "floor": (pt.floor, np.floor, 0), "ceil": (pt.ceil, np.ceil, 0), "trunc": (pt.trunc, np.trunc, 0),
    "round": (pt.round, np.round, 0), "sign": (pt.sign, np.sign, 0),
}


def assert_close(got, expected, ulps, floor=0.0):
    """Equal NaNs, infinities and zeros (with their signs), other values within
    `ulps` ulps of `expected`, or of `floor` where |expected| is smaller (and
    of the smallest normal number: subnormal results may round twice)."""
    got, expected = np.asarray(got), np.asarray(expected, dtype=got.dtype)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    exact = ~np.isfinite(expected) | (expected == 0)
    np.testing.assert_array_equal(got[exact], expected[exact])
    np.testing.assert_array_equal(np.signbit(got[exact & ~np.isnan(got)]),
                                  np.signbit(expected[exact & ~np.isnan(got)]))
    finite = np.isfinite(expected) & ~exact
    scale = np.maximum(np.abs(expected[finite]), max(floor, np.finfo(got.dtype).tiny))
    tolerance = (ulps + 0.5) * np.spacing(scale.astype(got.dtype))
    assert np.all(np.abs(got[finite] - expected[finite]) <= tolerance), \
        (got[finite][np.abs(got[finite] - expected[finite]) > tolerance],
         expected[finite][np.abs(got[finite] - expected[finite]) > tolerance])


@cache
def unary_fn(dtype, mode=None):
    x = pt.tensor("x", dtype=dtype, shape=(None,))
    return pytensor.function([x], [fn(x) for fn, _, _ in UNARY.values()], mode=mode)


def inputs(n=2000):
    rng = np.random.default_rng(11)
    return np.concatenate([EDGES, rng.uniform(-3, 3, n), rng.uniform(-50, 50, n),
                           np.exp(rng.uniform(-700, 700, n)) * rng.choice([-1, 1], n)])


@pytest.mark.parametrize("mode", [None, "py"])
def test_float64_values_and_edges(mode):
    xs = inputs()
    for name, result in zip(UNARY, unary_fn("float64", mode)(xs)):
        _, reference, ulps = UNARY[name]
        with np.errstate(all="ignore"):
            expected = reference(xs)
        assert result.dtype == np.float64, name
        if name == "gammaln":  # Python's lgamma is its own (Lanczos): near lgamma's zeros they differ
            assert_close(result, expected, 8 if mode is None else 0, floor=1.0)
        else:
            assert_close(result, expected, ulps)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", [None, "py"])
def test_gamma(dtype, mode):
    """C's tgamma (computed in float64), against Python's gamma where it is
    finite (each its own approximation: within 8 ulps), and C99's values at
    the poles, the infinities and past the largest finite value."""
    x = pt.tensor("x", dtype=dtype, shape=(None,))
    f = pytensor.function([x], pt.gamma(x), mode=mode)
    largest = 170 if dtype == "float64" else 34  # gamma's last finite arguments
    xs = inputs()
    xs = xs[(np.abs(xs) < largest) & (np.abs(xs) > 1e-30)].astype(dtype)
    xs = xs[xs != np.round(xs)]
    expected = np.array([math.gamma(v) for v in xs.astype(np.float64)]).astype(dtype)
    assert_close(f(xs), expected, 8 if mode is None and dtype == "float64" else 0)
    edges = np.array([0.0, -0.0, -1.0, -40.0, np.inf, -np.inf, np.nan, 172.0, 5.0], dtype)
    want = [np.inf, -np.inf, np.nan, np.nan, np.inf, np.nan, np.nan, np.inf, 24.0]
    assert_close(f(edges), np.array(want, dtype), 0)
    assert pt.gamma(pt.lvector()).dtype == "float64" and pt.gamma(pt.bvector()).dtype == "float32"


@pytest.mark.parametrize("mode", [None, "py"])
def test_erfcx(mode):
    """exp(x^2) erfc(x): against SciPy's (Faddeeva's) where it is accurate, and
    below -6 against 2 exp(x^2) - erfcx(-x) in long double, where SciPy's
    loses x^2's rounding error (up to 470 ulps) and scanjit's is within 2."""
    special = pytest.importorskip("scipy.special")
    x = pt.dvector("x")
    f = pytensor.function([x], pt.erfcx(x), mode=mode)
    rng = np.random.default_rng(8)
    positive = np.concatenate([rng.uniform(0, 30, 3000), np.exp(rng.uniform(-20, 600, 1000)), [24.999, 25.0, 1e300]])
    assert_close(f(positive), special.erfcx(positive), 8)
    assert_close(f(-positive[positive < 6]), special.erfcx(-positive[positive < 6]), 32)
    negative = rng.uniform(-26.6, -6, 2000)
    exact = (2 * np.exp(np.longdouble(negative) ** 2) - special.erfcx(-negative)).astype(np.float64)
    assert_close(f(negative), exact, 2)
    ends = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -26.7, -27.5])
    assert_close(f(ends), special.erfcx(ends), 0)


@pytest.mark.parametrize("mode", [None, "py"])
def test_erfcinv(mode):
    """erfc's inverse against SciPy's: within 6 ulps from 1e-100 to 2, 20 in
    the deep tail below; its ends and NaNs outside [0, 2] exactly."""
    special = pytest.importorskip("scipy.special")
    x = pt.dvector("x")
    f = pytensor.function([x], pt.erfcinv(x), mode=mode)
    rng = np.random.default_rng(9)
    for y, ulps in [(np.concatenate([rng.uniform(0, 2, 5000), 1 + rng.uniform(-1e-8, 1e-8, 500),
                                     2 - np.exp(rng.uniform(-36, 0, 1000)), np.exp(rng.uniform(-230, 0, 1000))]), 6),
                    (np.exp(rng.uniform(-690, -230, 1000)), 20)]:
        assert_close(f(y), special.erfcinv(y), ulps)
    ends = np.array([0.0, 2.0, -0.1, 2.1, np.nan, np.inf])
    np.testing.assert_array_equal(f(ends), [np.inf, -np.inf, np.nan, np.nan, np.nan, np.nan])


def _bessel_series(kind, v, x):
    """I_v(x) or J_v(x) from its power series in 60-digit decimals: exact to the
    last bit of a double for |x| <= 30 (J's terms grow to 1e12 before they cancel)."""
    with decimal.localcontext() as context:
        context.prec = 60
        half, total, k = decimal.Decimal(x) / 2, decimal.Decimal(0), 0
        while True:
            term = half ** (2 * k + v) / (math.factorial(k) * math.factorial(k + v)) * (-1 if kind == "j" else 1) ** k
            total += term
            if k > 10 and abs(term) < abs(total) * decimal.Decimal(10) ** -40:
                return float(total)
            k += 1


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_bessel(mode, dtype):
    """i0, i1 (scanjit's series, computed in float64) within 16 ulps of the
    exact values and NumPy's i0; j0, j1 (C's) within 2e-16 of them; their
    values at 0, the infinities and NaN; float32 rounded from float64; and
    against SciPy where installed, i0 and i1 finite past 709.78, where SciPy's overflow."""
    x = pt.tensor("x", dtype=dtype, shape=(None,))
    f = pytensor.function([x], [pt.i0(x), pt.i1(x), pt.j0(x), pt.j1(x)], mode=mode)
    rng = np.random.default_rng(11)
    xs = np.concatenate([rng.uniform(-30, 30, 60), [17.999, 18.0, -18.0, 1e-5, 0.5]]).astype(dtype)
    exact = {(kind, v): np.array([_bessel_series(kind, v, float(value)) for value in xs])
             for kind in "ij" for v in (0, 1)}
    i0, i1, j0, j1 = f(xs)
    ulps = 16 if dtype == "float64" else 0
    assert_close(i0, exact["i", 0].astype(dtype), ulps)
    assert_close(i1, exact["i", 1].astype(dtype), ulps)
    for got, want in ((j0, exact["j", 0]), (j1, exact["j", 1])):
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, want.astype(dtype), rtol=0, atol=2e-16 if dtype == "float64" else 6e-8)
    largest = 709 if dtype == "float64" else 88  # where i0 is finite in the dtype
    wide = rng.uniform(-largest, largest, 2000).astype(dtype)
    assert_close(f(wide)[0], np.i0(wide.astype(np.float64)).astype(dtype), ulps)
    ends = np.array([0.0, -0.0, np.inf, -np.inf, np.nan], dtype)
    for got, want in zip(f(ends), ([1, 1, np.inf, np.inf, np.nan], [0.0, -0.0, np.inf, -np.inf, np.nan],
                                   [1, 1, 0, 0, np.nan], [0.0, -0.0, 0.0, -0.0, np.nan])):
        assert_close(got, np.array(want, dtype), 0)
    assert pt.i0(pt.lvector()).dtype == "float64" and pt.j1(pt.bvector()).dtype == "float32"
    special = pytest.importorskip("scipy.special")
    if dtype == "float64":
        far = np.concatenate([rng.uniform(-709, 709, 2000), np.exp(rng.uniform(-30, 6.5, 1000))])
        i0, i1, _, _ = f(far)
        assert_close(i0, special.i0(far), 16)
        assert_close(i1, special.i1(far), 16)
        beyond = f(np.array([710.0, 713.9, 714.0]))[0]
        assert np.all(np.isfinite(beyond[:2])) and beyond[2] == np.inf
        assert_close(beyond[:2], np.exp(np.longdouble([710.0, 713.9])) * special.i0e([710.0, 713.9]), 16)


def test_bessel_inside_a_scan_step():
    """i0, i1, j0 and j1 in a recurrence's step, compiled and in mode="py",
    against the step in exact decimals."""
    x, h0 = pt.dvector("x"), pt.dscalar("h0")
    h, _ = pytensor.scan(lambda v, h: 0.5 * h + 0.1 * (pt.i0(v) - pt.i1(v + h) * pt.j0(v) + pt.j1(3 * h)),
                         sequences=[x], outputs_info=[h0])
    xs = np.random.default_rng(5).uniform(-4, 4, 30)
    expected, state = [], 0.2
    for v in xs:
        state = 0.5 * state + 0.1 * (_bessel_series("i", 0, v) - _bessel_series("i", 1, v + state)
                                     * _bessel_series("j", 0, v) + _bessel_series("j", 1, 3 * state))
        expected.append(state)
    for mode in (None, "py"):
        np.testing.assert_allclose(pytensor.function([x, h0], h, mode=mode)(xs, 0.2), expected, rtol=1e-13)


def test_float32_is_computed_in_float64_and_rounded():
    xs = inputs()
    xs = xs[np.abs(xs) < 1e30].astype(np.float32)
    for name, result in zip(UNARY, unary_fn("float32")(xs)):
        _, reference, _ = UNARY[name]
        with np.errstate(all="ignore"):
            expected = reference(xs.astype(np.float64)).astype(np.float32)
        assert result.dtype == np.float32, name
        assert_close(result, expected, 0, floor=1.0 if name == "gammaln" else 0.0)


def test_scipy_functions():
    special = pytest.importorskip("scipy.special")
    x = pt.dvector("x")
    rng = np.random.default_rng(5)
    xs = np.concatenate([EDGES, rng.uniform(-1, 1, 3000), 1 - np.exp(rng.uniform(-36, 0, 1000)),
                         rng.uniform(0, 30, 3000), rng.uniform(-30, 0, 300)])
    got = pytensor.function([x], [pt.erfinv(x), pt.psi(x), pt.sigmoid(x), pt.gammaln(x)])(xs)
    with np.errstate(all="ignore"):
        nonzero = xs != 0  # erfinv(-0) is -0, as erf(-0); SciPy's is +0
        assert_close(got[0][nonzero], special.erfinv(xs[nonzero]), 4)  # SciPy's is 2.4 ulp from exact
        positive = xs > 0  # below 0 psi loses digits near its zeros, SciPy's too
        assert_close(got[1][positive], special.psi(xs[positive]), 4)
        assert_close(got[2], special.expit(xs), 3)  # SciPy's is 2.4 ulp from the exact value
        # glibc's against Cephes's, but for lgamma(-inf) (C99: +inf) and of subnormals (finite)
        usual = np.isfinite(xs) & (np.abs(xs) > 1e-300)
        assert_close(got[3][usual], special.gammaln(xs[usual]), 8, floor=1.0)
    specials = np.array([0.0, -0.0, -1.0, -2.0, np.inf, -np.inf, np.nan, 1e-300, 5e-324, -0.5])
    assert_close(pytensor.function([x], pt.psi(x))(specials), special.psi(specials), 1)
    ends = np.array([1.0, -1.0, 1.5, -1.5, np.inf, np.nan, 0.0, -0.0])
    got = pytensor.function([x], pt.erfinv(x))(ends)
    np.testing.assert_array_equal(got, special.erfinv(ends))
    np.testing.assert_array_equal(np.signbit(got[-2:]), [False, True])


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes_of_integer_and_bool_inputs(dtype):
    """Float functions of ints: float32 up to int16, else float64; floor and
    sign of ints as PyTensor; isnan / isinf of ints are False."""
    x = pt.tensor("x", dtype=dtype, shape=(None,))
    value = np.array([0, 1, 1, 0]).astype(dtype) if dtype == "bool" else np.array([-3, 0, 2, 5]).astype(dtype)
    float_dtype = "float32" if dtype in ("bool", "int8", "int16", "float32") else "float64"
    outputs = [pt.sigmoid(x), pt.log1p(pt.abs(x)), pt.erf(x), pt.gammaln(x), pt.floor(x),
               pt.reciprocal(x), pt.square(x), pt.isnan(x), pt.isinf(x)]
    f = pytensor.function([x], outputs)
    results = f(value)
    for out, result in zip(outputs[:6], results):
        assert out.dtype == float_dtype and result.dtype == np.dtype(float_dtype)
    wide = value.astype(np.float64)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(results[0], _sigmoid(wide), rtol=1e-6)
        np.testing.assert_array_equal(results[4], np.floor(wide))
        np.testing.assert_array_equal(results[5], (1 / wide).astype(float_dtype))
    assert results[6].dtype == np.dtype(dtype)
    np.testing.assert_array_equal(results[6], np.square(value))
    np.testing.assert_array_equal(results[7], np.isnan(wide))
    assert results[7].dtype == np.bool_ and results[8].dtype == np.bool_


def test_dtypes_as_pytensor():
    ref = pytest.importorskip("pytensor.tensor")
    unary = ["sigmoid", "expit", "softplus", "log1p", "expm1", "log1mexp", "erf", "erfc", "erfinv",
             "gammaln", "psi", "tri_gamma", "square", "sqr", "sqrt", "reciprocal", "floor", "ceil", "round", "trunc",
             "sign", "abs", "isnan", "isinf", "invert", "neg", "exp", "i0", "i1", "j0", "j1"]
    binary = ["logaddexp", "maximum", "minimum", "mod", "int_div", "pow", "true_div", "and_", "or_", "xor",
              "lt", "eq"]
    for dtype in DTYPES:
        for name in unary + binary:
            args = [1 if name in unary else 2]
            try:
                want = getattr(ref, name)(*[ref.vector(dtype=dtype)] * args[0]).dtype
            except TypeError:
                with pytest.raises(TypeError, match="is not defined on"):
                    getattr(pt, name)(*[pt.vector(dtype=dtype)] * args[0])
                continue
            assert getattr(pt, name)(*[pt.vector(dtype=dtype)] * args[0]).dtype == want, (name, dtype)
    assert pt.clip(pt.bvector(), 0, 300).dtype == ref.clip(ref.bvector(), 0, 300).dtype == "int16"
    assert pt.logaddexp(pt.bvector(), pt.ivector()).dtype == ref.logaddexp(ref.bvector(), ref.ivector()).dtype


@pytest.mark.parametrize("dtype", ["float64", "int32", "int8"])
def test_clip_as_pytensor(dtype):
    """PyTensor's clip: low where x < low, high where x > high, else x; unlike
    NumPy's, a NaN bound clips nothing and low > high gives low below it."""
    x, low, high = (pt.tensor(n, dtype=dtype, shape=(None,)) for n in ("x", "low", "high"))
    xs = np.array([0, 5, 2, -7, 1, 1, 3]).astype(dtype)
    lows = np.array([3, 3, 3, -2, 0, 0, 1]).astype(dtype)
    highs = np.array([1, 1, 1, 4, 2, 5, 3]).astype(dtype)
    expected = np.array([3, 1, 3, -2, 1, 1, 3]).astype(dtype)
    for mode in (None, "py"):
        np.testing.assert_array_equal(pytensor.function([x, low, high], pt.clip(x, low, high), mode=mode)(
            xs, lows, highs), expected)
    v = pt.dvector("v")
    f = pytensor.function([v], [v.clip(0.0, 1.0), pt.clip(v, np.nan, 1.0), pt.clip(v, 0.0, np.nan)])
    values = np.array([-1.0, 0.5, 2.0, np.nan])
    clipped, no_low, no_high = f(values)
    np.testing.assert_array_equal(clipped, [0.0, 0.5, 1.0, np.nan])
    np.testing.assert_array_equal(no_low, [-1.0, 0.5, 1.0, np.nan])
    np.testing.assert_array_equal(no_high, [0.0, 0.5, 2.0, np.nan])
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    rx, rl, rh = (rpt.vector(n, dtype=dtype) for n in ("x", "low", "high"))
    want = ref.function([rx, rl, rh], rpt.clip(rx, rl, rh), mode="FAST_COMPILE")(xs, lows, highs)
    np.testing.assert_array_equal(want, expected)


def test_round_modes_and_sign():
    x = pt.dvector("x")
    xs = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, -0.0, 0.0, np.nan, np.inf, -np.inf,
                   3.7, -3.7, 2.0**52 + 1])
    f = pytensor.function([x], [pt.round(x), x.round("half_away_from_zero"), pt.sign(x), pt.trunc(x)])
    even, away, sign, trunc = f(xs)
    np.testing.assert_array_equal(even, np.round(xs))
    np.testing.assert_array_equal(away, [1.0, 2.0, 3.0, -1.0, -3.0, 0.0, -0.0, 0.0, np.nan, np.inf, -np.inf,
                                         4.0, -4.0, 2.0**52 + 1])
    numbers = ~np.isnan(xs)
    np.testing.assert_array_equal(np.signbit(away[numbers]), np.signbit(np.trunc(xs[numbers])))
    np.testing.assert_array_equal(sign, np.sign(xs))
    np.testing.assert_array_equal(np.signbit(sign[numbers]), np.signbit(np.sign(xs[numbers])))
    np.testing.assert_array_equal(trunc, np.trunc(xs))
    i = pt.bvector("i")
    np.testing.assert_array_equal(pytensor.function([i], pt.sign(i))(np.array([-128, -1, 0, 7], "int8")),
                                  np.array([-1, -1, 0, 1], "int8"))
    with pytest.raises(ValueError, match="round mode banker"):
        pt.round(x, "banker")


@pytest.mark.parametrize("build", [lambda: pt.round(pt.ivector()), lambda: pt.sign(pt.vector(dtype="bool")),
                                   lambda: pt.invert(pt.dvector()), lambda: pt.and_(pt.fvector(), pt.ivector()),
                                   lambda: -pt.vector(dtype="bool")])
def test_undefined_dtypes_raise_type_error(build):
    with pytest.raises(TypeError, match="is not defined on"):
        build()


def test_pow_of_bools_is_int8():
    a, b = pt.vector("a", dtype="bool"), pt.vector("b", dtype="bool")
    out = a ** b
    assert out.dtype == "int8"
    got = pytensor.function([a, b], out)(np.array([True, True, False, False]), np.array([True, False, True, False]))
    np.testing.assert_array_equal(got, np.array([1, 1, 0, 1], "int8"))


def test_logaddexp():
    a, b, c = pt.dvector("a"), pt.dvector("b"), pt.dvector("c")
    inf, nan = np.inf, np.nan
    xs = np.array([0.0, 1.0, -inf, inf, inf, -inf, nan, 1e308, -1000.0, 3.0, 700.0])
    ys = np.array([0.0, 2.0, -inf, inf, -inf, 5.0, 1.0, 1e308, -1000.5, -800.0, 700.0])
    f = pytensor.function([a, b, c], [pt.logaddexp(a, b), pt.logaddexp(a, b, c)])
    two, three = f(xs, ys, ys)
    with np.errstate(invalid="ignore"):
        assert_close(two, np.logaddexp(xs, ys), 1)
        assert_close(three, np.logaddexp(np.logaddexp(xs, ys), ys), 2)
    f32 = pytensor.function([a], pt.logaddexp(a.astype("float32"), np.float32(1)))
    assert f32(np.array([0.5])).dtype == np.float32


def test_isnan_isinf_of_floats():
    x = pt.fvector("x")
    xs = np.array([0.0, np.nan, np.inf, -np.inf, 3e38, -1.0], "float32")
    isnan, isinf = pytensor.function([x], [pt.isnan(x), pt.isinf(x)])(xs)
    np.testing.assert_array_equal(isnan, np.isnan(xs))
    np.testing.assert_array_equal(isinf, np.isinf(xs))


def test_switch_and_where_broadcast_as_pytensor():
    c, a, m = pt.ivector("c"), pt.fvector("a"), pt.dmatrix("m")
    outs = [pt.where(c, a, 0), pt.switch(c, a, 0.1), pt.where(c, a, m), pt.switch(m > 0, 1, 2)]
    assert [o.dtype for o in outs] == ["float32", "float64", "float64", "int8"]
    cv, av = np.array([0, 2, -1], "int32"), np.array([1.5, 2.5, 3.5], "float32")
    mv = np.arange(6.0).reshape(2, 3) - 2
    got = pytensor.function([c, a, m], outs)(cv, av, mv)
    for result, expected in zip(got, [np.where(cv, av, np.float32(0)), np.where(cv, av, np.float64(0.1)),
                                      np.where(cv, av, mv), np.where(mv > 0, 1, 2).astype("int8")]):
        np.testing.assert_array_equal(result, expected)
        assert result.dtype == expected.dtype
    with pytest.raises(NotImplementedError, match="nonzero"):
        pt.where(c)
    with pytest.raises(ValueError, match="both or neither"):
        pt.where(c, a)
    ref = pytest.importorskip("pytensor.tensor")
    assert [o.dtype for o in [ref.where(ref.ivector(), ref.fvector(), 0), ref.switch(ref.ivector(), ref.fvector(), 0.1),
                              ref.switch(ref.dmatrix() > 0, 1, 2)]] == ["float32", "float64", "int8"]


def test_inside_a_scan_step():
    """Every new function in a step, compiled and in mode="py", against NumPy
    (and for erfinv, psi and tri_gamma the reference interpreter, itself against SciPy)."""
    x, h0 = pt.dvector("x"), pt.dscalar("h0")

    def step(v, h):
        a = pt.sigmoid(v + h) + pt.softplus(v) - pt.log1p(pt.abs(v)) + pt.expm1(-pt.abs(v))
        b = pt.log1mexp(-pt.abs(v) - 1) + pt.erf(v) * pt.erfc(v) + pt.gammaln(pt.abs(v) + 1)
        c = pt.clip(pt.round(v * 3), -2, 2) + pt.sign(v) + pt.floor(v) - pt.ceil(v) + pt.trunc(v)
        d = pt.logaddexp(v, h) + pt.erfinv(pt.tanh(v)) + pt.psi(pt.abs(v) + 0.5) + pt.reciprocal(pt.square(v) + 1) \
            + pt.tri_gamma(v)
        return (a + b + c + d) * 0.01 + pt.switch(pt.isnan(v) | pt.isinf(v), 0.0, h) * 0.5

    h, _ = pytensor.scan(step, sequences=[x], outputs_info=[h0])
    xs = np.random.default_rng(3).uniform(-2, 2, 50)
    inverse, digamma, trigamma = pytensor.function(
        [x], [pt.erfinv(pt.tanh(x)), pt.psi(abs(x) + 0.5), pt.tri_gamma(x)], mode="py")(xs)
    erf, erfc, lgamma = np.vectorize(math.erf), np.vectorize(math.erfc), np.vectorize(math.lgamma)
    expected, state = [], 0.1
    for v, erfinv_v, psi_v, trigamma_v in zip(xs, inverse, digamma, trigamma):
        a = _sigmoid(v + state) + np.logaddexp(0, v) - np.log1p(abs(v)) + np.expm1(-abs(v))
        b = _log1mexp(-abs(v) - 1) + erf(v) * erfc(v) + lgamma(abs(v) + 1)
        c = np.clip(np.round(v * 3), -2, 2) + np.sign(v) + np.floor(v) - np.ceil(v) + np.trunc(v)
        d = np.logaddexp(v, state) + erfinv_v + psi_v + 1 / (v * v + 1) + trigamma_v
        state = (a + b + c + d) * 0.01 + state * 0.5
        expected.append(state)
    for mode in (None, "py"):
        np.testing.assert_allclose(pytensor.function([x, h0], h, mode=mode)(xs, 0.1), expected, rtol=1e-13)
    special = pytest.importorskip("scipy.special")
    np.testing.assert_allclose(inverse, special.erfinv(np.tanh(xs)), rtol=1e-15)
    np.testing.assert_allclose(digamma, special.psi(abs(xs) + 0.5), rtol=1e-14)
    np.testing.assert_allclose(trigamma, special.polygamma(1, xs), rtol=1e-14)


def test_map_of_new_functions_runs_in_parallel():
    """sj's scalar functions (sigmoid, lgamma_r, ...) may run in parallel parts."""
    x = pt.dmatrix("x")
    rows, _ = pytensor.scan(lambda r: pt.sigmoid(r) * pt.gammaln(r + 3) + pt.erfinv(r / 9), sequences=[x])
    f = pytensor.function([x], rows)
    assert "scanjit_parallel_for" in f.dump("llvm") and "lgamma_r" in f.dump("llvm")
    xs = np.random.default_rng(2).uniform(0, 5, (3000, 8))
    np.testing.assert_allclose(f(xs), pytensor.function([x], rows, mode="py")(xs), rtol=1e-13)


def test_modules_mirror_pytensor_names():
    assert pt.special.expit is pt.expit is pt.sigmoid is pt.nnet.sigmoid
    assert pt.nnet.softplus is pt.softplus and pt.nnet.softmax is pt.special.softmax
    assert pt.nnet.log_softmax is pt.special.log_softmax and pt.special.gammaln is pt.gammaln
    assert pt.sqr is pt.square and pt.digamma is pt.psi and pt.extra_ops.cumsum is pt.cumsum
