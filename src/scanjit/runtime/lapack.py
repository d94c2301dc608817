"""Linear systems, determinants, symmetric eigenproblems, SVDs and QR for compiled code
(scanjit/emit/linalg.py):

    i64 scanjit_gesv_f64(double *a, double *b, i64 *ipiv, i64 n, i64 nrhs)
    i64 scanjit_getrf_f64(double *a, i64 *ipiv, i64 n)
    i64 scanjit_potrf_f64(double *a, i64 n, i64 upper)
    i64 scanjit_trtrs_f64(double *a, double *b, i64 n, i64 nrhs, i64 upper, i64 transposed, i64 unit)
    i64 scanjit_syevr_f64(double *a, double *w, double *z, i64 n, i64 lower, i64 vectors)
    i64 scanjit_syevd_f64(double *a, double *w, i64 n, i64 lower)
    i64 scanjit_gesdd_f64(double *a, double *s, double *u, double *vt, i64 m, i64 n, i64 job)
    i64 scanjit_geqrf_f64(double *a, double *tau, i64 m, i64 n)
    i64 scanjit_orgqr_f64(double *a, double *tau, i64 m, i64 n, i64 k)

call the LAPACK that NumPy's `np.linalg` calls (`scipy_dgesv_64_`,
`scipy_dgetrf_64_`, `scipy_dpotrf_64_`, `scipy_dsyevd_64_`, `scipy_dgesdd_64_`), as SciPy
calls it (`scipy_dtrtrs_64_` for `solve_triangular`, `scipy_dsyevr_64_`
for `eigh`, as scanjit/openblas.py's `syevr` for the reference;
`scipy_dgeqrf_64_` and `scipy_dorgqr_64_` for `qr`), of the
OpenBLAS NumPy's wheels bring, found beside it as the BLAS of gemm.py, on
column-major copies, as NumPy does: so they give NumPy's (and SciPy's) bits
(NumPy computes float32 in double too). Where NumPy brings no such library,
compiling an op that needs them raises NotImplementedError (`check_available`).
"""

from __future__ import annotations

import ctypes
from functools import cache

from scanjit.openblas import openblas
from scanjit.runtime.llvm import fill


def lapack_ir() -> str:
    return fill("lapack.ll")


ROUTINES = ("gesv", "getrf", "potrf", "trtrs", "syevr", "syevd", "gesdd", "geqrf", "orgqr")


@cache
def numpy_lapack() -> tuple[int, ...] | None:
    """The addresses of the ROUTINES (dgesv, ...), or None without NumPy's OpenBLAS."""
    library = openblas()
    try:
        return tuple(ctypes.cast(getattr(library, f"scipy_d{name}_64_"), ctypes.c_void_p).value
                     for name in ROUTINES) if library is not None else None
    except AttributeError:
        return None


FUNCTIONS = ("scanjit_gesv_f64", "scanjit_getrf_f64", "scanjit_potrf_f64", "scanjit_trtrs_f64", "scanjit_syevr_f64",
             "scanjit_syevd_f64", "scanjit_gesdd_f64", "scanjit_geqrf_f64", "scanjit_orgqr_f64")


def check_available(declared) -> None:
    """NotImplementedError, at compile time, for code calling FUNCTIONS (of
    `declared`) where NumPy brings no LAPACK (they are not bound then)."""
    used = [name for name in declared if name in FUNCTIONS]
    if used and numpy_lapack() is None:
        raise NotImplementedError(f"the code calls {', '.join(used)} (inv, solve, det, cholesky, "
                                  "solve_triangular, eigh, svd or qr), which need the LAPACK of NumPy's wheels "
                                  "(libscipy_openblas64_): this NumPy does not bring it")
