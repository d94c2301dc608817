// RUN: not scanjit-opt %s -p convert-math-to-llvm 2>&1 | filecheck %s

// sigmoid, softplus, erfinv, digamma and trigamma have no libm function: they are
// math-polynomial-approximation's to expand first.
func.func @g(%x: f64) -> f64 {
  %s = sj.sigmoid %x : f64
  func.return %s : f64
}

// CHECK: scanjit-opt: error: convert-math-to-llvm: cannot lower sj.sigmoid
