// RUN: scanjit-opt %s -p math-polynomial-approximation | filecheck %s
// RUN: scanjit-opt %s -p math-polynomial-approximation,convert-func-to-llvm,convert-cf-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,reconcile-unrealized-casts | filecheck %s --check-prefix=LLVM

// The incomplete gamma functions (scanjit.incomplete_gamma): a helper each
// of a and x, f32 through f64. P and Q run the series while x < a + 1 (term,
// sum, n) and Lentz's continued fraction elsewhere (b, c, d, F, i, delta),
// each loop stopping at once where the other one is used; Q adds the small-a
// series; dP/da carries the derivatives along (5 and 10 values) and calls
// digamma's helper.
func.func @gamma_inc(%a: f64, %x: f64, %b: f32, %y: f32) -> (f64, f64, f32) {
  %p = sj.gammainc %a, %x : f64
  %d = sj.gammainc_der %a, %x : f64
  %q = sj.gammaincc %b, %y : f32
  func.return %p, %d, %q : f64, f64, f32
}

// CHECK-LABEL: func.func @gamma_inc
// CHECK-NEXT:    %p = llvm.call @scanjit_gammainc(%a, %x) : (f64, f64) -> f64
// CHECK-NEXT:    %d = llvm.call @scanjit_gammainc_der(%a, %x) : (f64, f64) -> f64
// CHECK-NEXT:    %[[B:.*]] = arith.extf %b : f32 to f64
// CHECK-NEXT:    %[[Y:.*]] = arith.extf %y : f32 to f64
// CHECK-NEXT:    %[[Q:.*]] = llvm.call @scanjit_gammaincc(%[[B]], %[[Y]]) : (f64, f64) -> f64
// CHECK-NEXT:    %{{.*}} = arith.truncf %[[Q]] : f64 to f32

// The inverses: Halley's steps in a loop of (x, step count, step), each
// calling the helpers of Q and P (x multiplied by exp(-step)).
func.func @inverse(%a: f64, %y: f64) -> f64 {
  %x = sj.gammaincinv %a, %y : f64
  func.return %x : f64
}

// CHECK-LABEL: func.func @inverse
// CHECK-NEXT:    %x = llvm.call @scanjit_gammaincinv(%a, %y) : (f64, f64) -> f64

// CHECK-LABEL: llvm.func internal @scanjit_gammainc
// CHECK-SAME:    (%[[A:.*]]: f64, %[[X:.*]]: f64) -> f64 attributes {scanjit.always_inline} {
// CHECK:         sj.lgamma
// CHECK:         cf.br ^[[SERIES:.*]](%{{.*}}, %{{.*}}, %{{.*}} : f64, f64, f64)
// CHECK-NEXT:  ^[[SERIES]](
// CHECK:         cf.cond_br %{{.*}}, ^{{.*}}, ^{{.*}}
// CHECK:         cf.br ^[[FRACTION:.*]](%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : f64, f64, f64, f64, f64, f64)
// CHECK-NEXT:  ^[[FRACTION]](
// CHECK:         cf.cond_br
// CHECK-NOT:     cf.br ^{{.*}}(%{{.*}} : f64, f64, f64, f64)
// CHECK:         llvm.return

// CHECK-LABEL: llvm.func internal @scanjit_gammainc_der
// CHECK:         cf.br ^{{.*}}(%{{.*}} : f64, f64, f64, f64, f64)
// CHECK:         cf.br ^{{.*}}(%{{.*}} : f64, f64, f64, f64, f64, f64, f64, f64, f64, f64)
// CHECK:         llvm.call @scanjit_digamma(%{{.*}}) : (f64) -> f64
// CHECK:         llvm.return

// CHECK-LABEL: llvm.func internal @scanjit_digamma

// CHECK-LABEL: llvm.func internal @scanjit_gammaincc
// CHECK:         cf.br ^{{.*}}(%{{.*}} : f64, f64, f64)
// CHECK:         cf.br ^{{.*}}(%{{.*}} : f64, f64, f64, f64, f64, f64)
// CHECK:         cf.br ^[[SMALL:.*]](%{{.*}} : f64, f64, f64, f64)
// CHECK-NEXT:  ^[[SMALL]](
// CHECK:         llvm.return

// CHECK-LABEL: llvm.func internal @scanjit_gammaincinv
// CHECK:         cf.br ^[[STEP:.*]](%{{.*}}, %{{.*}}, %{{.*}} : f64, f64, f64)
// CHECK-NEXT:  ^[[STEP]](%[[X:.*]]: f64, %{{.*}}: f64, %{{.*}}: f64):
// CHECK:         cf.cond_br %{{.*}}, ^[[BODY:.*]], ^{{.*}}
// CHECK-NEXT:  ^[[BODY]]:
// CHECK-NEXT:    llvm.call @scanjit_gammaincc(%{{.*}}, %[[X]]) : (f64, f64) -> f64
// CHECK-NEXT:    llvm.call @scanjit_gammainc(%{{.*}}, %[[X]]) : (f64, f64) -> f64
// CHECK:         cf.br ^[[STEP]](

// lgamma becomes C's lgamma_r; the loops, llvm branches.
// LLVM-LABEL: llvm.func internal @scanjit_gammainc
// LLVM:         llvm.call @lgamma_r(
// LLVM:         llvm.cond_br
// LLVM-NOT:     cf.
// LLVM:         llvm.return
