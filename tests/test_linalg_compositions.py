"""pt.linalg's compositions of other ops: block_diag, cho_solve, tensorinv,
tensorsolve, solve_discrete_lyapunov. Against NumPy, compiled and in
mode="py", inside a scan step, their gradients by finite differences, and
against PyTensor (which computes them with SciPy) when installed."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad

MODES = (None, "py")
rng = np.random.default_rng(2026)
M = rng.random((4, 4))
SPD = M @ M.T + 4 * np.eye(4)
LOWER = np.linalg.cholesky(SPD)
B = rng.random((4, 2))
STABLE = rng.random((3, 3)) * 0.5
Q = np.eye(3) + 0.1 * np.ones((3, 3))


def numpy_block_diag(*matrices):
    out = np.zeros((sum(m.shape[0] for m in matrices), sum(m.shape[1] for m in matrices)),
                   np.result_type(*matrices))
    r = c = 0
    for m in matrices:
        out[r:r + m.shape[0], c:c + m.shape[1]] = m
        r, c = r + m.shape[0], c + m.shape[1]
    return out


# name: (f(linalg module, *inputs), NumPy's result of the values, inputs as (dtype, static shape, value), exact)
CASES = {
    "block_diag": (lambda la, a, b, c: la.block_diag(a, b, c), numpy_block_diag,
                   [("float64", (None, None), rng.random((2, 3))), ("float64", (None, 1), rng.random((3, 1))),
                    ("int32", (2, 2), np.arange(4, dtype="int32").reshape(2, 2))], True),
    "block_diag empty": (lambda la, a, b: la.block_diag(a, b), numpy_block_diag,
                         [("float32", (None, None), np.zeros((0, 2), "float32")),
                          ("float32", (None, None), np.ones((2, 0), "float32"))], True),
    "cho_solve lower": (lambda la, c, b: la.cho_solve((c, True), b), lambda c, b: np.linalg.solve(c @ c.T, b),
                        [("float64", (None, None), LOWER), ("float64", (None, None), B)], False),
    "cho_solve upper, vector": (lambda la, c, b: la.cho_solve((c, False), b),
                                lambda c, b: np.linalg.solve(c.T @ c, b),
                                [("float64", (None, None), LOWER.T), ("float64", (None,), B[:, 0])], False),
    "tensorinv": (lambda la, a: la.tensorinv(a, ind=1), lambda a: np.linalg.tensorinv(a, ind=1),
                  [("float64", (None, None, None), rng.random((6, 2, 3)))], False),
    "tensorsolve": (lambda la, a, b: la.tensorsolve(a, b), np.linalg.tensorsolve,
                    [("float64", (None, None, None), rng.random((2, 3, 6))),
                     ("float64", (None, None), rng.random((2, 3)))], False),
    "tensorsolve axes": (lambda la, a, b: la.tensorsolve(a, b, axes=(0,)),
                         lambda a, b: np.linalg.tensorsolve(a, b, axes=(0,)),
                         [("float64", (None, None, None), rng.random((3, 6, 2))), ("float64", (None,), rng.random(6))],
                         False),
    "solve_discrete_lyapunov": (lambda la, a, q: la.solve_discrete_lyapunov(a, q),
                                lambda a, q: np.linalg.solve(np.eye(9) - np.kron(a, a), q.ravel()).reshape(3, 3),
                                [("float64", (None, None), STABLE), ("float64", (None, None), Q)], False),
}


def build(lib, case):
    f, _, inputs, _ = case
    xs = [lib.tensor(dtype=d, shape=s) for d, s, _ in inputs]
    return xs, f(lib.linalg, *xs)


def check(got, expected, exact):
    if exact:
        np.testing.assert_array_equal(got, expected, strict=True)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)
        assert got.dtype == expected.dtype


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", list(CASES))
def test_against_numpy(name, mode):
    case = CASES[name]
    xs, out = build(pt, case)
    values = [np.asarray(v, d) for d, _, v in case[2]]
    check(pytensor.function(xs, out, mode=mode)(*values), case[1](*values), case[3])


@pytest.mark.parametrize("mode", MODES)
def test_inside_a_scan_step(mode):
    """A covariance recursion from the Lyapunov equation's fixed point:
    each step P = A P Aᵀ + Q stays at it, read through cho_solve."""
    A, Qv = pt.dmatrix("A"), pt.dmatrix("Q")
    P0 = pt.linalg.solve_discrete_lyapunov(A, Qv)

    def step(P):
        P = pt.dot(pt.dot(A, P), A.T) + Qv
        return P, pt.linalg.cho_solve((pt.linalg.cholesky(P), True), pt.linalg.block_diag(Qv, Qv)[:3, :3])

    (Ps, Xs), _ = pytensor.scan(step, outputs_info=[P0, None], n_steps=3)
    got_P, got_X = pytensor.function([A, Qv], [Ps, Xs], mode=mode)(STABLE, Q)
    fixed = np.linalg.solve(np.eye(9) - np.kron(STABLE, STABLE), Q.ravel()).reshape(3, 3)
    np.testing.assert_allclose(got_P, [fixed] * 3, rtol=1e-12)
    np.testing.assert_allclose(got_X, [np.linalg.solve(fixed, Q)] * 3, rtol=1e-10)


@pytest.mark.parametrize("name", ["block_diag", "cho_solve lower", "cho_solve upper, vector", "tensorinv",
                                  "tensorsolve axes", "solve_discrete_lyapunov"])
def test_gradients_by_finite_differences(name):
    f, _, inputs, _ = CASES[name]
    floats = [k for k, (d, _, _) in enumerate(inputs) if d.startswith("float")]
    values = [np.asarray(v, d) for d, _, v in inputs]

    def fun(*xs):
        args = list(values)
        for k, x in zip(floats, xs):
            args[k] = x
        return f(pt.linalg, *args)

    verify_grad(fun, [values[k].astype("float64") for k in floats], rng=np.random.default_rng(0))


def test_invalid_inputs_raise():
    x, b = pt.tensor3("x"), pt.dmatrix("b")
    f = pytensor.function([x, b], pt.linalg.tensorsolve(x, b))
    with pytest.raises(np.linalg.LinAlgError, match="prod"):
        f(np.ones((2, 3, 5)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="Invalid ind"):
        pt.linalg.tensorinv(x, ind=0)
    with pytest.raises(ValueError, match='"direct" or "bilinear"'):
        pt.linalg.solve_discrete_lyapunov(b, b, method="schur")
    with pytest.raises(NotImplementedError, match="batches of matrices"):
        pt.linalg.block_diag(x, b)


@pytest.mark.parametrize("name", list(CASES))
def test_as_pytensor(name):
    pytensor_ = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    case = CASES[name]
    values = [np.asarray(v, d) for d, _, v in case[2]]
    xs, out = build(ptt, case)
    expected = pytensor_.function(xs, out, mode="FAST_COMPILE")(*values)
    ours_xs, ours = build(pt, case)
    assert ours.dtype == out.dtype
    # PyTensor types tensorsolve's result a matrix whatever its axes (here a vector)
    assert ours.ndim == (np.ndim(expected) if name == "tensorsolve" else out.ndim)
    check(pytensor.function(ours_xs, ours)(*values), np.asarray(expected), case[3])
