// RUN: not scanjit-opt %s -p hoist-loop-invariants 2>&1 | filecheck %s

// A loop yielding fewer values than it carries is rejected before the pass runs.
func.func @bad(%n: index, %x: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> (f64) {
    scf.yield
  }
  func.return %r : f64
}

// CHECK: scf.yield expected 1 args, but got 0
