"""`push-out-sequence-products`: a recurrence's products of a sequence's row
and a loop-invariant matrix are one matrix product before the loop; the
results are the reference's (to rounding), the step's shape check and its
message are unchanged, and every way of reading the sequence's rows works."""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.driver.stages import stage_texts


def pushed_out(f) -> bool:
    return "sj.slice" in stage_texts(f)["push-out-sequence-products"] \
        and "sj.slice" not in stage_texts(f)["remove-dead-iter-args"]


def rnn(taps=(0,), n_steps=None, go_backwards=False, dtype="float64"):
    X, h0 = pt.matrix("X", dtype=dtype), pt.vector("h0", dtype=dtype)
    W, U = pt.matrix("W", dtype=dtype), pt.matrix("U", dtype=dtype)

    def step(*args):
        *xs, h, W, U = args
        return pt.tanh(sum(x @ W for x in xs) + h @ U)

    h = scanjit.scan(step, sequences=dict(input=X, taps=list(taps)), outputs_info=h0, non_sequences=[W, U],
                     n_steps=n_steps, go_backwards=go_backwards, return_updates=False)
    return [X, h0, W, U], h


def arguments(rows, H=5, K=3, dtype="float64"):
    rng = np.random.default_rng(rows)
    return [a.astype(dtype) for a in (rng.normal(size=(rows, K)), rng.normal(size=H),
                                      rng.normal(size=(K, H)) * 0.5, rng.normal(size=(H, H)) * 0.5)]


CASES = {
    "tap 0": dict(),
    "taps -2, 0": dict(taps=(-2, 0)),
    "tap +1": dict(taps=(1,)),
    "few steps (a slice)": dict(n_steps=3),
    "backwards": dict(go_backwards=True),
    "float32": dict(dtype="float32"),
}


@pytest.mark.parametrize("rows", [0, 1, 4, 70, 200])
@pytest.mark.parametrize("case", CASES)
def test_results_are_the_reference_s(case, rows):
    options = CASES[case]
    inputs, h = rnn(**options)
    f = scanjit.function(inputs, h)
    if case != "backwards":
        assert pushed_out(f)
    reference = scanjit.function(inputs, h, mode="py")
    args = arguments(rows, dtype=options.get("dtype", "float64"))
    try:
        expected = reference(*args)
    except ValueError:  # fewer rows than the taps or n_steps need
        with pytest.raises(ValueError):
            f(*args)
        return
    tolerance = 1e-5 if options.get("dtype") == "float32" else 1e-13
    np.testing.assert_allclose(f(*args), expected, rtol=tolerance, atol=tolerance)


def test_a_long_sequence_and_few_steps_multiplies_only_the_rows_read():
    """n_steps=3 of 200 rows: the slice branch runs (the whole sequence's
    product would be 66 times the work); its results are the reference's."""
    inputs, h = rnn(n_steps=3)
    f = scanjit.function(inputs, h)
    args = arguments(200)
    np.testing.assert_allclose(f(*args), scanjit.function(inputs, h, mode="py")(*args), rtol=1e-13)


def test_the_step_s_check_still_names_the_mismatch():
    inputs, h = rnn()
    f = scanjit.function(inputs, h)
    X, h0, W, U = arguments(6)
    with pytest.raises(ValueError, match=r"dot of 'X\[t\]' and 'W'"):
        f(X, h0, W[:2], U)
    assert f(X[:0], h0, W[:2], U).shape == (0, 5)  # no step: nothing checked, as before


def test_a_map_keeps_its_products_in_its_parallel_steps():
    X, W = pt.dmatrix("X"), pt.dmatrix("W")
    out = scanjit.scan(lambda x: pt.tanh(x @ W), sequences=X, return_updates=False)
    f = scanjit.function([X, W], out)
    assert not pushed_out(f)
    x, w = np.ones((5, 3)), np.ones((3, 4))
    np.testing.assert_allclose(f(x, w), np.tanh(x @ w))


def test_a_nested_scan_s_product_moves_out_of_the_inner_loop():
    X, h0, W = pt.dtensor3("X"), pt.dvector("h0"), pt.dmatrix("W")

    def outer(x_rows, h):
        inner = scanjit.scan(lambda x, g: pt.tanh(x @ W + g), sequences=x_rows, outputs_info=h,
                             return_updates=False)
        return inner[-1]

    h = scanjit.scan(outer, sequences=X, outputs_info=h0, return_updates=False)
    f = scanjit.function([X, h0, W], h)
    assert pushed_out(f)
    rng = np.random.default_rng(5)
    args = rng.normal(size=(4, 6, 3)), rng.normal(size=2), rng.normal(size=(3, 2))
    np.testing.assert_allclose(f(*args), scanjit.function([X, h0, W], h, mode="py")(*args), rtol=1e-13)
