"""`pt.slinalg`: as in PyTensor, the names of `pt.linalg` it holds."""

from scanjit.tensor.linalg import (  # noqa: F401
    QR, Cholesky, LUFactor, PivotToPermutations, Solve, SolveBase, SolveTriangular, block_diag, cho_solve, cholesky,
    eigvalsh, lu, lu_factor, lu_solve, pivot_to_permutation, qr, solve, solve_discrete_lyapunov, solve_triangular,
)
from scanjit.tensor.linalg import PYTENSORS_OWN
from scanjit.unsupported import module_getattr, not_yet

NOT_YET = not_yet({
    "": ("expm", "ordqz", "qz", "schur", "solve_continuous_lyapunov", "solve_discrete_are", "solve_sylvester"),
    PYTENSORS_OWN: ("BaseBlockDiagonal", "BlockDiagonal", "CholeskySolve", "Eigvalsh", "EigvalshGrad", "Expm", "LU",
                    "QZ", "Schur")})
__getattr__ = module_getattr("pytensor.tensor.slinalg", NOT_YET)
