// RUN: scanjit-opt %s -p convert-sj-to-loops | filecheck %s

// A row of a tensor that a product reads (`scanjit_gemm_*`) is not copied:
// it stays an `sj.row`, one right before each product (bufferize passes the
// row of the buffer where it lies). A row a product writes into, or that
// another call reads, or a row of a view, is still copied out.
func.func @product_rows(%x: tensor<?x?x?xf64>, %w: tensor<?x?xf64>, %t: index, %m: i64, %n: i64, %k: i64,
                        %no: i64) -> (tensor<?x?xf64>, tensor<?x?xf64>, tensor<?x?xf64>) {
  %row = "sj.row"(%x, %t) : (tensor<?x?x?xf64>, index) -> tensor<?x?xf64>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = tensor.dim %row, %c0 : tensor<?x?xf64>
  %cols = tensor.dim %w, %c1 : tensor<?x?xf64>
  %e1 = tensor.empty(%rows, %cols) : tensor<?x?xf64>
  %p1 = "sj.call"(%row, %w, %e1, %m, %n, %k, %no) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}> : (tensor<?x?xf64>, tensor<?x?xf64>, tensor<?x?xf64>, i64, i64, i64, i64) -> tensor<?x?xf64>
  %e2 = tensor.empty(%rows, %cols) : tensor<?x?xf64>
  %p2 = "sj.call"(%row, %w, %e2, %m, %n, %k, %no) <{callee = "scanjit_gemm_f64", writes = array<i64: 2>}> : (tensor<?x?xf64>, tensor<?x?xf64>, tensor<?x?xf64>, i64, i64, i64, i64) -> tensor<?x?xf64>
  %p3 = "sj.call"(%row) <{callee = "other", writes = array<i64: 0>}> : (tensor<?x?xf64>) -> tensor<?x?xf64>
  func.return %p1, %p2, %p3 : tensor<?x?xf64>, tensor<?x?xf64>, tensor<?x?xf64>
}

// CHECK-LABEL: func.func @product_rows
// The row another call writes is copied (a loop nest into a new tensor).
// CHECK:         %[[COPY:.*]] = scf.for
// CHECK:           tensor.extract %x[%t, %{{.*}}, %{{.*}}] : tensor<?x?x?xf64>
// CHECK:         %[[R1:.*]] = "sj.row"(%x, %t) : (tensor<?x?x?xf64>, index) -> tensor<?x?xf64>
// CHECK-NEXT:    %p1 = "sj.call"(%[[R1]], %w, %e1,
// CHECK:         %[[R2:.*]] = "sj.row"(%x, %t) : (tensor<?x?x?xf64>, index) -> tensor<?x?xf64>
// CHECK-NEXT:    %p2 = "sj.call"(%[[R2]], %w, %e2,
// CHECK-NEXT:    %p3 = "sj.call"(%[[COPY]]) <{callee = "other"
