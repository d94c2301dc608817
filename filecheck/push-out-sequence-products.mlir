// RUN: scanjit-opt %s -p push-out-sequence-products | filecheck %s

// The RNN's step (emitted): x_t @ W does not depend on the state. It becomes
// row t of one product X @ W made before the loop: of the whole of X when
// at most 64 of its rows go unread, else of the rows the steps read; none
// when the shapes disagree (the step's check, which stays, raises first).
func.func @rnn(%X: tensor<?x?xf64>, %h0: tensor<?x?xf64>, %W: tensor<?x?xf64>, %U: tensor<?x?xf64>, %n: index) -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %k = tensor.dim %X, %c1 : tensor<?x?xf64>
  %kw = tensor.dim %W, %c0 : tensor<?x?xf64>
  %ok = arith.cmpi eq, %k, %kw : index
  %r = scf.for %t = %c0 to %n step %c1 iter_args(%s = %h0) -> (tensor<?x?xf64>) {
    %x = "sj.row"(%X, %t) : (tensor<?x?xf64>, index) -> tensor<?xf64>
    %h = "sj.row"(%s, %t) : (tensor<?x?xf64>, index) -> tensor<?xf64>
    sj.check %ok, "ValueError: dot of 'X[t]' and 'W': shapes are not aligned"
    %xw = "sj.dot"(%x, %W) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
    %hu = "sj.dot"(%h, %U) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
    %sum = "sj.map"(%xw, %hu) ({
    ^bb0(%a: f64, %b: f64):
      %v = arith.addf %a, %b : f64
      "sj.yield"(%v) : (f64) -> ()
    }) : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
    %next = arith.addi %t, %c1 : index
    %u = "sj.insert_row"(%sum, %s, %next) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
    scf.yield %u : tensor<?x?xf64>
  }
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @rnn
// CHECK:         %[[AGREE:.*]] = arith.cmpi eq, %{{[0-9]+}}, %{{[0-9]+}} : index
// CHECK:         %[[WHOLE:.*]] = arith.andi %[[AGREE]], %{{.*}} : i1
// CHECK-NEXT:    %[[XW:.*]] = scf.if %[[WHOLE]] -> (tensor<?x?xf64>) {
// CHECK-NEXT:      %[[ALL:.*]] = "sj.dot"(%X, %W) : (tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
// CHECK-NEXT:      scf.yield %[[ALL]] : tensor<?x?xf64>
// CHECK-NEXT:    } else {
// CHECK-NEXT:      %[[COUNT:.*]] = arith.select %[[AGREE]], %{{.*}}, %{{.*}} : index
// CHECK-NEXT:      %[[ROWS:.*]] = "sj.slice"(%X, %[[FIRST:[0-9]+]], %{{.*}}, %[[COUNT]])
// CHECK-NEXT:      %[[SOME:.*]] = "sj.dot"(%[[ROWS]], %W)
// CHECK-NEXT:      scf.yield %[[SOME]] : tensor<?x?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[BASE:.*]] = arith.select %[[WHOLE]], %{{.*}}, %[[FIRST]] : index
// CHECK-NEXT:    scf.for %t = %c0 to %n step %c1 iter_args(%s = %h0) -> (tensor<?x?xf64>) {
// The row of X, no longer read, goes.
// CHECK-NOT:       "sj.row"(%X
// The step's check stays, before the row of the product is read.
// CHECK:           sj.check %ok, "ValueError: dot of 'X[t]' and 'W': shapes are not aligned"
// CHECK-NEXT:      %[[AT:.*]] = arith.subi %t, %[[BASE]] : index
// CHECK-NEXT:      %{{.*}} = "sj.row"(%[[XW]], %[[AT]]) : (tensor<?x?xf64>, index) -> tensor<?xf64>
// The product with the state stays in the loop.
// CHECK-NEXT:      %hu = "sj.dot"(%h, %U)

// Left alone: a map (its steps only write the rows it carries) runs its
// steps in parallel as it is.
func.func @map(%X: tensor<?x?xf64>, %W: tensor<?x?xf64>, %out: tensor<?x?xf64>, %n: index) -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %t = %c0 to %n step %c1 iter_args(%s = %out) -> (tensor<?x?xf64>) {
    %x = "sj.row"(%X, %t) : (tensor<?x?xf64>, index) -> tensor<?xf64>
    %xw = "sj.dot"(%x, %W) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
    %u = "sj.insert_row"(%xw, %s, %t) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
    scf.yield %u : tensor<?x?xf64>
  }
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @map
// CHECK-NOT:     scf.if
// CHECK:         scf.for
// CHECK:           "sj.dot"(%x, %W)
