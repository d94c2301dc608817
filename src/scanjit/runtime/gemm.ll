; scanjit_gemm_${S}: C = A · B for row-major ${T} matrices, A m×k, B k×n, C m×n
; (see gemm.py); A given as the k×m matrix Aᵀ when a_transposed is 1. From ${BLAS_FROM} multiply-adds up through the BLAS function
; set by scanjit_set_gemm_${S} (NumPy's cblas_?gemm, ILP64), if any; else as
; scanjit_dot_${S}, which never calls BLAS (the products with a vector):
; C[i, j] = ((0 + A[i,0]·B[0,j]) + A[i,1]·B[1,j]) + ..., k ascending, as
; the reference interpreter sums a dot.

@blas_${S} = internal global ptr null

; A product's arguments and block sizes, for @blocks_${S}.
%gemm_${S} = type { ptr, ptr, ptr, ptr, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i32 }

define void @scanjit_set_gemm_${S}(ptr %f) {
  store ptr %f, ptr @blas_${S}
  ret void
}

define void @scanjit_gemm_${S}(ptr noalias %a, ptr noalias %b, ptr noalias %c, i64 %m, i64 %n, i64 %k,
                               i64 %a_transposed) {
entry:
  ; A[i, κ] at a + i·a_row_step + κ·a_k_step; lda: A's rows, or Aᵀ's, apart
  %ta = icmp ne i64 %a_transposed, 0
  %m1 = call i64 @llvm.umax.i64(i64 %m, i64 1)
  %k1 = call i64 @llvm.umax.i64(i64 %k, i64 1)
  %lda = select i1 %ta, i64 %m1, i64 %k1
  %a_row_step = select i1 %ta, i64 1, i64 %k1
  %a_k_step = select i1 %ta, i64 %m1, i64 1
  %trans_a = select i1 %ta, i32 112, i32 111
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
  ; its threads, and loses much on a busy machine. k in parts of at most
  ; ${DEPTH}, each block of C summing its parts in ascending order (beta 0,
  ; then 1): its bits do not depend on the thread or the call. Blocks of all
  ; rows and as many columns as fit (at least 32), then of as many rows as fit
  ; those. k > 0 here, since m·n·k >= ${BLAS_FROM}. From ${PARALLEL_FROM}
  ; multiply-adds up the blocks are shared among the runtime's threads
  ; (scanjit_parallel_for), each block computed as on one thread.
  %ldb = call i64 @llvm.umax.i64(i64 %n, i64 1)
  %depth = call i64 @llvm.umin.i64(i64 %k, i64 ${DEPTH})
  %m_depth = mul i64 %m, %depth
  %fit_cols = udiv i64 ${ONE_THREAD}, %m_depth
  %cols_some = call i64 @llvm.umax.i64(i64 %fit_cols, i64 32)
  %cols_fit = call i64 @llvm.umin.i64(i64 %cols_some, i64 %n)
  ; A shared product's blocks have at most 1/${SHARED_BLOCKS} of its columns, whole
  ; cache lines: a deep product of few columns (32x256 by 256x128) is then
  ; not one block, on one thread.
  %shared = icmp uge i64 %mnk, ${PARALLEL_FROM}
  %part = call i64 @ceil_div(i64 %n, i64 ${SHARED_BLOCKS})
  %part_lines = call i64 @ceil_div(i64 %part, i64 ${LINE})
  %part_cols = mul i64 %part_lines, ${LINE}
  %cols_part = call i64 @llvm.umin.i64(i64 %cols_fit, i64 %part_cols)
  %cols = select i1 %shared, i64 %cols_part, i64 %cols_fit
  %col_depth = mul i64 %cols, %depth
  %fit_rows = udiv i64 ${ONE_THREAD}, %col_depth
  %block_rows = call i64 @llvm.umax.i64(i64 %fit_rows, i64 1)
  %col_blocks = call i64 @ceil_div(i64 %n, i64 %cols)
  %row_blocks = call i64 @ceil_div(i64 %m, i64 %block_rows)
  %blocks = mul i64 %row_blocks, %col_blocks
  %ctx = alloca %gemm_${S}
  %g0 = insertvalue %gemm_${S} poison, ptr %a, 0
  %g1 = insertvalue %gemm_${S} %g0, ptr %b, 1
  %g2 = insertvalue %gemm_${S} %g1, ptr %c, 2
  %g3 = insertvalue %gemm_${S} %g2, ptr %blas, 3
  %g4 = insertvalue %gemm_${S} %g3, i64 %m, 4
  %g5 = insertvalue %gemm_${S} %g4, i64 %n, 5
  %g6 = insertvalue %gemm_${S} %g5, i64 %k, 6
  %g7 = insertvalue %gemm_${S} %g6, i64 %lda, 7
  %g8 = insertvalue %gemm_${S} %g7, i64 %ldb, 8
  %g9 = insertvalue %gemm_${S} %g8, i64 %a_row_step, 9
  %g10 = insertvalue %gemm_${S} %g9, i64 %a_k_step, 10
  %g11 = insertvalue %gemm_${S} %g10, i64 %depth, 11
  %g12 = insertvalue %gemm_${S} %g11, i64 %cols, 12
  %g13 = insertvalue %gemm_${S} %g12, i64 %block_rows, 13
  %g14 = insertvalue %gemm_${S} %g13, i64 %col_blocks, 14
  %g15 = insertvalue %gemm_${S} %g14, i32 %trans_a, 15
  store %gemm_${S} %g15, ptr %ctx
  br i1 %shared, label %parallel, label %serial
parallel:
  %status = call i32 @scanjit_parallel_for(ptr @blocks_${S}, ptr %ctx, i64 0, i64 %blocks, i64 1)
  br label %exit
serial:
  %unused = call i32 @blocks_${S}(ptr %ctx, i64 0, i64 %blocks)
  br label %exit
rows:
  call void @dot_${S}(ptr %a, ptr %b, ptr %c, i64 %m, i64 %n, i64 %k, i64 %a_row_step, i64 %a_k_step)
  br label %exit
exit:
  ret void
}

; Blocks lo..hi-1 of C (numbered along rows of blocks) through BLAS, k in
; parts summed in ascending order; returns 0 (scanjit_parallel_for's part).
define internal i32 @blocks_${S}(ptr %ctx, i64 %lo, i64 %hi) {
entry:
  %g = load %gemm_${S}, ptr %ctx
  %a = extractvalue %gemm_${S} %g, 0
  %b = extractvalue %gemm_${S} %g, 1
  %c = extractvalue %gemm_${S} %g, 2
  %blas = extractvalue %gemm_${S} %g, 3
  %m = extractvalue %gemm_${S} %g, 4
  %n = extractvalue %gemm_${S} %g, 5
  %k = extractvalue %gemm_${S} %g, 6
  %lda = extractvalue %gemm_${S} %g, 7
  %ldb = extractvalue %gemm_${S} %g, 8
  %a_row_step = extractvalue %gemm_${S} %g, 9
  %a_k_step = extractvalue %gemm_${S} %g, 10
  %depth = extractvalue %gemm_${S} %g, 11
  %cols = extractvalue %gemm_${S} %g, 12
  %block_rows = extractvalue %gemm_${S} %g, 13
  %col_blocks = extractvalue %gemm_${S} %g, 14
  %trans_a = extractvalue %gemm_${S} %g, 15
  br label %block_head
block_head:
  %i = phi i64 [%lo, %entry], [%i1, %k_head]
  %more = icmp ult i64 %i, %hi
  br i1 %more, label %block_body, label %done
block_body:
  %row_block = udiv i64 %i, %col_blocks
  %col_block = urem i64 %i, %col_blocks
  %r = mul i64 %row_block, %block_rows
  %cc = mul i64 %col_block, %cols
  %rows_left = sub i64 %m, %r
  %mr = call i64 @llvm.umin.i64(i64 %block_rows, i64 %rows_left)
  %cols_left = sub i64 %n, %cc
  %nc = call i64 @llvm.umin.i64(i64 %cols, i64 %cols_left)
  %a_rows_at = mul i64 %r, %a_row_step
  %c_rows_at = mul i64 %r, %ldb
  %c_block_at = add i64 %c_rows_at, %cc
  %c_block = getelementptr ${T}, ptr %c, i64 %c_block_at
  %i1 = add i64 %i, 1
  br label %k_head
k_head:
  %kk = phi i64 [0, %block_body], [%kk1, %k_body]
  %more_k = icmp ult i64 %kk, %k
  br i1 %more_k, label %k_body, label %block_head
k_body:
  %k_left = sub i64 %k, %kk
  %kr = call i64 @llvm.umin.i64(i64 %depth, i64 %k_left)
  %first = icmp eq i64 %kk, 0
  %beta = select i1 %first, ${T} 0.0, ${T} 1.0
  %a_k_at = mul i64 %kk, %a_k_step
  %a_block_at = add i64 %a_rows_at, %a_k_at
  %a_block = getelementptr ${T}, ptr %a, i64 %a_block_at
  %b_rows_at = mul i64 %kk, %ldb
  %b_block_at = add i64 %b_rows_at, %cc
  %b_block = getelementptr ${T}, ptr %b, i64 %b_block_at
  call void %blas(i32 101, i32 %trans_a, i32 111, i64 %mr, i64 %nc, i64 %kr, ${T} 1.0, ptr %a_block, i64 %lda,
                  ptr %b_block, i64 %ldb, ${T} %beta, ptr %c_block, i64 %ldb)
  %kk1 = add i64 %kk, %depth
  br label %k_head
done:
  ret i32 0
}

define void @scanjit_dot_${S}(ptr noalias %a, ptr noalias %b, ptr noalias %c, i64 %m, i64 %n, i64 %k) {
  call void @dot_${S}(ptr %a, ptr %b, ptr %c, i64 %m, i64 %n, i64 %k, i64 %k, i64 1)
  ret void
}

; With one column (a matrix times a vector) C's rows in blocks of 8 first, 8
; scalar sums over the whole of k. The other rows in one pass when B has at
; most ${CHUNK} elements, else in chunks of k rows of B small enough to stay
; in L1 (at least 8 rows), each chunk for every row (@rows_${S}): the sums
; carried in registers through a chunk are stored and resumed from C by the
; next one, the same additions in the same order as in one pass. A[i, κ] at
; a + i·a_row_step + κ·a_k_step. Inlined with the functions it calls, so that
; scanjit_dot's steps (k, 1) are constants.
define internal void @dot_${S}(ptr noalias %a, ptr noalias %b, ptr noalias %c, i64 %m, i64 %n, i64 %k,
                               i64 %a_row_step, i64 %a_k_step) alwaysinline {
entry:
  %one_column = icmp eq i64 %n, 1
  br i1 %one_column, label %r8_head, label %rows
r8_head:
  %r8 = phi i64 [0, %entry], [%r8_next, %r8_body]
  %r8_next = add i64 %r8, 8
  %r8_fits = icmp ule i64 %r8_next, %m
  br i1 %r8_fits, label %r8_body, label %rows
r8_body:
  %r8_at = mul i64 %r8, %a_row_step
  %r8_a = getelementptr ${T}, ptr %a, i64 %r8_at
  %r8_c = getelementptr ${T}, ptr %c, i64 %r8
  call void @rows8_${S}(ptr %r8_a, ptr %b, ptr %r8_c, i64 %k, i64 %a_row_step, i64 %a_k_step)
  br label %r8_head
rows:
  %first_row = phi i64 [0, %entry], [%r8, %r8_head]
  %kn = mul i64 %k, %n
  %whole = icmp ule i64 %kn, ${CHUNK}
  br i1 %whole, label %one_pass, label %chunks
one_pass:
  call void @rows_${S}(ptr %a, ptr %b, ptr %c, i64 %first_row, i64 %m, i64 %n, i64 %k, i64 %a_row_step,
                       i64 %a_k_step, i1 false)
  br label %exit
chunks:
  ; here n > 0 and k > 0
  %fit = udiv i64 ${CHUNK}, %n
  %chunk = call i64 @llvm.umax.i64(i64 %fit, i64 8)
  br label %kc_body
kc_body:
  %kc = phi i64 [0, %chunks], [%kc_next, %kc_body]
  %left = sub i64 %k, %kc
  %kk = call i64 @llvm.umin.i64(i64 %chunk, i64 %left)
  %resume = icmp ne i64 %kc, 0
  %a_kc_at = mul i64 %kc, %a_k_step
  %a_chunk = getelementptr ${T}, ptr %a, i64 %a_kc_at
  %b_kc_at = mul i64 %kc, %n
  %b_chunk = getelementptr ${T}, ptr %b, i64 %b_kc_at
  call void @rows_${S}(ptr %a_chunk, ptr %b_chunk, ptr %c, i64 %first_row, i64 %m, i64 %n, i64 %kk,
                       i64 %a_row_step, i64 %a_k_step, i1 %resume)
  %kc_next = add i64 %kc, %chunk
  %more_k = icmp ult i64 %kc_next, %k
  br i1 %more_k, label %kc_body, label %exit
exit:
  ret void
}

; Rows first_row..m-1 of C by blocks of columns: ${WIDE} (8 sums, each a
; vector register wide: gemm.py's `vector_lanes`), 8 (one vector), 1; each
; sum from zero, or from C's value where `resume`.
define internal void @rows_${S}(ptr noalias %a, ptr noalias %b, ptr noalias %c, i64 %first_row, i64 %m, i64 %n,
                                i64 %k, i64 %a_row_step, i64 %a_k_step, i1 %resume) alwaysinline {
entry:
  br label %i_head
i_head:
  %i = phi i64 [%first_row, %entry], [%i_next, %j1_head]
  %more_rows = icmp ult i64 %i, %m
  br i1 %more_rows, label %i_body, label %exit
i_body:
  %a_at = mul i64 %i, %a_row_step
  %a_row = getelementptr ${T}, ptr %a, i64 %a_at
  %c_at = mul i64 %i, %n
  %c_row = getelementptr ${T}, ptr %c, i64 %c_at
  %i_next = add i64 %i, 1
  br label %j_wide_head
j_wide_head:
  %j_wide = phi i64 [0, %i_body], [%j_wide_next, %j_wide_body]
  %j_wide_next = add i64 %j_wide, ${WIDE}
  %j_wide_fits = icmp ule i64 %j_wide_next, %n
  br i1 %j_wide_fits, label %j_wide_body, label %j8_head
j_wide_body:
  call void @columns${WIDE}_${S}(ptr %a_row, ptr %b, ptr %c_row, i64 %j_wide, i64 %n, i64 %k, i64 %a_k_step,
                                 i1 %resume)
  br label %j_wide_head
j8_head:
  %j8 = phi i64 [%j_wide, %j_wide_head], [%j8_next, %j8_body]
  %j8_next = add i64 %j8, 8
  %j8_fits = icmp ule i64 %j8_next, %n
  br i1 %j8_fits, label %j8_body, label %j1_head
j8_body:
  call void @columns8_${S}(ptr %a_row, ptr %b, ptr %c_row, i64 %j8, i64 %n, i64 %k, i64 %a_k_step, i1 %resume)
  br label %j8_head
j1_head:
  %j1 = phi i64 [%j8, %j8_head], [%j1_next, %j1_body]
  %more_columns = icmp ult i64 %j1, %n
  br i1 %more_columns, label %j1_body, label %i_head
j1_body:
  call void @columns1_${S}(ptr %a_row, ptr %b, ptr %c_row, i64 %j1, i64 %n, i64 %k, i64 %a_k_step, i1 %resume)
  %j1_next = add i64 %j1, 1
  br label %j1_head
exit:
  ret void
}
