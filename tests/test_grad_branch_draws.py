"""The gradient (and forward mode) of a scan whose step draws in a branch of
an ifelse: a RandomStream's draw runs at every step (its generator's update
reads it), so the scan stores it as any other draw and the derivative is the
one for the draws the forward made. Checked by central differences with the
draws fixed (NumPy's own draws from the stream's seed), against the
reference interpreter, and against PyTensor's gradient of the same program
reading those draws as a sequence (PyTensor itself cannot take this
gradient: NullTypeGradError, "Depends on a untraced variable")."""

import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import grad, pushforward
from scanjit.ifelse import ifelse
from scanjit.tensor.random.utils import RandomStream

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
    from pytensor.ifelse import ifelse as pytensor_ifelse
except ImportError:
    pytensor = ptt = None

BOTH = pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
X, W, SEED, INNER = np.array([0.3, -0.5, 0.8, -0.1, 0.6]), 0.7, 4, 2


def _scan(lib, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scan's return signature
        return lib.scan(*args, **kwargs)


def _program(lib, m, ife, form, draw, noise=None):
    """The states s of a scan over x: in the rows above 0, tanh of s w plus
    the row and a draw ("branch"), or the last state of a nested scan of
    INNER such steps ("nested"); elsewhere s w - x_t. The draws come from
    `draw()`, or from the sequence `noise` (PyTensor's program)."""
    x, w = m.dvector("x"), m.dscalar("w")

    def taken(xt, s, e):
        if form == "branch":
            return m.tanh(s * w + xt + (draw() if e is None else e)), {}
        inner, updates = _scan(lib, (lambda g: m.tanh(g * w + xt + draw())) if e is None else
                               (lambda ei, g: m.tanh(g * w + xt + ei)), sequences=[] if e is None else [e],
                               outputs_info=s, n_steps=INNER)
        return inner[-1], updates

    def step(xt, *rest):
        e, s = rest if noise is not None else (None, *rest)
        value, updates = taken(xt, s, e)
        return ife(xt > 0, value, s * w - xt), updates

    s, updates = _scan(lib, step, sequences=[x] + ([noise] if noise is not None else []),
                       outputs_info=m.constant(0.1, dtype="float64"))
    return [x, w], s, updates


def _draws(form):
    """The stream's draws at SEED: one (branch) or INNER (nested) per step."""
    rng = np.random.default_rng(np.random.SeedSequence(SEED).spawn(1)[0])
    return rng.normal(0, 1, size=(len(X),) if form == "branch" else (len(X), INNER))


def _cost(x, w, noise):
    s, total = 0.1, 0.0
    for xt, e in zip(x, noise):
        if xt > 0:
            for ei in np.atleast_1d(e):
                s = np.tanh(s * w + xt + ei)
        else:
            s = s * w - xt
        total += s
    return total


def _function(form, mode, wrt_tangents=False):
    srng = RandomStream(seed=SEED)
    ins, s, updates = _program(scanjit, pt, ifelse, form, lambda: srng.normal(0, 1))
    outs = [s, *grad(pt.sum(s), ins)]
    tangents = [x.type() for x in ins] if wrt_tangents else []
    if wrt_tangents:
        outs.append(pushforward(s, ins, tangents, use_op_pushforward=True))
    return scanjit.function([*ins, *tangents], outs, updates=updates, mode=mode)


@BOTH
@pytest.mark.parametrize("form", ["branch", "nested"])
def test_gradient_uses_the_forward_draws(form, mode):
    noise, eps = _draws(form), 1e-6
    s, gx, gw = _function(form, mode)(X, W)
    np.testing.assert_allclose(s.sum(), _cost(X, W, noise), rtol=1e-12)
    num_x = [(_cost(X + eps * d, W, noise) - _cost(X - eps * d, W, noise)) / (2 * eps) for d in np.eye(len(X))]
    np.testing.assert_allclose(gx, num_x, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gw, (_cost(X, W + eps, noise) - _cost(X, W - eps, noise)) / (2 * eps), rtol=1e-6)


@pytest.mark.parametrize("form", ["branch", "nested"])
def test_compiled_as_reference_and_forward_mode(form):
    """The same seed, the same draws: the compiled gradient and tangent are
    the reference interpreter's; the tangent is the Jacobian applied to the
    tangents, from the gradient of each state."""
    vx, vw = np.linspace(-1, 1, len(X)), np.float64(0.4)
    got = _function(form, None, True)(X, W, vx, vw)
    for g, e in zip(got, _function(form, "py", True)(X, W, vx, vw), strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)
    noise, eps = _draws(form), 1e-6
    states = [lambda x, w, k=k: _state(x, w, noise, k) for k in range(len(X))]
    numeric = [(f(X + eps * vx, W + eps * vw) - f(X - eps * vx, W - eps * vw)) / (2 * eps) for f in states]
    np.testing.assert_allclose(got[3], numeric, rtol=1e-6, atol=1e-9)


def _state(x, w, noise, k):
    """s[k]: the cost's difference of the first k + 1 and k states."""
    return _cost(x[:k + 1], w, noise[:k + 1]) - _cost(x[:k], w, noise[:k])


@pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")
@pytest.mark.parametrize("form", ["branch", "nested"])
def test_as_pytensor_for_the_same_draws(form):
    noise = _draws(form)
    p_noise = ptt.tensor("noise", dtype="float64", shape=(None,) * noise.ndim)
    ins, p_s, _ = _program(pytensor, ptt, pytensor_ifelse, form, None, p_noise)
    expected = pytensor.function([*ins, p_noise], [p_s, *pytensor.grad(ptt.sum(p_s), ins)])(X, W, noise)
    for g, e in zip(_function(form, None)(X, W), expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def test_a_draw_only_the_branch_advances_names_itself():
    """A generator the step advances only in the branch (its update an
    ifelse): the branch draws only when taken, and is not stored."""
    rng = scanjit.shared(np.random.default_rng(3))
    x = pt.dvector("x")

    def step(xt):
        advanced, e = pt.random.normal(0, 1, rng=rng).owner.outputs
        out, new = ifelse(xt > 0, [xt * e, advanced], [xt, rng])
        return out, {rng: new}

    s, updates = _scan(scanjit, step, sequences=x)
    assert scanjit.function([x], s, updates=updates)(X).shape == X.shape  # the forward runs
    with pytest.raises(NotImplementedError, match="draws random numbers in a branch of an ifelse"):
        grad(pt.sum(s), x)
    with pytest.raises(NotImplementedError, match="draws random numbers in a branch of an ifelse"):
        pushforward(s, x, x.type(), use_op_pushforward=True)
