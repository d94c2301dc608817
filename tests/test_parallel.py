"""Scans whose steps are independent run on several threads
(`outline-parallel-loops`, `scanjit_parallel_for`): the results are the
serial loop's at every length, for any number of threads, with concurrent
callers and in a forked child."""

import contextlib
import multiprocessing
import os
import threading

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit import runtime
from scanjit.runtime import threads
from scanjit.passes.outline_parallel_loops import GRAIN

LENGTHS = [0, 1, 7, 2 * GRAIN - 1, 2 * GRAIN, 2 * GRAIN + 1, 5 * GRAIN + 3]


@contextlib.contextmanager
def pool(count: int, part_size: int = 0):
    """Parallel loops on `count` threads (in parts of `part_size` steps if > 0)."""
    runtime.set_threads(count)
    runtime.set_part_size(part_size)
    try:
        yield
    finally:
        runtime.set_part_size(0)
        runtime.set_threads(threads.default_threads())


@pytest.fixture(params=[1, 2, 3, 8], ids=lambda n: f"{n}threads")
def thread_count(request):
    with pool(request.param):
        yield request.param


def product_function():
    a, b = pt.dvector("a"), pt.dvector("b")
    out, _ = scanjit.scan(lambda x, y: x * y + 1.5, sequences=[a, b])
    return scanjit.function([a, b], out)


def parallel(f) -> bool:
    return "scanjit_parallel_for" in f.compiled.llvm_ir


@pytest.mark.parametrize("n", LENGTHS)
def test_a_map_gives_the_serial_results(thread_count, n):
    f = product_function()
    assert parallel(f)
    rng = np.random.default_rng(n)
    a, b = rng.normal(size=n), rng.normal(size=n + 3)
    np.testing.assert_array_equal(f(a, b), a * b[:n] + 1.5)


@pytest.mark.parametrize("n", [2 * GRAIN + 5, 3 * GRAIN])
def test_a_map_with_taps_ints_and_two_outputs(thread_count, n):
    x, k = pt.lvector("x"), pt.lscalar("k")
    (diff, flag), _ = scanjit.scan(lambda prev, cur, k: (cur - prev * k, pt.gt(cur, prev)),
                                   sequences=[dict(input=x, taps=[-1, 0])], non_sequences=[k])
    f = scanjit.function([x, k], [diff, flag])
    assert parallel(f)
    v = np.random.default_rng(0).integers(-1000, 1000, size=n)
    d, g = f(v, 3)
    np.testing.assert_array_equal(d, v[1:] - v[:-1] * 3)
    np.testing.assert_array_equal(g, v[1:] > v[:-1])


def test_jobs_of_different_part_counts_back_to_back():
    """Workers that claim late must never run a part of the next job with the
    previous job's part count (8 threads on fewer cores get preempted)."""
    with pool(8):
        f = product_function()
        x, y = np.random.default_rng(1).normal(size=(2, 40 * GRAIN))
        for k in range(600):
            n = 2 * GRAIN if k % 2 else 40 * GRAIN
            np.testing.assert_array_equal(f(x[:n], y[:n]), x[:n] * y[:n] + 1.5)


def test_a_recurrence_is_not_parallel():
    x, s0 = pt.dvector("x"), pt.dscalar("s0")
    out, _ = scanjit.scan(lambda v, acc: acc + v, sequences=[x], outputs_info=[s0])
    assert not parallel(scanjit.function([x, s0], out))


@pytest.mark.skipif(not threads.SYS_FUTEX, reason="loops run on one thread without futex(2)")
def test_workers_start_on_first_parallel_call():
    with pool(4):
        f = product_function()
        a = np.ones(4 * GRAIN)
        np.testing.assert_array_equal(f(a, a), a * a + 1.5)
        assert len(os.listdir("/proc/self/task")) >= 4  # the caller and at least 3 workers


def test_concurrent_callers_each_get_their_results(thread_count):
    f = product_function()
    failures = []

    def call(seed):
        rng = np.random.default_rng(seed)
        for _ in range(10):
            a, b = rng.normal(size=3 * GRAIN), rng.normal(size=3 * GRAIN)
            if not np.array_equal(f(a, b), a * b + 1.5):
                failures.append(seed)

    callers = [threading.Thread(target=call, args=(seed,)) for seed in range(4)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    assert not failures


def _child(f, conn):
    a = np.arange(4.0 * GRAIN)
    conn.send(bool(np.array_equal(f(a, a), a * a + 1.5)))


def test_a_forked_child_starts_its_own_workers():
    with pool(4):
        f = product_function()
        a = np.ones(4 * GRAIN)
        f(a, a)  # the parent's workers are running
        parent, child = multiprocessing.get_context("fork").Pipe()
        process = multiprocessing.get_context("fork").Process(target=_child, args=(f, child))
        process.start()
        process.join(timeout=60)
        assert process.exitcode == 0 and parent.recv() is True


def test_thread_count_from_the_environment(monkeypatch):
    monkeypatch.setenv("SCANJIT_NUM_THREADS", "3")
    assert threads.default_threads() == 3
    monkeypatch.setenv("SCANJIT_NUM_THREADS", "0")
    assert threads.default_threads() == 1
    with pytest.raises(ValueError, match="at least 1"):
        runtime.set_threads(0)


@pytest.mark.parametrize("rows, cols", [(0, 3), (5, 3), (3 * GRAIN // 8 + 1, 8), (40, 2000)])
def test_a_map_over_rows_gives_the_serial_results(thread_count, rows, cols):
    M, w = pt.dmatrix("M"), pt.dvector("w")
    (prod, total), _ = scanjit.scan(lambda r, w: (pt.tanh(r * w), (r * r).sum()),
                                    sequences=[M], non_sequences=[w])
    f = scanjit.function([M, w], [prod, total])
    assert parallel(f)
    reference = scanjit.function([M, w], [prod, total], mode="py")
    rng = np.random.default_rng(rows)
    m, v = rng.normal(size=(rows, cols)), rng.normal(size=cols)
    for got, want in zip(f(m, v), reference(m, v)):
        np.testing.assert_allclose(got, want, rtol=1e-13)
    np.testing.assert_array_equal(f(m, v)[1], [sum(x * x for x in row) for row in m])


@pytest.mark.parametrize("rows", [0, 1, 4 * GRAIN])
def test_a_map_over_rows_checks_shapes_as_before(rows):
    M, w = pt.dmatrix("M"), pt.dvector("w")
    out, _ = scanjit.scan(lambda r, w: r * w, sequences=[M], non_sequences=[w])
    f = scanjit.function([M, w], out)
    reference = scanjit.function([M, w], out, mode="py")
    m, bad = np.ones((rows, 3)), np.ones(4)
    if rows == 0:  # no step, no check: as the reference
        assert f(m, bad).shape == reference(m, bad).shape == (0, 3)
    else:
        with pytest.raises(ValueError, match="shape mismatch") as expected:
            reference(m, bad)
        with pytest.raises(ValueError, match="shape mismatch") as got:
            f(m, bad)
        assert str(got.value) == str(expected.value)


def test_fuzz_programs_in_parts_of_one_step():
    """The fuzzer's scan programs, with every parallel loop cut into parts of
    one step on 4 threads, against the reference interpreter (a loop wrongly
    found independent would race here), some with matrix states, whose
    steps' loops over rows may run in parts."""
    from fuzz_programs import CALLS, Program
    from test_fuzz import assert_same, outcome

    with pool(4, 1):
        for index in range(60):  # 20 of them with matrix states: loops over rows in a step
            program = Program(f"parallel:{index}", matrix_states=index >= 40)
            try:
                compiled = scanjit.function(program.inputs, program.outputs, updates=program.updates,
                                            on_unused_input="ignore")
            except NotImplementedError:
                continue
            reference = scanjit.function(program.inputs, program.outputs, updates=program.updates,
                                         mode="py", on_unused_input="ignore")
            for case in range(CALLS):
                args = program.case(np.random.default_rng([index, case]))
                error, got, got_shared = outcome(program, compiled, args)
                expected_error, expected, expected_shared = outcome(program, reference, args)
                assert error is expected_error, f"program {index} case {case}"
                if error is None:
                    for g, e in zip(got + got_shared, expected + expected_shared):
                        assert_same(g, e, f"program {index} case {case}")


STATUS_IR = """
declare i32 @scanjit_parallel_for(ptr, ptr, i64, i64, i64)
define internal i32 @part(ptr %bad, i64 %lo, i64 %hi) {
  %at = ptrtoint ptr %bad to i64
  %after = icmp sge i64 %at, %lo
  %before = icmp slt i64 %at, %hi
  %mine = and i1 %after, %before
  %status = select i1 %mine, i32 7, i32 0
  ret i32 %status
}
define i32 @run(i64 %bad, i64 %n, i64 %grain) {
  %ctx = inttoptr i64 %bad to ptr
  %status = call i32 @scanjit_parallel_for(ptr @part, ptr %ctx, i64 0, i64 %n, i64 %grain)
  ret i32 %status
}
"""


@pytest.mark.parametrize("grain", [1, 1000, 10**9], ids=["tiny parts", "parts", "one thread"])
def test_a_failed_part_s_status_is_returned(grain):
    import ctypes

    from scanjit.runtime import llvm as host

    runtime.address("scanjit_parallel_for")  # binds the runtime's symbols
    engine, _ = host.compile_ir(STATUS_IR)
    run = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64)(
        engine.get_function_address("run"))
    with pool(4):
        assert [run(bad, 100_000, grain) for bad in (0, 54_321, 99_999)] == [7, 7, 7]
        assert run(100_000, 100_000, grain) == 0  # no part holds it


def test_a_step_temporary_is_private_to_each_part():
    """A dense layer over rows: each step's `x @ W` goes through a temporary
    row, which each part must allocate for itself."""
    X, W, b = pt.dmatrix("X"), pt.dmatrix("W"), pt.dvector("b")
    out, _ = scanjit.scan(lambda x, W, b: pt.tanh(x @ W + b), sequences=[X], non_sequences=[W, b])
    f = scanjit.function([X, W, b], out)
    assert parallel(f)
    reference = scanjit.function([X, W, b], out, mode="py")
    rng = np.random.default_rng(3)
    x, w, v = rng.normal(size=(2000, 64)), rng.normal(size=(64, 64)) * 0.1, rng.normal(size=64)
    expected = reference(x, w, v)
    for count, part_size in ((2, 0), (4, 1), (3, 5)):
        with pool(count, part_size):
            for _ in range(5):
                np.testing.assert_allclose(f(x, w, v), expected, rtol=1e-13, atol=1e-15)


def assert_parts_give_one_thread_s_bits(f, reference, args, rtol):
    """`f`'s results on one thread are the reference interpreter's (within
    `rtol`), and the same bits in parts of 1, 2 or the grain's steps."""
    with pool(1):
        alone = f(*args)
    for got, want in zip(alone, reference(*args)):
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol / 100)
    for count, part_size in ((4, 1), (3, 2), (2, 0)):
        with pool(count, part_size):
            for got, want in zip(f(*args), alone):
                np.testing.assert_array_equal(got, want)


def lstm_function():
    """A batched LSTM cell over a sequence (rows of states, one per sequence)."""
    X, h0, c0 = pt.tensor3("X"), pt.dmatrix("h0"), pt.dmatrix("c0")
    W, U, b = pt.dmatrix("W"), pt.dmatrix("U"), pt.dvector("b")

    def step(x, h, c, W, U, b):
        z = pt.dot(x, W) + pt.dot(h, U) + b
        k = h.shape[1]
        i, f, o = (pt.sigmoid(z[:, g * k:(g + 1) * k]) for g in range(3))
        c = f * c + i * pt.tanh(z[:, 3 * k:])
        return o * pt.tanh(c), c

    (h, c), _ = scanjit.scan(step, sequences=[X], outputs_info=[h0, c0], non_sequences=[W, U, b])
    inputs = [X, h0, c0, W, U, b]
    return scanjit.function(inputs, [h, c]), scanjit.function(inputs, [h, c], mode="py")


@pytest.mark.parametrize("batch, hidden", [(1, 3), (7, 5), (32, 64)])
def test_a_batched_cell_s_gates_run_in_parts(batch, hidden):
    """The loops over a step's rows of gates (tanh, sigmoid) run in parts on
    every thread: the same bits as on one thread, for any parts."""
    f, reference = lstm_function()
    assert parallel(f)
    rng = np.random.default_rng(batch)
    args = [rng.normal(size=(6, batch, 4)), rng.normal(size=(batch, hidden)), rng.normal(size=(batch, hidden)),
            rng.normal(size=(4, 4 * hidden)), rng.normal(size=(hidden, 4 * hidden)) * 0.3, rng.normal(size=4 * hidden)]
    assert_parts_give_one_thread_s_bits(f, reference, args, rtol=1e-12)


def test_an_unbatched_cell_runs_its_steps_on_the_calling_thread():
    """A vector state's tanh (one row of gates a step) stays in the step."""
    x, h0, U = pt.dmatrix("x"), pt.dvector("h0"), pt.dmatrix("U")
    h, _ = scanjit.scan(lambda x, h, U: pt.tanh(x + pt.dot(h, U)), sequences=[x], outputs_info=[h0],
                        non_sequences=[U])
    assert not parallel(scanjit.function([x, h0, U], h))


def _gru(x, h, W, U):
    k = h.shape[1]
    zr = pt.sigmoid(pt.dot(x, W[:, :2 * k]) + pt.dot(h, U[:, :2 * k]))
    z, r = zr[:, :k], zr[:, k:]
    return (1 - z) * h + z * pt.tanh(pt.dot(x, W[:, 2 * k:]) + pt.dot(r * h, U[:, 2 * k:]))


BATCHED_STEPS = {  # name: the step, the taps of its state, more arguments of scan
    "GRU": (_gru, [-1], {}),
    "two taps": (lambda x, h2, h1, W, U: pt.tanh(pt.dot(x, W[:, :h1.shape[1]]) + pt.dot(h2, U[:, :h1.shape[1]])
                                                 * pt.exp(-h1 * h1)), [-2, -1], {}),
    "backwards": (lambda x, h, W, U: pt.sigmoid(pt.dot(x, W[:, :h.shape[1]]) - pt.dot(h, U[:, :h.shape[1]])),
                  [-1], {"go_backwards": True}),
}


@pytest.mark.parametrize("name", BATCHED_STEPS)
def test_batched_steps_and_their_gradients_in_parts_of_one_row(name):
    """Batched recurrences (rows of states) and their gradients, whose
    steps' loops over rows run in parts: the bits of one thread whatever
    the parts, and the reference interpreter's values."""
    fn, taps, more = BATCHED_STEPS[name]
    X, W, U = pt.tensor3("X"), pt.dmatrix("W"), pt.dmatrix("U")
    h0 = pt.tensor3("h0") if len(taps) > 1 else pt.dmatrix("h0")
    h, _ = scanjit.scan(fn, sequences=[X], outputs_info=[dict(initial=h0, taps=taps)], non_sequences=[W, U],
                        **more)
    outputs = [h, *scanjit.grad((h ** 2).sum(), [W, U, h0])]
    f = scanjit.function([X, h0, W, U], outputs)
    reference = scanjit.function([X, h0, W, U], outputs, mode="py")
    assert parallel(f)
    rng = np.random.default_rng(len(name))
    batch, hidden = 5, 6
    initial = (len(taps), batch, hidden) if len(taps) > 1 else (batch, hidden)
    args = [rng.normal(size=(7, batch, 3)), rng.normal(size=initial), rng.normal(size=(3, 3 * hidden)) * 0.5,
            rng.normal(size=(hidden, 3 * hidden)) * 0.5]
    assert_parts_give_one_thread_s_bits(f, reference, args, rtol=1e-10)
