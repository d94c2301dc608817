"""`pt.nlinalg`: as in PyTensor, the names of `pt.linalg` it holds."""

from scanjit.tensor.linalg import (  # noqa: F401
    det, eigh, inv, kron, matrix_dot, matrix_inverse, matrix_power, norm, pinv, slogdet, svd, tensorinv, tensorsolve,
    trace,
)
