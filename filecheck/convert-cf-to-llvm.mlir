// RUN: scanjit-opt %s -p convert-func-to-llvm,convert-cf-to-llvm | filecheck %s

// An existing `scanjit.errors` list is extended; equal messages share a code.
builtin.module attributes {scanjit.errors = ["ValueError: earlier"]} {
  func.func @f(%c: i1, %d: i1, %x: f64) -> f64 {
    sj.check %c, "IndexError: index out of range for x"
    cf.cond_br %d, ^bb1(%x : f64), ^bb2
  ^bb1(%y: f64):
    sj.check %d, "IndexError: index out of range for x"
    cf.br ^bb2
  ^bb2:
    sj.check %c, "ValueError: earlier"
    func.return %x : f64
  }
}

// CHECK:      builtin.module attributes {scanjit.errors = ["ValueError: earlier", "IndexError: index out of range for x"]} {
// CHECK:        llvm.func internal @f_impl(%c: i1, %d: i1, %x: f64, %{{.*}}: !llvm.ptr {llvm.noalias}) -> i32 attributes {scanjit.results_array} {
// CHECK-NEXT:     llvm.cond_br %c, ^[[OK1:bb[0-9]+]], ^[[FAIL1:bb[0-9]+]]
// CHECK-NEXT:   ^[[OK1]]:
// CHECK-NEXT:     llvm.cond_br %d, ^[[BB1:bb[0-9]+]](%x : f64), ^[[BB2:bb[0-9]+]]
// CHECK-NEXT:   ^[[BB1]](%y: f64):
// CHECK-NEXT:     llvm.cond_br %d, ^[[OK2:bb[0-9]+]], ^[[FAIL2:bb[0-9]+]]
// CHECK-NEXT:   ^[[OK2]]:
// CHECK-NEXT:     llvm.br ^[[BB2]]
// CHECK-NEXT:   ^[[BB2]]:
// CHECK-NEXT:     llvm.cond_br %c, ^[[OK3:bb[0-9]+]], ^[[FAIL3:bb[0-9]+]]
// CHECK:        ^[[FAIL1]]:
// CHECK-NEXT:     %[[K1:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT:     llvm.return %[[K1]] : i32
// CHECK-NEXT:   ^[[FAIL2]]:
// CHECK-NEXT:     %[[K2:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT:     llvm.return %[[K2]] : i32
// CHECK-NEXT:   ^[[FAIL3]]:
// CHECK-NEXT:     %[[K3:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT:     llvm.return %[[K3]] : i32
// CHECK-NEXT:   }
// CHECK-NOT:  cf.
