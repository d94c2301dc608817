// RUN: scanjit-opt %s -p bufferize | filecheck %s

// An scf.if yielding tensors yields buffers. The then-region's fresh tensor
// is yielded as it is; the else-region yields an argument (read-only), so a
// copy. The scf.if's buffer is freed after its last use.
func.func @fresh_or_copy(%c: i1, %n: index, %x: tensor<?xf64>, %v: f64, %i: index) -> f64 {
  %r = scf.if %c -> (tensor<?xf64>) {
    %e = tensor.empty(%n) : tensor<?xf64>
    %t = tensor.insert %v into %e[%i] : tensor<?xf64>
    scf.yield %t : tensor<?xf64>
  } else {
    scf.yield %x : tensor<?xf64>
  }
  %s = tensor.extract %r[%i] : tensor<?xf64>
  func.return %s : f64
}

// CHECK-LABEL: func.func @fresh_or_copy
// CHECK:         %r = scf.if %c -> (memref<?xf64>) {
// CHECK:           %e = memref.alloc(%n) : memref<?xf64>
// CHECK:           memref.store %v, %e[%i] : memref<?xf64>
// CHECK-NEXT:      scf.yield %e : memref<?xf64>
// CHECK-NEXT:    } else {
// CHECK:           %[[COPY:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:           "memref.copy"(%x, %[[COPY]]) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:      scf.yield %[[COPY]] : memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    %s = memref.load %r[%i] : memref<?xf64>
// CHECK-NEXT:    memref.dealloc %r : memref<?xf64>
// CHECK-NEXT:    func.return %s : f64

// One buffer yielded twice: the second is a copy. Returned, the scf.if's
// buffers are the caller's (no dealloc); a tensor defined before the scf.if
// and read in it is written in place only after it.
func.func @twice(%c: i1, %n: index, %v: f64, %i: index) -> (tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) {
  %e = tensor.empty(%n) : tensor<?xf64>
  %r:2 = scf.if %c -> (tensor<?xf64>, tensor<?xf64>) {
    %f = tensor.empty(%n) : tensor<?xf64>
    scf.yield %f, %f : tensor<?xf64>, tensor<?xf64>
  } else {
    %s = tensor.extract %e[%i] : tensor<?xf64>
    %g = tensor.empty(%n) : tensor<?xf64>
    %h = tensor.insert %s into %g[%i] : tensor<?xf64>
    scf.yield %h, %h : tensor<?xf64>, tensor<?xf64>
  }
  %w = tensor.insert %v into %e[%i] : tensor<?xf64>
  func.return %r#0, %r#1, %w : tensor<?xf64>, tensor<?xf64>, tensor<?xf64>
}

// CHECK-LABEL: func.func @twice
// CHECK:         %e = memref.alloc(%n) : memref<?xf64>
// CHECK:         %r, %r_1 = scf.if %c -> (memref<?xf64>, memref<?xf64>) {
// CHECK:           %f = memref.alloc(%n) : memref<?xf64>
// CHECK:           %[[COPY:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:           "memref.copy"(%f, %[[COPY]]) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:      scf.yield %f, %[[COPY]] : memref<?xf64>, memref<?xf64>
// CHECK-NEXT:    } else {
// CHECK:           %s = memref.load %e[%i] : memref<?xf64>
// CHECK:           %g = memref.alloc(%n) : memref<?xf64>
// CHECK:           memref.store %s, %g[%i] : memref<?xf64>
// CHECK:           %[[COPY2:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:           "memref.copy"(%g, %[[COPY2]]) : (memref<?xf64>, memref<?xf64>) -> ()
// CHECK-NEXT:      scf.yield %g, %[[COPY2]] : memref<?xf64>, memref<?xf64>
// CHECK-NEXT:    }
// CHECK-NEXT:    memref.store %v, %e[%i] : memref<?xf64>
// CHECK-NEXT:    func.return %r, %r_1, %e : memref<?xf64>, memref<?xf64>, memref<?xf64>
