"""Scan semantics: taps, several outputs, n_steps, until, go_backwards,
nesting, closures, views (map/reduce/foldl/foldr), dtypes and errors.
Expectations are written out with NumPy; PyTensor is not imported."""

import re
import subprocess
import sys

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.scan.utils import until as utils_until
from scanjit.scan.views import foldl, foldr, map as views_map, reduce as views_reduce


def test_fibonacci_taps_and_two_outputs_float32():
    f_init = pt.fvector("f_init")

    def step(f2, f1):
        new = f2 + f1
        return new, new / f1

    (fib, ratio), updates = pytensor.scan(step, outputs_info=[dict(initial=f_init, taps=[-2, -1]), None],
                                          n_steps=10)
    f = pytensor.function([f_init], [fib, ratio], updates=updates)
    got_fib, got_ratio = f([1, 1])
    expected = [1.0, 1.0]
    for _ in range(10):
        expected.append(expected[-1] + expected[-2])
    expected = np.array(expected, np.float32)
    np.testing.assert_array_equal(got_fib, expected[2:])
    np.testing.assert_array_equal(got_ratio, expected[2:] / expected[1:-1])
    assert got_fib.dtype == got_ratio.dtype == np.float32


def test_mix_of_output_kinds_in_order_of_inputs():
    """Inputs reach the step as: sequence taps, state taps, non-sequences."""
    seq, init, taps_init, c = pt.dvector("seq"), pt.dscalar("init"), pt.dvector("taps_init"), pt.dscalar("c")
    seen = []

    def step(x_prev, x, x_next, s, m3, m1, c):
        seen.extend([x_prev.name, x.name, x_next.name])
        return s + x, m3 + m1 + x_next, x * c

    outs, _ = pytensor.scan(step, sequences=[dict(input=seq, taps=[-1, 0, 1])],
                            outputs_info=[init, dict(initial=taps_init, taps=[-3, -1]), None],
                            non_sequences=[c])
    assert seen == ["seq[t-1]", "seq[t]", "seq[t+1]"]
    f = pytensor.function([seq, init, taps_init, c], outs)
    xs = np.arange(1.0, 8.0)
    s_out, m_out, p_out = f(xs, 10.0, np.array([1.0, 2.0, 3.0]), 2.0)
    steps = len(xs) - 2
    s, hist, e_s, e_m, e_p = 10.0, [1.0, 2.0, 3.0], [], [], []
    for t in range(steps):
        prev, cur, nxt = xs[t], xs[t + 1], xs[t + 2]
        s = s + cur
        new = hist[-3] + hist[-1] + nxt
        hist.append(new)
        e_s.append(s), e_m.append(new), e_p.append(cur * 2.0)
        assert prev == xs[t]
    np.testing.assert_array_equal(s_out, e_s)
    np.testing.assert_array_equal(m_out, e_m)
    np.testing.assert_array_equal(p_out, e_p)


@pytest.mark.parametrize("mode", [None, "py"])
def test_steps_are_n_steps_or_the_shortest_sequence(mode):
    """n_steps larger than a sequence raises, naming it (PyTensor's documented
    behaviour; its numba backend reads past the end); without n_steps the
    shortest sequence decides."""
    a, b, n = pt.dvector("a"), pt.dvector("b"), pt.lscalar("n")
    out, _ = pytensor.scan(lambda x, y: x + y, sequences=[a, b], n_steps=n)
    f = pytensor.function([a, b, n], out, mode=mode)
    assert f(np.ones(5), np.ones(7), 2).shape == (2,)
    assert f(np.ones(5), np.ones(7), 5).shape == (5,)
    assert f(np.ones(5), np.ones(7), 0).shape == (0,)
    with pytest.raises(ValueError, match=re.escape("n_steps (4) is larger than the length of sequence 'b' (3)")):
        f(np.ones(5), np.ones(3), 4)
    with pytest.raises(ValueError, match="n_steps"):
        f(np.ones(5), np.ones(7), -1)
    shortest, _ = pytensor.scan(lambda x, y: x + y, sequences=[a, b])
    assert pytensor.function([a, b], shortest, mode=mode)(np.ones(5), np.ones(3)).shape == (3,)


@pytest.mark.parametrize("mode", [None, "py"])
def test_n_steps_against_sequences_with_taps(mode):
    a, n = pt.dvector("a"), pt.lscalar("n")
    out, _ = pytensor.scan(lambda x0, x2: x0 + x2, sequences=[dict(input=a, taps=[0, 2])], n_steps=n)
    f = pytensor.function([a, n], out, mode=mode)
    np.testing.assert_array_equal(f(np.arange(5.0), 3), [2.0, 4.0, 6.0])
    with pytest.raises(ValueError, match="'a' minus 2 for its taps"):
        f(np.arange(5.0), 4)


def test_n_steps_zero_keeps_trailing_shape_and_dtype():
    x0 = pt.fvector("x0")
    out, _ = pytensor.scan(lambda s: s * 2, outputs_info=[x0], n_steps=0)
    result = pytensor.function([x0], out)(np.ones(4, np.float32))
    assert result.shape == (0, 4) and result.dtype == np.float32


def test_negative_constant_n_steps_is_rejected():
    with pytest.raises(ValueError, match="n_steps"):
        pytensor.scan(lambda: pt.constant(1.0), n_steps=-3)


def test_symbolic_n_steps_and_matrix_state_give_3d_output():
    W, n = pt.dmatrix("W"), pt.iscalar("n")
    powers, _ = pytensor.scan(lambda prev, W: prev @ W, outputs_info=[W], non_sequences=[W], n_steps=n)
    f = pytensor.function([W, n], powers)
    w = np.array([[0.5, 1.0], [0.0, 2.0]])
    got = f(w, 4)
    assert got.shape == (4, 2, 2)
    for k in range(4):
        np.testing.assert_allclose(got[k], np.linalg.matrix_power(w, k + 2))


def test_until_stops_after_the_step_that_makes_it_true():
    x = pt.dscalar("x")

    def step(prev):
        new = prev * 2
        return new, pytensor.until(new > 100)

    out, _ = pytensor.scan(step, outputs_info=[x], n_steps=50)
    f = pytensor.function([x], out)
    np.testing.assert_array_equal(f(1.0), [2, 4, 8, 16, 32, 64, 128])
    np.testing.assert_array_equal(f(200.0), [400])
    assert utils_until is pytensor.until


def test_until_bounded_by_sequence_and_per_step_output():
    v = pt.dvector("v")
    out, _ = pytensor.scan(lambda a: (a * 10, utils_until(a < 0)), sequences=[v])
    f = pytensor.function([v], out)
    np.testing.assert_array_equal(f(np.array([1.0, 2.0, -1.0, 5.0])), [10, 20, -10])
    np.testing.assert_array_equal(f(np.array([1.0, 2.0])), [10, 20])
    assert f(np.zeros(0)).shape == (0,)


def test_go_backwards():
    v = pt.dvector("v")
    out, _ = pytensor.scan(lambda a, acc: acc * 10 + a, sequences=[v], outputs_info=[pt.constant(0.0, dtype="float64")],
                           go_backwards=True)
    np.testing.assert_array_equal(pytensor.function([v], out)(np.array([1.0, 2.0, 3.0])), [3, 32, 321])


def test_nested_scan_and_closure():
    M, k = pt.dmatrix("M"), pt.dscalar("k")

    def row_cumsum(row):
        inner, _ = pytensor.scan(lambda a, acc: a * k + acc, sequences=[row],
                                 outputs_info=[pt.constant(0.0, dtype="float64")])
        return inner

    out, _ = pytensor.scan(row_cumsum, sequences=[M])
    m = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(pytensor.function([M, k], out)(m, 3.0), np.cumsum(m * 3.0, axis=1))


def test_map_reduce_foldl_foldr():
    v = pt.dvector("v")
    zero = pt.constant(0.0, dtype="float64")
    squares, _ = pytensor.map(lambda a: a ** 2, sequences=[v])
    total, _ = pytensor.reduce(lambda a, acc: a + acc, sequences=[v], outputs_info=[zero])
    left, _ = foldl(lambda a, acc: acc * 10 + a, sequences=[v], outputs_info=[zero])
    right, _ = foldr(lambda a, acc: acc * 10 + a, sequences=[v], outputs_info=[zero])
    f = pytensor.function([v], [squares, total, left, right])
    got = f(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(got[0], [1, 4, 9])
    assert got[1] == 6 and got[2] == 123 and got[3] == 321
    assert views_map is pytensor.map and views_reduce is pytensor.reduce


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32"])
def test_dtypes_are_kept(dtype):
    v = pt.vector("v", dtype=dtype)
    out, _ = pytensor.scan(lambda a, acc: a + acc, sequences=[v], outputs_info=[pt.constant(0, dtype=dtype)])
    got = pytensor.function([v], out)(np.arange(5).astype(dtype))
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, np.cumsum(np.arange(5)))


def test_bool_states_and_outputs():
    v = pt.vector("v", dtype="bool")
    out, _ = pytensor.scan(lambda a, acc: pt.xor(a, acc), sequences=[v],
                           outputs_info=[pt.constant(False)])
    got = pytensor.function([v], out)(np.array([True, False, True, True]))
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, [True, True, False, True])


def test_integer_power_promotes_like_pytensor():
    c, x = pt.dvector("c"), pt.dscalar("x")
    comps, _ = pytensor.scan(lambda coeff, power, x: coeff * x ** power,
                             sequences=[c, pt.arange(10000)], non_sequences=x)
    f = pytensor.function([c, x], comps.sum())
    assert f(np.array([1.0, 0.0, 2.0]), 3) == 19.0
    i = pt.lvector("i")
    sq, _ = pytensor.map(lambda a: a ** 2, sequences=[i])
    got = pytensor.function([i], sq)(np.array([1, 2, 3]))
    assert got.dtype == np.int64 and list(got) == [1, 4, 9]


def test_step_output_dtype_or_ndim_mismatch_names_the_output():
    s = pt.fscalar("s")
    with pytest.raises(ValueError, match="output 0.*float64.*'s' is float32"):
        pytensor.scan(lambda prev: prev * pt.constant(0.1, dtype="float64"), outputs_info=[s], n_steps=2)
    v = pt.dvector("v")
    with pytest.raises(ValueError, match="output 0 .*'v'"):
        pytensor.scan(lambda prev: prev.sum(), outputs_info=[v], n_steps=2)


def test_too_few_initial_values_raise_at_call_time():
    init = pt.dvector("init")
    out, _ = pytensor.scan(lambda a, b: a + b, outputs_info=[dict(initial=init, taps=[-2, -1])], n_steps=3)
    f = pytensor.function([init], out)
    with pytest.raises(ValueError, match="needs 2 initial values"):
        f(np.array([1.0]))


def test_broadcasting_outer_and_slicing_the_stacked_output():
    v = pt.dvector("v")
    grids, _ = pytensor.map(lambda a: pt.outer(v, v) * a + v[None, :] - v[:, None], sequences=[v])
    f = pytensor.function([v], [grids, grids[-1], grids[::2]])
    x = np.array([1.0, 2.0, 3.0])
    expected = np.stack([np.outer(x, x) * a + x[None, :] - x[:, None] for a in x])
    got = f(x)
    np.testing.assert_allclose(got[0], expected)
    np.testing.assert_allclose(got[1], expected[-1])
    np.testing.assert_allclose(got[2], expected[::2])


def test_last_state_only_uses_a_window():
    x0, n = pt.dvector("x0"), pt.lscalar("n")
    out, _ = pytensor.scan(lambda s: s * 0.5 + 1.0, outputs_info=[x0], n_steps=n)
    f = pytensor.function([x0, n], out[-1])
    np.testing.assert_allclose(f(np.ones(3), 5), np.full(3, 1.96875))
    np.testing.assert_array_equal(f(np.arange(3.0), 0), np.arange(3.0))  # PyTensor: the initial state


PEAK_RSS_SCRIPT = """
import resource, sys
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
x0, n = pt.dvector("x0"), pt.lscalar("n")
out, _ = pytensor.scan(lambda s: s * 0.5 + 1.0, outputs_info=[x0], n_steps=n)
f = pytensor.function([x0, n], out[-1])
f(np.ones(100), 10)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
f(np.ones(100), int(sys.argv[1]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_peak_memory_does_not_grow_with_steps_when_only_the_last_state_is_used():
    """10^6 steps of a 100-element state would need 800 MB of stacked states."""
    growth = {}
    for steps in (10**4, 10**6):
        run = subprocess.run([sys.executable, "-c", PEAK_RSS_SCRIPT, str(steps)],
                             capture_output=True, text=True, check=True)
        growth[steps] = int(run.stdout.strip())  # KiB
    assert growth[10**6] < 10_000, growth
    assert abs(growth[10**6] - growth[10**4]) < 10_000, growth


def test_n_steps_zero_per_step_vector_output_has_shape_0_k():
    W = pt.dmatrix("W")
    rows, _ = pytensor.scan(lambda W: W.sum(axis=0), non_sequences=[W], n_steps=0)
    got = pytensor.function([W], rows)(np.ones((2, 5)))
    assert got.shape == (0, 5)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
@pytest.mark.parametrize("steps, width", [(0, 8), (1, 8), (5, 0), (5, 1), (5, 2), (5, 3), (5, 4), (5, 5),
                                          (5, 6), (7, 7), (9, 8), (6, 9), (4, 17), (300, 35)])
def test_elementwise_state_recurrence_any_width(dtype, steps, width):
    """scalar-replace-recurrences carries rows of 1 to 8 columns in two runs
    of 1, 2 or 4 columns, which overlap on the narrower rows."""
    m, s, v = (pt.tensor(name, dtype=dtype, shape=shape)
               for name, shape in (("m", (None, None)), ("s", (None,)), ("v", (None,))))
    out, _ = pytensor.scan(lambda row, acc, v: acc - row * 2 + v, sequences=[m], outputs_info=[s],
                           non_sequences=[v])
    rng = np.random.default_rng(steps * 100 + width)
    mv, sv, vv = (rng.integers(-3, 4, shape).astype(dtype) for shape in ((steps, width), (width,), (width,)))
    expected, acc = [], sv
    for row in mv:
        acc = acc - row * 2 + vv
        expected.append(acc)
    got = pytensor.function([m, s, v], out)(mv, sv, vv)
    assert got.shape == (steps, width) and got.dtype == dtype
    np.testing.assert_array_equal(got, np.array(expected, dtype).reshape(steps, width))


@pytest.mark.parametrize("used", ["xs", "ys", "xs[-1]", "ys[-1]"])
def test_until_scan_with_an_unused_output_matches_the_reference(used):
    """An output nobody reads keeps only the rows its taps need (like one read
    as out[-1]), also when `until` stops the scan early."""
    x0, n = pt.dscalar("x0"), pt.lscalar("n")
    (xs, ys), _ = pytensor.scan(lambda x, y: ((x * 1.5, x + y), utils_until(x > 50)),
                                outputs_info=[x0, pt.constant(0.0, dtype="float64")], n_steps=n)
    out = {"xs": xs, "ys": ys, "xs[-1]": xs[-1], "ys[-1]": ys[-1]}[used]
    compiled, reference = pytensor.function([x0, n], out), pytensor.function([x0, n], out, mode="py")
    for args in [(1.0, 20), (1.0, 3), (100.0, 5)]:
        np.testing.assert_array_equal(compiled(*args), reference(*args))
