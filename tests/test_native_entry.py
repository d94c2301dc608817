"""The native entry (scanjit/runtime/pyentry.ll): a call with arrays of the
inputs' types goes straight to a built-in function that runs the compiled
code and makes the result arrays; anything else is converted first. Both
ways give the same values, dtypes, shapes and errors."""

import gc
import pickle
import sys

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt


class Subclass(np.ndarray):
    pass


@pytest.fixture(scope="module")
def product():
    a, b = pt.dvector("a"), pt.dvector("b")
    return scanjit.function([a, b], a * b)


@pytest.fixture(scope="module")
def several():
    """Outputs of several dtypes and ranks, a scan's (its initial values skipped)."""
    x, n = pt.dmatrix("x"), pt.lscalar("n")
    taps, _ = scanjit.scan(lambda a2, a1: 0.5 * a2 + a1, outputs_info=[{"initial": x[0, :2], "taps": [-2, -1]}],
                           n_steps=n)
    return scanjit.function([x, n], [x.sum(axis=0), x.sum() > 0, pt.cast(x.sum(), "int32"),
                                     pt.cast(x, "float32"), taps])


def expected(x, n):
    taps = list(x[0, :2])
    for _ in range(n):
        taps.append(0.5 * taps[-2] + taps[-1])
    return [x.sum(axis=0), np.bool_(x.sum() > 0), np.int32(int(x.sum())), x.astype(np.float32),
            np.array(taps[2:])]


def test_a_plain_function_calls_the_native_entry(product):
    x, y = np.arange(5.0), np.full(5, 2.0)
    direct = product._entry(x, y)
    np.testing.assert_array_equal(direct, x * y)
    np.testing.assert_array_equal(product(x, y), x * y)


@pytest.mark.parametrize("n", [0, 1, 5])
def test_outputs_of_every_rank_and_dtype(several, n):
    x = np.arange(12.0).reshape(3, 4) - 2
    got = several(x, n)
    assert isinstance(got, list) and len(got) == 5
    for value, want in zip(got, expected(x, n)):
        assert value.dtype == want.dtype and value.shape == np.shape(want)
        np.testing.assert_array_equal(value, want)
        assert type(value) is np.ndarray and value.flags.c_contiguous and value.flags.writeable


def test_results_own_their_buffers(several):
    x = np.arange(12.0).reshape(3, 4)
    taps = several(x, 6)[-1]
    view = taps[2:]  # a view keeps the buffer (scanjit_free poisons freed memory with NaN in tests)
    want = expected(x, 6)[-1][2:].copy()
    del taps
    gc.collect()
    several(x * 3, 6)  # may reuse freed memory
    np.testing.assert_array_equal(view, want)
    view[0] = -1.0  # writeable, its own memory
    assert view[0] == -1.0


def test_calls_leak_no_references(several):
    x = np.ones((3, 4))
    descr, before = np.dtype(np.float64), sys.getrefcount(np.dtype(np.float64))
    arg_refs = sys.getrefcount(x)
    for _ in range(200):
        several(x, 3)
    gc.collect()
    assert sys.getrefcount(descr) == before and sys.getrefcount(x) == arg_refs


@pytest.mark.parametrize("convert", [
    lambda v: list(v),                           # a list
    lambda v: v.astype(np.float32),              # a safe upcast
    lambda v: np.repeat(v, 2)[::2],              # not contiguous
    lambda v: v.astype(">f8"),                   # byte-swapped
    lambda v: v.view(Subclass),                  # not exactly an ndarray
])
def test_arguments_the_entry_declines_are_converted(product, convert):
    x, y = np.arange(4.0), np.full(4, 3.0)
    assert product._entry(convert(x), y) is NotImplemented
    np.testing.assert_array_equal(product(convert(x), y), convert(x) * y)


@pytest.mark.parametrize("make", [
    lambda v: pickle.loads(pickle.dumps(v)),       # another dtype object, equal to float64's
    lambda v: np.frombuffer(v.tobytes(), np.float64),  # read-only: the compiled code never writes it
])
def test_arrays_the_entry_takes_as_they_are(product, make):
    x = make(np.arange(3.0))
    assert type(x) is np.ndarray and x.dtype == np.float64
    np.testing.assert_array_equal(product._entry(x, x), np.arange(3.0) ** 2)


def test_errors_are_raised_from_the_native_report(product):
    with pytest.raises(ValueError, match=r"'a' has shape \(3,\) and 'b' has shape \(4,\)"):
        product(np.ones(3), np.ones(4))
    assert type(product._entry(np.ones(3), np.ones(4))) is bytes
    with pytest.raises(TypeError, match="expected 2 arguments, got 1"):
        product(np.ones(3))
    with pytest.raises(TypeError, match="expects 1 dimensions"):
        product(np.ones((3, 1)), np.ones(3))
    np.testing.assert_array_equal(product(b=np.ones(2), a=np.arange(2.0)), [0.0, 1.0])


def test_an_index_error_from_the_entry():
    x, i = pt.dvector("x"), pt.lscalar("i")
    f = scanjit.function([x, i], x[i])
    assert f(np.arange(3.0), np.array(2)) == 2.0
    assert type(f._entry(np.arange(3.0), np.array(5))) is bytes
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 of 'x' with size 3"):
        f(np.arange(3.0), np.array(5))


def test_static_lengths_are_checked_before_the_native_code():
    x = pt.tensor("x", dtype="float64", shape=(3,))
    f = scanjit.function([x], x * 2)
    assert f._entry is None
    with pytest.raises(ValueError):
        f(np.ones(4))
    np.testing.assert_array_equal(f(np.ones(3)), np.full(3, 2.0))


def test_functions_with_updates_or_flushing_take_the_general_path():
    x = pt.dvector("x")
    total = scanjit.shared(np.zeros(2), "total")
    counting = scanjit.function([x], x.sum(), updates={total: total + x})
    flushing = scanjit.function([x], x * 2, flush_denormals=True)
    assert counting._entry is None and flushing._entry is None
    counting(np.ones(2))
    assert counting(np.ones(2)) == 2.0
    np.testing.assert_array_equal(total.get_value(), [2.0, 2.0])
    np.testing.assert_array_equal(flushing(np.ones(2)), [2.0, 2.0])
