// RUN: scanjit-opt %s --split-input-file --verify-diagnostics | filecheck %s
// RUN: not scanjit-opt %s 2>&1 | filecheck %s --check-prefix=FIRST

// Each chunk holds one op the sj verifiers reject; the last one is valid and
// prints back.

func.func @map_arity(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = "sj.map"(%x) ({
  ^bb0(%a: f64, %b: f64):
    "sj.yield"(%a) : (f64) -> ()
  }) : (tensor<?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK: sj.map body needs one argument per input
// FIRST: scanjit-opt: error: sj.map body needs one argument per input (at %r = "sj.map"(%x) ({)

// -----

func.func @map_arg_type(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = "sj.map"(%x) ({
  ^bb0(%a: f32):
    %e = arith.extf %a : f32 to f64
    "sj.yield"(%e) : (f64) -> ()
  }) : (tensor<?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK: sj.map body argument types must be the input element types

// -----

func.func @map_rank(%x: tensor<?x?xf64>) -> tensor<?xf64> {
  %r = "sj.map"(%x) ({
  ^bb0(%a: f64):
    "sj.yield"(%a) : (f64) -> ()
  }) : (tensor<?x?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK: sj.map result rank must be the largest input rank

// -----

func.func @reduce_kind(%x: tensor<?xf64>) -> f64 {
  %r = "sj.reduce"(%x) <{kind = "mean", axes = array<i64: 0>}> : (tensor<?xf64>) -> f64
  func.return %r : f64
}

// CHECK: unknown reduction kind 'mean'

// -----

func.func @reduce_axes_unsorted(%x: tensor<?x?xf64>) -> f64 {
  %r = "sj.reduce"(%x) <{kind = "add", axes = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> f64
  func.return %r : f64
}

// CHECK: sj.reduce axes must be sorted, unique and in range

// -----

func.func @reduce_axis_out_of_range(%x: tensor<?xf64>) -> f64 {
  %r = "sj.reduce"(%x) <{kind = "max", axes = array<i64: 1>}> : (tensor<?xf64>) -> f64
  func.return %r : f64
}

// CHECK: sj.reduce axes must be sorted, unique and in range

// -----

func.func @reduce_rank(%x: tensor<?x?xf64>) -> f64 {
  %r = "sj.reduce"(%x) <{kind = "add", axes = array<i64: 0>}> : (tensor<?x?xf64>) -> f64
  func.return %r : f64
}

// CHECK: sj.reduce result rank must drop the reduced axes

// -----

func.func @dot_3d(%a: tensor<?x?x?xf64>, %b: tensor<?xf64>) -> tensor<?x?xf64> {
  %r = "sj.dot"(%a, %b) : (tensor<?x?x?xf64>, tensor<?xf64>) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK: sj.dot operands have the batch and contracted axes and at most one more

// -----

func.func @dot_rank(%a: tensor<?x?xf64>, %b: tensor<?xf64>) -> f64 {
  %r = "sj.dot"(%a, %b) : (tensor<?x?xf64>, tensor<?xf64>) -> f64
  func.return %r : f64
}

// CHECK: sj.dot result has the batch axes and the operands' free axes

// -----

func.func @dot_batch_rank(%a: tensor<?x?x?xf64>, %b: tensor<?xf64>) -> tensor<?x?xf64> {
  %r = "sj.dot"(%a, %b) <{batch = 1 : i64}> : (tensor<?x?x?xf64>, tensor<?xf64>) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK: sj.dot operands have the batch and contracted axes and at most one more

// -----

func.func @row_rank(%x: tensor<?x?xf64>, %i: index) -> tensor<?x?xf64> {
  %r = "sj.row"(%x, %i) : (tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK: sj.row drops the leading dimension

// -----

func.func @insert_row_rank(%v: tensor<?x?xf64>, %x: tensor<?x?xf64>, %i: index) -> tensor<?x?xf64> {
  %r = "sj.insert_row"(%v, %x, %i) : (tensor<?x?xf64>, tensor<?x?xf64>, index) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK: sj.insert_row value has one dimension less than dest

// -----

func.func @fill_sizes(%v: f64, %n: index) -> tensor<?x?xf64> {
  %r = "sj.fill"(%v, %n) : (f64, index) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK: sj.fill needs one size per dynamic dimension

// -----

func.func @fill_tensor_value(%v: tensor<3xf64>, %n: index) -> tensor<?x3xf64> {
  %r = "sj.fill"(%v, %n) : (tensor<3xf64>, index) -> tensor<?x3xf64>
  func.return %r : tensor<?x3xf64>
}

// CHECK: sj.fill's value must be a scalar of the result's element type

// -----

func.func @check_values(%ok: i1, %n: index) {
  sj.check %ok, "ValueError: $0 and $1"(%n : index)
  func.return
}

// CHECK: sj.check message refers to 2 values but has 1

// -----

func.func @call_writes_scalar(%p: !llvm.ptr, %n: i64) -> i64 {
  %r = "sj.call"(%p, %n) <{callee = "f", writes = array<i64: 1>}> : (!llvm.ptr, i64) -> i64
  func.return %r : i64
}

// CHECK: sj.call writes only tensor arguments

// -----

func.func @call_result_type(%p: !llvm.ptr, %x: tensor<?xf64>) -> tensor<?xf32> {
  %r = "sj.call"(%p, %x) <{callee = "f", writes = array<i64: 1>}> : (!llvm.ptr, tensor<?xf64>) -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// CHECK: sj.call results start with the written tensors

// -----

func.func @map_yield_type(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = "sj.map"(%x) ({
  ^bb0(%a: f64):
    %t = arith.truncf %a : f64 to f32
    "sj.yield"(%t) : (f32) -> ()
  }) : (tensor<?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK: sj.map body must yield one value of the result element type

// -----

func.func @argmax_axis(%x: tensor<?x?xf64>) -> tensor<?xi64> {
  %r = "sj.argmax"(%x) <{axes = array<i64: 2>}> : (tensor<?x?xf64>) -> tensor<?xi64>
  func.return %r : tensor<?xi64>
}

// CHECK: sj.argmax axes must be sorted, unique and in range, and are dropped from the result

// -----

func.func @argmax_axes_unsorted(%x: tensor<?x?xf64>) -> i64 {
  %r = "sj.argmax"(%x) <{axes = array<i64: 1, 0>}> : (tensor<?x?xf64>) -> i64
  func.return %r : i64
}

// CHECK: sj.argmax axes must be sorted, unique and in range, and are dropped from the result

// -----

func.func @cumulative_kind(%x: tensor<?xf64>) -> tensor<?xf64> {
  %r = "sj.cumulative"(%x) <{kind = "max", axis = 0 : i64}> : (tensor<?xf64>) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK: unknown cumulative kind 'max'

// -----

func.func @cumulative_type(%x: tensor<?xf64>) -> tensor<?xf32> {
  %r = "sj.cumulative"(%x) <{kind = "add", axis = 0 : i64}> : (tensor<?xf64>) -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}

// CHECK: sj.cumulative keeps the element type

// -----

func.func @cumulative_flat(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %r = "sj.cumulative"(%x) <{kind = "add"}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK: sj.cumulative without an axis makes a vector

// -----

func.func @cumulative_axis(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %r = "sj.cumulative"(%x) <{kind = "add", axis = 2 : i64}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %r : tensor<?x?xf64>
}

// CHECK: sj.cumulative axis must be in range, and the result has the input's rank

// -----

// sj's scalar functions take and give one float type.
func.func @function_type(%x: f64) -> f32 {
  %r = "sj.sigmoid"(%x) : (f64) -> f32
  func.return %r : f32
}

// CHECK: attribute f64 expected from variable 'T', but got f32

// -----

func.func @function_integer(%x: i64) -> i64 {
  %r = "sj.lgamma"(%x) : (i64) -> i64
  func.return %r : i64
}

// CHECK: operand 'operand' at position 0 does not verify:
// CHECK-NEXT: Unexpected attribute i64

// -----

// polygamma's order is an integer, x and the result one float type.
func.func @polygamma_order(%x: f64) -> f64 {
  %r = "sj.polygamma"(%x, %x) : (f64, f64) -> f64
  func.return %r : f64
}

// CHECK: operand 'n' at position 0 does not verify:
// CHECK-NEXT: f64 should be of base attribute integer_type

// -----

func.func @polygamma_type(%n: i64, %x: f64) -> f32 {
  %r = "sj.polygamma"(%n, %x) : (i64, f64) -> f32
  func.return %r : f32
}

// CHECK: attribute f64 expected from variable 'T', but got f32

// -----

func.func @slice_rank(%x: tensor<?x?xf64>, %i: index) -> tensor<?xf64> {
  %r = "sj.slice"(%x, %i, %i, %i) : (tensor<?x?xf64>, index, index, index) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK: sj.slice keeps the source's rank and element type

// -----

func.func @arange_type(%a: f32, %n: index) -> tensor<?xf64> {
  %r = "sj.arange"(%a, %a, %n) : (f32, f32, index) -> tensor<?xf64>
  func.return %r : tensor<?xf64>
}

// CHECK: sj.arange makes a vector of its start and step type

// -----

func.func @buffer_row_shape(%m: memref<?x?x4xf64>, %i: index) -> memref<?x3xf64> {
  %r = "sj.buffer_row"(%m, %i) : (memref<?x?x4xf64>, index) -> memref<?x3xf64>
  func.return %r : memref<?x3xf64>
}

// CHECK: sj.buffer_row drops the leading dimension

// -----

func.func @valid(%x: tensor<?x?xf64>, %i: index, %y: f32) -> (tensor<?xf64>, i64, tensor<?xi64>, tensor<?xf64>, f32) {
  %row = "sj.row"(%x, %i) : (tensor<?x?xf64>, index) -> tensor<?xf64>
  %s = "sj.reduce"(%x) <{kind = "min", axes = array<i64: 1>}> : (tensor<?x?xf64>) -> tensor<?xf64>
  %a = "sj.argmax"(%row) : (tensor<?xf64>) -> i64
  %b = "sj.argmax"(%x) <{axes = array<i64: 1>}> : (tensor<?x?xf64>) -> tensor<?xi64>
  %c = "sj.cumulative"(%x) <{kind = "mul"}> : (tensor<?x?xf64>) -> tensor<?xf64>
  %g = "sj.digamma"(%y) : (f32) -> f32
  %t = "sj.trigamma"(%y) : (f32) -> f32
  %p = "sj.polygamma"(%a, %y) : (i64, f32) -> f32
  func.return %s, %a, %b, %c, %t : tensor<?xf64>, i64, tensor<?xi64>, tensor<?xf64>, f32
}

// CHECK:      func.func @valid(%x: tensor<?x?xf64>, %i: index, %y: f32) -> (tensor<?xf64>, i64, tensor<?xi64>, tensor<?xf64>, f32) {
// CHECK-NEXT:   %row = "sj.row"(%x, %i) : (tensor<?x?xf64>, index) -> tensor<?xf64>
// CHECK-NEXT:   %s = "sj.reduce"(%x) <{kind = "min", axes = array<i64: 1>}> : (tensor<?x?xf64>) -> tensor<?xf64>
// CHECK-NEXT:   %a = "sj.argmax"(%row) : (tensor<?xf64>) -> i64
// CHECK-NEXT:   %b = "sj.argmax"(%x) <{axes = array<i64: 1>}> : (tensor<?x?xf64>) -> tensor<?xi64>
// CHECK-NEXT:   %c = "sj.cumulative"(%x) <{kind = "mul"}> : (tensor<?x?xf64>) -> tensor<?xf64>
// CHECK-NEXT:   %g = sj.digamma %y : f32
// CHECK-NEXT:   %t = sj.trigamma %y : f32
// CHECK-NEXT:   %p = sj.polygamma %a, %y : i64, f32
