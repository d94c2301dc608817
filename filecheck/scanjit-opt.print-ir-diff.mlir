// RUN: scanjit-opt %s -p cse,canonicalize --print-ir-diff 2>&1 >/dev/null | filecheck %s
// RUN: scanjit-opt %s -p cse,canonicalize --print-ir-after-change 2>&1 >/dev/null | filecheck %s --check-prefix=CHANGE

// cse removes %1: the values after it are renumbered, yet only the lines
// that changed in more than their numbers are in the diff.
func.func @f(%a: i32) -> i32 {
  %0 = "arith.addi"(%a, %a) : (i32, i32) -> i32
  %1 = "arith.addi"(%a, %a) : (i32, i32) -> i32
  %2 = "arith.muli"(%0, %1) : (i32, i32) -> i32
  %3 = "arith.subi"(%2, %a) : (i32, i32) -> i32
  %4 = "arith.xori"(%3, %2) : (i32, i32) -> i32
  func.return %4 : i32
}

// CHECK:      // -----// IR Diff After cse //----- //
// CHECK-NEXT: --- before
// CHECK-NEXT: +++ after
// CHECK-NEXT: @@ -1,8 +1,7 @@
// CHECK-NEXT:  builtin.module {
// CHECK-NEXT:    func.func @f(%a: i32) -> i32 {
// CHECK-NEXT: -    %0 = arith.addi %a, %a : i32
// CHECK-NEXT:      %0 = arith.addi %a, %a : i32
// CHECK-NEXT: -    %2 = arith.muli %0, %1 : i32
// CHECK-NEXT: +    %1 = arith.muli %0, %0 : i32
// CHECK-NEXT:      %2 = arith.subi %1, %a : i32
// CHECK-NEXT:      %3 = arith.xori %2, %1 : i32
// CHECK-NEXT:      func.return %3 : i32
// CHECK-NEXT: // -----// canonicalize: unchanged //----- //

// CHANGE:      // -----// IR Dump After cse //----- //
// CHANGE-NEXT: builtin.module {
// CHANGE:        %1 = arith.muli %0, %0 : i32
// CHANGE-NOT:  IR Dump After canonicalize
