; scanjit_gesv_f64 and scanjit_getrf_f64: NumPy's own LAPACK (the OpenBLAS
; of its wheels, ILP64, Fortran order) as np.linalg calls it, through the
; functions set by scanjit_set_lapack_f64. Lengths by value; the return value
; is LAPACK's info (0: done, k > 0: U[k-1, k-1] is exactly zero). Leading
; dimensions are max(n, 1), as NumPy passes them.

@gesv_f64 = internal global ptr null
@getrf_f64 = internal global ptr null

define void @scanjit_set_lapack_f64(ptr %gesv, ptr %getrf) {
  store ptr %gesv, ptr @gesv_f64
  store ptr %getrf, ptr @getrf_f64
  ret void
}

; A X = B for the n×n A and the n×nrhs B, both column-major, in place: B
; becomes X, A its LU factors, ipiv (n i64) the pivots.
define i64 @scanjit_gesv_f64(ptr %a, ptr %b, ptr %ipiv, i64 %n, i64 %nrhs) {
  %n.p = alloca i64
  %nrhs.p = alloca i64
  %ld.p = alloca i64
  %info.p = alloca i64
  store i64 %n, ptr %n.p
  store i64 %nrhs, ptr %nrhs.p
  %big = icmp sgt i64 %n, 1
  %ld = select i1 %big, i64 %n, i64 1
  store i64 %ld, ptr %ld.p
  store i64 0, ptr %info.p
  %f = load ptr, ptr @gesv_f64
  call void %f(ptr %n.p, ptr %nrhs.p, ptr %a, ptr %ld.p, ptr %ipiv, ptr %b, ptr %ld.p, ptr %info.p)
  %info = load i64, ptr %info.p
  ret i64 %info
}

; The LU factors of the column-major n×n A, in place, and its pivots.
define i64 @scanjit_getrf_f64(ptr %a, ptr %ipiv, i64 %n) {
  %n.p = alloca i64
  %ld.p = alloca i64
  %info.p = alloca i64
  store i64 %n, ptr %n.p
  %big = icmp sgt i64 %n, 1
  %ld = select i1 %big, i64 %n, i64 1
  store i64 %ld, ptr %ld.p
  store i64 0, ptr %info.p
  %f = load ptr, ptr @getrf_f64
  call void %f(ptr %n.p, ptr %n.p, ptr %a, ptr %ld.p, ptr %ipiv, ptr %info.p)
  %info = load i64, ptr %info.p
  ret i64 %info
}
