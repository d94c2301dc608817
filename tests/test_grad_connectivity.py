"""Which inputs of a scan its gradient reaches, as PyTensor's connection
pattern: over any number of steps (a state counts once a later step's result
that carries a gradient reads it), plain and checkpointed. An input the cost
does not reach raises DisconnectedInputError (a ValueError) by default, as
in PyTensor; a reached integer gets float zeros."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import DisconnectedInputError


def states(lib, T, **kw):
    """x_t = x**2, y_t = y, z_t = x + 1 (z never reads z)."""
    x0, y0, z0 = T.dvector("x0"), T.dvector("y0"), T.dvector("z0")
    x, y, z = lib.scan(lambda a, b, c: (a ** 2, b, a + 1), outputs_info=[x0, y0, z0], n_steps=4,
                       return_updates=False, **kw)
    return {"x0": x0, "y0": y0, "z0": z0, "x": x, "y": y, "z": z}


def chain(lib, T, **kw):
    """a_t = a + 1, b_t = b + a: a reaches b, b not a."""
    a0, b0 = T.dvector("a0"), T.dvector("b0")
    a, b = lib.scan(lambda a, b: (a + 1, b + a), outputs_info=[a0, b0], n_steps=3, return_updates=False, **kw)
    return {"a0": a0, "b0": b0, "a": a, "b": b}


def dead_output(lib, T, **kw):
    """A per-step output reading the sequence and W, and a state reading neither."""
    s, x0, W = T.dvector("s"), T.dvector("x0"), T.dscalar("W")
    x, o = lib.scan(lambda si, xt, W: (xt * 2, si * W), sequences=[s], outputs_info=[x0, None],
                    non_sequences=[W], return_updates=False, **kw)
    return {"s": s, "x0": x0, "W": W, "x": x, "o": o}


# (program, cost's terms, wrt, connected?)
CASES = [
    (states, ("x", "y", "z"), "x0", True), (states, ("x", "y", "z"), "y0", True),
    (states, ("x", "y", "z"), "z0", False), (states, ("x",), "y0", False), (states, ("z",), "x0", True),
    (chain, ("b",), "a0", True), (chain, ("a",), "b0", False),
    (dead_output, ("x",), "s", False), (dead_output, ("x",), "W", False), (dead_output, ("o",), "s", True),
    (dead_output, ("o",), "x0", False),
]


def outcome(lib, T, program, terms, wrt, **kw):
    v = program(lib, T, **kw)
    try:
        lib.grad(sum(v[t].sum() for t in terms), v[wrt])
    except DisconnectedInputError if lib is pytensor else ValueError:
        return False
    return True


@pytest.mark.parametrize("checkpoint", [False, True])
@pytest.mark.parametrize("program, terms, wrt, connected", CASES,
                         ids=[f"{p.__name__}-{'+'.join(t)}-d{w}" for p, t, w, _ in CASES])
def test_an_input_is_connected_where_pytensor_s_is(program, terms, wrt, connected, checkpoint):
    assert outcome(pytensor, pt, program, terms, wrt, checkpoint=checkpoint) == connected
    v = program(pytensor, pt, checkpoint=checkpoint)
    g = pytensor.grad(sum(v[t].sum() for t in terms), v[wrt], disconnected_inputs="ignore")
    inputs = [x for x in v.values() if x.owner is None]
    values = [np.arange(1.0, 4.0) if x.ndim else np.float64(0.5) for x in inputs]
    got = pytensor.function(inputs, g, on_unused_input="ignore")(*values)
    assert np.all(np.isfinite(got)) and (connected or not np.any(got))


@pytest.mark.parametrize("checkpoint", [False, True])
@pytest.mark.parametrize("mode", [None, "py"])
def test_a_final_state_reaches_its_initial_value_when_no_step_runs(mode, checkpoint):
    """x[-1] is x0 when no step runs, though the step never reads x: the
    gradient is 1 then (it was 0: the fuzzer's seed 20250611, gradient program 2)."""
    s, x0 = pt.dvector("s"), pt.dscalar("x0")
    x = pytensor.scan(lambda si, x: pt.exp(si), sequences=[s], outputs_info=[x0], return_updates=False,
                      checkpoint=checkpoint)
    f = pytensor.function([s, x0], pytensor.grad(x[-1], [s, x0]), mode=mode)
    for values, expected in (([], [[], 1.0]), ([0.5, 2.0], [[0.0, np.exp(2.0)], 0.0])):
        for g, e in zip(f(np.array(values), 3.0), expected):
            np.testing.assert_allclose(g, e)


@pytest.mark.parametrize("program, terms, wrt, connected", CASES,
                         ids=[f"{p.__name__}-{'+'.join(t)}-d{w}" for p, t, w, _ in CASES])
def test_the_cases_are_pytensor_s(program, terms, wrt, connected):
    pytest.importorskip("pytensor")
    import pytensor as theirs
    import pytensor.tensor as T
    assert outcome(theirs, T, program, terms, wrt) == connected


@pytest.mark.parametrize("mode", [None, "py"])
def test_integer_inputs_of_a_scan_get_zero_gradients_where_read(mode):
    """PyTensor's: a scan's integer sequence or non-sequence that the step
    reads gets float zeros; one it does not read stays disconnected."""
    u = pt.ivector("u")
    x0, k, j = pt.dvector("x0"), pt.iscalar("k"), pt.iscalar("j")
    xs = pytensor.scan(lambda a, x, k, j: x + pt.cast(a * k, "float64"), sequences=[u], outputs_info=[x0],
                       non_sequences=[k, j], return_updates=False)
    grads = pytensor.grad(xs.sum(), [u, x0, k])
    assert [g.dtype for g in grads] == ["float64"] * 3
    got = pytensor.function([u, x0, k], grads, mode=mode)(np.array([1, 2, 3], "int32"), np.zeros(2), 3)
    for g, expected in zip(got, [np.zeros(3), np.full(2, 3.0), 0.0]):
        np.testing.assert_array_equal(g, expected)
    with pytest.raises(DisconnectedInputError):
        pytensor.grad(xs.sum(), j)
