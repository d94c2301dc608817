// RUN: scanjit-opt %s -p bufferize | filecheck %s

// The destination is read after the insert: the insert writes a copy.
func.func @read_after(%n: index, %v: f64, %w: f64, %i: index) -> (tensor<?xf64>, f64) {
  %e = tensor.empty(%n) : tensor<?xf64>
  %d = tensor.insert %w into %e[%i] : tensor<?xf64>
  %t = tensor.insert %v into %d[%i] : tensor<?xf64>
  %old = tensor.extract %d[%i] : tensor<?xf64>
  func.return %t, %old : tensor<?xf64>, f64
}

// CHECK-LABEL: func.func @read_after
// CHECK:         %e = memref.alloc(%n) : memref<?xf64>
// CHECK:         memref.store %w, %e[%i] : memref<?xf64>
// CHECK:         %[[N:.*]] = memref.dim %e, %{{.*}} : memref<?xf64>
// CHECK:         %t = memref.alloc(%[[N]]) : memref<?xf64>
// CHECK:         "memref.copy"(%e, %t) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:    memref.store %v, %t[%i] : memref<?xf64>
// CHECK-NEXT:    %old = memref.load %e[%i] : memref<?xf64>
// CHECK-NEXT:    memref.dealloc %e : memref<?xf64>
// CHECK-NEXT:    func.return %t, %old : memref<?xf64>, f64

// Two writers of one tensor.empty (as cse leaves them): the second gets a
// new buffer but nothing is copied, an empty tensor has no contents.
func.func @shared_empty(%n: index, %v: f64, %i: index) -> (tensor<?xf64>, tensor<?xf64>) {
  %e = tensor.empty(%n) : tensor<?xf64>
  %a = tensor.insert %v into %e[%i] : tensor<?xf64>
  %b = tensor.insert %v into %e[%i] : tensor<?xf64>
  func.return %a, %b : tensor<?xf64>, tensor<?xf64>
}

// CHECK-LABEL: func.func @shared_empty
// CHECK:         %e = memref.alloc(%n) : memref<?xf64>
// CHECK:         %a = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NOT:     memref.copy
// CHECK:         memref.store %v, %a[%i] : memref<?xf64>
// CHECK-NEXT:    memref.store %v, %e[%i] : memref<?xf64>
// CHECK-NEXT:    func.return %a, %e

// Function arguments are the caller's read-only arrays: writing into one
// writes a copy.
func.func @into_argument(%x: tensor<?xf64>, %v: f64, %i: index) -> tensor<?xf64> {
  %t = tensor.insert %v into %x[%i] : tensor<?xf64>
  func.return %t : tensor<?xf64>
}

// CHECK-LABEL: func.func @into_argument(%x: memref<?xf64>, %v: f64, %i: index) -> memref<?xf64> {
// CHECK:         %[[N:.*]] = memref.dim %x, %{{.*}} : memref<?xf64>
// CHECK:         %t = memref.alloc(%[[N]]) : memref<?xf64>
// CHECK:         "memref.copy"(%x, %t) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:    memref.store %v, %t[%i] : memref<?xf64>
// CHECK-NEXT:    func.return %t : memref<?xf64>

// A loop iterating on an argument copies it once, before the loop.
func.func @loop_on_argument(%x: tensor<?xf64>, %n: index, %v: f64) -> tensor<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> (tensor<?xf64>) {
    %t = tensor.insert %v into %acc[%i] : tensor<?xf64>
    scf.yield %t : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @loop_on_argument
// CHECK:         %[[COPY:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         "memref.copy"(%x, %[[COPY]]) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:    scf.for %i = %c0 to %n step %c1 {
// CHECK-NEXT:      memref.store %v, %[[COPY]][%i] : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[COPY]] : memref<?xf64>

// The loop's init tensor is read after the loop: the loop works on a copy.
func.func @init_read_after_loop(%n: index, %v: f64) -> (tensor<?xf64>, f64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e0 = tensor.empty(%n) : tensor<?xf64>
  %e = tensor.insert %v into %e0[%c0] : tensor<?xf64>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %e) -> (tensor<?xf64>) {
    %t = tensor.insert %v into %acc[%i] : tensor<?xf64>
    scf.yield %t : tensor<?xf64>
  }
  %old = tensor.extract %e[%c0] : tensor<?xf64>
  func.return %r, %old : tensor<?xf64>, f64
}

// CHECK-LABEL: func.func @init_read_after_loop
// CHECK:         %e0 = memref.alloc(%n) : memref<?xf64>
// CHECK:         %acc = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         "memref.copy"(%e0, %acc) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:    scf.for %i = %c0 to %n step %c1 {
// CHECK-NEXT:      memref.store %v, %acc[%i] : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    %old = memref.load %e0[%c0] : memref<?xf64>
// CHECK-NEXT:    memref.dealloc %e0 : memref<?xf64>
// CHECK-NEXT:    func.return %acc, %old : memref<?xf64>, f64

// Returning an argument, or one buffer twice, returns copies.
func.func @return_argument_twice(%x: tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>) {
  func.return %x, %x : tensor<?xf64>, tensor<?xf64>
}

// CHECK-LABEL: func.func @return_argument_twice(%x: memref<?xf64>) -> (memref<?xf64>, memref<?xf64>) {
// CHECK:         %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         "memref.copy"(%x, %[[A]]) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK:         %[[B:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         "memref.copy"(%x, %[[B]]) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:    func.return %[[A]], %[[B]] : memref<?xf64>, memref<?xf64>

func.func @return_buffer_twice(%n: index) -> (tensor<?xf64>, tensor<?xf64>) {
  %e = tensor.empty(%n) : tensor<?xf64>
  func.return %e, %e : tensor<?xf64>, tensor<?xf64>
}

// CHECK-LABEL: func.func @return_buffer_twice
// CHECK:         %e = memref.alloc(%n) : memref<?xf64>
// CHECK:         %[[B:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:         "memref.copy"(%e, %[[B]]) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:    func.return %e, %[[B]] : memref<?xf64>, memref<?xf64>
// CHECK-NOT:     memref.dealloc

// A loop reading row %t of its init while writing row %t + 1 (a scan step
// reading its tap) writes in place: the rows differ for every %t.
func.func @other_row(%m: tensor<?x?xf64>, %t: index, %n: index) -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e0 = tensor.empty(%n, %n) : tensor<?x?xf64>
  %e = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %e0) -> (tensor<?x?xf64>) {
    %z = arith.constant 0.0 : f64
    %w = tensor.insert %z into %acc[%c0, %i] : tensor<?x?xf64>
    scf.yield %w : tensor<?x?xf64>
  }
  %next = arith.addi %t, %c1 : index
  %r = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %e) -> (tensor<?x?xf64>) {
    %x = tensor.extract %e[%t, %j] : tensor<?x?xf64>
    %y = tensor.insert %x into %acc[%next, %j] : tensor<?x?xf64>
    scf.yield %y : tensor<?x?xf64>
  }
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @other_row
// CHECK:         %e0 = memref.alloc
// CHECK-NOT:     memref.copy
// CHECK:         scf.for %j = %c0 to %n step %c1 {
// CHECK-NEXT:      %x = memref.load %e0[%t, %j] : memref<?x?xf64>
// CHECK-NEXT:      memref.store %x, %e0[%next, %j] : memref<?x?xf64>

// Rows computed from the writing loop's own index (here %j - 1 and %j) are
// not in place: iteration %j would read what iteration %j - 1 wrote.
func.func @loop_carried_row(%n: index) -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cm1 = arith.constant -1 : index
  %e0 = tensor.empty(%n, %n) : tensor<?x?xf64>
  %e = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %e0) -> (tensor<?x?xf64>) {
    %z = arith.constant 0.0 : f64
    %w = tensor.insert %z into %acc[%i, %c0] : tensor<?x?xf64>
    scf.yield %w : tensor<?x?xf64>
  }
  %r = scf.for %j = %c1 to %n step %c1 iter_args(%acc = %e) -> (tensor<?x?xf64>) {
    %prev = arith.addi %j, %cm1 : index
    %x = tensor.extract %e[%prev, %c0] : tensor<?x?xf64>
    %y = tensor.insert %x into %acc[%j, %c0] : tensor<?x?xf64>
    scf.yield %y : tensor<?x?xf64>
  }
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @loop_carried_row
// CHECK:         "memref.copy"(%e0, %{{.*}})
// CHECK:         scf.for %j

// A scan step with taps: the column loop writes row t + 2 of the state, and
// a later loop (a per-step output) reads row t + 1 of the state as it was.
// The row read is not one the loop writes: the loop writes in place, with
// no copy of the whole state at every step.
func.func @later_read_of_another_row(%n: index, %t: index, %w: index, %v: f64) -> (tensor<?x?xf64>, f64) {
  %s = tensor.empty(%n, %w) : tensor<?x?xf64>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %row = arith.addi %t, %c2 : index
  %prev = arith.addi %t, %c1 : index
  %new = scf.for %j = %c0 to %w step %c1 iter_args(%acc = %s) -> (tensor<?x?xf64>) {
    %u = tensor.insert %v into %acc[%row, %j] : tensor<?x?xf64>
    scf.yield %u : tensor<?x?xf64>
  }
  %old = tensor.extract %s[%prev, %c0] : tensor<?x?xf64>
  func.return %new, %old : tensor<?x?xf64>, f64
}

// CHECK-LABEL: func.func @later_read_of_another_row
// CHECK:         %s = memref.alloc(%n, %w) : memref<?x?xf64>
// CHECK-NOT:     memref.copy
// CHECK:         scf.for %j = %c0 to %w step %c1 {
// CHECK-NEXT:      memref.store %v, %s[%row, %j] : memref<?x?xf64>
// CHECK:         %old = memref.load %s[%prev, %c0] : memref<?x?xf64>
// CHECK-NEXT:    func.return %s, %old

// The same with a later read of the row the loop writes: the loop writes
// another buffer (a copy, but of an empty tensor, which has no contents).
func.func @later_read_of_the_written_row(%n: index, %t: index, %w: index, %v: f64) -> (tensor<?x?xf64>, f64) {
  %s = tensor.empty(%n, %w) : tensor<?x?xf64>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %row = arith.addi %t, %c2 : index
  %new = scf.for %j = %c0 to %w step %c1 iter_args(%acc = %s) -> (tensor<?x?xf64>) {
    %u = tensor.insert %v into %acc[%row, %j] : tensor<?x?xf64>
    scf.yield %u : tensor<?x?xf64>
  }
  %old = tensor.extract %s[%row, %c0] : tensor<?x?xf64>
  func.return %new, %old : tensor<?x?xf64>, f64
}

// CHECK-LABEL: func.func @later_read_of_the_written_row
// CHECK:         %s = memref.alloc(%n, %w) : memref<?x?xf64>
// CHECK:         %acc = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf64>
// CHECK:         scf.for %j = %c0 to %w step %c1 {
// CHECK-NEXT:      memref.store %v, %acc[%row, %j] : memref<?x?xf64>
// CHECK:         %old = memref.load %s[%row, %c0] : memref<?x?xf64>

// In a loop, a write's own buffer sized like one from outside the loop (a
// tensor.empty the step's gemm output and elementwise loop share, as cse
// leaves them; a copy of a tensor defined outside) is allocated once before
// the loop, marked step-local, and freed after it; the copy's contents are
// still copied at each step.
func.func @write_buffers_in_loop(%x: tensor<?xf64>, %n: index, %v: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f64
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%s = %z) -> (f64) {
    %e = tensor.empty(%n) : tensor<?xf64>
    %a = tensor.insert %v into %e[%i] : tensor<?xf64>
    %b = tensor.insert %v into %e[%c0] : tensor<?xf64>
    %c = tensor.insert %v into %x[%i] : tensor<?xf64>
    %p = tensor.extract %a[%c0] : tensor<?xf64>
    %q = tensor.extract %b[%i] : tensor<?xf64>
    %u = tensor.extract %c[%c0] : tensor<?xf64>
    %pq = arith.addf %p, %q : f64
    %pqu = arith.addf %pq, %u : f64
    %t = arith.addf %s, %pqu : f64
    scf.yield %t : f64
  }
  func.return %r : f64
}

// CHECK-LABEL: func.func @write_buffers_in_loop
// CHECK:         %e = memref.alloc(%n) {scanjit.step_local} : memref<?xf64>
// CHECK:         %[[A:.*]] = memref.alloc(%{{.*}}) {scanjit.step_local} : memref<?xf64>
// CHECK:         %[[C:.*]] = memref.alloc(%{{.*}}) {scanjit.step_local} : memref<?xf64>
// CHECK:         %r = scf.for
// CHECK-NOT:       memref.alloc
// CHECK-NOT:       memref.dealloc
// CHECK:           memref.store %v, %[[A]][%i] : memref<?xf64>
// CHECK-NEXT:      memref.store %v, %e[%c0] : memref<?xf64>
// CHECK-NEXT:      "memref.copy"(%x, %[[C]]) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:      memref.store %v, %[[C]][%i] : memref<?xf64>
// CHECK-NOT:       memref.dealloc
// CHECK:         }
// CHECK-DAG:     memref.dealloc %e : memref<?xf64>
// CHECK-DAG:     memref.dealloc %[[A]] : memref<?xf64>
// CHECK-DAG:     memref.dealloc %[[C]] : memref<?xf64>
