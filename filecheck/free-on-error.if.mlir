// RUN: scanjit-opt %s -p free-on-error | filecheck %s

// A check in a branch frees what is live outside and what the branch
// allocated; after the scf.if, its buffer is live (an allocation of each
// region, owned by the scf.if's result) until its dealloc.
func.func @branches(%n: index, %c: i1, %a: i1, %b: i1, %d: i1) -> f64 {
  %outer = memref.alloc(%n) : memref<?xf64>
  %r = scf.if %c -> (memref<?xf64>) {
    %t = memref.alloc(%n) : memref<?xf64>
    sj.check %a, "ValueError: in the branch"
    scf.yield %t : memref<?xf64>
  } else {
    scf.yield %outer : memref<?xf64>
  }
  memref.dealloc %outer : memref<?xf64>
  sj.check %b, "ValueError: after"
  %i = arith.constant 0 : index
  %v = memref.load %r[%i] : memref<?xf64>
  memref.dealloc %r : memref<?xf64>
  sj.check %d, "ValueError: freed"
  func.return %v : f64
}

// CHECK-LABEL: func.func @branches
// CHECK:           %t = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:      sj.check %a, "ValueError: in the branch" frees(%t, %outer : memref<?xf64>, memref<?xf64>)
// CHECK:         memref.dealloc %outer : memref<?xf64>
// CHECK-NEXT:    sj.check %b, "ValueError: after" frees(%r : memref<?xf64>)
// CHECK:         memref.dealloc %r : memref<?xf64>
// CHECK-NEXT:    sj.check %d, "ValueError: freed"{{$}}
