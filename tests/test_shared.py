"""Shared variables: copy semantics, implicit inputs and updates."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt


def test_get_and_set_value_copy_unless_borrowed():
    data = np.arange(3.0)
    w = pytensor.shared(data, name="w")
    data[0] = 100.0
    assert w.get_value()[0] == 0.0
    got = w.get_value()
    got[1] = 50.0
    assert w.get_value()[1] == 1.0
    w.set_value(np.ones(3))
    np.testing.assert_array_equal(w.get_value(), np.ones(3))
    assert w.get_value(borrow=True) is w.get_value(borrow=True)
    with pytest.raises(TypeError, match="'w'"):
        w.set_value(np.ones((2, 2)))


def test_shared_is_an_implicit_input_and_updates_apply_after_the_call():
    count = pytensor.shared(np.int64(0), name="count")
    x = pt.dvector("x")
    acc = pytensor.shared(np.zeros(3), name="acc")
    f = pytensor.function([x], [acc + x, count], updates={acc: acc + x, count: count + 1})
    before, seen = f(np.ones(3))
    np.testing.assert_array_equal(before, np.ones(3))
    assert seen == 0  # outputs see the values before the updates
    f(np.ones(3))
    np.testing.assert_array_equal(acc.get_value(), [2.0, 2.0, 2.0])
    assert count.get_value() == 2


def test_shared_as_a_non_sequence_reads_the_current_value():
    w = pytensor.shared(np.array([1.0, 2.0]), name="w")
    v = pt.dvector("v")
    out, updates = pytensor.scan(lambda a, w: a * w, sequences=[v], non_sequences=[w])
    assert updates == {}
    f = pytensor.function([v], out)
    np.testing.assert_array_equal(f(np.array([1.0, 3.0])), [[1.0, 2.0], [3.0, 6.0]])
    w.set_value(np.array([0.0, 1.0]))
    np.testing.assert_array_equal(f(np.array([1.0, 3.0])), [[0.0, 1.0], [0.0, 3.0]])


def test_update_type_must_match():
    w = pytensor.shared(np.zeros(3), name="w")
    with pytest.raises(TypeError, match="'w'"):
        pytensor.function([], w.sum(), updates={w: w.sum()})
