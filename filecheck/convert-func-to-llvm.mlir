// RUN: scanjit-opt %s -p convert-func-to-llvm | filecheck %s

func.func @f(%a: memref<?x3xf64>, %n: index, %flag: i1) -> (memref<?x3xf64>, f32) {
  %x = arith.constant 1.0 : f32
  func.return %a, %x : memref<?x3xf64>, f32
}

// The body moves to an internal function taking flattened arguments...
// CHECK:      llvm.func internal @f_impl(%a: !llvm.ptr {llvm.noalias}, %[[S0:.*]]: i64, %[[S1:.*]]: i64, %n: i64, %flag: i1, %[[RES:.*]]: !llvm.ptr {llvm.noalias}) -> i32 attributes {scanjit.results_array} {
// CHECK-NEXT:   %{{.*}} = builtin.unrealized_conversion_cast %n : i64 to index
// CHECK-NEXT:   %[[U:.*]] = llvm.mlir.undef : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:   %[[D0:.*]] = llvm.insertvalue %a, %[[U]][0]
// CHECK-NEXT:   %[[D1:.*]] = llvm.insertvalue %[[S0]], %[[D0]][1]
// CHECK-NEXT:   %[[D:.*]] = llvm.insertvalue %[[S1]], %[[D1]][2]
// The returned buffer's fields are read once, where its descriptor is built.
// CHECK-DAG:    %[[PTR:.*]] = llvm.extractvalue %[[D]][0]
// CHECK-DAG:    %[[SIZE0:.*]] = llvm.extractvalue %[[D]][1]
// CHECK-DAG:    %[[SIZE1:.*]] = llvm.extractvalue %[[D]][2]
// CHECK:        %{{.*}} = builtin.unrealized_conversion_cast %[[D]] : !llvm.struct<(!llvm.ptr, i64, i64)> to memref<?x3xf64>
// CHECK-NEXT:   %x = arith.constant 1.000000e+00 : f32
// ...whose return stores the results into the result slots and returns 0.
// CHECK-NEXT:   %[[SLOT0:.*]] = llvm.getelementptr %[[RES]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %[[PTR]], %[[SLOT0]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK-NEXT:   %[[SLOT1:.*]] = llvm.getelementptr %[[RES]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %[[SIZE0]], %[[SLOT1]] {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK:        %[[SLOT3:.*]] = llvm.getelementptr %[[RES]][3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %x, %[[SLOT3]] {alignment = 8 : i64} : f32, !llvm.ptr
// CHECK-NEXT:   %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT:   llvm.return %[[ZERO]] : i32
// CHECK-NEXT: }

// The external entry point takes the addresses of the NumPy array objects,
// one per argument (a scalar is a 0-d array; an i1 is a byte compared with 0),
// in one argument vector, and calls the body.
// CHECK:      llvm.func @f(%[[ARGS:.*]]: !llvm.ptr, %[[RESULTS:.*]]: !llvm.ptr) -> i32 {
// CHECK-NEXT:   %[[A_AT:.*]] = llvm.getelementptr %[[ARGS]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[A:.*]] = llvm.load %[[A_AT]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// The array for %a: its data pointer is at byte 16, its dimensions pointer at byte 32.
// CHECK-NEXT:   %[[DATA_AT:.*]] = llvm.getelementptr %[[A]][16] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-NEXT:   %[[DATA:.*]] = llvm.load %[[DATA_AT]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:   %[[DIMS_AT:.*]] = llvm.getelementptr %[[A]][32] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-NEXT:   %[[DIMS:.*]] = llvm.load %[[DIMS_AT]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:   %[[D0_AT:.*]] = llvm.getelementptr %[[DIMS]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[D0:.*]] = llvm.load %[[D0_AT]] {alignment = 8 : i64} : !llvm.ptr -> i64
// CHECK-NEXT:   %[[D1_AT:.*]] = llvm.getelementptr %[[DIMS]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[D1:.*]] = llvm.load %[[D1_AT]] {alignment = 8 : i64} : !llvm.ptr -> i64
// Scalars are 0-d arrays: their value is loaded from the data pointer.
// CHECK-NEXT:   %[[N_ARRAY_AT:.*]] = llvm.getelementptr %[[ARGS]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[N_ARRAY:.*]] = llvm.load %[[N_ARRAY_AT]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:   %[[N_AT:.*]] = llvm.getelementptr %[[N_ARRAY]][16] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-NEXT:   %[[N_DATA:.*]] = llvm.load %[[N_AT]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:   %[[N_VALUE_AT:.*]] = llvm.getelementptr %[[N_DATA]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[N:.*]] = llvm.load %[[N_VALUE_AT]] {alignment = 8 : i64} : !llvm.ptr -> i64
// CHECK-NEXT:   %[[FLAG_ARRAY_AT:.*]] = llvm.getelementptr %[[ARGS]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[FLAG_ARRAY:.*]] = llvm.load %[[FLAG_ARRAY_AT]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:   %{{.*}} = llvm.getelementptr %[[FLAG_ARRAY]][16] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK:        %[[B:.*]] = llvm.load %{{.*}} {alignment = 8 : i64} : !llvm.ptr -> i8
// CHECK-NEXT:   %[[Z:.*]] = llvm.mlir.constant(0 : i8) : i8
// CHECK-NEXT:   %[[FLAG:.*]] = llvm.icmp "ne" %[[B]], %[[Z]] : i8
// CHECK-NEXT:   %[[ST:.*]] = llvm.call @f_impl(%[[DATA]], %[[D0]], %[[D1]], %[[N]], %[[FLAG]], %[[RESULTS]])
// CHECK-NEXT:   llvm.return %[[ST]] : i32
// CHECK-NOT:  func.
