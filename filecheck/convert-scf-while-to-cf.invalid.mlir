// RUN: not scanjit-opt %s -p convert-scf-while-to-cf 2>&1 | filecheck %s

// The before region's argument must have the type of the loop's operand.
func.func @bad(%n: index) -> index {
  %r = "scf.while"(%n) ({
  ^bb0(%j: i64):
    %c = arith.constant true
    "scf.condition"(%c, %n) : (i1, index) -> ()
  }, {
  ^bb1(%k: index):
    "scf.yield"(%k) : (index) -> ()
  }) : (index) -> index
  func.return %r : index
}

// CHECK: Block arguments with wrong type, expected index, got i64
