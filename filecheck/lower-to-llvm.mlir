// RUN: scanjit-opt %s -p convert-scf-while-to-cf,convert-scf-to-cf,convert-func-to-llvm,convert-cf-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,convert-memref-to-llvm,reconcile-unrealized-casts | filecheck %s
// RUN: scanjit-opt %s -p convert-scf-while-to-cf,convert-scf-to-cf,convert-func-to-llvm,convert-cf-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,convert-memref-to-llvm,reconcile-unrealized-casts -t llvm | filecheck %s --check-prefix=IR
// RUN: scanjit-opt %s -p convert-scf-while-to-cf,convert-scf-to-cf,convert-func-to-llvm,convert-cf-to-llvm,convert-arith-to-llvm,convert-math-to-llvm,convert-memref-to-llvm,reconcile-unrealized-casts --emit llvm-ir | filecheck %s --check-prefix=JIT

// y[i] = exp(x[i]) for a 1-d buffer, with a bounds check on %n.
func.func @expm(%x: memref<?xf64>, %n: index) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %len = memref.dim %x, %c0 : memref<?xf64>
  %ok = arith.cmpi ule, %n, %len : index
  sj.check %ok, "IndexError: n out of range for x"
  %y = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf64>
    %e = math.exp %v : f64
    memref.store %e, %y[%i] : memref<?xf64>
  }
  func.return %y : memref<?xf64>
}

// CHECK:      builtin.module attributes {scanjit.errors = ["IndexError: n out of range for x"]} {
// CHECK-NEXT:   llvm.func internal @expm_impl(%x: !llvm.ptr {llvm.noalias}, %[[LEN:.*]]: i64, %n: i64, %[[RES:.*]]: !llvm.ptr {llvm.noalias}) -> i32 attributes {scanjit.results_array} {
// The data pointer of %x is extracted once, before the loop.
// CHECK:          %[[XP:.*]] = llvm.extractvalue %{{.*}}[0] : !llvm.struct<(!llvm.ptr, i64)>
// CHECK:          %ok = llvm.icmp "ule" %n, %{{.*}} : i64
// CHECK-NEXT:     llvm.cond_br %ok, ^[[OK:bb[0-9]+]], ^[[FAIL:bb[0-9]+]]
// CHECK-NEXT:   ^[[OK]]:
// CHECK:          %{{.*}} = llvm.call @scanjit_alloc(%{{.*}}) : (i64) -> !llvm.ptr
// CHECK:          llvm.br ^[[HEAD:bb[0-9]+]](%{{.*}} : i64)
// CHECK-NEXT:   ^[[HEAD]](%i: i64):
// CHECK-NEXT:     %[[GO:.*]] = llvm.icmp "slt" %i, %n : i64
// CHECK-NEXT:     llvm.cond_br %[[GO]], ^[[BODY:bb[0-9]+]], ^[[EXIT:bb[0-9]+]]
// CHECK-NEXT:   ^[[BODY]]:
// CHECK-NEXT:     %[[SRC:.*]] = llvm.getelementptr inbounds %[[XP]][%i] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:     %v = llvm.load %[[SRC]] : !llvm.ptr -> f64
// CHECK-NEXT:     %e = llvm.call_intrinsic "llvm.exp.f64"(%v) : (f64) -> f64
// CHECK:          %[[DST:.*]] = llvm.getelementptr inbounds %{{.*}}[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f64
// CHECK-NEXT:     llvm.store %e, %[[DST]] : f64, !llvm.ptr
// CHECK-NEXT:     %[[NEXT:.*]] = llvm.add %i, %{{.*}} : i64
// CHECK-NEXT:     llvm.br ^[[HEAD]](%[[NEXT]] : i64)
// CHECK-NEXT:   ^[[EXIT]]:
// CHECK:          llvm.return %{{.*}} : i32
// CHECK-NEXT:   ^[[FAIL]]:
// CHECK-NEXT:     %[[CODE:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT:     llvm.return %[[CODE]] : i32
// CHECK-NEXT:   }
// CHECK-NEXT:   llvm.func @expm(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32 {
// CHECK:        llvm.func @scanjit_alloc(i64) -> !llvm.ptr attributes {scanjit.fresh_result}
// CHECK-NOT:    builtin.unrealized_conversion_cast
// CHECK-NOT:    index

// IR:      define i32 @"expm_impl"(ptr noalias %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, ptr noalias %{{.*}})
// IR:        getelementptr inbounds double, ptr %{{.*}}, i64 %{{.*}}
// IR:        call double @"llvm.exp.f64"(double %{{.*}})
// IR:        ret i32 0
// IR:        ret i32 1
// IR:      define i32 @"expm"(ptr %{{.*}}, ptr %{{.*}})
// IR:      declare ptr @"scanjit_alloc"(i64 %{{.*}})

// What the JIT gives LLVM marks the allocator's result noalias, so LLVM needs
// no overlap checks between a fresh buffer and the others.
// JIT:     define internal i32 @"expm_impl"(
// JIT:     declare noalias ptr @"scanjit_alloc"(i64 %{{.*}})
