"""JIT-compile a module in xDSL's llvm dialect with llvmlite (MCJIT, O3, host CPU).

    compiled = compile_module(module)
    fn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)(
        compiled.address("f"))

`compiled.errors` lists the `scanjit.errors` messages: a non-zero status k
returned by a function means `errors[k - 1]`.
"""

from dataclasses import dataclass, field
from functools import cache, cached_property

import llvmlite.binding as llvm_binding
from llvmlite.binding.executionengine import ExecutionEngine
from xdsl.backend.llvm.convert import convert_module
from xdsl.dialects import llvm
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr

from scanjit.native import numpy_random_symbols

ERRORS = "scanjit.errors"


@cache
def _initialize() -> None:
    llvm_binding.initialize_native_target()
    llvm_binding.initialize_native_asmprinter()
    for name, address in numpy_random_symbols().items():
        llvm_binding.add_symbol(name, address)


def _target_machine() -> llvm_binding.TargetMachine:
    """A fresh host TargetMachine (an MCJIT engine takes ownership of one)."""
    target = llvm_binding.Target.from_default_triple()
    return target.create_target_machine(
        cpu=llvm_binding.get_host_cpu_name(),
        features=llvm_binding.get_host_cpu_features().flatten(),
        opt=3,
        jit=True,
    )


@dataclass
class Compiled:
    llvm_ir: str
    """The LLVM IR as translated from xDSL, before optimization."""
    llvm_ir_opt: str
    """The LLVM IR after the O3 pipeline."""
    errors: list[str]
    """Messages of the error codes: status k means errors[k - 1]."""
    _engine: ExecutionEngine = field(repr=False)

    def address(self, name: str) -> int:
        address = self._engine.get_function_address(name)
        if not address:
            raise KeyError(f"no function @{name} in the compiled module")
        return address

    @cached_property
    def asm(self) -> str:
        """Host assembly, generated from `llvm_ir_opt` independently of the engine."""
        return _target_machine().emit_assembly(llvm_binding.parse_assembly(self.llvm_ir_opt))


def compile_module(module: ModuleOp) -> Compiled:
    """Translate, verify, optimize (O3) and JIT-compile `module` (llvm dialect only)."""
    _initialize()
    ir_module = convert_module(module, fallback_target_triple=llvm_binding.get_process_triple())
    # The translator makes every function external: restore internal linkage so
    # that LLVM inlines single-use helpers (and keeps their noalias facts).
    for op in module.ops:
        if isinstance(op, llvm.FuncOp) and op.body.blocks:
            linkage = op.linkage.linkage.data
            if linkage in ("internal", "private"):
                ir_module.get_global(op.sym_name.data).linkage = linkage
    llvm_ir = str(ir_module)

    mod = llvm_binding.parse_assembly(llvm_ir)
    mod.verify()
    tm = _target_machine()
    mod.data_layout = str(tm.target_data)
    tuning = llvm_binding.create_pipeline_tuning_options(speed_level=3)
    tuning.loop_vectorization = True
    tuning.slp_vectorization = True
    passes = llvm_binding.create_pass_builder(tm, tuning)
    passes.getModulePassManager().run(mod, passes)
    llvm_ir_opt = str(mod)

    # MCJIT code generation mutates `mod`: everything textual is captured above.
    engine = llvm_binding.create_mcjit_compiler(mod, _target_machine())
    engine.finalize_object()
    errors = module.attributes.get(ERRORS, ArrayAttr([]))
    assert isinstance(errors, ArrayAttr)
    return Compiled(
        llvm_ir, llvm_ir_opt, [s.data for s in errors if isinstance(s, StringAttr)], engine
    )
