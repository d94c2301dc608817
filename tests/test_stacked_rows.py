"""Values a scan step both stacks (a row of a (T, ...) output) and reads
(in a product, in later maps) are computed straight into their rows
(convert-sj-to-loops' StackInPlace), the readers reading the row: never
the row of another step, nor a row a step overwrites while it still reads
it. Compiled against the reference interpreter (`mode="py"`) and NumPy,
freed buffers poisoned (conftest)."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from test_row_operands import both  # compiled, against the reference interpreter

RNG = np.random.default_rng(11)


@pytest.mark.parametrize("steps", [0, 1, 6])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_state_read_by_a_product_and_later_maps(steps, go_backwards):
    """v is the state (stacked), multiplied by V and read by a map after."""
    X, h0, W, U, V = pt.dmatrix("X"), pt.dvector("h0"), pt.dmatrix("W"), pt.dmatrix("U"), pt.dmatrix("V")

    def step(x, h, W, U, V):
        v = pt.tanh(pt.dot(x, W) + pt.dot(h, U))
        return v, pt.dot(v, V), v * 2.0 + h

    (h, p, q), _ = pytensor.scan(step, sequences=[X], outputs_info=[h0, None, None], non_sequences=[W, U, V],
                                 go_backwards=go_backwards)
    args = (RNG.normal(size=(steps, 3)), RNG.normal(size=4), RNG.normal(size=(3, 4)), RNG.normal(size=(4, 4)),
            RNG.normal(size=(4, 2)))
    got = both([X, h0, W, U, V], [h, p, q], args)
    x, state, w, u, vv = args
    hs, ps, qs = [], [], []
    for t in range(steps):
        v = np.tanh(x[steps - 1 - t if go_backwards else t] @ w + state @ u)
        hs.append(v), ps.append(v @ vv), qs.append(v * 2 + state)
        state = v
    for g, e, width in zip(got, (hs, ps, qs), (4, 2, 4)):
        np.testing.assert_allclose(g, np.reshape(e, (steps, width)), rtol=1e-12)


@pytest.mark.parametrize("last_only", [False, True])
def test_taps_state_stacked_and_multiplied(last_only):
    """A state with taps [-2, -1] (a ring when only its last row is used)
    whose new row is multiplied in the step, and the row it overwrites in
    a ring (tap -2) multiplied after the new value is computed."""
    h0, U, V = pt.dmatrix("h0"), pt.dmatrix("U"), pt.dmatrix("V")

    def step(a, b, U, V):
        v = pt.tanh(pt.dot(b, U) + 0.5 * a)
        return v, pt.dot(v, V) + pt.dot(a, V)

    (h, p), _ = pytensor.scan(step, outputs_info=[{"initial": h0, "taps": [-2, -1]}, None],
                              non_sequences=[U, V], n_steps=5)
    out = [h[-1], p] if last_only else [h, p]
    args = (RNG.normal(size=(2, 3)), RNG.normal(size=(3, 3)), RNG.normal(size=(3, 2)))
    got = both([h0, U, V], out, args)
    rows, ps = list(args[0]), []
    for _ in range(5):
        v = np.tanh(rows[-1] @ args[1] + 0.5 * rows[-2])
        ps.append(v @ args[2] + rows[-2] @ args[2])
        rows.append(v)
    np.testing.assert_allclose(got[0], rows[-1] if last_only else np.stack(rows[2:]), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.stack(ps), rtol=1e-12)


@pytest.mark.parametrize("steps", [0, 1, 5])
def test_value_stacked_twice_and_multiplied(steps):
    """One value is two stacked outputs and a product's operand, with a
    batch (a matrix row per step)."""
    X, W = pt.tensor3("X"), pt.dmatrix("W")

    def step(x, W):
        v = pt.exp(x * 0.5)
        return v, v, pt.dot(v, W)

    outs, _ = pytensor.scan(step, sequences=[X], non_sequences=[W])
    args = (RNG.normal(size=(steps, 2, 3)), RNG.normal(size=(3, 4)))
    a, b, p = both([X, W], outs, args)
    v = np.exp(args[0] * 0.5)
    np.testing.assert_allclose(a, v, rtol=1e-12)
    np.testing.assert_allclose(b, v, rtol=1e-12)
    np.testing.assert_allclose(p, np.reshape(v @ args[1], (steps, 2, 4)), rtol=1e-12)


def test_rnn_gradient_backward_rows():
    """The gradient of an RNN (bench.py's (a)): the backward step stacks the
    pre-activation gradient and multiplies it by Uᵀ."""
    X, h0, W, U = pt.dmatrix("X"), pt.dvector("h0"), pt.dmatrix("W"), pt.dmatrix("U")
    h, _ = pytensor.scan(lambda x, h, W, U: pt.tanh(pt.dot(x, W) + pt.dot(h, U)), sequences=[X],
                         outputs_info=[h0], non_sequences=[W, U])
    cost = (h ** 2).sum()
    args = (RNG.normal(size=(7, 3)), RNG.normal(size=5), RNG.normal(size=(3, 5)) * 0.5,
            RNG.normal(size=(5, 5)) * 0.5)
    both([X, h0, W, U], [cost, *pytensor.grad(cost, [W, U, h0])], args)


def test_step_shape_change_is_an_error():
    """A stacked state whose length changes in the step (1 row of the
    initial value, 2 computed) is a ValueError, checked before the value is
    written into its row; its product is well formed."""
    init, W, n = pt.dvector("init"), pt.dmatrix("W"), pt.lscalar("n")

    def step(a, W, n):
        v = pt.tanh(pt.alloc(a[0], n))
        return v, pt.dot(v, W)

    outs, _ = pytensor.scan(step, outputs_info=[init, None], non_sequences=[W, n], n_steps=3)
    f = pytensor.function([init, W, n], outs)
    with pytest.raises(ValueError, match="output 0 of scan changes shape between steps: a step gave length 2"):
        f(np.ones(1), RNG.normal(size=(2, 3)), 2)
    expected = np.tanh(np.ones((3, 2)))
    for t in (1, 2):
        expected[t:] = np.tanh(expected[t:])
    np.testing.assert_allclose(f(np.ones(2), np.eye(2), 2)[1], expected, rtol=1e-12)
