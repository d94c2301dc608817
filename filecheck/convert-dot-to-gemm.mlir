// RUN: scanjit-opt %s -p convert-dot-to-gemm | filecheck %s

// A float matrix product becomes a call of the runtime's gemm, writing a
// fresh m×n tensor, with m, n and k as i64.
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
// CHECK-NEXT:    %[[C:.*]] = "sj.call"(%a, %b, %[[EMPTY]], %[[M64]], %[[N64]], %[[K64]]) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}>
// CHECK-NEXT:    func.return %[[C]] : tensor<?x?xf64>

// Static lengths stay static; float32 calls the f32 function.
func.func @f32(%a: tensor<4x3xf32>, %b: tensor<3x?xf32>) -> tensor<4x?xf32> {
  %c = "sj.dot"(%a, %b) : (tensor<4x3xf32>, tensor<3x?xf32>) -> tensor<4x?xf32>
  func.return %c : tensor<4x?xf32>
}

// CHECK-LABEL: func.func @f32
// CHECK:         tensor.empty(%{{.*}}) : tensor<4x?xf32>
// CHECK:         "sj.call"{{.*}}callee = "scanjit_gemm_f32"

// Vector products and integer products stay sj.dot.
func.func @others(%a: tensor<?x?xf64>, %v: tensor<?xf64>, %i: tensor<?x?xi64>) -> (tensor<?xf64>, tensor<?x?xi64>) {
  %r = "sj.dot"(%a, %v) : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %s = "sj.dot"(%i, %i) : (tensor<?x?xi64>, tensor<?x?xi64>) -> tensor<?x?xi64>
  func.return %r, %s : tensor<?xf64>, tensor<?x?xi64>
}

// CHECK-LABEL: func.func @others
// CHECK-NOT:     sj.call
// CHECK:         "sj.dot"(%a, %v)
// CHECK:         "sj.dot"(%i, %i)

// A batched product stays sj.dot.
func.func @batched(%a: tensor<?x?x?xf64>, %b: tensor<?x?x?xf64>) -> tensor<?x?x?xf64> {
  %c = "sj.dot"(%a, %b) <{batch = 1 : i64}> : (tensor<?x?x?xf64>, tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  func.return %c : tensor<?x?x?xf64>
}

// CHECK-LABEL: func.func @batched
// CHECK-NOT:     sj.call
// CHECK:         "sj.dot"(%a, %b) <{batch = 1 : i64}>
