"""Rows passed to products where they lie (`sj.buffer_row`) and slices read
where they lie (convert-sj-to-loops): no copy, and no value overwritten
while a later read still needs it. Compiled against the reference
interpreter (`mode="py"`) and NumPy, freed buffers poisoned (conftest)."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

RNG = np.random.default_rng(7)


def both(inputs, outputs, args):
    got = pytensor.function(inputs, outputs)(*args)
    ref = pytensor.function(inputs, outputs, mode="py")(*args)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-13)
    return got


@pytest.mark.parametrize("go_backwards", [False, True])
def test_products_of_a_sequence_row_and_of_state_rows(go_backwards):
    """x_t @ W and the two previous states (taps -2, -1, rows of the stored
    states) @ U, the states written a row further each step."""
    X, h0, W, U = pt.tensor3("X"), pt.tensor3("h0"), pt.dmatrix("W"), pt.dmatrix("U")
    h = pytensor.scan(lambda x, a, b, W, U: pt.tanh(pt.dot(x, W) + pt.dot(a, U) - pt.dot(b, U)),
                      sequences=[X], outputs_info=[{"initial": h0, "taps": [-2, -1]}],
                      non_sequences=[W, U], go_backwards=go_backwards, return_updates=False)
    args = (RNG.normal(size=(7, 3, 4)), RNG.normal(size=(2, 3, 5)), RNG.normal(size=(4, 5)) * 0.5,
            RNG.normal(size=(5, 5)) * 0.5)
    got = both([X, h0, W, U], [h, h.sum()], args)
    x, h_prev, w, u = args
    rows = list(h_prev)
    for t in range(7):
        xt = x[6 - t] if go_backwards else x[t]
        rows.append(np.tanh(xt @ w + rows[-2] @ u - rows[-1] @ u))
    np.testing.assert_allclose(got[0], np.stack(rows[2:]), rtol=1e-12)


def test_product_of_a_row_read_after_the_tensor_is_written():
    """A row of a step's tensor is multiplied after the tensor was updated:
    the product must read the row as it was (the update is not in place)."""
    X, W = pt.tensor4("X"), pt.dmatrix("W")

    def step(x, W):
        y = x * 2.0
        row = y[0]
        z = pt.set_subtensor(y[0], y[1])  # writes the row the product reads
        return pt.dot(row, W) + z.sum()

    out = pytensor.scan(step, sequences=[X], non_sequences=[W], return_updates=False)
    args = (RNG.normal(size=(5, 3, 4, 2)), RNG.normal(size=(2, 3)))
    got = both([X, W], [out], args)[0]
    x, w = args
    expected = [2 * xt[0] @ w + (2 * np.concatenate([xt[1:2], xt[1:]])).sum() for xt in x]
    np.testing.assert_allclose(got, np.stack(expected), rtol=1e-12)


def test_slices_of_a_stored_step_value_and_of_a_written_one():
    """Column slices of a value the step also stores (a GRU's gates) are
    read in place; a slice of a value written afterwards keeps its rows."""
    X, h0, W = pt.tensor3("X"), pt.dmatrix("h0"), pt.dmatrix("W")
    H = 3

    def step(x, h, W):
        zr = pt.sigmoid(pt.dot(x, W) + pt.concatenate([h, h], axis=1))
        z, r = zr[:, :H], zr[:, H:]
        head = zr[:, 1:]
        bumped = pt.inc_subtensor(zr[:, 1:2], 10.0)
        new = (1 - z) * h + z * r + head.sum() + bumped.sum()
        return new, zr

    (h, zr), _ = pytensor.scan(step, sequences=[X], outputs_info=[h0, None], non_sequences=[W])
    args = (RNG.normal(size=(6, 2, 4)), RNG.normal(size=(2, H)), RNG.normal(size=(4, 2 * H)))
    got = both([X, h0, W], [h, zr], args)
    x, state, w = args
    hs, gates = [], []
    for xt in x:
        g = 1 / (1 + np.exp(-(xt @ w + np.concatenate([state, state], axis=1))))
        z, r = g[:, :H], g[:, H:]
        state = (1 - z) * state + z * r + g[:, 1:].sum() + g.sum() + 10.0 * len(g)
        hs.append(state)
        gates.append(g)
    np.testing.assert_allclose(got[0], np.stack(hs), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.stack(gates), rtol=1e-12)


def test_gru_gradient_reads_its_stacked_rows():
    """bench.py's (e) at a small size: the backward scan reads the stored
    gates' rows (slices of them in place) and stacks its per-step rows,
    which the weight gradients' products read after the loop; against the
    reference interpreter and central differences."""
    from scanjit.tools import bench

    inputs, outputs, args = bench.WORKLOADS[14][1](pytensor, pt, 3)
    got = both(inputs, outputs, args)
    cost = pytensor.function(inputs, outputs[0])
    for k, wrt in enumerate([2, 3, 4, 5]):  # W, U, b, V
        values = [np.array(a, dtype=float) for a in args]
        flat = values[wrt].reshape(-1)
        for i in RNG.choice(flat.size, 3, replace=False):
            old = flat[i]
            flat[i] = old + 1e-6
            up = cost(*values)
            flat[i] = old - 1e-6
            down = cost(*values)
            flat[i] = old
            np.testing.assert_allclose(got[1 + k].reshape(-1)[i], (up - down) / 2e-6, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("form", ["matrix row by vector row", "matrix row by matrix row", "a row by itself"])
def test_a_product_of_two_rows_of_sequences(form):
    """Both operands of one product are rows passed where they lie (a row
    placed right before the product each): the pass ends (it rewrote the two
    rows in turn forever) and computes NumPy's values."""
    A, B, v = pt.tensor3("A"), pt.tensor3("B"), pt.dmatrix("v")
    steps = {"matrix row by vector row": lambda a, b, x: pt.dot(a, x),
             "matrix row by matrix row": lambda a, b, x: pt.dot(a, b).sum(axis=0),
             "a row by itself": lambda a, b, x: pt.dot(a, a).sum(axis=1)}
    out = pytensor.scan(steps[form], sequences=[A, B, v], return_updates=False)
    a, b, x = RNG.normal(size=(6, 40, 40)), RNG.normal(size=(6, 40, 40)), RNG.normal(size=(6, 40))
    got = both([A, B, v], [out], (a, b, x))[0]
    want = {"matrix row by vector row": np.einsum("tij,tj->ti", a, x),
            "matrix row by matrix row": (a @ b).sum(axis=1),
            "a row by itself": (a @ a).sum(axis=2)}[form]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
