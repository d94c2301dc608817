"""Arrays of any memory layout read correctly: views, strides, Fortran order,
byte order, misalignment, read-only, as shared values (borrowed or not,
through shared() and set_value) and as call arguments."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt


def unaligned(n: int) -> np.ndarray:
    raw = np.zeros(n * 8 + 1, np.uint8)
    a = raw[1:].view(np.float64)
    a[:] = np.arange(n)
    assert not a.flags.aligned
    return a


def read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


LAYOUTS = {
    "reversed": lambda: np.arange(8.0)[::-1],
    "strided": lambda: np.arange(16.0)[::2],
    "fortran": lambda: np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "transposed": lambda: np.arange(12.0).reshape(4, 3).T,
    "column": lambda: np.arange(12.0).reshape(4, 3)[:, 1],
    "big-endian": lambda: np.arange(6.0).astype(">f8"),
    "unaligned": lambda: unaligned(7),
    "read-only": lambda: read_only(np.arange(5.0)),
    "negative strides 2-d": lambda: np.arange(12.0).reshape(3, 4)[::-1, ::-2],
    "0-d": lambda: np.float64(3.5) * np.ones(()),
}


def graph(s):
    return [s * 2, s.sum()] if s.ndim else [s * 2, s + 1]


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("borrow", [False, True])
def test_shared_values(layout, borrow):
    value = LAYOUTS[layout]()
    want = [np.asarray(value) * 2, np.asarray(value).sum() if value.ndim else value + 1]
    s = pytensor.shared(value, borrow=borrow)
    for mode in (None, "py"):
        for got, w in zip(pytensor.function([], graph(s), mode=mode)(), want):
            np.testing.assert_array_equal(got, w)
    s.set_value(LAYOUTS[layout](), borrow=borrow)
    for got, w in zip(pytensor.function([], graph(s))(), want):
        np.testing.assert_array_equal(got, w)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_call_arguments(layout):
    value = LAYOUTS[layout]()
    x = pt.tensor("x", dtype="float64", shape=(None,) * value.ndim)
    want = [np.asarray(value) * 2, np.asarray(value).sum() if value.ndim else value + 1]
    for got, w in zip(pytensor.function([x], graph(x))(value), want):
        np.testing.assert_array_equal(got, w)


def test_a_large_reversed_borrowed_view():
    """It was read as contiguous from its start: past the end of the buffer."""
    s = pytensor.shared(np.arange(10.0**6)[::-1], borrow=True)
    assert pytensor.function([], s.sum())() == np.arange(10.0**6).sum()
