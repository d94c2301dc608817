"""The gradient of a scan whose step runs a scan drawing random numbers
(scan/replay.py): each scan stores its step's draws, its nested scans'
included, and the backward replays the nested scans from them, so the
gradient is the derivative for the draws the forward made (PyTensor's
semantics: draws are constants of the gradient). Checked by central
differences with the draws fixed (the programs return them), against the
reference interpreter, and against PyTensor's gradient of the same program
reading those draws as a sequence (PyTensor itself cannot take this
gradient: NullTypeGradError, "Depends on a untraced variable")."""

import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import grad, pushforward
from scanjit.scan.utils import until
from scanjit.tensor.random.utils import RandomStream

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

BOTH = pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
X = {1: np.array([0.3, -0.5, 0.8]), 2: np.array([[0.3, -0.5], [0.8, 0.1], [-0.2, 0.6]])}
INNER = 3  # the innermost scan's steps


def _scan(lib, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scan's return signature
        return lib.scan(*args, **kwargs)


def _program(lib, m, depth, draw, noise=None):
    """An outer scan over the rows of x whose step runs (depth 2: a scan over
    the row's elements running) a scan of INNER steps adding a noise term to
    its state: drawn by `draw()`, or read from `noise` (PyTensor's program).
    Returns the inputs, the states, the noise (a per-step output) and the
    updates."""
    x, w = (m.dvector if depth == 1 else m.dmatrix)("x"), m.dscalar("w")

    def noisy(g, xe, e):
        return [m.tanh(g * w + xe + e), e]

    def innermost(xe, g, e=None):
        if e is None:
            inner, updates = _scan(lib, lambda g: noisy(g, xe, draw()), outputs_info=[g, None], n_steps=INNER)
        else:
            inner, updates = _scan(lib, lambda e, g: noisy(g, xe, e), sequences=e, outputs_info=[g, None])
        return [inner[0][-1], inner[1]], updates

    def middle(xr, h, e=None):
        step = (lambda xe, g: innermost(xe, g)) if e is None else (lambda xe, e, g: innermost(xe, g, e))
        (g, es), updates = _scan(lib, step, sequences=[xr] + ([e] if e is not None else []),
                                 outputs_info=[h, None])
        return [g[-1], es], updates

    level = innermost if depth == 1 else middle
    step = (lambda xr, h: level(xr, h)) if noise is None else (lambda xr, e, h: level(xr, h, e))
    (h, es), updates = _scan(lib, step, sequences=[x] + ([noise] if noise is not None else []),
                             outputs_info=[m.constant(0.1, dtype="float64"), None])
    return [x, w], h, es, updates


def _function(depth, mode=None, seed=1, with_noise=True):
    """The compiled (or reference) function of x, w: h, the noise (with_noise),
    the gradient of sum(h) with respect to x and w."""
    srng = RandomStream(seed=seed)
    ins, h, es, updates = _program(scanjit, pt, depth, lambda: srng.normal(0, 1))
    return scanjit.function(ins, [h, *([es] if with_noise else []), *grad(pt.sum(h), ins)], updates=updates,
                            mode=mode)


def _cost(x, w, noise):
    """sum(h) in NumPy for the given draws."""
    h, total = 0.1, 0.0
    for xr, er in zip(x, noise):
        for xe, ee in zip(np.atleast_1d(xr), er if x.ndim == 2 else [er]):
            for e in ee:
                h = np.tanh(h * w + xe + e)
        total += h
    return total


def _numeric(x, w, noise, eps=1e-6):
    gx = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        gx[i] = (_cost(x + step, w, noise) - _cost(x - step, w, noise)) / (2 * eps)
    return gx, (_cost(x, w + eps, noise) - _cost(x, w - eps, noise)) / (2 * eps)


@BOTH
@pytest.mark.parametrize("depth", [1, 2])
def test_gradient_uses_the_forward_draws(depth, mode):
    """Each call draws anew; its gradient is the derivative for the draws it made."""
    f, x, seen = _function(depth, mode), X[depth], []
    for _ in range(2):
        h, noise, gx, gw = f(x, 0.7)
        assert noise.shape == x.shape + (INNER,)
        np.testing.assert_allclose(h.sum(), _cost(x, 0.7, noise), rtol=1e-12)
        num_x, num_w = _numeric(x, 0.7, noise)
        np.testing.assert_allclose(gx, num_x, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(gw, num_w, rtol=1e-6)
        seen.append(noise)
    assert not np.allclose(*seen)


@pytest.mark.parametrize("depth", [1, 2])
def test_compiled_as_reference(depth):
    """The same seed, the same draws: the compiled gradient is the reference
    interpreter's, also when the program does not return its draws."""
    for with_noise in (True, False):
        got = _function(depth, None, 5, with_noise)(X[depth], 0.4)
        expected = _function(depth, "py", 5, with_noise)(X[depth], 0.4)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


@needs_pytensor
@pytest.mark.parametrize("depth", [1, 2])
def test_as_pytensor_for_the_same_draws(depth):
    """PyTensor's gradient of the program reading our draws as a sequence."""
    x = X[depth]
    h, noise, gx, gw = _function(depth)(x, 0.7)
    p_noise = ptt.tensor("noise", dtype="float64", shape=(None,) * noise.ndim)
    ins, p_h, _, _ = _program(pytensor, ptt, depth, None, p_noise)
    expected = pytensor.function([*ins, p_noise], [p_h, *pytensor.grad(ptt.sum(p_h), ins)])(x, 0.7, noise)
    for g, e in zip([h, gx, gw], expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def _until_program(srng, inner_until=False):
    """An outer scan stopping with until (after the row above 0.5) whose
    step runs a scan over v backwards, drawing at each step."""
    x, v, w = pt.dvector("x"), pt.dvector("v"), pt.dscalar("w")

    def inner(ve, g, xt):
        e = srng.normal(0, 1)
        return [pt.tanh(g * w * ve + xt + e), e]

    def row(xt, h):
        (g, es), updates = _scan(scanjit, inner, sequences=v, outputs_info=[h, None], non_sequences=xt,
                                 go_backwards=True)
        return [g[-1], es], updates, until(xt > 0.5)

    (h, es), updates = _scan(scanjit, row, sequences=x, outputs_info=[pt.constant(0.1, dtype="float64"), None])
    return [x, v, w], h, es, updates


@BOTH
def test_until_and_go_backwards(mode):
    srng = RandomStream(seed=2)
    ins, h, es, updates = _until_program(srng)
    f = scanjit.function(ins, [h, es, *grad(pt.sum(h), ins)], updates=updates, mode=mode)
    x, v = np.array([0.3, -0.5, 0.8, 0.2]), np.array([0.5, -1.0, 2.0])

    def cost(x, v, w, noise):
        h, total = 0.1, 0.0
        for xt, er in zip(x, noise):
            for ve, e in zip(v[::-1], er):
                h = np.tanh(h * w * ve + xt + e)
            total += h
        return total

    h, noise, gx, gv, gw = f(x, v, 0.7)
    assert noise.shape == (3, 3)  # three steps, the third above 0.5
    np.testing.assert_allclose(h.sum(), cost(x, v, 0.7, noise), rtol=1e-12)
    eps = 1e-6
    for value, got, at in [(x, gx, 0), (v, gv, 1)]:
        for i in range(len(value)):
            args = [x, v, 0.7]
            step = np.eye(len(value))[i] * eps
            up, down = list(args), list(args)
            up[at], down[at] = value + step, value - step
            np.testing.assert_allclose(got[i], (cost(*up, noise) - cost(*down, noise)) / (2 * eps), rtol=1e-6,
                                       atol=1e-9)
    np.testing.assert_allclose(gw, (cost(x, v, 0.7 + eps, noise) - cost(x, v, 0.7 - eps, noise)) / (2 * eps),
                               rtol=1e-6)
    assert gx[3] == 0  # a row after the stop


def test_nested_until_draws_name_themselves():
    """A nested scan drawing with until stores a different number of draws
    at each step of the outer scan: not supported, named at graph time."""
    srng, x = RandomStream(seed=2), pt.dvector("x")

    def row(xt, h):
        def inner(g):
            e = srng.normal(0, 1)
            return g * xt + e, until(e > 0.5)

        g, updates = _scan(scanjit, inner, outputs_info=h, n_steps=5)
        return g[-1], updates

    h, updates = _scan(scanjit, row, sequences=x, outputs_info=pt.constant(0.1, dtype="float64"))
    assert scanjit.function([x], h, updates=updates)(np.array([0.3, 0.5])).shape == (2,)  # the forward runs
    with pytest.raises(NotImplementedError, match="draws random numbers and stops with until"):
        grad(pt.sum(h), x)


def test_nested_draws_are_stored_only_for_the_gradient():
    """Without a gradient, the nested scan's stored draws cost nothing: the
    program allocates what the one reading its noise as an input does."""
    srng, x, e = RandomStream(seed=3), pt.dvector("x"), pt.dscalar("e")

    def row(xt, h, noise=None):
        inner, updates = _scan(scanjit, lambda g: g + xt + (srng.normal(0, 1) if noise is None else noise),
                               outputs_info=h, n_steps=3)
        return inner[-1], updates

    h0 = pt.constant(0.1, dtype="float64")
    h, updates = _scan(scanjit, row, sequences=x, outputs_info=h0)
    plain, _ = _scan(scanjit, lambda xt, h, e: row(xt, h, e), sequences=x, outputs_info=h0, non_sequences=e)
    drawn = scanjit.function([x], h[-1], updates=updates).dump("bufferize").count("memref.alloc")
    assert drawn == scanjit.function([x, e], plain[-1]).dump("bufferize").count("memref.alloc")
    with_grad = scanjit.function([x], [h[-1], grad(h[-1], x)], updates=updates)
    assert with_grad.dump("bufferize").count("memref.alloc") > drawn


def test_nested_step_counts_that_change_name_themselves():
    """A nested scan drawing whose number of steps changes from step to
    step (its n_steps a sequence's element, or its sequence a growing
    slice) stores draws of changing length: named at graph time, for the
    gradient and the forward mode; a count the step computes from lengths
    that do not change (the row's) is fine."""
    srng, x, n = RandomStream(seed=2), pt.dmatrix("x"), pt.lvector("n")

    def outer(step, sequences):
        h, updates = _scan(scanjit, step, sequences=sequences, outputs_info=pt.constant(0.1, dtype="float64"))
        return h, updates

    def counted(xr, nt, h):
        g, updates = _scan(scanjit, lambda g: g * xr[0] + srng.normal(0, 1), outputs_info=h, n_steps=nt)
        return g[-1], updates

    def sliced(xr, t, h):
        g, updates = _scan(scanjit, lambda a, g: g * a + srng.normal(0, 1), sequences=xr[:t], outputs_info=h)
        return g[-1], updates

    def fixed(xr, h):
        g, updates = _scan(scanjit, lambda g: g * xr[0] + srng.normal(0, 1), outputs_info=h,
                           n_steps=xr.shape[0] * 2)
        return g[-1], updates

    for h, _ in (outer(counted, [x, n]), outer(sliced, [x, pt.arange(x.shape[0])])):
        with pytest.raises(NotImplementedError, match="runs a number of steps that changes from step to step"):
            grad(pt.sum(h), x)
        with pytest.raises(NotImplementedError, match="runs a number of steps that changes from step to step"):
            pushforward(h, x, x.type(), use_op_pushforward=True)
    h, updates = outer(fixed, [x])
    f = scanjit.function([x], [h, grad(pt.sum(h), x)], updates=updates)
    assert f(X[2])[1].shape == X[2].shape
