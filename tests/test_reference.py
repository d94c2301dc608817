"""The NumPy reference interpreter: `scanjit.function(..., mode="py")` and
`scanjit.reference.evaluate` follow the compiled calling convention and
semantics (the fuzzer in test_fuzz.py compares them at large)."""

import copy

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.function import Function
from scanjit.reference import ReferenceFunction, evaluate


def test_py_mode_only_when_asked():
    x = pt.dvector("x")
    assert isinstance(pytensor.function([x], x * 2), Function)
    f = pytensor.function([x], x * 2, mode="py")
    assert isinstance(f, ReferenceFunction)
    np.testing.assert_array_equal(f([1, 2]), [2.0, 4.0])


@pytest.mark.parametrize("mode", [None, "py"])
def test_calling_convention(mode):
    x = pt.dvector("x")
    total = pytensor.shared(np.float64(1.0), name="total")
    f = pytensor.function([x], [x.sum(), x + total], updates={total: total + x.sum()}, mode=mode)
    s, shifted = f([1.0, 2.0])
    assert s.dtype == np.float64 and s.shape == ()
    np.testing.assert_array_equal(shifted, [2.0, 3.0])
    assert total.get_value() == 4.0
    single = pytensor.function([x], x.max(), mode=mode)
    assert isinstance(single([3.0, 5.0]), np.ndarray) and single([3.0, 5.0]) == 5.0
    with pytest.raises(TypeError):
        f(np.array([1.5], np.float32), 1)  # one argument too many
    i = pt.lvector("i")
    with pytest.raises(TypeError):  # 1.5 cannot be stored in an int64 losslessly
        pytensor.function([i], i * 2, mode=mode)([1.5])


@pytest.mark.parametrize("mode", [None, "py"])
def test_run_time_errors(mode):
    x, n = pt.dvector("x"), pt.lscalar("n")
    with pytest.raises(IndexError):
        pytensor.function([x], x[3], mode=mode)([1.0, 2.0])
    out, _ = pytensor.scan(lambda a: a * 2, sequences=[x], n_steps=n)
    with pytest.raises(ValueError):
        pytensor.function([x, n], out, mode=mode)([1.0], -1)
    y = pt.dvector("y")
    with pytest.raises(ValueError):  # y is not an input
        pytensor.function([x], x + y, mode=mode)
    with pytest.raises(ValueError):  # no run-time broadcasting of a length-1 vector
        pytensor.function([x, y], x + y, mode=mode)([1.0], [1.0, 2.0])


@pytest.mark.parametrize("update", [True, False])
def test_random_draws_advance_the_generator_like_compiled_code(update):
    results, states = [], []
    for mode in (None, "py"):
        rng = pytensor.shared(np.random.default_rng(7))

        def step(acc):
            draw = pt.random.normal(0.0, 1.0, rng=rng)
            return acc + draw + pt.random.integers(0, 5, rng=rng), {rng: draw.owner.outputs[0]}

        out, updates = pytensor.scan(step, outputs_info=[pt.constant(0.0, dtype="float64")], n_steps=5)
        f = pytensor.function([], out, updates=updates if update else None, mode=mode)
        results.append(f())
        states.append(rng.get_value().bit_generator.state)
    mirror = np.random.default_rng(7)
    untouched = copy.deepcopy(mirror).bit_generator.state
    expected = np.cumsum([mirror.normal(0.0, 1.0) + mirror.integers(0, 5) for _ in range(5)])
    np.testing.assert_array_equal(results[0], expected)
    np.testing.assert_array_equal(results[1], expected)
    assert states[0] == states[1] == (mirror.bit_generator.state if update else untouched)


def test_evaluate_scan_with_taps_backwards_and_until():
    seq, init = pt.dvector("seq"), pt.dvector("init")

    def step(prev, nxt, m2, m1):
        new = m2 + m1 + prev * nxt
        return new, pytensor.until(new > 50)

    out, _ = pytensor.scan(step, sequences=[dict(input=seq, taps=[-1, 1])],
                           outputs_info=[dict(initial=init, taps=[-2, -1])], go_backwards=True)
    xs = np.arange(1.0, 9.0)
    (got,) = evaluate([out], {seq: xs, init: np.array([1.0, 2.0])})
    back, hist = xs[::-1], [1.0, 2.0]
    for t in range(len(xs) - 2):
        hist.append(hist[-2] + hist[-1] + back[t] * back[t + 2])
        if hist[-1] > 50:
            break
    np.testing.assert_array_equal(got, hist[2:])


@pytest.mark.parametrize("shapes", [((9,), (9,)), ((9,), (9, 5)), ((3, 9), (9,)), ((3, 9), (9, 5)),
                                    ((3, 6), (6, 2))])
def test_dot_sums_in_the_compiled_order(shapes):
    """Bit for bit: the reference adds a dot's products in the compiled loops' order."""
    a = pt.tensor("a", dtype="float64", shape=(None,) * len(shapes[0]))
    b = pt.tensor("b", dtype="float64", shape=(None,) * len(shapes[1]))
    rng = np.random.default_rng(5)
    values = [rng.normal(size=s) * 10.0 ** rng.integers(-8, 8, size=s) for s in shapes]
    compiled = pytensor.function([a, b], a @ b)(*values)
    np.testing.assert_array_equal(compiled, pytensor.function([a, b], a @ b, mode="py")(*values))
