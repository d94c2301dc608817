# RUN: %python %s | filecheck %s
# The gradient of a scan, emitted without copies of the forward's rows: the
# backward loop reads the forward loop's storage (the initial state, then a
# row per step) in place, backwards, rather than a flipped slice of a join of
# the initial state and the stack; the cost's gradient, a sum's constant,
# is a constant in the step, not a filled sequence.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

x, h0, w = pt.dmatrix("x"), pt.dvector("h0"), pt.dscalar("w")
h = pytensor.scan(lambda xt, h, w: pt.tanh(h * w + xt), sequences=[x], outputs_info=[h0], non_sequences=[w],
                  return_updates=False)
print_stage([x, h0, w], [pytensor.grad(h.sum(), w)], "emit")

# CHECK-LABEL: func.func @main
# CHECK: %[[FORWARD:[0-9]+]] = scf.for
# CHECK-NOT: sj.slice
# CHECK-NOT: sj.fill
# CHECK: scf.for %[[T:[0-9]+]] = %{{[0-9]+}} to
# CHECK: arith.subi %{{[0-9]+}}, %[[T]] : index
# CHECK: "sj.row"(%[[FORWARD]], %{{[0-9]+}})
# CHECK: arith.subi %{{[0-9]+}}, %[[T]] : index
# CHECK: %[[OUT:[0-9]+]] = "sj.row"(%[[FORWARD]], %{{[0-9]+}})
# CHECK: %[[ONE:[0-9]+]] = arith.constant 1.000000e+00 : f64
# CHECK-NEXT: "sj.map"(%[[OUT]], %[[ONE]])
