"""Constants follow PyTensor's dtype rules, and constant lengths are static
(a length-1 constant dimension broadcasts)."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.graph import Constant

VALUES = [
    (0, "int8"), (-129, "int16"), (2**31, "int64"), (300, "int16"),
    (1.5, "float32"), (0.1, "float64"), (float("inf"), "float32"), (float("nan"), "float64"),
    (1e40, "float64"), (np.float64(0), "float64"), (np.float64(1.5), "float64"),
    (np.float32(0.1), "float32"), (np.int64(3), "int64"), (np.int32(3), "int32"),
    (np.int8(3), "int8"), (np.bool_(True), "bool"), (np.array([1, 2]), "int64"),
    (np.array([1.5], "float32"), "float32"), ([1, 2], "int64"), ([1, 2.5], "float64"),
    (np.zeros((2, 2), "int16"), "int16"),
]


@pytest.mark.parametrize("value,dtype", VALUES, ids=[repr(v) for v, _ in VALUES])
def test_constant_dtype(value, dtype):
    assert pt.as_tensor_variable(value).dtype == dtype


@pytest.mark.parametrize("value,dtype", VALUES, ids=[repr(v) for v, _ in VALUES])
def test_constant_dtype_as_pytensor(value, dtype):
    ref = pytest.importorskip("pytensor.tensor")
    assert ref.as_tensor_variable(value).dtype == dtype


def test_python_bool_is_rejected_as_in_pytensor():
    """`v == w` is Python's identity test: a bool from it must not become a constant."""
    with pytest.raises(TypeError, match="pt.eq"):
        pt.as_tensor_variable(True)
    with pytest.raises(TypeError):
        pt.dvector("v") * True


@pytest.mark.parametrize("scalar,dtype", [(np.float64(2), "float64"), (np.float32(2), "float32"),
                                          (2.0, "float32"), (np.int64(2), "float64")])
def test_numpy_scalars_keep_their_dtype_in_arithmetic(scalar, dtype):
    x = pt.fvector("x")
    out = x * scalar
    assert out.dtype == dtype
    xs = np.array([1.5, -2.0], "float32")
    got = pytensor.function([x], out)(xs)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, (xs.astype(dtype) * np.asarray(scalar, dtype)))


@pytest.mark.parametrize("init,dtype", [(np.float64(0), "float64"), (np.float32(0), "float32"),
                                        (np.int64(0), "int64"), (np.array(0, "int32"), "int32")])
def test_numpy_scalar_initial_state(init, dtype):
    """outputs_info=[np.float64(0)] with a float64 step (it was float32 and raised)."""
    xs, _ = pytensor.scan(lambda a: a + np.asarray(1, dtype), outputs_info=[init], n_steps=3)
    got = pytensor.function([], xs)()
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, np.array([1, 2, 3], dtype))


def test_cast_of_a_constant_is_a_constant():
    c = pt.cast(pt.constant(3), "int64")
    assert isinstance(c, Constant)
    assert c.dtype == "int64" and c.data == 3


LENGTH_ONE = {
    "ones(1)": lambda s, n: pt.ones(1), "zeros(1)": lambda s, n: pt.zeros(1),
    "ones((1,))": lambda s, n: pt.ones((1,)), "alloc(s, 1)": lambda s, n: pt.alloc(s, 1),
    "alloc(s, np.int64(1))": lambda s, n: pt.alloc(s, np.int64(1)),
    "ones((n, 1))": lambda s, n: pt.ones((n, 1)), "alloc(s, 1, n)": lambda s, n: pt.alloc(s, 1, n),
    "zeros((1, 1))": lambda s, n: pt.zeros((1, 1)),
    "ones(1, dtype=int32)": lambda s, n: pt.ones(1, dtype="int32"),
}


@pytest.mark.parametrize("name", list(LENGTH_ONE))
def test_length_one_constants_broadcast(name):
    """`v - pt.ones(1)` broadcasts as in PyTensor, outside a scan and in a step."""
    s, n, v = pt.dscalar("s"), pt.lscalar("n"), pt.dvector("v")
    made = LENGTH_ONE[name](s, n)
    assert 1 in made.type.shape
    vs = np.arange(4.0)
    f = pytensor.function([s, n, v], [v - made, made], on_unused_input="ignore")
    diff, made_value = f(2.0, 4, vs)
    np.testing.assert_array_equal(diff, vs - made_value)
    rows = pt.dmatrix("rows")
    out, _ = pytensor.scan(lambda row: row - LENGTH_ONE[name](s, n), sequences=[rows])
    g = pytensor.function([s, n, rows], out, on_unused_input="ignore")
    table = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(g(2.0, 4, table), np.stack([r - made_value for r in table]))


ALLOC_CASES = [  # (value shape, static value shape, sizes)
    ((3,), (None,), (2, 3)), ((3,), (None,), (1, 3)), ((1,), (1,), (4,)), ((1, 3), (1, None), (2, 3)),
    ((2, 1), (None, 1), (2, 4)), ((3,), (None,), (2, 2, 3)), ((), (), (2, 2)),
]


@pytest.mark.parametrize("shape,static,sizes", ALLOC_CASES)
def test_alloc_broadcasts_a_tensor_value(shape, static, sizes):
    """pt.alloc(v, 2, 3) repeats v as np.full does (it read garbage)."""
    value = pt.tensor("value", dtype="float64", shape=static)
    data = np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)
    want = np.full(sizes, data)
    for mode in (None, "py"):
        got = pytensor.function([value], pt.alloc(value, *sizes), mode=mode)(data)
        np.testing.assert_array_equal(got, want)
    out, _ = pytensor.scan(lambda k: pt.alloc(value * k, *sizes), sequences=[pt.arange(2.0)])
    np.testing.assert_array_equal(pytensor.function([value], out)(data), np.stack([want * 0, want]))


@pytest.mark.parametrize("mode", [None, "py"])
def test_alloc_of_a_mismatched_value_raises(mode):
    value = pt.dvector("value")
    f = pytensor.function([value], pt.alloc(value, 2, 3), mode=mode)
    with pytest.raises(ValueError, match="alloc"):
        f(np.ones(4))
    with pytest.raises(ValueError):
        pt.alloc(pt.dmatrix(), 3)
