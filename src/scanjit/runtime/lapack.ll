; scanjit_gesv_f64, scanjit_getrf_f64, scanjit_potrf_f64,
; scanjit_trtrs_f64, scanjit_syevr_f64, scanjit_syevd_f64, scanjit_gesdd_f64,
; scanjit_geqrf_f64 and scanjit_orgqr_f64: NumPy's own LAPACK (the OpenBLAS of its wheels, ILP64,
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
@syevr_f64 = internal global ptr null
@syevd_f64 = internal global ptr null
@gesdd_f64 = internal global ptr null
@geqrf_f64 = internal global ptr null
@orgqr_f64 = internal global ptr null

define void @scanjit_set_lapack_f64(ptr %gesv, ptr %getrf, ptr %potrf, ptr %trtrs, ptr %syevr, ptr %syevd,
                                    ptr %gesdd, ptr %geqrf, ptr %orgqr) {
  store ptr %gesv, ptr @gesv_f64
  store ptr %getrf, ptr @getrf_f64
  store ptr %potrf, ptr @potrf_f64
  store ptr %trtrs, ptr @trtrs_f64
  store ptr %syevr, ptr @syevr_f64
  store ptr %syevd, ptr @syevd_f64
  store ptr %gesdd, ptr @gesdd_f64
  store ptr %geqrf, ptr @geqrf_f64
  store ptr %orgqr, ptr @orgqr_f64
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

; The eigenvalues (ascending, into w) and eigenvectors (the columns of the
; column-major n×n z) of the symmetric column-major n×n A, from its lower
; triangle (lower = 1) or its upper one, by dsyevr (SciPy's default driver,
; PyTensor's), all of them, abstol 0, its workspace sized by LAPACK's query
; as SciPy does; the eigenvalues alone (another algorithm) where vectors = 0.
; A is overwritten. Returns info, or -1 where the workspace cannot be allocated.
define i64 @scanjit_syevr_f64(ptr %a, ptr %w, ptr %z, i64 %n, i64 %lower, i64 %vectors) {
  %uplo.p = alloca i8
  %n.p = alloca i64
  %ld.p = alloca i64
  %zero.p = alloca double
  %one.p = alloca i64
  %found.p = alloca i64
  %lwork.p = alloca i64
  %liwork.p = alloca i64
  %info.p = alloca i64
  %query.p = alloca double
  %iquery.p = alloca i64
  %support.count.p = alloca i64
  %jobz.p = alloca i8
  %values = icmp eq i64 %vectors, 0
  %jobz = select i1 %values, i8 78, i8 86
  store i8 %jobz, ptr %jobz.p
  %up = icmp eq i64 %lower, 0
  %uplo = select i1 %up, i8 85, i8 76
  store i8 %uplo, ptr %uplo.p
  store i64 %n, ptr %n.p
  %big = icmp sgt i64 %n, 1
  %ld = select i1 %big, i64 %n, i64 1
  store i64 %ld, ptr %ld.p
  store double 0.0, ptr %zero.p
  store i64 1, ptr %one.p
  %support.count = shl i64 %ld, 1
  %support = call ptr @elements(i64 %support.count, ptr %support.count.p)
  store i64 -1, ptr %lwork.p
  store i64 -1, ptr %liwork.p
  store i64 0, ptr %info.p
  %f = load ptr, ptr @syevr_f64
  call void %f(ptr %jobz.p, ptr @range_a, ptr %uplo.p, ptr %n.p, ptr %a, ptr %ld.p, ptr %zero.p, ptr %zero.p,
               ptr %one.p, ptr %n.p, ptr %zero.p, ptr %found.p, ptr %w, ptr %z, ptr %ld.p, ptr %support,
               ptr %query.p, ptr %lwork.p, ptr %iquery.p, ptr %liwork.p, ptr %info.p, i64 1, i64 1, i64 1)
  %work = call ptr @workspace(ptr %query.p, ptr %lwork.p, ptr %info.p)
  %liwork = load i64, ptr %iquery.p
  %iwork = call ptr @elements(i64 %liwork, ptr %liwork.p)
  %no.support = icmp eq ptr %support, null
  %no.work = icmp eq ptr %work, null
  %no.iwork = icmp eq ptr %iwork, null
  %no.any = or i1 %no.support, %no.work
  %none = or i1 %no.any, %no.iwork
  br i1 %none, label %failed, label %solve
solve:
  call void %f(ptr %jobz.p, ptr @range_a, ptr %uplo.p, ptr %n.p, ptr %a, ptr %ld.p, ptr %zero.p, ptr %zero.p,
               ptr %one.p, ptr %n.p, ptr %zero.p, ptr %found.p, ptr %w, ptr %z, ptr %ld.p, ptr %support,
               ptr %work, ptr %lwork.p, ptr %iwork, ptr %liwork.p, ptr %info.p, i64 1, i64 1, i64 1)
  br label %done
failed:
  store i64 -1, ptr %info.p
  br label %done
done:
  call void @scanjit_free(ptr %support)
  call void @scanjit_free(ptr %work)
  call void @scanjit_free(ptr %iwork)
  %info = load i64, ptr %info.p
  ret i64 %info
}

; The same by dsyevd (NumPy's eigh, PyTensor's driver="evd"): the
; eigenvectors overwrite A.
define i64 @scanjit_syevd_f64(ptr %a, ptr %w, i64 %n, i64 %lower) {
  %uplo.p = alloca i8
  %n.p = alloca i64
  %ld.p = alloca i64
  %lwork.p = alloca i64
  %liwork.p = alloca i64
  %info.p = alloca i64
  %query.p = alloca double
  %iquery.p = alloca i64
  %up = icmp eq i64 %lower, 0
  %uplo = select i1 %up, i8 85, i8 76
  store i8 %uplo, ptr %uplo.p
  store i64 %n, ptr %n.p
  %big = icmp sgt i64 %n, 1
  %ld = select i1 %big, i64 %n, i64 1
  store i64 %ld, ptr %ld.p
  store i64 -1, ptr %lwork.p
  store i64 -1, ptr %liwork.p
  store i64 0, ptr %info.p
  %f = load ptr, ptr @syevd_f64
  call void %f(ptr @jobz_v, ptr %uplo.p, ptr %n.p, ptr %a, ptr %ld.p, ptr %w, ptr %query.p, ptr %lwork.p,
               ptr %iquery.p, ptr %liwork.p, ptr %info.p, i64 1, i64 1)
  %work = call ptr @workspace(ptr %query.p, ptr %lwork.p, ptr %info.p)
  %liwork = load i64, ptr %iquery.p
  %iwork = call ptr @elements(i64 %liwork, ptr %liwork.p)
  %no.work = icmp eq ptr %work, null
  %no.iwork = icmp eq ptr %iwork, null
  %none = or i1 %no.work, %no.iwork
  br i1 %none, label %failed, label %solve
solve:
  call void %f(ptr @jobz_v, ptr %uplo.p, ptr %n.p, ptr %a, ptr %ld.p, ptr %w, ptr %work, ptr %lwork.p,
               ptr %iwork, ptr %liwork.p, ptr %info.p, i64 1, i64 1)
  br label %done
failed:
  store i64 -1, ptr %info.p
  br label %done
done:
  call void @scanjit_free(ptr %work)
  call void @scanjit_free(ptr %iwork)
  %info = load i64, ptr %info.p
  ret i64 %info
}

; The singular values (descending, into s) of the column-major m×n A and,
; by job: 65 ('A') all of U (m×m) and Vᵀ (n×n), 83 ('S') their first
; min(m, n) columns and rows, 78 ('N') neither; by dgesdd, as NumPy's svd
; calls it (its workspace by LAPACK's query, 8 min(m, n) integers). A is
; overwritten. Returns info, or -1 where the workspace cannot be allocated.
define i64 @scanjit_gesdd_f64(ptr %a, ptr %s, ptr %u, ptr %vt, i64 %m, i64 %n, i64 %job) {
  %jobz.p = alloca i8
  %m.p = alloca i64
  %n.p = alloca i64
  %lda.p = alloca i64
  %ldu.p = alloca i64
  %ldvt.p = alloca i64
  %lwork.p = alloca i64
  %iwork.count.p = alloca i64
  %info.p = alloca i64
  %query.p = alloca double
  %jobz = trunc i64 %job to i8
  store i8 %jobz, ptr %jobz.p
  store i64 %m, ptr %m.p
  store i64 %n, ptr %n.p
  %m.big = icmp sgt i64 %m, 1
  %lda = select i1 %m.big, i64 %m, i64 1
  store i64 %lda, ptr %lda.p
  store i64 %lda, ptr %ldu.p
  %fewer = icmp slt i64 %m, %n
  %k = select i1 %fewer, i64 %m, i64 %n
  %all = icmp eq i64 %job, 65
  %vt.rows = select i1 %all, i64 %n, i64 %k
  %vt.big = icmp sgt i64 %vt.rows, 1
  %ldvt = select i1 %vt.big, i64 %vt.rows, i64 1
  store i64 %ldvt, ptr %ldvt.p
  %iwork.count = shl i64 %k, 3
  %iwork = call ptr @elements(i64 %iwork.count, ptr %iwork.count.p)
  store i64 -1, ptr %lwork.p
  store i64 0, ptr %info.p
  %f = load ptr, ptr @gesdd_f64
  call void %f(ptr %jobz.p, ptr %m.p, ptr %n.p, ptr %a, ptr %lda.p, ptr %s, ptr %u, ptr %ldu.p, ptr %vt,
               ptr %ldvt.p, ptr %query.p, ptr %lwork.p, ptr %iwork, ptr %info.p, i64 1)
  %work = call ptr @workspace(ptr %query.p, ptr %lwork.p, ptr %info.p)
  %no.work = icmp eq ptr %work, null
  %no.iwork = icmp eq ptr %iwork, null
  %none = or i1 %no.work, %no.iwork
  br i1 %none, label %failed, label %solve
solve:
  call void %f(ptr %jobz.p, ptr %m.p, ptr %n.p, ptr %a, ptr %lda.p, ptr %s, ptr %u, ptr %ldu.p, ptr %vt,
               ptr %ldvt.p, ptr %work, ptr %lwork.p, ptr %iwork, ptr %info.p, i64 1)
  br label %done
failed:
  store i64 -1, ptr %info.p
  br label %done
done:
  call void @scanjit_free(ptr %work)
  call void @scanjit_free(ptr %iwork)
  %info = load i64, ptr %info.p
  ret i64 %info
}

; The QR factorization of the column-major m×n A in place (R on and above
; its diagonal, the Householder reflectors below it) and the reflectors'
; min(m, n) coefficients tau, by dgeqrf, its workspace by LAPACK's query as
; SciPy's qr sizes it. Returns info, or -1 where it cannot be allocated.
define i64 @scanjit_geqrf_f64(ptr %a, ptr %tau, i64 %m, i64 %n) {
  %m.p = alloca i64
  %n.p = alloca i64
  %ld.p = alloca i64
  %lwork.p = alloca i64
  %info.p = alloca i64
  %query.p = alloca double
  store i64 %m, ptr %m.p
  store i64 %n, ptr %n.p
  %big = icmp sgt i64 %m, 1
  %ld = select i1 %big, i64 %m, i64 1
  store i64 %ld, ptr %ld.p
  store i64 -1, ptr %lwork.p
  store i64 -1, ptr %info.p
  %f = load ptr, ptr @geqrf_f64
  call void %f(ptr %m.p, ptr %n.p, ptr %a, ptr %ld.p, ptr %tau, ptr %query.p, ptr %lwork.p, ptr %info.p)
  %work = call ptr @workspace(ptr %query.p, ptr %lwork.p, ptr %info.p)
  %none = icmp eq ptr %work, null
  br i1 %none, label %done, label %solve
solve:
  call void %f(ptr %m.p, ptr %n.p, ptr %a, ptr %ld.p, ptr %tau, ptr %work, ptr %lwork.p, ptr %info.p)
  call void @scanjit_free(ptr %work)
  br label %done
done:
  %info = load i64, ptr %info.p
  ret i64 %info
}

; The m×n Q with orthonormal columns, in place in the column-major A, from
; the first k reflectors and coefficients of dgeqrf, by dorgqr (its
; workspace by LAPACK's query). Returns info, or -1 where it cannot be allocated.
define i64 @scanjit_orgqr_f64(ptr %a, ptr %tau, i64 %m, i64 %n, i64 %k) {
  %m.p = alloca i64
  %n.p = alloca i64
  %k.p = alloca i64
  %ld.p = alloca i64
  %lwork.p = alloca i64
  %info.p = alloca i64
  %query.p = alloca double
  store i64 %m, ptr %m.p
  store i64 %n, ptr %n.p
  store i64 %k, ptr %k.p
  %big = icmp sgt i64 %m, 1
  %ld = select i1 %big, i64 %m, i64 1
  store i64 %ld, ptr %ld.p
  store i64 -1, ptr %lwork.p
  store i64 -1, ptr %info.p
  %f = load ptr, ptr @orgqr_f64
  call void %f(ptr %m.p, ptr %n.p, ptr %k.p, ptr %a, ptr %ld.p, ptr %tau, ptr %query.p, ptr %lwork.p, ptr %info.p)
  %work = call ptr @workspace(ptr %query.p, ptr %lwork.p, ptr %info.p)
  %none = icmp eq ptr %work, null
  br i1 %none, label %done, label %solve
solve:
  call void %f(ptr %m.p, ptr %n.p, ptr %k.p, ptr %a, ptr %ld.p, ptr %tau, ptr %work, ptr %lwork.p, ptr %info.p)
  call void @scanjit_free(ptr %work)
  br label %done
done:
  %info = load i64, ptr %info.p
  ret i64 %info
}

; After a workspace query: a workspace of the size LAPACK put in *query (a
; double), that size in *lwork (`elements`); *info -1 where it cannot be
; allocated (null), else 0.
define internal ptr @workspace(ptr %query.p, ptr %lwork.p, ptr %info.p) {
  %query = load double, ptr %query.p
  %size = fptosi double %query to i64
  %work = call ptr @elements(i64 %size, ptr %lwork.p)
  %none = icmp eq ptr %work, null
  %info = select i1 %none, i64 -1, i64 0
  store i64 %info, ptr %info.p
  ret ptr %work
}

; Room for max(count, 1) 8-byte elements, or null; that number in *count.p.
define internal ptr @elements(i64 %count, ptr %count.p) {
  %small = icmp slt i64 %count, 1
  %some = select i1 %small, i64 1, i64 %count
  store i64 %some, ptr %count.p
  %bytes = shl i64 %some, 3
  %room = call ptr @scanjit_alloc(i64 %bytes)
  ret ptr %room
}

@jobz_v = internal constant i8 86
@range_a = internal constant i8 65
