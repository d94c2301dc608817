"""Matrix products for compiled code (`convert-dot-to-gemm`):

    void scanjit_gemm_f64(double *a, double *b, double *c, i64 m, i64 n, i64 k, i64 a_transposed)
    void scanjit_gemm_f32(float *a, float *b, float *c, i64 m, i64 n, i64 k, i64 a_transposed)
    void scanjit_dot_f64 / scanjit_dot_f32 (the same arguments but the last)

compute C = A · B for row-major matrices (gemm.ll); scanjit_gemm reads A
from the k×m matrix Aᵀ where `a_transposed` is 1 (`CblasTrans` for BLAS). `scanjit_dot` sums each
element from zero in k order, its columns in vector registers
(`column_sums`), k in chunks whose rows of B stay in L1 (`L1_CHUNK`), for
every product with a vector. From `BLAS_FROM`
multiply-adds up they call NumPy's own BLAS: the OpenBLAS its wheels bring
(`scipy_cblas_dgemm64_` / `scipy_cblas_sgemm64_`, the ILP64 CBLAS), found
beside NumPy, so no dependency is added. They call it on blocks small
enough for OpenBLAS to compute on the calling thread (`ONE_THREAD`), k in
parts of `DEPTH` added in ascending order (the bits of NumPy's products of
the parts, summed in order; the same on every thread and call); from
`PARALLEL_FROM` multiply-adds up the blocks are shared among the runtime's
threads (`scanjit_parallel_for`), each of at most 1/`SHARED_BLOCKS` of the
columns (whole cache lines), whatever the thread count. Smaller products, and every product where no
such library is found (a NumPy built against another BLAS), run the loop of
gemm.ll, which rounds as convert-sj-to-loops' dot loops do.
"""

from __future__ import annotations

import ctypes

from scanjit.openblas import openblas
from scanjit.runtime.llvm import fill, host_cpu

# Below this many multiply-adds the call, and OpenBLAS's packing, cost more
# than they save (measured on the benchmark machine; docs/performance.md).
BLAS_FROM = 1 << 15
# OpenBLAS computes a product of at most 65536 * GEMM_MULTITHREAD_THRESHOLD
# (4) multiply-adds on the calling thread.
ONE_THREAD = 65536 * 4
# k is summed in parts of at most DEPTH, so that a block of C within
# ONE_THREAD has many rows and columns, whatever k (docs/performance.md,
# issue 17 (e)); as the reference interpreter's `Dot.BLAS_DEPTH`.
DEPTH = 64
# From this many multiply-adds a product's blocks are shared among the
# runtime's threads (each block as on one thread: the same bits). 2^20: a
# batched GRU's 32x128x256 step products (docs/performance.md).
PARALLEL_FROM = 1 << 20
# A shared product's blocks have at most 1/SHARED_BLOCKS of its columns, so
# that a deep product of few columns (a GRU's backward step, 32x256 by 256x128)
# is not one block, on one thread (docs/performance.md).
SHARED_BLOCKS = 2
# Bytes of an element of each kind, and elements in a cache line (64 bytes).
BYTES = {"f64": 8, "f32": 4}
LINE = {kind: 64 // size for kind, size in BYTES.items()}
CBLAS = {"f64": "scipy_cblas_dgemm64_", "f32": "scipy_cblas_sgemm64_"}
# Bytes of B that scanjit_dot reads per chunk of k: a 32 KiB L1, so that the
# chunk stays there while every block of columns reads it. A 128x128 B of
# doubles streamed from L2 once per block of 32 columns: 0.12-0.13 ns a
# multiply-add; in chunks of 32 rows, 0.10-0.11 (docs/performance.md).
L1_CHUNK = 32768


def vector_lanes(kind: str) -> int:
    """Elements of `kind` in one of the host's vector registers: 64 bytes
    with AVX-512, 32 with AVX, else 16 (SSE2, NEON)."""
    features = host_cpu()[1].split(",")
    width = 64 if "+avx512f" in features else 32 if "+avx" in features else 16
    return width // BYTES[kind]


def gemm_ir() -> str:
    kinds = "".join(kind_ir(s, t) for s, t in (("f64", "double"), ("f32", "float")))
    return kinds + CEIL_DIV + "declare i64 @llvm.umin.i64(i64, i64)\ndeclare i64 @llvm.umax.i64(i64, i64)\n"


def kind_ir(s: str, t: str) -> str:
    """gemm.ll and the sums it calls for one kind. The widest block of
    columns is 8 sums each a vector register wide: 8 registers of the 16 that
    AVX2 has (LLVM spilled 16 sums of <4 x double> to the stack, so the
    RNN's h·U took twice its time; docs/performance.md)."""
    lanes = vector_lanes(s)
    return (fill("gemm.ll", S=s, T=t, BLAS_FROM=BLAS_FROM, ONE_THREAD=ONE_THREAD, DEPTH=DEPTH,
                 PARALLEL_FROM=PARALLEL_FROM, SHARED_BLOCKS=SHARED_BLOCKS, LINE=LINE[s], WIDE=8 * lanes,
                 CHUNK=L1_CHUNK // BYTES[s])
            + column_sums(s, t, lanes, 8) + column_sums(s, t, 8, 1) + column_sums(s, t, 1, 1) + row_sums(s, t, 8))


CEIL_DIV = """define internal i64 @ceil_div(i64 %x, i64 %y) alwaysinline {
  %x_1 = add i64 %x, %y
  %up = sub i64 %x_1, 1
  %q = udiv i64 %up, %y
  ret i64 %q
}
"""


def column_sums(s: str, t: str, lanes: int, vectors: int) -> str:
    """`@columns{lanes·vectors}_{s}`: C[i, j + c] for c < lanes·vectors, each
    the sum of A[i, κ]·B[κ, j + c], κ ascending (A[i, κ] at a_row + κ·a_step),
    from zero, or from C[i, j + c] where `resume` (the next chunk of k),
    carried through the κ loop as `vectors` vectors of `lanes` (B's rows read as vectors)."""
    v = t if lanes == 1 else f"<{lanes} x {t}>"
    zero = "0.0" if lanes == 1 else "zeroinitializer"
    if lanes == 1:
        splat = f"  %x = load {t}, ptr %a_at\n"
    else:
        splat = (f"  %a_k = load {t}, ptr %a_at\n  %a_v = insertelement {v} poison, {t} %a_k, i64 0\n"
                 f"  %x = shufflevector {v} %a_v, {v} poison, <{lanes} x i32> zeroinitializer\n")
    each, align = range(vectors), 4 if t == "float" else 8
    return "".join([
        f"define internal void @columns{lanes * vectors}_{s}(ptr %a_row, ptr %b, ptr %c_row, i64 %j, i64 %n, i64 %k, "
        "i64 %a_step, i1 %resume) alwaysinline {\n",
        f"entry:\n  %c0 = getelementptr {t}, ptr %c_row, i64 %j\n",
        *(f"  %c{u} = getelementptr {v}, ptr %c0, i64 {u}\n" for u in each if u),
        "  br i1 %resume, label %resumed, label %head\nresumed:\n",
        *(f"  %r{u} = load {v}, ptr %c{u}, align {align}\n" for u in each),
        "  br label %head\nhead:\n  %kk = phi i64 [0, %entry], [0, %resumed], [%kk1, %body]\n",
        *(f"  %s{u} = phi {v} [{zero}, %entry], [%r{u}, %resumed], [%t{u}, %body]\n" for u in each),
        "  %more = icmp ult i64 %kk, %k\n  br i1 %more, label %body, label %done\nbody:\n",
        f"  %a_off = mul i64 %kk, %a_step\n  %a_at = getelementptr {t}, ptr %a_row, i64 %a_off\n", splat,
        "  %b_row = mul i64 %kk, %n\n  %b_at = add i64 %b_row, %j\n",
        f"  %b0 = getelementptr {t}, ptr %b, i64 %b_at\n",
        *(f"  %b{u} = getelementptr {v}, ptr %b0, i64 {u}\n" for u in each if u),
        *(f"  %y{u} = load {v}, ptr %b{u}, align {align}\n"
          f"  %p{u} = fmul {v} %x, %y{u}\n  %t{u} = fadd {v} %s{u}, %p{u}\n" for u in each),
        "  %kk1 = add i64 %kk, 1\n  br label %head\ndone:\n",
        *(f"  store {v} %s{u}, ptr %c{u}, align {align}\n" for u in each),
        "  ret void\n}\n\n",
    ])


def row_sums(s: str, t: str, rows: int) -> str:
    """`@rows{rows}_{s}`: C[i + r] = the sum from zero of A[i + r, κ]·b[κ], κ
    ascending, for r < rows (a matrix times a vector; `a` at A's row i, its
    rows row_step apart, its columns a_step): the
    rows' sums carried together, independent chains of additions."""
    each = range(rows)
    return "".join([
        f"define internal void @rows{rows}_{s}(ptr %a, ptr %b, ptr %c, i64 %k, i64 %row_step, i64 %a_step) alwaysinline {{\n",
        "entry:\n", *(f"  %row{r} = mul i64 %row_step, {r}\n" for r in each),
        "  br label %head\nhead:\n  %kk = phi i64 [0, %entry], [%kk1, %body]\n",
        *(f"  %s{r} = phi {t} [0.0, %entry], [%t{r}, %body]\n" for r in each),
        "  %more = icmp ult i64 %kk, %k\n  br i1 %more, label %body, label %done\nbody:\n",
        f"  %b_at = getelementptr {t}, ptr %b, i64 %kk\n  %x = load {t}, ptr %b_at\n",
        "  %a_off = mul i64 %kk, %a_step\n",
        *(f"  %at{r} = add i64 %row{r}, %a_off\n  %a{r} = getelementptr {t}, ptr %a, i64 %at{r}\n"
          f"  %y{r} = load {t}, ptr %a{r}\n  %p{r} = fmul {t} %y{r}, %x\n  %t{r} = fadd {t} %s{r}, %p{r}\n"
          for r in each),
        "  %kk1 = add i64 %kk, 1\n  br label %head\ndone:\n",
        *(f"  %c{r} = getelementptr {t}, ptr %c, i64 {r}\n  store {t} %s{r}, ptr %c{r}\n" for r in each),
        "  ret void\n}\n\n",
    ])


def numpy_blas() -> dict[str, int]:
    """The addresses of NumPy's cblas_dgemm and cblas_sgemm (ILP64), by
    "f64"/"f32", or {} when its BLAS is not the OpenBLAS of its wheels."""
    library = openblas()
    try:
        return {s: ctypes.cast(getattr(library, name), ctypes.c_void_p).value for s, name in CBLAS.items()} \
            if library is not None else {}
    except AttributeError:
        return {}
