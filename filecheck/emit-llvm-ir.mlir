// RUN: scanjit-opt %s -p scanjit-lower --emit llvm-ir | filecheck %s
// RUN: scanjit-opt %s -p scanjit-lower --emit llvm-ir-opt | filecheck %s --check-prefix=OPT
// RUN: scanjit-opt %s -p scanjit-lower --emit asm | filecheck %s --check-prefix=ASM
// RUN: not scanjit-opt %s --emit llvm-ir 2>&1 | filecheck %s --check-prefix=ERR

// f(x, y) = x * y + 1 on f64 scalars.
func.func @main(%x: f64, %y: f64) -> f64 {
  %one = arith.constant 1.0 : f64
  %p = arith.mulf %x, %y : f64
  %s = arith.addf %p, %one : f64
  func.return %s : f64
}

// The body keeps internal linkage; @main is the C ABI wrapper (one array object per argument, result slots).
// CHECK:      define internal i32 @"main_impl"(double %{{.*}}, double %{{.*}}, ptr noalias %[[RES:.*]])
// CHECK:        %[[P:.*]] = fmul double
// CHECK-NEXT:   %[[S:.*]] = fadd double %[[P]], 0x3ff0000000000000
// CHECK:        store double %[[S]], ptr %{{.*}}, align 8
// CHECK:        ret i32 0
// CHECK:      define i32 @"main"(ptr %{{.*}}, ptr %{{.*}})
// CHECK:        call ccc i32 @"main_impl"(

// O3 inlines the body into the wrapper.
// OPT:        define{{.*}} i32 @main(ptr
// OPT-NOT:    call
// OPT:        fmul double
// OPT:        ret i32 0

// ASM:        .globl main
// ASM:      main:
// ASM:        ret

// ERR: scanjit-opt: error: --emit llvm-ir needs a module in the llvm dialect, found 'func.func' (add -p scanjit-lower?)
