// RUN: scanjit-opt %s -p convert-math-to-llvm | filecheck %s

// f32 and f64 in one module: intrinsics carry their type suffix, libm
// functions without an intrinsic are declared once per type.
func.func @f(%x: f64, %y: f32, %n: i32, %i: i64) -> (f64, f32, f64, f32, f64, i64) {
  %a = math.exp %x : f64
  %b = math.exp %y : f32
  %c = math.tanh %x : f64
  %d = math.tanh %y : f32
  %e = math.fpowi %x, %n : f64, i32
  %f = math.tanh %a : f64
  %g = math.absi %i : i64
  func.return %a, %b, %c, %d, %e, %g : f64, f32, f64, f32, f64, i64
}

// CHECK-LABEL: func.func @f
// CHECK-NEXT:    %a = llvm.call_intrinsic "llvm.exp.f64"(%x) : (f64) -> f64
// CHECK-NEXT:    %b = llvm.call_intrinsic "llvm.exp.f32"(%y) : (f32) -> f32
// CHECK-NEXT:    %c = llvm.call @tanh(%x) : (f64) -> f64
// CHECK-NEXT:    %d = llvm.call @tanhf(%y) : (f32) -> f32
// CHECK-NEXT:    %[[N:.*]] = llvm.sitofp %n : i32 to f64
// CHECK-NEXT:    %e = llvm.call_intrinsic "llvm.pow.f64"(%x, %[[N]]) : (f64, f64) -> f64
// CHECK-NEXT:    %f = llvm.call @tanh(%a) : (f64) -> f64
// CHECK-NEXT:    %[[FALSE:.*]] = llvm.mlir.constant(false) : i1
// CHECK-NEXT:    %g = llvm.call_intrinsic "llvm.abs.i64"(%i, %[[FALSE]]) : (i64, i1) -> i64

// math.ipowi: a square-and-multiply loop, then the negative-exponent cases.
func.func @ipow(%b: i64, %e: i64) -> i64 {
  %r = math.ipowi %b, %e : i64
  func.return %r : i64
}

// CHECK-LABEL: func.func @ipow
// CHECK:         llvm.br ^[[HEAD:bb[0-9]+]](%[[ONE:.*]], %b, %e : i64, i64, i64)
// CHECK-NEXT:  ^[[HEAD]](%[[ACC:.*]]: i64, %[[POW:.*]]: i64, %[[LEFT:.*]]: i64):
// CHECK-NEXT:    %[[MORE:.*]] = llvm.icmp "sgt" %[[LEFT]], %{{.*}} : i64
// CHECK-NEXT:    llvm.cond_br %[[MORE]], ^[[BODY:bb[0-9]+]], ^[[EXIT:bb[0-9]+]]
// CHECK-NEXT:  ^[[BODY]]:
// CHECK:         %[[SQ:.*]] = llvm.mul %[[POW]], %[[POW]] : i64
// CHECK-NEXT:    %[[HALF:.*]] = llvm.ashr %[[LEFT]], %{{.*}} : i64
// CHECK-NEXT:    llvm.br ^[[HEAD]](%{{.*}}, %[[SQ]], %[[HALF]] : i64, i64, i64)
// CHECK-NEXT:  ^[[EXIT]]:
// CHECK:         %r = llvm.select %{{.*}}, %{{.*}}, %[[ACC]] : i1, i64
// CHECK-NEXT:    func.return %r : i64

// One declaration per libm function, at the end of the module.
// CHECK:       llvm.func @tanh(f64) -> f64
// CHECK-NEXT:  llvm.func @tanhf(f32) -> f32
// CHECK-NOT:   llvm.func @tanh(
