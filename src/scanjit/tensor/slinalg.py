"""`pt.slinalg`: as in PyTensor, the names of `pt.linalg` it holds."""

from scanjit.tensor.linalg import cholesky, solve, solve_triangular  # noqa: F401
