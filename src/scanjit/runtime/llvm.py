"""LLVM for the host CPU through llvmlite: the target machine, the O3
pipeline, and MCJIT for the runtime's hand-written modules (the `.ll` files
beside this one)."""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

import llvmlite.binding as llvm_binding
from llvmlite.binding import ffi


@cache
def initialize() -> None:
    llvm_binding.initialize_native_target()
    llvm_binding.initialize_native_asmprinter()


def target_machine() -> llvm_binding.TargetMachine:
    """A fresh host TargetMachine (an MCJIT engine takes ownership of one)."""
    initialize()
    target = llvm_binding.Target.from_default_triple()
    return target.create_target_machine(
        cpu=llvm_binding.get_host_cpu_name(),
        features=llvm_binding.get_host_cpu_features().flatten(),
        opt=3,
        jit=True,
    )


def optimize(module: llvm_binding.ModuleRef) -> llvm_binding.ModuleRef:
    """Run LLVM's O3 pipeline with both vectorizers for the host on `module`
    (verified by the caller)."""
    tm = target_machine()
    module.data_layout = str(tm.target_data)
    tuning = llvm_binding.create_pipeline_tuning_options(speed_level=3)
    tuning.loop_vectorization = True
    tuning.slp_vectorization = True
    builder = llvm_binding.create_pass_builder(tm, tuning)
    passes = builder.getModulePassManager()
    try:
        passes.run(module, builder)
    finally:
        _free_pass_manager(passes)
    return module


def _free_pass_manager(passes: llvm_binding.ModulePassManager) -> None:
    """Free a module pass manager now. llvmlite 0.50 never does: in its MRO
    ObjectRef's no-op `_dispose` hides the real one, so every O3 pipeline
    (~80 KB) leaked. `detach` keeps a fixed llvmlite from freeing it twice."""
    ffi.lib.LLVMPY_DisposeNewModulePassManger(passes)
    passes.detach()


def compile_ir(llvm_ir: str, object_code: bytes | None = None) -> tuple[llvm_binding.ExecutionEngine, bytes]:
    """Optimize and JIT-compile a module of hand-written LLVM IR, or load the
    `object_code` MCJIT generated from it before (then neither the optimizer
    nor the code generator runs): the engine and its object code. The symbols
    it declares must be bound (`llvm_binding.add_symbol`) before."""
    module = llvm_binding.parse_assembly(llvm_ir)
    if object_code is None:
        module.verify()
        module = optimize(module)
    return machine_code(module, object_code)


def machine_code(module: llvm_binding.ModuleRef,
                 object_code: bytes | None = None) -> tuple[llvm_binding.ExecutionEngine, bytes]:
    """MCJIT's engine for `module` (optimized, its symbols bound): the code
    generated now, or `object_code` generated from it before (then the code
    generator does not run); and that object code."""
    engine = llvm_binding.create_mcjit_compiler(module, target_machine())
    generated: list[bytes] = []
    engine.set_object_cache(notify_func=lambda _, code: generated.append(code),
                            getbuffer_func=lambda _: object_code)
    engine.finalize_object()
    return engine, object_code if object_code is not None else (generated[0] if generated else b"")


def fill(name: str, **values) -> str:
    """The LLVM IR file `name` of this package, its `${...}` placeholders
    filled with `values`."""
    text = resources.files("scanjit.runtime").joinpath(name).read_text()
    return string.Template(text).substitute(values)
