"""Tensors made from shapes and fill values (zeros/ones/full/empty and their
`_like`, eye, identity_like, tri, tril, triu, linspace) against NumPy,
compiled, by the reference interpreter and in a scan step; the typed input
constructors (prefixes, row/col, tensor3..7, plurals) as PyTensor's."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

X = np.arange(12.0).reshape(3, 4)

CASES = {  # name -> (graph of x (3 x 4) and n (3), the NumPy value)
    "zeros": (lambda x, n: pt.zeros((n, 2)), np.zeros((3, 2))),
    "ones int32": (lambda x, n: pt.ones(n, dtype="int32"), np.ones(3, "int32")),
    "full": (lambda x, n: pt.full((2, n), 2.5), np.full((2, 3), 2.5, "float32")),  # 2.5 is float32, as PyTensor
    "full dtype": (lambda x, n: pt.full(x.shape, 7, dtype="int64"), np.full((3, 4), 7)),
    "empty": (lambda x, n: pt.empty((n,)).shape, np.array([3])),
    "zeros_like": (lambda x, n: pt.zeros_like(x), np.zeros_like(X)),
    "ones_like dtype": (lambda x, n: pt.ones_like(x, dtype="int8"), np.ones_like(X, "int8")),
    "full_like": (lambda x, n: pt.full_like(x[0], -1.0), np.full_like(X[0], -1.0)),
    "empty_like": (lambda x, n: pt.empty_like(x).shape, np.array([3, 4])),
    "eye": (lambda x, n: pt.eye(n), np.eye(3)),
    "eye m k": (lambda x, n: pt.eye(n, 5, k=-1, dtype="int32"), np.eye(3, 5, -1, "int32")),
    "identity_like": (lambda x, n: pt.identity_like(x), np.eye(3, 4)),
    "tri": (lambda x, n: pt.tri(n, 4, 1), np.tri(3, 4, 1)),
    "tril": (lambda x, n: pt.tril(x), np.tril(X)),
    "tril k": (lambda x, n: pt.tril(x, -1), np.tril(X, -1)),
    "triu": (lambda x, n: pt.triu(x), np.triu(X)),
    "triu k": (lambda x, n: pt.triu(x, 2), np.triu(X, 2)),
    "linspace": (lambda x, n: pt.linspace(0, 1, n + 2), np.linspace(0, 1, 5)),
    "linspace symbolic ends": (lambda x, n: pt.linspace(x[0, 1], x[2, 3], 7), np.linspace(1.0, 11.0, 7)),
    "linspace no endpoint": (lambda x, n: pt.linspace(0, 10, n, endpoint=False), np.linspace(0, 10, 3, endpoint=False)),
    "linspace one": (lambda x, n: pt.linspace(2, 5, 1), np.linspace(2, 5, 1)),
    "linspace none": (lambda x, n: pt.linspace(2, 5, n - 3), np.linspace(2, 5, 0)),
    "linspace dtype": (lambda x, n: pt.linspace(0, 9, 4, dtype="int64"), np.linspace(0, 9, 4, dtype="int64")),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("mode", [None, "py"])
def test_creation(name, mode):
    build, want = CASES[name]
    x, n = pt.dmatrix("x"), pt.lscalar("n")
    got = pytensor.function([x, n], build(x, n), mode=mode, on_unused_input="ignore")(X, 3)
    assert (got.dtype, got.shape) == (want.dtype, want.shape)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", list(CASES))
def test_creation_inside_a_step(name):
    build, want = CASES[name]
    xs, n = pt.dtensor3("xs"), pt.lscalar("n")
    out, _ = pytensor.scan(lambda x: build(x, n), sequences=[xs])
    got = pytensor.function([xs, n], out, on_unused_input="ignore")(np.stack([X, X]), 3)
    np.testing.assert_array_equal(got, np.stack([want, want]))


def test_static_shapes_carry_through():
    x = pt.tensor("x", dtype="float64", shape=(2, None))
    assert pt.zeros_like(x).type.shape == (2, None)
    assert pt.full((2, 3), 1.0).type.shape == (2, 3)


def test_typed_constructors():
    assert (pt.wvector("w").dtype, pt.bmatrix().dtype, pt.lscalar().dtype) == ("int16", "int8", "int64")
    assert pt.row("r").type.shape == (1, None) and pt.dcol().type.shape == (None, 1)
    assert pt.ftensor7().ndim == 7 and pt.ftensor7().dtype == "float32"
    assert pt.matrix(shape=(2, None)).type.shape == (2, None)
    with pytest.raises(ValueError, match="shape must have 2 lengths"):
        pt.matrix(shape=(2,))
    with pytest.raises(ValueError, match="looks like a dtype"):
        pt.tensor("float64")
    assert pt.tensor("t", dtype="int32", shape=(None, 3)).type == pt.TensorType("int32", (None, 3))
    a, b = pt.dmatrices("a", "b")
    assert (a.name, b.name, a.dtype, b.ndim) == ("a", "b", "float64", 2)
    assert pt.iscalars("i").name == "i" and len(pt.vectors(3)) == 3
    assert isinstance(a, pt.TensorVariable) and isinstance(pt.constant(1), pt.TensorConstant)


def test_constants_and_casts():
    x = pt.dvector("x")
    assert x.astype("floatX").dtype == pytensor.config.floatX == pt.cast(x, "floatX").dtype
    assert (pt.pi, pt.e, pt.newaxis) == (np.pi, np.e, None)
    c = pt.constant(3, name="three")
    assert c.name == "three" and c.dtype == "int8"
