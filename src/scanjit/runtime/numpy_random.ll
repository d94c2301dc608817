; scanjit_multinomial: NumPy's random_multinomial with an inline shortcut for
; PCG64 (see numpy_random.py). bitgen_t is {state, next_uint64, next_uint32,
; next_double, next_raw}; PCG64's state points to {pcg_state, ...}, and
; pcg_state to {state, inc} (u128). The PCG64 multiplier M is
; 0x2360ED051FC65DA44385DF649FCCF645; two steps are s * M^2 + inc * (M + 1).

declare void @random_multinomial(ptr, i64, ptr, ptr, i64, ptr)
declare i64 @random_binomial(ptr, double, i64, ptr)
declare double @numpy_pcg64_next_double(ptr)
declare i64 @llvm.fshr.i64(i64, i64, i64)
declare double @llvm.maxnum.f64(double, double)

define void @scanjit_multinomial(ptr %bitgen, i64 %n, ptr %counts, ptr %p, i64 %d, ptr %binomial) {
entry:
  %next_double_field = getelementptr ptr, ptr %bitgen, i64 3
  %next_double = load ptr, ptr %next_double_field
  %pcg64 = icmp eq ptr %next_double, @numpy_pcg64_next_double
  br i1 %pcg64, label %setup, label %numpy
numpy:
  call void @random_multinomial(ptr %bitgen, i64 %n, ptr %counts, ptr %p, i64 %d, ptr %binomial)
  ret void
setup:
  %pcg64_state = load ptr, ptr %bitgen
  %state_address = load ptr, ptr %pcg64_state
  %inc_address = getelementptr i128, ptr %state_address, i64 1
  %inc = load i128, ptr %inc_address, align 8
  %state0 = load i128, ptr %state_address, align 8
  %inc2 = mul i128 %inc, 47026247687942121848144207491837523526
  %last = sub i64 %d, 1
  %one = icmp eq i64 %n, 1
  br i1 %one, label %pairs, label %single

pairs:
  ; a count of 1: two categories at a time while neither needs a call, the
  ; state stepping zero, one or two draws at once (no chain of single steps)
  %pj = phi i64 [0, %setup], [%pj.next, %pair]
  %pstate = phi i128 [%state0, %setup], [%pstate.next, %pair]
  %premaining = phi double [1.0, %setup], [%b.remaining, %pair]
  %pk = add i64 %pj, 1
  %two_left = icmp slt i64 %pk, %last
  br i1 %two_left, label %pair, label %single
pair:
  %a.address = getelementptr double, ptr %p, i64 %pj
  %a.p = load double, ptr %a.address
  %b.address = getelementptr double, ptr %p, i64 %pk
  %b.p = load double, ptr %b.address
  %a.remaining = fsub double %premaining, %a.p
  %b.remaining = fsub double %a.remaining, %b.p
  %step1.product = mul i128 %pstate, 47026247687942121848144207491837523525
  %step1 = add i128 %step1.product, %inc
  %step2.product = mul i128 %pstate, 31553007098343073706681831786593431193
  %step2 = add i128 %step2.product, %inc2
  %u1 = call double @pcg64_double(i128 %step1)
  %u2 = call double @pcg64_double(i128 %step2)
  %a = call { i1, i1 } @no_call(double %a.p, double %premaining, double %a.remaining, double %u1)
  %a.p_zero = extractvalue { i1, i1 } %a, 0
  %a.shortcut = extractvalue { i1, i1 } %a, 1
  %b.u = select i1 %a.p_zero, double %u1, double %u2
  %b = call { i1, i1 } @no_call(double %b.p, double %a.remaining, double %b.remaining, double %b.u)
  %b.p_zero = extractvalue { i1, i1 } %b, 0
  %b.shortcut = extractvalue { i1, i1 } %b, 1
  %a.ok = or i1 %a.p_zero, %a.shortcut
  %b.ok = or i1 %b.p_zero, %b.shortcut
  %both_ok = and i1 %a.ok, %b.ok
  %state.a_kept = select i1 %b.p_zero, i128 %pstate, i128 %step1
  %state.a_drew = select i1 %b.p_zero, i128 %step1, i128 %step2
  %pstate.next = select i1 %a.p_zero, i128 %state.a_kept, i128 %state.a_drew
  %pj.next = add i64 %pj, 2
  br i1 %both_ok, label %pairs, label %single

single:
  ; one category at a time (the pair that needs a call, the last ones, n != 1)
  %j0 = phi i64 [0, %setup], [%pj, %pairs], [%pj, %pair]
  %state_0 = phi i128 [%state0, %setup], [%pstate, %pairs], [%pstate, %pair]
  %remaining0 = phi double [1.0, %setup], [%premaining, %pairs], [%premaining, %pair]
  br label %loop
loop:
  %j = phi i64 [%j0, %single], [%j.next, %next]
  %state = phi i128 [%state_0, %single], [%state.next, %next]
  %dn = phi i64 [%n, %single], [%dn.next, %next]
  %remaining = phi double [%remaining0, %single], [%remaining.next, %next]
  %more = icmp slt i64 %j, %last
  br i1 %more, label %body, label %tail
body:
  %pj_address = getelementptr double, ptr %p, i64 %j
  %p_j = load double, ptr %pj_address
  %remaining.next = fsub double %remaining, %p_j
  %multiplied = mul i128 %state, 47026247687942121848144207491837523525
  %state.drawn = add i128 %multiplied, %inc
  %u = call double @pcg64_double(i128 %state.drawn)
  %c = call { i1, i1 } @no_call(double %p_j, double %remaining, double %remaining.next, double %u)
  %c.p_zero = extractvalue { i1, i1 } %c, 0
  %c.shortcut = extractvalue { i1, i1 } %c, 1
  %count_one = icmp eq i64 %dn, 1
  %shortcut = and i1 %count_one, %c.shortcut
  %no_call = or i1 %c.p_zero, %shortcut
  %state.kept = select i1 %c.p_zero, i128 %state, i128 %state.drawn
  br i1 %no_call, label %next, label %numpy_binomial
numpy_binomial:
  ; NumPy's own draw, from the same state
  store i128 %state, ptr %state_address, align 8
  %prob = fdiv double %p_j, %remaining
  %x = call i64 @random_binomial(ptr %bitgen, double %prob, i64 %dn, ptr %binomial)
  %state.after = load i128, ptr %state_address, align 8
  br label %next
next:
  %count = phi i64 [0, %body], [%x, %numpy_binomial]
  %state.next = phi i128 [%state.kept, %body], [%state.after, %numpy_binomial]
  %count_address = getelementptr i64, ptr %counts, i64 %j
  store i64 %count, ptr %count_address
  %dn.next = sub i64 %dn, %count
  %j.next = add i64 %j, 1
  %used_up = icmp sle i64 %dn.next, 0
  br i1 %used_up, label %done, label %loop
tail:
  store i128 %state, ptr %state_address, align 8
  %left = icmp sgt i64 %dn, 0
  br i1 %left, label %last_count, label %exit
last_count:
  %last_address = getelementptr i64, ptr %counts, i64 %last
  store i64 %dn, ptr %last_address
  br label %exit
done:
  store i128 %state.next, ptr %state_address, align 8
  br label %exit
exit:
  ret void
}

; NumPy's next_double for a PCG64 state just stepped: the XSL-RR output's top
; 53 bits times 2^-53.
define internal double @pcg64_double(i128 %state) alwaysinline {
  %high128 = lshr i128 %state, 64
  %high = trunc i128 %high128 to i64
  %low = trunc i128 %state to i64
  %rotation128 = lshr i128 %state, 122
  %rotation = trunc i128 %rotation128 to i64
  %folded = xor i64 %high, %low
  %bits = call i64 @llvm.fshr.i64(i64 %folded, i64 %folded, i64 %rotation)
  %bits53 = lshr i64 %bits, 11
  %u53 = uitofp i64 %bits53 to double
  %double = fmul double %u53, 0x3CA0000000000000
  ret double %double
}

; For a category of probability pj with `remaining` probability left before
; it and `remaining_next` after, drawing U: whether p == 0 (a count of 0, no
; draw) and whether a count of 1 gets 0 from U without NumPy (the shortcut:
; p <= 1/2 and U * remaining < remaining_next * (1 - 2^-40)).
define internal { i1, i1 } @no_call(double %pj, double %remaining, double %remaining_next, double %u) alwaysinline {
  %pj_zero = fcmp oeq double %pj, 0.0
  %remaining_nonzero = fcmp one double %remaining, 0.0
  %p_zero = and i1 %pj_zero, %remaining_nonzero
  %lower = call double @llvm.maxnum.f64(double %pj, double 0x20B0000000000000)
  %at_most_half = fcmp ogt double %remaining_next, %lower
  %scaled = fmul double %u, %remaining
  %bound = fmul double %remaining_next, 0x3FEFFFFFFFFFE000
  %below = fcmp olt double %scaled, %bound
  %shortcut = and i1 %at_most_half, %below
  %both = insertvalue { i1, i1 } undef, i1 %p_zero, 0
  %result = insertvalue { i1, i1 } %both, i1 %shortcut, 1
  ret { i1, i1 } %result
}
