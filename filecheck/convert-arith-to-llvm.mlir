// RUN: scanjit-opt %s -p convert-arith-to-llvm | filecheck %s

// Index block arguments become i64 (casts bridge the unconverted users).
func.func @loop(%n: index, %m: memref<?xf64>) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  cf.br ^bb1(%c0, %zero : index, f64)
^bb1(%i: index, %acc: f64):
  %go = arith.cmpi slt, %i, %n : index
  cf.cond_br %go, ^bb2, ^bb3
^bb2:
  %x = memref.load %m[%i] : memref<?xf64>
  %acc2 = arith.addf %acc, %x : f64
  %i2 = arith.addi %i, %c1 : index
  cf.br ^bb1(%i2, %acc2 : index, f64)
^bb3:
  func.return %acc : f64
}

// CHECK-LABEL: func.func @loop(%n: index, %m: memref<?xf64>) -> f64 {
// CHECK-NEXT:    %[[N:.*]] = builtin.unrealized_conversion_cast %n : index to i64
// CHECK-NEXT:    %[[C0:.*]] = llvm.mlir.constant(0) : i64
// CHECK-NEXT:    %c0 = builtin.unrealized_conversion_cast %[[C0]] : i64 to index
// CHECK-NEXT:    %[[INIT:.*]] = builtin.unrealized_conversion_cast %c0 : index to i64
// CHECK-NEXT:    %[[C1:.*]] = llvm.mlir.constant(1) : i64
// CHECK-NEXT:    %c1 = builtin.unrealized_conversion_cast %[[C1]] : i64 to index
// CHECK-NEXT:    %zero = llvm.mlir.constant(0.000000e+00 : f64) : f64
// CHECK-NEXT:    cf.br ^[[HEAD:bb[0-9]+]](%[[INIT]], %zero : i64, f64)
// CHECK-NEXT:  ^[[HEAD]](%i: i64, %acc: f64):
// CHECK-NEXT:    %[[IDX:.*]] = builtin.unrealized_conversion_cast %i : i64 to index
// CHECK-NEXT:    %go = llvm.icmp "slt" %i, %[[N]] : i64
// CHECK:         %x = memref.load %m[%[[IDX]]] : memref<?xf64>
// CHECK-NEXT:    %acc2 = llvm.fadd %acc, %x : f64
// CHECK-NEXT:    %[[NEXT:.*]] = llvm.add %i, %[[C1]] : i64
// CHECK:         cf.br ^[[HEAD]](%{{.*}}, %acc2 : i64, f64)

func.func @ops(%a: i64, %b: i64, %f: f64, %g: f32, %u: i32, %k: index) -> (i64, i32, f64, i1, i64, f32, i64) {
  %q = arith.floordivsi %a, %b : i64
  %t = arith.fptosi %f : f64 to i32
  %d = arith.uitofp %u : i32 to f64
  %yes = arith.cmpf true, %f, %f : f64
  %ki = arith.index_cast %k : index to i64
  %m = arith.maximumf %g, %g : f32
  %s = arith.maxsi %a, %b : i64
  func.return %q, %t, %d, %yes, %ki, %m, %s : i64, i32, f64, i1, i64, f32, i64
}

// CHECK-LABEL: func.func @ops
// index_cast index -> i64 is only the cast, placed at the argument's definition.
// CHECK-NEXT:    %ki = builtin.unrealized_conversion_cast %k : index to i64
// floordivsi: q - 1 when the remainder is nonzero and the signs differ.
// CHECK:         %[[Q:.*]] = llvm.sdiv %a, %b : i64
// CHECK-NEXT:    %[[R:.*]] = llvm.srem %a, %b : i64
// CHECK-NEXT:    %[[RNZ:.*]] = llvm.icmp "ne" %[[R]], %{{.*}} : i64
// CHECK-NEXT:    %[[X:.*]] = llvm.xor %a, %b : i64
// CHECK-NEXT:    %[[NEG:.*]] = llvm.icmp "slt" %[[X]], %{{.*}} : i64
// CHECK-NEXT:    %[[ADJ:.*]] = llvm.and %[[RNZ]], %[[NEG]] : i1
// CHECK-NEXT:    %[[QM1:.*]] = llvm.sub %[[Q]], %{{.*}} : i64
// CHECK-NEXT:    %q = llvm.select %[[ADJ]], %[[QM1]], %[[Q]] : i1, i64
// CHECK-NEXT:    %t = llvm.call_intrinsic "llvm.fptosi.sat.i32.f64"(%f) : (f64) -> i32
// CHECK-NEXT:    %[[W:.*]] = llvm.zext %u : i32 to i64
// CHECK-NEXT:    %d = llvm.sitofp %[[W]] : i64 to f64
// CHECK-NEXT:    %yes = llvm.mlir.constant(true) : i1
// CHECK-NEXT:    %m = llvm.call_intrinsic "llvm.maximum.f32"(%g, %g) : (f32, f32) -> f32
// CHECK-NEXT:    %[[GT:.*]] = llvm.icmp "sgt" %a, %b : i64
// CHECK-NEXT:    %s = llvm.select %[[GT]], %a, %b : i1, i64
// CHECK-NOT:   arith.
