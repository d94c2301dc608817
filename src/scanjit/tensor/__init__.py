"""`scanjit.tensor`, the counterpart of `pytensor.tensor`: typed input
constructors and the tensor operations."""



from scanjit import config
from scanjit.graph import TensorType, Variable  # noqa: F401  (pt.TensorType, pt.Variable)
from scanjit.tensor.basic import (  # noqa: F401
    Alloc, Arange, Argmax, Dot, Elemwise, Reduce, Shape, Subtensor, abs, add, alloc,
    and_, arange, argmax, as_tensor_variable, cast, constant, cos, dot, eq, exp, ge, gt,
    int_div, invert, le, log, lt, max, maximum, mean, min, minimum, mod, mul, neg, neq,
    ones, or_, pow, prod, sin, sqrt, sub, sum, switch, tanh, true_div, where, xor, zeros,
    SetSubtensor, set_subtensor, inc_subtensor, DimShuffle, dimshuffle, transpose, outer,
)
from scanjit.tensor import random  # noqa: F401,E402

_PREFIX_DTYPES = {"d": "float64", "f": "float32", "i": "int32", "l": "int64", "b": "int8"}


def tensor(name=None, dtype=None, shape=None):
    shape = () if shape is None else shape
    return TensorType(dtype or config.floatX, shape)(name)


def _constructor(ndim: int, fixed_dtype: str | None):
    def make(name=None, dtype=None, shape=None):
        if shape is not None and len(shape) != ndim:
            raise ValueError(f"shape {shape} does not have {ndim} dimensions")
        return TensorType(fixed_dtype or dtype or config.floatX, shape or (None,) * ndim)(name)
    return make


for _rank, _kind in enumerate(("scalar", "vector", "matrix", "tensor3", "tensor4")):
    globals()[_kind] = _constructor(_rank, None)
    for _prefix, _dtype in _PREFIX_DTYPES.items():
        globals()[_prefix + _kind] = _constructor(_rank, _dtype)
del _rank, _kind, _prefix, _dtype


