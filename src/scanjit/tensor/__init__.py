"""`scanjit.tensor`, the counterpart of `pytensor.tensor`: typed input
constructors and the tensor operations.

Each op is a class in one of the modules here, owning what it means: how it
is built from its inputs (`make_node`, with PyTensor's dtype rules), its
outputs' shapes (`infer_shape`), and its NumPy semantics (`perform`, run by
the reference interpreter). Its emission is in scanjit/emit/."""

from scanjit import config
from scanjit.graph import TensorType, Variable  # noqa: F401  (pt.TensorType, pt.Variable)
from scanjit.tensor import random  # noqa: F401
from scanjit.tensor.basic import as_tensor_variable, constant  # noqa: F401
from scanjit.tensor.elemwise import *  # noqa: F401,F403  (its __all__: Elemwise and pt.add, pt.exp, ...)
from scanjit.tensor import extra_ops, nnet, special  # noqa: F401
from scanjit.tensor.extra_ops import CumOp, cumprod, cumsum  # noqa: F401
from scanjit.tensor.math import (  # noqa: F401
    Argmax, Dot, Reduce, all, any, argmax, argmin, dot, logsumexp, max, mean, min, outer, prod, std, sum, var,
)
from scanjit.tensor.shape import (  # noqa: F401
    Alloc, Arange, DimShuffle, Shape, alloc, arange, dimshuffle, ones, transpose, zeros,
)
from scanjit.tensor.subtensor import SetSubtensor, Subtensor, inc_subtensor, set_subtensor  # noqa: F401
from scanjit.tensor.variable import install_operators

install_operators()

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
