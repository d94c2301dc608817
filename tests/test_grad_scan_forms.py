"""The gradient of every form of scan (scanjit/scan/grad.py): states with
any taps (mit_sot), until, truncate_gradient, shared variables, random
draws in the step, the views, nested scans and second order; checked by
finite differences (verify_grad, float64) and against PyTensor's."""

import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import grad, hessian, verify_grad
from scanjit.scan import views
from scanjit.scan.utils import until
from scanjit.tensor.random.utils import RandomStream

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
    from pytensor.scan import views as pviews
    from pytensor.scan.utils import until as puntil
    from pytensor.tensor.random.utils import RandomStream as PRandomStream
except ImportError:
    pytensor = ptt = pviews = puntil = PRandomStream = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

RNG = np.random.default_rng(17)
BOTH = pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])


def _close(got, expected):
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


# mit_sot: (step, taps, initial rows, steps) programs of x0 (the initial window) and w.
def _mit_sot(lib, m, taps, truncate=-1, go_backwards=False):
    """A state with `taps` beside a sit_sot state and a per-step output,
    driven by a sequence; the cost reads the stacked and final states."""
    x0, h0, w, x = m.dvector("x0"), m.dscalar("h0"), m.dscalar("w"), m.dvector("x")

    def step(xt, *args):
        *window, h, w = args
        new = m.tanh(sum(window) * w + xt * h)
        return new, h * m.cos(new), new * xt

    a, h, y = lib.scan(step, sequences=x, outputs_info=[{"initial": x0, "taps": taps}, h0, None],
                       non_sequences=w, truncate_gradient=truncate, go_backwards=go_backwards,
                       return_updates=False)
    cost = m.sum(a ** 2) + a[-1] + m.sum(h) * 0.5 + m.sum(y)
    ins = [x0, h0, w, x]
    return ins, lib.grad(cost, ins)


def _mit_sot_values(window):
    return [RNG.uniform(-1, 1, window + 1), 0.4, 0.7, RNG.uniform(-1, 1, 6)]


TAPS = {"[-2,-1]": [-2, -1], "[-3,-1]": [-3, -1], "[-2]": [-2]}


@pytest.mark.parametrize("taps", list(TAPS))
def test_mit_sot_verify_grad(taps):
    taps = TAPS[taps]

    def cost(x0, h0, w, x):
        a, h, y = scanjit.scan(lambda xt, *args: [pt.tanh(sum(args[:-2]) * args[-1] + xt * args[-2]),
                                                  args[-2] * 0.9, args[0] * xt],
                               sequences=x, outputs_info=[{"initial": x0, "taps": taps}, h0, None],
                               non_sequences=w, return_updates=False)
        return pt.sum(a ** 2) + a[-1] + pt.sum(h) + pt.sum(y)

    verify_grad(cost, _mit_sot_values(-min(taps))[:2] + [np.float64(0.7), RNG.uniform(-1, 1, 5)],
                rng=np.random.default_rng(0), mode="py")


def test_mit_sot_compiled_verify_grad_go_backwards():
    def cost(x0, w, x):
        a = scanjit.scan(lambda xt, a2, a1, w: pt.sin(a2 * w + a1 * xt), sequences=x, go_backwards=True,
                         outputs_info={"initial": x0, "taps": [-2, -1]}, non_sequences=w, return_updates=False)
        return pt.sum(a * pt.arange(5))

    verify_grad(cost, [RNG.uniform(-1, 1, 2), np.float64(0.8), RNG.uniform(-1, 1, 5)],
                rng=np.random.default_rng(1))


@needs_pytensor
@pytest.mark.parametrize("taps, go_backwards, mode", [  # compiled: one direction per taps
    (taps, backwards, mode) for taps in TAPS for backwards in (False, True) for mode in (None, "py")
    if mode == "py" or backwards == (taps == "[-3,-1]")])
def test_mit_sot_as_pytensor(taps, go_backwards, mode):
    taps = TAPS[taps]
    values = _mit_sot_values(-min(taps))  # one initial row more than the taps read: its gradient is 0
    ins, grads = _mit_sot(scanjit, pt, taps, go_backwards=go_backwards)
    expected = pytensor.function(*_mit_sot(pytensor, ptt, taps, go_backwards=go_backwards))(*values)
    _close(scanjit.function(ins, grads, mode=mode)(*values), expected)


@needs_pytensor
@pytest.mark.parametrize("truncate, go_backwards, mode", [(2, False, None), (4, True, None), (3, True, "py")] +
                         [(k, False, "py") for k in (0, 1, 2, 4, 5, 6, 9)])
def test_truncate_gradient_as_pytensor(truncate, go_backwards, mode):
    """Only the last `truncate` steps are backpropagated through, and an
    initial value gets what those steps read of it: PyTensor's rule, not a
    derivative, so no finite differences (6 steps, taps [-3, -1])."""
    values = _mit_sot_values(3)
    ins, grads = _mit_sot(scanjit, pt, [-3, -1], truncate, go_backwards)
    expected = pytensor.function(*_mit_sot(pytensor, ptt, [-3, -1], truncate, go_backwards))(*values)
    got = scanjit.function(ins, grads, mode=mode)(*values)
    _close(got, expected)
    rows = got[3][::-1] if go_backwards else got[3]  # in the order the steps read them
    assert not rows[:max(6 - truncate, 0)].any() and rows[max(6 - truncate, 0):].all()


def test_truncate_gradient_is_an_integer():
    x = pt.dvector("x")
    with pytest.raises(TypeError, match="truncate_gradient"):
        scanjit.scan(lambda a: a, sequences=x, truncate_gradient=2.5, return_updates=False)
    with pytest.raises(ValueError, match="truncate_gradient"):
        scanjit.scan(lambda a: a, sequences=x, truncate_gradient=-2, return_updates=False)


def _until(lib, m, stop):
    x, h0, w = m.dvector("x"), m.dscalar("h0"), m.dscalar("w")

    def step(xt, h, w):
        new = h * w + xt
        return new, stop(new > 2.0)

    h = lib.scan(step, sequences=x, outputs_info=h0, non_sequences=w, return_updates=False)
    ins = [x, h0, w]
    return ins, lib.grad(m.sum(h ** 2), ins) + [h]


@BOTH
def test_until_gradient_over_the_steps_taken(mode):
    """4 of 8 steps run: the rows not read get 0; finite differences agree
    (the stop stays at step 4 under the perturbation)."""
    values = [np.linspace(0.1, 1, 8), 0.5, 1.1]
    f = scanjit.function(*_until(scanjit, pt, until), mode=mode)
    dx, dh0, dw, h = f(*values)
    assert len(h) == 4 and not dx[4:].any() and dx[:4].all()

    def cost(x, h0, w):
        h = scanjit.scan(lambda xt, h, w: [h * w + xt, until(h * w + xt > 2.0)], sequences=x, outputs_info=h0,
                         non_sequences=w, return_updates=False)
        return pt.sum(h ** 2)

    verify_grad(cost, [np.array(v, dtype="float64") for v in values], rng=np.random.default_rng(2), mode=mode)


def test_until_with_mit_sot_verify_grad():
    """A Fibonacci-like state with taps [-2, -1] stopping early (after 4 steps of 9)."""
    def states(x0, w):
        return scanjit.scan(lambda a2, a1, w: [a2 * w + a1, until(a2 * w + a1 > 3.0)],
                            outputs_info={"initial": x0, "taps": [-2, -1]}, non_sequences=w, n_steps=9,
                            return_updates=False)

    x0, w = np.array([0.5, 0.6]), np.float64(0.9)
    assert len(scanjit.function([v := pt.dvector("x0")], states(v, w))(x0)) == 4
    verify_grad(lambda x0, w: pt.sum(states(x0, w) ** 2), [x0, w], rng=np.random.default_rng(5))


@needs_pytensor
def test_until_as_pytensor():
    """h0's and w's gradients (and the steps) are PyTensor's. Not the
    sequence's: PyTensor 3.0.7 puts its row gradients one row late (0 at
    x[0]); finite differences agree with scanjit's (the test above)."""
    values = [np.linspace(0.1, 1, 8), 0.5, 1.1]
    got = scanjit.function(*_until(scanjit, pt, until))(*values)
    expected = pytensor.function(*_until(pytensor, ptt, puntil))(*values)
    _close(got[1:], expected[1:])


def _shared_rnn(lib, m):
    """W is read by the step without being passed; c is updated by it."""
    W = lib.shared(np.array([[0.5, -0.2], [0.1, 0.3]]), name="W")
    c = lib.shared(np.array([0.5, 0.2]), name="c")
    x, w = m.dmatrix("x"), m.dscalar("w")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        h, updates = lib.scan(lambda xt, h: (m.tanh(m.dot(h, W) * w + xt + c), {c: c * w + h}), sequences=x,
                              outputs_info=m.zeros(2))
    cost = m.sum(h ** 2)
    return [x, w], cost, lib.grad(cost, [x, w, W, c]), updates, [W, c]


@BOTH
def test_shared_variables_by_finite_differences(mode):
    """The gradients w.r.t. W and c (c's value before the loop) against
    central differences of the cost, the shared values moved by set_value."""
    ins, cost, grads, _, shared = _shared_rnn(scanjit, pt)
    x, w = RNG.uniform(-1, 1, (4, 2)), 0.8
    got = scanjit.function(ins, grads, mode=mode)(x, w)
    f, eps = scanjit.function(ins, cost, mode=mode), 1e-6
    for var, g in zip(shared, got[2:]):
        base, numeric = var.get_value(), np.zeros_like(g)
        for i in np.ndindex(base.shape):
            for sign in (1, -1):
                value = base.copy()
                value[i] += sign * eps
                var.set_value(value)
                numeric[i] += sign * f(x, w) / (2 * eps)
        var.set_value(base)
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8)


@needs_pytensor
@BOTH
def test_shared_variables_as_pytensor(mode):
    x, w = RNG.uniform(-1, 1, (4, 2)), 0.8
    ins, _, grads, updates, _ = _shared_rnn(scanjit, pt)
    p_ins, _, p_grads, p_updates, _ = _shared_rnn(pytensor, ptt)
    f = scanjit.function(ins, grads, updates=updates, mode=mode)
    g = pytensor.function(p_ins, p_grads, updates=p_updates)
    for _ in range(2):  # c advances with each call
        _close(f(x, w), g(x, w))


def _noisy_rnn(lib, m, style):
    """A step drawing noise, from a RandomStream or from a generator in
    outputs_info (PyTensor 3's form): the gradient must use the forward's draws."""
    h0, w = m.dscalar("h0"), m.dscalar("w")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)  # PyTensor's RandomStream
        if style == "stream":
            srng = (RandomStream if lib is scanjit else PRandomStream)(seed=3)
            h, updates = lib.scan(lambda h, w: m.tanh(h * w + srng.normal(0, 1)), outputs_info=h0,
                                  non_sequences=w, n_steps=4)
        else:
            rng = lib.shared(np.random.default_rng(3))

            def step(r, h, w):
                next_rng, noise = m.random.normal(rng=r, return_next_rng=True)
                return next_rng, m.tanh(h * w + noise)

            last, h = lib.scan(step, outputs_info=[rng, h0], non_sequences=w, n_steps=4, return_updates=False)
            updates = {rng: last}
    return [h0, w], [h, *lib.grad(m.sum(h), [h0, w])], updates


STYLES = pytest.mark.parametrize("style", ["stream", "outputs_info"])


@BOTH
@STYLES
def test_random_draws_gradient_uses_the_forward_draws(style, mode):
    """Each call draws anew; its gradient is the derivative for the draws
    that call made (recovered from h), by central differences."""
    ins, outs, updates = _noisy_rnn(scanjit, pt, style)
    f = scanjit.function(ins, outs, updates=updates, mode=mode)

    def cost(h0, w, noise):
        h, total = h0, 0.0
        for e in noise:
            h = np.tanh(h * w + e)
            total += h
        return total

    eps, seen = 1e-6, []
    for _ in range(2):
        h, gh0, gw = f(0.3, 0.7)
        noise = np.arctanh(h) - np.concatenate([[0.3], h[:-1]]) * 0.7
        seen.append(h)
        np.testing.assert_allclose(gh0, (cost(0.3 + eps, 0.7, noise) - cost(0.3 - eps, 0.7, noise)) / (2 * eps),
                                   rtol=1e-7)
        np.testing.assert_allclose(gw, (cost(0.3, 0.7 + eps, noise) - cost(0.3, 0.7 - eps, noise)) / (2 * eps),
                                   rtol=1e-7)
    assert not np.allclose(*seen)


@needs_pytensor
@STYLES
def test_random_draws_as_pytensor(style):
    ins, outs, updates = _noisy_rnn(scanjit, pt, style)
    p_ins, p_outs, p_updates = _noisy_rnn(pytensor, ptt, style)
    f, g = scanjit.function(ins, outs, updates=updates), pytensor.function(p_ins, p_outs, updates=p_updates)
    for _ in range(2):  # the same draws, call after call
        _close(f(0.3, 0.7), g(0.3, 0.7))


def test_draws_are_stored_only_for_the_gradient():
    """Without a gradient, a drawing scan allocates what the same scan
    reading its noise as a non-sequence does: the draws are not stored."""
    srng, h0, e = RandomStream(seed=3), pt.dscalar("h0"), pt.dscalar("e")
    with pytest.warns(DeprecationWarning):
        h, updates = scanjit.scan(lambda h: h + srng.normal(0, 1), outputs_info=h0, n_steps=4)
    plain = scanjit.scan(lambda h, e: h + e, outputs_info=h0, non_sequences=e, n_steps=4, return_updates=False)
    drawn = scanjit.function([h0], h[-1], updates=updates).dump("emit").count("tensor.empty")
    assert drawn == scanjit.function([h0, e], plain[-1]).dump("emit").count("tensor.empty")
    with_grad = scanjit.function([h0], [h[-1], grad(h[-1], h0)], updates=updates)
    assert with_grad.dump("emit").count("tensor.empty") > drawn


# The views, nested scans, second order.
VIEWS = {
    "map": lambda m, v, x, w: v.map(lambda xt, w: m.sin(xt * w), sequences=x, non_sequences=w,
                                    return_updates=False).sum(),
    "reduce": lambda m, v, x, w: v.reduce(lambda xt, acc, w: acc * w + m.cos(xt), sequences=x,
                                          outputs_info=m.zeros_like(w), non_sequences=w, return_updates=False),
    "foldl": lambda m, v, x, w: v.foldl(lambda xt, acc: acc * m.tanh(xt) + w, sequences=x,
                                        outputs_info=m.zeros_like(w), return_updates=False),
    "foldr": lambda m, v, x, w: v.foldr(lambda xt, acc: acc * m.tanh(xt) + w, sequences=x,
                                        outputs_info=m.zeros_like(w), return_updates=False),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_views_verify_grad(view):
    verify_grad(lambda x, w: VIEWS[view](pt, views, x, w), [RNG.uniform(-1, 1, 5), np.float64(0.6)],
                rng=np.random.default_rng(3), mode="py")


@needs_pytensor
@pytest.mark.parametrize("view", list(VIEWS))
def test_views_as_pytensor(view):
    values = [RNG.uniform(-1, 1, 5), 0.6]
    x, w = pt.dvector("x"), pt.dscalar("w")
    px, pw = ptt.dvector("x"), ptt.dscalar("w")
    got = scanjit.function([x, w], grad(VIEWS[view](pt, views, x, w), [x, w]))(*values)
    _close(got, pytensor.function([px, pw], pytensor.grad(VIEWS[view](ptt, pviews, px, pw), [px, pw]))(*values))


def _nested(lib, m, x, w, u):
    """An outer scan over rows whose step runs an inner scan over columns,
    with an inner (u, a non-sequence) and an outer (w, a closure) parameter."""
    def row(xr, h, u):
        inner = lib.scan(lambda xe, g, u: m.sin(g * u + xe), sequences=xr, outputs_info=h, non_sequences=u,
                         return_updates=False)
        return m.tanh(inner[-1] * w)

    h = lib.scan(row, sequences=x, outputs_info=m.constant(0.1, dtype="float64"), non_sequences=u,
                 return_updates=False)
    return m.sum(h ** 2)


def test_nested_scans_verify_grad():
    verify_grad(lambda x, w, u: _nested(scanjit, pt, x, w, u),
                [RNG.uniform(-1, 1, (3, 4)), np.float64(0.9), np.float64(0.7)], rng=np.random.default_rng(4))


@needs_pytensor
@BOTH
def test_nested_scans_as_pytensor(mode):
    values = [RNG.uniform(-1, 1, (3, 4)), 0.9, 0.7]
    ins = [pt.dmatrix("x"), pt.dscalar("w"), pt.dscalar("u")]
    p_ins = [ptt.dmatrix("x"), ptt.dscalar("w"), ptt.dscalar("u")]
    _close(scanjit.function(ins, grad(_nested(scanjit, pt, *ins), ins), mode=mode)(*values),
           pytensor.function(p_ins, pytensor.grad(_nested(pytensor, ptt, *p_ins), p_ins))(*values))


def _rnn_loss(lib, m, x, W, h0):
    h = lib.scan(lambda xt, h, W: m.tanh(m.dot(h, W) + xt), sequences=x, outputs_info=h0, non_sequences=W,
                 return_updates=False)
    return m.sum(h ** 2)


def test_hessian_vector_product_of_an_rnn():
    """Second order through scan: d/dW <grad(W), v>, against finite
    differences of the compiled gradient."""
    x, W, v, h0 = pt.dmatrix("x"), pt.dmatrix("W"), pt.dmatrix("v"), pt.dvector("h0")
    gW = grad(_rnn_loss(scanjit, pt, x, W, h0), W)
    hv = grad(pt.sum(gW * v), W)
    xs, Ws, vs, h0s = RNG.uniform(-1, 1, (5, 3)), RNG.uniform(-0.5, 0.5, (3, 3)), RNG.normal(size=(3, 3)), \
        RNG.uniform(-1, 1, 3)
    f_hv, f_g = scanjit.function([x, W, v, h0], hv), scanjit.function([x, W, h0], gW)
    eps = 1e-6
    numeric = (f_g(xs, Ws + eps * vs, h0s) - f_g(xs, Ws - eps * vs, h0s)) / (2 * eps)
    np.testing.assert_allclose(f_hv(xs, Ws, vs, h0s), numeric, rtol=1e-6, atol=1e-8)


def _scan_poly(lib, m, a):
    """A scalar function of the vector a built with scan: sum_t prod_{s<=t} tanh(a_s) * a_t."""
    h = lib.scan(lambda at, h: h * m.tanh(at) + at * h, sequences=a, outputs_info=m.constant(1.0, dtype="float64"),
                 return_updates=False)
    return m.sum(h)


def test_hessian_through_scan():
    a = pt.dvector("a")
    values = RNG.uniform(-1, 1, 4)
    f_h = scanjit.function([a], hessian(_scan_poly(scanjit, pt, a), a))
    f_g = scanjit.function([a], grad(_scan_poly(scanjit, pt, a), a))
    eps, got = 1e-6, f_h(values)
    numeric = np.array([(f_g(values + eps * e) - f_g(values - eps * e)) / (2 * eps) for e in np.eye(4)])
    np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got, got.T, rtol=1e-12)
    if pytensor is not None:
        pa = ptt.dvector("a")
        expected = pytensor.function([pa], pytensor.gradient.hessian(_scan_poly(pytensor, ptt, pa), pa))(values)
        _close([got], [expected])


def test_hessian_through_mit_sot():
    """Second order through a state with taps [-2, -1]: the Hessian w.r.t.
    its initial window against finite differences of the gradient."""
    x0, w = pt.dvector("x0"), pt.dscalar("w")
    a = scanjit.scan(lambda a2, a1, w: pt.tanh(a2 * w + a1), outputs_info={"initial": x0, "taps": [-2, -1]},
                     non_sequences=w, n_steps=5, return_updates=False)
    cost = pt.sum(a ** 2)
    f_h, f_g = scanjit.function([x0, w], hessian(cost, x0)), scanjit.function([x0, w], grad(cost, x0))
    values, eps = RNG.uniform(-0.5, 0.5, 2), 1e-6
    numeric = np.array([(f_g(values + eps * e, 0.8) - f_g(values - eps * e, 0.8)) / (2 * eps) for e in np.eye(2)])
    np.testing.assert_allclose(f_h(values, 0.8), numeric, rtol=1e-6, atol=1e-8)
