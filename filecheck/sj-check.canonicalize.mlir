// RUN: scanjit-opt %s -p canonicalize | filecheck %s

// A check of a constant true condition is erased; others stay, values too.
func.func @f(%ok: i1, %n: index) {
  %true = arith.constant true
  sj.check %true, "ValueError: never"
  sj.check %ok, "IndexError: index $0"(%n : index)
  func.return
}

// CHECK:      func.func @f(%ok: i1, %n: index) {
// CHECK-NEXT:   sj.check %ok, "IndexError: index $0"(%n : index)
// CHECK-NEXT:   func.return
