// RUN: scanjit-opt %s -p math-polynomial-approximation | filecheck %s
// RUN: scanjit-opt %s -p math-polynomial-approximation,convert-func-to-llvm,convert-cf-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,reconcile-unrealized-casts | filecheck %s --check-prefix=LLVM

// The incomplete beta function (scanjit.incomplete_beta): a helper of a, b
// and x running Lentz's method on the continued fraction (c, d, F, m,
// delta: two of its terms a step), then the front x^a (1 - x)^b / (a B(a, b))
// from three lgammas. A derivative carries the derivatives of c, d, F and
// delta along and calls digamma's helper for p, q and p + q.
func.func @f(%a: f64, %b: f64, %x: f64) -> (f64, f64) {
  %i = sj.betainc %a, %b, %x : f64
  %d = sj.betainc_der_b %a, %b, %x : f64
  func.return %i, %d : f64, f64
}

// CHECK-LABEL: func.func @f
// CHECK-NEXT:    %i = llvm.call @scanjit_betainc(%a, %b, %x) : (f64, f64, f64) -> f64
// CHECK-NEXT:    %d = llvm.call @scanjit_betainc_der_b(%a, %b, %x) : (f64, f64, f64) -> f64

// The inverse: I at 1/2 picks the unknown (x or 1 - x), then Newton's steps
// in a loop of (u, the last u short of F's underflow, step count, step), each
// calling the helpers of I and 1 - I.
func.func @g(%a: f64, %b: f64, %y: f64) -> f64 {
  %x = sj.betaincinv %a, %b, %y : f64
  func.return %x : f64
}

// CHECK-LABEL: func.func @g
// CHECK-NEXT:    %x = llvm.call @scanjit_betaincinv(%a, %b, %y) : (f64, f64, f64) -> f64

// CHECK-LABEL: llvm.func internal @scanjit_betainc
// CHECK-SAME:    (%{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         cf.br ^[[HEAD:.*]](%{{.*}} : f64, f64, f64, f64, f64)
// CHECK-NEXT:  ^[[HEAD]](
// CHECK:         cf.cond_br %{{.*}}, ^[[BODY:.*]], ^[[EXIT:.*]]
// CHECK-NEXT:  ^[[BODY]]:
// CHECK:         cf.br ^[[HEAD]](
// CHECK-NEXT:  ^[[EXIT]]:
// CHECK-COUNT-3: sj.lgamma
// CHECK-NOT:     llvm.call @scanjit_digamma
// CHECK:         llvm.return

// CHECK-LABEL: llvm.func internal @scanjit_betainc_der_b
// CHECK:         cf.br ^{{.*}}(%{{.*}} : f64, f64, f64, f64, f64, f64, f64, f64, f64)
// CHECK-COUNT-3: llvm.call @scanjit_digamma
// CHECK:         llvm.return

// CHECK-LABEL: llvm.func internal @scanjit_digamma

// CHECK-LABEL: llvm.func internal @scanjit_betaincinv
// CHECK:         llvm.call @scanjit_betainc(%{{.*}}, %{{.*}}, %{{.*}}) : (f64, f64, f64) -> f64
// CHECK:         cf.br ^[[STEP:.*]](%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : f64, f64, f64, f64)
// CHECK-NEXT:  ^[[STEP]](%[[U:.*]]: f64, %{{.*}}: f64, %{{.*}}: f64, %{{.*}}: f64):
// CHECK:         cf.cond_br %{{.*}}, ^[[BODY:.*]], ^{{.*}}
// CHECK-NEXT:  ^[[BODY]]:
// CHECK-NEXT:    llvm.call @scanjit_betainc(%{{.*}}, %{{.*}}, %[[U]]) : (f64, f64, f64) -> f64
// CHECK-NEXT:    llvm.call @scanjit_betainc_upper(%{{.*}}, %{{.*}}, %[[U]]) : (f64, f64, f64) -> f64
// CHECK:         cf.br ^[[STEP]](

// CHECK-LABEL: llvm.func internal @scanjit_betainc_upper

// LLVM-LABEL: llvm.func internal @scanjit_betainc
// LLVM:         llvm.cond_br
// LLVM:         llvm.call @lgamma_r(
// LLVM-NOT:     cf.
// LLVM:         llvm.return
