"""Random streams: draws in compiled code equal NumPy's Generator methods bit for
bit, and the generator advances exactly when its update is requested."""

import copy

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

N = 10_000


def scan_draws(draw, n_steps=N, seed=42):
    """A function drawing `n_steps` times inside a scan, with the update."""
    rng = pytensor.shared(np.random.default_rng(seed))
    samples, updates = pytensor.scan(lambda rng: (lambda nxt, x: (x, {rng: nxt}))(*draw(rng).owner.outputs),
                                     non_sequences=[rng], n_steps=n_steps)
    return rng, pytensor.function([], samples, updates=updates)


@pytest.mark.parametrize("name, draw, reference", [
    ("uniform", lambda rng: pt.random.uniform(-2.0, 3.0, rng=rng), lambda g: g.uniform(-2.0, 3.0)),
    ("normal", lambda rng: pt.random.normal(1.0, 0.5, rng=rng), lambda g: g.normal(1.0, 0.5)),
    ("integers", lambda rng: pt.random.integers(-5, 17, rng=rng), lambda g: g.integers(-5, 17)),
    ("big integers", lambda rng: pt.random.integers(0, 2**40, rng=rng), lambda g: g.integers(0, 2**40)),
    ("multinomial", lambda rng: pt.random.multinomial(3, np.array([0.2, 0.5, 0.3]), rng=rng),
     lambda g: g.multinomial(3, [0.2, 0.5, 0.3])),
])
def test_draws_in_a_scan_equal_numpy(name, draw, reference):
    rng, f = scan_draws(draw)
    mirror = copy.deepcopy(rng.get_value())
    got = f()
    expected = np.array([reference(mirror) for _ in range(N)])
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state


def test_sized_draws_fill_in_c_order_like_numpy():
    """Draws of one call take turns on the generator, in the order of the
    outputs, as NumPy code calling it three times would."""
    rng = pytensor.shared(np.random.default_rng(7))
    draws = [pt.random.uniform(0.0, 1.0, size=(3, 4), rng=rng), pt.random.normal(size=5, rng=rng),
             pt.random.integers(0, 10, size=(2, 3), rng=rng)]
    mirror = copy.deepcopy(rng.get_value())
    got = pytensor.function([], draws)()
    np.testing.assert_array_equal(got[0], mirror.uniform(0.0, 1.0, size=(3, 4)))
    np.testing.assert_array_equal(got[1], mirror.normal(size=5))
    np.testing.assert_array_equal(got[2], mirror.integers(0, 10, size=(2, 3)))


def test_without_updates_the_same_numbers_repeat():
    rng = pytensor.shared(np.random.default_rng(3))
    f = pytensor.function([], pt.random.uniform(rng=rng))
    first = f()
    assert f() == first
    assert rng.get_value().bit_generator.state == np.random.default_rng(3).bit_generator.state


def test_with_updates_the_generator_advances_between_calls():
    rng = pytensor.shared(np.random.default_rng(3))
    nxt, x = pt.random.normal(rng=rng).owner.outputs
    f = pytensor.function([], x, updates={rng: nxt})
    mirror = np.random.default_rng(3)
    assert [float(f()) for _ in range(3)] == [mirror.normal() for _ in range(3)]


@pytest.mark.parametrize("p, message", [
    ([0.5, -0.1, 0.6], "pvals < 0"),
    ([0.7, 0.6, 0.0], r"sum\(pvals\[:-1\]\) > 1.0"),
    ([np.nan, 0.5, 0.5], "NaN"),
    ([0.1] * 10 + [1e-9, 0.0], r"sum\(pvals\[:-1\]\) > 1.0"),  # in the lanes and the rest
    ([0.05] * 20 + [1e-11] * 5 + [0.0], r"sum\(pvals\[:-1\]\) > 1.0"),
    ([0.0] * 17 + [1.5], "pvals > 1"),
])
def test_multinomial_rejects_invalid_p_like_numpy(p, message):
    rng = pytensor.shared(np.random.default_rng(0))
    pv = pt.dvector("pv")
    f = pytensor.function([pv], pt.random.multinomial(1, pv, rng=rng))
    with pytest.raises(ValueError, match=message):
        np.random.default_rng(0).multinomial(1, p)
    with pytest.raises(ValueError, match=message):
        f(np.array(p))


@pytest.mark.parametrize("p", [[1e-3] * 1000, [0.1] * 10 + [0.5], [1 / 3] * 3, [1.0], [0.25] * 4])
def test_multinomial_accepts_p_summing_to_one(p):
    """sum(p[:-1]) is checked in 8 partial sums: as NumPy, within 1e-12 of 1 passes."""
    rng = pytensor.shared(np.random.default_rng(0))
    pv = pt.dvector("pv")
    f = pytensor.function([pv], pt.random.multinomial(1, pv, rng=rng))
    np.testing.assert_array_equal(f(np.array(p)), np.random.default_rng(0).multinomial(1, p))


def test_invalid_bounds_raise_like_numpy():
    rng = pytensor.shared(np.random.default_rng(0))
    lo, hi = pt.lscalar("lo"), pt.lscalar("hi")
    f = pytensor.function([lo, hi], pt.random.integers(lo, hi, rng=rng))
    with pytest.raises(ValueError, match="low >= high"):
        f(5, 5)
    s = pt.dscalar("s")
    g = pytensor.function([s], pt.random.normal(0.0, s, rng=rng))
    with pytest.raises(ValueError, match="scale < 0"):
        g(-1.0)


def test_rng_must_be_a_shared_generator():
    with pytest.raises(TypeError, match="Generator"):
        pt.random.uniform(rng=pt.dscalar("x"))
    with pytest.raises(TypeError, match="Generator"):
        pytensor.shared(np.random.RandomState(0))
