// RUN: scanjit-opt %s -p simplify | filecheck %s

// Integer arithmetic of constants that xDSL's folders (canonicalize) leave
// folds in simplify (support/folding.py):
// a comparison of two constants, a select of a constant condition, casts,
// unsigned max and division; a division by zero stays.
func.func @constants(%x: index) -> (i1, index, i64, index, index) {
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c0 = arith.constant 0 : index
  %lt = arith.cmpi ult, %c3, %c5 : index
  %pick = arith.select %lt, %x, %c0 : index
  %wide = arith.index_cast %c5 : index to i64
  %most = arith.maxui %c3, %c5 : index
  %none = arith.divui %c5, %c0 : index
  func.return %lt, %pick, %wide, %most, %none : i1, index, i64, index, index
}

// CHECK-LABEL: func.func @constants
// CHECK:         %lt = arith.constant true
// CHECK-NEXT:    %wide = arith.constant 5 : i64
// CHECK-NEXT:    %most = arith.constant 5 : index
// CHECK-NEXT:    %none = arith.divui %c5, %c0 : index
// CHECK-NEXT:    func.return %lt, %x, %wide, %most, %none : i1, index, i64, index, index
