"""Generators as PyTensor 3 keeps them: RandomStream's draws and their
default updates (and `no_default_updates`), `shared_rng`; the numbers are
PyTensor's (and NumPy's)."""

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
def test_a_stream_draw_made_outside_a_step_is_drawn_once_and_advances(mode):
    srng = RandomStream(8)
    x = srng.normal()
    xs, _ = pytensor.scan(lambda: x * 1, n_steps=3)
    f = pytensor.function([], xs, mode=mode)
    g = stream_generator(8, 0)
    for _ in range(2):
        np.testing.assert_array_equal(f(), [g.normal()] * 3)


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


def test_functions_do_not_return_generators():
    rng = pytensor.shared(np.random.default_rng(0))
    next_rng, _ = pt.random.normal(rng=rng, return_next_rng=True)
    for mode in MODES:
        with pytest.raises(NotImplementedError, match="cannot return random generators"):
            pytensor.function([], next_rng, mode=mode)
