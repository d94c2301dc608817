// RUN: not scanjit-opt %s -p convert-cf-to-llvm 2>&1 | filecheck %s

// sj.check needs the enclosing llvm.func (returning i32) of convert-func-to-llvm.
func.func @f(%c: i1) {
  sj.check %c, "ValueError: boom"
  func.return
}

// CHECK: scanjit-opt: error: convert-cf-to-llvm: sj.check outside an llvm.func returning i32 (run convert-func-to-llvm first)
