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

// sj.constant: an arith.constant of its dense value (bufferize makes it a
// global), whatever its size: no op per element.
func.func @constant() -> tensor<2x2xf64> {
  %r = "sj.constant"() <{value = dense<[[1.0, 2.0], [3.0, 4.5]]> : tensor<2x2xf64>}> : () -> tensor<2x2xf64>
  func.return %r : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @constant
// CHECK-NEXT:    %[[C:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.500000e+00]]> : tensor<2x2xf64>
// CHECK-NEXT:    func.return %[[C]] : tensor<2x2xf64>

// Bool, integer and 3-d constants, and a large one, the same way.
func.func @constants() -> (tensor<2xi1>, tensor<3xi8>, tensor<1x2x2xi64>, tensor<200xf32>) {
  %b = "sj.constant"() <{value = dense<[true, false]> : tensor<2xi1>}> : () -> tensor<2xi1>
  %i = "sj.constant"() <{value = dense<[-128, 0, 127]> : tensor<3xi8>}> : () -> tensor<3xi8>
  %k = "sj.constant"() <{value = dense<[[[1, 2], [3, 4]]]> : tensor<1x2x2xi64>}> : () -> tensor<1x2x2xi64>
  %f = "sj.constant"() <{value = dense<1.5> : tensor<200xf32>}> : () -> tensor<200xf32>
  func.return %b, %i, %k, %f : tensor<2xi1>, tensor<3xi8>, tensor<1x2x2xi64>, tensor<200xf32>
}

// CHECK-LABEL: func.func @constants
// CHECK-NEXT:    %[[B:.*]] = arith.constant dense<[true, false]> : tensor<2xi1>
// CHECK-NEXT:    %[[I:.*]] = arith.constant dense<[-128, 0, 127]> : tensor<3xi8>
// CHECK-NEXT:    %[[K:.*]] = arith.constant dense<{{\[\[}}[1, 2], [3, 4]]]> : tensor<1x2x2xi64>
// CHECK-NEXT:    %[[F:.*]] = arith.constant dense<1.500000e+00> : tensor<200xf32>
// CHECK-NEXT:    func.return %[[B]], %[[I]], %[[K]], %[[F]]
