; scanjit_gemm_${S}: C = A · B for row-major ${T} matrices, A m×k, B k×n, C m×n
; (see gemm.py). From ${BLAS_FROM} multiply-adds up through the BLAS function
; set by scanjit_set_gemm_${S} (NumPy's cblas_?gemm, ILP64), if any; else each
; C[i, j] = ((0 + A[i,0]·B[0,j]) + A[i,1]·B[1,j]) + ..., k ascending, as
; convert-sj-to-loops sums a dot (and the reference interpreter does).

@blas_${S} = internal global ptr null

define void @scanjit_set_gemm_${S}(ptr %f) {
  store ptr %f, ptr @blas_${S}
  ret void
}

define void @scanjit_gemm_${S}(ptr noalias %a, ptr noalias %b, ptr noalias %c, i64 %m, i64 %n, i64 %k) {
entry:
  %blas = load ptr, ptr @blas_${S}
  %have = icmp ne ptr %blas, null
  %mn = mul i64 %m, %n
  %mnk = mul i64 %mn, %k
  %big = icmp uge i64 %mnk, ${BLAS_FROM}
  %use = and i1 %have, %big
  br i1 %use, label %call, label %rows
call:
  ; In blocks of at most ${ONE_THREAD} multiply-adds, which OpenBLAS computes
  ; on the calling thread: a product per scan step gains nothing from waking
  ; its threads, and loses much on a busy machine. Blocks of all rows and as
  ; many columns as fit (at least 32), then of as many rows as fit those.
  %lda = call i64 @llvm.umax.i64(i64 %k, i64 1)
  %ldb = call i64 @llvm.umax.i64(i64 %n, i64 1)
  %mk = mul i64 %m, %lda
  %mk1 = call i64 @llvm.umax.i64(i64 %mk, i64 1)
  %fit_cols = udiv i64 ${ONE_THREAD}, %mk1
  %cols_some = call i64 @llvm.umax.i64(i64 %fit_cols, i64 32)
  %cols = call i64 @llvm.umin.i64(i64 %cols_some, i64 %ldb)
  %col_k = mul i64 %cols, %lda
  %fit_rows = udiv i64 ${ONE_THREAD}, %col_k
  %rows_per = call i64 @llvm.umax.i64(i64 %fit_rows, i64 1)
  br label %r_head
r_head:
  %r = phi i64 [0, %call], [%r1, %c_head]
  %more_r = icmp ult i64 %r, %m
  br i1 %more_r, label %r_body, label %exit
r_body:
  %rows_left = sub i64 %m, %r
  %mr = call i64 @llvm.umin.i64(i64 %rows_per, i64 %rows_left)
  %a_block_at = mul i64 %r, %lda
  %a_block = getelementptr ${T}, ptr %a, i64 %a_block_at
  %c_rows_at = mul i64 %r, %ldb
  %r1 = add i64 %r, %rows_per
  br label %c_head
c_head:
  %cc = phi i64 [0, %r_body], [%cc1, %c_body]
  %more_c = icmp ult i64 %cc, %n
  br i1 %more_c, label %c_body, label %r_head
c_body:
  %cols_left = sub i64 %n, %cc
  %nc = call i64 @llvm.umin.i64(i64 %cols, i64 %cols_left)
  %b_block = getelementptr ${T}, ptr %b, i64 %cc
  %c_block_at = add i64 %c_rows_at, %cc
  %c_block = getelementptr ${T}, ptr %c, i64 %c_block_at
  call void %blas(i32 101, i32 111, i32 111, i64 %mr, i64 %nc, i64 %k, ${T} 1.0, ptr %a_block, i64 %lda,
                  ptr %b_block, i64 %ldb, ${T} 0.0, ptr %c_block, i64 %ldb)
  %cc1 = add i64 %cc, %cols
  br label %c_head
rows:
  br label %i_head
i_head:
  %i = phi i64 [0, %rows], [%i1, %k_head]
  %more_rows = icmp ult i64 %i, %m
  br i1 %more_rows, label %i_body, label %exit
i_body:
  %c_at = mul i64 %i, %n
  %c_row = getelementptr ${T}, ptr %c, i64 %c_at
  %a_at = mul i64 %i, %k
  %a_row = getelementptr ${T}, ptr %a, i64 %a_at
  br label %zero_head
zero_head:
  %z = phi i64 [0, %i_body], [%z1, %zero_body]
  %more_zeros = icmp ult i64 %z, %n
  br i1 %more_zeros, label %zero_body, label %k_head
zero_body:
  %zp = getelementptr ${T}, ptr %c_row, i64 %z
  store ${T} 0.0, ptr %zp
  %z1 = add i64 %z, 1
  br label %zero_head
k_head:
  %kk = phi i64 [0, %zero_head], [%kk1, %j_head]
  %i1 = add i64 %i, 1
  %more_k = icmp ult i64 %kk, %k
  br i1 %more_k, label %k_body, label %i_head
k_body:
  %ap = getelementptr ${T}, ptr %a_row, i64 %kk
  %av = load ${T}, ptr %ap
  %b_at = mul i64 %kk, %n
  %b_row = getelementptr ${T}, ptr %b, i64 %b_at
  %kk1 = add i64 %kk, 1
  br label %j_head
j_head:
  %j = phi i64 [0, %k_body], [%j1, %j_body]
  %more_j = icmp ult i64 %j, %n
  br i1 %more_j, label %j_body, label %k_head
j_body:
  %bp = getelementptr ${T}, ptr %b_row, i64 %j
  %bv = load ${T}, ptr %bp
  %cp = getelementptr ${T}, ptr %c_row, i64 %j
  %cv = load ${T}, ptr %cp
  %product = fmul ${T} %av, %bv
  %sum = fadd ${T} %cv, %product
  store ${T} %sum, ptr %cp
  %j1 = add i64 %j, 1
  br label %j_head
exit:
  ret void
}
