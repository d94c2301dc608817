"""The forward scan stores the step's costly intermediates (a GRU's gates)
and the backward step reads them instead of computing them again
(scanjit/scan/intermediates.py, grad_lean.read_stored_outputs); it also
computes only the gradients the cost's graph reads. Values are checked by
finite differences, against the reference interpreter and against PyTensor."""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.driver.stages import stage_texts
from scanjit.gradient import verify_grad
from scanjit.graph import toposort
from scanjit.scan.op import ScanOp
from scanjit.tensor.elemwise import Elemwise
from scanjit.tensor.products import Dot
from scanjit.tools.bench import _gru_step

try:
    import pytensor
    import pytensor.tensor as ptt
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

RNG = np.random.default_rng(17)
H = 3


def gru_step(m):
    """bench.py's GRU cell (workload 9), on H units."""
    return _gru_step(m, H)


def gru(lib, m, wrt=(0, 1, 2, 3, 4)):
    X, h0, W, U, b = m.tensor3("X"), m.dmatrix("h0"), m.dmatrix("W"), m.dmatrix("U"), m.dvector("b")
    h = lib.scan(gru_step(m), sequences=X, outputs_info=h0, non_sequences=[W, U, b], return_updates=False)
    cost = (m.tanh(h) * m.arange(1, 3)[None, :, None]).sum()
    ins = [X, h0, W, U, b]
    return ins, [cost, *lib.grad(cost, [ins[k] for k in wrt])]


def values(steps: int):
    return [RNG.normal(size=(steps, 2, 4)), RNG.normal(size=(2, H)), RNG.normal(size=(4, 3 * H)),
            RNG.normal(size=(H, 3 * H)), RNG.normal(size=3 * H)]


def scans(outputs):
    """The forward ScanOp node and the backward one."""
    forward, backward = [n for n in toposort(outputs) if isinstance(n.op, ScanOp)]
    return forward, backward


def step_ops(node, kind):
    return [n for n in toposort(node.op.info.inner_outputs) if isinstance(n.op, kind)]


def test_the_forward_step_offers_its_gates_and_products():
    ins, outs = gru(scanjit, pt)
    forward, _ = scans(outs)
    hidden = forward.op.info.inner_outputs[1:]
    assert forward.op.info.intermediates == len(hidden) == 6  # 4 products, the sigmoid, the tanh
    assert sorted(type(v.owner.op).__name__ for v in hidden) == ["Dot"] * 4 + ["Elemwise"] * 2


@pytest.mark.parametrize("wrt", [(2, 3, 4), (0, 1, 2, 3, 4)], ids=["weights", "all"])
def test_the_backward_step_reads_the_gates_instead_of_computing_them(wrt):
    ins, outs = gru(scanjit, pt, wrt)
    forward, backward = scans(outs)
    assert len(step_ops(forward, Dot)) == 4
    assert not [n for n in step_ops(backward, Elemwise) if n.op.scalar_op in ("sigmoid", "tanh")]
    # the products of the adjoints with Uᵀ (and Wᵀ when X's gradient is asked for), not the gates'
    assert len(step_ops(backward, Dot)) == (4 if 0 in wrt else 2)
    ancestors = {id(v) for n in toposort(backward.inputs) for v in n.inputs}
    info = forward.op.info
    read = [info.inner_outputs[k] for k in range(1, 1 + info.intermediates) if id(forward.outputs[k]) in ancestors]
    assert sorted(v.owner.op.scalar_op for v in read) == ["sigmoid", "tanh"]


def test_a_function_without_the_gradient_stores_no_intermediate():
    ins, outs = gru(scanjit, pt)

    def forward_loop_results(outputs) -> int:
        emitted = stage_texts(scanjit.function(ins, outputs))["emit"]
        first = next(line for line in emitted.splitlines() if "scf.for" in line and "iter_args" in line)
        return first.split("->")[1].count("tensor<")

    assert forward_loop_results(outs[0]) == 1  # the state's storage
    assert forward_loop_results(outs) == 3  # and the gates' and the candidate's rows


@pytest.mark.parametrize("steps", [0, 1, 4])
def test_gradients_by_finite_differences(steps):
    def cost(X, h0, W, U, b):
        h = scanjit.scan(gru_step(pt), sequences=X, outputs_info=h0, non_sequences=[W, U, b],
                         return_updates=False)
        return (pt.tanh(h) * pt.arange(1, 3)[None, :, None]).sum() + (h0 ** 2).sum()

    verify_grad(cost, values(steps), rng=np.random.default_rng(0))


def test_compiled_as_the_reference_interpreter():
    vals = values(5)
    ins, outs = gru(scanjit, pt)
    got = scanjit.function(ins, outs)(*vals)
    expected = scanjit.function(ins, outs, mode="py")(*vals)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-13)


@needs_pytensor
@pytest.mark.parametrize("wrt", [(2, 3, 4), (0, 1, 2, 3, 4)], ids=["weights", "all"])
def test_gradients_as_pytensor(wrt):
    vals = values(6)
    got = scanjit.function(*gru(scanjit, pt, wrt))(*vals)
    expected = pytensor.function(*gru(pytensor, ptt, wrt))(*vals)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_second_order_flows_through_the_stored_gates():
    """The gradient of a gradient: the backward scan reads the stored gates,
    so the forward scan gets their rows' gradients."""
    x, w = pt.dvector("x"), pt.dscalar("w")

    def first(x, w):
        h = scanjit.scan(lambda xt, h: h + pt.sigmoid(h * w + xt) * pt.exp(xt * w), sequences=x,
                         outputs_info=np.float64(0.1), return_updates=False)
        return scanjit.grad((h ** 2).sum(), w)

    forward, backward = scans([first(x, w)])
    assert forward.op.info.intermediates == 2
    assert not [n for n in step_ops(backward, Elemwise) if n.op.scalar_op in ("sigmoid", "exp")]
    verify_grad(first, [RNG.normal(size=5) * 0.5, np.float64(0.3)], rng=np.random.default_rng(2))


def test_an_intermediate_whose_shape_changes_between_steps_is_not_stored():
    """exp(x[:t + 1]) changes length from step to step: recomputed, not stored.
    (Inputs of its own, small: h grows like an exponential tower, and with
    large ones the cost reaches 1e25, where a finite difference of x[3]'s
    0.2 is lost to rounding.)"""
    x = pt.dvector("x")

    def step(t, h, x):
        return h * 0.5 + pt.exp(x[:t + 1] * h).sum()

    h = scanjit.scan(step, sequences=pt.arange(x.shape[0]), outputs_info=np.float64(0.2), non_sequences=[x],
                     return_updates=False)
    forward = h.owner
    assert forward.op.info.intermediates == 0
    verify_grad(lambda x: scanjit.scan(step, sequences=pt.arange(x.shape[0]), outputs_info=np.float64(0.2),
                                       non_sequences=[x], return_updates=False).sum(),
                [np.random.default_rng(11).normal(size=4) * 0.1], rng=np.random.default_rng(3))


def test_checkpointed_gradients_are_the_plain_ones():
    vals = values(7)
    X, h0, W, U, b = ins = [pt.tensor3("X"), pt.dmatrix("h0"), pt.dmatrix("W"), pt.dmatrix("U"), pt.dvector("b")]
    grads = []
    for checkpoint in (False, True):
        h = scanjit.scan(gru_step(pt), sequences=X, outputs_info=h0, non_sequences=[W, U, b],
                         return_updates=False, checkpoint=checkpoint)
        grads.append(scanjit.function(ins, scanjit.grad((h ** 2).sum(), ins))(*vals))
    for g, e in zip(*grads):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-13)
