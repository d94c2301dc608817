// RUN: scanjit-opt %s -p hoist-loop-invariants | filecheck %s

// The map on the non-sequence %w and the shape arithmetic move in front of
// the loop; the check stays (the loop may run no step), and so do the row of
// the sequence and what uses it.

func.func @step(%xs: tensor<?x?xf64>, %w: tensor<?xf64>, %n: index, %init: tensor<?xf64>) -> tensor<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %t = %c0 to %n step %c1 iter_args(%acc = %init) -> (tensor<?xf64>) {
    %len = tensor.dim %w, %c0 : tensor<?xf64>
    %ok = arith.cmpi sgt, %len, %c0 : index
    sj.check %ok, "ValueError: empty w"
    %w2 = "sj.map"(%w) ({
    ^bb0(%a: f64):
      %b = arith.mulf %a, %a : f64
      "sj.yield"(%b) : (f64) -> ()
    }) : (tensor<?xf64>) -> tensor<?xf64>
    %row = "sj.row"(%xs, %t) : (tensor<?x?xf64>, index) -> tensor<?xf64>
    %sum = "sj.map"(%row, %w2) ({
    ^bb0(%x: f64, %y: f64):
      %z = arith.addf %x, %y : f64
      "sj.yield"(%z) : (f64) -> ()
    }) : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    scf.yield %sum : tensor<?xf64>
  }
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @step
// CHECK: tensor.dim %w
// CHECK-NEXT: arith.cmpi
// CHECK-NEXT: %[[W2:.*]] = "sj.map"(%w)
// CHECK: scf.for
// CHECK-NEXT: sj.check %{{.*}}, "ValueError: empty w"
// CHECK-NEXT: "sj.row"(%xs
// CHECK-NEXT: "sj.map"(%{{.*}}, %[[W2]])
