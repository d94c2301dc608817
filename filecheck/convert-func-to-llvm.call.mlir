// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-memref-to-llvm,reconcile-unrealized-casts | filecheck %s

// External C functions use the bare-pointer convention: a memref is passed
// as its data pointer, other values as their LLVM types.

func.func private @random_normal(!llvm.ptr, f64, f64) -> f64
func.func private @fill(!llvm.ptr, memref<?xi64>, i64)

func.func @draw(%rng: !llvm.ptr, %out: memref<?xi64>, %n: i64) -> f64 {
  %zero = arith.constant 0.0 : f64
  %one = arith.constant 1.0 : f64
  %x = func.call @random_normal(%rng, %zero, %one) : (!llvm.ptr, f64, f64) -> f64
  func.call @fill(%rng, %out, %n) : (!llvm.ptr, memref<?xi64>, i64) -> ()
  func.return %x : f64
}

// CHECK: llvm.func @random_normal(!llvm.ptr, f64, f64) -> f64
// CHECK: llvm.func @fill(!llvm.ptr, !llvm.ptr, i64)
// CHECK: llvm.call @random_normal(%{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, f64, f64) -> f64
// CHECK: %[[DATA:.*]] = llvm.extractvalue %{{.*}}[0] : !llvm.struct<(!llvm.ptr, i64)>
// CHECK: llvm.call @fill(%{{.*}}, %[[DATA]], %{{.*}}) : (!llvm.ptr, !llvm.ptr, i64) -> ()
