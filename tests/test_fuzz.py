"""Differential fuzzing: random scan programs (fuzz_programs.py) compiled with
`scanjit.function` and run by the NumPy reference interpreter
(`mode="py"`) must agree: same dtypes and shapes, values equal (ints, bools)
or close (floats, whose exp/tanh/... come from libm on one side and NumPy on
the other), same shared-variable values after the call, and when one raises,
the other raises the same exception class.

SCANJIT_FUZZ=N runs N cases (CALLS per program), SCANJIT_FUZZ_SEED=S picks the
programs; a failure names the seed, program and case to rerun. Programs whose
states are matrices (a batch's rows, whose steps loop over rows) run too:
SCANJIT_FUZZ_MATRIX=N cases of them, SCANJIT_FUZZ_MATRIX_GRAD=N of their gradients.

Gradients: float64 programs' gradients (of the sum of their outputs, with
respect to their float inputs), compiled, against the reference
interpreter's and against central differences along a random direction;
SCANJIT_FUZZ_GRAD=N runs N cases (GRADIENT_CALLS per program).
"""

import numpy as np
import pytest

import scanjit as pytensor
from scanjit.printing import graph_text

from fuzz_programs import (
    CALLS, CASES, GRADIENT_CALLS, GRADIENT_CASES, MATRIX_CASES, MATRIX_GRADIENT_CASES, SEED, Program,
    directional_check,
)

# NumPy's exp, tanh, ... differ from libm's in the last bit; float32 sums of
# thousands of such values drift by a few float32 ulps of the total.
TOLERANCE = {"float64": 1e-12, "float32": 1e-5}


def outcome(program: Program, f, args):
    """(exception class or None, outputs, shared values after the call)."""
    program.reset_shared()
    try:
        outputs = f(*args)
    except Exception as exc:  # noqa: BLE001 - compared by class
        return type(exc), None, None
    return None, outputs, program.shared_values()


def assert_same(got, expected, what: str, tolerance=TOLERANCE) -> None:
    if isinstance(expected, np.random.Generator):
        assert got.bit_generator.state == expected.bit_generator.state, what
        return
    assert isinstance(got, np.ndarray) and isinstance(expected, np.ndarray), what
    assert (got.dtype, got.shape) == (expected.dtype, expected.shape), what
    tol = tolerance.get(str(expected.dtype))
    if tol is None:
        np.testing.assert_array_equal(got, expected, err_msg=what)
    else:
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, equal_nan=True, err_msg=what)


def compare_with_reference(program: Program, where: str, key: list, cases: int) -> None:
    """`cases` calls of `program`, compiled and by the reference interpreter
    (case k's arguments from the generator seeded with key + [k])."""
    try:
        compiled = pytensor.function(program.inputs, program.outputs, updates=program.updates,
                                     on_unused_input="ignore")
    except NotImplementedError as exc:  # a documented limitation of the compiler
        pytest.skip(f"{where}: {exc}")
    reference = pytensor.function(program.inputs, program.outputs, updates=program.updates, mode="py",
                                  on_unused_input="ignore")
    for case in range(cases):
        args = program.case(np.random.default_rng([*key, case]))
        what = f"{where} case {case}\n{graph_text(program.outputs)}"
        error, got, got_shared = outcome(program, compiled, args)
        expected_error, expected, expected_shared = outcome(program, reference, args)
        assert error is expected_error, f"compiled raised {error}, reference {expected_error}: {what}"
        if error is None:
            assert len(got) == len(expected), what
            for g, e in zip(got + got_shared, expected + expected_shared):
                assert_same(g, e, what)


def compare_gradients(program: Program, where: str, key: list, cases: int) -> None:
    """`cases` calls of `program`'s gradients, compiled, against the
    reference interpreter's and central differences."""
    try:
        cost, grads = program.gradients()
        compiled = pytensor.function(program.inputs, [cost, *grads], on_unused_input="ignore")
    except NotImplementedError as exc:  # a form of scan without a gradient yet
        pytest.skip(f"{where}: {exc}")
    reference = pytensor.function(program.inputs, [cost, *grads], mode="py", on_unused_input="ignore")
    for case in range(cases):
        rng = np.random.default_rng([*key, case, 1])
        args = program.case(rng)
        what = f"{where} case {case}\n{graph_text([cost])}"
        error, got, _ = outcome(program, compiled, args)
        expected_error, expected, _ = outcome(program, reference, args)
        assert error is expected_error, f"compiled raised {error}, reference {expected_error}: {what}"
        if error is None:
            for g, e in zip(got, expected):
                assert_same(g, e, what, {"float64": 1e-9})
            problem = directional_check(program, compiled, args, rng)
            assert problem is None, f"{problem}: {what}"


@pytest.mark.parametrize("index", range(-(-CASES // CALLS)))
def test_compiled_matches_reference(index):
    compare_with_reference(Program(f"{SEED}:{index}"), f"SCANJIT_FUZZ_SEED={SEED} program {index}",
                           [SEED, index], min(CALLS, CASES - index * CALLS))


@pytest.mark.parametrize("index", range(-(-GRADIENT_CASES // GRADIENT_CALLS)))
def test_gradients_match_reference_and_finite_differences(index):
    compare_gradients(Program(f"{SEED}:gradient:{index}", for_gradient=True),
                      f"SCANJIT_FUZZ_SEED={SEED} gradient program {index}", [SEED, index],
                      min(GRADIENT_CALLS, GRADIENT_CASES - index * GRADIENT_CALLS))


@pytest.mark.parametrize("index", range(-(-MATRIX_CASES // CALLS)))
def test_programs_with_matrix_states_match_reference(index):
    compare_with_reference(Program(f"{SEED}:matrix:{index}", matrix_states=True),
                           f"SCANJIT_FUZZ_SEED={SEED} matrix program {index}", [SEED, index, 2],
                           min(CALLS, MATRIX_CASES - index * CALLS))


@pytest.mark.parametrize("index", range(-(-MATRIX_GRADIENT_CASES // GRADIENT_CALLS)))
def test_gradients_of_programs_with_matrix_states(index):
    compare_gradients(Program(f"{SEED}:matrix-gradient:{index}", for_gradient=True, matrix_states=True),
                      f"SCANJIT_FUZZ_SEED={SEED} matrix gradient program {index}", [SEED, index, 2],
                      min(GRADIENT_CALLS, MATRIX_GRADIENT_CASES - index * GRADIENT_CALLS))
