// RUN: scanjit-opt %s -p bufferize | filecheck %s

// A tensor.cast (specify_shape) is a memref.cast of the same buffer, which is
// then read-only: a write into the cast tensor copies it first, since the
// source may still be read.
func.func @cast(%x: tensor<?xf64>, %v: f64) -> (tensor<4xf64>, tensor<4xf64>) {
  %c0 = arith.constant 0 : index
  %r = tensor.cast %x : tensor<?xf64> to tensor<4xf64>
  %w = tensor.insert %v into %r[%c0] : tensor<4xf64>
  func.return %r, %w : tensor<4xf64>, tensor<4xf64>
}

// CHECK:      func.func @cast(%x: memref<?xf64>, %v: f64) -> (memref<4xf64>, memref<4xf64>) {
// CHECK:        %[[R:.*]] = "memref.cast"(%x) : (memref<?xf64>) -> memref<4xf64>
// CHECK:        %[[COPY:.*]] = memref.alloc() : memref<4xf64>
// CHECK:        "memref.copy"(%[[R]], %[[COPY]])
// CHECK:        memref.store %v, %[[COPY]][%{{.*}}] : memref<4xf64>
