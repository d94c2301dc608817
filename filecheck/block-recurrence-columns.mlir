// RUN: scanjit-opt %s -p block-recurrence-columns,outline-parallel-loops | filecheck %s

// A moving average over the columns of %x (bufferized): column j of the
// state depends on column j alone. The steps loop moves into a loop over as
// many blocks of columns as there are threads (fewer when the work is under
// GRAIN per block); its check runs once in front; outline-parallel-loops
// runs the blocks as parts, one block each.
func.func @moving_average(%x: memref<?x?xf64>, %n: index, %w: index, %a: f64) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %s = memref.alloc(%rows, %w) : memref<?x?xf64>
  %width = memref.dim %x, %c1 : memref<?x?xf64>
  %same = arith.cmpi eq, %width, %w : index
  scf.for %t = %c0 to %n step %c1 {
    sj.check %same, "ValueError: shape mismatch"
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %v = memref.load %x[%t, %j] : memref<?x?xf64>
      %prev = memref.load %s[%t, %j] : memref<?x?xf64>
      %new = arith.addf %v, %prev : f64
      memref.store %new, %s[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %s : memref<?x?xf64>
}

// CHECK-LABEL: func.func @moving_average
// CHECK:         sj.check %{{.*}}, "ValueError: shape mismatch"
// CHECK:         %[[THREADS:.*]] = func.call @scanjit_threads() : () -> i64
// CHECK:         arith.index_cast %[[THREADS]] : i64 to index
// CHECK:         %[[GRAIN:.*]] = arith.constant 16384 : index
// CHECK:         %[[LINE:.*]] = arith.constant 8 : index
// CHECK:         %[[LINES:.*]] = arith.divui %{{.*}}, %[[LINE]] : index
// CHECK-NEXT:    %[[ROUNDED:.*]] = arith.muli %[[LINES]], %[[LINE]] : index
// CHECK-NEXT:    %[[SIZE:.*]] = arith.maxui %[[ROUNDED]], %[[LINE]] : index
// CHECK:         sj.parallel_for @moving_average_loop0(%{{.*}}, %[[BLOCKS:.*]]) grain %{{.*}} captures
// CHECK-LABEL: func.func private @moving_average_loop0(%lo: index, %hi: index
// CHECK:         scf.for %[[B:.*]] = %lo to %hi step %{{.*}} {
// CHECK:           %[[FIRST:.*]] = arith.addi
// CHECK:           %[[LAST:.*]] = arith.minui
// CHECK:           scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NOT:         sj.check
// CHECK:             scf.for %{{.*}} = %[[FIRST]] to %[[LAST]] step %{{.*}} {
// CHECK:               memref.load
// CHECK:               memref.store

// Left alone: the step reads column 0 of the state (x + s[0]), so columns
// depend on each other.
func.func @reads_another_column(%x: memref<?x?xf64>, %n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %s = memref.alloc(%rows, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %v = memref.load %x[%t, %j] : memref<?x?xf64>
      %first = memref.load %s[%t, %c0] : memref<?x?xf64>
      %new = arith.addf %v, %first : f64
      memref.store %new, %s[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %s : memref<?x?xf64>
}

// CHECK-LABEL: func.func @reads_another_column
// CHECK-NOT:     scanjit_threads
// CHECK:         scf.for %t = %c0 to %n step %c1 {

// Left alone: the same, with column 0 read through another view of the state
// (a memref.cast), beside the step's own column.
func.func @reads_another_column_through_a_view(%x: memref<?x?xf64>, %n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %s = memref.alloc(%rows, %w) : memref<?x?xf64>
  %alias = "memref.cast"(%s) : (memref<?x?xf64>) -> memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %v = memref.load %s[%t, %j] : memref<?x?xf64>
      %first = memref.load %alias[%t, %c0] : memref<?x?xf64>
      %new = arith.addf %v, %first : f64
      memref.store %new, %s[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %s : memref<?x?xf64>
}

// CHECK-LABEL: func.func @reads_another_column_through_a_view
// CHECK-NOT:     scanjit_threads
// CHECK:         scf.for %t = %c0 to %n step %c1 {

// Left alone: steps that read nothing they wrote are independent as they
// are (outline-parallel-loops runs them on every core by steps).
func.func @independent_steps(%x: memref<?x?xf64>, %n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = memref.alloc(%n, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    scf.for %j = %c0 to %w step %c1 {
      %v = memref.load %x[%t, %j] : memref<?x?xf64>
      memref.store %v, %s[%t, %j] : memref<?x?xf64>
    }
  }
  func.return %s : memref<?x?xf64>
}

// CHECK-LABEL: func.func @independent_steps
// CHECK-NOT:     scanjit_threads
// CHECK:         sj.parallel_for @independent_steps_loop0(%c0, %n)

// Left alone: a column loop carrying a value (a sum over the row) mixes columns.
func.func @row_sum(%x: memref<?x?xf64>, %n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %rows = arith.addi %n, %c1 : index
  %s = memref.alloc(%rows, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    %sum = scf.for %j = %c0 to %w step %c1 iter_args(%acc = %zero) -> (f64) {
      %prev = memref.load %s[%t, %j] : memref<?x?xf64>
      %more = arith.addf %acc, %prev : f64
      memref.store %more, %s[%next, %j] : memref<?x?xf64>
      scf.yield %more : f64
    }
  }
  func.return %s : memref<?x?xf64>
}

// CHECK-LABEL: func.func @row_sum
// CHECK-NOT:     scanjit_threads
// CHECK:         scf.for %t = %c0 to %n step %c1 {

// The runtime's thread count, declared once.
// CHECK:       func.func private @scanjit_threads() -> i64
