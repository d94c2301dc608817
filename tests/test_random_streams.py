"""Generators as PyTensor 3 keeps them: RandomStream's draws and their
default updates (and `no_default_updates`), `shared_rng`, a generator
carried as scan state in `outputs_info`; the numbers are PyTensor's (and
NumPy's)."""

import warnings

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.tensor.random.utils import RandomStream, shared_rng

MODES = [None, "py"]


def stream_generator(seed: int, k: int) -> np.random.Generator:
    """The generator of the k-th draw of RandomStream(seed), as PyTensor seeds it."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(k + 1)[k])


@pytest.mark.parametrize("mode", MODES)
def test_stream_draws_advance_by_their_default_updates(mode):
    srng = RandomStream(3)
    x, y = srng.normal(size=2), srng.uniform()
    f = pytensor.function([], [x, y], mode=mode)
    gx, gy = stream_generator(3, 0), stream_generator(3, 1)
    for _ in range(3):
        got_x, got_y = f()
        np.testing.assert_array_equal(got_x, gx.normal(size=2))
        assert got_y == gy.uniform()
    assert [rng for rng, _ in srng.updates()] == [x.owner.inputs[0], y.owner.inputs[0]]


@pytest.mark.parametrize("mode", MODES)
def test_no_default_updates(mode):
    """True: no generator advances; a list: those listed do not."""
    srng = RandomStream(4)
    x, y = srng.normal(), srng.normal()
    f = pytensor.function([], [x, y], no_default_updates=True, mode=mode)
    assert [float(v) for v in f()] == [float(v) for v in f()]
    g = pytensor.function([], [x, y], no_default_updates=[x.owner.inputs[0]], mode=mode)
    first, second = g(), g()
    assert first[0] == second[0] and first[1] != second[1]
    with pytest.raises(TypeError, match="no_default_update"):
        pytensor.function([], x, no_default_updates=x.owner.inputs[0])


@pytest.mark.parametrize("mode", MODES)
def test_default_updates_of_shared_tensors(mode):
    """Any shared variable may have one; an explicit update replaces it."""
    count = pytensor.shared(np.int64(0))
    count.default_update = count + 1
    f = pytensor.function([], count * 2, mode=mode)
    assert [int(f()) for _ in range(3)] == [0, 2, 4]
    g = pytensor.function([], count * 1, updates={count: count + 10}, mode=mode)
    assert [int(g()) for _ in range(2)] == [3, 13] and int(count.get_value()) == 23


def test_seed_restarts_the_streams():
    srng = RandomStream(6)
    x = srng.normal(size=3)
    f = pytensor.function([], x)
    first = f()
    f()
    srng.seed()
    np.testing.assert_array_equal(f(), first)
    srng.seed(7)
    np.testing.assert_array_equal(f(), stream_generator(7, 0).normal(size=3))


def test_stream_rejects_rng_and_unknown_names():
    srng = RandomStream(1)
    with pytest.raises(ValueError, match="rng"):
        srng.normal(rng=pytensor.shared(np.random.default_rng()))
    with pytest.raises(AttributeError, match="No attribute foo"):
        srng.foo()


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_in_a_scan_step_is_updated_by_the_scan(mode):
    """As PyTensor: the scan's updates hold the stream's generators, which
    lose their default updates; without those updates the numbers repeat."""
    def step():
        return RandomStream(2).normal()

    xs, updates = pytensor.scan(step, n_steps=3)
    (rng, _), = updates.items()
    assert rng.default_update is None
    repeat = pytensor.function([], xs, mode=mode)
    np.testing.assert_array_equal(repeat(), repeat())
    advance = pytensor.function([], xs, updates=updates, mode=mode)
    g = stream_generator(2, 0)
    for _ in range(2):
        np.testing.assert_array_equal(advance(), g.normal(size=3))


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_draw_made_outside_a_step_is_drawn_once_and_advances(mode):
    srng = RandomStream(8)
    x = srng.normal()
    xs, _ = pytensor.scan(lambda: x * 1, n_steps=3)
    f = pytensor.function([], xs, mode=mode)
    g = stream_generator(8, 0)
    for _ in range(2):
        np.testing.assert_array_equal(f(), [g.normal()] * 3)


def test_streams_draw_pytensors_numbers():
    pytensor_ = pytest.importorskip("pytensor")
    from pytensor.tensor.random.utils import RandomStream as TheirStream

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = TheirStream(11)
        their_f = pytensor_.function([], [theirs.normal(size=2), theirs.poisson(3.0, size=3)])
        their_xs, their_updates = pytensor_.scan(lambda: TheirStream(12).uniform(), n_steps=4)
        their_g = pytensor_.function([], their_xs, updates=their_updates)
        expected = [their_f() for _ in range(2)], [their_g() for _ in range(2)]
    ours = RandomStream(11)
    our_f = pytensor.function([], [ours.normal(size=2), ours.poisson(3.0, size=3)])
    our_xs, our_updates = pytensor.scan(lambda: RandomStream(12).uniform(), n_steps=4)
    our_g = pytensor.function([], our_xs, updates=our_updates)
    got = [our_f() for _ in range(2)], [our_g() for _ in range(2)]
    for got_calls, expected_calls in zip(got, expected):
        for got_call, expected_call in zip(got_calls, expected_calls):
            for a, b in zip(got_call, expected_call):
                np.testing.assert_array_equal(a, b)


def test_shared_rng():
    np.testing.assert_array_equal(shared_rng(seed=3).get_value().random(2),
                                  np.random.default_rng(3).random(2))
    g = np.random.default_rng(4)
    assert shared_rng(g, borrow=True).get_value(borrow=True) is g
    assert shared_rng(g).get_value(borrow=True) is not g
    for kwargs, error in [({}, ValueError), ({"value": g, "seed": 1}, ValueError), ({"value": 3}, TypeError)]:
        with pytest.raises(error):
            shared_rng(**kwargs)


@pytest.mark.parametrize("mode", MODES)
def test_an_update_alone_makes_its_draws(mode):
    """Draws that no output needs are made for the generators' updates (a
    RandomStream's `updates()`), as in PyTensor."""
    srng = RandomStream(9)
    x, y = srng.normal(), srng.uniform(size=2)
    f = pytensor.function([], x + 1, updates=srng.updates(), mode=mode)
    f(), f()
    mirror = stream_generator(9, 1)
    mirror.uniform(size=2), mirror.uniform(size=2)
    assert y.owner.inputs[0].get_value().bit_generator.state == mirror.bit_generator.state


def test_a_function_returns_the_generator_after_its_draws():
    """Drawn from a copy of the shared generator, which no update advances."""
    rng = pytensor.shared(np.random.default_rng(0))
    next_rng, _ = pt.random.normal(rng=rng, return_next_rng=True)
    mirror = np.random.default_rng(0)
    mirror.normal()
    for mode in MODES:
        assert pytensor.function([], next_rng, mode=mode)().bit_generator.state == mirror.bit_generator.state
        assert rng.get_value().bit_generator.state == np.random.default_rng(0).bit_generator.state


# -- a generator as scan state ---------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_a_generator_in_outputs_info_is_drawn_from_step_after_step(mode):
    """PyTensor 3's `outputs_info=[rng, None]`: the step returns the next
    generator and a draw; the scan returns the last generator, no updates."""
    rng = pytensor.shared(np.random.default_rng(0))

    def step(r):
        return pt.random.normal(rng=r, return_next_rng=True)

    (last, xs), updates = pytensor.scan(step, outputs_info=[rng, None], n_steps=5)
    assert updates == {} and last.dtype == "rng"
    repeat = pytensor.function([], xs, mode=mode)
    np.testing.assert_array_equal(repeat(), repeat())
    advance = pytensor.function([], xs, updates={rng: last}, mode=mode)
    mirror = np.random.default_rng(0)
    for _ in range(2):
        np.testing.assert_array_equal(advance(), mirror.normal(size=5))
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state


@pytest.mark.parametrize("mode", MODES)
def test_a_generator_with_a_tensor_state_and_until(mode):
    """A random walk until it passes 3: the generator among other states."""
    rng = pytensor.shared(np.random.default_rng(1))

    def step(x, r):
        next_r, dx = pt.random.uniform(0.0, 1.0, rng=r, return_next_rng=True)
        return [x + dx, next_r], pytensor.until(x + dx > 3.0)

    (walk, last), _ = pytensor.scan(step, outputs_info=[{"initial": pt.constant(0.0, dtype="float64")},
                                                        {"initial": rng, "taps": [-1]}], n_steps=100)
    got = pytensor.function([], walk, updates={rng: last}, mode=mode)()
    mirror, x, expected = np.random.default_rng(1), 0.0, []
    while not expected or expected[-1] <= 3.0:
        x += mirror.uniform()
        expected.append(x)
    np.testing.assert_array_equal(got, expected)
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state


@pytest.mark.parametrize("mode", MODES)
def test_a_generator_advanced_before_the_scan(mode):
    """The state can be any generator: here the next one of a draw made first."""
    rng = pytensor.shared(np.random.default_rng(2))
    after, first = pt.random.integers(0, 100, rng=rng, return_next_rng=True)
    (last, xs), _ = pytensor.scan(lambda r: pt.random.integers(0, 100, rng=r, return_next_rng=True),
                                  outputs_info=[after, None], n_steps=4)
    got_first, got_xs = pytensor.function([], [first, xs], updates={rng: last}, mode=mode)()
    mirror = np.random.default_rng(2)
    assert got_first == mirror.integers(0, 100)
    np.testing.assert_array_equal(got_xs, mirror.integers(0, 100, size=4))


def test_the_step_must_return_the_generator_it_drew_from():
    rng, other = pytensor.shared(np.random.default_rng(0)), pytensor.shared(np.random.default_rng(1))
    with pytest.raises(ValueError, match="output 0 of the step must be the random generator"):
        pytensor.scan(lambda r: pt.random.normal(rng=other, return_next_rng=True),
                      outputs_info=[rng, None], n_steps=2)
    with pytest.raises(ValueError, match="takes no taps"):
        pytensor.scan(lambda r: pt.random.normal(rng=r, return_next_rng=True),
                      outputs_info=[{"initial": rng, "taps": [-2]}, None], n_steps=2)
    with pytest.raises(ValueError, match="twice"):
        pytensor.scan(lambda r: (*pt.random.normal(rng=r, return_next_rng=True), {rng: r}),
                      outputs_info=[rng, None], n_steps=2)


def test_a_generator_state_draws_pytensors_numbers():
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    def scan(module, tensor_module, seed):
        rng = module.shared(np.random.default_rng(seed))

        def step(x, r):
            next_r, e = tensor_module.random.normal(x, 1.0, rng=r, return_next_rng=True)
            return e, next_r

        (xs, last), _ = module.scan(step, outputs_info=[tensor_module.constant(0.5, dtype="float64"), rng],
                                    n_steps=6)
        f = module.function([], xs, updates={rng: last})
        return [f() for _ in range(2)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = scan(pytensor_, ptt, 5)
    for got, want in zip(scan(pytensor, pt, 5), expected):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode", MODES)
def test_a_scan_run_for_its_generator_alone(mode):
    rng = pytensor.shared(np.random.default_rng(0))
    (last, _), _ = pytensor.scan(lambda r: pt.random.normal(rng=r, return_next_rng=True),
                                 outputs_info=[rng, None], n_steps=3)
    pytensor.function([], [], updates={rng: last}, mode=mode)()
    mirror = np.random.default_rng(0)
    mirror.normal(size=3)
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state
