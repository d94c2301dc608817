"""go_backwards with sequence taps, as PyTensor: each tap's cut of the
sequence (`x[tap - low : len - (high - tap)]`) is read from its end."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

TAPS = [[0], [-1, 0], [-1], [1], [-2, 0], [0, 2], [-3, 1], [2, -1]]


def expected(xs: np.ndarray, taps: list[int], backwards: bool, n_steps: int | None) -> np.ndarray:
    low, high = min(min(taps), 0), max(max(taps), 0)
    cuts = [xs[tap - low:len(xs) - (high - tap)] for tap in taps]
    cuts = [c[::-1] if backwards else c for c in cuts]
    n = min(len(c) for c in cuts) if n_steps is None else n_steps
    weights = np.arange(1.0, len(taps) + 1)
    return np.array([sum(w * c[t] for w, c in zip(weights, cuts)) for t in range(n)])


def step(*values):
    return sum((k + 1.0) * v for k, v in enumerate(values))


@pytest.mark.parametrize("taps", TAPS, ids=str)
@pytest.mark.parametrize("backwards", [False, True])
@pytest.mark.parametrize("n_steps", [None, 2])
@pytest.mark.parametrize("mode", [None, "py"])
def test_sequence_taps_in_both_directions(taps, backwards, n_steps, mode):
    x = pt.dvector("x")
    out, _ = pytensor.scan(step, sequences=[dict(input=x, taps=taps)], go_backwards=backwards,
                           n_steps=n_steps)
    xs = np.array([0.0, 1.0, 3.0, 6.0, 10.0, 15.0, 21.0])
    got = pytensor.function([x], out, mode=mode)(xs)
    np.testing.assert_array_equal(got, expected(xs, taps, backwards, n_steps))


def test_the_issue_example():
    x = pt.dvector("x")
    out, _ = pytensor.scan(lambda prev, cur: cur - prev, sequences=[dict(input=x, taps=[-1, 0])],
                           go_backwards=True)
    np.testing.assert_array_equal(pytensor.function([x], out)(np.array([0.0, 1, 3, 6])), [3.0, 2.0, 1.0])


@pytest.mark.parametrize("taps", TAPS[:5], ids=str)
def test_as_pytensor(taps):
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt

    xs = np.array([0.0, 1.0, 3.0, 6.0, 10.0, 15.0])
    rx = rpt.dvector("x")
    rout = ref.scan(step, sequences=[dict(input=rx, taps=taps)], go_backwards=True, return_updates=False)
    want = ref.function([rx], rout, mode="FAST_COMPILE")(xs)
    x = pt.dvector("x")
    out, _ = pytensor.scan(step, sequences=[dict(input=x, taps=taps)], go_backwards=True)
    np.testing.assert_array_equal(pytensor.function([x], out)(xs), want)
