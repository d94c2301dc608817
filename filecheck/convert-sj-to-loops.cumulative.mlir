// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// Along an axis: the other axes outermost, then a loop along the axis that
// carries the running value from the identity and stores it at each step.
func.func @cumsum_axis1(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %r = "sj.cumulative"(%x) <{kind = "add", axis = 1 : i64}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @cumsum_axis1
// CHECK:         %[[ROWS:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[COLS:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xf64>
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[ROWS]], %[[COLS]]) : tensor<?x?xf64>
// CHECK:         %[[R:.*]] = scf.for %[[I:.*]] = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%[[OUT:.*]] = %[[EMPTY]]) -> (tensor<?x?xf64>) {
// CHECK:           %[[ROW:.*]], %{{.*}} = scf.for %[[J:.*]] = %{{.*}} to %[[COLS]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[OUT]], %[[TOTAL:.*]] = %[[ZERO]]) -> (tensor<?x?xf64>, f64) {
// CHECK-NEXT:        %[[V:.*]] = tensor.extract %x[%[[I]], %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[NEW:.*]] = arith.addf %[[TOTAL]], %[[V]] : f64
// CHECK-NEXT:        %[[STORED:.*]] = tensor.insert %[[NEW]] into %[[ACC]][%[[I]], %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:        scf.yield %[[STORED]], %[[NEW]] : tensor<?x?xf64>, f64
// CHECK:           scf.yield %[[ROW]] : tensor<?x?xf64>
// CHECK:         func.return %[[R]] : tensor<?x?xf64>

// Without an axis: a vector of as many elements as the input, filled by a
// loop nest over the input in row-major order carrying the running value and
// the position; a product starts from 1.
func.func @cumprod_flat(%x: tensor<?x3xi32>) -> tensor<?xi32> {
  %r = "sj.cumulative"(%x) <{kind = "mul"}> : (tensor<?x3xi32>) -> tensor<?xi32>
  func.return %r : tensor<?xi32>
}

// CHECK-LABEL: func.func @cumprod_flat
// CHECK:         %[[ROWS:.*]] = tensor.dim %x, %{{.*}} : tensor<?x3xi32>
// CHECK-NEXT:    %[[COLS:.*]] = arith.constant 3 : index
// CHECK-NEXT:    %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-NEXT:    %[[SIZE:.*]] = arith.muli %[[ROWS]], %[[COLS]] : index
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[SIZE]]) : tensor<?xi32>
// CHECK-NEXT:    %[[START:.*]] = arith.constant 0 : index
// CHECK:         %[[R:.*]], %{{.*}}, %{{.*}} = scf.for %[[I:.*]] = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%{{.*}} = %[[EMPTY]], %{{.*}} = %[[ONE]], %{{.*}} = %[[START]]) -> (tensor<?xi32>, i32, index) {
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[COLS]] step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[TOTAL:.*]] = %{{.*}}, %[[AT:.*]] = %{{.*}}) -> (tensor<?xi32>, i32, index) {
// CHECK-NEXT:        %[[V:.*]] = tensor.extract %x[%[[I]], %[[J]]] : tensor<?x3xi32>
// CHECK-NEXT:        %[[NEW:.*]] = arith.muli %[[TOTAL]], %[[V]] : i32
// CHECK-NEXT:        %[[STORED:.*]] = tensor.insert %[[NEW]] into %[[ACC]][%[[AT]]] : tensor<?xi32>
// CHECK-NEXT:        %[[STEP:.*]] = arith.constant 1 : index
// CHECK-NEXT:        %[[NEXT:.*]] = arith.addi %[[AT]], %[[STEP]] : index
// CHECK-NEXT:        scf.yield %[[STORED]], %[[NEW]], %[[NEXT]] : tensor<?xi32>, i32, index
// CHECK:         func.return %[[R]] : tensor<?xi32>

// A map feeding it is computed in its loop (read once), not stored first.
func.func @cumsum_of_map(%x: tensor<?xf32>) -> tensor<?xf32> {
  %m = "sj.map"(%x) ({
  ^bb0(%a: f32):
    %n = arith.negf %a : f32
    "sj.yield"(%n) : (f32) -> ()
  }) : (tensor<?xf32>) -> tensor<?xf32>
  %r = "sj.cumulative"(%m) <{kind = "add", axis = 0 : i64}> : (tensor<?xf32>) -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// CHECK-LABEL: func.func @cumsum_of_map
// CHECK:         tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK-NOT:     tensor.empty
// CHECK:         scf.for
// CHECK-NEXT:      %[[V:.*]] = tensor.extract %x[%{{.*}}] : tensor<?xf32>
// CHECK-NEXT:      %[[N:.*]] = arith.negf %[[V]] : f32
// CHECK-NEXT:      arith.addf %{{.*}}, %[[N]] : f32
