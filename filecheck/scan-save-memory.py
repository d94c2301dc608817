# RUN: %python %s | filecheck %s
# When only out[-1] is used, the storage keeps taps-window + 1 rows (a
# constant), indexed modulo that size, instead of window + n_steps rows.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

init, n = pt.dvector("init"), pt.lscalar("n")
out, _ = pytensor.scan(lambda a, b: a + b, outputs_info=[dict(initial=init, taps=[-2, -1])], n_steps=n)
print_stage([init, n], [out[-1]], "emit")
print_stage([init, n], [out], "emit")

# An output nobody reads (Exercise 2's probabilities) keeps window + 1 rows too.
(unused, steps), _ = pytensor.scan(lambda a, b: (a + b, a * b),
                                   outputs_info=[dict(initial=init, taps=[-2, -1]), None], n_steps=n)
print_stage([init, n], [steps], "emit")

# CHECK-LABEL: func.func @main
# CHECK: %[[ROWS:[0-9]+]] = arith.constant 3 : index
# CHECK: tensor.empty(%[[ROWS]]) : tensor<?xf64>
# CHECK: scf.for
# The loop's rows modulo the storage's size: the constant emitted once, above.
# CHECK: arith.remsi %{{.*}}, %[[ROWS]] : index
# CHECK: tensor.extract

# Without out[-1] only, every step keeps its row.
# CHECK-LABEL: func.func @main
# CHECK: %[[ALL:[0-9]+]] = arith.addi %{{.*}}, %{{.*}} : index
# CHECK: tensor.empty(%[[ALL]]) : tensor<?xf64>
# CHECK-NOT: arith.remsi
# CHECK: func.return

# CHECK-LABEL: func.func @main
# CHECK: %[[ROWS2:[0-9]+]] = arith.constant 3 : index
# CHECK: tensor.empty(%[[ROWS2]]) : tensor<?xf64>
# CHECK: arith.remsi
