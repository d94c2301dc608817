"""`pt.slinalg`: as in PyTensor, the names of `pt.linalg` it holds."""

from scanjit.tensor.linalg import solve  # noqa: F401
