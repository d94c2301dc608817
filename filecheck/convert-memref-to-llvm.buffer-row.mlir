// RUN: scanjit-opt %s -p convert-memref-to-llvm,reconcile-unrealized-casts | filecheck %s

// sj.buffer_row %m[%t] of a row-major buffer is the descriptor of its row:
// the pointer moved by %t times the row's size (here ? x 4 elements), the
// trailing sizes; no copy.
func.func @row(%m: memref<?x?x4xf64>, %t: index) -> f64 {
  %row = "sj.buffer_row"(%m, %t) : (memref<?x?x4xf64>, index) -> memref<?x4xf64>
  %c1 = arith.constant 1 : index
  %x = memref.load %row[%c1, %c1] : memref<?x4xf64>
  func.return %x : f64
}

// CHECK-LABEL: func.func @row
// CHECK:         %[[T:.*]] = builtin.unrealized_conversion_cast %t : index to i64
// CHECK:         %[[M:.*]] = builtin.unrealized_conversion_cast %m : memref<?x?x4xf64> to !llvm.struct<(!llvm.ptr, i64, i64, i64)>
// CHECK:         %[[ROWS:.*]] = llvm.extractvalue %[[M]][2] : !llvm.struct<(!llvm.ptr, i64, i64, i64)>
// CHECK:         %[[FOUR:.*]] = llvm.mlir.constant(4) : i64
// CHECK:         %[[S1:.*]] = llvm.mul %{{.*}}, %[[ROWS]] overflow<nsw> : i64
// CHECK-NEXT:    %[[SIZE:.*]] = llvm.mul %[[S1]], %[[FOUR]] overflow<nsw> : i64
// CHECK-NEXT:    %[[OFF:.*]] = llvm.mul %[[T]], %[[SIZE]] overflow<nsw> : i64
// CHECK:         %[[P:.*]] = llvm.getelementptr inbounds %{{.*}}[%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK:         llvm.insertvalue %[[P]], %{{.*}}[0] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:    llvm.insertvalue %[[ROWS]], %{{.*}}[1] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:    llvm.insertvalue %[[FOUR]], %{{.*}}[2] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NOT:     sj.buffer_row
