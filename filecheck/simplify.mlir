// RUN: scanjit-opt %s -p simplify | filecheck %s
// RUN: scanjit-opt %s -p canonicalize | filecheck %s

// simplify does in one sweep what xDSL's canonicalize does in repeated walks:
// constants fold, a comparison of a value with itself and a check of true
// go, the constant of an inner loop leaves the loop nest, a one-step loop is
// inlined (and `x - 0` is x), dead code goes.
func.func @f(%n: index, %ok: i1, %t: tensor<?xf64>) -> (index, i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %true = arith.constant true
  %three = arith.addi %c1, %c2 : index
  %eq = arith.cmpi eq, %n, %n : index
  sj.check %eq, "ValueError: never"
  sj.check %ok, "IndexError: index $0"(%n : index)
  %dead = arith.muli %n, %c2 : index
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> (index) {
    %r = scf.for %j = %c0 to %three step %c1 iter_args(%a = %acc) -> (index) {
      %k = arith.constant 7 : index
      %b = arith.addi %a, %k : index
      scf.yield %b : index
    }
    %once = scf.for %j = %c0 to %c1 step %c1 iter_args(%a = %r) -> (index) {
      %x = arith.subi %a, %c0 : index
      scf.yield %x : index
    }
    scf.yield %once : index
  }
  func.return %s, %eq : index, i1
}

// CHECK:      func.func @f(%n: index, %ok: i1, %t: tensor<?xf64>) -> (index, i1) {
// CHECK-NEXT:   %c0 = arith.constant 0 : index
// CHECK-NEXT:   %c1 = arith.constant 1 : index
// CHECK-NEXT:   %three = arith.constant 3 : index
// CHECK-NEXT:   %eq = arith.constant true
// CHECK-NEXT:   sj.check %ok, "IndexError: index $0"(%n : index)
// CHECK-NEXT:   %k = arith.constant 7 : index
// CHECK-NEXT:   %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> (index) {
// CHECK-NEXT:     %r = scf.for %j = %c0 to %three step %c1 iter_args(%a = %acc) -> (index) {
// CHECK-NEXT:       %b = arith.addi %a, %k : index
// CHECK-NEXT:       scf.yield %b : index
// CHECK-NEXT:     }
// CHECK-NEXT:     scf.yield %r : index
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return %s, %eq : index, i1
// CHECK-NEXT: }
