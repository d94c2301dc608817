; The thread pool behind scanjit_parallel_for (see threads.py, which fills in
; the placeholders with string.Template: the futex system call, spin counts,
; the spin hint, the floating-point environment's access).

@threads = internal global i64 1
@part_size = internal global i64 0
@workers = internal global i64 0
@owner = internal global i32 0
@busy = internal global i32 0
@generation = internal global i32 0
@claims = internal global i64 0
@pending = internal global i32 0
@status = internal global i32 0
@job_fn = internal global ptr null
@job_ctx = internal global ptr null
@job_lo = internal global i64 0
@job_n = internal global i64 0
@job_fpenv = internal global i64 0

declare i32 @pthread_create(ptr, ptr, ptr, ptr)
declare i32 @getpid()
declare i64 @syscall(i64, ...)
${PAUSE_DECLARATION}

; The calling thread's floating-point control word (MXCSR on x86-64, FPCR on
; AArch64; 0 elsewhere): parts run with the caller's (its flush-to-zero mode).
${FPENV}

define void @scanjit_set_threads(i64 %n) {
  store atomic i64 %n, ptr @threads monotonic, align 8
  ret void
}

define i64 @scanjit_threads() {
  %n = load atomic i64, ptr @threads monotonic, align 8
  ret i64 %n
}

define void @scanjit_set_part_size(i64 %n) {
  store atomic i64 %n, ptr @part_size monotonic, align 8
  ret void
}

; Claim parts of the current job until none is left. @claims holds the job's
; part count (high 32 bits) and its next part (low 32 bits), so that a claim
; and the count it is checked against come from one job, even for a worker
; that claims late, while the next job is being posted.
define internal void @run_parts() {
entry:
  br label %claim
claim:
  %word = atomicrmw add ptr @claims, i64 1 acq_rel
  %k = and i64 %word, 4294967295
  %parts = lshr i64 %word, 32
  %mine = icmp ult i64 %k, %parts
  br i1 %mine, label %run, label %done
run:
  %fn = load ptr, ptr @job_fn
  %ctx = load ptr, ptr @job_ctx
  %lo = load i64, ptr @job_lo
  %n = load i64, ptr @job_n
  %k1 = add i64 %k, 1
  %nk = mul i64 %n, %k
  %nk1 = mul i64 %n, %k1
  %off = udiv i64 %nk, %parts
  %off1 = udiv i64 %nk1, %parts
  %begin = add i64 %lo, %off
  %end = add i64 %lo, %off1
  %callers = load i64, ptr @job_fpenv
  %own_fpenv = call i64 @scanjit_fpenv_get()
  call void @scanjit_fpenv_set(i64 %callers)
  %status = call i32 %fn(ptr %ctx, i64 %begin, i64 %end)
  call void @scanjit_fpenv_set(i64 %own_fpenv)
  %failed = icmp ne i32 %status, 0
  br i1 %failed, label %record, label %done_part
record:
  %first = cmpxchg ptr @status, i32 0, i32 %status monotonic monotonic
  br label %done_part
done_part:
  %left = atomicrmw sub ptr @pending, i32 1 acq_rel
  %last = icmp eq i32 %left, 1
  br i1 %last, label %wake, label %claim
wake:
  %w = call i64 (i64, ...) @syscall(i64 ${SYS_FUTEX}, ptr @pending, i32 ${FUTEX_WAKE}, i32 1)
  br label %claim
done:
  ret void
}

; Return once *word != value: poll ${SPINS} times, then sleep on the futex.
define internal void @wait_while_equal(ptr %word, i32 %value) {
entry:
  br label %poll
poll:
  %spins = phi i64 [0, %entry], [%spins1, %pause], [0, %sleep]
  %now = load atomic i32, ptr %word acquire, align 4
  %same = icmp eq i32 %now, %value
  br i1 %same, label %idle, label %done
idle:
  %tired = icmp uge i64 %spins, ${SPINS}
  br i1 %tired, label %sleep, label %pause
pause:
  ${PAUSE}
  %spins1 = add i64 %spins, 1
  br label %poll
sleep:
  %s = call i64 (i64, ...) @syscall(i64 ${SYS_FUTEX}, ptr %word, i32 ${FUTEX_WAIT}, i32 %value, ptr null)
  br label %poll
done:
  ret void
}

define internal ptr @worker(ptr %unused) {
entry:
  %g0 = load atomic i32, ptr @generation acquire, align 4
  br label %job
job:
  %seen = phi i32 [%g0, %entry], [%g, %job]
  call void @wait_while_equal(ptr @generation, i32 %seen)
  %g = load atomic i32, ptr @generation acquire, align 4
  call void @run_parts()
  br label %job
}

; Start workers up to `wanted` (all over again in a forked child, which has none).
define internal void @start_workers(i64 %wanted) {
entry:
  %tid = alloca i64
  %pid = call i32 @getpid()
  %owner = load i32, ptr @owner
  %same = icmp eq i32 %pid, %owner
  br i1 %same, label %loop, label %forked
forked:
  store i32 %pid, ptr @owner
  store i64 0, ptr @workers
  br label %loop
loop:
  %have = load i64, ptr @workers
  %enough = icmp uge i64 %have, %wanted
  br i1 %enough, label %done, label %start
start:
  %err = call i32 @pthread_create(ptr %tid, ptr null, ptr @worker, ptr null)
  %ok = icmp eq i32 %err, 0
  br i1 %ok, label %started, label %done
started:
  %have1 = add i64 %have, 1
  store i64 %have1, ptr @workers
  br label %loop
done:
  ret void
}

define i32 @scanjit_parallel_for(ptr %fn, ptr %ctx, i64 %lo, i64 %hi, i64 %grain) {
entry:
  %n = sub i64 %hi, %lo
  %threads = load atomic i64, ptr @threads monotonic, align 8
  %forced = load atomic i64, ptr @part_size monotonic, align 8
  %is_forced = icmp sgt i64 %forced, 0
  %chosen = select i1 %is_forced, i64 %forced, i64 %grain
  %g = call i64 @llvm.smax.i64(i64 %chosen, i64 1)
  %fit = sdiv i64 %n, %g
  %most = mul i64 %threads, ${PARTS_PER_THREAD}
  %parts = call i64 @llvm.smin.i64(i64 %fit, i64 %most)
  %several = icmp sgt i64 %fit, 1
  %threaded = icmp sgt i64 %threads, 1
  %many = and i1 %several, %threaded
  br i1 %many, label %lock, label %alone
lock:
  %swap = cmpxchg ptr @busy, i32 0, i32 1 acquire monotonic
  %got = extractvalue { i32, i1 } %swap, 1
  br i1 %got, label %post, label %alone
alone:
  %alone_status = call i32 %fn(ptr %ctx, i64 %lo, i64 %hi)
  ret i32 %alone_status
post:
  %busy_threads = call i64 @llvm.smin.i64(i64 %parts, i64 %threads)
  %helpers = sub i64 %busy_threads, 1
  call void @start_workers(i64 %helpers)
  store ptr %fn, ptr @job_fn
  store ptr %ctx, ptr @job_ctx
  store i64 %lo, ptr @job_lo
  store i64 %n, ptr @job_n
  %fpenv = call i64 @scanjit_fpenv_get()
  store i64 %fpenv, ptr @job_fpenv
  store i32 0, ptr @status
  %parts32 = trunc i64 %parts to i32
  store atomic i32 %parts32, ptr @pending release, align 4
  %first_claim = shl i64 %parts, 32
  store atomic i64 %first_claim, ptr @claims release, align 8
  %old = atomicrmw add ptr @generation, i32 1 release
  %w = call i64 (i64, ...) @syscall(i64 ${SYS_FUTEX}, ptr @generation, i32 ${FUTEX_WAKE}, i32 2147483647)
  call void @run_parts()
  br label %wait
wait:
  %left = load atomic i32, ptr @pending acquire, align 4
  %finished = icmp eq i32 %left, 0
  br i1 %finished, label %unlock, label %sleep
sleep:
  call void @wait_while_equal(ptr @pending, i32 %left)
  br label %wait
unlock:
  %result = load atomic i32, ptr @status monotonic, align 4
  store atomic i32 0, ptr @busy release, align 4
  ret i32 %result
}

declare i64 @llvm.smax.i64(i64, i64)
declare i64 @llvm.smin.i64(i64, i64)
