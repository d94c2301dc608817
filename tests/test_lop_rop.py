"""`pullback`/`pushforward` and their deprecated names `Lop`/`Rop`
(scanjit/gradient.py): vector-Jacobian and Jacobian-vector products, checked
against explicit Jacobians, finite differences through a scan, and PyTensor's,
with PyTensor's argument checks and list/tuple/single results."""

import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import DisconnectedInputError, Lop, Rop, pullback, pushforward

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

RNG = np.random.default_rng(23)
MODES = pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])


def _layer(m):
    x, W, v, u = m.dvector("x"), m.dmatrix("W"), m.dvector("v"), m.dvector("u")
    return [x, W, v, u], m.tanh(m.dot(W, x)) * x[0]


@MODES
def test_products_match_the_jacobian(mode):
    (x, W, v, u), y = _layer(pt)
    jv, uj = pushforward(y, x, v), pullback(y, x, u)
    xv, Wv, vv, uv = RNG.normal(size=3), RNG.normal(size=(3, 3)), RNG.normal(size=3), RNG.normal(size=3)
    pre = np.tanh(Wv @ xv)
    J = (1 - pre ** 2)[:, None] * Wv * xv[0]
    J[:, 0] += pre
    got_jv, got_uj = scanjit.function([x, W, v, u], [jv, uj], mode=mode)(xv, Wv, vv, uv)
    np.testing.assert_allclose(got_jv, J @ vv, rtol=1e-12)
    np.testing.assert_allclose(got_uj, uv @ J, rtol=1e-12)


def _rnn(lib, m):
    """h[t] = tanh(h[t-1] W + x[t]), the JVP of all h w.r.t. (W, h0) along (dW, dh0)."""
    x, W, h0, dW, dh0 = m.dmatrix("x"), m.dmatrix("W"), m.dvector("h0"), m.dmatrix("dW"), m.dvector("dh0")
    h = lib.scan(lambda xt, h, W: m.tanh(m.dot(h, W) + xt), sequences=x, outputs_info=h0,
                 non_sequences=W, return_updates=False)
    return [x, W, h0, dW, dh0], h


def _rnn_values():
    return [RNG.normal(size=(5, 3)), RNG.normal(size=(3, 3)) * 0.6, RNG.normal(size=3),
            RNG.normal(size=(3, 3)), RNG.normal(size=3)]


@MODES
def test_rnn_jacobian_vector_product_by_finite_differences(mode):
    ins, h = _rnn(scanjit, pt)
    x, W, h0, dW, dh0 = ins
    f = scanjit.function(ins, [h, pushforward(h, [W, h0], [dW, dh0])], mode=mode)
    values = _rnn_values()
    _, jvp = f(*values)
    eps = 1e-6
    xv, Wv, h0v, dWv, dh0v = values
    plus = f(xv, Wv + eps * dWv, h0v + eps * dh0v, dWv, dh0v)[0]
    minus = f(xv, Wv - eps * dWv, h0v - eps * dh0v, dWv, dh0v)[0]
    assert jvp.shape == (5, 3) and np.abs(jvp).max() > 0.1
    np.testing.assert_allclose(jvp, (plus - minus) / (2 * eps), rtol=1e-6, atol=1e-8)


@needs_pytensor
@MODES
def test_rnn_products_match_pytensor(mode):
    values = _rnn_values()
    ins, h = _rnn(scanjit, pt)
    theirs_ins, theirs_h = _rnn(pytensor, ptt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ours = [Rop(h, [ins[1], ins[2]], [ins[3], ins[4]]), *Lop(h, [ins[1], ins[2]], pt.ones_like(h))]
        theirs = [pytensor.gradient.Rop(theirs_h, [theirs_ins[1], theirs_ins[2]], [theirs_ins[3], theirs_ins[4]]),
                  *pytensor.gradient.Lop(theirs_h, [theirs_ins[1], theirs_ins[2]], ptt.ones_like(theirs_h))]
    expected = pytensor.function(theirs_ins, theirs, on_unused_input="ignore")(*values)
    got = scanjit.function(ins, ours, mode=mode, on_unused_input="ignore")(*values)
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_results_are_lists_tuples_or_single_as_given():
    x, y = pt.dvector("x"), pt.dvector("y")
    a, b = x * y, pt.exp(x)
    assert isinstance(pushforward([a, b], [x, y], [x, y]), list)
    assert isinstance(pushforward((a, b), x, y), tuple)
    assert not isinstance(pushforward(a, x, y), list | tuple)
    assert isinstance(pullback(a, (x, y), x), tuple)
    assert isinstance(pullback([a, b], [x], [x, y]), list)
    assert not isinstance(pullback([a, b], x, [x, y]), list | tuple)


def test_deprecated_names_warn_as_pytensor():
    x = pt.dvector("x")
    with pytest.warns(FutureWarning, match="Rop is deprecated, use pushforward instead"):
        Rop(x * 2, x, x)
    with pytest.warns(FutureWarning, match="Lop is deprecated, use pullback instead"):
        Lop(x * 2, x, x)
    assert scanjit.Rop is Rop and scanjit.Lop is Lop and scanjit.pullback is pullback


def test_argument_errors_as_pytensor():
    x, y, m = pt.dvector("x"), pt.dvector("y"), pt.dmatrix("m")
    with pytest.raises(ValueError, match="same length as `tangents`"):
        pushforward(x * 2, [x, y], [x])
    with pytest.raises(ValueError, match="Elements 0 of `wrt` and `tangents` have mismatched dimensionalities"):
        pushforward(x * 2, x, m)
    with pytest.raises(DisconnectedInputError):
        pushforward(x * 2, [x, y], [x, y])
    with pytest.raises(DisconnectedInputError):
        pullback(x * 2, y, x)
    with pytest.raises(AssertionError):
        pullback([x * 2, x], x, [x])
    with pytest.raises(NotImplementedError, match="R_op .* of CumOp"):  # as PyTensor's: no R_op
        pushforward(pt.cumprod(x), x, x, use_op_pushforward=True)


@MODES
def test_disconnected_outputs_and_integers(mode):
    """An output no `wrt` reaches gets zeros (or None); an integer-valued
    output has a zero product, as in PyTensor."""
    x, y = pt.dvector("x"), pt.dvector("y")
    jv = pushforward([x * 3, y * 2, pt.cast(x, "int64")], x, x, disconnected_outputs="ignore")
    got = scanjit.function([x, y], jv, mode=mode)(np.array([1.0, 2.0]), np.array([5.0, 6.0]))
    np.testing.assert_array_equal(got[0], [3.0, 6.0])
    assert not got[1].any() and not got[2].any() and got[1].shape == (2,)
    assert pushforward([x * 3, y * 2], x, x, disconnected_outputs="ignore", return_disconnected="none")[1] is None
