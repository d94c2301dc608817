"""Mismatches the differential fuzzer (test_fuzz.py) found, each reduced to a
small program; the compiled result is checked against NumPy and against the
reference interpreter (`mode="py"`)."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt


def both(inputs, outputs, *args):
    """Results of the compiled function and of the reference interpreter."""
    return [pytensor.function(inputs, outputs, mode=mode)(*args) for mode in (None, "py")]


@pytest.mark.parametrize("stop", [False, True])
def test_per_step_outputs_of_one_shape_get_their_own_buffers(stop):
    """cse merged the two stacks' tensor.empty and bufferize let both loop
    inits write that one buffer: every output held the last one's values."""
    x = pt.dvector("x")

    def step(a):
        outs = [a + 1, a * 2]
        return (outs, pytensor.until(a > 2)) if stop else outs

    outs, _ = pytensor.scan(step, sequences=[x])
    xs = np.arange(5.0)
    expected = xs[:4] if stop else xs
    for plus, times in both([x], outs, xs):
        np.testing.assert_array_equal(plus, expected + 1)
        np.testing.assert_array_equal(times, expected * 2)


def test_vector_per_step_outputs_beside_a_state():
    """The fuzzer's first find: maximum and minimum of a state and a vector."""
    v, s0 = pt.dvector("v"), pt.dscalar("s0")
    outs, _ = pytensor.scan(lambda s: [pt.maximum(s, v), pt.minimum(v, s), s * 0.5],
                            outputs_info=[None, None, s0], n_steps=2)
    vs = np.array([1.0, -1.0])
    states = np.array([0.5, 0.25])
    for high, low, state in both([v, s0], outs, vs, 1.0):
        np.testing.assert_array_equal(high, np.maximum(np.array([1.0, 0.5])[:, None], vs))
        np.testing.assert_array_equal(low, np.minimum(vs, np.array([1.0, 0.5])[:, None]))
        np.testing.assert_array_equal(state, states)


def test_no_step_gives_rows_shaped_like_the_sequence_rows():
    """A scan running no step still knows its per-step rows' shape (the
    reference interpreter once failed to find it from a sequence's rows)."""
    seq, n = pt.lmatrix("seq"), pt.iscalar("n")
    out, _ = pytensor.scan(lambda row: row - row.sum(), sequences=[seq], n_steps=n)
    for result in both([seq, n], out, np.ones((3, 2), np.int64), 0):
        assert result.shape == (0, 2) and result.dtype == np.int64


def test_bool_dot_is_any_of_and():
    """i1 products were summed with addi (xor): [T, T] . [T, T] gave False.
    Found by probing the reference interpreter; the fuzzer draws no bools."""
    m, v = pt.matrix("m", dtype="bool"), pt.vector("v", dtype="bool")
    ms, vs = np.array([[True, True], [True, False]]), np.array([True, True])
    for got in both([m, v], [pt.dot(v, v), pt.dot(m, v), pt.dot(v, m), pt.dot(m, m)], ms, vs):
        for value, expected in zip(got, [np.dot(vs, vs), np.dot(ms, vs), np.dot(vs, ms), np.dot(ms, ms)]):
            assert value.dtype == np.bool_
            np.testing.assert_array_equal(value, expected)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_float_floor_division_and_modulo_as_numpy(dtype):
    a, b = pt.vector("a", dtype=dtype), pt.vector("b", dtype=dtype)
    xs = np.array([0.9, 7.8, 1.7, -6.5], dtype)
    ys = np.array([-0.3, 0.2, 0.1, -0.1], dtype)
    quotient, remainder = pytensor.function([a, b], [a // b, a % b])(xs, ys)
    np.testing.assert_array_equal(quotient, np.floor_divide(xs, ys))
    np.testing.assert_array_equal(remainder, np.remainder(xs, ys))


@pytest.mark.parametrize("step", [
    lambda row: row[::-1],
    lambda row: row[1:],
    lambda row: pt.alloc(1.0, pt.Shape(0)(row)),
])
@pytest.mark.parametrize("rows", [3, 0])
def test_per_step_rows_sized_by_the_step(step, rows):
    """With no step, the reference found the length of `alloc(1.0, row.shape[0])`
    by evaluating the row, which does not exist (fuzz seed 2025, program 52)."""
    m = pt.dmatrix("m")
    out, _ = pytensor.scan(step, sequences=[m])
    compiled, reference = both([m], out, np.arange(2.0 * rows).reshape(rows, 2))
    np.testing.assert_array_equal(compiled, reference)
    assert compiled.shape[0] == rows


@pytest.mark.parametrize("step, shape", [(lambda row, w: pt.dot(row, w), (0, 2)),
                                         (lambda row, w: row - w[0], (0, 3))])
def test_checks_of_a_step_that_never_runs_do_not_fire(step, shape):
    x, w = pt.dmatrix("x"), pt.dmatrix("w")
    out, _ = pytensor.scan(step, sequences=[x], non_sequences=[w])
    reference = pytensor.function([x, w], out, mode="py")(np.zeros((0, 3)), np.zeros((2, 2)))
    assert reference.shape == shape
    compiled = pytensor.function([x, w], out)(np.zeros((0, 3)), np.zeros((2, 2)))
    assert compiled.shape == shape


def _scan_rows(X, back=False):
    h = pytensor.scan(lambda x, h: h * 0.5 + x, sequences=[X], outputs_info=[pt.zeros((3,))],
                      go_backwards=back, return_updates=False)
    return h[::-1] if back else h


# Values whose op gives a static length its computed buffer's type lacks: the
# buffer is read through a view (tensor.cast) after its last direct use.
VIEWED = {
    "concatenate rows of a scan": lambda X: pt.concatenate([X, _scan_rows(X)], axis=0),
    "concatenate columns of two scans": lambda X: pt.concatenate([_scan_rows(X), _scan_rows(X, True)], axis=1),
    "concatenate, then used": lambda X: pt.concatenate([X, _scan_rows(X)], axis=0).sum(axis=0) * 2,
    "concatenate, used and returned": lambda X: [pt.concatenate([X, _scan_rows(X)], axis=0)[-1],
                                                 pt.concatenate([X, _scan_rows(X)], axis=0)],
    "specify_shape of a temporary": lambda X: pt.specify_shape(X * 2.0, (None, 3)) + 1.0,
    "specify_shape, returned": lambda X: pt.specify_shape(pt.exp(X), (None, 3)),
    "constant slice of a temporary": lambda X: (X * 2.0)[:, 1:3].sum(axis=0) + (X * 2.0)[:, 1:3][0],
    "a scan over a viewed value": lambda X: _scan_rows(pt.concatenate([X, X * 2.0], axis=0)),
}


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("name", VIEWED)
def test_a_buffer_read_through_a_view_lives_until_its_last_read(name, mode):
    """The GRU tagger's wrong answer: `bufferize` freed a buffer after its last
    direct use while a `memref.cast` of it was read later (a read after free,
    returning whatever reused the block). SCANJIT_POISON_FREED (conftest.py)
    makes such a read NaN."""
    X = pt.dmatrix("X")
    outputs = VIEWED[name](X)
    xs = np.arange(12.0).reshape(4, 3) / 7
    got = pytensor.function([X], outputs, mode=mode)(xs)
    expected = pytensor.function([X], outputs, mode="py")(xs)
    for g, e in zip(got if isinstance(got, list) else [got], expected if isinstance(expected, list) else [expected]):
        assert not np.isnan(g).any()
        np.testing.assert_allclose(g, e, rtol=1e-14)
