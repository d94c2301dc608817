# RUN: %python %s | filecheck %s
# Draws with array-valued parameters: NumPy's broadcast check (size is arg
# 0; scale's axis of static length 1 is read at 0), its `scale < 0` check
# on the sign bit of every element, then one call of NumPy's C function per
# element (its constant index 0 the one emitted first). A binomial draw carries NumPy's binomial_t scratch from call to
# call; a choice without replacement calls scanjit's own function
# (runtime/choice.ll), which writes the sample and its scratch.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

rng = pytensor.shared(np.random.default_rng(0))
loc = pt.dvector("loc")
scale = pt.tensor("scale", dtype="float64", shape=(None, 1))
x = pt.random.normal(loc, scale, size=(2, 3), rng=rng)
p = pt.dvector("p")
b = pt.random.binomial(5, p, rng=rng)
c = pt.random.choice(10, size=3, replace=False, rng=rng)
print_stage([loc, scale, p, rng], [x, b, c], "emit")
print_stage([loc, scale, p, rng], [x, b, c], "bufferize")

# CHECK-LABEL: func.func @main(%loc: tensor<?xf64>, %scale: tensor<?x1xf64>, %p: tensor<?xf64>
# CHECK-SAME: %[[RNG:[0-9a-z_]+]]: !llvm.ptr)
# CHECK-NEXT: %[[ZERO:[0-9]+]] = arith.constant 0 : index
# CHECK: sj.check %{{.*}}, "ValueError: shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 with shape (2, 3) and arg 2 with shape ($1, 1)."
# CHECK: sj.check %{{.*}}, "ValueError: shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg 0 with shape (2, 3) and arg 1 with shape ($0,)."
# CHECK: arith.bitcast %{{.*}} : f64 to i64
# CHECK: sj.check %{{.*}}, "ValueError: scale < 0"
# CHECK: scf.for %[[I:[0-9]+]] =
# CHECK: scf.for %[[J:[0-9]+]] =
# CHECK: %[[LOC:[0-9]+]] = tensor.extract %loc[%[[J]]]
# CHECK: %[[SCALE:[0-9]+]] = tensor.extract %scale[%[[I]], %[[ZERO]]]
# CHECK: "sj.call"(%[[RNG]], %[[LOC]], %[[SCALE]]) <{callee = "random_normal", writes = array<i64>}> : (!llvm.ptr, f64, f64) -> f64
# CHECK: sj.check %{{.*}}, "ValueError: p < 0, p > 1 or p contains NaNs"
# CHECK: sj.check %{{.*}}, "ValueError: n < 0"
# CHECK: %[[SCRATCH:[0-9]+]] = "sj.fill"(%{{[0-9]+}}) : (f64) -> tensor<16xf64>
# CHECK: scf.for {{.*}} iter_args(%{{[0-9]+}} = %{{[0-9]+}}, %[[CARRIED:[0-9]+]] = %[[SCRATCH]])
# CHECK: "sj.call"(%[[RNG]], %{{.*}}, %{{.*}}, %[[CARRIED]]) <{callee = "random_binomial", writes = array<i64: 3>}> : (!llvm.ptr, f64, i64, tensor<16xf64>) -> (tensor<16xf64>, i64)
# A sample of 3 out of 10 always fits: that check, of constants, is not emitted.
# CHECK-NOT: Cannot take a larger sample than population
# CHECK: "sj.call"(%[[RNG]], {{.*}}) <{callee = "scanjit_choice", writes = array<i64: 5, 6>}> : (!llvm.ptr, i64, i64, i1, i64, tensor<3xi64>, tensor<?xi64>) -> (tensor<3xi64>, tensor<?xi64>)

# CHECK-LABEL: func.func @main(%loc: memref<?xf64>
# CHECK: func.call @random_normal(
# CHECK: %[[BUFFER:[0-9]+]] = memref.alloc() : memref<16xf64>
# CHECK: func.call @random_binomial(%{{.*}}, %{{.*}}, %{{.*}}, %[[BUFFER]]) : (!llvm.ptr, f64, i64, memref<16xf64>) -> i64
# CHECK: func.call @scanjit_choice({{.*}}) : (!llvm.ptr, i64, i64, i1, i64, memref<3xi64>, memref<?xi64>) -> ()
