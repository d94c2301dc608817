"""Generator inputs (`pt.random.rng()`, PyTensor 3's RandomGeneratorVariable)
and generators as function outputs: the numbers and states of NumPy's, a
mutable input advanced in place and returned, any other drawn from a copy,
and a generator output only where it is the state after all the function's
draws from its source (scanjit's draws take turns on one generator)."""

import warnings

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

MODES = [None, "py"]


def state(generator):
    return generator.bit_generator.state


def advanced(seed, draw):
    generator = np.random.default_rng(seed)
    draw(generator)
    return state(generator)


@pytest.mark.parametrize("mode", MODES)
def test_a_mutable_input_advances_in_place_and_is_returned(mode):
    """PyTensor's own example (its RandomGeneratorVariable's docstring)."""
    rng = pt.random.rng("rng")
    next_rng, x = rng.normal()
    fn = pytensor.function([pytensor.In(rng, mutable=True)], [next_rng, x], mode=mode)
    rng_val = np.random.default_rng(153)
    returned, first = fn(rng_val)
    assert returned is rng_val
    returned, second = fn(rng_val)
    mirror = np.random.default_rng(153)
    assert (first, second) == (mirror.normal(), mirror.normal())
    assert np.isclose(first, 1.45769255)
    assert state(rng_val) == state(mirror)


@pytest.mark.parametrize("mode", MODES)
def test_an_input_is_otherwise_drawn_from_a_copy(mode):
    rng = pt.random.rng()
    next_rng, x = rng.uniform(size=3)
    fn = pytensor.function([rng], [next_rng, x], mode=mode)
    generator = np.random.default_rng(7)
    before = state(generator)
    returned, first = fn(generator)
    assert state(generator) == before and returned is not generator
    assert state(returned) == advanced(7, lambda g: g.uniform(size=3))
    np.testing.assert_array_equal(first, np.random.default_rng(7).uniform(size=3))
    np.testing.assert_array_equal(fn(generator)[1], first)  # the same numbers again
    np.testing.assert_array_equal(fn(returned)[1], np.random.default_rng(7).uniform(size=6)[3:])


@pytest.mark.parametrize("mode", MODES)
def test_a_generator_carried_by_a_scan_is_returned_after_its_draws(mode):
    rng = pt.random.rng("rng")
    final, ys = pytensor.scan(lambda r: r.normal(1.0, 2.0), outputs_info=[rng, None], n_steps=4,
                              return_updates=False)
    fn = pytensor.function([pytensor.In(rng, mutable=True)], [final, ys], mode=mode)
    generator = np.random.default_rng(3)
    returned, got = fn(generator)
    np.testing.assert_array_equal(got, np.random.default_rng(3).normal(1.0, 2.0, size=4))
    assert returned is generator and state(generator) == advanced(3, lambda g: g.normal(size=4))


@pytest.mark.parametrize("mode", MODES)
def test_a_generator_output_alone_makes_its_draws(mode):
    """As an update does: the draws are made though no output needs their numbers."""
    rng = pt.random.rng()
    next_rng, _ = rng.betabinom(5, 2.0, 3.0, size=4)  # a beta and a binomial draw of 4 each
    returned = pytensor.function([rng], next_rng, mode=mode)(np.random.default_rng(11))
    assert state(returned) == advanced(11, lambda g: g.binomial(5, g.beta(2.0, 3.0, 4)))


@pytest.mark.parametrize("mode", MODES)
def test_a_generator_output_twice_among_tensor_outputs_and_updates(mode):
    rng, counter = pt.random.rng("rng"), pytensor.shared(np.float64(0.0))
    next_rng, x = rng.normal(size=2)
    f = pytensor.function([rng], [next_rng, x, next_rng], updates={counter: counter + 1.0}, mode=mode)
    first, got, second = f(np.random.default_rng(4))
    np.testing.assert_array_equal(got, np.random.default_rng(4).normal(size=2))
    assert first is second and state(first) == advanced(4, lambda g: g.normal(size=2))
    assert counter.get_value() == 1.0


@pytest.mark.parametrize("mode", MODES)
def test_a_shared_generator_as_an_output_is_a_copy(mode):
    rng = pytensor.shared(np.random.default_rng(5))
    next_rng, x = pt.random.normal(size=2, rng=rng, return_next_rng=True)
    with_update = pytensor.function([], [next_rng, x], updates={rng: next_rng}, mode=mode)
    returned, _ = with_update()
    assert returned is not rng.get_value(borrow=True)
    assert state(returned) == state(rng.get_value(borrow=True)) == advanced(5, lambda g: g.normal(size=2))
    without = pytensor.function([], [next_rng, x], mode=mode)
    returned, _ = without()
    assert state(returned) == advanced(5, lambda g: g.normal(size=4))
    assert state(rng.get_value(borrow=True)) == advanced(5, lambda g: g.normal(size=2))


def test_a_generator_output_before_later_draws_raises_not_implemented():
    """Its state would be the one after all the draws."""
    rng = pt.random.rng("rng")
    first_rng, x = rng.normal()
    _, y = first_rng.normal()
    with pytest.raises(NotImplementedError, match="cannot return the generator"):
        pytensor.function([rng], [first_rng, x, y])
    other = pt.random.rng("other")
    later, z = other.normal()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # drawn from twice: PyTensor's warning
        _, w = other.uniform()
    with pytest.raises(NotImplementedError, match="draws from 'other' otherwise"):
        pytensor.function([other], [later, z, w])


@pytest.mark.parametrize("mode", MODES)
def test_a_generator_argument_must_be_a_generator(mode):
    rng = pt.random.rng("rng")
    fn = pytensor.function([rng], rng.normal()[1], mode=mode)
    with pytest.raises(TypeError, match="input 'rng' takes a numpy.random.Generator, got int"):
        fn(3)


def test_numbers_and_states_are_pytensors():
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    def program(library, tensor):
        rng = tensor.random.rng("rng")
        final, ys = library.scan(lambda r: r.normal(1.0, 2.0), outputs_info=[rng, None], n_steps=3,
                                 return_updates=False)
        later, z = final.t(3.0, 0.5, 2.0, size=2)
        return library.function([library.In(rng, mutable=True)], [later, ys, z])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = program(pytensor_, ptt)
        expected_rng, *expected = theirs(generator := np.random.default_rng(9))
    got_rng, *got = program(pytensor, pt)(mine := np.random.default_rng(9))
    assert (got_rng is mine, expected_rng is generator) == (True, True)
    assert state(mine) == state(generator)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


@pytest.mark.parametrize("mode", MODES)
def test_a_generator_drawn_from_then_carried_by_a_scan(mode):
    """PyTensor's test_rng_outputs_info, with its `random_generator_type`."""
    from scanjit.tensor.random.type import random_generator_type

    rng_init = random_generator_type("rng")
    rng_x0, x0 = pt.random.normal(0, rng=rng_init, dtype="float64").owner.outputs

    def step(prev_x, prev_rng):
        next_rng, next_x = pt.random.normal(prev_x, rng=prev_rng, dtype="float64").owner.outputs
        return next_x, next_rng

    xs, rng_final = pytensor.scan(step, outputs_info=[x0, rng_x0], n_steps=10, return_updates=False)
    xs_eval, rng_final_eval = pytensor.function([rng_init], [xs, rng_final], mode=mode)(np.random.default_rng(0))
    rng_ref = np.random.default_rng(0)
    assert not random_generator_type.values_eq(rng_ref, rng_final_eval)
    xs_ref = [rng_ref.normal(0)]
    for _ in range(10):
        xs_ref.append(rng_ref.normal(xs_ref[-1]))
    assert random_generator_type.values_eq(rng_ref, rng_final_eval)
    np.testing.assert_array_equal(xs_eval, xs_ref[1:])
