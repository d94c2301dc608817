"""Scan outputs the function does not return are not computed
(remove-dead-iter-args), and dropping them changes no result; matrix-vector
products of loop-invariant matrices read a packed copy (convert-sj-to-loops)
and give the same bits as the product outside a loop."""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.driver.stages import stage_texts


def both(inputs, outputs, *args):
    """The compiled results and the reference interpreter's."""
    compiled = scanjit.function(inputs, outputs)(*args)
    reference = scanjit.function(inputs, outputs, mode="py")(*args)
    return compiled, reference


def dead_and_live(x):
    return scanjit.scan(lambda xt, h: (h + xt, pt.exp(xt) * 3.0, h * xt), sequences=[x],
                        outputs_info=[np.float64(0), None, None], return_updates=False)


@pytest.mark.parametrize("keep", [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]])
def test_any_subset_of_outputs_gives_the_same_values(keep):
    x = pt.dvector("x")
    outs = dead_and_live(x)
    data = np.linspace(-1, 1, 7)
    compiled, reference = both([x], [outs[k] for k in keep], data)
    for c, r in zip(compiled, reference):
        np.testing.assert_array_equal(c, r)


def test_a_dead_output_is_not_computed():
    x = pt.dvector("x")
    outs = dead_and_live(x)
    after = [stage_texts(scanjit.function([x], out))["simplify"] for out in outs[:2]]
    assert "math.exp" not in after[0] and "math.exp" in after[1]


def test_a_dead_output_that_reads_out_of_range_still_raises():
    """A step's check has an effect: the output it guards is kept."""
    x, i = pt.dvector("x"), pt.lscalar("i")
    live, dead = scanjit.scan(lambda xt, h: (h + xt, x[i] * xt), sequences=[x],
                              outputs_info=[np.float64(0), None], return_updates=False)
    f = scanjit.function([x, i], live)
    np.testing.assert_array_equal(f(np.ones(3), 1), [1, 2, 3])
    with pytest.raises(IndexError):
        f(np.ones(3), 5)


def test_the_gradient_of_one_parameter_computes_no_other():
    x, h0, w, u = pt.dvector("x"), pt.dscalar("h0"), pt.dscalar("w"), pt.dscalar("u")
    h = scanjit.scan(lambda xt, h: pt.tanh(xt * w + h * u), sequences=[x], outputs_info=[h0],
                     return_updates=False)
    args = (np.linspace(0, 1, 5), 0.1, 0.7, 0.3)
    both_grads = scanjit.function([x, h0, w, u], scanjit.grad(h.sum(), [w, u]))(*args)
    only_w = scanjit.function([x, h0, w, u], scanjit.grad(h.sum(), w))(*args)
    assert only_w == both_grads[0]


@pytest.mark.parametrize("form", ["M@v", "v@U.T", "dot(M, v)"])
@pytest.mark.parametrize("size", [1, 7, 8, 9, 64, 67])
def test_matrix_vector_products_in_a_loop_are_bit_identical(form, size):
    M, X, h0 = pt.dmatrix("M"), pt.dmatrix("X"), pt.dvector("h0")
    product = {"M@v": lambda v: M @ v, "v@U.T": lambda v: v @ M.T, "dot(M, v)": lambda v: pt.dot(M, v)}[form]
    h = scanjit.scan(lambda xt, h: product(h) * 0.5 + xt, sequences=[X], outputs_info=[h0],
                     return_updates=False)
    rng = np.random.default_rng(size)
    m, xs, start = rng.normal(size=(size, size)), rng.normal(size=(4, size)), rng.normal(size=size)
    compiled = scanjit.function([M, X, h0], h)(m, xs, start)
    one_step = scanjit.function([M, X, h0], product(h0) * 0.5 + X[0])  # no loop: not packed
    expected, state = [], start
    for row in xs:
        state = one_step(m, row[None, :], state)
        expected.append(state)
    np.testing.assert_array_equal(compiled, expected)
    np.testing.assert_allclose(compiled[0], m @ start * 0.5 + xs[0], rtol=1e-12)


def test_a_matrix_vector_product_in_a_loop_over_no_steps():
    M, X, h0 = pt.dmatrix("M"), pt.dmatrix("X"), pt.dvector("h0")
    h = scanjit.scan(lambda xt, h: M @ h + xt, sequences=[X], outputs_info=[h0], return_updates=False)
    out = scanjit.function([M, X, h0], h)(np.ones((3, 3)), np.zeros((0, 3)), np.ones(3))
    assert out.shape == (0, 3)
