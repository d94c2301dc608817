"""What keeps compiling fast, asserted on the IR rather than on times
(tools/compile_time.py measures them): each math expansion once per module,
a buffer's descriptor fields extracted once, IR linear in a step's ops, the
failure paths' deallocs linear in the buffers, the garbage collector paused
during a compile and restored after."""

import gc
import re
from collections import Counter

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.driver.pipeline import compile_graph


def chain_scan(count: int):
    """A scan whose step is a chain of `count` elementwise ops, every fourth a tanh."""
    X, h0 = pt.dmatrix("X"), pt.dvector("h0")
    kinds = (lambda y, x: y * x, lambda y, x: y + x, lambda y, x: pt.tanh(y), lambda y, x: y - x)

    def step(x, h):
        y = h
        for k in range(count):
            y = kinds[k % len(kinds)](y, x)
        return y

    out = pytensor.scan(step, sequences=[X], outputs_info=[h0], return_updates=False)
    return pytensor.function([X, h0], out)


def reference(count: int, X, h0):
    h, rows = h0, []
    for x in X:
        y = h
        for k in range(count):
            y = (y * x, y + x, np.tanh(y), y - x)[k % 4]
        h = y
        rows.append(h)
    return np.array(rows)


def test_each_math_expansion_is_one_helper_inlined_by_llvm():
    x = pt.dvector("x")
    f = pytensor.function([x], [pt.tanh(x), pt.tanh(2 * x), pt.tanh(x + 1), pt.sigmoid(x)])
    text = f.dump("math-polynomial-approximation")
    assert text.count("llvm.func internal @scanjit_tanh(") == 1
    assert text.count("llvm.call @scanjit_tanh(") == 3
    assert text.count("llvm.func internal @scanjit_sigmoid(") == 1
    assert "math.tanh" not in text and "sj.sigmoid" not in text
    assert "scanjit_tanh" not in f.dump("llvm-opt")  # inlined, then dropped
    v = np.linspace(-3, 3, 11)
    for got, expected in zip(f(v), [np.tanh(v), np.tanh(2 * v), np.tanh(v + 1), 1 / (1 + np.exp(-v))]):
        np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


def test_descriptor_fields_are_extracted_once():
    M, s = pt.dmatrix("M"), pt.dvector("s")
    out = pytensor.scan(lambda row, acc: row * 2 + acc, sequences=[M], outputs_info=[s], return_updates=False)
    f = pytensor.function([M, s], out)
    functions = f.dump("convert-to-llvm").split("llvm.func ")[1:]  # value names are per function
    fields = [Counter(re.findall(r"llvm\.extractvalue (%\S+)\[(\d+)\]", body)) for body in functions]
    assert any(fields) and all(max(c.values(), default=1) == 1 for c in fields), [c.most_common(3) for c in fields]
    m = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(f(m, np.ones(3)), np.cumsum(m * 2, axis=0) + 1)


def test_lowered_ir_grows_linearly_with_a_steps_ops():
    """Each elementwise op of a step adds a bounded number of lines to the
    IR after the whole pipeline: 15 now, 39 when each tanh was expanded in
    place (the expansion is ~90 lines)."""
    sizes = {}
    for count in (8, 32):
        f = chain_scan(count)
        sizes[count] = f.dump("reconcile-unrealized-casts").count("\n")
        X, h0 = np.random.default_rng(count).normal(size=(5, 3)), np.full(3, 0.5)
        np.testing.assert_allclose(f(X, h0), reference(count, X, h0), rtol=1e-12)
    per_op = (sizes[32] - sizes[8]) / 24
    assert per_op < 20, sizes


def outputs_and_checks(count: int):
    """`count` returned buffers, each followed by an indexing check, which
    frees the buffers returned before it when it fails."""
    x, w = pt.dvector("x"), pt.dvector("w")
    v, outputs = x, []
    for k in range(count):
        v = pt.tanh(v) * w[2 * k]
        outputs.append(v + x)
    return pytensor.function([x, w], outputs)


def test_failure_paths_share_their_deallocs():
    """Checks freeing the same buffers share one chain of deallocs: 9 more
    per output here (it was 52, then 94 from 8 to 16 outputs: every check
    freed every live buffer)."""
    deallocs = {}
    for count in (8, 16):
        f = outputs_and_checks(count)
        deallocs[count] = f.dump("convert-to-llvm").count("llvm.call @scanjit_free")
    assert (deallocs[16] - deallocs[8]) / 8 < 12, deallocs
    x, w = np.linspace(-1, 0, 3), np.linspace(0.5, 1, 32)
    v = x
    for k, got in enumerate(f(x, w)):
        v = np.tanh(v) * w[2 * k]
        np.testing.assert_allclose(got, v + x, rtol=1e-15)
    with pytest.raises(IndexError):
        f(x, w[:20])


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_paused_during_a_compile_and_restored(enabled):
    x = pt.dvector("x")
    seen = []
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        compile_graph([x], [x * 2], after_pass=lambda name, module: seen.append(gc.isenabled()))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen and not any(seen)
