"""inv, solve, det, slogdet, cholesky and solve_triangular
(scanjit/tensor/factorized.py): NumPy's (and SciPy's) bits compiled (the
LAPACK NumPy calls, on the same column-major copies), in mode="py" and inside
a scan step (Kalman filters), one compiled function for every size;
PyTensor's errors, NaNs and dtypes; gradients against finite differences and
PyTensor."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad

rs = np.random.default_rng(42)


def matrices(n, dtype="float64"):
    return (rs.normal(size=(n, n)) + n * np.eye(n)).astype(dtype)


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_numpy_s_bits_at_every_size(mode, dtype):
    A, b, B = pt.matrix("A", dtype=dtype), pt.vector("b", dtype=dtype), pt.matrix("B", dtype=dtype)
    f = pytensor.function([A, b, B], [pt.linalg.inv(A), pt.linalg.solve(A, b), pt.linalg.solve(A, B),
                                       pt.linalg.det(A)], mode=mode)
    for n in (0, 1, 2, 5, 17):
        a, v, m = matrices(n, dtype), rs.normal(size=n).astype(dtype), rs.normal(size=(n, 3)).astype(dtype)
        got = f(a, v, m)
        expected = [np.linalg.inv(a), np.linalg.solve(a, v), np.linalg.solve(a, m), np.linalg.det(a)]
        for g, e in zip(got, expected):
            assert g.dtype == dtype and g.shape == e.shape
            np.testing.assert_array_equal(g, e)


def test_integers_are_solved_as_doubles_and_slogdet_is_pytensor_s():
    A = pt.lmatrix("A")
    sign, logdet = pt.linalg.slogdet(A)
    f = pytensor.function([A], [pt.linalg.inv(A), pt.linalg.det(A), sign, logdet])
    a = np.array([[2, 1], [7, 3]])
    inverse, d, s, l = f(a)
    assert inverse.dtype == d.dtype == "float64"
    np.testing.assert_array_equal(inverse, np.linalg.inv(a))
    assert (s, l) == (np.sign(np.linalg.det(a)), np.log(abs(np.linalg.det(a))))
    small = pt.tensor("small", dtype="int16", shape=(None, None))  # PyTensor's (SciPy's LAPACK type): float32
    assert [f(small).dtype for f in (pt.linalg.inv, pt.linalg.det, pt.linalg.cholesky)] == ["float32"] * 3


@pytest.mark.parametrize("mode", [None, "py"])
def test_singular_matrices(mode):
    """inv raises NumPy's LinAlgError; solve gives NaNs (PyTensor's); det 0."""
    A, b = pt.dmatrix("A"), pt.dvector("b")
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        pytensor.function([A], pt.linalg.inv(A), mode=mode)(singular)
    x = pytensor.function([A, b], pt.linalg.solve(A, b), mode=mode)(singular, np.ones(2))
    assert x.shape == (2,) and np.all(np.isnan(x))
    assert pytensor.function([A], pt.linalg.det(A), mode=mode)(singular) == 0.0


@pytest.mark.parametrize("mode", [None, "py"])
def test_shapes_that_do_not_fit_raise(mode):
    A, b = pt.dmatrix("A"), pt.dvector("b")
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        pytensor.function([A], pt.linalg.inv(A), mode=mode)(np.ones((2, 3)))
    with pytest.raises(ValueError, match="b has 3 rows, a has 2"):
        pytensor.function([A, b], pt.linalg.solve(A, b), mode=mode)(np.eye(2), np.ones(3))


def test_static_shapes_and_ranks_are_checked_when_building():
    with pytest.raises(ValueError, match="non-square"):
        pt.linalg.det(pt.tensor("A", dtype="float64", shape=(2, 3)))
    with pytest.raises(ValueError, match="not a matrix"):
        pt.linalg.inv(pt.dvector("v"))
    with pytest.raises(NotImplementedError, match="batch of matrices"):
        pt.linalg.inv(pt.dtensor3("T"))
    with pytest.raises(ValueError, match="does not have the 2 rows"):
        pt.linalg.solve(pt.tensor("A", dtype="float64", shape=(2, 2)), pt.tensor("b", dtype="float64", shape=(3,)))
    with pytest.raises(NotImplementedError, match="assume_a='her'"):
        pt.linalg.solve(pt.dmatrix("A"), pt.dvector("b"), assume_a="her")
    assert pt.linalg.solve(pt.fmatrix("A"), pt.dvector("b")).dtype == "float64"
    assert pt.slinalg.solve is pt.linalg.solve and pt.nlinalg.matrix_inverse is pt.linalg.inv
    assert pt.slinalg.cholesky is pt.linalg.cholesky


def spd(n):
    m = rs.normal(size=(n, n))
    return m @ m.T + np.eye(n)


@pytest.mark.parametrize("mode", [None, "py"])
def test_cholesky_and_triangular_solves(mode):
    """The factors are NumPy's bits compiled; the triangular solves SciPy's
    (where it is installed, else NumPy's solve of the triangle, closely)."""
    A, b, B = pt.dmatrix("A"), pt.dvector("b"), pt.dmatrix("B")
    L, U = pt.linalg.cholesky(A), pt.linalg.cholesky(A, lower=False)
    f = pytensor.function([A, b, B], [L, U, pt.linalg.solve_triangular(L, b, lower=True),
                                      pt.linalg.solve_triangular(U, B),
                                      pt.linalg.solve_triangular(L, B, lower=True, trans="T"),
                                      pt.linalg.solve_triangular(U, b, unit_diagonal=True),
                                      pt.linalg.solve(A, b, assume_a="pos"),
                                      pt.linalg.solve(A, B, assume_a="pos", lower=True)], mode=mode)
    for n in (0, 1, 4, 9):
        a, v, m = spd(n), rs.normal(size=n), rs.normal(size=(n, 2))
        lower, upper = np.linalg.cholesky(a), np.linalg.cholesky(a, upper=True)
        unit = np.triu(upper, 1) + np.eye(n)
        got = f(a, v, m)
        np.testing.assert_array_equal(got[0], lower)
        np.testing.assert_array_equal(got[1], upper)
        expected = [np.linalg.solve(lower, v), np.linalg.solve(upper, m), np.linalg.solve(lower.T, m),
                    np.linalg.solve(unit, v), np.linalg.solve(a, v), np.linalg.solve(a, m)]
        for g, e in zip(got[2:], expected):
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)
    try:
        import scipy.linalg as sl
    except ImportError:
        return
    a, v, m = spd(5), rs.normal(size=5), rs.normal(size=(5, 2))
    lower, upper = np.linalg.cholesky(a), np.linalg.cholesky(a, upper=True)
    got = f(a, v, m)
    for g, e in zip(got[2:6], [sl.solve_triangular(lower, v, lower=True), sl.solve_triangular(upper, m),
                               sl.solve_triangular(lower, m, lower=True, trans="T"),
                               sl.solve_triangular(upper, v, unit_diagonal=True)]):
        if mode is None:
            np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("mode", [None, "py"])
def test_failures_give_nans_as_pytensor(mode):
    """Not positive definite: cholesky and solve(assume_a="pos") NaNs; a
    zero on a triangle's diagonal: solve_triangular NaNs."""
    A, b = pt.dmatrix("A"), pt.dvector("b")
    f = pytensor.function([A, b], [pt.linalg.cholesky(A), pt.linalg.solve(A, b, assume_a="pos"),
                                   pt.linalg.solve_triangular(A, b, lower=True)], mode=mode)
    for x in f(np.array([[1.0, 2.0], [2.0, 0.0]]), np.ones(2)):
        assert np.all(np.isnan(x))
    with pytest.raises(NotImplementedError, match="on_error='raise'"):
        pt.linalg.cholesky(A, on_error="raise")


def test_transposed_solves_the_transpose():
    A, b = pt.dmatrix("A"), pt.dvector("b")
    a, v = matrices(4), rs.normal(size=4)
    x = pytensor.function([A, b], pt.linalg.solve(A, b, transposed=True))(a, v)
    np.testing.assert_array_equal(x, np.linalg.solve(a.T, v))


def kalman(lib, T):
    """A Kalman filter of a 2-d state with 2-d observations: its states and
    the log-likelihood of the observations ys."""
    ys, F, H, Q, R = T.dmatrix("ys"), T.dmatrix("F"), T.dmatrix("H"), T.dmatrix("Q"), T.dmatrix("R")
    m0, P0 = T.dvector("m0"), T.dmatrix("P0")

    def step(y, m, P, ll, F, H, Q, R):
        m_pred, P_pred = T.dot(F, m), T.dot(T.dot(F, P), F.T) + Q
        S = T.dot(T.dot(H, P_pred), H.T) + R
        K = T.dot(T.dot(P_pred, H.T), T.linalg.inv(S))
        e = y - T.dot(H, m_pred)
        ll_t = -0.5 * (T.linalg.slogdet(S)[1] + T.dot(e, T.linalg.solve(S, e)) + 2 * np.log(2 * np.pi))
        return m_pred + T.dot(K, e), P_pred - T.dot(T.dot(K, H), P_pred), ll + ll_t

    (ms, _, lls), _ = lib.scan(step, sequences=[ys], outputs_info=[m0, P0, T.constant(0.0, dtype="float64")],
                               non_sequences=[F, H, Q, R])
    return [ys, F, H, Q, R, m0, P0], ms, lls[-1]


def kalman_numpy(ys, F, H, Q, R, m, P):
    ms, ll = [], 0.0
    for y in ys:
        m, P = F @ m, F @ P @ F.T + Q
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        e = y - H @ m
        ll += -0.5 * (np.linalg.slogdet(S)[1] + e @ np.linalg.solve(S, e) + 2 * np.log(2 * np.pi))
        m, P = m + K @ e, P - K @ H @ P
        ms.append(m)
    return np.array(ms), ll


def kalman_values(T=30):
    F = np.array([[1.0, 0.1], [0.0, 1.0]])
    return [rs.normal(size=(T, 2)), F, np.array([[1.0, 0.0], [0.3, 1.0]]), 0.01 * np.eye(2), 0.5 * np.eye(2),
            np.zeros(2), np.eye(2)]


@pytest.mark.parametrize("mode", [None, "py"])
def test_a_kalman_filter_in_a_scan_step(mode):
    inputs, ms, ll = kalman(pytensor, pt)
    f = pytensor.function(inputs, [ms, ll], mode=mode)
    for T in (30, 1):  # one compiled function, any length
        values = kalman_values(T)
        got_ms, got_ll = f(*values)
        expected_ms, expected_ll = kalman_numpy(*values)
        np.testing.assert_allclose(got_ms, expected_ms, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got_ll, expected_ll, rtol=1e-12)


def test_the_kalman_filter_s_gradient_is_pytensor_s():
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    values = kalman_values()
    results = []
    for lib, T in ((pytensor, pt), (pytensor_, ptt)):
        inputs, _, ll = kalman(lib, T)
        results.append(lib.function(inputs, lib.grad(ll, inputs[1:5]))(*values))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def gaussian_chain(lib, T):
    """A scan whose step draws nothing but scores each row of xs under
    N(mu_t, S_t) through S_t's Cholesky factor (PyMC's way): the summed log-density."""
    xs, W, S0 = T.dmatrix("xs"), T.dmatrix("W"), T.dmatrix("S0")

    def step(x, S, ll, W):
        L = T.linalg.cholesky(S)
        z = T.linalg.solve_triangular(L, x, lower=True)
        ll_t = -0.5 * T.dot(z, z) - T.log(T.diagonal(L)).sum() - np.log(2 * np.pi)
        return T.dot(T.dot(W, S), W.T) + T.eye(2), ll + ll_t

    (_, lls), _ = lib.scan(step, sequences=[xs], outputs_info=[S0, T.constant(0.0, dtype="float64")],
                           non_sequences=[W])
    return [xs, W, S0], lls[-1]


def test_a_cholesky_scored_chain_and_its_gradient_are_pytensor_s():
    values = [rs.normal(size=(12, 2)), np.array([[0.9, 0.1], [0.0, 0.8]]), spd(2)]
    inputs, ll = gaussian_chain(pytensor, pt)
    ours = pytensor.function(inputs, [ll, *pytensor.grad(ll, inputs[1:])])(*values)
    S, expected = values[2], 0.0
    for x in values[0]:
        L = np.linalg.cholesky(S)
        z = np.linalg.solve(L, x)
        expected += -0.5 * z @ z - np.log(np.diag(L)).sum() - np.log(2 * np.pi)
        S = values[1] @ S @ values[1].T + np.eye(2)
    np.testing.assert_allclose(ours[0], expected, rtol=1e-12)
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt
    inputs, ll = gaussian_chain(pytensor_, ptt)
    theirs = pytensor_.function(inputs, [ll, *pytensor_.grad(ll, inputs[1:])])(*values)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-10)


@pytest.mark.parametrize("name", ["inv", "det", "solve vector", "solve matrix", "logdet", "cholesky",
                                  "cholesky upper", "solve_triangular", "solve_triangular upper T",
                                  "solve pos", *(f"solve_triangular unit, lower {lower}, trans {trans}, b {b}"
                                                 for lower in (True, False) for trans in (0, 1) for b in (1, 2))])
def test_gradients_against_finite_differences(name):
    a = matrices(3)
    fun, pts = {
        "inv": (pt.linalg.inv, [a]),
        "det": (pt.linalg.det, [a]),
        "solve vector": (pt.linalg.solve, [a, rs.normal(size=3)]),
        "solve matrix": (pt.linalg.solve, [a, rs.normal(size=(3, 2))]),
        "logdet": (lambda x: pt.linalg.slogdet(x)[1], [a]),
        "cholesky": (lambda x: pt.linalg.cholesky(pt.dot(x, x.T) + pt.eye(3)), [a]),
        "cholesky upper": (lambda x: pt.linalg.cholesky(pt.dot(x, x.T) + pt.eye(3), lower=False), [a]),
        "solve_triangular": (lambda x, b: pt.linalg.solve_triangular(x, b, lower=True), [a, rs.normal(size=3)]),
        "solve_triangular upper T": (lambda x, b: pt.linalg.solve_triangular(x, b, trans="T"),
                                     [a, rs.normal(size=(3, 2))]),
        "solve pos": (lambda x, b: pt.linalg.solve(pt.dot(x, x.T) + pt.eye(3), b, assume_a="pos"),
                      [a, rs.normal(size=3)]),
        # the diagonal is not read, taken as ones: it gets no gradient
        **{f"solve_triangular unit, lower {lower}, trans {trans}, b {b}": (
            lambda x, y, lower=lower, trans=trans: pt.linalg.solve_triangular(x, y, lower=lower, trans=trans,
                                                                              unit_diagonal=True),
            [a, rs.normal(size=(3, 2)[:b])]) for lower in (True, False) for trans in (0, 1) for b in (1, 2)},
    }[name]
    verify_grad(fun, pts, rng=np.random.default_rng(1))


def test_without_numpy_s_lapack_compiling_raises_not_implemented(monkeypatch):
    import scanjit.runtime.lapack as lapack

    monkeypatch.setenv("SCANJIT_CACHE", "0")
    monkeypatch.setattr(lapack, "numpy_lapack", lambda: None)
    A = pt.dmatrix("A")
    with pytest.raises(NotImplementedError, match="scanjit_gesv_f64.*LAPACK of NumPy's wheels"):
        pytensor.function([A], pt.linalg.inv(A))
    np.testing.assert_array_equal(pytensor.function([A], pt.linalg.inv(A), mode="py")(np.eye(2)), np.eye(2))
