// RUN: scanjit-opt %s -p bufferize | filecheck %s

// A buffer read through a view (a tensor.cast to a more static type) is freed
// after the last read of the view, not after the cast itself.
func.func @f(%n: index) -> f64 {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.000000e+00 : f64
  %t = tensor.empty(%n) : tensor<?x3xf64>
  %w = tensor.insert %one into %t[%c0, %c0] : tensor<?x3xf64>
  %v = tensor.cast %w : tensor<?x3xf64> to tensor<2x3xf64>
  %x = tensor.extract %v[%c0, %c0] : tensor<2x3xf64>
  func.return %x : f64
}

// CHECK-LABEL: func.func @f
// CHECK:         %[[BUF:.*]] = memref.alloc(%n) : memref<?x3xf64>
// CHECK:         memref.store
// CHECK-NEXT:    %[[VIEW:.*]] = "memref.cast"(%[[BUF]]) : (memref<?x3xf64>) -> memref<2x3xf64>
// CHECK-NEXT:    %[[X:.*]] = memref.load %[[VIEW]][%{{.*}}, %{{.*}}] : memref<2x3xf64>
// CHECK-NEXT:    memref.dealloc %[[BUF]] : memref<?x3xf64>
// CHECK-NEXT:    func.return %[[X]] : f64
