"""What comparing with PyTensor (test_fuzz_pytensor.py) found, reduced to
minimal programs; expected values come from NumPy."""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt


def running_sum(x):
    return scanjit.scan(lambda a, h: h + a, sequences=[x], outputs_info=[pt.constant(0.0, dtype="float64")],
                        return_updates=False)


@pytest.mark.parametrize("how", ["set", "inc"])
def test_set_subtensor_of_the_last_row_of_a_recurrent_output(how):
    x = pt.dvector("x")
    h = running_sum(x)
    change = pt.set_subtensor if how == "set" else pt.inc_subtensor
    f = scanjit.function([x], change(h[-1], 5.0))
    value = np.arange(1.0, 4.0)
    expected = np.cumsum(value)
    expected[-1] = 5.0 if how == "set" else expected[-1] + 5.0
    np.testing.assert_array_equal(f(value), expected)


def test_step_code_of_non_sequences_runs_once_before_the_loop_also_for_no_step():
    """A deliberate difference (docs/scan.md): step code that depends only on
    non-sequences is computed once, before the loop, as PyTensor's push-out
    rewrite computes it, also when no step runs; its errors are raised."""
    v, c, h0, g0 = pt.dvector("v"), pt.dvector("c"), pt.dscalar("h0"), pt.dscalar("g0")
    h, g = scanjit.scan(lambda a, h, g: [pt.tanh(c[1]), pt.tanh(g + a)], sequences=[v], outputs_info=[h0, g0],
                        return_updates=False)
    for mode in (None, "py"):
        f = scanjit.function([v, h0, g0, c], [h, g], mode=mode)
        with pytest.raises(IndexError, match="index 1 is out of bounds for axis 0 of 'c' with size 1"):
            f(np.zeros(0), 0.0, 0.0, np.ones(1))
        assert f(np.zeros(0), 0.0, 0.0, np.ones(2))[0].shape == (0,)
