; scanjit_argsort_${DTYPE}: for each of `rows` rows of n keys (row-major and
; contiguous), the indices that sort the row, into idx (rows x n), stably:
; equal keys keep their order, as NumPy's kind="stable". A bottom-up merge
; sort of the indices, merging runs of 1, 2, 4, ... between idx's row and
; tmp (n indices). Floats sort NaNs last, as NumPy.

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

define internal i1 @less(${T} %a, ${T} %b) alwaysinline {
${LESS}
  ret i1 %less
}

define void @scanjit_argsort_${DTYPE}(ptr %keys, ptr %idx, ptr %tmp, i64 %rows, i64 %n) {
entry:
  br label %row
row:
  %r = phi i64 [0, %entry], [%r.next, %row.done]
  %more_rows = icmp slt i64 %r, %rows
  br i1 %more_rows, label %row.start, label %done
row.start:
  %base = mul i64 %r, %n
  %row_keys = getelementptr ${T}, ptr %keys, i64 %base
  %row_idx = getelementptr i64, ptr %idx, i64 %base
  br label %init
init:
  %i = phi i64 [0, %row.start], [%i.next, %init.body]
  %init_more = icmp slt i64 %i, %n
  br i1 %init_more, label %init.body, label %pass
init.body:
  %slot = getelementptr i64, ptr %row_idx, i64 %i
  store i64 %i, ptr %slot
  %i.next = add i64 %i, 1
  br label %init
pass:  ; merge the runs of `width` indices in src, pair by pair, into dst
  %width = phi i64 [1, %init], [%width.next, %pass.done]
  %src = phi ptr [%row_idx, %init], [%dst, %pass.done]
  %dst = phi ptr [%tmp, %init], [%src, %pass.done]
  %more_passes = icmp slt i64 %width, %n
  br i1 %more_passes, label %pair, label %finish
pair:
  %lo = phi i64 [0, %pass], [%hi, %merge.done]
  %more_pairs = icmp slt i64 %lo, %n
  br i1 %more_pairs, label %merge.start, label %pass.done
merge.start:
  %mid.end = add i64 %lo, %width
  %mid = call i64 @llvm.smin.i64(i64 %mid.end, i64 %n)
  %hi.end = add i64 %mid, %width
  %hi = call i64 @llvm.smin.i64(i64 %hi.end, i64 %n)
  br label %merge
merge:  ; dst[k] from the left run at a or the right run at b
  %k = phi i64 [%lo, %merge.start], [%k.next, %merge.store]
  %a = phi i64 [%lo, %merge.start], [%a.next, %merge.store]
  %b = phi i64 [%mid, %merge.start], [%b.next, %merge.store]
  %merging = icmp slt i64 %k, %hi
  br i1 %merging, label %merge.pick, label %merge.done
merge.pick:
  %right_left = icmp slt i64 %b, %hi
  br i1 %right_left, label %merge.right, label %merge.take_left
merge.right:
  %left_left = icmp slt i64 %a, %mid
  br i1 %left_left, label %merge.compare, label %merge.take_right
merge.compare:  ; the right run's key first only if it is less: stable
  %at_a = getelementptr i64, ptr %src, i64 %a
  %index_a = load i64, ptr %at_a
  %at_b = getelementptr i64, ptr %src, i64 %b
  %index_b = load i64, ptr %at_b
  %key_a.at = getelementptr ${T}, ptr %row_keys, i64 %index_a
  %key_a = load ${T}, ptr %key_a.at
  %key_b.at = getelementptr ${T}, ptr %row_keys, i64 %index_b
  %key_b = load ${T}, ptr %key_b.at
  %right_first = call i1 @less(${T} %key_b, ${T} %key_a)
  br i1 %right_first, label %merge.take_right, label %merge.take_left
merge.take_left:
  %left.at = getelementptr i64, ptr %src, i64 %a
  %left = load i64, ptr %left.at
  br label %merge.store
merge.take_right:
  %right.at = getelementptr i64, ptr %src, i64 %b
  %right = load i64, ptr %right.at
  br label %merge.store
merge.store:
  %chosen = phi i64 [%left, %merge.take_left], [%right, %merge.take_right]
  %took_right = phi i1 [false, %merge.take_left], [true, %merge.take_right]
  %to = getelementptr i64, ptr %dst, i64 %k
  store i64 %chosen, ptr %to
  %a.after = add i64 %a, 1
  %b.after = add i64 %b, 1
  %a.next = select i1 %took_right, i64 %a, i64 %a.after
  %b.next = select i1 %took_right, i64 %b.after, i64 %b
  %k.next = add i64 %k, 1
  br label %merge
merge.done:
  br label %pair
pass.done:
  %width.next = shl i64 %width, 1
  br label %pass
finish:  ; the sorted indices are in src: in idx's row, or copied there from tmp
  %in_place = icmp eq ptr %src, %row_idx
  br i1 %in_place, label %row.done, label %copy
copy:
  %bytes = mul i64 %n, 8
  call void @llvm.memcpy.p0.p0.i64(ptr %row_idx, ptr %src, i64 %bytes, i1 false)
  br label %row.done
row.done:
  %r.next = add i64 %r, 1
  br label %row
done:
  ret void
}

declare i64 @llvm.smin.i64(i64, i64)
