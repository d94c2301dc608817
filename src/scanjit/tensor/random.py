"""`pt.random`: random variables drawn from a shared numpy Generator.

Each draw node has two outputs, `(next_rng, sample)`, as in PyTensor. The
compiled code calls NumPy's own C distribution functions on the generator's
`bitgen_t`, so samples are bit-identical to the Generator's methods."""

from __future__ import annotations

import numpy as np

from scanjit.graph import Apply, Op, TensorType, Variable
from scanjit.shared import RandomGeneratorType
from scanjit.tensor.basic import as_tensor_variable
from scanjit.tensor.elemwise import cast


class RandomVariable(Op):
    """A draw of `distribution`; inputs are the rng, then the parameters."""

    pure = False  # each call advances the generator

    def __init__(self, distribution: str, dtype: str, size: tuple[int, ...] | None):
        self.distribution, self.dtype, self.size = distribution, dtype, size

    def make_node(self, rng, *params) -> Apply:
        if not isinstance(rng, Variable) or not isinstance(rng.type, RandomGeneratorType):
            raise TypeError("rng must be a shared numpy.random.Generator (scanjit.shared)")
        if self.distribution == "multinomial":
            shape = params[1].type.shape
        else:
            shape = self.size or ()
        sample = Variable(TensorType(self.dtype, shape))
        return Apply(self, [rng, *params], [Variable(RandomGeneratorType()), sample])

    def infer_shape(self, node, shapes, dims):
        sample = shapes[2] if self.distribution == "multinomial" else [dims.const(s) for s in self.size or ()]
        return [[], sample]

    def perform(self, node, inputs):
        """The Generator's own method, after the compiled checks (NumPy's messages)."""
        rng, *params = inputs
        if self.distribution == "multinomial":
            n, p = params
            if n < 0:
                raise ValueError("n < 0")
            if len(p) == 0:
                raise ValueError("pvals must have at least 1 element")
            if not np.all((p >= 0) & (p <= 1)):
                raise ValueError("pvals < 0, pvals > 1 or pvals contains NaNs")
            if sum(p[:-1].tolist()) > 1.0 + 1e-12:
                raise ValueError("sum(pvals[:-1]) > 1.0")
            return [rng, rng.multinomial(int(n), p)]
        a, b = (x.item() for x in params)
        if self.distribution == "uniform":
            if not np.isfinite(b - a):
                raise OverflowError("high - low range exceeds valid bounds")
            if not b - a >= 0:
                raise ValueError("rng < 0")
            return [rng, rng.uniform(a, b, self.size)]
        if self.distribution == "normal":
            if not b >= 0:
                raise ValueError("scale < 0")
            return [rng, rng.normal(a, b, self.size)]
        if a >= b:
            raise ValueError("low >= high")
        return [rng, rng.integers(a, b, self.size, dtype=np.int64)]

    def __call__(self, *inputs):
        return self.make_node(*inputs).outputs[1]

    def __str__(self):
        return f"RandomVariable{{{self.distribution}}}"


def _size(size) -> tuple[int, ...] | None:
    if size is None:
        return None
    size = (size,) if isinstance(size, int | np.integer) else tuple(size)
    if not all(isinstance(s, int | np.integer) and s >= 0 for s in size):
        raise NotImplementedError("size must be a tuple of non-negative Python ints")
    return tuple(int(s) for s in size)


def _float_params(*params):
    params = [as_tensor_variable(p) for p in params]
    for p in params:
        if p.ndim != 0:
            raise NotImplementedError("array-valued distribution parameters are not supported yet")
    return [cast(p, "float64") for p in params]


def multinomial(n, p, size=None, rng=None, **kwargs):
    """One draw of `Generator.multinomial(n, p)` for a vector `p` (int64 counts)."""
    if size is not None:
        raise NotImplementedError("multinomial with size")
    n, p = as_tensor_variable(n), as_tensor_variable(p)
    if n.ndim != 0 or p.ndim != 1:
        raise NotImplementedError("multinomial needs a scalar n and a vector p")
    return RandomVariable("multinomial", "int64", None)(rng, cast(n, "int64"), cast(p, "float64"))


def uniform(low=0.0, high=1.0, size=None, rng=None, dtype=None, **kwargs):
    return RandomVariable("uniform", "float64", _size(size))(rng, *_float_params(low, high))


def normal(loc=0.0, scale=1.0, size=None, rng=None, dtype=None, **kwargs):
    return RandomVariable("normal", "float64", _size(size))(rng, *_float_params(loc, scale))


def integers(low, high=None, size=None, rng=None, dtype="int64", **kwargs):
    if high is None:
        low, high = 0, low
    low, high = as_tensor_variable(low), as_tensor_variable(high)
    if low.ndim or high.ndim:
        raise NotImplementedError("array-valued bounds for integers")
    return RandomVariable("integers", "int64", _size(size))(rng, cast(low, "int64"), cast(high, "int64"))


__all__ = ["multinomial", "uniform", "normal", "integers", "RandomVariable"]
