# RUN: %python %s | filecheck %s
# A join along an axis other than the first copies each part's elements into
# its block of a result laid out as itself (row-major; no transposed buffer
# read through views), one loop nest per part; a map read only by the join
# is computed in its block (bufferize: tanh inside the copy loop).
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit.tensor as pt
from print_stage import print_stage

x, y = pt.dmatrix("x"), pt.dmatrix("y")
joined = pt.concatenate([x, pt.tanh(y)], axis=1)
print_stage([x, y], [joined], "emit")
print_stage([x, y], [joined], "bufferize")

# CHECK-LABEL: func.func @main(%x: tensor<?x?xf64>, %y: tensor<?x?xf64>)
# CHECK: %[[TANH:[0-9]+]] = "sj.map"(%y)
# CHECK: tensor.dim %x
# CHECK-NEXT: %[[XCOLS:[0-9]+]] = tensor.dim %x
# CHECK: sj.check %{{[0-9]+}}, "ValueError: join along axis 1: 'x' has shape
# CHECK: %[[COLS:[0-9]+]] = arith.addi %[[XCOLS]], %{{[0-9]+}}
# CHECK: %[[EMPTY:[0-9]+]] = tensor.empty(%{{[0-9]+}}, %[[COLS]]) : tensor<?x?xf64>
# CHECK-NOT: sj.dimshuffle
# CHECK: tensor.extract %x[%[[I:[0-9]+]], %[[J:[0-9]+]]]
# CHECK-NEXT: tensor.insert %{{[0-9]+}} into %{{[0-9]+}}[%[[I]], %[[J]]]
# CHECK: %[[AT:[0-9]+]] = arith.addi %[[XCOLS]], %[[K:[0-9]+]] : index
# CHECK-NEXT: tensor.extract %[[TANH]][%[[R:[0-9]+]], %[[K]]]
# CHECK-NEXT: tensor.insert %{{[0-9]+}} into %{{[0-9]+}}[%[[R]], %[[AT]]]
# CHECK-NOT: sj.dimshuffle
# CHECK: func.return

# CHECK-LABEL: func.func @main(%x: memref<?x?xf64>, %y: memref<?x?xf64>)
# CHECK: %[[OUT:[0-9]+]] = memref.alloc(%{{[0-9]+}}, %{{[0-9]+}}) : memref<?x?xf64>
# CHECK: memref.load %x[%[[I2:[0-9]+]], %[[J2:[0-9]+]]]
# CHECK-NEXT: memref.store %{{[0-9]+}}, %[[OUT]][%[[I2]], %[[J2]]]
# CHECK: memref.load %y
# CHECK-NEXT: math.tanh
# CHECK-NEXT: memref.store %{{[0-9]+}}, %[[OUT]]
# CHECK-NOT: memref.alloc
# CHECK: func.return %[[OUT]]
