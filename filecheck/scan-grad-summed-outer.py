# RUN: %python %s | filecheck %s
# The gradient of a loop invariant W read by a batched product x_t·W is
# the sum over the steps of x_tᵀ dz_t, pushed out of the backward loop:
# one product contracting the steps and batch axes of the stacked rows
# (sj.dot with contract = 2), not a reshape of each stack (its length
# check and divide) into a matrix first.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

x, h0, w = pt.dtensor3("x"), pt.dmatrix("h0"), pt.dmatrix("w")
h = pytensor.scan(lambda xt, h, w: pt.tanh(pt.dot(xt, w) + h), sequences=[x], outputs_info=[h0],
                  non_sequences=[w], return_updates=False)
print_stage([x, h0, w], [pytensor.grad(h.sum(), w)], "emit")

# CHECK-LABEL: func.func @main
# CHECK: scf.for
# CHECK: scf.for
# CHECK-NOT: cannot reshape
# CHECK-NOT: tensor.collapse_shape
# CHECK: "sj.dot"(%{{[0-9]+}}, %{{[0-9]+}}) <{contract = 2 : i64}> : (tensor<?x?x?xf64>, tensor<?x?x?xf64>) -> tensor<?x?xf64>
# CHECK-NOT: sj.dot
# CHECK: func.return
