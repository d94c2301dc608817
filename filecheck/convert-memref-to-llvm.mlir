// RUN: scanjit-opt %s -p convert-memref-to-llvm,reconcile-unrealized-casts | filecheck %s

// Descriptors are !llvm.struct<(ptr, i64 x rank)>: static sizes are constants,
// dynamic ones come from the descriptor; addressing is row-major: an inbounds
// GEP to the row, then one to the element.
func.func @f(%m: memref<?x4xf64>, %b: memref<?xi1>, %i: index, %j: index) -> memref<?x4xf64> {
  %x = memref.load %m[%i, %j] : memref<?x4xf64>
  %c0 = arith.constant 0 : index
  %n = memref.dim %m, %c0 : memref<?x4xf64>
  %out = memref.alloc(%n) : memref<?x4xf64>
  memref.store %x, %out[%i, %j] : memref<?x4xf64>
  %t = memref.load %b[%i] : memref<?xi1>
  memref.store %t, %b[%j] : memref<?xi1>
  "memref.copy"(%m, %out) : (memref<?x4xf64>, memref<?x4xf64>) -> ()
  %s = memref.alloca() : memref<f64>
  memref.store %x, %s[] : memref<f64>
  memref.dealloc %out : memref<?x4xf64>
  %static = "memref.cast"(%m) : (memref<?x4xf64>) -> memref<3x4xf64>
  %dyn = "memref.cast"(%static) : (memref<3x4xf64>) -> memref<?x4xf64>
  func.return %dyn : memref<?x4xf64>
}

// CHECK-LABEL: func.func @f
// A descriptor's fields are extracted once, right after its definition.
// CHECK-NEXT:    %[[B:.*]] = builtin.unrealized_conversion_cast %b : memref<?xi1> to !llvm.struct<(!llvm.ptr, i64)>
// CHECK-NEXT:    %[[BP:.*]] = llvm.extractvalue %[[B]][0] : !llvm.struct<(!llvm.ptr, i64)>
// CHECK-NEXT:    %[[J:.*]] = builtin.unrealized_conversion_cast %j : index to i64
// CHECK-NEXT:    %[[I:.*]] = builtin.unrealized_conversion_cast %i : index to i64
// CHECK-NEXT:    %[[M:.*]] = builtin.unrealized_conversion_cast %m : memref<?x4xf64> to !llvm.struct<(!llvm.ptr, i64, i64)>
// memref.dim with a constant index reads that one size.
// CHECK-NEXT:    %n = llvm.extractvalue %[[M]][1] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:    %[[P:.*]] = llvm.extractvalue %[[M]][0] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:    %[[FOUR:.*]] = llvm.mlir.constant(4) : i64
// CHECK-NEXT:    %[[OFFSET:.*]] = llvm.mul %[[I]], %[[FOUR]] overflow<nsw> : i64
// CHECK-NEXT:    %[[ROW:.*]] = llvm.getelementptr inbounds %[[P]][%[[OFFSET]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    %[[ADDR:.*]] = llvm.getelementptr inbounds %[[ROW]][%[[J]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    %x = llvm.load %[[ADDR]] : !llvm.ptr -> f64
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// alloc: scanjit_alloc (scanjit.runtime) of n * 4 * 8 bytes (no nsw: a count too large wraps, and
// its check fails after), then the descriptor; dealloc: scanjit_free.
// CHECK-NEXT:    %[[STATIC:.*]] = llvm.mlir.constant(4) : i64
// CHECK-NEXT:    %[[ONE:.*]] = llvm.mlir.constant(1) : i64
// CHECK-NEXT:    %[[N1:.*]] = llvm.mul %[[ONE]], %n : i64
// CHECK-NEXT:    %[[COUNT:.*]] = llvm.mul %[[N1]], %[[STATIC]] : i64
// CHECK-NEXT:    %[[ESIZE:.*]] = llvm.mlir.constant(8) : i64
// CHECK-NEXT:    %[[BYTES:.*]] = llvm.mul %[[COUNT]], %[[ESIZE]] : i64
// CHECK-NEXT:    %[[BUF:.*]] = llvm.call @scanjit_alloc(%[[BYTES]]) : (i64) -> !llvm.ptr
// CHECK-NEXT:    %[[U:.*]] = llvm.mlir.undef : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:    %[[O1:.*]] = llvm.insertvalue %[[BUF]], %[[U]][0]
// CHECK-NEXT:    %[[O2:.*]] = llvm.insertvalue %n, %[[O1]][1]
// CHECK-NEXT:    %out = llvm.insertvalue %[[STATIC]], %[[O2]][2]
// CHECK-NEXT:    %[[OUTP:.*]] = llvm.extractvalue %out[0] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK:         llvm.store %x, %{{.*}} : f64, !llvm.ptr
// i1 elements are bytes; a 1-d access needs no size.
// CHECK-NEXT:    %[[BA:.*]] = llvm.getelementptr inbounds %[[BP]][%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK-NEXT:    %[[BYTE:.*]] = llvm.load %[[BA]] : !llvm.ptr -> i8
// CHECK-NEXT:    %t = llvm.trunc %[[BYTE]] : i8 to i1
// CHECK:         %[[WIDE:.*]] = llvm.zext %t : i1 to i8
// CHECK-NEXT:    llvm.store %[[WIDE]], %{{.*}} : i8, !llvm.ptr
// CHECK:         %{{.*}} = llvm.call @memcpy(%[[OUTP]], %[[P]], %{{.*}}) : (!llvm.ptr, !llvm.ptr, i64) -> !llvm.ptr
// CHECK:         %{{.*}} = llvm.alloca %{{.*}} x f64 {alignment = 16 : i64} : (i64) -> !llvm.ptr
// CHECK:         llvm.call @scanjit_free(%[[OUTP]]) : (!llvm.ptr) -> ()
// Casts are free: the descriptor of %m is returned as it is.
// CHECK-NEXT:    %[[RET:.*]] = builtin.unrealized_conversion_cast %[[M]] : !llvm.struct<(!llvm.ptr, i64, i64)> to memref<?x4xf64>
// CHECK-NEXT:    func.return %[[RET]] : memref<?x4xf64>

// The accesses of a block to one row share its pointer (a block of a dot's
// columns reads many elements of a row); another block makes its own.
func.func @rows(%m: memref<?x?xf64>, %i: index, %j: index, %k: index, %c: i1) -> f64 {
  %x = memref.load %m[%i, %j] : memref<?x?xf64>
  %y = memref.load %m[%i, %k] : memref<?x?xf64>
  memref.store %x, %m[%i, %k] : memref<?x?xf64>
  %z = memref.load %m[%k, %j] : memref<?x?xf64>
  cf.cond_br %c, ^next, ^next
^next:
  %w = memref.load %m[%i, %j] : memref<?x?xf64>
  func.return %w : f64
}

// CHECK-LABEL: func.func @rows
// CHECK:         %[[N:.*]] = llvm.extractvalue %{{.*}}[2] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK:         %[[OFF:.*]] = llvm.mul %[[I:.*]], %[[N]] overflow<nsw> : i64
// CHECK-NEXT:    %[[ROW:.*]] = llvm.getelementptr inbounds %[[P:.*]][%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    %[[A1:.*]] = llvm.getelementptr inbounds %[[ROW]][%[[J:.*]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    %x = llvm.load %[[A1]]
// CHECK-NEXT:    %[[A2:.*]] = llvm.getelementptr inbounds %[[ROW]][%[[K:.*]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    %y = llvm.load %[[A2]]
// CHECK-NEXT:    %[[A3:.*]] = llvm.getelementptr inbounds %[[ROW]][%[[K]]] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:    llvm.store %x, %[[A3]]
// CHECK-NEXT:    %[[OFF2:.*]] = llvm.mul %[[K]], %[[N]] overflow<nsw> : i64
// CHECK-NEXT:    %[[ROW2:.*]] = llvm.getelementptr inbounds %[[P]][%[[OFF2]]]
// CHECK-NEXT:    %[[A4:.*]] = llvm.getelementptr inbounds %[[ROW2]][%[[J]]]
// CHECK-NEXT:    %z = llvm.load %[[A4]]
// CHECK:       ^{{.*}}:
// CHECK-NEXT:    %[[OFF3:.*]] = llvm.mul %[[I]], %[[N]] overflow<nsw> : i64
// CHECK-NEXT:    %[[ROW3:.*]] = llvm.getelementptr inbounds %[[P]][%[[OFF3]]]
// CHECK-NEXT:    %[[A5:.*]] = llvm.getelementptr inbounds %[[ROW3]][%[[J]]]
// CHECK-NEXT:    %w = llvm.load %[[A5]]
// The runtime's functions are declared once, after the functions.
// CHECK:       llvm.func @scanjit_alloc(i64) -> !llvm.ptr
// CHECK-NEXT:  llvm.func @memcpy(!llvm.ptr, !llvm.ptr, i64) -> !llvm.ptr
// CHECK-NEXT:  llvm.func @scanjit_free(!llvm.ptr)
