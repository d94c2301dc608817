// RUN: scanjit-opt %s -p math-polynomial-approximation | filecheck %s
// RUN: scanjit-opt %s -p math-polynomial-approximation,convert-func-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,reconcile-unrealized-casts | filecheck %s --check-prefix=LLVM

// exp, tanh and pow become straight-line arith, each in a helper function
// emitted once per module and called where the op was; the JIT marks the
// helpers `alwaysinline` (abi.ALWAYS_INLINE), so LLVM inlines them back and
// loops over them vectorize. f32 goes through f64, an integer exponent
// through sitofp.
func.func @f(%x: f64, %y: f32, %p: f64, %n: i32) -> (f64, f64, f32, f64, f64) {
  %a = math.exp %x : f64
  %b = math.tanh %x : f64
  %c = math.exp %y : f32
  %d = math.powf %x, %p : f64
  %e = math.fpowi %x, %n : f64, i32
  func.return %a, %b, %c, %d, %e : f64, f64, f32, f64, f64
}

// CHECK-LABEL: func.func @f
// CHECK-NEXT:    %[[A:.*]] = llvm.call @scanjit_exp(%x) : (f64) -> f64
// CHECK-NEXT:    %[[B:.*]] = llvm.call @scanjit_tanh(%x) : (f64) -> f64
// CHECK-NEXT:    %[[Y:.*]] = arith.extf %y : f32 to f64
// CHECK-NEXT:    %[[CW:.*]] = llvm.call @scanjit_exp(%[[Y]]) : (f64) -> f64
// CHECK-NEXT:    %[[C:.*]] = arith.truncf %[[CW]] : f64 to f32
// CHECK-NEXT:    %[[D:.*]] = llvm.call @scanjit_pow(%x, %p) : (f64, f64) -> f64
// CHECK-NEXT:    %[[N:.*]] = arith.sitofp %n : i32 to f64
// CHECK-NEXT:    %[[E:.*]] = llvm.call @scanjit_pow(%x, %[[N]]) : (f64, f64) -> f64
// CHECK-NEXT:    func.return %[[A]], %[[B]], %[[C]], %[[D]], %[[E]] : f64, f64, f32, f64, f64

// Other math ops are left to convert-math-to-llvm.
func.func @other(%x: f64) -> f64 {
  %s = math.sin %x : f64
  func.return %s : f64
}
// CHECK-LABEL: func.func @other
// CHECK-NEXT:    %s = math.sin %x : f64

// CHECK-LABEL: llvm.func internal @scanjit_exp
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK-NOT:     math.exp
// exp: clamp to [-746, 710], k = round(x log2 e) by the 1.5 * 2^52 shifter ...
// CHECK:         %[[HIGH:.*]] = arith.select %{{.*}}, %[[X]], %{{.*}} : f64
// CHECK:         %[[CLAMPED:.*]] = arith.select %{{.*}}, %[[HIGH]], %{{.*}} : f64
// CHECK:         %[[ORD:.*]] = arith.cmpf ord, %[[X]], %[[X]] : f64
// CHECK:         %[[SHIFTED:.*]] = math.fma %[[CLAMPED]], %{{.*}}, %{{.*}} : f64
// CHECK:         arith.bitcast %[[SHIFTED]] : f64 to i64
// ... a Taylor polynomial, two power-of-two factors, and nan passed through.
// CHECK-COUNT-11: math.fma
// CHECK:         arith.shrsi
// CHECK:         %[[EXP:.*]] = arith.select %[[ORD]], %{{.*}}, %[[X]] : f64
// CHECK-NEXT:    llvm.return %[[EXP]] : f64

// tanh: copysign of e / (e + 2), nan passed through. expm1's polynomial by
// Estrin's scheme: pairs c + c' r, then pairs of pairs with r^2, r^4, r^8, r^16.
// CHECK-LABEL: llvm.func internal @scanjit_tanh
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         math.absf %[[X]] : f64
// CHECK-NOT:     math.tanh
// CHECK:         arith.mulf %[[R:.*]], %[[R]] : f64
// CHECK-COUNT-9: math.fma %{{.*}}, %[[R]], %{{.*}} : f64
// CHECK-NEXT:    %[[R2:.*]] = arith.mulf %[[R]], %[[R]] : f64
// CHECK-COUNT-4: math.fma %{{.*}}, %[[R2]], %{{.*}} : f64
// CHECK-NEXT:    %[[R4:.*]] = arith.mulf %[[R2]], %[[R2]] : f64
// CHECK-COUNT-2: math.fma %{{.*}}, %[[R4]], %{{.*}} : f64
// CHECK-NEXT:    %[[R8:.*]] = arith.mulf %[[R4]], %[[R4]] : f64
// CHECK-NEXT:    math.fma %{{.*}}, %[[R8]], %{{.*}} : f64
// CHECK-NEXT:    %[[R16:.*]] = arith.mulf %[[R8]], %[[R8]] : f64
// CHECK-NEXT:    math.fma %{{.*}}, %[[R16]], %{{.*}} : f64
// One f64 division; its remainder is divided by e + 2 in f32.
// CHECK:         %[[Q:.*]] = arith.divf %[[E:.*]], %[[D:.*]] : f64
// CHECK:         %[[D32:.*]] = arith.truncf %[[D]] : f64 to f32
// CHECK-NEXT:    %[[INVERSE:.*]] = arith.divf %{{.*}}, %[[D32]] : f32
// CHECK-NEXT:    %[[WIDE:.*]] = arith.extf %[[INVERSE]] : f32 to f64
// CHECK-NEXT:    %[[CORRECTION:.*]] = arith.mulf %{{.*}}, %[[WIDE]] : f64
// CHECK-NEXT:    arith.addf %[[Q]], %[[CORRECTION]] : f64
// CHECK-NOT:     arith.divf
// CHECK:         %[[SIGNED:.*]] = math.copysign %{{.*}}, %[[X]] : f64
// CHECK-NEXT:    %[[ORD2:.*]] = arith.cmpf ord, %[[X]], %[[X]] : f64
// CHECK-NEXT:    %[[TANH:.*]] = arith.select %[[ORD2]], %[[SIGNED]], %[[X]] : f64
// CHECK-NEXT:    llvm.return %[[TANH]] : f64

// pow: log|x| from the exponent bits and the mantissa, exp of y log|x|, then
// the sign of an odd integer power, nan, and the result 1 for y = 0 or x = 1.
// CHECK-LABEL: llvm.func internal @scanjit_pow
// CHECK-SAME:    (%[[X:.*]]: f64, %[[P:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         math.absf %[[X]] : f64
// CHECK:         arith.shrui %{{.*}}, %{{.*}} : i64
// CHECK:         arith.divf
// CHECK:         math.trunc %[[P]] : f64
// CHECK:         math.copysign %{{.*}}, %[[X]] : f64
// CHECK:         arith.cmpf uno, %[[X]], %[[P]] : f64
// CHECK:         %[[Y0:.*]] = arith.cmpf oeq, %[[P]], %{{.*}} : f64
// CHECK-NEXT:    %[[X1:.*]] = arith.cmpf oeq, %[[X]], %{{.*}} : f64
// CHECK-NEXT:    %[[UNIT:.*]] = arith.ori %[[Y0]], %[[X1]] : i1
// CHECK-NEXT:    %[[POW:.*]] = arith.select %[[UNIT]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    llvm.return %[[POW]] : f64

// Lowered to LLVM, no libm call is left, and the helpers keep their mark.
// LLVM-NOT:      llvm.call @{{[a-z0-9.]+}}(
// LLVM-NOT:      "llvm.exp
// LLVM-NOT:      "llvm.pow
// LLVM:          llvm.func internal @scanjit_exp(%{{.*}}: f64) -> f64 attributes {scanjit.always_inline}
// LLVM:          llvm.call_intrinsic "llvm.fma.f64"
