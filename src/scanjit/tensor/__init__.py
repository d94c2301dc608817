"""`scanjit.tensor`, the counterpart of `pytensor.tensor`: typed input
constructors and the tensor operations.

Each op is a class in one of the modules here, owning what it means: how it
is built from its inputs (`make_node`, with PyTensor's dtype rules), its
outputs' shapes (`infer_shape`), and its NumPy semantics (`perform`, run by
the reference interpreter). Its emission is in scanjit/emit/."""

import numpy as np

from scanjit import config
from scanjit.dtypes import DTYPES
from scanjit.graph import Constant, Op, TensorType, Variable  # noqa: F401  (pt.Op, pt.TensorType, pt.Variable)
from scanjit.tensor import random  # noqa: F401
from scanjit.tensor.basic import constant  # noqa: F401
from scanjit.tensor.elemwise import *  # noqa: F401,F403  (its __all__: Elemwise and pt.add, pt.exp, ...)
from scanjit.tensor import extra_ops, nnet, special  # noqa: F401
from scanjit.tensor.special import chi2sf, gammal, gammau  # noqa: F401
from scanjit.tensor.extra_ops import (  # noqa: F401
    CumOp, bincount, broadcast_arrays, broadcast_shape, choose, compress, cumprod, cumsum, diff, fill_diagonal,
    fill_diagonal_offset, flatnonzero, inverse_permutation, nonzero_values, permute_row_elements, ravel_multi_index,
    unique, unravel_index,
)
from scanjit.tensor.interpolate import interp, interpolate1d  # noqa: F401
from scanjit.tensor.gradient import grad  # noqa: F401
from scanjit.tensor.math import (  # noqa: F401
    Argmax, Reduce, all, allclose, any, argmax, argmin, ceil_intdiv, cov, isclose, largest, logsumexp, max,
    max_and_argmax, mean, min, prod, ptp, sgn, smallest, std, sum, var,
)
from scanjit.tensor.einsum import batched_dot, batched_tensordot, einsum  # noqa: F401
from scanjit.tensor.sort import argsort, median, searchsorted, sort  # noqa: F401
from scanjit.tensor.pad import pad  # noqa: F401
from scanjit.scan.vectorize import vectorize  # noqa: F401
from scanjit.tensor.products import Dot, dot, matmul, matvec, outer, tensordot, vecdot, vecmat  # noqa: F401
from scanjit.tensor.diagonal import diag, diagonal, extract_diag, trace  # noqa: F401
from scanjit.tensor import linalg, nlinalg, slinalg  # noqa: F401
from scanjit.tensor.shape import (  # noqa: F401
    Alloc, Arange, DimShuffle, MakeVector, Reshape, Shape, SpecifyShape, alloc, arange, atleast_1d, atleast_2d,
    atleast_3d, atleast_Nd, broadcast_to, dimshuffle, expand_dims, flatten, join_dims, matrix_transpose, moveaxis,
    reshape, shape, shape_padaxis, shape_padleft, shape_padright, specify_shape, split_dims, squeeze, swapaxes,
    transpose,
)
from scanjit.tensor.creation import (  # noqa: F401
    bartlett, empty, empty_like, eye, full, full_like, geomspace, identity_like, linspace, logspace, mgrid, ogrid, ones,
    ones_like, tri, tril, tril_indices, tril_indices_from, triu, triu_indices, triu_indices_from, zeros, zeros_like,
)
from scanjit.tensor.join import (  # noqa: F401
    Join, RepeatIndices, as_tensor_variable, concat_with_broadcast, concatenate, horizontal_stack, join, pack, repeat,
    roll, split, stack, stacklists, take, take_along_axis, tile, unpack, vertical_stack,
)
from scanjit.tensor.subtensor import (  # noqa: F401
    ARRAY, AdvancedIncSubtensor, AdvancedSubtensor, Nonzero, SetSubtensor, Subtensor, flip, inc_subtensor,
    nonzero, set_subtensor, slice_at_axis,
)
from scanjit.tensor.variable import install_operators
from scanjit.unsupported import module_getattr, not_yet

install_operators()
as_tensor = as_tensor_variable
TensorVariable, TensorConstant = Variable, Constant  # isinstance checks read as in PyTensor
tensor_copy = identity = Variable.copy
dense_dot = dot


def is_flat(var, ndim: int = 1) -> bool:
    """Whether `var` has `ndim` axes."""
    return var.ndim == ndim
pi, e, inf, nan, euler_gamma, newaxis = np.pi, np.e, np.inf, np.nan, np.euler_gamma, None

_PREFIX_DTYPES = {"d": "float64", "f": "float32", "l": "int64", "i": "int32", "w": "int16", "b": "int8"}
_KINDS = {"scalar": (), "vector": (None,), "matrix": (None, None), "row": (1, None), "col": (None, 1),
          **{f"tensor{n}": (None,) * n for n in range(3, 8)}}


def tensor(name=None, *, dtype=None, shape=None):
    """A symbolic input of `dtype` (floatX) and static `shape` (lengths or
    None; `()`, a scalar, when not given)."""
    if isinstance(name, str) and (name == "floatX" or name in DTYPES):
        raise ValueError(f"the first argument of tensor is its name, got {name!r}, which looks "
                         "like a dtype: pass dtype= as a keyword")
    return TensorType(dtype or config.floatX, () if shape is None else tuple(shape))(name)


def _constructor(kind: str, fixed_dtype: str | None):
    default = _KINDS[kind]

    def make(name=None, *, dtype=None, shape=None):
        if shape is not None and len(shape) != len(default):
            raise ValueError(f"{kind}: shape must have {len(default)} lengths, got {shape}")
        return TensorType(fixed_dtype or dtype or config.floatX, default if shape is None else tuple(shape))(name)
    make.__name__ = make.__qualname__ = kind if fixed_dtype is None else f"{kind} of {fixed_dtype}"
    return make


for _kind in _KINDS:
    globals()[_kind] = _constructor(_kind, None)
    for _prefix, _dtype in _PREFIX_DTYPES.items():
        globals()[_prefix + _kind] = _constructor(_kind, _dtype)
del _kind, _prefix, _dtype


def _plural(make):
    """PyTensor's `dscalars("x", "y")`: one variable per name (one for a
    single name), or `n` unnamed ones for an int."""
    def many(*names):
        if len(names) == 1 and isinstance(names[0], int):
            return make() if names[0] == 1 else [make() for _ in range(names[0])]
        return make(names[0]) if len(names) == 1 else [make(name) for name in names]
    return many


for _name in [prefix + kind for kind in _KINDS for prefix in ["", *_PREFIX_DTYPES]]:
    globals()[_name.replace("matrix", "matrice") + "s"] = _plural(globals()[_name])
del _name

NOT_YET = not_yet({
    "scanjit has no complex dtypes": (
        "angle", "complex", "complex_from_polar", "conj", "conjugate", "imag", "real", "complex_types",
        "complex_scalar_types", "complex_vector_types", "complex_matrix_types", "cscalar", "cvector", "cmatrix",
        "crow", "ccol", "ctensor3", "ctensor4", "ctensor5", "ctensor6", "ctensor7", "zscalar", "zvector",
        "zmatrix", "zrow", "zcol", "ztensor3", "ztensor4", "ztensor5", "ztensor6", "ztensor7"),
    "part of PyTensor's own compiler, backends or type system": (
        "blas", "blas_c", "blas_headers", "blockwise", "elemwise_cgen", "rewriting", "type", "type_other",
        "utils", "sharedvar", "exceptions", "functional", "optimize", "signal", "symbolic",
        "xlogx", "pytensor", "transfer", "values_eq_approx_always_true", "none_type_t", "NoneConst",
        "NoneSliceConst", "slicetype", "make_slice", "TensorLike", "scalar_from_tensor", "tensor_from_scalar",
        "float_types", "float_scalar_types", "float_vector_types", "float_matrix_types", "int_types",
        "int_scalar_types", "int_vector_types", "int_matrix_types", "specify_broadcastable",
        "get_scalar_constant_value", "get_underlying_scalar_constant_value", "get_vector_length"),
    "as pytensor.gradient's: scanjit.gradient has it": ("jacobian", "hessian"),
    "": (
        "hyp2f1", "iv", "ive", "jv", "kn", "kv", "kve", "owens_t"),
})
"""The public names of `pytensor.tensor` that scanjit does not have: why, or
"" for the ones still to do."""
__getattr__ = module_getattr("pytensor.tensor", NOT_YET)
