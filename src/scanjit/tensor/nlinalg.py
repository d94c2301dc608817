"""`pt.nlinalg`: as in PyTensor, the names of `pt.linalg` it holds."""

from scanjit.tensor.linalg import det, inv, matrix_dot, matrix_inverse, norm, slogdet, trace  # noqa: F401
