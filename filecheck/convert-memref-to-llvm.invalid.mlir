// RUN: not scanjit-opt %s -p convert-memref-to-llvm 2>&1 | filecheck %s

// Descriptors have no strides: only identity layouts are supported.
func.func @f(%m: memref<4x4xf64, strided<[8, 1]>>, %i: index) -> f64 {
  %x = memref.load %m[%i, %i] : memref<4x4xf64, strided<[8, 1]>>
  func.return %x : f64
}

// CHECK: scanjit-opt: error: convert-memref-to-llvm: cannot lower a memref with a non-identity layout: memref<4x4xf64, strided<[8, 1]>>
