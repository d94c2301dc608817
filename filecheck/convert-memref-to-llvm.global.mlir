// RUN: scanjit-opt %s -p convert-memref-to-llvm,reconcile-unrealized-casts 2>/dev/null | filecheck %s
// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-memref-to-llvm,reconcile-unrealized-casts -t llvm | filecheck %s --check-prefix=IR

// bufferize's constants: a memref.global becomes a private constant array of
// its elements in row-major order (bools as bytes 0/1, a splat written out),
// memref.get_global a descriptor of its address and static sizes.
"memref.global"() <{sym_name = "__constant_0", type = memref<2x2xf64>, initial_value = dense<[[1.0, 2.0], [3.0, 4.5]]> : tensor<2x2xf64>, sym_visibility = "private", constant}> : () -> ()
"memref.global"() <{sym_name = "__constant_1", type = memref<3xi1>, initial_value = dense<[true, false, true]> : tensor<3xi1>, sym_visibility = "private", constant}> : () -> ()
"memref.global"() <{sym_name = "__constant_2", type = memref<3xf32>, initial_value = dense<0.25> : tensor<3xf32>, sym_visibility = "private", constant}> : () -> ()
"memref.global"() <{sym_name = "__constant_3", type = memref<0xi64>, initial_value = dense<> : tensor<0xi64>, sym_visibility = "private", constant}> : () -> ()

func.func @f(%i: index, %j: index) -> (f64, i1, f32) {
  %k = memref.get_global @__constant_0 : memref<2x2xf64>
  %x = memref.load %k[%i, %j] : memref<2x2xf64>
  %b = memref.get_global @__constant_1 : memref<3xi1>
  %t = memref.load %b[%i] : memref<3xi1>
  %s = memref.get_global @__constant_2 : memref<3xf32>
  %v = memref.load %s[%j] : memref<3xf32>
  %e = memref.get_global @__constant_3 : memref<0xi64>
  func.return %x, %t, %v : f64, i1, f32
}

// CHECK:      llvm.mlir.global private constant @__constant_0(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.500000e+00]> : tensor<4xf64>) {addr_space = 0 : i32} : !llvm.array<4 x f64>
// CHECK-NEXT: llvm.mlir.global private constant @__constant_1(dense<[1, 0, 1]> : tensor<3xi8>) {addr_space = 0 : i32} : !llvm.array<3 x i8>
// CHECK-NEXT: llvm.mlir.global private constant @__constant_2(dense<2.500000e-01> : tensor<3xf32>) {addr_space = 0 : i32} : !llvm.array<3 x f32>
// CHECK-NEXT: llvm.mlir.global private constant @__constant_3(dense<> : tensor<0xi64>) {addr_space = 0 : i32} : !llvm.array<0 x i64>
// CHECK-NOT:  memref.
// CHECK-LABEL: func.func @f(
// CHECK:         %[[A:.*]] = llvm.mlir.addressof @__constant_0 : !llvm.ptr
// CHECK-NEXT:    %[[R:.*]] = llvm.mlir.constant(2) : i64
// CHECK-NEXT:    %[[C:.*]] = llvm.mlir.constant(2) : i64
// CHECK-NEXT:    %[[U:.*]] = llvm.mlir.undef : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:    %[[D0:.*]] = llvm.insertvalue %[[A]], %[[U]][0] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:    %[[D1:.*]] = llvm.insertvalue %[[R]], %[[D0]][1] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK-NEXT:    %k = llvm.insertvalue %[[C]], %[[D1]][2] : !llvm.struct<(!llvm.ptr, i64, i64)>
// CHECK:         %[[B:.*]] = llvm.mlir.addressof @__constant_1 : !llvm.ptr
// CHECK:         llvm.getelementptr inbounds %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK-NEXT:    %[[BYTE:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i8
// CHECK-NEXT:    %t = llvm.trunc %[[BYTE]] : i8 to i1

// IR:      @"__constant_0" = private constant [4 x double] [double 0x3ff0000000000000, double 0x4000000000000000, double 0x4008000000000000, double 0x4012000000000000]
// IR-NEXT: @"__constant_1" = private constant [3 x i8] [i8 1, i8 0, i8 1]
// IR-NEXT: @"__constant_2" = private constant [3 x float] [float 0x3fd0000000000000, float 0x3fd0000000000000, float 0x3fd0000000000000]
// IR-NEXT: @"__constant_3" = private constant [0 x i64] []
