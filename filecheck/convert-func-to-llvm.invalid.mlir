// RUN: not scanjit-opt %s -p convert-func-to-llvm 2>&1 | filecheck %s

// Only calls of external declarations (C functions) are lowered.

func.func @g(%x: f64) -> f64 {
  %y = func.call @g(%x) : (f64) -> f64
  func.return %y : f64
}

// CHECK: scanjit-opt: error: convert-func-to-llvm: func.call of @g, which is not an external declaration
