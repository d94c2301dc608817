; scanjit_permutation: NumPy's Generator.permutation(n), idx = arange(n)
; shuffled as Generator.shuffle does (for an array's rows too: permutation
; shuffles an index array the same way): for i = n - 1 down to 1, swap idx[i]
; and idx[j], j = random_interval(bitgen, i).

declare i64 @random_interval(ptr, i64)

define void @scanjit_permutation(ptr %bitgen, i64 %n, ptr %idx) {
entry:
  br label %fill
fill:
  %i = phi i64 [0, %entry], [%i.next, %fill.body]
  %filling = icmp slt i64 %i, %n
  br i1 %filling, label %fill.body, label %shuffle.start
fill.body:
  %slot = getelementptr i64, ptr %idx, i64 %i
  store i64 %i, ptr %slot
  %i.next = add i64 %i, 1
  br label %fill
shuffle.start:
  %last = sub i64 %n, 1
  br label %shuffle
shuffle:
  %k = phi i64 [%last, %shuffle.start], [%k.next, %swap]
  %more = icmp sgt i64 %k, 0
  br i1 %more, label %swap, label %done
swap:
  %j = call i64 @random_interval(ptr %bitgen, i64 %k)
  %at_k = getelementptr i64, ptr %idx, i64 %k
  %at_j = getelementptr i64, ptr %idx, i64 %j
  %value_k = load i64, ptr %at_k
  %value_j = load i64, ptr %at_j
  store i64 %value_j, ptr %at_k
  store i64 %value_k, ptr %at_j
  %k.next = sub i64 %k, 1
  br label %shuffle
done:
  ret void
}
