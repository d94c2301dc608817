"""Random streams: draws in compiled code equal NumPy's Generator methods bit for
bit, and the generator advances exactly when its update is requested."""

import copy
from functools import cache

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

N = 10_000


def scan_draws(draw, n_steps=N, seed=42):
    """A function drawing `n_steps` times inside a scan, with the update."""
    rng = pytensor.shared(np.random.default_rng(seed))
    samples, updates = pytensor.scan(lambda rng: (lambda nxt, x: (x, {rng: nxt}))(*draw(rng).owner.outputs),
                                     non_sequences=[rng], n_steps=n_steps)
    return rng, pytensor.function([], samples, updates=updates)


@pytest.mark.parametrize("name, draw, reference", [
    ("uniform", lambda rng: pt.random.uniform(-2.0, 3.0, rng=rng), lambda g: g.uniform(-2.0, 3.0)),
    ("normal", lambda rng: pt.random.normal(1.0, 0.5, rng=rng), lambda g: g.normal(1.0, 0.5)),
    ("integers", lambda rng: pt.random.integers(-5, 17, rng=rng), lambda g: g.integers(-5, 17)),
    ("big integers", lambda rng: pt.random.integers(0, 2**40, rng=rng), lambda g: g.integers(0, 2**40)),
    ("multinomial", lambda rng: pt.random.multinomial(3, np.array([0.2, 0.5, 0.3]), rng=rng),
     lambda g: g.multinomial(3, [0.2, 0.5, 0.3])),
])
def test_draws_in_a_scan_equal_numpy(name, draw, reference):
    rng, f = scan_draws(draw)
    mirror = copy.deepcopy(rng.get_value())
    got = f()
    expected = np.array([reference(mirror) for _ in range(N)])
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype
    assert rng.get_value().bit_generator.state == mirror.bit_generator.state


def test_sized_draws_fill_in_c_order_like_numpy():
    """Draws of one call take turns on the generator, in the order of the
    outputs, as NumPy code calling it three times would."""
    rng = pytensor.shared(np.random.default_rng(7))
    draws = [pt.random.uniform(0.0, 1.0, size=(3, 4), rng=rng), pt.random.normal(size=5, rng=rng),
             pt.random.integers(0, 10, size=(2, 3), rng=rng)]
    mirror = copy.deepcopy(rng.get_value())
    got = pytensor.function([], draws)()
    np.testing.assert_array_equal(got[0], mirror.uniform(0.0, 1.0, size=(3, 4)))
    np.testing.assert_array_equal(got[1], mirror.normal(size=5))
    np.testing.assert_array_equal(got[2], mirror.integers(0, 10, size=(2, 3)))


def test_without_updates_the_same_numbers_repeat():
    rng = pytensor.shared(np.random.default_rng(3))
    f = pytensor.function([], pt.random.uniform(rng=rng))
    first = f()
    assert f() == first
    assert rng.get_value().bit_generator.state == np.random.default_rng(3).bit_generator.state


def test_with_updates_the_generator_advances_between_calls():
    rng = pytensor.shared(np.random.default_rng(3))
    nxt, x = pt.random.normal(rng=rng).owner.outputs
    f = pytensor.function([], x, updates={rng: nxt})
    mirror = np.random.default_rng(3)
    assert [float(f()) for _ in range(3)] == [mirror.normal() for _ in range(3)]


@pytest.mark.parametrize("p, message", [
    ([0.5, -0.1, 0.6], "pvals < 0"),
    ([0.7, 0.6, 0.0], r"sum\(pvals\[:-1\]\) > 1.0"),
    ([np.nan, 0.5, 0.5], "NaN"),
    ([0.1] * 10 + [1e-9, 0.0], r"sum\(pvals\[:-1\]\) > 1.0"),  # in the lanes and the rest
    ([0.05] * 20 + [1e-11] * 5 + [0.0], r"sum\(pvals\[:-1\]\) > 1.0"),
    ([0.0] * 17 + [1.5], "pvals > 1"),
])
def test_multinomial_rejects_invalid_p_like_numpy(p, message):
    rng = pytensor.shared(np.random.default_rng(0))
    pv = pt.dvector("pv")
    f = pytensor.function([pv], pt.random.multinomial(1, pv, rng=rng))
    with pytest.raises(ValueError, match=message):
        np.random.default_rng(0).multinomial(1, p)
    with pytest.raises(ValueError, match=message):
        f(np.array(p))


def test_multinomial_checks_every_position_like_numpy():
    """The range check and sum(p[:-1]) share one pass (8 lanes, the rest, the
    last element): a bad value at any position of p of any length raises
    NumPy's error, and the valid p at that length draws NumPy's sample."""
    rng = pytensor.shared(np.random.default_rng(0))
    pv = pt.dvector("pv")
    f = pytensor.function([pv], pt.random.multinomial(1, pv, rng=rng))
    for d in range(1, 21):
        valid = np.full(d, 1.0 / d)
        np.testing.assert_array_equal(f(valid), np.random.default_rng(0).multinomial(1, valid))
        for position in range(d):
            for bad, message in [(-0.1, "pvals < 0"), (1.5, "pvals > 1"), (np.nan, "NaN")]:
                p = valid.copy()
                p[position] = bad
                with pytest.raises(ValueError, match=message):
                    np.random.default_rng(0).multinomial(1, p)
                with pytest.raises(ValueError, match=message):
                    f(p)
            if d >= 3 and position < d - 1:  # sum(p[:-1]) 3e-12 above 1, from this position
                p = np.full(d, 1.0 / (d - 1))
                p[position] += 3e-12
                with pytest.raises(ValueError, match=r"sum\(pvals\[:-1\]\) > 1.0"):
                    np.random.default_rng(0).multinomial(1, p)
                with pytest.raises(ValueError, match=r"sum\(pvals\[:-1\]\) > 1.0"):
                    f(p)


@pytest.mark.parametrize("p", [[1e-3] * 1000, [0.1] * 10 + [0.5], [1 / 3] * 3, [1.0], [0.25] * 4])
def test_multinomial_accepts_p_summing_to_one(p):
    """sum(p[:-1]) is checked in 8 partial sums: as NumPy, within 1e-12 of 1 passes."""
    rng = pytensor.shared(np.random.default_rng(0))
    pv = pt.dvector("pv")
    f = pytensor.function([pv], pt.random.multinomial(1, pv, rng=rng))
    np.testing.assert_array_equal(f(np.array(p)), np.random.default_rng(0).multinomial(1, p))


def test_invalid_bounds_raise_like_numpy():
    rng = pytensor.shared(np.random.default_rng(0))
    lo, hi = pt.lscalar("lo"), pt.lscalar("hi")
    f = pytensor.function([lo, hi], pt.random.integers(lo, hi, rng=rng))
    with pytest.raises(ValueError, match="low >= high"):
        f(5, 5)
    s = pt.dscalar("s")
    g = pytensor.function([s], pt.random.normal(0.0, s, rng=rng))
    with pytest.raises(ValueError, match="scale < 0"):
        g(-1.0)


def test_rng_must_be_a_shared_generator():
    with pytest.raises(TypeError, match="Generator"):
        pt.random.uniform(rng=pt.dscalar("x"))
    with pytest.raises(TypeError, match="Generator"):
        pytensor.shared(np.random.RandomState(0))


BIT_GENERATORS = [np.random.PCG64, np.random.MT19937, np.random.Philox, np.random.PCG64DXSM]


def random_pvals(rs: np.random.Generator, d: int, kind: int) -> np.ndarray:
    """Probabilities of every shape the multinomial meets: skewed, with zeros,
    summing a little above 1 (NumPy accepts 1 + 1e-12), one dominant."""
    p = rs.random(d) ** (1 + 5 * rs.random())
    if kind == 1:
        p[rs.random(d) < 0.5] = 0.0
        p[0] += 1e-3
    if kind == 3:
        p[rs.integers(d)] += 10.0 * d
    p /= p.sum()
    if kind == 2:
        p = np.minimum(p * (1 + 1e-13), 1.0)
    return p


@cache
def multinomial_engine():
    """`scanjit_multinomial` compiled on its own (compiled code links it in)."""
    from scanjit.runtime import llvm as host
    from scanjit.runtime.numpy_random import bind_numpy_random

    bind_numpy_random()
    return host.compile_ir(host.fill("numpy_random.ll"))[0]


def native_multinomial(generator: np.random.Generator, n: int, p: np.ndarray) -> np.ndarray:
    """`scanjit_multinomial` called directly, as compiled code calls it."""
    import ctypes

    pointer, i64 = ctypes.c_void_p, ctypes.c_int64
    signature = ctypes.CFUNCTYPE(None, pointer, i64, pointer, pointer, i64, pointer)
    multinomial = signature(multinomial_engine().get_function_address("scanjit_multinomial"))
    counts, scratch = np.zeros(len(p), np.int64), np.zeros(16)
    multinomial(generator.bit_generator.ctypes.bit_generator.value, n, counts.ctypes.data,
                p.ctypes.data, len(p), scratch.ctypes.data)
    return counts


def assert_multinomial_like_numpy(bit_generator, seed: int, n: int, p: np.ndarray) -> None:
    ours, numpys = np.random.Generator(bit_generator(seed)), np.random.Generator(bit_generator(seed))
    np.testing.assert_array_equal(native_multinomial(ours, n, p), numpys.multinomial(n, p),
                                  err_msg=f"seed={seed}, n={n}, p={p!r}")
    np.testing.assert_array_equal(ours.random(4), numpys.random(4), err_msg="the generator's state")


@pytest.mark.parametrize("bit_generator", BIT_GENERATORS, ids=lambda b: b.__name__)
def test_scanjit_multinomial_equals_numpy_draw_for_draw(bit_generator):
    """`scanjit_multinomial` (NumPy's algorithm with an inline shortcut for
    PCG64) gives NumPy's counts and leaves the generator where NumPy does."""
    rs = np.random.default_rng(2026)
    for case in range(600):
        d = int(rs.integers(1, 80))
        n = int(rs.choice([0, 1, 1, 1, 1, 2, 7, 1000, 10**6]))
        assert_multinomial_like_numpy(bit_generator, int(rs.integers(2**32)), n, random_pvals(rs, d, case % 4))


def test_the_inline_pcg64_step_is_checked_against_this_numpy():
    """The inline path is enabled only if PCG64's state layout and output are
    what scanjit_multinomial assumes; the check tells PCG64DXSM (same layout,
    other multiplier and output) apart."""
    from scanjit.runtime.numpy_random import pcg64_layout_holds

    assert pcg64_layout_holds(np.random.PCG64)
    assert not pcg64_layout_holds(np.random.PCG64DXSM)


@pytest.mark.parametrize("offset", [-1e-12, -2**-44, -2**-52, 0.0, 2**-52, 2**-44, 1e-12])
@pytest.mark.parametrize("zeros", [0, 1, 2])
def test_scanjit_multinomial_at_the_shortcut_boundary(offset, zeros):
    """p = 1 - U + offset for the category that draws U (after `zeros`
    categories of p == 0, which draw nothing): at the shortcut's margin the
    draw is NumPy's own, whichever way it goes."""
    for seed in range(40):
        u = np.random.default_rng(seed).random()
        if u < 0.5:
            continue
        head = [0.0] * zeros + [1.0 - u + offset]
        p = np.array(head + [(1.0 - sum(head)) / 3] * 3)
        assert_multinomial_like_numpy(np.random.PCG64, seed, 1, p)


@pytest.mark.parametrize("bit_generator", BIT_GENERATORS, ids=lambda b: b.__name__)
def test_sampling_without_replacement_follows_numpy_stream(bit_generator):
    """Exercise 2's loop over 300 categories, for every bit generator."""
    rng = pytensor.shared(np.random.Generator(bit_generator(99)))

    def step(p, rng):
        nxt, onehot = pt.random.multinomial(n=1, p=p, rng=rng).owner.outputs
        idx = onehot.argmax()
        new_p = pt.set_subtensor(p[idx], 0.0)
        return (new_p / new_p.sum(), idx), {rng: nxt}

    p = pt.dvector("p")
    (_, samples), updates = pytensor.scan(step, outputs_info=[p, None], non_sequences=[rng], n_steps=150)
    f = pytensor.function([p], samples, updates=updates)
    start = np.random.default_rng(5).random(300)
    start /= start.sum()
    mirror, expected, q = np.random.Generator(bit_generator(99)), [], start.copy()
    for _ in range(150):
        expected.append(int(mirror.multinomial(1, q).argmax()))
        q[expected[-1]] = 0.0
        q = q / q.sum()
    np.testing.assert_array_equal(f(start), expected)
    np.testing.assert_array_equal(rng.get_value().random(4), mirror.random(4))


def test_without_the_inline_step_pcg64_draws_are_numpys():
    """If the layout check fails (another NumPy), PCG64 generators take NumPy's
    own random_multinomial: same draws (a fresh process, the check forced off)."""
    import os
    import subprocess
    import sys

    script = """
import llvmlite.binding as llvm_binding
import numpy as np
import scanjit.runtime.numpy_random
scanjit.runtime.numpy_random.pcg64_layout_holds = lambda bit_generator_type: False
import scanjit as pytensor, scanjit.tensor as pt
rng, p = pytensor.shared(np.random.default_rng(8)), pt.dvector("p")
nxt, x = pt.random.multinomial(1, p, rng=rng).owner.outputs
f = pytensor.function([p], x, updates={rng: nxt})
assert llvm_binding.address_of_symbol("numpy_pcg64_next_double") == 1  # no generator's
pv = np.random.default_rng(1).random(50)
pv /= pv.sum()
mirror = np.random.default_rng(8)
assert all((f(pv) == mirror.multinomial(1, pv)).all() for _ in range(200))
assert rng.get_value().bit_generator.state == mirror.bit_generator.state
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "SCANJIT_CACHE": "0"})
    assert done.stdout.strip() == "ok", done.stderr


OUTER_DRAWS = {
    "normal": lambda rng: pt.random.normal(0.0, 1.0, rng=rng),
    "uniform": lambda rng: pt.random.uniform(-1.0, 1.0, size=3, rng=rng),
    "integers": lambda rng: pt.random.integers(0, 1000, rng=rng),
    "multinomial": lambda rng: pt.random.multinomial(5, np.array([0.3, 0.7]), rng=rng),
}


@pytest.mark.parametrize("name", list(OUTER_DRAWS))
@pytest.mark.parametrize("mode", [None, "py"])
@pytest.mark.parametrize("nested", [False, True])
def test_a_draw_made_outside_the_step_is_drawn_once(name, mode, nested):
    """As PyTensor: only draws the step function makes belong to the loop."""
    rng = pytensor.shared(np.random.default_rng(0))
    z = OUTER_DRAWS[name](rng)

    def step():
        if nested:
            inner, _ = pytensor.scan(lambda: z * 1, n_steps=2)
            return inner[1]
        return z * 1

    zs, _ = pytensor.scan(step, n_steps=4)
    got_zs, got_z, again = pytensor.function([], [zs, z, z + 0], mode=mode)()
    for row in got_zs:
        np.testing.assert_array_equal(row, got_z)
    np.testing.assert_array_equal(again, got_z)
    np.testing.assert_array_equal(got_z, _draw_with_numpy(name))


def _draw_with_numpy(name):
    g = np.random.default_rng(0)
    return {"normal": lambda: g.normal(0.0, 1.0), "uniform": lambda: g.uniform(-1.0, 1.0, size=3),
            "integers": lambda: g.integers(0, 1000), "multinomial": lambda: g.multinomial(5, [0.3, 0.7])}[name]()


@pytest.mark.parametrize("mode", [None, "py"])
def test_a_draw_made_inside_the_step_is_drawn_every_step(mode):
    """Even when it depends on nothing the step changes."""
    rng = pytensor.shared(np.random.default_rng(0))
    outer = pt.random.normal(rng=rng)

    def step():
        inner = pt.random.normal(rng=rng)
        return [inner, outer], {rng: inner.owner.outputs[0]}

    (inner, outer_rows), updates = pytensor.scan(step, n_steps=4)
    got_inner, got_outer = pytensor.function([], [inner, outer_rows], updates=updates, mode=mode)()
    mirror = np.random.default_rng(0)
    first = mirror.normal()
    np.testing.assert_array_equal(got_outer, [first] * 4)
    np.testing.assert_array_equal(got_inner, [mirror.normal() for _ in range(4)])


@pytest.mark.parametrize("round_", range(3))  # a race: each round catches it about half the time
def test_threads_sharing_a_generator_never_draw_the_same_numbers(round_):
    """Two compiled functions and NumPy's own method drawing from one
    Generator in three threads: every draw is distinct (they duplicated)."""
    import threading

    g = np.random.default_rng(11 + round_)
    rng = pytensor.shared(g, borrow=True)
    draws = pt.random.uniform(size=20_000, rng=rng)
    fs = [pytensor.function([], draws, updates={rng: draws.owner.outputs[0]}) for _ in range(2)]
    found: list[np.ndarray] = []
    start = threading.Barrier(3)

    def run(draw):
        start.wait()
        for _ in range(100):
            found.append(draw())

    threads = [threading.Thread(target=run, args=(f,)) for f in fs]
    threads.append(threading.Thread(target=run, args=(lambda: g.uniform(size=20_000),)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    values = np.concatenate(found)
    assert len(np.unique(values)) == len(values) == 300 * 20_000


def test_two_shared_variables_over_one_generator_do_not_deadlock():
    g = np.random.default_rng(1)
    a, b = pytensor.shared(g, borrow=True), pytensor.shared(g, borrow=True)
    x, y = pt.random.normal(rng=a), pt.random.normal(rng=b)
    f = pytensor.function([], [x, y], updates={a: x.owner.outputs[0], b: y.owner.outputs[0]})
    first, second = f()
    assert first != second
