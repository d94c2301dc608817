# RUN: %python %s | filecheck %s
# A scan returning until(cond) is an scf.while carrying the step index and
# the stop flag; outputs are sliced to the number of steps run. bufferize
# keeps its storage in place: the loop carries no buffer.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

x = pt.dscalar("x")
def step(prev):
    new = prev * 2
    return new, pytensor.until(new > 100)
out, _ = pytensor.scan(step, outputs_info=[x], n_steps=50)
print_stage([x], [out], "emit")
print_stage([x], [out], "bufferize")

# CHECK-LABEL: func.func @main(%x: f64) -> tensor<?xf64>
# CHECK: %[[FALSE:[0-9]+]] = arith.constant false
# CHECK: %[[COUNT:[0-9]+]], %{{.*}}, %[[STORE:[0-9]+]] = scf.while (%{{.*}} = %{{.*}}, %{{.*}} = %[[FALSE]], %{{.*}} = %{{.*}}) : (index, i1, tensor<?xf64>) -> (index, i1, tensor<?xf64>)
# CHECK: scf.condition
# CHECK: } do {
# CHECK: arith.cmpf ogt
# CHECK: scf.yield
# CHECK: "sj.slice"(%[[STORE]], %{{.*}}, %{{.*}}, %{{.*}})

# CHECK-LABEL: func.func @main(%x: f64) -> memref<?xf64>
# CHECK: scf.while (%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) : (index, i1) -> (index, i1)
# CHECK: memref.store
