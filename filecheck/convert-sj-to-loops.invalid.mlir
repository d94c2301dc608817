// RUN: not scanjit-opt %s -p convert-sj-to-loops 2>&1 | filecheck %s

// An unknown reduction kind is rejected before the pass runs.
func.func @bad(%x: tensor<?xf64>) -> f64 {
  %r = "sj.reduce"(%x) <{kind = "median", axes = array<i64: 0>}> : (tensor<?xf64>) -> f64
  func.return %r : f64
}

// CHECK: unknown reduction kind 'median'
