"""Graphs PyTensor accepts compile here too: deep graphs (no recursion
proportional to depth), any variable names, integer extremes; bad settings
and arguments raise errors that say what is wrong."""

import os
import subprocess
import sys

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.printing import graph_text


def test_a_chain_of_2500_elementwise_ops():
    x = pt.dvector("x")
    y, want = x, np.array([1.0, -2.0])
    expected = want.copy()
    for _ in range(1250):
        y = y * 1.0001 + 0.5
        expected = expected * 1.0001 + 0.5
    np.testing.assert_allclose(pytensor.function([x], y)(want), expected, rtol=1e-12)
    assert graph_text(y).count("\n") > 2500


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("steps", [0, 2])
def test_a_deep_step(mode, steps):
    """Its per-step rows' shape is inferred before the loop (and with 0 steps)."""
    x = pt.dmatrix("x")

    def step(row):
        for _ in range(600):
            row = row * 0.999 + 0.001
        return row

    out, _ = pytensor.scan(step, sequences=[x])
    want = np.arange(3.0 * steps).reshape(steps, 3)
    for _ in range(600):
        want = want * 0.999 + 0.001
    got = pytensor.function([x], out, mode=mode)(np.arange(3.0 * steps).reshape(steps, 3))
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("name", ["α", "x-y", "1x", "", "_", "名前", "a b", "$x"])
def test_any_variable_name(name):
    x = pt.dvector(name)
    out, _ = pytensor.scan(lambda a: a * 2, sequences=[x], name=name)
    np.testing.assert_array_equal(pytensor.function([x], [x * 2, out])(np.ones(2))[1], [2.0, 2.0])


def test_a_bad_thread_count_names_the_variable():
    env = {**os.environ, "SCANJIT_NUM_THREADS": "abc"}
    code = "import numpy as np, scanjit as p, scanjit.tensor as pt\n" \
           "x = pt.dvector('x'); p.function([x], x * 2)(np.ones(2))"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode != 0
    assert "SCANJIT_NUM_THREADS must be an integer, got 'abc'" in run.stderr


def test_one_shared_variable_updated_twice_raises():
    s, x = pytensor.shared(np.zeros(2), name="s"), pt.dvector("x")
    with pytest.raises(ValueError, match="'s' is updated twice"):
        pytensor.function([x], x, updates=[(s, x), (s, 2 * x)])


BIG = 2**63 - 1
STEPS = [BIG, -BIG, -BIG - 1, BIG - 1, 2**62, -(2**62), 3, -3]


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("step", STEPS)
def test_slices_with_extreme_steps(mode, step):
    x, c = pt.dvector("x"), pt.lscalar("c")
    f = pytensor.function([x, c], [x[::c], x[1:4:c], x[-2::c]], mode=mode)
    xs = np.arange(6.0)
    for got, want in zip(f(xs, step), [xs[::step], xs[1:4:step], xs[-2::step]]):
        np.testing.assert_array_equal(got, want)


ARANGES = [(-2**63, BIG, 2**62), (BIG, -2**63, -(2**62)), (-2**63, BIG, BIG), (0, 10, 3),
           (10, 0, -3), (5, 5, 1), (5, 0, 1), (BIG - 2, BIG, 1), (-2**63, -2**63 + 3, 1)]


@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("start,stop,step", ARANGES)
def test_arange_at_int64_extremes(mode, start, stop, step):
    a, b, s = pt.lscalar("a"), pt.lscalar("b"), pt.lscalar("s")
    """Exact, as Python's range: NumPy computes the length in float64, and
    gives 2 elements for (-2**63, 2**63 - 1, 2**63 - 1), where there are 3."""
    got = pytensor.function([a, b, s], pt.arange(a, b, s), mode=mode)(start, stop, step)
    np.testing.assert_array_equal(got, np.array(range(start, stop, step), dtype="int64"))


@pytest.mark.parametrize("mode", [None, "py"])
def test_arange_too_long_raises(mode):
    with pytest.raises(MemoryError):
        pytensor.function([], pt.arange(-2**63, BIG, 1), mode=mode)()
    with pytest.raises(ValueError, match="arange"):
        pytensor.function([], pt.arange(0.0, np.inf, 1.0), mode=mode)()


@pytest.mark.parametrize("args,dtype", [((1.5,), "float32"), ((0.1,), "float64"), ((5,), "int64"),
                                        ((np.int32(5),), "int64"), ((0, 2.5, 0.5), "float32"),
                                        ((np.float64(3),), "float64")])
def test_arange_dtype_as_pytensor(args, dtype):
    assert pt.arange(*args).dtype == dtype
    ref = pytest.importorskip("pytensor.tensor")
    assert ref.arange(*args).dtype == dtype


# Lengths whose element or byte count wraps an i64: to 0 (2**32 squared), to
# just below 2**64 bytes (2**61 - 8 float64s), just over the limit, far over.
WRAPPING_LENGTHS = [((2**32, 2**32), "(k, k)"), ((2**61 - 8,), "(k,)"), ((2**59 + 1,), "(k,)"),
                    ((2**62,), "(k,)"), ((3, 2**62 + 1), "(3, k)")]


@pytest.mark.parametrize("lengths,layout", WRAPPING_LENGTHS)
def test_a_buffer_whose_byte_count_wraps_raises_memory_error(lengths, layout):
    """The compiled code allocates, then checks that the count fits: whatever
    the wrapped byte count, the allocator hands back a real block or null,
    the call raises MemoryError, and the next call is unharmed."""
    k, n = pt.lscalar("k"), pt.lscalar("n")
    shape = {"(k, k)": (k, k), "(k,)": (k,), "(3, k)": (3, k)}[layout]
    f = pytensor.function([k, n], [pt.zeros(shape) + 1.0, pt.arange(n) * 2.0])
    with pytest.raises(MemoryError, match="cannot allocate a buffer of type"):
        f(lengths[-1], 5)
    ones, doubled = f(3, 4)
    np.testing.assert_array_equal(ones, np.ones((3, 3) if layout == "(k, k)" else (3,) if layout == "(k,)" else (3, 3)))
    np.testing.assert_array_equal(doubled, np.arange(4) * 2.0)


def test_the_allocators_limit_is_the_passes():
    from scanjit import runtime
    from scanjit.passes.support import memory
    assert runtime.MAX_BYTES == memory.MAX_BYTES
