// RUN: scanjit-opt %s -p convert-dot-to-gemm | filecheck %s

// A float matrix product becomes a call of the runtime's gemm (BLAS for large
// products), writing a fresh m×n tensor, with m, n and k as i64 and 0: its
// left operand is not transposed.
func.func @f64(%a: tensor<?x?xf64>, %b: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %c = "sj.dot"(%a, %b) : (tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %c : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @f64
// CHECK:         %[[M:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[K:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[N:.*]] = tensor.dim %b, %{{.*}} : tensor<?x?xf64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[M]], %[[N]]) : tensor<?x?xf64>
// CHECK-NEXT:    %[[M64:.*]] = arith.index_cast %[[M]] : index to i64
// CHECK-NEXT:    %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK-NEXT:    %[[K64:.*]] = arith.index_cast %[[K]] : index to i64
// CHECK-NEXT:    %[[NO:.*]] = arith.constant 0 : i64
// CHECK-NEXT:    %[[C:.*]] = "sj.call"(%a, %b, %[[EMPTY]], %[[M64]], %[[N64]], %[[K64]], %[[NO]]) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}>
// CHECK-NEXT:    func.return %[[C]] : tensor<?x?xf64>

// Yᵀ·B passes Y as it lies, flagged 1: m is Y's columns, k its rows; the
// view Yᵀ is read no more. A transposed right operand stays a view (copied).
func.func @transposed(%y: tensor<?x?xf64>, %b: tensor<?x?xf64>, %w: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %yt = "sj.dimshuffle"(%y) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %c = "sj.dot"(%yt, %b) : (tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  %wt = "sj.dimshuffle"(%w) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %d = "sj.dot"(%c, %wt) : (tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %d : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @transposed
// CHECK:         %[[M:.*]] = tensor.dim %y, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[K:.*]] = tensor.dim %y, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[N:.*]] = tensor.dim %b, %{{.*}} : tensor<?x?xf64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[M]], %[[N]]) : tensor<?x?xf64>
// CHECK-NEXT:    %[[M64:.*]] = arith.index_cast %[[M]] : index to i64
// CHECK-NEXT:    %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK-NEXT:    %[[K64:.*]] = arith.index_cast %[[K]] : index to i64
// CHECK-NEXT:    %[[YES:.*]] = arith.constant 1 : i64
// CHECK-NEXT:    %[[C:.*]] = "sj.call"(%y, %b, %[[EMPTY]], %[[M64]], %[[N64]], %[[K64]], %[[YES]]) <{callee = "scanjit_gemm_f64"
// CHECK:         %[[WT:.*]] = "sj.dimshuffle"(%w)
// CHECK:         %[[NO:.*]] = arith.constant 0 : i64
// CHECK-NEXT:    "sj.call"(%[[C]], %[[WT]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[NO]]) <{callee = "scanjit_gemm_f64"

// Static lengths stay static; float32 calls the f32 function.
func.func @f32(%a: tensor<4x3xf32>, %b: tensor<3x?xf32>) -> tensor<4x?xf32> {
  %c = "sj.dot"(%a, %b) : (tensor<4x3xf32>, tensor<3x?xf32>) -> tensor<4x?xf32>
  func.return %c : tensor<4x?xf32>
}

// CHECK-LABEL: func.func @f32
// CHECK:         tensor.empty(%{{.*}}) : tensor<4x?xf32>
// CHECK:         "sj.call"{{.*}}callee = "scanjit_gemm_f32"

// A vector times a matrix calls scanjit_dot (k-order sums, never BLAS) with m = 1.
func.func @vm(%v: tensor<?xf64>, %x: tensor<?x?xf64>) -> tensor<?xf64> {
  %r = "sj.dot"(%v, %x) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @vm
// CHECK:         %[[K:.*]] = tensor.dim %v, %{{.*}} : tensor<?xf64>
// CHECK:         %[[N:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xf64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?xf64>
// CHECK-NEXT:    %[[M64:.*]] = arith.constant 1 : i64
// CHECK-NEXT:    %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK-NEXT:    %[[K64:.*]] = arith.index_cast %[[K]] : index to i64
// CHECK-NEXT:    "sj.call"(%v, %x, %[[EMPTY]], %[[M64]], %[[N64]], %[[K64]]) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}>

// A matrix times a vector: n = 1. A transposed view times a vector, A^T . v,
// is v . A: no copy of A^T; and v . Y^T is Y . v.
func.func @mv(%m: tensor<?x?xf64>, %v: tensor<?xf64>, %a: tensor<?x?xf32>, %w: tensor<?xf32>) -> (tensor<?xf64>, tensor<?xf32>, tensor<?xf32>) {
  %r = "sj.dot"(%m, %v) : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %at = "sj.dimshuffle"(%a) <{order = array<i64: 1, 0>}> : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %s = "sj.dot"(%at, %w) : (tensor<?x?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %t = "sj.dot"(%w, %at) : (tensor<?xf32>, tensor<?x?xf32>) -> tensor<?xf32>
  func.return %r, %s, %t : tensor<?xf64>, tensor<?xf32>, tensor<?xf32>
}

// CHECK-LABEL: func.func @mv
// CHECK:         tensor.dim %m
// CHECK:         tensor.dim %m
// CHECK-NEXT:    arith.constant 1 : index
// CHECK-NEXT:    tensor.empty
// CHECK-NEXT:    arith.index_cast
// CHECK-NEXT:    %[[N64:.*]] = arith.constant 1 : i64
// CHECK:         "sj.call"(%m, %v, %{{.*}}, %{{.*}}, %[[N64]], %{{.*}}) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}>
// CHECK:         "sj.call"(%w, %a, {{.*}}callee = "scanjit_dot_f32"
// CHECK:         "sj.call"(%a, %w, {{.*}}callee = "scanjit_dot_f32"

// In a loop where the matrix is invariant, M . v becomes v . M^T with M^T
// copied once in front of the loop (an identity sj.map of the transposed
// view), and v . U^T reads a copy of U^T laid out in rows: each step sums
// columns in vector registers.
func.func @mv_in_loop(%m: tensor<?x?xf64>, %u: tensor<?x?xf64>, %v: tensor<?xf64>, %n: index) -> tensor<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%h = %v) -> (tensor<?xf64>) {
    %p = "sj.dot"(%m, %h) : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %ut = "sj.dimshuffle"(%u) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
    %q = "sj.dot"(%p, %ut) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
    %y = "sj.map"(%q) ({
    ^bb0(%e: f64):
      "sj.yield"(%e) : (f64) -> ()
    }) : (tensor<?xf64>) -> tensor<?xf64>
    scf.yield %y : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @mv_in_loop
// CHECK:         %[[MTV:.*]] = "sj.dimshuffle"(%m) <{order = array<i64: 1, 0>}>
// CHECK-NEXT:    %[[MT:.*]] = "sj.map"(%[[MTV]])
// CHECK:         %[[UTV:.*]] = "sj.dimshuffle"(%u) <{order = array<i64: 1, 0>}>
// CHECK-NEXT:    %[[UT:.*]] = "sj.map"(%[[UTV]])
// CHECK:         scf.for
// CHECK:           %[[P:.*]] = "sj.call"(%h, %[[MT]], {{.*}}callee = "scanjit_dot_f64"
// CHECK:           "sj.call"(%[[P]], %[[UT]], {{.*}}callee = "scanjit_dot_f64"

// Where the transposed matrix changes in the loop, v . Y^T is Y . v.
func.func @vt_in_loop(%y0: tensor<?x?xf64>, %v: tensor<?xf64>, %n: index) -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%y = %y0) -> (tensor<?x?xf64>) {
    %yt = "sj.dimshuffle"(%y) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
    %q = "sj.dot"(%v, %yt) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
    %z = "sj.map"(%y, %q) ({
    ^bb0(%a: f64, %b: f64):
      %s = arith.addf %a, %b : f64
      "sj.yield"(%s) : (f64) -> ()
    }) : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?x?xf64>
    scf.yield %z : tensor<?x?xf64>
  }
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @vt_in_loop
// CHECK-NOT:     sj.map
// CHECK:         scf.for
// CHECK:           "sj.call"(%y, %v, {{.*}}callee = "scanjit_dot_f64"

// Vector-vector and integer products stay sj.dot.
func.func @others(%v: tensor<?xf64>, %i: tensor<?x?xi64>) -> (f64, tensor<?x?xi64>) {
  %r = "sj.dot"(%v, %v) : (tensor<?xf64>, tensor<?xf64>) -> f64
  %s = "sj.dot"(%i, %i) : (tensor<?x?xi64>, tensor<?x?xi64>) -> tensor<?x?xi64>
  func.return %r, %s : f64, tensor<?x?xi64>
}

// CHECK-LABEL: func.func @others
// CHECK-NOT:     sj.call
// CHECK:         "sj.dot"(%v, %v)
// CHECK:         "sj.dot"(%i, %i)

// A batched product stays sj.dot.
func.func @batched(%a: tensor<?x?x?xf64>, %b: tensor<?x?x?xf64>) -> tensor<?x?x?xf64> {
  %c = "sj.dot"(%a, %b) <{batch = 1 : i64}> : (tensor<?x?x?xf64>, tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  func.return %c : tensor<?x?x?xf64>
}

// CHECK-LABEL: func.func @batched
// CHECK-NOT:     sj.call
// CHECK:         "sj.dot"(%a, %b) <{batch = 1 : i64}>
