// RUN: scanjit-opt %s -p scanjit-lower | filecheck %s
// RUN: scanjit-opt %s -p scanjit-lower --print-between-passes | filecheck %s --check-prefix=BETWEEN

// The whole pipeline on a scan-like loop: y[t] = 2 * x[t], then sum(y).
func.func @main(%x: tensor<?xf64>) -> f64 {
  %two = arith.constant 2.0 : f64
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c0 : tensor<?xf64>
  %e = tensor.empty(%n) : tensor<?xf64>
  %y = scf.for %t = %c0 to %n step %c1 iter_args(%acc = %e) -> (tensor<?xf64>) {
    %v = tensor.extract %x[%t] : tensor<?xf64>
    %w = arith.mulf %v, %two : f64
    %next = tensor.insert %w into %acc[%t] : tensor<?xf64>
    scf.yield %next : tensor<?xf64>
  }
  %s = "sj.reduce"(%y) <{kind = "add", axes = array<i64: 0>}> : (tensor<?xf64>) -> f64
  func.return %s : f64
}

// The loop writes into the tensor.empty's buffer in place; its steps are
// independent, so it runs as @main_loop0 through scanjit_parallel_for. Then
// the sum reads the buffer, and it is freed.
// CHECK:      builtin.module
// CHECK-NEXT:   llvm.func internal @main_impl(%x: !llvm.ptr {llvm.noalias}, %{{.*}}: i64, %[[RES:.*]]: !llvm.ptr {llvm.noalias}) -> i32 attributes {scanjit.results_array} {
// CHECK:          %[[BUF:.*]] = llvm.call @scanjit_alloc(%{{.*}}) : (i64) -> !llvm.ptr
// CHECK:          %[[LOOP:.*]] = llvm.mlir.addressof @main_loop0_entry : !llvm.ptr
// CHECK:          %{{.*}} = llvm.call @scanjit_parallel_for(%[[LOOP]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// CHECK:          %{{.*}} = llvm.fadd %{{.*}}, %{{.*}} : f64
// CHECK:          llvm.call @scanjit_free(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK:          llvm.store %{{.*}}, %{{.*}} {alignment = 8 : i64} : f64, !llvm.ptr
// CHECK:        llvm.func @main(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32 {
// CHECK:          llvm.call @main_impl(
// CHECK:        llvm.func internal @main_loop0(%lo: i64, %hi: i64, %x{{.*}}: !llvm.ptr {llvm.noalias}, %{{.*}}: i64, %e: !llvm.ptr {llvm.noalias}, %{{.*}}: i64, %{{.*}}: !llvm.ptr {llvm.noalias}) -> i32 {
// CHECK:          %two = llvm.mlir.constant(2.000000e+00 : f64) : f64
// CHECK:          %v = llvm.load %{{.*}} : !llvm.ptr -> f64
// CHECK-NEXT:     %w = llvm.fmul %v, %two : f64
// CHECK:          llvm.store %w, %{{.*}} : f64, !llvm.ptr
// CHECK:        llvm.func internal @main_loop0_entry(
// CHECK:          llvm.call @main_loop0(
// CHECK:        llvm.func @scanjit_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64, i64) -> i32
// CHECK-NEXT:   llvm.func @scanjit_alloc(i64) -> !llvm.ptr
// CHECK-NEXT:   llvm.func @scanjit_free(!llvm.ptr)
// CHECK-NOT:    sj.
// CHECK-NOT:    scf.

// Printed after every pass of the pipeline but the last (the output).
// BETWEEN:      IR after convert-sj-to-loops:
// BETWEEN:      IR after bufferize:
// BETWEEN:        memref.alloc
// BETWEEN:      IR after convert-func-to-llvm:
// BETWEEN:      IR after convert-to-llvm:
// BETWEEN-NOT:  IR after
// BETWEEN:      llvm.func @main(
