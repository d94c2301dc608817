"""The gradient audit: every op with a gradient is checked by finite
differences (verify_grad, float64) in some case, found from the op tables
themselves: every row of SCALARS with a gradient and every Op class with one
must appear in the graph of a case here or in the tables of tests/test_grad.py,
tests/test_grad_scan.py, tests/test_incomplete_gamma.py and _beta.py, so a
new op without a gradient test fails. This file adds what those tables lack:
casts (integer and bool results give zeros, as PyTensor), ifelse,
switch/where, all/any, assert_op, tensordot and psi inside a scan step, and
random draws (no gradient for their parameters: NullTypeGradError, as
PyTensor)."""

import functools
import importlib

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
import scanjit.tensor.random  # noqa: F401  (its Ops are among those audited)
from scanjit.dtypes import DTYPES
from scanjit.gradient import NullTypeGradError, grad, verify_grad
from scanjit.graph import Op, toposort
from scanjit.ifelse import IfElse
from scanjit.raise_op import assert_op
from scanjit.tensor.elemwise import SCALARS, Elemwise
from scanjit.tensor.factorized import SolveBase
from scanjit.tensor.gradient import GradientBarrier
from scanjit.tensor.random.op import RandomVariable

import test_grad
import test_grad_scan
import test_incomplete_beta
import test_incomplete_gamma

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.raise_op
    import pytensor.tensor as ptt
    from pytensor.ifelse import ifelse as pytensor_ifelse
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")


def _lib(m):
    return scanjit if m is pt else pytensor


def _ifelse(m, *args):
    return (scanjit.ifelse if m is pt else pytensor_ifelse)(*args)


def _assert(m, x, condition):
    return (assert_op if m is pt else pytensor.raise_op.assert_op)(x, condition)


def _qr(m, x):
    """PyTensor's `pt.linalg.qr` becomes its module linalg/qr.py once that is imported: its function."""
    qr = m.linalg.qr if m is pt else importlib.import_module("pytensor.tensor.linalg.decomposition.qr").qr
    return qr(x, mode="economic")


def _scan(m, step, x, h0):
    return _lib(m).scan(step, sequences=x, outputs_info=h0, return_updates=False)


# name -> (function of scanjit.tensor or pytensor.tensor and float64 inputs, their shapes)
EXTRA = {
    **{f"cast_{d}": (lambda m, x, d=d: m.cast(m.cast(x * 3, d), "float64") * x, [(2, 3)])
       for d in DTYPES if d not in ("float64", "float32")},
    "cast_float32_float64": (lambda m, x: m.cast(m.cast(x, "float32"), "float64") * 3, [(2, 3)]),
    "ifelse": (lambda m, x, y: _ifelse(m, m.gt(x[0], y[0]), x * 2, m.sin(y)), [(3,), (3,)]),
    "ifelse_lists": (lambda m, x, y: m.prod(m.stack(_ifelse(m, m.lt(m.sum(x), 0), [x ** 2, x[0] * y],
                                                             [m.exp(y), y[1] * x]))), [(3,), (3,)]),
    "where": (lambda m, x, y: m.where(m.gt(x, 0), x ** 2, m.sin(y)), [(2, 3), (3,)]),
    "switch_constant": (lambda m, x: m.switch(m.lt(x, 0.3), 0.5, m.exp(x)), [(4,)]),
    "round_half_away": (lambda m, x: m.round(x * 3, mode="half_away_from_zero") * x, [(4,)]),
    "fill": (lambda m, x, y: m.fill(x, y) * x, [(2, 3), (3,)]),
    "all_any": (lambda m, x: (m.cast(m.all(m.gt(x, -3), axis=0), "float64")
                              + m.cast(m.any(m.gt(x, 0)), "float64")) * m.sum(x, axis=0), [(2, 3)]),
    "assert_op": (lambda m, x: _assert(m, x, m.all(m.gt(x, -5))) ** 2, [(3,)]),
    "tensordot_in_scan": (lambda m, x, h0: _scan(m, lambda xt, h: m.tanh(m.tensordot(xt, m.outer(h, h), 2) + h),
                                                   x, h0), [(4, 2, 2), (2,)]),
    "psi_in_scan": (lambda m, x, h0: _scan(m, lambda xt, h: h * m.psi(xt * xt + 1) + xt, x, h0), [(4, 2), (2,)]),
    "inv": (lambda m, x: m.linalg.inv(x + 3 * m.eye(3)), [(3, 3)]),
    "det": (lambda m, x: m.linalg.det(x + 3 * m.eye(3)), [(3, 3)]),
    "solve": (lambda m, x, b: m.linalg.solve(x + 3 * m.eye(3), b), [(3, 3), (3, 2)]),
    "cholesky": (lambda m, x: m.linalg.cholesky(m.dot(x, x.T) + m.eye(3)), [(3, 3)]),
    "eigh": (lambda m, x: (lambda w, v: m.sum(w * w) + m.sum(v * v * x))(*m.linalg.eigh(x + x.T)), [(3, 3)]),
    "svd": (lambda m, x: (lambda u, s, vt: m.sum(s * s) + m.sum(u * u * x[:, :3]))(
        *m.linalg.svd(x, full_matrices=False)), [(4, 3)]),
    "pinv": (lambda m, x: m.linalg.pinv(x), [(4, 3)]),
    "lu_factor": (lambda m, x: m.linalg.lu_factor(x + 3 * m.eye(3))[0], [(3, 3)]),
    # static lengths: PyTensor's qr gradient of unknown ones raises TypeError (docs/reliability.md)
    "qr": (lambda m, x: (lambda q, r: m.sum(q * x) + m.sum(r * r))(*_qr(m, m.specify_shape(x, (4, 3)))), [(4, 3)]),
    "solve_triangular": (lambda m, x, b: m.linalg.solve_triangular(x + 3 * m.eye(3), b, lower=True),
                         [(3, 3), (3,)]),
    "solve_in_scan": (lambda m, x, h0: _scan(m, lambda xt, h: m.linalg.solve(xt + 3 * m.eye(2), h), x, h0),
                      [(4, 2, 2), (2,)]),
    "sort_argsort": (lambda m, x: m.sort(x, axis=0) * m.cast(m.argsort(x, axis=1), "float64") + m.median(x),
                     [(3, 4)]),
    "median_in_scan": (lambda m, x, h0: _scan(m, lambda xt, h: m.median(xt * h) + h, x, h0), [(4, 3), (3,)]),
}


def _points(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.0, 1.0, s) for s in shapes]


@pytest.mark.parametrize("name", EXTRA)
def test_verify_grad(name):
    fn, shapes = EXTRA[name]
    rounded = "float32" in name  # through float32: its steps and tolerances
    verify_grad(lambda *xs: fn(pt, *xs), _points(shapes, 1), rng=np.random.default_rng(2), mode="py",
                eps=1e-3 if rounded else None, abs_tol=1e-3 if rounded else None)


SPECIAL = {**test_incomplete_gamma.GRADIENTS, **test_incomplete_beta.GRADIENTS}


@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
@pytest.mark.parametrize("name", SPECIAL)
def test_verify_grad_of_special_functions(name, mode):
    """The incomplete gamma and beta functions' cases, at their own points."""
    fn, points = SPECIAL[name]
    verify_grad(fn, points, rng=np.random.default_rng(3), mode=mode)


def test_verify_grad_compiled():
    """A sample compiled: the branches of an ifelse, the scan steps."""
    for name in ("ifelse", "ifelse_lists", "psi_in_scan", "tensordot_in_scan", "cast_int8"):
        fn, shapes = EXTRA[name]
        verify_grad(lambda *xs: fn(pt, *xs), _points(shapes, 3), rng=np.random.default_rng(4))


def _cases_of(m) -> tuple[list, list, list]:
    """(inputs, the gradients of every case, points) built with `m`."""
    ins, outs, points = [], [], []
    for name, (fn, shapes) in EXTRA.items():
        xs = [m.tensor(f"{name}{k}", dtype="float64", shape=(None,) * len(s)) for k, s in enumerate(shapes)]
        out = fn(m, *xs)
        ins += xs
        outs += _lib(m).grad(m.sum(out * m.cos(out)), xs)
        points += _points(shapes, 5)
    return ins, outs, points


@functools.cache
def _pytensor_grads() -> tuple:
    """PyTensor's gradients of every case (FAST_RUN, numba: FAST_COMPILE computes
    psi in scan steps by C code off by 1e-9), and the names of its inputs."""
    ins, outs, points = _cases_of(ptt)
    return pytensor.function(ins, outs, mode="FAST_RUN")(*points), [x.name for x in ins]


@needs_pytensor
@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
def test_grads_match_pytensor(mode):
    """Every case's gradients in one function, as PyTensor's."""
    ins, outs, points = _cases_of(pt)
    got = scanjit.function(ins, outs, mode=mode)(*points)
    expected, names = _pytensor_grads()
    for g, e, name in zip(got, expected, names):
        # as tests/test_grad.py: through a downcast, PyTensor's gradient of a float64 input is float32
        assert g.dtype == "float64" and g.shape == e.shape, name
        np.testing.assert_allclose(g, e, rtol=1e-10 if e.dtype == "float64" else 1e-6, atol=1e-12, err_msg=name)


def test_ifelse_branch_not_taken_gets_zeros():
    c, x, y = pt.lscalar("c"), pt.dvector("x"), pt.dvector("y")
    gx, gy, gc = grad(pt.sum(scanjit.ifelse(c, x * 2, y ** 2)), [x, y, c])
    for mode in (None, "py"):
        f = scanjit.function([c, x, y], [gx, gy, gc], mode=mode)
        for taken, (want_x, want_y) in ((1, ([2.0, 2.0], [0.0, 0.0, 0.0])), (0, ([0.0, 0.0], [6.0, 8.0, 10.0]))):
            got = f(taken, [1.0, 2.0], [3.0, 4.0, 5.0])
            np.testing.assert_array_equal(got[0], want_x)
            np.testing.assert_array_equal(got[1], want_y)
            assert got[2] == 0 and got[2].dtype == "float64"


def _draw(rng, mu):
    return pt.random.normal(mu, 1.0, size=(3,), rng=rng)


def test_random_draws_have_no_gradient_for_their_parameters():
    """As PyTensor: NullTypeGradError for a parameter; the draw is a
    constant for the other variables (compiled, the gradient is the draw)."""
    mu, x = pt.dscalar("mu"), pt.dvector("x")
    rng = scanjit.shared(np.random.default_rng(0))
    d = _draw(rng, mu)
    with pytest.raises(NullTypeGradError, match="No gradient defined for random variables"):
        grad(pt.sum(d * x), [mu, x])
    value, gx = scanjit.function([mu, x], [d, grad(pt.sum(d * x), x)])(1.0, np.ones(3))
    np.testing.assert_array_equal(gx, value)
    if pytensor is not None:
        ref_rng = pytensor.shared(np.random.default_rng(0))
        ref_mu, ref_x = ptt.dscalar("mu"), ptt.dvector("x")
        ref = ptt.random.normal(ref_mu, 1.0, size=(3,), rng=ref_rng)
        with pytest.raises(pytensor.gradient.NullTypeGradError):
            pytensor.grad(ptt.sum(ref * ref_x), [ref_mu, ref_x])


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _case_graphs():
    """The outputs of every verify_grad case's graph, built with scanjit.tensor."""
    def inputs(shapes):
        return [pt.tensor(dtype="float64", shape=(None,) * len(s)) for s in shapes]
    for fn, shapes in EXTRA.values():
        yield fn(pt, *inputs(shapes))
    for table, arity in ((test_grad.UNARY, 1), (test_grad.BINARY, 2), (test_grad.TERNARY, 3)):
        for fn, _ in table.values():
            yield fn(pt, *inputs([(3,)] * arity))
    for fn, shape in test_grad.OPS.values():
        yield fn(pt, *inputs([shape]))
    for fn, shape_a, shape_b in test_grad.PRODUCTS.values():
        yield fn(pt, *inputs([shape_a, shape_b]))
    for fn, shapes in test_grad_scan.FORMS.values():
        yield fn(*inputs(shapes))
    for fn, points in SPECIAL.values():
        yield fn(*inputs([p.shape for p in points]))


TESTED_ELSEWHERE = {  # Ops with a gradient whose tests are not verify_grad cases
    GradientBarrier: "tests/test_grad.py::test_consider_constant_known_grads_and_barriers",
    RandomVariable: "test_random_draws_have_no_gradient_for_their_parameters",
    SolveBase: "an abstract base: Solve's and SolveTriangular's cases are EXTRA's solve and solve_triangular",
}


def test_every_gradient_has_a_verify_grad_case():
    ops, scalars = set(), set()
    for out in _case_graphs():
        for node in toposort([out]):
            ops.add(type(node.op))
            if isinstance(node.op, Elemwise):
                scalars.add(node.op.scalar_op)
    with_gradient = {name for name, s in SCALARS.items() if s.grad is not None}
    assert with_gradient - scalars == set(), "add a gradient test (test_grad.py's UNARY, BINARY, ...)"
    differentiable = {cls for cls in _subclasses(Op) if cls.grad is not Op.grad or cls.L_op is not Op.L_op}
    untested = {cls for cls in differentiable - ops
                if not any(issubclass(cls, done) for done in TESTED_ELSEWHERE)}
    assert untested == set(), "add a gradient test (EXTRA, or test_grad.py's OPS)"
    assert IfElse in ops
