"""The seed tutorial, run as a user runs it, prints exactly the expected output."""

import pathlib
import subprocess
import sys

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt

ROOT = pathlib.Path(__file__).resolve().parents[1]


def sections(text: str) -> dict[str, str]:
    out, name = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            name = line[3:]
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


@pytest.fixture(scope="module")
def printed() -> dict[str, str]:
    run = subprocess.run([sys.executable, str(ROOT / "examples" / "seed_tutorial.py")],
                         capture_output=True, text=True, check=True)
    return sections(run.stdout)


EXPECTED = sections((ROOT / "tests" / "data" / "expected-output.txt").read_text())


@pytest.mark.parametrize("section", list(EXPECTED))
def test_section_prints_expected_output(printed, section):
    assert printed[section] == EXPECTED[section]


def test_example1_values_and_dtype():
    v1, v2 = pt.dvector("v1"), pt.dvector("v2")
    out, updates = pytensor.scan(lambda a, b: a * b, sequences=[v1, v2])
    f = pytensor.function([v1, v2], out, updates=updates)
    a, b = np.arange(5.0), np.arange(1.0, 6.0)
    result = f(a, b)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, a * b)
    np.testing.assert_array_equal(f(a, b[:4]), a[:4] * b[:4])
    np.testing.assert_array_equal(f(a[:0], b), np.zeros(0))


def test_example2_mlp_rows():
    X, W, b = pt.dmatrix("X"), pt.dmatrix("W"), pt.dvector("b")
    out, updates = pytensor.scan(lambda v, W, b: v @ W + b, sequences=[X], non_sequences=[W, b])
    assert updates == {}
    f = pytensor.function([X, W, b], out)
    rng = np.random.default_rng(0)
    x, w, bias = rng.normal(size=(7, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    np.testing.assert_allclose(f(x, w, bias), x @ w + bias, rtol=1e-12)


def test_example3_cumulative_sum():
    M, s = pt.dmatrix("M"), pt.dvector("s")
    out, _ = pytensor.scan(lambda row, acc: row + acc, sequences=[M], outputs_info=[s])
    f = pytensor.function([M, s], out)
    m = np.random.default_rng(1).normal(size=(50, 4))
    start = np.ones(4)
    np.testing.assert_allclose(f(m, start), np.cumsum(m, axis=0) + start, rtol=1e-12)
    assert f(m[:0], start).shape == (0, 4)
