// RUN: scanjit-opt %s -p math-polynomial-approximation | filecheck %s
// RUN: scanjit-opt %s -p math-polynomial-approximation,convert-func-to-llvm,convert-cf-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,reconcile-unrealized-casts | filecheck %s --check-prefix=LLVM

// polygamma(n, x): a helper of n (as f64) and x calling the Hurwitz zeta's
// helper three times (once for x > 0; below 0 also at 1 - f and 1 - x),
// n! in a loop of blocks, digamma's helper for n = 0. f32 goes through f64.
func.func @polygamma(%n: i64, %x: f64, %y: f32) -> (f64, f32) {
  %a = sj.polygamma %n, %x : i64, f64
  %b = sj.polygamma %n, %y : i64, f32
  func.return %a, %b : f64, f32
}

// CHECK-LABEL: func.func @polygamma
// CHECK-NEXT:    %[[N:.*]] = arith.sitofp %n : i64 to f64
// CHECK-NEXT:    %[[A:.*]] = llvm.call @scanjit_polygamma(%[[N]], %x) : (f64, f64) -> f64
// CHECK-NEXT:    %[[N2:.*]] = arith.sitofp %n : i64 to f64
// CHECK-NEXT:    %[[Y:.*]] = arith.extf %y : f32 to f64
// CHECK-NEXT:    %[[BW:.*]] = llvm.call @scanjit_polygamma(%[[N2]], %[[Y]]) : (f64, f64) -> f64
// CHECK-NEXT:    %[[B:.*]] = arith.truncf %[[BW]] : f64 to f32
// CHECK-NEXT:    func.return %[[A]], %[[B]] : f64, f32

// CHECK-LABEL: llvm.func internal @scanjit_polygamma
// CHECK-SAME:    (%[[PN:.*]]: f64, %[[PX:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK-COUNT-3: llvm.call @scanjit_hurwitz_zeta(%{{.*}}, %{{.*}}, %{{.*}}) : (f64, f64, f64) -> f64
// n!: k, and n! in two doubles, while k <= min(n, 170)
// CHECK:         cf.br ^[[HEAD:.*]](%{{.*}}, %{{.*}}, %{{.*}} : f64, f64, f64)
// CHECK-NEXT:  ^[[HEAD]](%[[K:.*]]: f64, %{{.*}}: f64, %{{.*}}: f64):
// CHECK:         arith.minimumf %[[PN]], %{{.*}} : f64
// CHECK:         cf.cond_br %{{.*}}, ^[[BODY:.*]], ^[[EXIT:.*]]
// CHECK-NEXT:  ^[[BODY]]:
// CHECK:         cf.br ^[[HEAD]](
// CHECK-NEXT:  ^[[EXIT]]:
// CHECK:         llvm.call @scanjit_digamma(%[[PX]]) : (f64) -> f64
// CHECK:         llvm.return

// The zeta: terms added while q + k < s + 10 and the rest is not below 2^-54
// of the sum (a, its low part, the sum in two doubles, done), each term a
// power (pow's expansion: no libm call), then Euler-Maclaurin's tail.
// CHECK-LABEL: llvm.func internal @scanjit_hurwitz_zeta
// CHECK-SAME:    (%[[S:.*]]: f64, %[[Q:.*]]: f64, %[[QL:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         %[[TEN:.*]] = arith.constant 1.000000e+01 : f64
// CHECK-NEXT:    %[[LIMIT:.*]] = arith.addf %[[S]], %[[TEN]] : f64
// CHECK:         cf.br ^[[ZHEAD:.*]](%[[Q]], %[[QL]], %{{.*}}, %{{.*}}, %{{.*}} : f64, f64, f64, f64, i1)
// CHECK-NEXT:  ^[[ZHEAD]](%[[ZA:.*]]: f64, %{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64, %[[DONE:.*]]: i1):
// CHECK-NEXT:    %[[BELOW:.*]] = arith.cmpf olt, %[[ZA]], %[[LIMIT]] : f64
// CHECK-NEXT:    %[[GOING:.*]] = arith.xori %[[DONE]], %{{.*}} : i1
// CHECK-NEXT:    %[[C:.*]] = arith.andi %[[BELOW]], %[[GOING]] : i1
// CHECK-NEXT:    cf.cond_br %[[C]], ^[[ZBODY:.*]], ^[[ZEXIT:.*]]
// CHECK-NEXT:  ^[[ZBODY]]:
// CHECK-NOT:     llvm.call
// CHECK:         cf.br ^[[ZHEAD]](
// CHECK-NEXT:  ^[[ZEXIT]]:
// CHECK-NOT:     llvm.call
// CHECK:         llvm.return

// CHECK-LABEL: llvm.func internal @scanjit_digamma

// The blocks lower to llvm branches.
// LLVM-LABEL: llvm.func internal @scanjit_polygamma
// LLVM:         llvm.cond_br
// LLVM-LABEL: llvm.func internal @scanjit_hurwitz_zeta
// LLVM:         llvm.br ^[[LH:.*]](
// LLVM-NEXT:  ^[[LH]](
// LLVM:         llvm.cond_br %{{.*}}, ^[[LB:.*]], ^[[LE:.*]]
// LLVM-NEXT:  ^[[LB]]:
// LLVM:         llvm.br ^[[LH]](
// LLVM-NOT:     cf.
// LLVM:         llvm.return
