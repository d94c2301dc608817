"""`pt.nlinalg`: as in PyTensor, the names of `pt.linalg` it holds."""

from scanjit.tensor.linalg import (  # noqa: F401
    SVD, Det, Eigh, MatrixInverse, MatrixPinv, det, eigh, inv, kron, matrix_dot, matrix_inverse, matrix_power, norm,
    pinv, slogdet, svd, tensorinv, tensorsolve, trace,
)
from scanjit.tensor.linalg import PYTENSORS_OWN
from scanjit.unsupported import module_getattr, not_yet

NOT_YET = not_yet({"": ("eig", "lstsq"), PYTENSORS_OWN: (
    "Eig", "EighGrad", "KroneckerProduct", "Lstsq", "SLogDet", "TensorInv", "TensorSolve")})
__getattr__ = module_getattr("pytensor.tensor.nlinalg", NOT_YET)
