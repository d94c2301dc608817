// RUN: scanjit-opt %s -p bufferize | filecheck %s

// A call writing one row (`row`, from convert-sj-to-loops' ProductIntoRow)
// is given that row of its buffer where it lies (`sj.buffer_row`), not the
// index: in place in the ring a loop carries, since the product reads the
// other row.
func.func @row_in_place(%init: tensor<?x?xf64>, %u: tensor<?x?xf64>, %steps: index, %m: i64, %n: i64, %k: i64)
    -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %rows = tensor.dim %init, %c0 : tensor<?x?xf64>
  %cols = tensor.dim %init, %c1 : tensor<?x?xf64>
  %e = tensor.empty(%rows, %cols) : tensor<?x?xf64>
  %out = scf.for %t = %c0 to %steps step %c1 iter_args(%ring = %e) -> (tensor<?x?xf64>) {
    %r = arith.remsi %t, %c2 : index
    %t1 = arith.addi %t, %c1 : index
    %w = arith.remsi %t1, %c2 : index
    %prev = "sj.row"(%ring, %r) : (tensor<?x?xf64>, index) -> tensor<?xf64>
    %s = "sj.call"(%prev, %u, %ring, %m, %n, %k, %w) <{callee = "scanjit_dot_f64", writes = array<i64: 2>, row = 6 : i64}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?x?xf64>, i64, i64, i64, index) -> tensor<?x?xf64>
    scf.yield %s : tensor<?x?xf64>
  }
  func.return %out : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @row_in_place
// CHECK:         %[[E:.*]] = memref.alloc(%rows, %cols) : memref<?x?xf64>
// CHECK-NOT:     memref.alloc
// CHECK:         scf.for %t =
// CHECK:           %prev = "sj.buffer_row"(%[[E]], %r) : (memref<?x?xf64>, index) -> memref<?xf64>
// CHECK-NEXT:      %[[ROW:.*]] = "sj.buffer_row"(%[[E]], %w) : (memref<?x?xf64>, index) -> memref<?xf64>
// CHECK-NEXT:      func.call @scanjit_dot_f64(%prev, %u, %[[ROW]], %m, %n, %k) : (memref<?xf64>, memref<?x?xf64>, memref<?xf64>, i64, i64, i64) -> ()
// CHECK-NEXT:    }
// CHECK-NEXT:    func.return %[[E]]

// When the call reads the row it writes, its buffer is a copy: BLAS never
// reads the memory it writes.
func.func @reads_its_row(%init: tensor<?x?xf64>, %u: tensor<?x?xf64>, %t: index, %v: f64, %m: i64, %n: i64, %k: i64)
    -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = tensor.dim %init, %c0 : tensor<?x?xf64>
  %cols = tensor.dim %init, %c1 : tensor<?x?xf64>
  %e = tensor.empty(%rows, %cols) : tensor<?x?xf64>
  %full = tensor.insert %v into %e[%c0, %c0] : tensor<?x?xf64>
  %prev = "sj.row"(%full, %t) : (tensor<?x?xf64>, index) -> tensor<?xf64>
  %s = "sj.call"(%prev, %u, %full, %m, %n, %k, %t) <{callee = "scanjit_dot_f64", writes = array<i64: 2>, row = 6 : i64}> : (tensor<?xf64>, tensor<?x?xf64>, tensor<?x?xf64>, i64, i64, i64, index) -> tensor<?x?xf64>
  func.return %s : tensor<?x?xf64>
}

// CHECK-LABEL: func.func @reads_its_row
// CHECK:         %[[E:.*]] = memref.alloc(%rows, %cols) : memref<?x?xf64>
// CHECK:         memref.store %v, %[[E]][%c0, %c0]
// CHECK:         %prev = "sj.buffer_row"(%[[E]], %t)
// CHECK:         %[[COPY:.*]] = memref.alloc
// CHECK:         "memref.copy"(%[[E]], %[[COPY]])
// CHECK-NEXT:    %[[ROW:.*]] = "sj.buffer_row"(%[[COPY]], %t)
// CHECK-NEXT:    func.call @scanjit_dot_f64(%prev, %u, %[[ROW]], %m, %n, %k)

// The callee is declared as taking the row (no index).
// CHECK:     func.func private @scanjit_dot_f64(memref<?xf64>, memref<?x?xf64>, memref<?xf64>, i64, i64, i64)
