// RUN: scanjit-opt %s -p hoist-loop-invariants | filecheck %s

// An scf.if on an invariant condition stays in the loop, and so does what
// its regions compute: a branch runs only when a step takes it (here its
// read could be out of bounds). An invariant op before it still moves out.
func.func @branch(%x: tensor<?xf64>, %n: index, %i: index, %c: i1, %a: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %t = %c0 to %n step %c1 iter_args(%acc = %a) -> (f64) {
    %twice = arith.addf %a, %a : f64
    %v = scf.if %c -> (f64) {
      %e = tensor.extract %x[%i] : tensor<?xf64>
      %s = arith.mulf %e, %twice : f64
      scf.yield %s : f64
    } else {
      scf.yield %twice : f64
    }
    %next = arith.addf %acc, %v : f64
    scf.yield %next : f64
  }
  func.return %r : f64
}

// CHECK-LABEL: func.func @branch
// CHECK:         %twice = arith.addf %a, %a : f64
// CHECK-NEXT:    %r = scf.for %t = %c0 to %n step %c1 iter_args(%acc = %a) -> (f64) {
// CHECK-NEXT:      %v = scf.if %c -> (f64) {
// CHECK-NEXT:        %e = tensor.extract %x[%i] : tensor<?xf64>
// CHECK-NEXT:        %s = arith.mulf %e, %twice : f64
// CHECK-NEXT:        scf.yield %s : f64
// CHECK-NEXT:      } else {
// CHECK-NEXT:        scf.yield %twice : f64
// CHECK-NEXT:      }
// CHECK-NEXT:      %next = arith.addf %acc, %v : f64
