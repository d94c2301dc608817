// RUN: scanjit-opt %s -p block-recurrence-columns,outline-parallel-loops,poll-interrupts | filecheck %s

// The parts of parallel loops get the count read when the call started as
// their last argument and poll their loop with it: a map's loop over its
// range of steps, and in a column block (`block-recurrence-columns`, whose
// blocks are a part each) the loop over the steps, in blocks of about 65536
// inner iterations (65536 / the block's width, at least 1).
func.func @moving_average(%x: memref<?x?xf64>, %n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %s = memref.alloc(%rows, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
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
// CHECK-NEXT:    %[[START:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK:         sj.parallel_for @moving_average_loop0(%{{.*}}) grain %{{.*}} captures(%{{.*}}, %[[START]]) : {{.*}}, i64
// CHECK-LABEL: func.func private @moving_average_loop0(%lo: index, %hi: index, {{.*}}, %interrupts: i64) {
// CHECK:         scf.for %{{.*}} = %lo to %hi step %{{.*}} {
// CHECK-NOT:       scanjit_interrupts
// CHECK:           %[[FIRST:.*]] = arith.addi
// CHECK:           %[[LAST:.*]] = arith.minui
// CHECK:           %[[WIDTH:.*]] = arith.subi %[[LAST]], %[[FIRST]] : index
// CHECK:           %[[WORK:.*]] = arith.addi
// CHECK:           %[[POLL:.*]] = arith.constant 65536 : index
// CHECK-NEXT:      %[[STEPS:.*]] = arith.divui %[[POLL]], %[[WORK]] : index
// CHECK-NEXT:      %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:      %[[ATLEAST:.*]] = arith.maxui %[[STEPS]], %[[ONE]] : index
// CHECK-NEXT:      %[[BLOCK:.*]] = arith.muli %c1, %[[ATLEAST]] : index
// CHECK-NEXT:      scf.for %[[B:.*]] = %c0 to %n step %[[BLOCK]] {
// CHECK-NEXT:        %[[NOW:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK-NEXT:        %[[SAME:.*]] = arith.cmpi eq, %[[NOW]], %interrupts : i64
// CHECK-NEXT:        sj.check %[[SAME]], "KeyboardInterrupt: interrupted (Ctrl-C) during a compiled call"
// CHECK:             scf.for %t = %[[B]] to %{{.*}} step %c1 {
// CHECK:               scf.for %j = %[[FIRST]] to %[[LAST]] step %c1 {
// CHECK:         } {scanjit.independent_blocks}

func.func @map(%x: memref<?xf64>) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf64>
    %e = math.exp %v : f64
    memref.store %e, %out[%i] : memref<?xf64>
  }
  func.return %out : memref<?xf64>
}

// CHECK-LABEL: func.func @map
// CHECK-NEXT:    %[[START:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK:         sj.parallel_for @map_loop0(%c0, %n) grain %{{.*}} captures(%x, %out, %[[START]]) : memref<?xf64>, memref<?xf64>, i64
// CHECK-LABEL: func.func private @map_loop0(%lo: index, %hi: index, %x: memref<?xf64>, %out: memref<?xf64>, %interrupts: i64) {
// CHECK:         arith.constant 65536 : index
// CHECK-NEXT:    %[[BLOCK:.*]] = arith.constant 65536 : index
// CHECK-NEXT:    scf.for %[[B:.*]] = %lo to %hi step %[[BLOCK]] {
// CHECK-NEXT:      %[[NOW:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK-NEXT:      %[[SAME:.*]] = arith.cmpi eq, %[[NOW]], %interrupts : i64
// CHECK-NEXT:      sj.check %[[SAME]], "KeyboardInterrupt: interrupted (Ctrl-C) during a compiled call"
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[B]], %[[BLOCK]] : index
// CHECK-NEXT:      %[[END:.*]] = arith.minsi %[[NEXT]], %hi : index
// CHECK-NEXT:      scf.for %i = %[[B]] to %[[END]] step %{{.*}} {
// CHECK-NEXT:        memref.load %x[%i]
