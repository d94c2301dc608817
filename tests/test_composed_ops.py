"""Functions composed of other ops, as PyTensor composes them: einsum,
batched_dot, batched_tensordot, kron, matrix_power, diff, ptp, isclose,
allclose, max_and_argmax, take_along_axis, broadcast_arrays, cov, largest,
smallest, ceil_intdiv, logspace, geomspace, bartlett, the index functions
(tril/triu_indices, unravel_index, ravel_multi_index, flatnonzero,
compress, to_one_hot, inverse_permutation), fill_diagonal(_offset),
join_dims, split_dims, pack, unpack, permute_row_elements,
concat_with_broadcast, interp, interpolate1d, choose, bincount,
unique, nonzero_values, mgrid/ogrid; special's logit, beta,
betaln, factorial, poch, xlogy and xlog1py; Theano's nnet relu, softsign,
hard_sigmoid and cross-entropies. Each against NumPy, compiled, by the
reference interpreter and inside a scan step; their gradients against
finite differences; their errors."""

import math
import warnings

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad
from scanjit.graph import toposort

rs = np.random.default_rng(20261207)
A, B, M, V = rs.normal(size=(2, 3, 4)), rs.normal(size=(2, 4, 5)), rs.normal(size=(4, 4)), rs.normal(size=4)
T = rs.normal(size=(3, 4, 4))
P, Q = rs.uniform(0.2, 0.8, size=6), rs.uniform(0.5, 3.0, size=6)
ZEROS = np.array([0.0, 1.5, 0.0, -2.0, 0.7, 0.0])
gamma, lgamma = np.vectorize(math.gamma), np.vectorize(math.lgamma)
SOFT = np.exp(M) / np.exp(M).sum(axis=1, keepdims=True)
ps = np.random.default_rng(5)
PERMS = np.array([ps.permutation(4) for _ in range(3)])
XP, YP, XH = ps.normal(size=7), ps.normal(size=7), np.linspace(-2.5, 2.5, 12)


def _interpolate1d(x, y, x_hat, method, extrapolate):
    """PyTensor's interpolate1d in NumPy."""
    order = np.argsort(x, kind="stable")
    x, y, n = x[order], y[order], len(x)
    idx = np.searchsorted(x, x_hat)
    k = np.clip(idx, 1, n - 1)
    out = {"linear": lambda: y[k - 1] + (x_hat - x[k - 1]) / (x[k] - x[k - 1]) * (y[k] - y[k - 1]),
           "nearest": lambda: np.where(x_hat - x[k - 1] <= x[k] - x_hat, y[k - 1], y[k]),
           "mean": lambda: (y[k - 1] + y[k]) / 2, "first": lambda: y[np.clip(idx - 1, 0, n - 1)],
           "last": lambda: y[np.clip(idx, 0, n - 1)]}[method]()
    return out if extrapolate else np.where(idx == 0, y[0], np.where(idx == n, y[-1], out))


def batched(f, *xs):
    return np.stack([f(*(x[i] for x in xs)) for i in range(len(xs[0]))])


CASES = {  # name -> (the op of its operands, NumPy's, operands)
    **{f"einsum {s}": (lambda *xs, s=s: pt.einsum(s, *xs), lambda *xs, s=s: np.einsum(s, *xs), ops) for s, ops in [
        ("ij,jk->ik", [M, M]), ("ij,jk", [M, M]), ("ii", [M]), ("ii->i", [M]), ("ij->ji", [M]), ("ij->", [M]),
        ("bij,bjk->bik", [A, B]), ("i,i", [V, V]), ("i,j->ij", [V, V]), ("...j,j->...", [A, V]),
        ("bij,jk,k->bi", [A, M, V]), ("ij,ij->ij", [M, M]), ("ij,ji->", [M, M]),
        ("...ij,...jk->...ik", [A, B]), ("i,->i", [V, np.array(2.0)]), ("bij,bkj->bik", [A, A]), ("abc->", [A]),
        ("ijj->i", [T]), ("iJ,Jk->ik", [M, M]), ("bij,bjk", [A, B]), ("i...,i...->...", [M, M]),
        ("ijk,ikl->jl", [T, T]), ("ij,kj->ikj", [M, M])]},
    "batched_dot of matrices": (pt.batched_dot, lambda a, b: batched(np.dot, a, b), [A, B]),
    "batched_dot matrices, vectors": (pt.batched_dot, lambda a, b: batched(np.dot, a, b), [A, A[:, 0, :]]),
    "batched_dot vectors, matrices": (pt.batched_dot, lambda a, b: batched(np.dot, a, b), [A[:, :, 0], A]),
    "batched_dot of vectors": (pt.batched_dot, lambda a, b: batched(np.dot, a, b), [A[:, 0], A[:, 1]]),
    "batched_dot scalars": (pt.batched_dot, lambda a, b: batched(np.dot, a, b), [A[:, 0, 0], A]),
    "batched_dot 4-d": (pt.batched_dot, lambda a, b: batched(np.dot, a, b), [np.stack([T, T]), B]),
    "batched_tensordot": (lambda a, b: pt.batched_tensordot(a, b, [[1, 2], [2, 1]]),
                          lambda a, b: batched(lambda x, y: np.tensordot(x, y, [[0, 1], [1, 0]]), a, b),
                          [A, A.transpose(0, 2, 1)]),
    "batched_tensordot 1": (lambda a, b: pt.batched_tensordot(a, b, 1),
                            lambda a, b: batched(lambda x, y: np.tensordot(x, y, 1), a, b), [A, B]),
    "kron": (pt.linalg.kron, np.kron, [M[:2, :3], M[1:, :2]]),
    "kron matrix, vector": (pt.linalg.kron, np.kron, [M, V[:3]]),
    "kron 3-d": (pt.linalg.kron, np.kron, [A, M[:2, :2]]),
    **{f"matrix_power {n}": (lambda m, n=n: pt.linalg.matrix_power(m, n),
                             lambda m, n=n: np.linalg.matrix_power(m, n), [M]) for n in (0, 1, 2, 3, 6, 13, -1, -3)},
    "diff": (pt.diff, np.diff, [V]),
    "diff 2 axis 0": (lambda x: pt.diff(x, 2, axis=0), lambda x: np.diff(x, 2, axis=0), [A.reshape(6, 4)]),
    "ptp": (pt.ptp, np.ptp, [A]),
    "ptp axis": (lambda x: pt.ptp(x, axis=1), lambda x: np.ptp(x, axis=1), [A]),
    "max_and_argmax": (lambda x: pt.stack(pt.max_and_argmax(x, axis=0)),
                       lambda x: np.stack([x.max(axis=0), x.argmax(axis=0)]), [M]),
    "take_along_axis": (lambda x, i: pt.take_along_axis(x, i, axis=1), lambda x, i: np.take_along_axis(x, i, 1),
                        [M, np.array([[3, 0], [1, 1], [0, 2], [2, 3]])]),
    "take_along_axis 0 of argmax": (lambda x: pt.take_along_axis(x, pt.argmax(x, axis=0, keepdims=True), axis=0),
                                    lambda x: np.take_along_axis(x, x.argmax(0)[None], axis=0), [A]),
    "take_along_axis None": (lambda x, i: pt.take_along_axis(x, i, axis=None),
                             lambda x, i: np.take_along_axis(x, i, axis=None), [M, np.array([15, 0, 7])]),
    "broadcast_arrays": (lambda x, y: pt.stack(pt.broadcast_arrays(x, y)),
                         lambda x, y: np.stack(np.broadcast_arrays(x, y)), [V, M[:, :1]]),
    "logit": (pt.special.logit, lambda x: np.log(x / (1 - x)), [P]),
    "beta": (pt.special.beta, lambda a, b: gamma(a) * gamma(b) / gamma(a + b), [Q, Q[::-1]]),
    "betaln": (pt.special.betaln, lambda a, b: lgamma(a) + lgamma(b) - lgamma(a + b), [Q, Q[::-1]]),
    "factorial": (pt.special.factorial, lambda n: gamma(n + 1), [Q]),
    "poch": (pt.special.poch, lambda z, m: gamma(z + m) / gamma(z), [Q, P]),
    "xlogy": (pt.special.xlogy, lambda x, y: np.where(x == 0, 0.0, x * np.log(y)), [ZEROS, Q]),
    "xlog1py": (pt.special.xlog1py, lambda x, y: np.where(x == 0, 0.0, x * np.log1p(y)), [ZEROS, P]),
    "relu": (pt.nnet.relu, lambda x: np.maximum(x, 0), [V]),
    "relu alpha": (lambda x: pt.nnet.relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x), [V]),
    "softsign": (pt.nnet.softsign, lambda x: x / (1 + np.abs(x)), [V]),
    "hard_sigmoid": (pt.nnet.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1), [V * 4]),
    "binary_crossentropy": (pt.nnet.binary_crossentropy, lambda o, t: -(t * np.log(o) + (1 - t) * np.log(1 - o)),
                            [P, P[::-1]]),
    "categorical_crossentropy": (pt.nnet.categorical_crossentropy, lambda c, t: -(t * np.log(c)).sum(axis=1),
                                 [SOFT, SOFT[::-1]]),
    "categorical_crossentropy 1hot": (pt.nnet.categorical_crossentropy,
                                      lambda c, t: -np.log(c[np.arange(len(c)), t]), [SOFT, np.array([3, 0, 0, 2])]),
    "cov": (pt.cov, np.cov, [A[0]]),
    "cov of two, columns, biased": (lambda m, y: pt.cov(m, y, rowvar=False, bias=True),
                                    lambda m, y: np.cov(m, y, rowvar=False, bias=True), [A[0], A[1]]),
    "cov of a vector, ddof 2": (lambda v: pt.cov(v, ddof=2), lambda v: np.cov(v, ddof=2), [V]),
    "largest": (pt.largest, np.maximum, [V, V[::-1]]),
    "largest of 3": (lambda a, b, c: pt.largest(a, b, c), lambda *xs: np.max(xs, axis=0), [V, V[::-1], -V]),
    "smallest": (pt.smallest, np.minimum, [V, V[::-1]]),
    "ceil_intdiv": (pt.ceil_intdiv, lambda a, b: -(-a // b), [np.array([7, -7, 6, 0, 5]), np.array([2, 2, 3, 4, -2])]),
    "logspace": (lambda n: pt.logspace(0.5, 2, n, base=2.0) + 0 * n, lambda n: np.logspace(0.5, 2, int(n), base=2.0),
                 [np.array(6)]),
    "geomspace": (lambda n: pt.geomspace(-2, -1000, n), lambda n: np.geomspace(-2, -1000, int(n)), [np.array(7)]),
    "geomspace no endpoint": (lambda n: pt.geomspace(3, 30, n, endpoint=False),
                              lambda n: np.geomspace(3, 30, int(n), endpoint=False), [np.array(5)]),
    "bartlett": (pt.bartlett, lambda n: np.bartlett(int(n)), [np.array(9)]),
    "bartlett 1": (pt.bartlett, lambda n: np.bartlett(int(n)), [np.array(1)]),
    "unravel_index": (lambda i: pt.stack(pt.unravel_index(i, (3, 4))), lambda i: np.stack(np.unravel_index(i, (3, 4))),
                      [np.array([0, 5, 11, 7])]),
    "unravel_index F": (lambda i: pt.stack(pt.unravel_index(i, (3, 4), order="F")),
                        lambda i: np.stack(np.unravel_index(i, (3, 4), order="F")), [np.array([[0, 5], [11, 7]])]),
    "ravel_multi_index": (lambda i, j: pt.ravel_multi_index((i, j), (3, 4)),
                          lambda i, j: np.ravel_multi_index((i, j), (3, 4)), [np.array([0, 2, 1]), np.array([3, 0, 1])]),
    "ravel_multi_index wrap F": (lambda i, j: pt.ravel_multi_index((i, j), (3, 4), mode="wrap", order="F"),
                                 lambda i, j: np.ravel_multi_index((i, j), (3, 4), mode="wrap", order="F"),
                                 [np.array([0, 5, -1]), np.array([9, -3, 1])]),
    "ravel_multi_index clip": (lambda i, j: pt.ravel_multi_index((i, j), (3, 4), mode="clip"),
                               lambda i, j: np.ravel_multi_index((i, j), (3, 4), mode="clip"),
                               [np.array([0, 5, -1]), np.array([9, -3, 1])]),
    "to_one_hot": (lambda i: pt.extra_ops.to_one_hot(i, 5), lambda i: np.eye(5)[i], [np.array([3, 0, 4, 4])]),
    "inverse_permutation": (pt.inverse_permutation, np.argsort, [np.array([2, 0, 3, 1])]),
    "inverse_permutation of rows": (pt.inverse_permutation, lambda p: np.argsort(p, axis=-1),
                                    [np.array([[[2, 0, 1], [0, 1, 2]], [[1, 2, 0], [2, 1, 0]]])]),
    "fill_diagonal": (lambda a: pt.fill_diagonal(a, 7.0), lambda a: _filled(a, 7.0), [M[:3]]),
    "fill_diagonal 3-d": (lambda a: pt.fill_diagonal(a, 7.0), lambda a: _filled(a, 7.0), [T[:, :3, :3] * 0 + T[0, :3, :3]]),
    "fill_diagonal_offset": (lambda a, v: pt.fill_diagonal_offset(a, v, 1), lambda a, v: _offset_filled(a, v, 1),
                             [M[:3], np.array(-1.5)]),
    "fill_diagonal_offset below": (lambda a: pt.fill_diagonal_offset(a, 5.0, -2), lambda a: _offset_filled(a, 5.0, -2),
                                   [M]),
    "join_dims": (lambda x: pt.join_dims(x, 1), lambda x: x.reshape(2, -1), [A]),
    "join_dims none": (lambda x: pt.join_dims(x, 1, 0), lambda x: x[:, None], [A]),
    "split_dims": (lambda x: pt.split_dims(x, (2, 2), axis=-1), lambda x: x.reshape(2, 3, 2, 2), [A]),
    "interp": (pt.interp, np.interp, [np.array([-1.0, 0.0, 0.3, 1.0, 1.7, 2.5, 9.0, np.nan]),
                                      np.array([0.0, 1.0, 1.0, 2.5]), np.array([1.0, 3.0, 2.0, -4.0])]),
    "interp left right": (lambda x, xp, fp: pt.interp(x, xp, fp, left=-1.0, right=7.5),
                          lambda x, xp, fp: np.interp(x, xp, fp, left=-1.0, right=7.5),
                          [P * 6 - 1, np.arange(5.0), Q[:5]]),
    "interp one point": (pt.interp, np.interp, [np.array([1.0, 2.0, 3.0]), np.array([2.0]), np.array([5.0])]),
    "choose": (lambda a, x, y: pt.choose(a, [x, y, -x]), lambda a, x, y: np.choose(a, [x, y, -x]),
               [np.array([[0, 1, 2, 2]]), M, V]),
    "choose wrap": (lambda a, x: pt.choose(a, pt.specify_shape(x, (4, None)), mode="wrap"),
                    lambda a, x: np.choose(a, x, mode="wrap"),
                    [np.array([5, -1, 2, 0]), M]),
    "choose clip": (lambda a, x: pt.choose(a, [x, 2 * x], mode="clip"), lambda a, x: np.choose(a, [x, 2 * x], mode="clip"),
                    [np.array([5, -1, 1, 0]), V]),
    "pack": (lambda a, b: pt.pack(a, b, keep_axes=0)[0],
             lambda a, b: np.concatenate([a.reshape(2, -1), b.reshape(2, -1)], axis=1), [A, B]),
    "pack first and last axes": (lambda a, b: pt.pack(a, b, keep_axes=(0, -1))[0],
                                 lambda a, b: np.concatenate([a, b], axis=1), [A, B[:, :, :4]]),
    "pack all": (lambda a, v: pt.pack(a, v)[0], lambda a, v: np.concatenate([a.ravel(), v]), [A, V]),
    "unpack": (lambda a, b: (lambda packed, shapes: pt.unpack(packed * 2, shapes, keep_axes=0)[1])(
        *pt.pack(a, b, keep_axes=0)), lambda a, b: b * 2, [A, B]),
    "unpack all": (lambda a, v: pt.unpack(*pt.pack(v, a))[1], lambda a, v: a, [A, V]),
    "permute_row_elements": (pt.permute_row_elements, lambda x, p: np.take_along_axis(x, p, -1), [M[:3], PERMS]),
    "permute_row_elements inverse": (lambda x, p: pt.permute_row_elements(x, p, inverse=True),
                                     lambda x, p: np.take_along_axis(x, np.argsort(p, -1), -1), [M[:3], PERMS]),
    "permute_row_elements of a vector": (
        pt.permute_row_elements, lambda v, p: np.take_along_axis(np.broadcast_to(v, (3, 4)), p, -1), [V, PERMS]),
    "permute_row_elements by one": (lambda x, p: pt.permute_row_elements(x, p, True),
                                    lambda x, p: x[..., np.argsort(p)], [A, PERMS[0]]),
    **{f"interpolate1d {method}{'' if extrapolate else ' padded'}": (
        lambda x, y, h, m=method, e=extrapolate: pt.interpolate1d(x, y, m, extrapolate=e)(h),
        lambda x, y, h, m=method, e=extrapolate: _interpolate1d(x, y, h, m, e), [XP, YP, XH])
       for method in ("linear", "nearest", "first", "last", "mean") for extrapolate in (True, False)},
    "interpolate1d pads": (
        lambda x, y, h: pt.interpolate1d(x, y, left_pad=-9.0, right_pad=9.0, extrapolate=False)(h),
        lambda x, y, h: np.where(h < x.min(), -9.0,
                                 np.where(h > x.max(), 9.0, _interpolate1d(x, y, h, "linear", True))),
        [XP, YP, XH.reshape(3, 4)]),
    "concat_with_broadcast": (lambda x, y: pt.concat_with_broadcast([x, y], axis=1),
                              lambda x, y: np.concatenate([x, np.broadcast_to(y, (2, 2, 4))], axis=1), [A, B[:1, :2, :4]]),
}


def _filled(a, value):
    a = a.copy()
    np.fill_diagonal(a, value)
    return a


def _offset_filled(a, value, offset):
    a, first = a.copy(), (max(0, -offset), max(0, offset))
    for k in range(min(a.shape[0] - first[0], a.shape[1] - first[1])):
        a[first[0] + k, first[1] + k] = value
    return a


VALUE_SHAPED = {  # name -> (the op, NumPy's, operands): lengths known once computed, outside scan steps only
    "tril_indices": (lambda n: pt.stack(pt.tril_indices(n, 1)), lambda n: np.stack(np.tril_indices(int(n), 1)),
                     [np.array(4)]),
    "triu_indices": (lambda n: pt.stack(pt.triu_indices(n, -1, 5)), lambda n: np.stack(np.triu_indices(int(n), -1, 5)),
                     [np.array(4)]),
    "tril_indices_from": (lambda a: pt.stack(pt.tril_indices_from(a)), lambda a: np.stack(np.tril_indices_from(a)), [M]),
    "triu_indices_from": (lambda a: pt.stack(pt.triu_indices_from(a, 1)), lambda a: np.stack(np.triu_indices_from(a, 1)),
                          [M[:3]]),
    "flatnonzero": (lambda a: pt.flatnonzero(a > 0), lambda a: np.flatnonzero(a > 0), [M]),
    "compress": (lambda c, a: pt.compress(c > 0, a, axis=1), lambda c, a: np.compress(c > 0, a, axis=1), [V, M]),
    "compress flat": (lambda c, a: pt.compress(c > 0, a), lambda c, a: np.compress(c > 0, a), [V, M]),
    "nonzero_values": (lambda a: pt.nonzero_values(a * (a > 0)), lambda a: (a * (a > 0))[a > 0], [M]),
    "bincount": (pt.bincount, np.bincount, [np.array([3, 1, 1, 0, 7, 3])]),
    "bincount weights minlength": (lambda x, w: pt.bincount(x, w, minlength=9),
                                   lambda x, w: np.bincount(x, w, minlength=9), [np.array([3, 1, 1, 0, 7, 3]), Q]),
    "bincount of none": (lambda x: pt.bincount(x[:0]), lambda x: np.bincount(x[:0]), [np.array([3, 1])]),
    "unique": (pt.unique, np.unique, [np.array([[3.0, np.nan, 1.0], [1.0, np.nan, -0.0]])]),
    **{f"unique {k}": (lambda x, k=k: pt.unique(x, **{k: True})[1], lambda x, k=k: np.unique(x, **{k: True})[1].ravel(),
                       [np.array([[3, 5, 1, 3], [1, 1, 0, 5]])]) for k in ("return_index", "return_inverse", "return_counts")},
    "unique of none": (lambda x: pt.unique(x[:0], return_counts=True)[1], lambda x: np.unique(x[:0], return_counts=True)[1],
                       [np.array([3, 1])]),
    "mgrid": (lambda n: pt.stack(pt.mgrid[0:n, 1:5:2]), lambda n: np.mgrid[0:int(n), 1:5:2], [np.array(3)]),
    "ogrid": (lambda n: pt.ogrid[0:3, 0:n][1] + pt.ogrid[0:3, 0:n][0], lambda n: sum(np.ogrid[0:3, 0:int(n)][::-1]),
              [np.array(4)]),
}
CLOSE = {  # name -> (the op of a and b, NumPy's): NaNs, infinities, near and far values
    "isclose": (pt.isclose, np.isclose),
    "isclose equal_nan": (lambda a, b: pt.isclose(a, b, equal_nan=True), lambda a, b: np.isclose(a, b, equal_nan=True)),
    "isclose rtol atol": (lambda a, b: pt.isclose(a, b, 0.1, 0.5), lambda a, b: np.isclose(a, b, 0.1, 0.5)),
    "allclose": (pt.allclose, np.allclose),
    "allclose equal_nan": (lambda a, b: pt.allclose(a, b, equal_nan=True),
                           lambda a, b: np.allclose(a, b, equal_nan=True)),
}
CLOSE_A = np.array([1.0, 4.0, 9.0, 1e10, np.inf, np.inf, -np.inf, np.nan, np.nan, 0.0, 1e-9])
CLOSE_B = np.array([1.000001, 4.1, 9.0, 1.00001e10, np.inf, -np.inf, 5.0, np.nan, 1.0, 1e-8, 0.0])


def symbolic(values):
    """An input for each value, of static length 1 where it has length 1."""
    return [pt.tensor(f"x{k}", dtype=v.dtype.name, shape=tuple(1 if n == 1 else None for n in v.shape))
            for k, v in enumerate(values)]


@pytest.fixture(autouse=True)
def _deprecated_batched_products():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "batched_(dot|tensordot) is deprecated", FutureWarning)
        yield


@pytest.mark.parametrize("name", [*CASES, *VALUE_SHAPED])
@pytest.mark.parametrize("mode", [None, "py"])
def test_against_numpy(name, mode):
    build, numpy, values = {**CASES, **VALUE_SHAPED}[name]
    xs = symbolic(values)
    got = pytensor.function(xs, build(*xs), mode=mode)(*values)
    want = numpy(*values)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


LENGTH_FROM_A_VALUE = ("logspace", "geomspace", "bartlett")  # in a step, of a non-sequence: one length for all steps


@pytest.mark.parametrize("name", list(CASES))
def test_inside_a_step(name):
    build, numpy, values = CASES[name]
    if name.startswith(LENGTH_FROM_A_VALUE):
        n = symbolic(values)[0]
        out = pytensor.scan(lambda t, n: build(n) * t, sequences=[pt.arange(1.0, 3.0)], non_sequences=[n],
                            return_updates=False)
        np.testing.assert_allclose(pytensor.function([n], out)(values[0]), np.stack([numpy(values[0]) * t for t in (1, 2)]))
        return
    stacked = [np.stack([v, v * 2 if v.dtype.kind == "f" else v]) for v in values]
    xs = symbolic(stacked)
    out, _ = pytensor.scan(build, sequences=xs)
    got = pytensor.function(xs, out)(*stacked)
    np.testing.assert_allclose(got, np.stack([numpy(*(v[t] for v in stacked)) for t in range(2)]), rtol=1e-12)


NO_GRADIENT = ("take_along_axis", "max_and", "1hot", "ceil_intdiv", "logspace", "geomspace", "bartlett", "index",
               "to_one_hot", "inverse_permutation", "fill_diagonal_offset below", "interp", "choose", "permute")


@pytest.mark.parametrize("name", [n for n in CASES if not any(k in n for k in NO_GRADIENT)])
def test_gradient_against_finite_differences(name):
    build, _, values = CASES[name]
    verify_grad(build, values, rng=np.random.default_rng(3))


@pytest.mark.parametrize("mode", [None, "py"])
def test_index_errors_are_value_errors(mode):
    i = pt.lvector("i")
    unravel = pytensor.function([i], pt.unravel_index(i, (3, 4)), mode=mode)
    with pytest.raises(ValueError, match="out of bounds"):
        unravel(np.array([0, 12]))
    with pytest.raises(ValueError, match="out of bounds"):
        unravel(np.array([-1]))
    ravel = pytensor.function([i], pt.ravel_multi_index((i, i), (3, 4)), mode=mode)
    with pytest.raises(ValueError, match="invalid entry in coordinates array"):
        ravel(np.array([3]))
    with pytest.raises(ValueError, match="negative values"):  # PyTensor's wraps around
        pytensor.function([i], pt.bincount(i), mode=mode)(np.array([1, -1]))
    with pytest.raises(ValueError, match="invalid entry in choice array"):
        pytensor.function([i], pt.choose(i, [i, i]), mode=mode)(np.array([0, 2]))


def test_interp_choose_and_permute_gradients():
    """interp's and interpolate1d's slopes with respect to the points and x
    (finite differences away from the points), choose's to each choice,
    permute_row_elements' through each permutation."""
    xp = np.array([0.0, 1.0, 2.5, 4.0])
    verify_grad(lambda x, fp: pt.interp(x, xp, fp), [np.array([0.3, 1.7, 3.1]), np.array([1.0, -2.0, 0.5, 3.0])],
                rng=np.random.default_rng(6))
    verify_grad(lambda x, y: pt.choose(np.array([1, 0, 1]), [x, y]), [V[:3], Q[:3]], rng=np.random.default_rng(6))
    for method in ("linear", "nearest", "mean"):
        verify_grad(lambda x, y, h, m=method: pt.interpolate1d(x, y, m)(h), [XP, YP, XH + 0.01],
                    rng=np.random.default_rng(6))
    for inverse in (False, True):
        verify_grad(lambda x: pt.permute_row_elements(x, PERMS, inverse), [M[:3]], rng=np.random.default_rng(6))
        verify_grad(lambda v: pt.permute_row_elements(v, PERMS, inverse), [V], rng=np.random.default_rng(6))


def test_deprecated_aliases():
    x, y = pt.dmatrix("x"), pt.dmatrix("y")
    with pytest.warns(FutureWarning, match="extract_diag is deprecated"):
        d = pt.extract_diag(x)
    got = pytensor.function([x, y], [d, pt.dense_dot(x, y), x[pt.slice_at_axis(slice(1, None), -1)]])(M, M)
    for g, w in zip(got, [np.diagonal(M), M @ M, M[..., 1:]]):
        np.testing.assert_allclose(g, w, rtol=1e-14)


def test_gradient_of_take_along_axis_adds_at_repeated_indices():
    x = pt.dmatrix("x")
    index = np.array([[3, 3], [1, 1], [0, 2], [2, 3]])
    grad = pytensor.function([x], pytensor.grad(pt.take_along_axis(x, index, axis=1).sum(), x))(M)
    want = np.zeros_like(M)
    np.add.at(want, (np.arange(4)[:, None], index), 1.0)
    np.testing.assert_array_equal(grad, want)


@pytest.mark.parametrize("name", list(CLOSE))
@pytest.mark.parametrize("mode", [None, "py"])
def test_isclose_allclose(name, mode):
    build, numpy = CLOSE[name]
    a, b = pt.dvector("a"), pt.dvector("b")
    f = pytensor.function([a, b], build(a, b), mode=mode)
    for x, y in [(CLOSE_A, CLOSE_B), (CLOSE_B, CLOSE_A), (CLOSE_A, CLOSE_A), (CLOSE_A[:4], CLOSE_B[:4])]:
        got = f(x, y)
        assert got.dtype == bool
        np.testing.assert_array_equal(got, numpy(x, y))


@pytest.mark.parametrize("build, error, match", [
    (lambda: pt.einsum("ij,jk->ik", pt.dmatrix()), ValueError, "2 operands' subscripts, got 1"),
    (lambda: pt.einsum("ijk->i", pt.dmatrix()), ValueError, "do not fit an operand of 2 axes"),
    (lambda: pt.einsum("i1->i", pt.dmatrix()), ValueError, "do not fit"),
    (lambda: pt.einsum("ij->iq", pt.dmatrix()), ValueError, "name one no operand has"),
    (lambda: pt.einsum("ij->ii", pt.dmatrix()), ValueError, "repeat a letter"),
    (lambda: pt.einsum("ij,jk->ik", pt.dmatrix(shape=(2, 3)), pt.dmatrix(shape=(4, 2))), ValueError,
     "not aligned"),
    (lambda: pt.batched_dot(pt.dscalar(), pt.dvector()), TypeError, "at least one"),
    (lambda: pt.batched_tensordot(pt.dtensor3(), pt.dtensor3(), [[0], [1]]), ValueError, "not the batch axis"),
    (lambda: pt.linalg.kron(pt.dvector(), pt.dvector()), TypeError, "must sum to 3 or more"),
    (lambda: pt.take_along_axis(pt.dmatrix(), pt.lvector(), axis=1), ValueError, "same number of dimensions"),
    (lambda: pt.diff(pt.dvector(), axis=1), np.exceptions.AxisError, "out of bounds"),
    (lambda: pt.nnet.categorical_crossentropy(pt.dmatrix(), pt.dtensor3()), TypeError, "rank mismatch"),
    (lambda: pt.tril_indices_from(pt.dvector()), ValueError, "two dimensional"),
    (lambda: pt.flatnonzero(pt.dscalar()), ValueError, "non-scalar"),
    (lambda: pt.ravel_multi_index((pt.lvector(),), (3, 4)), ValueError, "sequence of length 2"),
    (lambda: pt.ravel_multi_index((pt.lvector(), pt.lvector()), (3, 4), mode="bounce"), ValueError, "clipmode"),
    (lambda: pt.unravel_index(pt.lvector(), (3, 4), order="K"), ValueError, "Order must be"),
    (lambda: pt.fill_diagonal(pt.dvector(), 1.0), TypeError, "at least 2 axes"),
    (lambda: pt.concat_with_broadcast([]), ValueError, "empty list"),
    (lambda: pt.concat_with_broadcast([pt.dvector(), pt.dmatrix()]), TypeError, "same number of dimensions"),
    (lambda: pt.join_dims(pt.dmatrix(), 3), IndexError, "out of bounds"),
    (lambda: pt.cov(pt.dmatrix(), fweights=pt.dvector()), NotImplementedError, "fweights"),
    (lambda: pt.bincount(pt.lmatrix()), TypeError, "dimension 1"),
    (lambda: pt.unique(pt.dmatrix(), axis=0), NotImplementedError, "along an axis"),
    (lambda: pt.choose(pt.lvector(), pt.dmatrix()), NotImplementedError, "number of choices"),
    (lambda: pt.choose(pt.lvector(), [pt.dvector()], mode="bounce"), ValueError, "clipmode"),
    (lambda: pt.interp(pt.dvector(), pt.dvector(), pt.dvector(), period=2.0), NotImplementedError, "period"),
    (lambda: pt.pack(pt.dmatrix(), keep_axes=[]), ValueError, "ambiguous"),
    (lambda: pt.pack(pt.dmatrix(), keep_axes=(-1, 0)), ValueError, "Negative axes must come after"),
    (lambda: pt.pack(pt.dtensor3(), keep_axes=(1,)), ValueError, "must be 0, 1, ... and ..., -2, -1"),
    (lambda: pt.pack(pt.dvector(), keep_axes=(0, -1)), ValueError, "assumes at least 2 dimensions"),
    (lambda: pt.unpack(pt.dmatrix(), [(2, 2)]), ValueError, "keep_axis=None for 1d"),
    (lambda: pt.unpack(pt.dtensor3(), [(2, 2)], keep_axes=0), ValueError, "exactly one more dimension"),
    (lambda: pt.permute_row_elements(pt.dvector(), pt.dvector()), TypeError, "must be of integers"),
    (lambda: pt.permute_row_elements(pt.dscalar(), pt.lvector()), ValueError, "at least one axis"),
    (lambda: pt.interpolate1d(pt.dvector(), pt.dvector(), "cubic"), NotImplementedError, "Did you mean"),
    (lambda: pt.interpolate1d(pt.dmatrix(), pt.dvector()), ValueError, "1d"),
])
def test_errors_when_building(build, error, match):
    with pytest.raises(error, match=match):
        build()


@pytest.mark.parametrize("mode", [None, "py"])
def test_errors_when_running(mode):
    x, y, i = pt.dmatrix("x"), pt.dmatrix("y"), pt.lmatrix("i")
    product = pytensor.function([x, y], pt.einsum("ij,jk->ik", x, y), mode=mode)
    with pytest.raises(ValueError, match="not aligned"):
        product(np.ones((2, 3)), np.ones((2, 3)))
    taken = pytensor.function([x, i], pt.take_along_axis(x, i, axis=1), mode=mode)
    with pytest.raises(IndexError):
        taken(np.ones((2, 3)), np.array([[0], [3]]))
    with pytest.raises(ValueError):
        taken(np.ones((2, 3)), np.array([[0], [1], [2]]))


@pytest.mark.parametrize("mode", [None, "py"])
def test_permute_and_unpack_errors_when_running(mode):
    """A permutation index out of range is an IndexError, rows that do not
    broadcast and packed sizes that do not add up are ValueErrors."""
    x, p = pt.dmatrix("x"), pt.lmatrix("p")
    permuted = pytensor.function([x, p], pt.permute_row_elements(x, p), mode=mode)
    with pytest.raises(IndexError):
        permuted(M[:3], PERMS + 1)
    with pytest.raises(ValueError):
        permuted(M[:2], PERMS)
    packed, n = pt.dvector("packed"), pt.lscalar("n")
    parts = pytensor.function([packed, n], pt.unpack(packed, [(n,), (2,)]), mode=mode)
    assert [len(part) for part in parts(V, 2)] == [2, 2]
    with pytest.raises(ValueError, match="do not add up"):
        parts(V, 3)


def test_einsum_matrix_product_is_one_dot():
    x, y = pt.dmatrix("x"), pt.dmatrix("y")
    out = pt.einsum("ij,jk->ik", x, y)
    ops = [type(node.op).__name__ for node in toposort([out])]
    assert ops.count("Dot") == 1 and "Elemwise" not in ops


def test_against_pytensor():
    ptt = pytest.importorskip("pytensor.tensor")
    import pytensor as theirs

    for name in ["einsum bij,jk,k->bi", "einsum ijj->i", "kron 3-d", "matrix_power 13", "diff 2 axis 0",
                 "batched_dot 4-d"]:
        build, _, values = CASES[name]
        ours = pytensor.function(xs := symbolic(values), build(*xs))(*values)
        their_build = {"kron 3-d": ptt.linalg.kron, "matrix_power 13": lambda m: ptt.linalg.matrix_power(m, 13),
                       "diff 2 axis 0": lambda x: ptt.diff(x, 2, axis=0), "batched_dot 4-d": ptt.batched_dot}.get(
            name, lambda *v, s=name.split()[1]: ptt.einsum(s, *v))
        txs = [ptt.tensor(dtype="float64", shape=(None,) * v.ndim) for v in values]
        theirs_ = theirs.function(txs, their_build(*txs))(*values)
        np.testing.assert_allclose(ours, theirs_, rtol=1e-12)
    for name, their_build in [
            ("pack first and last axes", lambda a, b: ptt.pack(a, b, keep_axes=(0, -1))[0]),
            ("unpack", lambda a, b: (lambda packed, shapes: ptt.unpack(packed * 2, shapes, keep_axes=0)[1])(
                *ptt.pack(a, b, keep_axes=0))),
            ("permute_row_elements inverse", lambda x, p: ptt.permute_row_elements(x, p, inverse=True)),
            ("permute_row_elements of a vector", ptt.permute_row_elements),
            ("interpolate1d nearest padded", lambda x, y, h: ptt.interpolate1d(x, y, "nearest", extrapolate=False)(h)),
            ("interpolate1d linear", lambda x, y, h: ptt.interpolate1d(x, y)(h))]:
        build, _, values = CASES[name]
        ours = pytensor.function(xs := symbolic(values), build(*xs))(*values)
        txs = [ptt.tensor(dtype=v.dtype.name, shape=x.type.shape) for v, x in zip(values, xs)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # PyTensor's numba backend runs PermuteRowElements in Python
            theirs_ = theirs.function(txs, their_build(*txs))(*values)
        np.testing.assert_allclose(ours, theirs_, rtol=1e-14)  # PyTensor's numba contracts a * b + c into an FMA
