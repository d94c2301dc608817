// RUN: not scanjit-opt %s -p convert-cf-to-llvm 2>&1 | filecheck %s

// cf.assert needs the enclosing llvm.func (returning i32) of convert-func-to-llvm.
func.func @f(%c: i1) {
  cf.assert %c, "ValueError: boom"
  func.return
}

// CHECK: NotImplementedError: cf.assert outside an llvm.func returning i32 (run convert-func-to-llvm first)
