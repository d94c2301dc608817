"""scan's arguments are checked as PyTensor checks them, with clear errors."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt


@pytest.mark.parametrize("taps", [[-1, -1], [0, 1, 0]])
def test_duplicate_taps_raise(taps):
    x = pt.dvector("x")
    with pytest.raises(ValueError, match="repeat"):
        pytensor.scan(lambda *a: a[0], sequences=[dict(input=x, taps=taps)])
    with pytest.raises(ValueError, match="repeat"):
        pytensor.scan(lambda *a: a[0], outputs_info=[dict(initial=x, taps=[-t - 1 for t in taps])],
                      n_steps=2)


@pytest.mark.parametrize("taps", [[], [1.5], [-1.0], "a", [True]])
def test_taps_must_be_integers(taps):
    x = pt.dvector("x")
    with pytest.raises(ValueError, match="taps"):
        pytensor.scan(lambda *a: a[0], sequences=[dict(input=x, taps=taps)])
    with pytest.raises(ValueError, match="taps"):
        pytensor.scan(lambda *a: a[0], outputs_info=[dict(initial=x, taps=taps)], n_steps=2)


@pytest.mark.parametrize("mode", [None, "py"])
def test_a_scalar_tap_is_a_list_of_one(mode):
    x = pt.dvector("x")
    out, _ = pytensor.scan(lambda a, b: a + b, sequences=[dict(input=x, taps=1)],
                           outputs_info=[dict(initial=x, taps=-2)])
    want = [1.0 + 0.0, 2.0 + 1.0, 3.0 + 1.0]
    np.testing.assert_array_equal(pytensor.function([x], out, mode=mode)(np.arange(4.0)), want)


@pytest.mark.parametrize("mode", [None, "py"])
def test_empty_outputs_info_means_per_step_outputs(mode):
    x = pt.dvector("x")
    out, _ = pytensor.scan(lambda a: a * 2, sequences=[x], outputs_info=[])
    np.testing.assert_array_equal(pytensor.function([x], out, mode=mode)(np.arange(3.0)), [0.0, 2.0, 4.0])


@pytest.mark.parametrize("mode", [None, "py"])
def test_a_huge_tap_raises_value_error_not_memory_error(mode):
    init = pt.dvector("init")
    out, _ = pytensor.scan(lambda a: a + 1, outputs_info=[dict(initial=init, taps=[-2**40])], n_steps=2)
    with pytest.raises(ValueError, match="needs 1099511627776 initial values"):
        pytensor.function([init], out, mode=mode)(np.ones(3))


def test_too_few_static_initial_values_raise_when_building():
    with pytest.raises(ValueError, match="needs 3 initial values.*has 2"):
        pytensor.scan(lambda a, b: a + b, outputs_info=[dict(initial=np.ones(2), taps=[-3, -1])],
                      n_steps=2)


def test_step_returning_non_tensors_raises():
    x = pt.dvector("x")
    with pytest.raises(ValueError, match="step function"):
        pytensor.scan(lambda a: "abc", sequences=[x])
    with pytest.raises(ValueError, match="outputs first"):
        pytensor.scan(lambda a: (pytensor.until(a > 0), a), sequences=[x])


def test_strict_scan_needs_shared_variables_in_non_sequences():
    """PyTensor's strict=True: a shared variable the step reads but does not
    update must be a non-sequence; an updated one need not."""
    w = pytensor.shared(np.eye(2), name="w")
    x0 = pt.dvector("x0")
    with pytest.raises(pytensor.MissingInputError, match="'w'|w is needed"):
        pytensor.scan(lambda x: pt.dot(x, w), outputs_info=[x0], n_steps=3, strict=True,
                      return_updates=False)
    out = pytensor.scan(lambda x, w: pt.dot(x, w), outputs_info=[x0], non_sequences=[w], n_steps=3,
                        strict=True, return_updates=False)
    np.testing.assert_array_equal(pytensor.function([x0], out)(np.array([1.0, 2.0]))[-1], [1.0, 2.0])
    count = pytensor.shared(0.0, name="count")
    _, updates = pytensor.scan(lambda: (pt.zeros(()), {count: count + 1}), n_steps=4, strict=True)
    pytensor.function([], [], updates=updates)()
    assert count.get_value() == 4.0


def test_return_updates_as_pytensor_3():
    """The default (return_updates=True) warns of the coming API; False
    returns the outputs alone and refuses to drop updates; a scan with no
    outputs returns None for them."""
    x = pytensor.shared(np.array(0.0), name="x")
    with pytest.warns(DeprecationWarning, match="Scan return signature will change"):
        traced, updates = pytensor.scan(lambda: {x: x + 1}, outputs_info=[], n_steps=5)
    assert traced is None and list(updates) == [x]
    with pytest.raises(ValueError, match="return_updates=False but Scan produced updates"):
        pytensor.scan(lambda: {x: x + 1}, outputs_info=[], n_steps=5, return_updates=False)
    h = pytensor.scan(lambda h: h + 1, outputs_info=[x], n_steps=5, return_updates=False)
    assert pytensor.function([], h)()[-1] == 5.0


def test_strict_scan_accepts_non_sequences_computed_from_shared_variables():
    """A non-sequence is an input of the step: the shared variables of its
    graph are outside the step (PyTensor's test_non_shaped_input_disconnected_gradient)."""
    rng = pytensor.shared(np.random.default_rng(3))
    data = pt.arange(16.0)
    datum = data[pt.random.integers(16, rng=rng)]
    out = pytensor.scan(lambda s, d: (d + s) ** 2, sequences=[pt.zeros(2)], non_sequences=[datum],
                        strict=True, return_updates=False)
    got = pytensor.function([], out)()
    expected_datum = np.random.default_rng(3).integers(16)
    np.testing.assert_array_equal(got, [expected_datum ** 2.0] * 2)
