# RUN: %python %s | filecheck %s
# Example 4's scan: an scf.for whose iter_args carry the storage of the
# recurrent output (2 initial rows + one per step) and the stacked ratios;
# taps -2 and -1 read rows t and t+1, the step writes row t+2.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

f_init = pt.fvector("f_init")
def step(f2, f1):
    new = f2 + f1
    return new, new / f1
(fib, ratio), _ = pytensor.scan(step, outputs_info=[dict(initial=f_init, taps=[-2, -1]), None], n_steps=10)
print_stage([f_init], [fib, ratio], "emit")

# CHECK: builtin.module attributes {scanjit.result_offsets = array<i64: 2, 0>}
# CHECK-LABEL: func.func @main(%f_init: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>)
# CHECK: sj.check %{{.*}}, "ValueError: output 0 of scan needs 2 initial values for its taps, got $0"(%{{.*}} : index)
# CHECK: %[[FOR:[0-9]+]], %{{.*}} = scf.for %[[T:[0-9]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[STORE:[0-9]+]] = %{{.*}}, %[[RATIOS:[0-9]+]] = %{{.*}}) -> (tensor<?xf32>, tensor<?xf32>)
# CHECK: %[[ROW0:.*]] = arith.addi %[[T]], %{{.*}} : index
# CHECK: tensor.extract %[[STORE]][%[[ROW0]]] : tensor<?xf32>
# CHECK: arith.addf
# CHECK: arith.divf
# CHECK: tensor.insert %{{.*}} into %[[STORE]]
# CHECK: tensor.insert %{{.*}} into %[[RATIOS]][%[[T]]]
# CHECK: scf.yield
# The storage itself is returned; the caller skips its 2 initial rows.
# CHECK: func.return %[[FOR]], %{{.*}} : tensor<?xf32>, tensor<?xf32>
