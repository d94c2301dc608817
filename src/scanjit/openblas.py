"""The OpenBLAS of NumPy's wheels (ILP64, its symbols prefixed `scipy_`),
which compiled code calls for products and factorizations
(scanjit/runtime/gemm.py, lapack.py), and the reference's calls of the
LAPACK routines behind PyTensor's `eigh` and `lu_factor` (`syevr`,
`getrf`), as SciPy makes them, which NumPy does not call. Plain ctypes: every layer may import it."""

from __future__ import annotations

import ctypes
import glob
import os
from functools import cache

import numpy as np


@cache
def openblas() -> ctypes.CDLL | None:
    """The library, or None when this NumPy brings none."""
    here = os.path.dirname(np.__file__)
    for path in sorted(glob.glob(os.path.join(here, os.pardir, "numpy.libs", "libscipy_openblas64_*"))
                       + glob.glob(os.path.join(here, ".dylibs", "libscipy_openblas64_*"))):
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


def _lapack(what: str) -> ctypes.CDLL:
    library = openblas()
    if library is None:
        raise NotImplementedError(f"{what} needs the LAPACK of NumPy's wheels (libscipy_openblas64_): "
                                  "this NumPy does not bring it")
    return library


def syevr(a: np.ndarray, lower: bool, vectors: bool = True) -> tuple[np.ndarray, np.ndarray, int]:
    """dsyevr of the symmetric float64 matrix a (its lower or upper
    triangle): all eigenvalues, ascending, the eigenvectors as columns (not
    computed, by another algorithm, unless `vectors`), and LAPACK's info;
    its workspace by LAPACK's query, as SciPy sizes it."""
    library = _lapack("eigh")
    n = a.shape[0]
    columns = np.array(a, np.float64, order="F")
    w, z, support = np.zeros(n), np.zeros((n, n), order="F"), np.zeros(2 * max(n, 1), np.int64)
    i64, f64 = ctypes.c_int64, ctypes.c_double
    ld, found, info = i64(max(n, 1)), i64(0), i64(0)

    def call(work, lwork, iwork, liwork):
        library.scipy_dsyevr_64_(
            b"V" if vectors else b"N", b"A", b"L" if lower else b"U", ctypes.byref(i64(n)), columns.ctypes,
            ctypes.byref(ld),
            ctypes.byref(f64(0)), ctypes.byref(f64(0)), ctypes.byref(i64(1)), ctypes.byref(i64(n)),
            ctypes.byref(f64(0)), ctypes.byref(found), w.ctypes, z.ctypes, ctypes.byref(ld), support.ctypes,
            work.ctypes, ctypes.byref(i64(lwork)), iwork.ctypes, ctypes.byref(i64(liwork)), ctypes.byref(info),
            i64(1), i64(1), i64(1))

    work, iwork = np.zeros(1), np.zeros(1, np.int64)
    call(work, -1, iwork, -1)
    lwork, liwork = int(work[0]), int(iwork[0])
    call(np.zeros(lwork), lwork, np.zeros(liwork, np.int64), liwork)
    return w, np.ascontiguousarray(z), info.value


def getrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """dgetrf of the square float64 matrix a, as SciPy's lu_factor calls it:
    its LU factors, the pivots (0-based int32) and LAPACK's info."""
    library = _lapack("lu_factor")
    n = a.shape[0]
    columns, pivots = np.array(a, np.float64, order="F"), np.zeros(n, np.int64)
    i64 = ctypes.c_int64
    info = i64(0)
    library.scipy_dgetrf_64_(ctypes.byref(i64(n)), ctypes.byref(i64(n)), columns.ctypes, ctypes.byref(i64(max(n, 1))),
                             pivots.ctypes, ctypes.byref(info))
    return np.ascontiguousarray(columns), (pivots - 1).astype(np.int32), info.value
