// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// vector . vector: a scalar accumulator over k.
func.func @vv(%a: tensor<?xf64>, %b: tensor<?xf64>) -> f64 {
  %r = "sj.dot"(%a, %b) : (tensor<?xf64>, tensor<?xf64>) -> f64
  func.return %r : f64
}

// CHECK-LABEL: func.func @vv
// CHECK:         %[[K:.*]] = tensor.dim %a, %{{.*}} : tensor<?xf64>
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK:         %[[R:.*]] = scf.for %[[KK:.*]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (f64) {
// CHECK-NEXT:      %[[X:.*]] = tensor.extract %a[%[[KK]]] : tensor<?xf64>
// CHECK-NEXT:      %[[Y:.*]] = tensor.extract %b[%[[KK]]] : tensor<?xf64>
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f64
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f64
// CHECK-NEXT:      scf.yield %[[S]] : f64
// CHECK:         func.return %[[R]] : f64

// vector . matrix: the output is zeroed, then out[j] += a[k] * b[k, j] with j
// innermost, four values of k per pass (summed pairwise), then the k % 4 rest.
func.func @vm(%a: tensor<?xf64>, %b: tensor<?x?xf64>) -> tensor<?xf64> {
  %r = "sj.dot"(%a, %b) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @vm
// CHECK:         %[[K:.*]] = tensor.dim %a, %{{.*}} : tensor<?xf64>
// CHECK:         %[[N:.*]] = tensor.dim %b, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?xf64>
// CHECK:         %[[ZEROED:.*]] = scf.for %[[J0:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[Z:.*]] = %[[EMPTY]]) -> (tensor<?xf64>) {
// CHECK-NEXT:      tensor.insert %[[ZERO]] into %[[Z]][%[[J0]]] : tensor<?xf64>
// CHECK:         %[[FOUR:.*]] = arith.constant 4 : index
// CHECK-NEXT:    %[[QUOT:.*]] = arith.divui %[[K]], %[[FOUR]] : index
// CHECK-NEXT:    %[[KMAIN:.*]] = arith.muli %[[QUOT]], %[[FOUR]] : index
// CHECK:         %[[MAIN:.*]] = scf.for %[[KK:.*]] = %{{.*}} to %[[KMAIN]] step %[[STEP4:.*]] iter_args(%[[ACC:.*]] = %[[ZEROED]]) -> (tensor<?xf64>) {
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (tensor<?xf64>) {
// CHECK:             %[[X0:.*]] = tensor.extract %a[%[[KK]]] : tensor<?xf64>
// CHECK-NEXT:        %[[Y0:.*]] = tensor.extract %b[%[[KK]], %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[P0:.*]] = arith.mulf %[[X0]], %[[Y0]] : f64
// CHECK-COUNT-3:     arith.mulf
// CHECK-NEXT:        %[[S01:.*]] = arith.addf %[[P0]], %{{.*}} : f64
// CHECK-NEXT:        %[[S23:.*]] = arith.addf %{{.*}}, %{{.*}} : f64
// CHECK-NEXT:        %[[S:.*]] = arith.addf %[[S01]], %[[S23]] : f64
// CHECK-NEXT:        %[[OLD:.*]] = tensor.extract %[[ACC2]][%[[J]]] : tensor<?xf64>
// CHECK-NEXT:        %[[NEW:.*]] = arith.addf %[[OLD]], %[[S]] : f64
// CHECK-NEXT:        tensor.insert %[[NEW]] into %[[ACC2]][%[[J]]] : tensor<?xf64>
// CHECK:         scf.for %[[KR:.*]] = %[[KMAIN]] to %[[K]] step %{{.*}} iter_args(%[[R:.*]] = %[[MAIN]]) -> (tensor<?xf64>) {
// CHECK:           scf.for %[[JR:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[R2:.*]] = %[[R]]) -> (tensor<?xf64>) {
// CHECK-NEXT:        %[[X:.*]] = tensor.extract %a[%[[KR]]] : tensor<?xf64>
// CHECK-NEXT:        %[[Y:.*]] = tensor.extract %b[%[[KR]], %[[JR]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f64
// CHECK-NEXT:        %[[OLD2:.*]] = tensor.extract %[[R2]][%[[JR]]] : tensor<?xf64>
// CHECK-NEXT:        arith.addf %[[OLD2]], %[[P]] : f64

// matrix . vector: one scalar accumulation per row, integers with arith.muli/addi.
func.func @mv(%a: tensor<?x?xi32>, %b: tensor<?xi32>) -> tensor<?xi32> {
  %r = "sj.dot"(%a, %b) : (tensor<?x?xi32>, tensor<?xi32>) -> tensor<?xi32>
  func.return %r : tensor<?xi32>
}

// CHECK-LABEL: func.func @mv
// CHECK:         %[[M:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xi32>
// CHECK:         %[[K:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xi32>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[M]]) : tensor<?xi32>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[M]] step %{{.*}} iter_args(%[[OUT:.*]] = %[[EMPTY]]) -> (tensor<?xi32>) {
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK:           %[[ROW:.*]] = scf.for %[[KK:.*]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (i32) {
// CHECK-NEXT:        %[[X:.*]] = tensor.extract %a[%[[I]], %[[KK]]] : tensor<?x?xi32>
// CHECK-NEXT:        %[[Y:.*]] = tensor.extract %b[%[[KK]]] : tensor<?xi32>
// CHECK-NEXT:        %[[P:.*]] = arith.muli %[[X]], %[[Y]] : i32
// CHECK-NEXT:        arith.addi %[[ACC]], %[[P]] : i32
// CHECK:           tensor.insert %[[ROW]] into %[[OUT]][%[[I]]] : tensor<?xi32>

// matrix . matrix: i, k, j loops (j innermost, k by 4 then the rest) over a zeroed output.
func.func @mm(%a: tensor<?x?xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = "sj.dot"(%a, %b) : (tensor<?x?xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  func.return %r : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @mm
// CHECK:         %[[M:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xf32>
// CHECK:         %[[K:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xf32>
// CHECK-NEXT:    %[[N:.*]] = arith.constant 4 : index
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[M]]) : tensor<?x4xf32>
// CHECK:         %[[ZEROED:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[EMPTY]]) -> (tensor<?x4xf32>) {
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[M]] step %{{.*}} iter_args(%{{.*}} = %[[ZEROED]]) -> (tensor<?x4xf32>) {
// CHECK:           scf.for %[[KK:.*]] = %{{.*}} to %{{.*}} step
// CHECK:             scf.for %[[J:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<?x4xf32>) {
// CHECK:               %[[X:.*]] = tensor.extract %a[%[[I]], %[[KK]]] : tensor<?x?xf32>
// CHECK-NEXT:          %[[Y:.*]] = tensor.extract %b[%[[KK]], %[[J]]] : tensor<?x4xf32>
// CHECK-NEXT:          %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK:               %[[OLD:.*]] = tensor.extract %[[ACC]][%[[I]], %[[J]]] : tensor<?x4xf32>
// CHECK-NEXT:          %[[S:.*]] = arith.addf %[[OLD]], %{{.*}} : f32
// CHECK-NEXT:          tensor.insert %[[S]] into %[[ACC]][%[[I]], %[[J]]] : tensor<?x4xf32>
