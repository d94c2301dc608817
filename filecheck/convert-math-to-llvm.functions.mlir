// RUN: scanjit-opt %s -p convert-math-to-llvm | filecheck %s

// sj's scalar functions that libm has: erfc calls erfc / erfcf; lgamma calls
// the reentrant lgamma_r (lgamma writes the global signgam, racing when
// parallel parts call it), whose sign slot is an alloca at the start of the
// function's entry block, also for a call in a loop.
func.func @f(%x: f64, %y: f32, %n: index) -> (f64, f32, f64) {
  %a = sj.erfc %x : f64
  %b = sj.erfc %y : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> (f64) {
    %g = sj.lgamma %acc : f64
    scf.yield %g : f64
  }
  func.return %a, %b, %c : f64, f32, f64
}

// CHECK-LABEL: func.func @f
// CHECK-NEXT:    %[[ONE:.*]] = llvm.mlir.constant(1) : i64
// CHECK-NEXT:    %[[SIGN:.*]] = llvm.alloca %[[ONE]] x i32 {alignment = 4 : i64} : (i64) -> !llvm.ptr
// CHECK-NEXT:    %a = llvm.call @erfc(%x) : (f64) -> f64
// CHECK-NEXT:    %b = llvm.call @erfcf(%y) : (f32) -> f32
// CHECK:         scf.for
// CHECK-NEXT:      %g = llvm.call @lgamma_r(%acc, %[[SIGN]]) : (f64, !llvm.ptr) -> f64

// gamma calls C's tgamma / tgammaf; the declarations of all of them follow
// the functions.
func.func @gamma(%x: f64, %y: f32) -> (f64, f32) {
  %a = sj.tgamma %x : f64
  %b = sj.tgamma %y : f32
  func.return %a, %b : f64, f32
}

// CHECK-LABEL: func.func @gamma
// CHECK-NEXT:    %a = llvm.call @tgamma(%x) : (f64) -> f64
// CHECK-NEXT:    %b = llvm.call @tgammaf(%y) : (f32) -> f32

// The Bessel functions j0 and j1 call C's j0 and j1 (POSIX; scanjit computes
// them in f64 for f32 too).
func.func @bessel(%x: f64) -> (f64, f64) {
  %a = sj.j0 %x : f64
  %b = sj.j1 %x : f64
  func.return %a, %b : f64, f64
}

// CHECK-LABEL: func.func @bessel
// CHECK-NEXT:    %a = llvm.call @j0(%x) : (f64) -> f64
// CHECK-NEXT:    %b = llvm.call @j1(%x) : (f64) -> f64
// CHECK:       llvm.func @erfc(f64) -> f64
// CHECK-NEXT:  llvm.func @erfcf(f32) -> f32
// CHECK-NEXT:  llvm.func @lgamma_r(f64, !llvm.ptr) -> f64
// CHECK-NEXT:  llvm.func @tgamma(f64) -> f64
// CHECK-NEXT:  llvm.func @tgammaf(f32) -> f32
// CHECK-NEXT:  llvm.func @j0(f64) -> f64
// CHECK-NEXT:  llvm.func @j1(f64) -> f64
