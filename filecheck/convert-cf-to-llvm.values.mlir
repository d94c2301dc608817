// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-cf-to-llvm | filecheck %s

// A failed check stores its values for the message: their count in result
// slot 0, then each value (index or i64) in slots 1, 2, ..., before returning
// its code. A private function (an outlined parallel part) has no result
// slots of its caller's: it returns the code alone.
builtin.module {
  func.func @f(%i: index, %n: i64, %ok: i1) -> i1 {
    sj.check %ok, "IndexError: index $0 is out of bounds for size $1"(%i, %n : index, i64)
    func.return %ok : i1
  }
  func.func private @part(%i: index, %ok: i1) {
    sj.check %ok, "IndexError: index $0 is out of bounds"(%i : index)
    func.return
  }
}

// CHECK:      llvm.func internal @f_impl(%i: i64, %n: i64, %ok: i1, %[[RES:.*]]: !llvm.ptr {llvm.noalias}) -> i32 attributes {scanjit.results_array} {
// CHECK:        llvm.cond_br %ok, ^{{.*}}, ^[[FAIL:bb[0-9]+]]
// CHECK:      ^[[FAIL]]:
// CHECK-NEXT:   %[[CODE:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT:   %[[COUNT:.*]] = llvm.mlir.constant(2) : i64
// CHECK-NEXT:   %[[S0:.*]] = llvm.getelementptr %[[RES]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %[[COUNT]], %[[S0]] {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK-NEXT:   %[[S1:.*]] = llvm.getelementptr %[[RES]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %i, %[[S1]] {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK-NEXT:   %[[S2:.*]] = llvm.getelementptr %[[RES]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %n, %[[S2]] {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK-NEXT:   llvm.return %[[CODE]] : i32

// CHECK:      llvm.func internal @part(%{{.*}}: i64, %[[OK:.*]]: i1, %{{.*}}: !llvm.ptr {llvm.noalias}) -> i32 {
// CHECK:        llvm.cond_br %[[OK]], ^{{.*}}, ^[[PFAIL:bb[0-9]+]]
// CHECK:      ^[[PFAIL]]:
// CHECK-NEXT:   %[[PCODE:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT:   llvm.return %[[PCODE]] : i32
