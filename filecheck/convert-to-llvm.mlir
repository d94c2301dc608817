// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-to-llvm,reconcile-unrealized-casts | filecheck %s
// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-cf-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,convert-memref-to-llvm,reconcile-unrealized-casts | filecheck %s
// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-to-llvm | filecheck %s --check-prefix=WALK

// One walk does what the four passes do in turn: the branches, the check
// (whose failure path frees %a: a dealloc the walk creates, lowered after
// it), the index arithmetic, the math and the memref ops.
func.func @f(%n: index, %x: f64) {
  %a = memref.alloc(%n) : memref<?xf64>
  %c1 = arith.constant 1 : index
  %m = arith.subi %n, %c1 : index
  %ok = arith.cmpi sge, %m, %c1 : index
  sj.check %ok, "IndexError: index $0"(%m : index) frees(%a : memref<?xf64>)
  %e = math.sqrt %x : f64
  memref.store %e, %a[%m] : memref<?xf64>
  cf.br ^done
^done:
  memref.dealloc %a : memref<?xf64>
  func.return
}

// CHECK-LABEL: llvm.func internal @f_impl(
// CHECK:         %[[A:.*]] = llvm.insertvalue %n, %{{.*}}[1]
// CHECK-NEXT:    %[[PTR:.*]] = llvm.extractvalue %[[A]][0]
// CHECK:         %[[M:.*]] = llvm.sub %n, %{{.*}} : i64
// CHECK-NEXT:    %[[OK:.*]] = llvm.icmp "sge" %[[M]], %{{.*}} : i64
// CHECK-NEXT:    llvm.cond_br %[[OK]], ^[[REST:bb[0-9]+]], ^[[FAIL:bb[0-9]+]]
// CHECK-NEXT:  ^[[REST]]:
// CHECK-NEXT:    %[[E:.*]] = llvm.call_intrinsic "llvm.sqrt.f64"(%x) : (f64) -> f64
// CHECK-NEXT:    %[[P:.*]] = llvm.getelementptr inbounds %[[PTR]][%[[M]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    llvm.store %[[E]], %[[P]]
// CHECK-NEXT:    llvm.br ^done
// CHECK-NEXT:  ^done:
// CHECK-NEXT:    llvm.call @scanjit_free(%[[PTR]])
// CHECK:         llvm.return
// CHECK-NEXT:  ^[[FREE:bb[0-9]+]](%[[S:.*]]: i32):
// CHECK-NEXT:    llvm.call @scanjit_free(%[[PTR]])
// CHECK-NEXT:    llvm.return %[[S]] : i32
// CHECK-NEXT:  ^[[FAIL]]:
// CHECK-NEXT:    %[[K:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NOT:     unrealized_conversion_cast
// CHECK:         llvm.store %[[M]], %{{.*}} {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK-NEXT:    llvm.br ^[[FREE]](%[[K]] : i32)
// CHECK-NEXT:  }

// The walk gives every index value its type i64 in place: no casts to or
// from index are made (and none left for reconcile-unrealized-casts).
// WALK-LABEL: llvm.func internal @f_impl(
// WALK-NOT:     {{to index|index to}}
// WALK:         %[[M:.*]] = llvm.sub %{{.*}}, %{{.*}} : i64
// WALK-NOT:     {{to index|index to}}
// WALK:         llvm.getelementptr inbounds %{{.*}}[%[[M]]]
// WALK-NOT:     {{to index|index to}}
// WALK:         llvm.store %[[M]]
