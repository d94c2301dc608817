"""Integer arithmetic of constants folds where it is built (Builder.emit,
passes/support/folding.py) and in `simplify`: the results stay the same,
a check of a constant true condition is not emitted (one of a value
still is), and clones of folded ops (a fused map's body,
copied into its consumer's loops) read the folded values."""

import numpy as np
import pytest

import scanjit
import scanjit.tensor as pt
from scanjit.driver.pipeline import emit_function, lower
from scanjit.passes import PIPELINE
from scanjit.passes.support.folding import folded, signed
from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr, i1, i8, i64


def constant(value, t):
    return arith.ConstantOp(IntegerAttr(value, t)).result


@pytest.mark.parametrize("op, expected", [
    (lambda: arith.CmpiOp(constant(-1, i64), constant(1, i64), "ult"), 0),  # unsigned: 2**64 - 1 > 1
    (lambda: arith.CmpiOp(constant(-1, i64), constant(1, i64), "slt"), -1),
    (lambda: arith.AddiOp(constant(127, i8), constant(1, i8)), -128),  # wraps
    (lambda: arith.ExtSIOp(constant(-3, i8), i64), -3),
    (lambda: arith.TruncIOp(constant(300, i64), i8), 44),
    (lambda: arith.IndexCastOp(constant(7, i64), IndexType()), 7),
    (lambda: arith.DivUIOp(constant(-2, i8), constant(2, i8)), 127),
    (lambda: arith.AndIOp(constant(-1, i1), constant(0, i1)), 0),
])
def test_folded_values_are_those_of_the_machine(op, expected):
    assert folded(op()) == expected


def test_what_does_not_fold():
    x = arith.ConstantOp(IntegerAttr(5, i64)).result
    assert folded(arith.DivUIOp(x, constant(0, i64))) is None  # runs, and fails, as written
    y = arith.AddiOp(x, x).result
    assert folded(arith.MuliOp(y, x)) is None  # y is not a constant
    assert signed(255, 8) == -1 and signed(-1, 1) == -1


def test_a_check_of_constants_is_not_emitted():
    x, n = pt.dvector("x"), pt.iscalar("n")
    ten = scanjit.scan(lambda h: h * 2, outputs_info=[x], n_steps=10, return_updates=False)
    assert "n_steps of scan must be >= 0" not in str(emit_function([x], [ten]))
    np.testing.assert_array_equal(scanjit.function([x], ten)(np.ones(2))[-1], [1024.0, 1024.0])
    some = scanjit.scan(lambda h: h * 2, outputs_info=[x], n_steps=n, return_updates=False)
    assert "n_steps of scan must be >= 0" in str(emit_function([x, n], [some]))
    with pytest.raises(ValueError, match="n_steps of scan must be >= 0"):
        scanjit.function([x, n], some)(np.ones(3), -1)


def test_a_fused_map_reading_a_folded_constant():
    """polygamma(1, x) * 2 + x: the map's body casts the int8 order; the
    body is cloned into the consumer's loop, where the cast folds."""
    x = pt.dvector("x")
    y = pt.polygamma(np.int8(1), x) * 2 + x
    got = scanjit.function([x], y)(np.array([0.5, 1.0, 3.0]))
    np.testing.assert_allclose(got, scanjit.function([x], y, mode="py")(np.array([0.5, 1.0, 3.0])), rtol=1e-13)


def test_folding_shrinks_the_lowered_ir():
    """Example 3's scan on static lengths: after simplify, no comparison of
    two constants is left."""
    M = pt.tensor("M", dtype="float64", shape=(3, 3))
    s = pt.tensor("s", dtype="float64", shape=(3,))
    out = scanjit.scan(lambda row, acc: row + acc, sequences=[M], outputs_info=[s], return_updates=False)
    module = emit_function([M, s], [out])
    lower(module, PIPELINE[:PIPELINE.index("simplify") + 1])
    for op in module.walk():
        if isinstance(op, arith.CmpiOp):
            assert not all(isinstance(v.owner, arith.ConstantOp) for v in op.operands), op
