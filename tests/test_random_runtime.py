"""scanjit's runtime functions for what NumPy's Generator writes in Cython
(src/scanjit/runtime/*.ll), called directly as compiled code calls them:
NumPy's results and the generator's state afterwards, case by case."""

import ctypes
import functools

import numpy as np
import pytest


@functools.cache
def runtime(name: str):
    """scanjit's function `name`, as compiled code calls it (`bind_library`)."""
    from scanjit.runtime.library import bind_library

    engine = bind_library(name)
    types = {"scanjit_permutation": (None, "pip"), "scanjit_searchsorted_float64": ("i", "piidb"),
             "scanjit_choice": (None, "piibipp"), "scanjit_choice_p": (None, "ppiippp"),
             "scanjit_dirichlet": (None, "ppiippi")}[name]
    ctype = {"p": ctypes.c_void_p, "i": ctypes.c_int64, "d": ctypes.c_double, "b": ctypes.c_bool, None: None}
    signature = ctypes.CFUNCTYPE(ctype[types[0]], *[ctype[c] for c in types[1]])
    return engine, signature(engine.get_function_address(name))


def bitgen(generator: np.random.Generator) -> int:
    return generator.bit_generator.ctypes.bit_generator.value


def pair(seed: int):
    return np.random.default_rng(seed), np.random.default_rng(seed)


def same_state(ours: np.random.Generator, numpys: np.random.Generator) -> None:
    assert ours.bit_generator.state == numpys.bit_generator.state


@pytest.mark.parametrize("n", [0, 1, 2, 5, 1000])
def test_scanjit_permutation_is_numpys(n):
    _, permutation = runtime("scanjit_permutation")
    for seed in range(5):
        ours, numpys = pair(seed)
        idx = np.empty(n, np.int64)
        permutation(bitgen(ours), n, idx.ctypes.data)
        np.testing.assert_array_equal(idx, numpys.permutation(n))
        same_state(ours, numpys)


def test_scanjit_searchsorted_is_numpys():
    """Sorted or not, with ties and trailing NaN (as cumsum leaves them)."""
    _, searchsorted = runtime("scanjit_searchsorted_float64")
    rs = np.random.default_rng(1)
    for case in range(3000):
        d = int(rs.integers(1, 20))
        row = np.cumsum(rs.random(d)) if case % 3 else rs.normal(size=d)
        if case % 5 == 0:
            row[rs.integers(d)] = row[0]
        if case % 7 == 0:
            row[rs.integers(d):] = np.nan
        data = np.concatenate([rs.random(3), row])  # the row at an offset
        u = float(row[rs.integers(d)]) if case % 2 and not np.isnan(row[0]) else float(rs.random() * 3)
        if np.isnan(u):
            u = 0.5
        for side in ("left", "right"):
            got = searchsorted(data.ctypes.data, 3, d, u, side == "right")
            assert got == np.searchsorted(row, u, side=side), (row, u, side)


@pytest.mark.parametrize("pop, size", [(5, 0), (5, 3), (5, 5), (100, 7), (20000, 10), (20000, 400),
                                       (20000, 20000), (12000, 241), (10001, 200), (10001, 201), (1, 1)])
def test_scanjit_choice_is_numpys(pop, size):
    """Floyd's algorithm, and the shuffle's tail from its thresholds on."""
    _, choice = runtime("scanjit_choice")
    tail, mask = pop > 10000 and size > pop // 50, int(1.2 * size)
    for shift in (1, 2, 4, 8, 16, 32):  # NumPy's _gen_mask
        mask |= mask >> shift
    for seed in range(3):
        ours, numpys = pair(seed)
        out, scratch = np.empty(size, np.int64), np.empty(pop if tail else mask + 1, np.int64)
        choice(bitgen(ours), pop, size, tail, mask, out.ctypes.data, scratch.ctypes.data)
        np.testing.assert_array_equal(out, numpys.choice(pop, size, replace=False))
        same_state(ours, numpys)


def test_scanjit_choice_p_is_numpys():
    _, choice_p = runtime("scanjit_choice_p")
    rs = np.random.default_rng(5)
    for case in range(400):
        d = int(rs.integers(1, 30))
        p = rs.random(d) ** (1 + 3 * rs.random())
        p[rs.random(d) < 0.4 * (case % 2)] = 0.0
        p[0] += 1e-3
        p /= p.sum()
        size = int(rs.integers(0, np.count_nonzero(p) + 1))
        ours, numpys = pair(int(rs.integers(1000)))
        written, cdf, x, out = p.copy(), np.empty(d), np.empty(size), np.empty(size, np.int64)
        choice_p(bitgen(ours), written.ctypes.data, d, size, cdf.ctypes.data, x.ctypes.data, out.ctypes.data)
        np.testing.assert_array_equal(out, numpys.choice(d, size, replace=False, p=p), err_msg=f"{p}, {size}")
        same_state(ours, numpys)


ALPHAS = [[1.0, 2.0, 3.0], [0.05, 0.01, 0.02], [0.05, 0.0, 0.0], [0.0, 0.0], [0.01] * 10, [0.5], [],
          [np.nan, 0.01], [0.05, 0.2], [0.01, 0.0, 0.02, 0.0]]


@pytest.mark.parametrize("alpha", ALPHAS)
def test_scanjit_dirichlet_is_numpys(alpha):
    """Stick breaking (every alpha below 0.1, stopping at a zero rest) or gammas."""
    _, dirichlet = runtime("scanjit_dirichlet")
    alpha = np.array(alpha)
    k = len(alpha)
    for seed in range(5):
        ours, numpys = pair(seed)
        out, csum = np.zeros((3, k)), np.empty(k)
        for row in range(3):
            dirichlet(bitgen(ours), alpha.ctypes.data, 0, k, csum.ctypes.data, out.ctypes.data, row * k)
        np.testing.assert_array_equal(out, numpys.dirichlet(alpha, 3))
        same_state(ours, numpys)

