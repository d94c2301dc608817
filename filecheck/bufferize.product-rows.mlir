// RUN: scanjit-opt %s -p bufferize | filecheck %s

// A row a product reads (`sj.row`, left by convert-sj-to-loops) becomes
// `sj.buffer_row`: the row of the buffer where it lies, no copy. It is read
// where the call is: a write of the buffer before the call is not made in
// place (here the row's buffer is copied for the insert, since the call
// after it reads the old row), and the buffer is freed after the call.
func.func @product_row(%n: index, %t: index, %v: f64, %w: tensor<?x?xf64>, %m: i64)
    -> (tensor<?x?x?xf64>, tensor<?x?xf64>) {
  %e = tensor.empty(%n, %n, %n) : tensor<?x?x?xf64>
  %c0 = arith.constant 0 : index
  %full = tensor.insert %v into %e[%c0, %c0, %c0] : tensor<?x?x?xf64>
  %row = "sj.row"(%full, %t) : (tensor<?x?x?xf64>, index) -> tensor<?x?xf64>
  %new = tensor.insert %v into %full[%t, %c0, %c0] : tensor<?x?x?xf64>
  %out = tensor.empty(%n, %n) : tensor<?x?xf64>
  %p = "sj.call"(%row, %w, %out, %m, %m, %m, %m) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}> : (tensor<?x?xf64>, tensor<?x?xf64>, tensor<?x?xf64>, i64, i64, i64, i64) -> tensor<?x?xf64>
  func.return %new, %p : tensor<?x?x?xf64>, tensor<?x?xf64>
}

// CHECK-LABEL: func.func @product_row
// CHECK:         %[[E:.*]] = memref.alloc(%n, %n, %n) : memref<?x?x?xf64>
// CHECK:         memref.store %v, %[[E]][%c0, %c0, %c0] : memref<?x?x?xf64>
// CHECK:         %[[ROW:.*]] = "sj.buffer_row"(%[[E]], %t) : (memref<?x?x?xf64>, index) -> memref<?x?xf64>
// CHECK:         %[[COPY:.*]] = memref.alloc
// CHECK:         "memref.copy"(%[[E]], %[[COPY]])
// CHECK-NEXT:    memref.store %v, %[[COPY]][%t, %c0, %c0] : memref<?x?x?xf64>
// CHECK:         func.call @scanjit_gemm_f64(%[[ROW]], %w, %{{.*}}, %m, %m, %m, %m)
// CHECK-NEXT:    memref.dealloc %[[E]] : memref<?x?x?xf64>
// CHECK-NEXT:    func.return %[[COPY]], %{{.*}} : memref<?x?x?xf64>, memref<?x?xf64>
