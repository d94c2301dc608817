// RUN: not scanjit-opt %s -p convert-func-to-llvm 2>&1 | filecheck %s

// Only one function per module: calls are not lowered.

func.func @g(%x: f64) -> f64 {
  %y = func.call @g(%x) : (f64) -> f64
  func.return %y : f64
}

// CHECK: NotImplementedError: convert-func-to-llvm: func.call
