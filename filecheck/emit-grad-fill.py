# RUN: %python %s | filecheck %s
# A product's gradient under a sum is the other factor, not a loop
# multiplying it by a fill of ones: `second(x * y, y)` (y broadcast to the
# product's shape), which is y itself when y is not broadcast, after the
# check of the lengths (the product still needs x, whose length is checked).
# An exp's gradient under a sum over an axis multiplies the broadcast
# gradient by exp(x), not a fill of exp(x)'s shape with it.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

x, y = pt.dmatrix("x"), pt.dmatrix("y")
print_stage([x, y], [pytensor.grad((x * y).sum(), x)], "emit")
print_stage([x], [pytensor.grad(pt.log(pt.exp(x).sum(axis=1)).sum(), x)], "emit")

# CHECK-LABEL: func.func @main(%x: tensor<?x?xf64>, %y: tensor<?x?xf64>)
# CHECK: sj.check %{{[0-9]+}}, "ValueError: shape mismatch in Elemwise{mul} along axis 0: 'x' has shape
# CHECK: sj.check %{{[0-9]+}}, "ValueError: shape mismatch in Elemwise{mul} along axis 1: 'x' has shape
# CHECK-NOT: sj.map
# CHECK-NOT: sj.fill
# CHECK: func.return %y

# CHECK-LABEL: func.func @main(%x: tensor<?x?xf64>)
# CHECK: %[[EXP:[0-9]+]] = "sj.map"(%x)
# CHECK: math.exp
# CHECK: %[[SCALE:[0-9]+]] = "sj.dimshuffle"
# CHECK-NOT: "sj.map"(%[[EXP]], %[[SCALE]])
# CHECK: "sj.map"(%[[SCALE]], %[[EXP]])
# CHECK: arith.mulf
# CHECK-NEXT: "sj.yield"
