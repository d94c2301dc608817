; scanjit_searchsorted_${DTYPE}: NumPy's searchsorted of one value u in
; cdf[offset .. offset + d), a binary search from [0, d) as NumPy's binsearch
; for one key: the first position whose value is not below u (side "left":
; cdf[i] < u) or not at most u (side "right": cdf[i] <= u), in NumPy's
; order, where NaN sorts last.

define internal i1 @less(${T} %a, ${T} %b) alwaysinline {
${LESS}
  ret i1 %less
}

define i64 @scanjit_searchsorted_${DTYPE}(ptr %cdf, i64 %offset, i64 %d, ${T} %u, i1 %right) {
entry:
  %row = getelementptr ${T}, ptr %cdf, i64 %offset
  br label %loop
loop:
  %lo = phi i64 [0, %entry], [%lo.next, %step]
  %hi = phi i64 [%d, %entry], [%hi.next, %step]
  %more = icmp slt i64 %lo, %hi
  br i1 %more, label %step, label %done
step:
  %span = sub i64 %hi, %lo
  %half = lshr i64 %span, 1
  %mid = add i64 %lo, %half
  %address = getelementptr ${T}, ptr %row, i64 %mid
  %value = load ${T}, ptr %address
  %less = call i1 @less(${T} %value, ${T} %u)
  %above = call i1 @less(${T} %u, ${T} %value)
  %at_most = xor i1 %above, true
  %below = select i1 %right, i1 %at_most, i1 %less
  %after_mid = add i64 %mid, 1
  %lo.next = select i1 %below, i64 %after_mid, i64 %lo
  %hi.next = select i1 %below, i64 %hi, i64 %mid
  br label %loop
done:
  ret i64 %lo
}
