"""The gradient of scan (scanjit/scan/grad.py): a backward scan (BPTT),
checked against PyTensor's on an RNN and by finite differences on each form:
sequences with taps, states, per-step outputs, non-sequences and closures,
go_backwards, symbolic n_steps (0 included); the other forms are in
test_grad_scan_forms.py."""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import grad, verify_grad
from scanjit.ifelse import ifelse

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

RNG = np.random.default_rng(5)


def _rnn(lib, m):
    x, W, U, b, h0 = m.dmatrix("x"), m.dmatrix("W"), m.dmatrix("U"), m.dvector("b"), m.dvector("h0")
    h = lib.scan(lambda xt, h, W, U, b: m.tanh(m.dot(h, W) + m.dot(xt, U) + b), sequences=x,
                 outputs_info=h0, non_sequences=[W, U, b], return_updates=False)
    cost = m.sum(h ** 2) + m.sum(h[-1])
    ins = [x, W, U, b, h0]
    return ins, lib.grad(cost, ins)


@needs_pytensor
@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
def test_rnn_gradient_as_pytensor(mode):
    values = [RNG.normal(size=(6, 3)), RNG.normal(size=(4, 4)) * 0.5, RNG.normal(size=(3, 4)),
              RNG.normal(size=4), RNG.normal(size=4)]
    ins, grads = _rnn(scanjit, pt)
    expected = pytensor.function(*_rnn(pytensor, ptt))(*values)
    f = scanjit.function(ins, grads, mode=mode)
    for got, e in zip(f(*values), expected):
        np.testing.assert_allclose(got, e, rtol=1e-10, atol=1e-12)
    for got in f(values[0][:0], *values[1:])[:-1]:  # no step: the inputs' gradients are zeros but h0's
        assert not got.any()


FORMS = {
    "sit_sot": (lambda x, h0: scanjit.scan(lambda xt, h: h * pt.sin(xt) + xt, sequences=x, outputs_info=h0,
                                           return_updates=False), [(5, 2), (2,)]),
    "taps": (lambda x, h0: scanjit.scan(lambda a, b, c, h: h * a + b * c, outputs_info=h0, return_updates=False,
                                        sequences={"input": x, "taps": [-1, 0, 2]}), [(6, 2), (2,)]),
    "nit_sot": (lambda x, w: scanjit.scan(lambda xt, w: [pt.exp(xt * w), pt.sum(xt) * w], sequences=x,
                                          non_sequences=w, return_updates=False)[1], [(4, 3), (3,)]),
    "closure": (lambda x, w: scanjit.scan(lambda xt, h: pt.tanh(h * w + xt), sequences=x, outputs_info=pt.zeros_like(w),
                                          return_updates=False)[-1], [(4, 3), (3,)]),
    "go_backwards": (lambda x, h0: scanjit.scan(lambda a, b, h: h * a + b, sequences={"input": x, "taps": [0, 1]},
                                                outputs_info=h0, go_backwards=True, return_updates=False),
                     [(5, 2), (2,)]),
    "two_states": (lambda x, a0, b0: scanjit.scan(lambda xt, a, b: [a * b + xt, pt.cos(a) * b], sequences=x,
                                                  outputs_info=[a0, b0], return_updates=False)[1],
                   [(4,), (), ()]),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_scan_forms_verify_grad(form):
    fn, shapes = FORMS[form]
    verify_grad(fn, [RNG.uniform(-1, 1, s) for s in shapes], rng=np.random.default_rng(0), mode="py")


def test_scan_forms_compiled():
    fn, shapes = FORMS["taps"]
    verify_grad(fn, [RNG.uniform(-1, 1, s) for s in shapes], rng=np.random.default_rng(1))


@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
def test_symbolic_n_steps_and_integer_states(mode):
    """n_steps a variable (0 included); an integer counter carried beside
    the float state has no gradient; h0's gradient is w ** n."""
    n, w, h0 = pt.lscalar("n"), pt.dscalar("w"), pt.dscalar("h0")
    (h, count) = scanjit.scan(lambda h, c: [h * w, c + 1], outputs_info=[h0, pt.constant(np.int64(0))],
                              n_steps=n, return_updates=False)
    gw, gh0 = grad(h[-1] + pt.cast(count[-1], "float64"), [w, h0])
    f = scanjit.function([n, w, h0], [gw, gh0], mode=mode)
    for steps in (0, 1, 4):
        got_w, got_h0 = f(steps, 1.5, 2.0)
        np.testing.assert_allclose([got_w, got_h0], [steps * 1.5 ** (steps - 1) * 2.0 if steps else 0, 1.5 ** steps])
