"""Slices read only by elementwise maps are views (convert-sj-to-loops'
`slice_view`): the map reads the sliced rows or columns of the source in
place. Against NumPy, the reference interpreter and PyTensor, in scan steps
where the slices are of the step's own state too."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

H = 3


def gates(lib, z, c, bias):
    """An LSTM cell's gates: column slices of z + bias (computed by each
    slice's reader; two of them overlap), and of the state c."""
    z = z + bias
    i, f, o = (lib.sigmoid(z[:, k * H:(k + 1) * H]) for k in range(3))
    c = f * c[:, ::-1] + i * lib.tanh(z[:, 3 * H:]) + c[1:2, ::2].sum() * z[:, H // 2:H // 2 + H]
    return o * lib.tanh(c), c


def lstm_gates(lib):
    Z, c0, bias = lib.tensor3("Z"), lib.dmatrix("c0"), lib.dvector("bias")
    (h, c), _ = (pytensor if lib is pt else pytest.importorskip("pytensor")).scan(
        lambda z, c, bias: gates(lib, z, c, bias), sequences=[Z], outputs_info=[None, c0], non_sequences=[bias])
    return [Z, c0, bias], [h, c]


class Np:
    sigmoid, tanh = staticmethod(lambda x: 1 / (1 + np.exp(-x))), np.tanh


rng = np.random.default_rng(0)
ARGS = (rng.normal(size=(5, 4, 4 * H)), rng.normal(size=(4, H)), rng.normal(size=4 * H))


@pytest.mark.parametrize("mode", [None, "py"])
def test_gate_slices_in_a_scan_step(mode):
    inputs, outputs = lstm_gates(pt)
    h, c = pytensor.function(inputs, outputs, mode=mode)(*ARGS)
    state = ARGS[1]
    for t, z in enumerate(ARGS[0]):
        expected_h, state = gates(Np, z, state, ARGS[2])
        np.testing.assert_allclose(h[t], expected_h, rtol=1e-13)
        np.testing.assert_allclose(c[t], state, rtol=1e-13)


def test_gate_slices_match_pytensor():
    ref = pytest.importorskip("pytensor")
    got = pytensor.function(*lstm_gates(pt))(*ARGS)
    expected = ref.function(*lstm_gates(pytest.importorskip("pytensor.tensor")))(*ARGS)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-13)


@pytest.mark.parametrize("mode", [None, "py"])
def test_slices_of_a_map_and_rows_with_a_step(mode):
    x = pt.dmatrix("x")
    values = np.arange(20.0).reshape(5, 4) / 10
    f = pytensor.function([x], pt.exp(x)[::-2, 1:] * x[::2, :-1] + x[:, 1:][::2], mode=mode)
    expected = np.exp(values)[::-2, 1:] * values[::2, :-1] + values[:, 1:][::2]
    np.testing.assert_allclose(f(values), expected, rtol=1e-15)
    with pytest.raises(ValueError, match="shape"):
        pytensor.function([x], x[::2] * x[1::2], mode=mode)(values)  # 3 rows against 2
