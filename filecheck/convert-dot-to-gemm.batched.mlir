// RUN: scanjit-opt %s -p convert-dot-to-gemm | filecheck %s

// A stack (T, B, k) times a matrix broadcast over its batch axes is one gemm
// over its T·B rows: the stack's leading axes merged as a view
// (collapse_shape), the (T·B, n) product expanded back to (T, B, n).
func.func @stack_by_matrix(%x: tensor<?x?x?xf64>, %v: tensor<?x?xf64>) -> tensor<?x?x?xf64> {
  %vb = "sj.dimshuffle"(%v) <{order = array<i64: -1, -1, 0, 1>}> : (tensor<?x?xf64>) -> tensor<1x1x?x?xf64>
  %c = "sj.dot"(%x, %vb) <{batch = 2 : i64}> : (tensor<?x?x?xf64>, tensor<1x1x?x?xf64>) -> tensor<?x?x?xf64>
  func.return %c : tensor<?x?x?xf64>
}

// CHECK-LABEL: func.func @stack_by_matrix
// CHECK:         %[[ROWS:.*]] = tensor.collapse_shape %x {{\[\[}}0 : i64, 1 : i64], [2 : i64]] : tensor<?x?x?xf64> into tensor<?x?xf64>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf64>
// CHECK:         %[[P:.*]] = "sj.call"(%[[ROWS]], %v, %[[EMPTY]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}>
// CHECK:         %[[T:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xf64>
// CHECK:         %[[B:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xf64>
// CHECK:         %[[N:.*]] = tensor.dim %v, %{{.*}} : tensor<?x?xf64>
// CHECK-NEXT:    %[[C:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0 : i64, 1 : i64], [2 : i64]] output_shape [%[[T]], %[[B]], %[[N]]] : tensor<?x?xf64> into tensor<?x?x?xf64>
// CHECK-NEXT:    func.return %[[C]]
// CHECK-NOT:     sj.dot

// By the transposed matrix: the view Vᵀ its right operand (stored by
// convert-sj-to-loops, once).
func.func @stack_by_transposed(%g: tensor<?x?x?xf64>, %v: tensor<?x?xf64>) -> tensor<?x?x?xf64> {
  %vb = "sj.dimshuffle"(%v) <{order = array<i64: -1, -1, 1, 0>}> : (tensor<?x?xf64>) -> tensor<1x1x?x?xf64>
  %c = "sj.dot"(%g, %vb) <{batch = 2 : i64}> : (tensor<?x?x?xf64>, tensor<1x1x?x?xf64>) -> tensor<?x?x?xf64>
  func.return %c : tensor<?x?x?xf64>
}

// CHECK-LABEL: func.func @stack_by_transposed
// CHECK:         %[[VT:.*]] = "sj.dimshuffle"(%v) <{order = array<i64: 1, 0>}>
// CHECK:         %[[ROWS:.*]] = tensor.collapse_shape %g {{\[\[}}0 : i64, 1 : i64], [2 : i64]]
// CHECK:         "sj.call"(%[[ROWS]], %[[VT]], %{{.*}}) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}>
// CHECK:         tensor.expand_shape

// Contracting two axes, (H, T, B) · (T, B, n), the left operand a view of
// the stack (T, B, H): the stack's rows (T·B, H) read transposed (flag 1),
// by the right operand's rows (T·B, n).
func.func @contract_two(%h: tensor<?x?x?xf64>, %g: tensor<?x?x?xf64>) -> tensor<?x?xf64> {
  %ht = "sj.dimshuffle"(%h) <{order = array<i64: 2, 0, 1>}> : (tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  %c = "sj.dot"(%ht, %g) <{contract = 2 : i64}> : (tensor<?x?x?xf64>, tensor<?x?x?xf64>) -> tensor<?x?xf64>
  func.return %c : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @contract_two
// CHECK:         %[[H:.*]] = tensor.collapse_shape %h {{\[\[}}0 : i64, 1 : i64], [2 : i64]] : tensor<?x?x?xf64> into tensor<?x?xf64>
// CHECK:         %[[G:.*]] = tensor.collapse_shape %g {{\[\[}}0 : i64, 1 : i64], [2 : i64]] : tensor<?x?x?xf64> into tensor<?x?xf64>
// CHECK:         %[[YES:.*]] = arith.constant 1 : i64
// CHECK-NEXT:    %[[C:.*]] = "sj.call"(%[[H]], %[[G]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[YES]]) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}>
// CHECK-NEXT:    func.return %[[C]]

// Batched products of stacks by stacks stay for convert-sj-to-loops.
func.func @stacks(%a: tensor<?x?x?xf64>, %b: tensor<?x?x?xf64>) -> tensor<?x?x?xf64> {
  %c = "sj.dot"(%a, %b) <{batch = 1 : i64}> : (tensor<?x?x?xf64>, tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  func.return %c : tensor<?x?x?xf64>
}

// CHECK-LABEL: func.func @stacks
// CHECK:         "sj.dot"(%a, %b) <{batch = 1 : i64}>
