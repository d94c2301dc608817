"""pad against np.pad: every mode, widths larger than the axis, per-axis
widths and values, integer and float dtypes; compiled, by the reference
interpreter and inside a scan step; gradients by finite differences; the
errors of NumPy and PyTensor."""

import numpy as np
import pytest

import scanjit as pytensor
import scanjit.tensor as pt
from scanjit.gradient import verify_grad

X = np.arange(12.0).reshape(3, 4) ** 1.5
CASES = {  # name -> (pad_width, mode, keyword arguments)
    "constant": ((1, 2), "constant", {}),
    "constant values per axis": (((1, 0), (2, 3)), "constant", {"constant_values": ((1, 2), (3, 4))}),
    "constant 2.5": (4, "constant", {"constant_values": 2.5}),
    "edge": (2, "edge", {}),
    "wrap wider than the axis": (((5, 1), (9, 0)), "wrap", {}),
    "reflect wider than the axis": (((5, 7), (2, 9)), "reflect", {}),
    "reflect one axis": (((0, 0), (1, 1)), "reflect", {}),
    "symmetric wider than the axis": (((5, 7), (2, 9)), "symmetric", {}),
    "maximum": (2, "maximum", {}),
    "minimum stat_length": (2, "minimum", {"stat_length": 2}),
    "mean stat_length per axis": (((2, 1), (1, 3)), "mean", {"stat_length": ((1, 2), (3, 1))}),
    "mean": (((2, 1), (1, 3)), "mean", {}),
    "median": ((1, 2), "median", {}),
    "median stat_length": ((3, 1), "median", {"stat_length": (2, 3)}),
    "linear_ramp": (3, "linear_ramp", {}),
    "linear_ramp end_values": (((2, 3), (4, 1)), "linear_ramp", {"end_values": (-3, 4.5)}),
}


def check(got, want):
    assert got.shape == want.shape and got.dtype == want.dtype
    if got.dtype == np.float32:  # float32 means and medians: NumPy sums pairwise
        np.testing.assert_allclose(got, want, rtol=1e-6)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("mode", [None, "py"])
def test_against_numpy(name, mode):
    width, pad_mode, kwargs = CASES[name]
    values = [X, (X * 7).astype("int64") % 5, X.astype("float32"), X[:1, :1], np.array([2.0, -1.0, 4.0])]
    for value in values:
        x = pt.tensor("x", dtype=value.dtype.name, shape=(None,) * value.ndim)
        widths = width if value.ndim == 2 or np.ndim(width) < 2 else width[0]
        keywords = {k: (v if value.ndim == 2 or np.ndim(v) < 2 else v[0]) for k, v in kwargs.items()}
        got = pytensor.function([x], pt.pad(x, widths, pad_mode, **keywords), mode=mode)(value)
        check(got, np.pad(value, widths, pad_mode, **keywords))


@pytest.mark.parametrize("mode", [None, "py"])
def test_constant_pad_of_empty_axes(mode):
    x = pt.dmatrix("x")
    got = pytensor.function([x], pt.pad(x, ((1, 1), (0, 2)), constant_values=7.0), mode=mode)(np.zeros((0, 3)))
    check(got, np.pad(np.zeros((0, 3)), ((1, 1), (0, 2)), constant_values=7.0))


@pytest.mark.parametrize("name", list(CASES))
def test_inside_a_step(name):
    width, pad_mode, kwargs = CASES[name]
    xs = pt.dtensor3("xs")
    out = pytensor.scan(lambda x: pt.pad(x, width, pad_mode, **kwargs), sequences=[xs], return_updates=False)
    values = np.stack([X, -X[::-1]])
    got = pytensor.function([xs], out)(values)
    check(got, np.stack([np.pad(v, width, pad_mode, **kwargs) for v in values]))


@pytest.mark.parametrize("name", [n for n in CASES if "median" not in n])
def test_gradient_against_finite_differences(name):
    width, pad_mode, kwargs = CASES[name]
    point = (X + np.random.default_rng(2).uniform(0, 0.1, X.shape)) / 10  # no ties for maximum and minimum
    verify_grad(lambda x: pt.pad(x, width, pad_mode, **kwargs) ** 2, [point], rng=np.random.default_rng(4))


@pytest.mark.parametrize("build, error, match", [
    (lambda x: pt.pad(x, 1, "bogus"), ValueError, "mode 'bogus' is not supported"),
    (lambda x: pt.pad(x, 1, "edge", constant_values=2), ValueError, "unsupported keyword arguments"),
    (lambda x: pt.pad(x, 1.5), TypeError, "integral type"),
    (lambda x: pt.pad(x, -1), ValueError, "negative values"),
    (lambda x: pt.pad(x, ((1, 2, 3),)), ValueError, "does not broadcast"),
    (lambda x: pt.pad(x, 1, "mean", stat_length=0), ValueError, "stat_length of 0"),
    (lambda x: pt.pad(x, 1, "reflect", reflect_type="odd"), NotImplementedError, "even reflections only"),
    (lambda x: pt.pad(x, pt.lscalar("w")), NotImplementedError, "pad_width as ints"),
])
def test_errors(build, error, match):
    with pytest.raises(error, match=match):
        build(pt.dmatrix("x"))


def test_against_pytensor():
    ptt = pytest.importorskip("pytensor.tensor")
    import pytensor as theirs

    for name in ["constant values per axis", "edge", "wrap wider than the axis", "reflect wider than the axis",
                 "symmetric wider than the axis", "mean stat_length per axis", "linear_ramp end_values"]:
        width, pad_mode, kwargs = CASES[name]
        x, y = pt.dmatrix(), ptt.dmatrix()
        ours = pytensor.function([x], pt.pad(x, width, pad_mode, **kwargs))(X)
        reference = theirs.function([y], ptt.pad(y, width, pad_mode, **kwargs))(X)
        np.testing.assert_allclose(ours, reference, rtol=1e-14)  # PyTensor's linspace rounds its own way
