// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// sj.arange: element k is start + float(k) * step.
func.func @arange(%start: f32, %step: f32, %n: index) -> tensor<?xf32> {
  %r = "sj.arange"(%start, %step, %n) : (f32, f32, index) -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// CHECK-LABEL: func.func @arange
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%n) : tensor<?xf32>
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %n step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<?xf32>) {
// CHECK-NEXT:      %[[I:.*]] = arith.index_cast %[[K]] : index to i64
// CHECK-NEXT:      %[[F:.*]] = arith.sitofp %[[I]] : i64 to f32
// CHECK-NEXT:      %[[OFF:.*]] = arith.mulf %[[F]], %step : f32
// CHECK-NEXT:      %[[V:.*]] = arith.addf %start, %[[OFF]] : f32
// CHECK-NEXT:      tensor.insert %[[V]] into %[[ACC]][%[[K]]] : tensor<?xf32>

// An integer arange stays in integers.
func.func @arange_i32(%start: i32, %step: i32, %n: index) -> tensor<?xi32> {
  %r = "sj.arange"(%start, %step, %n) : (i32, i32, index) -> tensor<?xi32>
  func.return %r : tensor<?xi32>
}

// CHECK-LABEL: func.func @arange_i32
// CHECK:         %[[I:.*]] = arith.index_cast %{{.*}} : index to i32
// CHECK-NEXT:    %[[OFF:.*]] = arith.muli %[[I]], %step : i32
// CHECK-NEXT:    arith.addi %start, %[[OFF]] : i32

// sj.fill takes the dynamic sizes in order; static ones are constants.
func.func @fill(%v: i32, %n: index) -> tensor<?x2xi32> {
  %r = "sj.fill"(%v, %n) : (i32, index) -> tensor<?x2xi32>
  func.return %r : tensor<?x2xi32>
}

// CHECK-LABEL: func.func @fill
// CHECK:         %[[TWO:.*]] = arith.constant 2 : index
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%n) : tensor<?x2xi32>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %n step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<?x2xi32>) {
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[TWO]] step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (tensor<?x2xi32>) {
// CHECK-NEXT:        tensor.insert %v into %[[ACC2]][%[[I]], %[[J]]] : tensor<?x2xi32>

// sj.constant: one insert per element, in row-major order.
func.func @constant() -> tensor<2x2xf64> {
  %r = "sj.constant"() <{value = dense<[[1.0, 2.0], [3.0, 4.5]]> : tensor<2x2xf64>}> : () -> tensor<2x2xf64>
  func.return %r : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @constant
// CHECK-NEXT:    %[[T0:.*]] = tensor.empty() : tensor<2x2xf64>
// CHECK-NEXT:    %[[V0:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT:    %[[I0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[J0:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[T1:.*]] = tensor.insert %[[V0]] into %[[T0]][%[[I0]], %[[J0]]] : tensor<2x2xf64>
// CHECK-NEXT:    %[[V1:.*]] = arith.constant 2.000000e+00 : f64
// CHECK-NEXT:    %[[I1:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[J1:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[T2:.*]] = tensor.insert %[[V1]] into %[[T1]][%[[I1]], %[[J1]]] : tensor<2x2xf64>
// CHECK-NEXT:    %[[V2:.*]] = arith.constant 3.000000e+00 : f64
// CHECK-NEXT:    %[[I2:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[J2:.*]] = arith.constant 0 : index
// CHECK-NEXT:    %[[T3:.*]] = tensor.insert %[[V2]] into %[[T2]][%[[I2]], %[[J2]]] : tensor<2x2xf64>
// CHECK-NEXT:    %[[V3:.*]] = arith.constant 4.500000e+00 : f64
// CHECK-NEXT:    %[[I3:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[J3:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[T4:.*]] = tensor.insert %[[V3]] into %[[T3]][%[[I3]], %[[J3]]] : tensor<2x2xf64>
// CHECK-NEXT:    func.return %[[T4]] : tensor<2x2xf64>

// A bool constant is stored as i1 values.
func.func @constant_bool() -> tensor<2xi1> {
  %r = "sj.constant"() <{value = dense<[true, false]> : tensor<2xi1>}> : () -> tensor<2xi1>
  func.return %r : tensor<2xi1>
}

// CHECK-LABEL: func.func @constant_bool
// CHECK:         arith.constant true
// CHECK:         arith.constant false
