"""pytensor.scan.views: map, reduce, foldl, foldr and filter, against NumPy,
compiled and by the reference interpreter."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.scan.views import filter as scan_filter

VALUES = np.array([1.0, 4.0, 6.0, 7.0, 8.0, 3.0])


@pytest.mark.parametrize("mode", [None, "py"])
def test_filter_one_mask(mode):
    v = pt.dvector("v")
    even = pytensor.function([v], scan_filter(lambda x: pt.eq(x % 2, 0), v), mode=mode)
    np.testing.assert_array_equal(even(VALUES), VALUES[VALUES % 2 == 0])
    np.testing.assert_array_equal(even(VALUES[:0]), VALUES[:0])


@pytest.mark.parametrize("mode", [None, "py"])
def test_filter_masks_per_sequence_and_one_for_all(mode):
    v, w = pt.dvector("v"), pt.dvector("w")
    each = scan_filter(lambda a, b: (pt.eq(a % 2, 0), pt.gt(b, 5)), [v, w])
    both = scan_filter(lambda a, b: pt.gt(a + b, 9), [v, w])
    f = pytensor.function([v, w], each + both, mode=mode)
    w_values = VALUES[::-1].copy()
    got = f(VALUES, w_values)
    for result, expected in zip(got, [VALUES[VALUES % 2 == 0], w_values[w_values > 5],
                                      VALUES[VALUES + w_values > 9], w_values[VALUES + w_values > 9]]):
        np.testing.assert_array_equal(result, expected)


def test_filter_backwards_keeps_each_mask_with_its_element():
    v = pt.dvector("v")
    f = pytensor.function([v], scan_filter(lambda x: pt.gt(x, 5), v, go_backwards=True))
    np.testing.assert_array_equal(f(VALUES), VALUES[VALUES > 5])


def test_filter_checks_its_masks():
    v = pt.dvector("v")
    with pytest.raises(TypeError, match="sequences must be a list"):
        scan_filter(lambda x: (pt.gt(x, 1), pt.gt(x, 2)), v)
    with pytest.raises(ValueError, match="Number of masks"):
        scan_filter(lambda a, b: (pt.gt(a, 1), pt.gt(b, 1), pt.gt(a, b)), [v, v])


def test_views_take_pytensors_arguments():
    v = pt.dvector("v")
    mapped = pytensor.map(lambda x: abs(x), v, [], truncate_gradient=-1, go_backwards=False,
                          return_updates=False)
    total = pytensor.reduce(lambda x, acc: acc + x, v, pt.constant(np.asarray(0.0)), return_updates=False)
    with pytest.warns(DeprecationWarning):
        last, updates = pytensor.foldr(lambda x, acc: acc * 0.5 + x, v, pt.constant(np.asarray(0.0)))
    assert not updates
    got = pytensor.function([v], [mapped, total, last])(-VALUES)
    expected_last = 0.0
    for x in -VALUES[::-1]:
        expected_last = expected_last * 0.5 + x
    np.testing.assert_array_equal(got[0], VALUES)
    assert got[1] == -VALUES.sum() and got[2] == expected_last


def test_filter_matches_pytensor():
    pytensor_ = pytest.importorskip("pytensor")
    import importlib
    theirs = importlib.import_module("pytensor.scan.views").filter
    tv = pytensor_.tensor.dvector("v")
    expected = pytensor_.function([tv], theirs(lambda x: pytensor_.tensor.gt(x, 5), tv))(VALUES)
    v = pt.dvector("v")
    np.testing.assert_array_equal(pytensor.function([v], scan_filter(lambda x: pt.gt(x, 5), v))(VALUES),
                                  expected)
