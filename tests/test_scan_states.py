"""A scan's final states: `out[-1]`, reduce/foldl/foldr (the initial state
when no step runs, as in PyTensor), and shared tensors a step updates."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.scan.views import foldl, foldr, reduce

MODES = [None, "py"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("steps", [0, 1, 4])
def test_last_state_of_every_kind_of_state(mode, steps):
    """sit-sot scalar and vector, mit-sot, with and without reading the stack."""
    n, s0, v0, m0 = pt.lscalar("n"), pt.dscalar("s0"), pt.dvector("v0"), pt.dvector("m0")
    (s, v, m), _ = pytensor.scan(lambda a, b, m2, m1: [a * 2, b + 1, m1 + m2],
                                 outputs_info=[s0, v0, dict(initial=m0, taps=[-2, -1])], n_steps=n)
    f = pytensor.function([n, s0, v0, m0], [s[-1], v[-1], m[-1], s, m], mode=mode)
    s_last, v_last, m_last, s_all, m_all = f(steps, 1.5, np.arange(3.0), np.array([1.0, 2.0]))
    fib = [1.0, 2.0]
    for _ in range(steps):
        fib.append(fib[-1] + fib[-2])
    np.testing.assert_array_equal(s_last, 1.5 * 2 ** steps)
    np.testing.assert_array_equal(v_last, np.arange(3.0) + steps)
    np.testing.assert_array_equal(m_last, fib[-1])
    assert s_all.shape == (steps,) and m_all.shape == (steps,)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("length", [0, 1, 5])
def test_reduce_foldl_foldr_over_any_length(mode, length):
    """Over zero steps they return the initial value (they raised IndexError)."""
    v, acc0 = pt.dvector("v"), pt.dvector("acc0")
    total, _ = reduce(lambda a, acc: acc + a, sequences=[v], outputs_info=acc0)
    left, _ = foldl(lambda a, acc: acc * 2 + a, sequences=[v], outputs_info=acc0)
    right, _ = foldr(lambda a, acc: acc * 2 + a, sequences=[v], outputs_info=acc0)
    f = pytensor.function([v, acc0], [total, left, right], mode=mode)
    xs, init = np.arange(1.0, length + 1), np.array([0.5, -1.0])
    got_total, got_left, got_right = f(xs, init)
    want_left, want_right = init.copy(), init.copy()
    for x in xs:
        want_left = want_left * 2 + x
    for x in xs[::-1]:
        want_right = want_right * 2 + x
    np.testing.assert_array_equal(got_total, init + xs.sum())
    np.testing.assert_array_equal(got_left, want_left)
    np.testing.assert_array_equal(got_right, want_right)


@pytest.mark.parametrize("mode", MODES)
def test_last_state_of_an_until_scan(mode):
    x0 = pt.dscalar("x0")
    out, _ = pytensor.scan(lambda a: (a * 2, pytensor.until(a * 2 > 10)), outputs_info=x0, n_steps=100)
    f = pytensor.function([x0], [out[-1], out], mode=mode)
    last, every = f(1.0)
    assert last == 16.0 and every[-1] == 16.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("steps", [0, 3])
def test_shared_tensor_updated_by_the_step(mode, steps):
    """As PyTensor: the step reads the value the previous step computed, and
    the update is the last step's value (the shared value when no step ran)."""
    count = pytensor.shared(np.int64(10), name="count")
    total = pytensor.shared(np.zeros(2), name="total")
    v = pt.dmatrix("v")

    def step(row):
        return row * count, {count: count + 1, total: total + row}

    out, updates = pytensor.scan(step, sequences=[v])
    assert set(updates) == {count, total}
    f = pytensor.function([v], out, updates=updates, mode=mode)
    rows = np.arange(2.0 * steps).reshape(steps, 2)
    got = f(rows)
    np.testing.assert_array_equal(got, rows * np.arange(10, 10 + steps)[:, None])
    assert count.get_value() == 10 + steps
    np.testing.assert_array_equal(total.get_value(), rows.sum(axis=0))
    f(rows)  # the next call starts from the updated values
    assert count.get_value() == 10 + 2 * steps


@pytest.mark.parametrize("mode", MODES)
def test_shared_update_without_applying_it(mode):
    count = pytensor.shared(np.float64(1.0), name="count")
    out, _ = pytensor.scan(lambda: (count * 2, {count: count * 2}), n_steps=3)
    np.testing.assert_array_equal(pytensor.function([], out, mode=mode)(), [2.0, 4.0, 8.0])
    assert count.get_value() == 1.0


@pytest.mark.parametrize("mode", MODES)
def test_step_updates_as_a_list_of_pairs(mode):
    count = pytensor.shared(np.int64(0), name="count")
    x = pt.dvector("x")
    out, updates = pytensor.scan(lambda a: (a * 2, [(count, count + 1)]), sequences=[x])
    got = pytensor.function([x], out, updates=updates, mode=mode)(np.arange(3.0))
    np.testing.assert_array_equal(got, [0.0, 2.0, 4.0])
    assert count.get_value() == 3


def test_bad_step_updates_raise():
    count = pytensor.shared(np.int64(0), name="count")
    with pytest.raises(ValueError, match="shared variables"):
        pytensor.scan(lambda: (count + 1, {"count": 1}), n_steps=2)
    with pytest.raises(ValueError, match="must be a tensor"):
        pytensor.scan(lambda: (count + 1, {count: "one"}), n_steps=2)
    with pytest.raises(TypeError, match="'count'"):
        pytensor.scan(lambda: (count + 1, {count: count * 1.5}), n_steps=2)


@pytest.mark.parametrize("taps", [[-2, -1], [-3, -1]])
def test_reading_a_tap_after_the_step_writes_the_state_copies_nothing(taps):
    """A per-step output that reads a tap of a state the step also updates:
    the state's new row is written in place, not into a copy of the whole
    state made at every step (which made the loop quadratic in its length)."""
    from scanjit.driver.stages import stage_texts

    X, init = pt.dmatrix("X"), pt.dmatrix("init")
    a, out = pytensor.scan(lambda x, far, near: (0.5 * far + 0.49 * near + x, (near + x) * 2), sequences=X,
                           outputs_info=[dict(initial=init, taps=taps), None], return_updates=False)
    f = pytensor.function([X, init], [a, out])
    assert "memref.copy" not in stage_texts(f)["bufferize"]
    rng = np.random.default_rng(3)
    x, iv = rng.normal(size=(50, 7)), rng.normal(size=(-taps[0], 7))
    for got, expected in zip(f(x, iv), pytensor.function([X, init], [a, out], mode="py")(x, iv)):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 7])
def test_vector_states_kept_in_a_ring_are_updated_in_place_right(steps):
    """Vector states that keep only their last rows (a ring of 2 for a
    sit-sot, of 4 for taps [-3, -1]) whose steps read another row of the
    ring and are computed straight into their own row: against NumPy."""
    n, v0, m0, a = pt.lscalar("n"), pt.dvector("v0"), pt.dmatrix("m0"), pt.dscalar("a")
    (v, m), _ = pytensor.scan(lambda v, m3, m1, a: [a * v + (1 - a), m1 * a - m3],
                              outputs_info=[v0, dict(initial=m0, taps=[-3, -1])], non_sequences=[a],
                              n_steps=n)
    f = pytensor.function([n, v0, m0, a], [v[-1], m[-1]])
    rng = np.random.default_rng(steps)
    v_init, m_init = rng.normal(size=37), rng.normal(size=(3, 37))
    want_v, rows = v_init, list(m_init)
    for _ in range(steps):
        want_v = 0.75 * want_v + (1 - 0.75)
        rows.append(rows[-1] * 0.75 - rows[-3])
    got_v, got_m = f(steps, v_init, m_init, 0.75)
    np.testing.assert_array_equal(got_v, want_v if steps else v_init)
    np.testing.assert_array_equal(got_m, rows[-1])
