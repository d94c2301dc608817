// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// A product stored as a state's new row (row %w of the ring a step carries)
// and read by nothing else is computed into that row: the call moves to the
// insert's place, after the check of the row's length, and writes row %w of
// the ring (`row`: the position of the index among its arguments). The
// product reads the other row; its length is read from its unwritten output.
func.func @into_row(%init: tensor<?x?xf64>, %u: tensor<?x?xf64>, %steps: index, %m: i64, %n: i64, %k: i64)
    -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %out = scf.for %t = %c0 to %steps step %c1 iter_args(%ring = %init) -> (tensor<?x?xf64>) {
    %r = arith.remsi %t, %c2 : index
    %prev = "sj.row"(%ring, %r) : (tensor<?x?xf64>, index) -> tensor<?xf64>
    %cols = tensor.dim %u, %c1 : tensor<?x?xf64>
    %empty = tensor.empty(%cols) : tensor<?xf64>
    %p = "sj.call"(%prev, %u, %empty, %m, %n, %k) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?xf64>, i64, i64, i64) -> tensor<?xf64>
    %len = tensor.dim %p, %c0 : tensor<?xf64>
    %width = tensor.dim %ring, %c1 : tensor<?x?xf64>
    %same = arith.cmpi eq, %len, %width : index
    sj.check %same, "ValueError: output 0 of scan changes shape between steps"
    %t1 = arith.addi %t, %c1 : index
    %w = arith.remsi %t1, %c2 : index
    %s = "sj.insert_row"(%p, %ring, %w) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
    scf.yield %s : tensor<?x?xf64>
  }
  func.return %out : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @into_row
// CHECK:         scf.for %t = %c0 to %steps step %c1 iter_args(%ring = %init)
// CHECK:           %len = tensor.dim %empty, %c0 : tensor<?xf64>
// CHECK:           sj.check %same, "ValueError: output 0 of scan changes shape
// CHECK:           %w = arith.remsi
// CHECK-NEXT:      %[[PREV:.*]] = "sj.row"(%ring, %r)
// CHECK-NEXT:      %[[S:.*]] = "sj.call"(%[[PREV]], %u, %ring, %m, %n, %k, %w) <{callee = "scanjit_dot_f64", writes = array<i64: 2>, row = 6 : i64}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?x?xf64>, i64, i64, i64, index) -> tensor<?x?xf64>
// CHECK-NEXT:      scf.yield %[[S]]

// When the product reads the row it would write, the product keeps its own
// output, copied into the row.
func.func @reads_the_row(%init: tensor<?x?xf64>, %u: tensor<?x?xf64>, %steps: index, %m: i64, %n: i64, %k: i64)
    -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %out = scf.for %t = %c0 to %steps step %c1 iter_args(%ring = %init) -> (tensor<?x?xf64>) {
    %prev = "sj.row"(%ring, %t) : (tensor<?x?xf64>, index) -> tensor<?xf64>
    %cols = tensor.dim %u, %c1 : tensor<?x?xf64>
    %empty = tensor.empty(%cols) : tensor<?xf64>
    %p = "sj.call"(%prev, %u, %empty, %m, %n, %k) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?xf64>, i64, i64, i64) -> tensor<?xf64>
    %s = "sj.insert_row"(%p, %ring, %t) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
    scf.yield %s : tensor<?x?xf64>
  }
  func.return %out : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @reads_the_row
// CHECK:         %p = "sj.call"(%{{.*}}, %u, %empty, %m, %n, %k) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}>
// CHECK:         scf.for
// CHECK:           tensor.insert %{{.*}} into %{{.*}}[%t, %{{.*}}]

// Nor into a function argument (the caller's array, never written).
func.func @into_argument(%ring: tensor<?x?xf64>, %v: tensor<?xf64>, %u: tensor<?x?xf64>, %t: index,
                         %m: i64, %n: i64, %k: i64) -> tensor<?x?xf64> {
  %c1 = arith.constant 1 : index
  %cols = tensor.dim %u, %c1 : tensor<?x?xf64>
  %empty = tensor.empty(%cols) : tensor<?xf64>
  %p = "sj.call"(%v, %u, %empty, %m, %n, %k) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?xf64>, i64, i64, i64) -> tensor<?xf64>
  %s = "sj.insert_row"(%p, %ring, %t) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @into_argument
// CHECK:         %p = "sj.call"(%v, %u, %empty, %m, %n, %k) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}>
// CHECK:         tensor.insert
