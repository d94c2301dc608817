# RUN: %python %s | filecheck %s
# A draw inside a scan: the generator's bitgen_t pointer is a function
# argument, used by the call in the loop body (it advances in place); after
# bufferize the call is a func.call of NumPy's C function on buffers.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

rng = pytensor.shared(np.random.default_rng(0))
p = pt.dvector("p")
def step(rng):
    nxt, onehot = pt.random.multinomial(1, p, rng=rng).owner.outputs
    return onehot.argmax(), {rng: nxt}
idx, updates = pytensor.scan(step, non_sequences=[rng], n_steps=4)
print_stage([p, rng], [idx], "emit")
print_stage([p, rng], [idx], "bufferize")

# CHECK-LABEL: func.func @main(%p: tensor<?xf64>
# CHECK-SAME: %[[STATE:[0-9a-z_]+]]: !llvm.ptr)
# CHECK: scf.for
# CHECK: sj.check %{{.*}}, "ValueError: sum(pvals[:-1]) > 1.0"
# CHECK: "sj.call"(%[[STATE]], %{{.*}}, %{{.*}}, %p, %{{.*}}, %{{.*}}) <{callee = "scanjit_multinomial", writes = array<i64: 2, 5>}>
# CHECK: "sj.argmax"

# CHECK-LABEL: func.func @main(%p: memref<?xf64>
# CHECK-SAME: %[[RNG:[0-9a-z_]+]]: !llvm.ptr)
# CHECK: scf.for
# CHECK: func.call @scanjit_multinomial(%[[RNG]], %{{.*}}, %[[COUNTS:.*]], %p, %{{.*}}, %{{.*}}) : (!llvm.ptr, i64, memref<?xi64>, memref<?xf64>, i64, memref<16xf64>) -> ()
# CHECK: memref.load %[[COUNTS]]
# CHECK: func.func private @scanjit_multinomial(!llvm.ptr, i64, memref<?xi64>, memref<?xf64>, i64, memref<16xf64>) -> ()
