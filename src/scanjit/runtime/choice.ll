; scanjit_choice: NumPy's Generator.choice(pop, size, replace=False) without
; p (shuffle=True): `size` distinct values of [0, pop) into out, by NumPy's
; two algorithms, which the caller picks (`tail`: pop > 10000 and
; size > pop // 50) and sizes `scratch` for:
; * tail: scratch = arange(pop), its last `size` positions shuffled
;   (NumPy's _shuffle_int from max(pop - size, 1)), copied out;
; * Floyd's: for j = pop - size .. pop - 1, v = a bounded draw in [0, j],
;   taken unless already taken, then j; a hash set of mask + 1 slots (empty:
;   -1, linear probing) remembers them; then out is shuffled (_shuffle_int from 1).
; Draws are NumPy's random_bounded_uint64(bitgen, 0, max, 0, 0).

declare i64 @random_bounded_uint64(ptr, i64, i64, i64, i1 zeroext)

define void @scanjit_choice(ptr %bitgen, i64 %pop, i64 %size, i1 %tail, i64 %mask, ptr %out, ptr %scratch) {
entry:
  br i1 %tail, label %tail.fill, label %floyd.clear

tail.fill:
  %t = phi i64 [0, %entry], [%t.next, %tail.fill.body]
  %t.more = icmp slt i64 %t, %pop
  br i1 %t.more, label %tail.fill.body, label %tail.shuffle
tail.fill.body:
  %t.slot = getelementptr i64, ptr %scratch, i64 %t
  store i64 %t, ptr %t.slot
  %t.next = add i64 %t, 1
  br label %tail.fill
tail.shuffle:
  %kept = sub i64 %pop, %size
  %first.low = icmp slt i64 %kept, 1
  %first = select i1 %first.low, i64 1, i64 %kept
  call void @shuffle_int(ptr %bitgen, i64 %pop, i64 %first, ptr %scratch)
  %taken = getelementptr i64, ptr %scratch, i64 %kept
  %bytes = shl i64 %size, 3
  call void @llvm.memcpy.p0.p0.i64(ptr %out, ptr %taken, i64 %bytes, i1 false)
  ret void

floyd.clear:
  %c = phi i64 [0, %entry], [%c.next, %floyd.clear.body]
  %c.more = icmp ule i64 %c, %mask
  br i1 %c.more, label %floyd.clear.body, label %floyd.start
floyd.clear.body:
  %c.slot = getelementptr i64, ptr %scratch, i64 %c
  store i64 -1, ptr %c.slot
  %c.next = add i64 %c, 1
  br label %floyd.clear
floyd.start:
  %j0 = sub i64 %pop, %size
  br label %floyd
floyd:
  %j = phi i64 [%j0, %floyd.start], [%j.next, %floyd.store]
  %more = icmp slt i64 %j, %pop
  br i1 %more, label %floyd.draw, label %floyd.shuffle
floyd.draw:
  %v = call i64 @random_bounded_uint64(ptr %bitgen, i64 0, i64 %j, i64 0, i1 zeroext false)
  %v.loc = and i64 %v, %mask
  %v.free = call i64 @probe(ptr %scratch, i64 %mask, i64 %v.loc, i64 %v)
  %v.slot = getelementptr i64, ptr %scratch, i64 %v.free
  %v.found = load i64, ptr %v.slot
  %v.new = icmp eq i64 %v.found, -1
  br i1 %v.new, label %floyd.store, label %floyd.taken
floyd.taken:
  %j.loc = and i64 %j, %mask
  %j.free = call i64 @probe(ptr %scratch, i64 %mask, i64 %j.loc, i64 -1)
  %j.slot = getelementptr i64, ptr %scratch, i64 %j.free
  br label %floyd.store
floyd.store:
  %value = phi i64 [%v, %floyd.draw], [%j, %floyd.taken]
  %slot = phi ptr [%v.slot, %floyd.draw], [%j.slot, %floyd.taken]
  store i64 %value, ptr %slot
  %position = sub i64 %j, %j0
  %out.slot = getelementptr i64, ptr %out, i64 %position
  store i64 %value, ptr %out.slot
  %j.next = add i64 %j, 1
  br label %floyd
floyd.shuffle:
  call void @shuffle_int(ptr %bitgen, i64 %size, i64 1, ptr %out)
  ret void
}

; The first slot from `loc` on (wrapping with `mask`) that is empty or holds `value`.
define internal i64 @probe(ptr %table, i64 %mask, i64 %loc, i64 %value) {
entry:
  br label %loop
loop:
  %at = phi i64 [%loc, %entry], [%at.next, %next]
  %slot = getelementptr i64, ptr %table, i64 %at
  %held = load i64, ptr %slot
  %empty = icmp eq i64 %held, -1
  %same = icmp eq i64 %held, %value
  %stop = or i1 %empty, %same
  br i1 %stop, label %done, label %next
next:
  %after = add i64 %at, 1
  %at.next = and i64 %after, %mask
  br label %loop
done:
  ret i64 %at
}

; NumPy's _shuffle_int: for i = n - 1 down to first, swap data[i] and data[j],
; j = random_bounded_uint64(bitgen, 0, i, 0, 0).
define internal void @shuffle_int(ptr %bitgen, i64 %n, i64 %first, ptr %data) {
entry:
  %last = sub i64 %n, 1
  br label %loop
loop:
  %i = phi i64 [%last, %entry], [%i.next, %swap]
  %more = icmp sge i64 %i, %first
  br i1 %more, label %swap, label %done
swap:
  %j = call i64 @random_bounded_uint64(ptr %bitgen, i64 0, i64 %i, i64 0, i1 zeroext false)
  %at_i = getelementptr i64, ptr %data, i64 %i
  %at_j = getelementptr i64, ptr %data, i64 %j
  %value_i = load i64, ptr %at_i
  %value_j = load i64, ptr %at_j
  store i64 %value_j, ptr %at_i
  store i64 %value_i, ptr %at_j
  %i.next = sub i64 %i, 1
  br label %loop
done:
  ret void
}

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
