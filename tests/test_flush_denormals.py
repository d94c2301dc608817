"""`function(..., flush_denormals=True)` (and `config.flush_denormals`):
calls run with subnormal results and operands flushed to zero, on every
thread of the call, and the caller's mode is restored after each call,
also one that raises; the default stays IEEE (NumPy's results)."""

import pickle
import platform

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit import config
from test_parallel import parallel, pool

pytestmark = pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64", "aarch64", "arm64"),
                                reason="flush-to-zero is set on x86-64 and AArch64 only")
TINY = np.array([1e-300, 1e-310, -1e-315, 1.0, 0.0])


def callers_mode_is_ieee() -> bool:
    return np.float64(1e-300) * np.float64(1e-10) != 0 and np.float64(1e-310) * 2 != 0


def scaled(flush=None):
    x = pt.dvector("x")
    return scanjit.function([x], [x * 1e-10, x * 2.0], flush_denormals=flush)


def test_results_and_operands_are_flushed_and_the_callers_mode_restored():
    small, doubled = scaled(True)(TINY)
    np.testing.assert_array_equal(small, [0.0, 0.0, -0.0, 1e-10, 0.0])  # FTZ: results
    np.testing.assert_array_equal(doubled, [2e-300, 0.0, -0.0, 2.0, 0.0])  # DAZ: operands
    assert np.signbit(small[2])
    assert callers_mode_is_ieee()


def test_the_default_is_ieee_as_numpy():
    small, doubled = scaled()(TINY)
    np.testing.assert_array_equal(small, TINY * 1e-10)
    np.testing.assert_array_equal(doubled, TINY * 2.0)


def test_config_sets_the_default(monkeypatch):
    monkeypatch.setattr(config, "flush_denormals", True)
    assert scaled()(TINY)[0][1] == 0.0
    assert scaled(False)(TINY)[0][1] != 0.0


def test_a_call_that_raises_restores_the_callers_mode():
    x, i = pt.dvector("x"), pt.lscalar("i")
    f = scanjit.function([x, i], x[i] * 1e-10, flush_denormals=True)
    assert f(TINY, 0) == 0.0
    with pytest.raises(IndexError):
        f(TINY, 10)
    assert callers_mode_is_ieee()


def test_a_recurrence_decaying_into_subnormals_stops_at_zero():
    """A taps recurrence as workload 3's (decaying faster): with the flag its
    tail is exactly 0, and the values before it are IEEE's."""
    a0 = pt.dvector("a0")
    out = scanjit.scan(lambda a2, a1: 0.5 * a2 + 0.3 * a1, outputs_info=[dict(initial=a0, taps=[-2, -1])],
                       n_steps=8000, return_updates=False)
    ieee, flushed = (scanjit.function([a0], out, flush_denormals=flag)(np.array([1.0, 1.0]))
                     for flag in (False, True))
    assert ieee[-1] != 0 and flushed[-1] == 0.0 and (np.abs(ieee) < np.finfo(np.float64).tiny).any()
    first = np.argmax(np.abs(ieee) < 4 * np.finfo(np.float64).tiny)  # the products stay normal before
    np.testing.assert_array_equal(flushed[:first], ieee[:first])


@pytest.mark.parametrize("thread_count", [2, 3])
def test_parallel_parts_run_in_the_callers_mode(thread_count):
    xs = pt.dvector("xs")
    out = scanjit.scan(lambda v: v * 1e-10, sequences=[xs], return_updates=False)
    flushing, ieee = (scanjit.function([xs], out, flush_denormals=flag) for flag in (True, False))
    assert parallel(flushing)
    values = np.full(4000, 1e-300)
    with pool(thread_count, part_size=100):
        assert not flushing(values).any()
        np.testing.assert_array_equal(ieee(values), values * 1e-10)  # the workers' own mode restored
        assert not flushing(values).any()


def test_pickling_keeps_the_flag():
    f = pickle.loads(pickle.dumps(scaled(True)))
    assert f.flush_denormals and f(TINY)[0][1] == 0.0
