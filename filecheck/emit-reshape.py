# RUN: %python %s | filecheck %s
# A reshape is a view of its operand's row-major buffer, never a copy loop
# with a divide and a remainder per element: its axes merged into one
# (tensor.collapse_shape), then split as asked (tensor.expand_shape), after
# the check of its lengths; bufferized to memref views. A view operand
# (here a transposed stack) is stored first, by convert-sj-to-loops.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit.tensor as pt
from print_stage import print_stage

x = pt.dtensor3("x")
print_stage([x], [x.reshape((-1, x.shape[2]))], "emit")
print_stage([x], [x.dimshuffle(2, 0, 1).reshape((x.shape[2], -1))], "bufferize")

# CHECK-LABEL: func.func @main(%x: tensor<?x?x?xf64>)
# CHECK-NOT: scf.for
# CHECK-NOT: arith.remui
# CHECK: sj.check %{{[0-9]+}}, "ValueError: cannot reshape 'x' of size $0 into shape ($1, $2)"
# CHECK-NEXT: %[[FLAT:[0-9]+]] = tensor.collapse_shape %x {{\[}}[0 : i64, 1 : i64, 2 : i64]] : tensor<?x?x?xf64> into tensor<?xf64>
# CHECK-NEXT: %[[OUT:[0-9]+]] = tensor.expand_shape %[[FLAT]] {{\[}}[0 : i64, 1 : i64]] output_shape [%{{[0-9]+}}, %{{[0-9]+}}] : tensor<?xf64> into tensor<?x?xf64>
# CHECK-NEXT: func.return %[[OUT]]

# CHECK-LABEL: func.func @main(%x: memref<?x?x?xf64>)
# CHECK: %[[STORED:[0-9]+]] = memref.alloc
# CHECK: memref.load %x[%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}]
# CHECK-NEXT: memref.store %{{[0-9]+}}, %[[STORED]]
# CHECK-NOT: arith.remui
# CHECK: %[[FLAT:[0-9]+]] = memref.collapse_shape %[[STORED]]
# CHECK-NEXT: memref.expand_shape %[[FLAT]]
