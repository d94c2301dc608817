// RUN: scanjit-opt %s -p math-polynomial-approximation | filecheck %s
// RUN: scanjit-opt %s -p math-polynomial-approximation,convert-func-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,reconcile-unrealized-casts | filecheck %s --check-prefix=LLVM

// sigmoid, softplus, log1p and expm1 become straight-line arith (no libm
// call: their loops vectorize); erfinv, digamma and trigamma keep libm calls
// (erf, erfc, log; tan; sin) in straight-line code around them. Each is a
// helper function emitted once per module, called where the op was (the JIT
// inlines it).
func.func @vectorizable(%x: f64, %y: f32) -> (f64, f64, f64, f64, f32) {
  %a = sj.sigmoid %x : f64
  %b = sj.softplus %x : f64
  %c = math.log1p %x : f64
  %d = math.expm1 %x : f64
  %e = sj.sigmoid %y : f32
  func.return %a, %b, %c, %d, %e : f64, f64, f64, f64, f32
}

// CHECK-LABEL: func.func @vectorizable
// CHECK-NEXT:    %[[A:.*]] = llvm.call @scanjit_sigmoid(%x) : (f64) -> f64
// CHECK-NEXT:    %[[B:.*]] = llvm.call @scanjit_softplus(%x) : (f64) -> f64
// CHECK-NEXT:    %[[C:.*]] = llvm.call @scanjit_log1p(%x) : (f64) -> f64
// CHECK-NEXT:    %[[D:.*]] = llvm.call @scanjit_expm1(%x) : (f64) -> f64
// f32 goes through f64 and is rounded once.
// CHECK-NEXT:    %[[Y:.*]] = arith.extf %y : f32 to f64
// CHECK-NEXT:    %[[EW:.*]] = llvm.call @scanjit_sigmoid(%[[Y]]) : (f64) -> f64
// CHECK-NEXT:    %[[E:.*]] = arith.truncf %[[EW]] : f64 to f32
// CHECK-NEXT:    func.return %[[A]], %[[B]], %[[C]], %[[D]], %[[E]] : f64, f64, f64, f64, f32

func.func @libm(%x: f64) -> (f64, f64) {
  %g = sj.erfinv %x : f64
  %h = sj.digamma %x : f64
  func.return %g, %h : f64, f64
}

// CHECK-LABEL: func.func @libm
// CHECK-NEXT:    %[[G:.*]] = llvm.call @scanjit_erfinv(%x) : (f64) -> f64
// CHECK-NEXT:    %[[H:.*]] = llvm.call @scanjit_digamma(%x) : (f64) -> f64
// CHECK-NEXT:    func.return %[[G]], %[[H]] : f64, f64

func.func @trigamma(%x: f64, %y: f32) -> (f64, f32) {
  %t = sj.trigamma %x : f64
  %u = sj.trigamma %y : f32
  func.return %t, %u : f64, f32
}

// trigamma: f32 computed in f64 and rounded.
// CHECK-LABEL: func.func @trigamma
// CHECK-NEXT:    %[[T:.*]] = llvm.call @scanjit_trigamma(%x) : (f64) -> f64
// CHECK-NEXT:    %[[Y64:.*]] = arith.extf %y : f32 to f64
// CHECK-NEXT:    %[[U64:.*]] = llvm.call @scanjit_trigamma(%[[Y64]]) : (f64) -> f64
// CHECK-NEXT:    %[[U:.*]] = arith.truncf %[[U64]] : f64 to f32
// CHECK-NEXT:    func.return %[[T]], %[[U]] : f64, f32

// sigmoid: e = exp(-|x|) in two doubles (the reduction's shifter, a Taylor
// polynomial), then (1 or e) / (1 + e) with the division's remainder, NaN kept.
// CHECK-LABEL: llvm.func internal @scanjit_sigmoid
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         %[[ABS:.*]] = math.absf %[[X]] : f64
// CHECK:         math.fma %{{.*}}, %{{.*}}, %{{.*}} : f64
// CHECK-COUNT-11: math.fma
// CHECK:         %[[POSITIVE:.*]] = arith.cmpf oge, %[[X]], %{{.*}} : f64
// CHECK-NEXT:    %[[N:.*]] = arith.select %[[POSITIVE]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    %[[N_LOW:.*]] = arith.select %[[POSITIVE]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    %{{.*}} = arith.divf %[[N]], %{{.*}} : f64
// CHECK:         %[[ORD:.*]] = arith.cmpf ord, %[[X]], %[[X]] : f64
// CHECK-NEXT:    %[[SIGMOID:.*]] = arith.select %[[ORD]], %{{.*}}, %[[X]] : f64
// CHECK-NEXT:    llvm.return %[[SIGMOID]] : f64

// softplus: log1p(exp(-|x|)) (log's exponent and mantissa from the bits),
// plus max(x, 0) in two doubles; x itself above 40 and for NaN.
// CHECK-LABEL: llvm.func internal @scanjit_softplus
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         math.absf %[[X]] : f64
// CHECK:         arith.shrui %{{.*}}, %{{.*}} : i64
// CHECK:         %[[LARGER:.*]] = arith.select %{{.*}}, %[[X]], %{{.*}} : f64
// CHECK:         %[[FORTY:.*]] = arith.constant 4.000000e+01 : f64
// CHECK-NEXT:    %[[SMALL:.*]] = arith.cmpf ole, %[[X]], %[[FORTY]] : f64
// CHECK-NEXT:    %[[SOFTPLUS:.*]] = arith.select %[[SMALL]], %{{.*}}, %[[X]] : f64
// CHECK-NEXT:    llvm.return %[[SOFTPLUS]] : f64

// log1p: log of s = 1 + x, plus t - t^2/2 for the rounding of s; -1 gives
// -inf, below NaN, +inf itself, and +-0 and NaN are themselves.
// CHECK-LABEL: llvm.func internal @scanjit_log1p
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         arith.shrui
// CHECK:         %[[MINUS_INF:.*]] = arith.constant 0xfff0000000000000 : f64
// CHECK:         %[[NAN:.*]] = arith.constant 0x7ff8000000000000 : f64
// CHECK:         %[[NONZERO:.*]] = arith.cmpf one, %[[X]], %{{.*}} : f64
// CHECK-NEXT:    %[[LOG1P:.*]] = arith.select %[[NONZERO]], %{{.*}}, %[[X]] : f64
// CHECK-NEXT:    llvm.return %[[LOG1P]] : f64

// expm1: x clamped to [-40, 710], 2^k (expm1(r) + 1 - 2^-k), -1 below -40,
// x itself below 2^-54 in magnitude and for NaN.
// CHECK-LABEL: llvm.func internal @scanjit_expm1
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         %[[LOW:.*]] = arith.constant -4.000000e+01 : f64
// CHECK-NEXT:    arith.cmpf ogt, %[[X]], %[[LOW]] : f64
// CHECK:         arith.cmpf olt, %[[X]], %[[LOW]] : f64
// CHECK:         %[[TINY:.*]] = arith.constant 5.5511151231257827e-17 : f64
// CHECK:         %[[KEEP:.*]] = arith.ori %{{.*}}, %{{.*}} : i1
// CHECK-NEXT:    %[[EXPM1:.*]] = arith.select %[[KEEP]], %[[X]], %{{.*}} : f64
// CHECK-NEXT:    llvm.return %[[EXPM1]] : f64

// erfinv: Winitzki's closed form from w = -log(1 - x^2), then three Halley
// steps on erf(y) - |x| (erfc above 1/2; the other one's argument is 0).
// CHECK-LABEL: llvm.func internal @scanjit_erfinv
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         %[[G:.*]] = math.absf %[[X]] : f64
// CHECK:         math.log %{{.*}} : f64
// CHECK:         math.sqrt
// CHECK-NEXT:    arith.subf
// CHECK-NEXT:    math.sqrt
// CHECK-COUNT-3: sj.erfc
// CHECK:         %[[SIGNED:.*]] = math.copysign %{{.*}}, %[[X]] : f64
// CHECK-NEXT:    %[[ERFINV:.*]] = arith.select %{{.*}}, %[[SIGNED]], %[[X]] : f64
// CHECK-NEXT:    llvm.return %[[ERFINV]] : f64

// digamma: up to 10 terms 1/(y + i) in two doubles, log and the asymptotic
// series of y + m, the Taylor series at the zero near 1.46, then the
// reflection through tan for x < 0 and the special values.
// CHECK-LABEL: llvm.func internal @scanjit_digamma
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK-COUNT-10: arith.divf
// CHECK:         math.roundeven %[[X]] : f64
// CHECK:         math.tan
// CHECK:         %[[REGULAR:.*]] = arith.ori %{{.*}}, %{{.*}} : i1
// CHECK-NEXT:    %[[PSI:.*]] = arith.select %[[REGULAR]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    llvm.return %[[PSI]] : f64

// trigamma: up to 10 squares of 1/(y + i) in two doubles, then 1/z and the
// asymptotic series of z = y + m, the reflection through sin for x < 0 and
// the special values.
// CHECK-LABEL: llvm.func internal @scanjit_trigamma
// CHECK-SAME:    (%[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK-COUNT-10: arith.divf
// CHECK:         arith.divf
// CHECK:         %[[ROUNDED:.*]] = math.roundeven %[[X]] : f64
// CHECK-NEXT:    %[[R:.*]] = arith.subf %[[X]], %[[ROUNDED]] : f64
// CHECK:         %[[PIR:.*]] = arith.mulf %{{.*}}, %[[R]] : f64
// CHECK-NEXT:    math.sin %[[PIR]] : f64
// CHECK:         %[[REGULAR:.*]] = arith.ori %{{.*}}, %{{.*}} : i1
// CHECK-NEXT:    %[[TRI:.*]] = arith.select %[[REGULAR]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:    llvm.return %[[TRI]] : f64

// Lowered to the llvm dialect, the vectorizable ones call no libm function;
// erfinv, digamma and trigamma call libm.
// LLVM-LABEL:  llvm.func internal @scanjit_sigmoid
// LLVM-NOT:      llvm.call @
// LLVM-NOT:      "llvm.exp
// LLVM-NOT:      "llvm.log
// LLVM-LABEL:  llvm.func internal @scanjit_erfinv
// LLVM:          llvm.call_intrinsic "llvm.log.f64"
// LLVM:          llvm.call @erf(
// LLVM:          llvm.call @erfc(
// LLVM-LABEL:  llvm.func internal @scanjit_digamma
// LLVM:          llvm.call @tan(
// LLVM-LABEL:  llvm.func internal @scanjit_trigamma
// LLVM-NOT:      llvm.call @tan(
// LLVM:          llvm.call_intrinsic "llvm.sin.f64"
// LLVM:          llvm.return
