"""`pt.nlinalg`: as in PyTensor, the names of `pt.linalg` it holds."""

from scanjit.tensor.linalg import matrix_dot, norm, trace  # noqa: F401
