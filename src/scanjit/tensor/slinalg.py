"""`pt.slinalg`: as in PyTensor, the names of `pt.linalg` it holds."""

from scanjit.tensor.linalg import (  # noqa: F401
    block_diag, cho_solve, cholesky, eigvalsh, lu, lu_factor, lu_solve, qr, solve, solve_discrete_lyapunov,
    solve_triangular,
)
