// RUN: scanjit-opt %s -p convert-math-to-llvm | filecheck %s

// The trigonometric, hyperbolic and logarithmic functions LLVM has no
// intrinsic for here call the C library's function of the same name, one
// argument or two (atan2); exp2, log2 and log10 are intrinsics.
func.func @f(%x: f64, %y: f64) -> (f64, f64, f64, f64, f64) {
  %a = math.tan %x : f64
  %b = math.acosh %x : f64
  %c = math.atan2 %x, %y : f64
  %d = math.log10 %x : f64
  %e = math.exp2 %x : f64
  func.return %a, %b, %c, %d, %e : f64, f64, f64, f64, f64
}

// CHECK-LABEL: func.func @f
// CHECK-NEXT:    %a = llvm.call @tan(%x) : (f64) -> f64
// CHECK-NEXT:    %b = llvm.call @acosh(%x) : (f64) -> f64
// CHECK-NEXT:    %c = llvm.call @atan2(%x, %y) : (f64, f64) -> f64
// CHECK-NEXT:    %d = llvm.call_intrinsic "llvm.log10.f64"(%x) : (f64) -> f64
// CHECK-NEXT:    %e = llvm.call_intrinsic "llvm.exp2.f64"(%x) : (f64) -> f64
// CHECK:       llvm.func @tan(f64) -> f64
// CHECK:       llvm.func @acosh(f64) -> f64
// CHECK:       llvm.func @atan2(f64, f64) -> f64
