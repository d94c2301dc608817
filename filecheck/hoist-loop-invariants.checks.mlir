// RUN: scanjit-opt %s -p hoist-loop-invariants | filecheck %s

// A check of a condition an earlier check of its block already tested can
// never fail: it is dropped. A check of another condition stays, and so does
// one in another block (here, the loop's body), which the first may not
// dominate.

func.func @checks(%a: index, %b: index, %n: index) -> index {
  %ok = arith.cmpi eq, %a, %b : index
  sj.check %ok, "ValueError: first ($0, $1)"(%a, %b : index, index)
  %other = arith.cmpi sgt, %a, %n : index
  sj.check %other, "ValueError: other"
  sj.check %ok, "ValueError: second ($0, $1)"(%a, %b : index, index)
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %t = %c0 to %n step %c1 {
    sj.check %ok, "ValueError: in the loop"
    sj.check %ok, "ValueError: again in the loop"
  }
  func.return %a : index
}

// CHECK-LABEL: func.func @checks
// CHECK:         sj.check %ok, "ValueError: first ($0, $1)"(%a, %b : index, index)
// CHECK-NEXT:    %other = arith.cmpi sgt, %a, %n : index
// CHECK-NEXT:    sj.check %other, "ValueError: other"
// CHECK-NOT:     "ValueError: second
// CHECK:         scf.for
// CHECK-NEXT:      sj.check %ok, "ValueError: in the loop"
// CHECK-NEXT:    }
