; scanjit_choice_p: NumPy's Generator.choice(d, size, replace=False, p=p):
; rounds, until `size` values are found, of size - found uniform draws x
; (NumPy's self.random), each looked up (searchsorted, side "right") in
; cdf = cumsum(p) / its last value; the values not found before, in the
; order of the draws, are taken, and p is 0 at the values taken (p is a copy
; the function writes). A value taken had p > 0 (a p of 0 is an empty step
; of cdf), so p[k] == 0 tells it was taken, in this round too. cdf: d
; doubles, x: size doubles of scratch.

declare double @random_standard_uniform(ptr)
declare i64 @scanjit_searchsorted_float64(ptr, i64, i64, double, i1)

define void @scanjit_choice_p(ptr %bitgen, ptr %p, i64 %d, i64 %size, ptr %cdf, ptr %x, ptr %out) {
entry:
  %d.last = sub i64 %d, 1
  %last.slot = getelementptr double, ptr %cdf, i64 %d.last
  br label %round
round:
  %found = phi i64 [0, %entry], [%found.round, %search]
  %more = icmp slt i64 %found, %size
  %count = sub i64 %size, %found
  br i1 %more, label %draw, label %done

draw:
  %i = phi i64 [0, %round], [%i.next, %draw.body]
  %drawing = icmp slt i64 %i, %count
  br i1 %drawing, label %draw.body, label %sum
draw.body:
  %u = call double @random_standard_uniform(ptr %bitgen)
  %x.slot = getelementptr double, ptr %x, i64 %i
  store double %u, ptr %x.slot
  %i.next = add i64 %i, 1
  br label %draw

sum:
  ; -0.0 + p[0] is p[0], as cumsum's first value
  %s = phi i64 [0, %draw], [%s.next, %sum.body]
  %total = phi double [-0.0, %draw], [%total.next, %sum.body]
  %summing = icmp slt i64 %s, %d
  br i1 %summing, label %sum.body, label %normalize.start
sum.body:
  %p.slot = getelementptr double, ptr %p, i64 %s
  %p.s = load double, ptr %p.slot
  %total.next = fadd double %total, %p.s
  %cdf.slot = getelementptr double, ptr %cdf, i64 %s
  store double %total.next, ptr %cdf.slot
  %s.next = add i64 %s, 1
  br label %sum

normalize.start:
  %last = load double, ptr %last.slot
  br label %normalize
normalize:
  %r = phi i64 [0, %normalize.start], [%r.next, %normalize.body]
  %normalizing = icmp slt i64 %r, %d
  br i1 %normalizing, label %normalize.body, label %search
normalize.body:
  %r.slot = getelementptr double, ptr %cdf, i64 %r
  %r.value = load double, ptr %r.slot
  %r.scaled = fdiv double %r.value, %last
  store double %r.scaled, ptr %r.slot
  %r.next = add i64 %r, 1
  br label %normalize

search:
  %q = phi i64 [0, %normalize], [%q.next, %search.next]
  %found.round = phi i64 [%found, %normalize], [%found.next, %search.next]
  %searching = icmp slt i64 %q, %count
  br i1 %searching, label %search.body, label %round
search.body:
  %q.slot = getelementptr double, ptr %x, i64 %q
  %q.u = load double, ptr %q.slot
  %k = call i64 @scanjit_searchsorted_float64(ptr %cdf, i64 0, i64 %d, double %q.u, i1 true)
  %k.slot = getelementptr double, ptr %p, i64 %k
  %k.p = load double, ptr %k.slot
  %new = fcmp une double %k.p, 0.0
  br i1 %new, label %take, label %search.next
take:
  store double 0.0, ptr %k.slot
  %out.slot = getelementptr i64, ptr %out, i64 %found.round
  store i64 %k, ptr %out.slot
  %found.taken = add i64 %found.round, 1
  br label %search.next
search.next:
  %found.next = phi i64 [%found.round, %search.body], [%found.taken, %take]
  %q.next = add i64 %q, 1
  br label %search

done:
  ret void
}
