// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-parallel-to-llvm | filecheck %s

// A failed part: the caller frees the buffers live at the sj.parallel_for
// (its `frees`, set by free-on-error) before returning the part's status,
// through a chain of blocks that other failure paths freeing the same
// buffers share (see convert-cf-to-llvm.frees.mlir).
func.func @frees(%x: memref<?xf64>, %n: index) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %out = memref.alloc(%n) : memref<?xf64>
  %tmp = memref.alloc(%n) : memref<?xf64>
  sj.parallel_for @frees_loop0(%c0, %n) grain %n captures(%x, %out) frees(%tmp, %out : memref<?xf64>, memref<?xf64>) : memref<?xf64>, memref<?xf64>
  memref.dealloc %tmp : memref<?xf64>
  func.return %out : memref<?xf64>
}

func.func private @frees_loop0(%lo: index, %hi: index, %x: memref<?xf64>, %out: memref<?xf64>) {
  func.return
}

// CHECK:      llvm.func internal @frees_impl(
// CHECK:        %[[STATUS:.*]] = llvm.call @scanjit_parallel_for(
// CHECK-NEXT:   %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT:   %[[OK:.*]] = llvm.icmp "eq" %[[STATUS]], %[[ZERO]] : i32
// CHECK-NEXT:   llvm.cond_br %[[OK]], ^[[REST:.*]], ^[[FAIL:.*]]
// CHECK-NEXT: ^[[REST]]:
// CHECK-NEXT:   memref.dealloc %tmp : memref<?xf64>
// CHECK:        llvm.return
// CHECK-NEXT: ^[[FREE_OUT:bb[0-9]+]](%[[S:.*]]: i32):
// CHECK-NEXT:   memref.dealloc %out : memref<?xf64>
// CHECK-NEXT:   llvm.return %[[S]] : i32
// CHECK-NEXT: ^[[FREE_TMP:bb[0-9]+]](%[[S2:.*]]: i32):
// CHECK-NEXT:   memref.dealloc %tmp : memref<?xf64>
// CHECK-NEXT:   llvm.br ^[[FREE_OUT]](%[[S2]] : i32)
// CHECK-NEXT: ^[[FAIL]]:
// CHECK-NEXT:   llvm.br ^[[FREE_TMP]](%[[STATUS]] : i32)
