// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// Reducing every axis: one loop per axis carrying a scalar accumulator that
// starts at the identity of the reduction.
func.func @sum_all(%x: tensor<?x?xf64>) -> f64 {
  %r = "sj.reduce"(%x) <{kind = "add", axes = array<i64: 0, 1>}> : (tensor<?x?xf64>) -> f64
  func.return %r : f64
}

// CHECK-LABEL: func.func @sum_all
// CHECK:         %[[D0:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[D1:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xf64>
// CHECK-NEXT:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK:         %[[SUM:.*]] = scf.for %[[I:.*]] = %{{.*}} to %[[D0]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (f64) {
// CHECK:           %[[INNER:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[D1]] step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (f64) {
// CHECK-NEXT:        %[[V:.*]] = tensor.extract %x[%[[I]], %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[NEW:.*]] = arith.addf %[[ACC2]], %[[V]] : f64
// CHECK-NEXT:        scf.yield %[[NEW]] : f64
// CHECK:           scf.yield %[[INNER]] : f64
// CHECK:         func.return %[[SUM]] : f64

// Reducing one axis: the kept axis is the outer loop writing a tensor, the
// reduced one the inner loop; an int max starts at the type's minimum.
func.func @max_axis1(%x: tensor<?x3xi32>) -> tensor<?xi32> {
  %r = "sj.reduce"(%x) <{kind = "max", axes = array<i64: 1>}> : (tensor<?x3xi32>) -> tensor<?xi32>
  func.return %r : tensor<?xi32>
}

// CHECK-LABEL: func.func @max_axis1
// CHECK:         %[[ROWS:.*]] = tensor.dim %x, %{{.*}} : tensor<?x3xi32>
// CHECK-NEXT:    %[[COLS:.*]] = arith.constant 3 : index
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[ROWS]]) : tensor<?xi32>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%[[OUT:.*]] = %[[EMPTY]]) -> (tensor<?xi32>) {
// CHECK-NEXT:      %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK:           %[[M:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[COLS]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[MIN]]) -> (i32) {
// CHECK-NEXT:        %[[V:.*]] = tensor.extract %x[%[[I]], %[[J]]] : tensor<?x3xi32>
// CHECK-NEXT:        arith.maxsi %[[ACC]], %[[V]] : i32
// CHECK:           tensor.insert %[[M]] into %[[OUT]][%[[I]]] : tensor<?xi32>

// Reducing leading axes and keeping the last: the input's own row-major
// order, each element combined into the result row (contiguous, so the
// innermost loop vectorizes), which starts filled with the identity.
func.func @sum_leading(%x: tensor<?x?x?xf64>) -> tensor<?xf64> {
  %r = "sj.reduce"(%x) <{kind = "add", axes = array<i64: 0, 1>}> : (tensor<?x?x?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK-LABEL: func.func @sum_leading
// CHECK:         %[[D0:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xf64>
// CHECK:         %[[D1:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xf64>
// CHECK:         %[[D2:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xf64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[D2]]) : tensor<?xf64>
// CHECK:         %[[ZEROS:.*]] = scf.for %[[C:.*]] = %{{.*}} to %[[D2]] step %{{.*}} iter_args(%[[Z:.*]] = %[[EMPTY]]) -> (tensor<?xf64>) {
// CHECK-NEXT:      %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:      tensor.insert %[[ZERO]] into %[[Z]][%[[C]]] : tensor<?xf64>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[D0]] step %{{.*}} iter_args(%[[A0:.*]] = %[[ZEROS]]) -> (tensor<?xf64>) {
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[D1]] step %{{.*}} iter_args(%[[A1:.*]] = %[[A0]]) -> (tensor<?xf64>) {
// CHECK:             scf.for %[[K:.*]] = %{{.*}} to %[[D2]] step %{{.*}} iter_args(%[[A2:.*]] = %[[A1]]) -> (tensor<?xf64>) {
// CHECK-NEXT:          %[[ACC:.*]] = tensor.extract %[[A2]][%[[K]]] : tensor<?xf64>
// CHECK-NEXT:          %[[V:.*]] = tensor.extract %x[%[[I]], %[[J]], %[[K]]] : tensor<?x?x?xf64>
// CHECK-NEXT:          %[[NEW:.*]] = arith.addf %[[ACC]], %[[V]] : f64
// CHECK-NEXT:          tensor.insert %[[NEW]] into %[[A2]][%[[K]]] : tensor<?xf64>

// Float max/min propagate NaN (arith.maximumf / minimumf) from +-inf.
func.func @min_f32(%x: tensor<?xf32>) -> f32 {
  %r = "sj.reduce"(%x) <{kind = "min", axes = array<i64: 0>}> : (tensor<?xf32>) -> f32
  func.return %r : f32
}

// CHECK-LABEL: func.func @min_f32
// CHECK:         %[[INF:.*]] = arith.constant 0x7f800000 : f32
// CHECK:         scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[INF]]) -> (f32) {
// CHECK:           arith.minimumf %[[ACC]], %{{.*}} : f32

// Bools (i1) are NumPy's False < True: max is `or` from false, min `and` from true.
func.func @max_bool(%x: tensor<?xi1>) -> i1 {
  %r = "sj.reduce"(%x) <{kind = "max", axes = array<i64: 0>}> : (tensor<?xi1>) -> i1
  func.return %r : i1
}

// CHECK-LABEL: func.func @max_bool
// CHECK:         %[[FALSE:.*]] = arith.constant false
// CHECK:         scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[FALSE]]) -> (i1) {
// CHECK:           arith.ori %[[ACC]], %{{.*}} : i1

func.func @min_bool(%x: tensor<?xi1>) -> i1 {
  %r = "sj.reduce"(%x) <{kind = "min", axes = array<i64: 0>}> : (tensor<?xi1>) -> i1
  func.return %r : i1
}

// CHECK-LABEL: func.func @min_bool
// CHECK:         %[[TRUE:.*]] = arith.constant true
// CHECK:         scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[TRUE]]) -> (i1) {
// CHECK:           arith.andi %[[ACC]], %{{.*}} : i1

// argmax of the flattened integers: the loop carries (best value, its
// position, position counter) and starts from element 0.
func.func @argmax_all(%x: tensor<?xi64>) -> i64 {
  %r = "sj.argmax"(%x) : (tensor<?xi64>) -> i64
  func.return %r : i64
}

// CHECK-LABEL: func.func @argmax_all
// CHECK:         %[[N:.*]] = tensor.dim %x, %{{.*}} : tensor<?xi64>
// CHECK:         %[[FIRST:.*]] = tensor.extract %x[%{{.*}}] : tensor<?xi64>
// CHECK:         %{{.*}}, %[[AT:.*]], %{{.*}} = scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[BEST:.*]] = %[[FIRST]], %[[BEST_AT:.*]] = %{{.*}}, %[[COUNT:.*]] = %{{.*}}) -> (i64, index, index) {
// CHECK-NEXT:      %[[V:.*]] = tensor.extract %x[%[[I]]] : tensor<?xi64>
// CHECK-NEXT:      %[[BETTER:.*]] = arith.cmpi sgt, %[[V]], %[[BEST]] : i64
// CHECK-NEXT:      %[[NEWBEST:.*]] = arith.select %[[BETTER]], %[[V]], %[[BEST]] : i64
// CHECK-NEXT:      %[[NEWAT:.*]] = arith.select %[[BETTER]], %[[COUNT]], %[[BEST_AT]] : index
// CHECK:           %[[NEXT:.*]] = arith.addi %[[COUNT]], %{{.*}} : index
// CHECK-NEXT:      scf.yield %[[NEWBEST]], %[[NEWAT]], %[[NEXT]] : i64, index, index
// CHECK:         %[[R:.*]] = arith.index_cast %[[AT]] : index to i64
// CHECK-NEXT:    func.return %[[R]] : i64

// argmax of floats: 8 lanes of (best value, its position), each starting
// from element 0 and counting a NaN as the maximum, then the rest one by one
// into lane 0, then the lanes combined: the greater value wins, a NaN beats a
// number, and between equal values (or two NaNs) the smaller position.
func.func @argmax_lanes(%x: tensor<?xf64>) -> i64 {
  %r = "sj.argmax"(%x) : (tensor<?xf64>) -> i64
  func.return %r : i64
}

// CHECK-LABEL: func.func @argmax_lanes
// CHECK:         %[[FIRST:.*]] = tensor.extract %x[%{{.*}}] : tensor<?xf64>
// CHECK:         arith.constant 8 : index
// CHECK:         = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[BEST0:[^ ]+]] = %[[FIRST]], %[[AT0:[^ ]+]] = %{{.*}}, %{{.*}} = %[[FIRST]], {{.*}}) -> (f64, index, f64, index, f64, index, f64, index, f64, index, f64, index, f64, index, f64, index) {
// CHECK:           %[[V:[^ ]+]] = tensor.extract %x[%{{.*}}] : tensor<?xf64>
// CHECK-NEXT:      %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[BEST0]] : f64
// CHECK-NEXT:      %[[NAN:.*]] = arith.cmpf uno, %[[V]], %[[V]] : f64
// CHECK-NEXT:      %[[ORD:.*]] = arith.cmpf ord, %[[BEST0]], %[[BEST0]] : f64
// CHECK-NEXT:      %[[BOTH:.*]] = arith.andi %[[NAN]], %[[ORD]] : i1
// CHECK-NEXT:      %[[BETTER:.*]] = arith.ori %[[GT]], %[[BOTH]] : i1
// CHECK-NEXT:      arith.select %[[BETTER]], %[[V]], %[[BEST0]] : f64
// CHECK-NEXT:      arith.select %[[BETTER]], %{{.*}}, %[[AT0]] : index
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (f64, index, f64, index, f64, index, f64, index, f64, index, f64, index, f64, index, f64, index) {
// CHECK:         arith.cmpf oeq
// CHECK:         arith.cmpi ult
// CHECK:         %[[R:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK-NEXT:    func.return %[[R]] : i64

// argmax along axis 0 of a matrix: one scan down each column.
func.func @argmax_axis0(%x: tensor<?x?xi64>) -> tensor<?xi64> {
  %r = "sj.argmax"(%x) <{axes = array<i64: 0>}> : (tensor<?x?xi64>) -> tensor<?xi64>
  func.return %r : tensor<?xi64>
}

// CHECK-LABEL: func.func @argmax_axis0
// CHECK:         %[[ROWS:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xi64>
// CHECK:         %[[COLS:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xi64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[COLS]]) : tensor<?xi64>
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %[[COLS]] step %{{.*}} iter_args(%[[OUT:.*]] = %[[EMPTY]]) -> (tensor<?xi64>) {
// CHECK:           %[[FIRST:.*]] = tensor.extract %x[%{{.*}}, %[[J]]] : tensor<?x?xi64>
// CHECK:           %{{.*}}, %[[AT:.*]], %{{.*}} = scf.for %[[I:.*]] = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%[[BEST:.*]] = %[[FIRST]], {{.*}}) -> (i64, index, index) {
// CHECK-NEXT:        %[[V:.*]] = tensor.extract %x[%[[I]], %[[J]]] : tensor<?x?xi64>
// CHECK-NEXT:        arith.cmpi sgt, %[[V]], %[[BEST]] : i64
// CHECK:           %[[R:.*]] = arith.index_cast %[[AT]] : index to i64
// CHECK-NEXT:      tensor.insert %[[R]] into %[[OUT]][%[[J]]] : tensor<?xi64>

// argmax of bools compares unsigned: true (1) > false (0).
func.func @argmax_bool(%x: tensor<?xi1>) -> i64 {
  %r = "sj.argmax"(%x) : (tensor<?xi1>) -> i64
  func.return %r : i64
}

// CHECK-LABEL: func.func @argmax_bool
// CHECK:         arith.cmpi ugt, %{{.*}}, %{{.*}} : i1

// argmax over several axes (PyTensor's): the kept axis outermost, then one
// loop per searched axis in order, counting positions in their row-major
// order; floats over several axes take the one-lane loop.
func.func @argmax_axes(%x: tensor<?x?x?xf64>) -> tensor<?xi64> {
  %r = "sj.argmax"(%x) <{axes = array<i64: 0, 2>}> : (tensor<?x?x?xf64>) -> tensor<?xi64>
  func.return %r : tensor<?xi64>
}

// CHECK-LABEL: func.func @argmax_axes
// CHECK:         %[[D0:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xf64>
// CHECK:         %[[D1:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xf64>
// CHECK:         %[[D2:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xf64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[D1]]) : tensor<?xi64>
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %[[D1]] step %{{.*}} iter_args(%[[OUT:.*]] = %[[EMPTY]]) -> (tensor<?xi64>) {
// CHECK:           %[[FIRST:.*]] = tensor.extract %x[%{{.*}}, %[[J]], %{{.*}}] : tensor<?x?x?xf64>
// CHECK:           %{{.*}}, %[[AT:.*]], %{{.*}} = scf.for %[[I:.*]] = %{{.*}} to %[[D0]] step %{{.*}} iter_args(%{{.*}} = %[[FIRST]], {{.*}}) -> (f64, index, index) {
// CHECK:             scf.for %[[K:.*]] = %{{.*}} to %[[D2]] step %{{.*}} iter_args(%[[BEST:.*]] = %{{.*}}, %[[BEST_AT:.*]] = %{{.*}}, %[[COUNT:.*]] = %{{.*}}) -> (f64, index, index) {
// CHECK-NEXT:          %[[V:.*]] = tensor.extract %x[%[[I]], %[[J]], %[[K]]] : tensor<?x?x?xf64>
// CHECK-NEXT:          %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[BEST]] : f64
// CHECK:               %[[NEXT:.*]] = arith.addi %[[COUNT]], %{{.*}} : index
// CHECK:           %[[R:.*]] = arith.index_cast %[[AT]] : index to i64
// CHECK-NEXT:      tensor.insert %[[R]] into %[[OUT]][%[[J]]] : tensor<?xi64>
