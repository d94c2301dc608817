// RUN: scanjit-opt %s -p outline-parallel-loops | filecheck %s

// A map: step i reads row i of %x (and of %out, after writing it) and writes row i of %out.
func.func @map(%x: memref<?x2xf64>, %s: f64) -> memref<?x2xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %two = arith.constant 2.0 : f64
  %n = memref.dim %x, %c0 : memref<?x2xf64>
  %out = memref.alloc(%n) : memref<?x2xf64>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i, %c1] : memref<?x2xf64>
    %w = arith.mulf %v, %two : f64
    %y = arith.addf %w, %s : f64
    memref.store %y, %out[%i, %c0] : memref<?x2xf64>
    %again = memref.load %out[%i, %c0] : memref<?x2xf64>
    memref.store %again, %out[%i, %c1] : memref<?x2xf64>
  }
  func.return %out : memref<?x2xf64>
}

// The loop becomes a call of a function over [lo, hi); values from outside are
// its arguments, constants are copied into it.
// CHECK-LABEL: func.func @map(
// CHECK:         %out = memref.alloc(%n) : memref<?x2xf64>
// CHECK-NEXT:    sj.parallel_for @map_loop0(%c0, %n) captures(%x, %s, %out) grain 16384 : i64 : memref<?x2xf64>, f64, memref<?x2xf64>
// CHECK-NEXT:    func.return %out
// CHECK:       func.func private @map_loop0(%lo: index, %hi: index, %x: memref<?x2xf64>, %s: f64, %out: memref<?x2xf64>) {
// CHECK-NEXT:    %c1 = arith.constant 1 : index
// CHECK-NEXT:    %two = arith.constant 2.000000e+00 : f64
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    %[[STEP:.*]] = arith.constant 1 : index
// CHECK-NEXT:    scf.for %i = %lo to %hi step %[[STEP]] {
// CHECK-NEXT:      %v = memref.load %x[%i, %c1] : memref<?x2xf64>
// CHECK-NEXT:      %w = arith.mulf %v, %two : f64
// CHECK-NEXT:      %y = arith.addf %w, %s : f64
// CHECK-NEXT:      memref.store %y, %out[%i, %c0] : memref<?x2xf64>
// CHECK-NEXT:      %again = memref.load %out[%i, %c0] : memref<?x2xf64>
// CHECK-NEXT:      memref.store %again, %out[%i, %c1] : memref<?x2xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return
// CHECK-NEXT:  }

// Not maps: each loop below stays as it is.

// Step i reads row i - 1 of the buffer it writes.
func.func @recurrence(%x: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c1 to %n step %c1 {
    %p = arith.subi %i, %c1 : index
    %prev = memref.load %out[%p] : memref<?xf64>
    %v = memref.load %x[%i] : memref<?xf64>
    %y = arith.addf %prev, %v : f64
    memref.store %y, %out[%i] : memref<?xf64>
  }
  func.return %out : memref<?xf64>
}
// CHECK-LABEL: func.func @recurrence(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

// A value carried from step to step.
func.func @carried(%x: memref<?xf64>) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %n = memref.dim %x, %c0 : memref<?xf64>
  %sum = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f64) {
    %v = memref.load %x[%i] : memref<?xf64>
    %next = arith.addf %acc, %v : f64
    scf.yield %next : f64
  }
  func.return %sum : f64
}
// CHECK-LABEL: func.func @carried(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

// A step that can fail (its error would depend on which thread fails first).
func.func @checked(%x: memref<?xf64>, %ok: i1) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    cf.assert %ok, "ValueError: no"
    %v = memref.load %x[%i] : memref<?xf64>
    memref.store %v, %out[%i] : memref<?xf64>
  }
  func.return %out : memref<?xf64>
}
// CHECK-LABEL: func.func @checked(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

// A read through another view of the buffer written.
func.func @view() -> memref<4xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %out = memref.alloc() : memref<4xf64>
  %alias = "memref.cast"(%out) : (memref<4xf64>) -> memref<?xf64>
  scf.for %i = %c0 to %c3 step %c1 {
    %p = arith.addi %i, %c1 : index
    %v = memref.load %alias[%p] : memref<?xf64>
    memref.store %v, %out[%i] : memref<4xf64>
  }
  func.return %out : memref<4xf64>
}
// CHECK-LABEL: func.func @view(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

// Steps of 2; a write into an argument; a loop inside a loop; 3 steps (fewer
// than two parts of 16384).
func.func @others(%x: memref<?xf64>, %m: memref<?x?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c2 {
    %v = memref.load %x[%i] : memref<?xf64>
    memref.store %v, %out[%i] : memref<?xf64>
  }
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %out[%i] : memref<?xf64>
    memref.store %v, %x[%i] : memref<?xf64>
  }
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %n step %c1 {
      %v = memref.load %m[%i, %j] : memref<?x?xf64>
      memref.store %v, %out[%j] : memref<?xf64>
    }
  }
  %c3 = arith.constant 3 : index
  scf.for %i = %c0 to %c3 step %c1 {
    %v = memref.load %x[%i] : memref<?xf64>
    memref.store %v, %out[%i] : memref<?xf64>
  }
  func.return %out : memref<?xf64>
}
// CHECK-LABEL: func.func @others(
// CHECK-NOT:     sj.parallel_for
// CHECK:         func.return
