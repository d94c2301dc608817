"""Every tensor op, compiled with scanjit.function, against NumPy: values,
result dtypes (PyTensor's rules), shapes incl. lengths 0 and 1, and errors."""

import operator
import re
from functools import cache

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

RNG = np.random.default_rng()
FLOATS = ("float64", "float32")
INTS = ("int64", "int32")
LENGTHS = (0, 1, 7)


@pytest.fixture(autouse=True)
def seeded():
    """Each test draws the same numbers whatever ran before it."""
    global RNG
    RNG = np.random.default_rng(20240601)


def random(dtype, shape, low=-5, high=5):
    if dtype == "bool":
        return RNG.random(shape) < 0.5
    if dtype.startswith("int"):
        return RNG.integers(low, high + 1, shape).astype(dtype)
    return RNG.uniform(low, high, shape).astype(dtype)


def check(result, expected, dtype=None, rtol=1e-12):
    """Same dtype (`dtype`, else NumPy's), shape and values (NaNs equal)."""
    expected = np.asarray(expected)
    result = np.asarray(result)
    assert result.dtype == np.dtype(dtype or expected.dtype)
    assert result.shape == expected.shape
    if result.dtype.kind == "f":
        rtol = max(rtol, 1e-5) if result.dtype == np.float32 else rtol
        finite = np.abs(expected[np.isfinite(expected)])
        atol = rtol * max(1.0, float(finite.max(initial=0.0)))
        np.testing.assert_allclose(result, expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(result, expected.astype(result.dtype))


def vec(dtype, name="x"):
    return pt.tensor(name, dtype=dtype, shape=(None,))


@cache
def unary_fn(op, dtype, ndim=1):
    x = pt.tensor("x", dtype=dtype, shape=(None,) * ndim)
    return pytensor.function([x], op(x))


@cache
def binary_fn(op, dtype_a, dtype_b, shape_a=(None,), shape_b=(None,)):
    a = pt.tensor("a", dtype=dtype_a, shape=shape_a)
    b = pt.tensor("b", dtype=dtype_b, shape=shape_b)
    return pytensor.function([a, b], op(a, b))


# -- elementwise arithmetic ---------------------------------------------------

ARITH = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
         "truediv": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod,
         "pow": operator.pow}


def operands(name, dtype, n):
    a = random(dtype, n)
    if name == "pow":
        exponent = random(dtype, n, 0, 3) if dtype.startswith("int") else random(dtype, n, -2, 2)
        return (np.abs(a) + (dtype.startswith("float"))).astype(dtype), exponent
    b = random(dtype, n)
    if name in ("truediv", "floordiv", "mod") and dtype.startswith("int"):
        b[b == 0] = 3
    return a, b


@cache
def arith_fn(dtype_a, dtype_b):
    """One function computing every ARITH op (one compile per dtype pair)."""
    a, b = vec(dtype_a, "a"), vec(dtype_b, "b")
    return pytensor.function([a, b], [op(a, b) for op in ARITH.values()])


def arith(name, a, b):
    return arith_fn(str(a.dtype), str(b.dtype))(a, b)[list(ARITH).index(name)]


@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize("name", list(ARITH))
@pytest.mark.parametrize("n", LENGTHS)
def test_arithmetic(name, dtype, n):
    a, b = operands(name, dtype, n)
    # PyTensor = NumPy here: int / int is float64, float32 stays float32.
    expected_dtype = "float64" if name == "truediv" and dtype in INTS else dtype
    check(arith(name, a, b), ARITH[name](a, b), expected_dtype)


@pytest.mark.parametrize("name", ["floordiv", "mod"])
def test_floordiv_mod_signs_follow_python(name):
    """Python/NumPy floor semantics for every sign combination."""
    a = np.array([7, -7, 7, -7, 6, -6, 0], "int64")
    b = np.array([2, 2, -2, -2, 3, -3, 5], "int64")
    check(arith(name, a, b), ARITH[name](a, b))
    af, bf = a.astype("float64") + 0.5, b.astype("float64")
    check(arith(name, af, bf), ARITH[name](af, bf))


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("name", ["floordiv", "mod"])
def test_int_division_never_traps(name, dtype):
    """NumPy gives 0 for x // 0 and x % 0, and wraps MIN // -1; native sdiv would SIGFPE."""
    low = np.iinfo(dtype).min
    a = np.array([7, -7, 0, low, low, 5], dtype)
    b = np.array([0, 0, 0, -1, 1, -1], dtype)
    with np.errstate(all="ignore"):
        check(arith(name, a, b), ARITH[name](a, b))


@pytest.mark.parametrize("name", ["add", "mul"])
def test_bool_add_mul_are_or_and(name):
    a = np.array([False, False, True, True])
    b = np.array([False, True, False, True])
    check(binary_fn(ARITH[name], "bool", "bool")(a, b), ARITH[name](a, b), "bool")


@pytest.mark.parametrize("dtype_a,dtype_b", [
    ("int32", "float32"), ("int32", "int64"), ("float32", "float64"), ("int64", "float32"),
    ("bool", "int32"), ("int32", "bool")])
@pytest.mark.parametrize("name", ["add", "mul", "truediv"])
def test_mixed_dtypes_upcast(name, dtype_a, dtype_b):
    a, b = random(dtype_a, 5), random(dtype_b, 5, 1, 5)
    expected = ARITH[name](a, b)
    check(arith(name, a, b), expected, expected.dtype)


@pytest.mark.parametrize("dtype,scalar,expected_dtype", [
    ("float32", 2, "float32"), ("float32", 1.5, "float32"), ("float32", 0.1, "float64"),
    ("int32", 1, "int32"), ("int32", 2 ** 40, "int64"), ("int8", 300, "int16"),
    ("int32", 1.5, "float64"), ("float64", 3, "float64")])
def test_python_scalars_autocast(dtype, scalar, expected_dtype):
    x = vec(dtype)
    out = x * scalar + scalar
    assert out.dtype == expected_dtype
    value = random(dtype, 6, 0, 20)
    expected = value.astype(expected_dtype) * np.asarray(scalar, expected_dtype) + \
        np.asarray(scalar, expected_dtype)
    check(pytensor.function([x], out)(value), expected, expected_dtype, rtol=1e-6)


def test_variadic_add_mul():
    a, b, c = pt.dvector("a"), pt.ivector("b"), pt.dscalar("c")
    f = pytensor.function([a, b, c], [pt.add(a, b, c), pt.mul(a, b, c), pt.add(a)])
    va, vb = random("float64", 4), random("int32", 4)
    total, product, same = f(va, vb, 2.0)
    check(total, va + vb + 2.0)
    check(product, va * vb * 2.0)
    check(same, va)


def test_int_true_div_by_scalar_is_float64():
    x = vec("int32")
    check(pytensor.function([x], x / 2)(np.array([1, 2, 3], "int32")), [0.5, 1.0, 1.5], "float64")


# -- elementwise unary --------------------------------------------------------

UNARY = {"neg": operator.neg, "abs": abs, "tanh": pt.tanh, "exp": pt.exp, "log": pt.log,
         "sqrt": pt.sqrt, "sin": pt.sin, "cos": pt.cos}
NP_UNARY = {"neg": np.negative, "abs": np.abs, "tanh": np.tanh, "exp": np.exp, "log": np.log,
            "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos}


@cache
def unary_all_fn(dtype):
    x = vec(dtype)
    return pytensor.function([x], [op(x) for op in UNARY.values()])


@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("n", LENGTHS)
def test_unary(name, dtype, n):
    x = random(dtype, n, 1, 5) if name in ("log", "sqrt") else random(dtype, n)
    keeps_dtype = name in ("neg", "abs") or dtype in FLOATS
    expected = NP_UNARY[name](x.astype(dtype if keeps_dtype else "float64"))
    result = unary_all_fn(dtype)(x)[list(UNARY).index(name)]
    check(result, expected, dtype if keeps_dtype else "float64")


@pytest.mark.parametrize("dtype,expected", [("int8", "float32"), ("int16", "float32"),
                                            ("bool", "float32"), ("int64", "float64")])
def test_float_functions_of_small_ints_are_float32(dtype, expected):
    x = random(dtype, 4, 0, 3)
    check(unary_fn(pt.exp, dtype)(x), np.exp(x.astype(expected)), expected)


def test_log_sqrt_of_negative_and_zero_follow_ieee():
    with np.errstate(all="ignore"):
        x = np.array([-1.0, 0.0, np.inf, np.nan])
        check(unary_fn(pt.log, "float64")(x), np.log(x))
        check(unary_fn(pt.sqrt, "float64")(x), np.sqrt(x))


# -- comparisons, maximum/minimum, switch ------------------------------------

COMPARE = {"lt": operator.lt, "gt": operator.gt, "le": operator.le, "ge": operator.ge,
           "eq": pt.eq, "neq": pt.neq}
NP_COMPARE = {"lt": np.less, "gt": np.greater, "le": np.less_equal, "ge": np.greater_equal,
              "eq": np.equal, "neq": np.not_equal}


@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("float32", "float32"),
                                    ("int64", "int64"), ("int32", "float64"), ("int32", "int64"),
                                    ("bool", "bool")])
def test_comparisons(dtypes):
    a, b = random(dtypes[0], 12, -2, 2), random(dtypes[1], 12, -2, 2)
    if dtypes[0].startswith("float"):
        a[:2] = np.nan  # every comparison but neq is False with NaN
    results = binary_fn(lambda x, y: [op(x, y) for op in COMPARE.values()], *dtypes)(a, b)
    for name, result in zip(COMPARE, results):
        check(result, NP_COMPARE[name](a, b), "bool")


@pytest.mark.parametrize("dtype", FLOATS + INTS + ("bool",))
def test_maximum_minimum(dtype):
    a, b = random(dtype, 9), random(dtype, 9)
    if dtype in FLOATS:
        a[0] = np.nan  # NumPy propagates NaN
    high, low = binary_fn(lambda x, y: [pt.maximum(x, y), pt.minimum(x, y)], dtype, dtype)(a, b)
    check(high, np.maximum(a, b))
    check(low, np.minimum(a, b))


def test_maximum_of_int_and_float_upcasts():
    a, b = random("int32", 5), random("float32", 5)
    check(binary_fn(pt.maximum, "int32", "float32")(a, b), np.maximum(a, b), "float64")


@cache
def switch_fn(cond_dtype, a_dtype, b_dtype):
    c, a, b = vec(cond_dtype, "c"), vec(a_dtype, "a"), vec(b_dtype, "b")
    return pytensor.function([c, a, b], pt.switch(c, a, b))


@pytest.mark.parametrize("cond_dtype", ["bool", "int32", "float64"])
@pytest.mark.parametrize("branch_dtypes", [("float64", "float64"), ("int32", "float32"),
                                           ("int64", "int64")])
def test_switch(cond_dtype, branch_dtypes):
    c = random(cond_dtype, 10, -1, 1)
    a, b = random(branch_dtypes[0], 10), random(branch_dtypes[1], 10)
    expected = np.where(c, a, b)
    check(switch_fn(cond_dtype, *branch_dtypes)(c, a, b), expected, expected.dtype)


def test_switch_broadcasts_scalar_branches():
    x = pt.dmatrix("x")
    f = pytensor.function([x], pt.switch(x > 0, x, 0.0))
    value = random("float64", (3, 4))
    check(f(value), np.where(value > 0, value, 0.0))


# -- casts --------------------------------------------------------------------

CAST_SOURCES = {
    "float64": np.array([-2.7, -0.5, 0.0, 0.5, 2.7, 100.9]),
    "float32": np.array([-2.7, -0.5, 0.0, 0.5, 2.7, 100.9], "float32"),
    "int64": np.array([-(2 ** 40) - 3, -1, 0, 1, 2 ** 31, 7]),
    "int32": np.array([-(2 ** 31), -1, 0, 1, 2 ** 31 - 1, 7], "int32"),
    "bool": np.array([True, False, True, True, False, False]),
}


CAST_TARGETS = ("float64", "float32", "int64", "int32", "int8", "bool")


@pytest.mark.parametrize("src", list(CAST_SOURCES))
def test_astype(src):
    # Out-of-range float -> int is undefined in C (NumPy too): stay in int8's range.
    value = CAST_SOURCES[src].clip(-100, 100) if src in FLOATS else CAST_SOURCES[src]
    results = unary_fn(lambda x: [x.astype(dst) for dst in CAST_TARGETS], src)(value)
    for dst, result in zip(CAST_TARGETS, results):
        check(result, value.astype(dst), dst)


def test_astype_same_dtype_is_identity():
    x = pt.dvector("x")
    assert x.astype("float64") is x


# -- broadcasting -------------------------------------------------------------

@pytest.mark.parametrize("shape_a,shape_b,value_a,value_b", [
    ((None,), (None, None), (4,), (3, 4)),
    ((None, None), (), (3, 4), ()),
    ((), (None, None), (), (2, 5)),
    ((1, None), (None, None), (1, 4), (3, 4)),
    ((None, 1), (1, None), (3, 1), (1, 5)),
    ((None, 1), (None,), (3, 1), (4,)),
    ((None, None), (None, None), (0, 4), (0, 4)),
    ((1, None), (None, None), (1, 4), (0, 4)),
])
def test_broadcasting(shape_a, shape_b, value_a, value_b):
    a, b = random("float64", value_a), random("float64", value_b)
    f = binary_fn(operator.sub, "float64", "float64", shape_a, shape_b)
    check(f(a, b), a - b)


def test_broadcasting_result_static_shape():
    row = pt.TensorType("float64", (1, None))("row")
    col = pt.TensorType("float64", (None, 1))("col")
    assert (row + col).type.shape == (None, None)
    assert (row + pt.dvector()).type.shape == (1, None)


@pytest.mark.parametrize("shape_a,shape_b,value_a,value_b", [
    ((None,), (None,), (3,), (4,)),
    ((None,), (None, None), (3,), (2, 4)),
    ((None, None), (None, None), (2, 3), (3, 3)),
])
def test_mismatched_elementwise_shapes_raise_value_error(shape_a, shape_b, value_a, value_b):
    f = binary_fn(operator.add, "float64", "float64", shape_a, shape_b)
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.zeros(value_a), np.zeros(value_b))


def test_length_one_does_not_broadcast_unless_static():
    """(None,) is not broadcastable: length 1 against length 3 is an error, as in PyTensor."""
    f = binary_fn(operator.add, "float64", "float64")
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.zeros(1), np.zeros(3))


def test_static_shape_mismatch_is_caught_while_building():
    with pytest.raises(ValueError, match="cannot be broadcast"):
        pt.TensorType("float64", (3,))("a") + pt.TensorType("float64", (4,))("b")


def test_static_shape_is_checked_on_call():
    row = pt.TensorType("float64", (1, None))("row")
    f = pytensor.function([row], row * 2)
    with pytest.raises(ValueError, match="'row' has static length 1 on axis 0, got 2"):
        f(np.zeros((2, 3)))


# -- dot ----------------------------------------------------------------------

DOT_SHAPES = {"vv": ((5,), (5,)), "vm": ((5,), (5, 3)), "mv": ((4, 5), (5,)), "mm": ((4, 5), (5, 3))}


@cache
def dot_fn(kind, dtype_a="float64", dtype_b="float64"):
    sa, sb = DOT_SHAPES[kind]
    a = pt.tensor("a", dtype=dtype_a, shape=(None,) * len(sa))
    b = pt.tensor("b", dtype=dtype_b, shape=(None,) * len(sb))
    return pytensor.function([a, b], [a @ b, pt.dot(a, b)])


@pytest.mark.parametrize("kind", list(DOT_SHAPES))
@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("float32", "float32"),
                                    ("int64", "int64"), ("int32", "float64")])
def test_dot(kind, dtypes):
    sa, sb = DOT_SHAPES[kind]
    a, b = random(dtypes[0], sa), random(dtypes[1], sb)
    expected = np.dot(a, b)
    for result in dot_fn(kind, *dtypes)(a, b):
        check(result, expected, expected.dtype)


@pytest.mark.parametrize("kind", list(DOT_SHAPES))
def test_dot_with_empty_inner_dimension_is_zero(kind):
    sa, sb = DOT_SHAPES[kind]
    a, b = np.zeros(sa[:-1] + (0,)), np.zeros((0,) + sb[1:])
    check(dot_fn(kind)(a, b)[0], np.dot(a, b))


@pytest.mark.parametrize("kind", list(DOT_SHAPES))
@pytest.mark.parametrize("inner, width", [(1, 1), (3, 7), (9, 8), (5, 9), (65, 63), (4, 64), (7, 65),
                                          (2, 130), (0, 70)])
def test_dot_of_any_shape(kind, inner, width):
    """Output columns are summed 64, then 8, then 1 at a time: every width is covered."""
    sa, sb = DOT_SHAPES[kind]
    a = random("float64", sa[:-1] + (inner,))
    b = random("float64", (inner,) + ((width,) if len(sb) == 2 else ()))
    for result in dot_fn(kind)(a, b):
        check(result, np.dot(a, b))
    ints = dot_fn(kind, "int64", "int64")(a.astype(np.int64) * 7, b.astype(np.int64) * 3)
    check(ints[0], np.dot(a.astype(np.int64) * 7, b.astype(np.int64) * 3))


@pytest.mark.parametrize("kind", list(DOT_SHAPES))
def test_dot_of_unaligned_shapes_raises(kind):
    sa, sb = DOT_SHAPES[kind]
    b = np.zeros((6,) + sb[1:])
    with pytest.raises(ValueError, match=re.escape(f"dot of 'a' and 'b': shapes {sa} and {b.shape} "
                                                   "are not aligned")):
        dot_fn(kind)(np.zeros(sa), b)


def test_dot_of_matrix_rows():
    """x[i] @ W reads the row in place (sj.row folding)."""
    x, w, i = pt.dmatrix("x"), pt.dmatrix("w"), pt.lscalar("i")
    f = pytensor.function([x, w, i], x[i] @ w)
    xv, wv = random("float64", (3, 4)), random("float64", (4, 2))
    check(f(xv, wv, 1), xv[1] @ wv)
    check(f(xv, wv, -1), xv[-1] @ wv)


# -- reductions ---------------------------------------------------------------

REDUCTIONS = ("sum", "max", "min", "mean", "prod", "argmax")


def reduction_dtype(name, dtype):
    if name == "argmax":
        return "int64"
    if name == "mean":
        return dtype if dtype in FLOATS else "float64"
    if name in ("sum", "prod") and dtype in ("int32", "bool", "int8"):
        return "int64"
    return dtype


@cache
def reduce_fn(name, dtype, ndim, axis):
    x = pt.tensor("x", dtype=dtype, shape=(None,) * ndim)
    return pytensor.function([x], getattr(x, name)(axis=axis))


AXES = {1: (None, -1), 2: (None, 0, -1), 3: ((0, 2), 1, (-1, 0, 1))}


@cache
def reduce_all_fn(dtype, ndim):
    """Every reduction over every axis in AXES[ndim] (one compile)."""
    x = pt.tensor("x", dtype=dtype, shape=(None,) * ndim)
    return pytensor.function([x], [getattr(x, name)(axis=axis) for axis in AXES[ndim]
                                   for name in REDUCTIONS if reducible(name, axis)])


def reducible(name, axis):
    return name != "argmax" or not isinstance(axis, tuple)  # argmax takes one axis


@pytest.mark.parametrize("dtype,ndim", [(d, k) for d in FLOATS + INTS + ("bool",) for k in AXES
                                        if k < 3 or d in ("float64", "int32", "bool")])
@pytest.mark.parametrize("n", [1, 3])
def test_reductions(dtype, ndim, n):
    x = random(dtype, (n, 4, 2)[:ndim], -3, 3)
    results = iter(reduce_all_fn(dtype, ndim)(x))
    for axis in AXES[ndim]:
        for name in REDUCTIONS:
            if reducible(name, axis):
                expected = getattr(np, name)(x, axis=axis)
                check(next(results), expected, reduction_dtype(name, dtype), rtol=1e-6)


@pytest.mark.parametrize("name", ["sum", "prod"])
@pytest.mark.parametrize("shape,axis", [((0,), None), ((0, 3), 0), ((3, 0), 1), ((0, 3), None)])
def test_sum_prod_of_empty(name, shape, axis):
    x = np.zeros(shape)
    check(reduce_fn(name, "float64", len(shape), axis)(x), getattr(np, name)(x, axis=axis))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "bool"])
def test_argmax_takes_the_first_maximum_at_every_length_and_lane(dtype):
    """argmax keeps 8 candidates side by side (convert-sj-to-loops): every
    length around the lane count, with ties and (for floats) NaNs placed in
    every lane, gives NumPy's first index of the maximum."""
    rs = np.random.default_rng(17)
    for length in range(1, 27):
        for case in range(12):
            x = rs.integers(0, 3, length).astype(dtype)  # few values: many ties
            if dtype.startswith("float") and case % 3 == 0:
                x[rs.integers(length, size=rs.integers(1, 3))] = np.nan
            assert reduce_fn("argmax", dtype, 1, None)(x) == np.argmax(x), (length, x)
            rows = np.stack([x, x[::-1]])
            np.testing.assert_array_equal(reduce_fn("argmax", dtype, 2, -1)(rows), np.argmax(rows, -1))


@pytest.mark.parametrize("name", ["max", "min", "argmax"])
def test_max_min_argmax_of_empty_raise(name):
    with pytest.raises(ValueError, match=f"{name} of an empty axis of 'x'"):
        reduce_fn(name, "float64", 2, 0)(np.zeros((0, 3)))


def test_sum_of_int32_does_not_overflow():
    x = np.full(4, 2 ** 30, "int32")
    check(reduce_fn("sum", "int32", 1, None)(x), 2 ** 32, "int64")


def test_max_min_argmax_with_nan():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, -1.0]])
    for name in ("max", "min", "argmax"):
        for axis in (None, 0, 1):
            check(reduce_fn(name, "float64", 2, axis)(x), getattr(np, name)(x, axis=axis))


def test_argmax_takes_the_first_maximum():
    x = np.array([[1, 3, 3], [2, 2, 1]], "int64")
    for axis in (None, 0, 1):
        check(reduce_fn("argmax", "int64", 2, axis)(x), np.argmax(x, axis=axis))


def test_reduction_axis_out_of_range_is_rejected():
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        pt.dmatrix().sum(axis=2)


def test_int_max_min_of_extreme_values():
    x = np.array([np.iinfo("int64").min, np.iinfo("int64").max])
    check(reduce_fn("max", "int64", 1, None)(x[:1]), x[0])
    check(reduce_fn("min", "int64", 1, None)(x[1:]), x[1])


# -- constants, zeros, ones, arange -------------------------------------------

@pytest.mark.parametrize("value", [
    np.array([[1, 2, 3], [4, 5, 6]]), np.array([1.5, -2.0]), np.array([True, False, True]),
    np.array([1, 2], "int32"), np.array([0.25], "float32")])
def test_constant(value):
    c = pt.constant(value)
    x = pt.tensor("x", dtype=str(value.dtype), shape=(None,) * value.ndim)
    f = pytensor.function([x], [c, pt.eq(x, c)])
    out, same = f(value)
    check(out, value)
    check(same, np.ones(value.shape, bool))


def test_constant_in_arithmetic():
    x = pt.dvector("x")
    f = pytensor.function([x], x * pt.constant(np.array([1.0, 2.0, 3.0])))
    check(f(np.array([1.0, 1.0, 2.0])), [1.0, 2.0, 6.0])


def test_zeros_ones_static_and_symbolic():
    n = pt.lscalar("n")
    m = pt.iscalar("m")
    f = pytensor.function([n, m], [pt.zeros((n, 3)), pt.ones(m, dtype="int32"), pt.zeros((2, 2)),
                                   pt.ones((n, m), dtype="bool")])
    zeros, ones, fixed, flags = f(4, 2)
    check(zeros, np.zeros((4, 3)))
    check(ones, np.ones(2, "int32"))
    check(fixed, np.zeros((2, 2)))
    check(flags, np.ones((4, 2), bool))
    zeros, ones, _, flags = f(0, 0)
    check(zeros, np.zeros((0, 3)))
    check(ones, np.ones(0, "int32"))
    check(flags, np.ones((0, 0), bool))
    with pytest.raises(ValueError, match="negative dimensions"):
        f(-1, 2)


@cache
def arange_fn(dtype):
    a, b, s = (pt.tensor(n, dtype=dtype, shape=()) for n in "abs")
    return pytensor.function([a, b, s], pt.arange(a, b, s))


@pytest.mark.parametrize("start,stop,step", [
    (0, 5, 1), (5, 0, -1), (0, 10, 3), (10, 0, -3), (-4, 4, 2), (3, 3, 1), (5, 0, 1),
    (0, 5, -1), (0, 1, 5), (-7, -1, 4)])
def test_arange_int(start, stop, step):
    check(arange_fn("int64")(start, stop, step), np.arange(start, stop, step), "int64")
    # PyTensor's arange of any integer dtypes is int64.
    check(arange_fn("int32")(start, stop, step), np.arange(start, stop, step), "int64")


@pytest.mark.parametrize("start,stop,step", [
    (0.0, 1.0, 0.1), (1.0, 0.0, -0.25), (0.5, 3.0, 1.0), (0.0, 0.0, 1.0), (2.0, 0.0, 0.5),
    (-1.5, 1.5, 0.3)])
def test_arange_float(start, stop, step):
    check(arange_fn("float64")(start, stop, step), np.arange(start, stop, step))


def test_arange_dtypes_and_constant_args():
    f = pytensor.function([], [pt.arange(5), pt.arange(1, 10, 4), pt.arange(0.0, 1.0, 0.25),
                               pt.arange(3, dtype="int32"), pt.arange(4, 0, -2)])
    expected = [np.arange(5), np.arange(1, 10, 4), np.arange(0.0, 1.0, 0.25, dtype="float32"),
                np.arange(3, dtype="int32"), np.arange(4, 0, -2)]  # PyTensor: 0.25 etc. are float32
    for result, value in zip(f(), expected):
        check(result, value)


def test_arange_zero_step_raises():
    with pytest.raises(ValueError, match="arange step cannot be zero"):
        arange_fn("int64")(0, 5, 0)
    with pytest.raises(ValueError, match="arange step cannot be zero"):
        arange_fn("float64")(0.0, 5.0, 0.0)


# -- indexing -----------------------------------------------------------------

@cache
def index_fn(dtype, ndim, index_dtype):
    x = pt.tensor("x", dtype=dtype, shape=(None,) * ndim)
    i = pt.tensor("i", dtype=index_dtype, shape=())
    return pytensor.function([x, i], x[i])


@pytest.mark.parametrize("dtype", FLOATS + INTS + ("bool",))
@pytest.mark.parametrize("index_dtype", ["int64", "int32", "int8"])
def test_symbolic_index(dtype, index_dtype):
    x = random(dtype, 5)
    for i in (0, 4, -1, -5, 2):
        check(index_fn(dtype, 1, index_dtype)(x, i), x[i])


def test_index_rows_and_elements():
    x, i, j = pt.dmatrix("x"), pt.lscalar("i"), pt.lscalar("j")
    f = pytensor.function([x, i, j], [x[i], x[i, j], x[-1], x[1, -2], x[i][j] * 2])
    value = random("float64", (3, 4))
    for a, b in [(0, 0), (2, 3), (-1, -4), (1, 2)]:
        row, elem, last, fixed, twice = f(value, a, b)
        check(row, value[a])
        check(elem, value[a, b])
        check(last, value[-1])
        check(fixed, value[1, -2])
        check(twice, value[a][b] * 2)


def test_index_of_3d_tensor_gives_matrix():
    x, i = pt.dtensor3("x"), pt.lscalar("i")
    f = pytensor.function([x, i], [x[i], x[i].sum(axis=0), x[i] + 1])
    value = random("float64", (2, 3, 4))
    row, total, plus = f(value, -1)
    check(row, value[-1])
    check(total, value[-1].sum(axis=0))
    check(plus, value[-1] + 1)


@pytest.mark.parametrize("i", [5, -6, 100])
def test_index_out_of_range_raises_index_error(i):
    with pytest.raises(IndexError, match=f"index {i} is out of bounds for axis 0 of 'x' with size 5"):
        index_fn("float64", 1, "int64")(np.zeros(5), i)


def test_index_into_empty_raises_index_error():
    with pytest.raises(IndexError, match="'x'"):
        index_fn("float64", 2, "int64")(np.zeros((0, 2)), 0)


def test_index_with_float_is_a_type_error():
    with pytest.raises(TypeError, match="index into 'x' must be an integer scalar"):
        pt.dvector("x")[pt.dscalar("i")]


# -- slicing ------------------------------------------------------------------

@cache
def slice_fn(ndim):
    x = pt.tensor("x", dtype="float64", shape=(None,) * ndim)
    a, b, s = pt.lscalar("a"), pt.lscalar("b"), pt.lscalar("s")
    return pytensor.function([x, a, b, s], x[a:b:s])


BOUNDS = (-12, -5, -1, 0, 1, 3, 5, 12)


@pytest.mark.parametrize("n", [0, 1, 5])
@pytest.mark.parametrize("step", [1, 2, 3, -1, -2, -7])
def test_symbolic_slice_matches_python(n, step):
    x = random("float64", n)
    f = slice_fn(1)
    for start in BOUNDS:
        for stop in BOUNDS:
            check(f(x, start, stop, step), x[start:stop:step])


def test_constant_slices():
    x = pt.dvector("x")
    f = pytensor.function([x], [x[1:4], x[::2], x[::-1], x[-3:], x[:-2], x[5:1:-2], x[:]])
    for n in (0, 1, 2, 9):
        value = random("float64", n)
        expected = [value[1:4], value[::2], value[::-1], value[-3:], value[:-2], value[5:1:-2],
                    value]
        for result, want in zip(f(value), expected):
            check(result, want)


def test_slice_of_matrix_and_slice_then_reduce():
    x, a, b = pt.imatrix("x"), pt.lscalar("a"), pt.lscalar("b")
    f = pytensor.function([x, a, b], [x[a:b], x[::-1].sum(axis=0), x[a:][0], x[::2][-1]])
    value = random("int32", (5, 3))
    rows, total, first, last = f(value, 1, 3)
    check(rows, value[1:3])
    check(total, value[::-1].sum(axis=0), "int64")
    check(first, value[1:][0])
    check(last, value[::2][-1])


def test_slice_bounds_of_int32_and_mixed_constants():
    x, a = pt.dvector("x"), pt.iscalar("a")
    f = pytensor.function([x, a], [x[a:], x[:a], x[a::-1], x[1:a:2]])
    value = random("float64", 6)
    for k in (-8, -2, 0, 3, 10):
        for result, want in zip(f(value, k), [value[k:], value[:k], value[k::-1], value[1:k:2]]):
            check(result, want)


def test_slice_step_zero_raises():
    with pytest.raises(ValueError, match="slice step of 'x' cannot be zero"):
        slice_fn(1)(np.zeros(3), 0, 3, 0)
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        pt.dvector("x")[::0]


# -- set / inc subtensor ------------------------------------------------------

@cache
def set_row_fn(mode, dtype, ndim, value_ndim):
    x = pt.tensor("x", dtype=dtype, shape=(None,) * ndim)
    v = pt.tensor("v", dtype=dtype, shape=(None,) * value_ndim)
    i = pt.lscalar("i")
    return pytensor.function([x, v, i], getattr(x[i], mode)(v))


def numpy_update(mode, x, key, v):
    out = x.copy()
    if mode == "set":
        out[key] = v
    else:
        out[key] += v
    return out


@pytest.mark.parametrize("mode", ["set", "inc"])
@pytest.mark.parametrize("dtype", ["float64", "int32"])
@pytest.mark.parametrize("ndim,value_ndim", [(1, 0), (2, 1), (2, 0)])
def test_set_inc_row(mode, dtype, ndim, value_ndim):
    x = random(dtype, (4, 3)[:ndim])
    v = random(dtype, (3,)[:value_ndim])
    f = set_row_fn(mode, dtype, ndim, value_ndim)
    for i in (0, 3, -1, -4):
        before = x.copy()
        check(f(x, v, i), numpy_update(mode, x, i, v))
        check(x, before)  # the argument is not written


def test_set_row_out_of_range_and_wrong_length():
    f = set_row_fn("set", "float64", 2, 1)
    with pytest.raises(IndexError, match="'x'"):
        f(np.zeros((2, 3)), np.zeros(3), 2)
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.zeros((2, 3)), np.zeros(4), 0)


def test_set_casts_value_to_destination_dtype():
    x, i = pt.ivector("x"), pt.lscalar("i")
    f = pytensor.function([x, i], [x[i].set(2.7), x[i].inc(-1)])
    value = np.array([1, 2, 3], "int32")
    set_out, inc_out = f(value, 1)
    check(set_out, [1, 2, 3], "int32")
    check(inc_out, [1, 1, 3], "int32")


@cache
def set_slice_fn(mode, value_ndim):
    x, v = pt.dmatrix("x"), pt.tensor("v", dtype="float64", shape=(None,) * value_ndim)
    a, b, s = pt.lscalar("a"), pt.lscalar("b"), pt.lscalar("s")
    update = pt.set_subtensor if mode == "set" else pt.inc_subtensor
    return pytensor.function([x, v, a, b, s], update(x[a:b:s], v))


@pytest.mark.parametrize("mode", ["set", "inc"])
@pytest.mark.parametrize("value_ndim", [0, 1, 2])
@pytest.mark.parametrize("a,b,s", [(1, 3, 1), (0, 5, 2), (4, 0, -1), (-2, 5, 1), (3, 3, 1),
                                   (-1, -6, -2)])
def test_set_inc_slice(mode, value_ndim, a, b, s):
    x = random("float64", (5, 3))
    rows = len(range(5)[a:b:s])
    v = random("float64", (rows, 3)[2 - value_ndim:])
    check(set_slice_fn(mode, value_ndim)(x, v, a, b, s), numpy_update(mode, x, slice(a, b, s), v))


def test_set_slice_with_wrong_row_count_raises():
    with pytest.raises(ValueError, match="wrong length on axis 0"):
        set_slice_fn("set", 2)(np.zeros((5, 3)), np.zeros((3, 3)), 0, 2, 1)


def test_set_subtensor_of_vector_slice_with_constant_bounds():
    x, v = pt.dvector("x"), pt.dvector("v")
    f = pytensor.function([x, v], [pt.set_subtensor(x[1:3], v), pt.inc_subtensor(x[::-1], 1.0),
                                   pt.set_subtensor(x[-2:], 0.0)])
    value = np.arange(5.0)
    s, i, z = f(value, np.array([10.0, 20.0]))
    check(s, [0.0, 10.0, 20.0, 3.0, 4.0])
    check(i, value + 1)
    check(z, [0.0, 1.0, 2.0, 0.0, 0.0])


def test_set_subtensor_needs_a_part():
    with pytest.raises(TypeError, match="set_subtensor needs a part of a tensor"):
        pt.set_subtensor(pt.dvector("x"), 1.0)


def test_updated_tensor_and_original_both_used():
    """x[i].set(v) must not write into x while x is still read afterwards."""
    x, i = pt.dvector("x"), pt.lscalar("i")
    y = x * 1.0
    f = pytensor.function([x, i], [y[i].set(0.0) + y, y])
    value = np.arange(1.0, 4.0)
    updated, same = f(value, 1)
    check(updated, [2.0, 2.0, 6.0])
    check(same, value)


# -- input checking -----------------------------------------------------------

def test_float64_array_into_fvector_is_a_type_error():
    f = unary_fn(operator.neg, "float32")
    with pytest.raises(TypeError, match="input 'x' is float32"):
        f(np.zeros(3))
    check(f(np.zeros(3, "int8")), np.zeros(3, "float32"))  # lossless upcast is fine


def test_wrong_ndim_is_a_type_error():
    f = unary_fn(operator.neg, "float64")
    with pytest.raises(TypeError, match="input 'x' expects 1 dimensions"):
        f(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="input 'x' expects 1 dimensions"):
        f(1.0)


def test_wrong_argument_count_is_a_type_error():
    with pytest.raises(TypeError, match="expected 1 arguments, got 2"):
        unary_fn(operator.neg, "float64")(np.zeros(2), np.zeros(2))


def test_lists_and_python_scalars_are_accepted_when_lossless():
    f = binary_fn(operator.add, "int32", "float64", (None,), ())
    check(f([1, 2], 0.5), [1.5, 2.5], "float64")
    with pytest.raises(TypeError, match="input 'a' is int32"):
        f([1.5], 0.5)


def test_non_contiguous_input():
    f = unary_fn(operator.neg, "float64", 2)
    value = random("float64", (4, 6))[:, ::2]
    check(f(value), -value)
