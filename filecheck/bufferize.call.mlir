// RUN: scanjit-opt %s -p bufferize | filecheck %s

// sj.call becomes a func.call of an external declaration taking the buffer
// it writes; its written result is that buffer, its scalar result the call's.
func.func @call(%rng: !llvm.ptr, %n: index) -> (tensor<?xi64>, f64) {
  %e = tensor.empty(%n) : tensor<?xi64>
  %r:2 = "sj.call"(%rng, %e) <{callee = "draw", writes = array<i64: 1>}> : (!llvm.ptr, tensor<?xi64>) -> (tensor<?xi64>, f64)
  func.return %r#0, %r#1 : tensor<?xi64>, f64
}

// A written argument is copied first; a second call of the same callee
// reuses the declaration.
func.func @call_on_argument(%rng: !llvm.ptr, %x: tensor<?xi64>) -> tensor<?xi64> {
  %r:2 = "sj.call"(%rng, %x) <{callee = "draw", writes = array<i64: 1>}> : (!llvm.ptr, tensor<?xi64>) -> (tensor<?xi64>, f64)
  func.return %r#0 : tensor<?xi64>
}

// CHECK-LABEL: func.func @call(%rng: !llvm.ptr, %n: index) -> (memref<?xi64>, f64) {
// CHECK:         %e = memref.alloc(%n) : memref<?xi64>
// CHECK-NOT:     memref.copy
// CHECK:         %r = func.call @draw(%rng, %e) : (!llvm.ptr, memref<?xi64>) -> f64
// CHECK-NEXT:    func.return %e, %r : memref<?xi64>, f64

// CHECK-LABEL: func.func @call_on_argument(%rng: !llvm.ptr, %x: memref<?xi64>) -> memref<?xi64> {
// CHECK:         %[[COPY:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
// CHECK:         "memref.copy"(%x, %[[COPY]]) : (memref<?xi64>, memref<?xi64>) -> ()
// CHECK-NEXT:    %{{.*}} = func.call @draw(%rng, %[[COPY]]) : (!llvm.ptr, memref<?xi64>) -> f64
// CHECK-NEXT:    func.return %[[COPY]] : memref<?xi64>

// CHECK:         func.func private @draw(!llvm.ptr, memref<?xi64>) -> f64
// CHECK-NOT:     func.func private @draw
