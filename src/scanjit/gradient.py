"""`scanjit.gradient`, the counterpart of `pytensor.gradient`: `grad` (see
scanjit/tensor/gradient.py, where each Op's gradient is gathered), the
vector-Jacobian and Jacobian-vector products `pullback` and `pushforward`
(and their deprecated names `Lop` and `Rop`), `jacobian`, `hessian`, and
`verify_grad`, which checks a gradient against finite differences."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from scanjit import config

from scanjit.graph import NullTypeGradError, TensorType  # noqa: F401  (pytensor.gradient's)
from scanjit.graph import toposort
from scanjit.scan import scan
from scanjit.shared import shared
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.gradient import (  # noqa: F401  (the public names of pytensor.gradient)
    DisconnectedInputError, GradientError, disconnected_grad, grad, zero_grad,
)
from scanjit.tensor.creation import zeros_like
from scanjit.tensor.forward import tangents_of
from scanjit.tensor.math import sum as sum_
from scanjit.tensor.random.op import RandomVariable
from scanjit.tensor.shape import Shape, arange, flatten

_TOLERANCE = {"float32": 1e-2, "float64": 1e-4}
_EPS = {"float32": 3e-4, "float64": 1e-7}


def _as_list_or_tuple(use_list: bool, use_tuple: bool, outputs: list):
    """`outputs` as a list or tuple, or its one element when neither, as PyTensor's."""
    if use_list:
        return list(outputs)
    if use_tuple:
        return tuple(outputs)
    if len(outputs) != 1:
        raise ValueError(f"Expected a single output, but got {outputs}")
    return outputs[0]


def _variables(xs) -> list:
    return [as_tensor_variable(x) for x in (xs if isinstance(xs, Sequence) else [xs])]


def pullback(f, wrt, cotangents, consider_constant=None, disconnected_inputs="raise",
             return_disconnected="zero"):
    """The vector-Jacobian product sum_i cotangents[i] d f[i] / d wrt[j] for
    each `wrt[j]`: `grad` with the cotangents as the known gradients of `f`
    (a list or tuple when `wrt` is one)."""
    f, cotangents = _variables(f), _variables(cotangents)
    if len(f) != len(cotangents):  # PyTensor's assert
        raise AssertionError(f"{len(f)} outputs but {len(cotangents)} cotangents")
    found = grad(None, _variables(wrt), consider_constant=consider_constant,
                 disconnected_inputs=disconnected_inputs, known_grads=dict(zip(f, cotangents)),
                 return_disconnected=return_disconnected)
    return _as_list_or_tuple(isinstance(wrt, list), isinstance(wrt, tuple), found)


def pushforward(f, wrt, tangents, disconnected_outputs="raise", return_disconnected="zero",
                use_op_pushforward=False):
    """The Jacobian-vector product sum_j d f[i] / d wrt[j] tangents[j] for each
    `f[i]` (a list or tuple when `f` is one), as PyTensor's default: the
    pullback, w.r.t. zero cotangents u, of the pullback u^T J, which is linear in u."""
    wrts, tangents, outputs = _variables(wrt), _variables(tangents), _variables(f)
    if len(wrts) != len(tangents):
        raise ValueError("`wrt` must be the same length as `tangents`.")
    for i, (w, t) in enumerate(zip(wrts, tangents)):
        if w.ndim != t.ndim:
            raise ValueError(f"Elements {i} of `wrt` and `tangents` have mismatched dimensionalities: "
                             f"{w.ndim} and {t.ndim}")
    if use_op_pushforward:
        found = _pushforward_direct(outputs, wrts, tangents, disconnected_outputs, return_disconnected)
        return _as_list_or_tuple(isinstance(f, list), isinstance(f, tuple), found)
    cotangents = [zeros_like(out, dtype=config.floatX) for out in outputs]
    input_cotangents = pullback(outputs, wrts, cotangents, disconnected_inputs=disconnected_outputs)
    found = pullback(input_cotangents, cotangents, tangents, disconnected_inputs="ignore",
                     return_disconnected=return_disconnected)
    return _as_list_or_tuple(isinstance(f, list), isinstance(f, tuple), found)


def _pushforward_direct(outputs, wrts, tangents, disconnected_outputs, return_disconnected) -> list:
    """Forward mode: each node's R_op (tensor/forward.py). An output the
    tangents do not reach gets zeros, as PyTensor's (whose other inputs
    have zero tangents), but one reached only through random draws, whose
    tangents are disconnected: PyTensor's `disconnected_outputs` and
    `return_disconnected` then apply."""
    found = tangents_of(outputs, dict(zip(wrts, tangents)))
    cut = _drawn_only(outputs)
    results = []
    for out, t in zip(outputs, found):
        if t is None and id(out) in cut:
            message = f"pushforward: the output {out} is reached only through random draws (disconnected)"
            if disconnected_outputs == "raise":
                raise DisconnectedInputError(message)
            if disconnected_outputs == "warn":
                warnings.warn(message, stacklevel=3)
            t = None if return_disconnected.lower() != "zero" else zeros_like(out)
        results.append(zeros_like(out) if t is None and id(out) not in cut else t)
    return results


def _drawn_only(outputs) -> set[int]:
    """ids of the variables every path to which from a graph input passes
    through a random draw (whose tangent is disconnected, as PyTensor's),
    counting only an Op's linear inputs where it has some (not its indices)."""
    cut: set[int] = set()
    for node in toposort(outputs):
        read = node.op.linear_inputs(node) or range(len(node.inputs))
        if isinstance(node.op, RandomVariable) or all(id(node.inputs[k]) in cut for k in read):
            cut.update(id(o) for o in node.outputs)
    return cut


def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise", return_disconnected="zero"):
    """Deprecated in PyTensor 3: `pullback`."""
    warnings.warn("Lop is deprecated, use pullback instead.", FutureWarning, stacklevel=2)
    return pullback(f, wrt, eval_points, consider_constant, disconnected_inputs, return_disconnected)


def Rop(f, wrt, eval_points, disconnected_outputs="raise", return_disconnected="zero",
        use_op_rop_implementation=False):
    """Deprecated in PyTensor 3: `pushforward`."""
    warnings.warn("Rop is deprecated, use pushforward instead.", FutureWarning, stacklevel=2)
    return pushforward(f, wrt, eval_points, disconnected_outputs, return_disconnected, use_op_rop_implementation)


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """d expression[i] / d wrt, by a scan over the elements of `expression`
    (flattened): for each `wrt`, a tensor of shape expression.shape + wrt.shape."""
    expression = as_tensor_variable(expression)
    single = not isinstance(wrt, list | tuple)
    wrts = [wrt] if single else list(wrt)
    if expression.ndim == 0:
        result = grad(expression, wrts, consider_constant, disconnected_inputs)
        return result[0] if single else type(wrt)(result)
    flat = flatten(expression)

    def row(i, *_):
        return grad(flat[i], wrts, consider_constant, disconnected_inputs)

    rows = scan(row, sequences=arange(Shape(0)(flat)), non_sequences=[flat, *wrts], return_updates=False)
    rows = rows if isinstance(rows, list) else [rows]
    shaped = [r.reshape([*[Shape(a)(expression) for a in range(expression.ndim)],
                         *[Shape(a)(w) for a in range(w.ndim)]]) for r, w in zip(rows, wrts)]
    return shaped[0] if single else type(wrt)(shaped)


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The matrix of second derivatives of the scalar `cost` for each vector
    (or tensor, flattened as PyTensor) in `wrt`."""
    single = not isinstance(wrt, list | tuple)
    wrts = [wrt] if single else list(wrt)
    found = [jacobian(flatten(grad(cost, w, consider_constant, disconnected_inputs)), w,
                      consider_constant, disconnected_inputs) for w in wrts]
    return found[0] if single else type(wrt)(found)


def verify_grad(fun, pt, n_tests=2, rng=None, eps=None, abs_tol=None, rel_tol=None, mode=None,
                cast_to_output_type=False, no_debug_ref=True):
    """Check the gradient of `fun` (a function of tensors, or an Op) at the
    points `pt` (a list of float arrays) against one-sided finite differences
    of sum(R * fun(*pt)) for random projections R, as PyTensor's; raises
    GradientError when both the absolute and relative errors exceed their
    tolerances."""
    from scanjit.function import function

    if not isinstance(pt, list | tuple):
        raise TypeError("`pt` should be a list or tuple")
    pt = [np.array(p) for p in pt]
    for i, p in enumerate(pt):
        if str(p.dtype) not in _TOLERANCE:
            raise TypeError(f"verify_grad can work only with floating point inputs, but input {i} "
                            f'has dtype "{p.dtype}".')
    abs_tol = max(_TOLERANCE[str(p.dtype)] for p in pt) if abs_tol is None else abs_tol
    rel_tol = max(_TOLERANCE[str(p.dtype)] for p in pt) if rel_tol is None else rel_tol
    rng = np.random.default_rng() if rng is None else rng
    inputs = [TensorType(str(p.dtype), p.shape)(f"input {i}") for i, p in enumerate(pt)]
    output = fun(*inputs)
    if isinstance(output, list):
        raise NotImplementedError("Can't (yet) auto-test the gradient of a function with multiple outputs")
    output = as_tensor_variable(output)
    compile_ = dict(mode=mode, allow_input_downcast=True, on_unused_input="ignore")
    value = function(inputs, output, **compile_)(*[p.copy() for p in pt])

    def projection():
        return rng.random(np.shape(value)) + 0.5

    weights = shared(projection(), name="random_projection")
    cost = sum_(weights * output)
    cost_fn = function(inputs, cost, **compile_)
    grad_fn = function(inputs, grad(cost, inputs, disconnected_inputs="ignore"), **compile_)
    step = max(_EPS[str(p.dtype)] for p in pt) if eps is None else eps
    for test in range(n_tests):
        analytic = grad_fn(*[p.copy() for p in pt])
        numeric = _numeric_grad(cost_fn, pt, step)
        _compare(analytic, numeric, abs_tol, rel_tol)
        if test < n_tests - 1:
            weights.set_value(projection())


def _numeric_grad(cost_fn, pt: list[np.ndarray], eps: float) -> list[np.ndarray]:
    """(f(x + eps e_i) - f(x)) / eps for each element of each input, in float64."""
    base = float(cost_fn(*[p.copy() for p in pt]))
    found = []
    for k, p in enumerate(pt):
        g = np.zeros(p.shape)
        for i in range(p.size):
            moved = [q.copy() for q in pt]
            moved[k].flat[i] += eps
            g.flat[i] = (float(cost_fn(*moved)) - base) / eps
        found.append(g)
    return found


def _compare(analytic, numeric, abs_tol: float, rel_tol: float) -> None:
    """GradientError at the first position where both the absolute error and
    the relative one (|a - n| / (|a| + |n|), as PyTensor's) exceed their tolerances."""
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        a = np.asarray(a, dtype=np.float64)
        if a.shape != n.shape:
            raise ValueError(f"argument {k}: the gradient has shape {a.shape}, the input {n.shape}")
        abs_err = np.abs(a - n)
        rel_err = abs_err / np.maximum(np.abs(a) + np.abs(n), 1e-8)
        bad = np.flatnonzero((abs_err > abs_tol) & (rel_err > rel_tol))
        if bad.size:
            pos = int(bad[0])
            raise GradientError(k, pos, a.shape, a.flat[pos], n.flat[pos], abs_err.flat[pos],
                                rel_err.flat[pos], abs_tol, rel_tol)
