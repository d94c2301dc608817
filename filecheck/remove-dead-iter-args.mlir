// RUN: scanjit-opt %s -p remove-dead-iter-args | filecheck %s

// A per-step output nobody reads: its buffer, the insert and the exp that
// only it needed go; the live state stays.
func.func @dead_output(%x: tensor<?xf64>, %n: index, %s0: f64, %buf: tensor<?xf64>) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s, %ys = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0, %y = %buf) -> (f64, tensor<?xf64>) {
    %xi = tensor.extract %x[%i] : tensor<?xf64>
    %next = arith.addf %s, %xi : f64
    %e = math.exp %xi : f64
    %y2 = tensor.insert %e into %y[%i] : tensor<?xf64>
    scf.yield %next, %y2 : f64, tensor<?xf64>
  }
  func.return %s : f64
}

// CHECK-LABEL: func.func @dead_output
// CHECK:         %[[S:.*]] = scf.for %{{.*}} = %{{.*}} to %n step %{{.*}} iter_args(%[[ACC:.*]] = %s0) -> (f64) {
// CHECK-NEXT:      %[[XI:.*]] = tensor.extract %x[%{{.*}}] : tensor<?xf64>
// CHECK-NEXT:      %[[NEXT:.*]] = arith.addf %[[ACC]], %[[XI]] : f64
// CHECK-NEXT:      scf.yield %[[NEXT]] : f64
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[S]] : f64

// A result nobody reads whose value feeds a live one stays; so does one
// whose step has an effect (a check that may fail).
func.func @kept(%n: index, %s0: f64, %t0: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f64
  %s, %t, %u = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0, %t = %t0, %u = %t0) -> (f64, f64, f64) {
    %s2 = arith.addf %s, %t : f64
    %t2 = arith.mulf %t, %one : f64
    %bad = arith.cmpf ogt, %u, %one : f64
    sj.check %bad, "ValueError: too big"
    scf.yield %s2, %t2, %u : f64, f64, f64
  }
  func.return %s : f64
}

// CHECK-LABEL: func.func @kept
// CHECK:         scf.for {{.*}} -> (f64, f64, f64) {
