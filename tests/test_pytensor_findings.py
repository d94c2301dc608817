"""scanjit bugs found by comparing with PyTensor (test_fuzz_pytensor.py), reduced
to minimal programs; expected values come from NumPy. Marked xfail(strict=True)
until fixed: a fix makes them pass, and then the mark must go.
"""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt


def running_sum(x):
    return scanjit.scan(lambda a, h: h + a, sequences=[x], outputs_info=[pt.constant(0.0, dtype="float64")],
                        return_updates=False)


@pytest.mark.xfail(strict=True, raises=TypeError,
                   reason="out[-1] of a recurrent output is the scan's final-state output, which "
                          "set_subtensor/inc_subtensor do not take as a part of `out` (TypeError)")
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


@pytest.mark.xfail(strict=True, raises=IndexError,
                   reason="step code that depends only on non-sequences is computed once before the "
                          "loop, also when no step runs: c[1] raises IndexError though no step reads it")
def test_a_scan_of_no_step_runs_none_of_its_step():
    v, c, h0, g0 = pt.dvector("v"), pt.dvector("c"), pt.dscalar("h0"), pt.dscalar("g0")
    h, g = scanjit.scan(lambda a, h, g: [pt.tanh(c[1]), pt.tanh(g + a)], sequences=[v], outputs_info=[h0, g0],
                        return_updates=False)
    f = scanjit.function([v, h0, g0, c], [h, g])
    for out in f(np.zeros(0), 0.0, 0.0, np.ones(1)):  # as a Python loop over no row: nothing is indexed
        assert out.shape == (0,)
