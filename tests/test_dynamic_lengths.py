"""One compiled scan serves every length: 0, 1 and 100,000 steps, compared with NumPy."""

import numpy as np
import pytest
from xdsl.dialects import memref, scf

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.driver.pipeline import compile_graph

LENGTHS = (0, 1, 2, 100_000)


@pytest.fixture(scope="module")
def product():
    """Example 1: elementwise product of two sequences."""
    v1, v2 = pt.dvector("v1"), pt.dvector("v2")
    out, updates = pytensor.scan(lambda a, b: a * b, sequences=[v1, v2])
    return pytensor.function([v1, v2], out, updates=updates)


@pytest.fixture(scope="module")
def cumsum_rows():
    """Example 3: running sum of the rows of a matrix."""
    m, s = pt.dmatrix("m"), pt.dvector("s")
    out, updates = pytensor.scan(lambda row, acc: row + acc, sequences=[m], outputs_info=[s])
    return pytensor.function([m, s], out, updates=updates)


@pytest.fixture(scope="module")
def cumprod():
    v = pt.fvector("v")
    out, _ = pytensor.scan(lambda x, acc: acc * x, sequences=[v],
                           outputs_info=[pt.constant(np.float32(1.0))])
    return pytensor.function([v], out)


@pytest.fixture(scope="module")
def counter():
    """A scan driven by a symbolic n_steps only: 3, 3*k+1 mod 1000, ..."""
    n = pt.lscalar("n")
    out, _ = pytensor.scan(lambda k: (k * 3 + 1) % 1000, outputs_info=[pt.constant(3, dtype="int64")],
                           n_steps=n)
    return pytensor.function([n], out)


@pytest.mark.parametrize("n", LENGTHS)
def test_product_of_sequences(product, n):
    rng = np.random.default_rng(n)
    a, b = rng.normal(size=n), rng.normal(size=n)
    result = product(a, b)
    assert result.dtype == np.float64 and result.shape == (n,)
    np.testing.assert_array_equal(result, a * b)


def test_product_runs_for_the_shorter_sequence(product):
    a, b = np.arange(100_000.0), np.ones(7)
    np.testing.assert_array_equal(product(a, b), a[:7])
    np.testing.assert_array_equal(product(b, a), a[:7])
    assert product(a, np.ones(0)).shape == (0,)


@pytest.mark.parametrize("n", LENGTHS)
def test_cumulative_sum_of_rows(cumsum_rows, n):
    rng = np.random.default_rng(n)
    m, s = rng.normal(size=(n, 3)), rng.normal(size=3)
    result = cumsum_rows(m, s)
    assert result.dtype == np.float64 and result.shape == (n, 3)
    np.testing.assert_allclose(result, np.cumsum(np.vstack([s, m]), axis=0)[1:], rtol=1e-9, atol=1e-9)


def test_cumulative_sum_checks_row_length(cumsum_rows):
    with pytest.raises(ValueError, match="shape mismatch"):
        cumsum_rows(np.zeros((5, 3)), np.zeros(4))


@pytest.mark.parametrize("n", LENGTHS)
def test_cumulative_product_stays_float32(cumprod, n):
    v = np.random.default_rng(n).uniform(0.9999, 1.0001, n).astype("float32")
    result = cumprod(v)
    assert result.dtype == np.float32 and result.shape == (n,)
    np.testing.assert_allclose(result, np.cumprod(v, dtype="float32"), rtol=1e-5)


@pytest.mark.parametrize("n", LENGTHS)
def test_symbolic_n_steps(counter, n):
    expected, k = [], 3
    for _ in range(n):
        k = (k * 3 + 1) % 1000
        expected.append(k)
    result = counter(n)
    assert result.dtype == np.int64 and result.shape == (n,)
    np.testing.assert_array_equal(result, expected)


def test_negative_symbolic_n_steps_raises(counter):
    with pytest.raises(ValueError, match="n_steps"):
        counter(-1)


def test_constant_n_steps_zero():
    s = pt.dvector("s")
    out, _ = pytensor.scan(lambda acc: acc * 2, outputs_info=[s], n_steps=0)
    f = pytensor.function([s], out)
    result = f(np.ones(4))
    assert result.dtype == np.float64 and result.shape == (0, 4)


def test_scan_storage_is_written_in_place():
    """No buffer copy inside the scan loop (else 100,000 steps copy 100,000 rows each)."""
    m, s = pt.dmatrix("m"), pt.dvector("s")
    out, _ = pytensor.scan(lambda row, acc: row + acc, sequences=[m], outputs_info=[s])
    copies_in_loops = []

    def after(name, module):
        if name == "bufferize":
            copies_in_loops.extend(op for op in module.walk() if isinstance(op, memref.CopyOp)
                                   and isinstance(op.parent_op(), scf.ForOp))

    compile_graph([m, s], [out], after_pass=after)
    assert copies_in_loops == []
