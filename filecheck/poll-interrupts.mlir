// RUN: scanjit-opt %s -p poll-interrupts | filecheck %s

// A loop (without inner loops) of a function called from Python runs in blocks of 65536 steps;
// before each block the count of SIGINTs is compared with the one at the
// start of the call.
func.func @main(%n: index, %x: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> (f64) {
    %y = arith.addf %acc, %x : f64
    scf.yield %y : f64
  }
  func.return %r : f64
}

// CHECK-LABEL: func.func @main
// CHECK-NEXT:    %[[START:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK:         arith.constant 65536 : index
// CHECK-NEXT:    %[[BLOCK:.*]] = arith.constant 65536 : index
// CHECK-NEXT:    %[[R:.*]] = scf.for %[[B:.*]] = %c0 to %n step %[[BLOCK]] iter_args(%[[A:.*]] = %x) -> (f64) {
// CHECK-NEXT:      %[[NOW:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK-NEXT:      %[[SAME:.*]] = arith.cmpi eq, %[[NOW]], %[[START]] : i64
// CHECK-NEXT:      sj.check %[[SAME]], "KeyboardInterrupt: interrupted (Ctrl-C) during a compiled call"
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addi %[[B]], %[[BLOCK]] : index
// CHECK-NEXT:      %[[END:.*]] = arith.minsi %[[NEXT]], %n : index
// CHECK-NEXT:      %[[INNER:.*]] = scf.for %i = %[[B]] to %[[END]] step %c1 iter_args(%acc = %[[A]]) -> (f64) {
// CHECK-NEXT:        %y = arith.addf %acc, %x : f64
// CHECK-NEXT:        scf.yield %y : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.yield %[[INNER]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]] : f64

// Short loops (constant bounds, fewer steps than a block, no inner loops)
// and private functions are left alone (but for the parts of parallel loops:
// poll-interrupts.parallel.mlir).
func.func @short(%x: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %x) -> (f64) {
    %y = arith.addf %acc, %x : f64
    scf.yield %y : f64
  }
  func.return %r : f64
}

func.func private @part(%lo: index, %hi: index) {
  %c1 = arith.constant 1 : index
  scf.for %i = %lo to %hi step %c1 {
  }
  func.return
}

// CHECK-LABEL: func.func @short
// CHECK-NOT:     scanjit_interrupts
// CHECK:         scf.for %i = %c0 to %c8 step %c1
// CHECK-LABEL: func.func private @part
// CHECK-NOT:     scanjit_interrupts
// CHECK:         func.return

// An scf.while (a scan with `until`) carries the work done since the count
// was last read, and reads it when that reaches 65536 (here one per step).
func.func @until(%n: index, %x: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %i, %r = scf.while (%k = %c0, %acc = %x) : (index, f64) -> (index, f64) {
    %more = arith.cmpi slt, %k, %n : index
    %positive = arith.cmpf ogt, %acc, %zero : f64
    %go = arith.andi %more, %positive : i1
    scf.condition(%go) %k, %acc : index, f64
  } do {
  ^bb0(%k2: index, %acc2: f64):
    %y = arith.subf %acc2, %x : f64
    %k3 = arith.addi %k2, %c1 : index
    scf.yield %k3, %y : index, f64
  }
  func.return %r : f64
}

// CHECK-LABEL: func.func @until
// CHECK-NEXT:    %[[START:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK:         %zero = arith.constant
// CHECK-NEXT:    %[[WORK:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[LIMIT:.*]] = arith.constant 65536 : index
// CHECK-NEXT:    %{{.*}}, %[[R:.*]], %{{.*}} = scf.while (%k = %c0, %acc = %x, %[[D:.*]] = %[[ZERO]]) : (index, f64, index) -> (index, f64, index) {
// CHECK:           scf.condition(%go) %k, %acc, %[[D]] : index, f64, index
// CHECK-NEXT:    } do {
// CHECK-NEXT:    ^bb0(%k2: index, %acc2: f64, %[[DONE:.*]]: index):
// CHECK-NEXT:      %[[TOTAL:.*]] = arith.addi %[[DONE]], %[[WORK]] : index
// CHECK-NEXT:      %[[DUE:.*]] = arith.cmpi uge, %[[TOTAL]], %[[LIMIT]] : index
// CHECK-NEXT:      scf.if %[[DUE]] {
// CHECK-NEXT:        %[[NOW:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK-NEXT:        %[[SAME:.*]] = arith.cmpi eq, %[[NOW]], %[[START]] : i64
// CHECK-NEXT:        sj.check %[[SAME]], "KeyboardInterrupt: interrupted (Ctrl-C) during a compiled call"
// CHECK-NEXT:      }
// CHECK-NEXT:      %[[REST:.*]] = arith.select %[[DUE]], %[[ZERO]], %[[TOTAL]] : index
// CHECK:           scf.yield %k3, %y, %[[REST]] : index, f64, index
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[R]] : f64

// A loop with inner loops runs in blocks of about 65536 inner iterations
// (65536 / (1 + its inner trip count) steps, at least 1), even when short.
func.func @rows(%x: memref<?x?xf64>, %n: index, %w: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %w step %c1 {
      %v = memref.load %x[%i, %j] : memref<?x?xf64>
      %y = arith.addf %v, %v : f64
      memref.store %y, %x[%i, %j] : memref<?x?xf64>
    }
  }
  func.return
}

// CHECK-LABEL: func.func @rows
// CHECK-NEXT:    %[[START:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK:         %[[TRIPS:.*]] = arith.maxsi
// CHECK-NEXT:    %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[INNER:.*]] = arith.muli %[[TRIPS]], %[[ONE]] : index
// CHECK-NEXT:    %[[WORK:.*]] = arith.addi %{{.*}}, %[[INNER]] : index
// CHECK-NEXT:    %[[POLL:.*]] = arith.constant 65536 : index
// CHECK-NEXT:    %[[STEPS:.*]] = arith.divui %[[POLL]], %[[WORK]] : index
// CHECK-NEXT:    %{{.*}} = arith.constant 1 : index
// CHECK-NEXT:    %[[ATLEAST:.*]] = arith.maxui %[[STEPS]], %{{.*}} : index
// CHECK-NEXT:    %[[BLOCK:.*]] = arith.muli %c1, %[[ATLEAST]] : index
// CHECK-NEXT:    scf.for %[[B:.*]] = %c0 to %c8 step %[[BLOCK]] {
// CHECK-NEXT:      %[[NOW:.*]] = func.call @scanjit_interrupts() : () -> i64
// CHECK-NEXT:      %[[SAME:.*]] = arith.cmpi eq, %[[NOW]], %[[START]] : i64
// CHECK-NEXT:      sj.check %[[SAME]]
// CHECK:           scf.for %i = %[[B]] to %{{.*}} step %c1 {
// CHECK-NEXT:        scf.for %j = %c0 to %w step %c1 {

// CHECK:       func.func private @scanjit_interrupts() -> i64
