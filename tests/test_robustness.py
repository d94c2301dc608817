"""Robustness: bad input, any NumPy layout, memory, threads, pickling and the
pass-by-pass verifier."""

import pickle
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.driver import pipeline as compiler
from scanjit.emit import emit_function
from scanjit.passes import PASSES


@pytest.fixture(scope="module")
def product():
    """Example 1: elementwise product through scan."""
    v1, v2 = pt.dvector("v1"), pt.dvector("v2")
    out, _ = pytensor.scan(lambda a, b: a * b, sequences=[v1, v2])
    return pytensor.function([v1, v2], out)


@pytest.fixture(scope="module")
def cumsum():
    """Example 3: running sum of the rows of a matrix."""
    M, s = pt.dmatrix("M"), pt.dvector("s")
    out, _ = pytensor.scan(lambda row, acc: row + acc, sequences=[M], outputs_info=[s])
    return pytensor.function([M, s], out)


@pytest.mark.parametrize("bad, error, message", [
    (np.ones(3, np.float32) * 0 + np.float32(1.5), None, None),  # float32 into dvector: a safe upcast
    (np.ones((2, 2)), TypeError, "'v1' expects 1 dimensions"),
    ("abc", TypeError, "'v1'"),
    (None, TypeError, "'v1'"),
    ([1.0, "x"], TypeError, "'v1'"),
    (np.array([1 + 2j]), TypeError, "'v1'"),
])
def test_bad_inputs_raise_naming_the_variable(product, bad, error, message):
    if error is None:
        np.testing.assert_array_equal(product(bad, np.ones(3)), np.full(3, 1.5))
        return
    with pytest.raises(error, match=message):
        product(bad, np.ones(3))


def test_wrong_dtype_and_downcast():
    x = pt.fvector("x")
    f = pytensor.function([x], x * 2)
    with pytest.raises(TypeError, match="'x' is float32"):
        f(np.ones(3))
    np.testing.assert_array_equal(pytensor.function([x], x * 2, allow_input_downcast=True)(np.ones(3)),
                                  np.full(3, 2, np.float32))
    assert f([1, 2]).dtype == np.float32  # Python values convert when nothing is lost


def test_float_where_an_integer_is_expected():
    n = pt.iscalar("n")
    f = pytensor.function([n], n + 1)
    assert f(3.0) == 4
    with pytest.raises(TypeError, match="'n'"):
        f(3.5)
    with pytest.raises(TypeError, match="'n'"):
        f(np.float64(2.0))  # an array of another kind is never cast implicitly


def test_mismatched_shapes_and_indices(cumsum):
    with pytest.raises(ValueError, match="shape mismatch"):
        cumsum(np.ones((3, 4)), np.ones(5))
    x, i = pt.dvector("x"), pt.lscalar("i")
    f = pytensor.function([x, i], x[i])
    assert f(np.arange(4.0), -4) == 0.0
    for bad in (4, -5):
        with pytest.raises(IndexError, match="'x'"):
            f(np.arange(4.0), bad)


def test_empty_zero_d_nan_and_inf(product):
    assert product(np.zeros(0), np.zeros(0)).shape == (0,)
    a, b = np.array([np.nan, np.inf, -np.inf, 0.0]), np.array([1.0, 0.0, 2.0, np.inf])
    with np.errstate(invalid="ignore"):
        expected = a * b  # IEEE: nan, inf*0 = nan, -inf, 0*inf = nan
    np.testing.assert_array_equal(product(a, b), expected)
    s = pt.dscalar("s")
    assert pytensor.function([s], s * 2)(np.array(3.0)) == 6.0


@pytest.mark.parametrize("layout", ["strided", "reversed", "fortran", "readonly"])
def test_any_layout_gives_correct_results_and_is_not_modified(cumsum, layout):
    base = np.arange(40.0).reshape(8, 5)
    m = {"strided": base[::2, ::2], "reversed": base[::-1, ::-1],
         "fortran": np.asfortranarray(base), "readonly": base.copy()}[layout]
    if layout == "readonly":
        m.setflags(write=False)
    before = m.copy()
    start = np.ones(m.shape[1])
    np.testing.assert_array_equal(cumsum(m, start), np.cumsum(m, axis=0) + start)
    np.testing.assert_array_equal(m, before)


def test_caller_arrays_are_never_written():
    x = pt.dvector("x")
    f = pytensor.function([x], pt.set_subtensor(x[0], 99.0))
    data = np.arange(3.0)
    np.testing.assert_array_equal(f(data), [99.0, 1.0, 2.0])
    np.testing.assert_array_equal(data, [0.0, 1.0, 2.0])


MEMORY_SCRIPT = """
import resource
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
M, s = pt.dmatrix("M"), pt.dvector("s")
out, _ = pytensor.scan(lambda row, acc: row + acc, sequences=[M], outputs_info=[s])
f = pytensor.function([M, s], out)
m, start = np.ones((50, 4)), np.zeros(4)
for _ in range(2000):
    f(m, start)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for _ in range(100_000):
    f(m, start)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_many_calls_do_not_leak():
    run = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT], capture_output=True, text=True,
                         check=True)
    assert int(run.stdout) < 5 * 1024, f"RSS grew by {run.stdout.strip()} KiB"


def test_results_outlive_the_function():
    x = pt.dvector("x")
    f = pytensor.function([x], x * 2)
    result = f(np.arange(1000.0))
    del f
    np.testing.assert_array_equal(result, np.arange(1000.0) * 2)


def test_threads_get_correct_results(cumsum):
    rng = np.random.default_rng(0)
    inputs = [rng.normal(size=(2000, 16)) for _ in range(8)]
    results = [None] * 8

    def work(k):
        for _ in range(5):
            results[k] = cumsum(inputs[k], np.zeros(16))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for m, got in zip(inputs, results):
        np.testing.assert_allclose(got, np.cumsum(m, axis=0))


def test_native_code_runs_without_the_gil():
    """While one thread is in a long native call, another thread runs Python."""
    x0, n = pt.dvector("x0"), pt.lscalar("n")
    out, _ = pytensor.scan(lambda s: s * 0.999 + 1.0, outputs_info=[x0], n_steps=n)
    f = pytensor.function([x0, n], out[-1])
    f(np.ones(64), 10)
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(1)

    counter = threading.Thread(target=count)
    counter.start()
    sys.setswitchinterval(1e-4)
    try:
        for _ in range(3):
            before = len(ticks)
            f(np.ones(64), 3_000_000)
            during = len(ticks) - before
            if during > 1000:
                break
    finally:
        done.set()
        counter.join()
        sys.setswitchinterval(0.005)
    assert during > 1000, "the counting thread made no progress during the native call"


def test_updates_are_safe_under_threads():
    count = pytensor.shared(np.int64(0), name="count")
    f = pytensor.function([], count, updates={count: count + 1})
    threads = [threading.Thread(target=lambda: [f() for _ in range(200)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count.get_value() == 1600


def test_pickle_and_process_pool(product):
    again = pickle.loads(pickle.dumps(product))
    np.testing.assert_array_equal(again(np.arange(3.0), np.arange(3.0)), [0.0, 1.0, 4.0])
    with ProcessPoolExecutor(2) as pool:
        got = list(pool.map(product, [np.arange(4.0)] * 3, [np.full(4, 2.0)] * 3))
    for result in got:
        np.testing.assert_array_equal(result, np.arange(4.0) * 2)


def test_verify_mode_names_the_pass_that_breaks_the_ir(monkeypatch):
    from xdsl.dialects import func

    class DropReturns:
        name = "drop-returns"

        def apply(self, ctx, module):
            for op in list(module.walk()):
                if isinstance(op, func.ReturnOp):
                    op.detach()
                    op.erase()

    monkeypatch.setitem(PASSES, "drop-returns", lambda: DropReturns)
    x = pt.dvector("x")
    module = emit_function([x], [x * 2])
    monkeypatch.setenv("SCANJIT_VERIFY", "1")
    with pytest.raises(compiler.InvalidIRError, match="'drop-returns'"):
        compiler.lower(module, ["convert-sj-to-loops", "drop-returns", "bufferize"])


def test_too_large_allocations_raise_memory_error():
    x0, n = pt.dvector("x0"), pt.lscalar("n")
    out, _ = pytensor.scan(lambda s: s * 0.5, outputs_info=[x0], n_steps=n)
    f = pytensor.function([x0, n], out)
    for steps in (10**15, 2**62):  # malloc fails; the byte count would overflow
        with pytest.raises(MemoryError):
            f(np.ones(2), steps)
    np.testing.assert_array_equal(f(np.ones(2), 2), [[0.5, 0.5], [0.25, 0.25]])


def test_large_results_on_huge_pages_are_correct(cumsum):
    """Results of 32 MiB and more are allocated 2 MiB-aligned for huge pages."""
    m = np.random.default_rng(3).normal(size=(600_000, 8))  # 38 MB
    got = cumsum(m, np.zeros(8))
    np.testing.assert_allclose(got, np.cumsum(m, axis=0))
    del got  # freed with free()
