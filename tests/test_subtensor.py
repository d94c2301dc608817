"""Basic indexing `x[key]` and set_subtensor / inc_subtensor of `x[key]`
(also `.set` / `.inc`) for every key form, against NumPy: compiled, by the
reference interpreter, and inside a scan step."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

S = slice
KEYS = [  # keys of a (4, 5, 3) tensor
    (1,), (-1,), (1, 2), (1, -2, 0), (S(1, 3),), (S(None, None, -1),), (S(None), 2),
    (S(1, None, 2), S(None), 1), (2, S(1, 4)), (S(None), S(None), 0), (S(-3, None), -1),
    (S(None), -1, S(None, None, 2)), (0, S(None), S(1, 2)), (S(3, 0, -2), 4, 2), (S(5, 9),),
]
READ_ONLY_KEYS = [(None, 1), (Ellipsis, 0), (1, Ellipsis), (S(None), None, 1), (Ellipsis,),
                  (None, Ellipsis, None)]


def key_id(key):
    return repr(key).replace("slice", "S")


def data(shape=(4, 5, 3)):
    return np.arange(np.prod(shape), dtype="float64").reshape(shape)


@pytest.mark.parametrize("key", KEYS + READ_ONLY_KEYS, ids=key_id)
@pytest.mark.parametrize("mode", [None, "py"])
def test_read(key, mode):
    x = pt.dtensor3("x")
    got = pytensor.function([x], x[key], mode=mode)(data())
    np.testing.assert_array_equal(got, data()[key])


def value_shapes(part_shape):
    """The part's shape, a scalar, and shapes that broadcast to it."""
    shapes = [part_shape, ()]
    if part_shape:
        shapes.append(part_shape[1:])
        shapes.append((1,) + part_shape[1:])
    return shapes


@pytest.mark.parametrize("key", KEYS, ids=key_id)
@pytest.mark.parametrize("mode", ["set", "inc"])
def test_set_and_inc(key, mode):
    x = pt.dtensor3("x")
    part_shape = data()[key].shape
    for shape in value_shapes(part_shape):
        v = pt.tensor("v", dtype="float64", shape=tuple(1 if s == 1 else None for s in shape))
        out = (pt.set_subtensor if mode == "set" else pt.inc_subtensor)(x[key], v)
        method = x[key].set(v) if mode == "set" else x[key].inc(v)
        value = -1.0 - np.arange(np.prod(shape), dtype="float64").reshape(shape)
        want = data()
        if mode == "set":
            want[key] = value
        else:
            want[key] += value
        for fn_mode in (None, "py"):
            got, got_method = pytensor.function([x, v], [out, method], mode=fn_mode)(data(), value)
            np.testing.assert_array_equal(got, want, err_msg=f"value shape {shape}")
            np.testing.assert_array_equal(got_method, want)


@pytest.mark.parametrize("key", KEYS, ids=key_id)
def test_set_inside_a_step(key):
    xs = pt.dtensor4("xs")
    out, _ = pytensor.scan(lambda x: pt.set_subtensor(x[key], -x[key]) + x[key].sum(), sequences=[xs])
    values = np.stack([data(), data() * 2])
    want = []
    for v in values:
        w = v.copy()
        w[key] = -v[key]
        want.append(w + v[key].sum())
    np.testing.assert_array_equal(pytensor.function([xs], out)(values), np.stack(want))


def test_symbolic_key():
    x = pt.dmatrix("x")
    i, a, b = pt.lscalar("i"), pt.lscalar("a"), pt.lscalar("b")
    f = pytensor.function([x, i, a, b], [x[i, a:b], pt.set_subtensor(x[a:b, i], 0.0), x[:, i]])
    m = data((4, 5))
    got = f(m, -2, 1, 3)
    want = m.copy()
    want[1:3, -2] = 0.0
    for g, w in zip(got, [m[-2, 1:3], want, m[:, -2]]):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("mode", [None, "py"])
def test_set_subtensor_of_a_multi_index_returns_the_whole_tensor(mode):
    """set_subtensor(M[i, j], 5) returned the modified row, not M."""
    M, i, j = pt.dmatrix("M"), pt.lscalar("i"), pt.lscalar("j")
    f = pytensor.function([M, i, j], pt.set_subtensor(M[i, j], 5.0), mode=mode)
    want = np.zeros((3, 3))
    want[1, 2] = 5.0
    np.testing.assert_array_equal(f(np.zeros((3, 3)), 1, 2), want)


def test_chained_indexing_sets_the_row_as_pytensor():
    """set_subtensor(M[i][j], v) sets in the row M[i] (PyTensor's meaning)."""
    M = pt.dmatrix("M")
    got = pytensor.function([M], pt.set_subtensor(M[1][2], 5.0))(np.zeros((3, 3)))
    np.testing.assert_array_equal(got, [0.0, 0.0, 5.0])


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("key,axis", [((3, 0), 0), ((0, 5), 1), ((0, -6), 1), ((S(None), 7), 1)])
def test_out_of_range_raises_index_error_naming_the_axis(mode, key, axis):
    M = pt.dmatrix("M")
    for out in (M[key], pt.set_subtensor(M[key], 1.0)):
        with pytest.raises(IndexError, match=f"axis {axis} of 'M'"):
            pytensor.function([M], out, mode=mode)(data((3, 5)))


@pytest.mark.parametrize("mode", [None, "py"])
def test_wrong_value_length_raises(mode):
    M, v = pt.dmatrix("M"), pt.dvector("v")
    f = pytensor.function([M, v], pt.set_subtensor(M[:, 1], v), mode=mode)
    with pytest.raises(ValueError):
        f(data((3, 5)), np.ones(2))


def test_unsupported_keys():
    x = pt.dvector("x")
    with pytest.raises(IndexError, match="too many indices"):
        x[1, 2]
    with pytest.raises(NotImplementedError, match="None and index arrays"):
        x[None, pt.lvector("idx")]
    with pytest.raises(TypeError, match="integer scalar"):
        x[pt.dscalar("f")]
    with pytest.raises(IndexError):
        x[1.5]


@pytest.mark.parametrize("mode", [None, "py"])
def test_slices_of_slices(mode):
    """x[a:b][c::d] chains (one copy after convert-sj-to-loops merges them),
    with symbolic bounds, negative steps and empty results, also in a step."""
    x, a, b = pt.dtensor3("x"), pt.lscalar("a"), pt.lscalar("b")
    outputs = [x[a:b][::-1], x[a:][1::2][::-1], x[::-1][b:a:-2], x[a:b][5:]]
    f = pytensor.function([x, a, b], outputs, mode=mode)
    value = np.random.default_rng(3).normal(size=(9, 2, 3))
    for lo, hi in [(1, 7), (0, 9), (-4, -1), (6, 2)]:
        want = [value[lo:hi][::-1], value[lo:][1::2][::-1], value[::-1][hi:lo:-2], value[lo:hi][5:]]
        for got, expected in zip(f(value, lo, hi), want):
            np.testing.assert_array_equal(got, expected)
    steps, _ = pytensor.scan(lambda v: v[1:][::-2][:2], sequences=[x])
    np.testing.assert_array_equal(pytensor.function([x], steps, mode=mode)(value), value[:, 1:][:, ::-2][:, :2])


@pytest.mark.parametrize("mode", [None, "py"])
def test_inc_of_columns_updates_elements_in_place(mode):
    """inc/set_subtensor of a part within rows (x[:, a:b], x[i, a:]) loops
    over the part's elements carrying the whole tensor (no row copied out
    and inserted back), as NumPy, in a scan step
    (a gradient's increments into zeros) and with broadcast values."""
    x, v, w = pt.dmatrix("x"), pt.dmatrix("v"), pt.dvector("w")
    outputs = [pt.inc_subtensor(x[:, 1:3], v), pt.set_subtensor(x[1, 2:], w[:2]), pt.inc_subtensor(x[::2, 1:], w)]
    f = pytensor.function([x, v, w], outputs, mode=mode)
    rng = np.random.default_rng(4)
    xv, vv, wv = rng.normal(size=(3, 4)), rng.normal(size=(3, 2)), rng.normal(size=3)
    want = [xv.copy() for _ in outputs]
    want[0][:, 1:3] += vv
    want[1][1, 2:] = wv[:2]
    want[2][::2, 1:] += wv
    for got, expected in zip(f(xv, vv, wv), want):
        np.testing.assert_array_equal(got, expected)
    xs = pt.dtensor3("xs")
    steps, _ = pytensor.scan(lambda s: pt.inc_subtensor(pt.zeros_like(s)[:, 2:], s[:, :2]), sequences=[xs])
    g = pytensor.function([xs], steps, mode=mode)
    value = rng.normal(size=(2, 3, 4))
    expected = np.zeros_like(value)
    expected[:, :, 2:] += value[:, :, :2]
    np.testing.assert_array_equal(g(value), expected)
    if mode is None:
        assert "sj.insert_row" not in f.dump("emit")
