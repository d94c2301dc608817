// RUN: scanjit-opt %s -p bufferize | filecheck %s

// A temporary is freed right after its last use in its block (the loop
// reading it), not at the end of the function.
func.func @temporary(%n: index, %v: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty(%n) : tensor<?xf64>
  %filled = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %e) -> (tensor<?xf64>) {
    %t = tensor.insert %v into %acc[%i] : tensor<?xf64>
    scf.yield %t : tensor<?xf64>
  }
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f64) {
    %x = tensor.extract %filled[%i] : tensor<?xf64>
    %y = arith.addf %acc, %x : f64
    scf.yield %y : f64
  }
  %twice = arith.addf %s, %s : f64
  func.return %twice : f64
}

// CHECK-LABEL: func.func @temporary
// CHECK:         %e = memref.alloc(%n) : memref<?xf64>
// CHECK:         scf.for %i = %c0 to %n step %c1 {
// CHECK-NEXT:      memref.store %v, %e[%i] : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    %s = scf.for %{{.*}} = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f64) {
// CHECK-NEXT:      %x = memref.load %e[%{{.*}}] : memref<?xf64>
// CHECK:         }
// CHECK-NEXT:    memref.dealloc %e : memref<?xf64>
// CHECK-NEXT:    %twice = arith.addf %s, %s : f64
// CHECK-NEXT:    func.return %twice : f64

// A buffer allocated in a loop body is freed in that body; the returned one is not freed.
func.func @per_iteration(%n: index, %m: index) -> tensor<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f64
  %out = tensor.empty(%n) : tensor<?xf64>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %out) -> (tensor<?xf64>) {
    %tmp = tensor.empty(%m) : tensor<?xf64>
    %w = tensor.insert %one into %tmp[%c0] : tensor<?xf64>
    %x = tensor.extract %w[%c0] : tensor<?xf64>
    %t = tensor.insert %x into %acc[%i] : tensor<?xf64>
    scf.yield %t : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}

// The temporary's size does not depend on the loop: it is allocated once,
// before the loop (marked as holding each step's own tensor), and freed after it.
// CHECK-LABEL: func.func @per_iteration
// CHECK:         %out = memref.alloc(%n) : memref<?xf64>
// CHECK:         %tmp = memref.alloc(%m) {scanjit.step_local} : memref<?xf64>
// CHECK:         scf.for %i = %c0 to %n step %c1 {
// CHECK-NEXT:      memref.store %one, %tmp[%c0] : memref<?xf64>
// CHECK-NEXT:      %x = memref.load %tmp[%c0] : memref<?xf64>
// CHECK-NEXT:      memref.store %x, %out[%i] : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    memref.dealloc %tmp : memref<?xf64>
// CHECK-NEXT:    func.return %out : memref<?xf64>
