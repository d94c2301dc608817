// RUN: scanjit-opt %s -p bufferize | filecheck %s

// A constant tensor becomes a read-only global, one per value in the module,
// read through memref.get_global where the constant was (also in a loop).
// It is never freed.
func.func @read(%i: index, %n: index) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %k = arith.constant dense<[[1.0, 2.0], [3.0, 4.5]]> : tensor<2x2xf64>
  %x = tensor.extract %k[%i, %i] : tensor<2x2xf64>
  %s = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %x) -> (f64) {
    %same = arith.constant dense<[[1.0, 2.0], [3.0, 4.5]]> : tensor<2x2xf64>
    %y = tensor.extract %same[%c1, %c0] : tensor<2x2xf64>
    %z = arith.addf %acc, %y : f64
    scf.yield %z : f64
  }
  func.return %s : f64
}

// CHECK:      "memref.global"() <{sym_name = "__constant_0", type = memref<2x2xf64>, initial_value = dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.500000e+00]]> : tensor<2x2xf64>, sym_visibility = "private", constant}> : () -> ()
// CHECK-NEXT: "memref.global"() <{sym_name = "__constant_1", type = memref<3xi1>, initial_value = dense<[true, false, true]> : tensor<3xi1>, sym_visibility = "private", constant}> : () -> ()
// CHECK-NEXT: "memref.global"() <{sym_name = "__constant_2", type = memref<1x2x3xi8>, initial_value = dense<{{\[\[}}[-1, 0, 1], [2, 3, 4]]]> : tensor<1x2x3xi8>, sym_visibility = "private", constant}> : () -> ()
// CHECK-NEXT: "memref.global"() <{sym_name = "__constant_3", type = memref<4xf32>, initial_value = dense<2.500000e-01> : tensor<4xf32>, sym_visibility = "private", constant}> : () -> ()
// CHECK-LABEL: func.func @read(
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    %c1 = arith.constant 1 : index
// CHECK-NEXT:    %k = memref.get_global @__constant_0 : memref<2x2xf64>
// CHECK-NEXT:    %x = memref.load %k[%i, %i] : memref<2x2xf64>
// CHECK-NEXT:    %s = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %x) -> (f64) {
// CHECK-NEXT:      %same = memref.get_global @__constant_0 : memref<2x2xf64>
// CHECK-NEXT:      %y = memref.load %same[%c1, %c0] : memref<2x2xf64>
// CHECK:         }
// CHECK-NOT:     memref.dealloc
// CHECK:         func.return %s : f64

// Bools (i1 elements), integers, 3-d shapes, splats: all the same way.
func.func @kinds(%i: index) -> (i1, i8, f32) {
  %b = arith.constant dense<[true, false, true]> : tensor<3xi1>
  %t = tensor.extract %b[%i] : tensor<3xi1>
  %k = arith.constant dense<[[[-1, 0, 1], [2, 3, 4]]]> : tensor<1x2x3xi8>
  %u = tensor.extract %k[%i, %i, %i] : tensor<1x2x3xi8>
  %f = arith.constant dense<0.25> : tensor<4xf32>
  %v = tensor.extract %f[%i] : tensor<4xf32>
  func.return %t, %u, %v : i1, i8, f32
}

// CHECK-LABEL: func.func @kinds(
// CHECK-NEXT:    %b = memref.get_global @__constant_1 : memref<3xi1>
// CHECK-NEXT:    %t = memref.load %b[%i] : memref<3xi1>
// CHECK-NEXT:    %k = memref.get_global @__constant_2 : memref<1x2x3xi8>
// CHECK-NEXT:    %u = memref.load %k[%i, %i, %i] : memref<1x2x3xi8>
// CHECK-NEXT:    %f = memref.get_global @__constant_3 : memref<4xf32>

// A constant is read-only, like an argument: a write goes to a copy, and so
// does a loop carrying it; a returned constant is copied (the caller frees
// its results).
func.func @writes(%i: index, %n: index, %v: f64) -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %k = arith.constant dense<[1.0, 2.0]> : tensor<2xf64>
  %w = tensor.insert %v into %k[%i] : tensor<2xf64>
  %l = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %k) -> (tensor<2xf64>) {
    %a = tensor.insert %v into %acc[%c0] : tensor<2xf64>
    scf.yield %a : tensor<2xf64>
  }
  func.return %w, %l, %k : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>
}

// CHECK-LABEL: func.func @writes(
// CHECK:         %k = memref.get_global @__constant_4 : memref<2xf64>
// CHECK:         %w = memref.alloc() : memref<2xf64>
// CHECK:         "memref.copy"(%k, %w) : (memref<2xf64>, memref<2xf64>) -> ()
// CHECK-NEXT:    memref.store %v, %w[%i] : memref<2xf64>
// CHECK:         %[[L:.*]] = memref.alloc() : memref<2xf64>
// CHECK:         "memref.copy"(%k, %[[L]]) : (memref<2xf64>, memref<2xf64>) -> ()
// CHECK-NEXT:    scf.for %j = %c0 to %n step %c1 {
// CHECK-NEXT:      memref.store %v, %[[L]][%c0] : memref<2xf64>
// CHECK-NEXT:    }
// CHECK:         %[[R:.*]] = memref.alloc() : memref<2xf64>
// CHECK:         "memref.copy"(%k, %[[R]]) : (memref<2xf64>, memref<2xf64>) -> ()
// CHECK-NEXT:    func.return %w, %[[L]], %[[R]] : memref<2xf64>, memref<2xf64>, memref<2xf64>
// CHECK-NOT:     memref.dealloc %k
