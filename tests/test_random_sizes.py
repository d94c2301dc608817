"""Draws of a size known only when the function runs (`size=x.shape`, as
Theano's and PyTensor's RBM and dropout code writes it), PyTensor 3's
methods of a generator variable (`next_rng, x = rng.normal(...)`), and the
gradient around such a draw. test_random_distributions.py draws each distribution
with such sizes against NumPy and PyTensor."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.graph import NullTypeGradError

SEED = 11


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.parametrize("mode", [None, "py"])
def test_a_gibbs_chain_draws_of_its_step_s_shapes(mode):
    """The RBM's Gibbs chain: binomial(1, p, size=p.shape) of the step's own p."""
    rs = np.random.default_rng(3)
    w, bh, bv = rs.random((5, 4)) - 0.5, rs.random(4) - 0.5, rs.random(5) - 0.5
    v0 = rs.binomial(1, 0.5, (3, 5)).astype("float64")
    rng = pytensor.shared(np.random.default_rng(SEED))

    def step(v):
        h_mean = pt.sigmoid(pt.dot(v, w) + bh)
        rng_h, h = pt.random.binomial(1, h_mean, size=h_mean.shape, rng=rng, return_next_rng=True)
        v_mean = pt.sigmoid(pt.dot(h, w.T) + bv)
        rng_v, v_next = pt.random.binomial(1, v_mean, size=v_mean.shape, rng=rng_h, return_next_rng=True)
        return pt.cast(v_next, "float64"), {rng: rng_v}

    x = pt.dmatrix("x")
    chain, updates = pytensor.scan(step, outputs_info=[x], n_steps=4)
    f = pytensor.function([x], chain, updates=updates, mode=mode)
    mirror, v, expected = np.random.default_rng(SEED), v0, []
    for _ in range(4):
        h = mirror.binomial(1, sigmoid(v @ w + bh), (3, 4))
        v = mirror.binomial(1, sigmoid(h @ w.T + bv), (3, 5)).astype("float64")
        expected.append(v)
    np.testing.assert_array_equal(f(v0), expected)
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state
    np.testing.assert_array_equal(f(v0[:1]).shape, (4, 1, 5))  # one compiled function, any number of rows


@pytest.mark.parametrize("mode", [None, "py"])
def test_a_negative_length_raises_naming_it(mode):
    n = pt.lscalar("n")
    rng = pytensor.shared(np.random.default_rng(SEED))
    f = pytensor.function([n], pt.random.normal(size=(n, 2), rng=rng), mode=mode)
    with pytest.raises(ValueError, match=r"negative dimensions are not allowed \(normal's size 'n' is -1\)"):
        f(-1)
    assert f(0).shape == (0, 2)


def test_a_size_must_hold_integers_of_known_count():
    rng = pytensor.shared(np.random.default_rng(SEED))
    with pytest.raises(TypeError, match="size must hold integers"):
        pt.random.normal(size=(pt.dscalar("d"),), rng=rng)
    with pytest.raises(ValueError, match="known length"):
        pt.random.normal(size=pt.lvector("s"), rng=rng)
    with pytest.raises(ValueError, match="negative dimensions"):
        pt.random.normal(size=(2, -1), rng=rng)


def test_choice_of_a_symbolic_size_is_not_implemented():
    rng = pytensor.shared(np.random.default_rng(SEED))
    with pytest.raises(NotImplementedError, match="choice with a size of symbolic lengths"):
        pt.random.choice(5, size=pt.dvector("x").shape, rng=rng)


def test_the_gradient_goes_around_a_draw_of_its_shape():
    """d/dx sum(x * u) = u for u drawn of x's shape: the size's lengths get
    no gradient (PyTensor's integers), the draw's parameters still none."""
    x = pt.dmatrix("x")
    rng = pytensor.shared(np.random.default_rng(SEED))
    u = pt.random.uniform(0.1, 0.9, size=x.shape, rng=rng)
    g = pytensor.grad((x * u).sum(), x)
    np.testing.assert_array_equal(pytensor.function([x], g)(np.ones((2, 3))),
                                  np.random.default_rng(SEED).uniform(0.1, 0.9, (2, 3)))
    low = pt.dscalar("low")
    with pytest.raises(NullTypeGradError):
        pytensor.grad(pt.random.uniform(low, 1.0, size=x.shape, rng=rng).sum(), low)


def test_a_generator_variable_s_methods_are_pytensor_3s():
    rng = pytensor.shared(np.random.default_rng(SEED))
    next_rng, x = rng.normal(1.0, 2.0, size=3)
    assert (next_rng, x) == tuple(x.owner.outputs)
    after, y = next_rng.integers(0, 10, size=(2,))
    f = pytensor.function([], [x, y], updates={rng: after})
    mirror = np.random.default_rng(SEED)
    got = f()
    np.testing.assert_array_equal(got[0], mirror.normal(1.0, 2.0, 3))
    np.testing.assert_array_equal(got[1], mirror.integers(0, 10, 2))
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state
    with pytest.warns(UserWarning, match="has already been used"):
        rng.uniform()
    with pytest.raises(AttributeError, match="normal"):
        pt.dvector("v").normal
    with pytest.raises(AttributeError, match="no_such_distribution"):
        rng.no_such_distribution
    later, z = after.betabinom(5, 2.0, 3.0)  # a composition of two draws
    assert z.owner.outputs[0] is later


def mvnormal_numpy(g, mean, cov, size=()):
    """PyTensor's multivariate_normal (method "cholesky") in NumPy."""
    return mean + np.einsum("ij,...j->...i", np.linalg.cholesky(cov), g.normal(size=(*size, len(mean))))


MEAN, COV = np.array([1.0, -1.0, 0.5]), np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]])


@pytest.mark.parametrize("mode", [None, "py"])
def test_multivariate_normal_is_cholesky_times_normal_draws(mode):
    m, C, k = pt.dvector("m"), pt.dmatrix("C"), pt.lscalar("k")
    rng = pytensor.shared(np.random.default_rng(SEED))
    srng = pt.random.RandomStream(5)
    f = pytensor.function([m, C, k], [pt.random.multivariate_normal(m, C, rng=rng),
                                      pt.random.multivariate_normal(m, C, size=(k, 2), rng=rng),
                                      srng.multivariate_normal(m, C)], mode=mode)
    one, many, streamed = f(MEAN, COV, 3)
    mirror = np.random.default_rng(SEED)
    np.testing.assert_array_equal(one, mvnormal_numpy(mirror, MEAN, COV))
    np.testing.assert_allclose(many, mvnormal_numpy(mirror, MEAN, COV, (3, 2)), rtol=1e-14, atol=1e-15)
    assert one.shape == (3,) and many.shape == (3, 2, 3) and streamed.shape == (3,)
    assert not np.array_equal(f(MEAN, COV, 3)[2], streamed)  # the stream's generator advances
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        f(MEAN, -COV, 1)


def test_multivariate_normal_in_a_scan_step_and_against_pytensor():
    m, C = pt.dvector("m"), pt.dmatrix("C")
    rng = pytensor.shared(np.random.default_rng(SEED))

    def step(x, C):
        next_rng, y = pt.random.multivariate_normal(0.9 * x, C, rng=rng, return_next_rng=True)
        return y, {rng: next_rng}

    walk, updates = pytensor.scan(step, outputs_info=[m], non_sequences=[C], n_steps=5)
    got = pytensor.function([m, C], walk, updates=updates)(MEAN, COV)
    mirror, x, expected = np.random.default_rng(SEED), MEAN, []
    for _ in range(5):
        x = mvnormal_numpy(mirror, 0.9 * x, COV)
        expected.append(x)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt
    mp, Cp = ptt.dvector("m"), ptt.dmatrix("C")
    theirs = pytensor_.function([mp, Cp], ptt.random.multivariate_normal(
        mp, Cp, size=(4,), rng=pytensor_.shared(np.random.default_rng(SEED))))(MEAN, COV)
    ours = pytensor.function([m, C], pt.random.multivariate_normal(
        m, C, size=(4,), rng=pytensor.shared(np.random.default_rng(SEED))))(MEAN, COV)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)
    with pytest.raises(NotImplementedError, match="batch of means"):
        pt.random.multivariate_normal(pt.dmatrix("M"), C, rng=rng)
