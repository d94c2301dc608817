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

// vector . matrix: blocks of 64 output columns, then of 8, then single
// columns; each block's sums over k are carried together in iter_args (one
// register per column), added left to right from zero, then stored.
func.func @vm(%a: tensor<?xf64>, %b: tensor<?x?xf64>) -> tensor<?xf64> {
  %r = "sj.dot"(%a, %b) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @vm
// CHECK:         %[[K:.*]] = tensor.dim %a, %{{.*}} : tensor<?xf64>
// CHECK:         %[[N:.*]] = tensor.dim %b, %{{.*}} : tensor<?x?xf64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?xf64>
// CHECK:         %[[END64:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:         %[[OUT64:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[END64]] step %{{.*}} iter_args(%[[O:.*]] = %[[EMPTY]]) -> (tensor<?xf64>) {
// CHECK:           %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK:           %[[SUM0:[0-9]+]], {{.*}} = scf.for %[[KK:[0-9]+]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[S0:[0-9]+]] = %[[ZERO]], {{.*}}) -> ({{(f64, ){63}f64}}) {
// CHECK-NEXT:        %[[X:.*]] = tensor.extract %a[%[[KK]]] : tensor<?xf64>
// CHECK-NEXT:        %[[Y:.*]] = tensor.extract %b[%[[KK]], %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f64
// CHECK-NEXT:        %[[T0:.*]] = arith.addf %[[S0]], %[[P]] : f64
// CHECK-NOT:         tensor.insert
// CHECK:             scf.yield %[[T0]], {{.*}} : {{(f64, ){63}f64}}
// CHECK:           %{{.*}} = tensor.insert %[[SUM0]] into %[[O]][%[[J]]] : tensor<?xf64>
// CHECK:         scf.for %{{.*}} = %[[END64]] to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[OUT64]]) -> (tensor<?xf64>) {
// CHECK:           scf.for {{.*}} -> ({{(f64, ){7}f64}}) {
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (tensor<?xf64>) {
// CHECK:           scf.for {{.*}} -> (f64) {

// matrix . vector: blocks of 8 rows summed together (8 independent
// accumulators, each over k in order), then single rows; integers with
// arith.muli/addi.
func.func @mv(%a: tensor<?x?xi32>, %b: tensor<?xi32>) -> tensor<?xi32> {
  %r = "sj.dot"(%a, %b) : (tensor<?x?xi32>, tensor<?xi32>) -> tensor<?xi32>
  func.return %r : tensor<?xi32>
}

// CHECK-LABEL: func.func @mv
// CHECK:         %[[M:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xi32>
// CHECK:         %[[K:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xi32>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[M]]) : tensor<?xi32>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[OUT:.*]] = %[[EMPTY]]) -> (tensor<?xi32>) {
// CHECK:           %[[I1:.*]] = arith.addi %[[I]], %{{.*}} : index
// CHECK:           %[[R0:[0-9]+]], %[[R1:[0-9]+]], {{.*}} = scf.for %[[KK:[0-9]+]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[ACC:[0-9]+]] = %{{.*}}, {{.*}}) -> ({{(i32, ){7}i32}}) {
// CHECK-NEXT:        %[[X0:.*]] = tensor.extract %a[%[[I]], %[[KK]]] : tensor<?x?xi32>
// CHECK-NEXT:        %[[Y:.*]] = tensor.extract %b[%[[KK]]] : tensor<?xi32>
// CHECK-NEXT:        %[[P:.*]] = arith.muli %[[X0]], %[[Y]] : i32
// CHECK-NEXT:        arith.addi %[[ACC]], %[[P]] : i32
// CHECK-NEXT:        %[[X1:.*]] = tensor.extract %a[%[[I1]], %[[KK]]] : tensor<?x?xi32>
// CHECK-NEXT:        %[[P1:.*]] = arith.muli %[[X1]], %[[Y]] : i32
// CHECK:           tensor.insert %[[R0]] into %[[OUT]][%[[I]]] : tensor<?xi32>
// CHECK-NEXT:      tensor.insert %[[R1]] into %{{.*}}[%[[I1]]] : tensor<?xi32>
// CHECK:         scf.for {{.*}} -> (tensor<?xi32>) {
// CHECK:           scf.for {{.*}} -> (i32) {

// matrix . matrix: the same per row of a (with a static width of 4, canonicalize
// later drops the block loops that run no iteration).
func.func @mm(%a: tensor<?x?xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = "sj.dot"(%a, %b) : (tensor<?x?xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  func.return %r : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @mm
// CHECK:         %[[M:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xf32>
// CHECK:         %[[K:.*]] = tensor.dim %a, %{{.*}} : tensor<?x?xf32>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[M]]) : tensor<?x4xf32>
// CHECK:         scf.for %[[I:[0-9]+]] = %{{.*}} to %[[M]] step %{{.*}} iter_args(%{{.*}} = %[[EMPTY]]) -> (tensor<?x4xf32>) {
// CHECK:           scf.for {{.*}} -> (tensor<?x4xf32>) {
// CHECK:             scf.for {{.*}} -> ({{(f32, ){63}f32}}) {
// CHECK:               tensor.extract %a[%[[I]], %{{.*}}] : tensor<?x?xf32>

// batched (matmul): the batch axes outermost, each operand read at 0 along a
// batch axis of static length 1 (here a's), the result's length from the other.
func.func @batched(%a: tensor<1x?x?xf64>, %b: tensor<?x?x?xf64>) -> tensor<?x?x?xf64> {
  %r = "sj.dot"(%a, %b) <{batch = 1 : i64}> : (tensor<1x?x?xf64>, tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  func.return %r : tensor<?x?x?xf64>
}

// CHECK-LABEL: func.func @batched
// CHECK:         %[[B:.*]] = tensor.dim %b, %{{.*}} : tensor<?x?x?xf64>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[B]], %{{.*}}, %{{.*}}) : tensor<?x?x?xf64>
// CHECK:         scf.for %[[BETA:[0-9a-z_]+]] = %{{.*}} to %[[B]] step %{{.*}} iter_args(%{{.*}} = %[[EMPTY]]) -> (tensor<?x?x?xf64>) {
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0 : index
// CHECK:           scf.for %[[I:[0-9a-z_]+]] = {{.*}} -> (tensor<?x?x?xf64>) {
// CHECK:             scf.for %[[J:[0-9a-z_]+]] = {{.*}} -> (tensor<?x?x?xf64>) {
// CHECK:               scf.for %[[K:[0-9a-z_]+]] = {{.*}} -> ({{(f64, ){63}f64}}) {
// CHECK-NEXT:            tensor.extract %a[%[[ZERO]], %[[I]], %[[K]]] : tensor<1x?x?xf64>
// CHECK-NEXT:            tensor.extract %b[%[[BETA]], %[[K]], %[[J]]] : tensor<?x?x?xf64>
// CHECK:               tensor.insert %{{.*}} into %{{.*}}[%[[BETA]], %[[I]], %[[J]]] : tensor<?x?x?xf64>

// two contracted axes (tensordot): one accumulator carried through a loop per
// contracted axis, in row-major order.
func.func @contract2(%a: tensor<?x?x?xi64>, %b: tensor<?x?xi64>) -> tensor<?xi64> {
  %r = "sj.dot"(%a, %b) <{contract = 2 : i64}> : (tensor<?x?x?xi64>, tensor<?x?xi64>) -> tensor<?xi64>
  func.return %r : tensor<?xi64>
}

// CHECK-LABEL: func.func @contract2
// The blocks of 8 rows first (as @mv), then the single rows:
// CHECK:             scf.for {{.*}} -> ({{(i64, ){7}i64}}) {
// CHECK:         scf.for %[[I:[0-9a-z_]+]] = {{.*}} -> (tensor<?xi64>) {
// CHECK:           %[[S:[0-9a-z_]+]] = scf.for %[[K0:[0-9a-z_]+]] = {{.*}} iter_args(%[[ACC0:.*]] = %{{.*}}) -> (i64) {
// CHECK:             %[[INNER:[0-9a-z_]+]] = scf.for %[[K1:[0-9a-z_]+]] = {{.*}} iter_args(%[[ACC1:.*]] = %[[ACC0]]) -> (i64) {
// CHECK-NEXT:          %[[X:.*]] = tensor.extract %a[%[[I]], %[[K0]], %[[K1]]] : tensor<?x?x?xi64>
// CHECK-NEXT:          %[[Y:.*]] = tensor.extract %b[%[[K0]], %[[K1]]] : tensor<?x?xi64>
// CHECK-NEXT:          %[[P:.*]] = arith.muli %[[X]], %[[Y]] : i64
// CHECK-NEXT:          %[[T:.*]] = arith.addi %[[ACC1]], %[[P]] : i64
// CHECK-NEXT:          scf.yield %[[T]] : i64
// CHECK:             scf.yield %[[INNER]] : i64
// CHECK:           tensor.insert %[[S]] into %{{.*}}[%[[I]]] : tensor<?xi64>
