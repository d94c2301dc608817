; scanjit_gesv_f64, scanjit_getrf_f64, scanjit_potrf_f64 and
; scanjit_trtrs_f64: NumPy's own LAPACK (the OpenBLAS of its wheels, ILP64,
; Fortran order) as np.linalg calls it, through the functions set by
; scanjit_set_lapack_f64. Lengths and flags by value; the return value is
; LAPACK's info (0: done, k > 0: the k-th pivot or diagonal element is zero,
; or the k-th leading minor not positive definite). Leading dimensions are
; max(n, 1), as NumPy passes them. Character arguments are passed with their
; hidden lengths (1), which OpenBLAS's own C routines ignore.

@gesv_f64 = internal global ptr null
@getrf_f64 = internal global ptr null
@potrf_f64 = internal global ptr null
@trtrs_f64 = internal global ptr null

define void @scanjit_set_lapack_f64(ptr %gesv, ptr %getrf, ptr %potrf, ptr %trtrs) {
  store ptr %gesv, ptr @gesv_f64
  store ptr %getrf, ptr @getrf_f64
  store ptr %potrf, ptr @potrf_f64
  store ptr %trtrs, ptr @trtrs_f64
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

; The Cholesky factor of the column-major n×n A, in place: its lower triangle
; (upper = 0) or its upper one; the other triangle is left as it was.
define i64 @scanjit_potrf_f64(ptr %a, i64 %n, i64 %upper) {
  %uplo.p = alloca i8
  %n.p = alloca i64
  %ld.p = alloca i64
  %info.p = alloca i64
  %up = icmp ne i64 %upper, 0
  %uplo = select i1 %up, i8 85, i8 76
  store i8 %uplo, ptr %uplo.p
  store i64 %n, ptr %n.p
  %big = icmp sgt i64 %n, 1
  %ld = select i1 %big, i64 %n, i64 1
  store i64 %ld, ptr %ld.p
  store i64 0, ptr %info.p
  %f = load ptr, ptr @potrf_f64
  call void %f(ptr %uplo.p, ptr %n.p, ptr %a, ptr %ld.p, ptr %info.p, i64 1)
  %info = load i64, ptr %info.p
  ret i64 %info
}

; op(A) X = B for the column-major triangular n×n A (its upper triangle if
; upper, else its lower; op(A) = Aᵀ if transposed; ones on its diagonal if
; unit) and the column-major n×nrhs B, in place: B becomes X.
define i64 @scanjit_trtrs_f64(ptr %a, ptr %b, i64 %n, i64 %nrhs, i64 %upper, i64 %transposed, i64 %unit) {
  %uplo.p = alloca i8
  %trans.p = alloca i8
  %diag.p = alloca i8
  %n.p = alloca i64
  %nrhs.p = alloca i64
  %ld.p = alloca i64
  %info.p = alloca i64
  %up = icmp ne i64 %upper, 0
  %uplo = select i1 %up, i8 85, i8 76
  store i8 %uplo, ptr %uplo.p
  %t = icmp ne i64 %transposed, 0
  %trans = select i1 %t, i8 84, i8 78
  store i8 %trans, ptr %trans.p
  %u = icmp ne i64 %unit, 0
  %diag = select i1 %u, i8 85, i8 78
  store i8 %diag, ptr %diag.p
  store i64 %n, ptr %n.p
  store i64 %nrhs, ptr %nrhs.p
  %big = icmp sgt i64 %n, 1
  %ld = select i1 %big, i64 %n, i64 1
  store i64 %ld, ptr %ld.p
  store i64 0, ptr %info.p
  %f = load ptr, ptr @trtrs_f64
  call void %f(ptr %uplo.p, ptr %trans.p, ptr %diag.p, ptr %n.p, ptr %nrhs.p, ptr %a, ptr %ld.p, ptr %b,
               ptr %ld.p, ptr %info.p, i64 1, i64 1, i64 1)
  %info = load i64, ptr %info.p
  ret i64 %info
}
