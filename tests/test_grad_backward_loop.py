"""What the backward loop of a scan's gradient does per step
(scanjit/scan/grad.py, grad_lean.py): it reads the states the forward stored
instead of computing them again, and the gradients of invariant weights
read through products (sums of outer products over the steps) are one
matrix product after the loop, not a matrix added at every step. Values
are checked by finite differences and against PyTensor and JAX (where
installed)."""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import verify_grad
from scanjit.scan.op import ScanOp
from scanjit.graph import toposort

try:
    import pytensor
    import pytensor.tensor as ptt
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

RNG = np.random.default_rng(11)


def rnn(lib, m, batched: bool):
    x = m.tensor3("x") if batched else m.dmatrix("x")
    h0 = m.dmatrix("h0") if batched else m.dvector("h0")
    W, U, b = m.dmatrix("W"), m.dmatrix("U"), m.dvector("b")
    h = lib.scan(lambda xt, h, W, U, b: m.tanh(m.dot(xt, W) + m.dot(h, U) + b), sequences=x,
                 outputs_info=h0, non_sequences=[W, U, b], return_updates=False)
    cost = (h ** 2).sum() + h[-1].sum()
    ins = [x, h0, W, U, b]
    return ins, lib.grad(cost, ins)


def values(steps: int, batched: bool):
    lead = (steps, 2) if batched else (steps,)
    return [RNG.normal(size=(*lead, 3)), RNG.normal(size=lead[1:] + (4,)), RNG.normal(size=(3, 4)),
            RNG.normal(size=(4, 4)) * 0.5, RNG.normal(size=4)]


def backward_scans(outputs):
    """The ScanOp nodes of a gradient graph but the first (the forward)."""
    return [n for n in toposort(outputs) if isinstance(n.op, ScanOp)][1:]


@pytest.mark.parametrize("batched", [False, True], ids=["vector", "batch"])
def test_weights_gradients_are_summed_after_the_loop(batched):
    ins, grads = rnn(scanjit, pt, batched)
    (back,) = backward_scans(grads)
    carried = [v for k, v in enumerate(back.op.info.inner_outputs) if back.op.info.output_taps[k] is not None]
    assert all(v.ndim == (2 if batched else 1) for v in carried)  # the state's gradient, no (3, 4) or (4, 4)


def test_the_backward_step_reads_the_stored_states():
    ins, grads = rnn(scanjit, pt, False)
    (back,) = backward_scans(grads)
    steps = toposort(back.op.info.inner_outputs)
    assert not any(n.op.__class__.__name__ == "Elemwise" and n.op.scalar_op == "tanh" for n in steps)


def test_sums_reading_one_stack_share_its_matrix():
    """x_t·W[:, :2] and x_t·W[:, 2:] (a GRU's gates): both weight sums are
    products contracting the steps and batch axes of the one stacked x_t
    (stored once for both, convert-dot-to-gemm merging its axes), no reshape."""
    x, h0, W = pt.tensor3("x"), pt.dmatrix("h0"), pt.dmatrix("W")
    h = scanjit.scan(lambda xt, h, W: pt.tanh(pt.dot(xt, W[:, :2]) * pt.dot(xt, W[:, 2:]) + h),
                     sequences=x, outputs_info=h0, non_sequences=[W], return_updates=False)
    gW = scanjit.grad(h.sum(), W)
    nodes = toposort([gW])
    sums = [n for n in nodes if type(n.op).__name__ == "Dot" and n.op.contract == 2]
    assert not [n for n in nodes if type(n.op).__name__ == "Reshape"]
    assert len(sums) == 2 and sums[0].inputs[0] is sums[1].inputs[0]
    args = RNG.normal(size=(5, 2, 3)), RNG.normal(size=(2, 2)), RNG.normal(size=(3, 4)) * 0.5
    compiled, reference = (scanjit.function([x, h0, W], gW, mode=m)(*args) for m in (None, "py"))
    np.testing.assert_allclose(compiled, reference, rtol=1e-12)


@pytest.mark.parametrize("steps", [0, 1, 5])
@pytest.mark.parametrize("batched", [False, True], ids=["vector", "batch"])
def test_gradients_by_finite_differences(steps, batched):
    vals = values(steps, batched)

    def cost(x, h0, W, U, b):
        h = scanjit.scan(lambda xt, h: pt.tanh(pt.dot(xt, W) + pt.dot(h, U) + b), sequences=x,
                         outputs_info=h0, return_updates=False)
        return (h ** 2).sum() + h[-1].sum() if steps else h.sum() + (h0 ** 2).sum()

    verify_grad(cost, vals, rng=np.random.default_rng(0))


@needs_pytensor
@pytest.mark.parametrize("batched", [False, True], ids=["vector", "batch"])
def test_gradients_as_pytensor(batched):
    vals = values(7, batched)
    got = scanjit.function(*rnn(scanjit, pt, batched))(*vals)
    expected = pytensor.function(*rnn(pytensor, ptt, batched))(*vals)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_a_bias_gradient_with_no_product_is_still_a_sum_over_the_steps():
    x, b = pt.dmatrix("x"), pt.dvector("b")
    h = scanjit.scan(lambda xt, h: pt.sin(h + xt * b), sequences=x, outputs_info=pt.zeros_like(b),
                     return_updates=False)
    verify_grad(lambda x, b: scanjit.scan(lambda xt, h: pt.sin(h + xt * b), sequences=x,
                                          outputs_info=pt.zeros_like(b), return_updates=False).sum(),
                [RNG.normal(size=(4, 3)), RNG.normal(size=3)], rng=np.random.default_rng(1))
    assert scanjit.function([x, b], scanjit.grad(h.sum(), b))(np.zeros((0, 3)), np.ones(3)).tolist() == [0, 0, 0]


def _aliased(lib, m, form):
    """A scan returning one variable as two outputs (PyTensor's
    test_grad_mitsot does), and costs needing the gradient of each."""
    i0, i1 = m.dmatrix("i0"), m.dvector("i1")

    def step(*prev):
        out = (sum(prev) + 0.5) ** 1.02
        return out, out

    infos = {"mit_sot+sit_sot": [dict(initial=i0, taps=[-2]), i1], "sit_sot+sit_sot": [i1, i1 * 2],
             "sit_sot+nit_sot": [i1, None]}[form]
    if form == "sit_sot+nit_sot":
        step = lambda prev: ((prev + 0.5) ** 1.02,) * 2  # noqa: E731
    outs = lib.scan(step, outputs_info=infos, n_steps=3, return_updates=False)
    first = lib.grad(outs[0].sum() + 2 * outs[1].sum(), [i0, i1], disconnected_inputs="ignore")
    cost = first[0].sum() + first[1].sum()
    return [i0, i1], [cost, *lib.grad(cost, [i0, i1], disconnected_inputs="ignore")]


ALIASED = ["mit_sot+sit_sot", "sit_sot+sit_sot", "sit_sot+nit_sot"]


@pytest.mark.parametrize("form", ALIASED)
def test_second_order_with_aliased_outputs_by_finite_differences(form):
    """The backward of a gradient gets a gradient for both of two aliased
    outputs: they add (one used to replace the other)."""
    ins, outs = _aliased(scanjit, pt, form)
    f = scanjit.function(ins, outs, on_unused_input="ignore")
    point = [RNG.random((2, 3)), RNG.random(3)]
    cost, *grads = f(*point)
    for k, g in enumerate(grads):
        for index in np.ndindex(point[k].shape):
            up, down = [p.copy() for p in point], [p.copy() for p in point]
            up[k][index] += 1e-6
            down[k][index] -= 1e-6
            numeric = (f(*up)[0] - f(*down)[0]) / 2e-6
            np.testing.assert_allclose(g[index], numeric, rtol=1e-5, atol=1e-7)


@needs_pytensor
@pytest.mark.parametrize("form", ALIASED)
def test_second_order_with_aliased_outputs_as_pytensor(form):
    point = [RNG.random((2, 3)), RNG.random(3)]
    got = scanjit.function(*_aliased(scanjit, pt, form), on_unused_input="ignore")(*point)
    expected = pytensor.function(*_aliased(pytensor, ptt, form), on_unused_input="ignore")(*point)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-10)


def test_rnn_gradients_as_jax():
    """jax.grad of the same RNN written with lax.scan, where JAX is installed."""
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    vals = values(9, False)

    def cost(x, h0, W, U, b):
        hs = jax.lax.scan(lambda h, xt: (jnp.tanh(xt @ W + h @ U + b),) * 2, h0, x)[1]
        return (hs ** 2).sum() + hs[-1].sum()

    expected = jax.grad(cost, argnums=(0, 1, 2, 3, 4))(*vals)
    got = scanjit.function(*rnn(scanjit, pt, False))(*vals)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, np.asarray(e), rtol=1e-10, atol=1e-12)
