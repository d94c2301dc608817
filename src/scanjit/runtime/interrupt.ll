; Ctrl-C for compiled calls (see interrupt.py): the SIGINT handler counts the
; signal, then calls the handler it replaced (Python's), and compiled loops
; compare the count with the one they started with.

@interrupts = internal global i64 0
@chained = internal global ptr null

define i64 @scanjit_interrupts() {
  %n = load atomic i64, ptr @interrupts monotonic, align 8
  ret i64 %n
}

define void @scanjit_set_chained_handler(ptr %handler) {
  store atomic ptr %handler, ptr @chained release, align 8
  ret void
}

define void @scanjit_on_sigint(i32 %signal) {
entry:
  %old = atomicrmw add ptr @interrupts, i64 1 monotonic
  %handler = load atomic ptr, ptr @chained acquire, align 8
  %address = ptrtoint ptr %handler to i64
  %callable = icmp ugt i64 %address, 1  ; not SIG_DFL (0) or SIG_IGN (1)
  br i1 %callable, label %chain, label %done
chain:
  call void %handler(i32 %signal)
  br label %done
done:
  ret void
}
