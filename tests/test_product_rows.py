"""A product a scan step stores as its state's new row (h = U·h; the
carried adjoint of an RNN's backward loop) is computed straight into that
row (convert-sj-to-loops' ProductIntoRow, bufferize in place): never into
the row it reads, nor a row read later. Compiled against the reference
interpreter (`mode="py"`) and NumPy, freed buffers poisoned (conftest)."""

import re

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

RNG = np.random.default_rng(17)


def both(inputs, outputs, args):
    fn = pytensor.function(inputs, outputs)
    got = fn(*args)
    ref = pytensor.function(inputs, outputs, mode="py")(*args)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-13)
    return fn, got


def written_rows(fn) -> int:
    """Calls of products given a row of a buffer to write (`sj.buffer_row` as their output)."""
    text = fn.dump("bufferize")
    rows = set(re.findall(r"(%\w+) = \"sj.buffer_row\"", text))
    calls = re.findall(r"func.call @scanjit_(?:dot|gemm)_f64\(([^)]*)\)", text)
    return sum(call.split(", ")[2] in rows for call in calls)


@pytest.mark.parametrize("steps, stacked", [(0, True), (1, True), (7, True), (1, False), (7, False)])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_state_is_a_product_of_itself(steps, go_backwards, stacked):
    """h = U·h + nothing else: the product reads the previous row and writes the new one."""
    X, h0, U = pt.dmatrix("X"), pt.dvector("h0"), pt.dmatrix("U")
    h, _ = pytensor.scan(lambda x, h, U: pt.dot(U, h), sequences=[X], outputs_info=[h0], non_sequences=[U],
                         go_backwards=go_backwards)
    args = (RNG.normal(size=(steps, 2)), RNG.normal(size=4), RNG.normal(size=(4, 4)) * 0.5)
    fn, got = both([X, h0, U], [h if stacked else h[-1]], args)
    states = [args[1]]
    for _ in range(steps):
        states.append(args[2] @ states[-1])
    np.testing.assert_allclose(got[0], np.reshape(states[1:], (steps, 4)) if stacked else states[-1], rtol=1e-12)
    assert written_rows(fn) == 1


@pytest.mark.parametrize("steps", [0, 1, 2, 6])
def test_taps_read_by_the_product(steps):
    """Taps [-2, -1], both read by products, the new row one (a ring of 2:
    row t + 2 is row t, which the product of tap -2 reads: then not in place)."""
    h0, U, V = pt.dmatrix("h0"), pt.dmatrix("U"), pt.dmatrix("V")
    h, _ = pytensor.scan(lambda a, b, U, V: pt.dot(b, U) + pt.dot(a, V),
                         outputs_info=[{"initial": h0, "taps": [-2, -1]}], non_sequences=[U, V], n_steps=steps)
    args = (RNG.normal(size=(2, 3)), RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=(3, 3)) * 0.5)
    rows = list(args[0])
    for _ in range(steps):
        rows.append(rows[-1] @ args[1] + rows[-2] @ args[2])
    for out, expected in [(h, np.reshape(rows[2:], (steps, 3)))] + ([(h[-1], rows[-1])] if steps else []):
        _, got = both([h0, U, V], [out], args)
        np.testing.assert_allclose(got[0], expected, rtol=1e-12)


@pytest.mark.parametrize("steps", [0, 1, 5])
def test_taps_product_of_the_older_row(steps):
    """h[t] = h[t-2]·U with taps [-2, -1]: the product reads tap -2, a row of
    the ring other than the one written; tap -1 read by a map of the step."""
    h0, U = pt.dmatrix("h0"), pt.dmatrix("U")

    def step(a, b, U):
        return [pt.dot(a, U), b * 2.0]

    (h, s), _ = pytensor.scan(step, outputs_info=[{"initial": h0, "taps": [-2, -1]}, None], non_sequences=[U],
                              n_steps=steps)
    args = (RNG.normal(size=(2, 3)), RNG.normal(size=(3, 3)))
    fn, got = both([h0, U], [h[-1] if steps else h0[-1], s], args)
    rows, sums = list(args[0]), []
    for _ in range(steps):
        sums.append(rows[-1] * 2.0)
        rows.append(rows[-2] @ args[1])
    np.testing.assert_allclose(got[0], rows[-1], rtol=1e-12)
    np.testing.assert_allclose(got[1], np.reshape(sums, (steps, 3)), rtol=1e-12)
    assert written_rows(fn) == (steps > 0)  # n_steps 0: no loop


def test_product_of_the_row_it_would_write():
    """A state whose new row is a product of a value read after it (the old
    row, through the second output): not in place, still right."""
    h0, U = pt.dvector("h0"), pt.dmatrix("U")
    (h, old), _ = pytensor.scan(lambda h, U: [pt.dot(h, U), h * 1.0], outputs_info=[h0, None],
                                non_sequences=[U], n_steps=4)
    args = (RNG.normal(size=3), RNG.normal(size=(3, 3)))
    _, got = both([h0, U], [h[-1], old], args)
    states = [args[0]]
    for _ in range(4):
        states.append(states[-1] @ args[1])
    np.testing.assert_allclose(got[0], states[-1], rtol=1e-12)
    np.testing.assert_allclose(got[1], np.stack(states[:4]), rtol=1e-12)


def test_state_of_matrices():
    """A matrix state (a batch of rows) times a matrix: a gemm into the row."""
    H0, U = pt.dmatrix("H0"), pt.dmatrix("U")
    h, _ = pytensor.scan(lambda h, U: pt.dot(h, U), outputs_info=[H0], non_sequences=[U], n_steps=3)
    args = (RNG.normal(size=(2, 3)), RNG.normal(size=(3, 3)))
    fn, got = both([H0, U], [h[-1]], args)
    np.testing.assert_allclose(got[0], args[0] @ args[1] @ args[1] @ args[1], rtol=1e-12)


@pytest.mark.parametrize("steps", [1, 5])
def test_rnn_gradient_against_pytensor(steps):
    """Workload (a): the backward loop carries dh = (dh + 1)(1 - h²)·Uᵀ, computed into its ring row."""
    real = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    def build(lib, t):
        X, h0, W, U, b = t.dmatrix("X"), t.dvector("h0"), t.dmatrix("W"), t.dmatrix("U"), t.dvector("b")
        h, _ = lib.scan(lambda x, h, W, U, b: t.tanh(x @ W + h @ U + b), sequences=[X], outputs_info=[h0],
                        non_sequences=[W, U, b])
        cost = h.sum()
        return [X, h0, W, U, b], [cost, *lib.grad(cost, [W, U, b, h0, X])]

    args = (RNG.normal(size=(steps, 3)), RNG.normal(size=5), RNG.normal(size=(3, 5)), RNG.normal(size=(5, 5)) * 0.4,
            RNG.normal(size=5))
    inputs, outputs = build(pytensor, pt)
    fn, got = both(inputs, outputs, args)
    expected = real.function(*build(real, rpt))(*args)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)
    assert written_rows(fn) >= 1
