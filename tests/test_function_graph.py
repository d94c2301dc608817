"""What `function()` compiles and how it is called, as PyTensor's: `givens`
(through scan bodies too), intermediate variables as inputs, `clone_replace`,
`In`/`Out`, keyword arguments, `MissingInputError`, `Variable.eval` and
`.copy()`, and `dprint`."""

import io

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

from fuzz_programs import Program
from test_fuzz import assert_same, outcome

MODES = [None, "py"]


def _scan_with_closure():
    xs, a = pt.dvector("xs"), pt.dscalar("a")
    h0 = pt.constant(0.0, dtype="float64")
    out, _ = pytensor.scan(lambda v, h: h * a + v * pt.exp(a), sequences=[xs], outputs_info=[h0])
    return xs, a, out


@pytest.mark.parametrize("mode", MODES)
def test_givens_replace_inside_scan_bodies(mode):
    xs, a, out = _scan_with_closure()
    b = pt.dscalar("b")
    f = pytensor.function([xs, b], out, givens={a: b * 2}, mode=mode)
    g = pytensor.function([xs, a], out, mode=mode)
    np.testing.assert_allclose(f(np.arange(4.0), 0.25), g(np.arange(4.0), 0.5))
    # pairs work as a dict does, and the original graph is left as it was
    f2 = pytensor.function([xs, b], out.sum(), givens=[(a, b - 1)], mode=mode)
    np.testing.assert_allclose(f2(np.arange(4.0), 1.5), g(np.arange(4.0), 0.5).sum())
    np.testing.assert_allclose(pytensor.function([xs, a], out, mode=mode)(np.ones(2), 1.0), g(np.ones(2), 1.0))


def test_givens_of_a_nested_scan_and_an_update():
    xs, a = pt.dmatrix("xs"), pt.dscalar("a")
    acc = pytensor.shared(np.float64(0.0), name="acc")

    def row(r):
        inner, _ = pytensor.scan(lambda v, h: h + v * a, sequences=[r], outputs_info=[pt.constant(0.0, dtype="float64")])
        return inner[-1]

    out, _ = pytensor.scan(row, sequences=[xs])
    b = pt.dscalar("b")
    f = pytensor.function([xs, b], out, givens={a: b + 1}, updates={acc: acc + a})
    np.testing.assert_allclose(f(np.ones((2, 3)), 1.0), [6.0, 6.0])
    assert acc.get_value() == 2.0


def test_givens_errors_match_pytensor():
    x, w = pt.dscalar("x"), pt.dscalar("w")
    y = x * 2
    with pytest.raises(RuntimeError, match="input of the function"):
        pytensor.function([x, w], y, givens={x: w + 1})
    with pytest.raises(TypeError, match="cannot replace 'x'"):
        pytensor.function([w], y, givens={x: pt.dvector("v")})
    with pytest.raises(TypeError, match="cannot replace 'x'"):
        pytensor.function([w], y, givens={x: pt.iscalar("i")})


def test_givens_keep_static_lengths_checked():
    x = pt.tensor("x", dtype="float64", shape=(3,))
    v = pt.dvector("v")
    f = pytensor.function([v], x.sum(), givens={x: v})
    assert f(np.ones(3)) == 3.0
    with pytest.raises(ValueError, match="'v' has length 4 on axis 0, expected 3"):
        f(np.ones(4))


@pytest.mark.parametrize("index", range(12))
def test_givens_of_every_input_change_nothing(index):
    """Each fuzz program compiled on fresh inputs given for its own (every
    node rebuilt, scan bodies, random draws and updates included) computes
    what it computes."""
    program = Program(f"givens:{index}")
    fresh = [v.type(v.name) for v in program.inputs]
    try:
        direct = pytensor.function(program.inputs, program.outputs, updates=program.updates,
                                   on_unused_input="ignore")
    except NotImplementedError as exc:
        pytest.skip(str(exc))
    given = pytensor.function(fresh, program.outputs, updates=program.updates, on_unused_input="ignore",
                              givens=list(zip(program.inputs, fresh)))
    for case in range(4):
        args = program.case(np.random.default_rng([index, case]))
        error, got, got_shared = outcome(program, given, args)
        expected_error, expected, expected_shared = outcome(program, direct, args)
        assert error is expected_error
        if error is None:
            for g, e in zip(got + got_shared, expected + expected_shared):
                assert_same(g, e, f"program {index} case {case}", tolerance={})


@pytest.mark.parametrize("mode", MODES)
def test_intermediate_variables_as_inputs(mode):
    xs, a, out = _scan_with_closure()
    scale = a * 3  # an intermediate the scan body reads
    out2, _ = pytensor.scan(lambda v, h: h * scale + v, sequences=[xs], outputs_info=[pt.constant(0.0, dtype="float64")])
    f = pytensor.function([xs, scale], out2, mode=mode)
    np.testing.assert_allclose(f(np.ones(3), 1.0), [1.0, 2.0, 3.0])
    y = a * 2
    np.testing.assert_allclose(pytensor.function([y], y * 3, mode=mode)(2.0), 6.0)


def test_clone_replace():
    x, y = pt.dvector("x"), pt.dvector("y")
    z = (x * 2).sum()
    z2 = pytensor.clone_replace(z, {x: y + 1})
    assert pytensor.function([y], z2)(np.ones(3)) == 12.0
    assert pytensor.clone_replace(z, {}) is z
    assert pytensor.function([x], z)(np.ones(3)) == 6.0  # z unchanged


@pytest.mark.parametrize("mode", MODES)
def test_keyword_arguments(mode):
    x, y = pt.dscalar("x"), pt.dscalar("y")
    f = pytensor.function([x, y], x - y, mode=mode)
    assert f(y=1.0, x=3.0) == 2.0
    assert f(3.0, y=1.0) == 2.0
    with pytest.raises(TypeError, match="unknown input 'z'"):
        f(1.0, z=2.0)
    with pytest.raises(TypeError, match="given twice"):
        f(1.0, 2.0, x=3.0)
    with pytest.raises(TypeError, match="missing arguments for 'y'"):
        f(x=1.0)
    g = pytensor.function([pytensor.In(x, name="first"), y], x - y, mode=mode)
    assert g(first=5.0, y=1.0) == 4.0


@pytest.mark.parametrize("mode", MODES)
def test_in_and_out(mode):
    x = pt.dvector("x")
    f = pytensor.function([pytensor.In(x, strict=True)], pytensor.Out(x * 2, borrow=True), mode=mode)
    np.testing.assert_array_equal(f(np.ones(2)), [2.0, 2.0])
    with pytest.raises(TypeError, match="strict"):
        f([1.0, 2.0])
    with pytest.raises(TypeError, match="strict"):
        f(np.ones(2, dtype="float32"))
    i = pt.ivector("i")
    g = pytensor.function([pytensor.In(i, allow_downcast=True)], i + 1, mode=mode)
    np.testing.assert_array_equal(g(np.array([1.7, 2.2])), [2, 3])
    with pytest.raises(ValueError, match="default values are deprecated"):
        pytensor.In(x, value=np.ones(2))


def test_missing_input_error():
    x, y = pt.dscalar("x"), pt.dscalar("y")
    with pytest.raises(pytensor.MissingInputError, match="'y' is needed"):
        pytensor.function([x], x + y)
    assert issubclass(pytensor.MissingInputError, ValueError)


def test_eval_and_copy():
    x, y = pt.dscalar("x"), pt.dvector("y")
    z = x * 2 + y
    np.testing.assert_array_equal(z.eval({x: 1.0, y: np.ones(2)}), [3.0, 3.0])
    np.testing.assert_array_equal(z.eval({"x": 2.0, "y": np.zeros(2)}), [4.0, 4.0])
    assert len(z._eval_functions) == 1  # compiled once for the same inputs
    assert pt.constant(3.0).eval() == 3.0
    with pytest.raises(ValueError, match="named 'q'"):
        z.eval({"q": 1.0})
    c = z.copy(name="c")
    assert c.name == "c" and c is not z and c.type == z.type
    np.testing.assert_array_equal(c.eval({x: 0.5, y: np.ones(2)}), [2.0, 2.0])
    assert pt.dscalar("s").astype("floatX").dtype == pytensor.config.floatX


def test_dprint():
    x = pt.dvector("x")
    y = (x * 2).sum()
    text = pytensor.dprint(y, file="str")
    assert text.splitlines()[0].startswith("Reduce{add") and "x [id" in text and "<float64" not in text
    assert "<float64, shape=(?,)>" in pytensor.debugprint(y, print_type=True, file="str")
    buffer = io.StringIO()
    assert pytensor.dprint(pytensor.function([x], y), file=buffer) is buffer
    assert buffer.getvalue() == text
