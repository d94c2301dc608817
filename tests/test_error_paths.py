"""A failed run-time check frees what the call allocated (`free-on-error`):
many failing calls do not grow the process, whatever the position of the
check, and raise the same exceptions as before."""

import gc

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit import runtime
from scanjit.runtime import threads
from scanjit.scan.utils import until

N = 100_000  # an 800 KB buffer per output: a leak shows within a few calls
CALLS = 200
BOUND = 24 << 20  # bytes: a leak is CALLS x 800 KB = 160 MB


def f64(value):
    return pt.constant(value, dtype="float64")


def shape_mismatch_after_a_temporary():
    """The check comes after the loops that filled two buffers."""
    x, y = pt.dvector("x"), pt.dvector("y")
    t, _ = scanjit.scan(lambda v, acc: acc + v, sequences=[x], outputs_info=[f64(0.0)])
    good = (np.ones(N), np.ones(N)), [np.arange(1.0, N + 1) + 1]
    return scanjit.function([x, y], t + y), (np.ones(N), np.ones(5)), good, \
        ValueError, "shape mismatch in Elemwise{add} along axis 0: the output of Scan has shape " \
        f"({N},) and 'y' has shape (5,)"


def _bad_index(shape):
    index = np.zeros(shape, np.int64)
    index.flat[-1] = 10
    return index


def index_error_at_the_last_step():
    """The check is in the loop; the scan's output is filled but for its last row."""
    x, idx = pt.dvector("x"), pt.lvector("idx")
    out, _ = scanjit.scan(lambda i, acc: acc + x[i], sequences=[idx], outputs_info=[f64(0.0)])
    good = (np.ones(10), np.zeros(N, np.int64)), [np.arange(1.0, N + 1)]
    return scanjit.function([x, idx], out), (np.ones(10), _bad_index(N)), good, \
        IndexError, "index 10 is out of bounds for axis 0 of 'x' with size 10"


def index_error_in_a_nested_scan():
    """The check is in an inner scan, at the last step of the outer one."""
    x, idx, start = pt.dvector("x"), pt.lmatrix("idx"), pt.dvector("start")

    def row(r, acc):
        inner, _ = scanjit.scan(lambda i, a: a + x[i], sequences=[r], outputs_info=[f64(0.0)])
        return acc + inner

    out, _ = scanjit.scan(row, sequences=[idx], outputs_info=[start])
    shape = (N // 100, 100)
    expected = np.arange(1, shape[0] + 1)[:, None] * np.arange(1.0, 101)
    good = (np.ones(10), np.zeros(shape, np.int64), np.zeros(100)), [expected]
    return scanjit.function([x, idx, start], out), (np.ones(10), _bad_index(shape), np.zeros(100)), \
        good, IndexError, "index 10 is out of bounds for axis 0 of 'x' with size 10"


def index_error_in_an_until_scan():
    """The check is in the body of an scf.while."""
    x, idx = pt.dvector("x"), pt.lvector("idx")
    out, _ = scanjit.scan(lambda i, acc: (acc + x[i], until(acc < 0)), sequences=[idx],
                          outputs_info=[f64(0.0)])
    good = (np.ones(10), np.zeros(N, np.int64)), [np.arange(1.0, N + 1)]
    return scanjit.function([x, idx], out), (np.ones(10), _bad_index(N)), good, \
        IndexError, "index 10 is out of bounds for axis 0 of 'x' with size 10"


def memory_error_in_parallel_parts():
    """Each part of a parallel map fails to allocate its temporary row of k
    elements: the caller frees its buffers, among them the filled `exp(X)`."""
    X, k = pt.dvector("X"), pt.lscalar("k")
    out, _ = scanjit.scan(lambda v, k: pt.alloc(v, k).sum(), sequences=[X], non_sequences=[k])
    f = scanjit.function([X, k], [pt.exp(X), out])
    assert "scanjit_parallel_for" in f.compiled.llvm_ir
    good = (np.ones(N), 3), [np.exp(np.ones(N)), np.full(N, 3.0)]
    return f, (np.ones(N), np.int64(2**58)), good, MemoryError, "cannot allocate a buffer of type memref<?xf64>"


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


@pytest.fixture(params=[1, 4], ids=lambda n: f"{n}threads")
def thread_count(request):
    runtime.set_threads(request.param)
    runtime.set_part_size(1000)  # several parts even on one thread
    try:
        yield request.param
    finally:
        runtime.set_part_size(0)
        runtime.set_threads(threads.default_threads())


@pytest.mark.parametrize("case", [
    shape_mismatch_after_a_temporary, index_error_at_the_last_step, index_error_in_a_nested_scan,
    index_error_in_an_until_scan, memory_error_in_parallel_parts,
], ids=lambda case: case.__name__)
def test_failing_calls_free_what_they_allocated(case, thread_count):
    f, bad, (good, expected), error, message = case()

    def fail(calls: int) -> None:
        for _ in range(calls):
            with pytest.raises(error) as raised:
                f(*bad)
            assert str(raised.value) == message

    fail(10)
    gc.collect()
    runtime.release_pool()
    before = rss()
    fail(CALLS)
    gc.collect()
    runtime.release_pool()
    grown = rss() - before
    assert grown < BOUND, f"RSS grew by {grown >> 20} MiB over {CALLS} failing calls"
    results = f(*good)
    for got, want in zip(results if isinstance(results, list) else [results], expected, strict=True):
        np.testing.assert_allclose(got, want)
