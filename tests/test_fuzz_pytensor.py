"""PyTensor as a second oracle. The reference interpreter (test_fuzz.py) shares
the front end's reading of PyTensor; PyTensor itself does not. Each fuzz
program (fuzz_programs.py) is built twice from one seed, with scanjit and with
PyTensor, and compiled with `scanjit.function` and with `pytensor.function` in
PyTensor's default mode (numba). They must agree: same dtypes, shapes and
values (floats within TOLERANCE), same shared values after the call, and when
one raises, the other raises the same exception class (ERRORS maps PyTensor's).

The known differences are excluded below, each by a precise predicate on the
program or its arguments (KNOWN: scanjit must then raise the class given; the
others say what is still compared), each listed in docs/reliability.md
("PyTensor as a second oracle") with a minimal program and who is wrong.

Gradients: test_fuzz.py's float64 gradient programs, their gradients
(scanjit.grad, compiled) against PyTensor's (pytensor.grad, in mode
FAST_COMPILE, where numba compiles each program for a minute) where the forward
call succeeds and no known difference applies; SCANJIT_FUZZ_PYTENSOR_GRAD=N
runs N cases (GRADIENT_CALLS per program).

Skipped without PyTensor (the `[bench]` extra). SCANJIT_FUZZ_PYTENSOR=N runs N
cases (CALLS per program), SCANJIT_FUZZ_SEED=S picks the programs: the same
programs as test_fuzz.py's for the same S. `-s` prints the known differences met.
Programs with matrix states (test_fuzz.py's): SCANJIT_FUZZ_PYTENSOR_MATRIX=N cases,
SCANJIT_FUZZ_PYTENSOR_MATRIX_GRAD=N of their gradients.
"""

from __future__ import annotations

import os
from typing import Callable, NamedTuple

import numpy as np
import pytest

pytest.importorskip("pytensor")

import scanjit  # noqa: E402

from fuzz_programs import CALLS, GRADIENT_CALLS, SEED, Program, pytensor_library  # noqa: E402
from test_fuzz import assert_same  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Scan return signature will change:DeprecationWarning")

CASES = int(os.environ.get("SCANJIT_FUZZ_PYTENSOR", "24"))
GRADIENT_CASES = int(os.environ.get("SCANJIT_FUZZ_PYTENSOR_GRAD", "24"))
MATRIX_CASES = int(os.environ.get("SCANJIT_FUZZ_PYTENSOR_MATRIX", "16"))  # programs with matrix states
MATRIX_GRADIENT_CASES = int(os.environ.get("SCANJIT_FUZZ_PYTENSOR_MATRIX_GRAD", "6"))
PYTENSOR = pytensor_library()
# test_fuzz.py's, but float32 sums of up to 16,000 terms, which numba adds in
# another order (fastmath reassociates): 1.4e-5 apart were seen.
TOLERANCE = {"float64": 1e-12, "float32": 1e-4}


# -- how many steps a case runs -------------------------------------------------
def usable_lengths(program: Program, args: list) -> list[int]:
    """Steps each sequence allows: its length less its taps' span."""
    return [len(arg) - (max(max(taps), 0) - min(min(taps), 0))
            for arg, (role, _, taps) in zip(args, program.specs) if role == "seq"]


def n_steps(program: Program, args: list) -> int | None:
    """The `n_steps` given to scan (a constant or an argument), else None."""
    if isinstance(program.n_steps, int):
        return program.n_steps
    return next((int(arg) for arg, (role, _, _) in zip(args, program.specs) if role == "n_steps"), None)


def steps(program: Program, args: list) -> int:
    """The steps the scan runs (before an `until`). Without `n_steps`, a
    sequence shorter than its taps' span gives none, in both libraries."""
    given = n_steps(program, args)
    return max(min(usable_lengths(program, args)), 0) if given is None else given


# -- cases where scanjit raises, and PyTensor returns what it should not -----------
# PyTensor is not asked when scanjit raises the class given; any other outcome
# must be PyTensor's (an error from elsewhere in the graph, for one).
def negative_n_steps(program: Program, args: list) -> bool:
    given = n_steps(program, args)
    return given is not None and given < 0


def too_few_initial_values(program: Program, args: list) -> bool:
    return any(role == "init" and taps != [-1] and len(arg) < -min(taps)
               for arg, (role, _, taps) in zip(args, program.specs))


def n_steps_beyond_a_sequence(program: Program, args: list) -> bool:
    given = n_steps(program, args)
    return given is not None and given > 0 and min(usable_lengths(program, args), default=given) < given


def a_row_of_no_step(program: Program, args: list) -> bool:
    """No step ran, and an output is the last row of a per-step output, or a
    maximum over the steps."""
    return steps(program, args) == 0 and any(
        use == "last" and program.state_kinds[out][0] == "step" or use == "max over steps"
        for out, use in program.output_uses)


class Known(NamedTuple):
    name: str  # docs/reliability.md gives the reason and a minimal program
    applies: Callable[[Program, list], bool]
    scanjit_raises: type | tuple[type, ...]


KNOWN = [
    Known("negative n_steps", negative_n_steps, ValueError),
    Known("too few initial values", too_few_initial_values, ValueError),
    Known("n_steps beyond a sequence", n_steps_beyond_a_sequence, ValueError),
    Known("a row of no step", a_row_of_no_step, (IndexError, ValueError)),
]


# -- what else differs by design or by a PyTensor bug --------------------------------
def empty_rows(program: Program, args: list) -> list[int]:
    """The outputs that are a per-step output of vectors or matrices (its
    rows, reversed or not) when no step ran: PyTensor's are shaped (0, 0)
    or (0, 0, 0), scanjit's (0, k) or (0, k, l)."""
    if steps(program, args) != 0:
        return []
    return [i for i, (out, use) in enumerate(program.output_uses)
            if program.state_kinds[out][0] == "step" and program.scan_outs[out].ndim >= 2
            and use in ("all", "reversed", "tail")]


def invariant(inputs: list, value) -> bool:
    """Whether a step value is computed from none of the step's `inputs` (its
    sequences' and states' taps) but their shapes, which are the same at
    every step (on graphs built with PyTensor)."""
    from pytensor.tensor.shape import Shape, Shape_i

    seen, todo = set(), [value]
    while todo:
        var = todo.pop()
        if var in inputs:
            return False
        if var.owner is not None and var not in seen and not isinstance(var.owner.op, (Shape, Shape_i)):
            seen.add(var)
            todo += var.owner.inputs
    return True


def invariant_states(twin: Program) -> list[int]:
    """The outputs, and shared values (numbered after them), computed from a
    recurrent output of the scan whose step value is invariant (`twin`: the
    program built with PyTensor)."""
    states = {i for i, ((kind, _), value) in enumerate(zip(twin.state_kinds, twin.step_values))
              if kind != "step" and invariant(twin.step_inputs, value)}
    found = [i for i, (out, _) in enumerate(twin.output_uses) if out in states]
    if 0 in states:  # `acc` adds up scan output 0
        found += [len(twin.outputs) + i for i, (var, _) in enumerate(twin.shared) if var.name == "acc"]
    return found


def an_invariant_nested_state(twin: Program, whole=True) -> bool:
    """A nested scan's recurrent output, returned whole (else also its last
    value), whose step value is invariant."""
    return any(invariant(inputs, value) for inputs, value, returned_whole in twin.nested_states
               if returned_whole or not whole)


def one_backward_step(program: Program, args: list) -> bool:
    """`go_backwards` with `n_steps=1` (a constant) over a sequence of more
    rows: PyTensor reads its first row instead of its last."""
    return (program.go_backwards and isinstance(program.n_steps, int) and program.n_steps == 1
            and max(usable_lengths(program, args), default=0) > 1)


def tails_of_until(program: Program) -> list[int]:
    """The outputs that are `out[1:]` of a recurrent output stopped by `until`."""
    return [i for i, (out, use) in enumerate(program.output_uses)
            if program.until and use == "tail" and program.state_kinds[out][0] != "step"]


def last_of_no_constant_step(program: Program) -> bool:
    """`n_steps=0` (a constant), and an output is `out[-1]` of a recurrent output."""
    return isinstance(program.n_steps, int) and program.n_steps == 0 and any(
        use == "last" and program.state_kinds[out][0] != "step" for out, use in program.output_uses)


def a_folded_comparison(twin: Program) -> bool:
    """A comparison of two equal computations (PyTensor folds it to a
    constant, and a `switch` on it to one branch)."""
    from pytensor.graph.basic import equal_computations

    return any(equal_computations([a], [b]) for a, b in twin.comparisons)


def a_sequence_and_row_taps(program: Program) -> bool:
    """A sequence, and a recurrent output of vectors or matrices with several
    taps: in the gradient's scan PyTensor's C backend raises `ValueError:
    expected an ndarray` (vectors) or crashes the process (matrices); its
    numba backend does neither."""
    return any(role == "seq" for role, _, _ in program.specs) and any(
        role == "init" and ndim >= 2 and len(taps) > 1 for role, ndim, taps in program.specs)


def several_draws(program: Program) -> bool:
    """Several random draws from the program's generator in one step."""
    return len(getattr(program, "draws", [])) > 1


# -- comparing ----------------------------------------------------------------------
# PyTensor's class -> scanjit's: numba's elementwise ops raise AssertionError
# ("Could not broadcast dimensions") where NumPy and scanjit raise ValueError.
ERRORS = {AssertionError: ValueError}


def outcome(program: Program, f, args: list):
    """(exception or None, outputs, shared values after the call)."""
    program.reset_shared()
    try:
        outputs = f(*[arg.copy() for arg in args])
    except Exception as exc:  # noqa: BLE001 - compared by class
        return exc, None, None
    return None, outputs, program.shared_values()


def accepted(program: Program, twin: Program, args: list, got, expected, invariant: bool,
             gradient: bool = False) -> str | None:
    """The known difference that explains why one of scanjit and PyTensor
    raised and the other did not, if any. `invariant`: the program has a state
    (nested or not) whose step value is invariant, which PyTensor replaces by
    an Alloc of that value, computing neither its initial value nor its checks.
    `gradient`: the outcomes are of the program's gradients."""
    error, expected_error = got[0], expected[0]
    if gradient and program.until and error is None and isinstance(expected_error, (MemoryError, ValueError)):
        return "until's gradient to the end"
    if isinstance(error, (IndexError, ValueError)) and expected_error is None:
        if steps(program, args) == 0:
            return "eager invariant code"
        if invariant:
            return "unchecked invariant state"
        if a_folded_comparison(twin):
            return "folded comparison"
    if (error is None and isinstance(expected_error, (IndexError, OverflowError))
            and last_of_no_constant_step(program)):
        return "last of no constant step"
    return None


def differences(got, expected, values=True, empty=(), uncompared=()) -> list[str]:
    """What differs between scanjit's outcome and PyTensor's: all but values
    unless `values`; PyTensor's (0, 0) is read as scanjit's (0, k), and
    (0, 0, 0) as (0, k, l), for the outputs in `empty`; outputs and shared values in `uncompared` are not compared."""
    (error, outputs, shared), (expected_error, expected_outputs, expected_shared) = got, expected
    if type(error) is not ERRORS.get(type(expected_error), type(expected_error)):
        return [f"scanjit raised {error!r}, PyTensor {expected_error!r}"]
    if error is not None:
        return []
    found = []
    for i, (g, e) in enumerate(zip(outputs + shared, expected_outputs + expected_shared)):
        what = f"output {i}" if i < len(outputs) else f"shared value {i - len(outputs)}"
        if i in uncompared or not values and isinstance(e, np.random.Generator):
            continue
        if i in empty and e.shape == (0,) * e.ndim and g.ndim == e.ndim and g.size == 0:
            e = e.reshape(g.shape)
        if not values:
            g, e = np.zeros_like(g), np.zeros_like(e)
        try:
            assert_same(g, e, what, TOLERANCE)
        except AssertionError as exc:
            found.append(" ".join(str(exc).split("\n")[:8]))
    return found


def compare_program(seed: int, index: int, calls: int, matrices: bool = False) -> tuple[list[str], list[str]]:
    """(differences, known differences met) over `calls` cases of one program
    (test_fuzz.py's, with matrix states if `matrices`)."""
    name, key = (f"{seed}:matrix:{index}", [seed, index, 2]) if matrices else (f"{seed}:{index}", [seed, index])
    where = f"SCANJIT_FUZZ_SEED={seed} {'matrix ' * matrices}program {index}"
    program = Program(name, matrix_states=matrices)
    twin = Program(name, PYTENSOR, matrix_states=matrices)
    if an_invariant_nested_state(twin):
        pytest.skip(f"{where}: an invariant nested state")
    try:
        compiled = scanjit.function(program.inputs, program.outputs, updates=program.updates,
                                    on_unused_input="ignore")
    except NotImplementedError as exc:  # a documented limitation of the compiler
        pytest.skip(f"{where}: {exc}")
    oracle = PYTENSOR.pytensor.function(twin.inputs, twin.outputs, updates=twin.updates,
                                        on_unused_input="ignore")
    invariant = invariant_states(twin)
    unchecked = bool(invariant) or an_invariant_nested_state(twin, whole=False)  # see `accepted`
    uncompared, draws = invariant + tails_of_until(program), several_draws(program)
    met = ["an invariant state"] * bool(invariant) + ["until's tail"] * (uncompared != invariant)
    met += ["several draws"] * draws
    problems = []
    for case in range(calls):
        args = program.case(np.random.default_rng([*key, case]))
        what = f"{where} case {case}"
        got = outcome(program, compiled, args)
        known = next((k for k in KNOWN if k.applies(program, args)), None)
        if known is not None and isinstance(got[0], known.scanjit_raises):
            met.append(known.name)
            continue  # else the error comes from elsewhere: PyTensor must raise it too
        expected = outcome(twin, oracle, args)
        why = accepted(program, twin, args, got, expected, unchecked)
        if why:
            met.append(why)
            continue
        empty, backward = empty_rows(program, args), one_backward_step(program, args)
        met += ["empty rows"] * bool(empty) + ["one backward step"] * backward
        values = not (draws or backward)
        problems += [f"{what}: {d}" for d in differences(got, expected, values, empty, uncompared)]
    return problems, met


@pytest.mark.parametrize("index", range(-(-CASES // CALLS)))
def test_compiled_matches_pytensor(index):
    problems, met = compare_program(SEED, index, min(CALLS, CASES - index * CALLS))
    print("".join(f" [{name} x{met.count(name)}]" for name in sorted(set(met))), end=" ")
    assert not problems, "\n".join(problems)


def compare_gradients(seed: int, index: int, calls: int, matrices: bool = False) -> list[str]:
    """The differences between scanjit's gradients and PyTensor's over
    `calls` cases of gradient program `index` (test_fuzz.py's, with matrix
    states if `matrices`)."""
    name, key = (f"{seed}:matrix-gradient:{index}", [seed, index, 2]) if matrices else \
        (f"{seed}:gradient:{index}", [seed, index])
    where = f"SCANJIT_FUZZ_SEED={seed} {'matrix ' * matrices}gradient program {index}"
    program = Program(name, for_gradient=True, matrix_states=matrices)
    twin = Program(name, PYTENSOR, for_gradient=True, matrix_states=matrices)
    if invariant_states(twin) or an_invariant_nested_state(twin, whole=False):
        pytest.skip(f"{where}: an invariant state (PyTensor computes it otherwise)")
    try:
        cost, grads = program.gradients()
        compiled = scanjit.function(program.inputs, [cost, *grads], on_unused_input="ignore")
    except NotImplementedError as exc:  # a form of scan without a gradient yet
        pytest.skip(f"{where}: {exc}")
    try:
        their_cost, their_grads = twin.gradients()
    except PYTENSOR.pytensor.gradient.NullTypeGradError as exc:  # e.g. through an `until` scan's
        pytest.skip(f"{where}: PyTensor has no gradient here ({str(exc).splitlines()[0][:80]})")
    Mode = PYTENSOR.pytensor.compile.mode.Mode
    mode = Mode(linker="numba") if a_sequence_and_row_taps(program) \
        else Mode(linker="cvm")  # "taps' gradient in C" and "in numba"; numba takes up to a minute a program
    oracle = PYTENSOR.pytensor.function(twin.inputs, [their_cost, *their_grads], on_unused_input="ignore", mode=mode)
    problems = []
    for case in range(calls):
        args = program.case(np.random.default_rng([*key, case, 1]))
        got = outcome(program, compiled, args)
        if got[0] is not None or one_backward_step(program, args):  # the forward's: compare_program's
            continue
        if steps(program, args) == 0:  # PyTensor's C and Python gradients of a scan of no step
            continue  # fail to broadcast its (0, 0) rows ("empty rows"); numba's are right
        expected = outcome(twin, oracle, args)
        if accepted(program, twin, args, got, expected, False, gradient=True):
            continue
        problems += [f"{where} case {case}: {d}" for d in differences(got, expected)]
    return problems


@pytest.mark.parametrize("index", range(-(-GRADIENT_CASES // GRADIENT_CALLS)))
def test_gradients_match_pytensor(index):
    problems = compare_gradients(SEED, index, min(GRADIENT_CALLS, GRADIENT_CASES - index * GRADIENT_CALLS))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("index", range(-(-MATRIX_CASES // CALLS)))
def test_programs_with_matrix_states_match_pytensor(index):
    problems, met = compare_program(SEED, index, min(CALLS, MATRIX_CASES - index * CALLS), matrices=True)
    print("".join(f" [{name} x{met.count(name)}]" for name in sorted(set(met))), end=" ")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("index", range(-(-MATRIX_GRADIENT_CASES // GRADIENT_CALLS)))
def test_gradients_of_programs_with_matrix_states_match_pytensor(index):
    problems = compare_gradients(SEED, index, min(GRADIENT_CALLS, MATRIX_GRADIENT_CASES - index * GRADIENT_CALLS),
                                 matrices=True)
    assert not problems, "\n".join(problems)
