// RUN: not scanjit-opt %s -p convert-math-to-llvm 2>&1 | filecheck %s

func.func @f(%a: i64) -> i64 {
  %r = math.ctlz %a : i64
  func.return %r : i64
}

// CHECK: scanjit-opt: error: convert-math-to-llvm: cannot lower math.ctlz
