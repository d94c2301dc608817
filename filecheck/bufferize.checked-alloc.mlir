// RUN: scanjit-opt %s -p bufferize | filecheck %s

// An allocation is guarded by one MemoryError check after it, of two
// conditions: that every length fits in the room the lengths before it leave
// (2^62 bytes in all, so that the product never wraps), and malloc's result.
// A count that does not fit wraps the allocation's size, but nothing is
// written before the check fails.
func.func @f(%m: index, %n: index) -> tensor<?x3x?xf64> {
  %t = tensor.empty(%m, %n) : tensor<?x3x?xf64>
  func.return %t : tensor<?x3x?xf64>
}

// CHECK-LABEL: func.func @f(
// CHECK:         %[[LIMIT:.*]] = arith.constant 576460752303423488 : index
// CHECK-NEXT:    %[[FIT0:.*]] = arith.cmpi ule, %m, %[[LIMIT]] : index
// CHECK:         %[[FIT1:.*]] = arith.cmpi ule, %{{.*}}, %{{.*}} : index
// CHECK-NEXT:    %[[FITS01:.*]] = arith.andi %[[FIT0]], %[[FIT1]] : i1
// CHECK:         %[[FIT2:.*]] = arith.cmpi ule, %n, %{{.*}} : index
// CHECK-NEXT:    %[[FITS:.*]] = arith.andi %[[FITS01]], %[[FIT2]] : i1
// CHECK-NOT:     sj.check
// CHECK:         %[[BUF:.*]] = memref.alloc(%m, %n) : memref<?x3x?xf64>
// CHECK-NEXT:    %[[ADDRESS:.*]] = "memref.extract_aligned_pointer_as_index"(%[[BUF]])
// CHECK:         %[[ALLOCATED:.*]] = arith.cmpi ne, %[[ADDRESS]], %{{.*}} : index
// CHECK-NEXT:    %[[OK:.*]] = arith.andi %[[FITS]], %[[ALLOCATED]] : i1
// CHECK-NEXT:    sj.check %[[OK]], "MemoryError: cannot allocate a buffer of type memref<?x3x?xf64>"
// CHECK-NOT:     sj.check
// CHECK:         func.return %[[BUF]]

// The leading static lengths' count is a number: the first dynamic length's
// room is a constant (2^59 / 2 / 3), with no division or product.
func.func @leading_static(%n: index) -> tensor<2x3x?xf64> {
  %t = tensor.empty(%n) : tensor<2x3x?xf64>
  func.return %t : tensor<2x3x?xf64>
}

// CHECK-LABEL: func.func @leading_static(
// CHECK-NEXT:    %[[ROOM:.*]] = arith.constant 96076792050570581 : index
// CHECK-NEXT:    %[[FIT:.*]] = arith.cmpi ule, %n, %[[ROOM]] : index
// CHECK-NEXT:    %[[BUF:.*]] = memref.alloc(%n) : memref<2x3x?xf64>
// CHECK:         arith.andi %[[FIT]],
// CHECK-NEXT:    sj.check

// A static type's count is known: no size condition, and malloc's result checked.
func.func @g() -> tensor<4x3xf64> {
  %t = tensor.empty() : tensor<4x3xf64>
  func.return %t : tensor<4x3xf64>
}

// CHECK-LABEL: func.func @g(
// CHECK-NOT:     sj.check
// CHECK:         %[[BUF:.*]] = memref.alloc() : memref<4x3xf64>
// CHECK-NEXT:    %[[ADDRESS:.*]] = "memref.extract_aligned_pointer_as_index"(%[[BUF]])
// CHECK:         %[[ALLOCATED:.*]] = arith.cmpi ne, %[[ADDRESS]], %{{.*}} : index
// CHECK-NEXT:    sj.check %[[ALLOCATED]], "MemoryError: cannot allocate a buffer of type memref<4x3xf64>"
// CHECK-NOT:     sj.check
// CHECK:         func.return %[[BUF]]

// One too large to allocate fails before it.
func.func @huge() -> tensor<4611686018427387904x2xf64> {
  %t = tensor.empty() : tensor<4611686018427387904x2xf64>
  func.return %t : tensor<4611686018427387904x2xf64>
}

// CHECK-LABEL: func.func @huge(
// CHECK:         sj.check %{{.*}}, "MemoryError: cannot allocate a buffer of type memref<4611686018427387904x2xf64>"
// CHECK-NEXT:    memref.alloc()
