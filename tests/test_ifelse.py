"""ifelse (pytensor.ifelse): values against NumPy and PyTensor, compiled and
in mode="py"; only the branch taken runs (an out-of-range index, a failing
shape check or a random draw in the other does nothing); several outputs,
different lengths per branch, nested, in scan steps (with until); PyTensor's
errors for bad inputs."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.ifelse import IfElse, ifelse

MODES = (None, "py")


def values(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("int"):
        return rng.integers(-50, 50, shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def same(result, expected):
    result, expected = np.asarray(result), np.asarray(expected)
    assert result.dtype == expected.dtype and result.shape == expected.shape
    np.testing.assert_array_equal(result, expected)


def branches_program(lib, ptm, choose, dtype, ndim, **options):
    """The same program in scanjit or PyTensor."""
    c = ptm.tensor("c", dtype="int8", shape=())
    x = ptm.tensor("x", dtype=dtype, shape=(None,) * ndim)
    y = ptm.tensor("y", dtype=dtype, shape=(None,) * ndim)
    out = choose(c, x * 2 + y, y - x)
    return lib.function([c, x, y], [out, out + 1], **options)


def expected_branches(c, x, y):
    out = x * 2 + y if c else y - x
    return [out, out + np.ones((), x.dtype)]


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "int8"])
@pytest.mark.parametrize("ndim", [0, 1, 2])
def test_values_against_numpy(dtype, ndim):
    shape = (3, 4)[:ndim] if ndim == 2 else (5,) * ndim
    x, y = values(dtype, shape, 1), values(dtype, shape, 2)
    for mode in MODES:
        f = branches_program(pytensor, pt, ifelse, dtype, ndim, mode=mode)
        for c in (1, 0, -3):
            for result, want in zip(f(c, x, y), expected_branches(c, x, y)):
                same(result, want)


@pytest.mark.parametrize("dtype", ["float64", "int16"])
def test_against_pytensor(dtype):
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt
    from pytensor.ifelse import ifelse as ref_ifelse

    x, y = values(dtype, (2, 3), 3), values(dtype, (2, 3), 4)
    ours = branches_program(pytensor, pt, ifelse, dtype, 2)
    theirs = branches_program(ref, rpt, ref_ifelse, dtype, 2)
    for c in (0, 1):
        for a, b in zip(ours(c, x, y), theirs(c, x, y)):
            same(a, b)


def test_condition_of_any_dtype():
    """As PyTensor: true when non-zero (NaN too)."""
    for dtype in ("float64", "float32", "bool", "int16", "int64"):
        c = pt.tensor("c", dtype=dtype, shape=())
        x = pt.dscalar("x")
        for mode in MODES:
            f = pytensor.function([c, x], ifelse(c, x + 1, x - 1), mode=mode)
            assert f(np.array(0, dtype), 1.0) == 0.0
            assert f(np.array(1, dtype), 1.0) == 2.0
    f = pytensor.function([c := pt.dscalar("c"), x], ifelse(c, x + 1, x - 1))
    assert f(np.nan, 1.0) == 2.0 and f(-0.0, 1.0) == 0.0 and f(0.25, 1.0) == 2.0


def test_several_outputs_list_and_tuple():
    c, x, n = pt.lscalar("c"), pt.dvector("x"), pt.lscalar("n")
    outs = ifelse(c, [x.sum(), x[::-1], n * 2], [x.max(), x[1:], n + 1], name="pick")
    assert isinstance(outs, list) and str(outs[0].owner.op) == "if{pick}"
    assert isinstance(ifelse(c, (x, n), (x, n)), tuple)
    assert outs[0].type.shape == () and outs[1].type.shape == (None,)
    xv = np.array([1.0, 5.0, 2.0])
    for mode in MODES:
        f = pytensor.function([c, x, n], outs, mode=mode)
        for got, want in zip(f(1, xv, 4), [xv.sum(), xv[::-1], np.int64(8)]):
            same(got, want)
        for got, want in zip(f(0, xv, 4), [xv.max(), xv[1:], np.int64(5)]):
            same(got, want)


def test_branches_of_different_lengths():
    """One compiled function for both branches' lengths (static lengths kept
    only where the branches agree), as PyTensor."""
    c, x, m = pt.bscalar("c"), pt.dvector("x"), pt.dmatrix("m")
    a = pt.tensor("a", dtype="float64", shape=(3,))
    b = pt.tensor("b", dtype="float64", shape=(4,))
    assert ifelse(c, a, b).type.shape == (None,) and ifelse(c, a, a).type.shape == (3,)
    outs = [ifelse(c, x[:2], m.ravel()), ifelse(c, m, m.T), ifelse(c, a, b) * 2, ifelse(c, m[0], x).shape[0]]
    mv, xv = np.arange(6.0).reshape(2, 3), np.array([7.0, 8.0, 9.0])
    av, bv = np.ones(3), np.arange(4.0)
    for mode in MODES:
        f = pytensor.function([c, x, m, a, b], outs, mode=mode)
        for got, want in zip(f(1, xv, mv, av, bv), [xv[:2], mv, av * 2, np.int64(3)]):
            same(got, want)
        for got, want in zip(f(0, xv, mv, av, bv), [mv.ravel(), mv.T, bv * 2, np.int64(3)]):
            same(got, want)
        assert f(0, np.ones(5), mv, av, bv)[3] == 5


def test_returned_inputs_and_constants_are_copies():
    """A branch that is an input, a constant or the same buffer twice gives
    results of its own."""
    c, x = pt.bscalar("c"), pt.dvector("x")
    const = np.array([1.0, 2.0])
    outs = ifelse(c, [x, x], [pt.constant(const), x + 1])
    xv = np.array([3.0, 4.0])
    for mode in MODES:
        f = pytensor.function([c, x], outs, mode=mode)
        first, second = f(1, xv)
        first[0] = 99.0
        assert second[0] == 3.0 and xv[0] == 3.0
        first, second = f(0, xv)
        same(first, const)
        first[0] = 5.0
        same(f(0, xv)[0], const)


def test_untaken_branch_does_not_run():
    """An out-of-range index and a shape mismatch in the branch not taken
    raise nothing; in the one taken, PyTensor's errors."""
    c, x, y, i = pt.bscalar("c"), pt.dvector("x"), pt.dvector("y"), pt.lscalar("i")
    out = ifelse(c, x[i] + (x + y).sum(), x[0])
    for mode in MODES:
        f = pytensor.function([c, x, y, i], out, mode=mode)
        assert f(0, [1.0, 2.0], [1.0, 2.0, 3.0], 10) == 1.0
        assert f(1, [1.0, 2.0], [1.0, 2.0], 1) == 8.0
        with pytest.raises(IndexError, match="index 10 is out of bounds"):
            f(1, [1.0, 2.0], [1.0, 2.0], 10)
        with pytest.raises(ValueError, match="shape mismatch"):
            f(1, [1.0, 2.0], [1.0, 2.0, 3.0], 0)


def test_shared_work_stays_outside():
    """What the other branch or the rest of the graph needs is computed once,
    before the scf.if; what only one branch needs is inside it."""
    c, x = pt.bscalar("c"), pt.dvector("x")
    shared_part = pt.exp(x)
    only_then = pt.tanh(x)
    out = ifelse(c, only_then + shared_part, shared_part)
    f = pytensor.function([c, x], [out, shared_part.sum()])
    emitted = f.dump("emit")
    before, inside = emitted.split("scf.if", 1)
    assert "math.exp" in before and "math.exp" not in inside
    assert "math.tanh" in inside and "math.tanh" not in before
    xv = np.array([0.5, -1.0])
    same(f(1, xv)[0], np.tanh(xv) + np.exp(xv))


def test_nested():
    c, d, x = pt.bscalar("c"), pt.bscalar("d"), pt.dvector("x")
    out = ifelse(c, ifelse(d, x * 2, x[1:]), ifelse(d, x[:1], x + 10))
    xv = np.array([1.0, 2.0, 3.0])
    for mode in MODES:
        f = pytensor.function([c, d, x], out, mode=mode)
        same(f(1, 1, xv), xv * 2)
        same(f(1, 0, xv), xv[1:])
        same(f(0, 1, xv), xv[:1])
        same(f(0, 0, xv), xv + 10)


def test_random_draw_only_when_taken():
    """A draw in the branch not taken does not advance the generator."""
    rng = pytensor.shared(np.random.default_rng(42))
    nxt, draw = pt.random.normal(size=3, rng=rng).owner.outputs
    c = pt.bscalar("c")
    value, new_rng = ifelse(c, [draw, nxt], [pt.zeros(3), rng])
    for mode in MODES:
        rng.set_value(np.random.default_rng(42))
        f = pytensor.function([c], value, updates={rng: new_rng}, mode=mode)
        same(f(0), np.zeros(3))
        expected = np.random.default_rng(42)
        same(f(1), expected.normal(size=3))
        same(f(0), np.zeros(3))
        same(f(1), expected.normal(size=3))


def test_in_scan_step():
    """A step picking between two updates of its state, and a per-step output."""
    def step(xt, h):
        h_new = ifelse(pt.gt(xt, 0), h + xt, h * 2)
        return h_new, ifelse(pt.gt(xt, 0), h_new[:1], h_new[1:])

    seq, h0 = pt.dvector("s"), pt.dvector("h0")
    (hs, picks), _ = pytensor.scan(step, sequences=[seq], outputs_info=[h0, None])
    sv, hv = np.array([1.0, -1.0, 2.0, -3.0]), np.array([0.5, 1.5])
    h, want_h, want_p = hv, [], []
    for xt in sv:
        h = h + xt if xt > 0 else h * 2
        want_h.append(h)
        want_p.append(h[:1] if xt > 0 else h[1:])
    for mode in MODES:
        f = pytensor.function([seq, h0], [hs, picks], mode=mode)
        got_h, got_p = f(sv, hv)
        same(got_h, np.array(want_h))
        same(got_p, np.array(want_p))


def test_in_scan_untaken_branch_does_not_run():
    """A loop-invariant index in a branch stays in the step: it is not read
    before the loop, nor in a step not taking the branch."""
    seq, h0, v, i = pt.dvector("s"), pt.dscalar("h0"), pt.dvector("v"), pt.lscalar("i")
    hs, _ = pytensor.scan(lambda xt, h, v, i: ifelse(pt.gt(xt, 0), h + v[i], h - 1),
                          sequences=[seq], outputs_info=[h0], non_sequences=[v, i])
    for mode in MODES:
        f = pytensor.function([seq, h0, v, i], hs, mode=mode)
        same(f([-1.0, -2.0], 1.0, [1.0, 2.0], 5), np.array([0.0, -1.0]))
        same(f([-1.0, 3.0], 1.0, [1.0, 2.0], 1), np.array([0.0, 2.0]))
        with pytest.raises(IndexError, match="index 5 is out of bounds"):
            f([-1.0, 3.0], 1.0, [1.0, 2.0], 5)


def test_in_scan_with_until():
    def step(h, limit):
        new = ifelse(pt.lt(h, 10), h * 2, h + 1)
        return new, pytensor.until(ifelse(pt.ge(new, limit), np.array(1, "int8"), np.array(0, "int8")))

    h0, limit = pt.lscalar("h0"), pt.lscalar("limit")
    hs, _ = pytensor.scan(step, outputs_info=[h0], non_sequences=[limit], n_steps=20)
    for mode in MODES:
        f = pytensor.function([h0, limit], hs, mode=mode)
        same(f(1, 13), np.array([2, 4, 8, 16], "int64"))
        same(f(3, 15), np.array([6, 12, 13, 14, 15], "int64"))


def test_scan_in_branch():
    c, x = pt.bscalar("c"), pt.dvector("x")
    sums, _ = pytensor.scan(lambda xt, acc: acc + xt, sequences=[x], outputs_info=[pt.constant(np.array(0.0))])
    out = ifelse(c, sums, x[::-1])
    xv = np.array([1.0, 2.0, 3.0])
    for mode in MODES:
        f = pytensor.function([c, x], out, mode=mode)
        same(f(1, xv), np.cumsum(xv))
        same(f(0, xv), xv[::-1])


def test_against_pytensor_in_scan():
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt
    from pytensor.ifelse import ifelse as ref_ifelse

    def program(lib, ptm, choose):
        seq, h0 = ptm.dvector("s"), ptm.dvector("h0")
        hs, _ = lib.scan(lambda xt, h: choose(ptm.gt(xt, 0), h + xt, h[::-1]), sequences=[seq],
                         outputs_info=[h0])
        return lib.function([seq, h0], hs)

    sv, hv = values("float64", (6,), 5), np.array([1.0, 2.0, 3.0])
    same(program(pytensor, pt, ifelse)(sv, hv), program(ref, rpt, ref_ifelse)(sv, hv))


def test_bad_inputs_as_pytensor():
    c, x, y = pt.bscalar("c"), pt.dvector("x"), pt.dvector("y")
    with pytest.raises(TypeError, match="The condition argument must be a truthy scalar value"):
        ifelse(x, x, y)
    with pytest.raises(TypeError, match="compatible dtypes for both branches: got true_branch=float64, "
                                        "false_branch=float32"):
        ifelse(c, x, pt.fvector())
    with pytest.raises(TypeError, match="compatible ndim values for both branches: got true_branch=1, "
                                        "false_branch=2"):
        ifelse(c, x, pt.dmatrix())
    with pytest.raises(TypeError, match="compatible dtypes"):
        ifelse(c, pt.dscalar(), 1.0)  # 1.0 is a float32 constant, as in PyTensor
    with pytest.raises(TypeError, match="do not match"):
        ifelse(c, pytensor.shared(np.random.default_rng()), pt.dscalar())
    with pytest.raises(ValueError, match="got 2 for `then`, and 1 for `else`"):
        ifelse(c, [x, y], [x])
    with pytest.raises(ValueError, match="Wrong number of arguments: expected 2, got 3"):
        IfElse(1)(c, x, y, x)


def test_errors_match_pytensor():
    ref = pytest.importorskip("pytensor")
    import pytensor.tensor as rpt
    from pytensor.ifelse import ifelse as ref_ifelse

    for lib_pt, choose in ((pt, ifelse), (rpt, ref_ifelse)):
        c, x = lib_pt.bscalar("c"), lib_pt.dvector("x")
        for args, error in (((x, x, x), TypeError), ((c, x, lib_pt.fvector()), TypeError),
                            ((c, x, lib_pt.dmatrix()), TypeError), ((c, [x, x], [x]), ValueError)):
            with pytest.raises(error):
                choose(*args)
    assert ref is not None


def test_import_swap():
    """`from pytensor.ifelse import ifelse` and `pytensor.ifelse` work after `import scanjit as pytensor`."""
    import importlib

    assert importlib.import_module("scanjit.ifelse").ifelse is ifelse
    assert pytensor.ifelse is ifelse


def test_scan_with_until_in_branch():
    """An scf.while in a region (convert-scf-while-to-cf lowers the scf.if around it)."""
    c, n = pt.bscalar("c"), pt.lscalar("n")
    powers, _ = pytensor.scan(lambda h: (h * 2, pytensor.until(pt.ge(h * 2, n))),
                              outputs_info=[pt.constant(np.array(1, "int64"))], n_steps=50)
    out = ifelse(c, powers, pt.arange(n))
    for mode in MODES:
        f = pytensor.function([c, n], out, mode=mode)
        same(f(1, 20), np.array([2, 4, 8, 16, 32], "int64"))
        same(f(0, 3), np.arange(3, dtype="int64"))


def test_per_step_output_lengths_by_branch():
    """A per-step output's rows are allocated before the loop: with a
    loop-invariant condition they take the chosen branch's lengths; with one
    that changes from step to step the branches' lengths must agree, else
    NotImplementedError (mode="py" has no such limit)."""
    s, a, b, flag = pt.dvector("s"), pt.dvector("a"), pt.dvector("b"), pt.bscalar("flag")
    fixed, _ = pytensor.scan(lambda st, a, b, flag: ifelse(flag, a * st, b), sequences=[s],
                             non_sequences=[a, b, flag])
    varying, _ = pytensor.scan(lambda st, a, b: ifelse(pt.gt(st, 0), a * st, b), sequences=[s],
                               non_sequences=[a, b])
    sv, av, bv = np.array([1.0, -2.0]), np.array([1.0, 2.0, 3.0]), np.array([5.0, 6.0])
    for mode in MODES:
        f = pytensor.function([s, a, b, flag], fixed, mode=mode)
        same(f(sv, av, bv, 1), np.outer(sv, av))
        same(f(sv, av, bv, 0), np.stack([bv, bv]))
        g = pytensor.function([s, a, b], varying, mode=mode)
        same(g(sv, av[:2], bv), np.stack([av[:2] * sv[0], bv]))
    with pytest.raises(NotImplementedError, match="lengths 3 and 2"):
        pytensor.function([s, a, b], varying)(sv, av, bv)
