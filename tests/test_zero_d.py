"""0-d tensors (scalars) through every op that makes or takes them, compiled
outside a scan and inside a step, against NumPy."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

# name -> (graph of a float64 scalar s and a vector v, the same in NumPy)
CASES = {
    "ones(())": (lambda s, v: pt.ones(()) * s, lambda s, v: np.ones(()) * s),
    "zeros(())": (lambda s, v: pt.zeros(()) + s, lambda s, v: np.zeros(()) + s),
    "ones((), int32)": (lambda s, v: pt.ones((), dtype="int32"), lambda s, v: np.ones((), "int32")),
    "alloc(s)": (lambda s, v: pt.alloc(s), lambda s, v: np.asarray(s)),
    "alloc(s) + v": (lambda s, v: pt.alloc(s) + v, lambda s, v: s + v),
    "s.dimshuffle('x')": (lambda s, v: s.dimshuffle("x"), lambda s, v: np.asarray(s)[None]),
    "s.dimshuffle('x','x')": (lambda s, v: s.dimshuffle("x", "x"), lambda s, v: np.asarray(s)[None, None]),
    "s + zeros(())": (lambda s, v: s + pt.zeros(()), lambda s, v: s + np.zeros(())),
    "s[None]": (lambda s, v: s[None], lambda s, v: np.asarray(s)[None]),
    "v[:1].dimshuffle()": (lambda s, v: pt.alloc(s, 1).dimshuffle(), lambda s, v: np.asarray(s)),
    "alloc(s, 1, 1).dimshuffle()": (lambda s, v: pt.alloc(s, 1, 1).dimshuffle(), lambda s, v: np.asarray(s)),
    "alloc(v, 1, 3).dimshuffle(1)": (lambda s, v: pt.alloc(v, 1, 3).dimshuffle(1), lambda s, v: v),
    "sum(s)": (lambda s, v: pt.sum(s), lambda s, v: np.sum(s)),
    "max(s)": (lambda s, v: pt.max(s), lambda s, v: np.max(s)),
    "cast(s, int64)": (lambda s, v: pt.cast(s, "int64"), lambda s, v: np.asarray(s).astype("int64")),
    "s > 0": (lambda s, v: s > 0, lambda s, v: np.asarray(s > 0)),
    "switch(s > 0, s, 0)": (lambda s, v: pt.switch(s > 0, s, 0.0), lambda s, v: np.where(s > 0, s, 0.0)),
    "dot(v, v)": (lambda s, v: pt.dot(v, v), lambda s, v: np.dot(v, v)),
    "v[0]": (lambda s, v: v[0], lambda s, v: v[0]),
    "set_subtensor(v[0], s)": (lambda s, v: pt.set_subtensor(v[0], s),
                               lambda s, v: np.concatenate([[s], v[1:]])),
    "argmax(v)": (lambda s, v: pt.argmax(v), lambda s, v: np.argmax(v)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_zero_d_outside_scan(name):
    build, expected = CASES[name]
    s, v = pt.dscalar("s"), pt.dvector("v")
    sv, vv = 1.5, np.array([0.5, 2.0, -1.0])
    got = pytensor.function([s, v], build(s, v), on_unused_input="ignore")(sv, vv)
    want = expected(sv, vv)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", list(CASES))
def test_zero_d_inside_a_step(name):
    build, expected = CASES[name]
    ss, v = pt.dvector("ss"), pt.dvector("v")
    out, _ = pytensor.scan(lambda s: build(s, v), sequences=[ss])
    svs, vv = np.array([1.5, -2.0]), np.array([0.5, 2.0, -1.0])
    got = pytensor.function([ss, v], out, on_unused_input="ignore")(svs, vv)
    want = np.stack([expected(s, vv) for s in svs])
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("init", [lambda: pt.ones(()), lambda: pt.zeros(()) + 1, lambda: pt.alloc(1.0),
                                  lambda: np.float64(1)])
def test_zero_d_initial_state(init):
    out, _ = pytensor.scan(lambda x: x * 2, outputs_info=init(), n_steps=10)
    np.testing.assert_array_equal(pytensor.function([], out)(), 2.0 ** np.arange(1, 11))


@pytest.mark.parametrize("dtype", ["float32", "int32", "int8", "bool"])
def test_zero_d_dtypes(dtype):
    s = pt.scalar("s", dtype=dtype)
    f = pytensor.function([s], [pt.alloc(s), s.dimshuffle("x"), pt.alloc(s, 1, 2)])
    value = np.asarray(1, dtype)
    a, b, c = f(value)
    for got, want in ((a, value), (b, value[None]), (c, np.full((1, 2), value))):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
