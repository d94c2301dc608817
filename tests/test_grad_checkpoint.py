"""Checkpointed scan gradients (scanjit/scan/checkpoints.py): PyTensor's
`scan_checkpoints`, and `scan(checkpoint=...)`, whose forward results are the
plain scan's (bit for bit) and whose gradients, recomputing segments from
their boundaries, equal the plain gradient's: sequences, states,
non-sequences, per-step outputs, go_backwards, T = 0, 1, multiples of the
segment length or not; by finite differences, against PyTensor, and inside
a scan step."""

import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import grad, verify_grad
from scanjit.graph import toposort
from scanjit.scan.op import ScanOp, unread_outputs

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
    from pytensor.scan.checkpoints import scan_checkpoints as pytensor_scan_checkpoints
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

RNG = np.random.default_rng(17)


def _powers(lib, m, checkpoints, N, padding=True):
    """PyTensor's test_checkpoints: A ** k / k! by a scan of k steps and its
    gradient, plain and through `checkpoints`, and the checkpointed stack."""
    k, A = m.iscalar("k"), m.dvector("A")
    seq = m.arange(k, dtype="float64") + 1
    step = lambda s, prior, A: prior * A / s  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        plain, _ = lib.scan(step, outputs_info=m.ones_like(A), sequences=[seq], non_sequences=A, n_steps=k)
        stack, _ = checkpoints(step, outputs_info=m.ones_like(A), sequences=[seq], non_sequences=A, n_steps=k,
                               save_every_N=N, padding=padding)
    return [A, k], [plain[-1], stack[-1], lib.grad(plain[-1].sum(), A), lib.grad(stack[-1].sum(), A), stack]


@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
def test_scan_checkpoints_equals_scan(mode):
    f = scanjit.function(*_powers(scanjit, pt, scanjit.scan_checkpoints, 10), mode=mode)
    A = RNG.uniform(0.5, 2.0, 4)
    for k in (1, 10, 23):
        last, last_checked, g, g_checked, stack = f(A, k)
        np.testing.assert_allclose(last_checked, last, rtol=1e-13)
        np.testing.assert_allclose(g_checked, g, rtol=1e-12)
        assert stack.shape == (-(-k // 10), 4)  # the state after every 10th step and the last


@needs_pytensor
@pytest.mark.parametrize("k, N, padding", [(101, 100, True), (23, 10, True), (30, 10, False)])
def test_scan_checkpoints_as_pytensor(k, N, padding):
    A = RNG.uniform(0.5, 2.0, 5)
    ours = scanjit.function(*_powers(scanjit, pt, scanjit.scan_checkpoints, N, padding))(A, k)
    theirs = pytensor.function(*_powers(pytensor, ptt, pytensor_scan_checkpoints, N, padding))(A, k)
    for got, expected in zip(ours, theirs):
        assert got.shape == expected.shape and got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_scan_checkpoints_rejects_taps_and_unpadded_lengths():
    A = pt.dvector("A")
    with pytest.raises(RuntimeError, match="taps"):
        scanjit.scan_checkpoints(lambda: None, [], {"initial": A, "taps": [-2]})
    f = scanjit.function(*_powers(scanjit, pt, scanjit.scan_checkpoints, 10, padding=False))
    with pytest.raises(ValueError, match="cannot reshape"):  # 23 steps are not segments of 10
        f(np.ones(3), 23)


def test_scan_checkpoints_without_non_sequences():
    """(PyTensor's raises TypeError here: it slices the step's arguments with args[-0:].)"""
    x, h0 = pt.dvector("x"), pt.dscalar("h0")
    stack = scanjit.scan_checkpoints(lambda xt, h: h * 0.5 + xt, sequences=[x], outputs_info=h0, save_every_N=3,
                                     return_updates=False)
    plain = scanjit.scan(lambda xt, h: h * 0.5 + xt, sequences=[x], outputs_info=h0, return_updates=False)
    got, expected = scanjit.function([x, h0], [stack, plain], mode="py")(RNG.normal(size=7), 1.0)
    np.testing.assert_array_equal(got, expected[[2, 5, 6]])


def _rnn(ins, checkpoint, go_backwards=False):
    """An RNN with a sequence, a state, non-sequences, a closure and a
    per-step output; the cost reads the stacks and the final state."""
    x, h0, W, U, c = ins

    def step(xt, h, W, U):
        new = pt.tanh(pt.dot(xt, U) + pt.dot(h, W) * c)
        return new, pt.sum(new * xt[0])

    h, y = scanjit.scan(step, sequences=x, outputs_info=[h0, None], non_sequences=[W, U], go_backwards=go_backwards,
                        return_updates=False, checkpoint=checkpoint)
    cost = pt.sum(h ** 2) + pt.sum(h[-1]) + pt.sum(y * y)
    return [h, y, h[-1], *grad(cost, ins)]


def _rnn_values(steps):
    return [RNG.normal(size=(steps, 2)), RNG.normal(size=3), RNG.normal(size=(3, 3)) * 0.5,
            RNG.normal(size=(2, 3)), RNG.normal()]


@pytest.mark.parametrize("checkpoint, go_backwards", [(True, False), (3, True)], ids=["sqrt_T", "3_backwards"])
@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
def test_checkpointed_scan_equals_scan(checkpoint, go_backwards, mode):
    ins = [pt.dmatrix("x"), pt.dvector("h0"), pt.dmatrix("W"), pt.dmatrix("U"), pt.dscalar("c")]
    plain, checked = _rnn(ins, False, go_backwards), _rnn(ins, checkpoint, go_backwards)
    f = scanjit.function(ins, plain + checked, mode=mode)
    for steps in (0, 1, 6, 9, 10):  # √T segments of 1, 3, 3, 4 steps; 3 | 6, 9
        values = _rnn_values(steps)
        got = f(*values)
        expected, found = got[:len(plain)], got[len(plain):]
        for e, g in zip(expected[:3], found[:3]):  # the forward results: the plain scan's
            assert e.dtype == g.dtype and np.array_equal(e, g)
        for e, g in zip(expected[3:], found[3:]):
            assert e.shape == g.shape
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)
        assert np.abs(expected[3]).sum() > 0 if steps else not expected[3].any()


@pytest.mark.parametrize("checkpoint", [False, True])
def test_checkpointed_gradient_reads_no_stored_states(checkpoint):
    """Checkpointed, the gradient of a cost of the final state leaves the
    forward scan's stack unread (it keeps two rows) and loops over segments
    (a scan in a scan)."""
    x, h0, W = pt.dmatrix("x"), pt.dvector("h0"), pt.dmatrix("W")
    h = scanjit.scan(lambda xt, h, W: pt.tanh(pt.dot(h, W) + xt), sequences=x, outputs_info=h0, non_sequences=W,
                     return_updates=False, checkpoint=checkpoint)
    gW = grad(pt.sum(h[-1] ** 2), W)
    assert (id(h) in unread_outputs([gW])) == checkpoint
    nested = [n for node in toposort([gW]) if isinstance(node.op, ScanOp)
              for n in toposort(node.op.info.roots) if isinstance(n.op, ScanOp)]
    assert bool(nested) == checkpoint


def test_checkpointed_verify_grad():
    def fn(x, h0, w):
        h = scanjit.scan(lambda xt, h, w: pt.sin(h * w) + xt, sequences=x, outputs_info=h0, non_sequences=w,
                         return_updates=False, checkpoint=True)
        return h[-1] * h[2]
    verify_grad(fn, [RNG.uniform(-1, 1, s) for s in [(7, 2), (2,), (2,)]], rng=np.random.default_rng(0))


def test_checkpointed_input_read_twice():
    """x as a sequence and a non-sequence: both gradients, summed once."""
    def fn(x, h0):
        h = scanjit.scan(lambda xt, h, x: h * pt.sum(x) * 0.1 + pt.cos(xt), sequences=x, outputs_info=h0,
                         non_sequences=x, return_updates=False, checkpoint=2)
        return h
    verify_grad(fn, [RNG.uniform(-1, 1, s) for s in [(5, 2), (2,)]], rng=np.random.default_rng(2), mode="py")


@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
def test_checkpointed_n_steps_integer_state_and_inside_a_scan(mode):
    """n_steps without sequences, an integer state beside the float one, and
    the checkpointed scan as the step of an outer scan."""
    n, w, h0 = pt.lscalar("n"), pt.dscalar("w"), pt.dscalar("h0")

    def inner(h0, w, checkpoint):
        h, count = scanjit.scan(lambda h, c: [pt.sin(h * w) + 0.5, c + 1], outputs_info=[h0, np.int64(0)],
                                n_steps=n, return_updates=False, checkpoint=checkpoint)
        return h[-1] + pt.cast(count[-1], "float64")

    def total(checkpoint):
        outer = scanjit.scan(lambda s, w: inner(s, w, checkpoint), outputs_info=h0, non_sequences=w, n_steps=2,
                             return_updates=False)
        return grad(outer[-1], [w, h0])

    f = scanjit.function([n, w, h0], total(False) + total(True), mode=mode)
    for steps in (0, 1, 5):
        got = f(steps, 1.3, 0.2)
        np.testing.assert_allclose(got[2:], got[:2], rtol=1e-12)
        assert (got[0] != 0) == (steps > 0)


def test_checkpoint_argument_errors():
    x = pt.dvector("x")
    with pytest.raises(ValueError, match="checkpoint must be True, False or a positive segment length"):
        scanjit.scan(lambda xt: xt * 2, sequences=x, checkpoint=0, return_updates=False)
    with pytest.raises(NotImplementedError, match="checkpoint"):
        scanjit.scan(lambda a, b: a + b, sequences={"input": x, "taps": [0, 1]}, checkpoint=True, return_updates=False)
    with pytest.raises(NotImplementedError, match="until"):
        scanjit.scan(lambda xt: (xt * 2, scanjit.until(xt > 1)), sequences=x, checkpoint=True,
                     return_updates=False)


@needs_pytensor
def test_checkpointed_gradient_as_pytensor():
    def rnn(lib, m, **kw):
        x, h0, W = m.dmatrix("x"), m.dvector("h0"), m.dmatrix("W")
        h = lib.scan(lambda xt, h, W: m.tanh(m.dot(h, W) + xt), sequences=x, outputs_info=h0, non_sequences=W,
                     return_updates=False, **kw)
        return [x, h0, W], [h, *lib.grad(m.sum(h[-1] ** 2), [x, h0, W])]

    values = [RNG.normal(size=(11, 3)), RNG.normal(size=3), RNG.normal(size=(3, 3)) * 0.5]
    expected = pytensor.function(*rnn(pytensor, ptt))(*values)
    for got, e in zip(scanjit.function(*rnn(scanjit, pt, checkpoint=True))(*values), expected):
        np.testing.assert_allclose(got, e, rtol=1e-10, atol=1e-13)
