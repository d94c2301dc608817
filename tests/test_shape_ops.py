"""Shape operations against NumPy, compiled, by the reference interpreter and
inside a scan step: reshape (with -1 and symbolic lengths), flatten, ravel,
expand_dims, squeeze, broadcast_to, concatenate / join / stack, split,
repeat, tile, swapaxes, moveaxis, shape_pad*, atleast_*d, flip, roll, take,
horizontal/vertical_stack, stacklists, as_tensor_variable of lists, assert_op."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.raise_op import assert_op

MODES = [None, "py"]
DATA = np.arange(24.0).reshape(2, 3, 4)

CASES = {  # name -> (graph of a 3-d x, the same in NumPy)
    "reshape (6, 4)": (lambda x: x.reshape((6, 4)), lambda d: d.reshape(6, 4)),
    "reshape (-1,)": (lambda x: x.reshape((-1,)), lambda d: d.reshape(-1)),
    "reshape (4, -1, 2)": (lambda x: x.reshape((4, -1, 2)), lambda d: d.reshape(4, -1, 2)),
    "reshape args": (lambda x: x.reshape(2, 12), lambda d: d.reshape(2, 12)),
    "reshape symbolic": (lambda x: x.reshape((x.shape[2], -1)), lambda d: d.reshape(4, -1)),
    "reshape to more axes": (lambda x: x.reshape((2, 3, 2, 2)), lambda d: d.reshape(2, 3, 2, 2)),
    "pt.reshape": (lambda x: pt.reshape(x, (24,)), lambda d: d.reshape(24)),
    "reshape merging leading axes": (lambda x: x.reshape((-1, x.shape[2])), lambda d: d.reshape(-1, 4)),
    "reshape a transposed view": (lambda x: x.T.reshape((-1, 2)), lambda d: d.T.reshape(-1, 2)),
    "reshape a strided slice": (lambda x: x[:, ::2, 1:].reshape((-1,)), lambda d: d[:, ::2, 1:].reshape(-1)),
    "reshape a row": (lambda x: x[1].reshape((2, 6)), lambda d: d[1].reshape(2, 6)),
    "reshape a map, reshaped back": (lambda x: (x * 2).reshape((6, 4)).reshape(x.shape) + x,
                                     lambda d: d * 3),
    "flatten": (lambda x: x.flatten(), lambda d: d.flatten()),
    "flatten(2)": (lambda x: pt.flatten(x, 2), lambda d: d.reshape(2, -1)),
    "ravel": (lambda x: x.ravel(), lambda d: d.ravel()),
    "expand_dims 0": (lambda x: pt.expand_dims(x, 0), lambda d: np.expand_dims(d, 0)),
    "expand_dims (1, -1)": (lambda x: pt.expand_dims(x, (1, -1)), lambda d: np.expand_dims(d, (1, -1))),
    "squeeze": (lambda x: pt.expand_dims(x, 1).squeeze(), lambda d: d),
    "squeeze axis": (lambda x: pt.squeeze(pt.expand_dims(x, (0, 2)), 2), lambda d: np.expand_dims(d, 0)),
    "broadcast_to": (lambda x: pt.broadcast_to(x[0, 0], (3, 4)), lambda d: np.broadcast_to(d[0, 0], (3, 4))),
    "concatenate": (lambda x: pt.concatenate([x, x * 2]), lambda d: np.concatenate([d, d * 2])),
    "concatenate axis 2": (lambda x: pt.concatenate([x, x[:, :, :1]], axis=2),
                           lambda d: np.concatenate([d, d[:, :, :1]], axis=2)),
    "concatenate axis -2": (lambda x: pt.concatenate([x, x], axis=-2), lambda d: np.concatenate([d, d], axis=-2)),
    "join": (lambda x: pt.join(1, x, x[:, :2]), lambda d: np.concatenate([d, d[:, :2]], axis=1)),
    "join of a map, a view and an empty part": (
        lambda x: pt.join(1, x * 2 + 1, x[:, ::-1], x[:, :0], pt.swapaxes(x, 1, 2)[:, :, :2].dimshuffle(0, 2, 1)),
        lambda d: np.concatenate([d * 2 + 1, d[:, ::-1], d[:, :0], d[:, :2]], axis=1)),
    "a permuted view of a permuted slice": (lambda x: pt.swapaxes(x[:, 1:, ::2], 0, 2).dimshuffle(1, 2, 0) * 2,
                                            lambda d: np.swapaxes(d[:, 1:, ::2], 0, 2).transpose(1, 2, 0) * 2),
    "join last axis of a map and a view": (lambda x: pt.join(-1, x.T, x.T * 2 + 1),
                                           lambda d: np.concatenate([d.T, d.T * 2 + 1], axis=-1)),
    "stack": (lambda x: pt.stack([x[0], x[1]]), lambda d: np.stack([d[0], d[1]])),
    "stack axis 1": (lambda x: pt.stack([x[0], x[1]], axis=1), lambda d: np.stack([d[0], d[1]], axis=1)),
    "stack scalars": (lambda x: pt.stack([x[0, 0, 0], x[1, 2, 3]]), lambda d: np.array([d[0, 0, 0], d[1, 2, 3]])),
    "list of scalars": (lambda x: pt.as_tensor_variable([x[0, 0, 1], 5.0, x.sum()]),
                        lambda d: np.array([d[0, 0, 1], 5.0, d.sum()])),
    "nested lists": (lambda x: pt.as_tensor_variable([[x[0, 0, 0], 1.0], [2.0, x[0, 0, 1]]]),
                     lambda d: np.array([[d[0, 0, 0], 1.0], [2.0, d[0, 0, 1]]])),
    "split": (lambda x: pt.split(x.ravel(), [10, 14], 2)[1], lambda d: d.ravel()[10:]),
    "split axis 2": (lambda x: pt.split(x, np.array([1, 3]), 2, axis=2)[0], lambda d: d[:, :, :1]),
    "repeat": (lambda x: pt.repeat(x, 2), lambda d: np.repeat(d, 2)),
    "repeat axis 1": (lambda x: x.repeat(3, axis=1), lambda d: np.repeat(d, 3, axis=1)),
    "repeat counts": (lambda x: pt.repeat(x, np.array([0, 2, 1, 3]), axis=-1),
                      lambda d: np.repeat(d, [0, 2, 1, 3], axis=-1)),
    "repeat symbolic counts": (lambda x: pt.repeat(x, pt.cast(x[0, :, 0], "int64"), axis=1),
                               lambda d: np.repeat(d, d[0, :, 0].astype(np.int64), axis=1)),
    "tile": (lambda x: pt.tile(x, (2, 1, 3)), lambda d: np.tile(d, (2, 1, 3))),
    "tile more axes": (lambda x: pt.tile(x[0], (2, 2, 1)), lambda d: np.tile(d[0], (2, 2, 1))),
    "tile fewer reps": (lambda x: pt.tile(x, 2), lambda d: np.tile(d, 2)),
    "nonzero": (lambda x: x.ravel().nonzero()[0], lambda d: d.ravel().nonzero()[0]),
    "swapaxes": (lambda x: pt.swapaxes(x, 0, -1), lambda d: np.swapaxes(d, 0, -1)),
    "moveaxis": (lambda x: pt.moveaxis(x, 0, -1), lambda d: np.moveaxis(d, 0, -1)),
    "moveaxis several": (lambda x: pt.moveaxis(x, [0, 1], [2, 0]), lambda d: np.moveaxis(d, [0, 1], [2, 0])),
    "matrix_transpose": (lambda x: pt.matrix_transpose(x), lambda d: np.swapaxes(d, -1, -2)),
    "shape_padleft": (lambda x: pt.shape_padleft(x, 2), lambda d: d[None, None]),
    "shape_padright": (lambda x: pt.shape_padright(x), lambda d: d[..., None]),
    "shape_padaxis": (lambda x: pt.shape_padaxis(x, 1), lambda d: d[:, None]),
    "atleast_3d of a vector": (lambda x: pt.atleast_3d(x[0, 0]), lambda d: np.atleast_3d(d[0, 0])),
    "atleast_2d": (lambda x: pt.atleast_2d(x[0, 0, 0]), lambda d: np.atleast_2d(d[0, 0, 0])),
    "flip": (lambda x: pt.flip(x), lambda d: np.flip(d)),
    "flip axis": (lambda x: pt.flip(x, axis=-2), lambda d: np.flip(d, axis=-2)),
    "roll": (lambda x: pt.roll(x, 2, axis=2), lambda d: np.roll(d, 2, axis=2)),
    "roll negative": (lambda x: pt.roll(x, -5, axis=1), lambda d: np.roll(d, -5, axis=1)),
    "roll flattened": (lambda x: pt.roll(x, 7), lambda d: np.roll(d, 7)),
    "roll symbolic": (lambda x: pt.roll(x, pt.cast(x[0, 0, 3], "int32"), axis=0),
                      lambda d: np.roll(d, int(d[0, 0, 3]), axis=0)),
    "take": (lambda x: pt.take(x, np.array([3, 0, 3])), lambda d: np.take(d, [3, 0, 3])),
    "take axis": (lambda x: pt.take(x, np.array([[1, 0]]), axis=1), lambda d: np.take(d, [[1, 0]], axis=1)),
    "horizontal_stack": (lambda x: pt.horizontal_stack(x[0], x[1]), lambda d: np.hstack([d[0], d[1]])),
    "vertical_stack": (lambda x: pt.vertical_stack(x[0, 0], x[1]), lambda d: np.vstack([d[0, 0], d[1]])),
    "stacklists": (lambda x: pt.stacklists([[x[0, 0], x[0, 1]], [x[1, 0], x[1, 1]]]),
                   lambda d: np.array([[d[0, 0], d[0, 1]], [d[1, 0], d[1, 1]]])),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("mode", MODES)
def test_shape_op(name, mode):
    build, numpy = CASES[name]
    x = pt.dtensor3("x")
    got = pytensor.function([x], build(x), mode=mode)(DATA)
    want = numpy(DATA)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


VALUE_SHAPED = ["repeat counts", "repeat symbolic counts", "nonzero"]  # lengths known once computed


@pytest.mark.parametrize("name", list(CASES))
def test_shape_op_inside_a_step(name):
    build, numpy = CASES[name]
    if name in VALUE_SHAPED:  # a step's stacked output has one shape for all steps: reduced here
        build, numpy = (lambda x, b=build: b(x).sum()), (lambda d, n=numpy: n(d).sum())
    xs = pt.dtensor4("xs")
    out, _ = pytensor.scan(build, sequences=[xs])
    values = np.stack([DATA, DATA + 100])
    np.testing.assert_array_equal(pytensor.function([xs], out)(values), np.stack([numpy(v) for v in values]))


@pytest.mark.parametrize("name", VALUE_SHAPED)
def test_value_shaped_step_outputs_are_refused(name):
    xs = pt.dtensor4("xs")
    out, _ = pytensor.scan(CASES[name][0], sequences=[xs])
    with pytest.raises(NotImplementedError, match="cannot be known before it is computed"):
        pytensor.function([xs], out)


@pytest.mark.parametrize("mode", MODES)
def test_shape_errors(mode):
    x, y, v = pt.dmatrix("x"), pt.dmatrix("y"), pt.dvector("v")
    with pytest.raises(ValueError, match=r"cannot reshape 'x' of size 6 into shape \(4, -1\)"):
        pytensor.function([x], x.reshape((4, -1)), mode=mode)(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"cannot reshape 'x' of size 6 into shape \(7,\)"):
        pytensor.function([x], x.reshape((7,)), mode=mode)(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"join along axis 0: 'x' has shape \(2, 3\) and 'y' has shape \(2, 4\)"):
        pytensor.function([x, y], pt.concatenate([x, y]), mode=mode)(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="do not add up"):
        pytensor.function([v], pt.split(v, [1, 1], 2), mode=mode)(np.ones(3))
    with pytest.raises(ValueError, match="negative count -1"):
        pytensor.function([v], pt.repeat(v, np.array([1, -1, 2])), mode=mode)(np.ones(3))
    with pytest.raises(ValueError, match="one count per element"):
        pytensor.function([v], pt.repeat(v, np.array([1, 2])), mode=mode)(np.ones(3))
    with pytest.raises(ValueError):
        pt.reshape(x, (-1, -1))
    with pytest.raises(ValueError):
        pt.squeeze(x, 0)
    with pytest.raises(ValueError):
        pt.concatenate([x, v])


def test_reshapes_are_views_never_written():
    """A reshape is a view of its operand's buffer: writing into it, or
    returning it, copies; the caller's array stays as it was."""
    x = pt.dmatrix("x")
    y = x.reshape((-1,))
    f = pytensor.function([x], [pt.inc_subtensor(y[1:3], 10.0), y, x * 1])
    data = np.arange(6.0).reshape(2, 3)
    written, returned, same = f(data)
    np.testing.assert_array_equal(written, [0, 11, 12, 3, 4, 5])
    np.testing.assert_array_equal(returned, np.arange(6.0))
    returned[0] = 99.0
    np.testing.assert_array_equal(data, np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(same, data)


def test_reshaped_states_of_a_scan():
    """States swapped through reshapes, each the other's view, stay right."""
    a, b = pt.dmatrix("a"), pt.dmatrix("b")
    (xs, ys), _ = pytensor.scan(lambda x, y: (y.reshape(x.shape), x.reshape(y.shape) * 2),
                                outputs_info=[a, b], n_steps=3)
    f = pytensor.function([a, b], [xs, ys])
    x, y = np.arange(6.0).reshape(2, 3), np.arange(6.0, 12.0).reshape(3, 2)
    want_x, want_y = [], []
    for _ in range(3):
        x, y = y.reshape(x.shape), x.reshape(y.shape) * 2
        want_x.append(x), want_y.append(y)
    got_x, got_y = f(np.arange(6.0).reshape(2, 3), np.arange(6.0, 12.0).reshape(3, 2))
    np.testing.assert_array_equal(got_x, want_x)
    np.testing.assert_array_equal(got_y, want_y)


@pytest.mark.parametrize("mode", MODES)
def test_assert_op(mode):
    x = pt.dvector("x")
    f = pytensor.function([x], assert_op(x * 2, x.sum() > 0, msg="positive sum"), mode=mode)
    np.testing.assert_array_equal(f(np.ones(2)), [2.0, 2.0])
    with pytest.raises(AssertionError, match="positive sum"):
        f(-np.ones(2))


def test_static_shapes():
    x = pt.tensor("x", dtype="float64", shape=(2, 3))
    assert x.reshape((3, -1)).type.shape == (3, 2)
    assert pt.concatenate([x, x], axis=1).type.shape == (2, 6)
    assert pt.stack([x, x]).type.shape == (2, 2, 3)
    assert pt.expand_dims(x, 1).type.shape == (2, 1, 3)
