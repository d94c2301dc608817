// RUN: scanjit-opt %s -p convert-scf-while-to-cf | filecheck %s

// A top-level while: the block is split into before / after / continuation.
func.func @top(%limit: i64) -> i64 {
  %one = arith.constant 1 : i64
  %r = scf.while (%x = %one) : (i64) -> i64 {
    %go = arith.cmpi slt, %x, %limit : i64
    scf.condition(%go) %x : i64
  } do {
  ^bb0(%x2: i64):
    %x3 = arith.addi %x2, %x2 : i64
    scf.yield %x3 : i64
  }
  %s = arith.addi %r, %one : i64
  func.return %s : i64
}

// CHECK-LABEL: func.func @top
// CHECK:         %one = arith.constant 1 : i64
// CHECK-NEXT:    cf.br ^[[BEFORE:bb[0-9]+]](%one : i64)
// CHECK-NEXT:  ^[[BEFORE]](%x: i64):
// CHECK-NEXT:    %go = arith.cmpi slt, %x, %limit : i64
// CHECK-NEXT:    cf.cond_br %go, ^[[AFTER:bb[0-9]+]](%x : i64), ^[[CONT:bb[0-9]+]](%x : i64)
// CHECK-NEXT:  ^[[AFTER]](%x2: i64):
// CHECK-NEXT:    %x3 = arith.addi %x2, %x2 : i64
// CHECK-NEXT:    cf.br ^[[BEFORE]](%x3 : i64)
// CHECK-NEXT:  ^[[CONT]](%r: i64):
// CHECK-NEXT:    %s = arith.addi %r, %one : i64
// CHECK-NEXT:    func.return %s : i64

// A while nested in an scf.for body: the enclosing for is lowered too (so the
// output verifies); a for without a while inside stays for convert-scf-to-cf.
func.func @nested(%n: index, %limit: i64) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1 : i64
  %zero = arith.constant 0 : i64
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (i64) {
    %w:2 = scf.while (%x = %one, %k = %acc) : (i64, i64) -> (i64, i64) {
      %go = arith.cmpi slt, %x, %limit : i64
      scf.condition(%go) %x, %k : i64, i64
    } do {
    ^bb0(%x2: i64, %k2: i64):
      %x3 = arith.addi %x2, %x2 : i64
      %k3 = arith.addi %k2, %one : i64
      scf.yield %x3, %k3 : i64, i64
    }
    scf.yield %w#1 : i64
  }
  %r2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc2 = %r) -> (i64) {
    %a = arith.addi %acc2, %one : i64
    scf.yield %a : i64
  }
  func.return %r2 : i64
}

// CHECK-LABEL: func.func @nested
// CHECK:         cf.br ^[[HEAD:bb[0-9]+]](%c0, %zero : index, i64)
// CHECK-NEXT:  ^[[HEAD]](%i: index, %acc: i64):
// CHECK:         cf.br ^[[BEFORE:bb[0-9]+]](%one, %acc : i64, i64)
// CHECK-NEXT:  ^[[BEFORE]](%x: i64, %k: i64):
// CHECK-NEXT:    %go = arith.cmpi slt, %x, %limit : i64
// CHECK-NEXT:    cf.cond_br %go, ^[[AFTER:bb[0-9]+]](%x, %k : i64, i64), ^[[CONT:bb[0-9]+]](%x, %k : i64, i64)
// CHECK-NEXT:  ^[[AFTER]](%x2: i64, %k2: i64):
// CHECK:         cf.br ^[[BEFORE]](%x3, %k3 : i64, i64)
// CHECK-NEXT:  ^[[CONT]](%{{.*}}: i64, %[[K:.*]]: i64):
// CHECK-NEXT:    %[[NEXT:.*]] = arith.addi %i, %c1 : index
// CHECK-NEXT:    cf.br ^[[HEAD]](%[[NEXT]], %[[K]] : index, i64)
// CHECK:         scf.for %j = %c0 to %n step %c1
// CHECK-NOT:   scf.while
