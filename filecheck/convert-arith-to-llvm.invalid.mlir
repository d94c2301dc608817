// RUN: not scanjit-opt %s -p convert-arith-to-llvm 2>&1 | filecheck %s

func.func @f(%a: i64) -> i64 {
  %r = arith.ceildivsi %a, %a : i64
  func.return %r : i64
}

// CHECK: scanjit-opt: error: convert-arith-to-llvm: cannot lower arith.ceildivsi
