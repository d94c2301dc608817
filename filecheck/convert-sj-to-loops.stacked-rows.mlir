// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// A map that a step stacks (`sj.insert_row` into a row of %stack) and a
// product reads is computed straight into its row: the insert, with the
// check comparing the map's and the rows' lengths, moves before the
// product, which reads the row (`sj.row` of the insert's result), and a
// later map reads the row too. No tensor holds the map on its own.
func.func @stacked_and_multiplied(%stack: tensor<?x?xf64>, %x: tensor<?xf64>, %w: tensor<?x?xf64>, %t: index,
                                  %m: i64, %n: i64, %k: i64) -> (tensor<?x?xf64>, tensor<?xf64>, tensor<?xf64>) {
  %v = "sj.map"(%x) ({
  ^bb0(%a: f64):
    %e = math.exp %a : f64
    "sj.yield"(%e) : (f64) -> ()
  }) : (tensor<?xf64>) -> tensor<?xf64>
  %c1 = arith.constant 1 : index
  %cols = tensor.dim %w, %c1 : tensor<?x?xf64>
  %empty = tensor.empty(%cols) : tensor<?xf64>
  %p = "sj.call"(%v, %w, %empty, %m, %n, %k) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?xf64>, i64, i64, i64) -> tensor<?xf64>
  %twice = "sj.map"(%v) ({
  ^bb0(%a: f64):
    %d = arith.addf %a, %a : f64
    "sj.yield"(%d) : (f64) -> ()
  }) : (tensor<?xf64>) -> tensor<?xf64>
  %c0 = arith.constant 0 : index
  %len = tensor.dim %v, %c0 : tensor<?xf64>
  %c1b = arith.constant 1 : index
  %rows = tensor.dim %stack, %c1b : tensor<?x?xf64>
  %same = arith.cmpi eq, %len, %rows : index
  sj.check %same, "ValueError: output 0 of scan changes shape between steps: a step gave length $0 on axis 0, the output's rows have $1"(%len, %rows : index, index)
  %s = "sj.insert_row"(%v, %stack, %t) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %s, %p, %twice : tensor<?x?xf64>, tensor<?xf64>, tensor<?xf64>
}

// CHECK-LABEL: func.func @stacked_and_multiplied
// CHECK-NEXT:    %c1 = arith.constant 1 : index
// CHECK:         %empty = tensor.empty(%cols)
// CHECK-NOT:     tensor.empty
// CHECK:         sj.check %{{.*}}, "ValueError: output 0 of scan changes shape
// CHECK-NOT:     tensor.empty
// CHECK:         %[[S:.*]] = scf.for
// CHECK:           math.exp
// CHECK-NEXT:      tensor.insert %{{.*}} into %{{.*}}[%t, %{{.*}}] : tensor<?x?xf64>
// CHECK:         %[[ROW:.*]] = "sj.row"(%[[S]], %t) : (tensor<?x?xf64>, index) -> tensor<?xf64>
// CHECK-NEXT:    %p = "sj.call"(%[[ROW]], %w,
// CHECK:           tensor.extract %[[S]][%t, %{{.*}}] : tensor<?x?xf64>
// CHECK-NEXT:      arith.addf
// CHECK:         func.return %[[S]], %p,

// When the stack's old contents are read after the product (here the row
// the map is stored into), the insert stays where it is: the map is stored
// on its own and copied into the row.
func.func @stack_read_after(%stack: tensor<?x?xf64>, %x: tensor<?xf64>, %w: tensor<?x?xf64>, %t: index,
                            %m: i64, %n: i64, %k: i64) -> (tensor<?x?xf64>, tensor<?xf64>, f64) {
  %v = "sj.map"(%x) ({
  ^bb0(%a: f64):
    %e = math.exp %a : f64
    "sj.yield"(%e) : (f64) -> ()
  }) : (tensor<?xf64>) -> tensor<?xf64>
  %c1 = arith.constant 1 : index
  %cols = tensor.dim %w, %c1 : tensor<?x?xf64>
  %empty = tensor.empty(%cols) : tensor<?xf64>
  %p = "sj.call"(%v, %w, %empty, %m, %n, %k) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?xf64>, i64, i64, i64) -> tensor<?xf64>
  %c0 = arith.constant 0 : index
  %old = tensor.extract %stack[%t, %c0] : tensor<?x?xf64>
  %s = "sj.insert_row"(%v, %stack, %t) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %s, %p, %old : tensor<?x?xf64>, tensor<?xf64>, f64
}

// CHECK-LABEL: func.func @stack_read_after
// CHECK:         %[[V:.*]] = scf.for
// CHECK:           math.exp
// CHECK:         %p = "sj.call"(%[[V]], %w,
// CHECK:         tensor.extract %stack[%t,
// CHECK:         scf.for
// CHECK:           tensor.extract %[[V]]
// CHECK-NEXT:      tensor.insert %{{.*}} into %{{.*}}[%t, %{{.*}}] : tensor<?x?xf64>

// The check of the rows' length may compare it with a length known equal to
// the map's (the emitter asks a map's lengths of its operand): it is the
// insert's check all the same, and moves with it.
func.func @checked_by_a_known_length(%stack: tensor<?x?xf64>, %x: tensor<?xf64>, %w: tensor<?x?xf64>, %t: index,
                                     %m: i64, %n: i64, %k: i64) -> (tensor<?x?xf64>, tensor<?xf64>) {
  %v = "sj.map"(%x) ({
  ^bb0(%a: f64):
    %e = math.exp %a : f64
    "sj.yield"(%e) : (f64) -> ()
  }) : (tensor<?xf64>) -> tensor<?xf64>
  %c1 = arith.constant 1 : index
  %cols = tensor.dim %w, %c1 : tensor<?x?xf64>
  %empty = tensor.empty(%cols) : tensor<?xf64>
  %p = "sj.call"(%v, %w, %empty, %m, %n, %k) <{callee = "scanjit_dot_f64", writes = array<i64: 2>}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?xf64>, i64, i64, i64) -> tensor<?xf64>
  %c0 = arith.constant 0 : index
  %len = tensor.dim %x, %c0 : tensor<?xf64>
  %rows = tensor.dim %stack, %c1 : tensor<?x?xf64>
  %same = arith.cmpi eq, %len, %rows : index
  sj.check %same, "ValueError: output 0 of scan changes shape between steps: a step gave length $0 on axis 0, the output's rows have $1"(%len, %rows : index, index)
  %s = "sj.insert_row"(%v, %stack, %t) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %s, %p : tensor<?x?xf64>, tensor<?xf64>
}

// CHECK-LABEL: func.func @checked_by_a_known_length
// CHECK:         sj.check %{{.*}}, "ValueError: output 0 of scan changes shape
// CHECK-NOT:     tensor.empty
// CHECK:         %[[S:.*]] = scf.for
// CHECK:           math.exp
// CHECK-NEXT:      tensor.insert %{{.*}} into %{{.*}}[%t, %{{.*}}] : tensor<?x?xf64>
// CHECK:         %[[ROW:.*]] = "sj.row"(%[[S]], %t) : (tensor<?x?xf64>, index) -> tensor<?xf64>
// CHECK-NEXT:    %p = "sj.call"(%[[ROW]], %w,
// CHECK:         func.return %[[S]], %p
