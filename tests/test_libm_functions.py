"""The elementwise functions computed by the C library (tan, sinh, cosh, the
inverse trigonometric and hyperbolic functions, arctan2, exp2, log2, log10)
and the small functions PyTensor builds from others (isfinite, isposinf,
isneginf, deg2rad, rad2deg, iround, divmod, nan_to_num, power and the
comparison and bitwise aliases): values against NumPy, dtypes against
PyTensor (when installed), compiled, in mode="py" and in a scan step."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from test_math_functions import EDGES, assert_close

UNARY = ("tan", "sinh", "cosh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "exp2",
         "log2", "log10")


def inputs(dtype):
    rng = np.random.default_rng(3)
    xs = np.concatenate([EDGES, rng.uniform(-1, 1, 500), rng.uniform(-30, 30, 500), rng.uniform(1, 700, 200)])
    return xs[np.abs(xs) < 1e30].astype(dtype) if dtype == "float32" else xs


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", [None, "py"])
def test_unary_values_and_edges(dtype, mode):
    x = pt.tensor("x", dtype=dtype, shape=(None,))
    xs = inputs(dtype)
    results = pytensor.function([x], [getattr(pt, name)(x) for name in UNARY], mode=mode)(xs)
    for name, got in zip(UNARY, results):
        with np.errstate(all="ignore"):
            expected = getattr(np, name)(xs.astype(np.float64)).astype(dtype)
        assert got.dtype == dtype, name
        assert_close(got, expected, 1 if dtype == "float64" else 0)


def test_arctan2_quadrants_and_zeros():
    a, b = pt.dvectors("a", "b")
    values = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-300])
    av, bv = (g.ravel() for g in np.meshgrid(values, values))
    got = pytensor.function([a, b], pt.arctan2(a, b))(av, bv)
    assert_close(got, np.arctan2(av, bv), 1)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "bool", "float32"])
def test_dtypes_as_pytensor(dtype):
    x = pt.tensor("x", dtype=dtype, shape=(None,))
    ours = [getattr(pt, name)(x).dtype for name in UNARY] + [pt.deg2rad(x).dtype, pt.rad2deg(x).dtype]
    assert ours[:len(UNARY)] == [pt.exp(x).dtype] * len(UNARY)  # float32 for int8, int16, bool
    ptensor = pytest.importorskip("pytensor.tensor")
    y = ptensor.tensor("y", dtype=dtype, shape=(None,))
    theirs = [getattr(ptensor, name)(y).dtype for name in UNARY] + [ptensor.deg2rad(y).dtype,
                                                                    ptensor.rad2deg(y).dtype]
    assert ours == theirs


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_composed_functions(mode, dtype):
    x = pt.tensor("x", dtype=dtype, shape=(None,))
    xs = (np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 2.5, -3.5, 7.0, 1e300]) if dtype == "float64"
          else np.array([0, -7, 7, 2**31 - 1, -2**31], dtype))
    q, r = pt.divmod(x, 3)
    got = pytensor.function([x], [pt.isfinite(x), pt.isposinf(x), pt.isneginf(x), pt.nan_to_num(x),
                                  pt.nan_to_num(x, nan=-1.0, posinf=9.0, neginf=-9.0), q, r,
                                  pt.power(x, 2)], mode=mode)(xs)
    with np.errstate(all="ignore"):
        expected = [np.isfinite(xs), np.isposinf(xs), np.isneginf(xs), np.nan_to_num(xs),
                    np.nan_to_num(xs, nan=-1.0, posinf=9.0, neginf=-9.0), xs // 3, xs % 3, xs**2]
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype
        np.testing.assert_array_equal(g, e)


def test_iround_deg2rad_rad2deg():
    x = pt.dvector("x")
    xs = np.array([0.5, 1.5, 2.5, -0.5, -2.7, 180.0])
    f = pytensor.function([x], [pt.iround(x), pt.iround(x, "half_away_from_zero"), pt.deg2rad(x),
                                pt.rad2deg(x)])
    r, away, rad, deg = f(xs)
    assert r.dtype == away.dtype == np.int64
    np.testing.assert_array_equal(r, np.round(xs).astype(np.int64))
    np.testing.assert_array_equal(away, [1, 2, 3, -1, -3, 180])
    np.testing.assert_allclose(rad, np.deg2rad(xs), rtol=1e-15)
    np.testing.assert_allclose(deg, np.rad2deg(xs), rtol=1e-15)


def test_aliases_are_the_same_functions():
    assert (pt.equal, pt.not_equal, pt.less, pt.less_equal, pt.greater, pt.greater_equal) == \
        (pt.eq, pt.neq, pt.lt, pt.le, pt.gt, pt.ge)
    assert (pt.floor_div, pt.bitwise_and, pt.bitwise_or, pt.bitwise_xor, pt.bitwise_not) == \
        (pt.int_div, pt.and_, pt.or_, pt.xor, pt.invert)
    assert pt.log1pexp is pt.softplus


def test_in_a_scan_step():
    xs = pt.dvector("xs")
    ys = pytensor.scan(lambda v: pt.log10(pt.cosh(v)) + pt.arctan2(v, 2.0), sequences=[xs],
                       return_updates=False)
    values = np.linspace(-5, 5, 11)
    got = pytensor.function([xs], ys)(values)
    np.testing.assert_allclose(got, np.log10(np.cosh(values)) + np.arctan2(values, 2.0), rtol=1e-15)
