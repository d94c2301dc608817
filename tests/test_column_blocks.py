"""A recurrence whose state's columns are independent runs in blocks of
columns, one per thread (`block-recurrence-columns`): the results are the
serial loop's bits for any number of threads, and a step that mixes
columns keeps the serial loop."""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from test_parallel import parallel, pool


def blocked(f) -> bool:
    return "scanjit_threads" in f.compiled.llvm_ir


def reference(step, sequences, initial, steps):
    """The scan's outputs computed with NumPy, one step at a time."""
    state, rows = initial, []
    for t in range(steps):
        state = step(*[s[t] for s in sequences], state)
        rows.append(state)
    return np.array(rows).reshape((steps,) + np.shape(initial))


SHAPES = [(0, 5), (3, 0), (1, 1), (5, 3), (40, 2000), (9, 70001)]


@pytest.mark.parametrize("threads", [1, 2, 3, 8])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_a_moving_average_gives_the_serial_bits(threads, shape):
    X, s0, a = pt.dmatrix("X"), pt.dvector("s0"), pt.dscalar("a")
    out = scanjit.scan(lambda x, s: a * x + (1 - a) * s, sequences=X, outputs_info=s0, return_updates=False)
    f = scanjit.function([X, s0, a], [out, out[-1]] if shape[0] else [out])
    assert blocked(f) and parallel(f)
    rng = np.random.default_rng(shape)
    x, s = rng.normal(size=shape), rng.normal(size=shape[1])
    expected = reference(lambda xt, st: 0.25 * xt + (1 - 0.25) * st, [x], s, shape[0])
    with pool(threads):
        results = f(x, s, 0.25)
    np.testing.assert_array_equal(results[0], expected)
    if shape[0]:
        np.testing.assert_array_equal(results[1], expected[-1])


@pytest.mark.parametrize("threads", [1, 4])
def test_taps_a_per_column_constant_and_a_per_step_output(threads):
    """A mit-sot state (taps -2, -1) plus a vector of coefficients read at
    the column, and a nit-sot output: blocked, the serial bits."""
    X, b, init = pt.dmatrix("X"), pt.dvector("b"), pt.dmatrix("init")
    a, doubled = scanjit.scan(lambda x, a2, a1: (0.5 * a2 + 0.49 * a1 + b * x, (a1 + x) * 2), sequences=X,
                              outputs_info=[dict(initial=init, taps=[-2, -1]), None], return_updates=False)
    f = scanjit.function([X, b, init], [a, doubled])
    assert blocked(f)
    rng = np.random.default_rng(0)
    x, bv, iv = rng.normal(size=(30, 3001)), rng.normal(size=3001), rng.normal(size=(2, 3001))
    with pool(threads):
        got = f(x, bv, iv)
    rows = [iv[0], iv[1]]
    for t in range(30):
        rows.append(0.5 * rows[-2] + 0.49 * rows[-1] + bv * x[t])
    np.testing.assert_array_equal(got[0], np.array(rows[2:]))
    np.testing.assert_array_equal(got[1], (np.array(rows[1:-1]) + x) * 2)


@pytest.mark.parametrize("threads", [2, 4])
def test_a_batch_of_recurrences_is_blocked_by_rows(threads):
    """A (batch, columns) state with tanh: blocks of its rows."""
    X, h0 = pt.dtensor3("X"), pt.dmatrix("h0")
    h = scanjit.scan(lambda x, h: pt.tanh(h * 0.9 + x), sequences=X, outputs_info=h0, return_updates=False)
    f = scanjit.function([X, h0], h)
    assert blocked(f)
    rng = np.random.default_rng(2)
    x, hv = rng.normal(size=(30, 6, 3001)), rng.normal(size=(6, 3001))
    with pool(1):
        serial = f(x, hv)
    with pool(threads):
        np.testing.assert_array_equal(f(x, hv), serial)
    np.testing.assert_allclose(serial, reference(lambda xt, ht: np.tanh(ht * 0.9 + xt), [x], hv, 30), rtol=1e-13, atol=1e-15)


MIXING = {
    "first column": lambda x, s: x + s[0],
    "reversed": lambda x, s: x + s[::-1],
    "sum": lambda x, s: x + s.sum(),
    "shifted": lambda x, s: x + pt.concatenate([s[1:], s[:1]]),
}


@pytest.mark.parametrize("name", MIXING)
def test_a_step_mixing_columns_is_not_blocked(name):
    X, s0 = pt.dmatrix("X"), pt.dvector("s0")
    out = scanjit.scan(MIXING[name], sequences=X, outputs_info=s0, return_updates=False)
    f = scanjit.function([X, s0], out)
    assert not blocked(f)
    rng = np.random.default_rng(1)
    x, s = rng.normal(size=(20, 5000)), rng.normal(size=5000)
    with pool(4):
        got = f(x, s)
    np.testing.assert_allclose(got, scanjit.function([X, s0], out, mode="py")(x, s), rtol=1e-12)


def test_checks_still_name_the_mismatch_and_zero_steps_skip_them():
    X, s0 = pt.dmatrix("X"), pt.dvector("s0")
    out = scanjit.scan(lambda x, s: x + s, sequences=X, outputs_info=s0, return_updates=False)
    f = scanjit.function([X, s0], out)
    assert blocked(f)
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.ones((4, 3)), np.ones(5))
    assert f(np.ones((0, 3)), np.ones(5)).shape == (0, 5)
