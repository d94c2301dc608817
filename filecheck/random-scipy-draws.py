# RUN: %python %s | filecheck %s
# The distributions PyTensor draws through SciPy: SciPy's check of every
# element (here df > 0 and scale >= 0) before any draw, then per element
# NumPy's C function on its arguments (`standard_t(df)`) and SciPy's
# transform of the draw z (z * scale + loc). Cauchy's draws are Boost's
# quantile of uniform doubles: -1 / tan(pi p), p = u - 1 above 1/2.
import sys, os
sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
import scanjit as pytensor
import scanjit.tensor as pt
from print_stage import print_stage

rng = pytensor.shared(np.random.default_rng(0))
df = pt.dvector("df")
scale = pt.dscalar("scale")
x = pt.random.t(df, 1.5, scale, rng=rng)
c = pt.random.cauchy(0.0, 2.0, size=3, rng=rng)
print_stage([df, scale, rng], [x, c], "emit")

# CHECK-LABEL: func.func @main(%df: tensor<?xf64>, %scale: f64
# CHECK-SAME: %[[RNG:[0-9]+]]: !llvm.ptr)
# CHECK: %[[FAILED:[0-9]+]] = scf.for
# CHECK: %[[DF:[0-9]+]] = tensor.extract %df
# CHECK: %[[POSITIVE:[0-9]+]] = arith.cmpf ogt, %[[DF]]
# CHECK: %[[SCALED:[0-9]+]] = arith.cmpf oge, %scale
# CHECK: %[[VALID:[0-9]+]] = arith.andi %[[POSITIVE]], %[[SCALED]]
# CHECK: arith.xori %[[VALID]]
# CHECK: %[[OK:[0-9]+]] = arith.xori %[[FAILED]]
# CHECK: sj.check %[[OK]], "ValueError: Domain error in arguments. {{.*}} Please see the `scipy.stats.t` documentation for details."
# CHECK: scf.for
# CHECK: %[[Z:[0-9]+]] = "sj.call"(%[[RNG]], %{{[0-9]+}}) <{callee = "random_standard_t", writes = array<i64>}> : (!llvm.ptr, f64) -> f64
# CHECK: %[[TIMES:[0-9]+]] = arith.mulf %[[Z]], %scale : f64
# CHECK: arith.addf %[[TIMES]], %{{[0-9]+}} : f64
# CHECK: sj.check %{{[0-9]+}}, "ValueError: Domain error in arguments. {{.*}}`scipy.stats.cauchy`
# CHECK: %[[U:[0-9]+]] = "sj.call"(%[[RNG]]) <{callee = "random_standard_uniform", writes = array<i64>}> : (!llvm.ptr) -> f64
# CHECK: %[[ABOVE:[0-9]+]] = arith.cmpf ogt, %[[U]]
# CHECK: %[[MINUS:[0-9]+]] = arith.subf %[[U]]
# CHECK: %[[P:[0-9]+]] = arith.select %[[ABOVE]], %[[MINUS]], %[[U]] : f64
# CHECK: %[[ANGLE:[0-9]+]] = arith.mulf %{{[0-9]+}}, %[[P]] : f64
# CHECK: %[[TAN:[0-9]+]] = math.tan %[[ANGLE]] : f64
# CHECK: arith.divf %{{[0-9]+}}, %[[TAN]] : f64
