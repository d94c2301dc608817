// RUN: scanjit-opt %s -p bufferize | filecheck %s

// An allocation is guarded by two MemoryError checks: before it, one
// condition that every length fits in the room the lengths before it leave
// (2^62 bytes in all, so that the product never wraps), and after it,
// malloc's result (null only for an empty buffer).
func.func @f(%m: index, %n: index) -> tensor<?x3x?xf64> {
  %t = tensor.empty(%m, %n) : tensor<?x3x?xf64>
  func.return %t : tensor<?x3x?xf64>
}

// CHECK-LABEL: func.func @f(
// CHECK:         %[[LIMIT:.*]] = arith.constant 576460752303423488 : index
// CHECK:         %[[FIT0:.*]] = arith.cmpi ule, %m, %{{.*}} : index
// CHECK:         %[[FIT1:.*]] = arith.cmpi ule, %{{.*}}, %{{.*}} : index
// CHECK-NEXT:    %[[FITS01:.*]] = arith.andi %[[FIT0]], %[[FIT1]] : i1
// CHECK:         %[[FIT2:.*]] = arith.cmpi ule, %n, %{{.*}} : index
// CHECK-NEXT:    %[[FITS:.*]] = arith.andi %[[FITS01]], %[[FIT2]] : i1
// CHECK-NEXT:    %[[COUNT:.*]] = arith.muli %{{.*}}, %n : index
// CHECK-NEXT:    sj.check %[[FITS]], "MemoryError: cannot allocate a buffer of type memref<?x3x?xf64>"
// CHECK-NEXT:    %[[BUF:.*]] = memref.alloc(%m, %n) : memref<?x3x?xf64>
// CHECK:         sj.check %{{.*}}, "MemoryError: cannot allocate a buffer of type memref<?x3x?xf64>"
// CHECK-NOT:     sj.check
// CHECK:         func.return %[[BUF]]
