"""`function()`'s keyword arguments and unused inputs, as PyTensor's."""

import warnings

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit import config


@pytest.mark.parametrize("mode", [None, "py"])
def test_unused_input_raises_by_default(mode):
    x, y = pt.dvector("x"), pt.dvector("y")
    with pytest.raises(pytensor.UnusedInputError, match="input 1 .'y'."):
        pytensor.function([x, y], x * 2, mode=mode)


def test_unused_input_policies(monkeypatch):
    monkeypatch.setenv("SCANJIT_CACHE", "0")  # this tests the policy, test_cache the cache
    x, y = pt.dvector("x"), pt.dvector("y")
    with pytest.warns(UserWarning, match="'y'"):
        f = pytensor.function([x, y], x * 2, on_unused_input="warn")
    np.testing.assert_array_equal(f(np.ones(3), np.ones(2)), [2.0, 2.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = pytensor.function([y, x], x * 3, on_unused_input="ignore")
    np.testing.assert_array_equal(g(np.ones(2), np.ones(3)), [3.0, 3.0, 3.0])
    monkeypatch.setattr(config, "on_unused_input", "ignore")
    pytensor.function([x, y], x * 2)
    with pytest.raises(ValueError, match="on_unused_input"):
        pytensor.function([x], x, on_unused_input="sometimes")


def test_input_used_only_by_an_update_or_a_scan_is_used():
    x, k = pt.dvector("x"), pt.dscalar("k")
    s = pytensor.shared(np.zeros(3), name="s")
    pytensor.function([x], s.sum(), updates={s: s + x})
    out, _ = pytensor.scan(lambda a: a * k, sequences=[x])
    pytensor.function([x, k], out)


@pytest.mark.parametrize("kwargs", [{"fastmath": True}, {"updatse": {}},
                                    {"allow_input_downcasts": True}, {"strict": True}])
def test_unknown_keywords_raise_type_error(kwargs):
    x = pt.dvector("x")
    with pytest.raises(TypeError):
        pytensor.function([x], x * 2, **kwargs)


@pytest.mark.parametrize("kwargs", [
    {"profile": True}, {"mode": "FAST_RUN"}, {"mode": "FAST_COMPILE"}, {"mode": "NUMBA"},
    {"mode": "JAX"}, {"no_default_updates": True}, {"accept_inplace": True},
    {"rebuild_strict": False}, {"trust_input": True}, {"name": "f"}, {"allow_input_downcast": True}])
def test_pytensor_keywords_are_accepted(kwargs):
    x = pt.dvector("x")
    f = pytensor.function([x], x * 2, **kwargs)
    np.testing.assert_array_equal(f(np.arange(3.0)), [0.0, 2.0, 4.0])


def test_unknown_mode_raises():
    x = pt.dvector("x")
    with pytest.raises(ValueError, match="unknown mode"):
        pytensor.function([x], x, mode="FAST_RUNN")


def test_positional_arguments_in_pytensors_order():
    """function(inputs, outputs, mode, updates): PyTensor's order."""
    x = pt.dvector("x")
    s = pytensor.shared(np.float64(0), name="s")
    f = pytensor.function([x], x.sum(), None, {s: s + 1})
    f(np.ones(2))
    assert s.get_value() == 1.0


def test_change_flags_sets_and_restores_config_as_context_and_decorator():
    """config.change_flags, as PyTensor's: the flags for the block (errors
    included) or the decorated call; an unknown flag raises KeyError."""
    assert config.floatX == "float64"
    with config.change_flags(floatX="float32"):
        assert pt.scalar("s").dtype == pt.scalar("t", dtype="floatX").dtype == "float32"
        assert pt.vector("v").dtype == pt.tensor(dtype="floatX", shape=(None,)).dtype == "float32"
    assert pt.scalar("s", dtype="floatX").dtype == "float64"
    with pytest.raises(RuntimeError), config.change_flags(on_unused_input="ignore"):
        assert config.on_unused_input == "ignore"
        raise RuntimeError
    assert config.on_unused_input == "raise"

    @config.change_flags(floatX="float32")
    def made():
        return pt.matrix("m").dtype

    assert made() == "float32" and config.floatX == "float64"
    with pytest.raises(KeyError):
        config.change_flags(no_such_flag=1)
