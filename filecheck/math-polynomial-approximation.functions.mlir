// RUN: scanjit-opt %s -p math-polynomial-approximation | filecheck %s
// RUN: scanjit-opt %s -p math-polynomial-approximation,convert-func-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,reconcile-unrealized-casts | filecheck %s --check-prefix=LLVM

// sigmoid, softplus, log1p and expm1 become straight-line arith (no call:
// their loops vectorize); erfinv, digamma and trigamma keep libm calls (erf,
// erfc, log; tan; sin) in straight-line code around them.
func.func @vectorizable(%x: f64, %y: f32) -> (f64, f64, f64, f64, f32) {
  %a = sj.sigmoid %x : f64
  %b = sj.softplus %x : f64
  %c = math.log1p %x : f64
  %d = math.expm1 %x : f64
  %e = sj.sigmoid %y : f32
  func.return %a, %b, %c, %d, %e : f64, f64, f64, f64, f32
}

// CHECK-LABEL: func.func @vectorizable
// sigmoid: e = exp(-|x|) in two doubles (the reduction's shifter, a Taylor
// polynomial), then (1 or e) / (1 + e) with the division's remainder, NaN kept.
// CHECK:         %[[ABS:.*]] = math.absf %x : f64
// CHECK:         math.fma %{{.*}}, %{{.*}}, %{{.*}} : f64
// CHECK-COUNT-11: math.fma
// CHECK:         %[[POSITIVE:.*]] = arith.cmpf oge, %x, %{{.*}} : f64
// CHECK-NEXT:    %[[N:.*]] = arith.select %[[POSITIVE]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    %[[N_LOW:.*]] = arith.select %[[POSITIVE]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    %{{.*}} = arith.divf %[[N]], %{{.*}} : f64
// CHECK:         %[[ORD:.*]] = arith.cmpf ord, %x, %x : f64
// CHECK-NEXT:    %[[A:.*]] = arith.select %[[ORD]], %{{.*}}, %x : f64
// softplus: log1p(exp(-|x|)) (log's exponent and mantissa from the bits),
// plus max(x, 0) in two doubles; x itself above 40 and for NaN.
// CHECK:         math.absf %x : f64
// CHECK:         arith.shrui %{{.*}}, %{{.*}} : i64
// CHECK:         %[[LARGER:.*]] = arith.select %{{.*}}, %x, %{{.*}} : f64
// CHECK:         %[[FORTY:.*]] = arith.constant 4.000000e+01 : f64
// CHECK-NEXT:    %[[SMALL:.*]] = arith.cmpf ole, %x, %[[FORTY]] : f64
// CHECK-NEXT:    %[[B:.*]] = arith.select %[[SMALL]], %{{.*}}, %x : f64
// log1p: log of s = 1 + x, plus t - t^2/2 for the rounding of s; -1 gives
// -inf, below NaN, +inf itself, and +-0 and NaN are themselves.
// CHECK:         arith.shrui
// CHECK:         %[[MINUS_INF:.*]] = arith.constant 0xfff0000000000000 : f64
// CHECK:         %[[NAN:.*]] = arith.constant 0x7ff8000000000000 : f64
// CHECK:         %[[NONZERO:.*]] = arith.cmpf one, %x, %{{.*}} : f64
// CHECK-NEXT:    %[[C:.*]] = arith.select %[[NONZERO]], %{{.*}}, %x : f64
// expm1: x clamped to [-40, 710], 2^k (expm1(r) + 1 - 2^-k), -1 below -40,
// x itself below 2^-54 in magnitude and for NaN.
// CHECK:         %[[LOW:.*]] = arith.constant -4.000000e+01 : f64
// CHECK-NEXT:    arith.cmpf ogt, %x, %[[LOW]] : f64
// CHECK:         arith.cmpf olt, %x, %[[LOW]] : f64
// CHECK:         %[[TINY:.*]] = arith.constant 5.5511151231257827e-17 : f64
// CHECK:         %[[KEEP:.*]] = arith.ori %{{.*}}, %{{.*}} : i1
// CHECK-NEXT:    %[[D:.*]] = arith.select %[[KEEP]], %x, %{{.*}} : f64
// f32 goes through f64 and is rounded once.
// CHECK-NEXT:    %{{.*}} = arith.extf %y : f32 to f64
// CHECK:         %[[E:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK-NEXT:    func.return %[[A]], %[[B]], %[[C]], %[[D]], %[[E]] : f64, f64, f64, f64, f32

// LLVM-LABEL:  llvm.func internal @vectorizable_impl
// LLVM-NOT:      llvm.call @
// LLVM-NOT:      "llvm.exp
// LLVM-NOT:      "llvm.log
// LLVM:          llvm.return

func.func @libm(%x: f64) -> (f64, f64) {
  %g = sj.erfinv %x : f64
  %h = sj.digamma %x : f64
  func.return %g, %h : f64, f64
}

// CHECK-LABEL: func.func @libm
// erfinv: Winitzki's closed form from w = -log(1 - x^2), then three Halley
// steps on erf(y) - |x| (erfc above 1/2; the other one's argument is 0).
// CHECK:         %[[G:.*]] = math.absf %x : f64
// CHECK:         math.log %{{.*}} : f64
// CHECK:         math.sqrt
// CHECK-NEXT:    arith.subf
// CHECK-NEXT:    math.sqrt
// CHECK-COUNT-3: sj.erfc
// CHECK:         %[[SIGNED:.*]] = math.copysign %{{.*}}, %x : f64
// CHECK-NEXT:    %[[ERFINV:.*]] = arith.select %{{.*}}, %[[SIGNED]], %x : f64
// digamma: up to 10 terms 1/(y + i) in two doubles, log and the asymptotic
// series of y + m, the Taylor series at the zero near 1.46, then the
// reflection through tan for x < 0 and the special values.
// CHECK-COUNT-10: arith.divf
// CHECK:         math.roundeven %x : f64
// CHECK:         math.tan
// CHECK:         %[[REGULAR:.*]] = arith.ori %{{.*}}, %{{.*}} : i1
// CHECK-NEXT:    %[[PSI:.*]] = arith.select %[[REGULAR]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    func.return %[[ERFINV]], %[[PSI]] : f64, f64

// LLVM-LABEL:  llvm.func internal @libm_impl
// LLVM:          llvm.call_intrinsic "llvm.log.f64"
// LLVM:          llvm.call @erf(
// LLVM:          llvm.call @erfc(
// LLVM:          llvm.call @tan(

func.func @trigamma(%x: f64, %y: f32) -> (f64, f32) {
  %t = sj.trigamma %x : f64
  %u = sj.trigamma %y : f32
  func.return %t, %u : f64, f32
}

// CHECK-LABEL: func.func @trigamma
// trigamma: up to 10 squares of 1/(y + i) in two doubles, then 1/z and the
// asymptotic series of z = y + m, the reflection through sin for x < 0 and
// the special values; f32 computed in f64 and rounded.
// CHECK-COUNT-10: arith.divf
// CHECK:         arith.divf
// CHECK:         %[[ROUNDED:.*]] = math.roundeven %x : f64
// CHECK-NEXT:    %[[R:.*]] = arith.subf %x, %[[ROUNDED]] : f64
// CHECK:         %[[PIR:.*]] = arith.mulf %{{.*}}, %[[R]] : f64
// CHECK-NEXT:    math.sin %[[PIR]] : f64
// CHECK:         %[[REGULAR:.*]] = arith.ori %{{.*}}, %{{.*}} : i1
// CHECK-NEXT:    %[[T:.*]] = arith.select %[[REGULAR]], %{{.*}}, %{{.*}} : f64
// CHECK:         arith.extf %y : f32 to f64
// CHECK:         math.sin
// CHECK:         %[[U:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK-NEXT:    func.return %[[T]], %[[U]] : f64, f32

// LLVM-LABEL:  llvm.func internal @trigamma_impl
// LLVM-NOT:      llvm.call @tan(
// LLVM:          llvm.call_intrinsic "llvm.sin.f64"
// LLVM:          llvm.call_intrinsic "llvm.sin.f64"
// LLVM:          llvm.return
