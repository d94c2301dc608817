// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-cf-to-llvm | filecheck %s

// A failed check frees its `frees` on the way out through a chain of blocks,
// one dealloc each, passing the status on: the two checks freeing %b, %a
// share one chain, and the check freeing %a alone joins its tail.
func.func @f(%n: index, %x: i1, %y: i1, %z: i1) {
  %a = memref.alloc(%n) : memref<?xf64>
  sj.check %x, "ValueError: first" frees(%a : memref<?xf64>)
  %b = memref.alloc(%n) : memref<?xf64>
  sj.check %y, "ValueError: second" frees(%b, %a : memref<?xf64>, memref<?xf64>)
  sj.check %z, "IndexError: third" frees(%b, %a : memref<?xf64>, memref<?xf64>)
  memref.dealloc %b : memref<?xf64>
  memref.dealloc %a : memref<?xf64>
  func.return
}

// CHECK-LABEL: llvm.func internal @f_impl(
// CHECK:         llvm.cond_br %x, ^{{.*}}, ^[[FAIL1:bb[0-9]+]]
// CHECK:         llvm.cond_br %y, ^{{.*}}, ^[[FAIL2:bb[0-9]+]]
// CHECK:         llvm.cond_br %z, ^{{.*}}, ^[[FAIL3:bb[0-9]+]]
// CHECK:       ^[[FREE_A:bb[0-9]+]](%[[S:.*]]: i32):
// CHECK-NEXT:    memref.dealloc %a : memref<?xf64>
// CHECK-NEXT:    llvm.return %[[S]] : i32
// CHECK-NEXT:  ^[[FAIL1]]:
// CHECK-NEXT:    %[[K1:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT:    llvm.br ^[[FREE_A]](%[[K1]] : i32)
// CHECK-NEXT:  ^[[FREE_BA:bb[0-9]+]](%[[S2:.*]]: i32):
// CHECK-NEXT:    memref.dealloc %b : memref<?xf64>
// CHECK-NEXT:    llvm.br ^[[FREE_A]](%[[S2]] : i32)
// CHECK-NEXT:  ^[[FAIL2]]:
// CHECK-NEXT:    %[[K2:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT:    llvm.br ^[[FREE_BA]](%[[K2]] : i32)
// CHECK-NEXT:  ^[[FAIL3]]:
// CHECK-NEXT:    %[[K3:.*]] = llvm.mlir.constant(3 : i32) : i32
// CHECK-NEXT:    llvm.br ^[[FREE_BA]](%[[K3]] : i32)
// CHECK-NEXT:  }
