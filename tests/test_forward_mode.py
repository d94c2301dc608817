"""Forward mode, `pushforward(..., use_op_pushforward=True)` (each Op's
R_op; scanjit/tensor/forward.py, scanjit/scan/forward.py): against central
finite differences, the two-pullback pushforward, and PyTensor's forward
mode on the same programs, compiled and in mode="py"."""

import inspect

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.graph import toposort
from scanjit.gradient import DisconnectedInputError, pushforward
from scanjit.ifelse import ifelse
from scanjit.raise_op import Assert
from scanjit.scan.op import ScanOp
from scanjit.scan.utils import until
from scanjit.tensor.elemwise import SCALARS
from scanjit.tensor.random.utils import RandomStream

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
    from pytensor.gradient import pushforward as pytensor_pushforward
    from pytensor.ifelse import ifelse as pytensor_ifelse
except ImportError:
    pytensor = ptt = None

MODES = pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
RNG = np.random.default_rng(7)


def _check(inputs, out, values, mode, direct_pytensor=None, fd=True):
    """The forward-mode tangent of `out` along random tangents of the float
    `inputs` against the two-pullback one, central differences (float64) and,
    given the program built on PyTensor, PyTensor's forward mode."""
    wrt = [x for x in inputs if x.dtype.startswith("float")]
    tangents = [x.type() for x in wrt]
    t_values = [RNG.normal(size=np.shape(v)) for x, v in zip(inputs, values) if x in wrt]
    direct = pushforward(out, wrt, tangents, use_op_pushforward=True)
    twice = pushforward(out, wrt, tangents, disconnected_outputs="ignore")
    got, want = scanjit.function([*inputs, *tangents], [direct, twice], mode=mode,
                                 on_unused_input="ignore")(*values, *t_values)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    if fd:
        f = scanjit.function(inputs, out, mode=mode, on_unused_input="ignore")
        eps = 1e-6

        def moved(sign):
            t = iter(t_values)
            return [v + sign * eps * next(t) if x in wrt else v for x, v in zip(inputs, values)]
        np.testing.assert_allclose(got, (f(*moved(1)) - f(*moved(-1))) / (2 * eps), rtol=1e-5, atol=1e-7)
    if direct_pytensor is not None and pytensor is not None:
        p_inputs, p_out = direct_pytensor
        p_wrt = [x for x in p_inputs if x.dtype.startswith("float")]
        p_tangents = [x.type() for x in p_wrt]
        p_direct = pytensor_pushforward(p_out, p_wrt, p_tangents, use_op_pushforward=True)
        theirs = pytensor.function([*p_inputs, *p_tangents], p_direct, on_unused_input="ignore")(*values, *t_values)
        np.testing.assert_allclose(got, theirs, rtol=1e-9, atol=1e-12)
    return got


# an integer order; no second derivatives in a (and b); a boolean condition
TESTED_ELSEWHERE = ("polygamma", "gammainc_der", "betainc_der_a", "betainc_der_b", "switch")


def _differentiable(name: str) -> bool:
    scalar = SCALARS[name]
    return scalar.grad is not None and not name.startswith("cast_") and name not in TESTED_ELSEWHERE


def _arity(name: str) -> int:
    parameters = inspect.signature(SCALARS[name].grad).parameters
    return 1 if any(p.kind == p.VAR_POSITIONAL for p in parameters.values()) else len(parameters) - 2


@pytest.mark.parametrize("name", [n for n in SCALARS if _differentiable(n)])
def test_every_scalar_function(name):
    """The tangent from the scalar's gradient rule, with broadcasting (a
    row against a matrix)."""
    n = _arity(name) if SCALARS[name].grad.__name__ != "_zero" else 2 if name == "int_div" else 1
    inputs = [pt.dmatrix("a"), *[pt.drow(f"b{i}") for i in range(n - 1)]]
    low = {"arccosh": 1.5, "log1mexp": -0.9}.get(name, 0.2)
    values = [RNG.uniform(low, low + 0.6, size=(3, 4)), *[RNG.uniform(low, low + 0.6, size=(1, 4))] * (n - 1)]
    if name == "clip":
        values[1:] = [np.full((1, 4), 0.3), np.full((1, 4), 0.6)]
    out = pt.elemwise.Elemwise(name)(*inputs)
    _check(inputs, out, values, None, fd=SCALARS[name].grad.__name__ != "_zero")


def _programs(m, sc, ife):
    """name -> (inputs, output, values) built on the module `m` (scanjit.tensor
    or pytensor.tensor), its scan `sc` and ifelse `ife`."""
    x, W, v, c = m.dvector("x"), m.dmatrix("W"), m.dvector("v"), m.dscalar("c")
    i = m.lscalar("i")
    xs, Ws, vs = RNG.normal(size=4), RNG.normal(size=(4, 4)) * 0.5, RNG.normal(size=4)
    idx = m.lvector("idx")
    return {
        "dot_matmul": ([x, W], m.dot(W, x) + m.matmul(W, W).sum(axis=0), [xs, Ws]),
        "sum_prod_max_min": ([W], W.sum(axis=0) + W.prod(axis=1) + W.max(axis=0) + W.min(axis=1), [Ws]),
        "indexing": ([x, W, i], W[i, 1:] * x[:3] + W[:, 0][::-1][1:], [xs, Ws, np.int64(2)]),
        "set_inc_subtensor": ([x, v], m.set_subtensor(x[1:3], v[:2] * 2) + m.inc_subtensor(x[0], v[3]),
                              [xs, vs]),
        "advanced": ([x, W, idx], W[idx].sum(axis=0) + m.inc_subtensor(x[idx], x[:3]), [xs, Ws, np.array([2, 0, 2])]),
        "shape_ops": ([x, W], m.concatenate([x.reshape((2, 2)), W[:2, :2].T]).flatten()
                      + m.stack([x, x * 2]).sum(axis=0)[m.arange(8) % 4] + m.alloc(x[0], 8), [xs, Ws]),
        "cast_switch": ([x, v], m.switch(x > 0, m.cast(m.cast(x, "float32") * 3, "float64"), v ** 2), [xs, vs]),
        "ifelse": ([x, v, c], ife(c > 0, m.exp(x) * v, v / 2), [xs, vs, np.float64(1.0)]),
    }


@MODES
@pytest.mark.parametrize("name", ["dot_matmul", "sum_prod_max_min", "indexing", "set_inc_subtensor",
                                  "advanced", "shape_ops", "cast_switch", "ifelse"])
def test_ops(name, mode):
    inputs, out, values = _programs(pt, scanjit.scan, ifelse)[name]
    theirs = None
    if pytensor is not None and name not in ("sum_prod_max_min", "dot_matmul"):  # PyTensor: no R_op for prod, matmul
        p_inputs, p_out, _ = _programs(ptt, pytensor.scan, pytensor_ifelse)[name]
        theirs = (p_inputs, p_out)
    _check(inputs, out, values, mode, theirs, fd=name != "cast_switch")  # float32 is too coarse for fd


def _scans(m, sc):
    """Scan programs built on `m` and its scan `sc`."""
    x, W, h0, w = m.dmatrix("x"), m.dmatrix("W"), m.dvector("h0"), m.dscalar("w")
    s, xs = m.dvector("s"), RNG.normal(size=(6, 3))
    Ws, h0s = RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=3)

    def rnn(xt, h, W):
        return m.tanh(m.dot(W, h) + xt)

    def nested(xt, h, w):
        inner = sc(lambda a, g: g * m.sin(a) + w, sequences=[xt], outputs_info=[h[0]], return_updates=False)
        return h * w + inner[-1]

    return {
        "rnn": ([x, W, h0], sc(rnn, sequences=[x], outputs_info=[h0], non_sequences=[W], return_updates=False),
                [xs, Ws, h0s]),
        "taps": ([s, w], sc(lambda a, b, h2, h1, w: h1 * w + m.sin(h2) * a - b,
                            sequences=[{"input": s, "taps": [0, 2]}],
                            outputs_info=[{"initial": s[:2], "taps": [-2, -1]}], non_sequences=[w],
                            return_updates=False), [RNG.normal(size=7), np.float64(0.7)]),
        "per_step_and_final": ([x, h0], sc(lambda xt, h: [h * m.cos(xt), (h * xt).sum()], sequences=[x],
                                           outputs_info=[h0, None], return_updates=False)[0][-1], [xs, h0s]),
        "go_backwards": ([x, W, h0], sc(rnn, sequences=[x], outputs_info=[h0], non_sequences=[W],
                                        go_backwards=True, return_updates=False), [xs, Ws, h0s]),
        "nested": ([x, h0, w], sc(nested, sequences=[x], outputs_info=[h0], non_sequences=[w],
                                  return_updates=False), [xs, h0s, np.float64(0.9)]),
        "closure": ([x, w], sc(lambda xt: m.exp(xt * w), sequences=[x], return_updates=False), [xs, np.float64(0.3)]),
    }


@MODES
@pytest.mark.parametrize("name", ["rnn", "taps", "per_step_and_final", "go_backwards", "nested", "closure"])
def test_scans_are_one_forward_loop(name, mode):
    inputs, out, values = _scans(pt, scanjit.scan)[name]
    theirs = None
    if pytensor is not None and name != "nested":  # PyTensor's scan R_op fails on a nested scan's
        p_inputs, p_out, _ = _scans(ptt, pytensor.scan)[name]
        theirs = (p_inputs, p_out)
    _check(inputs, out, values, mode, theirs)
    direct = pushforward(out, inputs[0], inputs[0].type(), use_op_pushforward=True)
    assert sum(isinstance(n.op, ScanOp) for n in toposort([direct])) == 1  # no backward loop


@MODES
def test_until(mode):
    x, w = pt.dvector("x"), pt.dscalar("w")
    out = scanjit.scan(lambda xt, h, w: (h * w + xt, until(h > 3)), sequences=[x],
                       outputs_info=[np.float64(0.5)], non_sequences=[w], return_updates=False)
    got = _check([x, w], out, [np.arange(8.0), np.float64(1.1)], mode)
    assert got.shape[0] < 8


def test_inside_a_scan_step():
    """A pushforward built in a step: the step's tangent of tanh(h W)."""
    x, W, v = pt.dmatrix("x"), pt.dmatrix("W"), pt.dvector("v")

    def step(xt, W, v):
        return pushforward(pt.tanh(pt.dot(xt, W)), xt, v, use_op_pushforward=True)

    out = scanjit.scan(step, sequences=[x], non_sequences=[W, v], return_updates=False)
    xs, Ws, vs = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 3)), RNG.normal(size=3)
    want = (1 - np.tanh(xs @ Ws) ** 2) * (vs @ Ws)
    for mode in (None, "py"):
        np.testing.assert_allclose(scanjit.function([x, W, v], out, mode=mode)(xs, Ws, vs), want, rtol=1e-12)


def _linalg(m, name):
    """(inputs, output) of the linalg function `name` built on `m`."""
    A, v = m.dmatrix("A"), m.dvector("v")
    return {
        "matrix_dot": ([A], m.linalg.matrix_dot(A, A.T, A)),
        "vector_norm_4": ([v], m.linalg.norm(v, 4)),  # 1/4: exact in float32, as PyTensor makes it
        "norm_rows": ([A], m.linalg.norm(A, 2, axis=1)),
        "diag": ([v], m.diag(v * v)),
        "fro_norm": ([A], m.linalg.norm(A)),
        "norm_1_inf": ([A], m.linalg.norm(A, 1) + m.linalg.norm(A, np.inf)),
        "trace_diagonal": ([A], m.trace(A) + m.diagonal(A, 1).sum()),
    }[name]


@MODES
@pytest.mark.parametrize("name", ["matrix_dot", "vector_norm_4", "norm_rows", "diag", "fro_norm", "norm_1_inf",
                                  "trace_diagonal"])
def test_linalg(name, mode):
    """pt.linalg composes from ops with an R_op; PyTensor has a rule for the
    first four (for the others it raises NotImplementedError: no R_op for
    Matmul, ExtractDiag, max of a vector)."""
    inputs, out = _linalg(pt, name)
    values = [RNG.normal(size=(3, 3) if x.ndim == 2 else 3) for x in inputs]
    theirs = _linalg(ptt, name) if pytensor is not None and name in ("matrix_dot", "vector_norm_4", "norm_rows",
                                                                      "diag") else None
    _check(inputs, out, values, mode, theirs)


@MODES
def test_random_draws_are_disconnected(mode):
    """As PyTensor's: a draw's tangent is disconnected from its parameters,
    so an output reached only through draws raises DisconnectedInputError
    (or gets zeros, None), and one reached otherwise too gets the rest."""
    mu, x = pt.dscalar("mu"), pt.dvector("x")
    draw = pt.random.normal(mu, 1.0, rng=scanjit.shared(np.random.default_rng(0)), size=3)
    for out in (draw, pt.exp(draw).sum(), draw[0]):
        with pytest.raises(DisconnectedInputError):
            pushforward(out, mu, mu.type(), use_op_pushforward=True)
    assert pushforward(draw, mu, mu.type(), "ignore", "none", use_op_pushforward=True) is None
    vm, vx = mu.type(), x.type()
    outs = [pushforward(out, [mu, x], [vm, vx], "ignore", use_op_pushforward=True)
            for out in (draw, draw * x + mu ** 2, draw * 2)]
    got = scanjit.function([mu, x, vm, vx], [draw, *outs], mode=mode, on_unused_input="ignore")(
        0.5, np.arange(3.0), 2.0, np.ones(3))
    np.testing.assert_allclose(got[1:], [np.zeros(3), got[0] + 2.0, np.zeros(3)])
    if pytensor is not None:
        p_mu, p_x = ptt.dscalar("mu"), ptt.dvector("x")
        p_draw = ptt.random.normal(p_mu, 1.0, rng=pytensor.shared(np.random.default_rng(0)), size=3)
        with pytest.raises(pytensor.gradient.DisconnectedInputError):
            pytensor_pushforward(ptt.exp(p_draw).sum(), p_mu, p_mu.type(), use_op_pushforward=True)


def test_ops_without_r_op_raise_naming_them():
    """As PyTensor's, which has no R_op for cumprod or Assert (scanjit's
    cumsum has one: it is linear)."""
    x = pt.dvector("x")
    with pytest.raises(NotImplementedError, match="CumOp.*use_op_pushforward=False"):
        pushforward(pt.cumprod(x), x, x.type(), use_op_pushforward=True)
    with pytest.raises(NotImplementedError, match="CumOp"), pytest.warns(FutureWarning):
        scanjit.Rop(pt.cumprod(x), x, x.type(), use_op_rop_implementation=True)
    with pytest.raises(NotImplementedError, match="Assert"):
        pushforward(Assert("positive")(x, x.sum() > 0), x, x.type(), use_op_pushforward=True)
    if pytensor is not None:
        p_x = ptt.dvector("x")
        for p_out in (ptt.cumprod(p_x), pytensor.raise_op.Assert("positive")(p_x, p_x.sum() > 0)):
            with pytest.raises(NotImplementedError):
                pytensor_pushforward(p_out, p_x, p_x.type(), use_op_pushforward=True)


@MODES
def test_until_with_draws(mode):
    """A scan with until whose step draws: the tangent scan reads the
    forward's draws and runs the steps it took; as the two-pullback one."""
    srng = RandomStream(seed=5)
    x, w = pt.dvector("x"), pt.dscalar("w")
    out, updates = scanjit.scan(lambda xt, h, w: (pt.tanh(h * w + xt + srng.normal(0, 1)), until(xt > 2.5)),
                                sequences=[x], outputs_info=[np.float64(0.5)], non_sequences=[w])
    vx, vw = x.type(), w.type()
    direct = pushforward(out, [x, w], [vx, vw], use_op_pushforward=True)
    twice = pushforward(out, [x, w], [vx, vw])
    f = scanjit.function([x, w, vx, vw], [out, direct, twice], updates=updates, mode=mode)
    h, got, want = f(np.arange(6.0), 0.8, RNG.normal(size=6), 0.3)
    assert h.shape == got.shape == (4,) and np.abs(got).max() > 0.01
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
