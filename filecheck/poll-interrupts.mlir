// RUN: scanjit-opt %s -p poll-interrupts | filecheck %s

// A loop of a function called from Python runs in blocks of 65536 steps;
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
// CHECK:         %[[BLOCK:.*]] = arith.muli %c1, %{{.*}} : index
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

// Short loops (constant bounds, fewer steps than a block) and the parts of
// parallel loops (private functions) are left alone.
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
// CHECK:       func.func private @scanjit_interrupts() -> i64
