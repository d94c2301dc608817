# RUN: %python %s | filecheck %s
# Work in the step that depends only on non-sequences (W * 2, b.sum()) is
# computed once before the loop; the loop body keeps what depends on the step.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

X, W, b = pt.dmatrix("X"), pt.dmatrix("W"), pt.dvector("b")
out, _ = pytensor.scan(lambda x, W, b: x @ (W * 2) + b.sum(), sequences=[X], non_sequences=[W, b])
print_stage([X, W, b], [out], "emit")

# CHECK-LABEL: func.func @main
# CHECK: "sj.map"(%W
# CHECK: arith.mulf
# CHECK: "sj.reduce"(%b)
# CHECK: scf.for
# CHECK: "sj.row"(%X
# CHECK: "sj.dot"
# CHECK-NOT: "sj.reduce"
# CHECK: scf.yield
