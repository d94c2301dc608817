"""scanjit's passes, and the one pipeline `scanjit.function` runs.

Each pass is an xDSL `ModulePass` in a file of its own; `PASSES` maps a pass
name to its class (imported lazily, so `import scanjit` stays cheap) and
`PIPELINE` is the lowering from the emitted `sj` IR to the `llvm` dialect.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xdsl.passes import ModulePass

_OURS = {
    "remove-dead-iter-args": "remove_dead_iter_args:RemoveDeadIterArgsPass",
    "hoist-loop-invariants": "hoist_loop_invariants:HoistLoopInvariantsPass",
    "push-out-sequence-products": "push_out_sequence_products:PushOutSequenceProductsPass",
    "convert-dot-to-gemm": "convert_dot_to_gemm:ConvertDotToGemmPass",
    "convert-sj-to-loops": "convert_sj_to_loops:ConvertSjToLoopsPass",
    "fold-tensor-dims": "fold_tensor_dims:FoldTensorDimsPass",
    "bufferize": "bufferize:BufferizePass",
    "convert-scf-while-to-cf": "convert_scf_while_to_cf:ConvertScfWhileToCfPass",
    "convert-scf-to-cf": "convert_scf_to_cf:ConvertScfToCfPass",
    "convert-func-to-llvm": "convert_func_to_llvm:ConvertFuncToLLVMPass",
    "convert-cf-to-llvm": "convert_cf_to_llvm:ConvertCfToLLVMPass",
    "convert-arith-to-llvm": "convert_arith_to_llvm:ConvertArithToLLVMPass",
    "convert-math-to-llvm": "convert_math_to_llvm:ConvertMathToLLVMPass",
    "convert-memref-to-llvm": "convert_memref_to_llvm:ConvertMemRefToLLVMPass",
    "scalar-replace-recurrences": "scalar_replace_recurrences:ScalarReplaceRecurrencesPass",
    "math-polynomial-approximation": "math_polynomial_approximation:MathPolynomialApproximationPass",
    "scanjit-lower": "scanjit_lower:ScanjitLowerPass",
    "block-recurrence-columns": "block_recurrence_columns:BlockRecurrenceColumnsPass",
    "outline-parallel-loops": "outline_parallel_loops:OutlineParallelLoopsPass",
    "convert-parallel-to-llvm": "convert_parallel_to_llvm:ConvertParallelToLLVMPass",
    "free-on-error": "free_on_error:FreeOnErrorPass",
    "poll-interrupts": "poll_interrupts:PollInterruptsPass",
    "simplify": "simplify:SimplifyPass",
    "convert-to-llvm": "convert_to_llvm:ConvertToLLVMPass",
    "reconcile-unrealized-casts": "reconcile_unrealized_casts:ReconcileUnrealizedCastsPass",
}

_XDSL = {
    "canonicalize": "canonicalize:CanonicalizePass",
    "cse": "common_subexpression_elimination:CommonSubexpressionElimination",
    "licm": "loop_invariant_code_motion:LoopInvariantCodeMotionPass",
    "dce": "dead_code_elimination:DeadCodeElimination",
}


def _loader(package: str, spec: str) -> Callable[[], type[ModulePass]]:
    module, cls = spec.split(":")
    return lambda: getattr(import_module(f"{package}.{module}"), cls)


PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    **{name: _loader("scanjit.passes", spec) for name, spec in _OURS.items()},
    **{name: _loader("xdsl.transforms", spec) for name, spec in _XDSL.items()},
}

# The whole lowering, in order: tensors -> loops -> buffers -> cf -> llvm.
PIPELINE = [
    "remove-dead-iter-args",
    "push-out-sequence-products",
    "convert-dot-to-gemm",
    "convert-sj-to-loops",
    "fold-tensor-dims",
    "simplify",
    "cse",
    "hoist-loop-invariants",
    "bufferize",
    "scalar-replace-recurrences",
    "block-recurrence-columns",
    "outline-parallel-loops",
    "poll-interrupts",
    "free-on-error",
    "convert-scf-while-to-cf",
    "convert-scf-to-cf",
    "math-polynomial-approximation",
    "convert-func-to-llvm",
    "convert-parallel-to-llvm",
    "convert-to-llvm",  # convert-{cf,arith,math,memref}-to-llvm in one walk
    "reconcile-unrealized-casts",
]


def get_pass(name: str) -> ModulePass:
    return PASSES[name]()()
