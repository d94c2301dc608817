// RUN: scanjit-opt %s -p free-on-error | filecheck %s

// Checks before, between and after allocations: each frees what is live
// there (its `frees`), latest first; a freed buffer is no longer live, a
// returned one is.
func.func @straight(%n: index, %a: i1, %b: i1, %c: i1, %d: i1) -> memref<?xf64> {
  sj.check %a, "ValueError: before"
  %t = memref.alloc(%n) : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  sj.check %b, "ValueError: both"
  memref.dealloc %t : memref<?xf64>
  sj.check %c, "ValueError: after a dealloc"
  %u = memref.alloc(%n) : memref<?xf64>
  memref.dealloc %u : memref<?xf64>
  sj.check %d, "ValueError: at the end"
  func.return %out : memref<?xf64>
}

// CHECK-LABEL: func.func @straight(
// CHECK-NEXT:    sj.check %a, "ValueError: before"{{$}}
// CHECK-NEXT:    %t = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    %out = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    sj.check %b, "ValueError: both" frees(%out, %t : memref<?xf64>, memref<?xf64>)
// CHECK-NEXT:    memref.dealloc %t : memref<?xf64>
// CHECK-NEXT:    sj.check %c, "ValueError: after a dealloc" frees(%out : memref<?xf64>)
// CHECK-NEXT:    %u = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    memref.dealloc %u : memref<?xf64>
// CHECK-NEXT:    sj.check %d, "ValueError: at the end" frees(%out : memref<?xf64>)
// CHECK-NEXT:    func.return %out : memref<?xf64>

// Checks in a loop, in a nested loop and after the loops: the buffers of the
// enclosing blocks allocated before the loop holding the check and freed
// after it are live in it, and so are the step's own allocations before the
// check; those of the step are gone after the loop.
func.func @loops(%n: index, %m: index, %a: i1, %b: i1, %c: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %before = memref.alloc(%n) : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %step = memref.alloc(%i) : memref<?xf64>
    scf.for %j = %c0 to %m step %c1 {
      %inner = memref.alloc(%j) : memref<?xf64>
      sj.check %a, "IndexError: in the inner loop"
      memref.dealloc %inner : memref<?xf64>
    }
    sj.check %b, "IndexError: in the outer loop"
    memref.dealloc %step : memref<?xf64>
  }
  %later = memref.alloc(%n) : memref<?xf64>
  memref.dealloc %before : memref<?xf64>
  sj.check %c, "ValueError: after the loops"
  memref.dealloc %later : memref<?xf64>
  func.return
}

// CHECK-LABEL: func.func @loops(
// CHECK:         %before = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    scf.for %i = %c0 to %n step %c1 {
// CHECK-NEXT:      %step = memref.alloc(%i) : memref<?xf64>
// CHECK-NEXT:      scf.for %j = %c0 to %m step %c1 {
// CHECK-NEXT:        %inner = memref.alloc(%j) : memref<?xf64>
// CHECK-NEXT:        sj.check %a, "IndexError: in the inner loop" frees(%inner, %step, %before : memref<?xf64>, memref<?xf64>, memref<?xf64>)
// CHECK-NEXT:        memref.dealloc %inner : memref<?xf64>
// CHECK-NEXT:      }
// CHECK-NEXT:      sj.check %b, "IndexError: in the outer loop" frees(%step, %before : memref<?xf64>, memref<?xf64>)
// CHECK-NEXT:      memref.dealloc %step : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    %later = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    memref.dealloc %before : memref<?xf64>
// CHECK-NEXT:    sj.check %c, "ValueError: after the loops" frees(%later : memref<?xf64>)

// A scan with `until`: checks in the condition region and in the body of an
// scf.while, which returns a buffer allocated before it.
func.func @until(%n: index, %a: i1, %b: i1) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %out = memref.alloc(%n) : memref<?xf64>
  %last = scf.while (%i = %c0) : (index) -> index {
    %more = arith.cmpi slt, %i, %n : index
    sj.check %a, "IndexError: in the condition"
    scf.condition(%more) %i : index
  } do {
  ^bb0(%i: index):
    %tmp = memref.alloc(%n) : memref<?xf64>
    sj.check %b, "IndexError: in the body"
    memref.dealloc %tmp : memref<?xf64>
    %next = arith.addi %i, %c1 : index
    scf.yield %next : index
  }
  func.return %out : memref<?xf64>
}

// CHECK-LABEL: func.func @until(
// CHECK:         %out = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:    %last = scf.while (%i = %c0) : (index) -> index {
// CHECK-NEXT:      %more = arith.cmpi slt, %i, %n : index
// CHECK-NEXT:      sj.check %a, "IndexError: in the condition" frees(%out : memref<?xf64>)
// CHECK:         } do {
// CHECK-NEXT:    ^{{.*}}(%{{.*}}: index):
// CHECK-NEXT:      %tmp = memref.alloc(%n) : memref<?xf64>
// CHECK-NEXT:      sj.check %b, "IndexError: in the body" frees(%tmp, %out : memref<?xf64>, memref<?xf64>)

// Parallel loops: a failed part makes the caller free the buffers live at
// the sj.parallel_for (its `frees`), and only those; a part (an outlined
// function) frees only what it allocated, never its arguments.
func.func @parallel(%x: memref<?xf64>, %n: index, %ok: i1) -> memref<?xf64> {
  %c0 = arith.constant 0 : index
  %tmp = memref.alloc(%n) : memref<?xf64>
  memref.dealloc %tmp : memref<?xf64>
  %out = memref.alloc(%n) : memref<?xf64>
  %scratch = memref.alloc(%n) : memref<?xf64>
  sj.parallel_for @parallel_loop0(%c0, %n) grain %n captures(%x, %out) : memref<?xf64>, memref<?xf64>
  memref.dealloc %scratch : memref<?xf64>
  sj.parallel_for @parallel_loop0(%c0, %n) grain %n captures(%x, %out) : memref<?xf64>, memref<?xf64>
  func.return %out : memref<?xf64>
}

func.func private @parallel_loop0(%lo: index, %hi: index, %x: memref<?xf64>, %out: memref<?xf64>) {
  %row = memref.alloc(%hi) : memref<?xf64>
  %address = "memref.extract_aligned_pointer_as_index"(%row) : (memref<?xf64>) -> index
  %c0 = arith.constant 0 : index
  %allocated = arith.cmpi ne, %address, %c0 : index
  sj.check %allocated, "MemoryError: cannot allocate a buffer of type memref<?xf64>"
  memref.dealloc %row : memref<?xf64>
  func.return
}

// CHECK-LABEL: func.func @parallel(
// CHECK:         sj.parallel_for @parallel_loop0(%c0, %n) grain %n captures(%x, %out) frees(%scratch, %out : memref<?xf64>, memref<?xf64>) : memref<?xf64>, memref<?xf64>
// CHECK-NEXT:    memref.dealloc %scratch : memref<?xf64>
// CHECK-NEXT:    sj.parallel_for @parallel_loop0(%c0, %n) grain %n captures(%x, %out) frees(%out : memref<?xf64>) : memref<?xf64>, memref<?xf64>
// CHECK-LABEL: func.func private @parallel_loop0(
// CHECK:         %allocated = arith.cmpi ne, %address, %c0 : index
// CHECK-NEXT:    sj.check %allocated, "MemoryError: cannot allocate a buffer of type memref<?xf64>" frees(%row : memref<?xf64>)

// Nothing is live: checks stay as they are, and so does an sj.parallel_for.
func.func @nothing_live(%x: memref<?xf64>, %n: index, %a: i1) {
  %c0 = arith.constant 0 : index
  sj.check %a, "ValueError: no buffer yet"
  sj.parallel_for @parallel_loop0(%c0, %n) grain %n captures(%x, %x) : memref<?xf64>, memref<?xf64>
  func.return
}

// CHECK-LABEL: func.func @nothing_live(
// CHECK-NEXT:    %c0 = arith.constant 0 : index
// CHECK-NEXT:    sj.check %a, "ValueError: no buffer yet"{{$}}
// CHECK-NEXT:    sj.parallel_for @parallel_loop0(%c0, %n) grain %n captures(%x, %x) : memref<?xf64>, memref<?xf64>
// CHECK-NEXT:    func.return
