// RUN: scanjit-opt %s -p bufferize | filecheck %s

// A loop filling a fresh tensor: the inserts store into the tensor.empty's
// buffer in place, the loop carries no memref, and the returned buffer is
// the caller's (not freed).
func.func @in_place(%n: index, %v: f64) -> tensor<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e = tensor.empty(%n) : tensor<?xf64>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %e) -> (tensor<?xf64>) {
    %t = tensor.insert %v into %acc[%i] : tensor<?xf64>
    scf.yield %t : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @in_place(%n: index, %v: f64) -> memref<?xf64> {
// CHECK-NOT:     tensor
// CHECK:         %e = memref.alloc(%n) : memref<?xf64>
// CHECK-NOT:     memref.copy
// CHECK:         scf.for %i = %c0 to %n step %c1 {
// CHECK-NEXT:      memref.store %v, %e[%i] : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %e : memref<?xf64>
// CHECK-NOT:     memref.dealloc

// Scalar iter_args stay; only the tensor one is dropped.
func.func @mixed_iter_args(%n: index, %v: i64) -> (tensor<?xi64>, i64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0 : i64
  %e = tensor.empty(%n) : tensor<?xi64>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%s = %zero, %acc = %e) -> (i64, tensor<?xi64>) {
    %t = tensor.insert %s into %acc[%i] : tensor<?xi64>
    %s2 = arith.addi %s, %v : i64
    scf.yield %s2, %t : i64, tensor<?xi64>
  }
  func.return %r#1, %r#0 : tensor<?xi64>, i64
}

// CHECK-LABEL: func.func @mixed_iter_args(%n: index, %v: i64) -> (memref<?xi64>, i64) {
// CHECK:         %e = memref.alloc(%n) : memref<?xi64>
// CHECK:         %r = scf.for %i = %c0 to %n step %c1 iter_args(%s = %zero) -> (i64) {
// CHECK-NEXT:      memref.store %s, %e[%i] : memref<?xi64>
// CHECK-NEXT:      %s2 = arith.addi %s, %v : i64
// CHECK-NEXT:      scf.yield %s2 : i64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %e, %r : memref<?xi64>, i64

// A loop body yielding another tensor than its iter_arg: that buffer is
// copied into the loop's own one, then freed.
func.func @yield_other(%n: index, %v: f64) -> tensor<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e = tensor.empty(%n) : tensor<?xf64>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %e) -> (tensor<?xf64>) {
    %fresh = tensor.empty(%n) : tensor<?xf64>
    %t = tensor.insert %v into %fresh[%i] : tensor<?xf64>
    scf.yield %t : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @yield_other
// CHECK:         %e = memref.alloc(%n) : memref<?xf64>
// CHECK:         %fresh = memref.alloc(%n) {scanjit.step_local} : memref<?xf64>
// CHECK:         scf.for %i = %c0 to %n step %c1 {
// CHECK-NEXT:      memref.store %v, %fresh[%i] : memref<?xf64>
// CHECK-NEXT:      "memref.copy"(%fresh, %e) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    memref.dealloc %fresh : memref<?xf64>
// CHECK-NEXT:    func.return %e : memref<?xf64>
