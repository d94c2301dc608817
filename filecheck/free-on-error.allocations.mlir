// RUN: scanjit-opt %s -p free-on-error | filecheck %s

// Allocation checks in a row, of the same message, with only arithmetic and
// allocations between them, become the last one, of all their conditions,
// which frees every buffer allocated by then. A write, another check or
// another message ends the row.
func.func @row(%n: index, %a: i1, %b: i1, %c: i1, %d: i1, %e: i1, %v: f64) {
  %c0 = arith.constant 0 : index
  %x = memref.alloc(%n) : memref<?xf64>
  sj.check %a, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
  %m = memref.dim %x, %c0 : memref<?xf64>
  %y = memref.alloc(%m) : memref<?xf64>
  sj.check %b, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
  %z = memref.alloc(%n) : memref<?xf64>
  sj.check %c, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
  memref.store %v, %z[%c0] : memref<?xf64>
  %w = memref.alloc(%n) : memref<?xf64>
  sj.check %d, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
  %i = memref.alloc(%n) : memref<?xi64>
  sj.check %e, "MemoryError: cannot allocate a buffer of type memref<?xi64>"
  memref.dealloc %i : memref<?xi64>
  memref.dealloc %w : memref<?xf64>
  memref.dealloc %z : memref<?xf64>
  memref.dealloc %y : memref<?xf64>
  memref.dealloc %x : memref<?xf64>
  func.return
}

// CHECK-LABEL: func.func @row(
// CHECK:         %x = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    %m = memref.dim %x, %c0 : memref<?xf64>
// CHECK-NEXT:    %y = memref.alloc(%m) : memref<?xf64>
// CHECK-NEXT:    %[[AB:.*]] = arith.andi %a, %b : i1
// CHECK-NEXT:    %z = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    %[[ABC:.*]] = arith.andi %[[AB]], %c : i1
// CHECK-NEXT:    sj.check %[[ABC]], "MemoryError: cannot allocate a buffer of type memref<?xf64>" frees(%z, %y, %x : memref<?xf64>, memref<?xf64>, memref<?xf64>)
// CHECK-NEXT:    memref.store %v, %z[%c0] : memref<?xf64>
// CHECK-NEXT:    %w = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    sj.check %d, "MemoryError: cannot allocate a buffer of type memref<?xf64>" frees(%w, %z, %y, %x :
// CHECK-NEXT:    %i = memref.alloc(%n) : memref<?xi64>
// CHECK-NEXT:    sj.check %e, "MemoryError: cannot allocate a buffer of type memref<?xi64>" frees(%i, %w, %z, %y, %x :

// In a loop's body too; a check with another message ends the row.
func.func @loop(%n: index, %a: i1, %b: i1, %c: i1, %k: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %j = %c0 to %n step %c1 {
    %x = memref.alloc(%j) : memref<?xf64>
    sj.check %a, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
    sj.check %k, "KeyboardInterrupt: interrupted"
    %y = memref.alloc(%j) : memref<?xf64>
    sj.check %b, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
    %z = memref.alloc(%j) : memref<?xf64>
    sj.check %c, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
    memref.dealloc %z : memref<?xf64>
    memref.dealloc %y : memref<?xf64>
    memref.dealloc %x : memref<?xf64>
  }
  func.return
}

// CHECK-LABEL: func.func @loop(
// CHECK:           %x = memref.alloc(%j) : memref<?xf64>
// CHECK-NEXT:      sj.check %a, "MemoryError: cannot allocate a buffer of type memref<?xf64>" frees(%x : memref<?xf64>)
// CHECK-NEXT:      sj.check %k, "KeyboardInterrupt: interrupted" frees(%x : memref<?xf64>)
// CHECK-NEXT:      %y = memref.alloc(%j) : memref<?xf64>
// CHECK-NEXT:      %z = memref.alloc(%j) : memref<?xf64>
// CHECK-NEXT:      %[[BC:.*]] = arith.andi %b, %c : i1
// CHECK-NEXT:      sj.check %[[BC]], "MemoryError: cannot allocate a buffer of type memref<?xf64>" frees(%z, %y, %x :
