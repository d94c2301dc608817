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
// its arguments, constants are copied into it. A part has at least 16384
// steps (a step of this loop is one iteration): max(16384 / 1, 1), folded.
// CHECK-LABEL: func.func @map(
// CHECK:         %out = memref.alloc(%n) : memref<?x2xf64>
// CHECK-NEXT:    arith.constant 1 : index
// CHECK-NEXT:    arith.constant 16384 : index
// CHECK-NEXT:    arith.constant 16384 : index
// CHECK-NEXT:    arith.constant 1 : index
// CHECK-NEXT:    %[[GRAIN:.*]] = arith.constant 16384 : index
// CHECK-NEXT:    sj.parallel_for @map_loop0(%c0, %n) grain %[[GRAIN]] captures(%x, %s, %out) : memref<?x2xf64>, f64, memref<?x2xf64>
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

// A map over rows: a column loop and a row sum in each step, after two checks
// that are the same at every step.
func.func @rows(%m: memref<?x?xf64>, %w: memref<?xf64>, %same: i1, %fits: i1) -> (memref<?x?xf64>, memref<?xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %n = memref.dim %m, %c0 : memref<?x?xf64>
  %k = memref.dim %m, %c1 : memref<?x?xf64>
  %out = memref.alloc(%n, %k) : memref<?x?xf64>
  %sums = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    sj.check %same, "ValueError: shapes differ"
    sj.check %fits, "ValueError: too long"
    scf.for %j = %c0 to %k step %c1 {
      %v = memref.load %m[%i, %j] : memref<?x?xf64>
      %u = memref.load %w[%j] : memref<?xf64>
      %p = arith.mulf %v, %u : f64
      memref.store %p, %out[%i, %j] : memref<?x?xf64>
    }
    %sum = scf.for %j = %c0 to %k step %c1 iter_args(%acc = %zero) -> (f64) {
      %v = memref.load %out[%i, %j] : memref<?x?xf64>
      %next = arith.addf %acc, %v : f64
      scf.yield %next : f64
    }
    memref.store %sum, %sums[%i] : memref<?xf64>
  }
  func.return %out, %sums : memref<?x?xf64>, memref<?xf64>
}

// The checks move in front of the loop, in order, and pass when it runs no
// step. A part has 16384 column iterations' worth of steps: 16384 / (1 + 2k).
// CHECK-LABEL: func.func @rows(
// CHECK:         %[[RUNS:.*]] = arith.cmpi slt, %c0, %n : index
// CHECK-NEXT:    %[[TRUE:.*]] = arith.constant true
// CHECK-NEXT:    %[[IDLE:.*]] = arith.xori %[[RUNS]], %[[TRUE]] : i1
// CHECK-NEXT:    %[[OK1:.*]] = arith.ori %same, %[[IDLE]] : i1
// CHECK-NEXT:    sj.check %[[OK1]], "ValueError: shapes differ"
// CHECK-NEXT:    %[[OK2:.*]] = arith.ori %fits, %[[IDLE]] : i1
// CHECK-NEXT:    sj.check %[[OK2]], "ValueError: too long"
// CHECK:         %[[T1:.*]] = arith.subi %k, %c0 : index
// CHECK:         %[[T2:.*]] = arith.subi %k, %c0 : index
// CHECK:         %[[G:.*]] = arith.constant 16384 : index
// CHECK-NEXT:    %[[STEPS:.*]] = arith.divui %[[G]], %{{.*}} : index
// CHECK:         sj.parallel_for @rows_loop0(%c0, %n) grain %{{.*}} captures(%k, %m, %w, %out, %sums)
// CHECK:       func.func private @rows_loop0(%lo: index, %hi: index, %k: index, %m: memref<?x?xf64>, %w: memref<?xf64>, %out: memref<?x?xf64>, %sums: memref<?xf64>) {
// CHECK:         scf.for %i = %lo to %hi step %{{.*}} {
// CHECK-NOT:       sj.check
// CHECK:           scf.for %j = %c0 to %k step %c1 {
// CHECK:           %sum = scf.for %j{{.*}} = %c0 to %k step %c1 iter_args(%acc = %zero) -> (f64) {
// CHECK:           memref.store %sum, %sums[%i] : memref<?xf64>

// A temporary of the step (bufferize moved its allocation out of the loop and
// marked it): each part allocates its own, and the one before the loop goes.
func.func @temporary(%x: memref<?xf64>, %k: index) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  %tmp = memref.alloc(%k) {scanjit.step_local} : memref<?xf64>
  %address = "memref.extract_aligned_pointer_as_index"(%tmp) : (memref<?xf64>) -> index
  %allocated = arith.cmpi ne, %address, %c0 : index
  sj.check %allocated, "MemoryError: cannot allocate"
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf64>
    memref.store %v, %tmp[%c0] : memref<?xf64>
    %w = memref.load %tmp[%c0] : memref<?xf64>
    memref.store %w, %out[%i] : memref<?xf64>
  }
  memref.dealloc %tmp : memref<?xf64>
  func.return %out : memref<?xf64>
}
// CHECK-LABEL: func.func @temporary(
// CHECK-NOT:     memref.alloc(%k)
// CHECK:         %out = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    %address = arith.constant 1 : index
// CHECK-NEXT:    %allocated = arith.cmpi ne, %address, %c0 : index
// CHECK-NEXT:    sj.check %allocated, "MemoryError: cannot allocate"
// CHECK:         sj.parallel_for @temporary_loop0(%c0, %n) grain %{{.*}} captures(%x, %out, %k)
// CHECK-NOT:     memref.dealloc
// CHECK:         func.return %out
// CHECK:       func.func private @temporary_loop0(%lo: index, %hi: index, %x: memref<?xf64>, %out: memref<?xf64>, %k: index) {
// CHECK:         %[[TMP:.*]] = memref.alloc(%k) : memref<?xf64>
// CHECK:         sj.check %{{.*}}, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
// CHECK:         scf.for %i = %lo to %hi step %{{.*}} {
// CHECK-NEXT:      %v = memref.load %x[%i] : memref<?xf64>
// CHECK-NEXT:      memref.store %v, %[[TMP]][%c0] : memref<?xf64>
// CHECK-NEXT:      %w = memref.load %[[TMP]][%c0] : memref<?xf64>
// CHECK-NEXT:      memref.store %w, %out[%i] : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    memref.dealloc %[[TMP]] : memref<?xf64>
// CHECK-NEXT:    func.return

// A product per step (a dense layer over rows): the runtime's scanjit_dot
// reads %x's row copy and %w and writes only a temporary of the step.
func.func @product(%x: memref<?x?xf64>, %w: memref<?x?xf64>, %k: index, %k64: i64, %n64: i64) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1 : i64
  %n = memref.dim %x, %c0 : memref<?x?xf64>
  %out = memref.alloc(%n, %k) : memref<?x?xf64>
  %row = memref.alloc(%k) {scanjit.step_local} : memref<?xf64>
  %tmp = memref.alloc(%k) {scanjit.step_local} : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %k step %c1 {
      %v = memref.load %x[%i, %j] : memref<?x?xf64>
      memref.store %v, %row[%j] : memref<?xf64>
    }
    func.call @scanjit_dot_f64(%row, %w, %tmp, %one, %n64, %k64) : (memref<?xf64>, memref<?x?xf64>, memref<?xf64>, i64, i64, i64) -> ()
    scf.for %j = %c0 to %k step %c1 {
      %y = memref.load %tmp[%j] : memref<?xf64>
      memref.store %y, %out[%i, %j] : memref<?x?xf64>
    }
  }
  memref.dealloc %row : memref<?xf64>
  memref.dealloc %tmp : memref<?xf64>
  func.return %out : memref<?x?xf64>
}
func.func private @scanjit_dot_f64(memref<?xf64>, memref<?x?xf64>, memref<?xf64>, i64, i64, i64)
// CHECK-LABEL: func.func @product(
// CHECK:         sj.parallel_for @product_loop0(%c0, %n) grain %{{.*}} captures(%k, %x, %w, %n64, %k64, %out)
// CHECK:       func.func private @product_loop0(
// CHECK:         %[[ROW:.*]] = memref.alloc(%k) : memref<?xf64>
// CHECK:         %[[TMP:.*]] = memref.alloc(%k) : memref<?xf64>
// CHECK:         scf.for %i = %lo to %hi
// CHECK:           func.call @scanjit_dot_f64(%[[ROW]], %w, %[[TMP]], %one, %n64, %k64)

// The same product reading %x's row where it lies (sj.buffer_row): its
// buffer %x, an argument, is only read.
func.func @product_of_a_row(%x: memref<?x?xf64>, %w: memref<?x?xf64>, %k: index, %k64: i64, %n64: i64) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1 : i64
  %n = memref.dim %x, %c0 : memref<?x?xf64>
  %out = memref.alloc(%n, %k) : memref<?x?xf64>
  %tmp = memref.alloc(%k) {scanjit.step_local} : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %row = "sj.buffer_row"(%x, %i) : (memref<?x?xf64>, index) -> memref<?xf64>
    func.call @scanjit_dot_f64(%row, %w, %tmp, %one, %n64, %k64) : (memref<?xf64>, memref<?x?xf64>, memref<?xf64>, i64, i64, i64) -> ()
    scf.for %j = %c0 to %k step %c1 {
      %y = memref.load %tmp[%j] : memref<?xf64>
      memref.store %y, %out[%i, %j] : memref<?x?xf64>
    }
  }
  memref.dealloc %tmp : memref<?xf64>
  func.return %out : memref<?x?xf64>
}
// CHECK-LABEL: func.func @product_of_a_row(
// CHECK:         sj.parallel_for @product_of_a_row_loop0(
// CHECK:       func.func private @product_of_a_row_loop0(
// CHECK:           "sj.buffer_row"(%x, %i)

// Not maps: each loop below stays as it is.

// A product writing a buffer all steps share is not independent.
func.func @shared_product(%x: memref<?xf64>, %w: memref<?x?xf64>, %n64: i64) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1 : i64
  %n = memref.dim %x, %c0 : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    func.call @scanjit_dot_f64(%x, %w, %out, %one, %n64, %n64) : (memref<?xf64>, memref<?x?xf64>, memref<?xf64>, i64, i64, i64) -> ()
  }
  func.return %out : memref<?xf64>
}
// CHECK-LABEL: func.func @shared_product(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for


// A product reading the row of %out that the step before wrote: its
// buffer is written by the loop, so the steps depend on each other.
func.func @product_of_a_written_row(%x: memref<?x?xf64>, %w: memref<?x?xf64>, %k: index, %k64: i64) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1 : i64
  %n = memref.dim %x, %c0 : memref<?x?xf64>
  %out = memref.alloc(%n, %k) : memref<?x?xf64>
  %tmp = memref.alloc(%k) {scanjit.step_local} : memref<?xf64>
  scf.for %i = %c1 to %n step %c1 {
    %before = arith.subi %i, %c1 : index
    %row = "sj.buffer_row"(%out, %before) : (memref<?x?xf64>, index) -> memref<?xf64>
    func.call @scanjit_dot_f64(%row, %w, %tmp, %one, %k64, %k64) : (memref<?xf64>, memref<?x?xf64>, memref<?xf64>, i64, i64, i64) -> ()
    scf.for %j = %c0 to %k step %c1 {
      %y = memref.load %tmp[%j] : memref<?xf64>
      memref.store %y, %out[%i, %j] : memref<?x?xf64>
    }
  }
  memref.dealloc %tmp : memref<?xf64>
  func.return %out : memref<?x?xf64>
}
// CHECK-LABEL: func.func @product_of_a_written_row(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

// The same through another view of %out (a cast of it, whose row the call reads).
func.func @product_of_a_written_row_through_a_view(%x: memref<?x?xf64>, %w: memref<?x?xf64>, %k: index, %k64: i64) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1 : i64
  %n = memref.dim %x, %c0 : memref<?x?xf64>
  %out = memref.alloc(%n, %k) : memref<?x?xf64>
  %alias = "memref.cast"(%out) : (memref<?x?xf64>) -> memref<?x?xf64>
  %tmp = memref.alloc(%k) {scanjit.step_local} : memref<?xf64>
  scf.for %i = %c1 to %n step %c1 {
    %before = arith.subi %i, %c1 : index
    %row = "sj.buffer_row"(%alias, %before) : (memref<?x?xf64>, index) -> memref<?xf64>
    func.call @scanjit_dot_f64(%row, %w, %tmp, %one, %k64, %k64) : (memref<?xf64>, memref<?x?xf64>, memref<?xf64>, i64, i64, i64) -> ()
    scf.for %j = %c0 to %k step %c1 {
      %y = memref.load %tmp[%j] : memref<?xf64>
      memref.store %y, %out[%i, %j] : memref<?x?xf64>
    }
  }
  memref.dealloc %tmp : memref<?xf64>
  func.return %out : memref<?x?xf64>
}
// CHECK-LABEL: func.func @product_of_a_written_row_through_a_view(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

// A buffer only the loop uses, but not marked as the step's: step i may read
// what step i - 1 wrote (here %last carries a value from step to step).
func.func @unmarked(%x: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  %last = memref.alloc(%c1) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %prev = memref.load %last[%c0] : memref<?xf64>
    memref.store %prev, %out[%i] : memref<?xf64>
    %v = memref.load %x[%i] : memref<?xf64>
    memref.store %v, %last[%c0] : memref<?xf64>
  }
  memref.dealloc %last : memref<?xf64>
  func.return %out : memref<?xf64>
}
// CHECK-LABEL: func.func @unmarked(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

// A marked temporary that is read after the loop: it is shared, not the step's.
func.func @kept(%x: memref<?xf64>, %k: index) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %tmp = memref.alloc(%k) {scanjit.step_local} : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf64>
    memref.store %v, %tmp[%c0] : memref<?xf64>
  }
  %last = memref.load %tmp[%c0] : memref<?xf64>
  memref.dealloc %tmp : memref<?xf64>
  func.return %last : f64
}
// CHECK-LABEL: func.func @kept(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

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

// A check that depends on the step (which step fails first would depend on the threads).
func.func @checked(%x: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %n = memref.dim %x, %c0 : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf64>
    %positive = arith.cmpf ogt, %v, %zero : f64
    sj.check %positive, "ValueError: not positive"
    memref.store %v, %out[%i] : memref<?xf64>
  }
  func.return %out : memref<?xf64>
}
// CHECK-LABEL: func.func @checked(
// CHECK-NOT:     sj.parallel_for
// CHECK:         scf.for

// A read through another view of the buffer written.
func.func @view(%n: index) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = arith.subi %n, %c1 : index
  %out = memref.alloc(%n) : memref<?xf64>
  %alias = "memref.cast"(%out) : (memref<?xf64>) -> memref<?xf64>
  scf.for %i = %c0 to %m step %c1 {
    %p = arith.addi %i, %c1 : index
    %v = memref.load %alias[%p] : memref<?xf64>
    memref.store %v, %out[%i] : memref<?xf64>
  }
  func.return %out : memref<?xf64>
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

// A step may read a constant (a read-only global): the part reads the global
// itself.
"memref.global"() <{sym_name = "__constant_0", type = memref<4xf64>, initial_value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf64>, sym_visibility = "private", constant}> : () -> ()

func.func @reads_constant(%n: index) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %k = memref.get_global @__constant_0 : memref<4xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %k[%c3] : memref<4xf64>
    memref.store %v, %out[%i] : memref<?xf64>
  }
  func.return %out : memref<?xf64>
}

// CHECK-LABEL: func.func @reads_constant(
// CHECK:         sj.parallel_for @reads_constant_loop0(%c0, %n) grain %{{.*}} captures(%out) : memref<?xf64>
// CHECK:       func.func private @reads_constant_loop0(%lo: index, %hi: index, %out: memref<?xf64>) {
// CHECK-NEXT:    %k = memref.get_global @__constant_0 : memref<4xf64>
// CHECK-NEXT:    %c3 = arith.constant 3 : index
// CHECK:         scf.for %i = %lo to %hi step %{{.*}} {
// CHECK-NEXT:      %v = memref.load %k[%c3] : memref<4xf64>

// In a scan's step (a loop whose steps depend on each other): a batched
// cell's gates, rows of tanh whose row i reads row i of the state's row t and
// writes row i of its row t + 1. The loop over rows runs in parts, with a
// grain weighted by its scalar functions (1 + 8 per tanh).
func.func @gates(%x: memref<?x?x?xf64>, %h0: memref<?x?xf64>, %n: index, %b: index, %k: index) -> memref<?x?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %h = memref.alloc(%rows, %b, %k) : memref<?x?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %i = %c0 to %b step %c1 {
      scf.for %j = %c0 to %k step %c1 {
        %p = memref.load %h[%t, %i, %j] : memref<?x?x?xf64>
        %v = memref.load %x[%t, %i, %j] : memref<?x?x?xf64>
        %s = arith.addf %p, %v : f64
        %y = math.tanh %s : f64
        memref.store %y, %h[%next, %i, %j] : memref<?x?x?xf64>
      }
    }
  }
  func.return %h : memref<?x?x?xf64>
}
// CHECK-LABEL: func.func @gates(
// CHECK:         scf.for %t = %c0 to %n step %c1 {
// CHECK-NEXT:      %next = arith.addi %t, %c1 : index
// CHECK:           %[[WORK:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK-NEXT:      %[[NINE:.*]] = arith.constant 9 : index
// CHECK-NEXT:      %[[WEIGHTED:.*]] = arith.muli %[[WORK]], %[[NINE]] : index
// CHECK-NEXT:      %[[G:.*]] = arith.constant 16384 : index
// CHECK-NEXT:      %[[PER:.*]] = arith.divui %[[G]], %[[WEIGHTED]] : index
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:      %[[GRAIN:.*]] = arith.maxui %[[PER]], %[[ONE]] : index
// CHECK-NEXT:      sj.parallel_for @gates_loop0(%c0, %b) grain %[[GRAIN]] captures(%k, %h, %t, %x, %next)
// CHECK-NEXT:    }
// CHECK:       func.func private @gates_loop0(%lo: index, %hi: index, %k: index, %h: memref<?x?x?xf64>, %t: index, %x: memref<?x?x?xf64>, %next: index) {
// CHECK:         scf.for %i = %lo to %hi step %{{.*}} {
// CHECK-NEXT:      scf.for %j = %c0 to %k step %c1 {
// CHECK:             %y = math.tanh %s : f64
// CHECK-NEXT:        memref.store %y, %h[%next, %i, %j] : memref<?x?x?xf64>

// Not maps in a step: row i also reads row i + 1 of the row it writes; no
// scalar function (not worth parts); a read through a view of the buffer
// written; a loop over rows of single values (no inner loop).
func.func @not_in_step(%x: memref<?x?x?xf64>, %n: index, %b: index, %k: index) -> memref<?x?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %h = memref.alloc(%rows, %b, %k) : memref<?x?x?xf64>
  %flat = "memref.cast"(%h) : (memref<?x?x?xf64>) -> memref<?x?x?xf64>
  %last = arith.subi %b, %c1 : index
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %i = %c0 to %last step %c1 {
      %below = arith.addi %i, %c1 : index
      scf.for %j = %c0 to %k step %c1 {
        %p = memref.load %h[%next, %below, %j] : memref<?x?x?xf64>
        %y = math.tanh %p : f64
        memref.store %y, %h[%next, %i, %j] : memref<?x?x?xf64>
      }
    }
    scf.for %i = %c0 to %b step %c1 {
      scf.for %j = %c0 to %k step %c1 {
        %p = memref.load %h[%t, %i, %j] : memref<?x?x?xf64>
        %y = arith.addf %p, %p : f64
        memref.store %y, %h[%next, %i, %j] : memref<?x?x?xf64>
      }
    }
    scf.for %i = %c0 to %b step %c1 {
      scf.for %j = %c0 to %k step %c1 {
        %p = memref.load %flat[%t, %c0, %j] : memref<?x?x?xf64>
        %y = math.tanh %p : f64
        memref.store %y, %h[%next, %i, %j] : memref<?x?x?xf64>
      }
    }
    scf.for %i = %c0 to %b step %c1 {
      %p = memref.load %h[%t, %i, %c0] : memref<?x?x?xf64>
      %y = math.tanh %p : f64
      memref.store %y, %h[%next, %i, %c0] : memref<?x?x?xf64>
    }
  }
  func.return %h : memref<?x?x?xf64>
}
// CHECK-LABEL: func.func @not_in_step(
// CHECK-NOT:     sj.parallel_for
// CHECK:         func.return
