"""Errors say what is wrong, with the values the native check saw: the
compiled function and the reference interpreter raise the same exception
with the same message."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt


def program(name):
    x, y, m, i, n = pt.dvector("x"), pt.dvector("y"), pt.dmatrix("m"), pt.lscalar("i"), pt.lscalar("n")
    init = pt.dvector("init")
    growing, _ = pytensor.scan(lambda a: pt.alloc(a[0], 2), outputs_info=[init], n_steps=2)
    cases = {
        "elemwise inputs": ([x, y], x + y, (np.ones(3), np.ones(2)),
                            "shape mismatch in Elemwise{add} along axis 0: 'x' has shape (3,) and 'y' has shape (2,)"),
        "elemwise matrix": ([m, y], m * y, (np.ones((2, 3)), np.ones(2)),
                            "along axis 1: 'm' has shape (2, 3) and 'y' has shape (2,)"),
        "dot": ([m, y], pt.dot(m, y), (np.ones((2, 3)), np.ones(2)),
                "dot of 'm' and 'y': shapes (2, 3) and (2,) are not aligned"),
        "index": ([x, i], x[i], (np.ones(3), 7), "index 7 is out of bounds for axis 0 of 'x' with size 3"),
        "negative index": ([x, i], x[i], (np.ones(3), -4), "index -4 is out of bounds for axis 0 of 'x' with size 3"),
        "column index": ([m, i], m[:, i], (np.ones((2, 3)), 3), "index 3 is out of bounds for axis 1 of 'm' with size 3"),
        "n_steps": ([x, n], pytensor.scan(lambda a: a, sequences=[x], n_steps=n)[0], (np.ones(3), 5),
                    "n_steps (5) is larger than the length of sequence 'x' (3)"),
        "negative n_steps": ([n, init], pytensor.scan(lambda a: a, outputs_info=[init], n_steps=n)[0],
                             (-2, np.ones(1)), "n_steps of scan must be >= 0, got -2"),
        "initial values": ([init], pytensor.scan(lambda a, b: a + b, outputs_info=[dict(initial=init, taps=[-3, -1])],
                                                 n_steps=2)[0], (np.ones(2),),
                           "output 0 of scan needs 3 initial values for its taps, got 2"),
        "changing shape": ([init], growing, (np.ones(1),),
                           "output 0 of scan changes shape between steps: a step gave length 2 on axis 0, "
                           "the output's rows have 1"),
        "negative alloc": ([n], pt.alloc(1.0, n), (-3,), "negative dimensions are not allowed (alloc's length 'n' is -3)"),
    }
    return cases[name]


NAMES = ["elemwise inputs", "elemwise matrix", "dot", "index", "negative index", "column index", "n_steps",
         "negative n_steps", "initial values", "changing shape", "negative alloc"]


@pytest.mark.parametrize("name", NAMES)
def test_compiled_and_reference_raise_the_same_message(name):
    inputs, output, args, message = program(name)
    errors = []
    for mode in (None, "py"):
        with pytest.raises((ValueError, IndexError)) as raised:
            pytensor.function(inputs, output, mode=mode)(*args)
        errors.append((type(raised.value), str(raised.value)))
    assert errors[0] == errors[1]
    assert message in errors[0][1]
