# RUN: %python %s | filecheck %s
# The emitter builds a pure scalar op once per block (the index 0, x's
# length), reused in the blocks it dominates (a scan's step) and never out
# of them (the step's own values); reads a length known by construction
# from its source (x * y has x's length: checked equal before), so the
# check of x * y against x compares a value with itself and is not emitted,
# nor one of a condition already checked; `true and c` is c.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit
import scanjit.tensor as pt
from print_stage import print_stage

x, y = pt.dvector("x"), pt.dvector("y")
z = x * y
print_stage([x, y], [z + x, (z * y).T], "emit")

X = pt.dmatrix("X")
out, _ = scanjit.scan(lambda row, h: h + row * row[0], sequences=[X], outputs_info=[x])
print_stage([X, x], [out], "emit")

# CHECK-LABEL: func.func @main(%x: tensor<?xf64>, %y: tensor<?xf64>)
# CHECK-NEXT: %[[ZERO:[0-9]+]] = arith.constant 0 : index
# CHECK-NEXT: %[[NX:[0-9]+]] = tensor.dim %x, %[[ZERO]]
# CHECK-NEXT: %[[NY:[0-9]+]] = tensor.dim %y, %[[ZERO]]
# CHECK-NEXT: %[[SAME:[0-9]+]] = arith.cmpi eq, %[[NX]], %[[NY]] : index
# CHECK-NEXT: sj.check %[[SAME]], "ValueError: shape mismatch in Elemwise{mul}
# CHECK-NOT: arith.constant 0 : index
# CHECK-NOT: tensor.dim
# CHECK-NOT: arith.cmpi
# CHECK-NOT: sj.check
# CHECK: func.return

# CHECK-LABEL: func.func @main(%X: tensor<?x?xf64>, %x: tensor<?xf64>)
# CHECK: %[[ZERO:[0-9]+]] = arith.constant 0 : index
# CHECK: scf.for %[[T:[0-9]+]] = %[[ZERO]] to
# CHECK-NOT: arith.constant 0 : index
# CHECK: %[[ROW:[0-9]+]] = "sj.row"(%X, %[[T]])
# The index check's condition `true and 0 < n` is `0 < n`.
# CHECK-NOT: arith.andi
# CHECK: tensor.extract %[[ROW]][%[[ZERO]]]
# CHECK: scf.yield
