; scanjit_dirichlet: one vector of NumPy's Generator.dirichlet, out[o + j]
; from alpha[a + j], j < k (out zero on entry, as NumPy's; csum: k doubles
; of scratch). NumPy's two algorithms:
; * every alpha below 0.1 (max(alpha) < 0.1, false with a NaN): stick
;   breaking, v = random_beta(alpha[j], alpha[j + 1] + ... + alpha[k - 1])
;   for j < k - 1 (those sums from the right, from 0.0), out[j] = acc * v,
;   acc *= 1 - v, stopping early when the sum is 0; out[k - 1] = acc; all
;   zeros if every alpha is 0;
; * else random_standard_gamma(alpha[j]) each, divided by their sum (times
;   its inverse).

declare double @random_beta(ptr, double, double)
declare double @random_standard_gamma(ptr, double)

define void @scanjit_dirichlet(ptr %bitgen, ptr %alpha, i64 %a, i64 %k, ptr %csum, ptr %out, i64 %o) {
entry:
  %row = getelementptr double, ptr %alpha, i64 %a
  %dst = getelementptr double, ptr %out, i64 %o
  br label %scan
scan:
  %s = phi i64 [0, %entry], [%s.next, %scan.body]
  %scanning = icmp slt i64 %s, %k
  br i1 %scanning, label %scan.body, label %pick
scan.body:
  %s.slot = getelementptr double, ptr %row, i64 %s
  %s.alpha = load double, ptr %s.slot
  %s.small = fcmp olt double %s.alpha, 1.000000e-01
  %s.next = add i64 %s, 1
  br i1 %s.small, label %scan, label %gamma
pick:
  %nonempty = icmp sgt i64 %k, 0
  br i1 %nonempty, label %sums, label %done

sums:
  %c = phi i64 [%k, %pick], [%c.j, %sums.body]
  %c.total = phi double [0.0, %pick], [%c.total.next, %sums.body]
  %summing = icmp sgt i64 %c, 0
  br i1 %summing, label %sums.body, label %stick.start
sums.body:
  %c.j = sub i64 %c, 1
  %c.slot = getelementptr double, ptr %row, i64 %c.j
  %c.alpha = load double, ptr %c.slot
  %c.total.next = fadd double %c.total, %c.alpha
  %c.sum.slot = getelementptr double, ptr %csum, i64 %c.j
  store double %c.total.next, ptr %c.sum.slot
  br label %sums
stick.start:
  %positive = fcmp ogt double %c.total, 0.0
  %k.last = sub i64 %k, 1
  br i1 %positive, label %stick, label %done
stick:
  %j = phi i64 [0, %stick.start], [%j.next, %stick.next]
  %acc = phi double [1.0, %stick.start], [%acc.next, %stick.next]
  %breaking = icmp slt i64 %j, %k.last
  br i1 %breaking, label %stick.body, label %stick.end
stick.body:
  %j.slot = getelementptr double, ptr %row, i64 %j
  %j.alpha = load double, ptr %j.slot
  %j.next = add i64 %j, 1
  %rest.slot = getelementptr double, ptr %csum, i64 %j.next
  %rest = load double, ptr %rest.slot
  %v = call double @random_beta(ptr %bitgen, double %j.alpha, double %rest)
  %piece = fmul double %acc, %v
  %piece.slot = getelementptr double, ptr %dst, i64 %j
  store double %piece, ptr %piece.slot
  %left = fsub double 1.0, %v
  %acc.next = fmul double %acc, %left
  %rest.zero = fcmp oeq double %rest, 0.0
  br i1 %rest.zero, label %stick.end, label %stick.next
stick.next:
  br label %stick
stick.end:
  %acc.last = phi double [%acc, %stick], [%acc.next, %stick.body]
  %last.slot = getelementptr double, ptr %dst, i64 %k.last
  store double %acc.last, ptr %last.slot
  br label %done

gamma:
  %g = phi i64 [0, %scan.body], [%g.next, %gamma.body]
  %g.total = phi double [0.0, %scan.body], [%g.total.next, %gamma.body]
  %drawing = icmp slt i64 %g, %k
  br i1 %drawing, label %gamma.body, label %scale.start
gamma.body:
  %g.slot = getelementptr double, ptr %row, i64 %g
  %g.alpha = load double, ptr %g.slot
  %g.value = call double @random_standard_gamma(ptr %bitgen, double %g.alpha)
  %g.out = getelementptr double, ptr %dst, i64 %g
  store double %g.value, ptr %g.out
  %g.total.next = fadd double %g.total, %g.value
  %g.next = add i64 %g, 1
  br label %gamma
scale.start:
  %inverse = fdiv double 1.0, %g.total
  br label %scale
scale:
  %m = phi i64 [0, %scale.start], [%m.next, %scale.body]
  %scaling = icmp slt i64 %m, %k
  br i1 %scaling, label %scale.body, label %done
scale.body:
  %m.slot = getelementptr double, ptr %dst, i64 %m
  %m.value = load double, ptr %m.slot
  %m.scaled = fmul double %m.value, %inverse
  store double %m.scaled, ptr %m.slot
  %m.next = add i64 %m, 1
  br label %scale

done:
  ret void
}
