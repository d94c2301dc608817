// RUN: scanjit-opt %s -p convert-scf-while-to-cf | filecheck %s

// A while in a branch of an scf.if yielding a value (an ifelse whose branch
// is a scan with until): the scf.if becomes blocks too, its result the
// argument of the continuation block; an scf.if without a while stays.
func.func @in_branch(%c: i1, %limit: i64, %one: i64) -> i64 {
  %r = scf.if %c -> (i64) {
    %w = scf.while (%x = %one) : (i64) -> i64 {
      %go = arith.cmpi slt, %x, %limit : i64
      scf.condition(%go) %x : i64
    } do {
    ^bb0(%x2: i64):
      %x3 = arith.addi %x2, %x2 : i64
      scf.yield %x3 : i64
    }
    scf.yield %w : i64
  } else {
    scf.yield %one : i64
  }
  %s = scf.if %c -> (i64) {
    scf.yield %r : i64
  } else {
    scf.yield %one : i64
  }
  func.return %s : i64
}

// CHECK-LABEL: func.func @in_branch
// CHECK-NEXT:    cf.cond_br %c, ^[[THEN:bb[0-9]+]], ^[[ELSE:bb[0-9]+]]
// CHECK-NEXT:  ^[[THEN]]:
// CHECK-NEXT:    cf.br ^[[BEFORE:bb[0-9]+]](%one : i64)
// CHECK-NEXT:  ^[[BEFORE]](%x: i64):
// CHECK-NEXT:    %go = arith.cmpi slt, %x, %limit : i64
// CHECK-NEXT:    cf.cond_br %go, ^[[AFTER:bb[0-9]+]](%x : i64), ^[[WCONT:bb[0-9]+]](%x : i64)
// CHECK-NEXT:  ^[[AFTER]](%x2: i64):
// CHECK-NEXT:    %x3 = arith.addi %x2, %x2 : i64
// CHECK-NEXT:    cf.br ^[[BEFORE]](%x3 : i64)
// CHECK-NEXT:  ^[[WCONT]](%w: i64):
// CHECK-NEXT:    cf.br ^[[CONT:bb[0-9]+]](%w : i64)
// CHECK-NEXT:  ^[[ELSE]]:
// CHECK-NEXT:    cf.br ^[[CONT]](%one : i64)
// CHECK-NEXT:  ^[[CONT]](%r: i64):
// CHECK:         %s = scf.if %c -> (i64) {
