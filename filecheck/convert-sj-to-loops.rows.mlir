// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// Rows are not copied: a reduction of `sj.row %x[%i]` reads %x[%i, %j], and
// the row's length is the source's dim 1.
func.func @row_read(%x: tensor<?x?xf64>, %i: index) -> f64 {
  %row = "sj.row"(%x, %i) : (tensor<?x?xf64>, index) -> tensor<?xf64>
  %s = "sj.reduce"(%row) <{kind = "add", axes = array<i64: 0>}> : (tensor<?xf64>) -> f64
  func.return %s : f64
}

// CHECK-LABEL: func.func @row_read
// CHECK-NOT:     sj.row
// CHECK:         %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[N:.*]] = tensor.dim %x, %[[ONE]] : tensor<?x?xf64>
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %[[N]] step
// CHECK-NEXT:      tensor.extract %x[%i, %[[J]]] : tensor<?x?xf64>
// CHECK-NOT:     sj.row

// A row of a row of a 3-d tensor, read by tensor.extract and tensor.dim,
// folds to one extract with both indices.
func.func @row_of_row(%x: tensor<?x?x?xi64>, %i: index, %j: index, %k: index) -> (i64, index) {
  %row = "sj.row"(%x, %i) : (tensor<?x?x?xi64>, index) -> tensor<?x?xi64>
  %row2 = "sj.row"(%row, %j) : (tensor<?x?xi64>, index) -> tensor<?xi64>
  %v = tensor.extract %row2[%k] : tensor<?xi64>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %row2, %c0 : tensor<?xi64>
  func.return %v, %n : i64, index
}

// CHECK-LABEL: func.func @row_of_row
// CHECK-NOT:     sj.row
// CHECK:         %[[V:.*]] = tensor.extract %x[%i, %j, %k] : tensor<?x?x?xi64>
// CHECK:         %[[N:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?x?xi64>
// CHECK-NEXT:    func.return %[[V]], %[[N]] : i64, index

// A row that escapes (here: returned) is copied out.
func.func @row_escapes(%x: tensor<?x?xf64>, %i: index) -> tensor<?xf64> {
  %row = "sj.row"(%x, %i) : (tensor<?x?xf64>, index) -> tensor<?xf64>
  func.return %row : tensor<?xf64>
}

// CHECK-LABEL: func.func @row_escapes
// CHECK:         %[[N:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xf64>
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?xf64>
// CHECK:         %[[COPY:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<?xf64>) {
// CHECK-NEXT:      %[[V:.*]] = tensor.extract %x[%i, %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:      tensor.insert %[[V]] into %[[ACC]][%[[J]]] : tensor<?xf64>
// CHECK:         func.return %[[COPY]] : tensor<?xf64>

// sj.insert_row writes the value's elements into row %i of its destination
// (destination-passing: the loop carries %x itself).
func.func @insert_row(%v: tensor<?xf64>, %x: tensor<?x?xf64>, %i: index) -> tensor<?x?xf64> {
  %r = "sj.insert_row"(%v, %x, %i) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @insert_row
// CHECK:         %[[N:.*]] = tensor.dim %v, %{{.*}} : tensor<?xf64>
// CHECK:         %[[R:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %x) -> (tensor<?x?xf64>) {
// CHECK-NEXT:      %[[E:.*]] = tensor.extract %v[%[[J]]] : tensor<?xf64>
// CHECK-NEXT:      %[[NEW:.*]] = tensor.insert %[[E]] into %[[ACC]][%i, %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:      scf.yield %[[NEW]] : tensor<?x?xf64>
// CHECK:         func.return %[[R]] : tensor<?x?xf64>

// Inserting a row of another tensor reads it in place.
func.func @insert_row_of_row(%y: tensor<?x?xf64>, %x: tensor<?x?xf64>, %i: index, %k: index) -> tensor<?x?xf64> {
  %row = "sj.row"(%y, %k) : (tensor<?x?xf64>, index) -> tensor<?xf64>
  %r = "sj.insert_row"(%row, %x, %i) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @insert_row_of_row
// CHECK-NOT:     sj.row
// CHECK:         %[[N:.*]] = tensor.dim %y, %{{.*}} : tensor<?x?xf64>
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[ACC:.*]] = %x) -> (tensor<?x?xf64>) {
// CHECK-NEXT:      %[[E:.*]] = tensor.extract %y[%k, %[[J]]] : tensor<?x?xf64>
// CHECK-NEXT:      tensor.insert %[[E]] into %[[ACC]][%i, %[[J]]] : tensor<?x?xf64>

// sj.slice copies rows start + k * step for k < count.
func.func @slice(%x: tensor<?x3xi64>, %start: index, %step: index, %count: index) -> tensor<?x3xi64> {
  %r = "sj.slice"(%x, %start, %step, %count) : (tensor<?x3xi64>, index, index, index) -> tensor<?x3xi64>
  func.return %r : tensor<?x3xi64>
}

// CHECK-LABEL: func.func @slice
// CHECK:         %[[COLS:.*]] = arith.constant 3 : index
// CHECK-NEXT:    %[[EMPTY:.*]] = tensor.empty(%count) : tensor<?x3xi64>
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %count step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<?x3xi64>) {
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[COLS]] step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (tensor<?x3xi64>) {
// CHECK-NEXT:        %[[OFF:.*]] = arith.muli %[[K]], %step : index
// CHECK-NEXT:        %[[ROW:.*]] = arith.addi %start, %[[OFF]] : index
// CHECK-NEXT:        %[[E:.*]] = tensor.extract %x[%[[ROW]], %[[J]]] : tensor<?x3xi64>
// CHECK-NEXT:        tensor.insert %[[E]] into %[[ACC2]][%[[K]], %[[J]]] : tensor<?x3xi64>

// A slice of a slice (x[a:b][::-1]) is one copy of the first's source: rows
// a + k * step0 * step... read straight from %x, with no intermediate copy.
func.func @slice_of_slice(%x: tensor<?x4xf64>, %a: index, %n: index, %last: index, %back: index,
                          %m: index) -> tensor<?x4xf64> {
  %one = arith.constant 1 : index
  %rows = "sj.slice"(%x, %a, %one, %n) : (tensor<?x4xf64>, index, index, index) -> tensor<?x4xf64>
  %flip = "sj.slice"(%rows, %last, %back, %m) : (tensor<?x4xf64>, index, index, index) -> tensor<?x4xf64>
  func.return %flip : tensor<?x4xf64>
}

// CHECK-LABEL: func.func @slice_of_slice
// CHECK:         %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[SKIP:.*]] = arith.muli %last, %[[ONE]] : index
// CHECK-NEXT:    %[[START:.*]] = arith.addi %a, %[[SKIP]] : index
// CHECK-NEXT:    %[[STEP:.*]] = arith.muli %[[ONE]], %back : index
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%m) : tensor<?x4xf64>
// CHECK-NOT:     tensor.empty
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %m step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<?x4xf64>) {
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (tensor<?x4xf64>) {
// CHECK-NEXT:        %[[OFF:.*]] = arith.muli %[[K]], %[[STEP]] : index
// CHECK-NEXT:        %[[ROW:.*]] = arith.addi %[[START]], %[[OFF]] : index
// CHECK-NEXT:        %[[E:.*]] = tensor.extract %x[%[[ROW]], %[[J]]] : tensor<?x4xf64>
// CHECK-NEXT:        tensor.insert %[[E]] into %[[ACC2]][%[[K]], %[[J]]] : tensor<?x4xf64>
// CHECK-NOT:     sj.slice

// A column slice x[:, start::step] (the emitter slices rows of a view moving
// the columns first) read only by a map is a view: the map reads
// x[i, start + k * step] in place, no copy (an LSTM's gate columns).
func.func @column_slice(%x: tensor<?x?xf64>, %start: index, %step: index, %count: index) -> tensor<?x?xf64> {
  %front = "sj.dimshuffle"(%x) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %rows = "sj.slice"(%front, %start, %step, %count) : (tensor<?x?xf64>, index, index, index) -> tensor<?x?xf64>
  %back = "sj.dimshuffle"(%rows) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %out = "sj.map"(%back) ({
  ^bb0(%v: f64):
    %w = arith.mulf %v, %v : f64
    "sj.yield"(%w) : (f64) -> ()
  }) : (tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %out : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @column_slice
// CHECK:         %[[M:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[M]], %count) : tensor<?x?xf64>
// CHECK-NOT:     tensor.empty
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[M]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]])
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %count step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]])
// CHECK-NEXT:        %[[OFF:.*]] = arith.muli %[[K]], %step : index
// CHECK-NEXT:        %[[COL:.*]] = arith.addi %start, %[[OFF]] : index
// CHECK-NEXT:        %[[E:.*]] = tensor.extract %x[%[[I]], %[[COL]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[W:.*]] = arith.mulf %[[E]], %[[E]] : f64
// CHECK-NEXT:        tensor.insert %[[W]] into %[[ACC2]][%[[I]], %[[K]]] : tensor<?x?xf64>
// CHECK-NOT:     sj.slice

// A cheap map (sums, products) read only through slice views is computed
// by each slice's reader, never stored: z = a + b is read as two column
// slices, and each map adds a and b at its own columns.
func.func @sum_read_as_slices(%a: tensor<?x?xf64>, %b: tensor<?x?xf64>, %n: index) -> (tensor<?x?xf64>, tensor<?x?xf64>) {
  %zero = arith.constant 0 : index
  %one = arith.constant 1 : index
  %z = "sj.map"(%a, %b) ({
  ^bb0(%x: f64, %y: f64):
    %s = arith.addf %x, %y : f64
    "sj.yield"(%s) : (f64) -> ()
  }) : (tensor<?x?xf64>, tensor<?x?xf64>) -> tensor<?x?xf64>
  %front0 = "sj.dimshuffle"(%z) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %left = "sj.slice"(%front0, %zero, %one, %n) : (tensor<?x?xf64>, index, index, index) -> tensor<?x?xf64>
  %back0 = "sj.dimshuffle"(%left) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %front1 = "sj.dimshuffle"(%z) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %right = "sj.slice"(%front1, %n, %one, %n) : (tensor<?x?xf64>, index, index, index) -> tensor<?x?xf64>
  %back1 = "sj.dimshuffle"(%right) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %p = "sj.map"(%back0) ({
  ^bb0(%v: f64):
    %w = math.tanh %v : f64
    "sj.yield"(%w) : (f64) -> ()
  }) : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %q = "sj.map"(%back1) ({
  ^bb0(%v: f64):
    %w = math.exp %v : f64
    "sj.yield"(%w) : (f64) -> ()
  }) : (tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %p, %q : tensor<?x?xf64>, tensor<?x?xf64>
}

// CHECK-LABEL: func.func @sum_read_as_slices
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %n step
// CHECK-NEXT:        %[[OFF:.*]] = arith.muli %[[K]], %{{.*}} : index
// CHECK-NEXT:        %[[COL:.*]] = arith.addi %{{.*}}, %[[OFF]] : index
// CHECK-NEXT:        %[[A:.*]] = tensor.extract %a[%{{.*}}, %[[COL]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[B:.*]] = tensor.extract %b[%{{.*}}, %[[COL]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[S:.*]] = arith.addf %[[A]], %[[B]] : f64
// CHECK-NEXT:        math.tanh %[[S]] : f64
// CHECK:           scf.for %[[K2:.*]] = %{{.*}} to %n step
// CHECK-NEXT:        %[[OFF2:.*]] = arith.muli %[[K2]], %{{.*}} : index
// CHECK-NEXT:        %[[COL2:.*]] = arith.addi %n, %[[OFF2]] : index
// CHECK-NEXT:        %[[A2:.*]] = tensor.extract %a[%{{.*}}, %[[COL2]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[B2:.*]] = tensor.extract %b[%{{.*}}, %[[COL2]]] : tensor<?x?xf64>
// CHECK-NEXT:        %[[S2:.*]] = arith.addf %[[A2]], %[[B2]] : f64
// CHECK-NEXT:        math.exp %[[S2]] : f64
// CHECK-NOT:     sj.map
// CHECK-NOT:     sj.slice

// A column slice that escapes (returned) is still a copy in x's row-major
// layout, rows outer and the sliced columns inner, read through the view.
func.func @column_slice_copy(%x: tensor<?x?xf64>, %start: index, %step: index, %count: index) -> tensor<?x?xf64> {
  %front = "sj.dimshuffle"(%x) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %rows = "sj.slice"(%front, %start, %step, %count) : (tensor<?x?xf64>, index, index, index) -> tensor<?x?xf64>
  %back = "sj.dimshuffle"(%rows) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %back : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @column_slice_copy
// CHECK:         %[[M:.*]] = tensor.dim %x, %{{.*}} : tensor<?x?xf64>
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%[[M]], %count) : tensor<?x?xf64>
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %[[M]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]])
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %count step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]])
// CHECK-NEXT:        %[[OFF:.*]] = arith.muli %[[K]], %step : index
// CHECK-NEXT:        %[[COL:.*]] = arith.addi %start, %[[OFF]] : index
// CHECK-NEXT:        %[[E:.*]] = tensor.extract %x[%[[I]], %[[COL]]] : tensor<?x?xf64>
// CHECK-NEXT:        tensor.insert %[[E]] into %[[ACC2]][%[[I]], %[[K]]] : tensor<?x?xf64>

// A slice of a tensor that is written afterwards (here: a row inserted into
// it) is copied first, so that the slice keeps the rows it had; so is a
// slice passed to a call (which takes whole buffers).
func.func @slice_of_written(%x: tensor<?x4xf64>, %v: tensor<4xf64>, %start: index, %step: index,
                            %count: index, %i: index) -> (f64, tensor<?x4xf64>, tensor<?x4xf64>) {
  %rows = "sj.slice"(%x, %start, %step, %count) : (tensor<?x4xf64>, index, index, index) -> tensor<?x4xf64>
  %new = "sj.insert_row"(%v, %x, %i) : (tensor<4xf64>, tensor<?x4xf64>, index) -> tensor<?x4xf64>
  %s = "sj.reduce"(%rows) <{kind = "add", axes = array<i64: 0, 1>}> : (tensor<?x4xf64>) -> f64
  %y = "sj.slice"(%new, %start, %step, %count) : (tensor<?x4xf64>, index, index, index) -> tensor<?x4xf64>
  %e = tensor.empty(%count) : tensor<?x4xf64>
  %c = "sj.call"(%y, %e) <{callee = "f", writes = array<i64: 1>}> : (tensor<?x4xf64>, tensor<?x4xf64>) -> tensor<?x4xf64>
  func.return %s, %new, %c : f64, tensor<?x4xf64>, tensor<?x4xf64>
}

// CHECK-LABEL: func.func @slice_of_written
// CHECK:         %[[COPY:.*]] = scf.for %[[K:.*]] = %{{.*}} to %count step
// CHECK:             tensor.extract %x[%{{.*}}, %{{.*}}] : tensor<?x4xf64>
// CHECK:         %[[NEW:.*]] = scf.for %{{.*}} iter_args(%{{.*}} = %x) -> (tensor<?x4xf64>)
// CHECK:         scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f64)
// CHECK:           tensor.extract %[[COPY]][%{{.*}}, %{{.*}}] : tensor<?x4xf64>
// CHECK:         %[[COPY2:.*]] = scf.for %{{.*}} to %count step
// CHECK:             tensor.extract %[[NEW]][%{{.*}}, %{{.*}}] : tensor<?x4xf64>
// CHECK:         "sj.call"(%[[COPY2]], %{{.*}})
// CHECK-NOT:     sj.slice

// A map inserted as a row of %h that reads %h only through another op (here
// a dot of row %i) is computed straight into row %i + 1: no temporary.
func.func @map_into_row(%h: tensor<?x?xf64>, %u: tensor<?x?xf64>, %i: index) -> tensor<?x?xf64> {
  %row = "sj.row"(%h, %i) : (tensor<?x?xf64>, index) -> tensor<?xf64>
  %d = "sj.dot"(%row, %u) : (tensor<?xf64>, tensor<?x?xf64>) -> tensor<?xf64>
  %t = "sj.map"(%d) ({
  ^bb0(%x: f64):
    %y = math.tanh %x : f64
    "sj.yield"(%y) : (f64) -> ()
  }) : (tensor<?xf64>) -> tensor<?xf64>
  %c1 = arith.constant 1 : index
  %next = arith.addi %i, %c1 : index
  %r = "sj.insert_row"(%t, %h, %next) : (tensor<?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @map_into_row
// CHECK:         %next = arith.addi %i, %c1 : index
// CHECK-NOT:     tensor.empty
// CHECK:         tensor.dim %[[DOT:[a-z0-9_]+]], %{{.*}} : tensor<?xf64>
// CHECK-NOT:     tensor.empty
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %h) -> (tensor<?x?xf64>) {
// CHECK-NEXT:      %[[E:.*]] = tensor.extract %[[DOT]][%[[J]]] : tensor<?xf64>
// CHECK-NEXT:      %[[Y:.*]] = math.tanh %[[E]] : f64
// CHECK-NEXT:      tensor.insert %[[Y]] into %[[ACC]][%{{.*}}, %[[J]]] : tensor<?x?xf64>

// A ring's rows: a map reading row (%t mod 2) of %h, inserted as row
// ((%t + 1) mod 2), is computed straight into that row, since the two rows
// differ whatever %t is (a recurrence keeping only its last state); reading
// row ((%t + 2) mod 2), the row written, it is stored first.
func.func @map_into_ring_row(%h: tensor<2x?xf64>, %t: index, %a: f64) -> (tensor<2x?xf64>, tensor<2x?xf64>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %read = arith.remsi %t, %c2 : index
  %t1 = arith.addi %t, %c1 : index
  %write = arith.remsi %t1, %c2 : index
  %row = "sj.row"(%h, %read) : (tensor<2x?xf64>, index) -> tensor<?xf64>
  %m = "sj.map"(%row, %a) ({
  ^bb0(%x: f64, %y: f64):
    %z = arith.mulf %x, %y : f64
    "sj.yield"(%z) : (f64) -> ()
  }) : (tensor<?xf64>, f64) -> tensor<?xf64>
  %r = "sj.insert_row"(%m, %h, %write) : (tensor<?xf64>, tensor<2x?xf64>, index) -> tensor<2x?xf64>
  %t2 = arith.addi %t, %c2 : index
  %same = arith.remsi %t2, %c2 : index
  %row2 = "sj.row"(%h, %same) : (tensor<2x?xf64>, index) -> tensor<?xf64>
  %m2 = "sj.map"(%row2, %a) ({
  ^bb0(%x: f64, %y: f64):
    %z = arith.mulf %x, %y : f64
    "sj.yield"(%z) : (f64) -> ()
  }) : (tensor<?xf64>, f64) -> tensor<?xf64>
  %r2 = "sj.insert_row"(%m2, %h, %read) : (tensor<?xf64>, tensor<2x?xf64>, index) -> tensor<2x?xf64>
  func.return %r, %r2 : tensor<2x?xf64>, tensor<2x?xf64>
}

// CHECK-LABEL: func.func @map_into_ring_row
// CHECK-NOT:     tensor.empty
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %h) -> (tensor<2x?xf64>) {
// CHECK-NEXT:      %[[E:.*]] = tensor.extract %h[%read, %[[J]]] : tensor<2x?xf64>
// CHECK-NEXT:      %[[Y:.*]] = arith.mulf %[[E]], %a : f64
// CHECK-NEXT:      tensor.insert %[[Y]] into %[[ACC]][%write, %[[J]]] : tensor<2x?xf64>
// CHECK:         tensor.empty

// A column slice read transposed by a product (`W[:, :n]`, as the emitter
// gives it: a slice of rows of Wᵀ, viewed back): `LowerSlice` copies the
// columns in W's layout and views the copy transposed; the view of that
// view is the copy itself, which the product reads: one copy, not a copy of
// the copy.
func.func @column_slice_multiplied(%w: tensor<?x?xf64>, %n: index, %x: tensor<?x?xf64>,
                                   %m: i64, %k: i64, %l: i64) -> tensor<?x?xf64> {
  %wt = "sj.dimshuffle"(%w) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = "sj.slice"(%wt, %c0, %c1, %n) : (tensor<?x?xf64>, index, index, index) -> tensor<?x?xf64>
  %cols = "sj.dimshuffle"(%rows) <{order = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  %r = tensor.dim %x, %c0 : tensor<?x?xf64>
  %empty = tensor.empty(%r, %n) : tensor<?x?xf64>
  %p = "sj.call"(%x, %cols, %empty, %m, %k, %l) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}> : (tensor<?x?xf64>, tensor<?x?xf64>, tensor<?x?xf64>, i64, i64, i64) -> tensor<?x?xf64>
  func.return %p : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @column_slice_multiplied
// CHECK:         %[[COPY:.*]] = scf.for
// CHECK:           tensor.extract %w[
// CHECK-NOT:     sj.dimshuffle
// CHECK-NOT:     scf.for
// CHECK:         %p = "sj.call"(%x, %[[COPY]], %empty,
