"""Advanced indexing (integer index arrays, boolean masks, NumPy's rules for
where their axes go) and set/inc_subtensor of it (repeated indices: the last
set wins, increments accumulate as np.add.at), against NumPy: compiled, by
the reference interpreter, inside a scan step, and against PyTensor."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

S = slice
DATA = np.arange(60.0).reshape(4, 5, 3)
IDX = np.array([2, 0, -1, 2])  # repeated and negative
ROWS = np.array([[0, 3], [1, 1]])
KEYS = {  # name -> key, with IDX and ROWS as symbolic inputs "i" and "r"
    "x[i]": ("i",), "x[r]": ("r",), "x[i, 1]": ("i", 1), "x[1, i]": (1, "i"), "x[i, :, 0]": ("i", S(None), 0),
    "x[:, i]": (S(None), "i"), "x[:, :, i[:2]]": (S(None), S(None), "i2"), "x[i, i]": ("i", "i"),
    "x[r, i[:2]]": ("r", "i2"), "x[1:3, i]": (S(1, 3), "i"), "x[i, 1:4]": ("i", S(1, 4)),
    "x[..., i[:2]]": (Ellipsis, "i2"), "x[[0, 3]]": ([0, 3],), "x[i, ::-1]": ("i", S(None, None, -1)),
    "x[array, ...]": (np.array([3, 0]), Ellipsis), "x[..., array]": (Ellipsis, np.array([[2, 0]])),
}


def key_of(spec, i, r):
    names = {"i": i, "r": r, "i2": i[:2]}
    return tuple(names.get(k, k) if isinstance(k, str) else k for k in spec)


@pytest.mark.parametrize("name", list(KEYS))
@pytest.mark.parametrize("mode", [None, "py"])
def test_read(name, mode):
    x, i, r = pt.dtensor3("x"), pt.lvector("i"), pt.lmatrix("r")
    got = pytensor.function([x, i, r], x[key_of(KEYS[name], i, r)], mode=mode, on_unused_input="ignore")(
        DATA, IDX, ROWS)
    want = DATA[key_of(KEYS[name], IDX, ROWS)]
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", list(KEYS))
@pytest.mark.parametrize("how", ["set", "inc"])
def test_set_and_inc(name, how):
    x, i, r = pt.dtensor3("x"), pt.lvector("i"), pt.lmatrix("r")
    part_shape = DATA[key_of(KEYS[name], IDX, ROWS)].shape
    for value in (np.float64(7.0), -np.arange(np.prod(part_shape), dtype=float).reshape(part_shape),
                  -np.arange(part_shape[-1], dtype=float)):
        v = pt.tensor("v", dtype="float64", shape=(None,) * value.ndim)
        part = x[key_of(KEYS[name], i, r)]
        out = pt.set_subtensor(part, v) if how == "set" else pt.inc_subtensor(part, v)
        want = DATA.copy()
        where = key_of(KEYS[name], IDX, ROWS)
        if how == "set":
            want[where] = value
        else:
            np.add.at(want, where, value)
        for mode in (None, "py"):
            got = pytensor.function([x, i, r, v], out, mode=mode, on_unused_input="ignore")(DATA, IDX, ROWS, value)
            np.testing.assert_array_equal(got, want, err_msg=f"{mode} value {value.shape}")


MASKS = {"x[x > 30]": lambda x: x > 30, "x[x[:, :, 0] > 20]": lambda x: x[:, :, 0] > 20,
         "x[none]": lambda x: x < -1}


@pytest.mark.parametrize("name", list(MASKS))
@pytest.mark.parametrize("mode", [None, "py"])
def test_boolean_masks(name, mode):
    x = pt.dtensor3("x")
    mask = MASKS[name]
    f = pytensor.function([x], [x[mask(x)], pt.set_subtensor(x[mask(x)], 0.0), pt.inc_subtensor(x[mask(x)], 1.0),
                                *pt.nonzero(mask(x))], mode=mode)
    got = f(DATA)
    set_, inc = DATA.copy(), DATA.copy()
    set_[mask(DATA)] = 0.0
    inc[mask(DATA)] += 1.0
    for g, w in zip(got, [DATA[mask(DATA)], set_, inc, *np.nonzero(mask(DATA))]):
        assert g.shape == w.shape
        np.testing.assert_array_equal(g, w)


def test_embedding_lookup_and_gather_in_a_step():
    """E[idx] and p[arange(n), y] per step, as taggers and losses use them."""
    E, words, p, y = pt.dmatrix("E"), pt.lmatrix("words"), pt.dtensor3("p"), pt.lmatrix("y")
    emb, _ = pytensor.scan(lambda w: E[w].sum(axis=0), sequences=[words])
    picked, _ = pytensor.scan(lambda pt_, yt: pt_[pt.arange(yt.shape[0]), yt], sequences=[p, y])
    f = pytensor.function([E, words, p, y], [emb, picked])
    e, w = np.arange(12.0).reshape(6, 2), np.array([[0, 5], [2, 2]])
    pv, yv = np.arange(24.0).reshape(2, 3, 4), np.array([[0, 1, 3], [2, 2, 0]])
    got_emb, got_picked = f(e, w, pv, yv)
    np.testing.assert_array_equal(got_emb, e[w].sum(axis=1))
    np.testing.assert_array_equal(got_picked, [pv[t][np.arange(3), yv[t]] for t in range(2)])


@pytest.mark.parametrize("mode", [None, "py"])
def test_errors(mode):
    x, i, j = pt.dmatrix("x"), pt.lvector("i"), pt.lvector("j")
    f = pytensor.function([x, i, j], [x[i], x[i, j]], mode=mode)
    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 0 of 'x' with size 4"):
        f(np.ones((4, 3)), np.array([0, 4]), np.array([0, 0]))
    with pytest.raises(IndexError, match="index -4 is out of bounds for axis 1 of 'x' with size 3"):
        f(np.ones((4, 3)), np.array([0, 1]), np.array([0, -4]))
    with pytest.raises(ValueError, match="index arrays of 'x'"):
        f(np.ones((4, 3)), np.array([0, 1]), np.array([0, 1, 2]))
    with pytest.raises(IndexError):
        x[pt.dvector("float_index")]


@pytest.mark.parametrize("name", ["x[i]", "x[i, 1]", "x[:, i]", "x[r, i[:2]]", "x[i, :, 0]"])
def test_as_pytensor(name):
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    rx, ri, rr = rpt.dtensor3("x"), rpt.lvector("i"), rpt.lmatrix("r")
    rpart = rx[key_of(KEYS[name], ri, rr)]
    want = ref.function([rx, ri, rr], [rpart, rpt.inc_subtensor(rpart, 1.0)], on_unused_input="ignore",
                        mode="FAST_COMPILE")(DATA, IDX, ROWS)
    x, i, r = pt.dtensor3("x"), pt.lvector("i"), pt.lmatrix("r")
    part = x[key_of(KEYS[name], i, r)]
    got = pytensor.function([x, i, r], [part, pt.inc_subtensor(part, 1.0)], on_unused_input="ignore")(DATA, IDX, ROWS)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
