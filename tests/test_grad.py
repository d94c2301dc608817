"""Gradients (scanjit.grad, scanjit/tensor/gradient.py): each differentiable
op's gradient checked by finite differences (verify_grad, float64, by the
reference interpreter and compiled) and against PyTensor's on the same
programs; the grad API's semantics (disconnected inputs, integers, dtypes,
known_grads, consider_constant, zero_grad)."""

import warnings

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.gradient import (
    DisconnectedInputError, GradientError, disconnected_grad, grad, hessian, jacobian, verify_grad, zero_grad,
)
from scanjit.graph import toposort

try:  # a second oracle where it is installed
    import pytensor
    import pytensor.tensor as ptt
except ImportError:
    pytensor = ptt = None
needs_pytensor = pytest.mark.skipif(pytensor is None, reason="PyTensor is not installed")

RNG = np.random.default_rng(17)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


def anywhere(*shape):
    return RNG.uniform(-2.0, 2.0, shape)


def unit(*shape):
    return RNG.uniform(-0.9, 0.9, shape)


# name -> (function of scanjit.tensor or pytensor.tensor, sampler of its inputs' values, arity)
UNARY = {
    "neg": (lambda m, x: -x, anywhere), "abs": (lambda m, x: m.abs(x), anywhere),
    "exp": (lambda m, x: m.exp(x), anywhere), "log": (lambda m, x: m.log(x), positive),
    "tanh": (lambda m, x: m.tanh(x), anywhere), "sqrt": (lambda m, x: m.sqrt(x), positive),
    "sin": (lambda m, x: m.sin(x), anywhere), "cos": (lambda m, x: m.cos(x), anywhere),
    "square": (lambda m, x: m.sqr(x), anywhere), "reciprocal": (lambda m, x: m.reciprocal(x), positive),
    "sigmoid": (lambda m, x: m.sigmoid(x), anywhere), "softplus": (lambda m, x: m.softplus(x), anywhere),
    "log1p": (lambda m, x: m.log1p(x), positive), "expm1": (lambda m, x: m.expm1(x), anywhere),
    "log1mexp": (lambda m, x: m.log1mexp(x), lambda *s: -positive(*s)),
    "erf": (lambda m, x: m.erf(x), anywhere), "erfc": (lambda m, x: m.erfc(x), anywhere),
    "erfinv": (lambda m, x: m.erfinv(x), unit), "gammaln": (lambda m, x: m.gammaln(x), positive),
    "gamma": (lambda m, x: m.gamma(x), positive), "erfcx": (lambda m, x: m.erfcx(x), anywhere),
    "erfcinv": (lambda m, x: m.erfcinv(x + 1), unit),
    "i0": (lambda m, x: m.i0(x), anywhere), "i1": (lambda m, x: m.i1(x), anywhere),
    "j0": (lambda m, x: m.j0(x), anywhere), "j1": (lambda m, x: m.j1(x), anywhere),
    "psi": (lambda m, x: m.psi(x), positive), "tri_gamma": (lambda m, x: m.tri_gamma(x), positive),
    "polygamma": (lambda m, x: m.polygamma(3, x), positive),
    "floor": (lambda m, x: m.floor(x), anywhere), "ceil": (lambda m, x: m.ceil(x), anywhere),
    "trunc": (lambda m, x: m.trunc(x), anywhere), "round": (lambda m, x: m.round(x), anywhere),
    "sign": (lambda m, x: m.sign(x), anywhere), "cast_float32": (lambda m, x: m.cast(x, "float32"), anywhere),
    "tan": (lambda m, x: m.tan(x), unit), "sinh": (lambda m, x: m.sinh(x), anywhere),
    "cosh": (lambda m, x: m.cosh(x), anywhere), "arcsin": (lambda m, x: m.arcsin(x), unit),
    "arccos": (lambda m, x: m.arccos(x), unit), "arctan": (lambda m, x: m.arctan(x), anywhere),
    "arcsinh": (lambda m, x: m.arcsinh(x), anywhere), "arccosh": (lambda m, x: m.arccosh(x + 1.5), positive),
    "arctanh": (lambda m, x: m.arctanh(x), unit), "exp2": (lambda m, x: m.exp2(x), anywhere),
    "log2": (lambda m, x: m.log2(x), positive), "log10": (lambda m, x: m.log10(x), positive),
}
BINARY = {
    "add": (lambda m, x, y: x + y, anywhere), "sub": (lambda m, x, y: x - y, anywhere),
    "mul": (lambda m, x, y: x * y, anywhere), "true_div": (lambda m, x, y: x / y, positive),
    "pow": (lambda m, x, y: x ** y, positive), "maximum": (lambda m, x, y: m.maximum(x, y), anywhere),
    "minimum": (lambda m, x, y: m.minimum(x, y), anywhere), "mod": (lambda m, x, y: x % y, positive),
    "int_div": (lambda m, x, y: x // y, positive), "logaddexp": (lambda m, x, y: m.logaddexp(x, y), anywhere),
    "arctan2": (lambda m, x, y: m.arctan2(x, y), positive),
    "xlogy": (lambda m, x, y: m.special.xlogy(x, y), positive),
    "xlog1py": (lambda m, x, y: m.special.xlog1py(x, y), positive),
}
TERNARY = {
    "clip": (lambda m, x, lo, hi: m.clip(x * 2 - 1.5, lo - 1.5, hi + 0.5), positive),
    "switch": (lambda m, c, a, b: m.switch(m.gt(c, 1.2), a, b), positive),
}


def _cases():
    for table, arity in ((UNARY, 1), (BINARY, 2), (TERNARY, 3)):
        for name, (fn, sample) in table.items():
            yield pytest.param(fn, sample, arity, id=name)


def _points(sample, arity, shapes):
    return [sample(*shape) for shape in shapes[:arity]]


@pytest.mark.parametrize("fn, sample, arity", list(_cases()))
@pytest.mark.parametrize("shapes", [[(3,), (3,), (3,)], [(2, 3), (3,), (1, 3)]], ids=["vectors", "broadcast"])
def test_elemwise_verify_grad(fn, sample, arity, shapes, request):
    rounded = "float32" in request.node.name  # a float32 result: steps and tolerances of float32
    verify_grad(lambda *xs: fn(pt, *xs), _points(sample, arity, shapes), rng=np.random.default_rng(0),
                mode="py", eps=1e-3 if rounded else None, abs_tol=1e-3 if rounded else None)


def _grads(module, fn, arity, shapes):
    """A function's gradients of sum(fn(inputs) * weights) in `module`
    (scanjit or PyTensor): (inputs, gradients)."""
    lib = scanjit if module is pt else pytensor
    xs = [module.tensor(f"x{k}", dtype="float64", shape=tuple(1 if n == 1 else None for n in s))
          for k, s in enumerate(shapes[:arity])]
    out = fn(module, *xs)
    cost = module.sum(out * np.linspace(0.5, 1.5, 6)[:out.type.shape[-1] or 3])
    return xs, lib.grad(cost, xs)


@pytest.mark.parametrize("shapes, mode", [([(3,), (3,), (3,)], None), ([(3,), (3,), (3,)], "py"),
                                          ([(2, 3), (3,), (2, 1)], "py")],
                         ids=["vectors-compiled", "vectors-reference", "broadcast-reference"])
@needs_pytensor
def test_elemwise_grads_match_pytensor(shapes, mode):
    """Every elementwise function's gradient, in one function, as PyTensor's
    (but for xlogy's and xlog1py's of broadcast inputs: PyTensor 3.0.7's raise
    "XLogY.grad returned a term with 2 dimensions, but 1 are required")."""
    ins, outs, ref_ins, ref_outs, points = [], [], [], [], []
    broadcast = shapes[0] != shapes[1]
    for fn, sample, arity in (p.values for p in _cases() if not (broadcast and p.id.startswith("xlog"))):
        xs, gs = _grads(pt, fn, arity, shapes)
        rxs, rgs = _grads(ptt, fn, arity, shapes)
        ins += xs
        outs += gs
        ref_ins += rxs
        ref_outs += rgs
        points += _points(sample, arity, shapes)
    got = scanjit.function(ins, outs, mode=mode)(*points)
    expected = pytensor.function(ref_ins, ref_outs, on_unused_input="ignore", mode="FAST_COMPILE")(*points)
    for g, e, var in zip(got, expected, outs):
        # a deliberate difference: through a downcast, PyTensor's gradient of a float64 input is float32
        assert g.dtype == "float64" and g.shape == e.shape, var
        np.testing.assert_allclose(g, e, rtol=1e-12 if e.dtype == "float64" else 1e-6, atol=1e-12)


@needs_pytensor
@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
def test_kinks_as_pytensor(mode):
    """abs at 0, maximum/minimum ties (to the first input), clip at its
    bounds, switch, and piecewise constant functions (zero)."""
    def program(m):
        x, y = m.dvector("x"), m.dvector("y")
        cost = m.sum(m.abs(x) + m.maximum(x, y) * 2 + m.minimum(y, x) * 3 + m.clip(x, -1.0, y) * 5
                     + m.switch(m.ge(x, 0), x * 7, y) + m.floor(x) + m.round(y) + m.sign(x) * y)
        return [x, y], (scanjit if m is pt else pytensor).grad(cost, [x, y])
    x = np.array([0.0, 1.0, -1.0, 2.0, -3.0])
    y = np.array([0.0, 1.0, 0.5, 2.0, -3.0])
    ins, outs = program(pt)
    rins, routs = program(ptt)
    got = scanjit.function(ins, outs, mode=mode)(x, y)
    expected = pytensor.function(rins, routs)(x, y)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("fn, sample, arity", [p for p in _cases() if p.id in ("exp", "pow", "clip", "maximum")])
def test_elemwise_verify_grad_compiled(fn, sample, arity):
    verify_grad(lambda *xs: fn(pt, *xs), _points(sample, arity, [(2, 3), (3,), (1, 3)]),
                rng=np.random.default_rng(1))


def test_verify_grad_finds_a_wrong_gradient():
    with pytest.raises(GradientError, match="numeric gradient and analytic gradient"):
        verify_grad(lambda x: zero_grad(x) * x, [anywhere(4)], rng=np.random.default_rng(2), mode="py")


def test_verify_grad_takes_only_float_points():
    with pytest.raises(TypeError, match="floating point"):
        verify_grad(pt.exp, [np.arange(3)], mode="py")


def test_disconnected_inputs():
    x, y = pt.dvector("x"), pt.dvector("y")
    cost = pt.sum(x ** 2)
    with pytest.raises(DisconnectedInputError):
        grad(cost, y)
    with pytest.raises(ValueError):  # PyTensor's DisconnectedInputError is a ValueError too
        grad(cost, [x, y])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gy = grad(cost, y, disconnected_inputs="warn")
    assert "not part of the computational graph" in str(caught[0].message)
    np.testing.assert_array_equal(gy.eval({y: np.ones(3)}), np.zeros(3))
    assert grad(cost, [x, y], disconnected_inputs="ignore", return_disconnected="none")[1] is None
    with pytest.raises(ValueError, match="disconnected_inputs"):
        grad(cost, x, disconnected_inputs="maybe")


def test_integers_get_float_zeros_as_pytensor():
    x, i, n = pt.dvector("x"), pt.lvector("i"), pt.lscalar("n")
    gi = grad(pt.sum(i * 2.5), i)
    gx = grad(pt.sum(pt.cast(x, "int64")), x)  # connected through an integer: zeros, no error
    gn = grad(pt.cast(n * 2, "float64"), n)
    f = scanjit.function([x, i, n], [gi, gx, gn])
    for got in f(np.array([1.5, 2.0]), np.array([1, 2]), 3):
        assert got.dtype == "float64" and not got.any()


def test_dtypes_and_names_as_pytensor():
    x = pt.fvector("x")
    c = pt.sum(x * 2)
    c.name = "c"
    g = grad(c, x)
    assert g.dtype == "float32" and g.name == "(dc/dx)"
    assert isinstance(grad(c, (x,)), tuple) and isinstance(grad(c, [x]), list)
    with pytest.raises(TypeError, match="Cost must be a scalar"):
        grad(x * 2, x)


def test_consider_constant_known_grads_and_barriers():
    x = pt.dvector("x")
    y = x * 3
    value = np.array([1.0, -2.0])
    assert np.allclose(grad(pt.sum(y * x), x, consider_constant=[y]).eval({x: value}), 3 * value)
    assert np.allclose(grad(pt.sum(zero_grad(y) * x), x).eval({x: value}), 3 * value)
    assert np.allclose(grad(pt.sum(disconnected_grad(y) * x), x).eval({x: value}), 3 * value)
    with pytest.raises(DisconnectedInputError):
        grad(pt.sum(disconnected_grad(x)), x)
    assert not grad(pt.sum(zero_grad(x)), x).eval({x: value}).any()
    known = grad(None, x, known_grads={y: pt.constant(np.array([1.0, 2.0]))})
    np.testing.assert_array_equal(known.eval(), [3.0, 6.0])
    f = scanjit.function([x], zero_grad(x) + disconnected_grad(x))
    np.testing.assert_array_equal(f(value), 2 * value)


def test_gradient_graph_prints_and_compiles():
    x, w = pt.dvector("x"), pt.dmatrix("w")
    cost = pt.sum(pt.tanh(pt.dot(w, x)))
    gw = grad(cost, w)
    text = scanjit.debugprint(gw, file="str")
    assert "Dot" in text and "tanh" in text
    f = scanjit.function([x, w], gw)
    xv, wv = anywhere(3), anywhere(2, 3)
    np.testing.assert_allclose(f(xv, wv), np.outer(1 - np.tanh(wv @ xv) ** 2, xv))


def test_jacobian_and_hessian():
    x = pt.dvector("x")
    value = np.array([0.5, -1.0, 2.0])
    j = jacobian(pt.exp(x) * x[0], x)
    expected = np.diag(np.exp(value) * value[0])
    expected[:, 0] += np.exp(value)
    np.testing.assert_allclose(scanjit.function([x], j)(value), expected)
    h = hessian(pt.sum(x ** 3), x)
    np.testing.assert_allclose(scanjit.function([x], h)(value), np.diag(6 * value))


@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
def test_fill_as_pytensor(mode):
    """pt.fill / pt.second (the zeros of gradients): the second input broadcast to the first's shape."""
    x, v = pt.dmatrix("x"), pt.fscalar("v")
    f = scanjit.function([x, v], [pt.fill(x, v), pt.second(x, 2)], mode=mode)
    filled, twos = f(np.zeros((2, 3)), np.float32(1.5))
    assert filled.dtype == "float32" and twos.dtype == "int8"
    np.testing.assert_array_equal(filled, np.full((2, 3), 1.5))
    np.testing.assert_array_equal(twos, np.full((2, 3), 2))


def _idx(m):
    return m.constant(np.array([2, 0, 2, 1]))


# name -> (function of one float64 input in scanjit.tensor or pytensor.tensor, its shape)
OPS = {
    "sum": (lambda m, x: m.sum(x), (2, 3)), "sum_axis": (lambda m, x: m.sum(x, axis=0), (2, 3)),
    "sum_keepdims": (lambda m, x: m.sum(x, axis=1, keepdims=True) * x, (2, 3)),
    "prod": (lambda m, x: m.prod(x, axis=1), (2, 3)), "mean": (lambda m, x: m.mean(x, axis=(0, 2)), (2, 3, 2)),
    "var": (lambda m, x: m.var(x, axis=1), (3, 4)), "std": (lambda m, x: m.std(x, keepdims=True), (3, 2)),
    "max": (lambda m, x: m.max(x, axis=1), (3, 4)), "min": (lambda m, x: m.min(x, axis=0, keepdims=True), (3, 4)),
    "max_all": (lambda m, x: m.max(x), (2, 3)),
    "logsumexp": (lambda m, x: m.logsumexp(x, axis=1), (2, 3)),
    "softmax": (lambda m, x: m.special.softmax(x, axis=-1), (2, 3)),
    "log_softmax": (lambda m, x: m.special.log_softmax(x, axis=0), (2, 3)),
    "cumsum": (lambda m, x: m.cumsum(x, axis=1), (2, 3)), "cumsum_flat": (lambda m, x: m.cumsum(x), (2, 3)),
    "cumprod": (lambda m, x: m.cumprod(x, axis=0), (3, 2)),
    "dot_mm": (lambda m, x: m.dot(x, m.constant(np.arange(6.0).reshape(3, 2))), (2, 3)),
    "dot_mv": (lambda m, x: m.dot(x, m.constant(np.arange(3.0))), (2, 3)),
    "dot_vm": (lambda m, x: m.dot(m.constant(np.arange(2.0)), x), (2, 3)),
    "dot_vv": (lambda m, x: m.dot(x, x), (3,)), "dot_self": (lambda m, x: m.dot(x, x.T), (2, 3)),
    "index": (lambda m, x: x[1], (2, 3)), "slice": (lambda m, x: x[:, 1:] * x[:, :-1], (2, 3)),
    "step": (lambda m, x: x[::-2], (5,)), "advanced": (lambda m, x: x[_idx(m)], (3, 2)),
    "advanced_2d": (lambda m, x: x[_idx(m), _idx(m) % 2], (3, 2)),
    "set": (lambda m, x: m.set_subtensor(x[1:], x[0] * 2), (3, 2)),
    "inc": (lambda m, x: m.inc_subtensor(x[:, 0], x[:, 1] ** 2), (3, 2)),
    "set_advanced": (lambda m, x: m.set_subtensor(x[_idx(m)[:2]], x[0]), (3, 2)),
    "inc_advanced": (lambda m, x: m.inc_subtensor(x[_idx(m)], m.exp(x[1])), (3, 2)),
    "reshape": (lambda m, x: m.reshape(x, (3, 2)) ** 2, (2, 3)), "flatten": (lambda m, x: m.flatten(x) ** 2, (2, 3)),
    "transpose": (lambda m, x: x.T * m.constant(np.arange(2.0)), (2, 3)),
    "dimshuffle": (lambda m, x: x.dimshuffle(1, "x", 0) ** 2, (2, 3)),
    "squeeze": (lambda m, x: m.squeeze(x) ** 2, (1, 3)), "expand_dims": (lambda m, x: m.expand_dims(x, 1) ** 2, (3,)),
    "broadcast_to": (lambda m, x: m.broadcast_to(x, (4, 3)) * m.constant(np.arange(12.0).reshape(4, 3)), (3,)),
    "alloc": (lambda m, x: m.alloc(x, 2, 2, 3) ** 2, (1, 3)),
    "concatenate": (lambda m, x: m.concatenate([x, x ** 2], axis=1), (2, 3)),
    "stack": (lambda m, x: m.stack([x, m.exp(x)], axis=1), (2, 3)), "stack_scalars": (lambda m, x: m.stack([x[0], x[1] * 2]), (2,)),
    "split": (lambda m, x: m.split(x, [1, 2], n_splits=2, axis=0)[1] ** 2, (3, 2)),
    "repeat": (lambda m, x: m.repeat(x, 2, axis=0) ** 2, (2, 3)), "tile": (lambda m, x: m.tile(x, (2, 1)) ** 2, (2, 3)),
    "specify_shape": (lambda m, x: m.specify_shape(x, (2, 3)) ** 2, (2, 3)),
}


def _op_cases():
    return [pytest.param(fn, shape, id=name) for name, (fn, shape) in OPS.items()]


@pytest.mark.parametrize("fn, shape", _op_cases())
def test_op_verify_grad(fn, shape):
    verify_grad(lambda x: fn(pt, x), [anywhere(*shape)], rng=np.random.default_rng(3), mode="py")


COMPILED = ["max", "prod", "cumprod", "dot_mm", "inc_advanced", "concatenate", "dimshuffle"]


@needs_pytensor
@pytest.mark.parametrize("mode, names", [(None, COMPILED), ("py", list(OPS))], ids=["compiled", "reference"])
def test_op_grads_match_pytensor(mode, names):
    """The ops' gradients, in one function, as PyTensor's (compiled: a
    sample of the kinds, whose compilation takes seconds each)."""
    ins, outs, ref_ins, ref_outs, points = [], [], [], [], []
    for name, (fn, shape) in ((name, OPS[name]) for name in names):
        for m, lib, xs, gs in ((pt, scanjit, ins, outs), (ptt, pytensor, ref_ins, ref_outs)):
            x = m.tensor(name, dtype="float64", shape=tuple(1 if n == 1 else None for n in shape))
            out = fn(m, x)
            xs.append(x)
            gs.append(lib.grad(m.sum(out * m.cos(out)), x))
        points.append(anywhere(*shape))
    points[names.index("max")][1, :2] = 7.0  # a tie: both positions get the gradient, as PyTensor
    got = scanjit.function(ins, outs, mode=mode)(*points)
    expected = pytensor.function(ref_ins, ref_outs, mode="FAST_COMPILE")(*points)
    for g, e, name in zip(got, expected, names):
        assert g.dtype == e.dtype and g.shape == e.shape, name
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12, err_msg=name)


@needs_pytensor
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_gradients_skip_the_max_shift(name):
    """The shift by the maximum has no gradient (its exact one cancels):
    the gradient graph has no max, compiled and reference results are
    PyTensor's, with ties and a row of equal values."""
    x, y = pt.dmatrix("x"), pt.dmatrix("y")
    g = grad((getattr(pt.special, name)(x, axis=-1) * y).sum(), x)
    assert not any(getattr(n.op, "scalar_op", None) == "eq" for n in toposort([g]))
    rx, ry = ptt.dmatrix("x"), ptt.dmatrix("y")
    expected = pytensor.function([rx, ry], pytensor.grad((getattr(ptt.special, name)(rx, axis=-1) * ry).sum(), rx))
    points = [anywhere(4, 5), anywhere(4, 5)]
    points[0][1, :2], points[0][2] = 9.0, 0.5
    for mode in (None, "py"):
        np.testing.assert_allclose(scanjit.function([x, y], g, mode=mode)(*points), expected(*points),
                                   rtol=1e-12, atol=1e-14, err_msg=str(mode))


def test_integer_inputs_of_ops_get_zeros():
    """An index is disconnected (as PyTensor); an integer reaching the cost
    through a cast, like argmax, is connected with a zero gradient."""
    x, i = pt.dvector("x"), pt.lscalar("i")
    with pytest.raises(DisconnectedInputError):
        grad(pt.sum(x[i:] * 2), [x, i])
    gx, gi = grad(pt.sum(x[i:] * 2) + pt.cast(pt.argmax(x) + i, "float64"), [x, i])
    f = scanjit.function([x, i], [gx, gi])
    np.testing.assert_array_equal(f(np.array([1.0, 3.0, 2.0]), 1)[0], [0, 2, 2])
    assert f(np.array([1.0, 3.0, 2.0]), 1)[1] == 0


# Batched and tensordot products: name -> (function of scanjit.tensor or
# pytensor.tensor, a's shape, b's shape)
PRODUCTS = {
    "dot 3-d by 2-d": (lambda m, a, b: m.dot(a, b), (4, 3, 5), (5, 2)),
    "dot 2-d by 3-d": (lambda m, a, b: m.dot(a, b), (3, 5), (2, 5, 4)),
    "matmul batched": (lambda m, a, b: m.matmul(a, b), (4, 3, 5), (4, 5, 2)),
    "matmul broadcasting b": (lambda m, a, b: m.matmul(a, b), (4, 3, 5), (5, 2)),
    "matmul broadcasting a": (lambda m, a, b: m.matmul(a, b), (3, 5), (4, 5, 2)),
    "matvec": (lambda m, a, b: m.matvec(a, b), (4, 3, 5), (4, 5)),
    "vecmat": (lambda m, a, b: m.vecmat(a, b), (4, 5), (4, 5, 2)),
    "vecdot": (lambda m, a, b: m.vecdot(a, b), (4, 5), (4, 5)),
    "tensordot over one axis": (lambda m, a, b: m.tensordot(a, b, [[1], [0]]), (4, 3, 5), (3, 2)),
    "tensordot axes=2": (lambda m, a, b: m.tensordot(a, b, 2), (2, 3, 4), (3, 4, 5)),
    "tensordot axis lists": (lambda m, a, b: m.tensordot(a, b, ([2, 0], [0, 2])), (2, 3, 4), (4, 5, 2)),
    "tensordot three axes": (lambda m, a, b: m.tensordot(a, b, ([0, 1, 2], [3, 2, 0])), (2, 3, 4, 5), (4, 5, 3, 2)),
    "tensordot to a scalar": (lambda m, a, b: m.tensordot(a, b, ([0, 1], [1, 0])), (2, 3), (3, 2)),
    "tensordot axes=0": (lambda m, a, b: m.tensordot(a, b, 0), (2, 3), (4,)),
    "tensordot axes=0 of a scalar": (lambda m, a, b: m.tensordot(a, b, 0), (), (3, 2)),
}


@pytest.mark.parametrize("mode", [None, "py"], ids=["compiled", "reference"])
@pytest.mark.parametrize("name", PRODUCTS)
def test_batched_product_grads(name, mode):
    fn, shape_a, shape_b = PRODUCTS[name]
    rng = np.random.default_rng(3)
    verify_grad(lambda a, b: fn(pt, a, b), [rng.normal(size=shape_a), rng.normal(size=shape_b)], rng=rng,
                mode=mode)


@needs_pytensor
@pytest.mark.parametrize("name", ["dot 3-d by 2-d", "matmul batched", "matmul broadcasting a", "tensordot axes=2",
                                  "tensordot axis lists", "tensordot to a scalar", "tensordot axes=0"])
def test_batched_product_grads_match_pytensor(name):
    fn, shape_a, shape_b = PRODUCTS[name]
    rng = np.random.default_rng(4)
    values = [rng.normal(size=shape_a), rng.normal(size=shape_b)]
    results = []
    for lib, module in ((scanjit, pt), (pytensor, ptt)):
        a, b = (module.tensor(n, dtype="float64", shape=(None,) * len(s)) for n, s in zip("ab", (shape_a, shape_b)))
        cost = (fn(module, a, b) ** 2).sum()
        results.append(lib.function([a, b], lib.grad(cost, [a, b]))(*values))
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("mode", [None, "py"])
def test_parts_gradients_add_into_one_buffer(mode):
    """The gradient of a variable read through several parts (a GRU's gate
    columns, overlapping slices, an advanced index) increments one zeros
    tensor part after part instead of adding tensors of zeros: no Elemwise
    add in the graph, values bit for bit those of the sum (also signed
    zeros), by finite differences and as PyTensor; in a scan step too."""
    def cost(m, x):
        return ((x[:, :2] ** 2).sum() + (x[:, 2:] * -3.0).sum() + m.sum(x[1:, 1:3] * -0.0) -
                m.sum(x[[0, 2, 0], 3] ** 3))

    x = pt.dmatrix("x")
    g = grad(cost(pt, x), x)
    assert "Elemwise{add}" not in pytensor_free_print(g)
    point = anywhere(3, 4)
    got = scanjit.function([x], g, mode=mode)(point)
    parts = np.zeros((4, 3, 4))
    parts[0, :, :2] += 2 * point[:, :2]
    parts[1, :, 2:] += -3.0
    parts[2, 1:, 1:3] += -0.0
    np.add.at(parts[3, :, 3], [0, 2, 0], -3 * point[[0, 2, 0], 3] ** 2)
    expected = parts[0] + parts[1] + parts[2] + parts[3]
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))
    verify_grad(lambda v: cost(pt, v), [point], rng=np.random.default_rng(5), mode=mode)
    xs = pt.dtensor3("xs")
    steps, _ = scanjit.scan(lambda v: grad(cost(pt, v), v), sequences=[xs])
    np.testing.assert_array_equal(scanjit.function([xs], steps, mode=mode)(point[None])[0], expected)
    if pytensor is not None:
        y = ptt.dmatrix("y")
        ref = pytensor.function([y], pytensor.grad(cost(ptt, y), y), mode="FAST_COMPILE")(point)
        np.testing.assert_allclose(got, ref, rtol=1e-14)


def pytensor_free_print(v) -> str:
    import io
    out = io.StringIO()
    scanjit.printing.debugprint(v, file=out)
    return out.getvalue()


TILES = {  # name -> the parts of W's columns a cost reads (k: a symbolic bound)
    "halves at k": lambda k: [slice(None, k), slice(k, None)],
    "thirds": lambda k: [slice(None, 2), slice(2, 4), slice(4, None)],
    "negative bounds": lambda k: [slice(None, -3), slice(-3, -1), slice(-1, None)],
    "overlapping": lambda k: [slice(None, 3), slice(2, None)],
    "with a gap": lambda k: [slice(None, 2), slice(3, None)],
    "bounds of both signs": lambda k: [slice(None, 2), slice(2, -1), slice(-1, None)],
    "two firsts": lambda k: [slice(None, 2), slice(None, 2), slice(2, None)],
}


@needs_pytensor
@pytest.mark.parametrize("name", list(TILES))
@pytest.mark.parametrize("mode", [None, "py"])
def test_gradient_of_column_parts(name, mode):
    """Parts that tile W's columns are joined (no zeros added to), the
    others added into zeros: either way PyTensor's gradient, k of any sign."""
    def gradient(lib, T, **kw):
        W, k = T.dmatrix("W"), T.lscalar("k")
        cost = sum(((W[:, s] * (i + 1)) ** 2).sum() for i, s in enumerate(TILES[name](k)))
        return lib.function([W, k], lib.grad(cost, W), on_unused_input="ignore", **kw)

    ours, theirs = gradient(scanjit, pt, mode=mode), gradient(pytensor, ptt)
    W = np.random.default_rng(0).normal(size=(3, 6))
    for k in (-2, 0, 3, 9):
        np.testing.assert_allclose(ours(W, k), theirs(W, k), rtol=1e-12)
    joined = name in ("halves at k", "thirds", "negative bounds")
    W_, k_ = pt.dmatrix("W"), pt.lscalar("k")
    g = scanjit.grad(sum((W_[:, s] ** 2).sum() for s in TILES[name](k_)), W_)
    assert (type(g.owner.op).__name__ == "Join") == joined


@needs_pytensor
def test_gradient_of_column_parts_inside_a_step():
    """A weight's column parts read in a scan step (a GRU's W[:, :2H], W[:, 2H:])."""
    def gradient(lib, T):
        xs, W, h0 = T.dmatrix("xs"), T.dmatrix("W"), T.dvector("h0")
        h = lib.scan(lambda x, h, W: T.tanh(T.dot(x, W[:, :2]).sum() + T.dot(x, W[:, 2:]) * h),
                     sequences=[xs], outputs_info=[h0], non_sequences=[W], return_updates=False)
        return lib.function([xs, W, h0], lib.grad(h.sum(), W))

    rng = np.random.default_rng(1)
    args = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=3)
    np.testing.assert_allclose(gradient(scanjit, pt)(*args), gradient(pytensor, ptt)(*args), rtol=1e-10)


@pytest.mark.parametrize("broadcast", [False, True])
def test_a_products_gradient_under_a_sum_is_the_other_factor(broadcast):
    """d sum(x * y) / dx is y (broadcast to the product), not ones times y:
    the same values, a fresh array (not y's buffer), and mismatched lengths
    still raise."""
    x, y = pt.dmatrix("x"), (pt.drow if broadcast else pt.dmatrix)("y")
    f = scanjit.function([x, y], [scanjit.grad((x * y).sum(), x), scanjit.grad((pt.exp(x) * y).sum(), x)])
    a, b = np.arange(6.0).reshape(2, 3), np.linspace(-1, 1, 3)[None] * (1 if broadcast else np.ones((2, 1)))
    kept = b.copy()
    dx, dexp = f(a, b)
    np.testing.assert_array_equal(dx, np.broadcast_to(b, a.shape))
    np.testing.assert_allclose(dexp, np.exp(a) * b, rtol=1e-15)
    dx[...] = 7.0
    np.testing.assert_array_equal(b, kept)
    with pytest.raises(ValueError, match="shape mismatch"):
        f(a, np.ones((2, 4)) if not broadcast else np.ones((1, 4)))
