"""pt.vectorize and vectorize_graph: a core graph applied over leading batch
axes, broadcast between the inputs; elementwise graphs as they are, others
as a scan over the flattened batch. Against NumPy sums, PyTensor's
vectorize, finite differences; every batch length, none included."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad
from scanjit.graph import toposort
from scanjit.scan.op import ScanOp
from scanjit.scan.vectorize import vectorize_graph

rs = np.random.default_rng(20261207)


def test_a_matrix_vector_product_over_a_batch():
    x, v = pt.dmatrix("x"), pt.dvector("v")
    xs, vs = pt.dtensor3("xs"), pt.dmatrix("vs")
    out = vectorize_graph(pt.dot(x, v) + x.sum(), {x: xs, v: vs})
    f = pytensor.function([xs, vs], out)
    for batch in (5, 1, 0):  # one function for every batch length
        a, b = rs.normal(size=(batch, 3, 4)), rs.normal(size=(batch, 4))
        np.testing.assert_allclose(f(a, b), np.einsum("bmn,bn->bm", a, b) + a.sum(axis=(1, 2))[:, None])


def test_signature_and_broadcast_batch_axes():
    solve = pt.vectorize(lambda m, y: pt.linalg.solve(m @ m.T + pt.eye(3), y), signature="(m,m),(m)->(m)")
    m, y = pt.dtensor4("m"), pt.dmatrix("y")
    got = pytensor.function([m, y], solve(m, y))(M := rs.normal(size=(2, 4, 3, 3)), Y := rs.normal(size=(4, 3)))
    want = np.array([[np.linalg.solve(M[i, j] @ M[i, j].T + np.eye(3), Y[j]) for j in range(4)] for i in range(2)])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert got.shape == (2, 4, 3)


def test_elementwise_graphs_broadcast_without_a_loop():
    xs, ys = pt.dtensor3("xs"), pt.dmatrix("ys")
    out = pt.vectorize(lambda a, b: pt.exp(a) * 2 + b)(xs, ys[:, None, :])
    assert not any(isinstance(node.op, ScanOp) for node in toposort([out]))
    a, b = rs.normal(size=(2, 3, 4)), rs.normal(size=(2, 4))
    np.testing.assert_allclose(pytensor.function([xs, ys], out)(a, b), np.exp(a) * 2 + b[:, None, :])


def test_outputs_independent_of_the_inputs_stay_as_they_are():
    x, w = pt.dvector("x"), pt.dvector("w")
    xs = pt.dmatrix("xs")
    batched, fixed = vectorize_graph([pt.sort(x) * w, w.sum()], {x: xs})
    assert fixed.ndim == 0
    a, b = rs.normal(size=(4, 3)), rs.normal(size=3)
    got = pytensor.function([xs, w], [batched, fixed])(a, b)
    np.testing.assert_allclose(got[0], np.sort(a, axis=1) * b)
    np.testing.assert_allclose(got[1], b.sum())


def test_gradient_through_the_batch():
    a, b = rs.normal(size=(3, 2, 4)), rs.normal(size=(3, 4))
    verify_grad(lambda xs, vs: pt.vectorize(pt.dot, signature="(m,n),(n)->(m)")(xs, vs) ** 2, [a, b],
                rng=np.random.default_rng(1))


def test_errors():
    with pytest.raises(ValueError, match="takes 2 inputs, got 1"):
        pt.vectorize(pt.dot, signature="(m,n),(n)->(m)")(pt.dtensor3())
    with pytest.raises(ValueError, match="fewer axes than its core"):
        pt.vectorize(pt.dot, signature="(m,n),(n)->(m)")(pt.dvector(), pt.dvector())
    x = pt.dmatrix()
    with pytest.raises(ValueError, match="fewer axes than the variable it replaces"):
        vectorize_graph(x.sum(), {x: pt.dvector()})


def test_against_pytensor():
    ptt = pytest.importorskip("pytensor.tensor")
    import pytensor as theirs

    a, b = rs.normal(size=(2, 5, 3, 4)), rs.normal(size=(5, 4))
    for signature, build in [("(m,n),(n)->(m)", lambda lib: lambda p, q: lib.dot(p, q) + lib.max(p)),
                             ("(m,n),(n)->()", lambda lib: lambda p, q: lib.sum(lib.exp(p) @ q))]:
        ours = pt.vectorize(build(pt), signature=signature)(x := pt.dtensor4(), y := pt.dmatrix())
        reference = ptt.vectorize(build(ptt), signature=signature)(u := ptt.dtensor4(), w := ptt.dmatrix())
        assert ours.dtype == reference.dtype and ours.ndim == reference.ndim
        np.testing.assert_allclose(pytensor.function([x, y], ours)(a, b), theirs.function([u, w], reference)(a, b),
                                   rtol=1e-12)
