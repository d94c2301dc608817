// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// sj.map with NumPy broadcasting: the result takes its dims from the inputs
// that are not broadcast, a vector is read with the inner index only and a
// scalar input is used as is.
func.func @map_broadcast(%v: tensor<?xf64>, %m: tensor<?x?xf64>, %s: f64) -> tensor<?x?xf64> {
  %r = "sj.map"(%v, %m, %s) ({
  ^bb0(%a: f64, %b: f64, %c: f64):
    %ab = arith.addf %a, %b : f64
    %abc = arith.mulf %ab, %c : f64
    "sj.yield"(%abc) : (f64) -> ()
  }) : (tensor<?xf64>, tensor<?x?xf64>, f64) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @map_broadcast
// CHECK:         %[[ROWS:.*]] = tensor.dim %m, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[COLS:.*]] = tensor.dim %v, %{{.*}} : tensor<?xf64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[ROWS]], %[[COLS]]) : tensor<?x?xf64>
// CHECK:         %[[OUT:.*]] = scf.for %[[I:.*]] = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<?x?xf64>) {
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[COLS]] step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (tensor<?x?xf64>) {
// CHECK-NEXT:        %[[A:.*]] = tensor.extract %v[%[[J]]] : tensor<?xf64>
// CHECK-NEXT:        %[[B:.*]] = tensor.extract %m[%[[I]], %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:        %ab = arith.addf %[[A]], %[[B]] : f64
// CHECK-NEXT:        %abc = arith.mulf %ab, %s : f64
// CHECK-NEXT:        %[[NEW:.*]] = tensor.insert %abc into %[[ACC2]][%[[I]], %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:        scf.yield %[[NEW]] : tensor<?x?xf64>
// CHECK:         func.return %[[OUT]] : tensor<?x?xf64>
// CHECK-NOT:     sj.

// A static size-1 dimension broadcasts: it is read at index 0 and the result
// takes that dimension from the other input.
func.func @map_static_row(%row: tensor<1x?xf32>, %m: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = "sj.map"(%row, %m) ({
  ^bb0(%a: f32, %b: f32):
    %d = arith.subf %a, %b : f32
    "sj.yield"(%d) : (f32) -> ()
  }) : (tensor<1x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  func.return %r : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @map_static_row
// CHECK:         %[[ROWS:.*]] = tensor.dim %m, %{{.*}} : tensor<?x?xf32>
// CHECK:         %[[COLS:.*]] = tensor.dim %row, %{{.*}} : tensor<1x?xf32>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[ROWS]]
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[COLS]]
// CHECK-NEXT:        %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT:        %[[A:.*]] = tensor.extract %row[%[[ZERO]], %[[J]]] : tensor<1x?xf32>
// CHECK-NEXT:        %[[B:.*]] = tensor.extract %m[%[[I]], %[[J]]] : tensor<?x?xf32>
// CHECK-NEXT:        %d = arith.subf %[[A]], %[[B]] : f32

// A static result shape needs no tensor.dim.
func.func @map_static(%x: tensor<3xi64>) -> tensor<3xi1> {
  %r = "sj.map"(%x) ({
  ^bb0(%a: i64):
    %z = arith.constant 0 : i64
    %p = arith.cmpi sgt, %a, %z : i64
    "sj.yield"(%p) : (i1) -> ()
  }) : (tensor<3xi64>) -> tensor<3xi1>
  func.return %r : tensor<3xi1>
}

// CHECK-LABEL: func.func @map_static
// CHECK-NOT:     tensor.dim
// CHECK:         %[[N:.*]] = arith.constant 3 : index
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty() : tensor<3xi1>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<3xi1>) {
// CHECK-NEXT:      %[[A:.*]] = tensor.extract %x[%[[I]]] : tensor<3xi64>
// CHECK-NEXT:      %z = arith.constant 0 : i64
// CHECK-NEXT:      %p = arith.cmpi sgt, %[[A]], %z : i64
// CHECK-NEXT:      tensor.insert %p into %[[ACC]][%[[I]]] : tensor<3xi1>
