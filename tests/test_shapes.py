"""Symbolic shapes: `x.shape`, `x.shape[i]`, `x.size`, `pt.shape`,
`specify_shape`, and shapes used wherever an integer is, against NumPy,
compiled, by the reference interpreter and inside a scan step."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

MODES = [None, "py"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0, 4)])
def test_shape_size_and_lengths(mode, shape):
    x = pt.tensor("x", dtype="float32", shape=(None,) * len(shape))
    outputs = [x.shape, pt.shape(x), x.size] + [x.shape[a] for a in range(len(shape))]
    got = pytensor.function([x], outputs, mode=mode, on_unused_input="ignore")(np.zeros(shape, "float32"))
    want = [np.array(shape, "int64"), np.array(shape, "int64"), np.int64(np.prod(shape, dtype=int))] + list(shape)
    for g, w in zip(got, want):
        assert g.dtype == np.int64
        np.testing.assert_array_equal(g, w)
    assert x.ndim == len(shape)


@pytest.mark.parametrize("mode", MODES)
def test_symbolic_shapes_as_integers(mode):
    x, n = pt.dmatrix("x"), pt.lscalar("n")
    outputs = [pt.zeros(x.shape), pt.ones((n, x.shape[1])), pt.alloc(2.0, x.shape[0]), pt.arange(x.shape[0]),
               pt.zeros(x.shape[::-1]), x.shape[-1] * 2]
    got = pytensor.function([x, n], outputs, mode=mode)(np.ones((2, 3)), 4)
    want = [np.zeros((2, 3)), np.ones((4, 3)), np.full(2, 2.0), np.arange(2), np.zeros((3, 2)), 6]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("mode", MODES)
def test_shapes_in_a_scan(mode):
    """n_steps=x.shape[0], and the step's own shapes."""
    x = pt.dmatrix("x")
    out, _ = pytensor.scan(lambda row: row * row.shape[0] + pt.zeros(row.shape), sequences=[x],
                           n_steps=x.shape[0])
    sizes, _ = pytensor.scan(lambda row: row.size, sequences=[x])
    f = pytensor.function([x], [out, sizes], mode=mode)
    values = np.arange(6.0).reshape(2, 3)
    got, got_sizes = f(values)
    np.testing.assert_array_equal(got, values * 3)
    np.testing.assert_array_equal(got_sizes, [3, 3])


@pytest.mark.parametrize("mode", MODES)
def test_specify_shape(mode):
    x, n = pt.dvector("x"), pt.lscalar("n")
    y = pt.specify_shape(x, (3,))
    assert y.type.shape == (3,)
    f = pytensor.function([x], y + pt.ones(3), mode=mode)
    np.testing.assert_array_equal(f(np.arange(3.0)), np.arange(3.0) + 1)
    with pytest.raises(ValueError, match="specify_shape: 'x' has length 4 on axis 0, expected 3"):
        f(np.arange(4.0))
    g = pytensor.function([x, n], pt.specify_shape(x, (n,)) * 2, mode=mode)
    np.testing.assert_array_equal(g(np.arange(2.0), 2), [0.0, 2.0])
    with pytest.raises(ValueError, match="expected 5"):
        g(np.arange(2.0), 5)
    m = pt.specify_shape(pt.dmatrix("m"), (None, 2))
    assert m.type.shape == (None, 2)
    with pytest.raises(ValueError, match="static shape"):
        pt.specify_shape(m, (3, 3))


def test_a_specified_shape_is_not_written_through():
    """specify_shape's result is the same buffer: writing into it copies."""
    x = pt.dvector("x")
    y = pt.specify_shape(x, (3,))
    f = pytensor.function([x], [pt.set_subtensor(y[0], 9.0), x * 1])
    values = np.arange(3.0)
    written, same = f(values)
    np.testing.assert_array_equal(written, [9.0, 1.0, 2.0])
    np.testing.assert_array_equal(same, np.arange(3.0))
    np.testing.assert_array_equal(values, np.arange(3.0))
