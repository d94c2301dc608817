// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-parallel-to-llvm | filecheck %s

func.func @main(%x: memref<?xf64>, %s: f64, %flag: i1) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf64>
  %grain = arith.constant 16384 : index
  sj.parallel_for @main_loop0(%c0, %n) grain %grain captures(%x, %s, %flag) : memref<?xf64>, f64, i1
  func.return
}

func.func private @main_loop0(%lo: index, %hi: index, %x: memref<?xf64>, %s: f64, %flag: i1) {
  func.return
}

// The context: one 8-byte slot per field of the captures (data pointer and
// size of %x, %s, %flag as a byte), on the stack of the entry block.
// CHECK:      llvm.func internal @main_impl(
// CHECK-NEXT:   %[[SLOTS:.*]] = llvm.mlir.constant(4) : i64
// CHECK-NEXT:   %[[CTX:.*]] = llvm.alloca %[[SLOTS]] x !llvm.ptr {alignment = 8 : i64} : (i64) -> !llvm.ptr
// %x's fields are read once, where its descriptor is defined.
// CHECK-DAG:    %[[DATA:.*]] = llvm.extractvalue %{{.*}}[0] : !llvm.struct<(!llvm.ptr, i64)>
// CHECK-DAG:    %[[SIZE:.*]] = llvm.extractvalue %{{.*}}[1] : !llvm.struct<(!llvm.ptr, i64)>
// CHECK:        %[[AT0:.*]] = llvm.getelementptr %[[CTX]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %[[DATA]], %[[AT0]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK-NEXT:   %[[AT1:.*]] = llvm.getelementptr %[[CTX]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %[[SIZE]], %[[AT1]] {alignment = 8 : i64} : i64, !llvm.ptr
// CHECK-NEXT:   %[[AT2:.*]] = llvm.getelementptr %[[CTX]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   llvm.store %s, %[[AT2]] {alignment = 8 : i64} : f64, !llvm.ptr
// CHECK-NEXT:   %[[AT3:.*]] = llvm.getelementptr %[[CTX]][3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[BYTE:.*]] = llvm.zext %flag : i1 to i8
// CHECK-NEXT:   llvm.store %[[BYTE]], %[[AT3]] {alignment = 8 : i64} : i8, !llvm.ptr
// The runtime runs @main_loop0_entry on parts of [%c0, %n).
// CHECK-NEXT:   %[[FN:.*]] = llvm.mlir.addressof @main_loop0_entry : !llvm.ptr
// CHECK-NEXT:   %[[STATUS:.*]] = llvm.call @scanjit_parallel_for(%[[FN]], %[[CTX]], %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, i64, i64, i64) -> i32
// A part's failed check: the caller returns its code.
// CHECK-NEXT:   %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT:   %[[OK:.*]] = llvm.icmp "eq" %[[STATUS]], %[[ZERO]] : i32
// CHECK-NEXT:   llvm.cond_br %[[OK]], ^[[REST:.*]], ^[[FAIL:.*]]
// CHECK-NEXT: ^[[REST]]:
// CHECK:        llvm.return
// CHECK-NEXT: ^[[FAIL]]:
// CHECK-NEXT:   llvm.return %[[STATUS]] : i32

// A private function is only its body, with flattened arguments (no entry point).
// CHECK-NOT:  llvm.func @main_loop0(
// CHECK:      llvm.func internal @main_loop0(%lo: i64, %hi: i64, %x{{.*}}: !llvm.ptr {llvm.noalias}, %{{.*}}: i64, %s{{.*}}: f64, %flag{{.*}}: i1, %{{.*}}: !llvm.ptr {llvm.noalias}) -> i32 {

// The entry reads the fields back and calls it, without result slots, and
// returns its status.
// CHECK:      llvm.func internal @main_loop0_entry(%[[C:.*]]: !llvm.ptr, %[[LO:.*]]: i64, %[[HI:.*]]: i64) -> i32 {
// CHECK-NEXT:   %[[G0:.*]] = llvm.getelementptr %[[C]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[X:.*]] = llvm.load %[[G0]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:   %[[G1:.*]] = llvm.getelementptr %[[C]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[N:.*]] = llvm.load %[[G1]] {alignment = 8 : i64} : !llvm.ptr -> i64
// CHECK-NEXT:   %[[G2:.*]] = llvm.getelementptr %[[C]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[S:.*]] = llvm.load %[[G2]] {alignment = 8 : i64} : !llvm.ptr -> f64
// CHECK-NEXT:   %[[G3:.*]] = llvm.getelementptr %[[C]][3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT:   %[[B:.*]] = llvm.load %[[G3]] {alignment = 8 : i64} : !llvm.ptr -> i8
// CHECK-NEXT:   %[[Z:.*]] = llvm.mlir.constant(0 : i8) : i8
// CHECK-NEXT:   %[[F:.*]] = llvm.icmp "ne" %[[B]], %[[Z]] : i8
// CHECK-NEXT:   %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT:   %[[ST:.*]] = llvm.call @main_loop0(%[[LO]], %[[HI]], %[[X]], %[[N]], %[[S]], %[[F]], %[[NULL]]) : (i64, i64, !llvm.ptr, i64, f64, i1, !llvm.ptr) -> i32
// CHECK-NEXT:   llvm.return %[[ST]] : i32
// CHECK:      llvm.func @scanjit_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64, i64) -> i32
