"""Matrix products for compiled code (`convert-dot-to-gemm`):

    void scanjit_gemm_f64(double *a, double *b, double *c, i64 m, i64 n, i64 k)
    void scanjit_gemm_f32(float *a, float *b, float *c, i64 m, i64 n, i64 k)

compute C = A · B for row-major matrices (gemm.ll). From `BLAS_FROM`
multiply-adds up they call NumPy's own BLAS: the OpenBLAS its wheels bring
(`scipy_cblas_dgemm64_` / `scipy_cblas_sgemm64_`, the ILP64 CBLAS), found
beside NumPy, so no dependency is added. They call it on blocks small
enough for OpenBLAS to compute on the calling thread (`ONE_THREAD`). Smaller products, and every product where no
such library is found (a NumPy built against another BLAS), run the loop of
gemm.ll, which rounds as convert-sj-to-loops' dot loops do.
"""

from __future__ import annotations

import ctypes
import glob
import os

import numpy as np

from scanjit.runtime.llvm import fill

# Below this many multiply-adds the call, and OpenBLAS's packing, cost more
# than they save (measured on the benchmark machine; docs/performance.md).
BLAS_FROM = 1 << 15
# OpenBLAS computes a product of at most 65536 * GEMM_MULTITHREAD_THRESHOLD
# (4) multiply-adds on the calling thread.
ONE_THREAD = 65536 * 4
CBLAS = {"f64": "scipy_cblas_dgemm64_", "f32": "scipy_cblas_sgemm64_"}


def gemm_ir() -> str:
    kinds = "".join(fill("gemm.ll", S=s, T=t, BLAS_FROM=BLAS_FROM, ONE_THREAD=ONE_THREAD)
                    for s, t in (("f64", "double"), ("f32", "float")))
    return kinds + "declare i64 @llvm.umin.i64(i64, i64)\ndeclare i64 @llvm.umax.i64(i64, i64)\n"


def numpy_blas() -> dict[str, int]:
    """The addresses of NumPy's cblas_dgemm and cblas_sgemm (ILP64), by
    "f64"/"f32", or {} when its BLAS is not the OpenBLAS of its wheels."""
    here = os.path.dirname(np.__file__)
    for path in sorted(glob.glob(os.path.join(here, os.pardir, "numpy.libs", "libscipy_openblas64_*"))
                       + glob.glob(os.path.join(here, ".dylibs", "libscipy_openblas64_*"))):
        try:
            library = ctypes.CDLL(path)
            return {s: ctypes.cast(getattr(library, name), ctypes.c_void_p).value for s, name in CBLAS.items()}
        except (OSError, AttributeError):
            continue
    return {}
