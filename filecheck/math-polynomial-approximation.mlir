// RUN: scanjit-opt %s -p math-polynomial-approximation | filecheck %s
// RUN: scanjit-opt %s -p math-polynomial-approximation,convert-func-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,reconcile-unrealized-casts | filecheck %s --check-prefix=LLVM

// exp, tanh and pow become straight-line arith: no call is left, so loops
// over them vectorize. f32 goes through f64, an integer exponent through sitofp.
func.func @f(%x: f64, %y: f32, %p: f64, %n: i32) -> (f64, f64, f32, f64, f64) {
  %a = math.exp %x : f64
  %b = math.tanh %x : f64
  %c = math.exp %y : f32
  %d = math.powf %x, %p : f64
  %e = math.fpowi %x, %n : f64, i32
  func.return %a, %b, %c, %d, %e : f64, f64, f32, f64, f64
}

// CHECK-LABEL: func.func @f
// CHECK-NOT:     math.exp
// exp: clamp to [-746, 710], k = round(x log2 e) by the 1.5 * 2^52 shifter ...
// CHECK:         %[[HIGH:.*]] = arith.select %{{.*}}, %x, %{{.*}} : f64
// CHECK:         %[[X:.*]] = arith.select %{{.*}}, %[[HIGH]], %{{.*}} : f64
// CHECK:         %[[ORD:.*]] = arith.cmpf ord, %x, %x : f64
// CHECK:         %[[SHIFTED:.*]] = math.fma %[[X]], %{{.*}}, %{{.*}} : f64
// CHECK:         arith.bitcast %[[SHIFTED]] : f64 to i64
// ... a Taylor polynomial, two power-of-two factors, and nan passed through.
// CHECK-COUNT-11: math.fma
// CHECK:         arith.shrsi
// CHECK:         %[[A:a.*]] = arith.select %[[ORD]], %{{.*}}, %x : f64
// tanh: copysign of e / (e + 2), nan passed through.
// CHECK:         math.absf %x : f64
// CHECK-NOT:     math.tanh
// CHECK:         arith.divf
// CHECK:         %[[SIGNED:.*]] = math.copysign %{{.*}}, %x : f64
// CHECK-NEXT:    %[[ORD2:.*]] = arith.cmpf ord, %x, %x : f64
// CHECK-NEXT:    %[[B:b.*]] = arith.select %[[ORD2]], %[[SIGNED]], %x : f64
// CHECK:         %{{.*}} = arith.extf %y : f32 to f64
// CHECK:         %[[C:c.*]] = arith.truncf %{{.*}} : f64 to f32
// pow: log|x| from the exponent bits and the mantissa, exp of y log|x|, then
// the sign of an odd integer power, nan, and the result 1 for y = 0 or x = 1.
// CHECK:         math.absf %x : f64
// CHECK:         arith.shrui %{{.*}}, %{{.*}} : i64
// CHECK:         arith.divf
// CHECK:         math.trunc %p : f64
// CHECK:         math.copysign %{{.*}}, %x : f64
// CHECK:         arith.cmpf uno, %x, %p : f64
// CHECK:         %[[Y0:.*]] = arith.cmpf oeq, %p, %{{.*}} : f64
// CHECK-NEXT:    %[[X1:.*]] = arith.cmpf oeq, %x, %{{.*}} : f64
// CHECK-NEXT:    %[[UNIT:.*]] = arith.ori %[[Y0]], %[[X1]] : i1
// CHECK-NEXT:    %[[D:d.*]] = arith.select %[[UNIT]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    %[[N:.*]] = arith.sitofp %n : i32 to f64
// CHECK-NOT:     math.fpowi
// CHECK:         %[[NY0:.*]] = arith.cmpf oeq, %[[N]], %{{.*}} : f64
// CHECK-NEXT:    %[[NX1:.*]] = arith.cmpf oeq, %x, %{{.*}} : f64
// CHECK-NEXT:    %[[NUNIT:.*]] = arith.ori %[[NY0]], %[[NX1]] : i1
// CHECK-NEXT:    %[[E:e.*]] = arith.select %[[NUNIT]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    func.return %[[A]], %[[B]], %[[C]], %[[D]], %[[E]] : f64, f64, f32, f64, f64

// LLVM-NOT:      llvm.call @
// LLVM-NOT:      "llvm.exp
// LLVM-NOT:      "llvm.pow
// LLVM:          llvm.call_intrinsic "llvm.fma.f64"

// Other math ops are left to convert-math-to-llvm.
func.func @other(%x: f64) -> f64 {
  %s = math.sin %x : f64
  func.return %s : f64
}
// CHECK-LABEL: func.func @other
// CHECK-NEXT:    %s = math.sin %x : f64
